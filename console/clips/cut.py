"""Cutting clips out of a session's FLV recording without re-encoding (PyAV remux).

No picture is decoded or encoded: packets are copied from the FLV into MP4 files
(``movflags=+faststart``: the index first, so a clip plays while it downloads). A clip can only
start on a keyframe, so it starts on the keyframe of the GOP holding the first picture stamped
at or after its segment's start (the first that can show it) — up to one GOP (2 s with the
console's encoder) early; it ends at the first packet at or after its end
(no keyframe is needed to stop). Timestamps are rebased so each clip starts at 0. The picture is
the recording's, so clips are in the canvas orientation (720x1280 portrait stays portrait).

One pass over the file cuts every clip of it: packets since the last keyframe are kept in
memory (one GOP), so a clip that starts inside that GOP gets them first.

A recording cut by a crash (:func:`scan_flv`: the last tag incomplete) still yields every clip
it fully contains; the others are reported as not in the recording.
"""

from __future__ import annotations

import contextlib
import os
import struct
import tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.errors import UserError

if TYPE_CHECKING:
    from av.container.core import Chapter as AvChapter  # the stubs' chapter dict

AUDIO_LEAD_MS = 21  # the encoder delays video by AAC's 1024 priming samples (21.3 ms at 48 kHz)
END_TOLERANCE_S = 1.0  # a segment may end this much after the recording's last packet


@dataclass(frozen=True)
class FlvScan:
    """What the FLV holds, from its tag headers (no decoding)."""

    path: Path
    last_ms: int  # timestamp of the last whole tag
    first_key_ms: int | None
    keyframes: int
    truncated: bool  # the file ends inside a tag (a crash, a kill, a power loss)
    size: int

    @property
    def duration_s(self) -> float:
        return (self.last_ms - (self.first_key_ms or 0)) / 1000.0


