"""Reconcile the platform's order export (CSV) with the orders the journal saw during the show.

Columns are found by header name, Chinese or English (``订单号``/``order_id``, ``商品ID``/``sku``,
``数量``/``quantity``, ``金额``/``amount``, ``下单时间``/``time``, ``订单状态``/``status`` and common
variants); order id, product and amount are required. Rows with the same order id are one order
(a multi-item order exported one row per item). Rules are in ``docs/analytics.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from console.analytics.facts import ProductIndex
from console.analytics.metrics import JournalOrder, ShowAnalytics
from console.csvcells import safe_row
from console.errors import UserError
from console.show.money import parse_money

HEADERS: dict[str, tuple[str, ...]] = {
    "order_id": (
        "订单号",
        "订单编号",
        "订单id",
        "主订单号",
        "主订单编号",
        "子订单号",
        "子订单编号",
        "order_id",
        "order id",
        "orderid",
        "order no",
        "order_no",
        "order number",
    ),
    "product": (
        "商品id",
        "商品编号",
        "商品编码",
        "商家编码",
        "sku",
        "skuid",
        "sku id",
        "sku_id",
        "product_id",
        "product id",
        "productid",
        "商品",
    ),
    "quantity": ("数量", "商品数量", "购买数量", "件数", "quantity", "qty", "count"),
    "amount": (
        "金额",
        "订单金额",
        "实付金额",
        "支付金额",
        "实付款",
        "商品金额",
        "amount",
        "amount_cents",
        "total",
        "paid amount",
        "paid_amount",
        "order amount",
        "price",
    ),
    "time": (
        "下单时间",
        "创建时间",
        "支付时间",
        "订单创建时间",
        "time",
        "order time",
        "order_time",
        "created_at",
        "created",
        "paid_at",
        "create time",
    ),
    "status": ("订单状态", "状态", "status", "order status", "order_status"),
}
REQUIRED = ("order_id", "product", "amount")

STATUSES: dict[str, str] = {}
for _status, _words in {
    "paid": (
        "paid",
        "已支付",
        "已付款",
        "支付成功",
        "待发货",
        "已发货",
        "已完成",
        "交易成功",
        "完成",
        "shipped",
        "completed",
        "success",
        "delivered",
        "待收货",
        "已收货",
    ),
    "created": ("created", "待付款", "待支付", "未付款", "unpaid", "pending"),
    "cancelled": ("cancelled", "canceled", "已取消", "交易关闭", "已关闭", "closed", "取消"),
    "refunded": ("refunded", "已退款", "退款成功", "退款完成", "refund", "售后完成"),
}.items():
    for _word in _words:
        STATUSES[_word] = _status

WINDOW_SLACK_S = 600  # export rows this far outside the show are not counted as missing


@dataclass
class ExportOrder:
    order_id: str
    products: set[str]
    quantity: int
    amount_cents: int
    status: str
    ts: float | None
    line: int


@dataclass
class Difference:
    kind: str  # missing_in_journal | missing_in_export | amount | quantity | product | status
    order_id: str
    journal: str
    export: str
    line: int = 0  # the export's line (0 when the order is not in the export)

    LABELS = {
        "missing_in_journal": "在导出中、日志里没有 In the export, not seen during the show",
        "missing_in_export": "日志里有、导出中没有 Seen during the show, not in the export",
        "amount": "金额不一致 Amount differs",
        "quantity": "数量不一致 Quantity differs",
        "product": "商品不一致 Product differs",
        "status": "状态不一致 Status differs",
    }


@dataclass
class Reconciliation:
    matched: int = 0
    export_orders: int = 0
    journal_orders: int = 0
    outside_window: int = 0
    not_paid_only_in_export: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def to_text(self, currency: str = "CNY") -> str:
        lines = [
            f"orders in the journal: {self.journal_orders}; in the export: {self.export_orders} "
            f"({self.outside_window} outside the show, {self.not_paid_only_in_export} unpaid/"
            f"cancelled only in the export); matched: {self.matched}; "
            f"differences: {len(self.differences)}"
        ]
        for d in self.differences:
            where = f" (export line {d.line})" if d.line else ""
            lines.append(
                f"  {d.kind}: order {d.order_id}{where}: journal {d.journal or '-'} / "
                f"export {d.export or '-'}"
            )
        return "\n".join(lines)


def _norm_header(text: str) -> str:
    return re.sub(r"[\s_（）()]+", " ", text.strip().lstrip("\ufeff").casefold()).strip()


def _columns(header: list[str], path: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    names = [_norm_header(h) for h in header]
    for key, aliases in HEADERS.items():
        wanted = {_norm_header(a) for a in aliases}
        for i, name in enumerate(names):
            if name in wanted and key not in found:
                found[key] = i
    for key in REQUIRED:
        if key not in found:
            raise UserError(
                f"{path} line 1: no {key.replace('_', ' ')} column "
                f"(expected one of: {', '.join(HEADERS[key][:6])}, …)"
            )
    return found


def _parse_time(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"\d{10}(\.\d+)?", text):
        return float(text)
    if re.fullmatch(r"\d{13}", text):
        return int(text) / 1000
    text = text.replace("/", "-").replace("T", " ").replace("Z", "+00:00")
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"time {text!r} is not a date and time (e.g. 2024-01-05 20:13:05)"
        ) from None
    return value.timestamp()  # naive times are the computer's local time


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"order export {path} not found: check the path") from None
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from None
    for encoding in ("utf-8-sig", "gb18030"):  # Chinese platforms often export GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError(f"{path}: neither UTF-8 nor GBK text: export the orders as CSV again")


def read_order_export(path: str | Path) -> list[ExportOrder]:
    """Orders of a platform export, one per order id; a bad row is a ``UserError`` with its line."""
    path = Path(path)
    text = _read_text(path)
    if not text.strip():
        raise UserError(f"{path}: the file is empty: export the orders as CSV again")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except csv.Error as exc:
        raise UserError(f"{path} line 1: not CSV ({exc})") from None
    cols = _columns(header, path)
    orders: dict[str, ExportOrder] = {}
    line = reader.line_num
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise UserError(
                f"{path} line {start}: {exc} (truncated or damaged file?): export it again"
            ) from None
        line = start
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise UserError(
                f"{path} line {line}: {len(row)} fields, expected {len(header)} "
                "(truncated file?): export the orders again"
            )

        def cell(key: str, r: list[str] = row) -> str:
            return r[cols[key]].strip() if key in cols else ""

        order_id = cell("order_id").lstrip("'\t")  # Excel-protected ids: '2024…
        if not order_id:
            raise UserError(f"{path} line {line}: empty order id")
        product = cell("product").lstrip("'\t")
        try:
            amount = parse_money(cell("amount"))
            quantity_text = cell("quantity") or "1"
            if not quantity_text.isdigit() or int(quantity_text) < 1:
                raise ValueError(f"quantity {quantity_text!r} is not a whole number ≥ 1")
            quantity = int(quantity_text)
            status_text = cell("status") or "paid"
            status = STATUSES.get(status_text.casefold())
            if status is None:
                raise ValueError(
                    f"status {status_text!r} is not known (paid / 已支付, 已取消, 已退款, 待付款 …)"
                )
            ts = _parse_time(cell("time"))
        except ValueError as exc:
            raise UserError(f"{path} line {line}: {exc}") from None
        existing = orders.get(order_id)
        if existing is None:
            orders[order_id] = ExportOrder(order_id, {product}, quantity, amount, status, ts, line)
        else:
            existing.products.add(product)
            existing.quantity += quantity
            existing.amount_cents += amount
    return list(orders.values())


def reconcile(
    analytics: ShowAnalytics,
    export: list[ExportOrder],
    catalog: ProductIndex | None = None,
    slack_s: float = WINDOW_SLACK_S,
) -> Reconciliation:
    """Differences between the journal's paid orders and the export (see docs/analytics.md)."""
    from console.show.money import format_money

    def money(c: int) -> str:
        return format_money(c, analytics.currency)

    resolve = catalog.resolve if catalog is not None else (lambda ref: ref)
    journal: dict[str, JournalOrder] = {}
    j_products: dict[str, set[str]] = {}
    for order in analytics.orders:
        if order.order_id in journal:
            merged = journal[order.order_id]
            merged.quantity += order.quantity
            merged.amount_cents += order.amount_cents
        else:
            journal[order.order_id] = JournalOrder(**vars(order))
        j_products.setdefault(order.order_id, set()).add(order.product_id)
    result = Reconciliation(journal_orders=len(journal))
    seen: set[str] = set()
    for row in export:
        if row.ts is not None and not (
            analytics.start - slack_s <= row.ts <= analytics.end + slack_s
        ):
            result.outside_window += 1
            continue
        result.export_orders += 1
        mine = journal.get(row.order_id)
        if mine is None:
            if row.status == "paid":
                result.differences.append(
                    Difference(
                        "missing_in_journal",
                        row.order_id,
                        "",
                        f"{money(row.amount_cents)} ×{row.quantity}",
                        row.line,
                    )
                )
            else:
                result.not_paid_only_in_export += 1
            continue
        seen.add(row.order_id)
        problems = []
        if row.status != "paid":
            problems.append(Difference("status", row.order_id, "paid", row.status, row.line))
        if row.amount_cents != mine.amount_cents:
            problems.append(
                Difference(
                    "amount",
                    row.order_id,
                    money(mine.amount_cents),
                    money(row.amount_cents),
                    row.line,
                )
            )
        if row.quantity != mine.quantity:
            problems.append(
                Difference(
                    "quantity", row.order_id, str(mine.quantity), str(row.quantity), row.line
                )
            )
        exported = {resolve(p) for p in row.products if p}
        if exported and exported != j_products[row.order_id]:
            problems.append(
                Difference(
                    "product",
                    row.order_id,
                    ", ".join(sorted(j_products[row.order_id])),
                    ", ".join(sorted(exported)),
                    row.line,
                )
            )
        if problems:
            result.differences.extend(problems)
        else:
            result.matched += 1
    for order_id, mine in journal.items():
        if order_id not in seen:
            result.differences.append(
                Difference(
                    "missing_in_export",
                    order_id,
                    f"{money(mine.amount_cents)} ×{mine.quantity}",
                    "",
                )
            )
    return result


def write_reconciliation_csv(result: Reconciliation, path: str | Path) -> Path:
    from console.show.safe_files import write_atomic

    path = Path(path)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["difference", "order_id", "journal", "export", "export_line"])
    for d in result.differences:
        writer.writerow(safe_row([d.kind, d.order_id, d.journal, d.export, d.line or ""]))
    write_atomic(path.parent, path, out.getvalue().encode("utf-8-sig"))  # never through a link
    return path
