"""The Sources and Audio mixer boxes: the pipeline's start, device probes, video and audio choices, strips and meters.

A part of :class:`~console.ui.main_window.MainWindow` (a mixin: ``self`` is the window).
Texts are translated in the ``MainWindow`` context, as before the split.
"""

from __future__ import annotations

import logging
from pathlib import Path

from console.platforms import credentials
from console.qt.QtCore import QCoreApplication as _Q
from console.qt.QtWidgets import (
    QFileDialog,
)
from console.settings import (
    AudioSlot,
)
from console.ui.meters import AudioStrip

log = logging.getLogger(__name__)


class SourcesPanel:
    """The Sources and Audio mixer boxes: the pipeline's start, device probes, video and audio choices, strips and meters."""

    def _start_pipeline(self) -> None:
        s = self.settings
        self.preview.clear()
        self.session.start(
            s.canvas, s.sources.video, [AudioSlot(a.spec, a.gain, a.muted) for a in s.sources.audio]
        )
        self._refresh_mode()

    def _pipeline_started(self) -> None:
        self.live.attach_engine(self.session.engine())
        self._refresh_mode()
        self._fill_layers()

    def _pipeline_failed(self, message: str) -> None:
        self.add_notice(
            _Q.translate("MainWindow", "The preview could not start: {0}").format(message)
        )
        self._refresh_mode()

    def _sources_changed(self) -> None:
        s = self.session
        self.settings.sources.video = s.video_spec
        self.settings.sources.audio = [AudioSlot(a.spec, a.gain, a.muted) for a in s.audio_slots()]
        self._rebuild_strips()
        self._fill_video_choices()
        self._fill_audio_choices()
        self.schedule_save()

    def _probe_in_background(self) -> None:
        from console.media.audio import list_input_devices
        from console.media.encoder import available_encoders

        def encoders_done(names: list[str]) -> None:
            self.encoders = names
            self._fill_encoders()

        self.tasks.run(available_encoders, encoders_done, lambda e: self.add_notice(str(e)))

        def mics_done(devices: list[tuple[int, str]]) -> None:
            self.mics = [name for _, name in devices]
            self._fill_audio_choices()

        self.tasks.run(list_input_devices, mics_done, lambda e: None)

        def keyring_done(problem: str | None) -> None:
            self.keyring_problem = problem
            if problem:
                self.destinations.keyring_note.show()
                self.retranslate_ui()

        self.tasks.run(credentials.keyring_problem, keyring_done)

    def _probe_cameras(self) -> None:
        from console.media.camera import probe_cameras

        self.find_cameras.setEnabled(False)
        self.find_cameras.setText(_Q.translate("MainWindow", "Searching…"))

        def done(found: list[int]) -> None:
            self.cameras = found
            self.find_cameras.setEnabled(True)
            self.retranslate_ui()
            if not found:
                self.add_notice(
                    _Q.translate(
                        "MainWindow",
                        "No camera found. Connect one and search again, or use a media file.",
                    )
                )

        self.tasks.run(probe_cameras, done, lambda e: done([]))

    def _fill_video_choices(self) -> None:
        c = self.video_choice
        c.blockSignals(True)
        c.clear()
        c.addItem(_Q.translate("MainWindow", "Test pattern"), "testpattern")
        for idx in self.cameras or []:
            c.addItem(_Q.translate("MainWindow", "Camera {0}").format(idx), f"camera:{idx}")
        current = self.session.video_spec if self.session.running else self.settings.sources.video
        if c.findData(current) < 0:
            kind, _, arg = current.partition(":")
            c.addItem(f"{Path(arg).name or arg} ({kind})", current)
        c.addItem(_Q.translate("MainWindow", "Media file…"), "pick:file")
        c.addItem(_Q.translate("MainWindow", "Image…"), "pick:image")
        c.addItem(_Q.translate("MainWindow", "Camera or stream URL…"), "pick:url")
        c.setCurrentIndex(c.findData(current))
        c.blockSignals(False)

    def _fill_audio_choices(self) -> None:
        c = self.audio_choice
        c.blockSignals(True)
        c.clear()
        c.addItem(_Q.translate("MainWindow", "Test tone"), "tone")
        c.addItem(_Q.translate("MainWindow", "Silence"), "silence")
        c.addItem(_Q.translate("MainWindow", "Microphone (system default)"), "mic")
        for name in self.mics:
            c.addItem(_Q.translate("MainWindow", "Microphone: {0}").format(name), f"mic:{name}")
        slots = self.session.audio_slots() if self.session.running else self.settings.sources.audio
        current = slots[0].spec if slots else "silence"
        if c.findData(current) < 0:
            kind, _, arg = current.partition(":")
            c.addItem(f"{Path(arg).name or arg} ({kind})", current)
        c.addItem(_Q.translate("MainWindow", "Audio file…"), "pick:file")
        c.setCurrentIndex(c.findData(current))
        c.blockSignals(False)

    def _video_chosen(self, index: int) -> None:
        spec = self.video_choice.itemData(index)
        if spec == "pick:file":
            spec = self._pick(
                "file",
                _Q.translate("MainWindow", "Choose a media file"),
                _Q.translate("MainWindow", "Media (*.mp4 *.mov *.mkv *.flv *.webm);;All files (*)"),
            )
        elif spec == "pick:image":
            spec = self._pick(
                "image",
                _Q.translate("MainWindow", "Choose an image"),
                _Q.translate("MainWindow", "Images (*.png *.jpg *.jpeg *.webp);;All files (*)"),
            )
        elif spec == "pick:url":
            from console.qt.QtWidgets import QInputDialog

            text, ok = QInputDialog.getText(
                self,
                _Q.translate("MainWindow", "Camera or stream"),
                _Q.translate("MainWindow", "Device index, video file path or stream URL:"),
            )
            spec = f"camera:{text.strip()}" if ok and text.strip() else None
        if spec is None:
            self._fill_video_choices()
            return
        self.choose_video(spec)

    def choose_video(self, spec: str) -> None:
        """Switch the program's video source (works while live: the stream goes on)."""
        self.session.switch_video(
            spec, lambda msg: (self.add_notice(msg), self._fill_video_choices())
        )

    def _audio_chosen(self, index: int) -> None:
        spec = self.audio_choice.itemData(index)
        if spec == "pick:file":
            spec = self._pick(
                "file",
                _Q.translate("MainWindow", "Choose an audio or media file"),
                _Q.translate(
                    "MainWindow", "Media (*.mp3 *.m4a *.wav *.aac *.mp4 *.mkv);;All files (*)"
                ),
            )
            if spec is None:
                self._fill_audio_choices()
                return
        self.choose_audio(spec)

    def _pick(self, kind: str, title: str, filters: str) -> str | None:
        """Ask for a file; the source spec ``kind:path``, or None when none was chosen."""
        path, _ = QFileDialog.getOpenFileName(self, title, "", filters)
        return f"{kind}:{path}" if path else None

    def choose_audio(self, spec: str, index: int = 0) -> None:
        """Replace mix source ``index`` (or add one with ``index == len``)."""
        if not self.session.audio and index == 0:
            index = 0
        self.session.set_audio(
            index, spec, lambda msg: (self.add_notice(msg), self._fill_audio_choices())
        )

    def _add_audio_file(self) -> None:
        spec = self._pick(
            "file",
            _Q.translate("MainWindow", "Choose background music"),
            _Q.translate(
                "MainWindow", "Audio (*.mp3 *.m4a *.wav *.aac *.flac *.mp4);;All files (*)"
            ),
        )
        if spec is not None:
            self.choose_audio(spec, len(self.session.audio))

    def _rebuild_strips(self) -> None:
        for strip in self.strips:
            strip.setParent(None)
            strip.deleteLater()
        self.strips = []
        for i, entry in enumerate(self.session.audio):
            strip = AudioStrip(entry.source.name, entry.slot.muted, entry.slot.gain)
            strip.mute_toggled.connect(lambda m, i=i: self._mute(i, m))
            strip.gain_changed.connect(lambda g, i=i: self._gain(i, g))
            self.strips_layout.addWidget(strip)
            self.strips.append(strip)

    def _mute(self, index: int, muted: bool) -> None:
        self.session.set_muted(index, muted)
        self.settings.sources.audio = [
            AudioSlot(a.spec, a.gain, a.muted) for a in self.session.audio_slots()
        ]
        self.schedule_save()

    def _gain(self, index: int, gain: float) -> None:
        self.session.set_gain(index, gain)
        self.settings.sources.audio = [
            AudioSlot(a.spec, a.gain, a.muted) for a in self.session.audio_slots()
        ]
        self.schedule_save()

    def _update_meters(self) -> None:
        if not self.session.running:
            return
        meters = self.session.mixer.meters()
        for strip, entry in zip(self.strips, self.session.audio):
            peak, rms = meters.get(entry.source.name, (float("-inf"), float("-inf")))
            strip.meter.set_levels(peak, rms)
        peak, rms = meters.get("master", (float("-inf"), float("-inf")))
        self.master_meter.set_levels(peak, rms)
