"""Unit tests of the RTMP pieces: AMF0, chunking, the handshake digest, URLs, the drop policy."""

from __future__ import annotations

import struct

import pytest

from console.errors import UserError
from console.media.flv import FlvTag, TagType
from console.media.rtmp import RtmpPublisher, amf0, parse_rtmp_url
from console.media.rtmp.chunk import (
    AUDIO,
    COMMAND_AMF0,
    SET_CHUNK_SIZE,
    ChunkReader,
    ChunkWriter,
    Message,
)
from console.media.rtmp.handshake import (
    HANDSHAKE_SIZE,
    PLAYER_KEY_OPEN,
    SERVER_KEY,
    SERVER_KEY_OPEN,
    _digest_excluding,
    _hmac,
    check_s2,
    digest_pos,
    find_server_digest,
    make_c1,
    make_c2,
)
from console.redaction import redact

# ----------------------------------------------------------------------------- AMF0


def test_amf0_round_trip_of_a_connect_command():
    obj = {"app": "live", "tcUrl": "rtmp://h/live", "fpad": False, "audioCodecs": 3575.0}
    values = ["connect", 1.0, obj, None, "直播", True, [1.0, "x", None]]
    assert amf0.decode(amf0.encode(*values)) == values


def test_amf0_ecma_array_keeps_its_type_and_count():
    meta = amf0.EcmaArray(width=1280.0, height=720.0, encoder="Lavf")
    data = amf0.encode("onMetaData", meta)
    assert data[13] == amf0.ECMA_ARRAY
    assert struct.unpack(">I", data[14:18])[0] == 3
    name, decoded = amf0.decode(data)
    assert name == "onMetaData" and isinstance(decoded, amf0.EcmaArray) and decoded == meta


def test_amf0_number_and_string_bytes():
    assert amf0.encode(1) == b"\x00" + struct.pack(">d", 1.0)
    assert amf0.encode("ab") == b"\x02\x00\x02ab"
    assert amf0.encode(None) == b"\x05"
    assert amf0.encode({}) == b"\x03\x00\x00\x09"
    long = "x" * 70000
    assert amf0.encode(long)[0] == amf0.LONG_STRING
    assert amf0.decode(amf0.encode(long)) == [long]


def test_amf0_truncated_data_raises():
    with pytest.raises(amf0.AmfError):
        amf0.decode(amf0.encode("connect")[:-2])


# ----------------------------------------------------------------------------- chunking


def test_large_message_is_split_at_the_chunk_size_and_reassembled():
    w = ChunkWriter(128)
    payload = bytes(range(256)) * 2  # 512 bytes → 4 chunks
    data = w.encode(Message(AUDIO, payload, 1000, 1, 4))
    # fmt 0 header (1 + 11) + 128, then 3 × (fmt-3 header 1 + 128)
    assert len(data) == 12 + 128 + 3 * 129
    assert data[0] == 0x04  # fmt 0, csid 4
    assert data[12 + 128] == 0xC4  # fmt 3, csid 4
    msgs = ChunkReader(128).feed(data)
    assert len(msgs) == 1
    m = msgs[0]
    assert (m.type_id, m.payload, m.timestamp, m.stream_id, m.csid) == (AUDIO, payload, 1000, 1, 4)


def test_second_message_uses_fmt1_delta_and_reader_follows():
    w = ChunkWriter(4096)
    a = w.encode(Message(AUDIO, b"a" * 10, 1000, 1, 4))
    b = w.encode(Message(AUDIO, b"b" * 20, 1023, 1, 4))
    assert b[0] >> 6 == 1
    assert b[1:4] == (23).to_bytes(3, "big")
    r = ChunkReader(4096)
    msgs = r.feed(a + b)
    assert [(m.timestamp, m.payload) for m in msgs] == [(1000, b"a" * 10), (1023, b"b" * 20)]


def test_extended_timestamp_is_written_in_every_chunk():
    w = ChunkWriter(100)
    ts = 0x01234567  # > 0xFFFFFF
    payload = b"z" * 250
    data = w.encode(Message(AUDIO, payload, ts, 1, 4))
    assert data[1:4] == b"\xff\xff\xff"
    assert data[12:16] == struct.pack(">I", ts)
    # the fmt-3 continuation chunks repeat the extended timestamp
    second = 16 + 100
    assert data[second] == 0xC4 and data[second + 1 : second + 5] == struct.pack(">I", ts)
    msgs = ChunkReader(100).feed(data)
    assert msgs[0].timestamp == ts and msgs[0].payload == payload


