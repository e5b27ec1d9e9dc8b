"""A believable rehearsal audience: the funnel of a rehearsed show falls inside the published
ranges (docs/analytics.md "Rehearsal calibration"), and the room is set per show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.analytics.calibration import TARGETS, calibration
from console.analytics.html import render_html
from console.analytics.report import analyze_show
from console.audience.simulated import SimConfig, show_config
from console.errors import UserError
from console.rehearse import rehearse
from console.show.demo import copy_demo_show
from console.show.journal import Journal

T0 = 1_700_000_000.0


def _set_rehearsal(show: Path, block: object) -> None:
    meta = json.loads((show / "show.json").read_text(encoding="utf-8"))
    meta["rehearsal"] = block
    (show / "show.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("seed", [1, 7])
def test_a_rehearsed_demo_show_has_a_funnel_inside_the_published_ranges(
    tmp_path: Path, seed: int
) -> None:
    show = copy_demo_show(tmp_path / "show")
    result = rehearse(show, 1800, seed=seed, speed=0, start=T0)
    a = analyze_show(show)
    f = a.funnel
    # a room of ~50 at once with a one-minute average stay: well over a thousand people pass
    # through in 30 minutes, and most of them only watch
    assert 1000 < f.viewers < 3000
    assert 30 <= a.totals["avg_viewers"] <= 80
    rows = {r.target.key: r for r in calibration(f)}
    for row in rows.values():
        assert row.inside, (row.target.key, row.value, row.target.low, row.target.high)
    assert f.interacted < 0.3 * f.viewers and f.ordered < 0.06 * f.viewers  # not 100 % / 60 %
    assert "rehearsal calibration:" in result.summary()
    assert "OUTSIDE" not in result.summary()
    html = render_html([a], generated=T0)
    assert "彩排校准 Rehearsal calibration" in html
    assert html.count("范围内 inside") == len(TARGETS)


def test_flash_sales_and_lotteries_pull_the_room_up(tmp_path: Path) -> None:
    show = copy_demo_show(tmp_path / "show")
    rehearse(show, 1800, seed=3, speed=0, start=T0)
    a = analyze_show(show)
    hot = [b for b in a.bands if b.kind in ("flash_sale", "lottery")]
    assert hot
    in_hot = [m.viewers for m in a.minutes if any(b.start <= m.start < b.end for b in hot)]
    calm = [m.viewers for m in a.minutes[3:] if not any(b.start <= m.start < b.end for b in hot)]
    assert in_hot and calm
    assert sum(in_hot) / len(in_hot) > 1.15 * sum(calm) / len(calm)
    orders_hot = sum(m.orders for m in a.minutes if any(b.start <= m.start < b.end for b in hot))
    assert orders_hot / len(in_hot) > 1.5 * (a.totals["orders"] - orders_hot) / len(calm)


def test_the_room_size_and_rates_are_set_per_show(tmp_path: Path) -> None:
    small = copy_demo_show(tmp_path / "small")
    _set_rehearsal(small, {"viewers": 15, "avg_stay_s": 120, "interaction_rate": 0.2})
    assert show_config(small, seed=4) == SimConfig(
        seed=4, viewers=15, avg_stay_s=120, interaction_rate=0.2
    )
    assert show_config(small, seed=4, viewers=30).viewers == 30  # --viewers wins over the file
    rehearse(small, 900, seed=4, speed=0, start=T0)
    big = copy_demo_show(tmp_path / "big")
    rehearse(big, 900, seed=4, speed=0, start=T0)
    a_small, a_big = analyze_show(small), analyze_show(big)
    assert a_small.totals["avg_viewers"] < 25 < 35 < a_big.totals["avg_viewers"]
    assert a_small.funnel.viewers * 3 < a_big.funnel.viewers


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"viewers": 0}, r"rehearsal: viewers must be 1 to 100000, got 0"),
        ({"conversion_rate": "2%"}, r"rehearsal: conversion_rate must be a number, got '2%'"),
        ({"interaction_rate": 1.5}, r"interaction_rate must be 0 to 1, got 1.5"),
        ({"orders_per_min": 3}, r"'orders_per_min' is gone: set conversion_rate instead"),
        ({"room": 3}, r"unknown setting 'room' \(known: .*viewers"),
        ([1, 2], r"rehearsal: expected an object of settings, got list"),
    ],
)
def test_a_bad_rehearsal_block_is_one_line_before_anything_is_journaled(
    tmp_path: Path, block: object, message: str
) -> None:
    show = copy_demo_show(tmp_path / "show")
    _set_rehearsal(show, block)
    with pytest.raises(UserError, match=message) as info:
        rehearse(show, 60, seed=1, speed=0, start=T0)
    assert "\n" not in str(info.value) and "show.json" in str(info.value)
    if (show / "journal.sqlite").exists():
        with Journal(show / "journal.sqlite") as journal:
            assert journal.count() == journal.count("show.catalog_loaded")
    # and the show is not left locked: a fixed block rehearses
    _set_rehearsal(show, {})
    assert rehearse(show, 30, seed=1, speed=0, start=T0).duration_s == 30
