"""A missing or corrupted data file in an install: one line naming the file and saying to
reinstall, exit 2, never a traceback (the file is put back after each case)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.install.conftest import Install


@contextmanager
def broken(file: Path, content: bytes | None) -> Iterator[None]:
    """``file`` deleted (content None) or overwritten with ``content``, restored afterwards."""
    backup = file.with_name(file.name + ".backup")
    shutil.copy2(file, backup)
    try:
        if content is None:
            file.unlink()
        else:
            file.write_bytes(content)
        yield
    finally:
        backup.replace(file)


def one_line_reinstall(result, file: Path) -> None:  # noqa: ANN001 - CompletedProcess
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    assert str(file) in lines[0]
    assert "reinstall the console" in lines[0]


CASES = [
    ("demo_show/catalog.json", None, ["demo", "--duration", "1"]),
    ("demo_show/show.json", b"{not json", ["demo", "--duration", "1"]),
    ("platforms/presets.json", b'{"presets": [{"id": 1}]}', []),  # the window's presets
    ("platforms/presets.json", None, []),
    ("compliance/ad_law_terms.json", b"\xff\xfe garbage", ["check", "{show}"]),
    ("compliance/ad_law_terms.json", None, ["check", "{show}"]),
]


@pytest.mark.parametrize(("name", "content", "args"), CASES)
def test_broken_data_file_is_one_line(
    installed: Install, tmp_path: Path, name: str, content: bytes | None, args: list[str]
) -> None:
    show = tmp_path / "show"
    if "{show}" in args:
        assert installed.run("new-show", "--title", "t", str(show)).returncode == 0
    args = [a.replace("{show}", str(show)) for a in args]
    file = installed.package / "_data" / name
    home = tmp_path / "home"
    env = {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "LIVE_CONSOLE_QUIT_AFTER": "1",
    }
    with broken(file, content):
        one_line_reinstall(installed.run(*args, env=env), file)
