"""One writer per show folder: an OS lock on ``writer.lock`` held while the show is open.

Two processes writing one show each replay the journal once and then act on stale state (stock
below zero, a lottery closed by a copy that never saw its entrants). So whatever writes a show
folder — the journal, ``catalog.json``, ``layout.json`` … — first takes this lock: ``fcntl.flock``
(POSIX) or ``msvcrt.locking`` (Windows) on ``writer.lock`` in the folder. The kernel releases it
when the process ends, however it ends, so a lock file left by a crashed process is simply taken
over: "stale" means the file is there but nobody holds the lock. The holder writes its pid, its
command line (redacted) and its start time into the file, so a second writer can say who has
the show. Read-only commands never take the lock.

Within one process the lock is shared (counted): the window's folder, its journal and its layout
store hold it together, and it is released when the last of them lets go.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from console.errors import UserError

LOCK_FILE = "writer.lock"
_WIN_LOCK_OFFSET = 1 << 20  # Windows locks a byte range: lock one far from the holder's note

_registry_lock = threading.Lock()
_held: dict[tuple[int, int], _Held] = {}


@dataclass
class _Held:
    fd: int
    path: Path
    count: int


class ShowLock:
    """A hold on a show folder's writer lock; :meth:`release` (or ``with``) lets it go."""

    def __init__(self, key: tuple[int, int], path: Path) -> None:
        self._key: tuple[int, int] | None = key
        self.path = path

    @property
    def held(self) -> bool:
        return self._key is not None

    def release(self) -> None:
        with _registry_lock:
            key, self._key = self._key, None
            if key is None:
                return
            entry = _held.get(key)
            if entry is None:
                return
            entry.count -= 1
            if entry.count > 0:
                return
            del _held[key]
            _unlock(entry.fd)
            os.close(entry.fd)

    def __enter__(self) -> ShowLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def acquire(folder: str | Path) -> ShowLock:
    """Take (or share, within this process) the writer lock of the show ``folder``.

    Raises ``UserError`` naming the holder (pid, command, since when) if another process has
    the show open for writing, or if ``writer.lock`` is a link or not a regular file.
    """
    folder = Path(folder)
    path = folder / LOCK_FILE
    try:
        fst = os.stat(folder)
    except OSError as exc:
        raise UserError(f"show folder {folder} cannot be opened: {exc.strerror}") from None
    key = (fst.st_dev, fst.st_ino)
    with _registry_lock:
        entry = _held.get(key)
        if entry is not None:
            entry.count += 1
            return ShowLock(key, path)
        fd = _open_lock_file(path)
        try:
            if not _try_lock(fd):
                holder = _describe_holder(fd)
                raise UserError(
                    f"the show {folder} is already open for writing by {holder}: close it there "
                    "first (read-only commands such as show-state, report and verify-lottery "
                    "still work)"
                )
            _write_note(fd)
        except BaseException:
            os.close(fd)
            raise
        _held[key] = _Held(fd, path, 1)
        return ShowLock(key, path)


def holder_of(folder: str | Path) -> str | None:
    """Who holds the show's writer lock (one line), or None if nobody does. Never takes it."""
    path = Path(folder) / LOCK_FILE
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        if sys.platform != "win32":
            import fcntl

            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:
                return _describe_holder(fd)
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        return None  # Windows: a read-only handle cannot test the lock; assume free
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------- internals


def _open_lock_file(path: Path) -> int:
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NONBLOCK", 0)  # a FIFO planted there must not hang us
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        if os.path.islink(path):
            raise UserError(
                f"{path} is a symbolic link: the console does not write through links; "
                f"delete {path.name} from the show folder"
            ) from None
        raise UserError(
            f"cannot create {path}: {exc.strerror}: the show folder must be writable"
        ) from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise UserError(f"{path} is not a regular file: delete it from the show folder")
    return fd


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as exc:
        raise UserError(
            f"cannot lock the show folder ({exc.strerror}): keep the show on a local disk"
        ) from None
    return True


def _unlock(fd: int) -> None:
    try:
        if sys.platform == "win32":
            import msvcrt

            os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)
    except OSError:
        pass  # closing the descriptor releases it anyway


def _command_line() -> str:
    from console.redaction import redact

    argv = list(sys.argv) or ["python"]
    first = Path(argv[0]).name
    if first == "__main__.py":
        first = f"python -m {Path(argv[0]).parent.name}"
    elif first in ("-c", ""):
        first = "python -c …"
        argv = argv[:1]
    text = " ".join([first, *argv[1:]])
    return _one_line(redact(text))


def _one_line(text: str, limit: int = 160) -> str:
    text = "".join(c if c.isprintable() else " " for c in str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _write_note(fd: int) -> None:
    note = {
        "pid": os.getpid(),
        "command": _command_line(),
        "since": dt.datetime.now().astimezone().replace(microsecond=0).isoformat(),
    }
    data = (json.dumps(note, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, data)
        os.fsync(fd)
    except OSError:
        pass  # the lock is what counts; the note only helps the next one explain


def _describe_holder(fd: int) -> str:
    """The holder's note as ``pid 123 (live-console window show) since …`` (text is untrusted)."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        raw = os.read(fd, 4096)
        note = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError):
        return "another process (it has not said who it is yet)"
    if not isinstance(note, dict):
        return "another process"
    pid = note.get("pid")
    pid_text = f"pid {pid}" if isinstance(pid, int) else "another process"
    command = _one_line(note.get("command") or "?")
    since = _one_line(note.get("since") or "?", 40)
    return f"{pid_text} ({command}) since {since}"
