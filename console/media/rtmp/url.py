"""RTMP destination URLs: parsing a server URL (+ stream key) and the secrets in it.

Pure: no socket. :func:`parse_rtmp_url` registers the URL's user-info, query and key with the
process-wide redactor before any message can quote them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from console.errors import UserError
from console.redaction import register_secret


@dataclass(frozen=True)
class RtmpTarget:
    """A parsed destination."""

    scheme: str
    host: str
    port: int
    app: str
    stream_name: str
    tc_url: str

    @property
    def host_port(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def parse_rtmp_url(url: str, key: str | None = None) -> tuple[str, str, int, str, str, str]:
    """Split a server URL (+ stream key) into (scheme, host, port, app, stream_name, tcUrl).

    With a key, the whole URL path is the application and the key is the stream name (how
    platforms hand out "server URL" + "stream key"); queries in the key are kept intact.
    Without one, the first path segment is the application and the rest the stream name.
    """
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port_in_url = parts.port
    except ValueError as exc:
        raise UserError(f"bad server URL ({exc}): use rtmp://HOST[:PORT]/APP") from None
    scheme = parts.scheme.lower()
    if scheme not in ("rtmp", "rtmps"):
        shown = scheme or "none"
        raise UserError(
            f"unsupported URL scheme '{shown}': the server URL must start with rtmp:// or rtmps://"
        )
    # RTMP publishing never sends URL user-info or knows which query part is a signature: they
    # are secrets for the redactor before any message can quote the URL.
    register_secret(url, key)
    host = parts.hostname or ""
    if not host:
        raise UserError("no server host in the URL: use rtmp://HOST[:PORT]/APP")
    port = port_in_url or (443 if scheme == "rtmps" else 1935)
    path = parts.path.lstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    key = (key or "").strip().lstrip("/")
    if key:
        app = path.rstrip("/") + query
        stream_name = key
    else:
        app, _, stream_name = path.partition("/")
        stream_name = stream_name + query if stream_name else ""
    if not app:
        raise UserError("no application in the server URL: use rtmp://HOST[:PORT]/APP")
    if not stream_name:
        raise UserError("no stream key: pass the key or put it at the end of the server URL")
    netloc_host = f"[{host}]" if ":" in host else host
    netloc = f"{netloc_host}:{port_in_url}" if port_in_url else netloc_host
    tc_url = f"{scheme}://{netloc}/{app}"
    return scheme, host, port, app, stream_name, tc_url
