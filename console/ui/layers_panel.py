"""The Layers box and the layout on the preview: placements per show and orientation, order, safe zones.

A part of :class:`~console.ui.main_window.MainWindow` (a mixin: ``self`` is the window).
Texts are translated in the ``MainWindow`` context, as before the split.
"""

from __future__ import annotations

import logging
from typing import Protocol

from console.media.compositor import Layer, NormRect, VideoLayer
from console.platforms.presets import preset_by_id
from console.qt.QtCore import QCoreApplication as _Q
from console.qt.QtCore import Qt
from console.qt.QtWidgets import (
    QListWidgetItem,
)
from console.settings import (
    CanvasSettings,
    LayerPlacement,
)
from console.ui.destinations import chinese_ui

log = logging.getLogger(__name__)


def layer_enabled(layer: Layer) -> bool:
    """The user's on/off for a layer. Show layers hide themselves when there is nothing to show
    (``visible`` is then False); ``enabled`` is what the layers list and the layout store."""
    return bool(getattr(layer, "enabled", layer.visible))


class LayoutStore(Protocol):
    """Where the overlay placements of a show live (the show folder's layout.json)."""

    def load(self, orientation: str) -> list[LayerPlacement] | None: ...

    def save(self, orientation: str, placements: list[LayerPlacement]) -> None: ...

    def flush(self) -> None: ...


class LayersPanel:
    """The Layers box and the layout on the preview: placements per show and orientation, order, safe zones."""

    def _layout_key(self, canvas: CanvasSettings | None = None) -> str:
        return f"{self.show_id}:{(canvas or self.settings.canvas).orientation}"

    def _apply_layout(self, canvas: CanvasSettings) -> None:
        """Place the overlays as saved for this show and orientation (if saved)."""
        saved = self._saved_layout(canvas)
        if not saved:
            self._sync_rehearsal_layer()
            return
        by_name = {o.name: o for o in self.session.overlays}
        order = []
        for p in saved:
            lay = by_name.pop(p.name, None)
            if lay is None:
                continue
            lay.rect = NormRect(p.x, p.y, p.w, p.h)
            lay.visible = p.visible  # a show layer takes this as its "enabled" flag
            order.append(lay)
        self.session.overlays[:] = order + list(by_name.values())
        scene = self.session.scene
        for i, lay in enumerate(self.session.overlays):
            if lay in scene.layers:
                scene.move(lay, i + 1)
        self._sync_rehearsal_layer()

    def _saved_layout(self, canvas: CanvasSettings | None = None) -> list[LayerPlacement] | None:
        canvas = canvas or self.settings.canvas
        if self.layout_store is not None:
            return self.layout_store.load(canvas.orientation)
        return self.settings.layouts.get(self._layout_key(canvas))

    def _sync_rehearsal_layer(self) -> None:
        """The REHEARSAL badge layer is on in rehearsal and off when live for real."""
        lay = self._overlay("rehearsal")
        if lay is not None and layer_enabled(lay) != self.settings.rehearsal:
            lay.visible = self.settings.rehearsal
            if hasattr(self, "layers_list"):
                self._fill_layers()

    def _store_layout(self) -> None:
        overlays = [lay for lay in self.session.scene.layers if not isinstance(lay, VideoLayer)]
        if overlays:
            self.session.overlays[:] = overlays
        placements = [
            LayerPlacement(o.name, o.rect.x, o.rect.y, o.rect.w, o.rect.h, layer_enabled(o))
            for o in self.session.overlays
        ]
        if self.layout_store is not None:
            self.layout_store.save(self.settings.canvas.orientation, placements)
        else:
            self.settings.layouts[self._layout_key()] = placements
        self.schedule_save()

    def _fill_layers(self) -> None:
        lst = self.layers_list
        lst.blockSignals(True)
        lst.clear()
        for lay in reversed(self.session.overlays):  # topmost first
            item = QListWidgetItem(lay.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if layer_enabled(lay) else Qt.CheckState.Unchecked
            )
            item.setData(Qt.ItemDataRole.UserRole, lay.name)
            item.setToolTip(_Q.translate("MainWindow", "Tick to show on the stream"))
            lst.addItem(item)
            if lay.name == self.preview.selected:
                lst.setCurrentItem(item)
        lst.blockSignals(False)

    def _overlay(self, name: str) -> Layer | None:
        return next((o for o in self.session.overlays if o.name == name), None)

    def _layer_item_changed(self, item: QListWidgetItem) -> None:
        lay = self._overlay(item.data(Qt.ItemDataRole.UserRole))
        if lay is not None:
            lay.visible = item.checkState() == Qt.CheckState.Checked
            self.preview.update()
            self._store_layout()

    def _layer_current_changed(self, item: QListWidgetItem | None, _: object = None) -> None:
        self.preview.select(item.data(Qt.ItemDataRole.UserRole) if item else "")

    def _preview_selected(self, name: str) -> None:
        for i in range(self.layers_list.count()):
            item = self.layers_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == name:
                self.layers_list.blockSignals(True)
                self.layers_list.setCurrentItem(item)
                self.layers_list.blockSignals(False)
                return
        self.layers_list.clearSelection()

    def _move_layer(self, direction: int) -> None:
        """Raise (+1) or lower (-1) the selected overlay; the video stays at the bottom."""
        lay = self._overlay(self.preview.selected)
        if lay is None:
            return
        overlays = self.session.overlays
        i = overlays.index(lay)
        j = min(max(0, i + direction), len(overlays) - 1)
        if i == j:
            return
        overlays.insert(j, overlays.pop(i))
        scene = self.session.scene
        if lay in scene.layers:
            scene.move(lay, j + 1)
        self._fill_layers()
        self._store_layout()

    def _layout_edited(self) -> None:
        self._store_layout()

    def _edit_toggled(self, on: bool) -> None:
        self.preview.edit_mode = on
        if not on:
            self.preview.select("")
        self.preview.update()

    def _fill_safe_zones(self) -> None:
        from console.platforms.presets import load_presets

        c = self.safe_zone_choice
        c.blockSignals(True)
        c.clear()
        c.addItem(_Q.translate("MainWindow", "No safe-zone guide"), "")
        for p in load_presets():
            if p.safe_zones:
                c.addItem(
                    _Q.translate("MainWindow", "Safe zones: {0}").format(p.label(chinese_ui())),
                    p.id,
                )
        c.setCurrentIndex(max(0, c.findData(self.settings.safe_zone_preset)))
        c.blockSignals(False)
        self._show_safe_zones()

    def _safe_zone_chosen(self, index: int) -> None:
        self.settings.safe_zone_preset = self.safe_zone_choice.itemData(index) or ""
        self._show_safe_zones()
        self.schedule_save()

    def _show_safe_zones(self) -> None:
        pid = self.settings.safe_zone_preset
        zones: list = []
        if pid:
            preset = preset_by_id(pid)
            zones = [(z.label(chinese_ui()), z.rect) for z in preset.safe_zones]
        self.preview.safe_zones = zones
        self.preview.update()
