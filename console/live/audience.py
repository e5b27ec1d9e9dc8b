"""The show's audience in the live core: one AudienceHub, its plugins, and the operator actions
on viewers (pin a comment, block a user) as ShowController commands with their actor.

A restart keeps them: the pinned comment and the blocked users are show state (replayed from
the journal), and the hub's moderator starts with the blocked users of the state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from console.audience.hub import AudienceHub, AudienceItem
from console.audience.moderation import Moderator
from console.audience.plugins import PluginContext, PluginHost, PluginStatus
from console.audience.sources import check_go_live
from console.show.actor import Actor
from console.show.commands import BlockUser, PinComment, UnblockUser, UnpinComment
from console.show.journal import Event
from console.subscribers import Subscribers

log = logging.getLogger(__name__)

INGEST = "local_ingest"


class LiveAudience:
    """Owns the hub and the plugin host of one open show (no Qt; callbacks on any thread)."""

    def __init__(
        self,
        controller: Any,
        *,
        blocked_words: Iterable[str] = (),
        rehearsal: bool = True,
        plugin_folders: Iterable[Path] | None = None,
        entry_points: bool = True,
        on_status: Callable[[PluginStatus], None] | None = None,
    ) -> None:
        self.controller = controller
        self.moderator = Moderator(blocked_words)
        for user_key in sorted(controller.state.blocked_users):
            self.moderator.block_user(user_key)
        self.hub = AudienceHub(controller, moderator=self.moderator)
        self._status_listeners: Subscribers[Callable[[PluginStatus], None]] = Subscribers()
        if on_status is not None:
            self._status_listeners.add(on_status)
        self.host = PluginHost(
            self.hub.submit,
            PluginContext(
                state=lambda: controller.state, clock=controller.now, rehearsal=rehearsal
            ),
            on_status=self._report_status,
        )
        self.host.discover(plugin_folders, entry_points=entry_points)
        self.started = False

    def on_plugin_status(self, callback: Callable[[PluginStatus], None]) -> Callable[[], None]:
        """``callback(PluginStatus)`` (on whichever thread) when a plugin starts, stops or
        fails; returns the unsubscribe. The window hands it to the UI thread."""
        return self._status_listeners.add(callback)

    def _report_status(self, status: PluginStatus) -> None:
        self._status_listeners.notify(status, logger=log, what="plugin status listener")

    def start(self) -> None:
        if not self.started:
            self.hub.start()
            self.started = True

    def stop(self) -> None:
        """Stop every plugin, then the hub (before the show's journal closes)."""
        self.host.stop_all(timeout=3.0)
        self.hub.stop()
        self.started = False

    def subscribe(
        self, callback: Callable[[AudienceItem], None], sampled: bool = False
    ) -> Callable[[], None]:
        """``sampled``: the chat overlay's feed, which takes a sample of comments under
        overload (``AudienceHub.subscribe``)."""
        return self.hub.subscribe(callback, sampled=sampled)

    def set_rehearsal(self, on: bool) -> None:
        self.host.context.rehearsal = on

    def start_ingest(self, host: str, port: int, token: str | None = None) -> PluginStatus:
        """The local HTTP/WebSocket ingest on ``host:port`` (the kept token by default)."""
        if token is None:
            from console.audience.ingest import local_token

            token = local_token()
        return self.host.start(INGEST, {"host": host, "port": int(port), "token": token})

    def go_live_refusal(self, rehearsal: bool) -> str | None:
        return check_go_live(self.host.attached(), rehearsal)

    # ---- operator actions on viewers: commands, journaled with their actor

    def pin_comment(self, item: AudienceItem, actor: Actor) -> Event:
        return pin_comment(self.controller, item, actor)

    def unpin_comment(self, actor: Actor) -> Event:
        return self.controller.execute(UnpinComment(), actor=actor)

    def block_user(self, user_key: str, actor: Actor, nick: str = "") -> Event:
        event = self.controller.execute(BlockUser(user_key, nick), actor=actor)
        self.moderator.block_user(user_key)
        return event

    def unblock_user(self, user_key: str, actor: Actor) -> Event:
        event = self.controller.execute(UnblockUser(user_key), actor=actor)
        self.moderator.unblock_user(user_key)
        return event


def pin_comment(controller: Any, item: AudienceItem, actor: Actor) -> Event:
    """``PinComment`` for an audience item (its text, nick, user, message id, platform)."""
    e = item.event
    return controller.execute(
        PinComment(
            text=item.text,  # display-safe (sanitised, clipped) as the overlay draws it
            nick=item.nick,
            user_key=e.user_key,
            msg_id=e.msg_id,
            platform=e.platform,
        ),
        actor=actor,
    )
