"""Headless show commands: ``new-show``, ``catalog``, ``verify-lottery`` and ``show-state``.

``console/cli.py`` calls :func:`register` with its sub-parsers and its name → function table.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from console.show.lottery import verify_lottery
from console.show.money import format_money
from console.show.state import ShowState


def register(subparsers: Any, commands: dict[str, Callable[[argparse.Namespace], int]]) -> None:
    v = subparsers.add_parser(
        "verify-lottery",
        help="recompute a lottery's seed hash, entrant-list hash and winners from a show folder "
        "(exit 0 verified, 1 not verified, 3 entry closed early)",
    )
    v.add_argument("show", metavar="SHOW", help="show folder")
    v.add_argument("lottery_id", metavar="LOTTERY_ID", help="e.g. lottery-1 (see show-state)")
    v.add_argument("--entrants", metavar="FILE", help="published entrant list or proof (JSON)")
    v.add_argument("--seed", metavar="HEX", help="published seed (hex) instead of the journal's")
    commands["verify-lottery"] = cmd_verify_lottery

    s = subparsers.add_parser("show-state", help="print a show's current state from its journal")
    s.add_argument("show", metavar="SHOW", help="show folder")
    s.add_argument(
        "--at", type=float, metavar="EPOCH", help="countdowns as at this time (default: now)"
    )
    commands["show-state"] = cmd_show_state

    n = subparsers.add_parser("new-show", help="create an empty show folder to prepare")
    n.add_argument("show", metavar="SHOW", help="new folder")
    n.add_argument("--title", required=True)
    n.add_argument("--platform", default="douyin")
    commands["new-show"] = cmd_new_show

    c = subparsers.add_parser("catalog", help="import or export a show's products (CSV or JSON)")
    c.add_argument("action", choices=["import", "export"])
    c.add_argument("show", metavar="SHOW", help="show folder")
    c.add_argument("file", metavar="FILE", help="a .csv or .json file")
    c.add_argument(
        "--valid-rows-only",
        action="store_true",
        help="import the valid rows even when some rows are bad (they are listed, not imported)",
    )
    c.add_argument(
        "--fetch-images",
        action="store_true",
        help="download http(s) product images into the show folder",
    )
    commands["catalog"] = cmd_catalog


def cmd_new_show(args: argparse.Namespace) -> int:
    from console.show.folder import ShowFolder

    folder = ShowFolder.create(args.show, args.title, platform=args.platform)
    print(f"created show '{args.title}' in {folder.path}")
    return 0


def cmd_catalog(args: argparse.Namespace) -> int:
    """Import is all-or-nothing unless --valid-rows-only; either way every bad row is listed."""
    from console.show.catalog import export_catalog, import_catalog, localize_images
    from console.show.folder import ShowFolder

    # import writes catalog.json: it holds the show's writer lock from before it reads
    folder = ShowFolder.open(args.show, writer=args.action == "import")
    catalog = folder.load_catalog()
    if args.action == "export":
        export_catalog(catalog, args.file)
        print(f"exported {len(catalog)} products to {args.file}")
        return 0
    result = import_catalog(args.file)
    for error in result.errors:
        print(f"bad row: {error}")
    count = catalog.apply_import(result, accept_partial=args.valid_rows_only)
    problems = localize_images(catalog, folder.path) if args.fetch_images else []
    folder.save_catalog(catalog)
    for line in problems:
        print(f"image not fetched: {line}")
    skipped = f", skipped {len(result.errors)} bad row(s)" if result.errors else ""
    print(f"imported {count} products into {folder.path.name}{skipped}")
    return 0


def cmd_verify_lottery(args: argparse.Namespace) -> int:
    """Exit 0: VERIFIED; 1: NOT VERIFIED (a check failed); 3: CLOSED EARLY (the checks hold but
    entry closed before the announced time); 2: bad input (the usual ``error:`` line)."""
    report = verify_lottery(args.show, args.lottery_id, args.entrants, args.seed)
    print(report.to_text())
    return report.exit_code


def cmd_show_state(args: argparse.Namespace) -> int:
    """Read-only: replays the journal, writes nothing (not even due transitions), takes no lock
    (works while a window has the show open). A malformed row: the state up to it, then the
    row's seq and what is wrong, exit 1."""
    from console.show.controller import replay_until_error
    from console.show.folder import ShowFolder

    folder = ShowFolder.open(args.show)
    state = ShowState()
    error = None
    if folder.journal_path.exists():  # a show never run has no journal: don't create one
        with folder.open_journal(read_only=True) as journal:
            state, error = replay_until_error(journal)
    now = time.time() if args.at is None else args.at
    print(format_state(state, now, folder.meta.title))
    if error is not None:
        print(f"journal error at event #{error.seq}: {error.problem} (state shown is up to it)")
        return 1
    return 0


