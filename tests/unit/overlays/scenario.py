"""A show driven by real commands on a copy of the demo show, with a clock the test moves."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from console.media.compositor import Compositor, Scene, VideoLayer
from console.overlays.show_layers import build_show_layers
from console.show import commands as c
from console.show.controller import ShowController
from console.show.demo import copy_demo_show

T0 = 1_760_000_000.25  # a fixed epoch, not on a whole second on purpose

LONG_TITLE = (
    "超长标题🔥🔥【官方旗舰店】316不锈钢保温杯 500ml 大容量 Super-Long-English-Words-"
    "WithoutAnySpacesAtAllToForceBreakingAnywhere 😀👍🏻👨‍👩‍👧 一键弹盖 单手可开 "
) * 3


class Clock:
    def __init__(self, t: float = T0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


class Backdrop:
    """A video source: a soft warm gradient standing in for the camera (a studio backdrop)."""

    name = "backdrop"
    error = None

    def __init__(self, width: int, height: int) -> None:
        y = np.linspace(0, 1, height)[:, None]
        x = np.linspace(0, 1, width)[None, :]
        img = np.zeros((height, width, 4), np.uint8)
        img[..., 2] = (120 + 70 * (1 - y) + 20 * x).clip(0, 255)  # R
        img[..., 1] = (96 + 50 * (1 - y) + 10 * x).clip(0, 255)  # G
        img[..., 0] = (92 + 40 * y + 30 * x).clip(0, 255)  # B
        cy, cx = 0.42, 0.5
        glow = np.exp(-(((y - cy) * 2.2) ** 2 + ((x - cx) * 2.0) ** 2))
        img[..., :3] = (img[..., :3] * (0.7 + 0.4 * glow[..., None])).clip(0, 255)
        img[..., 3] = 255
        self.img = img

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def frame(self, t: float) -> np.ndarray:
        return self.img


def open_show(tmp: Path, clock: Clock) -> ShowController:
    show = copy_demo_show(tmp / "show")
    return ShowController.open(show, clock=clock, token_bytes=lambda n: b"\x07" * n)


def run_everything(ctl: ShowController, clock: Clock) -> None:
    """Pinned product, a coupon, a flash sale with sales, a lottery taking entries, a quiz."""
    ctl.execute(c.PinProduct("CUP-316-500"))
    ctl.execute(
        c.LaunchCoupon(
            kind="threshold",
            quantity=500,
            threshold_cents=19900,
            discount_cents=3000,
            duration_s=1800,
            title="满199减30",
        )
    )
    ctl.execute(c.RecordSale("CUP-316-500", 40))
    sale = ctl.execute(c.StartFlashSale("CUP-316-500", 5900, 50, 120))
    ctl.execute(c.RecordSale("CUP-316-500", 13, flash_sale_id=sale.payload["sale_id"]))
    ctl.execute(
        c.OpenLottery(
            prize="蓝牙5.3真无线降噪耳机 1副",
            prize_value_cents=19900,
            entry_rule="keyword",
            keyword="想要",
            winners=3,
            entry_duration_s=180,
            draw_delay_s=10,
        )
    )
    for i, name in enumerate(["张三丰", "李小龙", "王菲菲", "Alice", "🍊橘子", "赵四"]):
        ctl.execute(c.AddLotteryEntrant("lottery-1", f"u{i}", name, "comment", "想要想要"))
    ctl.execute(
        c.StartPoll(
            "今天的保温杯内胆是什么材质？",
            ("304不锈钢", "316不锈钢", "陶瓷"),
            answer=1,
            duration_s=45,
        )
    )
    for i, option in enumerate([1, 1, 0, 1, 2, 1, 0, 1]):
        ctl.execute(c.VotePoll("poll-1", f"v{i}", option))
    clock.advance(17.4)
    ctl.tick()


def render_scene(ctl: ShowController, clock: Clock, canvas: tuple[int, int], layers=None):
    """(compositor, scene, layers) with the backdrop and the show layers over it."""
    assert ctl.folder is not None
    if layers is None:
        layers = build_show_layers(lambda: ctl.state, clock, canvas, ctl.folder.path)
    scene = Scene()
    scene.add(VideoLayer(Backdrop(*canvas)))
    for layer in layers:
        scene.add(layer)
    return Compositor(*canvas), scene, layers
