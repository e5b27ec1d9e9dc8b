"""Crash resume in the window: a SIGKILLed ``live-console run --go-live`` leaves its session
unfinished; the window opened on that show offers to resume it (the dialog, replaced by the
fixture's hook) and, accepted, the stream reaches nginx-rtmp again — the same session, a new
recording. Real subprocess, real SIGKILL, real nginx-rtmp on loopback, the real window offscreen.
"""

from __future__ import annotations

import re
import signal
import sqlite3
from pathlib import Path

from console.clips import load_sessions
from console.platforms import credentials
from console.settings import DestinationSettings
from console.show.demo import copy_demo_show
from tests.integration.test_run_headless import start_run, text
from tests.ui.audience_helpers import write_audience_prefs
from tests.waiting import wait_for

STREAM = "windowresume"


def kinds(show: Path) -> list[str]:
    with sqlite3.connect(f"file:{show / 'journal.sqlite'}?mode=ro", uri=True) as db:
        return [r[0] for r in db.execute("SELECT kind FROM events ORDER BY seq")]


def publishes(nginx_rtmp, stream: str = STREAM) -> int:  # noqa: ANN001
    log = nginx_rtmp.error_log.read_text(errors="replace") if nginx_rtmp.error_log.exists() else ""
    return len(re.findall(rf"publish: name='{stream}'", log))


def test_window_offers_and_resumes_a_crashed_session(
    make_window, qtbot, nginx_rtmp, tmp_path: Path
) -> None:  # noqa: ANN001
    show = copy_demo_show(tmp_path / "show")
    server = nginx_rtmp.url()
    run, log = start_run(
        tmp_path, str(show), "--rehearsal", "--destination", f"{server}/{STREAM}", "--go-live"
    )
    try:
        assert wait_for(lambda: text(log).count("local-1:live") >= 3 or run.poll(), 60), text(log)
        assert run.poll() is None, text(log)
        assert wait_for(lambda: "session.recording_started" in kinds(show), 20), text(log)
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait(30)
    assert "session.started" in kinds(show) and "session.ended" not in kinds(show)
    assert publishes(nginx_rtmp) == 1

    # the window's saved destination is the session's (same id, same server); key in the keyring
    credentials.store_key("dest-local-1", STREAM)
    dest = DestinationSettings(
        id="local-1", name="local-1", preset="custom", server=server, key_name="dest-local-1"
    )
    write_audience_prefs(simulated=False)
    window = make_window(show_path=show, rehearsal=True, destinations=[dest])
    assert window.resume_offer is not None
    assert window.resume_offer.destination_ids == ["local-1"]
    qtbot.waitUntil(lambda: any(t == "resume" for t, _ in window.confirmations), timeout=30000)
    asked = next(line for t, line in window.confirmations if t == "resume")
    assert "unfinished rehearsal to local-1" in asked
    qtbot.waitUntil(lambda: window.session.live, timeout=30000)
    assert wait_for(lambda: publishes(nginx_rtmp) == 2, 30), nginx_rtmp.log_tail()
    qtbot.waitUntil(
        lambda: any("Resumed: the unfinished session goes on" in n for n in window.notices),
        timeout=10000,
    )

    qtbot.waitUntil(lambda: kinds(show).count("session.recording_started") == 2, timeout=20000)
    window.stop_live()
    qtbot.waitUntil(lambda: not window.session.live, timeout=30000)
    qtbot.waitUntil(lambda: "session.ended" in kinds(show), timeout=30000)
    sessions = load_sessions(show)
    assert len(sessions) == 1  # one session, resumed once from the window
    assert sessions[0].finished and len(sessions[0].resumes) == 1
    assert [r.reason for r in sessions[0].recordings] == ["start", "resume"]
    assert nginx_rtmp.wait_recording(STREAM, timeout=20).stat().st_size > 0


def test_a_rehearsal_is_never_resumed_live(make_window, qtbot, nginx_rtmp, tmp_path) -> None:  # noqa: ANN001
    """The live core refuses to resume a rehearsal as a live show: its one line is shown."""
    from console.show.actor import Actor
    from console.show.commands import StartSession
    from console.show.opening import open_show

    show = copy_demo_show(tmp_path / "show")
    _, controller = open_show(show)
    target = {"id": "local-1", "name": "local-1", "preset": "custom", "server": nginx_rtmp.url()}
    start = StartSession(mode="rehearsal", destinations=1, details={"targets": [target]})
    controller.execute(start, actor=Actor("run"))
    controller.close()
    write_audience_prefs(simulated=False)
    dest = DestinationSettings(id="local-1", name="local-1", server=nginx_rtmp.url(), key_name="k")
    credentials.store_key("k", "neverlive")
    window = make_window(show_path=show, rehearsal=False, destinations=[dest])
    assert window.resume_offer is not None and window.resume_offer.rehearsal
    qtbot.waitUntil(lambda: any("was not resumed" in n for n in window.notices), timeout=30000)
    line = next(n for n in window.notices if "was not resumed" in n)
    assert "resume it as a rehearsal" in line and "\n" not in line
    assert not window.session.live
    assert publishes(nginx_rtmp, "neverlive") == 0
