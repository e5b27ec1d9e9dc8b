"""Defect 12: an RTMPS certificate issued for a name, reached by IP address, is a name mismatch.

The certificate is trusted (our CA) but lists only ``DNS:localhost``; connecting to
``rtmps://127.0.0.1`` used to say "not trusted ... pass the server's CA file", which sends the
user after the wrong fix. It must say the certificate does not match the IP address.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from console.media.output import OutputState
from console.media.rtmp import RtmpPublisher
from tests.fixtures.rtmp_servers import (
    NginxRtmp,
    make_tls_certs,
    nginx_available,
    running_nginx,
)

SECRET = "sk_live_ipmismatch_5b4a"


@pytest.fixture(scope="module")
def name_only_nginx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NginxRtmp]:
    if not nginx_available():
        pytest.skip("nginx with libnginx-mod-rtmp and libnginx-mod-stream is not installed")
    root = tmp_path_factory.mktemp("nginx-name-only")
    certs = make_tls_certs(root / "tls", san="DNS:localhost")
    with running_nginx(root, certs) as server:
        yield server


def run_until_done(pub: RtmpPublisher) -> None:
    pub.start()
    assert pub.wait_done(15), f"still {pub.state}"
    pub.stop(2)


def test_ip_address_not_in_certificate_is_a_mismatch(name_only_nginx: NginxRtmp) -> None:
    pub = RtmpPublisher(
        name_only_nginx.rtmps_url(host="127.0.0.1"),
        SECRET,
        ca_file=str(name_only_nginx.ca_file),
        connect_timeout=5,
    )
    run_until_done(pub)
    assert pub.state == OutputState.FAILED
    error = pub.error or ""
    assert error.startswith("TLS certificate of 127.0.0.1 does not match the IP address"), error
    assert "not trusted" not in error and "CA file" not in error, error
    assert "\n" not in error and SECRET not in error


def test_same_certificate_by_its_name_still_publishes(name_only_nginx: NginxRtmp) -> None:
    """The control: the certificate is valid for localhost, so the failure above is the IP."""
    pub = RtmpPublisher(
        name_only_nginx.rtmps_url(host="localhost"),
        "ip-mismatch-control",
        ca_file=str(name_only_nginx.ca_file),
        connect_timeout=5,
    )
    pub.start()
    try:
        assert pub.wait_live(10), pub.error
    finally:
        pub.stop(5)


def test_untrusted_certificate_is_still_untrusted(name_only_nginx: NginxRtmp) -> None:
    pub = RtmpPublisher(name_only_nginx.rtmps_url(host="localhost"), SECRET, connect_timeout=5)
    run_until_done(pub)
    assert (pub.error or "").startswith("TLS certificate of localhost not trusted"), pub.error


def test_default_certificates_keep_both_names(tmp_path: Path) -> None:
    """make_tls_certs keeps its default SANs for the other RTMPS tests."""
    certs = make_tls_certs(tmp_path)
    assert certs.ca_file.exists() and certs.cert_file.exists()
