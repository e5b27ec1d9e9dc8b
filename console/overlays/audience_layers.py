"""The layers the audience adds to the outgoing video, with their default placements: the chat
overlay (:class:`~console.overlays.chat.ChatOverlayLayer`, named ``chat``) and the pinned
comment banner (:class:`PinnedCommentLayer`, ``pinned_comment``).

Used by every composition root (the window, ``live-console run``/``stream``, the media process's
``console.engine_overlays``), so it imports no widget.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from console.audience.hub import AudienceItem
from console.media.compositor import NormRect
from console.overlays.basic import BannerStyle, paint_box
from console.overlays.chat import ChatFeed, ChatOverlayLayer, mask_name

#: Default placements of the audience layers. Portrait: inside the platforms' comments zone at
#: the bottom left (y 0.60–0.90), under the commerce column; landscape: down the left, below
#: the product card.
AUDIENCE_LAYOUT = {
    "portrait": {
        "chat": NormRect(0.03, 0.655, 0.62, 0.235),
        "pinned_comment": NormRect(0.03, 0.603, 0.62, 0.045),
    },
    "landscape": {
        "chat": NormRect(0.02, 0.745, 0.36, 0.235),
        "pinned_comment": NormRect(0.40, 0.905, 0.40, 0.06),
    },
}


class PinnedCommentLayer:
    """A viewer's comment pinned onto the stream by an operator: ``置顶 张**：…``.

    Hidden while nothing is pinned. With ``state`` (the show's, set by the composition root) the
    text is the show state's ``pinned_comment`` — a ``PinComment`` command, journaled, kept
    across a restart; without it ``pin``/``unpin`` set it (UI thread). The render thread only
    reads ``text``.
    """

    def __init__(
        self, rect: NormRect, name: str = "pinned_comment", state: Callable[[], Any] | None = None
    ) -> None:
        self.name = name
        self.state = state
        self.rect = rect
        self.enabled = True
        self.style = BannerStyle(
            background="#E6FFFFFF", foreground="#FF1F1F24", radius_ratio=0.3, bold=False
        )
        self._text = ""
        self.item: AudienceItem | None = None

    @property
    def text(self) -> str:
        if self.state is None:
            return self._text
        pinned = getattr(self.state(), "pinned_comment", None)
        return f"置顶 · {mask_name(pinned.nick)}：{pinned.text}" if pinned is not None else ""

    @property
    def has_content(self) -> bool:
        return bool(self.text)

    @property
    def visible(self) -> bool:
        return self.enabled and bool(self.text)

    @visible.setter
    def visible(self, value: bool) -> None:
        self.enabled = bool(value)

    def pin(self, item: AudienceItem) -> str:
        """Pin ``item`` (masked name + text); returns the text shown."""
        self.item = item
        self._text = f"置顶 · {mask_name(item.nick)}：{item.text}"
        return self.text

    def unpin(self) -> None:
        self.item = None
        self._text = ""

    def content_key(self, t: float) -> Hashable:
        return self.text

    def paint(self, painter: Any, width: int, height: int, t: float) -> None:
        if self.text:
            paint_box(painter, width, height, self.text, self.style)


def audience_layers(
    feed: ChatFeed, orientation: str, state: Callable[[], Any] | None = None
) -> list[Any]:
    """The chat overlay and the pinned-comment banner (showing ``state()``'s pinned comment)
    with their default placements."""
    rects = AUDIENCE_LAYOUT["portrait" if orientation == "portrait" else "landscape"]
    return [
        ChatOverlayLayer(feed, rects["chat"], max_messages=6, name="chat"),
        PinnedCommentLayer(rects["pinned_comment"], state=state),
    ]
