"""Destination presets (data in resources/platforms/presets.json) and push-URL checks.

No Qt here: the window, the CLI and tests share these rules.
"""

from __future__ import annotations

import ipaddress
import json
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from console.errors import UserError
from console.resources import DataFileError, data_path, read_json

#: Warn before going live when a key has less than this left.
EXPIRY_WARNING_S = 3600


@dataclass(frozen=True)
class SafeZone:
    name: str
    name_zh: str
    rect: tuple[float, float, float, float]  # normalized x, y, w, h

    def label(self, chinese: bool) -> str:
        return self.name_zh if chinese and self.name_zh else self.name


@dataclass(frozen=True)
class Preset:
    id: str
    name: str
    name_zh: str
    server: str
    server_hint: str
    key_hint: str
    orientation: str
    canvas: tuple[int, int] | None
    fps: int
    video_bitrate_kbps: int
    key_lifetime: str  # signed | single_use | per_room | per_session | long | unknown
    key_lifetime_hours: int | None = None
    note: str = ""
    note_zh: str = ""
    safe_zones: tuple[SafeZone, ...] = field(default_factory=tuple)
    # seconds the platform keeps a room open without a stream, where published (else None: the
    # console counts down from 60 s, console.show.uplink_hold.DEFAULT_ROOM_CLOSE_S)
    room_close_s: int | None = None

    def label(self, chinese: bool) -> str:
        return self.name_zh if chinese and self.name_zh else self.name

    def note_text(self, chinese: bool) -> str:
        return self.note_zh if chinese and self.note_zh else self.note


def _preset(d: dict) -> Preset:
    canvas = d.get("canvas") or None
    return Preset(
        id=d["id"],
        name=d["name"],
        name_zh=d.get("name_zh", ""),
        server=d.get("server", ""),
        server_hint=d.get("server_hint", ""),
        key_hint=d.get("key_hint", ""),
        orientation=d.get("orientation", ""),
        canvas=(int(canvas[0]), int(canvas[1])) if canvas else None,
        fps=int(d.get("fps", 30)),
        video_bitrate_kbps=int(d.get("video_bitrate_kbps", 2500)),
        key_lifetime=d.get("key_lifetime", "unknown"),
        key_lifetime_hours=d.get("key_lifetime_hours"),
        note=d.get("note", ""),
        note_zh=d.get("note_zh", ""),
        room_close_s=int(d["room_close_s"]) if d.get("room_close_s") else None,
        safe_zones=tuple(
            SafeZone(z["name"], z.get("name_zh", ""), tuple(float(v) for v in z["rect"]))  # type: ignore[arg-type]
            for z in d.get("safe_zones", [])
        ),
    )


