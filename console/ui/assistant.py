"""The assistant panel: catalog and pinning, promotion launchers, lottery, poll, state, journal.

Every action is a command through :class:`~console.ui.show_bridge.ShowBridge` (so the same
path as hotkeys, rundown cues and later remote clients). A refused command shows its reason in
the panel's status line — no dialog. The panel redraws from ``bridge.state`` when an event
arrives (queued signal, UI thread) and refreshes its countdowns once a second.

The widgets of each tab are built in :mod:`console.ui.assistant_tabs`; what the panel says
(event descriptions, the glance, lottery and poll summaries) is in
:mod:`console.ui.assistant_text`.
"""

from __future__ import annotations

import time

from console.qt.QtCore import QEvent, Qt, Signal
from console.qt.QtWidgets import (
    QFormLayout,
    QListWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from console.show import commands as c
from console.show import state as st
from console.show.journal import Event
from console.show.money import format_money
from console.show.promotions import Promotions
from console.show.state import ShowState, coupon_label
from console.ui.assistant_tabs import AssistantTabs, ProductRow, scrolled
from console.ui.assistant_text import AssistantText, _esc, clock_text, yuan_to_cents
from console.ui.plain import set_plain_tooltip
from console.ui.show_bridge import ShowBridge

__all__ = ["MAX_LOG", "AssistantPanel", "ProductRow", "_esc", "clock_text", "yuan_to_cents"]

MAX_LOG = 500


class AssistantPanel(AssistantTabs, AssistantText, QWidget):
    """Runs the show: pin products, launch promotions, lottery, poll; state and journal."""

    command_done = Signal(str)  # command name (after a successful command from this panel)

    def __init__(
        self,
        bridge: ShowBridge,
        promotions: Promotions,
        title: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("assistantPanel")
        self.bridge = bridge
        self.promotions = promotions
        self.show_title = title
        self.rows: dict[str, ProductRow] = {}
        self.last_error = ""
        self._build()
        bridge.event_received.connect(self._event)
        bridge.second_ticked.connect(self.refresh_clock)
        self._log_seq = 0
        for event in list(bridge.controller.journal.events(st.SHOW_PREFIX))[-MAX_LOG:]:
            self.log.insertItem(0, self._log_item(event))
            self._log_seq = event.seq
        self.check_compliance()
        self.retranslate_ui()
        self.refresh()

    # ================================================================== construction
    def _build(self) -> None:
        self._build_glance()
        products = self._build_products()
        promos = self._build_promotions()
        lottery = self._build_lottery()
        poll = self._build_poll()
        log = self._build_journal()
        compliance = self._build_compliance()

        self.tabs = QTabWidget()
        self.tabs.setObjectName("assistantTabs")
        self.tabs.addTab(products, "")
        self.tabs.addTab(scrolled(promos), "")
        self.tabs.addTab(scrolled(lottery), "")
        self.tabs.addTab(scrolled(poll), "")
        self.tabs.addTab(log, "")
        self.tabs.addTab(compliance, "")

        root = QVBoxLayout(self)
        root.setContentsMargins(8, 8, 8, 8)
        root.setSpacing(8)
        root.addWidget(self.glance_box)
        root.addWidget(self.status)
        root.addWidget(self.tabs, 1)
        self._fill_catalog()

    def _fill_catalog(self) -> None:
        state = self.bridge.state
        self.catalog.clear()
        self.rows.clear()
        self.flash_product.clear()
        for product in state.products.values():
            row = ProductRow(product.id)
            row.toggled.connect(self.toggle_pin)
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, product.id)
            item.setSizeHint(row.sizeHint())
            self.catalog.addItem(item)
            self.catalog.setItemWidget(item, row)
            self.rows[product.id] = row
            self.flash_product.addItem(f"{product.title} · {product.id}", product.id)

    # ================================================================== compliance
    def check_compliance(self) -> list:
        """Check the show folder (a few small local files) and list what to review."""
        from console.audience.compliance import check_show
        from console.errors import UserError

        folder = getattr(self.bridge.controller, "folder", None)
        if folder is None:
            return []
        try:
            findings = check_show(folder.path)
        except UserError as exc:
            self.show_error(str(exc))
            return self.findings
        self.set_findings(findings)
        return findings

    def set_findings(self, findings: list) -> None:
        self.findings = list(findings)
        self._show_findings()

    def _show_findings(self) -> None:
        n = len(self.findings)
        self.compliance_summary.setText(
            self.tr(
                "{0} phrase(s) to review. Warnings only: the same word can be fine in one context and not in another — you decide."
            ).format(n)
            if n
            else self.tr("Nothing to review in the show's material.")
        )
        self.compliance_list.setHtml(self.compliance_html())

    # ================================================================== texts
    def retranslate_ui(self) -> None:
        self.glance_box.setTitle(self.tr("Now on the show"))
        self.search.setPlaceholderText(self.tr("Search by title or SKU"))
        self.unpin_button.setText(self.tr("Unpin"))
        self.products_hint.setText(self.tr("PgDown / PgUp pin the next / previous product"))
        for i, text in enumerate(
            (
                self.tr("Products"),
                self.tr("Promotions"),
                self.tr("Lottery"),
                self.tr("Poll"),
                self.tr("Journal"),
                self.tr("Compliance"),
            )
        ):
            self.tabs.setTabText(i, text)
        self.recheck_button.setText(self.tr("Re-check"))
        self.recheck_button.setToolTip(
            self.tr("Check titles, selling points, promotions and talking points again")
        )
        self._show_findings()
        self.active_label.setText(self.tr("Running now"))
        self.stop_button.setText(self.tr("Stop selected"))
        self.templates_label.setText(self.tr("Prepared promotions"))
        self.launch_button.setText(self.tr("Launch"))
        self.coupon_box.setTitle(self.tr("New coupon"))
        for i, text in enumerate(
            (
                self.tr("Spend X save Y (满减)"),
                self.tr("Percent off"),
                self.tr("Amount off (立减)"),
            )
        ):
            self.coupon_kind.setItemText(i, text)
        self._label_rows(
            self.coupon_form,
            (
                self.tr("Kind"),
                self.tr("Title"),
                self.tr("Spend at least"),
                self.tr("Discount"),
                self.tr("Percent off"),
                self.tr("Quantity"),
                self.tr("Valid for (min, 0 = until stopped)"),
            ),
        )
        self.coupon_title.setPlaceholderText(self.tr("Shown on the banner (optional)"))
        self.coupon_go.setText(self.tr("Launch coupon"))
        self.flash_box.setTitle(self.tr("New flash sale"))
        self._label_rows(
            self.flash_form,
            (self.tr("Product"), self.tr("Sale price"), self.tr("Quantity"), self.tr("Duration")),
        )
        self.flash_go.setText(self.tr("Start flash sale"))
        self.lottery_box.setTitle(self.tr("Open a lottery"))
        self._label_rows(
            self.lottery_form,
            (
                self.tr("Prize"),
                self.tr("Prize value"),
                self.tr("Entry rule"),
                self.tr("Keyword"),
                self.tr("Winners"),
                self.tr("Entry open for"),
                self.tr("Draw after close"),
                self.tr("How to claim"),
            ),
        )
        for i, text in enumerate(
            (
                self.tr("Comment the keyword"),
                self.tr("Like"),
                self.tr("Follow"),
                self.tr("Anyone present"),
            )
        ):
            self.lottery_rule.setItemText(i, text)
        self.lottery_go.setText(self.tr("Announce and open"))
        self.lottery_close.setText(self.tr("Close entry"))
        self.lottery_close_reason.setPlaceholderText(
            self.tr("Reason to close before the announced time (journaled)")
        )
        self.lottery_draw.setText(self.tr("Draw winners"))
        self.poll_box.setTitle(self.tr("New poll or quiz"))
        self._label_rows(
            self.poll_form,
            (
                self.tr("Question"),
                self.tr("Options"),
                self.tr("Right answer"),
                self.tr("Duration (0 = until stopped)"),
            ),
        )
        self.poll_options.setPlaceholderText(self.tr("Separate options with /"))
        self.poll_answer.setSpecialValueText(self.tr("none (a poll)"))
        self.poll_go.setText(self.tr("Start"))
        self.poll_stop.setText(self.tr("Stop poll"))
        for i in range(self.templates.count()):
            item = self.templates.item(i)
            item.setText(
                self._template_text(self.promotions.get(item.data(Qt.ItemDataRole.UserRole)))
            )
        self.refresh()

    @staticmethod
    def _label_rows(form: QFormLayout, texts: tuple[str, ...]) -> None:
        for row, text in enumerate(texts):
            form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().setText(text)

    def changeEvent(self, event: QEvent) -> None:  # Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def run(self, command: c.Command) -> bool:
        """Run a command through the controller; a refusal is shown inline. True when done."""
        event, reason = self.bridge.execute(command, actor="assistant")
        if event is None:
            self.show_error(reason)
            return False
        self.last_error = ""
        self.status.setObjectName("commandOk")
        self.status.setText("✓ " + self.describe(event, self.bridge.state))
        self._repolish(self.status)
        self.status.show()
        self.refresh()
        self.command_done.emit(command.name)
        return True

    def show_error(self, reason: str) -> None:
        self.last_error = reason
        self.status.setObjectName("commandError")
        self.status.setText("✕ " + self.tr("Not done: {0}").format(reason))
        self._repolish(self.status)
        self.status.show()

    @staticmethod
    def _repolish(w: QWidget) -> None:
        w.style().unpolish(w)
        w.style().polish(w)

    def toggle_pin(self, product_id: str) -> bool:
        pinned = self.bridge.state.pinned
        if pinned is not None and pinned.product_id == product_id:
            return self.run(c.UnpinProduct())
        return self.run(c.PinProduct(product_id))

    def pin(self, product_id: str) -> bool:
        return self.run(c.PinProduct(product_id))

    def unpin(self) -> bool:
        return self.run(c.UnpinProduct())

    def pin_relative(self, step: int) -> bool:
        """Pin the next (+1) / previous (-1) catalog product (hotkeys; wraps around)."""
        ids = list(self.bridge.state.products)
        if not ids:
            return False
        pinned = self.bridge.state.pinned
        if pinned is None or pinned.product_id not in ids:
            index = 0 if step > 0 else len(ids) - 1
        else:
            index = (ids.index(pinned.product_id) + step) % len(ids)
        return self.pin(ids[index])

    def launch_template(self, template_id: str) -> bool:
        try:
            command = self.promotions.command(template_id)
        except Exception as exc:  # a template that does not build is a UserError too
            self.show_error(str(exc))
            return False
        return self.run(command)

    def launch_selected(self) -> bool:
        item = self.templates.currentItem()
        if item is None:
            self.show_error(self.tr("choose a prepared promotion first"))
            return False
        return self.launch_template(item.data(Qt.ItemDataRole.UserRole))

    def launch_coupon_form(self) -> bool:
        minutes = self.coupon_minutes.value()
        return self.run(
            c.LaunchCoupon(
                kind=self.coupon_kind.currentData(),
                quantity=self.coupon_quantity.value(),
                threshold_cents=yuan_to_cents(self.coupon_threshold.value()),
                discount_cents=yuan_to_cents(self.coupon_discount.value()),
                percent=self.coupon_percent.value()
                if self.coupon_kind.currentData() == "percent"
                else 0,
                duration_s=float(minutes * 60) if minutes else None,
                title=self.coupon_title.text().strip(),
            )
        )

    def start_flash_form(self) -> bool:
        product_id = self.flash_product.currentData()
        if not product_id:
            self.show_error(self.tr("the catalog is empty"))
            return False
        return self.run(
            c.StartFlashSale(
                product_id=product_id,
                sale_price_cents=yuan_to_cents(self.flash_price.value()),
                quantity=self.flash_quantity.value(),
                duration_s=float(self.flash_seconds.value()),
            )
        )

    def open_lottery_form(self) -> bool:
        return self.run(
            c.OpenLottery(
                prize=self.lottery_prize.text(),
                prize_value_cents=yuan_to_cents(self.lottery_value.value()),
                entry_rule=self.lottery_rule.currentData(),
                winners=self.lottery_winners.value(),
                entry_duration_s=float(self.lottery_entry_s.value()),
                keyword=self.lottery_keyword.text(),
                draw_delay_s=float(self.lottery_delay_s.value()),
                claim_rules=self.lottery_claim.text(),
            )
        )

    def close_lottery(self) -> bool:
        lottery = self.bridge.state.current_lottery()
        if lottery is None:
            self.show_error(self.tr("no lottery yet"))
            return False
        reason = self.lottery_close_reason.text().strip()
        if self.run(c.CloseLottery(lottery.lottery_id, reason=reason)):
            self.lottery_close_reason.clear()
            return True
        return False

    def draw_lottery(self) -> bool:
        lottery = self.bridge.state.current_lottery()
        if lottery is None:
            self.show_error(self.tr("no lottery yet"))
            return False
        if self.bridge.state.promotions_hold is not None:  # the stream is down
            if not self.confirm_draw_while_down():
                return False
            return self.run(c.DrawLottery(lottery.lottery_id, override=True))
        return self.run(c.DrawLottery(lottery.lottery_id))

    def confirm_draw_while_down(self) -> bool:
        """The stream is down: viewers would not see the draw. Draw anyway? (journaled)"""
        from console.qt.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self,
            self.tr("Draw while the stream is down?"),
            self.tr(
                "Every destination is down: viewers would not see the draw. Draw anyway? "
                "(journaled as an override)"
            ),
        )
        return answer == QMessageBox.StandardButton.Yes

    def start_poll_form(self) -> bool:
        options = tuple(o.strip() for o in self.poll_options.text().split("/") if o.strip())
        answer = self.poll_answer.value()
        seconds = self.poll_seconds.value()
        return self.run(
            c.StartPoll(
                question=self.poll_question.text(),
                options=options,
                answer=answer - 1 if answer else None,
                duration_s=float(seconds) if seconds else None,
            )
        )

    def stop_poll(self) -> bool:
        poll = self.bridge.state.active_poll(self.bridge.now())
        if poll is None:
            self.show_error(self.tr("no poll is running"))
            return False
        return self.run(c.StopPoll(poll.poll_id))

    def stop_selected(self) -> bool:
        item = self.active_list.currentItem()
        if item is None:
            self.show_error(self.tr("choose a running coupon or flash sale first"))
            return False
        kind, ident = item.data(Qt.ItemDataRole.UserRole)
        command = c.StopCoupon(ident) if kind == "coupon" else c.StopFlashSale(ident)
        return self.run(command)

    # ================================================================== showing the state
    def _event(self, event: Event, state: ShowState) -> None:
        if event.seq > self._log_seq:  # events journaled before the panel was built are loaded
            self._log_seq = event.seq
            self.log.insertItem(0, self._log_item(event, state))
        while self.log.count() > MAX_LOG:
            self.log.takeItem(self.log.count() - 1)
        if event.kind == st.CATALOG_LOADED:
            self._fill_catalog()
        self.refresh()

    def _log_item(self, event: Event, state: ShowState | None = None) -> QListWidgetItem:
        stamp = time.strftime("%H:%M:%S", time.localtime(event.ts))
        item = QListWidgetItem(f"{stamp}  {self.describe(event, state)}")
        set_plain_tooltip(item, f"#{event.seq} {event.kind} · {event.actor}")
        item.setData(Qt.ItemDataRole.UserRole, event.seq)
        if event.kind == st.CUE_FAILED:
            item.setForeground(Qt.GlobalColor.yellow)
        return item

    def refresh(self) -> None:
        """Redraw everything from the controller's current state."""
        state = self.bridge.state
        now = self.bridge.now()
        pinned = state.pinned.product_id if state.pinned else None
        needle = self.search.text().strip().lower()
        for pid, row in self.rows.items():
            product = state.products.get(pid)
            if product is None:
                continue
            row.title.setText(("● " if pid == pinned else "") + product.title)
            sale = state.flash_sale_for(pid, now)
            price = format_money(product.price_cents, product.currency)
            if sale is not None:
                price = self.tr("{0} flash sale").format(format_money(sale.sale_price_cents))
            row.meta.setText(
                self.tr("{0} · {1} · stock {2}").format(pid, price, state.stock.get(pid, 0))
            )
            row.set_pinned(pid == pinned, self.tr("Pin"), self.tr("Unpin"))
        self._filter(needle)
        self.unpin_button.setEnabled(pinned is not None)
        self.refresh_clock()

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        state = self.bridge.state
        for i in range(self.catalog.count()):
            item = self.catalog.item(i)
            pid = item.data(Qt.ItemDataRole.UserRole)
            product = state.products.get(pid)
            hay = f"{pid} {product.title if product else ''}".lower()
            item.setHidden(bool(needle) and needle not in hay)

    def visible_products(self) -> list[str]:
        return [
            self.catalog.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.catalog.count())
            if not self.catalog.item(i).isHidden()
        ]

    def _fill_active(self, state: ShowState, now: float) -> None:
        current = self.active_list.currentItem()
        keep = current.data(Qt.ItemDataRole.UserRole) if current else None
        self.active_list.clear()
        for coupon in state.active_coupons(now):
            label = coupon.title or coupon_label(
                coupon.kind, coupon.threshold_cents, coupon.discount_cents, coupon.percent
            )
            item = QListWidgetItem(
                self.tr("Coupon {0} · {1} · {2} left · {3}").format(
                    coupon.coupon_id, label, coupon.left, clock_text(coupon.remaining(now))
                )
            )
            item.setData(Qt.ItemDataRole.UserRole, ("coupon", coupon.coupon_id))
            self.active_list.addItem(item)
        for sale in state.active_flash_sales(now):
            item = QListWidgetItem(
                self.tr("Flash sale {0} · {1} {2} · {3}/{4} left · {5}").format(
                    sale.sale_id,
                    self._product_name(sale.product_id),
                    format_money(sale.sale_price_cents),
                    sale.remaining_quantity,
                    sale.quantity,
                    clock_text(sale.remaining(now)),
                )
            )
            item.setData(Qt.ItemDataRole.UserRole, ("flash", sale.sale_id))
            self.active_list.addItem(item)
        if not self.active_list.count():
            empty = QListWidgetItem(self.tr("No coupon or flash sale running"))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.active_list.addItem(empty)
        for i in range(self.active_list.count()):
            if keep is not None and self.active_list.item(i).data(Qt.ItemDataRole.UserRole) == keep:
                self.active_list.setCurrentRow(i)

    def refresh_clock(self) -> None:
        """The parts that change with time: the glance, countdowns, lottery and poll."""
        state = self.bridge.state
        now = self.bridge.now()
        self.glance.setText(self.glance_html(state, now))
        self.lottery_info.setText(self.lottery_html(state, now))
        self.poll_info.setText(self.poll_html(state, now))
        lottery = state.current_lottery()
        self.lottery_close.setEnabled(lottery is not None and lottery.phase == "open")
        self.lottery_draw.setEnabled(lottery is not None and lottery.phase == "closed")
        self.poll_stop.setEnabled(state.active_poll(now) is not None)
        self._fill_active(state, now)
