"""ShowTarget: a :class:`~console.control.target.ControlTarget` over the parts that exist today.

- the show: a :class:`~console.show.controller.ShowController`; the vendor ``live-console``
  turns requests into show commands journaled with the actor ``control:<client>``, and every
  journaled show event becomes a ``VendorEvent``;
- the stream and the recording: :class:`OutputHooks` (start / stop / stats callables — the live
  core passes its outputs; tests pass their own);
- scenes: named lists of overlay layers (scene items with enabled flags), inputs: audio sources
  with mute and volume (dB), each change handed to an optional hook;
- hotkeys: ``live-console.<VendorRequest>`` for the show requests that need no id, plus any
  named callables.

No Qt here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from console.control import requests as rq
from console.control.obsws import VENDOR_NAME
from console.control.target import (
    AudioInput,
    ControlError,
    EventSink,
    OutputStatus,
    SceneItem,
    TargetStats,
)
from console.show import commands as c
from console.show.controller import ShowController
from console.show.journal import Event
from console.show.state import SHOW_PREFIX, ShowState

log = logging.getLogger(__name__)

DEFAULT_LAYERS = ("Camera", "Product card", "Coupon", "Flash sale", "Lottery", "Poll", "Chat")
DEFAULT_INPUTS = ("Mic", "Media")


@dataclass
class OutputHooks:
    """How to start and stop one output. ``stop`` may return the recording's path; ``stats``
    returns any of ``bytes``, ``congestion``, ``reconnecting``, ``skipped_frames``,
    ``total_frames``."""

    start: Callable[..., None]  # () or (client) with ``with_client``
    stop: Callable[..., str | None]
    stats: Callable[[], dict[str, Any]] | None = None
    #: ``start(client)`` / ``stop(client)``: the hooks take the calling client's name (for the
    #: journal's actor ``control:<client>``)
    with_client: bool = False


class _Output:
    def __init__(self, hooks: OutputHooks | None, name: str) -> None:
        self.hooks = hooks
        self.name = name
        self.started: float | None = None
        self.path = ""

    def status(self) -> OutputStatus:
        if self.started is None:
            return OutputStatus()
        extra = (self.hooks.stats() if self.hooks and self.hooks.stats else None) or {}
        return OutputStatus(
            active=True,
            reconnecting=bool(extra.get("reconnecting", False)),
            duration_ms=int((time.monotonic() - self.started) * 1000),
            congestion=float(extra.get("congestion", 0.0)),
            bytes=int(extra.get("bytes", 0)),
            skipped_frames=int(extra.get("skipped_frames", 0)),
            total_frames=int(extra.get("total_frames", 0)),
        )

    def require(self) -> OutputHooks:
        if self.hooks is None:
            raise ControlError(
                rq.REQUEST_PROCESSING_FAILED, f"the {self.name} is not set up in this console"
            )
        return self.hooks


def _camel(kind: str) -> str:
    """``show.product_pinned`` → ``ProductPinned``."""
    return "".join(part.capitalize() for part in kind.removeprefix(SHOW_PREFIX).split("_"))


class ShowTarget:
    """The console as obs-websocket clients see it, over a ShowController and output hooks."""

    def __init__(
        self,
        controller: ShowController,
        stream: OutputHooks | None = None,
        record: OutputHooks | None = None,
        scenes: dict[str, list[str]] | None = None,
        inputs: list[str] | tuple[str, ...] = DEFAULT_INPUTS,
        hotkeys: dict[str, Callable[[str], None]] | None = None,
        on_layer: Callable[[str, str, bool], None] | None = None,
        on_input: Callable[[AudioInput], None] | None = None,
        on_scene: Callable[[str], None] | None = None,
    ) -> None:
        self.controller = controller
        self._lock = threading.RLock()
        self._stream = _Output(stream, "stream")
        self._record = _Output(record, "recording")
        layers = scenes or {"Live": list(DEFAULT_LAYERS)}
        self._scenes: dict[str, list[SceneItem]] = {
            name: [SceneItem(i + 1, layer, True, i) for i, layer in enumerate(items)]
            for name, items in layers.items()
        }
        self._current = next(iter(self._scenes))
        self._inputs = {name: AudioInput(name, uuid=name) for name in inputs}
        self._hotkeys = dict(hotkeys or {})
        self._on_layer, self._on_input, self._on_scene = on_layer, on_input, on_scene
        self._sink: EventSink | None = None
        self._launched: dict[tuple[str, str], str] = {}  # (kind, template id) → live id
        self._unsubscribe = controller.subscribe(self._show_changed)
        self._vendor: dict[str, Callable[[dict[str, Any], str], dict[str, Any]]] = {
            "PinProduct": self._pin,
            "UnpinProduct": lambda d, a: self._run(c.UnpinProduct(), a),
            "LaunchCoupon": lambda d, a: self._launch("coupon", "couponId", d, a),
            "StopCoupon": lambda d, a: self._stop("coupon", "couponId", d, a),
            "StartFlashSale": lambda d, a: self._launch("flash_sale", "flashSaleId", d, a),
            "StopFlashSale": lambda d, a: self._stop("flash_sale", "flashSaleId", d, a),
            "OpenLottery": lambda d, a: self._launch("lottery", "lotteryId", d, a),
            "CloseLottery": lambda d, a: self._stop("lottery", "lotteryId", d, a),
            "DrawLottery": lambda d, a: self._stop("lottery_draw", "lotteryId", d, a),
            "StartPoll": lambda d, a: self._launch("poll", "pollId", d, a),
            "StopPoll": lambda d, a: self._stop("poll", "pollId", d, a),
            "NextSegment": lambda d, a: self._run(c.AdvanceRundown(), a),
            "GetShowState": lambda d, a: self.show_state(),
        }

    def close(self) -> None:
        self._unsubscribe()

    # ---- events

    def set_event_sink(self, sink: EventSink | None) -> None:
        self._sink = sink

    def _emit(self, event_type: str, data: dict[str, Any]) -> None:
        sink = self._sink
        if sink is not None:
            sink(event_type, data)

    def _show_changed(self, event: Event, state: ShowState) -> None:
        self._emit(
            "VendorEvent",
            {
                "vendorName": VENDOR_NAME,
                "eventType": _camel(event.kind),
                "eventData": {
                    "kind": event.kind,
                    "seq": event.seq,
                    "actor": event.actor,
                    "ts": event.ts,
                    "payload": event.payload,
                },
            },
        )

    # ---- outputs

    def stream_status(self) -> OutputStatus:
        return self._stream.status()

    def start_stream(self, client: str = "obs-websocket") -> None:
        self._start(self._stream, "StreamStateChanged", client)

    def stop_stream(self, client: str = "obs-websocket") -> None:
        self._stop_output(self._stream, "StreamStateChanged", client)

    def record_status(self) -> OutputStatus:
        return self._record.status()

    def start_record(self, client: str = "obs-websocket") -> None:
        self._start(self._record, "RecordStateChanged", client)

    def stop_record(self, client: str = "obs-websocket") -> str:
        return self._stop_output(self._record, "RecordStateChanged", client)

    def _state_event(self, output: _Output, event_type: str, state: str, active: bool) -> None:
        data: dict[str, Any] = {"outputActive": active, "outputState": state}
        if event_type == "RecordStateChanged":
            data["outputPath"] = output.path or None
        self._emit(event_type, data)

    def _start(self, output: _Output, event_type: str, client: str = "obs-websocket") -> None:
        hooks = output.require()
        with self._lock:
            if output.started is not None:
                raise ControlError(rq.OUTPUT_RUNNING, f"the {output.name} is already running")
            self._state_event(output, event_type, "OBS_WEBSOCKET_OUTPUT_STARTING", False)
            try:
                hooks.start(client) if hooks.with_client else hooks.start()
            except Exception:
                self._state_event(output, event_type, "OBS_WEBSOCKET_OUTPUT_STOPPED", False)
                raise
            output.started = time.monotonic()
            output.path = ""
            self._state_event(output, event_type, "OBS_WEBSOCKET_OUTPUT_STARTED", True)

    def _stop_output(self, output: _Output, event_type: str, client: str = "obs-websocket") -> str:
        hooks = output.require()
        with self._lock:
            if output.started is None:
                raise ControlError(rq.OUTPUT_NOT_RUNNING, f"the {output.name} is not running")
            self._state_event(output, event_type, "OBS_WEBSOCKET_OUTPUT_STOPPING", True)
            try:
                stopped = hooks.stop(client) if hooks.with_client else hooks.stop()
                output.path = str(stopped or "")
            finally:
                output.started = None
                self._state_event(output, event_type, "OBS_WEBSOCKET_OUTPUT_STOPPED", False)
            return output.path

    # ---- scenes and layers

    def scene_names(self) -> list[str]:
        return list(self._scenes)

    def current_scene(self) -> str:
        return self._current

    def set_current_scene(self, name: str) -> None:
        if name not in self._scenes:
            raise ControlError(rq.RESOURCE_NOT_FOUND, f"no scene {name!r}")
        with self._lock:
            changed, self._current = name != self._current, name
        if changed:
            if self._on_scene is not None:
                self._on_scene(name)
            self._emit("CurrentProgramSceneChanged", {"sceneName": name, "sceneUuid": name})

    def scene_items(self, scene: str) -> list[SceneItem]:
        return list(self._scenes.get(scene, []))

    def set_scene_item_enabled(self, scene: str, item_id: int, enabled: bool) -> None:
        with self._lock:
            items = self._scenes[scene]
            index = next(i for i, item in enumerate(items) if item.item_id == item_id)
            item = items[index]
            items[index] = replace(item, enabled=enabled)
        if self._on_layer is not None:
            self._on_layer(scene, item.source_name, enabled)
        self._emit(
            "SceneItemEnableStateChanged",
            {
                "sceneName": scene,
                "sceneUuid": scene,
                "sceneItemId": item_id,
                "sceneItemEnabled": enabled,
            },
        )

    # ---- inputs

    def inputs(self) -> list[AudioInput]:
        return list(self._inputs.values())

    def set_input_muted(self, name: str, muted: bool) -> None:
        with self._lock:
            source = self._inputs[name] = replace(self._inputs[name], muted=muted)
        if self._on_input is not None:
            self._on_input(source)
        self._emit(
            "InputMuteStateChanged",
            {"inputName": name, "inputUuid": source.uuid, "inputMuted": muted},
        )

    def set_input_volume_db(self, name: str, volume_db: float) -> None:
        with self._lock:
            source = self._inputs[name] = replace(self._inputs[name], volume_db=volume_db)
        if self._on_input is not None:
            self._on_input(source)
        self._emit(
            "InputVolumeChanged",
            {
                "inputName": name,
                "inputUuid": source.uuid,
                "inputVolumeMul": rq.db_to_mul(volume_db),
                "inputVolumeDb": volume_db,
            },
        )

    # ---- hotkeys

    _SHOW_HOTKEYS = ("NextSegment", "UnpinProduct")

    def hotkeys(self) -> list[str]:
        return [f"{VENDOR_NAME}.{name}" for name in self._SHOW_HOTKEYS] + list(self._hotkeys)

    def trigger_hotkey(self, name: str, client: str) -> None:
        if name in self._hotkeys:
            self._hotkeys[name](client)
            return
        self.vendor_request(VENDOR_NAME, name.removeprefix(f"{VENDOR_NAME}."), {}, client)

    # ---- the show (vendor live-console)

    def vendor_names(self) -> list[str]:
        return [VENDOR_NAME]

    def vendor_request(
        self, vendor: str, request_type: str, data: dict[str, Any], client: str
    ) -> dict[str, Any]:
        handler = self._vendor.get(request_type)
        if handler is None:
            raise ControlError(
                rq.UNKNOWN_REQUEST_TYPE,
                f"vendor {VENDOR_NAME} has no request {request_type[:60]!r}: use one of "
                + ", ".join(self._vendor),
            )
        return handler(data, f"control:{client}")

    def _run(self, command: c.Command, actor: str) -> dict[str, Any]:
        event = self.controller.execute(command, actor=actor)
        return {"seq": event.seq, "kind": event.kind, "payload": event.payload}

    def _pin(self, data: dict[str, Any], actor: str) -> dict[str, Any]:
        return self._run(c.PinProduct(str(rq.text(data, "productId"))), actor)

    _ID_FIELDS = {
        "coupon": ("coupon_id", "coupons"),
        "flash_sale": ("sale_id", "flash_sales"),
        "lottery": ("lottery_id", "lotteries"),
        "lottery_draw": ("lottery_id", "lotteries"),
        "poll": ("poll_id", "polls"),
    }

    def _launch(self, kind: str, field: str, data: dict[str, Any], actor: str) -> dict[str, Any]:
        template_id = str(rq.text(data, field))
        promotions = self.controller.promotions
        if template_id not in promotions or promotions.get(template_id).type != kind:
            raise ControlError(
                rq.RESOURCE_NOT_FOUND,
                f"no {kind.replace('_', ' ')} {template_id!r} in this show's promotions.json",
            )
        result = self._run(promotions.command(template_id), actor)
        live_id = result["payload"].get(self._ID_FIELDS[kind][0])
        if live_id:
            with self._lock:
                self._launched[(kind, template_id)] = str(live_id)
        return result

    def _stop(self, kind: str, field: str, data: dict[str, Any], actor: str) -> dict[str, Any]:
        given = rq.text(data, field, optional=True)
        id_field, collection = self._ID_FIELDS[kind]
        live = getattr(self.controller.state, collection)
        base = "lottery" if kind == "lottery_draw" else kind
        if given is None:  # the one running, if there is exactly one
            now = self.controller.now()
            if base == "lottery":
                current = self.controller.state.current_lottery()
                running = [current.lottery_id] if current is not None else []
            else:
                running = [key for key, item in live.items() if item.active(now)]
            if len(running) != 1:
                raise ControlError(
                    rq.MISSING_REQUEST_FIELD,
                    f"name the {base.replace('_', ' ')} to act on: send {field}",
                )
            given = running[0]
        live_id = given if given in live else self._launched.get((base, given), given)
        command: c.Command = {
            "coupon": lambda: c.StopCoupon(live_id),
            "flash_sale": lambda: c.StopFlashSale(live_id),
            "lottery": lambda: c.CloseLottery(live_id, str(data.get("reason") or "")),
            "lottery_draw": lambda: c.DrawLottery(live_id),
            "poll": lambda: c.StopPoll(live_id),
        }[kind]()
        return self._run(command, actor)

    def show_state(self) -> dict[str, Any]:
        state, now = self.controller.state, self.controller.now()
        pinned = state.pinned_product()
        return {
            "pinnedProductId": pinned.id if pinned is not None else None,
            "coupons": [
                {"couponId": x.coupon_id, "title": x.title, "active": x.active(now)}
                for x in state.coupons.values()
            ],
            "flashSales": [
                {"flashSaleId": x.sale_id, "productId": x.product_id, "active": x.active(now)}
                for x in state.flash_sales.values()
            ],
            "lotteries": [
                {"lotteryId": x.lottery_id, "prize": x.prize, "phase": x.phase}
                for x in state.lotteries.values()
            ],
            "polls": [
                {"pollId": x.poll_id, "question": x.question, "active": x.active(now)}
                for x in state.polls.values()
            ],
            "segment": (
                {
                    "index": state.rundown.index,
                    "segmentId": state.rundown.segment_id,
                    "title": state.rundown.title,
                }
                if state.rundown is not None
                else None
            ),
            "lastSeq": state.last_seq,
        }

    # ---- stats

    def stats(self) -> TargetStats:
        return TargetStats()
