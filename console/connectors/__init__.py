"""Chat connectors for platforms with an open route: Bilibili live, Twitch, YouTube.

Each is an audience source (``run(emit, stop)``, see :mod:`console.audience.sources`) started as a
plugin (``plugins/bilibili_live``, ``plugins/twitch_chat``, ``plugins/youtube_chat``); no Qt.
Set-up per platform, credentials and the Douyin route: ``docs/connectors.md``.
"""
