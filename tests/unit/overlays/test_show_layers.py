"""The show overlays rendered through the real compositor, driven by real show commands."""

from __future__ import annotations

import dataclasses
import math
import time
from pathlib import Path

import cv2
import pytest

from console.errors import UserError
from console.overlays.images import ImageCache
from console.overlays.lottery_panel import WINNERS_HOLD_S
from console.overlays.poll_panel import RESULTS_HOLD_S
from console.overlays.show_layers import build_show_layers, layout_of, merge_layout
from console.overlays.style import OverlayStyle
from console.overlays.text import check_text_boxes
from console.show import commands as c
from console.show.catalog import Catalog
from tests.unit.overlays.scenario import LONG_TITLE, Clock, open_show, render_scene, run_everything

pytestmark = pytest.mark.usefixtures("gui_app")

CANVASES = {"portrait": (720, 1280), "landscape": (1280, 720)}
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


@pytest.fixture
def show(tmp_path):
    clock = Clock()
    ctl = open_show(tmp_path, clock)
    yield ctl, clock
    ctl.close()


def by_name(layers):
    return {layer.name: layer for layer in layers}


def texts(layer) -> str:
    return "\n".join(line for box in layer.text_boxes() for line in box.lines)


def assert_inside(layers, canvas):
    for layer in layers:
        if not layer.visible:
            continue
        _, _, w, h = layer.rect.to_pixels(*canvas)
        boxes = layer.text_boxes()
        assert boxes, f"{layer.name} drew no text"
        assert check_text_boxes(boxes, w, h) == [], layer.name


def to_next_second_edge(clock: Clock, after: float = 0.05) -> None:
    """Move the clock just past the next instant where the countdowns (ends at .25) tick."""
    frac = (clock.t - 0.25) % 1.0
    clock.advance((1.0 - frac) % 1.0 + after)


# ---------------------------------------------------------------------------- visibility


def test_nothing_to_show_hides_every_layer(show):
    ctl, clock = show
    comp, scene, layers = render_scene(ctl, clock, CANVASES["portrait"])
    assert [layer.name for layer in layers] == [
        "product_card",
        "coupon_banner",
        "flash_sale",
        "poll_panel",
        "lottery_panel",
    ]
    assert not any(layer.visible for layer in layers)
    comp.render(scene, 0.0)
    assert comp.repaints == 0
    ctl.execute(c.PinProduct("MASK-HA-10"))
    assert [layer.name for layer in layers if layer.visible] == ["product_card"]
    ctl.execute(c.UnpinProduct())
    assert not by_name(layers)["product_card"].visible


def test_enabled_is_the_users_flag(show):
    ctl, clock = show
    run_everything(ctl, clock)
    _, _, layers = render_scene(ctl, clock, CANVASES["portrait"])
    card = by_name(layers)["product_card"]
    assert card.visible and card.has_content
    card.enabled = False
    assert not card.visible and card.has_content
    card.visible = True  # the old protocol's attribute sets the user's flag
    assert card.enabled and card.visible


# ---------------------------------------------------------------------------- rendering


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_everything_at_once_stays_inside_and_is_saved(show, orientation):
    ctl, clock = show
    run_everything(ctl, clock)
    canvas = CANVASES[orientation]
    comp, scene, layers = render_scene(ctl, clock, canvas)
    out = comp.render(scene, 0.0)
    assert all(layer.visible for layer in layers)
    assert comp.repaints == len(layers)
    assert_inside(layers, canvas)
    named = by_name(layers)
    assert "讲解中" in texts(named["product_card"])
    assert "¥129" in texts(named["product_card"])  # the struck-through original price
    assert "直降31%" in texts(named["product_card"])
    assert "满199减30" in texts(named["coupon_banner"])
    assert "已有 6 人参与" in texts(named["lottery_panel"])
    assert "59" in texts(named["flash_sale"]) and "仅剩37件" in texts(named["flash_sale"])
    assert "63%" in texts(named["poll_panel"])
    # the product card really is in the picture: its white card over the backdrop
    x, y, w, h = named["product_card"].rect.to_pixels(*canvas)
    region = out[y + h // 2, x + w // 2 : x + w - 10]
    assert (region[:, :3] > 200).all(axis=1).mean() > 0.3
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(SCREENSHOTS / f"overlay-{orientation}.png"), out)


