"""The window's overlay placements per orientation, kept in the show folder's ``layout.json``.

(The other layout store is the settings' per-canvas ``LayerPlacement`` list in ``settings.json``,
used for a window with no show; docs/architecture.md, "Where things are kept".)
"""

from __future__ import annotations

import logging
from typing import Any

from console.settings import LayerPlacement
from console.show.folder import ShowFolder

log = logging.getLogger(__name__)


class ShowLayoutStore:
    """Overlay placements per orientation in the show folder's ``layout.json``.

    The format of ``console.overlays.show_layers`` (``layout_of`` / ``merge_layout``):
    ``{"portrait": {name: {"x", "y", "w", "h", "visible"}, …}, "landscape": {…}, "style": {…}}``;
    the order of the names is the stacking order (bottom first); ``visible`` is the user's
    on/off. Other keys (the overlays' ``"style"``) are kept. Edits are kept in memory and
    written by :meth:`flush` (the window's debounced save).
    """

    def __init__(self, folder: ShowFolder) -> None:
        self.folder = folder
        self.data: dict[str, Any] = dict(folder.load_layout())
        self.dirty = False

    def load(self, orientation: str) -> list[LayerPlacement] | None:
        items = self.data.get(orientation)
        if not isinstance(items, dict):
            return None
        placements = []
        for name, item in items.items():
            try:
                placements.append(
                    LayerPlacement(
                        str(name),
                        float(item["x"]),
                        float(item["y"]),
                        float(item["w"]),
                        float(item["h"]),
                        bool(item.get("visible", True)),
                    )
                )
            except (KeyError, TypeError, ValueError):
                log.warning("layout.json: ignoring a bad %s placement: %r", orientation, item)
        return placements or None

    def save(self, orientation: str, placements: list[LayerPlacement]) -> None:
        self.data[orientation] = {
            p.name: {
                "x": round(p.x, 4),
                "y": round(p.y, 4),
                "w": round(p.w, 4),
                "h": round(p.h, 4),
                "visible": bool(p.visible),
            }
            for p in placements
        }
        self.dirty = True

    def flush(self) -> None:
        if self.dirty:
            self.folder.save_layout(self.data)
            self.dirty = False
