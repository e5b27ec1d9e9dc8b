"""The draw: exact reproducibility, statistical uniformity, no modulo bias, tamper detection."""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from collections import Counter

import pytest

from console.errors import UserError
from console.show import commands as c
from console.show.controller import ShowController
from console.show.demo import copy_demo_show
from console.show.lottery import (
    canonical_entrants,
    draw_winners,
    entrants_hash,
    hmac_stream,
    proof_from_events,
    seed_hash,
    uniform_index,
    verify_lottery,
    verify_proof,
)
from tests.unit.show.helpers import FakeClock, Seeds

# chi-square critical values at p = 0.001 (so a correct implementation "fails" 1 in 1000 seeds;
# the seeds are fixed, so the outcome is deterministic, not flaky)
CHI2_999 = {9: 27.877, 99: 148.23}


def chi_square(counts: Counter, bins: int, total: int) -> float:
    expected = total / bins
    return sum((counts.get(i, 0) - expected) ** 2 / expected for i in range(bins))


def test_hash_definitions():
    assert canonical_entrants(["b", "a", "小明", "a"]) == '["a","b","小明"]'.encode()
    assert entrants_hash(["b", "a"]) == hashlib.sha256(b'["a","b"]').hexdigest()
    assert seed_hash(b"\x00" * 32) == hashlib.sha256(b"\x00" * 32).hexdigest()


def test_reproducible_exactly():
    seed = bytes(range(32))
    ids = [f"user{i}" for i in range(50)]
    h = entrants_hash(ids)
    first = draw_winners(seed, h, ids, 5)
    assert first == draw_winners(seed, h, list(reversed(ids)), 5)  # order of input doesn't matter
    assert len(set(first)) == 5 and set(first) <= set(ids)  # without replacement
    assert first != draw_winners(bytes(32), h, ids, 5)  # another seed, another result
    assert first == reference_draw(seed, ids, 5)


