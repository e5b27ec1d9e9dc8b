"""The overlays a show draws, as every composition root builds them: the show's layers, the
audience's layers and the rehearsal badge, with their default placements.

``console/app.py`` (the window), ``console/cli.py`` (``run``, ``stream``, ``demo``) and the media
process (``console/engine_overlays.py``) all build their overlays here, so none of them imports
the window to get them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.media.compositor import Layer, NormRect
from console.settings import CanvasSettings

if TYPE_CHECKING:
    from console.overlays.basic import BannerLayer
    from console.overlays.chat import ChatFeed
    from console.show.controller import ShowController
    from console.show.folder import ShowFolder


def demo_layout(orientation: str) -> dict[str, NormRect]:
    """Placements of the window's own layers (the rehearsal badge)."""
    if orientation == "portrait":
        return {"rehearsal": NormRect(0.03, 0.045, 0.34, 0.035)}
    return {"rehearsal": NormRect(0.02, 0.025, 0.2, 0.06)}


def rehearsal_layer(orientation: str) -> BannerLayer:
    from console.overlays.basic import BannerLayer, BannerStyle

    return BannerLayer(
        "彩排 REHEARSAL",
        demo_layout(orientation)["rehearsal"],
        BannerStyle(background="#E6F5A623", foreground="#FF1A1A1A"),
        name="rehearsal",
    )


def show_layers(
    controller: ShowController, folder: ShowFolder, canvas: CanvasSettings
) -> list[Layer]:
    """The show's overlay layers (product card, coupon, flash sale, lottery, poll) for ``canvas``."""
    from console.overlays.show_layers import build_show_layers

    get_state = lambda: controller.state  # noqa: E731 - read from the render thread: safe
    return list(
        build_show_layers(
            get_state,
            controller.now,
            (canvas.width, canvas.height),
            folder.path,
            layout=folder.load_layout(),
        )
    )


def overlays_for(
    controller: ShowController,
    folder: ShowFolder,
    canvas: CanvasSettings,
    feed: ChatFeed | None = None,
) -> list[Layer]:
    """Every overlay of the window: the show's layers, the chat overlay (fed by ``feed``, a
    ``ChatFeed``) and the pinned-comment banner, and on top the rehearsal badge."""
    from console.overlays.audience_layers import audience_layers
    from console.overlays.chat import ChatFeed

    return [
        *show_layers(controller, folder, canvas),
        *audience_layers(
            feed if feed is not None else ChatFeed(50),
            canvas.orientation,
            state=lambda: controller.state,  # the pinned comment is show state
        ),
        rehearsal_layer(canvas.orientation),
    ]


def default_rects(
    controller: ShowController, folder: ShowFolder, orientation: str
) -> dict[str, NormRect]:
    """Default placements of every overlay for an orientation (a new orientation starts here)."""
    canvas = CanvasSettings(720, 1280) if orientation == "portrait" else CanvasSettings(1280, 720)
    return {lay.name: lay.rect for lay in overlays_for(controller, folder, canvas)}
