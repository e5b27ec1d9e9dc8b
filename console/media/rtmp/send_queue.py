"""The publisher's send queue and drop policy: pure, testable without a socket or a thread.

The queue is measured in milliseconds of media (first to last non-header tag). Past
``drop_threshold_ms`` every queued non-keyframe video tag goes and new ones are skipped until
the next keyframe (congestion); past ``max_queue_ms`` the oldest non-header tags go, audio too
(queue_full), and the send side resumes video at a keyframe. Header tags (metadata, sequence
headers) are never dropped and are re-sent first after every (re)connect. Drops while the link
is down are counted as ``reconnecting``.

Not thread-safe by itself: :class:`~console.media.rtmp.RtmpPublisher` holds its lock around
every call.
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace

from console.media.flv import FlvTag, TagType
from console.media.output import DropCounter

BATCH_TAGS = 32  # tags the send thread takes at once


class SendQueue:
    """FLV tags waiting for the send thread, with the drop policy applied on the way in."""

    def __init__(
        self, *, drop_threshold_ms: int, max_queue_ms: int, drops: DropCounter | None = None
    ) -> None:
        self.drop_threshold_ms = drop_threshold_ms
        self.max_queue_ms = max_queue_ms
        self.drops = drops if drops is not None else DropCounter()
        self.tags: deque[FlvTag] = deque()
        self.headers: dict[TagType, FlvTag] = {}
        self.skip_video = False  # drop incoming P-frames until the next keyframe
        self.out_skip_video = False  # the send side skips P-frames until a keyframe
        self.resume_cause = "queue_full"  # what those skipped P-frames are counted as

    def __len__(self) -> int:
        return len(self.tags)

    @staticmethod
    def _cause(cause: str, reconnecting: bool) -> str:
        """Drops while the link is down are counted as ``reconnecting``, not as congestion."""
        return "reconnecting" if reconnecting else cause

    def offer(self, tag: FlvTag, *, reconnecting: bool = False) -> None:
        """Queue one tag and apply the drop policy."""
        if tag.header:
            self.headers[tag.kind] = tag
        elif tag.is_video and self.skip_video:
            if not tag.keyframe:
                self.drops.add(self._cause("congestion", reconnecting))
                return
            self.skip_video = False
        self.tags.append(tag)
        if self.queued_ms() > self.drop_threshold_ms:
            self._drop_congestion(reconnecting)
        if self.queued_ms() > self.max_queue_ms:
            self._drop_oldest(reconnecting)

    def queued_ms(self) -> int:
        """Milliseconds of media queued (first to last non-header tag)."""
        first = next((t for t in self.tags if not t.header), None)
        last = next((t for t in reversed(self.tags) if not t.header), None)
        if first is None or last is None:
            return 0
        return max(0, last.timestamp_ms - first.timestamp_ms)

    def _drop_congestion(self, reconnecting: bool) -> None:
        """Drop every queued non-keyframe video tag; skip new ones until a keyframe."""
        kept: deque[FlvTag] = deque()
        dropped = 0
        for t in self.tags:
            if t.is_video and not t.header and not t.keyframe:
                dropped += 1
            else:
                kept.append(t)
        if dropped:
            self.tags = kept
            self.drops.add(self._cause("congestion", reconnecting), dropped)
        self.skip_video = True

    def _drop_oldest(self, reconnecting: bool) -> None:
        """Past the hard cap: drop the oldest non-header tags (audio too)."""
        dropped = 0
        while self.queued_ms() > self.max_queue_ms:
            idx = next((i for i, t in enumerate(self.tags) if not t.header), None)
            if idx is None:
                break
            victim = self.tags[idx]
            del self.tags[idx]
            dropped += 1
            if victim.is_video:
                self.out_skip_video = True
                self.resume_cause = self._cause("queue_full", reconnecting)
        if dropped:
            self.drops.add(self._cause("queue_full", reconnecting), dropped)

    def take_batch(self, limit: int = BATCH_TAGS) -> list[FlvTag]:
        """Up to ``limit`` tags for the wire, skipping P-frames until a keyframe if told to."""
        batch: list[FlvTag] = []
        while self.tags and len(batch) < limit:
            tag = self.tags.popleft()
            if tag.is_video and not tag.header and self.out_skip_video:
                if not tag.keyframe:
                    self.drops.add(self.resume_cause)
                    continue
                self.out_skip_video = False
            batch.append(tag)
        return batch

    def resume_at_keyframe(self, cause: str) -> None:
        """The send side skips P-frames (counted as ``cause``) until the next keyframe."""
        self.out_skip_video = True
        self.resume_cause = cause

    def headers_first(self, last_sent_ms: int) -> list[FlvTag]:
        """The header tags to send first after a (re)connect, taken out of the queue.

        Stamped no earlier than the media that follows (or the last tag sent), so timestamps
        never go back.
        """
        first = next((t.timestamp_ms for t in self.tags if not t.header), None)
        ts = first if first is not None else last_sent_ms
        headers = [
            replace(h, timestamp_ms=max(h.timestamp_ms, ts)) if h.timestamp_ms < ts else h
            for k in (TagType.SCRIPT, TagType.VIDEO, TagType.AUDIO)
            if (h := self.headers.get(k)) is not None
        ]
        if headers:
            self.tags = deque(t for t in self.tags if not t.header)
        return headers

    def clear(self) -> int:
        """Empty the queue; the number of tags that were in it."""
        left = len(self.tags)
        self.tags.clear()
        return left
