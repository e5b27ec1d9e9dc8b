"""``live-console run SHOW``: a show on the live core, headless — destinations, crash resume, and
the control server and phone panel over it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.cli_stream import _media_engine, _setup_logging, _stop_on_signals, _watch
from console.errors import UserError
from console.redaction import redact, register_secret

if TYPE_CHECKING:  # the commands import their parts when they run (a fast --help)
    from console.control.obsws import ObsWebSocketServer
    from console.live.audience import LiveAudience
    from console.live.resume import ResumeOffer
    from console.live.session import LiveSession
    from console.panel.server import PanelServer
    from console.settings import CanvasSettings, Settings
    from console.show.actor import Actor
    from console.show.controller import ShowController
    from console.show.folder import ShowFolder


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
