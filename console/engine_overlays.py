"""Overlay layers built inside the media process (``ProcessEngine``), against a state mirror.

The composition roots describe the overlays as an
:class:`~console.media.process_engine.OverlayPlan` naming :func:`mirrored_overlays`; the child
calls it with its :class:`~console.media.engine_worker.StateMirror` (the newest ``ShowState``,
the show's clock and the last chat lines, as the parent sent them). The layers are the same
classes the in-process engine draws (``console.overlays.composition.overlays_for``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def mirrored_overlays(
    mirror: Any,
    spec: Any,
    *,
    images_dir: str | None = None,
    layout: dict | None = None,
    chat: bool = False,
    rehearsal: bool | None = None,
) -> list[Any]:
    """The show's layers (when ``images_dir``, the show folder, is given), the chat overlay and
    pinned comment (``chat``), and the rehearsal badge (``rehearsal``: shown or not; None: none)."""
    from console.overlays.composition import rehearsal_layer
    from console.overlays.show_layers import build_show_layers, orientation_of

    canvas = (spec.width, spec.height)
    orientation = orientation_of(canvas)
    layers: list[Any] = []
    if images_dir is not None:
        layers += build_show_layers(
            mirror.get_state, mirror.now, canvas, Path(images_dir), layout=layout
        )
    if chat:
        from console.overlays.audience_layers import audience_layers

        layers += audience_layers(mirror.feed, orientation, state=mirror.get_state)
    if rehearsal is not None:
        badge = rehearsal_layer(orientation)
        badge.visible = rehearsal
        layers.append(badge)
    return layers


def overlay_plan(folder: Any = None, *, chat: bool = False, rehearsal: bool | None = None) -> Any:
    """The plan for ``ProcessEngine``: ``folder`` a ``ShowFolder`` (its layout read here)."""
    from console.media.process_engine import OverlayPlan

    kwargs: dict[str, Any] = {"chat": chat, "rehearsal": rehearsal}
    if folder is not None:
        kwargs["images_dir"] = str(folder.path)
        kwargs["layout"] = folder.load_layout()
    return OverlayPlan(mirrored_overlays, kwargs)
