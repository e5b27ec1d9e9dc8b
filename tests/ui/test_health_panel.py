"""The health panel says what is wrong, in words a host acts on."""

from console.media.output import OutputState, OutputStats
from console.media.pipeline import PipelineStats
from console.ui.health import HealthPanel


def test_reconnecting_destination_says_how_long_and_when_the_room_may_close(qtbot) -> None:  # noqa: ANN001
    panel = HealthPanel()
    qtbot.addWidget(panel)
    stats = PipelineStats(uptime_s=120, render_fps=30, encoder="libx264")
    lost = OutputStats(
        name="d1", state=OutputState.RECONNECTING, error="network stalled",
        lost_for_s=12, reconnect_attempts=4,
    )  # fmt: skip
    report = panel.update_stats(stats, [lost], {"d1": "Douyin"}, 30, 30.0, 20.0, 120)
    assert report.level == "warning"
    text = " ".join(report.reasons)
    assert "Douyin: connection lost 12 s ago (network stalled), reconnecting, attempt 4" in text
    assert "room may close in 48 s" in text
    lost.lost_for_s = 45
    report = panel.update_stats(stats, [lost], {"d1": "Douyin"}, 30, 30.0, 20.0, 120)
    assert report.level == "error"


def test_lowered_bitrate_is_explained(qtbot) -> None:  # noqa: ANN001
    panel = HealthPanel()
    qtbot.addWidget(panel)
    stats = PipelineStats(
        uptime_s=60, render_fps=30, encoder="libx264", video_bitrate=3_375_000,
        video_bitrate_set=4_500_000,
    )  # fmt: skip
    live = OutputStats(name="d1", state=OutputState.LIVE, bitrate_kbps=3300)
    report = panel.update_stats(stats, [live], {"d1": "YouTube"}, 30, 30.0, 20.0, 60)
    assert any("lowered to 3375 of 4500 kbps" in r for r in report.reasons)


def test_destination_row_offers_reconnect_now_only_while_reconnecting(qtbot) -> None:  # noqa: ANN001
    from console.settings import DestinationSettings
    from console.ui.destinations import DestinationRow

    row = DestinationRow(
        DestinationSettings(id="d1", name="Douyin", server="rtmp://a.example/live")
    )
    qtbot.addWidget(row)
    row.set_state(OutputState.LIVE, None, 2500)
    assert row.reconnect.isHidden()
    row.set_state(OutputState.RECONNECTING, "network stalled", 0, 83)
    assert not row.reconnect.isHidden()
    assert "1:23" in row.state.text() and "network stalled" in row.state.text()
    with qtbot.waitSignal(row.reconnect_requested) as blocker:
        row.reconnect.click()
    assert blocker.args == ["d1"]


def test_lowered_bitrate_shows_the_link_estimate_and_why(qtbot) -> None:  # noqa: ANN001
    panel = HealthPanel()
    qtbot.addWidget(panel)
    stats = PipelineStats(
        uptime_s=60, render_fps=30, encoder="libx264", video_bitrate=900_000,
        video_bitrate_set=2_500_000, adaptive_bitrate=True, link_bps=1_130_000,
        abr_reason="congested",
    )  # fmt: skip
    live = OutputStats(name="d1", state=OutputState.LIVE, bitrate_kbps=1100)
    report = panel.update_stats(stats, [live], {"d1": "YouTube"}, 30, 30.0, 20.0, 60)
    assert any("link ≈ 1.1 Mbit/s, target 0.9 Mbit/s (congested)" in r for r in report.reasons)


def test_audience_row_says_where_every_event_went_by_cause(qtbot, tmp_path) -> None:  # noqa: ANN001
    from console.audience.hub import AudienceHub
    from console.ui.i18n import LanguageManager
    from tests.unit.audience.test_hub_batching import ev
    from tests.unit.show.helpers import FakeClock, make_controller

    panel = HealthPanel()
    qtbot.addWidget(panel)
    assert panel.update_audience(None) == "no audience"
    controller = make_controller(tmp_path, FakeClock())
    try:
        hub = AudienceHub(controller, queue_size=30, overlay_quota=5)  # coalesce at 10 queued
        hub.subscribe(lambda item: None, sampled=True)  # the chat overlay
        for i in range(25):
            hub.submit(ev(f"c{i}", user=f"c{i}"))
        for i in range(4):
            hub.submit(ev(f"like{i}", "like", user=f"u{i}"))  # coalesced
        for i in range(25, 30):
            hub.submit(ev(f"c{i}", user=f"c{i}"))
        hub.submit(ev("c0", user="c0"))  # the queue is full: dropped
        hub.process_pending()
        text = panel.update_audience(hub.accounting())
    finally:
        controller.close()
    assert text == "30 accepted · 4 coalesced · 25 sampled out · 1 dropped (queue_full 1)"
    assert panel.values["audience"].text() == text
    languages = LanguageManager()
    try:
        assert languages.set_language("zh_CN")
        label = panel.form.itemAt(8, panel.form.ItemRole.LabelRole).widget()
        qtbot.waitUntil(lambda: label.text() == "观众事件", timeout=3000)
        assert panel.values["audience"].text().startswith("已记录 30 · 合并计数 4 · 未上屏 25")
    finally:
        languages.set_language("en")
