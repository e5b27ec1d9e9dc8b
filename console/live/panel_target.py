"""LivePanelTarget: the phone panel's :class:`~console.panel.target.PanelTarget` over the live
core — shared by the window and ``live-console run`` (no Qt here).

The show and its chat are :class:`~console.panel.show_target.ShowPanelTarget`'s (the show
controller and the one audience hub of the show, so the window, ``run`` and every phone see the
same chat); on top of it:

- stream health comes from the LiveSession: ``live`` / ``reconnecting`` / ``off``, the bitrate
  sent over the destinations, the encode's drops and the destinations' reconnects;
- start / stop stream (host role only, by the role table) go to the client's ``go_live(actor)``
  / ``stop_live(actor)`` with the phone's actor ``panel:<device>:host``;
- the live flag follows the LiveSession (:meth:`LivePanelTarget.live_changed`, wired by the
  composition root), so every phone shows ON AIR whoever started the stream.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from console.live.outputs import RECORDING
from console.panel.show_target import ShowPanelTarget
from console.panel.target import PanelRefusal
from console.show.actor import Actor


def _actor(text: str) -> Actor:
    """``panel:DEVICE:ROLE`` → the Actor the journal writes back as the same text."""
    parse = getattr(Actor, "parse", None)
    if parse is not None:
        return parse(text)
    kind, _, rest = text.partition(":")
    device, _, role = rest.rpartition(":")
    return Actor(kind, device=device, role=role)


class LivePanelTarget(ShowPanelTarget):
    """The phone panel over the ShowController, the show's audience hub and the LiveSession."""

    def __init__(
        self,
        controller: Any,
        hub: Any,
        live: Any,
        go_live: Callable[[Actor], None] | None = None,
        stop_live: Callable[[Actor], None] | None = None,
        **kwargs: Any,
    ) -> None:
        self.live = live
        self._go_live, self._stop_live = go_live, stop_live
        super().__init__(controller, hub, health=self._live_health, **kwargs)
        self._live = bool(live.live)

    def live_changed(self, on: bool) -> None:
        self.set_live(on)

    def _live_health(self) -> dict[str, Any]:
        outs = [o for o in self.live.output_stats() if o.name != RECORDING]
        stats = self.live.stats()
        if not self.live.live:
            state = "off"
        elif any(o.state.name == "RECONNECTING" for o in outs):
            state = "reconnecting"
        else:
            state = "live"
        data: dict[str, Any] = {"state": state}
        if stats is not None:
            data["drops"] = int(getattr(stats, "dropped_total", 0) or 0)
        if outs:
            data["bitrate_kbps"] = round(sum(float(o.bitrate_kbps) for o in outs))
            data["reconnects"] = sum(int(o.reconnects) for o in outs)
        return data

    def _do_start_stream(self, args: dict[str, Any], actor: str) -> None:
        if self._go_live is None:
            raise PanelRefusal("the stream is not set up in this console: start it in the window")
        if self.live.live:
            raise PanelRefusal("the stream is already on")
        self._go_live(_actor(actor))

    def _do_stop_stream(self, args: dict[str, Any], actor: str) -> None:
        if self._stop_live is None:
            raise PanelRefusal("the stream is not set up in this console: stop it in the window")
        if not self.live.live:
            raise PanelRefusal("the stream is not on")
        self._stop_live(_actor(actor))
