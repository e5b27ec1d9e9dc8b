"""Audience-source plugins: discovered from the ``plugins/`` folder and the ``live_console.audience``
entry-point group, imported only when started, isolated when they fail.

A plugin folder holds a manifest, ``plugin.toml`` (or ``plugin.json``)::

    name = "example_source"          # unique; letters, digits, _ and -
    version = "0.1.0"
    entry = "source:create"          # module:factory — the module in this folder, or any
                                     # importable module (console.audience.simulated:create)
    kinds = ["comment", "like"]      # event types it produces (informative)
    description = "…"
    requires_rehearsal = false       # true for sources that fake or replay an audience

An installed package declares ``[project.entry-points."live_console.audience"]
name = "package.module:factory"``. The console's own sources are declared the same way in its
``pyproject.toml``; their manifests in ``plugins/`` (installed as ``console._plugins``) add the
kinds, description and the rehearsal-only flag, and an entry point with the same name and entry
as a manifest is that plugin, not a duplicate.

The factory is called as ``factory(context)`` (:class:`PluginContext`) and returns a source (see
:mod:`console.audience.sources`). A plugin that fails to import, whose factory raises, or whose
``run`` raises is marked ``failed`` with a one-line reason and disabled; the console, the hub and
the other plugins carry on.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import json
import logging
import re
import sys
import threading
import time
import tomllib
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.audience.events import EVENT_TYPES, AudienceEvent, EventError, parse_event

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "live_console.audience"
MANIFEST_NAMES = ("plugin.toml", "plugin.json")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_ENTRY_RE = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")


def builtin_plugins_dir() -> Path:
    """The ``plugins/`` folder shipped with the console (installed as ``console._plugins``)."""
    from console.resources import plugins_dir

    return plugins_dir()


def user_plugins_dir() -> Path:
    """Where a host drops plugin folders of their own (an installed console's ``plugins/`` is
    inside the package): ``<user data dir>/live-console/plugins``."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("live-console")) / "plugins"


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    reason = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return reason[:300]


@dataclass(frozen=True)
class Manifest:
    name: str
    version: str
    entry: str
    kinds: tuple[str, ...] = ()
    description: str = ""
    requires_rehearsal: bool = False
    folder: Path | None = None  # None for an entry-point plugin
    origin: str = ""  # manifest file or "entry point <dist>"


class ManifestError(ValueError):
    pass


def read_manifest(folder: Path) -> Manifest:
    """Read and check ``folder/plugin.toml`` (or ``plugin.json``); ``ManifestError`` says why not."""
    for name in MANIFEST_NAMES:
        file = folder / name
        if file.is_file():
            break
    else:
        raise ManifestError(f"{folder}: no plugin.toml or plugin.json")
    try:
        text = file.read_text(encoding="utf-8")
        data = tomllib.loads(text) if file.suffix == ".toml" else json.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{file}: {one_line(exc)}") from None
    if not isinstance(data, dict):
        raise ManifestError(f"{file}: expected a table/object")
    plugin_name = data.get("name")
    if not isinstance(plugin_name, str) or not _NAME_RE.match(plugin_name):
        raise ManifestError(f"{file}: name must be letters, digits, '_' or '-'")
    entry = data.get("entry")
    if not isinstance(entry, str) or not _ENTRY_RE.match(entry):
        raise ManifestError(f"{file}: entry must be 'module:factory', got {entry!r}")
    kinds = data.get("kinds", [])
    if not isinstance(kinds, list) or any(k not in EVENT_TYPES for k in kinds):
        raise ManifestError(f"{file}: kinds must be a list of {', '.join(EVENT_TYPES)}")
    return Manifest(
        name=plugin_name,
        version=str(data.get("version", "0")),
        entry=entry,
        kinds=tuple(kinds),
        description=str(data.get("description", "")),
        requires_rehearsal=bool(data.get("requires_rehearsal", False)),
        folder=folder,
        origin=str(file),
    )


@dataclass
class PluginContext:
    """What a factory gets: its settings, the show state (read-only) and the clock."""

    config: dict[str, Any] = field(default_factory=dict)
    state: Callable[[], Any] = lambda: None
    clock: Callable[[], float] = time.time
    rehearsal: bool = True
    logger: logging.Logger = log


