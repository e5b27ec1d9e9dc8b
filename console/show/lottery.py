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

Journal format 2 (``"format": 2`` in ``show.lottery_opened``): the seed is never in the journal
before the draw. It is sealed first, durably, in a 0600 file of the show folder
(``lottery-seeds/<lottery id>.seed``, see :class:`SeedVault`); only ``seed_hash`` is journaled at
open, and the seed is revealed into ``show.lottery_drawn``. Format 1 (no ``format`` key) kept the
seed in ``show.lottery_opened``; it still replays and verifies.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.errors import UserError
from console.show.safe_files import check_no_links, write_atomic

RANDOM_BITS = 256
LOTTERY_FORMAT = 2  # the seed is sealed outside the journal until the draw
SEEDS_DIR = "lottery-seeds"
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def seed_hash(seed: bytes) -> str:
    return hashlib.sha256(seed).hexdigest()


def entrant_id(user_id: object) -> str:
    """The one key a viewer enters under: NFC, no surrounding spaces, nothing invisible.

    The audience hub passes ``platform:user id`` (``douyin:123``), so one account enters once
    whatever its display name; an id that differs only by an invisible or control character
    (``douyin:123\u200b``) would be a second entry for the same viewer, so it is refused.
    """
    text = unicodedata.normalize("NFC", str(user_id)).strip()
    if not text:
        raise UserError("lottery entrant without a user id")
    if len(text) > 200:
        raise UserError("lottery entrant: the user id is longer than 200 characters")
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or (
            ch.isspace() and ch != " "
        ):
            raise UserError(
                f"lottery entrant id {text.encode('unicode_escape').decode()[:80]!r} contains an "
                "invisible or control character (U+%04X): pass the platform's plain user id"
                % ord(ch)
            )
    return text


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
    winners: list[str] = []
    while pool and len(winners) < count:
        winners.append(pool.pop(uniform_index(next_int, len(pool))))
    return winners


# ---------------------------------------------------------------------------- the sealed seed


