"""`live-console run SHOW`: the show's process without a window (issue 12, item 3).

A real subprocess on a copy of the demo show, in rehearsal, going live at once to a real
nginx-rtmp on loopback; SIGTERM or SIGINT stops it cleanly: exit 0, the local recording
finalised and decodable, the server's recording too, ``session.started`` / ``session.ended``
in the journal with the actor ``run``.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from console.show.demo import copy_demo_show
from tests.media_checks import decode
from tests.waiting import wait_for

STREAM = "runheadless"


def start_run(tmp_path: Path, *args: str) -> tuple[subprocess.Popen, Path]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    log = tmp_path / "run.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "console", "run", *args],
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
        stdin=subprocess.DEVNULL,
        env=env,
    )
    return proc, log


def text(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")


def journal(show: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(f"file:{show / 'journal.sqlite'}?mode=ro", uri=True) as db:
        return [tuple(r) for r in db.execute("SELECT kind, actor FROM events ORDER BY seq")]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_run_goes_live_in_rehearsal_and_stops_cleanly(nginx_rtmp, tmp_path: Path, sig):
    show = copy_demo_show(tmp_path / "show")
    stream = f"{STREAM}{sig.value}"
    url = f"{nginx_rtmp.url()}/{stream}"
    proc, log = start_run(tmp_path, str(show), "--rehearsal", "--go-live", "--destination", url)
    try:
        # on air, and the status line says the destination is live (media reached nginx)
        assert wait_for(lambda: "local-1:live" in text(log) or proc.poll() is not None, 60), text(
            log
        )
        assert proc.poll() is None, text(log)
        assert wait_for(lambda: nginx_rtmp.record_path(stream).exists(), 20), text(log)
        assert wait_for(lambda: text(log).count("local-1:live") >= 3, 30), text(log)
        proc.send_signal(sig)
        assert proc.wait(60) == 0, text(log)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    out = text(log)
    assert "Traceback" not in out
    assert "REHEARSAL: on air to local-1, local recording" in out
    recordings = list((show / "recordings").glob("rehearsal-*.flv"))
    assert len(recordings) == 1, out
    local = decode(recordings[0])
    assert local.video_codec == "h264" and local.duration >= 1.0
    server = decode(nginx_rtmp.wait_recording(stream, timeout=20))
    assert server.duration >= 1.0
    rows = journal(show)
    assert ("session.started", "run") in rows
    assert ("session.ended", "run") in rows
    started = [k for k, _ in rows].index("session.started")
    ended = [k for k, _ in rows].index("session.ended")
    assert started < ended


def test_run_refuses_a_remote_destination_in_rehearsal(tmp_path: Path):
    show = copy_demo_show(tmp_path / "show")
    proc, log = start_run(
        tmp_path, str(show), "--rehearsal", "--destination", "rtmp://push.example.com/live/x"
    )
    assert proc.wait(60) == 2
    errors = [line for line in text(log).splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "only for a rehearsal to this machine" in errors[0], text(log)
    assert "Traceback" not in text(log)


def test_run_without_go_live_stays_off_air_until_stopped(tmp_path: Path):
    show = copy_demo_show(tmp_path / "show")
    proc, log = start_run(tmp_path, str(show), "--rehearsal")
    try:
        assert wait_for(lambda: "ready: not live" in text(log) or proc.poll() is not None, 60)
        assert wait_for(lambda: " fps " in text(log) or proc.poll() is not None, 30), text(log)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0, text(log)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    kinds = [k for k, _ in journal(show)]
    assert "session.started" not in kinds and "session.ended" not in kinds
    assert not list((show / "recordings").glob("*.flv"))


def test_a_control_client_takes_the_headless_show_live_and_off(nginx_rtmp, tmp_path: Path):
    import obsws_python as obs

    from tests.fixtures.rtmp_servers import free_port

    show = copy_demo_show(tmp_path / "show")
    secret = tmp_path / "control-password"
    secret.write_text("correct horse battery\n", encoding="utf-8")
    port = free_port()
    stream = f"{STREAM}control"
    proc, log = start_run(
        tmp_path,
        str(show),
        "--rehearsal",
        "--destination",
        f"{nginx_rtmp.url()}/{stream}",
        "--control",
        f"127.0.0.1:{port}",
        "--control-password-file",
        str(secret),
    )
    try:
        assert wait_for(lambda: "ready: not live" in text(log) or proc.poll() is not None, 60)
        assert proc.poll() is None, text(log)
        cl = obs.ReqClient(
            host="127.0.0.1", port=port, password="correct horse battery", timeout=10
        )
        try:
            cl.start_stream()
            assert wait_for(lambda: "local-1:live" in text(log), 30), text(log)
            status = cl.get_stream_status()
            assert status.output_active and status.output_bytes > 0
            # scene items are the overlay layers, inputs the engine's mix, record a recording
            scene = cl.get_current_program_scene().scene_name
            items = {i["sourceName"]: i for i in cl.get_scene_item_list(scene).scene_items}
            card = items["product_card"]
            cl.set_scene_item_enabled(scene, card["sceneItemId"], False)
            items = {i["sourceName"]: i for i in cl.get_scene_item_list(scene).scene_items}
            assert items["product_card"]["sceneItemEnabled"] is False
            inputs = [i["inputName"] for i in cl.get_input_list().inputs]
            assert inputs
            cl.set_input_mute(inputs[0], True)
            assert cl.get_input_mute(inputs[0]).input_muted is True
            assert cl.get_record_status().output_active  # the rehearsal records
            cl.stop_stream()
            assert wait_for(lambda: not cl.get_stream_status().output_active, 30)
            cl.start_record()
            assert cl.get_record_status().output_active
            extra = Path(cl.stop_record().output_path)
            assert extra.parent == show / "recordings" and extra.stat().st_size > 0
        finally:
            cl.disconnect()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0, text(log)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "correct horse battery" not in text(log)
    rows = journal(show)
    started = [a for k, a in rows if k == "session.started"]
    ended = [a for k, a in rows if k == "session.ended"]
    # the client's name reaches the actor: control:<User-Agent product>
    assert len(started) == 1 and started[0].startswith("control:"), rows
    assert ended == started, rows
    assert ("session.ended", "run") not in rows  # the client had ended it already
    assert len(list((show / "recordings").glob("rehearsal-*.flv"))) == 1
    assert len(list((show / "recordings").glob("recording-*.flv"))) == 1
