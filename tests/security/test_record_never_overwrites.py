"""``--record PATH`` silently overwrote an existing file (an earlier show's recording)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from console.media.recorder import check_record_path


def test_cli_records_next_to_an_existing_file(tmp_path: Path) -> None:
    earlier = tmp_path / "show.flv"
    earlier.write_bytes(b"yesterday's show")
    proc = subprocess.run(
        [sys.executable, "-m", "console.cli", "demo", "--duration", "1", "--fps", "10"]
        + ["--record", str(earlier)],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ.copy(),
    )
    assert proc.returncode == 0, proc.stderr
    assert earlier.read_bytes() == b"yesterday's show"
    used = tmp_path / "show (2).flv"
    assert f"recording to {used} instead" in proc.stderr
    assert used.read_bytes()[:3] == b"FLV"


def test_next_free_name_skips_taken_ones_and_dangling_links(tmp_path: Path) -> None:
    (tmp_path / "a.flv").write_bytes(b"1")
    (tmp_path / "a (2).flv").symlink_to(tmp_path / "missing")  # a link counts as taken
    assert check_record_path(str(tmp_path / "a.flv")) == tmp_path / "a (3).flv"
    assert check_record_path(str(tmp_path / "b.flv")) == tmp_path / "b.flv"
