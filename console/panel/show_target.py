"""ShowPanelTarget: a working :class:`~console.panel.target.PanelTarget` over the parts that exist
today — a :class:`~console.show.controller.ShowController` (products, coupons, flash sales,
lotteries, polls, rundown), an optional :class:`~console.audience.hub.AudienceHub` (chat and
moderation) and :class:`~console.analytics.live.LiveStats` (numbers).

Show actions become show commands journaled with the panel's actor (``panel:<device>:<role>``).
Chat moderation is show commands too (``HideComment``, ``PinComment``, ``UnpinComment``,
``BlockUser``: ``show.comment_hidden`` … journaled with the panel's actor, the pin and the blocks
kept across a restart); ``block_user`` also tells the hub's ``Moderator``. This target keeps the
hidden / pinned marks of its recent-chat buffer and hands each change to the optional
``on_comment`` hook (the live core draws the pinned comment). The stream is started
and stopped through optional ``start_stream`` / ``stop_stream`` callables; health comes from an
optional ``health`` callable (read-only). No Qt here.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from console.analytics.live import LiveStats
from console.audience.hub import AudienceHub, AudienceItem
from console.errors import UserError
from console.panel.target import PanelRefusal
from console.show import commands as c
from console.show.controller import ShowController
from console.show.money import format_money
from console.show.state import ShowState, coupon_label
from console.subscribers import Subscribers

log = logging.getLogger(__name__)

CHAT_KEEP = 50
PANEL_PREFIX = "panel."


def _arg(args: dict[str, Any], name: str, kind: type | tuple[type, ...] = str) -> Any:
    value = args.get(name)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise PanelRefusal(f"{name} is missing or not the right type")
    if isinstance(value, str) and (not value.strip() or len(value) > 200):
        raise PanelRefusal(f"{name} must be 1 to 200 characters")
    return value


class ShowPanelTarget:
    """The console as the phone panel sees it, over a show controller and an audience hub."""

    def __init__(
        self,
        controller: ShowController,
        hub: AudienceHub | None = None,
        stats: LiveStats | None = None,
        start_stream: Callable[[], None] | None = None,
        stop_stream: Callable[[], None] | None = None,
        health: Callable[[], dict[str, Any]] | None = None,
        on_comment: Callable[[str, dict[str, Any]], None] | None = None,
        chat_keep: int = CHAT_KEEP,
    ) -> None:
        self.controller = controller
        self.hub = hub
        self._owns_stats = stats is None
        self.stats = stats or LiveStats(clock=controller.now)
        self._start_stream, self._stop_stream = start_stream, stop_stream
        self._health = health
        self._on_comment = on_comment
        self._lock = threading.RLock()
        self._chat: deque[AudienceItem] = deque(maxlen=chat_keep)
        self._hidden: set[int] = set()
        self._pinned_comment: int | None = None
        self._live = False
        self._subscribers: Subscribers[Callable[[], None]] = Subscribers()
        self._unsubs: list[Callable[[], None]] = []
        if self._owns_stats:
            self.stats.replay(controller.journal.events())
            self._unsubs.append(controller.subscribe(self.stats.on_show_event))
        self._unsubs.append(controller.subscribe(lambda _e, _s: self._changed()))
        if hub is not None:
            self._unsubs.append(hub.subscribe(self._on_item))

    def close(self) -> None:
        for unsub in self._unsubs:
            unsub()
        self._unsubs.clear()

    # ---- PanelTarget

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        return self._subscribers.add(callback)

    def _changed(self) -> None:
        self._subscribers.notify(logger=log, what="panel subscriber")

    def _on_item(self, item: AudienceItem) -> None:
        if self._owns_stats:
            self.stats.on_audience_item(item)
        if item.event.type == "comment":
            with self._lock:
                self._chat.append(item)
        self._changed()

    def set_live(self, live: bool) -> None:
        """The live core says whether the stream is on (shown on every panel)."""
        self._live = bool(live)
        self._changed()

    def act(self, action: str, args: dict[str, Any], actor: str) -> None:
        if not isinstance(args, dict):
            raise PanelRefusal("args must be an object")
        handler = getattr(self, f"_do_{action}", None)
        if handler is None:
            raise PanelRefusal(f"this console cannot {action.replace('_', ' ')} yet")
        try:
            handler(args, actor)
        except UserError as exc:
            raise PanelRefusal(str(exc)) from None
        self._changed()

    # ---- show actions

    def _run(self, command: c.Command, actor: str) -> None:
        self.controller.execute(command, actor=actor)

    def _template(self, args: dict[str, Any], kind: str, actor: str) -> None:
        tid = _arg(args, "template")
        promotions = self.controller.promotions
        if tid not in promotions or promotions.get(tid).type != kind:
            raise PanelRefusal(f"no {kind.replace('_', ' ')} template {tid[:40]!r}")
        self._run(promotions.command(tid), actor)

    def _do_pin_product(self, args: dict[str, Any], actor: str) -> None:
        self._run(c.PinProduct(_arg(args, "product_id")), actor)

    def _do_unpin_product(self, args: dict[str, Any], actor: str) -> None:
        self._run(c.UnpinProduct(), actor)

    def _do_adjust_stock(self, args: dict[str, Any], actor: str) -> None:
        delta = _arg(args, "delta", int)
        reason = str(args.get("reason") or "panel")[:200]
        self._run(c.AdjustStock(_arg(args, "product_id"), delta, reason), actor)

    def _do_launch_coupon(self, args: dict[str, Any], actor: str) -> None:
        self._template(args, "coupon", actor)

    def _do_stop_coupon(self, args: dict[str, Any], actor: str) -> None:
        self._run(c.StopCoupon(_arg(args, "coupon_id")), actor)

    def _do_start_flash_sale(self, args: dict[str, Any], actor: str) -> None:
        self._template(args, "flash_sale", actor)

    def _do_stop_flash_sale(self, args: dict[str, Any], actor: str) -> None:
        self._run(c.StopFlashSale(_arg(args, "sale_id")), actor)

    def _do_open_lottery(self, args: dict[str, Any], actor: str) -> None:
        self._template(args, "lottery", actor)

    def _do_close_lottery(self, args: dict[str, Any], actor: str) -> None:
        reason = args.get("reason") or ""
        if not isinstance(reason, str):
            raise PanelRefusal("reason must be text")
        self._run(c.CloseLottery(_arg(args, "lottery_id"), reason[:200]), actor)

    def _do_draw_lottery(self, args: dict[str, Any], actor: str) -> None:
        self._run(c.DrawLottery(_arg(args, "lottery_id")), actor)

    def _do_start_poll(self, args: dict[str, Any], actor: str) -> None:
        self._template(args, "poll", actor)

    def _do_stop_poll(self, args: dict[str, Any], actor: str) -> None:
        self._run(c.StopPoll(_arg(args, "poll_id")), actor)

    def _do_advance_rundown(self, args: dict[str, Any], actor: str) -> None:
        self._run(c.AdvanceRundown(), actor)

    def _do_goto_segment(self, args: dict[str, Any], actor: str) -> None:
        segment = args.get("segment")
        if not isinstance(segment, int | str) or isinstance(segment, bool):
            raise PanelRefusal("segment must be an index or a segment id")
        self._run(c.GotoSegment(segment), actor)

    # ---- the stream (host only, by the role table)

    def _do_start_stream(self, args: dict[str, Any], actor: str) -> None:
        if self._start_stream is None:
            raise PanelRefusal("the stream is not set up in this console: start it in the window")
        self._start_stream()
        self._live = True

    def _do_stop_stream(self, args: dict[str, Any], actor: str) -> None:
        if self._stop_stream is None:
            raise PanelRefusal("the stream is not set up in this console: stop it in the window")
        self._stop_stream()
        self._live = False

    # ---- chat moderation

    def _item(self, args: dict[str, Any]) -> AudienceItem:
        seq = _arg(args, "seq", int)
        with self._lock:
            for item in self._chat:
                if item.seq == seq:
                    return item
        raise PanelRefusal(f"comment #{seq} is no longer in the recent chat")

    def _comment_payload(self, item: AudienceItem) -> dict[str, Any]:
        return {
            "seq": item.seq,
            "journal_seq": item.journal_seq,
            "msg_id": item.event.msg_id,
            "platform": item.event.platform,
            "user_key": item.event.user_key,
            "nick": item.nick,
            "text": item.text,
        }

    def _hook(self, what: str, payload: dict[str, Any]) -> None:
        if self._on_comment is not None:
            try:
                self._on_comment(what, payload)
            except Exception:
                log.exception("panel comment hook failed on %s", what)

    def _do_hide_comment(self, args: dict[str, Any], actor: str) -> None:
        item = self._item(args)
        payload = self._comment_payload(item)
        self.controller.execute(
            c.HideComment(item.event.msg_id, item.event.platform, item.event.user_key, item.text),
            actor=actor,
        )
        with self._lock:
            self._hidden.add(item.seq)
            if self._pinned_comment == item.seq:
                self._pinned_comment = None
        self._hook("hidden", payload)

    def _do_pin_comment(self, args: dict[str, Any], actor: str) -> None:
        item = self._item(args)
        if item.hidden or item.seq in self._hidden:
            raise PanelRefusal("a hidden comment cannot go onto the stream")
        payload = self._comment_payload(item)
        self.controller.execute(
            c.PinComment(
                item.text, item.nick, item.event.user_key, item.event.msg_id, item.event.platform
            ),
            actor=actor,
        )
        with self._lock:
            self._pinned_comment = item.seq
        self._hook("pinned", payload)

    def _do_unpin_comment(self, args: dict[str, Any], actor: str) -> None:
        with self._lock:
            seq, self._pinned_comment = self._pinned_comment, None
        if seq is None:
            raise PanelRefusal("no comment is pinned")
        if self.controller.state.pinned_comment is not None:
            self.controller.execute(c.UnpinComment(), actor=actor)
        self._hook("unpinned", {"seq": seq})

    def _do_block_user(self, args: dict[str, Any], actor: str) -> None:
        if self.hub is None:
            raise PanelRefusal("no audience is connected: nothing to block")
        item = self._item(args)
        key = item.event.user_key
        if not key:
            raise PanelRefusal("this comment has no user to block")
        if key not in self.controller.state.blocked_users:
            self.controller.execute(c.BlockUser(key, item.nick), actor=actor)
        self.hub.moderator.block_user(key)
        with self._lock:
            for other in self._chat:
                if other.event.user_key == key:
                    self._hidden.add(other.seq)
            if self._pinned_comment is not None and self._pinned_comment in self._hidden:
                self._pinned_comment = None
        self._hook("blocked", {"user_key": key})

    # ---- the snapshot

    def snapshot(self) -> dict[str, Any]:
        now = self.controller.now()
        state = self.controller.state
        return {
            "now": now,
            "show": self._show(state),
            "products": self._products(state),
            "coupons": self._coupons(state, now),
            "flash_sales": self._flash_sales(state, now),
            "lotteries": self._lotteries(state, now),
            "polls": self._polls(state, now),
            "chat": self._chat_rows(),
            "numbers": self._numbers(now),
            "health": self._health_row(),
            "rundown": self._rundown(state, now),
            "stream": {"live": self._live},
            "templates": self._templates(),
        }

    def _show(self, state: ShowState) -> dict[str, Any]:
        product = state.pinned_product()
        return {
            "pinned": product.id if product else None,
            "pinned_title": product.title if product else "",
            "live": self._live,
        }

    @staticmethod
    def _products(state: ShowState) -> list[dict[str, Any]]:
        pinned = state.pinned.product_id if state.pinned else None
        return [
            {
                "id": p.id,
                "title": p.title,
                "price_cents": p.price_cents,
                "price": format_money(p.price_cents, p.currency),
                "stock": state.stock.get(p.id, 0),
                "sold": state.sold.get(p.id, 0),
                "pinned": p.id == pinned,
            }
            for p in state.products.values()
        ]

    @staticmethod
    def _coupons(state: ShowState, now: float) -> list[dict[str, Any]]:
        return [
            {
                "id": k.coupon_id,
                "title": k.title,
                "label": coupon_label(k.kind, k.threshold_cents, k.discount_cents, k.percent),
                "left": k.left,
                "quantity": k.quantity,
                "ends_at": k.ends_at,
                "active": k.active(now),
            }
            for k in state.coupons.values()
            if k.live(now)
        ]

    @staticmethod
    def _flash_sales(state: ShowState, now: float) -> list[dict[str, Any]]:
        rows = []
        for s in state.flash_sales.values():
            if not s.active(now):
                continue
            product = state.products.get(s.product_id)
            currency = product.currency if product else "CNY"
            rows.append(
                {
                    "id": s.sale_id,
                    "product_id": s.product_id,
                    "title": product.title if product else s.product_id,
                    "price": format_money(s.sale_price_cents, currency),
                    "list_price": format_money(s.list_price_cents, currency),
                    "left": s.remaining_quantity,
                    "quantity": s.quantity,
                    "ends_at": s.ends_at,
                    "active": True,
                }
            )
        return rows

    @staticmethod
    def _lotteries(state: ShowState, now: float) -> list[dict[str, Any]]:
        rows = []
        for lot in list(state.lotteries.values())[-3:]:
            rows.append(
                {
                    "id": lot.lottery_id,
                    "prize": lot.prize,
                    "phase": lot.phase,
                    "entrants": len(lot.frozen_entrants or lot.entrants),
                    "opens_at": lot.opens_at,
                    "closes_at": lot.closes_at,
                    "draw_at": lot.draw_at,
                    "seed_hash": lot.seed_hash,
                    "winners": [
                        (lot.entrants[w].display_name if w in lot.entrants else w)
                        for w in lot.winners
                    ],
                    "how_to_enter": lot.how_to_enter(),
                    "closed_early": lot.closed_early,
                }
            )
        return rows

    @staticmethod
    def _polls(state: ShowState, now: float) -> list[dict[str, Any]]:
        return [
            {
                "id": p.poll_id,
                "question": p.question,
                "options": list(p.options),
                "counts": list(p.counts),
                "ends_at": p.ends_at,
                "active": p.active(now),
            }
            for p in list(state.polls.values())[-3:]
        ]

    def _chat_rows(self) -> list[dict[str, Any]]:
        with self._lock:
            items = list(self._chat)
            hidden, pinned = set(self._hidden), self._pinned_comment
        return [
            {
                "seq": i.seq,
                "nick": i.nick,
                "text": i.text,
                "hidden": i.hidden or i.seq in hidden,
                "flags": list(i.flags),
                "user_key": i.event.user_key,
                "pinned": i.seq == pinned,
                "question": i.is_question,
            }
            for i in reversed(items)
        ]

    def _numbers(self, now: float) -> dict[str, Any]:
        snap = self.stats.snapshot(now)
        conversion = snap.conversion
        return {
            "viewers": snap.viewers_now,
            "peak_viewers": snap.peak_viewers,
            "orders": snap.orders,
            "gmv_cents": snap.gmv_cents,
            "gmv": format_money(snap.gmv_cents, "CNY"),
            "conversion": round(conversion * 100, 1) if conversion is not None else None,
            "comments_per_min": snap.comments_per_min,
        }

    def _health_row(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self._health is not None:
            try:
                data = dict(self._health() or {})
            except Exception:
                log.exception("panel health callable failed")
        snap = self.stats.snapshot()
        data.setdefault("state", "live" if self._live else "off")
        data.setdefault("bitrate_kbps", snap.bitrate_kbps)
        data.setdefault("drops", snap.drops)
        data.setdefault("reconnects", snap.reconnects)
        return {k: data[k] for k in ("state", "bitrate_kbps", "drops", "reconnects")}

    def _rundown(self, state: ShowState, now: float) -> dict[str, Any]:
        rundown = self.controller.rundown
        pos = state.rundown
        if pos is None:
            nxt = rundown[0].title if len(rundown) else ""
            return {
                "index": -1,
                "count": len(rundown),
                "title": "",
                "next": nxt,
                "elapsed_s": 0,
                "planned_s": 0,
                "teleprompter": [],
            }
        segment = rundown[pos.index] if 0 <= pos.index < len(rundown) else None
        nxt = rundown[pos.index + 1].title if pos.index + 1 < len(rundown) else ""
        return {
            "index": pos.index,
            "count": len(rundown),
            "title": pos.title,
            "next": nxt,
            "elapsed_s": round(pos.elapsed(now)),
            "planned_s": pos.planned_s,
            "started_at": pos.started_at,
            "teleprompter": list(segment.talking_points) if segment else [],
        }

    def _templates(self) -> dict[str, list[dict[str, str]]]:
        out: dict[str, list[dict[str, str]]] = {
            "coupons": [],
            "flash_sales": [],
            "lotteries": [],
            "polls": [],
        }
        key = {
            "coupon": "coupons",
            "flash_sale": "flash_sales",
            "lottery": "lotteries",
            "poll": "polls",
        }
        for t in self.controller.promotions:
            out[key[t.type]].append({"id": t.id, "title": t.title})
        return out


__all__ = ["ShowPanelTarget"]
