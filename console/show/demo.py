"""The demo show shipped in ``resources/demo_show`` (Chinese, with product pictures)."""

from __future__ import annotations

import shutil
from pathlib import Path

from console.errors import UserError
from console.resources import data_dir, read_json

_DEMO_FILES = ("show.json", "catalog.json", "promotions.json", "rundown.json", "layout.json")
_JOURNAL_NAMES = (
    "journal.sqlite",
    "journal.sqlite-wal",
    "journal.sqlite-shm",
    "journal.sqlite-journal",
)


def demo_show_path() -> Path:
    """The shipped demo show. Open a copy (:func:`copy_demo_show`) so it stays clean."""
    return data_dir() / "demo_show"


def copy_demo_show(dest: str | Path) -> Path:
    """Copy the demo show (without any journal or recordings) to ``dest``; returns ``dest``."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UserError(
            f"{dest} already exists and is not empty: pick a new folder for the demo copy"
        )
    source = demo_show_path()
    for name in _DEMO_FILES:  # a broken install says which file, in one line
        read_json("demo_show", name)

    def ignore(folder: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n in _JOURNAL_NAMES or n.endswith(".tmp")}
        if Path(folder).name == "recordings":
            skip |= {n for n in names if n != ".gitkeep"}
        return skip

    shutil.copytree(source, dest, ignore=ignore, dirs_exist_ok=True)
    (dest / "recordings").mkdir(exist_ok=True)
    return dest
