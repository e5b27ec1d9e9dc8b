"""Chat flood benchmark (not a test): audience events into the local ingest while the console
streams with the show overlays and the chat overlay, each configuration in fresh processes.

    python -m bench.flood_bench --rate 500,1000,2500,5000 --burst --canvas 720x1280,1080x1920 \
        --engine process,inprocess --runs 3 --out docs/benchmarks.md
    python -m bench.flood_bench --long --engine process --out docs/benchmarks.md  # 10 min, RSS

The console side (one fresh process per run): a ShowController on a copy of the demo show
(product pinned, coupon, flash sale, poll, keyword lottery "想要" open), its LiveAudience (hub
with the default blocked words) feeding the ChatFeed of the chat overlay and, through an
AudienceBridge, a real ChatPanel (offscreen widgets, Qt event loop on the main thread), the
IngestServer on 127.0.0.1 with HMAC signing, and the media engine (``--engine``: ``process``,
the ProcessEngine's child process, or ``inprocess``, the PipelineEngine) rendering the test
pattern with the show's overlays, libx264 veryfast 2.5 Mbit/s, to a local nginx-rtmp.

The sender is a separate process (``multiprocessing``, spawn), so it shares no GIL with the
console: two keep-alive HTTP connections posting signed batches of ``--batch`` events and one
WebSocket connection sending batches as text messages, each paced to its share of the rate
(``--burst``: 20 000 events sent at once, unpaced, then ``--seconds`` of watching the console
catch up). The mix: comments (Chinese and English, some "想要", a few with a blocked word),
likes, joins, gifts, follows, shares, carts, room stats, a few paid orders, 1 % repeated
deliveries (duplicates) and 0.1 % invalid events. Every event is accounted for on both sides.
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

W, H, FPS = 720, 1280, 30  # the default canvas (--canvas WxH changes W and H)
BURST = 20_000
LONG_S = 600.0
LONG_HEADING = "Chat flood: memory over 10 minutes"
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
    """Yield batch numbers at their due times (monotonic); behind schedule: at once. ``rate``
    below 0: a burst of ``-rate`` events, every batch at once (from ``t0``)."""
    if rate < 0:
        delay = t0 - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        yield from range(max(1, round(-rate / batch)))
        return
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
    jobs = [  # a burst (rate < 0): the same shares of -rate events, unpaced
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


def proc_rss_mb(pid: int | None) -> float:
    """Another process's resident memory (the media process), 0 when it is gone."""
    if pid is None:
        return 0.0
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def proc_cpu_s(pid: int | None) -> float:
    """Another process's user + system CPU seconds (``/proc/PID/stat``), 0 when it is gone."""
    if pid is None:
        return 0.0
    with contextlib.suppress(OSError, ValueError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return 0.0


def build_show(workdir: Path, size: tuple[int, int]):
    """A ShowController on a copy of the demo show with everything running."""
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
    return show


def build_engine(engine: str, show: Any, feed: Any, size: tuple[int, int]):
    """(media engine, output factory) as ``live-console run`` builds them for ``engine``."""
    from console.live.engine import EngineSpec
    from console.live.outputs import build_output

    spec = EngineSpec(
        width=size[0],
        height=size[1],
        fps=FPS,
        video_bitrate=BITRATE,
        encoder="libx264",
        preset="veryfast",
        video="testpattern",
        audio=("tone",),
        adaptive_bitrate=False,
    )
    if engine == "process":
        from console.engine_overlays import overlay_plan
        from console.media.process_engine import ProcessEngine, process_output_factory

        plan = overlay_plan(show.folder, chat=True, rehearsal=False)
        return (
            ProcessEngine(spec, plan, state=lambda: show.state, now=show.now, feed=feed),
            process_output_factory,
        )
    from console.media.live_engine import PipelineEngine
    from console.overlays.composition import overlays_for
    from console.settings import CanvasSettings

    canvas = CanvasSettings(width=size[0], height=size[1], fps=FPS)
    overlays = overlays_for(show, show.folder, canvas, feed)
    for layer in overlays:
        if layer.name == "rehearsal":
            layer.visible = False
    return PipelineEngine(spec, overlays), build_output


def run(
    rate: float,
    seconds: float,
    batch: int,
    warmup: float,
    workdir: Path,
    engine_kind: str = "process",
    size: tuple[int, int] = (W, H),
    burst: int = 0,
    gc_freeze: bool = True,
) -> dict:
    """One configuration in this process. ``burst``: that many events at once (``rate`` is then
    ignored) and ``seconds`` of watching after."""
    import dataclasses
    import multiprocessing as mp

    from console.qt.QtCore import QEventLoop, QTimer
    from console.qt.QtWidgets import QApplication

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv[:1])

    from console.audience.ingest import IngestServer
    from console.audience.moderation import DEFAULT_BLOCKED_WORDS
    from console.live.audience import LiveAudience
    from console.live.outputs import OutputSpec
    from console.overlays.chat import ChatFeed
    from console.ui.audience_bridge import AudienceBridge
    from console.ui.chat_panel import ChatPanel
    from tests.fixtures.rtmp_servers import running_nginx

    show = build_show(workdir, size)
    feed = ChatFeed(50)
    audience = LiveAudience(
        show, blocked_words=DEFAULT_BLOCKED_WORDS, plugin_folders=[], entry_points=False
    )
    audience.subscribe(feed, sampled=True)  # the overlay: a sample under overload
    bridge = AudienceBridge(audience, feed)
    panel = ChatPanel(bridge)
    panel.resize(420, 900)
    panel.show()
    hub = audience.hub
    ingest = IngestServer(hub.submit, port=0, secret=SECRET)
    engine, output_factory = build_engine(engine_kind, show, feed, size)

    gc_pauses = _watch_gc()
    samples: list[dict] = []
    ui = {"last": time.monotonic(), "max_gap": 0.0}
    result: dict[str, Any] = {}
    with running_nginx(workdir / "nginx") as server:
        pub = output_factory(OutputSpec("nginx", "rtmp", url=server.url(), key="flood"), None)
        engine.add_output(pub)
        if gc_freeze:  # as console.app and console.cli do once everything is built
            from console.runtime import freeze_startup_heap

            freeze_startup_heap()
        audience.start()
        ingest.start()
        engine.start()
        media_pid = getattr(engine, "pid", None)  # None: the media runs in this process
        ctx = mp.get_context("spawn")
        out = ctx.Queue()
        sender = None
        try:
            if not pub.wait_live(20):
                raise SystemExit(f"publisher did not go live: {pub.error}")
            loop = QEventLoop()
            t_begin = time.monotonic()
            start_wall = time.time() + warmup
            send_rate = -float(burst) if burst else rate
            sender = ctx.Process(
                target=sender_main,
                args=(ingest.address, ingest.token, send_rate, seconds, batch, start_wall, out),
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
                st = engine.stats()
                row = {
                    "t": now - t_begin,
                    "rss": rss_mb(),
                    "rss_media": proc_rss_mb(media_pid),
                    "cpu": cpu_s(),
                    "cpu_media": proc_cpu_s(media_pid),
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
                    f"{row['t']:5.0f} s  rss {row['rss']:6.1f} + {row['rss_media']:6.1f} MB  "
                    f"frames {row['rendered']}  dropped {row['dropped']} {row['pub_dropped']}  "
                    f"hub {row['processed']} (queued {row['pending']})  render "
                    f"{row['render_ms']:.1f} ms  ui gap {row['ui_gap_ms']:.0f} ms",
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
            panel.flush()
            boundary = dict(engine.boundary_stats()) if hasattr(engine, "boundary_stats") else {}
        finally:
            if sender is not None:
                sender.join(10)
                if sender.is_alive():
                    sender.terminate()
            engine.stop()
            ingest.close()
            bridge.stop()
            audience.stop()
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
        span = max(1e-9, flood_end["t"] - start["t"])
        during = [s for s in samples if s["t"] >= start["t"]]
        result = {
            "engine": engine_kind,
            "canvas": f"{size[0]}x{size[1]}",
            "rate": rate,
            "burst": burst,
            "seconds": seconds,
            "warmup": warmup,
            "batch": batch,
            "sender": sent,
            "ingest": dict(ingest.stats),
            "hub": dataclasses.asdict(hub.stats),
            "accounting": hub.accounting(),
            "gc_freeze": gc_freeze,
            "hub_queue_size": hub.queue_size,
            "journal": {k: journal.count(f"audience.{k}") for k in kinds},
            "journal_total": journal.count("audience."),
            "coalesced_rows": journal.count("hub.coalesced"),
            "flood_s": span,
            "cpu_console": (flood_end["cpu"] - start["cpu"]) / span,
            "cpu_media": (flood_end["cpu_media"] - start["cpu_media"]) / span,
            "rendered": flood_end["rendered"] - start["rendered"],
            "encoded": flood_end["encoded"] - start["encoded"],
            "dropped": {
                k: flood_end["dropped"].get(k, 0) - start["dropped"].get(k, 0)
                for k in set(flood_end["dropped"]) | set(start["dropped"])
            },
            "pub_dropped": flood_end["pub_dropped"],
            "rss_start": start["rss"],
            "rss_end": flood_end["rss"],
            "rss_max": max(s["rss"] for s in during),
            "rss_media_end": flood_end["rss_media"],
            "rss_media_max": max(s["rss_media"] for s in during),
            "pending_max_sampled": max(s["pending"] for s in samples),
            "render_ms": max(s["render_ms"] for s in during),
            "encode_ms": max(s["encode_ms"] for s in during),
            "ui_gap_ms": max(s["ui_gap_ms"] for s in samples if s["t"] > start["t"]),
            "panel_rows": panel_rows(panel),
            "panel_let_go": panel.queued_let_go + panel.model.removed,
            "bridge_dropped": bridge.dropped,
            "bridge_delivered": bridge.delivered,
            "feed_len": len(feed.snapshot()[1]),
            "boundary": boundary,
            "gc": {  # passes during the flood: count, longest (ms)
                gen: (
                    len(during_gc := [d for at, d in p if flood_from <= at <= flood_to]),
                    1000 * max(during_gc, default=0.0),
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


def measures(r: dict) -> list[tuple[str, float, str]]:
    """(measure, value, format) for one run: the numbers the summary table compares."""
    s = r["sender"]
    c = s["counts"]
    acc = r["accounting"]
    dropped_hub = sum(v for k, v in acc.items() if k.startswith("dropped:"))
    refused = sum(v for k, v in c.items() if k.startswith(("refused_", "failed_")))
    accounted = (
        c.get("accepted", 0)
        + c.get("duplicates", 0)
        + c.get("dropped_queue_full", 0)
        + c.get("rejected_invalid", 0)
        + refused
    )
    due = r["flood_s"] * FPS
    return [
        ("events sent", c.get("sent", 0), "{:,.0f}"),
        ("sent per second (achieved)", c.get("sent", 0) / max(1e-9, s["elapsed"]), "{:,.0f}"),
        ("not accounted by the sender (sent − answered by cause)", c.get("sent", 0) - accounted,
         "{:,.0f}"),
        ("accepted by the ingest", c.get("accepted", 0), "{:,.0f}"),
        ("hub: accepted (journaled)", acc.get("accepted", 0), "{:,.0f}"),
        ("hub: coalesced (likes/joins counted)", acc.get("coalesced", 0), "{:,.0f}"),
        ("hub: comments sampled out of the overlay", acc.get("sampled_for_overlay", 0),
         "{:,.0f}"),
        ("hub: dropped (all causes)", dropped_hub, "{:,.0f}"),
        ("hub: unaccounted", acc.get("unaccounted", 0), "{:,.0f}"),
        ("hub queue max depth", r["hub"]["queue_max"], "{:,.0f}"),
        ("answer p99 ms (HTTP + WebSocket)", s["latency_p99_ms"], "{:.0f}"),
        ("frames rendered / due, %", 100 * r["rendered"] / max(1e-9, due), "{:.1f}"),
        ("dropped frames (pipeline)", sum(r["dropped"].values()), "{:,.0f}"),
        ("publisher drops", sum(r["pub_dropped"].values()), "{:,.0f}"),
        ("render ms per frame (worst 120-frame mean)", r["render_ms"], "{:.1f}"),
        ("encode ms per frame (worst 120-frame mean)", r["encode_ms"], "{:.1f}"),
        ("UI event loop: longest gap of a 50 ms timer, ms", r["ui_gap_ms"], "{:.0f}"),
        ("chat panel rows at the end", r["panel_rows"], "{:,.0f}"),
        ("UI buffer + panel let go (plain messages)", r["bridge_dropped"] + r["panel_let_go"],
         "{:,.0f}"),
        ("RSS console, max MB", r["rss_max"], "{:.0f}"),
        ("RSS media process, max MB (0: in-process)", r["rss_media_max"], "{:.0f}"),
        ("CPU console, % of one core", 100 * r["cpu_console"], "{:.0f}"),
        ("CPU media process, % of one core", 100 * r["cpu_media"], "{:.0f}"),
        ("longest GC pass in the console, ms", max(ms for _n, ms in r["gc"].values()), "{:.0f}"),
    ]  # fmt: skip


def config_title(r: dict) -> str:
    load = f"burst {r['burst']:,}" if r["burst"] else f"{r['rate']:,.0f}/s"
    return f"{r['engine']}, {r['canvas']}, {load}"


def _spread(values: list[float], fmt: str) -> str:
    """min / median / max (one value when there was one run)."""
    if len(values) == 1:
        return fmt.format(values[0])
    ordered = sorted(values)
    mid = (
        ordered[len(ordered) // 2]
        if len(ordered) % 2
        else sum(ordered[len(ordered) // 2 - 1 : len(ordered) // 2 + 1]) / 2
    )
    return " / ".join(fmt.format(v) for v in (ordered[0], mid, ordered[-1]))


def summary_table(configs: list[list[dict]]) -> list[str]:
    """One column per configuration, cells min / median / max over its runs."""
    titles = [config_title(runs[0]) + f" ({len(runs)} run{'s' * (len(runs) > 1)})"
              for runs in configs]  # fmt: skip
    lines = ["| measured | " + " | ".join(titles) + " |", "|---|" + "---|" * len(configs)]
    per_config = [[measures(r) for r in runs] for runs in configs]
    for row, (label, _v, fmt) in enumerate(per_config[0][0]):
        cells = [_spread([m[row][1] for m in ms], fmt) for ms in per_config]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def rss_table(configs: list[list[dict]], every_s: float = 60.0) -> list[str]:
    """RSS over time (the first run of each configuration), one row per ``every_s``."""
    lines = ["| t (s) | " + " | ".join(config_title(c[0]) for c in configs) + " |"]
    lines.append("|---|" + "---|" * len(configs))
    longest = max(c[0]["samples"][-1]["t"] for c in configs)
    t = 0.0
    while t <= longest + 0.5:
        cells = []
        for c in configs:
            near = min(c[0]["samples"], key=lambda smp, t=t: abs(smp["t"] - t))
            cells.append(f"{near['rss']:.0f} + {near['rss_media']:.0f} MB")
        lines.append(f"| {t:.0f} | " + " | ".join(cells) + " |")
        t += every_s
    return lines


def markdown(configs: list[list[dict]], command: str, smoke: bool, long: bool) -> str:
    import platform

    r = configs[0][0]
    lines = [f"## {LONG_HEADING if long else 'Chat flood'}", ""]
    if smoke:
        lines += [
            "> **SMOKE RUN on a shared machine — not a measurement.** One run per column, on a "
            "2-core machine other engineers' jobs were using at the same time; it only checks "
            "that the benchmark runs and shows the direction. The full matrix (3 fresh processes "
            "per configuration, both canvases, 500 / 1 000 / 2 500 / 5 000 events/s, the burst, "
            "the 10-minute RSS run) is to be measured on a quiet machine with: "
            "`python -m bench.flood_bench --rate 500,1000,2500,5000 --burst --canvas "
            "720x1280,1080x1920 --engine process,inprocess --runs 3 --out docs/benchmarks.md` "
            "and `python -m bench.flood_bench --long --engine process,inprocess --out "
            "docs/benchmarks.md`.",
            "",
        ]
    lines += [
        f"Command: `{command}`  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}. Each run is a fresh "
        f"console process (and, with `process`, its media child): the test pattern with the "
        f"show overlays and the chat overlay at {FPS} fps, libx264 veryfast "
        f"{BITRATE // 1000} kbps to a local nginx-rtmp; the show's LiveAudience, an "
        "AudienceBridge and a real ChatPanel (offscreen) on the Qt event loop. The sender is a "
        "separate process: 2 HTTP keep-alive connections (signed POSTs) and 1 WebSocket, "
        f"batches of {r['batch']} events, paced to the rate for {r['seconds']:.0f} s after "
        f"{r['warmup']:.0f} s of streaming (a burst: all at once, then the same watch); journal "
        "on the local "
        "disk (WAL, synchronous=FULL). Cells: min / median / max over the runs.",
        "",
        *summary_table(configs),
        "",
    ]
    if long:
        lines += ["RSS over time (console + media process):", "", *rss_table(configs), ""]
    return "\n".join(lines)


def _plain(value: Any) -> Any:
    """JSON-able: dict keys as strings, tuples as lists."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"--canvas {text!r}: write WIDTHxHEIGHT, e.g. 720x1280") from None
    return w, h


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def main() -> None:
    import subprocess
    import tempfile

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", default="500,1000,2500,5000", help="events/s, comma-separated")
    ap.add_argument("--burst", action="store_true", help=f"add a burst of {BURST:,} events")
    ap.add_argument("--burst-events", type=int, default=BURST, help=argparse.SUPPRESS)
    ap.add_argument("--canvas", default="720x1280,1080x1920", help="WxH, comma-separated")
    ap.add_argument("--engine", default="process", help="process, inprocess (comma-separated)")
    ap.add_argument("--runs", type=int, default=3, help="fresh processes per configuration")
    ap.add_argument("--seconds", type=float, default=60.0, help="flood (or watch) duration")
    ap.add_argument("--long", action="store_true", help="10-minute runs with RSS over time")
    ap.add_argument("--smoke", action="store_true", help="label the section a smoke run")
    ap.add_argument("--batch", type=int, default=100, help="events per POST / WebSocket message")
    ap.add_argument("--warmup", type=float, default=10.0, help="seconds streaming before")
    ap.add_argument("--out", help="write the '## Chat flood' section of this markdown file")
    ap.add_argument("--json", help=argparse.SUPPRESS)  # one run, in this process, to this file
    args = ap.parse_args()
    engines = _list(args.engine)
    for engine in engines:
        if engine not in ("process", "inprocess"):
            raise SystemExit(f"--engine {engine!r}: use process or inprocess")
    sizes = [_size(c) for c in _list(args.canvas)]
    rates = [float(r) for r in _list(args.rate)]
    seconds = LONG_S if args.long else args.seconds
    if args.json:
        with tempfile.TemporaryDirectory(prefix="flood-") as tmp:
            result = run(
                rates[0],
                seconds,
                args.batch,
                args.warmup,
                Path(tmp),
                engine_kind=engines[0],
                size=sizes[0],
                burst=args.burst_events if args.burst else 0,
            )
        if not args.long:
            result["samples"] = result["samples"][-1:]
        Path(args.json).write_text(json.dumps(_plain(result)))
        return
    loads: list[tuple[float, bool]] = [(r, False) for r in (rates[:1] if args.long else rates)]
    if args.burst and not args.long:
        loads.append((rates[0], True))
    configs: list[list[dict]] = []
    for engine in engines:
        for size in sizes:
            for rate, burst in loads:
                runs = []
                for _ in range(max(1, args.runs)):
                    with tempfile.NamedTemporaryFile(suffix=".json") as out:
                        child = [sys.executable, "-m", "bench.flood_bench", "--json", out.name]
                        child += ["--engine", engine, "--canvas", f"{size[0]}x{size[1]}"]
                        child += ["--rate", str(rate), "--seconds", str(args.seconds)]
                        child += ["--batch", str(args.batch), "--warmup", str(args.warmup)]
                        child += ["--burst-events", str(args.burst_events)]
                        child += ["--burst"] if burst else []
                        child += ["--long"] if args.long else []
                        subprocess.run(child, check=True)
                        runs.append(json.loads(Path(out.name).read_text()))
                configs.append(runs)
    command = "python -m bench.flood_bench " + " ".join(sys.argv[1:])
    text = markdown(configs, command, args.smoke, args.long)
    print(text)
    if args.out:
        from bench.markdown import replace_section

        replace_section(args.out, LONG_HEADING if args.long else "Chat flood", text)


if __name__ == "__main__":
    main()
