"""Headless analytics commands: ``rehearse``, ``report`` and ``reconcile``.

``console/cli.py`` calls :func:`register` with its sub-parsers and its name → function table.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from console.errors import UserError


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not 0 < value <= 24 * 3600:
        raise argparse.ArgumentTypeError(f"bad duration '{text}': give seconds from 1 to 86400")
    return value


def _speed(text: str) -> float:
    if text.lower() in ("max", "0", "inf"):
        return 0.0
    try:
        value = float(text)
    except ValueError:
        value = -1
    if value <= 0:
        raise argparse.ArgumentTypeError(f"bad speed '{text}': give a factor > 0, e.g. 60, or max")
    return value


def register(subparsers: Any, commands: dict[str, Callable[[argparse.Namespace], int]]) -> None:
    r = subparsers.add_parser(
        "rehearse",
        help="run a show headless against a simulated audience and journal everything",
    )
    r.add_argument("show", metavar="SHOW", help="show folder (fresh: nothing journaled yet)")
    r.add_argument("--duration", type=_seconds, required=True, help="show seconds to simulate")
    r.add_argument("--audience", choices=["simulated"], default="simulated")
    r.add_argument("--seed", type=int, default=1, help="same seed, same rehearsal (default 1)")
    r.add_argument(
        "--speed", type=_speed, default=1.0, help="× real time (default 1); max = as fast as it can"
    )
    r.add_argument(
        "--viewers",
        type=int,
        help="simulated room size: viewers watching at once (default: the show.json rehearsal block, else 50)",
    )
    r.add_argument(
        "--start", type=float, metavar="EPOCH", help="simulated start time (default now)"
    )
    r.add_argument("--copy-to", metavar="DIR", help="rehearse a fresh copy of SHOW in DIR")
    commands["rehearse"] = cmd_rehearse

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


def cmd_rehearse(args: argparse.Namespace) -> int:
    from console.rehearse import rehearse

    if args.viewers is not None and not 1 <= args.viewers <= 100_000:
        raise UserError("--viewers: give 1 … 100000")
    tty = sys.stderr.isatty()

    def progress(done: float, total: float) -> None:
        if tty and int(done) % 30 == 0:
            print(f"\rrehearsing… {done:.0f}/{total:.0f} s", end="", file=sys.stderr, flush=True)

    print(
        "REHEARSAL: simulated audience, nothing leaves this machine "
        "(faked audience events are for rehearsals only)",
        file=sys.stderr,
    )
    result = rehearse(
        args.show,
        args.duration,
        seed=args.seed,
        speed=args.speed,
        start=args.start,
        viewers=args.viewers,
        copy_to=args.copy_to,
        progress=progress,
    )
    if tty:
        print(file=sys.stderr)
    print(result.summary())
    return 0


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
