"""The live core: a running show without any window.

``LiveSession`` (``session.py``) owns the show while it runs: the media engine (injected —
``engine.py``), the outputs built from destination specs (``outputs.py``), the go-live policy
(``golive.py``, pure functions), the session journal through ShowController commands with
their actor, and the health sampler (``health.py``). The window, the CLI (``stream``, ``demo``,
``run``) and the control server are its clients. No Qt here, not even indirectly
(``tests/unit/test_live_core.py`` imports it with PySide6 made unimportable).
"""
