"""What every connector shares: its visible state, capped exponential backoff, de-duplication by
platform message id, credentials from the OS keyring, and the reconnect loop.

A connector subclasses :class:`Connector` and implements ``async session(out)``: connect, then
deliver events with ``out(event_dict)`` until the connection ends. The loop around it
(:meth:`Connector.run`) owns the state shown in the Audience menu::

    connecting → connected → (connection lost) → reconnecting in N s: <reason> → connecting …
                                               → failed: <reason>  (auth refused, bad settings)

``session`` raises :class:`Retry` (or any network error) for something worth retrying and
:class:`Fatal` for something that will not get better by itself (wrong credentials, a room that
does not exist); the reason is one line, never a secret (it goes through
:func:`console.redaction.redact`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import aiohttp
import keyring
from keyring.errors import KeyringError

from console.audience.events import AudienceEvent, Deduper, EventError, parse_event
from console.audience.sources import Emit
from console.errors import UserError
from console.redaction import redact, register_secret
from console.subscribers import Subscribers

log = logging.getLogger(__name__)

KEYRING_SERVICE = "live-console"
SECRET_SETTINGS = (
    "token",
    "oauth",
    "oauth_token",
    "api_key",
    "key",
    "secret",
    "password",
    "access_key_secret",
    "app_secret",
    "code",
)


class Fatal(Exception):
    """The connector cannot go on (auth refused, no such room): state ``failed``."""


class Retry(Exception):
    """The connection is lost or refused for now: reconnect after a backoff.

    ``after`` (seconds) overrides the backoff when the platform says how long to wait
    (``Retry-After``); ``immediate`` reconnects at once (Twitch RECONNECT)."""

    def __init__(self, reason: str, after: float | None = None, immediate: bool = False) -> None:
        super().__init__(reason)
        self.after = after
        self.immediate = immediate


@dataclass(frozen=True)
class ConnectorState:
    """What the Audience menu shows for a connector (``label``), and its counters."""

    phase: str = "stopped"  # connecting | connected | reconnecting | failed | stopped | ended
    reason: str = ""
    retry_in_s: float = 0.0
    attempts: int = 0  # connection attempts since the last successful one
    connects: int = 0  # successful connections so far
    received: int = 0  # platform messages turned into events
    duplicates: int = 0  # platform resends dropped by message id
    malformed: int = 0  # packets / lines / items that could not be read (skipped)
    emitted: int = 0
    details: dict[str, Any] = field(default_factory=dict)  # per platform (quota, popularity)

    @property
    def label(self) -> str:
        if self.phase == "reconnecting":
            return f"reconnecting in {self.retry_in_s:.0f} s: {self.reason}"
        if self.phase in ("failed", "ended") and self.reason:
            return f"{self.phase}: {self.reason}"
        return self.phase


class Backoff:
    """Capped exponential backoff with jitter: 1, 2, 4 … ``cap`` seconds (±20 %)."""

    def __init__(
        self, initial: float = 1.0, cap: float = 60.0, factor: float = 2.0, jitter: float = 0.2
    ) -> None:
        self.initial, self.cap, self.factor, self.jitter = initial, cap, factor, jitter
        self._next = initial
        self._random = random.Random()

    def next(self) -> float:
        delay = min(self._next, self.cap)
        self._next = min(self._next * self.factor, self.cap)
        spread = delay * self.jitter
        return max(0.0, delay + self._random.uniform(-spread, spread))

    def reset(self) -> None:
        self._next = self.initial


def one_line(text: object, limit: int = 240) -> str:
    """A platform's error as one short line with every known secret masked."""
    line = " ".join(str(text).split())
    return redact(line)[:limit]


def keyring_name(platform: str, what: str) -> str:
    return f"connector.{platform}.{what}"


def get_credential(platform: str, what: str, *, required: bool = True) -> str | None:
    """A connector credential from the OS keyring (``live-console`` / ``connector.<p>.<what>``),
    registered with the redactor; a clear one-line :class:`UserError` when missing."""
    name = keyring_name(platform, what)
    try:
        value = keyring.get_password(KEYRING_SERVICE, name)
    except KeyringError as exc:
        raise UserError(
            f"cannot read {name}: no usable OS keyring ({type(exc).__name__})"
        ) from None
    if not value:
        if not required:
            return None
        raise UserError(
            f"no {what} for {platform} in the keyring: store it with "
            f"`python -m console.connectors set-secret {platform} {what}` (see docs/connectors.md)"
        )
    register_secret(value)
    return value


def set_credential(platform: str, what: str, value: str) -> None:
    """Keep a connector credential in the OS keyring (never in settings)."""
    value = value.strip()
    if not value:
        raise UserError(f"empty {what} for {platform}: paste it from the platform's console")
    register_secret(value)
    try:
        keyring.set_password(KEYRING_SERVICE, keyring_name(platform, what), value)
    except KeyringError as exc:
        raise UserError(
            f"cannot store the {platform} {what}: no usable OS keyring ({type(exc).__name__})"
        ) from None