class SeedVault:
    """Lottery seeds kept outside the journal until the draw: one 0600 file per lottery.

    ``<root>/lottery-seeds/<lottery id>.seed`` (an id that is not plain letters, digits, ``-``
    or ``_`` is named by its SHA-256 instead), JSON ``{"lottery_id", "seed", "seed_hash"}``.
    :meth:`seal` writes it atomically and durably (fsync of the file and the folder) without
    following links, so a seed is on disk before the ``show.lottery_opened`` that commits to it
    is journaled; :meth:`unseal` reads it back (no links followed) and refuses a seed whose
    SHA-256 is not the journaled commitment.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    @property
    def folder(self) -> Path:
        return self.root / SEEDS_DIR

    def path(self, lottery_id: str) -> Path:
        name = lottery_id if _SAFE_ID.match(lottery_id) else seed_hash(lottery_id.encode())[:32]
        return self.folder / f"{name}.seed"

    def seal(self, lottery_id: str, seed: bytes) -> Path:
        target = self.path(lottery_id)
        check_no_links(self.root, self.folder)
        try:
            os.mkdir(self.folder, 0o700)
        except FileExistsError:
            pass
        except OSError as exc:
            raise UserError(
                f"cannot create {self.folder} for the lottery seed: {exc.strerror}: "
                "check the show folder's permissions"
            ) from None
        record = {"lottery_id": lottery_id, "seed": seed.hex(), "seed_hash": seed_hash(seed)}
        data = json.dumps(record, sort_keys=True).encode("utf-8")
        write_atomic(self.root, target, data, mode=0o600)
        return target

    def unseal(self, lottery_id: str, commitment: str) -> bytes:
        target = self.path(lottery_id)
        fix = (
            "restore the show folder's lottery-seeds/ from a backup; without it this lottery "
            "cannot be drawn verifiably"
        )
        check_no_links(self.root, target)
        try:
            fd = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            raise UserError(
                f"the sealed seed of lottery {lottery_id} ({target}) is missing: {fix}"
            ) from None
        except OSError as exc:
            raise UserError(
                f"cannot read the sealed seed of lottery {lottery_id} ({target}): "
                f"{exc.strerror}: {fix}"
            ) from None
        try:
            with os.fdopen(fd, "rb") as file:
                record = json.loads(file.read(4096).decode("utf-8"))
            seed = bytes.fromhex(record["seed"])
        except (OSError, ValueError, KeyError, TypeError):
            raise UserError(
                f"the sealed seed of lottery {lottery_id} ({target}) is unreadable: {fix}"
            ) from None
        if record.get("lottery_id") != lottery_id or seed_hash(seed) != commitment:
            raise UserError(
                f"the sealed seed in {target} does not match the commitment journaled for "
                f"lottery {lottery_id}: {fix}"
            )
        return seed


# ---------------------------------------------------------------------------- verification


def _clock(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(epoch))


@dataclass
class VerifyReport:
    """What ``verify-lottery`` found. Three outcomes (:attr:`verdict`, the CLI's exit code):

    - ``VERIFIED`` (0): every check holds and entry closed at the announced time;
    - ``CLOSED EARLY`` (3): every check holds, but entry closed before the announced time, so
      the operator chose the moment the entrant list froze: not a fair draw as announced;
    - ``NOT VERIFIED`` (1): a hash, the entrant list or the winners do not match, or a problem.
    """

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
    notes: list[str] = field(default_factory=list)
    format: int = 1
    announced_close: float | None = None
    closed_at: float | None = None
    closed_early: bool = False
    early_by_s: float = 0.0
    early_reason: str = ""
    early_actor: str = ""

    @property
    def checks_ok(self) -> bool:
        """The seed, the entrant list and the winners all check out (whenever entry closed)."""
        return (
            self.drawn
            and self.seed_hash_ok
            and self.entrants_hash_ok
            and self.entrants_match_log
            and self.winners_ok
            and not self.problems
        )

    @property
    def ok(self) -> bool:
        """Verified as announced: the checks hold and entry was not closed early."""
        return self.checks_ok and not self.closed_early

    @property
    def verdict(self) -> str:
        if not self.checks_ok:
            return "NOT VERIFIED"
        return "CLOSED EARLY" if self.closed_early else "VERIFIED"

    @property
    def exit_code(self) -> int:
        return {"VERIFIED": 0, "CLOSED EARLY": 3}.get(self.verdict, 1)

    def early_text(self) -> str:
        if not self.closed_early or self.closed_at is None or self.announced_close is None:
            return ""
        text = (
            f"entry closed early at {_clock(self.closed_at)}, {self.early_by_s:.0f} s before "
            f"the announced {_clock(self.announced_close)}"
        )
        who = ", ".join(
            x
            for x in (
                f"by {self.early_actor}" if self.early_actor else "",
                f"reason: {self.early_reason}" if self.early_reason else "no reason given",
            )
            if x
        )
        return f"{text} ({who})"

    def to_text(self) -> str:
        def mark(flag: bool) -> str:
            return "ok" if flag else "MISMATCH"

        head = f"lottery {self.lottery_id}: {self.verdict}"
        if self.verdict == "CLOSED EARLY":
            head += " — the draw recomputes, but not as announced"
        lines = [
            head,
            f"  seed SHA-256 (published at open): {self.seed_hash} — {mark(self.seed_hash_ok)}",
            f"  entrant list SHA-256 (journaled at close): {self.entrants_hash} "
            f"({self.entrant_count} entrants) — {mark(self.entrants_hash_ok)}",
            f"  entrant list matches the journaled entries: {mark(self.entrants_match_log)}",
            f"  winners (journaled):   {', '.join(self.journaled_winners) or '-'}",
            f"  winners (recomputed):  {', '.join(self.recomputed_winners) or '-'} — {mark(self.winners_ok)}",
        ]
        if self.closed_early:
            lines.append(f"  CLOSED EARLY: {self.early_text()}")
        elif self.closed_at is not None and self.announced_close is not None:
            lines.append(f"  entry closed at the announced time {_clock(self.announced_close)}")
        lines += [f"  problem: {p}" for p in self.problems]
        lines += [f"  note: {n}" for n in self.notes]
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
    close_actor = ""
    logged: set[str] = set()
    manual = 0
    held_s = 0.0  # entry held while the stream was down: the close time moved on by this
    entries: list[tuple[str, float]] = []
    for e in events:
        if e.kind == "show.promotions_resumed":
            held_s += sum(
                float(i.get("extended_s", 0))
                for i in e.payload.get("items", [])
                if i.get("kind") == "lottery" and i.get("id") == lottery_id
            )
            continue
        if e.payload.get("lottery_id") != lottery_id:
            continue
        if e.kind == "show.lottery_opened":
            opened = e.payload
        elif e.kind == "show.lottery_closed":
            closed, close_actor = e.payload, getattr(e, "actor", "")
        elif e.kind == "show.lottery_drawn":
            drawn = e.payload
        elif e.kind == "show.lottery_entrant_added":
            logged.add(e.payload["user_id"])
            manual += e.payload.get("via") == "manual"
            entries.append((e.payload["user_id"], e.ts))
    if opened is None:
        raise UserError(
            f"no lottery {lottery_id!r} in this show's journal: check the id (see show-state)"
        )
    report.seed_hash = opened["seed_hash"]
    report.format = int(opened.get("format", 1))
    report.announced_close = float(opened["closes_at"]) + held_s
    late = [uid for uid, ts in entries if ts >= report.announced_close]
    if held_s:
        report.notes.append(
            f"entry was held {held_s:.0f} s while the stream was down: it closed at "
            f"{_clock(report.announced_close)} instead of {_clock(float(opened['closes_at']))}"
        )
    if report.format < 2:
        report.notes.append(
            "format 1 journal: the seed was journaled at open, so anyone who could read the "
            "journal could know the winners before entry closed"
        )
    elif "seed" in opened:
        report.problems.append("the seed was journaled at open (format 2 keeps it sealed)")
    if manual:
        report.notes.append(f"{manual} entr{'y' if manual == 1 else 'ies'} added by hand (manual)")
    if late:
        report.problems.append(
            f"{len(late)} entr{'y' if len(late) == 1 else 'ies'} journaled after the announced "
            f"close time {_clock(report.announced_close)}"
        )
    if closed is None:
        report.problems.append("entry has not closed yet: nothing to verify")
        return report
    report.closed_at = float(closed.get("at", report.announced_close))
    report.early_by_s = max(0.0, report.announced_close - report.closed_at)
    # early whether flagged or not: a journal edited to drop the flag still shows the time
    report.closed_early = bool(closed.get("early")) or report.early_by_s > 0
    if report.closed_early:
        report.early_reason = str(closed.get("reason", ""))
        report.early_actor = close_actor
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
                "closes_at": p["closes_at"],
                "seed_hash": p["seed_hash"],
            }
        elif e.kind == "show.lottery_closed":
            proof |= {
                "entrants": p["entrants"],
                "entrants_hash": p["entrants_hash"],
                "closed_at": p.get("at"),
                "closed_early": bool(p.get("early"))
                or float(p.get("at", 0)) < float(proof.get("closes_at", 0)),
            }
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
    if proof.get("closed_early") and proof.get("closed_at") is not None:
        report.closed_early = True
        report.closed_at = float(proof["closed_at"])
        report.announced_close = float(proof.get("closes_at", report.closed_at))
        report.early_by_s = max(0.0, report.announced_close - report.closed_at)
    report.seed_hash_ok = seed_hash(seed) == report.seed_hash
    report.entrants_hash_ok = entrants_hash(ids) == report.entrants_hash
    report.recomputed_winners = draw_winners(seed, report.entrants_hash, ids, count)
    report.winners_ok = report.recomputed_winners == report.journaled_winners
    return report
