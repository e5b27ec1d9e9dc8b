"""Show folders: create, open, clear errors for missing or broken files; the demo show."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from console.errors import UserError
from console.show import commands as c
from console.show.catalog import Catalog, Product
from console.show.controller import ShowController
from console.show.demo import copy_demo_show, demo_show_path
from console.show.folder import ShowFolder
from tests.unit.show.helpers import FakeClock

ABSOLUTE_TERMS = ("最好", "最佳", "第一", "国家级", "最高级", "顶级", "极品", "万能", "100%有效")


def test_create_and_open(tmp_path):
    folder = ShowFolder.create(tmp_path / "s", "测试直播")
    for name in ("show.json", "catalog.json", "rundown.json", "promotions.json", "layout.json"):
        assert (folder.path / name).is_file()
    assert folder.recordings_dir.is_dir() and folder.images_dir.is_dir()
    again = ShowFolder.open(tmp_path / "s")
    assert (
        again.meta.title == "测试直播" and again.meta.currency == "CNY" and again.meta.version == 1
    )
    assert again.load_layout() == {}
    again.save_layout({"product_card": {"x": 0.1}})
    assert ShowFolder.open(tmp_path / "s").load_layout() == {"product_card": {"x": 0.1}}
    with pytest.raises(UserError, match="not empty"):
        ShowFolder.create(tmp_path / "s", "again")
    with pytest.raises(UserError, match="needs a title"):
        ShowFolder.create(tmp_path / "t", " ")


def test_catalog_save_and_relative_images(tmp_path):
    folder = ShowFolder.create(tmp_path / "s", "t")
    (folder.images_dir / "a.png").write_bytes(b"x")
    folder.save_catalog(Catalog([Product("a", "A", 100, 1, images=("images/a.png",))]))
    assert [p.id for p in ShowFolder.open(folder.path).load_catalog()] == ["a"]
    (folder.images_dir / "a.png").unlink()
    with pytest.raises(UserError, match="image images/a.png is missing"):
        ShowFolder.open(folder.path)
    with pytest.raises(UserError, match="leaves the show folder"):
        folder.resolve("../x")


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("show.json", None, r"show\.json is missing"),
        ("show.json", "{", r"show\.json is not valid JSON \(line 1"),
        ("show.json", '{"title": "x", "version": 9}', "newer than this console"),
        ("show.json", '{"version": 1}', "missing title"),
        ("catalog.json", None, r"catalog\.json is missing"),
        (
            "catalog.json",
            '{"products": [{"id": "a"}]}',
            r"catalog\.json: product #1: missing title",
        ),
        ("rundown.json", "[1,", r"rundown\.json is not valid JSON"),
        (
            "rundown.json",
            '{"segments": [{"title": "x", "product_id": "ghost"}]}',
            "unknown product 'ghost'",
        ),
        (
            "rundown.json",
            '{"segments": [{"title": "x", "cues": [{"template": "nope"}]}]}',
            "no promotion template 'nope'",
        ),
        (
            "rundown.json",
            '{"segments": [{"title": "x", "cues": [{"command": "dance"}]}]}',
            "unknown command 'dance'",
        ),
        ("promotions.json", '{"templates": [{"id": "a", "type": "raffle"}]}', "type 'raffle'"),
        (
            "promotions.json",
            '{"templates": [{"id": "a", "type": "coupon", "colour": 1}]}',
            "colour",
        ),
        ("layout.json", "[]", r"layout\.json: expected a JSON object"),
    ],
)
def test_broken_files_name_the_file_and_problem(tmp_path, name, content, match):
    folder = ShowFolder.create(tmp_path / "s", "t")
    if content is None:
        (folder.path / name).unlink()
    else:
        (folder.path / name).write_text(content, encoding="utf-8")
    with pytest.raises(UserError, match=match) as err:
        ShowFolder.open(folder.path)
    assert "\n" not in str(err.value)


def test_missing_folder(tmp_path):
    with pytest.raises(UserError, match="not found"):
        ShowFolder.open(tmp_path / "none")


def test_demo_show_opens_and_is_realistic(tmp_path):
    folder = ShowFolder.open(demo_show_path())
    catalog = folder.load_catalog()
    assert 6 <= len(catalog) <= 8
    for product in catalog:
        assert product.original_price_cents > product.price_cents > 0 and product.stock > 0
        assert all((folder.path / ref).is_file() for ref in product.images)
        text = product.title + "".join(product.selling_points)
        assert not [t for t in ABSOLUTE_TERMS if t in text], product.id
    promotions = folder.load_promotions()
    types = {t.type for t in promotions}
    assert types == {"coupon", "flash_sale", "lottery", "poll"}
    lottery = promotions.command("lottery-xiangyao")
    assert lottery.keyword == "想要"
    assert 6 <= len(folder.load_rundown()) <= 8
    assert not (demo_show_path() / "journal.sqlite").exists()


def test_demo_copy_runs_the_whole_rundown(tmp_path):
    show = copy_demo_show(tmp_path / "demo")
    clock = FakeClock()
    ctl = ShowController.open(show, clock=clock)
    for _ in range(len(ctl.rundown)):
        ctl.execute(c.AdvanceRundown())
        clock.advance(30)
    assert not list(ctl.journal.events("show.cue_failed"))
    kinds = {e.kind for e in ctl.journal.events("show.")}
    assert {
        "show.coupon_launched",
        "show.flash_sale_started",
        "show.lottery_opened",
        "show.poll_started",
    } <= kinds
    ctl.close()
    assert not (demo_show_path() / "journal.sqlite").exists()  # the shipped demo stays clean
    with pytest.raises(UserError, match="not empty"):
        copy_demo_show(show)


def test_show_package_imports_no_qt_and_no_network_at_import():
    """console/show stays plain Python: no Qt, no OpenCV/numpy, requests only inside fetch_image."""
    root = Path(__file__).resolve().parents[3] / "console" / "show"
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # module level only: fetch_image imports requests lazily
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                top = name.split(".")[0]
                assert top not in {"PySide6", "PyQt5", "PyQt6", "cv2", "numpy", "requests", "av"}, (
                    f"{path.name} imports {name}"
                )


def test_show_json_is_portable(tmp_path):
    show = copy_demo_show(tmp_path / "demo")
    for name in ("catalog.json", "rundown.json", "promotions.json", "show.json"):
        text = (show / name).read_text(encoding="utf-8")
        assert str(tmp_path) not in text and "\\\\" not in text
        json.loads(text)
