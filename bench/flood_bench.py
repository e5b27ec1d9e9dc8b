"""Chat flood benchmark (not a test): 5 000 audience events/s for 60 s into the local ingest
while the console streams 720x1280@30 with the show overlays and the chat overlay.

    /work/venv/bin/python -m bench.flood_bench --rate 5000 --seconds 60 --out docs/benchmarks.md

The console side (this process): a ShowController on a copy of the demo show (product pinned,
coupon, flash sale, poll, keyword lottery "想要" open), its AudienceBridge (hub with the default
blocked words) feeding the ChatFeed of a ChatOverlayLayer in the video and a real ChatPanel
(offscreen widgets, Qt event loop on the main thread), the IngestServer on 127.0.0.1 with
HMAC signing, a Pipeline (libx264 veryfast, 2.5 Mbit/s) pushing to a local nginx-rtmp.

The sender is a separate process (``multiprocessing``, spawn), so it shares no GIL with the
console: two keep-alive HTTP connections posting signed batches of ``--batch`` events and one
WebSocket connection sending batches as text messages, each paced to its share of ``--rate``.
The mix: comments (Chinese and English, some "想要", a few with a blocked word), likes, joins,
gifts, follows, shares, carts, room stats, a few paid orders, 1 % repeated deliveries
(duplicates) and 0.1 % invalid events. Every event is accounted for on both sides.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import http.client
import json
import os
import random
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

W, H, FPS = 720, 1280, 30
BITRATE = 2_500_000
SECRET = "flood-bench-secret"
PRODUCT = "CUP-316-500"
SHARE_WS = 0.2  # of the rate, over the WebSocket; the rest over two HTTP connections

COMMENTS = (
    "主播好！",
    "这个保温杯多少钱？",
    "想要",
    "想要想要！",
    "316的吗？",
    "能装热水吗",
    "发货快吗",
    "有没有粉色",
    "已下单",
    "好看",
    "how much is it?",
    "does it keep coffee hot?",
    "love this 😍",
    "哈哈哈哈",
    "第一次来",
    "上链接",
    "便宜点",
    "加微信私聊便宜",  # blocked (加微信): journaled, hidden from the stream
)
GIFTS = ("玫瑰", "小心心", "墨镜", "嘉年华")


# ============================================================================ sender (child)


class EventGen:
    """Deterministic event mix for one sender connection."""

    def __init__(self, seed: int, prefix: str, users: int = 50_000) -> None:
        self.rng = random.Random(seed)
        self.prefix = prefix
        self.users = users
        self.n = 0
        self.recent: list[dict[str, Any]] = []

    def one(self) -> dict[str, Any]:
        rng = self.rng
        r = rng.random()
        if r < 0.01 and self.recent:  # the platform delivered it twice
            return rng.choice(self.recent)
        self.n += 1
        uid = rng.randrange(self.users)
        e: dict[str, Any] = {
            "v": 1,
            "platform": "douyin",
            "room_id": "7300",
            "msg_id": f"{self.prefix}-{self.n}",
            "ts_ms": int(time.time() * 1000),
            "type": "comment",
            "user": {"id": f"u{uid}", "nick": f"观众{uid}"},
        }
        r = rng.random()
        if r < 0.001:
            e["type"] = "dance"  # invalid: refused by the ingest with a reason
        elif r < 0.60:
            e["text"] = rng.choice(COMMENTS)
        elif r < 0.85:
            e["type"] = "like"
            e["like_count"] = rng.randint(1, 20)
        elif r < 0.93:
            e["type"] = "member_join"
        elif r < 0.96:
            e["type"] = "gift"
            e["gift"] = {"name": rng.choice(GIFTS), "count": rng.randint(1, 10), "value_cents": 10}
        elif r < 0.98:
            e["type"] = "follow"
        elif r < 0.99:
            e["type"] = "share"
        elif r < 0.995:
            e["type"] = "cart"
            e["order"] = {"product_id": PRODUCT, "quantity": 1, "status": "created"}
        elif r < 0.9955:
            e["type"] = "order"
            e["order"] = {"product_id": PRODUCT, "quantity": 1, "amount_cents": 5900}
        else:
            e["type"] = "room_stats"
            e["viewers"] = 20_000 + rng.randrange(5000)
            del e["user"]
        if len(self.recent) < 200:
            self.recent.append(e)
        else:
            self.recent[rng.randrange(200)] = e
        return e

    def batch(self, n: int) -> list[dict[str, Any]]:
        return [self.one() for _ in range(n)]


_TOKEN = ""  # the ingest's token, set in the sender process


def _signed_headers(body: bytes) -> dict[str, str]:
    """The token and a signature (a nonce starts with a letter: the signed text splits one way)."""
    from console.audience.ingest import sign

    ts = str(int(time.time()))
    nonce = "n" + base64.urlsafe_b64encode(os.urandom(12)).decode()
    return {
        "Authorization": f"Bearer {_TOKEN}",
        "x-timestamp": ts,
        "x-nonce-str": nonce,
        "x-signature": sign(SECRET, ts, nonce, body),
    }


class _Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.c: dict[str, int] = {}
        self.per_s: dict[int, int] = {}
        self.latency: list[float] = []

    def add(self, **counts: int) -> None:
        with self.lock:
            for k, v in counts.items():
                self.c[k] = self.c.get(k, 0) + v

    def sent(self, second: int, n: int, latency: float) -> None:
        with self.lock:
            self.per_s[second] = self.per_s.get(second, 0) + n
            self.latency.append(latency)


def _count_answer(tally: _Tally, n: int, status: int, result: dict[str, Any]) -> None:
    if status == 200 or (status == 400 and "accepted" in result):
        tally.add(
            accepted=int(result.get("accepted", 0)),
            duplicates=int(result.get("duplicates", 0)),
            dropped_queue_full=int(result.get("dropped", 0)),
            rejected_invalid=len(result.get("rejected", [])),
        )
    else:
        tally.add(**{f"refused_http_{status}": n})


def _paced(rate: float, batch: int, seconds: float, t0: float):
    """Yield batch numbers at their due times (monotonic); behind schedule: at once."""
    interval = batch / rate
    k = 0
    while k * interval < seconds:
        delay = t0 + k * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        yield k
        k += 1


def _http_sender(address, rate, batch, seconds, t0, gen: EventGen, tally: _Tally) -> None:
    conn = http.client.HTTPConnection(*address, timeout=30)
    for _k in _paced(rate, batch, seconds, t0):
        events = gen.batch(batch)
        body = json.dumps(events, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json", **_signed_headers(body)}
        started = time.monotonic()
        tally.add(sent=len(events))
        try:
            conn.request("POST", "/v1/events", body=body, headers=headers)
            response = conn.getresponse()
            status, data = response.status, response.read()
        except (OSError, http.client.HTTPException):
            tally.add(failed_connection=len(events))
            conn.close()
            conn = http.client.HTTPConnection(*address, timeout=30)
            continue
        tally.sent(int(started - t0), len(events), time.monotonic() - started)
        _count_answer(tally, len(events), status, json.loads(data or b"{}"))
    conn.close()


class _WsClient:
    """A minimal RFC 6455 client (masked text frames), the bench's own."""

    def __init__(self, address, headers: dict[str, str]) -> None:
        self.sock = socket.create_connection(address, timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            "GET /v1/ws HTTP/1.1",
            f"Host: {address[0]}:{address[1]}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            *(f"{k}: {v}" for k, v in headers.items()),
        ]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed during the handshake")
            self.buf += chunk
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        accept = base64.b64encode(
            hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()
        )
        if b" 101 " not in head.split(b"\r\n")[0] or accept not in head:
            raise ConnectionError(f"handshake refused: {head[:80]!r}")

    def send_text(self, payload: bytes) -> None:
        n = len(payload)
        if n < 126:
            header = bytes([0x81, 0x80 | n])
        elif n < 65536:
            header = bytes([0x81, 0x80 | 126]) + n.to_bytes(2, "big")
        else:
            header = bytes([0x81, 0x80 | 127]) + n.to_bytes(8, "big")
        mask = os.urandom(4)
        masked = (
            int.from_bytes(payload, "big") ^ int.from_bytes((mask * (n // 4 + 1))[:n], "big")
        ).to_bytes(n, "big")
        self.sock.sendall(header + mask + masked)

    def _exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def recv(self) -> tuple[int, bytes]:
        b1, b2 = self._exact(2)
        n = b2 & 0x7F
        if n == 126:
            n = int.from_bytes(self._exact(2), "big")
        elif n == 127:
            n = int.from_bytes(self._exact(8), "big")
        return b1 & 0x0F, self._exact(n)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.sendall(bytes([0x88, 0x82]) + b"\0\0\0\0" + b"\x03\xe8")
        self.sock.close()


def _ws_sender(address, rate, batch, seconds, t0, gen: EventGen, tally: _Tally) -> None:
    ws = _WsClient(address, _signed_headers(b""))
    for _k in _paced(rate, batch, seconds, t0):
        events = gen.batch(batch)
        body = json.dumps(events, ensure_ascii=False).encode("utf-8")
        started = time.monotonic()
        tally.add(sent=len(events))
        try:
            ws.send_text(body)
            while True:
                opcode, data = ws.recv()
                if opcode == 1:
                    break
        except OSError:
            tally.add(failed_connection=len(events))
            ws = _WsClient(address, _signed_headers(b""))
            continue
        tally.sent(int(started - t0), len(events), time.monotonic() - started)
        result = json.loads(data)
        _count_answer(tally, len(events), 200 if "accepted" in result else 0, result)
    ws.close()


def sender_main(
    address, token: str, rate: float, seconds: float, batch: int, start_wall: float, out
) -> None:
    """Child process: flood the ingest at ``address``; put the tally on ``out``."""
    global _TOKEN
    _TOKEN = token
    t0 = time.monotonic() + (start_wall - time.time())
    tally = _Tally()
    jobs = [
        (_http_sender, rate * (1 - SHARE_WS) / 2, "h1"),
        (_http_sender, rate * (1 - SHARE_WS) / 2, "h2"),
        (_ws_sender, rate * SHARE_WS, "ws"),
    ]
    threads = [
        threading.Thread(
            target=fn,
            args=(address, r, batch, seconds, t0, EventGen(i + 1, prefix), tally),
            name=prefix,
        )
        for i, (fn, r, prefix) in enumerate(jobs)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lat = sorted(tally.latency)
    out.put(
        {
            "counts": tally.c,
            "per_s": tally.per_s,
            "elapsed": time.monotonic() - t0,
            "latency_p50_ms": 1000 * lat[len(lat) // 2] if lat else 0.0,
            "latency_p99_ms": 1000 * lat[int(len(lat) * 0.99)] if lat else 0.0,
            "requests": len(lat),
            "cpu_s": cpu_s(),
        }
    )


# ============================================================================ console (parent)


def cpu_s() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def build_show(workdir: Path):
    """A ShowController on a copy of the demo show with everything running; its layers."""
    from console.overlays.show_layers import build_show_layers
    from console.show import commands as c
    from console.show.controller import ShowController
    from console.show.demo import copy_demo_show

    show = ShowController.open(copy_demo_show(workdir / "show"))
    show.execute(c.PinProduct(PRODUCT))
    show.execute(
        c.LaunchCoupon(
            kind="threshold",
            quantity=500,
            threshold_cents=19900,
            discount_cents=3000,
            duration_s=3600,
            title="满199减30",
        )
    )
    show.execute(c.StartFlashSale(PRODUCT, 5900, 50, 3600))
    show.execute(
        c.OpenLottery(
            prize="蓝牙耳机 1副",
            prize_value_cents=19900,
            entry_rule="keyword",
            keyword="想要",
            winners=3,
            entry_duration_s=3600,
            draw_delay_s=10,
        )
    )
    show.execute(c.StartPoll("今天的保温杯内胆是什么材质？", ("304不锈钢", "316不锈钢", "陶瓷")))
    layers = build_show_layers(lambda: show.state, show.now, (W, H), show.folder.path)
    return show, layers


def run(
    rate: float, seconds: float, batch: int, warmup: float, workdir: Path, gc_freeze: bool = False
) -> dict:
    import dataclasses
    import multiprocessing as mp

    from console.qt.QtCore import QEventLoop, QTimer
    from console.qt.QtWidgets import QApplication

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv[:1])

    from bench.soak_bench import Backdrop
    from console.audience.ingest import IngestServer
    from console.media.audio import AudioMixer, ToneSource
    from console.media.compositor import Scene, VideoLayer
    from console.media.encoder import EncoderSettings
    from console.media.pipeline import Pipeline
    from console.media.rtmp import RtmpPublisher
    from console.overlays.audience_layers import audience_layers
    from console.overlays.chat import ChatFeed
    from console.ui.audience_bridge import AudienceBridge
    from console.ui.chat_panel import ChatPanel
    from tests.fixtures.rtmp_servers import running_nginx

    show, show_layers = build_show(workdir)
    feed = ChatFeed(50)
    bridge = AudienceBridge(show, feed, plugin_folders=[], entry_points=False)
    panel = ChatPanel(bridge)
    panel.resize(420, 900)
    panel.show()
    hub = bridge.hub
    scene = Scene()
    scene.add(VideoLayer(Backdrop(W, H)))
    for layer in show_layers:
        scene.add(layer)
    for layer in audience_layers(feed, "portrait"):
        scene.add(layer)
    mixer = AudioMixer()
    mixer.add(ToneSource(440))
    ingest = IngestServer(hub.submit, port=0, secret=SECRET)

    gc_pauses = _watch_gc()
    samples: list[dict] = []
    ui = {"last": time.monotonic(), "max_gap": 0.0}
    result: dict[str, Any] = {}
    with running_nginx(workdir / "nginx") as server:
        pub = RtmpPublisher(server.url(), "flood", name="nginx")
        settings = EncoderSettings(W, H, FPS, BITRATE, encoder="libx264", preset="veryfast")
        pipeline = Pipeline(settings, scene, mixer, [pub])
        if gc_freeze:  # as console.app and console.cli do once everything is built
            from console.runtime import freeze_startup_heap

            freeze_startup_heap()
        bridge.start()
        ingest.start()
        pipeline.start()
        ctx = mp.get_context("spawn")
        out = ctx.Queue()
        sender = None
        try:
            if not pub.wait_live(15):
                raise SystemExit(f"publisher did not go live: {pub.error}")
            loop = QEventLoop()
            t_begin = time.monotonic()
            start_wall = time.time() + warmup
            sender = ctx.Process(
                target=sender_main,
                args=(ingest.address, ingest.token, rate, seconds, batch, start_wall, out),
                name="flood-sender",
            )
            sender.start()
            marks: dict[str, Any] = {}

            def tick_ui() -> None:  # the UI event loop: how late is a 50 ms timer?
                now = time.monotonic()
                ui["max_gap"] = max(ui["max_gap"], now - ui["last"]) if marks else 0.0
                ui["last"] = now

            def sample() -> None:
                now = time.monotonic()
                st = pipeline.stats()
                row = {
                    "t": now - t_begin,
                    "rss": rss_mb(),
                    "cpu": cpu_s(),
                    "rendered": st.frames_rendered,
                    "encoded": st.frames_encoded,
                    "dropped": dict(st.dropped),
                    "pub_dropped": dict(pub.stats().dropped),
                    "pending": hub.pending,
                    "processed": hub.stats.processed,
                    "render_ms": st.render_ms,
                    "encode_ms": st.encode_ms,
                    "ui_gap_ms": 1000 * ui["max_gap"],
                }
                samples.append(row)
                if "start" not in marks and row["t"] >= warmup:
                    marks["start"] = row
                    ui["max_gap"] = 0.0
                print(
                    f"{row['t']:5.0f} s  rss {row['rss']:6.1f} MB  frames {row['rendered']}  "
                    f"dropped {row['dropped']} {row['pub_dropped']}  hub {row['processed']} "
                    f"(queued {row['pending']})  render {row['render_ms']:.1f} ms  "
                    f"ui gap {row['ui_gap_ms']:.0f} ms",
                    file=sys.stderr,
                    flush=True,
                )
                if "start" in marks and row["t"] >= warmup + seconds and not sender.is_alive():
                    loop.quit()

            ui_timer = QTimer()
            ui_timer.timeout.connect(tick_ui)
            ui_timer.start(50)
            sample_timer = QTimer()
            sample_timer.timeout.connect(sample)
            sample_timer.start(1000)
            QTimer.singleShot(int(1000 * (warmup + seconds + 60)), loop.quit)  # a hung sender
            loop.exec()
            ui_timer.stop()
            sample_timer.stop()
            flood_end = samples[-1]
            sent = out.get(timeout=30)
            deadline = time.monotonic() + 30  # let the hub finish what is queued
            while hub.pending and time.monotonic() < deadline:
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
                time.sleep(0.05)
            app.processEvents()
        finally:
            if sender is not None:
                sender.join(10)
                if sender.is_alive():
                    sender.terminate()
            pipeline.stop()
            ingest.close()
            bridge.stop()
        start = marks["start"]
        flood_from, flood_to = t_begin + start["t"], t_begin + flood_end["t"]
        journal = show.journal
        kinds = (
            "comment",
            "like",
            "member_join",
            "gift",
            "follow",
            "share",
            "cart",
            "order",
            "room_stats",
        )
        result = {
            "rate": rate,
            "seconds": seconds,
            "batch": batch,
            "sender": sent,
            "ingest": dict(ingest.stats),
            "hub": dataclasses.asdict(hub.stats),
            "gc_freeze": gc_freeze,
            "hub_queue_size": hub.queue_size,
            "journal": {k: journal.count(f"audience.{k}") for k in kinds},
            "journal_total": journal.count("audience."),
            "flood_s": flood_end["t"] - start["t"],
            "cpu_console": (flood_end["cpu"] - start["cpu"]) / (flood_end["t"] - start["t"]),
            "rendered": flood_end["rendered"] - start["rendered"],
            "encoded": flood_end["encoded"] - start["encoded"],
            "dropped": {
                k: flood_end["dropped"].get(k, 0) - start["dropped"].get(k, 0)
                for k in set(flood_end["dropped"]) | set(start["dropped"])
            },
            "pub_dropped": flood_end["pub_dropped"],
            "rss_start": start["rss"],
            "rss_end": flood_end["rss"],
            "rss_max": max(s["rss"] for s in samples if s["t"] >= start["t"]),
            "pending_max_sampled": max(s["pending"] for s in samples),
            "render_ms": max(s["render_ms"] for s in samples if s["t"] >= start["t"]),
            "encode_ms": max(s["encode_ms"] for s in samples if s["t"] >= start["t"]),
            "ui_gap_ms": max(s["ui_gap_ms"] for s in samples if s["t"] > start["t"]),
            "panel_rows": panel_rows(panel),
            "bridge_dropped": bridge.dropped,
            "bridge_delivered": bridge.delivered,
            "feed_len": len(feed.snapshot()[1]),
            "gc": {  # passes during the flood: count, longest (ms)
                gen: (
                    len(during := [d for at, d in p if flood_from <= at <= flood_to]),
                    1000 * max(during, default=0.0),
                )
                for gen, p in gc_pauses.items()
            },
            "samples": samples,
        }
    show.close()
    return result


def _watch_gc() -> dict[int, list[tuple[float, float]]]:
    """Durations of the cyclic garbage collector's passes, by generation (they hold the GIL)."""
    import gc

    pauses: dict[int, list[tuple[float, float]]] = {0: [], 1: [], 2: []}  # (at, seconds)
    started = [0.0]

    def callback(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            pauses[info["generation"]].append((time.monotonic(), time.perf_counter() - started[0]))

    gc.callbacks.append(callback)
    return pauses


def panel_rows(panel: Any) -> int:
    model = getattr(panel, "model", None)
    with contextlib.suppress(Exception):
        return int(model.rowCount())
    return -1


def table_rows(r: dict) -> list[tuple[str, str]]:
    """(measure, value) rows for one run."""
    s = r["sender"]
    c = s["counts"]
    hub = r["hub"]
    ing = r["ingest"]
    per_s = [v for k, v in sorted(s["per_s"].items(), key=lambda kv: int(kv[0]))][
        : int(r["seconds"])
    ]
    due = r["flood_s"] * FPS
    dropped = sum(r["dropped"].values())
    by_cause = ", ".join(f"{k} {v}" for k, v in sorted(r["dropped"].items()) if v) or "none"
    refused = {k: v for k, v in c.items() if k.startswith(("refused_", "failed_"))}
    accounted = (
        c.get("accepted", 0)
        + c.get("duplicates", 0)
        + c.get("dropped_queue_full", 0)
        + c.get("rejected_invalid", 0)
        + sum(refused.values())
    )
    journal = ", ".join(f"{k} {v}" for k, v in r["journal"].items() if v)
    return [
        (
            "events sent",
            f"{c.get('sent', 0)} in {s['elapsed']:.1f} s "
            f"({c.get('sent', 0) / max(1e-9, s['elapsed']):.0f}/s; per second "
            f"{min(per_s, default=0)}–{max(per_s, default=0)})",
        ),
        ("accepted by the ingest", f"{c.get('accepted', 0)}"),
        (
            "not accepted, by cause",
            f"duplicates {c.get('duplicates', 0)}, invalid {c.get('rejected_invalid', 0)}, "
            f"hub queue full {c.get('dropped_queue_full', 0)}"
            + "".join(f", {k} {v}" for k, v in refused.items()),
        ),
        ("accounted (accepted + not accepted)", f"{accounted} of {c.get('sent', 0)}"),
        (
            "the ingest's own counters",
            f"accepted {ing.get('accepted', 0)}, duplicates {ing.get('duplicates', 0)}, "
            f"invalid {ing.get('invalid_events', 0)}, dropped {ing.get('dropped', 0)}, refused "
            f"requests {sum(v for k, v in ing.items() if k.startswith('rejected_'))}",
        ),
        (
            "requests (HTTP + WebSocket), answer p50 / p99",
            f"{s['requests']}, {s['latency_p50_ms']:.0f} / {s['latency_p99_ms']:.0f} ms",
        ),
        (
            "hub: received / processed / duplicates / failed",
            f"{hub['received']} / {hub['processed']} / {hub['duplicates']} / {hub['failed']}",
        ),
        ("hub queue max depth (bound)", f"{hub['queue_max']} ({r['hub_queue_size']})"),
        ("journal transactions, largest batch", f"{hub['batches']}, {hub['batch_max']}"),
        (
            "journaled (audience.*)",
            f"{r['journal_total']} ({journal}); errors {hub['journal_errors']}",
        ),
        (
            "show reactions",
            f"lottery entries {hub['lottery_entries']}, sales {hub['sales_recorded']} "
            f"(refused {hub['sales_refused']}), hidden {hub['hidden']}",
        ),
        ("frames rendered / due during the flood", f"{r['rendered']} / {due:.0f}"),
        ("dropped frames (pipeline, by cause)", f"**{dropped}** ({by_cause})"),
        ("publisher drops", f"{sum(r['pub_dropped'].values())}"),
        (
            "render / encode ms per frame (worst 120-frame mean)",
            f"{r['render_ms']:.1f} / {r['encode_ms']:.1f}",
        ),
        (
            "garbage collector passes: count (longest)",
            ", ".join(f"gen{g} {n} ({ms:.0f} ms)" for g, (n, ms) in r["gc"].items()),
        ),
        (
            "RSS at flood start → end (max)",
            f"{r['rss_start']:.0f} → {r['rss_end']:.0f} MB ({r['rss_max']:.0f})",
        ),
        (
            "chat feed / panel rows / UI buffer let go",
            f"{r['feed_len']} / {r['panel_rows']} / {r['bridge_dropped']}",
        ),
        ("UI event loop: longest gap of a 50 ms timer", f"{r['ui_gap_ms']:.0f} ms"),
        (
            "CPU: console / sender process (% of one core)",
            f"{100 * r['cpu_console']:.0f} / {100 * s['cpu_s'] / max(1e-9, s['elapsed']):.0f}",
        ),
    ]


def markdown(runs: list[tuple[str, dict]], command: str) -> str:
    import platform

    r = runs[0][1]
    tables = [table_rows(result) for _title, result in runs]
    lines = [
        "## Chat flood",
        "",
        f"Command: `{command}`  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}; {W}x{H}@{FPS}, libx264 "
        f"veryfast {BITRATE // 1000} kbps to a local nginx-rtmp; the five show overlays, the chat "
        "overlay and the pinned-comment layer; the AudienceBridge and a real ChatPanel "
        "(offscreen) on the Qt event loop. The sender is a separate process: 2 HTTP keep-alive "
        f"connections (signed POSTs) and 1 WebSocket, batches of {r['batch']} events, paced to "
        f"{r['rate']:.0f} events/s for {r['seconds']:.0f} s; journal on the local ext4 disk "
        "(WAL, synchronous=FULL). Each column is a fresh process.",
        "",
        "| measured | " + " | ".join(title for title, _ in runs) + " |",
        "|---|" + "---|" * len(runs),
    ]
    for i, (label, _value) in enumerate(tables[0]):
        lines.append(f"| {label} | " + " | ".join(t[i][1] for t in tables) + " |")
    lines.append("")
    return "\n".join(lines)


def _plain(value: Any) -> Any:
    """JSON-able: dict keys as strings, tuples as lists."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


MODES = {
    "shipped": "as shipped (start-up heap frozen)",
    "no-freeze": "without freezing the start-up heap",
}


def main() -> None:
    import subprocess
    import tempfile

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=5000.0, help="events per second")
    ap.add_argument("--seconds", type=float, default=60.0, help="flood duration")
    ap.add_argument("--batch", type=int, default=100, help="events per POST / WebSocket message")
    ap.add_argument("--warmup", type=float, default=10.0, help="seconds streaming before")
    ap.add_argument(
        "--modes",
        default="shipped",
        help="comma-separated runs, each in a fresh process: shipped, no-freeze",
    )
    ap.add_argument("--out", help="write the '## Chat flood' section of this markdown file")
    ap.add_argument("--json", help=argparse.SUPPRESS)  # one run, in this process, to this file
    args = ap.parse_args()
    if args.json:
        with tempfile.TemporaryDirectory(prefix="flood-") as tmp:
            result = run(
                args.rate,
                args.seconds,
                args.batch,
                args.warmup,
                Path(tmp),
                gc_freeze=args.modes == "shipped",
            )
        result.pop("samples")
        Path(args.json).write_text(json.dumps(_plain(result)))
        return
    runs = []
    for mode in args.modes.split(","):
        if mode not in MODES:
            raise SystemExit(f"unknown mode {mode!r}: use {', '.join(MODES)}")
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            child = [sys.executable, "-m", "bench.flood_bench", "--json", out.name]
            child += ["--rate", str(args.rate), "--seconds", str(args.seconds)]
            child += ["--batch", str(args.batch), "--warmup", str(args.warmup), "--modes", mode]
            subprocess.run(child, check=True)
            runs.append((MODES[mode], json.loads(Path(out.name).read_text())))
    command = "python -m bench.flood_bench " + " ".join(sys.argv[1:])
    text = markdown(runs, command)
    print(text)
    if args.out:
        from bench.markdown import replace_section

        replace_section(args.out, "Chat flood", text)


if __name__ == "__main__":
    main()
