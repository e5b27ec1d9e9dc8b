"""The phone panel in real Chromium (Playwright, Debian's /usr/bin/chromium) against a real
PanelServer over a real show: pairing from the QR link, a pin from the page journaled with role
and device, what an assistant and a moderator can and cannot do, reconnect + resync after the
server closes the socket, and phone-sized screenshots in zh and en (docs/screenshots/panel-*)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from console.audience.hub import AudienceHub
from console.panel.pairing import PairingStore
from console.panel.server import PanelServer
from console.panel.show_target import ShowPanelTarget
from console.show import commands as c
from console.show.controller import ShowController
from console.show.demo import copy_demo_show
from console.show.state import SHOW_PREFIX

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs /usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Show:
    def __init__(self, root: Path) -> None:
        self.controller = ShowController.open(copy_demo_show(root / "show"))
        self.hub = AudienceHub(self.controller)
        self.stopped: list[bool] = []
        self.target = ShowPanelTarget(
            self.controller, self.hub, stop_stream=lambda: self.stopped.append(True)
        )
        self.store = PairingStore(root / "panel" / "devices.json")
        self.server = PanelServer(self.target, self.store, port=0)
        self.server.start()
        self._n = 0

    def comment(self, nick: str, text: str, user: str) -> None:
        self._n += 1
        self.hub.submit(
            {
                "platform": "douyin",
                "msg_id": f"m{self._n}",
                "ts_ms": int(time.time() * 1000),
                "type": "comment",
                "user": {"id": user, "nick": nick},
                "text": text,
            }
        )
        self.hub.process_pending()

    def close(self) -> None:
        self.server.close()
        self.target.close()
        self.controller.close()


@pytest.fixture
def show(tmp_path: Path):
    s = Show(tmp_path)
    yield s
    s.close()


def _phone(browser, locale: str = "zh-CN"):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale=locale
    )
    return context, context.new_page()


def _pair(page, show: Show, role: str, name: str) -> None:
    page.goto(show.server.pairing_url(role))
    page.fill("#pair-device", name)
    page.click("#pair-button")
    page.wait_for_function("() => window.lcPanel && window.lcPanel.rev > 0")
    assert "#code" not in page.url  # the spent code is off the address bar


def _forge(page, message: dict) -> dict:
    """Send ``message`` on a second socket opened from the page itself (its cookie, its origin):
    what a tampered page could send."""
    return page.evaluate(
        """(message) => new Promise((resolve, reject) => {
            const ws = new WebSocket('ws://' + location.host + '/panel/ws', ['live-console.v1']);
            ws.onmessage = (e) => {
              const m = JSON.parse(e.data);
              if (m.type === 'state') ws.send(JSON.stringify(message));
              if (m.type === 'result') { ws.close(); resolve(m); }
            };
            ws.onerror = () => reject(new Error('socket refused'));
        })""",
        message,
    )


def test_assistant_pairs_and_pins_a_product_from_the_page(browser, show: Show) -> None:
    context, page = _phone(browser)
    try:
        _pair(page, show, "assistant", "Li 的手机")
        assert page.locator("#role").inner_text() == "场控 · Li 的手机"
        page.click("[data-tab=products]")
        page.click('[data-product="MASK-HA-10"] [data-act=pin_product]')
        page.wait_for_selector('[data-product="MASK-HA-10"].is-pinned')
        assert page.locator("#now .now-title").inner_text() == "玻尿酸补水面膜 10片装"
    finally:
        context.close()
    assert show.controller.state.pinned is not None
    assert show.controller.state.pinned.product_id == "MASK-HA-10"
    pins = [
        e for e in show.controller.journal.events(SHOW_PREFIX) if e.kind == "show.product_pinned"
    ]
    assert [(e.payload["product_id"], e.actor) for e in pins] == [
        ("MASK-HA-10", "panel:Li 的手机:assistant")
    ]


def test_the_assistant_page_cannot_stop_the_stream(browser, show: Show) -> None:
    context, page = _phone(browser, "en-US")
    try:
        _pair(page, show, "assistant", "helper")
        page.click("[data-tab=numbers]")
        page.wait_for_selector("[data-stat=viewers]")
        assert page.locator("[data-act=stop_stream]").count() == 0
        assert page.locator("[data-act=start_stream]").count() == 0
        result = _forge(page, {"type": "action", "action": "stop_stream", "args": {}, "id": 9})
    finally:
        context.close()
    assert result["ok"] is False
    assert result["reason"].startswith("only the host may stop the stream")
    assert show.stopped == []


def test_a_moderator_hides_a_comment_and_nothing_else(browser, show: Show) -> None:
    show.comment("小王", "加我微信领红包", "u1")
    show.comment("Lily", "这个杯子能装开水吗？", "u2")
    seq = next(row["seq"] for row in show.target.snapshot()["chat"] if row["nick"] == "小王")
    context, page = _phone(browser)
    try:
        _pair(page, show, "moderator", "mod phone")
        tabs = page.locator("[data-tab]").evaluate_all("ns => ns.map(n => n.dataset.tab)")
        assert tabs == ["chat", "numbers"]
        visible = page.locator("[data-act]:visible").evaluate_all(
            "ns => [...new Set(ns.map(n => n.dataset.act))]"
        )
        assert set(visible) <= {"pin_comment", "unpin_comment", "hide_comment", "block_user"}
        page.click(f'[data-seq="{seq}"] [data-act=hide_comment]')
        page.wait_for_selector(f'[data-seq="{seq}"].is-hidden')
        forged = _forge(
            page,
            {
                "type": "action",
                "action": "pin_product",
                "args": {"product_id": "CUP-316-500"},
                "id": 3,
            },
        )
    finally:
        context.close()
    assert forged["ok"] is False and forged["reason"].startswith("only the host or assistant")
    assert show.controller.state.pinned is None
    rows = {r["seq"]: r for r in show.target.snapshot()["chat"]}
    assert rows[seq]["hidden"] is True
    assert not any(r["hidden"] for s, r in rows.items() if s != seq)
    hides = [e for e in show.controller.journal.events() if e.kind == "show.comment_hidden"]
    assert [(e.payload["msg_id"], e.actor) for e in hides] == [("m1", "panel:mod phone:moderator")]


def test_a_dropped_panel_reconnects_and_resyncs(browser, show: Show) -> None:
    context, page = _phone(browser)
    try:
        _pair(page, show, "assistant", "phone")
        page.wait_for_function("() => window.lcPanel.connected")
        # pause the pushes to this page by closing its socket, then change the show meanwhile
        show.server.disconnect_all()
        page.wait_for_function("() => !window.lcPanel.connected")
        show.controller.execute(c.PinProduct("NUTS-GIFT-1KG"), actor="host")
        show.controller.execute(c.AdjustStock("NUTS-GIFT-1KG", -7, "damaged"), actor="host")
        page.wait_for_function(
            "() => window.lcPanel.connected && window.lcPanel.state().show.pinned === 'NUTS-GIFT-1KG'"
        )
        seen = page.evaluate("() => window.lcPanel.state()")
        page.click("[data-tab=products]")
        assert page.locator("#now .now-title").inner_text() == "每日坚果礼盒 1kg（30小袋）"
        assert page.locator("#status").is_hidden()
    finally:
        context.close()
    truth = show.target.snapshot()
    for section in ("show", "products", "coupons", "flash_sales", "lotteries", "polls", "rundown"):
        assert seen[section] == json.loads(json.dumps(truth[section], ensure_ascii=False)), section


def _scene(show: Show) -> None:
    ctl = show.controller
    ctl.execute(c.PinProduct("CUP-316-500"))
    ctl.execute(ctl.promotions.command("flash-cup-59"))
    ctl.execute(ctl.promotions.command("coupon-199-30"))
    ctl.execute(c.AdvanceRundown())
    show.target.set_live(True)
    show.comment("小王", "这个杯子能装开水吗？", "u1")
    show.comment("Lily", "想要想要", "u2")
    show.comment("阿强", "多少钱？有优惠券吗", "u3")


@pytest.mark.parametrize("locale,lang", [("zh-CN", "zh"), ("en-US", "en")])
def test_phone_screenshots(browser, show: Show, locale: str, lang: str) -> None:
    _scene(show)
    context, page = _phone(browser, locale)
    try:
        page.goto(show.server.pairing_url("host"))
        page.wait_for_selector("#pair-device")
        page.screenshot(path=str(SHOTS / f"panel-pair-{lang}.png"))
        page.fill("#pair-device", "小李的手机" if lang == "zh" else "Li's phone")
        page.click("#pair-button")
        page.wait_for_function("() => window.lcPanel && window.lcPanel.rev > 0")
        for tab in ("products", "promos", "chat", "numbers", "rundown"):
            page.click(f"[data-tab={tab}]")
            page.wait_for_selector(f"[data-tab={tab}].active")
            # nothing wider than the phone, every control a full tap target
            overflow = page.evaluate("() => document.documentElement.scrollWidth > innerWidth")
            assert overflow is False, tab
            small = page.locator("button:visible").evaluate_all(
                "ns => ns.filter(n => { const r = n.getBoundingClientRect();"
                " return r.height < 44 || r.width < 44; }).map(n => n.textContent)"
            )
            assert small == [], (tab, small)
            page.screenshot(path=str(SHOTS / f"panel-{tab}-{lang}.png"))
    finally:
        context.close()
