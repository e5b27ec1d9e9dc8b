"""Headless commands: ``stream``, ``demo``, ``run``, ``encoders``, ``key``."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import re
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.errors import StreamFailed, UserError
from console.redaction import install_log_redaction, looks_like_key, redact, register_secret

if TYPE_CHECKING:  # the commands import their parts when they run (a fast --help)
    from console.control.obsws import ObsWebSocketServer
    from console.live.audience import LiveAudience
    from console.live.engine import EngineSpec, MediaEngine
    from console.live.outputs import OutputFactory
    from console.live.resume import ResumeOffer
    from console.live.session import LiveSession
    from console.media.output import OutputStats
    from console.media.pipeline import PipelineStats
    from console.media.process_engine import OverlayPlan
    from console.overlays.chat import ChatFeed
    from console.panel.server import PanelServer
    from console.settings import CanvasSettings, Settings
    from console.show.actor import Actor
    from console.show.controller import ShowController
    from console.show.folder import ShowFolder

log = logging.getLogger("console")


def _setup_logging(secrets: list[str], verbose: bool) -> None:
    register_secret(*secrets)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    install_log_redaction()  # every handler, the message, its exception and stack redacted


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


def _output_status(o: OutputStats) -> str:
    from console.media.output import OutputState
    from console.media.rtmp.publisher import ROOM_CLOSE_S

    text = f"{o.name}:{o.state.name.lower()}"
    if o.state == OutputState.RECONNECTING:
        lost = int(o.lost_for_s or 0)
        text += f" {lost // 60}:{lost % 60:02d} since loss, attempt {o.reconnect_attempts}"
        if o.next_retry_s:
            text += f", next in {o.next_retry_s:.0f}s"
        left = ROOM_CLOSE_S - lost
        text += f", room may close in {left}s" if left > 0 else ", room may have closed"
    elif o.bitrate_kbps:
        text += f" {o.bitrate_kbps:.0f}kbps"
    if o.reconnects:
        text += f" reconnects {o.reconnects}"
    return text


def _status_line(stats: PipelineStats, live_for: float) -> str:
    outs = " ".join(_output_status(o) for o in stats.outputs)
    t = str(dt.timedelta(seconds=int(live_for)))
    line = (
        f"{t} | {stats.render_fps:4.1f} fps | encoder {stats.encoder} | "
        f"dropped {stats.dropped_total} | {outs}"
    )
    if stats.video_bitrate and stats.video_bitrate < stats.video_bitrate_set:
        line += f" | video {stats.video_bitrate // 1000}/{stats.video_bitrate_set // 1000} kbps (network slow)"
    link, reason = getattr(stats, "link_bps", None), getattr(stats, "abr_reason", "")
    if getattr(stats, "adaptive_bitrate", False) and (link or reason):
        shown = f"link≈{link / 1e6:.1f}M " if link else ""
        why = f" ({reason})" if reason else ""
        line += f" | {shown}target {stats.video_bitrate / 1e6:.1f}M{why}"
    return line


class _DemoShow:
    """The built-in demo show, headless: a fresh copy, its rundown walked, its overlays drawn."""

    SEGMENT_S = 20.0  # the headless demo moves on every 20 s so every overlay gets its turn

    def __init__(self, canvas: tuple[int, int]) -> None:
        import tempfile

        from console.overlays.composition import rehearsal_layer, show_layers
        from console.settings import CanvasSettings
        from console.show.commands import AdvanceRundown
        from console.show.controller import ShowController
        from console.show.demo import copy_demo_show
        from console.show.folder import ShowFolder

        self._tmp = tempfile.TemporaryDirectory(prefix="live-console-demo-")
        self.folder = ShowFolder.open(copy_demo_show(Path(self._tmp.name) / "demo"))
        self.controller = ShowController.open(self.folder)
        self._advance = AdvanceRundown
        self.controller.execute(AdvanceRundown(), actor="demo")
        self._next_segment = time.monotonic() + self.SEGMENT_S
        size = CanvasSettings(canvas[0], canvas[1])
        self.layers = [
            *show_layers(self.controller, self.folder, size),
            rehearsal_layer(size.orientation),
        ]
        from console.engine_overlays import overlay_plan

        self.plan = overlay_plan(self.folder, rehearsal=True)  # the same, in the media process

    def tick(self) -> None:
        self.controller.tick()
        if time.monotonic() >= self._next_segment:
            self._next_segment += self.SEGMENT_S
            with contextlib.suppress(UserError):  # the rundown is over: stay on the last segment
                self.controller.execute(self._advance(), actor="demo")

    def close(self) -> None:
        self.controller.close()
        self._tmp.cleanup()


CLI = "cli"  # the actor of what `stream` and `demo` journal


def _engine_spec(args: argparse.Namespace, adaptive: bool) -> EngineSpec:
    from console.live.engine import EngineSpec
    from console.media.compositor import parse_canvas
    from console.media.encoder import parse_bitrate

    width, height = parse_canvas(args.canvas)
    return EngineSpec(
        width=width,
        height=height,
        fps=args.fps,
        video_bitrate=parse_bitrate(args.bitrate),
        encoder=args.encoder,
        preset=args.preset,
        video=args.video,
        audio=(args.audio,),
        adaptive_bitrate=adaptive,
        abr_follow=getattr(args, "abr_follow", "healthy"),
    )


def _record_path(record: str) -> Path:
    from console.media.recorder import check_record_path

    path = check_record_path(record)
    if path != Path(record).expanduser():  # never overwrite an earlier recording
        print(f"note: {record} exists; recording to {path} instead", file=sys.stderr)
    return path


def _stop_on_signals() -> tuple[threading.Event, Callable[[], None]]:
    """An event set by SIGINT or SIGTERM, and the call that puts the old handlers back."""
    stop = threading.Event()
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, lambda *_: stop.set())

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return stop, restore


def _watch(
    live: LiveSession,
    stop: threading.Event,
    secrets: list[str],
    duration: float | None = None,
    on_second: Callable[[], object] | None = None,
    fail_on_output: bool = True,
) -> str | None:
    """The status loop, once a second until ``stop`` or ``duration``; the failure (if any)."""
    from console.live.outputs import RECORDING
    from console.media.output import OutputState

    started = time.monotonic()
    tty = sys.stderr.isatty()
    warned: set[str] = set()
    failure: str | None = None
    while not stop.wait(1.0):
        stats = live.stats()
        if stats is None:
            continue
        if stats.error:
            failure = stats.error
            break
        for o in stats.outputs:
            lost_key = f"lost:{o.name}:{o.reconnects}"
            if o.state == OutputState.RECONNECTING and lost_key not in warned:
                warned.add(lost_key)
                print(
                    f"warning: {o.name}: connection lost ({redact(o.error or '', *secrets)}); reconnecting",
                    file=sys.stderr,
                )
            if o.state == OutputState.FAILED and o.error:
                if o.name == RECORDING or not fail_on_output:
                    if o.name not in warned:
                        warned.add(o.name)
                        print(f"warning: {redact(o.error, *secrets)}", file=sys.stderr)
                else:
                    failure = o.error
        if failure:
            break
        if on_second is not None:
            on_second()
        line = _status_line(stats, time.monotonic() - started)
        print(redact(line, *secrets), end="\r" if tty else "\n", file=sys.stderr, flush=True)
        if duration and time.monotonic() - started >= duration:
            break
    if tty:
        print(file=sys.stderr)
    return failure


def _summary(stats: PipelineStats, recording: Path | None, secrets: list[str]) -> None:
    if stats is None:
        return
    summary = (
        f"streamed {stats.uptime_s:.1f} s: {stats.frames_encoded} frames encoded with {stats.encoder}, "
        f"dropped {stats.dropped_total}" + (f" {stats.dropped}" if stats.dropped else "")
    )
    for o in stats.outputs:
        summary += f"; {o.name}: {o.bytes_sent / 1e6:.1f} MB {o.state.name.lower()}"
        summary += "".join(f", dropped {n} ({cause})" for cause, n in o.dropped.items())
    print(redact(summary, *secrets), file=sys.stderr)
    if recording is not None:
        print(f"recording: {recording}", file=sys.stderr)


def _media_engine(
    spec: EngineSpec,
    overlays: list | None,
    plan: OverlayPlan | None,
    controller: ShowController | None,
    feed: ChatFeed | None = None,
    fallback: bool = False,
    on_notice: Callable[[str], None] | None = None,
) -> tuple[MediaEngine, OutputFactory]:
    """(engine, output factory): the media engine in its own process (``LIVE_CONSOLE_ENGINE=
    process``) or in this one (``inprocess``, the default for now) — docs/architecture.md."""
    from console.live.outputs import build_output
    from console.media.process_engine import ProcessEngine, engine_choice, process_output_factory

    if engine_choice() == "process":
        engine = ProcessEngine(
            spec,
            plan,
            state=(lambda: controller.state) if controller is not None else None,
            now=controller.now if controller is not None else None,
            feed=feed,
            fallback=fallback,
            on_notice=on_notice,
        )
        return engine, process_output_factory
    from console.media.live_engine import PipelineEngine

    return PipelineEngine(spec, overlays, fallback=fallback), build_output


def _run_pipeline(
    args: argparse.Namespace,
    destinations: list,
    keys: dict[str, str | None],
    record: str | None,
    secrets: list[str],
    overlays: list | None = None,
    on_second: Callable[[], None] | None = None,
    controller: ShowController | None = None,  # the session is journaled there
    rehearsal: bool = False,
    plan: OverlayPlan | None = None,  # the overlays the media process builds
) -> int:
    """``stream`` and ``demo``: a LiveSession whose outputs are the pipeline's from the start."""
    from console.live.session import LiveSession
    from console.runtime import freeze_startup_heap
    from console.show.actor import Actor

    spec = _engine_spec(args, adaptive=bool(destinations))
    path = _record_path(record) if record else None
    engine, output_factory = _media_engine(spec, overlays, plan, controller)
    live = LiveSession(controller, rehearsal=rehearsal, output_factory=output_factory)
    live.attach_engine(engine)
    actor = Actor(CLI, args.command)
    stop, restore = _stop_on_signals()
    failure: str | None = None
    try:
        live.go_live(
            destinations,
            keys,
            record=path is not None,
            actor=actor,
            recording=path,
            require_keys=False,
        )
        engine = live.engine
        engine.start()
        freeze_startup_heap()
        stats = live.stats()
        if stats.encoder_fallback:
            print(f"warning: {stats.encoder_fallback}", file=sys.stderr)
        failure = _watch(live, stop, secrets, args.duration, on_second)
    finally:
        engine = live.engine
        live.close(actor, reason="failed" if failure else "")
        restore()
    _summary(engine.stats(), path, secrets)
    if failure:
        raise StreamFailed(redact(failure, *secrets))
    return 0


