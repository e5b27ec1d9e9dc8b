"""The one local server policy layer: every server the console runs on this machine (the audience
ingest today; obs-websocket control and the phone panel later) is an aiohttp app served by
:class:`LocalServer` under a :class:`ServerPolicy` — Host and Origin checks, a token for writes,
JSON content type, connection caps, head and body deadlines, size and depth limits
(``docs/security.md``, "Local server"). No Qt here.
"""

from console.server.local import LocalServer, json_response
from console.server.policy import (
    WS_PROTOCOL,
    WS_TOKEN_PREFIX,
    Refused,
    ServerPolicy,
    check_token_text,
    loads_json,
)
from console.server.tokens import load_or_create_token

__all__ = [
    "WS_PROTOCOL",
    "WS_TOKEN_PREFIX",
    "LocalServer",
    "Refused",
    "ServerPolicy",
    "check_token_text",
    "json_response",
    "load_or_create_token",
    "loads_json",
]
