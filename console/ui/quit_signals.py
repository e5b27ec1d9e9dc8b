"""SIGINT and SIGTERM quit the window the way its Quit action does: a clean stop, exit 0.

Qt's event loop runs in C, so a Python signal handler alone would wait for the next bytecode;
instead the C-level handler writes the signal number to a socket (``signal.set_wakeup_fd``) that
a ``QSocketNotifier`` watches, and the window is closed from the GUI thread: live outputs stop,
the session ends in the journal, the recording is finalised. A signal that arrives before the
window exists (while the show opens) is kept and acted on as soon as the event loop runs.
"""

from __future__ import annotations

import contextlib
import signal
import socket
from collections.abc import Callable

from console.qt.QtCore import QObject, QSocketNotifier

QUIT_SIGNALS = tuple(s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None)) if s is not None)


class QuitOnSignals(QObject):
    """Watches the wake-up socket; calls ``quit`` (set later with :meth:`bind`) on a signal."""

    def __init__(self) -> None:
        super().__init__()
        self._quit: Callable[[], None] | None = None
        self._pending = False
        self._reader, self._writer = socket.socketpair()
        for sock in (self._reader, self._writer):
            sock.setblocking(False)
        self._old_fd = signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        self._old_handlers = {s: signal.signal(s, _wake_only) for s in QUIT_SIGNALS}
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._ready)

    def bind(self, quit_: Callable[[], None]) -> None:
        """What a signal does from now on (the window's close); runs at once if one came."""
        self._quit = quit_
        if self._pending:
            self._pending = False
            quit_()

    def _ready(self) -> None:
        with contextlib.suppress(BlockingIOError, InterruptedError):
            if not self._reader.recv(64):
                return
        if self._quit is None:
            self._pending = True
        else:
            self._quit()

    def restore(self) -> None:
        """Put back the handlers that were there before (tests; the end of ``run_window``)."""
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._old_fd)
        for sig, old in self._old_handlers.items():
            signal.signal(sig, old)
        self._reader.close()
        self._writer.close()


def _wake_only(signum: int, frame: object) -> None:
    """The Python-level handler: nothing (the wake-up socket already has the signal)."""
