"""What an audience source is, and the go-live rule for sources that fake an audience.

A source is any object with::

    name: str
    requires_rehearsal: bool          # True: fakes or replays an audience (simulated, replay)
    def run(self, emit, stop) -> None  # blocks until ``stop`` (a threading.Event) is set

``emit(event)`` takes an :class:`~console.audience.events.AudienceEvent` (or its JSON dict) and
returns False when the hub's queue was full and the event was dropped. The plugin host runs
``run`` on a thread it owns: an exception there disables the source and is reported, nothing
else stops.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from console.audience.events import AudienceEvent

Emit = Callable[[AudienceEvent | dict[str, Any]], bool]

GO_LIVE_REFUSAL = (
    "a simulated audience is attached: faked comments/orders on a real broadcast are "
    "forbidden (网络直播营销管理办法)"
)


class AudienceSource(Protocol):
    name: str
    requires_rehearsal: bool

    def run(self, emit: Emit, stop: threading.Event) -> None: ...


def _requires_rehearsal(source: Any) -> bool:
    if getattr(source, "requires_rehearsal", False):
        return True
    inner = getattr(source, "source", None)  # a plugin handle wraps the source object
    return (
        inner is not None
        and inner is not source
        and bool(getattr(inner, "requires_rehearsal", False))
    )


def check_go_live(sources: Iterable[Any], rehearsal: bool) -> str | None:
    """The reason to refuse going live to a real destination, or None when it is allowed.

    ``sources`` are the attached sources (or plugin handles, see ``PluginHost.attached()``).
    In rehearsal everything is allowed; on a real broadcast a source that fakes or replays an
    audience (``requires_rehearsal``) must be detached first.
    """
    if rehearsal:
        return None
    names = [getattr(s, "name", type(s).__name__) for s in sources if _requires_rehearsal(s)]
    if not names:
        return None
    return f"{GO_LIVE_REFUSAL}: detach {', '.join(names)} or stay in rehearsal"
