"""The assistant panel: catalog and pinning, promotion launchers, lottery, poll, state, journal.

Every action is a command through :class:`~console.ui.show_bridge.ShowBridge` (so the same
path as hotkeys, rundown cues and later remote clients). A refused command shows its reason in
the panel's status line — no dialog. The panel redraws from ``bridge.state`` when an event
arrives (queued signal, UI thread) and refreshes its countdowns once a second.
"""

from __future__ import annotations

import math
import time

from console.qt.QtCore import QEvent, Qt, Signal
from console.qt.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from console.show import commands as c
from console.show import state as st
from console.show.journal import Event
from console.show.money import format_money
from console.show.promotions import Promotions, Template
from console.show.state import ShowState, coupon_label
from console.ui.plain import plain_label, set_plain_tooltip
from console.ui.show_bridge import ShowBridge

MAX_LOG = 500


def clock_text(seconds: float | None, countdown: bool = True) -> str:
    """``125`` → ``2:05``; None → ``∞``. A countdown rounds up (0:00 only when it is over),
    elapsed time rounds down."""
    if seconds is None:
        return "∞"
    s = max(0, math.ceil(seconds - 1e-6) if countdown else int(seconds))
    return (
        f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
    )


def yuan_to_cents(value: float) -> int:
    return int(round(value * 100))


def _money_spin(maximum: float = 1_000_000.0) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setDecimals(2)
    spin.setRange(0.0, maximum)
    spin.setPrefix("¥ ")
    spin.setSingleStep(1.0)
    return spin


