"""What the phone panel drives: the :class:`PanelTarget` protocol.

The live core implements it for real (stream, health); :class:`console.panel.show_target.
ShowPanelTarget` implements it today over a ShowController and an AudienceHub. No Qt here.

``snapshot()`` is a JSON-ready dict with these sections (each optional; the server strips what a
role may not see, :data:`console.panel.roles.SECTIONS`)::

    now          server epoch seconds (the page's countdowns use it against its own clock)
    show         {"pinned": product id or null, "pinned_title", "live": bool}
    products     [{"id","title","price_cents","price","stock","sold","pinned"}]
    coupons      [{"id","label","title","left","quantity","ends_at","active"}]
    flash_sales  [{"id","product_id","title","price","left","ends_at","active"}]
    lotteries    [{"id","prize","phase","entrants","closes_at","draw_at","seed_hash",
                   "winners","how_to_enter","closed_early"}]
    polls        [{"id","question","options","counts","ends_at","active"}]
    chat         [{"seq","nick","text","hidden","flags","user_key","pinned","question"}]
    numbers      {"viewers","peak_viewers","orders","gmv_cents","gmv","conversion","comments_per_min"}
    health       {"state","bitrate_kbps","drops","reconnects"} (read-only)
    rundown      {"index","count","title","elapsed_s","planned_s","teleprompter":[...]}
    stream       {"live": bool}
    templates    {"coupons":[{"id","title"}],"flash_sales":[...],"lotteries":[...],"polls":[...]}
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable


class PanelRefusal(Exception):
    """An action the target refuses (bad arguments, not allowed in the show's state): one line
    for the phone."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@runtime_checkable
class PanelTarget(Protocol):
    """The console as the phone panel sees it. Called from the panel server's worker threads;
    ``act`` may block briefly (a journal write) but never waits on the UI thread."""

    def snapshot(self) -> dict[str, Any]:
        """Everything the panel shows, now (see the module docstring)."""
        ...

    def act(self, action: str, args: dict[str, Any], actor: str) -> None:
        """Do ``action`` (already allowed for the role by :func:`console.panel.roles.check`),
        journaled with ``actor`` (``panel:<device>:<role>``); raise :class:`PanelRefusal`."""
        ...

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback()`` (from any thread) whenever the snapshot may have changed;
        returns unsubscribe."""
        ...