@dataclass
class PluginStatus:
    name: str
    version: str
    state: str  # available | running | stopped | failed
    reason: str = ""
    origin: str = ""
    emitted: int = 0
    rejected: int = 0
    dropped: int = 0

    @property
    def disabled(self) -> bool:
        return self.state == "failed"


class PluginHandle:
    """One plugin: its manifest, and once started its source object and thread."""

    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest
        self.name = manifest.name
        self.source: Any = None
        self.state = "available"
        self.reason = ""
        self.emitted = 0
        self.rejected = 0
        self.dropped = 0
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def requires_rehearsal(self) -> bool:
        return self.manifest.requires_rehearsal or bool(
            getattr(self.source, "requires_rehearsal", False)
        )

    def status(self) -> PluginStatus:
        return PluginStatus(
            self.name,
            self.manifest.version,
            self.state,
            self.reason,
            self.manifest.origin,
            self.emitted,
            self.rejected,
            self.dropped,
        )


def _load_factory(manifest: Manifest) -> Callable[..., Any]:
    module_name, attr = manifest.entry.split(":")
    folder = manifest.folder
    head = module_name.split(".")[0]
    if folder is not None and (
        (folder / f"{head}.py").is_file() or (folder / head / "__init__.py").is_file()
    ):
        # the plugin's own code: import it as a private package so names never clash
        package = "live_console_plugin_" + re.sub(r"\W", "_", manifest.name)
        if package not in sys.modules:
            pkg = types.ModuleType(package)
            pkg.__path__ = [str(folder)]  # type: ignore[attr-defined]
            sys.modules[package] = pkg
        module = importlib.import_module(f"{package}.{module_name}")
    else:
        module = importlib.import_module(module_name)
    factory = getattr(module, attr, None)
    if not callable(factory):
        raise AttributeError(f"{manifest.entry}: no callable {attr!r} in {module_name}")
    return factory