def _left(seconds: float | None) -> str:
    if seconds is None:
        return "until stopped"
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d} left"


def format_state(state: ShowState, now: float, title: str = "") -> str:
    """The state as plain text (also used by the assistant panel's log and tests)."""
    lines = [f"show: {title}"] if title else []
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now))
    lines.append(f"at: {stamp} (journal #{state.last_seq})")
    product = state.pinned_product()
    if product and state.pinned:
        lines.append(
            f"pinned: {product.id} {product.title} {format_money(product.price_cents, product.currency)} "
            f"stock {state.stock.get(product.id, 0)} (since {int(now - state.pinned.since)} s)"
        )
    else:
        lines.append("pinned: -")
    if state.rundown:
        r = state.rundown
        over = f", OVER by {int(r.overrun(now))} s" if r.overrun(now) else ""
        lines.append(
            f"segment: #{r.index} {r.title} {int(r.elapsed(now))}/{int(r.planned_s)} s{over}"
        )
    coupons = state.active_coupons(now)
    lines.append(f"coupons: {len(coupons)} active")
    for c in coupons:
        lines.append(
            f"  {c.coupon_id} {c.title} {c.left}/{c.quantity} left, {_left(c.remaining(now))}"
        )
    sales = state.active_flash_sales(now)
    lines.append(f"flash sales: {len(sales)} active")
    for s in sales:
        lines.append(
            f"  {s.sale_id} {s.product_id} {format_money(s.sale_price_cents)} "
            f"(list {format_money(s.list_price_cents)}) {s.remaining_quantity}/{s.quantity} left, "
            f"{_left(s.remaining(now))}"
        )
    poll = state.active_poll(now)
    if poll:
        counts = ", ".join(f"{o}: {n}" for o, n in zip(poll.options, poll.counts))
        lines.append(
            f"poll: {poll.poll_id} {poll.question} — {counts}, {_left(poll.remaining(now))}"
        )
    lines.append(f"lotteries: {len(state.lotteries)}")
    for lot in state.lotteries.values():
        line = (
            f"  {lot.lottery_id} [{lot.phase}] {lot.prize} ×{lot.winners_count}, {lot.how_to_enter()}, "
            f"{len(lot.entrants)} entrants, seed SHA-256 {lot.seed_hash[:16]}…"
        )
        if lot.phase in ("announced", "open"):
            closes = time.strftime("%H:%M:%S", time.localtime(lot.closes_at))
            line += f", entry {_left(lot.entry_remaining(now))} (closes {closes})"
        elif lot.closed_early:
            line += ", entry closed EARLY"
        if lot.phase == "drawn":
            names = [lot.entrants[w].display_name if w in lot.entrants else w for w in lot.winners]
            line += f", winners: {', '.join(names) or 'none'}"
        lines.append(line)
    low = [pid for pid, n in state.stock.items() if n == 0]
    if low:
        lines.append(f"sold out: {', '.join(low)}")
    return "\n".join(lines)