def _cmd_stream(args: argparse.Namespace) -> int:
    from console.media.rtmp import parse_rtmp_url
    from console.platforms.credentials import get_key

    key = args.key
    if args.key is not None:
        print(
            "warning: --key is visible to other processes on this machine; prefer --key-name",
            file=sys.stderr,
        )
    if args.key_name:
        key = get_key(args.key_name)
    secrets = [key] if key else []
    register_secret(*secrets, args.url)
    _setup_logging(secrets, args.verbose)
    if args.ca_file and not Path(args.ca_file).is_file():
        raise UserError(f"CA file not found: {args.ca_file}")
    parse_rtmp_url(args.url, key)  # validate before opening any device
    from console.live.outputs import Destination

    dest = Destination(
        "rtmp",
        "rtmp",
        args.url,
        ca_file=args.ca_file,
        connect_timeout=args.connect_timeout,
        write_timeout=args.write_timeout,
    )
    return _run_pipeline(args, [dest], {"rtmp": key}, args.record, secrets)


def _cmd_demo(args: argparse.Namespace) -> int:
    _setup_logging([], args.verbose)
    from console.live.outputs import recording_path

    record = args.record or str(recording_path("demo-rehearsal"))
    print(
        f"REHEARSAL: demo show, nothing leaves this machine; recording to {record}", file=sys.stderr
    )
    if args.duration is None:
        print("press Ctrl-C to stop", file=sys.stderr)
    from console.media.compositor import parse_canvas

    demo = _DemoShow(parse_canvas(args.canvas))
    try:
        return _run_pipeline(
            args,
            [],
            {},
            record,
            [],
            overlays=demo.layers,
            on_second=demo.tick,
            controller=demo.controller,
            rehearsal=True,
            plan=demo.plan,
        )
    finally:
        demo.close()


