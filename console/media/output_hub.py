"""Outputs that join an encode already running (the window previews before it goes live).

The pipeline emits the FLV header tags (onMetaData, AVC and AAC sequence headers) once, at
its start. :class:`OutputHub` is the pipeline's one permanent output: it remembers those
headers and, when an output joins, gives it the headers first and then the stream from the
next video keyframe on, with timestamps rebased so every destination's stream starts at 0.

No widgets: ``send`` runs on the encoder thread and never blocks (it only calls the joined
outputs' non-blocking ``send``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from console.media.encoder import VIDEO_DELAY_S
from console.media.flv import FlvTag, TagType
from console.media.output import Output, OutputState, OutputStats


@dataclass
class _Joined:
    output: Output
    base_ms: int | None = None  # set at the first keyframe


class OutputHub:
    """One pipeline output fanning out to outputs that come and go while it runs."""

    def __init__(self, name: str = "hub") -> None:
        self.name = name
        self._lock = threading.Lock()
        self._headers: dict[TagType, FlvTag] = {}
        self._joined: list[_Joined] = []
        self.tags_seen = 0

    # -- Output protocol (called by the pipeline) ---------------------------------------------
    def start(self) -> None:
        pass

    def send(self, tag: FlvTag) -> None:
        with self._lock:
            self.tags_seen += 1
            if tag.header:
                self._headers[tag.kind] = tag
                joined = [j.output for j in self._joined if j.base_ms is not None]
                for out in joined:
                    out.send(tag)
                return
            for j in self._joined:
                if j.base_ms is None:
                    if not (tag.is_video and tag.keyframe):
                        continue
                    # Keep the audio that plays with this keyframe: video is shifted by AAC
                    # priming, so the matching audio is VIDEO_DELAY earlier.
                    j.base_ms = max(0, tag.timestamp_ms - round(VIDEO_DELAY_S * 1000))
                    joined_at = getattr(j.output, "joined_at_ms", None)  # the recording's origin
                    if joined_at is not None:
                        joined_at(j.base_ms)
                    for kind in (TagType.SCRIPT, TagType.VIDEO, TagType.AUDIO):
                        header = self._headers.get(kind)
                        if header is not None:
                            j.output.send(replace(header, timestamp_ms=0))
                ts = tag.timestamp_ms - j.base_ms
                if ts < 0:
                    continue
                j.output.send(replace(tag, timestamp_ms=ts))

    def stop(self, timeout: float = 5.0) -> None:
        for out in self.detach_all():
            out.stop(timeout)

    def stats(self) -> OutputStats:
        return OutputStats(name=self.name, state=OutputState.LIVE, tags_sent=self.tags_seen)

    # -- joining and leaving (UI thread) -------------------------------------------------------
    def attach(self, output: Output) -> None:
        """Start ``output`` and feed it from the next keyframe on."""
        output.start()
        with self._lock:
            self._joined.append(_Joined(output))

    def detach(self, output: Output) -> None:
        """Stop feeding ``output`` (the caller stops it, off the UI thread)."""
        with self._lock:
            self._joined = [j for j in self._joined if j.output is not output]

    def detach_all(self) -> list[Output]:
        with self._lock:
            outs = [j.output for j in self._joined]
            self._joined = []
        return outs

    @property
    def outputs(self) -> list[Output]:
        with self._lock:
            return [j.output for j in self._joined]

    def output_stats(self) -> list[OutputStats]:
        return [o.stats() for o in self.outputs]
