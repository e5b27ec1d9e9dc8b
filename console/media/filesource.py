"""A media file as a source: its video, its audio, or both in sync; loops at the end."""

from __future__ import annotations

import collections
import logging
import threading
from pathlib import Path

import av
import numpy as np

from console.errors import UserError
from console.media.sources import CHANNELS, SAMPLE_RATE

log = logging.getLogger(__name__)

LOOKAHEAD_S = 0.5
MAX_VIDEO_FRAMES = 30


def open_media(path: str) -> av.container.InputContainer:
    """Open a media file for reading, or raise a one-line UserError."""
    p = Path(path)
    if not p.is_file():
        raise UserError(f"media file not found: {path}")
    try:
        return av.open(str(p), "r")
    except (av.FFmpegError, OSError) as exc:
        raise UserError(
            f"cannot read media file {path}: not a playable video or audio file ({exc.__class__.__name__})"
        ) from None


class FileSource:
    """Decodes a file on its own thread, paced by the media clock, and loops.

    The video side is a :class:`~console.media.sources.VideoSource`; :attr:`audio` is an
    :class:`~console.media.sources.AudioSource` on the same timeline, so a file's picture and
    sound stay together. Both sides start at the first tick the render loop asks for them.
    """

    def __init__(self, path: str, max_size: tuple[int, int] | None = None) -> None:
        self.path = path
        self.name = f"file:{Path(path).name}"
        self.error: str | None = None
        probe = open_media(path)
        try:
            self.has_video = bool(probe.streams.video)
            self.has_audio = bool(probe.streams.audio)
            if self.has_video:
                vs = probe.streams.video[0]
                self._src_size = (vs.codec_context.width, vs.codec_context.height)
        finally:
            probe.close()
        if not (self.has_video or self.has_audio):
            raise UserError(f"media file {path} has no video or audio stream")
        self._out_size = None
        if self.has_video and max_size:
            w, h = self._src_size
            scale = min(1.0, max_size[0] / w, max_size[1] / h)
            self._out_size = (max(2, int(w * scale) & ~1), max(2, int(h * scale) & ~1))
        self._cond = threading.Condition()
        self._frames: collections.deque[tuple[float, np.ndarray]] = collections.deque()
        self._current: np.ndarray | None = None
        self._audio: collections.deque[np.ndarray] = collections.deque()
        self._audio_avail = 0
        self._audio_decoded_s = 0.0
        self._video_decoded_s = 0.0
        self._video_origin: float | None = None
        self._video_pos = 0.0
        self._audio_pos_samples = 0
        self._stop = False
        self._thread: threading.Thread | None = None
        self.loops = 0
        self.video_frames_dropped = 0
        self.audio_underruns = 0
        self.audio = _FileAudio(self)

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name=f"decode {self.name}", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    # -- consumer side ---------------------------------------------------------------------
    def _consumer_pos(self) -> float:
        return max(self._video_pos, self._audio_pos_samples / SAMPLE_RATE)

    def frame(self, t: float) -> np.ndarray | None:
        if not self.has_video:
            return None
        with self._cond:
            if self._video_origin is None:
                self._video_origin = t
            pos = t - self._video_origin
            self._video_pos = pos
            while self._frames and self._frames[0][0] <= pos:
                _, self._current = self._frames.popleft()
            self._cond.notify_all()
            return self._current

    def read_audio(self, frames: int) -> np.ndarray:
        out = np.zeros((frames, CHANNELS), np.float32)
        with self._cond:
            filled = 0
            while filled < frames and self._audio:
                block = self._audio[0]
                take = min(len(block), frames - filled)
                out[filled : filled + take] = block[:take]
                filled += take
                if take == len(block):
                    self._audio.popleft()
                else:
                    self._audio[0] = block[take:]
            self._audio_avail -= filled
            if filled < frames and self._thread is not None:
                self.audio_underruns += 1
            self._audio_pos_samples += frames
            self._cond.notify_all()
        return out

    # -- decoder side ----------------------------------------------------------------------
    def _wait_for_room(self) -> bool:
        """Block while both streams are far enough ahead of the consumer; False to stop."""
        with self._cond:
            while not self._stop:
                target = self._consumer_pos() + LOOKAHEAD_S
                need_video = self.has_video and self._video_decoded_s < target
                need_audio = self.has_audio and self._audio_decoded_s < target
                if need_video or need_audio:
                    return True
                self._cond.wait(0.1)
            return False

    def _run(self) -> None:
        offset = 0.0
        try:
            while not self._stop:
                end = self._decode_once(offset)
                if end <= 0:
                    raise UserError(f"media file {self.path} has nothing to play")
                offset += end
                self.loops += 1
        except UserError as exc:
            self.error = str(exc)
        except (av.FFmpegError, OSError) as exc:
            self.error = f"cannot read media file {self.path}: {exc}"
            log.warning("%s", self.error)

    def _decode_once(self, offset: float) -> float:
        """Decode the file once from the start; return its length in seconds."""
        container = open_media(self.path)
        try:
            streams = []
            vstream = container.streams.video[0] if self.has_video else None
            astream = container.streams.audio[0] if self.has_audio else None
            if vstream is not None:
                vstream.thread_type = "AUTO"
                streams.append(vstream)
            if astream is not None:
                streams.append(astream)
            resampler = av.AudioResampler(format="flt", layout="stereo", rate=SAMPLE_RATE)
            video_end = 0.0
            audio_samples = 0
            frame_dur = 1 / float(vstream.average_rate or 30) if vstream is not None else 0.0
            for packet in container.demux(streams):
                if not self._wait_for_room():
                    return 1.0  # stopping
                for frame in packet.decode():
                    if isinstance(frame, av.VideoFrame):
                        ts = float(frame.time) if frame.time is not None else video_end
                        if self._out_size:
                            img = frame.to_ndarray(
                                width=self._out_size[0], height=self._out_size[1], format="bgra"
                            )
                        else:
                            img = frame.to_ndarray(format="bgra")
                        video_end = max(video_end, ts + frame_dur)
                        with self._cond:
                            if len(self._frames) >= MAX_VIDEO_FRAMES:
                                self._frames.popleft()
                                self.video_frames_dropped += 1
                            self._frames.append((offset + ts, img))
                            self._video_decoded_s = offset + ts
                    elif isinstance(frame, av.AudioFrame):
                        for rf in resampler.resample(frame):
                            self._push_audio(rf.to_ndarray().reshape(-1, CHANNELS), offset)
                            audio_samples += rf.samples
            if astream is not None:
                for rf in resampler.resample(None):
                    self._push_audio(rf.to_ndarray().reshape(-1, CHANNELS), offset)
                    audio_samples += rf.samples
        finally:
            container.close()
        length = max(video_end, audio_samples / SAMPLE_RATE)
        if astream is not None:
            pad = round(length * SAMPLE_RATE) - audio_samples
            if pad > 0:  # keep audio and video on one timeline across loops
                self._push_audio(np.zeros((pad, CHANNELS), np.float32), offset)
        return length

    def _push_audio(self, block: np.ndarray, offset: float) -> None:
        with self._cond:
            self._audio.append(np.ascontiguousarray(block, dtype=np.float32))
            self._audio_avail += len(block)
            self._audio_decoded_s = (
                self._audio_pos_samples / SAMPLE_RATE + self._audio_avail / SAMPLE_RATE
            )


class _FileAudio:
    """The audio side of a :class:`FileSource`."""

    def __init__(self, owner: FileSource) -> None:
        self._owner = owner
        self.name = owner.name

    @property
    def error(self) -> str | None:
        return self._owner.error

    def start(self) -> None:
        self._owner.start()

    def stop(self) -> None:
        self._owner.stop()

    def read(self, frames: int) -> np.ndarray:
        return self._owner.read_audio(frames)
