"""Rehearsal calibration: a rehearsal's funnel against published live-commerce ranges.

The simulated audience (``console.audience.simulated``) is calibrated so that a rehearsal of a
typical show lands inside these ranges; the report shows each rate and whether it is inside.
The ranges and their sources are in docs/analytics.md ("Rehearsal calibration"). They describe a
public shopping room (场观 = everyone who came in), not an opted-in event audience.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.analytics.metrics import Funnel


@dataclass(frozen=True)
class Target:
    key: str
    zh: str
    en: str
    low: float
    high: float


# rates over the show's unique viewers (场观人数), whole show
TARGETS: tuple[Target, ...] = (
    Target("interaction", "互动率", "Interaction (interacted ÷ viewers)", 0.03, 0.25),
    Target("cart", "加购率", "Added to cart ÷ viewers", 0.02, 0.15),
    Target("conversion", "看播转化率", "Conversion (ordered ÷ viewers)", 0.005, 0.05),
)


@dataclass(frozen=True)
class CalibrationRow:
    target: Target
    value: float | None  # None without viewers

    @property
    def inside(self) -> bool:
        return self.value is not None and self.target.low <= self.value <= self.target.high


def calibration(funnel: Funnel) -> list[CalibrationRow]:
    """Each funnel rate of the show against its target range."""
    n = funnel.viewers
    values = {
        "interaction": funnel.interacted / n if n else None,
        "cart": funnel.carted / n if n else None,
        "conversion": funnel.ordered / n if n else None,
    }
    return [CalibrationRow(t, values[t.key]) for t in TARGETS]


def calibration_line(funnel: Funnel) -> str:
    """One line for the CLI: ``interaction 12.0% (3–25%: inside) · …``."""
    parts = []
    for row in calibration(funnel):
        value = "—" if row.value is None else f"{row.value:.1%}"
        where = "inside" if row.inside else "OUTSIDE"
        t = row.target
        parts.append(f"{t.key} {value} ({t.low:.1%}–{t.high:.1%}: {where})")
    return "rehearsal calibration: " + " · ".join(parts)