def test_reader_handles_byte_by_byte_input_and_set_chunk_size():
    w = ChunkWriter(128)
    data = w.set_chunk_size(4096)
    data += w.encode(Message(COMMAND_AMF0, amf0.encode("_result", 1.0, None, 1.0), 0, 0, 3))
    data += w.encode(Message(AUDIO, b"q" * 3000, 5, 1, 4))  # one chunk at 4096
    r = ChunkReader()
    msgs = []
    for i in range(len(data)):
        msgs += r.feed(data[i : i + 1])
    assert [m.type_id for m in msgs] == [SET_CHUNK_SIZE, COMMAND_AMF0, AUDIO]
    assert r.chunk_size == 4096
    assert amf0.decode(msgs[1].payload) == ["_result", 1.0, None, 1.0]
    assert msgs[2].payload == b"q" * 3000


def test_interleaved_chunk_streams_reassemble():
    w = ChunkWriter(64)
    a = w.encode(Message(AUDIO, b"A" * 100, 0, 1, 4))
    v = w.encode(Message(9, b"V" * 100, 0, 1, 6))
    # interleave: first chunk of a, first chunk of v, rest of a, rest of v
    a1, a2 = a[: 12 + 64], a[12 + 64 :]
    v1, v2 = v[: 12 + 64], v[12 + 64 :]
    msgs = ChunkReader(64).feed(a1 + v1 + a2 + v2)
    assert sorted(m.payload for m in msgs) == [b"A" * 100, b"V" * 100]


def test_large_chunk_stream_ids_use_two_and_three_byte_headers():
    w = ChunkWriter(128)
    for csid in (70, 400):
        data = w.encode(Message(AUDIO, b"x", 0, 1, csid))
        assert ChunkReader().feed(data)[0].csid == csid


# ----------------------------------------------------------------------------- handshake


def test_c1_digest_is_where_and_what_a_server_checks():
    c1, pos = make_c1(True)
    assert len(c1) == HANDSHAKE_SIZE and c1[4:8] != b"\0\0\0\0"
    assert pos == digest_pos(c1, 8)
    assert c1[pos : pos + 32] == _digest_excluding(c1, pos, PLAYER_KEY_OPEN)
    plain, no_pos = make_c1(False)
    assert no_pos is None and plain[4:8] == b"\0\0\0\0"


def _fake_server_s1(base: int) -> bytes:
    s1 = bytearray(make_c1(False)[0])
    s1[4:8] = b"\x04\x05\x00\x01"
    pos = digest_pos(s1, base)
    s1[pos : pos + 32] = _digest_excluding(bytes(s1), pos, SERVER_KEY_OPEN)
    return bytes(s1)


@pytest.mark.parametrize("base", [8, 772])
def test_server_digest_found_in_either_scheme_and_c2_signed(base):
    s1 = _fake_server_s1(base)
    pos = find_server_digest(s1)
    assert pos == digest_pos(s1, base)
    c2 = make_c2(s1, pos)
    key = _hmac(b"Genuine Adobe Flash Player 001" + SERVER_KEY[36:], s1[pos : pos + 32])
    assert c2[-32:] == _hmac(key, c2[:-32])


def test_plain_server_gets_s1_echoed_and_s2_check():
    s1 = make_c1(False)[0]
    assert find_server_digest(s1) is None
    assert make_c2(s1, None) == s1
    c1, cpos = make_c1(True)
    body = bytes(HANDSHAKE_SIZE - 32)
    key = _hmac(SERVER_KEY, c1[cpos : cpos + 32])
    assert check_s2(body + _hmac(key, body), c1, cpos)
    assert not check_s2(bytes(HANDSHAKE_SIZE), c1, cpos)


# ----------------------------------------------------------------------------- URLs


def test_url_and_key():
    assert parse_rtmp_url("rtmp://a.rtmp.youtube.com/live2", "abcd-1234") == (
        "rtmp",
        "a.rtmp.youtube.com",
        1935,
        "live2",
        "abcd-1234",
        "rtmp://a.rtmp.youtube.com/live2",
    )