def refuse_secrets_in_settings(platform: str, config: dict[str, Any]) -> None:
    """Settings are plain files: a credential there is refused (it belongs in the keyring)."""
    for key in config:
        if str(key).lower() in SECRET_SETTINGS:
            value = config[key]
            if isinstance(value, str) and value:
                register_secret(value)
            raise UserError(
                f"{platform}: '{key}' must not be in the settings: store it in the OS keyring "
                f"with `python -m console.connectors set-secret {platform} ...` (docs/connectors.md)"
            )


def setting(config: dict[str, Any], name: str, default: Any, kind: type = str) -> Any:
    """One setting of ``config`` checked for type; a clear UserError names the setting."""
    value = config.get(name, default)
    if value is None:
        return None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if kind is str and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise UserError(f"setting '{name}': expected {kind.__name__}, got {value!r}"[:200])
    return value


class Connector:
    """Base class: the reconnect loop, the state, dedupe and the emit wrapper."""

    platform = "connector"
    requires_rehearsal = False
    # reconnect backoff: 1 s doubling to 60 s; tests shorten it through the settings
    backoff_initial_s = 1.0
    backoff_cap_s = 60.0

    def __init__(self, config: dict[str, Any] | None = None, name: str | None = None) -> None:
        config = dict(config or {})
        refuse_secrets_in_settings(self.platform, config)
        self.config = config
        self.name = name or self.platform
        self._backoff = Backoff(
            setting(config, "backoff_initial_s", self.backoff_initial_s, float),
            setting(config, "backoff_cap_s", self.backoff_cap_s, float),
        )
        self._dedupe = Deduper(setting(config, "dedupe_size", 50_000, int))
        self._state = ConnectorState()
        self._state_lock = threading.Lock()
        self._listeners: Subscribers[Callable[[ConnectorState], None]] = Subscribers()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._stop_flag = threading.Event()
        self._emit: Emit | None = None

    # ---- state (any thread)

    @property
    def state(self) -> ConnectorState:
        with self._state_lock:
            return self._state

    def on_state(self, callback: Callable[[ConnectorState], None]) -> Callable[[], None]:
        """Call ``callback(state)`` on every change (on the connector's thread)."""
        return self._listeners.add(callback)

    def _set(self, **changes: Any) -> ConnectorState:
        with self._state_lock:
            self._state = replace(self._state, **changes)
            state = self._state
        self._listeners.notify(state, logger=log, what="connector state listener")
        return state

    def _count(self, name: str, n: int = 1) -> None:
        with self._state_lock:
            self._state = replace(self._state, **{name: getattr(self._state, name) + n})

    def set_detail(self, **values: Any) -> None:
        with self._state_lock:
            self._state = replace(self._state, details={**self._state.details, **values})

    # ---- the source contract

    def run(self, emit: Emit, stop: threading.Event) -> None:
        """Connect, deliver, reconnect with backoff until ``stop`` is set or a fatal error."""
        self._emit = emit
        self._stop_flag = stop
        asyncio.run(self._main())
        state = self.state
        if state.phase == "failed":  # the plugin host shows it: "failed while running: …"
            raise Fatal(state.reason)

    def stop(self) -> None:
        self._stop_flag.set()
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None:
            with contextlib.suppress(RuntimeError):  # the loop has already closed
                loop.call_soon_threadsafe(stopping.set)

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        watcher = asyncio.create_task(self._watch_stop())
        try:
            await self._reconnect_loop()
        finally:
            watcher.cancel()
            await self.close()
            if self.state.phase not in ("failed", "ended"):
                self._set(phase="stopped", retry_in_s=0.0)

    async def _watch_stop(self) -> None:
        # the host sets a threading.Event; look at it a few times a second (stop() is immediate)
        while not self._stop_flag.is_set():
            await asyncio.sleep(0.1)
        assert self._stopping is not None
        self._stopping.set()

    async def _reconnect_loop(self) -> None:
        assert self._stopping is not None
        while not self._stopping.is_set():
            self._set(phase="connecting", attempts=self.state.attempts + 1, retry_in_s=0.0)
            session = asyncio.create_task(self.session(self._out))
            stopper = asyncio.create_task(self._stopping.wait())
            done, _ = await asyncio.wait({session, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if session not in done:
                session.cancel()
                await asyncio.gather(session, return_exceptions=True)
                return
            stopper.cancel()
            exc = session.exception()
            delay: float | None
            if exc is None:
                if self.state.phase == "ended":
                    return
                reason, delay = "the platform closed the connection", None
            elif isinstance(exc, Fatal):
                self._set(phase="failed", reason=one_line(exc), retry_in_s=0.0)
                log.error("%s connector failed: %s", self.platform, one_line(exc))
                return
            elif isinstance(exc, Retry):
                reason = one_line(exc)
                delay = 0.0 if exc.immediate else exc.after
            elif isinstance(exc, UserError):
                self._set(phase="failed", reason=one_line(exc), retry_in_s=0.0)
                return
            elif isinstance(exc, (OSError, TimeoutError, ValueError)) or _is_net(exc):
                reason, delay = one_line(f"{type(exc).__name__}: {exc}"), None
            else:
                self._set(phase="failed", reason=one_line(f"{type(exc).__name__}: {exc}"))
                log.error("%s connector crashed", self.platform, exc_info=exc)
                return
            if delay is None:
                delay = self._backoff.next()
            self._set(phase="reconnecting", reason=reason, retry_in_s=delay)
            log.warning("%s: %s; reconnecting in %.1f s", self.platform, reason, delay)
            try:
                await asyncio.wait_for(self._stopping.wait(), timeout=delay)
                return
            except TimeoutError:
                pass

    def connected(self, **details: Any) -> None:
        """Called by ``session`` once the platform has accepted the connection."""
        self._backoff.reset()
        if details:
            self.set_detail(**details)
        self._set(phase="connected", reason="", attempts=0, connects=self.state.connects + 1)

    def ended(self, reason: str) -> None:
        """The broadcast is over (YouTube ``offlineAt``): stop without reconnecting."""
        self._set(phase="ended", reason=one_line(reason))

    def _out(self, data: dict[str, Any]) -> bool:
        """Dedupe by (platform, msg_id), check against the schema, hand to the hub."""
        data.setdefault("platform", self.platform)
        key = (str(data.get("platform")), str(data.get("msg_id")))
        if self._dedupe.seen(key):
            self._count("duplicates")
            return False
        try:
            event: AudienceEvent = parse_event(data)
        except EventError as exc:
            self._count("malformed")
            log.warning("%s: message not usable: %s", self.platform, exc)
            return False
        self._count("received")
        assert self._emit is not None
        accepted = self._emit(event)
        if accepted:
            self._count("emitted")
        return accepted

    # ---- acting on the platform (moderation), from any thread

    def call(self, make: Callable[[], Any], timeout: float = 20.0) -> Any:
        """Run ``make()`` (a coroutine) on the connector's loop and wait for it; a platform's
        refusal comes back as a one-line :class:`UserError`."""
        loop = self._loop
        if loop is None or loop.is_closed() or not loop.is_running():
            raise UserError(f"{self.platform}: the connector is not running")
        future = asyncio.run_coroutine_threadsafe(make(), loop)
        try:
            return future.result(timeout)
        except (Fatal, Retry) as exc:
            raise UserError(one_line(exc)) from None
        except TimeoutError:
            future.cancel()
            raise UserError(f"{self.platform}: no answer within {timeout:.0f} s") from None
        except Exception as exc:  # aiohttp / OS errors: one line
            if isinstance(exc, UserError):
                raise
            raise UserError(one_line(f"{self.platform}: {type(exc).__name__}: {exc}")) from None

    def delete_message(self, msg_id: str) -> None:
        """Delete a message on the platform (where it allows it and the account has the
        rights); raises a one-line :class:`UserError` otherwise."""
        raise UserError(f"{self.platform}: deleting on the platform is not supported")

    def ban_user(self, user_id: str, duration_s: int | None = None, reason: str = "") -> None:
        """Ban (``duration_s``: time out) a user on the platform; one-line UserError otherwise."""
        raise UserError(f"{self.platform}: banning on the platform is not supported")

    def malformed(self, what: str) -> None:
        self._count("malformed")
        log.warning("%s: skipped %s", self.platform, one_line(what))

    def websocket_data(
        self, msg: aiohttp.WSMessage, ws: Any, want: aiohttp.WSMsgType, closed: str
    ) -> bool:
        """Whether ``msg`` is a data message of type ``want``; a close or an error raises
        :class:`Retry` (``closed`` says who closed), any other type is counted as malformed."""
        if msg.type in (
            aiohttp.WSMsgType.CLOSE,
            aiohttp.WSMsgType.CLOSED,
            aiohttp.WSMsgType.CLOSING,
        ):
            raise Retry(closed)
        if msg.type == aiohttp.WSMsgType.ERROR:
            raise Retry(f"connection error: {ws.exception()}")
        if msg.type != want:
            self.malformed(f"a {msg.type.name} WebSocket message")
            return False
        return True

    # ---- for subclasses

    async def session(self, out: Callable[[dict[str, Any]], bool]) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        """Release what ``session`` holds (HTTP sessions); called once at the end."""


def _is_net(exc: BaseException) -> bool:
    try:
        import aiohttp
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, aiohttp.ClientError)


def now_ms() -> int:
    return int(time.time() * 1000)
