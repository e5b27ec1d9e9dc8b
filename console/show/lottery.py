"""Fair, auditable lottery draws.

- At open: ``seed = secrets.token_bytes(32)``; ``seed_hash = SHA-256(seed)`` is shown and journaled.
- At close: the entrant list is frozen as the user ids, unique, sorted by Unicode code point,
  serialised as canonical JSON (``json.dumps(ids, ensure_ascii=False, separators=(",", ":"))``,
  UTF-8); ``entrants_hash = SHA-256(those bytes)`` is journaled.
- At the draw the seed is revealed and winners are picked without replacement: for each pick,
  ``r = int(HMAC-SHA256(key=seed, msg=entrants_hash_bytes || counter_u64_be))`` with the counter
  starting at 0 and incremented after every HMAC; with ``n`` entrants left, ``r`` is rejected when
  ``r >= floor(2**256 / n) * n`` (no modulo bias), else the entrant at index ``r % n`` of the
  remaining sorted list wins and is removed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.errors import UserError

RANDOM_BITS = 256


def seed_hash(seed: bytes) -> str:
    return hashlib.sha256(seed).hexdigest()


def canonical_entrants(user_ids: Iterable[str]) -> bytes:
    """The frozen entrant list as bytes: unique ids, sorted, compact JSON, UTF-8."""
    ids = sorted(set(user_ids))
    return json.dumps(ids, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entrants_hash(user_ids: Iterable[str]) -> str:
    return hashlib.sha256(canonical_entrants(user_ids)).hexdigest()


def hmac_stream(seed: bytes, entrants_hash_hex: str) -> Callable[[], int]:
    """Successive 256-bit integers HMAC-SHA256(seed, entrants_hash || counter), counter from 0."""
    prefix = bytes.fromhex(entrants_hash_hex)
    counter = 0

    def next_int() -> int:
        nonlocal counter
        mac = hmac.new(seed, prefix + counter.to_bytes(8, "big"), hashlib.sha256).digest()
        counter += 1
        return int.from_bytes(mac, "big")

    return next_int


def uniform_index(next_int: Callable[[], int], n: int, bits: int = RANDOM_BITS) -> int:
    """A uniform index in ``[0, n)`` from ``bits``-bit random integers by rejection sampling."""
    if n < 1:
        raise ValueError("n must be >= 1")
    space = 1 << bits
    limit = space - space % n  # the largest multiple of n that fits
    while True:
        r = next_int() % space
        if r < limit:
            return r % n


def draw_winners(
    seed: bytes, entrants_hash_hex: str, entrants: Sequence[str], count: int
) -> list[str]:
    """Winners in draw order; all entrants win when there are no more of them than ``count``."""
    pool = sorted(set(entrants))
    next_int = hmac_stream(seed, entrants_hash_hex)
    winners = []
    while pool and len(winners) < count:
        winners.append(pool.pop(uniform_index(next_int, len(pool))))
    return winners


# ---------------------------------------------------------------------------- verification


@dataclass
class VerifyReport:
    lottery_id: str
    drawn: bool = False
    seed_hash_ok: bool = False
    entrants_hash_ok: bool = False
    entrants_match_log: bool = False
    winners_ok: bool = False
    seed_hash: str = ""
    entrants_hash: str = ""
    entrant_count: int = 0
    journaled_winners: list[str] = field(default_factory=list)
    recomputed_winners: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.drawn
            and self.seed_hash_ok
            and self.entrants_hash_ok
            and self.entrants_match_log
            and self.winners_ok
            and not self.problems
        )

    def to_text(self) -> str:
        def mark(flag: bool) -> str:
            return "ok" if flag else "MISMATCH"

        lines = [
            f"lottery {self.lottery_id}: {'VERIFIED' if self.ok else 'NOT VERIFIED'}",
            f"  seed SHA-256 (published at open): {self.seed_hash} — {mark(self.seed_hash_ok)}",
            f"  entrant list SHA-256 (journaled at close): {self.entrants_hash} "
            f"({self.entrant_count} entrants) — {mark(self.entrants_hash_ok)}",
            f"  entrant list matches the journaled entries: {mark(self.entrants_match_log)}",
            f"  winners (journaled):   {', '.join(self.journaled_winners) or '-'}",
            f"  winners (recomputed):  {', '.join(self.recomputed_winners) or '-'} — {mark(self.winners_ok)}",
        ]
        lines += [f"  problem: {p}" for p in self.problems]
        return "\n".join(lines)


def _load_entrants_file(path: Path) -> list[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"entrant list {path} not found: check the path") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"entrant list {path} is not readable JSON ({exc}): re-export it") from None
    if isinstance(data, dict):
        data = data.get("entrants")
    if not isinstance(data, list) or not all(isinstance(x, str) for x in data):
        raise UserError(f"entrant list {path}: expected a JSON list of user ids (or a proof file)")
    return data


def verify_events(
    events: Iterable[Any],
    lottery_id: str,
    entrants: Sequence[str] | None = None,
    seed_hex: str | None = None,
) -> VerifyReport:
    """Verify from journal events; ``entrants``/``seed_hex`` override what the journal holds."""
    report = VerifyReport(lottery_id)
    opened = closed = drawn = None
    logged: set[str] = set()
    for e in events:
        if e.payload.get("lottery_id") != lottery_id:
            continue
        if e.kind == "show.lottery_opened":
            opened = e.payload
        elif e.kind == "show.lottery_closed":
            closed = e.payload
        elif e.kind == "show.lottery_drawn":
            drawn = e.payload
        elif e.kind == "show.lottery_entrant_added":
            logged.add(e.payload["user_id"])
    if opened is None:
        raise UserError(
            f"no lottery {lottery_id!r} in this show's journal: check the id (see show-state)"
        )
    report.seed_hash = opened["seed_hash"]
    if closed is None:
        report.problems.append("entry has not closed yet: nothing to verify")
        return report
    report.entrants_hash = closed["entrants_hash"]
    ids = list(entrants) if entrants is not None else list(closed["entrants"])
    report.entrant_count = len(ids)
    if ids != sorted(set(ids)):
        report.problems.append("entrant list is not sorted and unique (not the canonical form)")
    report.entrants_hash_ok = entrants_hash(ids) == closed["entrants_hash"]
    report.entrants_match_log = set(ids) == logged
    if not report.entrants_match_log:
        report.problems.append(
            f"entrant list differs from the journaled entries "
            f"({len(set(ids) - logged)} extra, {len(logged - set(ids))} missing)"
        )
    if drawn is None and seed_hex is None:
        report.problems.append("not drawn yet: the seed is revealed at the draw")
        return report
    report.drawn = drawn is not None
    report.journaled_winners = list(drawn["winners"]) if drawn else []
    seed_text = seed_hex if seed_hex is not None else drawn["seed"] if drawn else ""
    try:
        seed = bytes.fromhex(seed_text)
    except ValueError:
        report.problems.append("the seed is not hexadecimal")
        return report
    report.seed_hash_ok = seed_hash(seed) == opened["seed_hash"]
    report.recomputed_winners = draw_winners(
        seed, closed["entrants_hash"], sorted(set(ids)), opened["winners"]
    )
    report.winners_ok = report.recomputed_winners == report.journaled_winners
    return report


def verify_lottery(
    show_path: str | Path,
    lottery_id: str,
    entrants_file: str | Path | None = None,
    seed_hex: str | None = None,
) -> VerifyReport:
    """Recompute both hashes and the winners of ``lottery_id`` from a show folder's journal.

    ``entrants_file`` (a JSON list of user ids, or a proof file from :func:`export_proof`) and
    ``seed_hex`` let a third party check the published list and seed instead of the journal's.
    """
    from console.show.folder import ShowFolder

    folder = ShowFolder.open(show_path)
    entrants = _load_entrants_file(Path(entrants_file)) if entrants_file else None
    with folder.open_journal() as journal:
        return verify_events(journal.events("show.lottery_"), lottery_id, entrants, seed_hex)


def proof_from_events(events: Iterable[Any], lottery_id: str) -> dict[str, Any]:
    """What to publish after the draw: the announcement, both hashes, the seed, list and winners."""
    proof: dict[str, Any] = {"lottery_id": lottery_id, "hash": "SHA-256", "draw": "HMAC-SHA256"}
    for e in events:
        if e.payload.get("lottery_id") != lottery_id:
            continue
        p = e.payload
        if e.kind == "show.lottery_opened":
            proof |= {
                "prize": p["prize"],
                "winners_count": p["winners"],
                "entry_rule": p["entry_rule"],
                "keyword": p["keyword"],
                "draw_at": p["draw_at"],
                "seed_hash": p["seed_hash"],
            }
        elif e.kind == "show.lottery_closed":
            proof |= {"entrants": p["entrants"], "entrants_hash": p["entrants_hash"]}
        elif e.kind == "show.lottery_drawn":
            proof |= {"seed": p["seed"], "winners": p["winners"]}
    if "winners" not in proof:
        raise UserError(f"lottery {lottery_id!r} is not drawn yet: export the proof after the draw")
    return proof


def verify_proof(proof: dict[str, Any]) -> VerifyReport:
    """Check a published proof on its own (no journal): hashes and winners."""
    report = VerifyReport(str(proof.get("lottery_id", "?")))
    try:
        seed = bytes.fromhex(proof["seed"])
        ids = list(proof["entrants"])
        report.seed_hash, report.entrants_hash = proof["seed_hash"], proof["entrants_hash"]
        count = int(proof["winners_count"])
        report.journaled_winners = list(proof["winners"])
    except (KeyError, ValueError, TypeError) as exc:
        raise UserError(f"not a lottery proof ({exc}): export it with the console") from None
    report.drawn = True
    report.entrant_count = len(ids)
    report.entrants_match_log = True  # no journal to compare with
    report.seed_hash_ok = seed_hash(seed) == report.seed_hash
    report.entrants_hash_ok = entrants_hash(ids) == report.entrants_hash
    report.recomputed_winners = draw_winners(seed, report.entrants_hash, ids, count)
    report.winners_ok = report.recomputed_winners == report.journaled_winners
    return report
