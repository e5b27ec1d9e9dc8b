"""The obs-websocket v5 request table: each request type → a handler over a
:class:`~console.control.target.ControlTarget`.

A handler gets the request's ``requestData`` (a dict) and returns the ``responseData`` (or None);
it raises :class:`RequestFailed` with the protocol's status code for missing (300), wrongly typed
(401), out-of-range (402), empty (403) or surplus (404) fields, and unknown resources (600).
Field names and codes are those of obs-websocket's ``docs/generated/protocol.json``.
"""

from __future__ import annotations

import contextlib
import math
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, overload

from console.control.target import AudioInput, ControlError, ControlTarget, OutputStatus
from console.errors import UserError
from console.redaction import redact

# RequestStatus
SUCCESS = 100
MISSING_REQUEST_TYPE = 203
UNKNOWN_REQUEST_TYPE = 204
GENERIC_ERROR = 205
UNSUPPORTED_BATCH_EXECUTION_TYPE = 206
MISSING_REQUEST_FIELD = 300
MISSING_REQUEST_DATA = 301
INVALID_REQUEST_FIELD = 400
INVALID_REQUEST_FIELD_TYPE = 401
REQUEST_FIELD_OUT_OF_RANGE = 402
REQUEST_FIELD_EMPTY = 403
TOO_MANY_REQUEST_FIELDS = 404
OUTPUT_RUNNING = 500
OUTPUT_NOT_RUNNING = 501
RESOURCE_NOT_FOUND = 600
REQUEST_PROCESSING_FAILED = 702

OBS_STUDIO_VERSION = "30.2.0"  # the OBS feature level clients may assume for what we implement
OBS_WEBSOCKET_VERSION = "5.5.0"
RPC_VERSION = 1
IMAGE_FORMATS = ["png", "jpg", "jpeg", "bmp"]
VOLUME_DB_MIN, VOLUME_DB_MAX = -100.0, 26.0
VOLUME_MUL_MAX = 20.0


class RequestFailed(ControlError):
    """A request answered with ``requestStatus.result = false``."""


@dataclass
class Session:
    """What a handler may know about the calling client."""

    client: str = "obs-websocket"
    incoming: int = 0
    outgoing: int = 0
    broadcast_custom: Callable[[dict[str, Any]], None] = lambda data: None
    cpu: tuple[float, float] = field(
        default_factory=lambda: (time.monotonic(), time.process_time())
    )


Handler = Callable[[ControlTarget, dict[str, Any], Session], dict[str, Any] | None]


# ---- field checks


def _field(data: dict[str, Any], name: str, kind: type | tuple[type, ...], optional: bool) -> Any:
    if name not in data or data[name] is None:
        if optional:
            return None
        raise RequestFailed(MISSING_REQUEST_FIELD, f"Your request is missing the {name!r} field.")
    value = data[name]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        value = object()  # JSON true is not a number
    if not isinstance(value, kinds):
        names = "/".join("number" if k in (int, float) else k.__name__ for k in kinds)
        raise RequestFailed(
            INVALID_REQUEST_FIELD_TYPE, f"The field {name!r} must be of type {names}."
        )
    if isinstance(value, str) and not value:
        raise RequestFailed(REQUEST_FIELD_EMPTY, f"The field {name!r} may not be empty.")
    if isinstance(value, float) and not math.isfinite(value):
        raise RequestFailed(REQUEST_FIELD_OUT_OF_RANGE, f"The field {name!r} must be finite.")
    return value


def text(data: dict[str, Any], name: str, optional: bool = False) -> str | None:
    return _field(data, name, str, optional)


def flag(data: dict[str, Any], name: str, optional: bool = False) -> bool | None:
    return _field(data, name, bool, optional)


@overload
def number(
    data: dict[str, Any],
    name: str,
    low: float | None = None,
    high: float | None = None,
    optional: Literal[False] = False,
) -> float: ...


