"""What every rule shares: the event draft, the context, the limits and the small checks
(console/show/rules.py decides; rules_promotions.py and rules_audience.py hold the rules of
the promotions and of the operator's actions on the audience and the session)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from console.errors import UserError
from console.show import lottery as lot
from console.show import state as s
from console.show.catalog import Product
from console.show.rundown import Rundown

MAX_PRIZE_CENTS = 5_000_000  # ¥50,000: the legal cap for a lottery-style prize
MAX_DURATION_S = 24 * 3600
MAX_QUANTITY = 1_000_000
MAX_WINNERS = 1000
MAX_POLL_OPTIONS = 6


@dataclass(frozen=True)
class Draft:
    kind: str
    payload: dict[str, Any]


@dataclass
class Context:
    rundown: Rundown
    token_bytes: Callable[[int], bytes] = secrets.token_bytes
    seeds: lot.SeedVault | None = None  # where lottery seeds wait, sealed, for the draw


def _reject(message: str) -> UserError:
    return UserError(message)


def _product(state: s.ShowState, product_id: str) -> Product:
    product = state.products.get(product_id)
    if product is None:
        raise _reject(f"unknown product {product_id!r}: pick one from the catalog")
    return product


def _new_id(prefix: str, existing: dict[str, Any], wanted: str | None) -> str:
    if wanted is not None:
        wanted = str(wanted).strip()
        if not wanted:
            raise _reject(f"empty {prefix} id: leave it out to get one assigned")
        if wanted in existing:
            raise _reject(f"{prefix} id {wanted!r} is already used in this show: pick another")
        return wanted
    n = len(existing) + 1
    while f"{prefix}-{n}" in existing:
        n += 1
    return f"{prefix}-{n}"


def _duration(value: float | None, what: str) -> float:
    if (
        value is None
        or isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 < value <= MAX_DURATION_S
    ):
        raise _reject(f"{what} must be 1 s to 24 h, got {value!r}")
    return float(value)


def _count(value: int, what: str, low: int = 1, high: int = MAX_QUANTITY) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _reject(f"{what} must be a whole number from {low} to {high}, got {value!r}")
    return value


def _money(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _reject(f"{what} must be an amount in cents (whole number), got {value!r}")
    return value
