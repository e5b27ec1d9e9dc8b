"""Reading a show's journal for analysis, read-only.

Accepts a show folder (its ``journal.sqlite``), a journal file, or a JSON-lines export
(``Journal.export_jsonl``). A damaged, truncated or malformed source is one ``UserError`` line
naming the file, the line or event, and the reason.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from console.errors import UserError
from console.show.journal import Event


@dataclass
class LoadedShow:
    title: str
    currency: str
    source: Path
    events: list[Event] = field(default_factory=list)


def load_show(path: str | Path) -> LoadedShow:
    """Events of a show folder, a ``journal.sqlite`` or a ``.jsonl`` export, in journal order."""
    path = Path(path)
    title, currency = path.name, "CNY"
    if path.is_dir():
        meta = path / "show.json"
        if meta.is_file():
            try:
                data = json.loads(meta.read_text(encoding="utf-8"))
                title = str(data.get("title") or title)
                currency = str(data.get("currency") or currency)
            except (OSError, ValueError, AttributeError):
                pass  # the journal is what matters here; `show-state` reports a broken show.json
        journal = path / "journal.sqlite"
        if not journal.is_file():
            raise UserError(
                f"{path}: no journal.sqlite: the show has not been run or rehearsed yet "
                f"(try `live-console rehearse {path} --duration 600`)"
            )
        events = _read_sqlite(journal)
        source = journal
    elif path.is_file() and path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        events = _read_jsonl(path)
        source = path
    elif path.is_file():
        events = _read_sqlite(path)
        source = path
    else:
        raise UserError(
            f"{path} not found: give a show folder, a journal.sqlite or a .jsonl export"
        )
    if not events:
        raise UserError(f"{source}: the journal is empty: nothing to report")
    return LoadedShow(title=title, currency=currency, source=source, events=events)


def _read_sqlite(path: Path) -> list[Event]:
    """Read-only (``mode=ro``): a report never writes to the journal it reads."""
    if path.stat().st_size == 0:
        raise UserError(f"journal {path} is empty (0 bytes): restore it from a backup")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise UserError(f"cannot open journal {path}: {exc}") from None
    try:
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(check)
        rows = conn.execute(
            "SELECT seq, ts, kind, payload, actor FROM events ORDER BY seq"
        ).fetchall()
    except sqlite3.DatabaseError as exc:
        raise UserError(
            f"journal {path} is damaged or truncated ({exc}): restore it from a backup"
        ) from None
    finally:
        conn.close()
    events = []
    for seq, ts, kind, payload, actor in rows:
        try:
            data = json.loads(payload)
        except (TypeError, json.JSONDecodeError):
            raise UserError(
                f"journal {path}: event #{seq} ({kind}) is not valid JSON: restore it from a backup"
            ) from None
        if not isinstance(data, dict) or not isinstance(ts, int | float):
            raise UserError(f"journal {path}: event #{seq} ({kind}) is malformed")
        events.append(Event(seq=seq, ts=float(ts), kind=str(kind), payload=data, actor=str(actor)))
    return events


def _read_jsonl(path: Path) -> list[Event]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{path}: not UTF-8 text (byte {exc.start}): re-export the journal"
        ) from None
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from None
    events: list[Event] = []
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        truncated = number == len(lines) and not text.endswith("\n")
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            why = "truncated (the last line is cut off)" if truncated else f"not JSON ({exc.msg})"
            raise UserError(f"{path} line {number}: {why}: re-export the journal") from None
        try:
            event = Event(
                seq=int(data["seq"]),
                ts=float(data["ts"]),
                kind=str(data["kind"]),
                payload=dict(data["payload"]),
                actor=str(data.get("actor", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise UserError(
                f"{path} line {number}: not a journal event (needs seq, ts, kind, payload; {exc})"
            ) from None
        if events and event.seq <= events[-1].seq:
            raise UserError(f"{path} line {number}: event #{event.seq} is out of order")
        events.append(event)
    return events