def long_everything(ctl, clock):
    """Every overlay with absurdly long mixed CJK / emoji / Latin text."""
    catalog = Catalog(
        dataclasses.replace(p, title=LONG_TITLE[:200]) if p.id == "CUP-316-500" else p
        for p in ctl.state.products.values()
    )
    ctl.load_catalog(catalog)
    run_everything(ctl, clock)
    ctl.execute(
        c.LaunchCoupon(
            kind="amount",
            quantity=999_999,
            discount_cents=2000,
            product_ids=("MASK-HA-10",),
            title=LONG_TITLE[:80],
        )
    )
    ctl.execute(c.StopPoll("poll-1"))
    ctl.execute(
        c.StartPoll(
            LONG_TITLE[:150], tuple(f"{i}{LONG_TITLE[i * 7 : i * 7 + 60]}" for i in range(6))
        )
    )
    for i in range(6):
        ctl.execute(c.VotePoll("poll-2", f"w{i}", i))


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_long_texts_wrap_and_elide_inside_their_boxes(show, orientation):
    ctl, clock = show
    long_everything(ctl, clock)
    canvas = CANVASES[orientation]
    comp, scene, layers = render_scene(ctl, clock, canvas)
    comp.render(scene, 0.0)
    assert all(layer.visible for layer in layers)
    assert_inside(layers, canvas)
    title = next(
        b for b in by_name(layers)["product_card"].text_boxes() if b.text == LONG_TITLE[:200]
    )
    assert len(title.lines) == 2 and title.lines[-1].endswith("…")
    question = next(
        b for b in by_name(layers)["poll_panel"].text_boxes() if b.text == LONG_TITLE[:150]
    )
    assert len(question.lines) <= 2 and question.lines[-1].endswith("…")


def test_sizes_follow_the_canvas_so_720p_and_1080p_look_the_same(show):
    ctl, clock = show
    run_everything(ctl, clock)
    sizes = {}
    for canvas in ((720, 1280), (1080, 1920)):
        comp, scene, layers = render_scene(ctl, clock, canvas)
        comp.render(scene, 0.0)
        sizes[canvas] = [b.font.pixelSize() for layer in layers for b in layer.text_boxes()]
    small, large = sizes[(720, 1280)], sizes[(1080, 1920)]
    assert len(small) == len(large)
    assert all(abs(b / a - 1.5) < 0.25 for a, b in zip(small, large)), (small, large)


def test_a_missing_picture_draws_a_placeholder(show, tmp_path):
    ctl, clock = show
    (ctl.folder.path / "images" / "thermos.png").unlink()
    run_everything(ctl, clock)
    comp, scene, layers = render_scene(ctl, clock, CANVASES["portrait"])
    comp.render(scene, 0.0)
    card = by_name(layers)["product_card"]
    assert card.images.get("images/thermos.png") is None
    assert card.images.get("https://example.com/x.png") is None  # never fetched
    assert card.images.get("../outside.png") is None
    assert "讲解中" in texts(card)


def test_pictures_are_loaded_once(show):
    ctl, clock = show
    cache = ImageCache(ctl.folder.path)
    cache.preload(["images/thermos.png", "images/thermos.png"])
    for _ in range(3):
        assert cache.scaled("images/thermos.png", 80, 80) is not None
    assert cache.loads == 1
    # the images/ folder itself works as the base too
    assert ImageCache(ctl.folder.path / "images").get("images/thermos.png") is not None


# ---------------------------------------------------------------------------- repaint policy


def test_repaint_only_on_state_change_or_when_the_second_ticks(show):
    ctl, clock = show
    run_everything(ctl, clock)
    comp, scene, layers = render_scene(ctl, clock, CANVASES["portrait"])
    named = by_name(layers)
    to_next_second_edge(clock)
    for i in range(20):  # 20 frames inside one displayed second
        comp.render(scene, i / 30)
        clock.advance(1 / 30)
    assert comp.repaints == len(layers)
    assert {layer.name: layer.paints for layer in layers} == {layer.name: 1 for layer in layers}
    keys = {layer.name: layer.content_key(0.0) for layer in layers}

    to_next_second_edge(clock)  # the countdowns tick, the product card does not change
    comp.render(scene, 1.0)
    ticked = {n for n, layer in named.items() if layer.content_key(0.0) != keys[n]}
    assert ticked == {"coupon_banner", "flash_sale", "lottery_panel", "poll_panel"}
    assert named["product_card"].paints == 1
    assert all(named[n].paints == 2 for n in ticked)

    before = comp.repaints
    ctl.execute(c.RecordSale("CUP-316-500", 2))  # stock changes: the card repaints, once
    comp.render(scene, 1.1)
    comp.render(scene, 1.2)
    assert named["product_card"].paints == 2
    assert comp.repaints == before + 1


# ---------------------------------------------------------------------------- each overlay