def test_key_with_query_kept_intact_and_default_rtmps_port():
    key = "stream-123?expire=1700000000&sign=deadbeef"
    scheme, host, port, app, name, tc = parse_rtmp_url("rtmps://push.example.com/third/", key)
    assert (scheme, host, port, app, name) == ("rtmps", "push.example.com", 443, "third", key)
    assert tc == "rtmps://push.example.com/third"


def test_explicit_port_and_multi_segment_app():
    _, host, port, app, name, tc = parse_rtmp_url("rtmp://127.0.0.1:19350/app/inst", "k")
    assert (host, port, app, name, tc) == (
        "127.0.0.1",
        19350,
        "app/inst",
        "k",
        "rtmp://127.0.0.1:19350/app/inst",
    )


def test_stream_name_in_url_without_key():
    _, _, _, app, name, tc = parse_rtmp_url("rtmp://h/live/mykey?x=1", None)
    assert (app, name, tc) == ("live", "mykey?x=1", "rtmp://h/live")


@pytest.mark.parametrize(
    ("url", "key", "needle"),
    [
        ("http://h/live", "k", "unsupported URL scheme 'http'"),
        ("h/live", "k", "unsupported URL scheme 'none'"),
        ("rtmp:///live", "k", "no server host"),
        ("rtmp://h", "k", "no application"),
        ("rtmp://h/live", None, "no stream key"),
        ("rtmp://h:99999/live", "k", "bad server URL"),
    ],
)
def test_bad_urls_raise_one_line_user_errors(url, key, needle):
    with pytest.raises(UserError) as exc:
        parse_rtmp_url(url, key)
    assert needle in str(exc.value) and "\n" not in str(exc.value)


def test_redact_hides_key_and_its_query_values():
    key = "live_123?sign=s3cr3tvalue&expire=99"
    text = f"publish {key} failed; sign=s3cr3tvalue; name live_123"
    out = redact(text, key)
    assert "s3cr3tvalue" not in out and "live_123" not in out and "****" in out


# ----------------------------------------------------------------------------- drop policy


def _tag(kind: TagType, ts: int, keyframe: bool = False, header: bool = False) -> FlvTag:
    return FlvTag(kind, ts, b"\x00" * 10, keyframe, header)


def _offline_publisher(**kw) -> RtmpPublisher:
    # Never started: send() only queues, so the policy can be observed deterministically.
    return RtmpPublisher("rtmp://127.0.0.1:1/live", "key", **kw)


def test_congestion_drops_p_frames_until_the_next_keyframe_and_keeps_audio():
    pub = _offline_publisher(drop_threshold_ms=500, max_queue_ms=10_000)
    pub.send(_tag(TagType.SCRIPT, 0, header=True))
    pub.send(_tag(TagType.VIDEO, 0, keyframe=True, header=True))
    for ts in range(0, 1000, 40):
        pub.send(_tag(TagType.VIDEO, ts, keyframe=ts == 0))
        pub.send(_tag(TagType.AUDIO, ts))
    st = pub.stats()
    assert st.dropped.get("congestion", 0) > 0
    assert "queue_full" not in st.dropped
    queued = list(pub._queue)
    assert sum(t.is_audio for t in queued) == 25  # no audio dropped
    assert sum(t.header for t in queued) == 2  # headers kept
    video = [t for t in queued if t.is_video and not t.header]
    assert all(t.keyframe for t in video)  # only the keyframe survived
    # a new keyframe resumes video
    pub.send(_tag(TagType.VIDEO, 1000, keyframe=True))
    assert pub._queue[-1].keyframe
    pub.stop(1)


def test_hard_cap_drops_oldest_including_audio_but_never_headers():
    pub = _offline_publisher(drop_threshold_ms=100_000, max_queue_ms=1000)
    pub.send(_tag(TagType.AUDIO, 0, header=True))
    for ts in range(0, 3000, 20):
        pub.send(_tag(TagType.AUDIO, ts))
    st = pub.stats()
    assert st.dropped["queue_full"] > 0
    assert st.queued_ms <= 1000
    assert pub._queue[0].header
    pub.stop(1)


def test_stats_name_never_contains_key():
    pub = RtmpPublisher("rtmp://h/live", "supersecretkey")
    assert "supersecretkey" not in pub.name and "supersecretkey" not in repr(pub.stats())
    pub.stop(1)
