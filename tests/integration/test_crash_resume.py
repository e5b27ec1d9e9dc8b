"""Crash resume: a SIGKILLed `live-console run` leaves its session unfinished; the next start
offers to resume it, ``--resume`` takes the offer and the stream reaches nginx-rtmp again.

Real subprocesses, a real SIGKILL, a real nginx-rtmp on loopback. The resumed session is the
same session (one session with a gap in clips and the report), recorded into a new file
linked to it.
"""

from __future__ import annotations

import re
import signal
import sqlite3
from pathlib import Path

from console.clips import load_sessions
from console.show.demo import copy_demo_show
from tests.integration.test_run_headless import start_run, text
from tests.media_checks import decode
from tests.waiting import wait_for

STREAM = "crashresume"


def events(show: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(f"file:{show / 'journal.sqlite'}?mode=ro", uri=True) as db:
        return [tuple(r) for r in db.execute("SELECT kind, payload FROM events ORDER BY seq")]


def publishes(nginx_rtmp) -> int:  # noqa: ANN001
    log = nginx_rtmp.error_log.read_text(errors="replace") if nginx_rtmp.error_log.exists() else ""
    return len(re.findall(rf"publish: name='{STREAM}'", log))


def test_sigkilled_run_is_offered_and_resumed(nginx_rtmp, tmp_path: Path):
    show = copy_demo_show(tmp_path / "show")
    url = f"{nginx_rtmp.url()}/{STREAM}"
    args = (str(show), "--rehearsal", "--destination", url)
    for n in "123":
        (tmp_path / n).mkdir()

    first, log1 = start_run(tmp_path / "1", *args, "--go-live")
    try:
        assert wait_for(lambda: text(log1).count("local-1:live") >= 3 or first.poll(), 60)
        assert first.poll() is None, text(log1)
        assert wait_for(
            lambda: any(k == "session.recording_started" for k, _ in events(show)), 20
        ), text(log1)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(30)
    kinds = [k for k, _ in events(show)]
    assert "session.started" in kinds and "session.ended" not in kinds
    assert publishes(nginx_rtmp) == 1

    # the next start without --resume: the offer is printed, nothing goes on air
    second, log2 = start_run(tmp_path / "2", *args)
    try:
        assert wait_for(lambda: "ready: not live" in text(log2) or second.poll() is not None, 60)
        out = text(log2)
        offer = next(line for line in out.splitlines() if line.startswith("resume: "))
        assert "unfinished rehearsal to local-1" in offer and "--resume" in offer
        assert re.search(r"stopped sending \d+ s ago; the room may close in \d+ s", offer), offer
        second.send_signal(signal.SIGTERM)
        assert second.wait(60) == 0, text(log2)
    finally:
        if second.poll() is None:
            second.kill()
            second.wait()
    assert publishes(nginx_rtmp) == 1
    assert "session.ended" not in [k for k, _ in events(show)]

    # --resume: back on air to the same destination, the stream arrives again
    third, log3 = start_run(tmp_path / "3", *args, "--resume")
    try:
        assert wait_for(lambda: text(log3).count("local-1:live") >= 3 or third.poll(), 60), text(
            log3
        )
        assert third.poll() is None, text(log3)
        assert "resumed: the unfinished session goes on" in text(log3)
        assert wait_for(lambda: publishes(nginx_rtmp) == 2, 20), nginx_rtmp.log_tail()
        third.send_signal(signal.SIGTERM)
        assert third.wait(60) == 0, text(log3)
    finally:
        if third.poll() is None:
            third.kill()
            third.wait()
    assert "Traceback" not in text(log1) + text(log2) + text(log3)
    server = decode(nginx_rtmp.wait_recording(STREAM, timeout=20))
    assert server.duration >= 1.0  # the resumed stream reached the server and decodes

    sessions = load_sessions(show)
    assert len(sessions) == 1  # one session, resumed once, ended once
    session = sessions[0]
    assert session.finished and len(session.resumes) == 1
    assert [r.reason for r in session.recordings] == ["start", "resume"]
    assert session.recordings[0].path != session.recordings[1].path
    assert all(r.path.is_file() for r in session.recordings)
    assert decode(session.recordings[1].path).duration >= 1.0
    resumed = [p for k, p in events(show) if k == "session.started"][1]
    assert '"resumes"' in resumed and '"gap_s"' in resumed


def test_resume_without_an_unfinished_session_is_one_line(tmp_path: Path):
    show = copy_demo_show(tmp_path / "show")
    proc, log = start_run(tmp_path, str(show), "--rehearsal", "--resume")
    assert proc.wait(60) == 2
    errors = [line for line in text(log).splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "no unfinished session to resume" in errors[0], text(log)
