"""Credentials in a server URL's query stayed in the application, in settings.json and in the
Custom destination's row title."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from console.platforms.presets import secure_server, split_push_url
from console.settings import DestinationSettings, Settings, save_settings, settings_path

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

SECRET = "abc123secret"
SERVER = f"rtmp://push.example.com/live?vhost=v1&txSecret={SECRET}"


def test_secret_query_moves_into_the_key() -> None:
    server, key = secure_server(SERVER, "stream-1?txTime=65A1B2C3")
    assert server == "rtmp://push.example.com/live?vhost=v1"
    assert key == f"stream-1?txTime=65A1B2C3&txSecret={SECRET}"


def test_user_info_is_refused_without_echoing_it() -> None:
    from console.errors import UserError

    with pytest.raises(UserError) as err:
        split_push_url("rtmp://user:Pa@ssw0rd@push.example.com/live/stream-1")
    assert "ssw0rd" not in str(err.value) and "user:" not in str(err.value)


def test_dialog_keeps_the_secret_out_of_settings_and_the_row_title(qtbot: QtBot) -> None:
    from console.ui.destinations import DestinationDialog, DestinationRow

    dialog = DestinationDialog()
    qtbot.addWidget(dialog)
    dialog.preset.setCurrentIndex(dialog.preset.findData("custom"))
    dialog.name.setText("")
    dialog.server.setText(SERVER)
    dialog.key.setText("stream-1")
    dialog._accept()
    assert dialog.error.text() == ""
    dest, key = dialog.result_destination()
    assert key == f"stream-1?txSecret={SECRET}"  # goes to the keyring with the key
    assert SECRET not in dest.server and SECRET not in dest.name
    save_settings(Settings(destinations=[dest]))
    assert SECRET not in settings_path().read_text(encoding="utf-8")
    assert json.loads(settings_path().read_text(encoding="utf-8"))["destinations"][0]["name"] == (
        "push.example.com"
    )

    # a destination saved by an older version, named after its whole URL: the host only
    old = DestinationSettings(id="d1", name=SERVER, server=SERVER)
    row = DestinationRow(old)
    qtbot.addWidget(row)
    assert row.title.text() == "push.example.com"
    assert SECRET not in row.detail.text()


def test_dialog_without_key_refuses_a_signed_server(qtbot: QtBot) -> None:
    from console.ui.destinations import DestinationDialog

    dialog = DestinationDialog(dest=DestinationSettings(id="d1", server=""), has_key=True)
    qtbot.addWidget(dialog)
    dialog.server.setText(SERVER)
    dialog._accept()
    assert "paste the stream key again" in dialog.error.text()
    assert SECRET not in dialog.error.text() and dialog.dest.server == ""
