from console.media.flv import FLV_FILE_HEADER, FlvTag, FlvTagSplitter, TagType


def test_tags_round_trip_through_bytes_in_any_chunking():
    tags = [
        FlvTag(TagType.SCRIPT, 0, b"\x02\x00\x0aonMetaData"),
        FlvTag(TagType.VIDEO, 0, b"\x17\x00\x00\x00\x00seq"),
        FlvTag(TagType.AUDIO, 0, b"\xaf\x00\x12\x10"),
        FlvTag(TagType.VIDEO, 33, b"\x27\x01\x00\x00\x00data"),
        FlvTag(TagType.VIDEO, 0x01234567, b"\x17\x01\x00\x00\x00key"),  # extended timestamp
        FlvTag(TagType.AUDIO, 21, b"\xaf\x01" + bytes(300)),
    ]
    blob = FLV_FILE_HEADER + b"".join(t.to_bytes() for t in tags)
    for step in (1, 7, 64, len(blob)):
        splitter = FlvTagSplitter()
        got = []
        for i in range(0, len(blob), step):
            got += splitter.feed(blob[i : i + step])
        assert [(t.kind, t.timestamp_ms, t.data) for t in got] == [
            (t.kind, t.timestamp_ms, t.data) for t in tags
        ]
        assert [(t.keyframe, t.header) for t in got] == [
            (False, True),
            (True, True),
            (False, True),
            (False, False),
            (True, False),
            (False, False),
        ]


def test_splitter_rejects_non_flv():
    import pytest

    with pytest.raises(ValueError):
        FlvTagSplitter().feed(b"RIFF" + bytes(20))
