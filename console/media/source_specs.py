"""Turn source specs from the command line or settings (``testpattern``, ``file:PATH``, …) into sources."""

from __future__ import annotations

from dataclasses import dataclass, field

from console.errors import UserError
from console.media.filesource import FileSource
from console.media.sources import AudioSource, VideoSource

VIDEO_SPECS = "testpattern, image:PATH, file:PATH or camera:INDEX_OR_URL"


@dataclass
class SourceFactory:
    """Builds sources, sharing one decoder when video and audio come from the same file."""

    canvas: tuple[int, int]
    fps: int
    _files: dict[str, FileSource] = field(default_factory=dict)

    def _file(self, path: str) -> FileSource:
        if path not in self._files:
            self._files[path] = FileSource(path, max_size=self.canvas, fps=self.fps)
        return self._files[path]

    def video(self, spec: str) -> VideoSource:
        kind, _, arg = spec.partition(":")
        kind = kind.strip().lower()
        if kind == "testpattern":
            from console.media.testpattern import TestPatternSource

            return TestPatternSource(self.canvas[0], self.canvas[1], self.fps)
        if not arg and kind in ("image", "file"):
            raise UserError(f"video source '{spec}' needs a path: {kind}:PATH")
        if kind == "image":
            from console.media.image import ImageSource

            return ImageSource(arg)
        if kind == "file":
            source = self._file(arg)
            if not source.has_video:
                raise UserError(
                    f"media file {arg} has no video stream: use it as --audio file:{arg}"
                )
            return source
        if kind == "camera":
            from console.media.camera import CameraSource

            target: str | int = int(arg) if arg.isdigit() else (arg or 0)
            return CameraSource(target)
        raise UserError(f"unknown video source '{spec}': use {VIDEO_SPECS}")

    def audio(self, spec: str) -> AudioSource:
        kind, _, arg = spec.partition(":")
        if kind.strip().lower() == "file":
            if not arg:
                raise UserError("audio source 'file' needs a path: file:PATH")
            source = self._file(arg)
            if not source.has_audio:
                raise UserError(
                    f"media file {arg} has no audio stream: choose tone, silence or mic"
                )
            return source.audio
        from console.media.audio import parse_audio_source

        return parse_audio_source(spec)
