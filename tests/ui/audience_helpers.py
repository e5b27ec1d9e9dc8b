"""Helpers for the window tests that involve the audience."""

from __future__ import annotations

import itertools
import time

_ids = itertools.count(1)


def write_audience_prefs(**values: object) -> None:
    """Audience settings in window.ini (``[audience]``), read when the window opens.

    Most window tests want a quiet room: ``write_audience_prefs(simulated=False)`` keeps the
    simulated audience (and its orders and lottery entries) out of their journal.
    """
    from console.qt.QtCore import QSettings
    from console.settings import config_dir

    qs = QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)
    for key, value in values.items():
        qs.setValue(f"audience/{key}", value)
    qs.sync()


def comment(text: str, user: str = "u1", nick: str = "张三丰", platform: str = "douyin") -> dict:
    """A comment in the ingest schema, with a fresh message id."""
    return {
        "platform": platform,
        "msg_id": f"t-{next(_ids)}",
        "ts_ms": int(time.time() * 1000),
        "type": "comment",
        "user": {"id": user, "nick": nick},
        "text": text,
    }


def order(product_id: str, quantity: int = 1, amount_cents: int = 8900, user: str = "u9") -> dict:
    return {
        "platform": "douyin",
        "msg_id": f"t-{next(_ids)}",
        "ts_ms": int(time.time() * 1000),
        "type": "order",
        "user": {"id": user, "nick": "王小二"},
        "order": {
            "product_id": product_id,
            "quantity": quantity,
            "amount_cents": amount_cents,
            "status": "paid",
        },
    }
