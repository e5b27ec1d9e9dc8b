"""The audience: event model, sources (plugins), hub, moderation and compliance (no Qt).

    events.py      AudienceEvent, parse_event / parse_batch, Deduper
    hub.py         AudienceHub: queue → dedupe → moderation → journal → show reactions → subscribers
    sources.py     the source protocol; check_go_live (rehearsal-only sources)
    plugins.py     PluginHost: plugins/ folder + ``live_console.audience`` entry points
    simulated.py   the simulated audience (rehearsal only)
    ingest.py      local HTTP/WebSocket ingest
    replay.py      JSONL replay
    moderation.py  sanitize_text, Moderator
    compliance.py  advertising-law absolute terms (check_show)
    cli.py         ``live-console check SHOW`` (register(subparsers, commands))

See docs/audience.md and docs/compliance.md.
"""
