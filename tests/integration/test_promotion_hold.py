"""Promotion hold: kill the server during a flash sale; the countdown is held while it is down.

A real nginx-rtmp, a real pipeline publishing to it with the show's flash-sale overlay in the
picture; nginx is SIGKILLed mid-sale, so the publisher goes RECONNECTING, and the loop that
watches the destinations (here the test, as the window's session and the CLI do) tells the
``UplinkWatcher``. While the server is down the sale outlives its original end time, its
countdown (in the state and drawn into the video) stands still and says 暂停中; when nginx is back
the publisher is LIVE again, the hold is resumed and the sale ends after the time it had left.
Every wait is on a condition with a deadline.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from console.media.audio import AudioMixer, ToneSource
from console.media.compositor import Scene, VideoLayer
from console.media.encoder import EncoderSettings
from console.media.output import OutputState
from console.media.pipeline import Pipeline
from console.media.recorder import FlvRecorder
from console.media.rtmp import RtmpPublisher
from console.media.testpattern import TestPatternSource
from console.overlays.base import countdown_seconds, format_countdown
from console.overlays.flash_sale import HELD_LABEL
from console.overlays.show_layers import build_show_layers
from console.show.commands import PinProduct, StartFlashSale
from console.show.uplink_hold import UplinkWatcher, all_real_down
from tests.fixtures.rtmp_servers import nginx_available, running_nginx, wait_for
from tests.unit.show.helpers import make_controller

pytestmark = [
    pytest.mark.usefixtures("gui_app"),
    pytest.mark.skipif(not nginx_available(), reason="nginx-rtmp not installed"),
]

FPS = 30
SALE_S = 4.0
SIZE = (640, 360)  # the flash-sale panel's clock has room for 暂停 mm:ss


def held_clock(layer) -> str | None:  # noqa: ANN001 - a ShowLayer
    """The countdown as last drawn into the picture, if it is marked held (暂停 mm:ss)."""
    lines = [line for box in layer.text_boxes() for line in box.lines]
    return next((line for line in lines if line.startswith(HELD_LABEL)), None)


def test_flash_sale_countdown_is_held_while_the_server_is_down(tmp_path: Path) -> None:
    controller = make_controller(tmp_path, clock=time.time)
    notices: list[str] = []
    watcher = UplinkWatcher(controller, room_close_s=60, notify=notices.append)
    layers = build_show_layers(lambda: controller.state, time.time, SIZE, tmp_path)
    flash = next(layer for layer in layers if layer.name == "flash_sale")
    with running_nginx(tmp_path / "ng1") as first:
        port, rtmps_port = first.port, first.rtmps_port
        pub = RtmpPublisher(first.url(), "hold", name="nginx", reconnect=True, connect_timeout=2)
        recorder = FlvRecorder(tmp_path / "local.flv")  # not a real destination
        scene = Scene()
        scene.add(VideoLayer(TestPatternSource(*SIZE, FPS), fit="cover"))
        for layer in layers:
            scene.add(layer)
        mixer = AudioMixer()
        mixer.add(ToneSource(440))
        settings = EncoderSettings(
            width=SIZE[0], height=SIZE[1], fps=FPS, video_bitrate=600_000, encoder="libx264"
        )
        pipeline = Pipeline(settings, scene, mixer, [pub, recorder])

        def watch() -> None:
            """What the session loop does once a tick: the uplink state, then due transitions."""
            outputs = [(o.state.name, o.name == "nginx") for o in pipeline.stats().outputs]
            watcher.update(all_real_down(outputs))
            controller.tick()

        def watched(condition):  # noqa: ANN001, ANN202
            return lambda: (watch(), condition())[1]

        pipeline.start()
        try:
            assert pub.wait_live(15), pub.error
            assert wait_for(watched(lambda: pipeline.stats().frames_encoded >= 30), 30)
            assert controller.state.promotions_hold is None  # live: nothing held
            controller.execute(PinProduct("cup"))
            controller.execute(StartFlashSale("cup", 5900, 10, SALE_S))
            sale = controller.state.flash_sales["flash-1"]
            ends_at = sale.ends_at

            first.process.kill()  # SIGKILL mid-sale: the only real destination is gone
            first.process.wait(10)
            assert wait_for(watched(lambda: controller.state.promotions_hold is not None), 15)
            assert pub.stats().state == OutputState.RECONNECTING
            held = controller.state.flash_sales["flash-1"]
            assert held.held and held.held_at < ends_at
            frozen = held.remaining(time.time())
            assert 0 < frozen < SALE_S

            # the outage outlasts the sale's original end: nothing runs out
            assert wait_for(watched(lambda: time.time() > ends_at + 1.0), 15)
            assert pub.stats().state == OutputState.RECONNECTING
            sale = controller.state.flash_sales["flash-1"]
            assert sale.ended_at is None and sale.active(time.time())
            assert sale.remaining(time.time()) == frozen
            # the overlay in the outgoing picture shows the held countdown, marked paused
            assert wait_for(watched(lambda: held_clock(flash) is not None), 10)
            assert held_clock(flash) == f"暂停 {format_countdown(countdown_seconds(frozen))}"
            key = flash.content_key(time.time())
            n = pipeline.stats().frames_encoded  # another second of pictures, still down
            assert wait_for(watched(lambda: pipeline.stats().frames_encoded >= n + FPS), 15)
            assert pub.stats().state == OutputState.RECONNECTING
            assert flash.content_key(time.time()) == key

            with running_nginx(tmp_path / "ng2", port=port, rtmps_port=rtmps_port):
                assert wait_for(watched(lambda: controller.state.promotions_hold is None), 20)
                assert pub.stats().state == OutputState.LIVE
                resumed = [e for e in controller.journal.events("show.promotions_resumed")]
                assert len(resumed) == 1 and resumed[0].actor == "stream"
                item = resumed[0].payload["items"][0]
                assert (item["kind"], item["id"]) == ("flash_sale", "flash-1")
                sale = controller.state.flash_sales["flash-1"]
                assert not sale.held
                assert sale.ends_at == pytest.approx(ends_at + item["extended_s"])
                assert sale.ends_at - resumed[0].ts == pytest.approx(frozen)
                assert len(notices) == 1 and "flash sale 保温杯" in notices[0]
                assert wait_for(watched(lambda: held_clock(flash) is None), 10)
                # and then it ends, after the time it had left when the server went down
                assert wait_for(watched(lambda: sale_ended(controller)), 15)
                ended = controller.state.flash_sales["flash-1"]
                assert ended.end_reason == "expired" and ended.ended_at == sale.ends_at
                assert ended.ended_at > ends_at
        finally:
            pipeline.stop()
            controller.close()
    held_events = [e.actor for e in _journal_kinds(tmp_path, "show.promotions_held")]
    assert held_events == ["stream"]


def sale_ended(controller) -> bool:  # noqa: ANN001
    return controller.state.flash_sales["flash-1"].ended_at is not None


def _journal_kinds(folder: Path, kind: str) -> list:
    from console.show.journal import Journal

    with Journal(folder / "journal.sqlite") as journal:
        return list(journal.events(kind))


def test_the_live_session_holds_and_resumes_by_itself(tmp_path: Path) -> None:
    """The live core (what the window and `live-console stream`/`demo` run) watches its outputs:
    nginx killed → held (actor stream), nginx back → resumed, with a notice; the local recording
    is not a real destination, and a loopback server in rehearsal is."""
    from console.live.engine import EngineSpec
    from console.live.outputs import Destination
    from console.live.session import LiveSession
    from console.media.live_engine import PipelineEngine
    from console.show.actor import Actor

    controller = make_controller(tmp_path, clock=time.time)
    notices: list[str] = []
    live = LiveSession(controller, rehearsal=True, on_notice=notices.append)
    spec = EngineSpec(width=320, height=240, fps=FPS, video_bitrate=500_000, encoder="libx264")
    live.attach_engine(PipelineEngine(spec, []))
    actor = Actor("test", "hold")
    held = lambda: controller.state.promotions_hold is not None  # noqa: E731
    with running_nginx(tmp_path / "ng1") as first:
        port, rtmps_port = first.port, first.rtmps_port
        dest = Destination("nginx", "nginx", first.url(), connect_timeout=2)
        try:
            live.go_live(
                [dest],
                {"nginx": "hold2"},
                record=True,
                actor=actor,
                recording=tmp_path / "rec.flv",
                require_keys=False,
            )
            live.engine.start()
            real = lambda: [o for o in live.output_stats() if o.name == "nginx"]  # noqa: E731
            assert wait_for(lambda: real() and real()[0].state == OutputState.LIVE, 15)
            controller.execute(StartFlashSale("cup", 5900, 10, 60))
            first.process.kill()
            first.process.wait(10)
            assert wait_for(held, 15)
            with running_nginx(tmp_path / "ng2", port=port, rtmps_port=rtmps_port):
                assert wait_for(lambda: not held(), 20)
        finally:
            live.close(actor)
            controller.close()
    kinds = [(e.kind, e.actor) for e in _journal_kinds(tmp_path, "show.promotions_")]
    assert kinds == [("show.promotions_held", "stream"), ("show.promotions_resumed", "stream")]
    assert any(n.startswith("stream back: promotions held") and "保温杯" in n for n in notices)