def scan_flv(path: Path) -> FlvScan:
    """Walk the FLV's tags; one line if it is not an FLV at all."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise UserError(f"recording {path} is missing: was it moved or deleted?") from None
    except OSError as exc:
        raise UserError(f"cannot read recording {path}: {exc.strerror}") from None
    if len(data) < 13 or data[:3] != b"FLV":
        raise UserError(f"{path} is not an FLV recording (or it is empty): nothing to cut")
    pos = struct.unpack(">I", data[5:9])[0] + 4
    last_ms, first_key, keys, truncated = 0, None, 0, False
    while pos < len(data):
        if pos + 11 > len(data):
            truncated = True
            break
        kind = data[pos]
        size = int.from_bytes(data[pos + 1 : pos + 4], "big")
        ts = int.from_bytes(data[pos + 4 : pos + 7], "big") | (data[pos + 7] << 24)
        end = pos + 11 + size + 4
        if end > len(data):
            truncated = True
            break
        body = data[pos + 11 : pos + 11 + size]
        if kind == 9 and body and (body[0] >> 4) == 1 and not (len(body) > 1 and body[1] == 0):
            keys += 1
            if first_key is None:
                first_key = ts
        if kind in (8, 9) and not (len(body) > 1 and body[1] == 0):
            last_ms = max(last_ms, ts)
        pos = end
    return FlvScan(Path(path), last_ms, first_key, keys, truncated, len(data))


@dataclass
class ClipJob:
    """One clip to cut: media times (seconds, the file's own timestamps) and where it goes."""

    start: float
    end: float
    out: Path
    title: str = ""
    # filled in by cut_recording
    media_start: float | None = None  # the keyframe it starts on
    media_end: float | None = None
    video_packets: int = 0
    written: bool = False
    problem: str = ""
    _container: Any = field(default=None, repr=False)
    _tmp: str = field(default="", repr=False)
    _streams: dict[int, Any] = field(default_factory=dict, repr=False)
    _offset_ms: int = field(default=0, repr=False)

    @property
    def duration(self) -> float:
        if self.media_start is None or self.media_end is None:
            return 0.0
        return self.media_end - self.media_start


def _open_out(job: ClipJob, inputs: list[Any], chapters: list[AvChapter] | None) -> None:
    import av

    job.out.parent.mkdir(parents=True, exist_ok=True)
    fd, job._tmp = tempfile.mkstemp(
        prefix=f".{job.out.stem[:40]}.", suffix=".partial.mp4", dir=job.out.parent
    )
    os.close(fd)
    out = av.open(job._tmp, "w", format="mp4", options={"movflags": "+faststart"})
    for stream in inputs:
        job._streams[stream.index] = out.add_stream_from_template(stream)
    if job.title:
        out.metadata["title"] = job.title
    if chapters:
        out.set_chapters(chapters)
    job._container = out


def _finish(job: ClipJob, root: Path | None) -> None:
    out, job._container = job._container, None
    if out is None:
        return
    out.close()
    if job.video_packets == 0:
        os.unlink(job._tmp)
        job.problem = job.problem or "no video in that span"
        return
    if root is not None:
        from console.show.safe_files import check_no_links

        check_no_links(root, job.out)
    os.replace(job._tmp, job.out)
    job.written = True


def _abandon(job: ClipJob) -> None:
    out, job._container = job._container, None
    if out is not None:
        with contextlib.suppress(Exception):  # the partial file goes anyway
            out.close()
    if job._tmp and os.path.exists(job._tmp):
        os.unlink(job._tmp)


def cut_recording(
    path: Path,
    jobs: list[ClipJob],
    root: Path | None = None,
    chapters: dict[int, list[AvChapter]] | None = None,
) -> FlvScan:
    """Cut every job from the FLV at ``path`` in one pass. ``root``: the show folder the clips
    are written into (no symlink on the way). ``chapters``: per job index, MP4 chapters
    (``{"id", "start", "end", "time_base", "metadata": {"title"}}``, clip time)."""
    import av

    scan = scan_flv(path)
    if scan.first_key_ms is None:
        raise UserError(f"recording {path} has no picture (no keyframe): nothing to cut")
    last_s = scan.last_ms / 1000.0
    for job in jobs:
        if job.end > last_s + END_TOLERANCE_S:
            cause = "was cut short (a crash?)" if scan.truncated else "ends"
            job.problem = (
                f"not fully in the recording: it {cause} at {last_s:.1f} s, "
                f"the segment ends at {job.end:.1f} s"
            )
    todo = sorted((j for j in jobs if not j.problem), key=lambda j: j.start)
    if not todo:
        return scan
    try:
        container = av.open(str(path), "r", format="flv")
    except av.error.FFmpegError as exc:
        raise UserError(f"cannot open recording {path}: {exc}") from None
    try:
        inputs = [s for s in container.streams if s.type in ("video", "audio")]
        video = next((s for s in inputs if s.type == "video"), None)
        if video is None:
            raise UserError(f"recording {path} has no video stream: nothing to cut")
        gop: list[tuple[Any, int]] = []  # (packet, ms) since the last keyframe
        gop_key_ms: int | None = None
        active: list[ClipJob] = []
        waiting = list(todo)
        try:
            packets = container.demux(inputs)
            for packet in packets:
                if packet.pts is None or packet.size == 0:
                    continue
                ms = int(packet.pts * packet.time_base * 1000)
                if ms > scan.last_ms:
                    continue  # beyond the last whole tag: a torn packet
                is_video = packet.stream.index == video.index
                if is_video and packet.is_keyframe:
                    gop = [
                        (p, t)
                        for p, t in gop
                        if t >= ms - AUDIO_LEAD_MS and p.stream.index != video.index
                    ]
                    gop_key_ms = ms
                if gop_key_ms is None:
                    continue  # nothing decodable before the first keyframe
                gop.append((packet, ms))
                # the first picture stamped at or after the start is the first that can show
                # the segment: the clip opens on the keyframe of its GOP (it may be that one)
                while waiting and is_video and ms >= waiting[0].start * 1000:
                    job = waiting.pop(0)
                    index = jobs.index(job)
                    _open_out(job, inputs, (chapters or {}).get(index))
                    job.media_start = gop_key_ms / 1000.0
                    job._offset_ms = gop_key_ms - AUDIO_LEAD_MS
                    for p, t in gop[:-1]:
                        _mux(job, p, t, video.index)
                    active.append(job)
                for job in list(active):
                    if is_video and ms >= job.end * 1000:
                        job.media_end = ms / 1000.0
                        _finish(job, root)
                        active.remove(job)
                    else:
                        _mux(job, packet, ms, video.index)
                if not active and not waiting:
                    break
        except av.error.FFmpegError:
            pass  # a torn end: what came before is cut
        for job in active:  # the recording ended within the tolerance
            job.media_end = last_s
            _finish(job, root)
        for job in waiting:
            job.problem = job.problem or "starts after the recording's last picture"
    except BaseException:
        for job in jobs:
            _abandon(job)
        raise
    finally:
        container.close()
    return scan


def _mux(job: ClipJob, packet: Any, ms: int, video_index: int) -> None:
    ts = ms - job._offset_ms
    if ts < 0:
        return
    stream = job._streams[packet.stream.index]
    shift = int(round(job._offset_ms / 1000 / packet.time_base))
    out_packet = type(packet)(bytes(packet))
    out_packet.pts = packet.pts - shift
    out_packet.dts = (packet.dts if packet.dts is not None else packet.pts) - shift
    out_packet.duration = packet.duration
    out_packet.time_base = packet.time_base
    out_packet.is_keyframe = packet.is_keyframe
    out_packet.stream = stream
    job._container.mux(out_packet)
    if packet.stream.index == video_index:
        job.video_packets += 1


def chapter_dicts(marks: list[tuple[float, float, str]]) -> list[AvChapter]:
    """(start s, end s, title) in clip time → PyAV's chapter dicts (milliseconds)."""
    return [
        {
            "id": i + 1,
            "start": int(round(start * 1000)),
            "end": int(round(end * 1000)),
            "time_base": Fraction(1, 1000),
            "metadata": {"title": title},
        }
        for i, (start, end, title) in enumerate(marks)
    ]
