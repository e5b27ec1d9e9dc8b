"""Bad or truncated journals and order exports give one clear line; reconcile finds differences."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from console.analytics.reconcile import read_order_export, reconcile
from console.analytics.report import analyze_show
from console.errors import UserError
from console.show.journal import Journal
from tests.unit.analytics.scripted import build_scripted_show


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scripted_show(tmp_path_factory.mktemp("scripted") / "show")


def _one_line(exc: pytest.ExceptionInfo) -> str:
    text = str(exc.value)
    assert "\n" not in text and "Traceback" not in text
    return text


def test_truncated_sqlite_journal(show: Path, tmp_path: Path) -> None:
    data = (show / "journal.sqlite").read_bytes()
    bad = tmp_path / "journal.sqlite"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(UserError) as exc:
        analyze_show(bad)
    assert "damaged or truncated" in _one_line(exc) and "backup" in str(exc.value)


def test_garbage_journal(tmp_path: Path) -> None:
    bad = tmp_path / "journal.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(UserError, match="damaged or truncated"):
        analyze_show(bad)


def test_show_without_journal(tmp_path: Path) -> None:
    from console.show.demo import copy_demo_show

    copy_demo_show(tmp_path / "fresh")
    with pytest.raises(UserError, match="not been run or rehearsed"):
        analyze_show(tmp_path / "fresh")


def test_truncated_jsonl_export(show: Path, tmp_path: Path) -> None:
    export = tmp_path / "journal.jsonl"
    with Journal(show / "journal.sqlite") as journal:
        n = journal.export_jsonl(export)
    assert analyze_show(export).totals["orders"] == 6  # the full export reads fine
    text = export.read_text(encoding="utf-8")
    export.write_text(text[: len(text) - 40], encoding="utf-8")
    with pytest.raises(UserError) as exc:
        analyze_show(export)
    assert f"line {n}: truncated" in _one_line(exc)


def test_malformed_event_is_named(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with Journal(path) as journal:
        journal.append(
            "audience.room_stats", {"platform": "x", "msg_id": "1", "viewers": 3}, ts=1.0
        )
        journal.append(
            "audience.order", {"platform": "x", "msg_id": "2", "user": {"id": "u"}}, ts=2.0
        )
    with pytest.raises(UserError) as exc:
        analyze_show(path)
    assert "event #2 (audience.order)" in _one_line(exc)


# ---------------------------------------------------------------------------- order exports


HEADER_ZH = "订单号,商品ID,数量,金额,下单时间,订单状态\n"


def _export(tmp_path: Path, body: str, header: str = HEADER_ZH, encoding: str = "utf-8") -> Path:
    path = tmp_path / "orders.csv"
    path.write_text(header + body, encoding=encoding)
    return path


def _when(offset: float) -> str:
    import datetime as dt

    from tests.unit.analytics.scripted import T0

    return dt.datetime.fromtimestamp(T0 + offset).strftime("%Y-%m-%d %H:%M:%S")


def test_reconcile_finds_planted_differences(show: Path, tmp_path: Path) -> None:
    a = analyze_show(show)
    # journal paid orders: o1 (u3 CUP ¥89), o2 (u1 CUP ×2 ¥178), o3 (u2 CUP ¥59),
    # o4 (u5 MASK ¥59.90), o5 (u3 CUP ¥89), #<seq> (hand-recorded TEA ¥139)
    manual = next(o.order_id for o in a.orders if not o.user)
    body = (
        f"o1,3601234567890,1,89.00,{_when(30)},已支付\n"  # matches (platform product id)
        f"o2,CUP-316-500,2,¥178.00,{_when(50)},已完成\n"  # matches
        f"o3,CUP-316-500,1,89.00,{_when(75)},已支付\n"  # amount differs (flash price 59)
        f"o4,MASK-HA-10,1,59.90,{_when(120)},已退款\n"  # refunded after the show
        f"X-999,PODS-52,1,39.90,{_when(100)},已支付\n"  # never seen during the show
        f"X-1000,PODS-52,1,39.90,{_when(-86400)},已支付\n"  # yesterday: outside the show
        f"X-1001,PODS-52,1,39.90,{_when(60)},已取消\n"  # cancelled, not in the journal: fine
        f"{manual},TEA-SET-CELADON,1,139,{_when(150)},交易成功\n"  # the hand-recorded sale
    )
    result = reconcile(a, read_order_export(_export(tmp_path, body)), a.catalog)
    got = sorted((d.kind, d.order_id) for d in result.differences)
    assert got == [
        ("amount", "o3"),
        ("missing_in_export", "o5"),
        ("missing_in_journal", "X-999"),
        ("status", "o4"),
    ]
    assert result.matched == 3 and result.outside_window == 1
    assert result.not_paid_only_in_export == 1
    amount = next(d for d in result.differences if d.kind == "amount")
    assert (amount.journal, amount.export, amount.line) == ("¥59", "¥89", 4)
    assert "differences: 4" in result.to_text()


def test_reconcile_english_headers_gbk_and_multi_item_orders(show: Path, tmp_path: Path) -> None:
    a = analyze_show(show)
    header = "Order ID,SKU,Qty,Paid Amount,Order Time,Status\n"
    body = "o2,CUP-316-500,1,89.00,,paid\no2,CUP-316-500,1,89.00,,paid\n"
    orders = read_order_export(_export(tmp_path, body, header, encoding="gb18030"))
    assert len(orders) == 1 and orders[0].quantity == 2 and orders[0].amount_cents == 17800
    result = reconcile(a, orders, a.catalog)
    assert result.matched == 1
    assert {d.kind for d in result.differences} == {"missing_in_export"}


@pytest.mark.parametrize(
    ("header", "body", "message"),
    [
        ("订单号,数量,金额\n", "1,1,2\n", "line 1: no product column"),
        (HEADER_ZH, "A1,CUP,1,abc,,已支付\n", "line 2: not an amount: 'abc'"),
        (HEADER_ZH, "A1,CUP,1,1.00,,已支付\nA2,CUP,1\n", "line 3: 3 fields, expected 6 (truncated"),
        (HEADER_ZH, "A1,CUP,1,1.00,,shipped-ish\n", "line 2: status 'shipped-ish' is not known"),
        (HEADER_ZH, "A1,CUP,0,1.00,,已支付\n", "line 2: quantity '0'"),
        (HEADER_ZH, "A1,CUP,1,1.00,yesterday,已支付\n", "line 2: time 'yesterday'"),
        (HEADER_ZH, 'A1,CUP,1,"1.00\n', "line 2: 4 fields, expected 6 (truncated"),
        ("", "", "the file is empty"),
    ],
)
def test_bad_order_exports(tmp_path: Path, header: str, body: str, message: str) -> None:
    with pytest.raises(UserError) as exc:
        read_order_export(_export(tmp_path, body, header))
    assert message in _one_line(exc)


def test_missing_order_export(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not found"):
        read_order_export(tmp_path / "nope.csv")


def test_report_does_not_write_to_the_journal(show: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(show, copy)
    before = (copy / "journal.sqlite").read_bytes()
    analyze_show(copy)
    assert (copy / "journal.sqlite").read_bytes() == before
