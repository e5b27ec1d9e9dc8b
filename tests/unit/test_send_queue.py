"""The RTMP send queue and drop policy on their own: no socket, no thread, no publisher."""

from __future__ import annotations

from console.media.flv import FlvTag, TagType
from console.media.rtmp.send_queue import SendQueue


def video(ts: int, key: bool = False) -> FlvTag:
    return FlvTag(TagType.VIDEO, ts, b"\x17\x01" if key else b"\x27\x01", keyframe=key)


def audio(ts: int) -> FlvTag:
    return FlvTag(TagType.AUDIO, ts, b"\xaf\x01")


def header(kind: TagType, ts: int = 0) -> FlvTag:
    return FlvTag(kind, ts, b"h", keyframe=kind == TagType.VIDEO, header=True)


def test_queued_ms_spans_first_to_last_media_tag_and_ignores_headers() -> None:
    q = SendQueue(drop_threshold_ms=10_000, max_queue_ms=10_000)
    q.offer(header(TagType.SCRIPT, 0))
    assert q.queued_ms() == 0
    q.offer(audio(100))
    q.offer(video(350, key=True))
    q.offer(header(TagType.AUDIO, 9999))
    assert q.queued_ms() == 250


def test_past_the_threshold_p_frames_go_until_the_next_keyframe() -> None:
    q = SendQueue(drop_threshold_ms=100, max_queue_ms=10_000)
    q.offer(video(0, key=True))
    for ts in range(40, 200, 40):
        q.offer(video(ts))
        q.offer(audio(ts))
    assert q.drops.snapshot().get("congestion", 0) > 0
    assert all(t.keyframe for t in q.tags if t.is_video)
    assert sum(t.is_audio for t in q.tags) == 4
    before = q.drops.total()
    q.offer(video(240))  # still skipping: dropped on the way in
    assert q.drops.total() == before + 1
    q.offer(video(280, key=True))  # a keyframe resumes video
    assert q.tags[-1].keyframe


def test_past_the_hard_cap_the_oldest_media_goes_never_headers() -> None:
    q = SendQueue(drop_threshold_ms=100_000, max_queue_ms=500)
    q.offer(header(TagType.AUDIO))
    for ts in range(0, 2000, 20):
        q.offer(audio(ts))
    assert q.queued_ms() <= 500
    assert q.tags[0].header
    assert q.drops.snapshot()["queue_full"] > 0


def test_a_dropped_video_tag_makes_the_send_side_resume_at_a_keyframe() -> None:
    q = SendQueue(drop_threshold_ms=100_000, max_queue_ms=100)
    q.offer(video(0, key=True))
    q.offer(video(50))
    q.offer(video(200))  # the keyframe at 0 is dropped past the cap
    assert q.out_skip_video
    q.offer(video(260, key=True))
    batch = q.take_batch()
    assert [t.timestamp_ms for t in batch] == [260]  # P-frames before it counted, not sent
    assert q.drops.snapshot()["queue_full"] >= 2


def test_drops_while_reconnecting_are_counted_as_reconnecting() -> None:
    q = SendQueue(drop_threshold_ms=100, max_queue_ms=300)
    for ts in range(0, 1000, 20):
        q.offer(video(ts, key=ts == 0), reconnecting=True)
        q.offer(audio(ts), reconnecting=True)
    drops = q.drops.snapshot()
    assert drops.get("reconnecting", 0) > 0
    assert "congestion" not in drops and "queue_full" not in drops
    q.resume_at_keyframe("reconnecting")
    q.take_batch(1000)
    assert set(q.drops.snapshot()) == {"reconnecting"}


def test_take_batch_is_bounded() -> None:
    q = SendQueue(drop_threshold_ms=100_000, max_queue_ms=100_000)
    for ts in range(100):
        q.offer(audio(ts))
    assert len(q.take_batch(32)) == 32
    assert len(q) == 68


def test_headers_come_first_after_a_reconnect_stamped_no_earlier_than_the_media() -> None:
    q = SendQueue(drop_threshold_ms=100_000, max_queue_ms=100_000)
    q.offer(header(TagType.AUDIO, 0))
    q.offer(header(TagType.SCRIPT, 0))
    q.offer(header(TagType.VIDEO, 0))
    q.offer(video(5000, key=True))
    first = q.headers_first(last_sent_ms=0)
    assert [t.kind for t in first] == [TagType.SCRIPT, TagType.VIDEO, TagType.AUDIO]
    assert all(t.timestamp_ms == 5000 for t in first)
    assert not any(t.header for t in q.tags)
    # an empty queue: stamped at the last tag sent
    q.clear()
    assert all(t.timestamp_ms == 7000 for t in q.headers_first(last_sent_ms=7000))


def test_clear_counts_what_was_queued() -> None:
    q = SendQueue(drop_threshold_ms=100_000, max_queue_ms=100_000)
    for ts in range(5):
        q.offer(audio(ts))
    assert q.clear() == 5 and len(q) == 0
