"""The command line's parser: every command and option of ``live-console`` (console/cli.py runs them)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable

from console.errors import UserError
from console.redaction import looks_like_key, redact

# Command name → its function: console/cli.py puts in its own; the packages that register a
# command (show, audience, rehearse, analytics) add theirs while the parser is built.
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def _positive_duration(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1
    if value <= 0:
        raise argparse.ArgumentTypeError(f"bad duration '{text}': give seconds > 0, e.g. 30")
    return value


def _fps(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 60:
        raise argparse.ArgumentTypeError(
            f"bad fps '{text}': give a whole number from 1 to 60, e.g. 30"
        )
    return int(text)


_UNRECOGNIZED = "unrecognized arguments: "
_KEY_HINT = (
    "not shown: it looks like a stream key; store it with `live-console key set NAME` "
    "and pass --key-name NAME"
)


def _hide_keys(message: str) -> str:
    """argparse's message with every stray or quoted value that could be a stream key hidden."""
    if message.startswith(_UNRECOGNIZED):
        words = message[len(_UNRECOGNIZED) :].split(" ")
        shown = [w for w in words if w and not looks_like_key(w)]
        hidden = len([w for w in words if w]) - len(shown)
        if not hidden:
            return message
        noun = "argument" if hidden + len(shown) == 1 else "arguments"
        if not shown:
            return f"unrecognized {noun} ({_KEY_HINT})"
        return f"unrecognized {noun}: {' '.join(shown)} and {hidden} more ({_KEY_HINT})"
    hidden_any = False

    def quoted(m: re.Match[str]) -> str:
        nonlocal hidden_any
        if looks_like_key(m.group(1)) and not m.group(1).startswith("-"):
            hidden_any = True
            return "'****'"
        return m.group(0)

    message = re.sub(r"'([^']*)'", quoted, message, count=1)  # the value, not the choices
    return redact(message) + (f" ({_KEY_HINT})" if hidden_any else "")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line, like every other error, and never
    echoes a value that looks like a stream key (a key pasted without ``--key``)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{_hide_keys(message)} (see `{self.prog} --help`)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="live-console", description="Live-commerce streaming console.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    from console.resources import version

    parser.add_argument("--version", action="version", version=f"live-console {version()}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    def media_args(p: argparse.ArgumentParser, video: str, audio: str) -> None:
        p.add_argument(
            "--video", default=video, help="testpattern, image:PATH, file:PATH, camera:INDEX_OR_URL"
        )
        p.add_argument(
            "--audio", default=audio, help="tone[:HZ], silence, mic[:NAME_OR_INDEX], file:PATH"
        )
        p.add_argument(
            "--canvas", default="720x1280", help="720x1280, 1080x1920, 1280x720 or 1920x1080"
        )
        p.add_argument("--fps", type=_fps, default=30)
        p.add_argument("--bitrate", default="2500k", help="video bitrate, e.g. 2500k or 4.5M")
        p.add_argument(
            "--encoder",
            default="auto",
            help="auto, libx264, h264_nvenc, h264_qsv, h264_amf, h264_videotoolbox",
        )
        p.add_argument("--preset", default="veryfast", help="libx264 preset")
        p.add_argument("--duration", type=_positive_duration, help="stop after SECONDS")
        p.add_argument("--record", metavar="PATH", help="also record to this FLV file")

    s = sub.add_parser("stream", help="push to an RTMP/RTMPS server")
    s.add_argument("--url", required=True, help="server URL, e.g. rtmp://host/app")
    keys = s.add_mutually_exclusive_group()
    keys.add_argument("--key", help="stream key (visible to other processes; prefer --key-name)")
    keys.add_argument("--key-name", help="name of a stream key stored with `live-console key set`")
    s.add_argument("--ca-file", help="extra CA certificate (PEM) to trust for RTMPS")
    s.add_argument("--connect-timeout", type=_positive_duration, default=5.0)
    s.add_argument("--write-timeout", type=_positive_duration, default=5.0)
    s.add_argument(
        "--abr-follow",
        choices=["healthy", "slowest"],
        default="healthy",
        help="several destinations: the bitrate follows the healthy ones (a slow one drops "
        "frames; default) or the slowest (none drops)",
    )
    media_args(s, "testpattern", "tone")

    d = sub.add_parser(
        "demo", help="rehearse the built-in demo show to a local recording (no account, no camera)"
    )
    media_args(d, "testpattern", "tone")
    d.set_defaults(duration=None)

    r = sub.add_parser(
        "run", help="run a show without a window until SIGINT/SIGTERM (studio PC, automation)"
    )
    r.add_argument("show", help="show folder")
    r.add_argument(
        "--rehearsal",
        action="store_true",
        help="rehearsal: only the local recording and destinations on this machine",
    )
    r.add_argument(
        "--destination",
        action="append",
        default=[],
        metavar="NAME",
        help="a destination saved in the window (name or id; repeatable); in rehearsal also "
        "rtmp://127.0.0.1:PORT/APP/STREAM",
    )
    r.add_argument("--go-live", action="store_true", help="go live at once (else: when asked)")
    r.add_argument(
        "--resume",
        action="store_true",
        help="after a crash: go back on air at once to the unfinished session's destinations",
    )
    r.add_argument("--ingest", metavar="HOST:PORT", help="local audience ingest (HTTP/WebSocket)")
    r.add_argument("--control", metavar="HOST:PORT", help="obs-websocket control server")
    r.add_argument(
        "--panel",
        metavar="HOST:PORT",
        help="phone panel (loopback, e.g. 127.0.0.1:8766; 0.0.0.0:PORT: phones on the LAN)",
    )
    r.add_argument(
        "--control-password-file", metavar="FILE", help="the control password (first line)"
    )
    r.add_argument("--duration", type=_positive_duration, help="stop after SECONDS")

    w = sub.add_parser("window", help="open the console window (the default with no command)")
    w.add_argument("show", nargs="?", help="show folder (default: the built-in demo show)")

    sub.add_parser("encoders", help="list the H.264 encoders that open on this machine")

    from console.show.cli import register as register_show

    register_show(sub, COMMANDS)
    from console.audience.cli import register as register_audience

    register_audience(sub, COMMANDS)
    from console.rehearse import register as register_rehearse

    register_rehearse(sub, COMMANDS)
    from console.analytics.cli import register as register_analytics

    register_analytics(sub, COMMANDS)

    cl = sub.add_parser("clips", help="cut product clips and chapters from a session's recording")
    cl.add_argument("show", help="show folder")
    cl.add_argument("--session", type=int, metavar="N", help="session number (default: the last)")
    cl.add_argument("--out", metavar="DIR", help="folder for the clips (default SHOW/clips/…)")
    cl.add_argument("--no-full", action="store_true", help="no full-show MP4 with chapters")
    cl.add_argument("--json", action="store_true", help="print what was cut as JSON")

    k = sub.add_parser("key", help="store or delete a stream key in the OS keyring")
    k.add_argument("action", choices=["set", "delete"])
    k.add_argument("name")
    return parser
