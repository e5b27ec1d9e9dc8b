"""The go-live policy: pure functions the window, the CLI and the control server all use.

Each check returns a :class:`Refusal` (a code, the names it is about, one English line) or
``None``; warnings are lines to show before going on. The window formats refusals with its own
translated texts (by ``code``); the CLI and the control server print ``text``.

- rehearsal: only the local recording and destinations on this machine (127.0.0.1,
  localhost) — :func:`rehearsal_refusal`;
- a real broadcast refuses sources that fake or replay an audience — :func:`audience_refusal`;
- every destination needs its key — :func:`missing_keys`;
- keys that expired, expire soon or work once — :func:`key_warnings`;
- the show's material against the advertising-law terms (warnings) — :func:`compliance`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.errors import UserError
from console.platforms.presets import is_loopback_url, key_status, preset_by_id
from console.timefmt import format_left

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refusal:
    """Why the show does not go live: ``code`` for clients that word it themselves."""

    code: str  # nothing_to_send | rehearsal_remote | audience | missing_keys | not_running
    text: str
    names: tuple[str, ...] = ()
    reason: str = ""


@dataclass
class GoLivePlan:
    """What going live will do, once every check has passed (or the first refusal)."""

    refusal: Refusal | None = None
    destinations: list[Any] = field(default_factory=list)
    record: bool = False
    warnings: list[str] = field(default_factory=list)
    findings: list[Any] | None = None


def real_broadcast(rehearsal: bool, dests: Iterable[Any]) -> bool:
    """Not rehearsal, and some destination off this machine."""
    return not rehearsal and any(not is_loopback_url(d.server) for d in dests)


def nothing_to_send(dests: list[Any], record: bool) -> Refusal | None:
    if dests or record:
        return None
    return Refusal(
        "nothing_to_send",
        "Nothing to send to: add a destination or turn on the local recording.",
    )


def rehearsal_refusal(rehearsal: bool, dests: Iterable[Any]) -> Refusal | None:
    """In rehearsal nothing leaves this machine: a remote destination is refused."""
    if not rehearsal:
        return None
    remote = tuple(d.name for d in dests if not is_loopback_url(d.server))
    if not remote:
        return None
    return Refusal(
        "rehearsal_remote",
        f"Rehearsal cannot reach {', '.join(remote)}: only local recording and an ingest on "
        "this machine (127.0.0.1, localhost) are allowed. Switch rehearsal off to go live.",
        remote,
    )


def audience_refusal(reason: str | None) -> Refusal | None:
    """The audience's refusal (``console.audience.sources.check_go_live``) as a Refusal."""
    if not reason:
        return None
    return Refusal("audience", f"Not going live: {reason}", reason=reason)


def missing_keys(dests: Iterable[Any], keys: dict[str, str | None]) -> Refusal | None:
    missing = tuple(d.name for d in dests if not keys.get(d.id))
    if not missing:
        return None
    return Refusal(
        "missing_keys",
        f"No stream key for {', '.join(missing)}: edit the destination and paste the key.",
        missing,
    )


def key_warnings(dests: Iterable[Any], now: float | None = None) -> list[str]:
    """``NAME: key expired … / expires in …`` and the single-use note, one line each."""
    warnings = []
    for d in dests:
        preset = preset_by_id(d.preset)
        st = key_status(d.key_expires_at, d.key_saved_at, preset.key_lifetime_hours, now)
        if st.level in ("expired", "soon") and st.expires_at is not None:
            when = dt.datetime.fromtimestamp(st.expires_at).strftime("%Y-%m-%d %H:%M")
            left = format_left(st.seconds_left or 0)
            text = (
                f"Key expired {left} ago ({when})"
                if st.level == "expired"
                else f"Key expires in {left} ({when})"
            )
            warnings.append(f"{d.name}: {text}")
        if preset.key_lifetime == "single_use":
            warnings.append(
                f"{d.name}: Kuaishou keys work once and for 2 days; a used key is refused."
            )
    return warnings


def compliance(show_path: Path | None) -> list[Any] | None:
    """The show's material against the advertising-law terms (findings; None: not checked)."""
    if show_path is None:
        return None
    from console.audience.compliance import check_show

    try:
        return check_show(show_path)
    except UserError as exc:
        log.warning("compliance check failed: %s", exc)
        return None


def compliance_lines(findings: list[Any], limit: int = 8) -> list[str]:
    """``location: text with 【phrase】 — clause`` for the go-live question."""
    lines = [f"{f.location}: {f.highlighted} — {f.clause}" for f in findings[:limit]]
    if len(findings) > limit:
        lines.append(f"… +{len(findings) - limit}")
    return lines


def check(
    dests: list[Any],
    *,
    rehearsal: bool,
    record: bool,
    audience_reason: str | None = None,
) -> Refusal | None:
    """The checks that need no key and no disk, in the order the operator fixes them."""
    return (
        nothing_to_send(dests, record)
        or rehearsal_refusal(rehearsal, dests)
        or audience_refusal(audience_reason)
    )
