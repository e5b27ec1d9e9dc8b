from console.cli import _status_line
from console.media.output import OutputState, OutputStats
from console.media.pipeline import PipelineStats


def test_status_line_tells_how_long_a_destination_has_been_lost():
    lost = OutputStats(
        name="douyin", state=OutputState.RECONNECTING, error="stalled",
        lost_for_s=23.4, reconnect_attempts=5, next_retry_s=2.0,
    )  # fmt: skip
    stats = PipelineStats(render_fps=30.0, encoder="libx264", outputs=[lost])
    line = _status_line(stats, 83)
    assert "douyin:reconnecting 0:23 since loss, attempt 5, next in 2s" in line
    assert "room may close in 37s" in line
    lost.lost_for_s = 75
    assert "room may have closed" in _status_line(stats, 140)


def test_status_line_shows_a_lowered_bitrate():
    live = OutputStats(name="yt", state=OutputState.LIVE, bitrate_kbps=3300, reconnects=1)
    stats = PipelineStats(outputs=[live], video_bitrate=3_375_000, video_bitrate_set=4_500_000)
    line = _status_line(stats, 10)
    assert "yt:live 3300kbps reconnects 1" in line
    assert "video 3375/4500 kbps (network slow)" in line


def test_status_line_shows_the_link_estimate_the_target_and_why():
    live = OutputStats(name="yt", state=OutputState.LIVE, bitrate_kbps=1100)
    stats = PipelineStats(
        outputs=[live], video_bitrate=900_000, video_bitrate_set=2_500_000,
        adaptive_bitrate=True, link_bps=1_130_000, abr_reason="congested",
    )  # fmt: skip
    assert "| link≈1.1M target 0.9M (congested)" in _status_line(stats, 10)
    stats.adaptive_bitrate = False
    assert "link≈" not in _status_line(stats, 10)


def test_stream_abr_follow_flag_reaches_the_engine_spec():
    from console.cli import _engine_spec, build_parser

    parser = build_parser()
    args = parser.parse_args(["stream", "--url", "rtmp://h/app", "--key", "k"])
    assert _engine_spec(args, adaptive=True).abr_follow == "healthy"  # the default
    args = parser.parse_args(
        ["stream", "--url", "rtmp://h/app", "--key", "k", "--abr-follow", "slowest"]
    )
    assert _engine_spec(args, adaptive=True).abr_follow == "slowest"
