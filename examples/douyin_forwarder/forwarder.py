"""Douyin 开放平台 live data push → the console's local ingest.

Douyin (and Taobao, Kuaishou, WeChat Channels) offers no comment API a desktop app may call.
What Douyin's open platform does offer an approved app is a **data push** (直播间数据开放 /
互动数据推送): it POSTs the room's comments, gifts, likes and fan-club joins to an HTTPS URL the
team runs. This small server is that URL: it checks Douyin's signature, maps each message to the
console's neutral event, and forwards the batch to the console's ingest (``POST /v1/events``,
with the ingest token and, when the ingest has a secret, its HMAC signature). It answers Douyin
``200`` only once the console accepted the batch, so a failed forward is retried by Douyin; the
console drops the resends by (platform, msg_id). Set-up: ``docs/connectors.md`` ("Douyin").

Push request (per Douyin's docs at the time of writing — check your app's documentation)::

    POST /douyin/live
    x-roomid: 7300000000000000000     x-msg-type: live_comment | live_gift | live_like |
    x-nonce-str, x-timestamp          live_fansclub
    x-signature: base64(md5("x-msg-type=…&x-nonce-str=…&x-roomid=…&x-timestamp=…" + body + secret))
    body: [{"msg_id", "sec_openid", "nickname", "timestamp", "content" | "sec_gift_id",
            "gift_num", "gift_value" | "like_num" | "fansclub_reason_type", …}]

Run it::

    DOUYIN_PUSH_SECRET=… LIVE_CONSOLE_INGEST_TOKEN=… [LIVE_CONSOLE_INGEST_SECRET=…] \\
        python examples/douyin_forwarder/forwarder.py --listen 127.0.0.1:9100 \\
        --ingest http://127.0.0.1:8765

Only the standard library and aiohttp; it does not import the console.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

log = logging.getLogger("douyin_forwarder")

SIGNED_HEADERS = ("x-msg-type", "x-nonce-str", "x-roomid", "x-timestamp")
MAX_BODY = 1024 * 1024
MAX_SKEW_S = 300
STATS = web.AppKey("stats", dict)
HTTP = web.AppKey("http", aiohttp.ClientSession)


@dataclass
class Config:
    push_secret: str  # the app's secret Douyin signs pushes with
    ingest_url: str = "http://127.0.0.1:8765"
    ingest_token: str = ""
    ingest_secret: str = ""  # the ingest's HMAC secret, when it has one
    path: str = "/douyin/live"
    gift_names: dict[str, str] = field(default_factory=dict)  # sec_gift_id → name
    check_time: bool = True


def douyin_signature(headers: dict[str, str], body: bytes, secret: str) -> str:
    """Douyin's push signature: base64(md5(sorted ``k=v`` of the x- headers, ``&``-joined,
    then the body, then the secret))."""
    params = "&".join(f"{k}={headers.get(k, '')}" for k in sorted(SIGNED_HEADERS))
    digest = hashlib.md5(params.encode() + body + secret.encode()).digest()
    return base64.b64encode(digest).decode()


def ingest_signature(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    """The console ingest's ``x-signature``: hex HMAC-SHA256(secret, timestamp + nonce + body)."""
    return hmac.new(
        secret.encode(), timestamp.encode() + nonce.encode() + body, "sha256"
    ).hexdigest()


def _ms(value: Any) -> int:
    try:
        t = int(value)
    except (TypeError, ValueError):
        return int(time.time() * 1000)
    return t if t > 10**11 else t * 1000


def to_events(
    msg_type: str, room: str, item: dict[str, Any], config: Config
) -> dict[str, Any] | None:
    """One pushed message → one neutral event (None for what the console does not use)."""
    user = {"id": str(item.get("sec_openid") or "unknown")[:128],
            "nick": str(item.get("nickname") or "")[:256]}  # fmt: skip
    base = {"platform": "douyin", "room_id": room[:128], "msg_id": str(item["msg_id"])[:128],
            "ts_ms": _ms(item.get("timestamp")), "user": user}  # fmt: skip
    if msg_type == "live_comment":
        return {**base, "type": "comment", "text": str(item.get("content") or "")}
    if msg_type == "live_gift":
        gift_id = str(item.get("sec_gift_id") or "")
        return {**base, "type": "gift",
                "gift": {"name": config.gift_names.get(gift_id, gift_id or "礼物")[:256],
                         "count": max(1, int(item.get("gift_num") or 1)),
                         "value_cents": max(0, int(item.get("gift_value") or 0))}}  # fmt: skip
    if msg_type == "live_like":
        return {**base, "type": "like", "like_count": max(1, int(item.get("like_num") or 1))}
    if msg_type == "live_fansclub" and int(item.get("fansclub_reason_type") or 0) == 1:
        return {**base, "type": "follow"}  # joined the fan club
    return None


