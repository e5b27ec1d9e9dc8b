"""The Canvas and encoding box: orientation, resolution, frame rate, bitrate, encoder; applying rebuilds the pipeline.

A part of :class:`~console.ui.main_window.MainWindow` (a mixin: ``self`` is the window).
Texts are translated in the ``MainWindow`` context, as before the split.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from console.media.compositor import NormRect
from console.qt.QtCore import QCoreApplication as _Q
from console.settings import (
    CanvasSettings,
)

log = logging.getLogger(__name__)


RESOLUTIONS = {"portrait": [(720, 1280), (1080, 1920)], "landscape": [(1280, 720), (1920, 1080)]}


FPS_CHOICES = (25, 30, 50, 60)


class CanvasPanel:
    """The Canvas and encoding box: orientation, resolution, frame rate, bitrate, encoder; applying rebuilds the pipeline."""

    def _fill_canvas_controls(self, canvas: CanvasSettings) -> None:
        self.orientation.setCurrentIndex(0 if canvas.portrait else 1)
        self._fill_resolutions(canvas.orientation, (canvas.width, canvas.height))
        self.fps.setCurrentIndex(max(0, self.fps.findData(canvas.fps)))
        self.bitrate.setValue(canvas.video_bitrate_kbps)
        self._fill_encoders()

    def _fill_resolutions(self, orientation: str, current: tuple[int, int] | None = None) -> None:
        self.resolution.clear()
        for w, h in RESOLUTIONS[orientation]:
            self.resolution.addItem(f"{w} × {h}", (w, h))
        if current is not None:
            self.resolution.setCurrentIndex(max(0, self.resolution.findData(current)))

    def _orientation_chosen(self, index: int) -> None:
        self._fill_resolutions(self.orientation.itemData(index))

    def _fill_encoders(self) -> None:
        c = self.encoder
        c.clear()
        c.addItem(_Q.translate("MainWindow", "Automatic (hardware if it opens)"), "auto")
        for name in self.encoders:
            c.addItem(name, name)
        if not self.encoders:
            c.addItem(_Q.translate("MainWindow", "libx264 (checking hardware…)"), "libx264")
        c.setCurrentIndex(max(0, c.findData(self.settings.canvas.encoder)))

    def canvas_from_controls(self) -> CanvasSettings:
        w, h = self.resolution.currentData()
        return CanvasSettings(
            w, h, self.fps.currentData(), self.bitrate.value(), self.encoder.currentData() or "auto"
        )

    def apply_canvas_settings(self, canvas: CanvasSettings | None = None) -> None:
        """Rebuild the pipeline for a new canvas (only when not live)."""
        if self.session.live or self.going_live:
            self.add_notice(_Q.translate("MainWindow", "Stop before changing the canvas."))
            return
        canvas = canvas or self.canvas_from_controls()
        old_key = self._layout_key()
        if self.session.running:
            self._store_layout()
        self.settings.canvas = canvas
        self._fill_canvas_controls(canvas)
        if self._layout_key() != old_key:
            self._default_layout_for(canvas)
            self._apply_layout(canvas)
        self.schedule_save()
        self._orient_centre()
        self.apply_canvas.setEnabled(False)
        self.session.stop(self._start_pipeline)

    #: Set by the composition root: (orientation) → default placements for a new orientation.
    default_layout: Callable[[str], dict[str, NormRect]] | None = None

    def _default_layout_for(self, canvas: CanvasSettings) -> None:
        if self.default_layout is None or self._saved_layout(canvas):
            return
        for name, rect in self.default_layout(canvas.orientation).items():
            lay = self._overlay(name)
            if lay is not None:
                lay.rect = rect

    def _apply_layout_settings(self) -> None:
        self._fill_canvas_controls(self.settings.canvas)
