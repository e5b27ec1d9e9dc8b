"""CSV files for spreadsheets: ``timeline.csv``, ``products.csv``, ``funnel.csv``.

UTF-8 with a BOM (Excel then reads Chinese correctly), one header row, amounts as plain decimals
in the show's currency (``1234.50``), rates as fractions (``0.0725``), times as ISO 8601 local.
Text from others (titles, ids) goes through ``console.csvcells.safe_cell``: a cell starting with
``= + - @``, tab or CR gets a leading ``'`` so a spreadsheet never runs it as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from console.analytics.metrics import Funnel, ShowAnalytics
from console.csvcells import safe_row
from console.errors import UserError
from console.show.money import cents_to_text
from console.show.safe_files import write_atomic

TIMELINE_COLUMNS = ["minute", "time", "viewers", "comments", "likes", "orders", "gmv"]
PRODUCT_COLUMNS = [
    "product_id",
    "title",
    "pinned_s",
    "orders",
    "units",
    "gmv",
    "carts",
    "orders_while_pinned",
    "gmv_while_pinned",
    "viewers_while_pinned",
    "buyers_while_pinned",
    "conversion_while_pinned",
]
FUNNEL_COLUMNS = ["scope", "label", "stage", "users", "of_viewers", "of_previous"]


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).isoformat(timespec="seconds")


def write_csvs(a: ShowAnalytics, folder: str | Path) -> list[Path]:
    """Write the three files into ``folder`` (created); returns their paths."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create {folder}: {exc.strerror}") from None
    timeline = [
        [
            m.index,
            _iso(m.start),
            m.viewers,
            m.comments,
            m.likes,
            m.orders,
            cents_to_text(m.gmv_cents),
        ]
        for m in a.minutes
    ]
    products = [
        [
            r.product_id,
            r.title,
            f"{r.pinned_s:.0f}",
            r.orders,
            r.units,
            cents_to_text(r.gmv_cents),
            r.carts,
            r.orders_pinned,
            cents_to_text(r.gmv_pinned_cents),
            r.viewers_pinned,
            r.buyers_pinned,
            _rate(r.conversion_pinned),
        ]
        for r in a.products
    ]
    funnel = []
    for fn in [a.funnel, *a.product_funnels]:
        counts = fn.counts()
        for i, ((stage, _, _), n) in enumerate(zip(Funnel.STAGES, counts)):
            of_top = n / counts[0] if counts[0] else None
            of_prev = (n / counts[i - 1] if counts[i - 1] else None) if i else of_top
            funnel.append([fn.scope, fn.label, stage, n, _rate(of_top), _rate(of_prev)])
    written = []
    for name, header, rows in (
        ("timeline.csv", TIMELINE_COLUMNS, timeline),
        ("products.csv", PRODUCT_COLUMNS, products),
        ("funnel.csv", FUNNEL_COLUMNS, funnel),
    ):
        path = folder / name
        buf = io.StringIO(newline="")
        writer = csv.writer(buf)
        writer.writerow(header)
        writer.writerows(safe_row(r) for r in rows)
        # atomic and never through a link (the folder may be, or be inside, a show folder)
        write_atomic(folder, path, buf.getvalue().encode("utf-8-sig"))
        written.append(path)
    return written