def test_lottery_panel_through_its_phases(show):
    ctl, clock = show
    canvas = CANVASES["portrait"]
    comp, scene, layers = render_scene(ctl, clock, canvas)
    panel = by_name(layers)["lottery_panel"]
    ctl.execute(
        c.OpenLottery(
            prize="每日坚果礼盒 1kg（30小袋）",
            prize_value_cents=12800,
            entry_rule="keyword",
            keyword="想要",
            winners=2,
            entry_duration_s=60,
            opens_in_s=30,
            draw_delay_s=20,
        )
    )
    lottery = ctl.state.current_lottery()
    comp.render(scene, 0.0)
    announced = texts(panel)
    # announced before entry opens: prize, how to enter, winners, draw time, commitment
    assert "每日坚果礼盒" in announced and "评论“想要”参与" in announced
    assert "2人中奖" in announced and "即将开始" in announced and "开奖" in announced
    assert "00:30" in announced and lottery.seed_hash[:12] in announced
    assert_inside([panel], canvas)

    clock.advance(31)
    ctl.tick()
    for i, name in enumerate(["张三丰", "李四", "Bob"]):
        ctl.execute(c.AddLotteryEntrant(lottery.lottery_id, f"u{i}", name, "comment", "我想要"))
    comp.render(scene, 1.0)
    assert "参与中" in texts(panel) and "已有 3 人参与" in texts(panel)
    closes = time.strftime("%H:%M:%S", time.localtime(lottery.closes_at))
    assert f"{closes} 截止" in texts(panel)  # the fixed close time is on screen
    assert_inside([panel], canvas)

    ctl.execute(c.CloseLottery(lottery.lottery_id, reason="rehearsal"))
    comp.render(scene, 2.0)
    assert "待开奖" in texts(panel) and "共 3 人" in texts(panel)
    assert "提前截止" in texts(panel)  # an early close says so to the audience

    clock.advance(lottery.draw_at - clock.t)
    ctl.execute(c.DrawLottery(lottery.lottery_id))
    comp.render(scene, 3.0)
    drawn = texts(panel)
    winners = ctl.state.current_lottery().winners
    names = {"u0": "张**", "u1": "李**", "u2": "B**"}
    assert all(names[w] in drawn for w in winners)
    assert "张三丰" not in drawn and "Bob" not in drawn
    assert ctl.state.current_lottery().revealed_seed[:8] in drawn
    assert_inside([panel], canvas)
    clock.advance(WINNERS_HOLD_S + 1)
    assert not panel.visible


def test_flash_sale_sold_out_then_gone(show):
    ctl, clock = show
    comp, scene, layers = render_scene(ctl, clock, CANVASES["landscape"])
    panel = by_name(layers)["flash_sale"]
    sale = ctl.execute(c.StartFlashSale("PODS-52", 2990, 5, 90)).payload["sale_id"]
    clock.advance(30)
    comp.render(scene, 0.0)
    assert "01:00" in texts(panel) and "仅剩5件" in texts(panel)
    ctl.execute(c.RecordSale("PODS-52", 5, flash_sale_id=sale))
    comp.render(scene, 1.0)
    assert "已抢光" in texts(panel)
    assert_inside([panel], CANVASES["landscape"])
    clock.advance(panel.hold_s)
    assert not panel.visible


def test_flash_sale_countdown_ends(show):
    ctl, clock = show
    _, _, layers = render_scene(ctl, clock, CANVASES["portrait"])
    ctl.execute(c.StartFlashSale("PODS-52", 2990, 5, 90))
    panel = by_name(layers)["flash_sale"]
    assert panel.visible
    clock.advance(90)
    assert not panel.visible


def test_quiz_answer_is_revealed_when_stopped(show):
    ctl, clock = show
    comp, scene, layers = render_scene(ctl, clock, CANVASES["portrait"])
    panel = by_name(layers)["poll_panel"]
    ctl.execute(
        c.StartPoll("今天的保温杯内胆是什么材质？", ("304不锈钢", "316不锈钢", "陶瓷"), answer=1)
    )
    for i, option in enumerate([0, 1, 1]):
        ctl.execute(c.VotePoll("poll-1", f"v{i}", option))
    comp.render(scene, 0.0)
    assert "✓" not in texts(panel) and "67%" in texts(panel) and "33%" in texts(panel)
    ctl.execute(c.StopPoll("poll-1"))
    comp.render(scene, 1.0)
    assert "✓ 316不锈钢" in texts(panel) and "已结束" in texts(panel)
    clock.advance(RESULTS_HOLD_S)
    assert not panel.visible


