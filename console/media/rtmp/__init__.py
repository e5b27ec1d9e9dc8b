"""Our own RTMP/RTMPS publisher (the network leg is ours, as OBS's is)."""

from console.media.rtmp.publisher import RtmpPublisher
from console.media.rtmp.url import parse_rtmp_url

__all__ = ["RtmpPublisher", "parse_rtmp_url"]
