"""A media file as a source: its video, its audio, or both in sync; loops at the end."""

from __future__ import annotations

import collections
import logging
import threading
from pathlib import Path

import av
import cv2
import numpy as np

from console.errors import UserError
from console.media.sources import CHANNELS, SAMPLE_RATE

log = logging.getLogger(__name__)

LOOKAHEAD_S = 0.5
MAX_VIDEO_FRAMES = 40  # pictures decoded ahead; the decoder waits (never drops) past this
START_WAIT_S = 2.0  # start() waits this long at most for the first picture and sound
START_AUDIO_S = 0.1  # ... and this much sound, so the first tick does not come up empty


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

    The timeline is the file's own: a picture is placed at its timestamp and the sound at the
    timestamp of its first sample, both measured from the earliest stream start, so a file whose
    audio starts before its video (or after) keeps that offset. Sound is anchored to the
    timeline like pictures are: samples that arrive after their time are discarded (counted in
    :attr:`audio_late_samples`), never played late, so a slow start cannot shift the sound for
    the rest of the show. ``frame(t)`` shows the picture due at the middle of the output frame
    that starts at ``t`` (``fps`` is the output rate): a source frame appears at the output
    frame it overlaps most, within half an output frame of its time, either way.
    """

    opaque = True  # pictures converted from YUV: alpha is 255 everywhere

    def __init__(
        self, path: str, max_size: tuple[int, int] | None = None, fps: float = 30.0
    ) -> None:
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
        self._out_size = (2, 2)
        if self.has_video:
            w, h = self._src_size
            scale = min(1.0, max_size[0] / w, max_size[1] / h) if max_size else 1.0
            self._out_size = (max(2, int(w * scale) & ~1), max(2, int(h * scale) & ~1))
        self._half_tick = 0.5 / fps if fps > 0 else 0.0
        self._cond = threading.Condition()
        self._frames: collections.deque[tuple[float, np.ndarray]] = collections.deque()
        self._current: np.ndarray | None = None
        self._bgra: np.ndarray | None = None
        self._bgra_of: np.ndarray | None = None
        self._audio: collections.deque[np.ndarray] = collections.deque()
        self._audio_avail = 0
        self._audio_tail = 0  # timeline sample index just after the last queued sample
        self._video_decoded_s = 0.0
        self._video_origin: float | None = None
        self._video_pos = 0.0
        self._audio_pos_samples = 0
        self._stop = False
        self._thread: threading.Thread | None = None
        self.loops = 0
        self.video_frames_dropped = 0
        self.audio_underruns = 0
        self.audio_late_samples = 0
        self.audio = _FileAudio(self)

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        """Start decoding and wait (at most :data:`START_WAIT_S`) for the first picture and
        the first :data:`START_AUDIO_S` of sound, so the first tick has both."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name=f"decode {self.name}", daemon=True
            )
            self._thread.start()
            with self._cond:
                self._cond.wait_for(self._ready, START_WAIT_S)

    def _ready(self) -> bool:
        if self._stop or self.error is not None or self.loops > 0:
            return True
        video_ok = not self.has_video or bool(self._frames) or self._current is not None
        audio_ok = not self.has_audio or self._audio_avail >= START_AUDIO_S * SAMPLE_RATE
        return video_ok and audio_ok

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def decoded_s(self) -> float:
        """How far (seconds on the source's timeline, loops included) both sides are decoded."""
        with self._cond:
            ends = []
            if self.has_video:
                ends.append(self._video_decoded_s)
            if self.has_audio:
                ends.append(self._audio_tail / SAMPLE_RATE)
            return min(ends)

    # -- consumer side ---------------------------------------------------------------------
    def _consumer_pos(self) -> float:
        return max(self._video_pos, self._audio_pos_samples / SAMPLE_RATE)

    def frame_i420(self, t: float, size: tuple[int, int] | None = None) -> np.ndarray | None:
        """The picture due at ``t`` as decoded (I420, read-only), or None when there is none
        yet or (``size`` given) it is not that size: the compositor's fast path."""
        if not self.has_video:
            return None
        with self._cond:
            if self._video_origin is None:
                self._video_origin = t
            pos = t - self._video_origin
            self._video_pos = pos
            show = pos + self._half_tick
            while self._frames and self._frames[0][0] <= show:
                _, self._current = self._frames.popleft()
            self._cond.notify_all()
            img = self._current
            if img is None and self._frames:
                img = self._frames[0][1]  # before the first picture is due: hold it
        if img is None or (size is not None and size != self._out_size):
            return None
        return img

    def frame(self, t: float) -> np.ndarray | None:
        img = self.frame_i420(t)
        if img is None:
            return None
        if self._bgra_of is not img:  # converted once per picture shown, not per picture decoded
            self._bgra = cv2.cvtColor(img, cv2.COLOR_YUV2BGRA_I420)
            self._bgra_of = img
        return self._bgra

    def read_audio(self, frames: int) -> np.ndarray:
        out = np.zeros((frames, CHANNELS), np.float32)
        with self._cond:
            pos = self._audio_pos_samples
            head = self._audio_tail - self._audio_avail
            if head < pos:  # decoded after their time: discard, never play late
                late = self._discard_audio(pos - head)
                self.audio_late_samples += late
                head += late
            filled = max(0, min(frames, head - pos))  # a gap in the file's sound: silence
            while filled < frames and self._audio:
                block = self._audio[0]
                take = min(len(block), frames - filled)
                out[filled : filled + take] = block[:take]
                filled += take
                self._audio_avail -= take
                if take == len(block):
                    self._audio.popleft()
                else:
                    self._audio[0] = block[take:]
            if filled < frames and self._thread is not None:
                self.audio_underruns += 1
            self._audio_pos_samples += frames
            self._cond.notify_all()
        return out

    def _discard_audio(self, n: int) -> int:
        done = 0
        while done < n and self._audio:
            block = self._audio[0]
            take = min(len(block), n - done)
            done += take
            self._audio_avail -= take
            if take == len(block):
                self._audio.popleft()
            else:
                self._audio[0] = block[take:]
        return done

    # -- decoder side ----------------------------------------------------------------------
    def _wait_for_room(self) -> bool:
        """Block while both streams are far enough ahead of the consumer; False to stop."""
        with self._cond:
            while not self._stop:
                self._drop_unwatched()  # a side nobody reads must not hold the other back
                target = self._consumer_pos() + LOOKAHEAD_S
                need_video = self.has_video and self._video_decoded_s < target
                need_audio = self.has_audio and self._audio_tail / SAMPLE_RATE < target
                if (need_video or need_audio) and len(self._frames) < MAX_VIDEO_FRAMES:
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
                with self._cond:
                    self.loops += 1
                    self._cond.notify_all()
        except UserError as exc:
            self.error = str(exc)
        except (av.FFmpegError, OSError) as exc:
            self.error = f"cannot read media file {self.path}: {exc}"
            log.warning("%s", self.error)
        with self._cond:
            self._cond.notify_all()

    @staticmethod
    def _origin(streams: list[av.stream.Stream]) -> float:
        """The earliest start of the streams played: time 0 of the file's timeline."""
        starts = [
            float(s.start_time * s.time_base)
            for s in streams
            if s.start_time is not None and s.time_base is not None
        ]
        return min(starts) if starts else 0.0

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
            origin = self._origin(streams)
            resampler = av.AudioResampler(format="flt", layout="stereo", rate=SAMPLE_RATE)
            video_end = 0.0
            audio_start: int | None = None  # timeline sample of this pass's first sample
            audio_samples = 0
            frame_dur = 1 / float(vstream.average_rate or 30) if vstream is not None else 0.0
            for packet in container.demux(streams):
                if not self._wait_for_room():
                    return 1.0  # stopping
                for frame in packet.decode():
                    if isinstance(frame, av.VideoFrame):
                        ts = (float(frame.time) - origin) if frame.time is not None else video_end
                        img = self._to_i420(frame)
                        video_end = max(video_end, ts + frame_dur)
                        with self._cond:
                            self._drop_unwatched()
                            if len(self._frames) >= MAX_VIDEO_FRAMES:
                                self._frames.popleft()
                                self.video_frames_dropped += 1
                            self._frames.append((offset + ts, img))
                            self._video_decoded_s = offset + ts
                            self._cond.notify_all()
                    elif isinstance(frame, av.AudioFrame):
                        if audio_start is None:
                            first = float(frame.time) - origin if frame.time is not None else 0.0
                            audio_start = round((offset + first) * SAMPLE_RATE)
                        for rf in resampler.resample(frame):
                            self._push_audio(
                                rf.to_ndarray().reshape(-1, CHANNELS), audio_start + audio_samples
                            )
                            audio_samples += rf.samples
            if astream is not None and audio_start is not None:
                for rf in resampler.resample(None):
                    self._push_audio(
                        rf.to_ndarray().reshape(-1, CHANNELS), audio_start + audio_samples
                    )
                    audio_samples += rf.samples
        finally:
            container.close()
        audio_end = (
            (audio_start + audio_samples) / SAMPLE_RATE - offset if audio_start is not None else 0.0
        )
        length = max(video_end, audio_end)
        if astream is not None:
            end = round((offset + length) * SAMPLE_RATE)
            if end > self._audio_tail:  # keep audio and video on one timeline across loops
                self._push_audio(np.zeros((end - self._audio_tail, CHANNELS), np.float32), None)
        return length

    def _to_i420(self, frame: av.VideoFrame) -> np.ndarray:
        """The decoded picture at the output size as I420: kept in YUV as it arrived (scaled
        in YUV when it must be); BGRA is made only for a picture that is shown that way."""
        w, h = self._out_size
        if (frame.width, frame.height, frame.format.name) != (w, h, "yuv420p"):
            frame = frame.reformat(width=w, height=h, format="yuv420p")
        img = frame.to_ndarray()
        img.flags.writeable = False
        return img

    def _drop_unwatched(self) -> None:
        """Forget what nobody reads: pictures superseded before anyone asked for them (the file
        used for its sound only) and sound half a second behind the pictures (used for its
        picture only). Called with the lock held."""
        pos = self._consumer_pos()
        while len(self._frames) >= 2 and self._frames[1][0] <= pos:
            self._frames.popleft()
        behind = round((pos - 0.5) * SAMPLE_RATE) - (self._audio_tail - self._audio_avail)
        if behind > 0:
            self._discard_audio(behind)

    def _push_audio(self, block: np.ndarray, at: int | None) -> None:
        """Queue samples whose first one belongs at timeline sample ``at`` (None: right after
        the last queued one); a gap before ``at`` becomes silence, an overlap is cut."""
        block = np.ascontiguousarray(block, dtype=np.float32)
        with self._cond:
            if at is not None and at > self._audio_tail:
                gap = np.zeros((at - self._audio_tail, CHANNELS), np.float32)
                self._audio.append(gap)
                self._audio_avail += len(gap)
                self._audio_tail = at
            elif at is not None and at < self._audio_tail:
                block = block[self._audio_tail - at :]
            self._drop_unwatched()
            if len(block):
                self._audio.append(block)
                self._audio_avail += len(block)
                self._audio_tail += len(block)
            self._cond.notify_all()


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
