"""Build the show overlays for a canvas, with default placements and the show's layout.

    layers = build_show_layers(lambda: controller.state, controller.now, (720, 1280),
                               folder.path, layout=folder.load_layout())
    for layer in layers:
        scene.add(layer)
    ...
    folder.save_layout(merge_layout(folder.load_layout(), (720, 1280), layers))

Default placements keep clear of the platforms' UI on a phone: the top bar, the comments on the
bottom left, the shopping bag along the bottom and the side buttons on the right (see the
``safe_zones`` in ``resources/platforms/presets.json``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from console.errors import UserError
from console.media.compositor import NormRect
from console.overlays.base import ShowLayer
from console.overlays.coupon_banner import CouponBannerLayer
from console.overlays.flash_sale import FlashSaleLayer
from console.overlays.images import ImageCache
from console.overlays.lottery_panel import LotteryPanelLayer
from console.overlays.poll_panel import PollPanelLayer
from console.overlays.product_card import ProductCardLayer
from console.overlays.style import OverlayStyle
from console.show.state import ShowState

LAYER_TYPES: dict[str, type[ShowLayer]] = {
    cls.name: cls
    for cls in (
        ProductCardLayer,
        CouponBannerLayer,
        FlashSaleLayer,
        PollPanelLayer,
        LotteryPanelLayer,
    )
}

#: Default placements (x, y, w, h as fractions of the canvas), bottom layer first.
DEFAULT_LAYOUTS: dict[str, dict[str, tuple[float, float, float, float]]] = {
    # 9:16: a commerce column on the left between the top bar (0.11) and the comments (0.60),
    # the lottery on the right above the side buttons (0.52)
    "portrait": {
        "product_card": (0.03, 0.455, 0.78, 0.14),
        "coupon_banner": (0.03, 0.118, 0.57, 0.06),
        "flash_sale": (0.03, 0.185, 0.57, 0.092),
        "poll_panel": (0.03, 0.285, 0.57, 0.16),
        "lottery_panel": (0.625, 0.118, 0.35, 0.215),
    },
    # 16:9: commerce down the left edge above the chat (0.70), lottery and poll on the right
    # above the side actions (0.45)
    "landscape": {
        "product_card": (0.02, 0.44, 0.36, 0.245),
        "coupon_banner": (0.02, 0.11, 0.27, 0.1),
        "flash_sale": (0.02, 0.225, 0.30, 0.2),
        "poll_panel": (0.525, 0.11, 0.24, 0.33),
        "lottery_panel": (0.78, 0.11, 0.205, 0.33),
    },
}


def orientation_of(canvas: tuple[int, int]) -> str:
    width, height = canvas
    return "portrait" if height > width else "landscape"


def _layer_layout(layout: dict[str, Any] | None, orientation: str) -> dict[str, Any]:
    """The per-layer part of a layout: either ``{name: {...}}`` or the layout.json form with
    ``"portrait"`` / ``"landscape"`` sections (and maybe ``"style"``)."""
    if not layout:
        return {}
    if not isinstance(layout, dict):
        raise UserError(f"overlay layout: expected an object, got {type(layout).__name__}")
    if "portrait" in layout or "landscape" in layout:
        section = layout.get(orientation) or {}
        if not isinstance(section, dict):
            raise UserError(f"overlay layout: '{orientation}' must be an object")
        return section
    return {k: v for k, v in layout.items() if k != "style"}


def _placement(name: str, default: tuple[float, ...], data: Any) -> tuple[NormRect, bool]:
    x, y, w, h = default
    enabled = True
    if data is None:
        return NormRect(x, y, w, h), enabled
    if not isinstance(data, dict):
        raise UserError(f"overlay layout: {name} must be an object with x, y, w, h, visible")
    values = {"x": x, "y": y, "w": w, "h": h}
    for key in values:
        if key in data:
            v = data[key]
            if isinstance(v, bool) or not isinstance(v, int | float) or not -1.0 <= v <= 2.0:
                raise UserError(
                    f"overlay layout: {name}.{key} must be a fraction of the canvas, got {v!r}"
                )
            values[key] = float(v)
    if values["w"] <= 0 or values["h"] <= 0:
        raise UserError(f"overlay layout: {name} needs a positive width and height")
    if "visible" in data:
        enabled = bool(data["visible"])
    return NormRect(values["x"], values["y"], values["w"], values["h"]), enabled


def build_show_layers(
    get_state: Callable[[], ShowState],
    now: Callable[[], float],
    canvas: tuple[int, int],
    images_dir: Path,
    layout: dict | None = None,
    style: OverlayStyle | None = None,
) -> list[ShowLayer]:
    """The five show overlays for ``canvas`` (width, height), in drawing order.

    ``images_dir`` is the show folder (product images are show-relative, ``images/cup.png``) or
    its ``images/`` folder. ``layout`` overrides placements per layer name
    (``{"product_card": {"x": .., "y": .., "w": .., "h": .., "visible": bool}}``; other names,
    e.g. the chat's, are ignored) or is the whole layout.json (``{"portrait": {...},
    "landscape": {...}, "style": {...}}``). Without ``style``
    the layout's ``"style"`` is used, else the defaults.
    """
    orientation = orientation_of(canvas)
    per_layer = _layer_layout(layout, orientation)
    if style is None:
        style = OverlayStyle.from_dict(
            (layout or {}).get("style") if isinstance(layout, dict) else None
        )
    placements = {
        name: _placement(name, default, per_layer.get(name))
        for name, default in DEFAULT_LAYOUTS[orientation].items()
    }
    images = ImageCache(Path(images_dir))
    images.preload(ref for p in get_state().products.values() for ref in p.images[:1])
    layers: list[ShowLayer] = []
    for name, (rect, enabled) in placements.items():
        layer = LAYER_TYPES[name](rect, get_state, now, style=style, images=images)
        layer.enabled = enabled
        layers.append(layer)
    return layers


def layout_of(layers: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """``{name: {"x", "y", "w", "h", "visible"}}`` for saving; ``visible`` is the user's flag."""
    out: dict[str, dict[str, Any]] = {}
    for layer in layers:
        r = layer.rect
        enabled = getattr(layer, "enabled", getattr(layer, "visible", True))
        out[layer.name] = {
            "x": round(r.x, 4),
            "y": round(r.y, 4),
            "w": round(r.w, 4),
            "h": round(r.h, 4),
            "visible": bool(enabled),
        }
    return out


def merge_layout(
    document: dict[str, Any] | None,
    canvas: tuple[int, int],
    layers: Iterable[Any],
    style: OverlayStyle | None = None,
) -> dict[str, Any]:
    """A layout.json document with this orientation's placements (and the style) updated."""
    doc = dict(document or {})
    if doc and "portrait" not in doc and "landscape" not in doc:
        doc = {"style": doc["style"]} if "style" in doc else {}
    doc[orientation_of(canvas)] = layout_of(layers)
    if style is not None:
        doc["style"] = style.to_dict()
    return doc
