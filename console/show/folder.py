"""A show is a folder: the only place ``console.show`` reads or writes files (besides the journal).

    show.json        title, platform, currency, created, version
    catalog.json     products (see catalog.py)
    rundown.json     segments with cues
    promotions.json  coupon / flash-sale / lottery / poll templates
    layout.json      overlay layout (owned by the overlays; stored as-is)
    journal.sqlite   the event journal (+ -wal / -shm while open)
    recordings/      local recordings
    images/          product images (paths in the catalog are relative to the folder)

Everything inside refers to other files by relative path, so the folder can be copied between
machines.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.errors import UserError
from console.show.catalog import Catalog, check_relative_path
from console.show.journal import Journal
from console.show.promotions import Promotions
from console.show.rundown import Rundown

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


def _write_json(path: Path, data: Any) -> None:
    """Write atomically (temp file + rename) so a crash never leaves half a file."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=2)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(path)
    except OSError as exc:
        raise UserError(
            f"cannot write {path}: {exc.strerror}: check the folder's permissions"
        ) from None


class ShowFolder:
    def __init__(self, path: Path, meta: ShowMeta) -> None:
        self.path = path
        self.meta = meta

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
            (path / "recordings").mkdir(exist_ok=True)
            (path / "images").mkdir(exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot create show folder {path}: {exc.strerror}") from None
        meta = ShowMeta(
            title=title.strip(),
            platform=platform,
            currency=currency,
            created=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        )
        _write_json(path / CATALOG_FILE, {"products": []})
        _write_json(path / RUNDOWN_FILE, {"segments": []})
        _write_json(path / PROMOTIONS_FILE, {"templates": []})
        _write_json(path / LAYOUT_FILE, {})
        _write_json(path / SHOW_FILE, meta.to_dict())  # last: its presence means "complete"
        return cls(path, meta)

    @classmethod
    def open(cls, path: str | Path) -> ShowFolder:
        """Open and check a show folder; a ``UserError`` names the file and the problem."""
        path = Path(path)
        if not path.is_dir():
            raise UserError(f"show folder {path} not found: check the path")
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
        folder.recordings_dir.mkdir(exist_ok=True)
        folder.images_dir.mkdir(exist_ok=True)
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
        _write_json(self.path / CATALOG_FILE, {"products": catalog.to_list()})

    def load_promotions(self) -> Promotions:
        file = self.path / PROMOTIONS_FILE
        return Promotions.from_dict(_read_json(file), source=str(file))

    def save_promotions(self, promotions: Promotions) -> None:
        _write_json(self.path / PROMOTIONS_FILE, promotions.to_dict())

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
        _write_json(self.path / RUNDOWN_FILE, rundown.to_dict())

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
        _write_json(self.path / LAYOUT_FILE, layout)

    def open_journal(self) -> Journal:
        return Journal(self.journal_path)


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
