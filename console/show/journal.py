"""The show journal: an append-only SQLite table of events, durable before anything acts on them.

One generic table (``seq, ts, kind, payload, actor``) holds show events (kinds ``show.*``) and,
from other parts of the console, audience events and stream-health samples, so the schema knows
nothing about any of them. WAL mode with ``synchronous=FULL``: when :meth:`Journal.append`
returns, the event survives a crash or a power cut; :meth:`Journal.append_many` writes a batch
in one transaction (one commit, one fsync), all or nothing.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.errors import UserError

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    ts      REAL    NOT NULL,
    kind    TEXT    NOT NULL,
    payload TEXT    NOT NULL,
    actor   TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS events_kind ON events (kind);
"""


@dataclass(frozen=True)
class Event:
    """A journaled fact. ``ts`` is epoch seconds from the controller's clock."""

    seq: int
    ts: float
    kind: str
    payload: dict[str, Any] = field(hash=False)
    actor: str = "host"

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "ts": self.ts,
            "kind": self.kind,
            "payload": self.payload,
            "actor": self.actor,
        }


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class Journal:
    """Thread-safe; one connection guarded by a lock."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn = self._connect()

    def _connect(self) -> sqlite3.Connection:
        name = self.path.name
        if self.path.exists() and self.path.stat().st_size == 0:
            self.path.unlink()  # created but never initialised (crash during create)
        try:
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        except sqlite3.Error as exc:
            raise UserError(f"cannot open journal {self.path}: {exc}") from None
        try:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise UserError(
                    f"journal {self.path}: the file system does not support SQLite WAL: "
                    "keep the show folder on a local disk"
                )
            conn.execute("PRAGMA synchronous=FULL")
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(check)
            conn.executescript(_SCHEMA)
            row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
            elif int(row[0]) > SCHEMA_VERSION:
                raise UserError(
                    f"journal {name} was written by a newer console (schema {row[0]}): update the console"
                )
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise UserError(
                f"journal {self.path} is damaged ({exc}): restore it from a backup, "
                "or move it away to start the show with an empty journal"
            ) from None
        return conn

    def append(
        self, kind: str, payload: dict[str, Any], actor: str = "host", ts: float = 0.0
    ) -> Event:
        """Write one event and commit; returns it with its sequence number."""
        text = canonical_json(payload)
        with self._lock:
            try:
                cur = self._conn.execute(
                    "INSERT INTO events (ts, kind, payload, actor) VALUES (?, ?, ?, ?)",
                    (ts, kind, text, actor),
                )
            except sqlite3.Error as exc:
                raise UserError(
                    f"cannot write to journal {self.path} ({exc}): check free disk space"
                ) from None
            seq = cur.lastrowid
        assert seq is not None
        return Event(seq=seq, ts=ts, kind=kind, payload=json.loads(text), actor=actor)

    def append_many(self, rows: Sequence[tuple[str, dict[str, Any], str, float]]) -> list[Event]:
        """Write ``(kind, payload, actor, ts)`` rows in one transaction and commit once.

        All or nothing: when this returns, every row is durable (WAL, ``synchronous=FULL``) and
        numbered in order; when it raises (:class:`UserError`), none was written. One commit
        per batch instead of one per event is what lets the audience hub keep up with a flood.
        """
        if not rows:
            return []
        texts = [canonical_json(payload) for _kind, payload, _actor, _ts in rows]
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    seqs = [
                        self._conn.execute(
                            "INSERT INTO events (ts, kind, payload, actor) VALUES (?, ?, ?, ?)",
                            (ts, kind, text, actor),
                        ).lastrowid
                        for (kind, _payload, actor, ts), text in zip(rows, texts, strict=True)
                    ]
                    self._conn.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise UserError(
                    f"cannot write to journal {self.path} ({exc}): check free disk space"
                ) from None
        return [
            Event(seq=seq, ts=ts, kind=kind, payload=json.loads(text), actor=actor)
            for seq, (kind, _payload, actor, ts), text in zip(seqs, rows, texts, strict=True)
        ]

    def events(self, prefix: str = "", after_seq: int = 0) -> Iterator[Event]:
        """Events in order, optionally only kinds starting with ``prefix`` (e.g. ``"show."``)."""
        sql = "SELECT seq, ts, kind, payload, actor FROM events WHERE seq > ?"
        args: list[Any] = [after_seq]
        if prefix:
            # a range on the kind index: prefix <= kind < prefix + U+FFFF
            sql += " AND kind >= ? AND kind < ?"
            args += [prefix, prefix + "\uffff"]
        sql += " ORDER BY seq"
        with self._lock:
            try:
                rows = self._conn.execute(sql, args).fetchall()
            except sqlite3.DatabaseError as exc:
                raise UserError(
                    f"journal {self.path} is damaged ({exc}): restore it from a backup"
                ) from None
        for seq, ts, kind, payload, actor in rows:
            try:
                data = json.loads(payload)
            except json.JSONDecodeError:
                raise UserError(
                    f"journal {self.path}: event #{seq} is not valid JSON: restore it from a backup"
                ) from None
            yield Event(seq=seq, ts=ts, kind=kind, payload=data, actor=actor)

    def count(self, prefix: str = "") -> int:
        with self._lock:
            if prefix:
                return self._conn.execute(
                    "SELECT COUNT(*) FROM events WHERE kind >= ? AND kind < ?",
                    (prefix, prefix + "\uffff"),
                ).fetchone()[0]
            return self._conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]

    def export_jsonl(self, dest: str | Path, prefix: str = "") -> int:
        """Write events as JSON lines; returns how many."""
        n = 0
        with Path(dest).open("w", encoding="utf-8") as out:
            for event in self.events(prefix):
                out.write(canonical_json(event.to_dict()) + "\n")
                n += 1
        return n

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