def reference_draw(seed: bytes, ids: list[str], k: int) -> list[str]:
    """docs/show.md's definition, written out independently of console.show.lottery."""
    pool = sorted(set(ids))
    digest = hashlib.sha256(
        json.dumps(pool, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    ).digest()
    winners, counter = [], 0
    while pool and len(winners) < k:
        n = len(pool)
        while True:
            mac = hmac.new(seed, digest + counter.to_bytes(8, "big"), "sha256").digest()
            counter += 1
            r = int.from_bytes(mac, "big")
            if r < (2**256 // n) * n:
                break
        winners.append(pool.pop(r % n))
    return winners


@pytest.mark.parametrize("k", [1, 3, 10])
def test_matches_reference_definition(k):
    for i in range(50):
        seed = hashlib.sha256(f"ref-{i}".encode()).digest()
        ids = [f"观众{j}" for j in range(i % 17 + 1)]
        assert draw_winners(seed, entrants_hash(ids), ids, k) == reference_draw(seed, ids, k)


def test_everyone_wins_when_few_entrants():
    assert sorted(draw_winners(b"s" * 32, entrants_hash(["a", "b"]), ["a", "b"], 5)) == ["a", "b"]
    assert draw_winners(b"s" * 32, entrants_hash([]), [], 3) == []


def test_uniform_one_winner_among_ten():
    ids = [f"u{i}" for i in range(10)]
    h = entrants_hash(ids)
    n = 20_000
    counts = Counter()
    for i in range(n):
        seed = hashlib.sha256(f"uniformity-{i}".encode()).digest()
        counts[ids.index(draw_winners(seed, h, ids, 1)[0])] += 1
    assert chi_square(counts, 10, n) < CHI2_999[9]


def test_rejection_sampling_removes_modulo_bias():
    """With 8-bit randoms and n = 100, plain ``r % n`` favours 0..55 (3/256 vs 2/256)."""
    n, draws = 100, 20_000
    stream = hmac_stream(b"bias-test", entrants_hash(["x"]))
    fair = Counter(uniform_index(stream, n, bits=8) for _ in range(draws))
    stream = hmac_stream(b"bias-test", entrants_hash(["x"]))
    naive = Counter((stream() % 256) % n for _ in range(draws))
    assert chi_square(fair, n, draws) < CHI2_999[99]
    assert chi_square(naive, n, draws) > 3 * CHI2_999[99]


def test_uniform_index_bounds():
    stream = hmac_stream(b"k", entrants_hash([]))
    assert {uniform_index(stream, 1) for _ in range(10)} == {0}
    with pytest.raises(ValueError):
        uniform_index(stream, 0)


# ---- end to end through a show folder


@pytest.fixture
def drawn_show(tmp_path):
    show = copy_demo_show(tmp_path / "show")
    clock = FakeClock()
    ctl = ShowController.open(show, clock=clock, token_bytes=Seeds("verify"))
    ctl.execute(c.OpenLottery("耳机", 19900, "keyword", 3, 60, keyword="想要", draw_delay_s=5))
    for i in range(12):
        ctl.execute(c.AddLotteryEntrant("lottery-1", f"u{i:02d}", f"观众{i}", "comment", "想要"))
    clock.advance(65)
    ctl.tick()
    ctl.execute(c.DrawLottery("lottery-1"))
    ctl.close()
    return show


def test_verify_ok(drawn_show):
    report = verify_lottery(drawn_show, "lottery-1")
    assert report.ok, report.to_text()
    assert len(report.journaled_winners) == 3 and report.entrant_count == 12
    assert "VERIFIED" in report.to_text()


def test_verify_unknown_lottery(drawn_show):
    with pytest.raises(UserError, match="no lottery 'lottery-9'"):
        verify_lottery(drawn_show, "lottery-9")


def _tamper(show, kind: str, change) -> None:
    db = sqlite3.connect(show / "journal.sqlite")
    seq, payload = db.execute("SELECT seq, payload FROM events WHERE kind = ?", (kind,)).fetchone()
    data = json.loads(payload)
    change(data)
    db.execute("UPDATE events SET payload = ? WHERE seq = ?", (json.dumps(data), seq))
    db.commit()
    db.close()


def test_verify_detects_tampered_entrant_list(drawn_show):
    def swap(data):
        data["entrants"][0] = "intruder"

    _tamper(drawn_show, "show.lottery_closed", swap)
    report = verify_lottery(drawn_show, "lottery-1")
    assert not report.ok and not report.entrants_hash_ok and not report.entrants_match_log


def test_verify_detects_rehashed_entrant_list(drawn_show):
    """Even with the hash recomputed, the list no longer matches the journaled entries."""

    def swap(data):
        data["entrants"] = sorted([*data["entrants"][1:], "intruder"])
        data["entrants_hash"] = entrants_hash(data["entrants"])

    _tamper(drawn_show, "show.lottery_closed", swap)
    report = verify_lottery(drawn_show, "lottery-1")
    assert not report.ok and report.entrants_hash_ok and not report.entrants_match_log


def test_verify_detects_tampered_seed(drawn_show):
    def swap(data):
        data["seed"] = "00" * 32

    _tamper(drawn_show, "show.lottery_drawn", swap)
    report = verify_lottery(drawn_show, "lottery-1")
    assert not report.ok and not report.seed_hash_ok


def test_verify_detects_changed_winners(drawn_show):
    def swap(data):
        data["winners"] = ["u00", "u01", "u02"]

    _tamper(drawn_show, "show.lottery_drawn", swap)
    report = verify_lottery(drawn_show, "lottery-1")
    assert report.seed_hash_ok and report.entrants_hash_ok and not report.winners_ok


def test_verify_exported_entrants_and_seed(drawn_show, tmp_path):
    from console.show.folder import ShowFolder

    with ShowFolder.open(drawn_show).open_journal() as journal:
        proof = proof_from_events(journal.events("show.lottery_"), "lottery-1")
    assert verify_proof(proof).ok
    published = tmp_path / "entrants.json"
    published.write_text(json.dumps(proof["entrants"]), encoding="utf-8")
    assert verify_lottery(drawn_show, "lottery-1", published, proof["seed"]).ok
    published.write_text(json.dumps(proof["entrants"][:-1]), encoding="utf-8")
    assert not verify_lottery(drawn_show, "lottery-1", published).entrants_hash_ok
    assert not verify_lottery(drawn_show, "lottery-1", seed_hex="11" * 32).seed_hash_ok
    tampered = dict(proof, entrants=proof["entrants"][1:])
    assert not verify_proof(tampered).ok


def test_seed_hidden_until_draw(tmp_path):
    show = copy_demo_show(tmp_path / "show")
    ctl = ShowController.open(show, clock=FakeClock())
    e = ctl.execute(c.OpenLottery("耳机", 19900, "present", 1, 60))
    lot = ctl.state.lotteries["lottery-1"]
    assert e.payload["format"] == 2 and "seed" not in e.payload
    assert lot.revealed_seed == "" and lot.secret_seed == ""
    sealed = json.loads((show / "lottery-seeds" / "lottery-1.seed").read_text())
    assert seed_hash(bytes.fromhex(sealed["seed"])) == lot.seed_hash
    ctl.close()
