"""What the assistant panel says: journal event descriptions, the glance, lottery and poll
summaries, promotion template lines, compliance findings — text and HTML from the show state,
apart from the widgets.

:class:`AssistantText` is mixed into :class:`~console.ui.assistant.AssistantPanel` (it needs
``self.tr`` for translations and ``self.bridge`` for the current state); it builds no widget.
"""

from __future__ import annotations

import math
import time
from typing import Any

from console.show import state as st
from console.show.journal import Event
from console.show.money import format_money
from console.show.promotions import Template
from console.show.state import ShowState, coupon_label
from console.timefmt import hms
from console.ui.show_bridge import ShowBridge


def clock_text(seconds: float | None, countdown: bool = True) -> str:
    """``125`` → ``2:05``; None → ``∞``. A countdown rounds up (0:00 only when it is over),
    elapsed time rounds down."""
    if seconds is None:
        return "∞"
    return hms(math.ceil(seconds - 1e-6) if countdown else int(seconds))


def yuan_to_cents(value: float) -> int:
    return int(round(value * 100))


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class AssistantText:
    """Descriptions and summaries of the show state; mixed into AssistantPanel."""

    bridge: ShowBridge
    findings: list[Any]

    def compliance_html(self) -> str:
        if not self.findings:
            return "<p style='color:#8a93a3'>" + _esc(self.tr("No absolute terms found.")) + "</p>"
        rows = []
        exception = _esc(self.tr("Exception"))
        for f in self.findings:
            s, e = f.span
            text = (
                _esc(f.text[:s])
                + "<span style='background:#f5a623;color:#1a1a1a'>"
                + _esc(f.text[s:e])
                + "</span>"
                + _esc(f.text[e:])
            )
            note = _esc(f.clause) + (f"; {_esc(f.note)}" if f.note else "")
            extra = "".join(
                f"<br><span style='color:#8a93a3'>{exception}: {_esc(x)}</span>"
                for x in f.exceptions
            )
            rows.append(
                f"<p><span style='color:#8a93a3'>{_esc(f.location)}</span><br>{text}"
                f"<br><span style='color:#b8c0cc'>{_esc(f.phrase)} — {note}</span>{extra}</p>"
            )
        return "".join(rows)

    def _type_name(self, kind: str) -> str:
        return {
            "coupon": self.tr("Coupon"),
            "flash_sale": self.tr("Flash sale"),
            "lottery": self.tr("Lottery"),
            "poll": self.tr("Poll"),
        }.get(kind, kind)

    def _template_text(self, t: Template) -> str:
        f = t.fields
        detail = ""
        if t.type == "flash_sale":
            detail = (
                f"{f.get('product_id', '')} ¥{f.get('sale_price', '')} × {f.get('quantity', '')}"
            )
        elif t.type == "coupon":
            detail = self.tr("{0} left").format(f.get("quantity", ""))
        elif t.type == "lottery":
            detail = f"{f.get('prize', '')} × {f.get('winners', '')}"
        elif t.type == "poll":
            detail = " / ".join(f.get("options", []))
        return f"{self._type_name(t.type)} · {t.title or t.id}\n{detail}"

    # ================================================================== running commands
    def _product_name(self, product_id: str, state: ShowState | None = None) -> str:
        product = (state or self.bridge.state).products.get(product_id)
        return product.title if product else product_id

    def describe(self, event: Event, state: ShowState | None = None) -> str:
        """One readable line per journal event (the journal log and the status line)."""
        p = event.payload
        k = event.kind
        who = {
            "clock": self.tr("(clock)"),
            "rundown": self.tr("(rundown)"),
        }.get(event.actor, "")
        name = self._product_name
        if k == st.PRODUCT_PINNED:
            text = self.tr("Pinned {0}").format(name(p["product_id"], state))
        elif k == st.PRODUCT_UNPINNED:
            text = self.tr("Unpinned {0}").format(name(p["product_id"], state))
        elif k == st.COUPON_LAUNCHED:
            label = p.get("title") or coupon_label(
                p["kind"], p["threshold_cents"], p["discount_cents"], p["percent"]
            )
            text = self.tr("Coupon {0} launched: {1}, {2} available").format(
                p["coupon_id"], label, p["quantity"]
            )
        elif k == st.COUPON_STOPPED:
            text = (
                self.tr("Coupon {0} expired")
                if p.get("reason") == "expired"
                else self.tr("Coupon {0} stopped")
            ).format(p["coupon_id"])
        elif k == st.FLASH_SALE_STARTED:
            text = self.tr("Flash sale {0}: {1} at {2} (list {3}), {4} units").format(
                p["sale_id"],
                name(p["product_id"], state),
                format_money(p["sale_price_cents"]),
                format_money(p["list_price_cents"]),
                p["quantity"],
            )
        elif k == st.FLASH_SALE_STOPPED:
            reason = p.get("reason")
            text = {
                "expired": self.tr("Flash sale {0} ended (time up)"),
                "sold_out": self.tr("Flash sale {0} sold out"),
            }.get(reason, self.tr("Flash sale {0} stopped")).format(p["sale_id"])
        elif k == st.LOTTERY_OPENED:
            text = self.tr("Lottery {0} announced: {1} × {2}, seed SHA-256 {3}…").format(
                p["lottery_id"], p["prize"], p["winners"], p["seed_hash"][:12]
            )
        elif k == st.LOTTERY_ENTRY_OPENED:
            text = self.tr("Lottery {0}: entry open").format(p["lottery_id"])
        elif k == st.LOTTERY_ENTRANT_ADDED:
            text = self.tr("Lottery {0}: {1} entered").format(p["lottery_id"], p["display_name"])
        elif k == st.LOTTERY_CLOSED:
            text = self.tr("Lottery {0}: entry closed with {1} entrants").format(
                p["lottery_id"], len(p["entrants"])
            )
            if p.get("early"):
                text += " · " + self.tr("EARLY ({0} s before the announced time): {1}").format(
                    round(p.get("announced_closes_at", p["at"]) - p["at"]), p.get("reason", "")
                )
        elif k == st.LOTTERY_DRAWN:
            text = self.tr("Lottery {0} drawn: {1}").format(
                p["lottery_id"],
                ", ".join(self._winner_names(p["lottery_id"], p["winners"], state))
                or self.tr("no entrants"),
            )
        elif k == st.POLL_STARTED:
            text = self.tr("Poll {0}: {1}").format(p["poll_id"], p["question"])
        elif k == st.POLL_VOTED:
            text = self.tr("Poll {0}: a vote").format(p["poll_id"])
        elif k == st.POLL_STOPPED:
            text = self.tr("Poll {0} ended").format(p["poll_id"])
        elif k == st.SEGMENT_STARTED:
            text = self.tr("Segment {0}: {1}").format(p["index"] + 1, p["title"])
        elif k == st.SEGMENT_OVERRUN:
            text = self.tr("Segment {0} is over its planned {1}").format(
                p["index"] + 1, clock_text(p["planned_s"])
            )
        elif k == st.SALE_RECORDED:
            text = self.tr("Sold {0} × {1}").format(p["quantity"], name(p["product_id"], state))
        elif k == st.STOCK_ADJUSTED:
            text = self.tr("Stock of {0} {1:+d}").format(name(p["product_id"], state), p["delta"])
        elif k == st.CUE_FAILED:
            text = self.tr("Cue refused in {0}: {1}").format(p["segment_id"], p["reason"])
        elif k == st.CATALOG_LOADED:
            text = self.tr("Catalog loaded: {0} products").format(len(p["products"]))
        elif k == st.PROMOTIONS_HELD:  # every real destination down (console/show/uplink_hold)
            held = ", ".join(i.get("title") or i["id"] for i in p["items"]) or "–"
            text = self.tr("Stream down: countdowns held ({0})").format(held)
        elif k == st.PROMOTIONS_RESUMED:
            held = ", ".join(i.get("title") or i["id"] for i in p["items"]) or "–"
            text = self.tr("Stream back: held {0:.0f} s: {1}").format(p["held_s"], held)
        else:
            text = k
        return f"{text} {who}".strip()

    def _winner_names(
        self, lottery_id: str, winners: list[str] | tuple[str, ...], state: ShowState | None
    ) -> list[str]:
        lottery = (state or self.bridge.state).lotteries.get(lottery_id)
        entrants = lottery.entrants if lottery else {}
        return [entrants[w].display_name if w in entrants else w for w in winners]

    def glance_html(self, state: ShowState, now: float) -> str:
        muted = "#8a93a3"
        rows: list[tuple[str, str]] = []
        product = state.pinned_product()
        nothing = self.tr("nothing")
        none_running = self.tr("none running")
        if product is not None and state.pinned is not None:
            price = format_money(product.price_cents, product.currency)
            stock = self.tr("stock {0}").format(state.stock.get(product.id, 0))
            rows.append((self.tr("Pinned"), f"<b>{_esc(product.title)}</b> · {price} · {stock}"))
        else:
            rows.append((self.tr("Pinned"), f"<span style='color:{muted}'>{nothing}</span>"))
        promos = []
        for sale in state.active_flash_sales(now):
            promos.append(
                self.tr("Flash sale {0} {1} · {2} left · <b>{3}</b>").format(
                    _esc(self._product_name(sale.product_id)),
                    format_money(sale.sale_price_cents),
                    sale.remaining_quantity,
                    clock_text(sale.remaining(now)),
                )
            )
        for coupon in state.active_coupons(now):
            label = coupon.title or coupon_label(
                coupon.kind, coupon.threshold_cents, coupon.discount_cents, coupon.percent
            )
            promos.append(
                self.tr("Coupon {0} · {1} left · <b>{2}</b>").format(
                    _esc(label), coupon.left, clock_text(coupon.remaining(now))
                )
            )
        rows.append(
            (
                self.tr("Promotions"),
                "<br>".join(promos) or f"<span style='color:{muted}'>{none_running}</span>",
            )
        )
        lottery = state.current_lottery()
        if lottery is not None:
            rows.append((self.tr("Lottery"), self._lottery_line(lottery, now)))
        poll = state.active_poll(now)
        if poll is not None:
            counts = " · ".join(
                f"{_esc(o)} <b>{n}</b>" for o, n in zip(poll.options, poll.counts, strict=True)
            )
            rows.append(
                (
                    self.tr("Poll"),
                    f"{_esc(poll.question)}<br>{counts} · {clock_text(poll.remaining(now))}",
                )
            )
        cells = "".join(
            f"<tr><td style='color:{muted}; padding-right:10px'>{_esc(k)}</td><td>{v}</td></tr>"
            for k, v in rows
        )
        return f"<table cellspacing='0' cellpadding='2'>{cells}</table>"

    def _phase_name(self, phase: str) -> str:
        return {
            "announced": self.tr("announced"),
            "open": self.tr("entry open"),
            "closed": self.tr("entry closed"),
            "drawn": self.tr("drawn"),
        }.get(phase, phase)

    def _lottery_line(self, lottery: st.LotteryState, now: float) -> str:
        text = f"{_esc(lottery.prize)} · {_esc(self._phase_name(lottery.phase))} · " + self.tr(
            "{0} entrants"
        ).format(len(lottery.entrants))
        if lottery.phase in ("announced", "open"):
            text += f" · <b>{clock_text(lottery.entry_remaining(now))}</b>"
        elif lottery.phase == "closed":
            text += " · " + self.tr("draw in {0}").format(clock_text(lottery.draw_in(now)))
        return text

    def lottery_html(self, state: ShowState, now: float) -> str:
        lottery = state.current_lottery()
        if lottery is None:
            return self.tr("No lottery yet. Announce one below or from a prepared promotion.")
        muted = "#8a93a3"
        stamp = lambda t: time.strftime("%H:%M:%S", time.localtime(t))  # noqa: E731
        rows = [
            (
                self.tr("Lottery"),
                f"{_esc(lottery.lottery_id)} · <b>{_esc(self._phase_name(lottery.phase))}</b>",
            ),
            (
                self.tr("Prize"),
                f"{_esc(lottery.prize)} ({format_money(lottery.prize_value_cents)})",
            ),
            (self.tr("How to enter"), _esc(lottery.how_to_enter())),
            (self.tr("Winners"), str(lottery.winners_count)),
            (
                self.tr("Entry"),
                f"{stamp(lottery.opens_at)} – {stamp(lottery.closes_at)}"
                + (
                    f" · <b>{clock_text(lottery.entry_remaining(now))}</b>"
                    if lottery.phase in ("announced", "open")
                    else ""
                ),
            ),
            (self.tr("Draw at"), stamp(lottery.draw_at)),
            *(
                [
                    (
                        self.tr("Closed early"),
                        f"<b>{stamp(lottery.closed_at or 0)}</b> · {_esc(lottery.close_reason)}",
                    )
                ]
                if lottery.closed_early
                else []
            ),
            (self.tr("Entrants"), str(len(lottery.entrants))),
            (
                self.tr("Seed SHA-256"),
                f"<span style='font-family:monospace'>{_esc(lottery.seed_hash)}</span>",
            ),
        ]
        if lottery.claim_rules:
            rows.insert(4, (self.tr("How to claim"), _esc(lottery.claim_rules)))
        if lottery.entrants_hash:
            rows.append(
                (
                    self.tr("Entrants SHA-256"),
                    f"<span style='font-family:monospace'>{_esc(lottery.entrants_hash)}</span>",
                )
            )
        if lottery.phase == "drawn":
            names = self._winner_names(lottery.lottery_id, lottery.winners, state)
            rows.append(
                (
                    self.tr("Winners drawn"),
                    "<b>" + _esc(", ".join(names) or self.tr("no entrants")) + "</b>",
                )
            )
            rows.append(
                (
                    self.tr("Seed (revealed)"),
                    f"<span style='font-family:monospace'>{_esc(lottery.revealed_seed)}</span>",
                )
            )
        cells = "".join(
            f"<tr><td style='color:{muted}; padding-right:10px'>{_esc(k)}</td><td>{v}</td></tr>"
            for k, v in rows
        )
        return f"<table cellspacing='0' cellpadding='2'>{cells}</table>"

    def poll_html(self, state: ShowState, now: float) -> str:
        poll = state.active_poll(now) or next(reversed(state.polls.values()), None)
        if poll is None:
            return self.tr("No poll yet.")
        total = max(1, sum(poll.counts))
        lines = [f"<b>{_esc(poll.question)}</b> ({_esc(poll.poll_id)})"]
        for i, (option, n) in enumerate(zip(poll.options, poll.counts, strict=True)):
            mark = " ✓" if poll.answer == i else ""
            lines.append(f"{_esc(option)}{mark}: <b>{n}</b> ({100 * n // total} %)")
        if poll.active(now):
            lines.append(self.tr("{0} left").format(clock_text(poll.remaining(now))))
        else:
            lines.append(self.tr("ended"))
        return "<br>".join(lines)
