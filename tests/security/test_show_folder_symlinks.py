"""Defect 4: a show folder from someone else must not make the console write outside it.

Links planted where the console writes (the old fixed temp names ``catalog.json.tmp``,
``layout.json.tmp``, ``images/<hash>.part``, the files themselves, ``images/`` and
``recordings/``, the journal and its ``-wal``/``-shm``) point at a file standing in for
``~/.bashrc``: it must stay unchanged, and a link where the console writes is refused in one line.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import cv2
import numpy as np
import pytest

from console.errors import UserError
from console.show.catalog import Catalog, fetch_image
from console.show.controller import ShowController
from console.show.demo import copy_demo_show
from console.show.folder import ShowFolder
from console.show.journal import Journal

ROOT = Path(__file__).resolve().parents[2]
BASHRC = "export PATH=$HOME/bin:$PATH  # the user's own\n"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges")


@pytest.fixture
def bashrc(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    target = home / ".bashrc"
    target.write_text(BASHRC, encoding="utf-8")
    return target


@pytest.fixture
def show(tmp_path: Path) -> Path:
    return copy_demo_show(tmp_path / "show")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


@pytest.mark.parametrize("name", ["catalog.json.tmp", "layout.json.tmp", "rundown.json.tmp"])
def test_old_fixed_temp_names_planted_as_links_are_not_written_through(
    show: Path, bashrc: Path, name: str
) -> None:
    (show / name).symlink_to(bashrc)
    folder = ShowFolder.open(show, writer=True)
    try:
        folder.save_catalog(folder.load_catalog())
        folder.save_layout({"portrait": {}})
        folder.save_rundown(folder.load_rundown())
    finally:
        folder.close()
    assert bashrc.read_text(encoding="utf-8") == BASHRC
    assert ShowFolder.open(show).load_layout() == {"portrait": {}}
    # no temp file left behind besides the planted link
    assert not [p for p in show.iterdir() if p.name.endswith(".tmp") and not p.is_symlink()]


def test_catalog_import_through_the_cli_does_not_write_through_a_planted_temp(
    show: Path, bashrc: Path, tmp_path: Path
) -> None:
    (show / "catalog.json.tmp").symlink_to(bashrc)
    source = tmp_path / "products.json"
    source.write_text(
        '[{"id": "NEW-1", "title": "新品", "price": "9.90", "stock": 5}]', encoding="utf-8"
    )
    done = run_cli("catalog", "import", str(show), str(source))
    assert done.returncode == 0, done.stderr
    assert bashrc.read_text(encoding="utf-8") == BASHRC
    assert ShowFolder.open(show).load_catalog().get("NEW-1") is not None


@pytest.mark.parametrize("name", ["layout.json", "catalog.json", "promotions.json", "show.json"])
def test_a_link_where_the_console_writes_is_refused(show: Path, tmp_path: Path, name: str) -> None:
    real = tmp_path / f"elsewhere-{name}"
    real.write_bytes((show / name).read_bytes())
    (show / name).unlink()
    (show / name).symlink_to(real)
    before = real.read_bytes()
    with pytest.raises(UserError, match=rf"{name} in the show folder is a symbolic link"):
        ShowController.open(show)
    assert real.read_bytes() == before
    # reading is still allowed (show-state, check …)
    assert ShowFolder.open(show).meta.title


@pytest.mark.parametrize("sub", ["images", "recordings"])
def test_a_linked_images_or_recordings_folder_is_refused(
    show: Path, tmp_path: Path, sub: str
) -> None:
    outside = tmp_path / f"outside-{sub}"
    (show / sub).rename(outside)
    (show / sub).symlink_to(outside, target_is_directory=True)
    listing = sorted(p.name for p in outside.iterdir())
    with pytest.raises(UserError, match=rf"{sub} in the show folder is a symbolic link"):
        ShowFolder.open(show, writer=True)
    with pytest.raises(UserError, match="symbolic link"):
        ShowController.open(show)
    assert sorted(p.name for p in outside.iterdir()) == listing


@pytest.mark.parametrize("name", ["journal.sqlite", "journal.sqlite-wal", "journal.sqlite-shm"])
def test_a_linked_journal_or_companion_is_refused(show: Path, bashrc: Path, name: str) -> None:
    if name != "journal.sqlite":
        ShowController.open(show).close()  # a real journal; its -wal/-shm go on a clean close
        assert not (show / name).exists()
    (show / name).symlink_to(bashrc)
    with pytest.raises(UserError, match="symbolic link"):
        ShowController.open(show)
    with pytest.raises(UserError, match="symbolic link"):
        Journal(show / "journal.sqlite", read_only=True)
    assert bashrc.read_text(encoding="utf-8") == BASHRC
    done = run_cli("show-state", str(show))
    assert done.returncode == 2
    assert "symbolic link" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_planted_writer_lock_link_is_refused(show: Path, bashrc: Path) -> None:
    (show / "writer.lock").symlink_to(bashrc)
    with pytest.raises(UserError, match="writer.lock is a symbolic link"):
        ShowController.open(show)
    assert bashrc.read_text(encoding="utf-8") == BASHRC


# ---------------------------------------------------------------------------- image fetch

_ok, _png = cv2.imencode(".png", np.full((8, 8, 3), 90, np.uint8))
PNG = _png.tobytes()


class _PngHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # http.server API
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PNG)))
        self.end_headers()
        self.wfile.write(PNG)


@pytest.fixture
def png_server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _PngHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/cup.png"
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


def test_fetched_image_does_not_write_through_a_planted_part_file(
    show: Path, bashrc: Path, png_server: str
) -> None:
    stem = hashlib.sha256(PNG).hexdigest()[:16]
    (show / "images" / f"{stem}.part").symlink_to(bashrc)
    path = fetch_image(png_server, show / "images")
    assert bashrc.read_text(encoding="utf-8") == BASHRC
    assert path == show / "images" / f"{stem}.png"
    assert path.read_bytes() == PNG and not path.is_symlink()


def test_fetched_image_name_planted_as_a_link_is_refused(
    show: Path, bashrc: Path, png_server: str
) -> None:
    stem = hashlib.sha256(PNG).hexdigest()[:16]
    dangling = show / "images" / f"{stem}.png"
    dangling.symlink_to(show.parent / "home" / "new-file")  # a link to a file not yet there
    with pytest.raises(UserError, match="symbolic link"):
        fetch_image(png_server, show / "images")
    assert not (show.parent / "home" / "new-file").exists()
    assert bashrc.read_text(encoding="utf-8") == BASHRC


def test_catalog_export_does_not_write_through_a_link(show: Path, bashrc: Path) -> None:
    from console.show.catalog import export_catalog

    out = show / "export.csv"
    out.symlink_to(bashrc)
    with pytest.raises(UserError, match="symbolic link"):
        export_catalog(Catalog(), out)
    assert bashrc.read_text(encoding="utf-8") == BASHRC


def test_journal_export_does_not_write_through_a_link(show: Path, bashrc: Path) -> None:
    with ShowController.open(show) as controller:
        out = show / "journal.jsonl"
        out.symlink_to(bashrc)
        with pytest.raises(UserError, match="symbolic link"):
            controller.journal.export_jsonl(out)
        assert controller.journal.export_jsonl(show / "real.jsonl") >= 1
    assert bashrc.read_text(encoding="utf-8") == BASHRC
    assert (show / "real.jsonl").stat().st_mode & 0o777 == 0o600


def test_report_and_csvs_into_the_show_folder_do_not_write_through_links(
    show: Path, bashrc: Path
) -> None:
    from console.analytics.report import write_report
    from console.show.commands import PinProduct

    with ShowController.open(show) as controller:
        controller.execute(PinProduct("CUP-316-500"))
    (show / "report.html").symlink_to(bashrc)
    with pytest.raises(UserError, match="symbolic link"):
        write_report(show, html=show / "report.html")
    (show / "reports").mkdir()
    (show / "reports" / "timeline.csv").symlink_to(bashrc)
    with pytest.raises(UserError, match="symbolic link"):
        write_report(show, csv_dir=show / "reports")
    assert bashrc.read_text(encoding="utf-8") == BASHRC
    done = write_report(show, html=show / "real.html", csv_dir=show / "real-csv")
    assert done.html is not None and done.html.read_text(encoding="utf-8").startswith("<!")
    assert (show / "real-csv" / "products.csv").read_bytes().startswith(b"\xef\xbb\xbf")
