"""The Douyin route end to end on loopback: a fake Douyin open platform pushes signed live data
(comments, gifts, likes, fan-club joins) to the example forwarder, which checks the signature,
maps to the neutral schema and forwards, token + HMAC signed, to a real IngestServer feeding a
real hub and journal. Bad signatures are refused and forward nothing; a push the console could
not take is answered 502 (Douyin retries) and the retry is not counted twice."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import sys
import time
from pathlib import Path

import requests

from console.audience.hub import AudienceHub
from console.audience.ingest import IngestServer
from tests.integration.fake_platforms import FakeServer
from tests.unit.show.helpers import make_controller
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
PUSH_SECRET = "douyin-app-secret-123"
INGEST_TOKEN = "ingest-token-abcdefghijklmnop"
INGEST_SECRET = "ingest-hmac-secret-xyz"


def load_forwarder():
    path = ROOT / "examples" / "douyin_forwarder" / "forwarder.py"
    spec = importlib.util.spec_from_file_location("douyin_forwarder", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def push(url: str, msg_type: str, items: list, secret: str = PUSH_SECRET) -> requests.Response:
    """What Douyin's push sends: the x- headers, signed as its docs describe (written here)."""
    body = json.dumps(items, ensure_ascii=False).encode()
    headers = {"x-roomid": "7300000000000000001", "x-msg-type": msg_type,
               "x-nonce-str": "abc123", "x-timestamp": str(int(time.time() * 1000))}  # fmt: skip
    text = "&".join(f"{k}={headers[k]}" for k in sorted(headers)).encode() + body + secret.encode()
    headers["x-signature"] = base64.b64encode(hashlib.md5(text).digest()).decode()
    headers["Content-Type"] = "application/json"
    return requests.post(url, data=body, headers=headers, timeout=10)


COMMENTS = [
    {"msg_id": "c1", "sec_openid": "open-1", "nickname": "张三", "content": "想要这个杯子",
     "avatar_url": "https://example.invalid/a.png", "timestamp": 1700000000000},
    {"msg_id": "c2", "sec_openid": "open-2", "nickname": "李四", "content": "多少钱？",
     "timestamp": 1700000001000},
]  # fmt: skip
GIFTS = [{"msg_id": "g1", "sec_openid": "open-3", "nickname": "王五", "sec_gift_id": "n1/Dg1",
          "gift_num": 3, "gift_value": 300, "timestamp": 1700000002000, "test": False}]  # fmt: skip
LIKES = [{"msg_id": "l1", "sec_openid": "open-1", "nickname": "张三", "like_num": 15,
          "timestamp": 1700000003000}]  # fmt: skip
FANS = [{"msg_id": "f1", "sec_openid": "open-4", "nickname": "赵六", "fansclub_reason_type": 1,
         "fansclub_level": 1, "timestamp": 1700000004000}]  # fmt: skip


def test_douyin_push_reaches_the_hub_through_the_forwarder(tmp_path) -> None:
    forwarder = load_forwarder()
    controller = make_controller(tmp_path)
    hub = AudienceHub(controller)
    items = []
    hub.subscribe(items.append)
    hub.start()
    ingest = IngestServer(hub.submit, port=0, token=INGEST_TOKEN, secret=INGEST_SECRET)
    ingest.start()
    config = forwarder.Config(
        push_secret=PUSH_SECRET, ingest_url=ingest.url, ingest_token=INGEST_TOKEN,
        ingest_secret=INGEST_SECRET, gift_names={"n1/Dg1": "小心心"},
    )  # fmt: skip
    try:
        with FakeServer(lambda server: forwarder.make_app(config)) as fwd:
            url = f"{fwd.url}/douyin/live"
            for msg_type, batch in (("live_comment", COMMENTS), ("live_gift", GIFTS),
                                    ("live_like", LIKES), ("live_fansclub", FANS)):  # fmt: skip
                answer = push(url, msg_type, batch)
                assert answer.status_code == 200, answer.text
                assert answer.json() == {"err_no": 0, "err_msg": "success"}
            # Douyin resends a push it thinks was lost: the console drops the repeat
            assert push(url, "live_comment", COMMENTS[:1]).status_code == 200
            # a forged push: refused, nothing forwarded
            forged = push(url, "live_comment", [{**COMMENTS[0], "msg_id": "evil"}], "guess")
            assert forged.status_code == 401
            assert forged.json()["err_msg"] == "bad or missing x-signature"
            assert wait_for(lambda: hub.stats.processed >= 5)
            ingest.close()  # the console is away: Douyin is told to retry
            down = push(url, "live_comment", [{**COMMENTS[1], "msg_id": "c3"}])
            assert down.status_code == 502
            health = requests.get(f"{fwd.url}/health", timeout=10).json()
    finally:
        ingest.close()
        hub.stop()
    assert health["forwarded"] == 6 and health["refused"] == 1 and health["failed"] == 1
    got = [(i.event.type, i.event.msg_id, i.event.user_key) for i in items]
    assert got == [
        ("comment", "c1", "douyin:open-1"),
        ("comment", "c2", "douyin:open-2"),
        ("gift", "g1", "douyin:open-3"),
        ("like", "l1", "douyin:open-1"),
        ("follow", "f1", "douyin:open-4"),
    ]
    assert (items[0].nick, items[0].text) == ("张三", "想要这个杯子")
    assert items[0].event.room_id == "7300000000000000001"
    gift = items[2].event.gift
    assert (gift.name, gift.count, gift.value_cents) == ("小心心", 3, 300)
    assert items[3].event.like_count == 15
    assert controller.journal.count("audience.comment") == 2
    assert controller.journal.count("audience.gift") == 1
    controller.close()