@pytest.mark.parametrize(
    ("command", "label"),
    [
        (c.LaunchCoupon(kind="percent", quantity=200, percent=10, duration_s=600), "9折"),
        (c.LaunchCoupon(kind="amount", quantity=10, discount_cents=2000), "立减20"),
        (
            c.LaunchCoupon(kind="threshold", quantity=5, threshold_cents=9900, discount_cents=1000),
            "满99减10",
        ),
    ],
)
def test_coupon_banner_labels(show, command, label):
    ctl, clock = show
    comp, scene, layers = render_scene(ctl, clock, CANVASES["portrait"])
    banner = by_name(layers)["coupon_banner"]
    ctl.execute(command)
    comp.render(scene, 0.0)
    shown = texts(banner)
    assert label in shown and f"剩{command.quantity}张" in shown
    assert ("10:00 后失效" in shown) if command.duration_s else ("直播期间有效" in shown)
    ctl.execute(c.StopCoupon("coupon-1"))
    assert not banner.visible


# ---------------------------------------------------------------------------- layout and style


def test_layout_overrides_and_round_trips(show):
    ctl, clock = show
    run_everything(ctl, clock)
    layout = {
        "portrait": {
            "product_card": {"x": 0.1, "y": 0.5, "w": 0.8, "h": 0.15, "visible": False},
            "chat": {"x": 0.0, "y": 0.6, "w": 0.7, "h": 0.3},  # someone else's layer: ignored
        },
        "style": {"accent": "#FF00AAFF", "font_scale": 1.2},
    }
    layers = build_show_layers(lambda: ctl.state, clock, (720, 1280), ctl.folder.path, layout)
    card = by_name(layers)["product_card"]
    assert (card.rect.x, card.rect.y, card.rect.w, card.rect.h) == (0.1, 0.5, 0.8, 0.15)
    assert not card.enabled and not card.visible
    assert card.style.accent == "#FF00AAFF" and card.style.font_scale == 1.2
    saved = layout_of(layers)
    assert saved["product_card"] == {"x": 0.1, "y": 0.5, "w": 0.8, "h": 0.15, "visible": False}
    assert saved["flash_sale"]["visible"] is True
    doc = merge_layout(layout, (720, 1280), layers)
    assert doc["portrait"] == saved and doc["style"] == layout["style"]
    again = build_show_layers(lambda: ctl.state, clock, (720, 1280), ctl.folder.path, doc)
    assert layout_of(again) == saved
    # the flat form works too, and landscape keeps its own defaults
    flat = build_show_layers(lambda: ctl.state, clock, (1280, 720), ctl.folder.path, saved)
    assert by_name(flat)["product_card"].rect.x == 0.1
    other = build_show_layers(lambda: ctl.state, clock, (1280, 720), ctl.folder.path, doc)
    assert by_name(other)["product_card"].enabled


def test_default_layouts_keep_inside_the_canvas_and_apart():
    from console.overlays.show_layers import DEFAULT_LAYOUTS

    for placements in DEFAULT_LAYOUTS.values():
        rects = list(placements.values())
        for x, y, w, h in rects:
            assert x >= 0 and x + w <= 1 and y >= 0.1 and y + h <= 0.7
        for i, a in enumerate(rects):
            for b in rects[i + 1 :]:
                overlap_x = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
                overlap_y = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
                assert overlap_x <= 0 or overlap_y <= 0, (a, b)


def test_style_from_dict():
    style = OverlayStyle.from_dict(
        {"accent": "#112233", "corner_radius": 1, "font_families": "Foo"}
    )
    assert style.accent == "#112233" and style.corner_radius == 1.0
    assert style.font_families == ("Foo",)
    assert OverlayStyle.from_dict(style.to_dict()) == style
    for bad in ({"acent": "#fff"}, {"accent": "reddish"}, {"font_scale": 10}, {"font_scale": "1"}):
        with pytest.raises(UserError, match="overlay style"):
            OverlayStyle.from_dict(bad)
    with pytest.raises(UserError, match="overlay layout"):
        build_show_layers(lambda: None, lambda: 0.0, (720, 1280), Path("."), {"flash_sale": 3})


def test_formatting_helpers():
    from console.overlays.base import countdown_seconds, format_countdown, mask_name
    from console.overlays.poll_panel import percentages

    assert [mask_name(n) for n in ("张三丰", "李", "Alice", "🍊橘子", "")] == [
        "张**",
        "李**",
        "A**",
        "🍊**",
        "**",
    ]
    assert format_countdown(59) == "00:59" and format_countdown(3600 + 61) == "1:01:01"
    assert countdown_seconds(0.2) == 1 and countdown_seconds(0.0) == 0
    assert countdown_seconds(None) is None and countdown_seconds(-3) == 0
    assert percentages((1, 1, 1)) == (34, 33, 33) and sum(percentages((2, 5, 9))) == 100
    assert percentages((0, 0)) == (0, 0)
    assert math.isclose(sum(percentages((1, 2))), 100)
