"""Every command works from the installed wheel, outside the checkout, on a clean account."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.install.conftest import Install
from tests.media_checks import decode


def assert_one_clean_run(result, what: str) -> None:  # noqa: ANN001 - CompletedProcess
    assert result.returncode == 0, f"{what}: exit {result.returncode}\n{result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr


def test_demo_records_a_file_that_decodes(installed: Install, tmp_path: Path) -> None:
    record = tmp_path / "demo.flv"
    result = installed.run("demo", "--duration", "3", "--record", str(record), timeout=180)
    assert_one_clean_run(result, "demo")
    decoded = decode(record)
    assert decoded.duration >= 2.5
    assert decoded.fps > 0
    assert decoded.audio.shape[0] >= 48000 * 2  # sound too


def test_window_first_run_on_a_clean_account(installed: Install, tmp_path: Path) -> None:
    """No data dir, no settings, no keyring backend: the window opens on the demo show, says
    what it set up, and closes cleanly after LIVE_CONSOLE_QUIT_AFTER seconds."""
    home = tmp_path / "fresh-home"
    home.mkdir()
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "LIVE_CONSOLE_QUIT_AFTER": "3",
    }
    result = installed.run(env=env, timeout=120)
    assert_one_clean_run(result, "window")
    demo = home / ".local" / "share" / "live-console" / "shows" / "demo"
    assert f"first run: copied the demo show to {demo}" in result.stderr
    assert (demo / "show.json").is_file()
    assert (demo / "images" / "tea-set.png").is_file()
    assert "settings will be kept in" in result.stderr
    again = installed.run(env=env, timeout=120)  # the second run sets nothing up
    assert_one_clean_run(again, "window, second run")
    assert "first run" not in again.stderr


def test_show_commands(installed: Install, tmp_path: Path) -> None:
    show = tmp_path / "spring-sale"
    assert_one_clean_run(
        installed.run("new-show", "--title", "春季上新", "--platform", "douyin", str(show)),
        "new-show",
    )
    products = tmp_path / "products.csv"
    with products.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "title", "selling_points", "price", "stock"])
        writer.writerow(["CUP-1", "保温杯 500ml", "316不锈钢|12小时保温", "59.00", "100"])
        writer.writerow(["TEA-2", "全网最低价 茶具套装", "手工烧制", "129.00", "20"])
    result = installed.run("catalog", "import", str(show), str(products))
    assert_one_clean_run(result, "catalog import")
    check = installed.run("check", str(show))
    assert_one_clean_run(check, "check")
    assert "最" in check.stdout  # the built-in (installed) term list flagged the title
    rehearse = installed.run(
        "rehearse", str(show), "--duration", "60", "--speed", "max", "--seed", "3", timeout=180
    )
    assert_one_clean_run(rehearse, "rehearse")
    html = tmp_path / "report.html"
    report = installed.run("report", str(show), "--html", str(html), "--csv", str(tmp_path / "csv"))
    assert_one_clean_run(report, "report")
    text = html.read_text(encoding="utf-8")
    assert "live-console " in text and "Show report" in text
    version = installed.run("--version").stdout.split()[1]
    assert f"by live-console {version}" in text
