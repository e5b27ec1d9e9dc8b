"""The show journal: an append-only SQLite table of events, durable before anything acts on them.

One generic table (``seq, ts, kind, payload, actor``) holds show events (kinds ``show.*``) and,
from other parts of the console, audience events and stream-health samples, so the schema knows
nothing about any of them. WAL mode with ``synchronous=FULL``: when :meth:`Journal.append`
returns, the event survives a crash or a power cut; :meth:`Journal.append_many` writes a batch
in one transaction (one commit, one fsync), all or nothing.

The journal holds viewers' names and comments, so it (and its ``-wal``/``-shm``) is created
0600. It is opened only if it is a regular file inside its folder, and neither it nor its
companions is a symbolic link. A writable journal holds its show's writer lock (``lock.py``) for
its lifetime; ``Journal(path, read_only=True)`` takes no lock and writes nothing, so it works
while another process has the show open. A row that is not a well-formed event raises
:class:`MalformedEvent`, naming its seq and what is wrong.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import threading
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.errors import UserError

SCHEMA_VERSION = 1
JOURNAL_COMPANIONS = ("-wal", "-shm", "-journal")
JOURNAL_MODE = 0o600


class MalformedEvent(UserError):
    """A journal row that is not a well-formed event: ``seq`` names it, the message says why."""

    def __init__(self, path: Path, seq: object, kind: object, problem: str) -> None:
        self.seq = seq
        self.kind = kind
        self.problem = problem
        what = f"event #{seq}" + (f" ({kind})" if isinstance(kind, str) and kind else "")
        super().__init__(
            f"journal {path}: {what} is malformed: {problem}: restore the journal from a backup "
            "(`live-console show-state SHOW` shows the state up to it)"
        )


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

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        from console.show import lock as show_lock

        self.path = Path(path)
        self.read_only = read_only
        self._lock = threading.Lock()
        self._writer = None if read_only else show_lock.acquire(self.path.parent)
        try:
            _check_journal_files(self.path)
            self._conn = self._connect_read_only() if read_only else self._connect()
        except BaseException:
            if self._writer is not None:
                self._writer.release()
            raise

    def _connect_read_only(self) -> sqlite3.Connection:
        if not self.path.is_file():
            raise UserError(f"journal {self.path} not found: the show has not been run yet")
        uri = "file:" + urllib.parse.quote(str(self.path.absolute())) + "?mode=ro"
        try:
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(check)
        except sqlite3.DatabaseError as exc:
            raise UserError(
                f"journal {self.path} is damaged ({exc}): restore it from a backup"
            ) from None
        return conn

    def _connect(self) -> sqlite3.Connection:
        name = self.path.name
        if self.path.exists() and self.path.stat().st_size == 0:
            self.path.unlink()  # created but never initialised (crash during create)
        _create_private(self.path)
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
            _make_private(self.path)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise UserError(
                f"journal {self.path} is damaged ({exc}): restore it from a backup, "
                "or move it away to start the show with an empty journal"
            ) from None
        except BaseException:
            conn.close()
            raise
        return conn

    def append(
        self, kind: str, payload: dict[str, Any], actor: str = "host", ts: float = 0.0
    ) -> Event:
        """Write one event and commit; returns it with its sequence number."""
        self._check_writable()
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
        self._check_writable()
        texts = [canonical_json(payload) for _kind, payload, _actor, _ts in rows]
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    seqs = [
                        self._insert(kind, text, actor, ts)
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
        for row in rows:
            yield self._event(row)

    def _event(self, row: tuple[Any, ...]) -> Event:
        seq, ts, kind, payload, actor = row
        if not isinstance(kind, str) or not kind:
            raise MalformedEvent(self.path, seq, None, f"kind {kind!r} is not a name")
        if isinstance(ts, bool) or not isinstance(ts, int | float):
            raise MalformedEvent(self.path, seq, kind, f"time {ts!r} is not a number")
        if not isinstance(actor, str):
            raise MalformedEvent(self.path, seq, kind, f"actor {actor!r} is not text")
        if not isinstance(payload, str):
            raise MalformedEvent(self.path, seq, kind, "payload is not JSON text")
        try:
            data = json.loads(payload)
        except (json.JSONDecodeError, RecursionError):
            raise MalformedEvent(self.path, seq, kind, "payload is not valid JSON") from None
        if not isinstance(data, dict):
            raise MalformedEvent(
                self.path, seq, kind, f"payload is a JSON {type(data).__name__}, not an object"
            )
        return Event(seq=seq, ts=float(ts), kind=kind, payload=data, actor=actor)

    def count(self, prefix: str = "") -> int:
        with self._lock:
            if prefix:
                return self._conn.execute(
                    "SELECT COUNT(*) FROM events WHERE kind >= ? AND kind < ?",
                    (prefix, prefix + "\uffff"),
                ).fetchone()[0]
            return self._conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]

    def export_jsonl(self, dest: str | Path, prefix: str = "") -> int:
        """Write events as JSON lines (0600: viewers' names); returns how many.

        Atomic and never through a link: a temp file beside ``dest`` renamed over it.
        """
        from console.show.safe_files import atomic_writer

        dest = Path(dest)
        n = 0
        with atomic_writer(dest.parent, dest, mode=JOURNAL_MODE) as out:
            for event in self.events(prefix):
                out.write((canonical_json(event.to_dict()) + "\n").encode("utf-8"))
                n += 1
        return n

    def _insert(self, kind: str, text: str, actor: str, ts: float) -> int:
        """One row (inside the caller's transaction); its sequence number."""
        seq = self._conn.execute(
            "INSERT INTO events (ts, kind, payload, actor) VALUES (?, ?, ?, ?)",
            (ts, kind, text, actor),
        ).lastrowid
        assert seq is not None  # sqlite sets it on every INSERT
        return seq

    def _check_writable(self) -> None:
        if self.read_only:
            raise UserError(f"journal {self.path} is open read-only: nothing can be written")

    def close(self) -> None:
        with self._lock:
            self._conn.close()
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.release()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_journal_files(path: Path) -> None:
    """The journal and its companions: regular files (or absent), never symbolic links."""
    for candidate in (path, *(path.with_name(path.name + c) for c in JOURNAL_COMPANIONS)):
        try:
            st = os.lstat(candidate)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise UserError(f"cannot check {candidate}: {exc.strerror}") from None
        if stat.S_ISLNK(st.st_mode):
            raise UserError(
                f"{candidate} is a symbolic link: the console opens only a real journal file "
                "inside the show folder; replace the link with the file"
            )
        if not stat.S_ISREG(st.st_mode):
            raise UserError(f"{candidate} is not a regular file: move it out of the show folder")


def _create_private(path: Path) -> None:
    """Create the journal file 0600 (exclusively, no link followed) if it does not exist yet."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, JOURNAL_MODE)
    except FileExistsError:
        return
    except OSError as exc:
        raise UserError(
            f"cannot create journal {path}: {exc.strerror}: check the folder's permissions"
        ) from None
    os.close(fd)


def _make_private(path: Path) -> None:
    """chmod 0600 the journal and whichever companions exist (SQLite copies the main file's
    mode to -wal/-shm, but a journal made by an older console may be 0644)."""
    for candidate in (path, *(path.with_name(path.name + c) for c in JOURNAL_COMPANIONS)):
        try:
            fd = os.open(candidate, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            if hasattr(os, "fchmod") and stat.S_IMODE(os.fstat(fd).st_mode) != JOURNAL_MODE:
                os.fchmod(fd, JOURNAL_MODE)
        except OSError:
            pass
        finally:
            os.close(fd)
