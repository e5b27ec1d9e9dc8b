"""Shared helpers for the show tests: a fake clock, deterministic seeds, a small catalog."""

from __future__ import annotations

import hashlib
from pathlib import Path

from console.show.catalog import Catalog, Product
from console.show.controller import ShowController
from console.show.journal import Journal
from console.show.promotions import Promotions
from console.show.rundown import Rundown

T0 = 1_700_000_000.0


class FakeClock:
    """A clock the test moves by hand (epoch seconds)."""

    def __init__(self, t: float = T0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> float:
        self.t += seconds
        return self.t


class Seeds:
    """Deterministic stand-in for ``secrets.token_bytes``."""

    def __init__(self, label: str = "seed") -> None:
        self.label = label
        self.n = 0

    def __call__(self, size: int) -> bytes:
        self.n += 1
        return hashlib.sha256(f"{self.label}-{self.n}".encode()).digest()[:size]


def products() -> list[Product]:
    return [
        Product("cup", "保温杯", 8900, 100, ("316内胆",), 12900, images=("images/cup.png",)),
        Product("mask", "面膜", 5990, 50, original_price_cents=9900),
        Product("nuts", "坚果礼盒", 12800, 0),
        Product("buds", "蓝牙耳机", 19900, 20),
    ]


def rundown() -> Rundown:
    return Rundown.from_dict(
        {
            "segments": [
                {"id": "open", "title": "开场", "planned_s": 60, "cues": [{"template": "c199"}]},
                {
                    "id": "cup",
                    "title": "保温杯",
                    "product_id": "cup",
                    "planned_s": 120,
                    "talking_points": ["倒热水演示"],
                    "cues": [
                        {"command": "pin_product", "product_id": "cup"},
                        {"template": "flash-cup"},
                    ],
                },
                {"id": "end", "title": "收尾", "planned_s": 0, "cues": []},
            ]
        },
        promotions(),
        {p.id for p in products()},
    )


def promotions() -> Promotions:
    return Promotions.from_dict(
        {
            "templates": [
                {
                    "id": "c199",
                    "type": "coupon",
                    "kind": "threshold",
                    "threshold": "199",
                    "discount": "30",
                    "quantity": 100,
                    "duration_s": 600,
                },
                {
                    "id": "flash-cup",
                    "type": "flash_sale",
                    "product_id": "cup",
                    "sale_price": "59",
                    "quantity": 10,
                    "duration_s": 120,
                },
                {
                    "id": "lot",
                    "type": "lottery",
                    "prize": "耳机",
                    "prize_value": "199",
                    "entry_rule": "keyword",
                    "keyword": "想要",
                    "winners": 2,
                    "entry_duration_s": 60,
                },
            ]
        }
    )


def make_controller(
    folder: Path, clock: FakeClock | None = None, seeds: Seeds | None = None
) -> ShowController:
    return ShowController(
        Journal(folder / "journal.sqlite"),
        Catalog(products()),
        rundown(),
        promotions(),
        clock=clock or FakeClock(),
        token_bytes=seeds or Seeds(),
    )


def replay(folder: Path, clock: FakeClock) -> ShowController:
    """A second controller over the same journal (as after a restart)."""
    return make_controller(folder, clock)