def _spin(low: int, high: int, value: int, suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setSuffix(suffix)
    return spin


class ProductRow(QFrame):
    """One catalog product: title, SKU · price · stock, and a one-click Pin/Unpin button."""

    toggled = Signal(str)  # product id

    def __init__(self, product_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("productRow")
        self.product_id = product_id
        self.title = plain_label()
        self.title.setObjectName("rowTitle")
        self.meta = plain_label()
        self.meta.setObjectName("hint")
        self.button = QPushButton()
        self.button.setObjectName("pinButton")
        self.button.setMinimumWidth(78)
        self.button.clicked.connect(lambda: self.toggled.emit(self.product_id))
        text = QVBoxLayout()
        text.setSpacing(1)
        text.addWidget(self.title)
        text.addWidget(self.meta)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 5, 8, 5)
        lay.addLayout(text, 1)
        lay.addWidget(self.button)
        self.pinned = False

    def set_pinned(self, pinned: bool, pin_text: str, unpin_text: str) -> None:
        self.pinned = pinned
        self.button.setText(unpin_text if pinned else pin_text)
        self.setProperty("pinned", pinned)
        self.button.setProperty("pinned", pinned)
        for w in (self, self.button):
            w.style().unpolish(w)
            w.style().polish(w)


class AssistantPanel(QWidget):
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
        # -- at a glance ------------------------------------------------------------------------
        self.glance = plain_label()
        self.glance.setObjectName("glance")
        self.glance.setWordWrap(True)
        self.glance.setTextFormat(Qt.TextFormat.RichText)
        self.glance.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        gl = QVBoxLayout()
        gl.addWidget(self.glance)
        self.glance_box = QGroupBox()
        self.glance_box.setLayout(gl)

        self.status = plain_label()
        self.status.setObjectName("commandStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()

        # -- products ----------------------------------------------------------------------------
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.catalog = QListWidget()
        self.catalog.setObjectName("catalog")
        self.catalog.setSpacing(2)
        self.unpin_button = QPushButton()
        self.unpin_button.clicked.connect(self.unpin)
        products = QWidget()
        pl = QVBoxLayout(products)
        pl.setContentsMargins(6, 8, 6, 6)
        pl.addWidget(self.search)
        pl.addWidget(self.catalog, 1)
        row = QHBoxLayout()
        self.products_hint = plain_label()
        self.products_hint.setObjectName("hint")
        row.addWidget(self.products_hint, 1)
        row.addWidget(self.unpin_button)
        pl.addLayout(row)

        # -- promotions: active, templates, forms ---------------------------------------------------
        self.active_list = QListWidget()
        self.active_list.setObjectName("activePromotions")
        self.active_list.setMaximumHeight(110)
        self.stop_button = QPushButton()
        self.stop_button.clicked.connect(self.stop_selected)
        self.templates = QListWidget()
        self.templates.setObjectName("templates")
        self.templates.itemDoubleClicked.connect(lambda _: self.launch_selected())
        self.launch_button = QPushButton()
        self.launch_button.setObjectName("primary")
        self.launch_button.clicked.connect(self.launch_selected)
        for t in self.promotions:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, t.id)
            self.templates.addItem(item)
        self.templates.setMaximumHeight(170)

        self.coupon_kind = QComboBox()
        for kind in c.COUPON_KINDS:
            self.coupon_kind.addItem("", kind)
        self.coupon_title = QLineEdit()
        self.coupon_threshold = _money_spin()
        self.coupon_discount = _money_spin()
        self.coupon_percent = _spin(1, 99, 10, " %")
        self.coupon_quantity = _spin(1, 1_000_000, 100)
        self.coupon_minutes = _spin(0, 24 * 60, 30)
        self.coupon_go = QPushButton()
        self.coupon_go.clicked.connect(self.launch_coupon_form)
        self.coupon_form = QFormLayout()
        for w in (
            self.coupon_kind,
            self.coupon_title,
            self.coupon_threshold,
            self.coupon_discount,
            self.coupon_percent,
            self.coupon_quantity,
            self.coupon_minutes,
        ):
            self.coupon_form.addRow(plain_label(), w)
        self.coupon_form.addRow("", self.coupon_go)
        self.coupon_box = QGroupBox()
        self.coupon_box.setLayout(self.coupon_form)

        self.flash_product = QComboBox()
        self.flash_price = _money_spin()
        self.flash_quantity = _spin(1, 10_000_000, 50)
        self.flash_seconds = _spin(1, 24 * 3600, 120, " s")
        self.flash_go = QPushButton()
        self.flash_go.clicked.connect(self.start_flash_form)
        self.flash_form = QFormLayout()
        for w in (self.flash_product, self.flash_price, self.flash_quantity, self.flash_seconds):
            self.flash_form.addRow(plain_label(), w)
        self.flash_form.addRow("", self.flash_go)
        self.flash_box = QGroupBox()
        self.flash_box.setLayout(self.flash_form)

        promos = QWidget()
        prl = QVBoxLayout(promos)
        prl.setContentsMargins(6, 8, 6, 6)
        self.active_label = plain_label()
        self.active_label.setObjectName("sectionLabel")
        prl.addWidget(self.active_label)
        prl.addWidget(self.active_list)
        srow = QHBoxLayout()
        srow.addStretch(1)
        srow.addWidget(self.stop_button)
        prl.addLayout(srow)
        self.templates_label = plain_label()
        self.templates_label.setObjectName("sectionLabel")
        prl.addWidget(self.templates_label)
        prl.addWidget(self.templates)
        trow = QHBoxLayout()
        trow.addStretch(1)
        trow.addWidget(self.launch_button)
        prl.addLayout(trow)
        prl.addWidget(self.coupon_box)
        prl.addWidget(self.flash_box)
        prl.addStretch(1)

        # -- lottery ---------------------------------------------------------------------------------
        self.lottery_info = plain_label()
        self.lottery_info.setObjectName("lotteryInfo")
        self.lottery_info.setWordWrap(True)
        self.lottery_info.setTextFormat(Qt.TextFormat.RichText)
        self.lottery_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lottery_close = QPushButton()
        self.lottery_close.clicked.connect(self.close_lottery)
        # closing before the announced time needs a reason: journaled, shown by verify-lottery
        self.lottery_close_reason = QLineEdit()
        self.lottery_close_reason.setObjectName("lotteryCloseReason")
        self.lottery_draw = QPushButton()
        self.lottery_draw.setObjectName("primary")
        self.lottery_draw.clicked.connect(self.draw_lottery)
        self.lottery_prize = QLineEdit()
        self.lottery_value = _money_spin(50_000.0)
        self.lottery_rule = QComboBox()
        for rule in c.ENTRY_RULES:
            self.lottery_rule.addItem("", rule)
        self.lottery_keyword = QLineEdit()
        self.lottery_winners = _spin(1, 1000, 3)
        self.lottery_entry_s = _spin(1, 24 * 3600, 180, " s")
        self.lottery_delay_s = _spin(0, 24 * 3600, 10, " s")
        self.lottery_claim = QLineEdit()
        self.lottery_go = QPushButton()
        self.lottery_go.clicked.connect(self.open_lottery_form)
        self.lottery_form = QFormLayout()
        for w in (
            self.lottery_prize,
            self.lottery_value,
            self.lottery_rule,
            self.lottery_keyword,
            self.lottery_winners,
            self.lottery_entry_s,
            self.lottery_delay_s,
            self.lottery_claim,
        ):
            self.lottery_form.addRow(plain_label(), w)
        self.lottery_form.addRow("", self.lottery_go)
        self.lottery_box = QGroupBox()
        self.lottery_box.setLayout(self.lottery_form)
        lottery = QWidget()
        ll = QVBoxLayout(lottery)
        ll.setContentsMargins(6, 8, 6, 6)
        ll.addWidget(self.lottery_info)
        lrow = QHBoxLayout()
        lrow.addWidget(self.lottery_close_reason, 1)
        lrow.addWidget(self.lottery_close)
        lrow.addWidget(self.lottery_draw)
        ll.addLayout(lrow)
        ll.addWidget(self.lottery_box)
        ll.addStretch(1)

        # -- poll ------------------------------------------------------------------------------------
        self.poll_info = plain_label()
        self.poll_info.setWordWrap(True)
        self.poll_info.setTextFormat(Qt.TextFormat.RichText)
        self.poll_stop = QPushButton()
        self.poll_stop.clicked.connect(self.stop_poll)
        self.poll_question = QLineEdit()
        self.poll_options = QLineEdit()
        self.poll_answer = QSpinBox()
        self.poll_answer.setRange(0, 6)
        self.poll_seconds = _spin(0, 24 * 3600, 60, " s")
        self.poll_go = QPushButton()
        self.poll_go.clicked.connect(self.start_poll_form)
        self.poll_form = QFormLayout()
        for w in (self.poll_question, self.poll_options, self.poll_answer, self.poll_seconds):
            self.poll_form.addRow(plain_label(), w)
        self.poll_form.addRow("", self.poll_go)
        self.poll_box = QGroupBox()
        self.poll_box.setLayout(self.poll_form)
        poll = QWidget()
        pol = QVBoxLayout(poll)
        pol.setContentsMargins(6, 8, 6, 6)
        pol.addWidget(self.poll_info)
        prow = QHBoxLayout()
        prow.addStretch(1)
        prow.addWidget(self.poll_stop)
        pol.addLayout(prow)
        pol.addWidget(self.poll_box)
        pol.addStretch(1)

        # -- journal ---------------------------------------------------------------------------------
        self.log = QListWidget()
        self.log.setObjectName("journalLog")
        self.log.setWordWrap(True)
        self.log.setAlternatingRowColors(True)

        def scrolled(w: QWidget) -> QScrollArea:
            area = QScrollArea()
            area.setWidget(w)
            area.setWidgetResizable(True)
            area.setFrameShape(QFrame.Shape.NoFrame)
            area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            return area

        self.tabs = QTabWidget()
        self.tabs.setObjectName("assistantTabs")
        self.tabs.addTab(products, "")
        self.tabs.addTab(scrolled(promos), "")
        self.tabs.addTab(scrolled(lottery), "")
        self.tabs.addTab(scrolled(poll), "")
        self.tabs.addTab(self.log, "")

        # -- compliance: the show's own material against the advertising-law absolute terms ---
        self.findings: list = []
        self.compliance_summary = plain_label()
        self.compliance_summary.setWordWrap(True)
        self.recheck_button = QPushButton()
        self.recheck_button.clicked.connect(self.check_compliance)
        crow = QHBoxLayout()
        crow.addWidget(self.compliance_summary, 1)
        crow.addWidget(self.recheck_button)
        self.compliance_list = QTextBrowser()
        self.compliance_list.setObjectName("complianceList")
        self.compliance_list.setOpenLinks(False)
        compliance = QWidget()
        cpl = QVBoxLayout(compliance)
        cpl.setContentsMargins(6, 8, 6, 6)
        cpl.addLayout(crow)
        cpl.addWidget(self.compliance_list, 1)
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

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

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


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