@overload
def number(
    data: dict[str, Any],
    name: str,
    low: float | None = None,
    high: float | None = None,
    *,
    optional: bool,
) -> float | None: ...


def number(
    data: dict[str, Any],
    name: str,
    low: float | None = None,
    high: float | None = None,
    optional: bool = False,
) -> float | None:
    value = _field(data, name, (int, float), optional)
    if value is None:
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise RequestFailed(REQUEST_FIELD_OUT_OF_RANGE, f"The field {name!r} must be {bounds}.")
    return value


def obj(data: dict[str, Any], name: str, optional: bool = False) -> dict[str, Any] | None:
    return _field(data, name, dict, optional)


# ---- helpers


def timecode(ms: int) -> str:
    total = max(0, int(ms))
    h, rest = divmod(total, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, milli = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{milli:03d}"


def db_to_mul(db: float) -> float:
    return 0.0 if db <= VOLUME_DB_MIN else 10.0 ** (db / 20.0)


def mul_to_db(mul: float) -> float:
    return VOLUME_DB_MIN if mul <= 0 else max(VOLUME_DB_MIN, 20.0 * math.log10(mul))


def _input(target: ControlTarget, data: dict[str, Any]) -> AudioInput:
    name = text(data, "inputName", optional=True)
    uuid = text(data, "inputUuid", optional=True)
    if name is None and uuid is None:
        raise RequestFailed(
            MISSING_REQUEST_FIELD, "Your request must contain inputName or inputUuid."
        )
    for source in target.inputs():
        if (name is not None and source.name == name) or (uuid is not None and source.uuid == uuid):
            return source
    raise RequestFailed(RESOURCE_NOT_FOUND, f"No input was found by the name {name or uuid!r}.")


def _scene(target: ControlTarget, data: dict[str, Any]) -> str:
    name = text(data, "sceneName", optional=True)
    uuid = text(data, "sceneUuid", optional=True)
    if name is None and uuid is None:
        raise RequestFailed(
            MISSING_REQUEST_FIELD, "Your request must contain sceneName or sceneUuid."
        )
    wanted = name if name is not None else uuid
    if wanted not in target.scene_names():
        raise RequestFailed(RESOURCE_NOT_FOUND, f"No scene was found by the name {wanted!r}.")
    return str(wanted)


def _output(status: OutputStatus, stream: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "outputActive": status.active,
        "outputTimecode": timecode(status.duration_ms),
        "outputDuration": int(status.duration_ms),
        "outputBytes": int(status.bytes),
    }
    if stream:
        data.update(
            outputReconnecting=status.reconnecting,
            outputCongestion=float(status.congestion),
            outputSkippedFrames=int(status.skipped_frames),
            outputTotalFrames=int(status.total_frames),
        )
        if status.target_bps:  # ours, besides OBS's fields: the adaptive bitrate
            data.update(
                outputLinkEstimateBps=status.link_bps,
                outputTargetBitrateBps=int(status.target_bps),
                outputBitrateReason=status.bitrate_reason,
            )
    else:
        data["outputPaused"] = status.paused
    return data


# ---- handlers


def get_version(target: ControlTarget, data: dict[str, Any], s: Session) -> dict[str, Any]:
    return {
        "obsVersion": OBS_STUDIO_VERSION,
        "obsWebSocketVersion": OBS_WEBSOCKET_VERSION,
        "rpcVersion": RPC_VERSION,
        "availableRequests": sorted(REQUESTS),
        "supportedImageFormats": list(IMAGE_FORMATS),
        "platform": {"win32": "windows", "darwin": "macos"}.get(sys.platform, "linux"),
        "platformDescription": f"live-console on {platform.system()} {platform.release()}",
    }


def get_stats(target: ControlTarget, data: dict[str, Any], s: Session) -> dict[str, Any]:
    stats = target.stats()
    wall, cpu = time.monotonic(), time.process_time()
    last_wall, last_cpu = s.cpu
    s.cpu = (wall, cpu)
    usage = 100.0 * (cpu - last_cpu) / max(wall - last_wall, 1e-3)
    memory = 0.0
    with contextlib.suppress(Exception):
        import resource

        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        memory = rss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    disk = 0.0
    with contextlib.suppress(OSError):
        disk = shutil.disk_usage(os.getcwd()).free / (1024 * 1024)
    return {
        "cpuUsage": usage,
        "memoryUsage": memory,
        "availableDiskSpace": disk,
        "activeFps": float(stats.active_fps),
        "averageFrameRenderTime": float(stats.average_frame_render_time_ms),
        "renderSkippedFrames": int(stats.render_skipped_frames),
        "renderTotalFrames": int(stats.render_total_frames),
        "outputSkippedFrames": int(stats.output_skipped_frames),
        "outputTotalFrames": int(stats.output_total_frames),
        "webSocketSessionIncomingMessages": s.incoming,
        "webSocketSessionOutgoingMessages": s.outgoing,
    }


def get_studio_mode(target: ControlTarget, data: dict[str, Any], s: Session) -> dict[str, Any]:
    return {"studioModeEnabled": False}


def get_stream_status(target: ControlTarget, data: dict[str, Any], s: Session) -> dict[str, Any]:
    return _output(target.stream_status(), stream=True)


def start_stream(target: ControlTarget, data: dict[str, Any], s: Session) -> None:
    if target.stream_status().active:
        raise RequestFailed(OUTPUT_RUNNING, "The stream output is already running.")
    target.start_stream(client=s.client)


def stop_stream(target: ControlTarget, data: dict[str, Any], s: Session) -> None:
    if not target.stream_status().active:
        raise RequestFailed(OUTPUT_NOT_RUNNING, "The stream output is not running.")
    target.stop_stream(client=s.client)


def toggle_stream(target: ControlTarget, data: dict[str, Any], s: Session) -> dict[str, Any]:
    if target.stream_status().active:
        target.stop_stream(client=s.client)
        return {"outputActive": False}
    target.start_stream(client=s.client)
    return {"outputActive": True}


def get_record_status(target: ControlTarget, data: dict[str, Any], s: Session) -> dict[str, Any]:
    return _output(target.record_status(), stream=False)


def start_record(target: ControlTarget, data: dict[str, Any], s: Session) -> None:
    if target.record_status().active:
        raise RequestFailed(OUTPUT_RUNNING, "The record output is already running.")
    target.start_record(client=s.client)


def stop_record(target: ControlTarget, data: dict[str, Any], s: Session) -> dict[str, Any]:
    if not target.record_status().active:
        raise RequestFailed(OUTPUT_NOT_RUNNING, "The record output is not running.")
    return {"outputPath": target.stop_record(client=s.client)}


def toggle_record(target: ControlTarget, data: dict[str, Any], s: Session) -> dict[str, Any]:
    if target.record_status().active:
        target.stop_record(client=s.client)
        return {"outputActive": False}
    target.start_record(client=s.client)
    return {"outputActive": True}


def get_scene_list(target: ControlTarget, data: dict[str, Any], s: Session) -> dict[str, Any]:
    names = target.scene_names()
    current = target.current_scene()
    # OBS lists scenes bottom-up: sceneIndex 0 is the last one in its list
    scenes = [
        {"sceneName": n, "sceneUuid": n, "sceneIndex": len(names) - 1 - i}
        for i, n in enumerate(names)
    ][::-1]
    return {
        "currentProgramSceneName": current,
        "currentProgramSceneUuid": current,
        "currentPreviewSceneName": None,
        "currentPreviewSceneUuid": None,
        "scenes": scenes,
    }


def get_current_scene(target: ControlTarget, data: dict[str, Any], s: Session) -> dict[str, Any]:
    current = target.current_scene()
    return {
        "sceneName": current,
        "sceneUuid": current,
        "currentProgramSceneName": current,
        "currentProgramSceneUuid": current,
    }


def set_current_scene(target: ControlTarget, data: dict[str, Any], s: Session) -> None:
    target.set_current_scene(_scene(target, data))


def get_scene_item_list(target: ControlTarget, data: dict[str, Any], s: Session) -> dict[str, Any]:
    scene = _scene(target, data)
    items = [
        {
            "sceneItemId": item.item_id,
            "sceneItemIndex": item.index,
            "sceneItemEnabled": item.enabled,
            "sceneItemLocked": False,
            "sourceName": item.source_name,
            "sourceUuid": f"{scene}/{item.source_name}",
            "sourceType": "OBS_SOURCE_TYPE_INPUT",
            "inputKind": item.source_kind,
            "isGroup": False,
        }
        for item in target.scene_items(scene)
    ]
    return {"sceneItems": items}


def get_scene_item_id(target: ControlTarget, data: dict[str, Any], s: Session) -> dict[str, Any]:
    scene = _scene(target, data)
    source = text(data, "sourceName")
    offset = int(number(data, "searchOffset", low=-1, optional=True) or 0)
    matches = [i for i in target.scene_items(scene) if i.source_name == source]
    if offset == -1 and matches:
        return {"sceneItemId": matches[-1].item_id}
    if offset < len(matches):
        return {"sceneItemId": matches[offset].item_id}
    raise RequestFailed(
        RESOURCE_NOT_FOUND, f"No scene items were found in scene {scene!r} named {source!r}."
    )


def set_scene_item_enabled(target: ControlTarget, data: dict[str, Any], s: Session) -> None:
    scene = _scene(target, data)
    item_id = number(data, "sceneItemId", low=0)
    enabled = flag(data, "sceneItemEnabled")
    if not any(i.item_id == item_id for i in target.scene_items(scene)):
        raise RequestFailed(
            RESOURCE_NOT_FOUND, f"No scene item {item_id:g} was found in scene {scene!r}."
        )
    target.set_scene_item_enabled(scene, int(item_id), bool(enabled))


def get_input_list(target: ControlTarget, data: dict[str, Any], s: Session) -> dict[str, Any]:
    kind = text(data, "inputKind", optional=True)
    return {
        "inputs": [
            {
                "inputName": i.name,
                "inputUuid": i.uuid or i.name,
                "inputKind": i.kind,
                "unversionedInputKind": i.kind,
                "inputKindCaps": 0,
            }
            for i in target.inputs()
            if kind is None or i.kind == kind
        ]
    }


def get_input_mute(target: ControlTarget, data: dict[str, Any], s: Session) -> dict[str, Any]:
    return {"inputMuted": _input(target, data).muted}


def set_input_mute(target: ControlTarget, data: dict[str, Any], s: Session) -> None:
    source = _input(target, data)
    target.set_input_muted(source.name, bool(flag(data, "inputMuted")))


def toggle_input_mute(target: ControlTarget, data: dict[str, Any], s: Session) -> dict[str, Any]:
    source = _input(target, data)
    target.set_input_muted(source.name, not source.muted)
    return {"inputMuted": not source.muted}


def get_input_volume(target: ControlTarget, data: dict[str, Any], s: Session) -> dict[str, Any]:
    source = _input(target, data)
    return {"inputVolumeMul": db_to_mul(source.volume_db), "inputVolumeDb": source.volume_db}


def set_input_volume(target: ControlTarget, data: dict[str, Any], s: Session) -> None:
    source = _input(target, data)
    mul = number(data, "inputVolumeMul", 0.0, VOLUME_MUL_MAX, optional=True)
    db = number(data, "inputVolumeDb", VOLUME_DB_MIN, VOLUME_DB_MAX, optional=True)
    if mul is None and db is None:
        raise RequestFailed(
            MISSING_REQUEST_FIELD, "Your request must contain inputVolumeMul or inputVolumeDb."
        )
    if mul is not None and db is not None:
        raise RequestFailed(
            TOO_MANY_REQUEST_FIELDS, "You may only specify one of inputVolumeMul or inputVolumeDb."
        )
    if db is None:
        assert mul is not None  # exactly one of the two (checked above)
        db = mul_to_db(mul)
    target.set_input_volume_db(source.name, float(db))


def get_hotkey_list(target: ControlTarget, data: dict[str, Any], s: Session) -> dict[str, Any]:
    return {"hotkeys": list(target.hotkeys())}


def trigger_hotkey(target: ControlTarget, data: dict[str, Any], s: Session) -> None:
    name = text(data, "hotkeyName")
    text(data, "contextName", optional=True)
    if name not in target.hotkeys():
        raise RequestFailed(RESOURCE_NOT_FOUND, f"No hotkeys were found by the name {name!r}.")
    target.trigger_hotkey(str(name), s.client)


def broadcast_custom_event(target: ControlTarget, data: dict[str, Any], s: Session) -> None:
    event = obj(data, "eventData")
    s.broadcast_custom(dict(event or {}))


def call_vendor_request(target: ControlTarget, data: dict[str, Any], s: Session) -> dict[str, Any]:
    vendor = str(text(data, "vendorName"))
    request_type = str(text(data, "requestType"))
    request_data = obj(data, "requestData", optional=True) or {}
    if vendor not in target.vendor_names():
        raise RequestFailed(RESOURCE_NOT_FOUND, f"No vendor was found by the name {vendor!r}.")
    response = target.vendor_request(vendor, request_type, dict(request_data), s.client)
    return {"vendorName": vendor, "requestType": request_type, "responseData": response}


REQUESTS: dict[str, Handler] = {
    "GetVersion": get_version,
    "GetStats": get_stats,
    "GetStudioModeEnabled": get_studio_mode,
    "GetStreamStatus": get_stream_status,
    "StartStream": start_stream,
    "StopStream": stop_stream,
    "ToggleStream": toggle_stream,
    "GetRecordStatus": get_record_status,
    "StartRecord": start_record,
    "StopRecord": stop_record,
    "ToggleRecord": toggle_record,
    "GetSceneList": get_scene_list,
    "GetCurrentProgramScene": get_current_scene,
    "SetCurrentProgramScene": set_current_scene,
    "GetSceneItemList": get_scene_item_list,
    "GetSceneItemId": get_scene_item_id,
    "SetSceneItemEnabled": set_scene_item_enabled,
    "GetInputList": get_input_list,
    "GetInputMute": get_input_mute,
    "SetInputMute": set_input_mute,
    "ToggleInputMute": toggle_input_mute,
    "GetInputVolume": get_input_volume,
    "SetInputVolume": set_input_volume,
    "GetHotkeyList": get_hotkey_list,
    "TriggerHotkeyByName": trigger_hotkey,
    "BroadcastCustomEvent": broadcast_custom_event,
    "CallVendorRequest": call_vendor_request,
}


def execute(
    target: ControlTarget, request_type: Any, data: Any, session: Session
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Run one request: ``(requestStatus, responseData)``. Never raises for a client's mistake."""
    if not isinstance(request_type, str) or not request_type:
        return _status(MISSING_REQUEST_TYPE, "Your request is missing a requestType."), None
    handler = REQUESTS.get(request_type)
    if handler is None:
        return _status(
            UNKNOWN_REQUEST_TYPE, f"Your request type {request_type[:80]!r} is not valid."
        ), None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return _status(INVALID_REQUEST_FIELD_TYPE, "requestData must be an object."), None
    try:
        response = handler(target, data, session)
    except ControlError as exc:
        return _status(exc.code, exc.comment), None
    except UserError as exc:  # a refusal with the rule's reason
        return _status(REQUEST_PROCESSING_FAILED, redact(str(exc).splitlines()[0])), None
    return {"result": True, "code": SUCCESS}, response


def _status(code: int, comment: str) -> dict[str, Any]:
    return {"result": False, "code": code, "comment": comment}
