"""The report as files: ``write_report(show, html=..., csv_dir=..., compare=..., orders=...)``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from console.analytics.load import load_show
from console.analytics.metrics import ShowAnalytics, analyze
from console.analytics.reconcile import Reconciliation, read_order_export, reconcile
from console.errors import UserError


def analyze_show(path: str | Path) -> ShowAnalytics:
    """Load a show folder / journal / JSONL export and analyse it."""
    loaded = load_show(path)
    try:
        return analyze(loaded.events, loaded.title, loaded.currency)
    except UserError as exc:
        raise UserError(f"{loaded.source}: {exc}") from None


@dataclass
class ReportFiles:
    analytics: ShowAnalytics
    html: Path | None = None
    csvs: list[Path] = field(default_factory=list)
    reconciliation: Reconciliation | None = None


def write_report(
    show: str | Path,
    html: str | Path | None = None,
    csv_dir: str | Path | None = None,
    compare: str | Path | None = None,
    orders: str | Path | None = None,
) -> ReportFiles:
    from console.analytics.csvout import write_csvs
    from console.analytics.html import render_html

    if html is None and csv_dir is None and orders is None:
        raise UserError("nothing to write: give --html PATH and/or --csv DIR (or --orders CSV)")
    a = analyze_show(show)
    result = ReportFiles(a)
    if orders is not None:
        result.reconciliation = reconcile(a, read_order_export(orders), a.catalog)
    if html is not None:
        shows = [a] if compare is None else [a, analyze_show(compare)]
        from console.show.safe_files import write_atomic

        path = Path(html)
        page = render_html(shows, reconciliation=result.reconciliation)
        write_atomic(path.parent, path, page.encode("utf-8"))  # atomic, never through a link
        result.html = path
    if csv_dir is not None:
        result.csvs = write_csvs(a, csv_dir)
        if result.reconciliation is not None:
            from console.analytics.reconcile import write_reconciliation_csv

            result.csvs.append(
                write_reconciliation_csv(result.reconciliation, Path(csv_dir) / "reconcile.csv")
            )
    return result
