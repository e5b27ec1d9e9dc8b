"""A minimal audience source plugin.

The console imports this module only when the operator starts the plugin, then calls
``create(context)``; the returned object's ``run(emit, stop)`` runs on a thread the console owns
until ``stop`` (a ``threading.Event``) is set. If anything here raises, the plugin is marked
failed with a one-line reason and disabled; the console and the stream carry on.

``emit`` takes an event dict in the ingest schema (docs/audience.md) or an ``AudienceEvent`` and
returns False when the console's queue was full and the event was dropped.

A real bridge (a platform's open API) would connect in ``run`` and translate each message; keep
platform fetchers outside the console and respect each platform's terms.
"""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any


class ExampleSource:
    name = "example_source"
    requires_rehearsal = True  # invents comments: rehearsal only

    def __init__(self, interval_s: float = 5.0, text: str = "你好 Hello 👋") -> None:
        self.interval_s = interval_s
        self.text = text

    def run(self, emit, stop: threading.Event) -> None:  # noqa: ANN001 - emit(event) -> bool
        for n in itertools.count(1):
            if stop.is_set():
                return
            emit(
                {
                    "v": 1,
                    "platform": "example",
                    "room_id": "demo",
                    "msg_id": f"example-{n}",
                    "ts_ms": int(time.time() * 1000),
                    "type": "comment",
                    "user": {"id": "example-bot", "nick": "示例观众"},
                    "text": f"{self.text} #{n}",
                }
            )
            stop.wait(self.interval_s)


def create(context: Any) -> ExampleSource:
    """``context.config`` holds the plugin's settings; ``context.state()`` the show state."""
    config = dict(context.config)
    return ExampleSource(
        interval_s=float(config.get("interval_s", 5.0)),
        text=str(config.get("text", "你好 Hello 👋")),
    )
