"""Every number of the report for the scripted show equals the hand-computed one (scripted.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from console.analytics.csvout import write_csvs
from console.analytics.live import LiveStats
from console.analytics.load import load_show
from console.analytics.metrics import ShowAnalytics, analyze
from console.analytics.report import analyze_show
from tests.unit.analytics.scripted import CUP, EXPECTED, MASK, T0, TEA, build_scripted_show


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scripted_show(tmp_path_factory.mktemp("scripted") / "show")


@pytest.fixture(scope="module")
def report(show: Path) -> ShowAnalytics:
    return analyze_show(show)


def test_timeline_per_minute(report: ShowAnalytics) -> None:
    got = [(m.viewers, m.comments, m.likes, m.orders, m.gmv_cents) for m in report.minutes]
    assert got == EXPECTED["minutes"]
    assert [m.start - T0 for m in report.minutes] == [0, 60, 120]
    assert report.start == T0 and report.end == T0 + 179


def test_totals(report: ShowAnalytics) -> None:
    t = report.totals
    for key in ("orders", "units", "gmv_cents", "comments", "likes", "peak_viewers"):
        assert t[key] == EXPECTED[key], key
    assert t["orders_cancelled"] == EXPECTED["orders_cancelled"]
    assert t["manual_sales"] == 1
    assert t["avg_viewers"] == round((100 + 120 + 90) / 3)


def test_funnel_for_the_show(report: ShowAnalytics) -> None:
    f = report.funnel
    assert (f.viewers, f.interacted, f.carted, f.ordered) == EXPECTED["funnel"]
    assert f.conversion == pytest.approx(4 / 8)


def test_funnel_per_pinned_product(report: ShowAnalytics) -> None:
    got = {f.scope: tuple(f.counts()) for f in report.product_funnels}
    assert got == EXPECTED["product_funnels"]


def test_per_product_table(report: ShowAnalytics) -> None:
    rows = {r.product_id: r for r in report.products}
    for pid, expected in EXPECTED["products"].items():
        r = rows[pid]
        got = (
            r.pinned_s,
            r.orders,
            r.units,
            r.gmv_cents,
            r.carts,
            r.orders_pinned,
            r.gmv_pinned_cents,
            r.viewers_pinned,
            r.buyers_pinned,
        )
        assert got == expected, pid
    assert rows[CUP].conversion_pinned == pytest.approx(3 / 6)
    assert rows[MASK].conversion_pinned == pytest.approx(1 / 4)
    assert rows[TEA].conversion_pinned is None
    assert sum(r.gmv_cents for r in report.products) == EXPECTED["gmv_cents"]


def test_bands(report: ShowAnalytics) -> None:
    got = [(b.kind, b.ref, b.start - T0, b.end - T0) for b in report.bands]
    assert got == [
        ("coupon", "coupon-1", 1, 121),
        ("product", CUP, 10, 100),
        ("lottery", "lottery-1", 61, 91),
        ("flash_sale", "flash-1", 70, 130),
        ("product", MASK, 100, 160),
    ]


def test_top_questions_grouped(report: ShowAnalytics) -> None:
    got = [(q.text, q.count, q.users, q.product_id) for q in report.questions]
    assert got == EXPECTED["questions"]
    assert report.questions_total == 3


def test_lottery_audit_verifies(report: ShowAnalytics) -> None:
    (lottery,) = report.lotteries
    assert lottery.verified is True and lottery.phase == "drawn"
    assert lottery.entrants == 2
    assert len(lottery.seed_hash) == 64 and len(lottery.entrants_hash) == 64
    assert lottery.winners[0][0] in ("douyin:u1", "douyin:u4")
    assert "VERIFIED" in lottery.checks


def test_no_health_samples(report: ShowAnalytics) -> None:
    assert report.health.samples == 0


def test_csv_files_carry_the_same_numbers(report: ShowAnalytics, tmp_path: Path) -> None:
    paths = write_csvs(report, tmp_path)
    assert [p.name for p in paths] == ["timeline.csv", "products.csv", "funnel.csv"]

    def rows(name: str) -> list[dict[str, str]]:
        with (tmp_path / name).open(encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))

    timeline = rows("timeline.csv")
    assert [
        (int(r["viewers"]), int(r["comments"]), int(r["orders"]), r["gmv"]) for r in timeline
    ] == [
        (100, 3, 2, "267.00"),
        (120, 2, 1, "59.00"),
        (90, 1, 3, "287.90"),
    ]
    products = {r["product_id"]: r for r in rows("products.csv")}
    assert products[CUP]["gmv"] == "415.00" and products[CUP]["orders_while_pinned"] == "3"
    assert products[CUP]["conversion_while_pinned"] == "0.5000"
    assert products[CUP]["title"] == "316不锈钢保温杯 500ml"
    funnel = [(r["scope"], r["stage"], int(r["users"])) for r in rows("funnel.csv")]
    assert funnel[:4] == [
        ("show", "viewers", 8),
        ("show", "interacted", 6),
        ("show", "carted", 5),
        ("show", "ordered", 4),
    ]
    assert ("MASK-HA-10", "ordered", 1) in funnel


def test_live_stats_agree_with_the_report(show: Path, report: ShowAnalytics) -> None:
    events = load_show(show).events
    live = LiveStats(clock=lambda: T0 + 179)
    live.replay(events)
    snap = live.snapshot()
    assert snap.orders == EXPECTED["orders"]
    assert snap.gmv_cents == EXPECTED["gmv_cents"]
    assert snap.comments == EXPECTED["comments"] and snap.likes == EXPECTED["likes"]
    assert snap.unique_viewers == 8 and snap.buyers == 4
    assert snap.conversion == pytest.approx(report.funnel.conversion)
    assert snap.viewers_now == 90 and snap.peak_viewers == 120
    assert snap.pinned is None  # unpinned at 160
    assert snap.comments_per_min == 1  # only the comment at 179 is within the last minute


def test_live_stats_mid_show_pinned_counters(show: Path) -> None:
    live = LiveStats()
    live.replay(e for e in load_show(show).events if e.ts < T0 + 100)
    snap = live.snapshot(now=T0 + 99)
    assert snap.pinned is not None and snap.pinned.product_id == CUP
    p = snap.pinned
    assert (p.orders, p.units, p.gmv_cents, p.carts, p.buyers, p.viewers) == (3, 4, 32600, 2, 3, 6)
    assert p.conversion == pytest.approx(0.5)
    assert snap.comments_per_min == 2  # comments at 40 and 90 are within (39, 99]


def test_analyze_is_independent_of_event_order(show: Path, report: ShowAnalytics) -> None:
    events = load_show(show).events
    again = analyze(list(reversed(events)), report.title)
    assert again.totals == report.totals
