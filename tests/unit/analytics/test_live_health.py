"""LiveStats fed by the real controller and hub subscriptions; health samples in the report."""

from __future__ import annotations

from pathlib import Path

from console.analytics.live import LiveStats
from console.analytics.metrics import analyze
from console.audience.events import AudienceEvent, Order, User
from console.audience.hub import AudienceHub
from console.show.commands import PinProduct, RecordSale
from console.show.controller import ShowController
from console.show.demo import copy_demo_show
from console.show.journal import Event

T0 = 1_700_000_000.0


def test_subscribed_live_stats_count_each_order_once(tmp_path: Path) -> None:
    copy_demo_show(tmp_path / "show")
    now = [T0]
    controller = ShowController.open(tmp_path / "show", clock=lambda: now[0])
    hub = AudienceHub(controller)
    live = LiveStats(clock=lambda: now[0])
    live.replay(controller.journal.events())  # the catalog
    controller.subscribe(live.on_show_event)
    hub.subscribe(live.on_audience_item)
    controller.execute(PinProduct("CUP-316-500"))
    now[0] += 5
    hub.submit(
        AudienceEvent(
            platform="douyin",
            msg_id="o-1",
            ts_ms=int(now[0] * 1000),
            type="order",
            user=User("u1"),
            order=Order("3601234567890", 2, 17800, "paid"),  # the platform's product id
        )
    )
    hub.process_pending()
    controller.execute(RecordSale("TEA-SET-CELADON", 1), actor="assistant")  # by hand
    snap = live.snapshot()
    assert hub.stats.sales_recorded == 1
    assert snap.orders == 2 and snap.gmv_cents == 17800 + 13900
    assert snap.pinned is not None
    assert (snap.pinned.orders, snap.pinned.units, snap.pinned.gmv_cents) == (1, 2, 17800)
    assert snap.buyers == 1 and snap.unique_viewers == 1
    report = analyze(list(controller.journal.events()))
    assert report.totals["orders"] == 2 and report.totals["gmv_cents"] == 17800 + 13900
    controller.close()


def _sample(seq: int, ts: float, dropped: dict, reconnects: int, state: str, fps: float) -> Event:
    return Event(
        seq,
        ts,
        "health.sample",
        {
            "fps": fps,
            "dropped": dropped,
            "outputs": [
                {
                    "name": "douyin",
                    "state": state,
                    "reconnects": reconnects,
                    "bitrate_kbps": 2000.0,
                    "dropped": {"network": reconnects * 10},
                }
            ],
        },
        "pipeline",
    )


def test_health_adds_up_counter_growth_and_restarts() -> None:
    events = [
        Event(1, T0, "audience.room_stats", {"platform": "x", "msg_id": "a", "viewers": 5}),
        _sample(2, T0 + 5, {"render_lag": 2}, 0, "live", 30.0),
        _sample(3, T0 + 10, {"render_lag": 5, "encoder_lag": 1}, 1, "reconnecting", 24.5),
        _sample(4, T0 + 15, {"render_lag": 5, "encoder_lag": 1}, 1, "live", 30.0),
        # the pipeline restarted: counters start again from 0
        _sample(5, T0 + 20, {"render_lag": 3}, 0, "live", 29.0),
    ]
    h = analyze(events).health
    assert h.samples == 4
    assert h.drops == {"render_lag": 8, "encoder_lag": 1, "network (douyin)": 10}
    assert h.reconnects == {"douyin": 1}
    assert h.outages == 1
    assert h.min_fps == 24.5
    live = LiveStats()
    live.replay(events)
    snap = live.snapshot(now=T0 + 20)
    assert snap.drops == 3 and snap.reconnects == 0 and snap.bitrate_kbps == 2000.0
