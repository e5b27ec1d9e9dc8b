"""A scripted show with a known event sequence, written through the real ShowController and
AudienceHub on an injected clock. The expected numbers (hand-computed from the script below) are
in ``EXPECTED``; ``docs/analytics.md`` has the definitions they follow.

    t(s)  event                                   t(s)  event
    Orders carry ids o1 … o6 (the platform's order id as msg_id).

    0     room_stats 100                          75    order u2 CUP ×1 ¥59 (flash price)
    1     coupon 满199减30 (120 s)                 90    comment u5 "hello"
    5     join u1 u2 u3 u4 u5 u8                  91    tick: lottery entry closes
    10    pin CUP-316-500 (¥89)                   95    draw lottery
    12    comment u1 "保温杯多少钱？"              100   pin MASK-HA-10 (¥59.90)
    13    comment u7 "主播好"                      110   comment u2 "面膜怎么用"
    15    like u2 ×5                              115   share u5
    20    cart u3 CUP                             120   order u5 MASK ×1 ¥59.90
    22    cart u4 CUP                             125   order u3 CUP ×1 ¥89 (MASK pinned)
    30    order u3 CUP ×1 ¥89                     130   tick: flash sale over
    40    comment u4 "保温杯多少钱?"               140   order u6 MASK cancelled
    50    order u1 CUP ×2 ¥178                    150   host records a sale: TEA ×1 (¥139)
    61    room_stats 120; lottery (like, 30 s)    160   unpin
    65    like u1 ×1 (enters)                     170   room_stats 90
    66    like u4 ×2 (enters)                     179   comment u1 "好"
    70    flash sale CUP ¥59 ×10 for 60 s
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from console.audience.events import AudienceEvent, Order, User
from console.audience.hub import AudienceHub
from console.show.commands import (
    DrawLottery,
    LaunchCoupon,
    OpenLottery,
    PinProduct,
    RecordSale,
    StartFlashSale,
    UnpinProduct,
)
from console.show.controller import ShowController
from console.show.demo import copy_demo_show

T0 = 1_700_000_000.0
CUP, MASK, TEA = "CUP-316-500", "MASK-HA-10", "TEA-SET-CELADON"

EXPECTED = {
    "minutes": [  # viewers, comments, likes, orders, gmv_cents
        (100, 3, 5, 2, 26700),
        (120, 2, 3, 1, 5900),
        (90, 1, 0, 3, 28790),
    ],
    "orders": 6,
    "units": 7,
    "gmv_cents": 61390,
    "comments": 6,
    "likes": 8,
    "funnel": (8, 6, 5, 4),
    "products": {  # pinned_s, orders, units, gmv, carts, orders_pinned, gmv_pinned, viewers, buyers
        CUP: (90.0, 4, 5, 41500, 2, 3, 32600, 6, 3),
        MASK: (60.0, 1, 1, 5990, 0, 1, 5990, 4, 1),
        TEA: (0.0, 1, 1, 13900, 0, 0, 0, 0, 0),
    },
    "product_funnels": {CUP: (6, 6, 4, 3), MASK: (4, 2, 1, 1)},
    "questions": [("保温杯多少钱？", 2, 2, CUP), ("面膜怎么用", 1, 1, MASK)],
    "peak_viewers": 120,
    "orders_cancelled": 1,
}


class _Clock:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> float:
        return self.t


def _seeds(size: int) -> bytes:
    return hashlib.sha256(b"scripted-show").digest()[:size]


def build_scripted_show(dest: Path) -> Path:
    """Copy the demo show to ``dest`` and journal the script into it; returns ``dest``."""
    copy_demo_show(dest)
    clock = _Clock()
    controller = ShowController.open(dest, clock=clock, token_bytes=_seeds)
    hub = AudienceHub(controller)
    n = 0

    def at(offset: float) -> None:
        clock.t = T0 + offset

    def aud(kind: str, user: str | None = None, msg_id: str = "", **parts) -> None:  # noqa: ANN003
        nonlocal n
        n += 1
        hub.submit(
            AudienceEvent(
                platform="douyin",
                msg_id=msg_id or f"m{n}",
                ts_ms=int(clock.t * 1000),
                type=kind,
                user=User(user, f"nick-{user}") if user else None,
                **parts,
            )
        )
        hub.process_pending()

    def order(oid: str, user: str, pid: str, qty: int, cents: int, status: str = "paid") -> None:
        aud("order", user, msg_id=oid, order=Order(pid, qty, cents, status))

    at(0)
    aud("room_stats", viewers=100)
    at(1)
    controller.execute(
        LaunchCoupon("threshold", 100, threshold_cents=19900, discount_cents=3000, duration_s=120)
    )
    at(5)
    for u in ("u1", "u2", "u3", "u4", "u5", "u8"):
        aud("member_join", u)
    at(10)
    controller.execute(PinProduct(CUP))
    at(12)
    aud("comment", "u1", text="保温杯多少钱？")
    at(13)
    aud("comment", "u7", text="主播好")
    at(15)
    aud("like", "u2", like_count=5)
    at(20)
    aud("cart", "u3", order=Order(CUP, 1, 0, "created"))
    at(22)
    aud("cart", "u4", order=Order(CUP, 1, 0, "created"))
    at(30)
    order("o1", "u3", CUP, 1, 8900)
    at(40)
    aud("comment", "u4", text="保温杯多少钱?")
    at(50)
    order("o2", "u1", CUP, 2, 17800)
    at(61)
    aud("room_stats", viewers=120)
    controller.execute(
        OpenLottery("蓝牙耳机", 19900, "like", winners=1, entry_duration_s=30, draw_delay_s=2)
    )
    at(65)
    aud("like", "u1", like_count=1)
    at(66)
    aud("like", "u4", like_count=2)
    at(70)
    controller.execute(StartFlashSale(CUP, 5900, 10, 60))
    at(75)
    order("o3", "u2", CUP, 1, 5900)
    at(90)
    aud("comment", "u5", text="hello")
    at(91)
    controller.tick(clock.t)
    at(95)
    controller.execute(DrawLottery("lottery-1"))
    at(100)
    controller.execute(PinProduct(MASK))
    at(110)
    aud("comment", "u2", text="面膜怎么用")
    at(115)
    aud("share", "u5")
    at(120)
    order("o4", "u5", MASK, 1, 5990)
    at(125)
    order("o5", "u3", CUP, 1, 8900)
    at(130)
    controller.tick(clock.t)
    at(140)
    order("o6", "u6", MASK, 1, 5990, "cancelled")
    at(150)
    controller.execute(RecordSale(TEA, 1), actor="assistant")
    at(160)
    controller.execute(UnpinProduct())
    at(170)
    aud("room_stats", viewers=90)
    at(179)
    aud("comment", "u1", text="好")
    assert hub.stats.sales_refused == 0 and hub.stats.lottery_entries == 2
    controller.close()
    return dest
