"""The window's handle on the show: commands in, events out on the UI thread, a 1 Hz tick.

``ShowController`` calls its subscribers on whichever thread executed the command (the UI for
the panels, later an audience or remote-client thread). :class:`ShowBridge` re-emits every
event as the queued Qt signal ``event_received``, so widgets are only ever touched on the UI
thread, in journal order. Commands from the UI run on the UI thread: the journal append is one
small local SQLite write (a few ms), and the answer — event or refusal — is needed at once to
show it inline.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from console.errors import UserError
from console.qt.QtCore import QObject, Qt, QTimer, Signal
from console.show.commands import Command
from console.show.controller import ShowController
from console.show.journal import Event
from console.show.state import ShowState

log = logging.getLogger(__name__)


class ShowBridge(QObject):
    """Runs commands for the UI and hands the controller's events to the UI thread."""

    event_received = Signal(object, object)  # Event, ShowState (right after it) — UI thread
    second_ticked = Signal()  # once a second, after the due transitions were journaled
    command_refused = Signal(str, str)  # command name, reason
    problem = Signal(str)  # a one-line problem with the journal (tick failed)

    _delivered = Signal(object, object)  # emitted on the controller's thread

    def __init__(self, controller: ShowController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.events_seen = 0
        # Queued even from the UI thread: a subscriber never runs inside ``execute``.
        self._delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe: Callable[[], None] | None = controller.subscribe(self._on_event)
        self.timer = QTimer(self, interval=1000, timeout=self.tick)
        self.timer.start()

    # -- controller thread -------------------------------------------------------------------
    def _on_event(self, event: Event, state: ShowState) -> None:
        self._delivered.emit(event, state)

    # -- UI thread ---------------------------------------------------------------------------
    def _deliver(self, event: Event, state: ShowState) -> None:
        self.events_seen += 1
        self.event_received.emit(event, state)

    @property
    def state(self) -> ShowState:
        return self.controller.state

    def now(self) -> float:
        return self.controller.now()

    def execute(self, command: Command, actor: str = "assistant") -> tuple[Event | None, str]:
        """Run one command; ``(event, "")`` or ``(None, reason)`` — never raises a UserError."""
        try:
            return self.controller.execute(command, actor=actor), ""
        except UserError as exc:
            self.command_refused.emit(command.name, str(exc))
            return None, str(exc)

    def tick(self) -> None:
        try:
            self.controller.tick()
        except UserError as exc:
            self.problem.emit(str(exc))
        except Exception as exc:  # a journal that fails mid-show must not kill the window
            log.exception("show tick failed")
            self.problem.emit(f"show clock: {exc}")
        self.second_ticked.emit()

    def close(self) -> None:
        self.timer.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.controller.close()
