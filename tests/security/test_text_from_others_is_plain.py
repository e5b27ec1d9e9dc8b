"""Defect 7: audience, catalog and plugin text is shown as text, never as markup or tricks.

A comment ``<font size=7>…`` rendered huge in "Pinned on the stream", ``<h1>`` in a product title
too. Here the real window (assistant panel, chat panel, dashboard, rundown) gets a hostile product
and hostile comments through the real controller and hub; then every QLabel that shows that text
must be plain text, and no tooltip may carry the markup unescaped. The overlays drawn into the
video get the chat's sanitiser: no control, bidi-override or zero-width character is drawn.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pytest

from console.qt.QtCore import Qt
from console.qt.QtGui import Qt as QtGui_Qt  # mightBeRichText lives in QtGui
from console.qt.QtGui import QTextDocument
from console.qt.QtWidgets import QLabel, QListWidget, QWidget
from console.show.catalog import Catalog
from console.ui.plain import plain_label, plain_tooltip
from tests.ui.audience_helpers import comment, write_audience_prefs
from tests.ui.conftest import console_app, make_window  # noqa: F401 - the window fixtures
from tests.unit.overlays.scenario import Clock, open_show, render_scene, run_everything

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from console.qt.QtWidgets import QApplication
    from console.ui.main_window import MainWindow

TITLE = "<h1>HUGE</h1><img src='file:///etc/passwd'>保温杯"
COMMENT = "<font size=7 color=red>BIG</font> <a href='http://evil.example'>点我</a>"
NICK = "<b>管理员</b>"
MARKUP = ("<h1>", "<img", "<font", "<a href", "<b>管理员")


def might_be_rich(text: str) -> bool:
    """Qt's own guess (QLabel AutoText, tooltips): would this string be rendered as HTML?"""
    return bool(QtGui_Qt.mightBeRichText(text))


def carries_markup(text: str) -> bool:
    return any(m in text for m in MARKUP)


def shows_as_markup(label: QLabel) -> bool:
    fmt = label.textFormat()
    return fmt == Qt.TextFormat.RichText or (
        fmt == Qt.TextFormat.AutoText and might_be_rich(label.text())
    )


def tooltip_shows(tip: str) -> str:
    """What Qt shows for a tooltip: rich tooltips are rendered, plain ones shown as they are."""
    if not might_be_rich(tip):
        return tip
    doc = QTextDocument()
    doc.setHtml(tip)
    return doc.toPlainText()


def all_tooltips(root: QWidget, window: MainWindow) -> list[str]:
    tips = [w.toolTip() for w in [root, *root.findChildren(QWidget)] if w.toolTip()]
    for lst in root.findChildren(QListWidget):
        tips += [lst.item(i).toolTip() for i in range(lst.count()) if lst.item(i).toolTip()]
    model = window.chat.model
    for row in range(model.rowCount()):
        tip = model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
        if tip:
            tips.append(tip)
    return tips


@pytest.fixture(autouse=True)
def _quiet_audience() -> None:
    write_audience_prefs(simulated=False)


def test_window_shows_hostile_text_as_text(
    make_window: Callable[..., MainWindow],  # noqa: F811 - the fixture imported above
    qtbot: QtBot,
) -> None:
    window = make_window()
    ctl = window.controller
    catalog = Catalog(
        dataclasses.replace(p, title=TITLE, selling_points=(TITLE,)) if p.id == "CUP-316-500" else p
        for p in ctl.state.products.values()
    )
    ctl.load_catalog(catalog)
    assert window.assistant.pin("CUP-316-500")
    before = window.chat.model.rowCount()
    assert window.audience.hub.submit(comment(COMMENT, user="h1", nick=NICK))
    qtbot.waitUntil(lambda: window.chat.model.rowCount() > before, timeout=5000)
    item = window.chat.model.items[-1]
    assert window.chat.pin(item)
    assert "BIG" in window.chat.status.text()
    window.dashboard.refresh()
    window.assistant.refresh()

    labels = window.findChildren(QLabel)
    showing = [lb for lb in labels if carries_markup(lb.text())]
    # the product row, the chat panel's "Pinned on the stream: …" line at least
    assert any(TITLE in lb.text() for lb in showing), [lb.objectName() for lb in labels]
    assert any("<font size=7" in lb.text() for lb in showing)
    bad = [
        (lb.objectName() or type(lb).__name__, lb.text()[:60])
        for lb in showing
        if lb.textFormat() != Qt.TextFormat.PlainText or shows_as_markup(lb)
    ]
    assert bad == [], bad
    # rich labels on purpose (glance, lottery, poll, teleprompter) carry outside text escaped
    for lb in labels:
        if shows_as_markup(lb):
            assert not carries_markup(lb.text()), (lb.objectName(), lb.text()[:80])

    tips = all_tooltips(window, window)
    assert any(NICK in tooltip_shows(t) for t in tips), "the chat tooltip names the user"
    for tip in tips:
        if might_be_rich(tip):
            assert not carries_markup(tip), tip[:80]  # escaped, so shown as the characters


def test_plain_helpers_show_exactly_the_text(qapp: QApplication) -> None:
    label = plain_label(COMMENT)
    assert label.textFormat() == Qt.TextFormat.PlainText and label.text() == COMMENT
    tip = plain_tooltip(COMMENT + "\nline 2 & more")
    assert "<font" not in tip
    assert tooltip_shows(tip) == COMMENT + "\nline 2 & more"
    assert plain_tooltip("") == ""


HOSTILE_TITLE = "\u202egnp.exe\u202c 保温杯\u200b\u200b 大\x07容\u2066量\u2069 \ufeff<h1>x</h1>"
FORBIDDEN = ("\u202e", "\u202c", "\u200b", "\x07", "\u2066", "\u2069", "\ufeff")


@pytest.mark.usefixtures("gui_app")
def test_overlays_draw_no_control_bidi_or_zero_width(tmp_path: Path) -> None:
    clock = Clock()
    ctl = open_show(tmp_path, clock)
    try:
        catalog = Catalog(
            dataclasses.replace(p, title=HOSTILE_TITLE, selling_points=(HOSTILE_TITLE,))
            for p in ctl.state.products.values()
        )
        ctl.load_catalog(catalog)
        run_everything(ctl, clock)
        comp, scene, layers = render_scene(ctl, clock, (720, 1280))
        comp.render(scene, 0.0)
        drawn = [line for layer in layers for box in layer.text_boxes() for line in box.lines]
        assert any("gnp.exe" in line for line in drawn), drawn  # the title was drawn
        for line in drawn:
            assert not any(ch in line for ch in FORBIDDEN), repr(line)
    finally:
        ctl.close()
