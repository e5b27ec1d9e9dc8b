"""The audience wired into the window: the simulated audience in rehearsal, the go-live rule,
the local ingest from the menu, plugin failures as notices, compliance before going live."""

from __future__ import annotations

import http.client
import json
import socket
import time
from typing import TYPE_CHECKING

from tests.ui.audience_helpers import comment, write_audience_prefs

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from console.ui.main_window import MainWindow


class FakeClock:
    """The show clock (and so the simulated audience's clock), moved by the test."""

    def __init__(self) -> None:
        self.t = float(int(time.time()))

    def __call__(self) -> float:
        return self.t


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_simulated_audience_in_rehearsal_comments_over_time(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    clock = FakeClock()
    window = make_window(clock=clock)  # rehearsal, simulated audience on by default
    assert window.settings.rehearsal and window.sim_action.isChecked()
    qtbot.waitUntil(lambda: window.audience.running("simulated_audience"), timeout=5000)
    model = window.chat.model

    def comments() -> int:
        return sum(1 for i in model.items if i.event.type == "comment")

    # the plugin steps on the show clock: frozen, nothing; moved forward, viewers talk
    def advanced() -> bool:
        clock.t += 0.5
        return comments() >= 3

    qtbot.waitUntil(advanced, timeout=15000)
    assert all(i.event.platform == "sim" for i in model.items)
    assert window.chat.viewers is not None  # room stats arrive too
    journal = window.controller.journal
    assert any(e.kind == "audience.comment" for e in journal.events("audience."))
    # the chat overlay is in the outgoing scene, inside the comments zone (bottom left)
    qtbot.waitUntil(lambda: window.session.running, timeout=20000)
    chat = next(lay for lay in window.session.scene.layers if lay.name == "chat")
    assert chat.rect.y >= 0.6 and chat.rect.y + chat.rect.h <= 0.9 and chat.rect.x < 0.1
    qtbot.waitUntil(lambda: bool(window.audience.feed.snapshot()[1]), timeout=5000)

    # Audience ▸ Simulated audience off: detached
    window.sim_action.setChecked(False)
    qtbot.waitUntil(lambda: not window.audience.running("simulated_audience"), timeout=5000)
    assert window.audience.host.attached() == []


def test_going_live_with_the_simulated_audience_is_refused(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    from console.settings import DestinationSettings

    window = make_window()  # rehearsal: the simulated audience is attached
    qtbot.waitUntil(lambda: window.audience.running("simulated_audience"), timeout=5000)
    qtbot.waitUntil(lambda: window.session.running, timeout=20000)
    window.set_rehearsal(False)
    assert not window.settings.rehearsal
    assert any("simulated audience is still attached" in n for n in window.notices)
    window.save_destination(
        DestinationSettings(
            id="douyin",
            name="Douyin",
            preset="douyin",
            server="rtmp://push-rtmp-l6.douyincdn.com/third/",
            key_name="douyin",
        ),
        "stream-9988?sign=f00d",
    )
    window.go_live()
    assert not window.session.live and not window.going_live
    assert "faked comments/orders on a real broadcast are forbidden" in window.last_refusal
    assert "simulated_audience" in window.last_refusal
    assert any(window.last_refusal in n for n in window.notices)
    assert window.confirmations == []  # nothing asked, nothing connects
    assert window.session.hub.outputs == []
    # it cannot be attached again outside rehearsal
    window.sim_action.setChecked(False)
    qtbot.waitUntil(lambda: not window.audience.host.attached(), timeout=5000)
    window.sim_action.setChecked(True)
    assert not window.sim_action.isChecked() and not window.audience.host.attached()

    # detached: going live gets as far as the question, which lists the compliance findings
    window.confirm_answer = False
    window.go_live()
    qtbot.waitUntil(lambda: bool(window.confirmations), timeout=10000)
    title, text = window.confirmations[-1]
    assert "Compliance" in text and "【100%】" in text
    assert window.last_findings
    assert not window.session.live and window.session.hub.outputs == []


def test_compliance_tab_lists_findings_and_rechecks(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    write_audience_prefs(simulated=False)
    window = make_window()
    panel = window.assistant
    tab = next(i for i in range(panel.tabs.count()) if panel.tabs.tabText(i) == "Compliance")
    panel.tabs.setCurrentIndex(tab)
    assert panel.findings, "the demo show has a phrase to review"
    phrases = {f.phrase for f in panel.findings}
    assert "100%" in phrases
    listed = panel.compliance_list.toPlainText()
    assert "100%美利奴羊毛" in listed and "广告法" in listed
    assert "background:#f5a623" in panel.compliance_html()  # the phrase is highlighted
    # the show adds its own term; Re-check finds it
    terms = window.show_folder.path / "compliance_terms.json"
    terms.write_text(json.dumps({"terms": ["好物"]}, ensure_ascii=False), "utf-8")
    panel.recheck_button.click()
    assert "好物" in {f.phrase for f in panel.findings}
    assert "phrase(s) to review" in panel.compliance_summary.text()

    # in Chinese
    window.set_language("zh_CN")
    qtbot.waitUntil(lambda: window.chat.pin_button.text() == "置顶到画面", timeout=3000)
    assert panel.tabs.tabText(tab) == "合规"
    assert window.chat.filter_buttons["questions"].text() == "提问"
    assert window.audience_menu.title() == "观众(&A)"
    window.set_language("en")


def test_local_ingest_from_the_menu_and_plugin_failures(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    port = free_port()
    write_audience_prefs(simulated=False, ingest_port=port)
    window = make_window()
    assert not window.ingest_action.isChecked()
    window.ingest_action.setChecked(True)
    qtbot.waitUntil(lambda: window.audience.running("local_ingest"), timeout=5000)
    assert f"127.0.0.1:{port}" in window.ingest_status_action.text()
    from console.qt.QtGui import QGuiApplication

    QGuiApplication.clipboard().clear()
    window.ingest_token_action.trigger()  # Audience ▸ Copy ingest token
    qtbot.waitUntil(lambda: len(QGuiApplication.clipboard().text()) >= 16, timeout=5000)
    token = QGuiApplication.clipboard().text()
    assert not any(token in n for n in window.notices)  # the notice never shows the token
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

    def posted() -> bool:  # the server thread binds right after the plugin starts
        body = json.dumps(comment("从 HTTP 来的评论", user="h1", nick="桥接")).encode()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("POST", "/v1/events", body, headers)
            return conn.getresponse().status == 200
        except OSError:
            return False

    qtbot.waitUntil(posted, timeout=5000)
    qtbot.waitUntil(
        lambda: any(i.text == "从 HTTP 来的评论" for i in window.chat.model.items), timeout=5000
    )
    window.ingest_action.setChecked(False)
    qtbot.waitUntil(lambda: not window.audience.running("local_ingest"), timeout=5000)

    # a plugin that fails (the port is taken) is a notice, never a crash
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen(1)
        window.set_ingest_port(blocker.getsockname()[1])
        window.ingest_action.setChecked(True)
        qtbot.waitUntil(
            lambda: any("local_ingest stopped" in n for n in window.notices), timeout=5000
        )
    assert "cannot listen" in window.audience.statuses["local_ingest"].reason
    assert not window.ingest_action.isChecked()
    assert "failed" in window.ingest_status_action.text()
    assert window.session.running or window.session.starting  # the console carries on


def test_replay_a_recorded_chat_in_rehearsal_only(
    make_window: Callable[..., MainWindow], qtbot: QtBot, tmp_path: Path
) -> None:
    log = tmp_path / "earlier-show.jsonl"
    lines = [comment(f"回放评论 {i}", user=f"r{i}") for i in range(5)]
    log.write_text(
        "\n".join(json.dumps(e, ensure_ascii=False) for e in lines) + "\n", encoding="utf-8"
    )

    write_audience_prefs(simulated=False)
    window = make_window(rehearsal=False)
    window.replay_action.setChecked(True)  # outside rehearsal: refused, nothing starts
    assert not window.replay_action.isChecked()
    assert any("only in rehearsal" in n for n in window.notices)

    window.set_rehearsal(True)
    window.set_replay(True, str(log), speed=1000.0)
    model = window.chat.model
    qtbot.waitUntil(
        lambda: sum(1 for i in model.items if "回放评论" in (i.event.text or "")) == 5,
        timeout=15000,
    )
