"""Stream-health samples for the journal (``health.sample``), read back by the report.

The window (or a headless streamer) journals one sample every few seconds while a pipeline runs:

    journal.append("health.sample", health_payload(pipeline.stats()), actor="pipeline", ts=now)

Counters are cumulative since the pipeline started (the report adds up their growth and treats a
counter that goes down as a restart). A headless rehearsal runs no pipeline and journals none.
"""

from __future__ import annotations

from typing import Any

HEALTH_SAMPLE = "health.sample"


def health_payload(stats: Any) -> dict[str, Any]:
    """A ``health.sample`` payload from a ``PipelineStats`` snapshot (JSON-ready)."""
    outputs = []
    for o in getattr(stats, "outputs", []) or []:
        state = getattr(o.state, "name", str(o.state)).lower()
        outputs.append(
            {
                "name": o.name,
                "state": state,
                "bitrate_kbps": round(float(o.bitrate_kbps or 0.0), 1),
                "reconnects": int(o.reconnects),
                "dropped": {str(k): int(v) for k, v in (o.dropped or {}).items()},
                "queued_ms": int(getattr(o, "queued_ms", 0) or 0),
                "link_kbps": round((getattr(o, "link_bps", None) or 0) / 1000, 1),
            }
        )
    return {
        "fps": round(float(stats.render_fps), 2),
        "dropped": {str(k): int(v) for k, v in (stats.dropped or {}).items()},
        "encoder": str(stats.encoder or ""),
        "outputs": outputs,
        # adaptive bitrate: the encoder's target, the user's ceiling, the link it follows, why
        "video_kbps": int(getattr(stats, "video_bitrate", 0) or 0) // 1000,
        "video_set_kbps": int(getattr(stats, "video_bitrate_set", 0) or 0) // 1000,
        "link_kbps": round((getattr(stats, "link_bps", None) or 0) / 1000, 1),
        "abr_reason": str(getattr(stats, "abr_reason", "") or ""),
    }
