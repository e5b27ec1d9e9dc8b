"""Catalog import/export: every bad row reported with its line, nothing half-applied."""

from __future__ import annotations

import pytest

from console.errors import UserError
from console.show.catalog import (
    Catalog,
    Product,
    export_catalog,
    import_catalog,
    product_from_dict,
)
from console.show.money import format_money, parse_money
from tests.unit.show.helpers import products

BAD_CSV = """id,title,selling_points,price,original_price,currency,stock,images,platform_product_id,link
cup,保温杯,316内胆|6小时保温,89.00,129.00,CNY,100,images/cup.png,360,https://example.com/cup
mask,面膜,"补水,
舒缓",59.9,,CNY,50,,,
,无编号,,10,,,1,,,
bad-price,价格错,,-5,,,1,,,
cheap,原价低,,50,40,,1,,,
nostock,缺库存,,10,,,,,,
abs,绝对路径,,10,,,1,/etc/passwd,,
cup,重复,,10,,,1,,,
frac,小数库存,,10,,,1.5,,,

toomany,多列,,10,,,1,,,,extra
"""


def test_money_parsing():
    assert parse_money("59.90") == 5990
    assert parse_money("¥1,299") == 129900
    assert parse_money(59.9) == 5990
    assert parse_money(" 30元 ") == 3000
    for bad in ("abc", "1.234", "", "nan", True):
        with pytest.raises(ValueError):
            parse_money(bad)
    assert format_money(5990) == "¥59.90" and format_money(19900) == "¥199"


def test_csv_reports_every_bad_row_with_line(tmp_path):
    path = tmp_path / "products.csv"
    path.write_text(BAD_CSV, encoding="utf-8")
    result = import_catalog(path)
    assert [p.id for p in result.valid] == ["cup", "mask"]
    assert result.valid[1].selling_points == ("补水,\n舒缓",)
    lines = {e.line: e.reason for e in result.errors}
    assert set(lines) == {5, 6, 7, 8, 9, 10, 11, 13}  # the quoted cell spans lines 3-4
    assert "missing id" in lines[5]
    assert "price must be positive" in lines[6]
    assert "below the price" in lines[7]
    assert "missing stock" in lines[8]
    assert "absolute path" in lines[9]
    assert "duplicate id 'cup' (first on line 2)" in lines[10]
    assert "whole number" in lines[11]
    assert "11 cells for 10 columns" in lines[13]  # after a blank line 12


def test_bad_rows_apply_nothing_unless_explicit(tmp_path):
    path = tmp_path / "products.csv"
    path.write_text(BAD_CSV, encoding="utf-8")
    result = import_catalog(path)
    catalog = Catalog([Product("old", "旧品", 100, 1)])
    with pytest.raises(UserError) as err:
        catalog.apply_import(result)
    message = str(err.value)
    assert "8 bad row(s), nothing imported" in message and "\n" not in message
    for line in (5, 6, 7, 8, 9, 10, 11, 13):
        assert f"line {line}:" in message
    assert [p.id for p in catalog] == ["old"]  # unchanged
    assert catalog.apply_import(result, accept_partial=True) == 2
    assert [p.id for p in catalog] == ["old", "cup", "mask"]


def test_json_lines_and_errors(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(
        '{"products": [\n'
        '  {"id": "a", "title": "A", "price": "10", "stock": 1},\n'
        '  {"id": "b", "title": "B", "price": "x", "stock": 1},\n'
        "  {\n"
        '    "id": "c", "title": "C", "price": 5, "stock": 2, "colour": "red"\n'
        "  }\n"
        "]}\n",
        encoding="utf-8",
    )
    result = import_catalog(path)
    assert [p.id for p in result.valid] == ["a"]
    assert [(e.line, e.reason.split(":")[0]) for e in result.errors] == [
        (3, "price"),
        (4, "unknown field(s) colour"),
    ]


def test_unreadable_files(tmp_path):
    with pytest.raises(UserError, match="not found"):
        import_catalog(tmp_path / "none.csv")
    (tmp_path / "x.txt").write_text("a")
    with pytest.raises(UserError, match="use a .csv or .json"):
        import_catalog(tmp_path / "x.txt")
    (tmp_path / "b.json").write_text("[{]")
    with pytest.raises(UserError, match="not valid JSON at line 1"):
        import_catalog(tmp_path / "b.json")
    (tmp_path / "h.csv").write_text("name,cost\nx,1\n")
    with pytest.raises(UserError, match="header lacks column"):
        import_catalog(tmp_path / "h.csv")
    (tmp_path / "g.csv").write_bytes("id,title,price,stock\n1,\xe4\n".encode("latin-1"))
    with pytest.raises(UserError, match="not UTF-8"):
        import_catalog(tmp_path / "g.csv")


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_export_round_trip(tmp_path, suffix):
    items = products()
    path = tmp_path / f"out{suffix}"
    export_catalog(items, path)
    result = import_catalog(path)
    assert result.ok and result.valid == items


def test_csv_with_bom_and_excel_style(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffid,title,price,stock\r\nx,商品,¥1,299.00,3\r\n".encode())
    result = import_catalog(path)  # "¥1,299.00" without quotes splits: a clear error, not garbage
    assert not result.valid and result.errors[0].line == 2
    path.write_bytes('\ufeffid,title,price,stock\r\nx,商品,"¥1,299.00",3\r\n'.encode())
    assert import_catalog(path).valid[0].price_cents == 129900


def test_product_rules():
    ok = {"id": "a", "title": "A", "price": "10", "stock": 0}
    assert product_from_dict(ok).currency == "CNY"
    for change, reason in [
        ({"id": "has space"}, "bad id"),
        ({"title": ""}, "missing title"),
        ({"price": "0"}, "price must be positive"),
        ({"stock": -1}, "stock must be"),
        ({"images": ["../x.png"]}, "leaves the show folder"),
        ({"images": ["C:\\x.png"]}, "use '/'"),
        ({"link": "ftp://x"}, "link must start"),
        ({"currency": "yuan"}, "bad currency"),
    ]:
        with pytest.raises(ValueError, match=reason):
            product_from_dict({**ok, **change})
    assert product_from_dict({**ok, "images": ["https://x/y.png"]}).images == ("https://x/y.png",)


def test_search_and_discount():
    catalog = Catalog(products())
    assert [p.id for p in catalog.search("杯")] == ["cup"]
    assert [p.id for p in catalog.search("316")] == ["cup"]
    assert catalog["cup"].discount_percent == 31
    with pytest.raises(UserError, match="unknown product"):
        catalog["zzz"]
