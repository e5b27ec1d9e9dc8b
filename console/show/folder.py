"""A show is a folder: the only place ``console.show`` reads or writes files (besides the journal).

    show.json        title, platform, currency, created, version
    catalog.json     products (see catalog.py)
    rundown.json     segments with cues
    promotions.json  coupon / flash-sale / lottery / poll templates
    layout.json      overlay layout (owned by the overlays; stored as-is)
    journal.sqlite   the event journal (+ -wal / -shm while open), 0600
    writer.lock      who has the show open for writing (see lock.py)
    recordings/      local recordings
    images/          product images (paths in the catalog are relative to the folder)

Everything inside refers to other files by relative path, so the folder can be copied between
machines.

A show folder may come from someone else, so nothing in it is trusted: every write goes through
``safe_files.write_atomic`` (unpredictable temp file, exclusive, no link followed, atomic rename)
and a folder with a symbolic link where the console writes is refused. ``ShowFolder.open(path)``
is read-only; ``open(path, writer=True)`` first takes the show's writer lock (one writer per show,
``lock.py``) and holds it until :meth:`ShowFolder.close`. A write through a read-only folder takes
the lock for the moment of the write, so nothing writes a show another process has open.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.errors import UserError
from console.show import lock as show_lock
from console.show.catalog import Catalog, check_relative_path
from console.show.journal import JOURNAL_COMPANIONS, Journal
from console.show.promotions import Promotions
from console.show.rundown import Rundown
from console.show.safe_files import check_no_links, write_atomic

FORMAT_VERSION = 1
SHOW_FILE = "show.json"
CATALOG_FILE = "catalog.json"
RUNDOWN_FILE = "rundown.json"
PROMOTIONS_FILE = "promotions.json"
LAYOUT_FILE = "layout.json"
JOURNAL_FILE = "journal.sqlite"
PLATFORMS = ("douyin", "kuaishou", "taobao", "bilibili", "wechat", "youtube", "twitch", "other")


@dataclass(frozen=True)
class ShowMeta:
    title: str
    platform: str = "douyin"
    currency: str = "CNY"
    created: str = ""
    version: int = FORMAT_VERSION

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "platform": self.platform,
            "currency": self.currency,
            "created": self.created,
            "version": self.version,
        }


def _write_json(root: Path, path: Path, data: Any) -> None:
    """Write atomically (temp file + rename) so a crash never leaves half a file; never through
    a link planted in the show folder."""
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    write_atomic(root, path, text.encode("utf-8"))


# the places in a show folder the console writes: a link at any of them is refused
WRITE_TARGETS = (
    SHOW_FILE,
    CATALOG_FILE,
    RUNDOWN_FILE,
    PROMOTIONS_FILE,
    LAYOUT_FILE,
    show_lock.LOCK_FILE,
    "images",
    "recordings",
)


def check_writable_show(path: Path) -> None:
    """Refuse a show folder with a symbolic link (or a non-regular file) where the console writes."""
    for name in (*WRITE_TARGETS, JOURNAL_FILE, *(JOURNAL_FILE + c for c in JOURNAL_COMPANIONS)):
        check_no_links(path, path / name)
    for name in ("images", "recordings"):
        target = path / name
        if target.exists() and not target.is_dir():
            raise UserError(f"{target} should be a folder: fix the show folder")


class ShowFolder:
    def __init__(self, path: Path, meta: ShowMeta) -> None:
        self.path = path
        self.meta = meta
        self._writer: show_lock.ShowLock | None = None

    # ---- the writer lock

    @property
    def is_writer(self) -> bool:
        return self._writer is not None and self._writer.held

    def hold_writer(self) -> None:
        """Take the show's writer lock (if not held yet); ``UserError`` names who else has it."""
        if not self.is_writer:
            held = show_lock.acquire(self.path)
            try:
                check_writable_show(self.path)
                for folder in (self.recordings_dir, self.images_dir):
                    _make_dir(self.path, folder)
            except BaseException:
                held.release()
                raise
            self._writer = held

    def close(self) -> None:
        """Let go of the writer lock (the folder stays usable for reading)."""
        held, self._writer = self._writer, None
        if held is not None:
            held.release()

    def __enter__(self) -> ShowFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """The writer lock for one write: the folder's own hold, or a hold just for this write."""
        if self.is_writer:
            yield
            return
        with show_lock.acquire(self.path):
            check_writable_show(self.path)
            yield

    def _save(self, name: str, data: Any) -> None:
        with self._writing():
            _write_json(self.path, self.path / name, data)

    # ---- paths

    @property
    def journal_path(self) -> Path:
        return self.path / JOURNAL_FILE

    @property
    def recordings_dir(self) -> Path:
        return self.path / "recordings"

    @property
    def images_dir(self) -> Path:
        return self.path / "images"

    def resolve(self, relative: str) -> Path:
        """A show-relative path (``images/cup.png``) as a real path; refuses paths leaving the folder."""
        problem = check_relative_path(relative)
        if problem:
            raise UserError(f"{self.path.name}: {problem}")
        return self.path / relative

    # ---- create / open

    @classmethod
    def create(
        cls, path: str | Path, title: str, platform: str = "douyin", currency: str = "CNY"
    ) -> ShowFolder:
        """A new, empty show. Refuses a folder that already has files in it."""
        path = Path(path)
        if not title.strip():
            raise UserError("a show needs a title")
        if platform not in PLATFORMS:
            raise UserError(f"unknown platform {platform!r}: use one of {', '.join(PLATFORMS)}")
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise UserError(f"{path} already exists and is not empty: pick a new folder name")
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot create show folder {path}: {exc.strerror}") from None
        meta = ShowMeta(
            title=title.strip(),
            platform=platform,
            currency=currency,
            created=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        )
        with show_lock.acquire(path):
            if any(p.name != show_lock.LOCK_FILE for p in path.iterdir()):
                raise UserError(f"{path} already exists and is not empty: pick a new folder name")
            for folder in ("recordings", "images"):
                _make_dir(path, path / folder)
            _write_json(path, path / CATALOG_FILE, {"products": []})
            _write_json(path, path / RUNDOWN_FILE, {"segments": []})
            _write_json(path, path / PROMOTIONS_FILE, {"templates": []})
            _write_json(path, path / LAYOUT_FILE, {})
            _write_json(path, path / SHOW_FILE, meta.to_dict())  # last: it means "complete"
        return cls(path, meta)

    @classmethod
    def open(cls, path: str | Path, writer: bool = False) -> ShowFolder:
        """Open and check a show folder; a ``UserError`` names the file and the problem.

        ``writer=True`` takes the show's writer lock before reading anything (so what is read
        cannot go stale under another writer) and refuses links where the console writes;
        call :meth:`close` (or use ``with``) to let it go. Read-only opens write nothing.
        """
        path = Path(path)
        if not path.is_dir():
            raise UserError(f"show folder {path} not found: check the path")
        held = show_lock.acquire(path) if writer else None
        try:
            return cls._open(path, held)
        except BaseException:
            if held is not None:
                held.release()
            raise

    @classmethod
    def _open(cls, path: Path, held: show_lock.ShowLock | None) -> ShowFolder:
        data = _read_json(path / SHOW_FILE)
        if not isinstance(data, dict):
            raise UserError(
                f"{path / SHOW_FILE}: expected an object with title, platform, currency"
            )
        version = data.get("version", FORMAT_VERSION)
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise UserError(
                f"{path / SHOW_FILE}: format version {version!r} is newer than this console "
                f"understands ({FORMAT_VERSION}): update the console"
            )
        title = data.get("title")
        if not isinstance(title, str) or not title.strip():
            raise UserError(f"{path / SHOW_FILE}: missing title")
        meta = ShowMeta(
            title=title,
            platform=str(data.get("platform") or "other"),
            currency=str(data.get("currency") or "CNY"),
            created=str(data.get("created") or ""),
            version=version,
        )
        folder = cls(path, meta)
        if held is not None:
            check_writable_show(path)
            for sub in (folder.recordings_dir, folder.images_dir):
                _make_dir(path, sub)
            folder._writer = held
        # load everything once now so a broken file is reported at open, not mid-show
        catalog = folder.load_catalog()
        promotions = folder.load_promotions()
        folder.load_rundown(promotions, {p.id for p in catalog})
        folder.load_layout()
        return folder

    # ---- parts

    def load_catalog(self) -> Catalog:
        file = self.path / CATALOG_FILE
        catalog = Catalog.from_list(_read_json(file), source=str(file))
        for product in catalog:
            for ref in product.images:
                if not ref.startswith(("http://", "https://")) and not (self.path / ref).is_file():
                    raise UserError(
                        f"{file}: product {product.id!r}: image {ref} is missing from the show folder"
                    )
        return catalog

    def save_catalog(self, catalog: Catalog) -> None:
        self._save(CATALOG_FILE, {"products": catalog.to_list()})

    def load_promotions(self) -> Promotions:
        file = self.path / PROMOTIONS_FILE
        return Promotions.from_dict(_read_json(file), source=str(file))

    def save_promotions(self, promotions: Promotions) -> None:
        self._save(PROMOTIONS_FILE, promotions.to_dict())

    def load_rundown(
        self, promotions: Promotions | None = None, product_ids: set[str] | None = None
    ) -> Rundown:
        file = self.path / RUNDOWN_FILE
        if promotions is None:
            promotions = self.load_promotions()
        if product_ids is None:
            product_ids = {p.id for p in self.load_catalog()}
        return Rundown.from_dict(_read_json(file), promotions, product_ids, source=str(file))

    def save_rundown(self, rundown: Rundown) -> None:
        self._save(RUNDOWN_FILE, rundown.to_dict())

    def load_layout(self) -> dict[str, Any]:
        """The overlay layout; an absent layout.json is an empty layout (defaults apply)."""
        file = self.path / LAYOUT_FILE
        if not file.exists():
            return {}
        data = _read_json(file)
        if not isinstance(data, dict):
            raise UserError(f"{file}: expected a JSON object")
        return data

    def save_layout(self, layout: dict[str, Any]) -> None:
        self._save(LAYOUT_FILE, layout)

    def open_journal(self, read_only: bool = True) -> Journal:
        """The journal, read-only unless ``read_only=False``: a writable journal takes the show's
        writer lock for its lifetime (``ShowController.open`` does that)."""
        return Journal(self.journal_path, read_only=read_only)


def _make_dir(root: Path, folder: Path) -> None:
    check_no_links(root, folder)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create {folder}: {exc.strerror}: check permissions") from None
    check_no_links(root, folder)


def _read_json(file: Path) -> Any:
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{file} is missing: restore it or recreate the show") from None
    except UnicodeDecodeError:
        raise UserError(f"{file} is not UTF-8 text: save it as UTF-8") from None
    except OSError as exc:
        raise UserError(f"cannot read {file}: {exc.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(
            f"{file} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}): fix the file"
        ) from None
