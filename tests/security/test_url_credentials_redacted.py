"""Camera URL redaction turned ``admin:Pa@ssw0rd@`` into ``***@ssw0rd@`` (the first ``@``, not
the last); query signatures of a server URL stayed in the application name and in messages."""

from __future__ import annotations

from console.redaction import redact, register_secret

URL = "rtmp://user:Pa@ssw0rd@host/app?sign=abc123secret"


def test_url_with_at_in_password_and_sign_query() -> None:
    out = redact(f"cannot connect to {URL}: refused")
    assert "ssw0rd" not in out and "Pa@" not in out and "abc123secret" not in out
    assert "user" not in out
    assert out == "cannot connect to rtmp://****@host/app?sign=****: refused"


def test_signature_params_masked_expiry_kept() -> None:
    out = redact("rtmp://h/live/s1?txSecret=0a1b2c3d&txTime=65A1B2C3&auth_key=1-0-0-ffee")
    assert "0a1b2c3d" not in out and "1-0-0-ffee" not in out
    assert "txTime=65A1B2C3" in out  # an expiry time is not secret and helps diagnose


def test_registered_url_password_is_masked_anywhere() -> None:
    register_secret("rtsp://cam:Xy@9!zq-long@10.0.0.9/stream")
    assert redact("auth failed with password Xy@9!zq-long") == "auth failed with password ****"


def test_camera_source_name_hides_password_with_at() -> None:
    from console.media.camera import CameraSource

    src = CameraSource("rtsp://admin:Pa@ssw0rd@127.0.0.1:1/stream?channel=1&token=t0k3n")
    assert src.name == "camera:rtsp://****@127.0.0.1:1/stream?****"
    assert "ssw0rd" not in redact(f"lost {src.name}; last said Pa@ssw0rd")


def test_publisher_refusal_text_has_no_query_secret() -> None:
    from console.media.rtmp import RtmpPublisher

    pub = RtmpPublisher("rtmp://127.0.0.1/live?auth=s3cr3tAuthValue", "stream-1")
    assert "s3cr3tAuthValue" not in pub.name
    assert "s3cr3tAuthValue" not in redact(f"application '{pub._target.app}'")
