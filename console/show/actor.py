"""Who asked for a command: the ``actor`` column of every journaled event.

An :class:`Actor` is carried by every command into the journal as one line of text —
``window``, ``hotkey``, ``rundown``, ``panel:DEVICE:ROLE``, ``control:CLIENT``,
``audience:PLATFORM``, ``run`` — so the report and the dashboard can say who did what.
"""

from __future__ import annotations

from dataclasses import dataclass

ACTOR_KINDS = ("window", "hotkey", "rundown", "panel", "control", "audience", "run", "clock")


@dataclass(frozen=True)
class Actor:
    """``kind`` (one of :data:`ACTOR_KINDS` or any word), and the details that kind has: the
    control client's ``name``, the panel's ``device`` and ``role``."""

    kind: str
    name: str = ""
    device: str = ""
    role: str = ""

    @property
    def text(self) -> str:
        """The journal's actor column: ``kind`` then the non-empty details, ``:``-joined."""
        parts = [self.kind, *(p for p in (self.name, self.device, self.role) if p)]
        return ":".join(p.replace(":", "_") for p in parts)

    def __str__(self) -> str:
        return self.text


WINDOW = Actor("window")
HOTKEY = Actor("hotkey")
RUN = Actor("run")


def actor_text(actor: Actor | str) -> str:
    """The journal text of ``actor`` (a plain string is kept as it is)."""
    return actor.text if isinstance(actor, Actor) else str(actor)
