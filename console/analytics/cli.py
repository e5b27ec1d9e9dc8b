"""Headless analytics commands: ``report`` and ``reconcile`` (``rehearse`` is in console/rehearse.py).

``console/cli.py`` calls :func:`register` with its sub-parsers and its name → function table.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def register(subparsers: Any, commands: dict[str, Callable[[argparse.Namespace], int]]) -> None:
    p = subparsers.add_parser("report", help="post-show report (HTML and CSV) from the journal")
    p.add_argument("show", metavar="SHOW", help="show folder, journal.sqlite or .jsonl export")
    p.add_argument("--html", metavar="PATH", help="write the report as one HTML file")
    p.add_argument("--csv", metavar="DIR", help="write timeline.csv, products.csv, funnel.csv")
    p.add_argument("--compare", metavar="OTHER_SHOW", help="a second show, side by side")
    p.add_argument("--orders", metavar="CSV", help="reconcile with the platform's order export")
    commands["report"] = cmd_report

    c = subparsers.add_parser(
        "reconcile", help="compare the platform's order export (CSV) with the show's orders"
    )
    c.add_argument("show", metavar="SHOW", help="show folder, journal.sqlite or .jsonl export")
    c.add_argument("orders", metavar="ORDERS_CSV", help="order export (订单号, 商品ID, 金额, …)")
    c.add_argument("--csv", metavar="PATH", help="also write the differences as CSV")
    commands["reconcile"] = cmd_reconcile


def cmd_report(args: argparse.Namespace) -> int:
    from console.analytics.html import money, pct
    from console.analytics.report import write_report

    files = write_report(args.show, args.html, args.csv, args.compare, args.orders)
    a = files.analytics
    print(
        f"{a.title}: {a.totals['orders']} orders, GMV {money(a.totals['gmv_cents'], a.currency)}, "
        f"conversion {pct(a.funnel.conversion)} ({a.funnel.ordered}/{a.funnel.viewers} viewers)"
    )
    if files.html:
        print(f"html: {files.html}")
    for path in files.csvs:
        print(f"csv:  {path}")
    if files.reconciliation is not None:
        print(files.reconciliation.to_text(a.currency))
        return 0 if files.reconciliation.ok else 1
    return 0


def cmd_reconcile(args: argparse.Namespace) -> int:
    from console.analytics.reconcile import (
        read_order_export,
        reconcile,
        write_reconciliation_csv,
    )
    from console.analytics.report import analyze_show

    a = analyze_show(args.show)
    result = reconcile(a, read_order_export(args.orders), a.catalog)
    print(result.to_text(a.currency))
    if args.csv:
        print(f"csv: {write_reconciliation_csv(result, args.csv)}")
    return 0 if result.ok else 1
