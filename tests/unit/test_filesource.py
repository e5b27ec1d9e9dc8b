"""FileSource on clips made by the ffmpeg CLI whose events sit on nobody's frame grid.

The source is driven as the render loop drives it (``frame(n / fps)`` then the tick's audio),
paced by what the decoder has made so far (``decoded_s``), never by sleeping.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from console.media.filesource import FileSource
from tests.fixtures.media import make_ffmpeg_flash_beep_clip
from tests.waiting import wait_for

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs the ffmpeg CLI")

FPS = 30
RATE = 48_000
EVENTS = (1.013, 2.537)


def play(source: FileSource, seconds: float, start_tick: int = 0) -> tuple[list[float], np.ndarray]:
    """Run ticks like the render loop; (mean luma per tick, the audio read)."""
    luma: list[float] = []
    audio: list[np.ndarray] = []
    for n in range(start_tick, start_tick + round(seconds * FPS)):
        t = n / FPS
        assert wait_for(lambda t=t: source.decoded_s >= t + 0.1 or source.loops > 0, 30)
        frame = source.frame(t)
        luma.append(-1.0 if frame is None else float(frame[..., 1].mean()))
        audio.append(source.read_audio(round((n + 1) / FPS * RATE) - round(n / FPS * RATE)))
    return luma, np.concatenate(audio)


def flash_ticks(luma: list[float]) -> list[float]:
    lum = np.array(luma)
    return [n / FPS for n in range(1, len(lum)) if lum[n] > 128 >= lum[n - 1]]


def beep_onsets(audio: np.ndarray, offset_s: float = 0.0) -> list[float]:
    env = np.abs(audio.mean(axis=1))
    above = env > 0.25
    out: list[float] = []
    for i in np.flatnonzero(above[1:] & ~above[:-1]) + 1:
        t = offset_s + i / RATE
        if not out or t - out[-1] > 0.2:
            out.append(t)
    return out


def first_frame_at_or_after(event: float, fps: float, starts_at: float = 0.0) -> float:
    k = np.ceil(round((event - starts_at) * fps, 6))
    return starts_at + k / fps


@pytest.fixture
def source_of(tmp_path: Path):
    made: list[FileSource] = []

    def make(**clip) -> FileSource:
        path = make_ffmpeg_flash_beep_clip(tmp_path / f"clip{len(made)}.mp4", events=EVENTS, **clip)
        src = FileSource(str(path), max_size=(320, 240), fps=FPS)
        made.append(src)
        return src

    yield make
    for src in made:
        src.stop()


@pytest.mark.parametrize(
    ("fps", "rate", "video_at", "audio_at"),
    [(25, 44_100, 0.0, 0.0), (60, 48_000, 0.0, 0.0), (30, 44_100, 0.3, 0.0), (30, 48_000, 0, 0.25)],
    ids=["25fps-44k1", "60fps", "audio-first", "video-first"],
)
def test_picture_and_sound_keep_the_files_timeline(source_of, fps, rate, video_at, audio_at):
    source = source_of(
        fps=fps, sample_rate=rate, video_starts_at=video_at, audio_starts_at=audio_at
    )
    source.start()
    luma, audio = play(source, 3.0)
    beeps = beep_onsets(audio)
    assert len(beeps) == len(EVENTS), beeps
    for beep, event in zip(beeps, EVENTS):
        assert abs(beep - event) < 0.002, (beeps, EVENTS)  # the sound on its sample
    flashes = flash_ticks(luma)
    assert len(flashes) == len(EVENTS), flashes
    for flash, event in zip(flashes, EVENTS):
        src_frame = first_frame_at_or_after(event, fps, video_at)
        # the output frame that overlaps the source frame most: within half an output frame
        assert abs(flash - src_frame) <= 0.5 / FPS + 1e-6, (flashes, src_frame)
    assert source.video_frames_dropped == 0
    if video_at:  # before its first picture is due the file's first picture is held, no card
        assert min(luma) >= 0


def test_sound_that_arrives_late_is_not_played_late(source_of):
    """The first ticks come before the decoder has anything: their sound is silence, and what
    decodes later still plays at its own time (it used to push every later sound back)."""
    source = source_of(fps=25, sample_rate=44_100)
    assert source.frame(0.0) is None  # the first tick: nothing decoded yet
    early = [source.read_audio(1600) for _ in range(3)]  # 0.1 s of ticks before decoding
    assert not np.any(np.concatenate(early))
    source.start()
    _, audio = play(source, 2.9, start_tick=3)
    beeps = beep_onsets(audio, offset_s=0.1)
    assert abs(beeps[0] - EVENTS[0]) < 0.002, beeps
    assert source.audio_late_samples > 0


def test_start_waits_for_the_first_picture_and_sound(source_of):
    source = source_of(fps=25, sample_rate=44_100)
    source.start()
    assert source.frame(0.0) is not None
    assert source.audio_underruns == 0
    source.read_audio(1600)
    assert source.audio_underruns == 0


def test_a_fast_file_used_only_for_its_sound_keeps_decoding(source_of):
    """120 fps pictures nobody shows must not fill the decoder's queue and stall the sound."""
    source = source_of(fps=120, sample_rate=48_000)
    source.start()
    audio = []
    for n in range(round(2.0 * FPS)):
        t = n / FPS
        assert wait_for(lambda t=t: source.decoded_s >= t + 0.05, 30), t
        audio.append(source.audio.read(round((n + 1) / FPS * RATE) - round(n / FPS * RATE)))
    assert abs(beep_onsets(np.concatenate(audio))[0] - EVENTS[0]) < 0.002
    assert source.audio_underruns == 0