@cache
def load_presets(path: Path | None = None) -> tuple[Preset, ...]:
    """The presets shipped in ``resources/platforms/presets.json`` (or those in ``path``)."""
    if path is None:
        path = data_path("platforms", "presets.json")
        data = read_json("platforms", "presets.json")
    else:
        data = json.loads(path.read_text(encoding="utf-8"))
    try:
        return tuple(_preset(d) for d in data["presets"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DataFileError(
            f"the console's data file {path} is corrupted ({type(exc).__name__}: {exc}): "
            "reinstall the console"
        ) from None


def preset_by_id(preset_id: str) -> Preset:
    for p in load_presets():
        if p.id == preset_id:
            return p
    return next(p for p in load_presets() if p.id == "custom")


# --------------------------------------------------------------------------- push URLs


def host_of(url: str) -> str:
    """``host[:port]`` of a server URL (never its user-info), or ``""``."""
    try:
        parts = urlsplit((url or "").strip())
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return ""
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{port}" if port and host else host


def secure_server(server: str, key: str) -> tuple[str, str]:
    """``(server, key)`` with no secret left in the server URL, which is saved in settings.

    Secret query parameters of the server (``sign=``, ``txSecret=``, ``auth_key=``, ``token=``
    …, see :func:`console.redaction.is_secret_param`) move to the end of the key's query,
    where an RTMP server reads them with the stream name; other parameters (``vhost=``) stay.
    User-info (``user:pass@``) is refused: RTMP publishing does not send it.
    """
    from console.redaction import is_secret_param, register_secret

    text = (server or "").strip()
    register_secret(text)
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise UserError(f"bad server URL ({exc}): use rtmp://HOST[:PORT]/APP") from None
    if "@" in parts.netloc:
        raise UserError(
            "the server URL holds a user name or password (…@ before the host): RTMP publishing "
            "does not use them and settings never keep secrets; remove that part"
        )
    if not parts.query:
        return text, key
    kept: list[str] = []
    moved: list[str] = []
    for pair in parts.query.split("&"):
        (moved if is_secret_param(pair.partition("=")[0]) else kept).append(pair)
    if not moved:
        return text, key
    clean = parts._replace(query="&".join(kept)).geturl()
    key = (key or "").strip()
    joined = "&".join(moved)
    return clean, (f"{key}&{joined}" if "?" in key else f"{key}?{joined}")


def split_push_url(url: str, app_segments: int = 1) -> tuple[str, str]:
    """Split a full push URL into (server URL, stream key).

    ``rtmp://host/third/stream-1?expire=1&sign=x`` → (``rtmp://host/third/``,
    ``stream-1?expire=1&sign=x``). The first ``app_segments`` path segments are the RTMP
    application (the server part); everything after them, query included, is the key.
    """
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        _ = parts.port
    except ValueError as exc:
        raise UserError(f"not a push URL ({exc}): paste rtmp://HOST/APP/KEY") from None
    if parts.scheme.lower() not in ("rtmp", "rtmps") or not parts.hostname:
        raise UserError("not a push URL: it must start with rtmp:// or rtmps:// and name a server")
    segments = parts.path.lstrip("/").split("/")
    app = "/".join(segments[:app_segments])
    rest = "/".join(segments[app_segments:])
    if not app:
        raise UserError("the push URL has no application: paste rtmp://HOST/APP/KEY")
    key = rest + (f"?{parts.query}" if parts.query else "")
    if not key.strip("?"):
        raise UserError("the push URL has no stream key after the application")
    server = f"{parts.scheme.lower()}://{parts.netloc}/{app}/"
    return secure_server(server, key)


def key_expiry(key: str) -> int | None:
    """The unix time a signed key expires, from ``expire=`` / ``expires=`` (seconds) or
    Tencent-style ``txTime=`` (hex seconds); ``None`` when the key does not say."""
    _, _, query = (key or "").partition("?")
    for name, value in parse_qsl(query, keep_blank_values=True):
        name = name.lower()
        try:
            if name in ("expire", "expires", "expire_time", "expiretime"):
                stamp = int(value)
                return stamp // 1000 if stamp > 10**11 else stamp  # milliseconds → seconds
            if name == "txtime":
                return int(value, 16)
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class KeyStatus:
    """How long a key has left, for the window: level ``ok`` | ``soon`` | ``expired`` | ``unknown``."""

    level: str
    expires_at: int | None
    seconds_left: float | None


def key_status(
    expires_at: int | None,
    saved_at: int | None = None,
    lifetime_hours: int | None = None,
    now: float | None = None,
) -> KeyStatus:
    now = time.time() if now is None else now
    if expires_at is None and saved_at is not None and lifetime_hours:
        expires_at = saved_at + lifetime_hours * 3600
    if expires_at is None:
        return KeyStatus("unknown", None, None)
    left = expires_at - now
    if left <= 0:
        return KeyStatus("expired", expires_at, left)
    if left < EXPIRY_WARNING_S:
        return KeyStatus("soon", expires_at, left)
    return KeyStatus("ok", expires_at, left)


def is_loopback_url(url: str) -> bool:
    """Whether an RTMP URL points at this machine (127.0.0.0/8, ::1 or localhost)."""
    try:
        host = (urlsplit((url or "").strip()).hostname or "").lower()
    except ValueError:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_rehearsal_destination(url: str) -> None:
    """Rehearsal may only reach a local ingest; raise UserError for anything else."""
    if not is_loopback_url(url):
        raise UserError(
            "rehearsal mode only pushes to this machine (127.0.0.1 or localhost); "
            "switch rehearsal off to go live to a platform"
        )
