"""The phone panel's role table, pairing codes and device tokens, and the pairing QR code."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import cv2
import numpy as np
import pytest

from console.panel import qr
from console.panel.pairing import (
    CODE_TTL_S,
    MAX_FAILS_PER_PEER,
    PairingError,
    PairingStore,
    token_hash,
)
from console.panel.roles import ACTIONS, ROLES, allowed_actions, check


class Clock:
    def __init__(self) -> None:
        self.t = 1_800_000_000.0

    def __call__(self) -> float:
        return self.t


def test_host_may_do_everything() -> None:
    assert all(check("host", action) is None for action in ACTIONS)


def test_assistant_runs_the_show_but_not_the_stream() -> None:
    for action in (
        "pin_product",
        "launch_coupon",
        "draw_lottery",
        "advance_rundown",
        "hide_comment",
    ):
        assert check("assistant", action) is None
    for action in ("start_stream", "stop_stream", "set_destinations", "set_key", "set_source"):
        reason = check("assistant", action)
        assert reason is not None and reason.startswith("only the host may ")
    assert check("assistant", "stop_stream") == (
        "only the host may stop the stream (this device is paired as assistant)"
    )


def test_moderator_chat_only_and_viewer_nothing() -> None:
    assert set(allowed_actions("moderator")) == {
        "pin_comment",
        "unpin_comment",
        "hide_comment",
        "block_user",
    }
    assert check("moderator", "pin_product") == (
        "only the host or assistant may pin a product (this device is paired as moderator)"
    )
    assert allowed_actions("viewer") == []
    assert "host, assistant or moderator" in (check("viewer", "hide_comment") or "")


def test_unknown_action_or_role_is_refused() -> None:
    assert "unknown action" in (check("host", "rm -rf") or "")
    assert "unknown role" in (check("admin", "pin_product") or "")
    assert set(ROLES) == {"host", "assistant", "moderator", "viewer"}


def test_a_code_pairs_once_and_the_token_is_stored_hashed_0600(tmp_path: Path) -> None:
    path = tmp_path / "panel" / "devices.json"
    store = PairingStore(path, clock=Clock())
    code = store.code_for("assistant").code
    assert len(code) == 6 and code.isdigit()
    token, device = store.pair(code, "  Li 的手机 ", "10.0.0.2")
    assert device.name == "Li 的手机" and device.role == "assistant"
    assert device.actor == "panel:Li 的手机:assistant"
    with pytest.raises(PairingError, match="wrong or expired code"):
        store.pair(code, "again", "10.0.0.2")  # single use
    text = path.read_text("utf-8")
    assert token not in text and token_hash(token) in text
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = PairingStore(path, clock=Clock())  # survives a restart
    assert again.authenticate(token) is not None
    assert again.authenticate(token + "x") is None
    assert [d.name for d in again.devices()] == ["Li 的手机"]


def test_codes_expire_and_renew(tmp_path: Path) -> None:
    clock = Clock()
    store = PairingStore(tmp_path / "d.json", clock=clock)
    old = store.code_for("viewer")
    clock.t += CODE_TTL_S + 1
    with pytest.raises(PairingError, match="expired"):
        store.pair(old.code, "phone", "p")
    fresh = store.code_for("viewer")
    assert fresh.code != old.code or fresh.expires_at > old.expires_at
    _token, device = store.pair(fresh.code, "phone", "p")
    assert device.role == "viewer"


def test_wrong_codes_are_rate_limited_even_for_the_right_code(tmp_path: Path) -> None:
    store = PairingStore(tmp_path / "d.json", clock=Clock())
    right = store.code_for("host").code
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(MAX_FAILS_PER_PEER):
        with pytest.raises(PairingError) as info:
            store.pair(wrong, "phone", "10.0.0.9")
        assert info.value.status == 401
    with pytest.raises(PairingError, match="too many wrong codes") as info:
        store.pair(right, "phone", "10.0.0.9")
    assert info.value.status == 429
    _token, device = store.pair(right, "phone", "10.0.0.10")  # another peer still can
    assert device.role == "host"


def test_device_names_are_checked(tmp_path: Path) -> None:
    store = PairingStore(tmp_path / "d.json", clock=Clock())
    code = store.code_for("host").code
    for bad in ("", "   ", "x" * 41, 7, "\u202e\u200b"):
        with pytest.raises(PairingError, match="device name"):
            store.pair(code, bad, "p")
    _token, device = store.pair(code, "a\u202eb\nc", "p")  # a bad name does not spend the code
    assert device.name == "abc"


def test_revoke_forgets_the_token_and_tells_listeners(tmp_path: Path) -> None:
    store = PairingStore(tmp_path / "d.json", clock=Clock())
    token, device = store.pair(store.code_for("moderator").code, "phone", "p")
    told = []
    store.on_revoke(told.append)
    store.revoke(device.device_id)
    assert store.authenticate(token) is None
    assert [d.device_id for d in told] == [device.device_id]
    assert json.loads((tmp_path / "d.json").read_text())["devices"] == []


def test_a_linked_devices_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere.json").write_text("{}")
    (tmp_path / "d.json").symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(Exception, match="not a regular file"):
        PairingStore(tmp_path / "d.json")


URL = "http://192.168.1.20:8765/panel/#code=123456"


def test_the_png_qr_decodes_to_the_pairing_url() -> None:
    image = cv2.imdecode(np.frombuffer(qr.png_bytes(URL), np.uint8), cv2.IMREAD_GRAYSCALE)
    assert cv2.QRCodeDetector().detectAndDecode(image)[0] == URL
    assert qr.svg_text(URL).startswith("<svg")


def test_the_terminal_qr_decodes_to_the_pairing_url() -> None:
    lines = qr.terminal_text(URL).splitlines()
    top = {"█": 1, "▀": 1, "▄": 0, " ": 0}
    bottom = {"█": 1, "▀": 0, "▄": 1, " ": 0}
    rows = []
    for line in lines:
        rows.append([top[ch] for ch in line])
        rows.append([bottom[ch] for ch in line])
    light = np.array(rows, np.uint8) * 255
    image = cv2.resize(light, None, fx=8, fy=8, interpolation=cv2.INTER_NEAREST)
    image = cv2.copyMakeBorder(image, 32, 32, 32, 32, cv2.BORDER_CONSTANT, value=255)
    assert cv2.QRCodeDetector().detectAndDecode(image)[0] == URL
