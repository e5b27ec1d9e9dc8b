"""Opening a show as its writer, and the user's copy of the demo show (no Qt: the window and the
headless commands open a show the same way)."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from platformdirs import user_data_dir

from console.settings import config_dir
from console.show.controller import ShowController
from console.show.demo import copy_demo_show
from console.show.folder import ShowFolder

DEMO_SHOW_ID = "demo"
DEMO_TITLE = "演示直播间 · Demo show"


def demo_show_folder() -> Path:
    """The user's copy of the demo show, made once (atomically) and then kept."""
    dest = Path(user_data_dir("live-console")) / "shows" / "demo"
    if (dest / "show.json").is_file():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    # an unpredictable, exclusively created folder: nothing planted can redirect the copy
    tmp = Path(tempfile.mkdtemp(dir=dest.parent, prefix=".demo-", suffix=".tmp"))
    copy_demo_show(tmp)
    if dest.exists():  # an incomplete earlier copy (no show.json): replace it
        shutil.rmtree(dest)
    tmp.rename(dest)
    print(  # first run on this account: say what was set up, and where
        f"live-console: first run: copied the demo show to {dest}; "
        f"settings will be kept in {config_dir()}",
        file=sys.stderr,
    )
    return dest


def open_show(
    show_path: str | Path | None, clock: Callable[[], float] = time.time
) -> tuple[ShowFolder, ShowController]:
    """``(folder, controller)`` for ``show_path`` (None: the demo copy); UserError if unusable.

    The window is the show's writer: the folder's writer lock is taken before anything is read
    and held until ``controller.close()``; a show another process has open is refused in one
    line naming it (pid, command, since when)."""
    path = demo_show_folder() if show_path is None else Path(show_path)
    folder = ShowFolder.open(path, writer=True)
    try:
        return folder, ShowController.open(folder, clock=clock)
    except BaseException:
        folder.close()
        raise
