"""OverlayStyle: the colours, corner radius, font scale and fonts of the show overlays.

Sizes are not in pixels: every layer derives its text size (its "em") from its own pixel height,
so a layout looks the same at 720p and 1080p. ``corner_radius`` is in ems, ``font_scale``
multiplies every text size (text still wraps, shrinks or elides to stay inside its box).

A style is plain data, so the show's ``layout.json`` can carry it under ``"style"``::

    {"style": {"accent": "#FFFF2D55", "font_scale": 1.1, "corner_radius": 0.6}}
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from console.errors import UserError
from console.qt.QtGui import QColor, QFont

DEFAULT_FAMILIES = (
    "PingFang SC",
    "Microsoft YaHei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Live Console CJK",  # carried in resources/fonts (console.media.qt.BUNDLED_CJK_FAMILY)
    "Noto Color Emoji",
    "Apple Color Emoji",
    "Segoe UI Emoji",
    "sans-serif",
)


@dataclass(frozen=True)
class OverlayStyle:
    """Colours are ``#AARRGGBB`` or ``#RRGGBB`` (anything ``QColor`` parses)."""

    accent: str = "#FFFF2D55"  # badges, highlights (Douyin red-pink)
    accent_2: str = "#FFFF6A00"  # the other end of accent gradients (orange)
    price: str = "#FFFF2442"  # prices on light cards
    highlight: str = "#FFFFE27A"  # prices and numbers on dark/red panels (gold)
    card: str = "#F7FFFFFF"  # light card (product card)
    card_text: str = "#FF1C1C22"
    card_muted: str = "#FF8A8A94"
    panel: str = "#D9181820"  # dark translucent panel (poll)
    panel_text: str = "#FFFFFFFF"
    panel_muted: str = "#B3FFFFFF"
    promo: str = "#FFE8173A"  # red promotion panels (flash sale, lottery, coupon)
    promo_2: str = "#FFFF5A1F"
    bar_track: str = "#33FFFFFF"
    success: str = "#FF22C55E"  # the quiz's right answer
    placeholder: str = "#FFE9E9EE"  # a missing product image
    corner_radius: float = 0.6  # in ems
    font_scale: float = 1.0
    font_families: tuple[str, ...] = field(default=DEFAULT_FAMILIES)

    # ---- data form

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> OverlayStyle:
        """Build from a dict (missing keys keep their defaults); a bad key or value is a UserError."""
        if not data:
            return cls()
        if not isinstance(data, dict):
            raise UserError(f"overlay style: expected an object, got {type(data).__name__}")
        names = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in names:
                raise UserError(
                    f"overlay style: unknown key {key!r}: use one of {', '.join(sorted(names))}"
                )
            if key in ("corner_radius", "font_scale"):
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise UserError(f"overlay style: {key} must be a number, got {value!r}")
                low, high = (0.0, 5.0) if key == "corner_radius" else (0.3, 3.0)
                if not low <= float(value) <= high:
                    raise UserError(f"overlay style: {key} must be {low:g} … {high:g}, got {value}")
                values[key] = float(value)
            elif key == "font_families":
                if isinstance(value, str):
                    value = [value]
                if not isinstance(value, list | tuple) or not all(
                    isinstance(v, str) and v for v in value
                ):
                    raise UserError("overlay style: font_families must be a list of font names")
                values[key] = tuple(value)
            else:
                if not isinstance(value, str) or not QColor.isValidColorName(value):
                    raise UserError(
                        f"overlay style: {key} must be a colour like #FFFF2D55, got {value!r}"
                    )
                values[key] = value
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["font_families"] = list(self.font_families)
        return data

    # ---- helpers for painting

    def color(self, name: str, alpha: float | None = None) -> QColor:
        c = QColor(getattr(self, name))
        if alpha is not None:
            c.setAlphaF(max(0.0, min(1.0, c.alphaF() * alpha)))
        return c

    def font(self, px: float, bold: bool = False, strike: bool = False) -> QFont:
        font = QFont()
        font.setFamilies(list(self.font_families))
        font.setPixelSize(max(1, round(px)))
        font.setBold(bold)
        font.setStrikeOut(strike)
        font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        return font