def make_app(config: Config) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    stats = {"received": 0, "forwarded": 0, "refused": 0, "failed": 0}
    app[STATS] = stats

    async def client(app: web.Application):
        app[HTTP] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        yield
        await app[HTTP].close()

    app.cleanup_ctx.append(client)

    def refuse(status: int, why: str) -> web.Response:
        stats["refused"] += 1
        log.warning("push refused: %s", why)
        return web.json_response({"err_no": status, "err_msg": why}, status=status)

    async def push(request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        given = headers.get("x-signature", "")
        want = douyin_signature(headers, body, config.push_secret)
        if not given or not hmac.compare_digest(given, want):
            return refuse(401, "bad or missing x-signature")
        if config.check_time:
            try:
                skew = abs(time.time() - _ms(headers.get("x-timestamp")) / 1000)
            except ValueError:
                skew = MAX_SKEW_S + 1
            if skew > MAX_SKEW_S:
                return refuse(401, "x-timestamp is more than 300 s off")
        try:
            items = json.loads(body)
        except ValueError:
            return refuse(400, "the body is not JSON")
        items = items if isinstance(items, list) else [items]
        msg_type, room = headers.get("x-msg-type", ""), headers.get("x-roomid", "")
        events = []
        for item in items:
            try:
                event = to_events(msg_type, room, item, config) if isinstance(item, dict) else None
            except (KeyError, TypeError, ValueError) as exc:
                log.warning("push item skipped: %s: %s", type(exc).__name__, exc)
                continue
            if event is not None:
                events.append(event)
        stats["received"] += len(items)
        if events:
            ok, why = await forward(request.app[HTTP], events)
            if not ok:
                stats["failed"] += 1
                log.error("forward to the console failed: %s", why)
                # not 200: Douyin retries the push later; the console drops the repeats
                return web.json_response({"err_no": 502, "err_msg": why}, status=502)
            stats["forwarded"] += len(events)
        return web.json_response({"err_no": 0, "err_msg": "success"})

    async def forward(http: aiohttp.ClientSession, events: list[dict]) -> tuple[bool, str]:
        body = json.dumps({"events": events}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json",
                   "Authorization": f"Bearer {config.ingest_token}"}  # fmt: skip
        if config.ingest_secret:
            ts, nonce = str(int(time.time())), "n" + secrets.token_hex(16)
            headers.update({"x-timestamp": ts, "x-nonce-str": nonce,
                            "x-signature": ingest_signature(config.ingest_secret, ts, nonce, body)})  # fmt: skip
        try:
            async with http.post(f"{config.ingest_url.rstrip('/')}/v1/events", data=body,
                                 headers=headers) as resp:  # fmt: skip
                answer = await resp.json(content_type=None)
                if resp.status == 200:
                    return True, ""
                return False, f"HTTP {resp.status}: {answer.get('error', '')}"[:200]
        except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as exc:
            return False, f"{type(exc).__name__}: {exc}"[:200]

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"ok": True, **stats})

    app.router.add_post(config.path, push)
    app.router.add_get("/health", health)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="127.0.0.1:9100", help="host:port to serve on")
    parser.add_argument("--ingest", default="http://127.0.0.1:8765", help="the console's ingest")
    parser.add_argument("--path", default="/douyin/live")
    parser.add_argument("--gift-names", help="JSON file: sec_gift_id → gift name")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    secret, token = (
        os.environ.get("DOUYIN_PUSH_SECRET"),
        os.environ.get("LIVE_CONSOLE_INGEST_TOKEN"),
    )
    if not secret or not token:
        raise SystemExit(
            "set DOUYIN_PUSH_SECRET and LIVE_CONSOLE_INGEST_TOKEN (docs/connectors.md)"
        )
    names = {}
    if args.gift_names:
        with open(args.gift_names, encoding="utf-8") as f:
            names = json.load(f)
    config = Config(push_secret=secret, ingest_url=args.ingest, ingest_token=token,
                    ingest_secret=os.environ.get("LIVE_CONSOLE_INGEST_SECRET", ""),
                    path=args.path, gift_names=names)  # fmt: skip
    host, _, port = args.listen.rpartition(":")
    web.run_app(make_app(config), host=host or "127.0.0.1", port=int(port))


if __name__ == "__main__":
    main()
