"""Process-wide tuning for a long-running live process."""

from __future__ import annotations

import gc


def freeze_startup_heap() -> None:
    """Move everything allocated at start-up out of the garbage collector's reach.

    A full collection walks every tracked object while holding the GIL; with the Qt bindings,
    PyAV and the show loaded that took up to ~100 ms — three frame periods — and a chat flood
    triggers one every few seconds (docs/benchmarks.md, "Chat flood"). Objects that live for
    the whole show need not be scanned again; new garbage is still collected as usual.
    """
    gc.collect()
    gc.freeze()
