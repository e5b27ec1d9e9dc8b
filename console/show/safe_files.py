"""Writing into a show folder without following links planted in it.

A show folder may come from someone else (a colleague, an agency), so it is untrusted: a symlink
where the console writes (``catalog.json``, ``layout.json``, ``images/…``) or a symlinked folder
inside it would turn our write into a write anywhere the user can write (``~/.bashrc``). Every
write goes through :func:`write_atomic`: an unpredictable temp file created exclusively
(``O_CREAT | O_EXCL``, which never follows a link) beside the target, fsynced, then renamed over
the target, which replaces a link instead of writing through it. Before that, the target and
every folder between the show folder and it must be real (not links) and inside the folder.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from console.errors import UserError


def check_no_links(root: Path, target: Path) -> None:
    """Refuse ``target`` unless it lies inside ``root`` with no symlink on the way (or at it)."""
    root = Path(root)
    target = Path(target)
    try:
        rel = target.relative_to(root)
    except ValueError:
        raise UserError(f"{target} is outside the show folder {root}: refusing to write") from None
    if ".." in rel.parts:
        raise UserError(f"{target} leaves the show folder {root}: refusing to write")
    try:
        if root.is_symlink() and not root.resolve().is_dir():
            raise UserError(f"the show folder {root} is a link to nothing: pick a real folder")
    except OSError:
        pass
    current = root
    for i, part in enumerate(rel.parts):
        current = current / part
        try:
            st = os.lstat(current)
        except FileNotFoundError:
            return  # the rest does not exist yet: nothing below can be a link
        except OSError as exc:
            raise UserError(f"cannot check {current}: {exc.strerror}") from None
        last = i == len(rel.parts) - 1
        if stat.S_ISLNK(st.st_mode):
            raise UserError(
                f"{rel.as_posix()} in the show folder is a symbolic link ({current}): "
                "the console does not write through links; replace it with a real "
                + ("file" if last else "folder")
            )
        if not last and not stat.S_ISDIR(st.st_mode):
            raise UserError(f"{current} should be a folder: fix the show folder")
        if last and not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
            raise UserError(f"{current} is not a regular file: fix the show folder")


@contextlib.contextmanager
def atomic_writer(root: Path, target: Path, mode: int = 0o644) -> Iterator[BinaryIO]:
    """A binary file that becomes ``target`` (inside ``root``) only when the block succeeds.

    For writes too big to build in memory (a journal export): the data goes to an unpredictable
    temp file created exclusively beside the target, which is fsynced and renamed over it at the
    end; if the block raises, the temp file is removed and the target is untouched.
    """
    root = Path(root)
    target = Path(target)
    check_no_links(root, target)
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create {parent}: {exc.strerror}: check permissions") from None
    check_no_links(root, target)  # mkdir may have raced with a link being planted
    fd = -1
    tmp = ""
    try:
        try:
            fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{target.name}.", suffix=".tmp")
            if hasattr(os, "fchmod"):  # POSIX; Windows has no mode bits to set
                os.fchmod(fd, mode)
            out = os.fdopen(fd, "wb")
            fd = -1
        except OSError as exc:
            raise UserError(
                f"cannot write {target}: {exc.strerror or exc}: check the folder's permissions"
            ) from None
        with out:
            yield out
            try:
                out.flush()
                os.fsync(out.fileno())
            except OSError as exc:
                raise UserError(
                    f"cannot write {target}: {exc.strerror or exc}: check free disk space"
                ) from None
        try:
            check_no_links(root, target)
            os.replace(tmp, target)
        except OSError as exc:
            raise UserError(
                f"cannot write {target}: {exc.strerror or exc}: check the folder's permissions"
            ) from None
        tmp = ""
        _fsync_dir(parent)
    finally:
        if fd >= 0:
            os.close(fd)
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def write_atomic(root: Path, target: Path, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``target`` (inside ``root``) atomically, never through a link."""
    try:
        with atomic_writer(root, target, mode) as out:
            out.write(data)
    except OSError as exc:
        raise UserError(
            f"cannot write {target}: {exc.strerror or exc}: check the folder's permissions"
        ) from None


def write_text_atomic(root: Path, target: Path, text: str, mode: int = 0o644) -> None:
    write_atomic(root, target, text.encode("utf-8"), mode)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
