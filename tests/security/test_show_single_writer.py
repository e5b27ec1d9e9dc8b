"""Defect 5: one writer per show folder.

A real second process is started while a first holds the show (``live-console rehearse``, a
real CLI writer): every other writer stops at once with one line naming the holder (pid,
command, since when); the read-only commands keep working meanwhile; after the holder is
SIGKILLed (its lock file stays behind: "stale") a new writer takes the show over.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from console.errors import UserError
from console.show import lock as show_lock
from console.show.controller import ShowController
from console.show.demo import copy_demo_show
from console.show.folder import ShowFolder
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, PYTHONPATH=str(ROOT))

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def lock_note(show: Path) -> dict:
    try:
        return json.loads((show / "writer.lock").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@pytest.fixture
def held_show(tmp_path: Path):
    """A show held by a real `live-console rehearse` process (a long rehearsal in real time)."""
    show = copy_demo_show(tmp_path / "show")
    holder = subprocess.Popen(
        [sys.executable, "-m", "console", "rehearse", str(show), "--duration", "3600"],
        cwd=ROOT,
        env=ENV,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_for(
            lambda: lock_note(show).get("pid") == holder.pid and (show / "journal.sqlite").exists(),
            timeout=60,
        ), holder.stderr.read() if holder.poll() is not None else "holder did not take the lock"
        yield show, holder
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait(30)
        holder.stderr.close()


def assert_names_holder(message: str, holder: subprocess.Popen) -> None:
    assert "Traceback" not in message
    lines = [line for line in message.strip().splitlines() if "already open" in line]
    assert len(lines) == 1, message  # one line (a command's banner may come before it)
    message = lines[0]
    assert f"pid {holder.pid}" in message
    assert "rehearse" in message  # the holder's command line
    assert " since 20" in message  # when it started (ISO date)
    assert "already open for writing" in message


def test_second_writers_fail_fast_and_readers_keep_working(held_show, tmp_path: Path) -> None:
    show, holder = held_show
    products = tmp_path / "products.json"
    products.write_text(
        '[{"id": "NEW-1", "title": "新品", "price": "9.90", "stock": 5}]', encoding="utf-8"
    )
    catalog_before = (show / "catalog.json").read_bytes()

    # another process: `catalog import` is refused, names the holder, changes nothing
    done = run_cli("catalog", "import", str(show), str(products))
    assert done.returncode == 2
    assert_names_holder(done.stderr, holder)
    assert (show / "catalog.json").read_bytes() == catalog_before

    # another rehearsal on the same show: refused the same way
    done = run_cli("rehearse", str(show), "--duration", "5", "--speed", "max")
    assert done.returncode == 2
    assert_names_holder(done.stderr, holder)

    # this process as the window would open it (console.show.opening.open_show) and as a controller
    from console.show.opening import open_show

    with pytest.raises(UserError) as refused:
        open_show(show)
    assert_names_holder(str(refused.value), holder)
    with pytest.raises(UserError) as refused:
        ShowController.open(show)
    assert_names_holder(str(refused.value), holder)
    with pytest.raises(UserError):
        ShowFolder.open(show).save_layout({})  # even a lone write takes the lock
    assert show_lock.holder_of(show) and f"pid {holder.pid}" in show_lock.holder_of(show)

    # read-only commands work meanwhile and take no lock
    state = run_cli("show-state", str(show))
    assert state.returncode == 0, state.stderr
    assert "journal #" in state.stdout
    check = run_cli("check", str(show))
    assert check.returncode == 0, check.stderr
    report = run_cli("report", str(show), "--html", str(tmp_path / "report.html"))
    assert report.returncode == 0, report.stderr
    verify = run_cli("verify-lottery", str(show), "lottery-1")
    assert "already open" not in verify.stderr and "Traceback" not in verify.stderr
    assert holder.poll() is None  # the holder was never disturbed
    assert lock_note(show)["pid"] == holder.pid


def test_a_killed_holder_leaves_a_stale_lock_that_a_new_writer_takes_over(
    held_show, tmp_path: Path
) -> None:
    show, holder = held_show
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(30)
    assert (show / "writer.lock").exists()  # the file stays: only the kernel lock went away
    assert lock_note(show)["pid"] == holder.pid
    assert show_lock.holder_of(show) is None

    products = tmp_path / "products.json"
    products.write_text(
        '[{"id": "NEW-1", "title": "新品", "price": "9.90", "stock": 5}]', encoding="utf-8"
    )
    done = run_cli("catalog", "import", str(show), str(products))
    assert done.returncode == 0, done.stderr
    assert ShowFolder.open(show).load_catalog().get("NEW-1") is not None

    with ShowController.open(show) as controller:  # and the window's way of opening it
        assert controller.state.last_seq > 0  # the killed rehearsal's journal replayed
        note = lock_note(show)
        assert note["pid"] == os.getpid() and note["since"]
    assert show_lock.holder_of(show) is None  # released on close


def test_holders_command_line_is_redacted(tmp_path: Path) -> None:
    """The lock note holds the command line: a secret in it is masked, never written."""
    show = copy_demo_show(tmp_path / "show")
    secret = "live_123456789_abcdefSECRET"
    script = (
        "import sys\n"
        "from console.redaction import register_secret\n"
        "register_secret(sys.argv[2])\n"
        "from console.show.folder import ShowFolder\n"
        "f = ShowFolder.open(sys.argv[1], writer=True)\n"
        "print('READY', flush=True)\n"
        "sys.stdin.read()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(show), secret],
        cwd=ROOT,
        env=ENV,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "READY"
        raw = (show / "writer.lock").read_text(encoding="utf-8")
        assert secret not in raw
        assert (show / "writer.lock").stat().st_mode & 0o777 == 0o600
        with pytest.raises(UserError) as refused:
            ShowFolder.open(show, writer=True)
        assert secret not in str(refused.value)
        assert f"pid {holder.pid}" in str(refused.value)
    finally:
        holder.kill()
        holder.wait(30)
        holder.stdout.close()
        holder.stdin.close()


def test_one_process_shares_its_own_hold(tmp_path: Path) -> None:
    """The window's folder, controller and layout store share one hold; the last close frees it."""
    show = copy_demo_show(tmp_path / "show")
    folder = ShowFolder.open(show, writer=True)
    controller = ShowController.open(folder)
    folder.save_layout({"portrait": {}})
    controller.close()  # closes the folder's hold too
    assert show_lock.holder_of(show) is None
    done = run_cli("catalog", "import", str(show), str(tmp_path / "missing.json"))
    assert "already open" not in done.stderr  # free for another process (fails on the file)