class PluginHost:
    """Discovers plugins, starts them on their own threads and feeds their events to ``emit``.

    ``emit`` is usually ``hub.submit``. ``on_status(PluginStatus)`` is called (from whichever
    thread) when a plugin starts, stops or fails — the UI hands it to its own thread.
    """

    def __init__(
        self,
        emit: Callable[[AudienceEvent], bool],
        context: PluginContext | None = None,
        on_status: Callable[[PluginStatus], None] | None = None,
    ) -> None:
        self.emit = emit
        self.context = context or PluginContext()
        self.on_status = on_status
        self._plugins: dict[str, PluginHandle] = {}
        self._lock = threading.Lock()
        self.problems: list[str] = []  # manifests that could not be read

    # ---- discovery (no plugin code is imported)

    def discover(
        self, folders: Iterable[Path] | None = None, entry_points: bool = True
    ) -> list[PluginStatus]:
        folders = [builtin_plugins_dir(), user_plugins_dir()] if folders is None else list(folders)
        for root in folders:
            if not root.is_dir():
                continue
            for folder in sorted(p for p in root.iterdir() if p.is_dir()):
                if not any((folder / n).is_file() for n in MANIFEST_NAMES):
                    continue
                try:
                    self.add(read_manifest(folder))
                except ManifestError as exc:
                    self.problems.append(str(exc))
                    log.warning("audience plugin skipped: %s", exc)
        if entry_points:
            for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
                dist = getattr(ep, "dist", None)
                known = self._plugins.get(ep.name)
                if known is not None and known.manifest.entry == ep.value:
                    # a built-in declared both ways: its manifest (kinds, rehearsal only) wins
                    continue
                self.add(
                    Manifest(
                        name=ep.name,
                        version=getattr(dist, "version", "0") if dist else "0",
                        entry=ep.value,
                        origin=f"entry point {getattr(dist, 'name', '?')}",
                    )
                )
        return self.statuses()

    def add(self, manifest: Manifest) -> None:
        with self._lock:
            if manifest.name in self._plugins:
                problem = f"{manifest.origin}: duplicate plugin name {manifest.name!r}"
                self.problems.append(problem)
                log.warning("audience plugin skipped: %s", problem)
                return
            self._plugins[manifest.name] = PluginHandle(manifest)

    # ---- running

    def start(self, name: str, config: dict[str, Any] | None = None) -> PluginStatus:
        """Import (first time), create and run a plugin; failures are reported, never raised."""
        handle = self._get(name)
        if handle.state == "running":
            return handle.status()
        handle.reason = ""
        try:
            factory = _load_factory(handle.manifest)
            context = PluginContext(
                config=dict(config or {}),
                state=self.context.state,
                clock=self.context.clock,
                rehearsal=self.context.rehearsal,
                logger=logging.getLogger(f"plugin.{name}"),
            )
            source = factory(context)
            if not callable(getattr(source, "run", None)):
                raise TypeError(
                    f"{handle.manifest.entry} returned {type(source).__name__} without run()"
                )
        except BaseException as exc:  # plugin code: anything may come out
            if isinstance(exc, KeyboardInterrupt):
                raise
            return self._fail(handle, f"failed to load: {one_line(exc)}")
        handle.source = source
        handle._stop = threading.Event()
        handle.state = "running"
        handle._thread = threading.Thread(
            target=self._run, args=(handle,), name=f"plugin-{name}", daemon=True
        )
        handle._thread.start()
        self._report(handle)
        return handle.status()

    def _run(self, handle: PluginHandle) -> None:
        def emit(event: AudienceEvent | dict[str, Any]) -> bool:
            if handle._stop.is_set():
                return False
            if not isinstance(event, AudienceEvent):
                try:
                    event = parse_event(event)
                except EventError as exc:
                    handle.rejected += 1
                    log.warning("plugin %s: event refused: %s", handle.name, exc)
                    return False
            handle.emitted += 1
            accepted = self.emit(event)
            if not accepted:
                handle.dropped += 1
            return accepted

        try:
            handle.source.run(emit, handle._stop)
        except BaseException as exc:  # plugin code
            self._fail(handle, f"failed while running: {one_line(exc)}")
            log.error("audience plugin %s failed", handle.name, exc_info=exc)
            return
        if handle.state == "running":
            handle.state = "stopped"
            self._report(handle)

    def stop(self, name: str, timeout: float = 5.0) -> PluginStatus:
        handle = self._get(name)
        handle._stop.set()
        stopper = getattr(handle.source, "stop", None)
        if callable(stopper):
            try:
                stopper()
            except Exception as exc:  # plugin code
                log.warning("plugin %s: stop failed: %s", name, one_line(exc))
        thread = handle._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        if handle.state == "running":
            handle.state = "stopped"
            self._report(handle)
        return handle.status()

    def stop_all(self, timeout: float = 5.0) -> None:
        for handle in list(self._plugins.values()):
            if handle.state == "running":
                self.stop(handle.name, timeout)

    def wait(self, name: str, timeout: float | None = None) -> PluginStatus:
        """Wait until the plugin's thread has ended (for tests and orderly shutdown)."""
        handle = self._get(name)
        if handle._thread is not None:
            handle._thread.join(timeout)
        return handle.status()

    # ---- reading

    def statuses(self) -> list[PluginStatus]:
        with self._lock:
            return [h.status() for h in self._plugins.values()]

    def status(self, name: str) -> PluginStatus:
        return self._get(name).status()

    def attached(self) -> list[PluginHandle]:
        """Running plugins (for :func:`~console.audience.sources.check_go_live`)."""
        with self._lock:
            return [h for h in self._plugins.values() if h.state == "running"]

    def _get(self, name: str) -> PluginHandle:
        with self._lock:
            handle = self._plugins.get(name)
        if handle is None:
            from console.errors import UserError

            known = ", ".join(self._plugins) or "none"
            raise UserError(f"no audience plugin {name!r} (known: {known})")
        return handle

    def _fail(self, handle: PluginHandle, reason: str) -> PluginStatus:
        handle.state = "failed"
        handle.reason = reason
        handle._stop.set()
        log.error("audience plugin %s disabled: %s", handle.name, reason)
        self._report(handle)
        return handle.status()

    def _report(self, handle: PluginHandle) -> None:
        if self.on_status is None:
            return
        try:
            self.on_status(handle.status())
        except Exception:
            log.exception("plugin status callback failed")