def _host_port(text: str, what: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UserError(f"bad {what} '{text}': give HOST:PORT, e.g. 127.0.0.1:4455")
    return host.strip("[]"), int(port)


def _run_destinations(args: argparse.Namespace, settings: Settings) -> tuple[list, dict]:
    """``--destination`` values → destinations and their keys (from the keyring)."""
    from urllib.parse import urlsplit

    from console.live.outputs import Destination
    from console.live.session import LiveSession
    from console.platforms.presets import is_loopback_url

    dests: list = []
    keys: dict[str, str | None] = {}
    saved = []
    for value in args.destination:
        if "://" in value:
            if not (args.rehearsal and is_loopback_url(value)):
                raise UserError(
                    f"--destination {value.split('://')[0]}://…: a URL is only for a rehearsal "
                    "to this machine; save real destinations in the window and pass their name"
                )
            parts = urlsplit(value)
            app, _, stream = parts.path.strip("/").rpartition("/")
            if not app or not stream:
                raise UserError(
                    f"--destination {value}: give rtmp://127.0.0.1:PORT/APP/STREAM "
                    "(the stream name last)"
                )
            name = f"local-{len(dests) + 1}"
            register_secret(stream)
            dests.append(Destination(name, name, f"{parts.scheme}://{parts.netloc}/{app}"))
            keys[name] = stream
            continue
        found = next((d for d in settings.destinations if value in (d.name, d.id)), None)
        if found is None:
            names = ", ".join(d.name for d in settings.destinations) or "none saved yet"
            raise UserError(f"no destination named '{value}': saved destinations: {names}")
        dests.append(found)
        saved.append(found)
    keys.update(LiveSession.fetch_keys(saved))
    for key in keys.values():
        if key:
            register_secret(key)
    return dests, keys


def _cmd_run(args: argparse.Namespace) -> int:
    """``live-console run SHOW``: the show's process without a window (see docs/ui.md)."""
    from console.live.audience import LiveAudience
    from console.live.engine import EngineSpec
    from console.live.session import LiveSession
    from console.overlays.chat import ChatFeed
    from console.overlays.composition import overlays_for
    from console.runtime import freeze_startup_heap
    from console.settings import load_settings
    from console.show.actor import Actor
    from console.show.opening import open_show

    _setup_logging([], args.verbose)
    ingest = _host_port(args.ingest, "--ingest") if args.ingest else None
    control = _host_port(args.control, "--control") if args.control else None
    panel_at = _host_port(args.panel, "--panel") if args.panel else None
    password = None
    if control is not None:
        if not args.control_password_file:
            raise UserError("--control needs --control-password-file FILE (the password)")
        try:
            password = Path(args.control_password_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UserError(
                f"cannot read --control-password-file {args.control_password_file}: {exc.strerror}"
            ) from None
        register_secret(password)
    settings = load_settings()
    dests, keys = _run_destinations(args, settings)
    rehearsal = bool(args.rehearsal)
    actor = Actor("run")
    folder, controller = open_show(args.show)
    audience = None
    server = None
    panel = None
    live = None
    stop, restore = _stop_on_signals()
    try:
        from console.audience.moderation import DEFAULT_BLOCKED_WORDS

        audience = LiveAudience(
            controller, blocked_words=DEFAULT_BLOCKED_WORDS, rehearsal=rehearsal
        )
        feed = ChatFeed(50)
        audience.subscribe(feed, sampled=True)  # the overlay: a sample under overload
        canvas = settings.canvas
        spec = EngineSpec(
            width=canvas.width,
            height=canvas.height,
            fps=canvas.fps,
            video_bitrate=canvas.video_bitrate_kbps * 1000,
            encoder=canvas.encoder,
            video=settings.sources.video,
            audio=tuple(a.spec for a in settings.sources.audio) or ("silence",),
        )
        overlays = overlays_for(controller, folder, canvas, feed)
        for layer in overlays:
            if layer.name == "rehearsal":
                layer.visible = rehearsal
        from console.engine_overlays import overlay_plan

        def notice(text: str) -> None:
            print(f"warning: {redact(text)}", file=sys.stderr)

        plan = overlay_plan(folder, chat=True, rehearsal=rehearsal)
        from console.live.outputs import build_output
        from console.media.process_engine import engine_choice, process_output_factory

        factory = process_output_factory if engine_choice() == "process" else build_output
        live = LiveSession(
            controller,
            engine_factory=lambda s: _media_engine(
                s, overlays, plan, controller, feed, True, notice
            )[0],
            rehearsal=rehearsal,
            audience_refusal=audience.go_live_refusal,
            audience_accounting=audience.hub.accounting,  # journaled with the health samples
            on_notice=notice,
            output_factory=factory,
        )
        audience.start()
        if ingest is not None:
            status = audience.start_ingest(*ingest)
            if status.state != "running":
                raise UserError(f"the audience ingest did not start: {status.reason}")
            print(f"ingest: http://{ingest[0]}:{ingest[1]}/v1/events", file=sys.stderr)
        engine = live.start_engine(spec)
        for text in getattr(engine, "notices", []):
            print(f"warning: {text}", file=sys.stderr)
        record = rehearsal or settings.record_when_live
        pending, dests, keys = _resume_offer(args, live, settings, dests, keys)  # crash resume
        record = record or bool(pending and pending[0].recording)

        def go_live(who: Actor) -> None:
            plan = live.plan(dests, keys, record, folder.path)
            if plan.refusal is not None:
                raise UserError(plan.refusal.text)
            for warning in plan.warnings:
                print(f"warning: {warning}", file=sys.stderr)
            if plan.findings:
                print(
                    f"warning: compliance: {len(plan.findings)} phrase(s) to review "
                    f"(live-console check {folder.path})",
                    file=sys.stderr,
                )
            stem = "rehearsal" if rehearsal else "show"
            from console.live.outputs import recording_path

            path = recording_path(stem, folder.recordings_dir) if record else None
            if pending:  # the unfinished session goes on (new recording file, gap journaled)
                live.resume(pending.pop(), dests, keys, who, recording=path)
                print("resumed: the unfinished session goes on", file=sys.stderr)
            else:
                live.go_live(dests, keys, record, who, recording=path)
            mode = "REHEARSAL" if rehearsal else "LIVE"
            targets = [d.name for d in dests] + (["local recording"] if record else [])
            print(f"{mode}: on air to {', '.join(targets)}", file=sys.stderr)
            if path is not None:
                print(f"recording: {path}", file=sys.stderr)

        if control is not None:
            server = _control_server(
                controller, live, go_live, control, password, overlays, canvas, folder
            )
            print(f"control: {server.url}", file=sys.stderr)
        if panel_at is not None:
            panel = _panel_server(controller, audience, live, go_live, panel_at)
        freeze_startup_heap()
        if args.go_live or pending:
            go_live(actor)
        else:
            print("ready: not live until a control client asks (or --go-live)", file=sys.stderr)
        print(
            f"running {folder.meta.title or folder.path}; Ctrl-C or SIGTERM stops", file=sys.stderr
        )
        failure = _watch(live, stop, [], args.duration, controller.tick, fail_on_output=False)
        if failure:
            print(f"warning: {redact(failure)}", file=sys.stderr)
    finally:
        if server is not None:
            server.close()
        if panel is not None:
            panel.close()
        recording = live.recording if live is not None else None
        if live is not None:
            live.close(actor, reason="stopped")
        if audience is not None:
            audience.stop()
        controller.close()
        restore()
    if recording is not None:
        print(f"recording saved: {recording}", file=sys.stderr)
    print("stopped: outputs closed, session ended in the journal", file=sys.stderr)
    return 0


def _resume_offer(
    args: argparse.Namespace,
    live: LiveSession,
    settings: Settings,
    dests: list[Any],  # Destination from --destination, or the settings' destinations
    keys: dict[str, str | None],
) -> tuple[list[ResumeOffer], list[Any], dict[str, str | None]]:
    """The unfinished session (a crash): printed as an offer, or with ``--resume`` taken —
    ([offer], the session's destinations and keys); else ([], dests, keys)."""
    offer = live.resume_offer()
    if offer is None:
        if args.resume:
            raise UserError(f"{args.show}: no unfinished session to resume: run without --resume")
        return [], dests, keys
    if not args.resume:
        print(
            f"resume: {offer.text()}; run with --resume to go back on air to the same destinations",
            file=sys.stderr,
        )
        return [], dests, keys
    if not dests:
        by_id = {d.id: d for d in settings.destinations}
        local = [t["name"] for t in offer.targets if t["id"] not in by_id]
        if local:
            raise UserError(
                f"resume: give --destination URL again for {', '.join(local)} (the journal "
                "keeps no stream name)"
            )
        from console.live.session import LiveSession

        dests = [by_id[i] for i in offer.destination_ids]
        keys = LiveSession.fetch_keys(dests)
        for key in keys.values():
            if key:
                register_secret(key)
    print(f"resume: {offer.text()}", file=sys.stderr)
    return [offer], dests, keys


def _control_server(
    controller: ShowController,
    live: LiveSession,
    go_live: Callable[[Actor], None],
    address: tuple[str, int],
    password: str,
    overlays: list[Any],
    canvas: CanvasSettings,
    folder: ShowFolder,
) -> ObsWebSocketServer:
    """The obs-websocket control server over the running show: the live core's target
    (console/live/control_target.py): stream → the LiveSession (actor ``control:<client>``),
    record → a local recording in the show's recordings/, scene items → the overlay layers,
    inputs → the engine's mix."""
    from console.control.obsws import ObsWebSocketServer
    from console.live.control_target import LiveControlTarget, engine_parts
    from console.live.outputs import recording_path

    def stop(who: Actor) -> None:
        live.stop_live(who, reason="control")

    parts = engine_parts(
        lambda: live.engine,
        overlays,
        go_live,
        stop,
        canvas.orientation,
        lambda: recording_path("recording", folder.recordings_dir),
    )
    target = LiveControlTarget(controller, live, parts)
    previous = live.on_live

    def on_live(on: bool) -> None:
        if previous is not None:
            previous(on)
        target.live_changed(on)

    live.on_live = on_live
    server = ObsWebSocketServer(target, password, host=address[0], port=address[1])
    server.start()
    return server


def _panel_server(
    controller: ShowController,
    audience: LiveAudience,
    live: LiveSession,
    go_live: Callable[[Actor], None],
    address: tuple[str, int],
) -> PanelServer:
    """The phone panel over the running show (console/live/panel_target.py): the show's
    audience hub, health from the LiveSession; prints each role's QR and short code."""
    from console.live.panel_target import LivePanelTarget
    from console.panel.pairing import PairingStore
    from console.panel.qr import terminal_text
    from console.panel.roles import ROLES
    from console.panel.server import PanelServer

    def stop(who: Actor) -> None:
        live.stop_live(who, reason="panel")

    target = LivePanelTarget(controller, audience.hub, live, go_live, stop)
    previous = live.on_live

    def on_live(on: bool) -> None:
        if previous is not None:
            previous(on)
        target.live_changed(on)

    live.on_live = on_live
    host, port = address
    lan = host in ("0.0.0.0", "::")
    server = PanelServer(target, PairingStore(), host=host, port=port, lan=lan)
    server.start()
    print(
        f"panel: {server.base_url}/panel/" + (" (LAN: phones on this network)" if lan else ""),
        file=sys.stderr,
    )
    for role in ROLES:
        url = server.pairing_url(role)
        code = server.store.code_for(role).code
        print(f"panel {role}: code {code} (10 minutes, once) — {url}", file=sys.stderr)
        print(terminal_text(url), file=sys.stderr)
    return server


def _cmd_encoders(_: argparse.Namespace) -> int:
    from console.media.encoder import available_encoders

    for name in available_encoders():
        print(name)
    return 0


def _cmd_key(args: argparse.Namespace) -> int:
    from console.platforms.credentials import delete_key, store_key

    if args.action == "delete":
        delete_key(args.name)
        print(f"deleted stream key '{args.name}'")
        return 0
    import getpass

    key = (
        getpass.getpass(f"paste the stream key for '{args.name}': ")
        if sys.stdin.isatty()
        else sys.stdin.readline()
    )
    store_key(args.name, key)
    print(f"stored stream key '{args.name}' in the OS keyring")
    return 0


def _cmd_clips(args: argparse.Namespace) -> int:
    """``live-console clips SHOW``: clips per pinned product / flash sale / lottery draw."""
    import json

    from console.clips import cut_session

    result = cut_session(args.show, args.session, args.out, full=not args.no_full)
    rows = [
        {
            "kind": c.segment.kind,
            "product_id": c.segment.product_id,
            "title": c.segment.title,
            "start_s": round(c.job.media_start or 0.0, 3),
            "duration_s": round(c.job.duration, 3),
            "file": str(c.job.out) if c.job.written else None,
            "problem": c.job.problem,
        }
        for c in result.clips
    ]
    if args.json:
        print(json.dumps({"session": result.session.number, "clips": rows}, ensure_ascii=False))
    else:
        for r in rows:
            where = r["file"] or f"not cut: {r['problem']}"
            print(f"{r['start_s']:8.1f} s  {r['duration_s']:6.1f} s  {r['title']}  {where}")
        for path in result.files:
            print(f"chapters: {path}")
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    print(
        "note: clips start on the keyframe at or before the pin (up to one GOP early)",
        file=sys.stderr,
    )
    if not any(r["file"] for r in rows):
        raise UserError(f"{args.show}: no clip could be cut (see the notes above)")
    return 0


COMMANDS = {
    "stream": _cmd_stream,
    "demo": _cmd_demo,
    "run": _cmd_run,
    "encoders": _cmd_encoders,
    "key": _cmd_key,
    "clips": _cmd_clips,
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = build_parser().parse_args(argv)
        if args.command is None or args.command == "window":
            from console.app import main as window_main

            return window_main(argv[1:] if args.command == "window" else argv)
        return COMMANDS[args.command](args)
    except UserError as exc:
        print(f"error: {redact(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 0
    except Exception as exc:  # the user gets one line, the details go to a file
        from console.runtime import write_crash_report

        report = write_crash_report()  # 0600, redacted through the one redactor
        print(f"error: unexpected {exc.__class__.__name__}; details in {report}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
