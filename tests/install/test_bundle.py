"""`bash packaging/build.sh` builds the Linux bundle; the bundle, unpacked from its tarball into
another folder, runs `--version` and `demo --duration 3` with no Python of ours around it.

Slow (PyInstaller: a few minutes on 2 cores); deselect with ``-m "not bundle"`` while working.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.install.conftest import CHECKOUT, PIP_CACHE, clean_env
from tests.install.test_wheel import project_version
from tests.media_checks import decode

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.timeout(1800),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux bundle"),
]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    build = tmp_path_factory.mktemp("bundle-build")
    result = subprocess.run(
        ["nice", "-n", "10", "bash", str(CHECKOUT / "packaging" / "build.sh")],
        cwd=CHECKOUT,
        env={**os.environ, "LIVE_CONSOLE_BUILD_DIR": str(build), "PIP_CACHE_DIR": PIP_CACHE},
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    exe = Path(result.stdout.strip().splitlines()[-1])  # the last line is the executable
    assert exe.is_file() and os.access(exe, os.X_OK), result.stdout
    (tarball,) = build.glob("live-console-*-linux-*.tar.gz")
    return tarball


def test_tarball_has_desktop_file_and_icons(bundle: Path) -> None:
    with tarfile.open(bundle) as tar:
        names = set(tar.getnames())
    assert "live-console/live-console" in names
    assert "live-console/live-console.desktop" in names
    assert "live-console/icons/hicolor/256x256/apps/live-console.png" in names
    assert any(n.endswith("console/_data/fonts/LiveConsoleCJK-Regular.otf") for n in names)


def test_unpacked_bundle_runs_the_demo(bundle: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "opt"
    with tarfile.open(bundle) as tar:
        tar.extractall(elsewhere, filter="tar")
    exe = elsewhere / "live-console" / "live-console"
    env = clean_env(tmp_path / "home")
    work = tmp_path / "work"
    work.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(exe), *args],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            stdin=subprocess.DEVNULL,
        )

    version = run("--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"live-console {project_version()}"
    record = tmp_path / "bundle-demo.flv"
    demo = run("demo", "--duration", "3", "--record", str(record))
    assert demo.returncode == 0, demo.stderr
    assert "Traceback" not in demo.stderr
    decoded = decode(record)
    assert decoded.duration >= 2.5
    assert decoded.audio.shape[0] >= 48000 * 2
