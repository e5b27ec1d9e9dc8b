"""Process-wide tuning for a long-running live process."""

from __future__ import annotations

import gc
from pathlib import Path


def freeze_startup_heap() -> None:
    """Move everything allocated at start-up out of the garbage collector's reach.

    A full collection walks every tracked object while holding the GIL; with the Qt bindings,
    PyAV and the show loaded that took up to ~100 ms — three frame periods — and a chat flood
    triggers one every few seconds (docs/benchmarks.md, "Chat flood"). Objects that live for
    the whole show need not be scanned again; new garbage is still collected as usual.
    """
    gc.collect()
    gc.freeze()


def write_crash_report(exc_info: tuple | None = None) -> Path:
    """Write the traceback of ``exc_info`` (default: the exception being handled) to a new file
    in the log folder, readable by the owner only (0600), every secret redacted; its path."""
    import datetime as dt
    import os
    import sys
    import traceback

    from platformdirs import user_log_dir

    from console.redaction import redact

    exc_type, exc, tb = exc_info or sys.exc_info()
    from console.resources import version

    text = f"live-console {version()} · Python {sys.version.split()[0]} · {sys.platform}\n"
    text += redact("".join(traceback.format_exception(exc_type, exc, tb)))
    folder = Path(user_log_dir("live-console"))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stem = f"crash-{dt.datetime.now():%Y%m%d-%H%M%S}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    for n in range(1, 1000):
        path = folder / (f"{stem}.txt" if n == 1 else f"{stem}-{n}.txt")
        try:
            fd = os.open(path, flags, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        return path
    raise FileExistsError(f"too many crash reports in {folder}")


def install_excepthook() -> None:
    """An uncaught exception (a Qt slot, a thread) is logged as one redacted line and its
    traceback goes to a crash report (:func:`write_crash_report`), never raw to the terminal."""
    import logging
    import sys
    import threading

    log = logging.getLogger("console")

    def hook(exc_type: type[BaseException], exc: BaseException, tb: object) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)  # type: ignore[arg-type]
            return
        try:
            report = write_crash_report((exc_type, exc, tb))
        except OSError as err:
            log.error("unexpected %s; no crash report (%s)", exc_type.__name__, err.strerror)
            return
        log.error("unexpected %s; details in %s", exc_type.__name__, report)

    sys.excepthook = hook
    threading.excepthook = lambda args: hook(args.exc_type, args.exc_value, args.exc_traceback)  # type: ignore[arg-type]
