"""The HTML report in a real browser (headless Chromium): no console errors, self-contained,
screenshots for review in docs/screenshots/; the numbers of the scripted show in the page; CLI."""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from console.analytics.cli import register as register_analytics
from console.analytics.report import write_report
from console.rehearse import rehearse
from console.show.demo import copy_demo_show
from tests.unit.analytics.scripted import build_scripted_show

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium not installed (Debian: apt-get install chromium)"
)
T0 = 1_700_000_000.0

# Records every error the page could produce into an attribute that --dump-dom prints: script
# errors, failed resources (capturing listener), CSP violations (an outside resource),
# rejected promises and console.error. Injected before the report's CSP so it may run.
ERROR_HOOK = """<script>(function(){var errs=[];function put(m){errs.push(String(m));
document.documentElement.setAttribute('data-errors',JSON.stringify(errs));}
window.addEventListener('error',function(e){put('error: '+(e.message||(e.target&&(e.target.src||e.target.href))||'resource'));},true);
window.addEventListener('unhandledrejection',function(e){put('rejection: '+e.reason);});
document.addEventListener('securitypolicyviolation',function(e){put('csp: '+e.violatedDirective+' '+e.blockedURI);});
var ce=console.error;console.error=function(){put('console.error: '+Array.prototype.join.call(arguments,' '));return ce.apply(console,arguments);};
window.addEventListener('load',function(){document.documentElement.setAttribute('data-hook','loaded');});})();</script>"""


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    profile.mkdir()
    cmd = [
        CHROMIUM or "chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def page_errors(page: Path, tmp_path: Path) -> list[str]:
    """Errors the page raises in Chromium (the hook must report that it ran)."""
    probe = tmp_path / f"probe-{page.name}"
    probe.write_text(page.read_text(encoding="utf-8").replace("<head>", "<head>" + ERROR_HOOK, 1))
    done = _chromium(tmp_path, "--virtual-time-budget=3000", "--dump-dom", probe.as_uri())
    root = re.search(r"<html[^>]*>", done.stdout)
    assert root is not None, f"chromium printed no DOM: {done.stderr[-2000:]}"
    assert 'data-hook="loaded"' in root.group(0), "the error hook did not run"
    found = re.search(r'data-errors="([^"]*)"', root.group(0))
    return json.loads(html.unescape(found.group(1))) if found else []


def screenshot(page: Path, dest: Path, tmp_path: Path, size: str = "1280,2900") -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    done = _chromium(tmp_path, f"--window-size={size}", f"--screenshot={dest}", page.as_uri())
    assert dest.is_file() and dest.stat().st_size > 20_000, done.stderr[-2000:]


@pytest.fixture(scope="module")
def rehearsed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("rehearsed")
    a = copy_demo_show(base / "a")
    b = copy_demo_show(base / "b")
    meta = json.loads((b / "show.json").read_text(encoding="utf-8"))
    meta["title"] = "冬季好物专场（彩排二）"
    (b / "show.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    rehearse(a, 1800, seed=7, speed=0, start=T0 + 12 * 3600, viewers=400)
    rehearse(b, 1800, seed=8, speed=0, start=T0 + 36 * 3600, viewers=300)
    return a, b


@needs_chromium
def test_the_error_hook_catches_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'\"></head><body>"
        '<img src="https://example.invalid/x.png"><script>nope()</script></body></html>'
    )
    errors = page_errors(bad, tmp_path)
    assert any("csp: img-src" in e for e in errors)
    assert any("script-src" in e for e in errors)
    worse = tmp_path / "worse.html"
    worse.write_text("<html><head></head><body><script>console.error('boom');nope()</script>")
    errors = page_errors(worse, tmp_path)
    assert "console.error: boom" in errors and any("ReferenceError" in e for e in errors)


@needs_chromium
def test_report_opens_without_errors_and_is_self_contained(
    rehearsed: tuple[Path, Path], tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    write_report(rehearsed[0], html=page)
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text)
    assert text.count("<svg") >= 6  # lanes, 4 timelines, funnel
    assert page_errors(page, tmp_path) == []
    screenshot(page, SCREENSHOTS / "report.png", tmp_path)


@needs_chromium
def test_compare_renders_both_shows(rehearsed: tuple[Path, Path], tmp_path: Path) -> None:
    page = tmp_path / "compare.html"
    write_report(rehearsed[0], html=page, compare=rehearsed[1])
    text = page.read_text(encoding="utf-8")
    assert "冬季好物专场（演示）" in text and "冬季好物专场（彩排二）" in text
    assert "对比" in text and text.count('class="showhead"') == 2
    assert page_errors(page, tmp_path) == []
    screenshot(page, SCREENSHOTS / "report-compare.png", tmp_path, size="1480,2200")


def test_scripted_numbers_appear_in_the_page(tmp_path: Path) -> None:
    show = build_scripted_show(tmp_path / "show")
    page = tmp_path / "r.html"
    write_report(show, html=page)
    text = page.read_text(encoding="utf-8")
    for needle in (
        "¥613.90",  # GMV
        ">6<",  # orders
        "50.0%",  # conversion 4/8 and CUP while pinned 3/6
        "25.0%",  # MASK while pinned 1/4
        "¥415.00",  # CUP GMV
        "¥326.00",  # CUP GMV while pinned
        "1:30",  # CUP pinned 90 s
        "保温杯多少钱？",
        "✓ 已验证 VERIFIED",
    ):
        assert needle in text, needle


def test_cli_report_html_csv_and_orders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    show = build_scripted_show(tmp_path / "show")
    orders = tmp_path / "orders.csv"
    orders.write_text("订单号,商品ID,数量,金额\no1,CUP-316-500,1,89\n", encoding="utf-8")
    parser = argparse.ArgumentParser()
    commands: dict = {}
    register_analytics(parser.add_subparsers(dest="command"), commands)
    args = parser.parse_args(
        [
            "report",
            str(show),
            "--html",
            str(tmp_path / "out" / "r.html"),
            "--csv",
            str(tmp_path / "csv"),
        ]
    )
    assert commands["report"](args) == 0
    out = capsys.readouterr().out
    assert "订单对账" not in (tmp_path / "out" / "r.html").read_text(encoding="utf-8")
    assert "6 orders, GMV ¥613.90, conversion 50.0% (4/8 viewers)" in out
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == [
        "funnel.csv",
        "products.csv",
        "timeline.csv",
    ]
    args = parser.parse_args(
        ["reconcile", str(show), str(orders), "--csv", str(tmp_path / "d.csv")]
    )
    assert commands["reconcile"](args) == 1  # o2 … o5 and the hand-recorded sale are missing
    out = capsys.readouterr().out
    assert "matched: 1; differences: 5" in out and "missing_in_export: order o2" in out
    args = parser.parse_args(
        ["report", str(show), "--html", str(tmp_path / "o.html"), "--orders", str(orders)]
    )
    assert commands["report"](args) == 1  # differences found
    text = (tmp_path / "o.html").read_text(encoding="utf-8")
    assert "订单对账" in text and text.count("Seen during the show, not in the export") == 5
