"""The console as a user installs it: a wheel built from this checkout, installed into a fresh
venv in a temporary folder, run from a folder that is not the checkout.

Built once per test session (about a minute with a warm pip cache). Every test here runs the
installed ``live-console`` or the venv's Python, never the checkout's code.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]
# read before any test's fixture points HOME at an empty folder: the fresh venv reuses the
# machine's pip cache instead of downloading PySide6, PyAV and OpenCV again
PIP_CACHE = os.environ.get("PIP_CACHE_DIR") or str(Path.home() / ".cache" / "pip")
INSTALL_TIMEOUT_S = 900


@dataclass
class Install:
    venv: Path
    wheel: Path
    work: Path  # an empty folder away from the checkout: the current directory of every run
    env: dict[str, str] = field(default_factory=dict)

    @property
    def bin(self) -> Path:
        return self.venv / ("Scripts" if os.name == "nt" else "bin")

    @property
    def python(self) -> Path:
        return self.bin / "python"

    @property
    def exe(self) -> Path:
        return self.bin / "live-console"

    @property
    def package(self) -> Path:
        """The installed ``console`` package folder in the venv's site-packages."""
        out = self.run_python(
            "import console, pathlib; print(pathlib.Path(console.__file__).parent)"
        )
        return Path(out.stdout.strip())

    def run(
        self,
        *args: str,
        env: dict[str, str] | None = None,
        timeout: float = 120,
        cwd: Path | None = None,
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.exe), *args],
            cwd=cwd or self.work,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def run_python(
        self, code: str, env: dict[str, str] | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(self.python), "-c", code],
            cwd=self.work,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        assert result.returncode == 0, result.stderr
        return result


def clean_env(home: Path) -> dict[str, str]:
    """The environment of a user who never saw this checkout: an empty home, no PYTHONPATH."""
    keep = ("PATH", "LANG", "LC_ALL", "TZ", "TMPDIR", "DISPLAY", "XAUTHORITY", "SYSTEMROOT")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_CACHE_HOME=str(home / ".cache"),
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",  # a clean account: no keyring
        PIP_CACHE_DIR=PIP_CACHE,
    )
    env.pop("DISPLAY", None)
    return env


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Install:
    root = tmp_path_factory.mktemp("install")
    dist = root / "dist"
    env = clean_env(root / "home")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(CHECKOUT)],
        check=True,
        env={**os.environ, "PIP_CACHE_DIR": PIP_CACHE},
        timeout=INSTALL_TIMEOUT_S,
    )
    (wheel,) = dist.glob("live_console-*.whl")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    install = Install(venv=venv, wheel=wheel, work=root / "work", env=env)
    install.work.mkdir()
    subprocess.run(
        [
            str(install.python),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            str(wheel),
        ],
        check=True,
        cwd=install.work,
        env=env,
        timeout=INSTALL_TIMEOUT_S,
    )
    return install


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The first test here also builds and installs the wheel: give these tests more time."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(INSTALL_TIMEOUT_S))
