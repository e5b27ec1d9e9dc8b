"""The assistant panel's tabs, one builder per concern: the glance, products, promotions,
lottery, poll, journal and compliance.

:class:`AssistantTabs` is mixed into :class:`~console.ui.assistant.AssistantPanel`: each
builder creates its tab's widgets as attributes of the panel and connects them to the panel's
actions; :meth:`AssistantPanel._build` puts the tabs together.
"""

from __future__ import annotations

from typing import Any

from console.qt.QtCore import Qt, Signal
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
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from console.show import commands as c
from console.show.promotions import Promotions
from console.ui.plain import plain_label


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


class AssistantTabs:
    """The tab builders; mixed into AssistantPanel (whose actions the widgets call)."""

    promotions: Promotions
    findings: list[Any]
    unpin: Any
    stop_selected: Any
    launch_selected: Any
    launch_coupon_form: Any
    start_flash_form: Any
    close_lottery: Any
    draw_lottery: Any
    open_lottery_form: Any
    stop_poll: Any
    start_poll_form: Any
    check_compliance: Any
    _filter: Any

    def _build_glance(self) -> None:
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

    def _build_products(self) -> QWidget:
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
        return products

    def _build_promotions(self) -> QWidget:
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
        return promos

    def _build_lottery(self) -> QWidget:
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
        return lottery

    def _build_poll(self) -> QWidget:
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
        return poll

    def _build_journal(self) -> QListWidget:
        self.log = QListWidget()
        self.log.setObjectName("journalLog")
        self.log.setWordWrap(True)
        self.log.setAlternatingRowColors(True)
        return self.log

    def _build_compliance(self) -> QWidget:
        self.findings = []
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
        return compliance


def scrolled(w: QWidget) -> QScrollArea:
    """A tab's page in a vertical scroll area (no frame, no horizontal bar)."""
    area = QScrollArea()
    area.setWidget(w)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area
