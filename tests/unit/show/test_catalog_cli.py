"""`live-console new-show` and `catalog import/export` as a user runs them."""

import json

from console.cli import main


def test_import_is_all_or_nothing_unless_asked(tmp_path, capsys):
    show = tmp_path / "show"
    assert main(["new-show", str(show), "--title", "测试专场"]) == 0
    rows = tmp_path / "products.csv"
    rows.write_text(
        "id,title,price,stock\nA1,保温杯,89,10\nA2,,9,1\nA3,面膜,59.9,-5\nA4,坚果,128,3\n",
        encoding="utf-8",
    )

    assert main(["catalog", "import", str(show), str(rows)]) == 2
    err = capsys.readouterr()
    assert "line 3" in err.out + err.err and "line 4" in err.out + err.err
    assert json.loads((show / "catalog.json").read_text(encoding="utf-8"))["products"] == []

    assert main(["catalog", "import", str(show), str(rows), "--valid-rows-only"]) == 0
    ids = [
        p["id"] for p in json.loads((show / "catalog.json").read_text(encoding="utf-8"))["products"]
    ]
    assert ids == ["A1", "A4"]

    out = tmp_path / "export.json"
    assert main(["catalog", "export", str(show), str(out)]) == 0
    assert [p["id"] for p in json.loads(out.read_text(encoding="utf-8"))] == ["A1", "A4"]
