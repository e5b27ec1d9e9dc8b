"""SIGINT (Ctrl-C in the terminal that started it) and SIGTERM quit the window cleanly, exit 0.

A real ``live-console`` window process (offscreen), on a clean account: the signal arrives once
the show is open (the first-run line is printed) and the window stops as its Quit action does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")


def _start(tmp_path: Path) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_VIDEOS_DIR=str(tmp_path / "videos"),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "console", "window"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_quits_the_window_cleanly(tmp_path: Path, sig: signal.Signals) -> None:
    proc = _start(tmp_path)
    seen: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # the show is open once the first-run line is out
            seen.append(line)
            if "first run:" in line:
                break
        else:
            pytest.fail("the window exited before opening the show:\n" + "".join(seen))
        proc.send_signal(sig)
        rest, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    output = "".join(seen) + rest
    assert proc.returncode == 0, output
    assert "Traceback" not in output
    assert "KeyboardInterrupt" not in output
    assert "QBackingStore" not in output, output
