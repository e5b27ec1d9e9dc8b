"""The window's non-widget parts: presets, push URLs, key expiry, settings, CJK fonts."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from console.errors import UserError
from console.platforms.presets import (
    check_rehearsal_destination,
    is_loopback_url,
    key_expiry,
    key_status,
    load_presets,
    split_push_url,
)
from console.settings import (
    SCHEMA_VERSION,
    DestinationSettings,
    LayerPlacement,
    Settings,
    load_settings,
    save_settings,
    settings_path,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from console.qt.QtWidgets import QApplication
    from console.ui.main_window import MainWindow


def test_presets_cover_the_platforms_with_safe_zones() -> None:
    ids = {p.id for p in load_presets()}
    assert {
        "douyin",
        "taobao",
        "kuaishou",
        "wechat_channels",
        "bilibili",
        "youtube",
        "twitch",
        "custom",
    } <= ids
    for p in load_presets():
        for zone in p.safe_zones:
            x, y, w, h = zone.rect
            assert 0 <= x < 1 and 0 <= y < 1 and 0 < x + w <= 1.0001 and 0 < y + h <= 1.0001, (
                p.id,
                zone,
            )
    kuaishou = next(p for p in load_presets() if p.id == "kuaishou")
    assert kuaishou.key_lifetime == "single_use" and kuaishou.key_lifetime_hours == 48


@pytest.mark.parametrize(
    ("url", "server", "key"),
    [
        (
            "rtmp://push-rtmp-l6.douyincdn.com/third/stream-123?expire=1700000000&sign=ab",
            "rtmp://push-rtmp-l6.douyincdn.com/third/",
            "stream-123?expire=1700000000&sign=ab",
        ),
        (
            "rtmp://live-push.bilivideo.com/live-bvc/?streamname=live_1_2&key=abc&schedule=rtmp",
            "rtmp://live-push.bilivideo.com/live-bvc/",
            "?streamname=live_1_2&key=abc&schedule=rtmp",
        ),
        (
            "rtmps://a.rtmps.youtube.com:443/live2/abcd-efgh",
            "rtmps://a.rtmps.youtube.com:443/live2/",
            "abcd-efgh",
        ),
        ("rtmp://127.0.0.1:1935/live/k/with/slash", "rtmp://127.0.0.1:1935/live/", "k/with/slash"),
    ],
)
def test_split_push_url(url: str, server: str, key: str) -> None:
    assert split_push_url(url) == (server, key)


@pytest.mark.parametrize(
    "bad", ["", "http://x/live/k", "rtmp:///live/k", "rtmp://host/live", "rtmp://host/"]
)
def test_split_push_url_rejects(bad: str) -> None:
    with pytest.raises(UserError):
        split_push_url(bad)


def test_key_expiry_and_status() -> None:
    assert key_expiry("stream-1?expire=1700000000&sign=x") == 1700000000
    assert key_expiry("s?expires=1700000000000") == 1700000000  # milliseconds
    assert key_expiry("s?txTime=6553F100") == 0x6553F100
    assert key_expiry("plainkey") is None
    now = 1_700_000_000
    assert key_status(now - 5, now=now).level == "expired"
    assert key_status(now + 1800, now=now).level == "soon"
    assert key_status(now + 7200, now=now).level == "ok"
    assert (
        key_status(None, saved_at=now - 47 * 3600 - 1800, lifetime_hours=48, now=now).level
        == "soon"
    )
    assert key_status(None, now=now).level == "unknown"


def test_loopback_only_in_rehearsal() -> None:
    for url in (
        "rtmp://127.0.0.1:1935/live",
        "rtmp://localhost/live",
        "rtmp://[::1]/live",
        "rtmp://127.8.0.1/x",
    ):
        assert is_loopback_url(url)
        check_rehearsal_destination(url)
    for url in (
        "rtmp://live-push.bilivideo.com/live-bvc/",
        "rtmp://192.168.1.5/live",
        "rtmp://localhost.evil.com/x",
    ):
        assert not is_loopback_url(url)
        with pytest.raises(UserError, match="rehearsal"):
            check_rehearsal_destination(url)


def test_settings_round_trip_and_unknown_fields() -> None:
    s = Settings()
    s.destinations.append(
        DestinationSettings(id="d1", name="抖音", server="rtmp://x/app/", key_name="d1")
    )
    s.layouts["demo:portrait"] = [LayerPlacement("promo", 0.1, 0.2, 0.3, 0.4, False)]
    save_settings(s)
    data = json.loads(settings_path().read_text(encoding="utf-8"))
    assert data["version"] == SCHEMA_VERSION
    assert "key" not in json.dumps(data["destinations"][0]).replace("key_name", "").replace(
        "key_expires_at", ""
    ).replace("key_saved_at", "")
    data["future_field"] = 1
    data["canvas"]["unknown"] = 2
    settings_path().write_text(json.dumps(data), encoding="utf-8")
    loaded = load_settings()
    assert loaded.destinations[0].name == "抖音"
    assert loaded.layouts["demo:portrait"][0].visible is False
    assert loaded.canvas.width == 720


def test_settings_migration_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    import console.settings as cs

    monkeypatch.setattr(cs, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(cs.MIGRATIONS, 1, lambda d: {**d, "rehearsal": False})
    settings_path().write_text(json.dumps({"version": 1, "rehearsal": True}), encoding="utf-8")
    assert cs.load_settings().rehearsal is False
    settings_path().write_text("{not json", encoding="utf-8")
    assert cs.load_settings().rehearsal is True  # unreadable: the defaults


def test_ui_font_covers_chinese(console_app: QApplication) -> None:
    from console.qt.QtGui import QColor, QFontMetrics, QImage, QPainter, QRawFont
    from console.ui.i18n import CJK_SAMPLE, ui_font

    font = ui_font()
    metrics = QFontMetrics(font)
    # inFontUcs4, not inFont: PySide6 6.12 converts some str arguments to the wrong QChar
    # (inFont("直") is False while inFontUcs4(ord("直")) is True for the same font).
    missing = [ch for ch in CJK_SAMPLE if not metrics.inFontUcs4(ord(ch))]
    assert not missing, f"UI font {font.families()} lacks {missing}: install fonts-noto-cjk"
    raw = QRawFont.fromFont(font)
    assert all(raw.supportsCharacter(ord(ch)) for ch in CJK_SAMPLE)

    # no tofu: each glyph renders differently from the font's missing-glyph box
    def render(text: str) -> bytes:
        img = QImage(64, 64, QImage.Format.Format_RGB32)
        img.fill(QColor("black"))
        p = QPainter(img)
        f = font
        f.setPixelSize(48)
        p.setFont(f)
        p.setPen(QColor("white"))
        p.drawText(4, 52, text)
        p.end()
        return bytes(img.constBits())

    tofu = render("\uffff")
    shapes = {render(ch) for ch in CJK_SAMPLE}
    assert tofu not in shapes
    assert len(shapes) == len(set(CJK_SAMPLE))
    assert console_app.font().families()[0] == font.families()[0]


def test_missing_microphone_is_stated_and_silence_used(
    make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    from console.settings import AudioSlot, SourceSettings

    window = make_window(
        sources=SourceSettings("testpattern", [AudioSlot("mic:NoSuchMicrophone-xyz")])
    )
    qtbot.waitUntil(lambda: window.session.running, timeout=15000)
    assert any("using silence instead" in n for n in window.notices)
    assert window.notice_bar.isVisible()
    assert [e.source.name for e in window.session.audio] == ["silence"]
