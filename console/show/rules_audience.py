"""The rules of the operator's actions on the audience (pinned and hidden comments, blocked
users), the live session (start, end, health, markers) and its recording (console/clips)."""

from __future__ import annotations

from typing import Any

from console.show import commands as c
from console.show import state as s
from console.show.rules_base import (
    Context,
    Draft,
    _count,
    _reject,
)

# ---- operator actions on the audience and the live session ---------------------------------

MAX_COMMENT_CHARS = 500


def _pin_comment(state: s.ShowState, cmd: c.PinComment, now: float, ctx: Context) -> list[Draft]:
    text = str(cmd.text).strip()
    if not text:
        raise _reject("only a comment with text can be pinned")
    if len(text) > MAX_COMMENT_CHARS:
        raise _reject(f"a pinned comment is at most {MAX_COMMENT_CHARS} characters")
    if cmd.user_key and cmd.user_key in state.blocked_users:
        raise _reject("that user is blocked: unblock them before pinning their comment")
    payload = {
        "text": text,
        "nick": str(cmd.nick),
        "user_key": str(cmd.user_key),
        "msg_id": str(cmd.msg_id),
        "platform": str(cmd.platform),
    }
    return [Draft(s.COMMENT_PINNED, payload)]


def _unpin_comment(
    state: s.ShowState, cmd: c.UnpinComment, now: float, ctx: Context
) -> list[Draft]:
    if state.pinned_comment is None:
        raise _reject("no comment is pinned")
    return [Draft(s.COMMENT_UNPINNED, {"msg_id": state.pinned_comment.msg_id})]


def _hide_comment(state: s.ShowState, cmd: c.HideComment, now: float, ctx: Context) -> list[Draft]:
    if not str(cmd.msg_id).strip():
        raise _reject("this message has no id to hide")
    payload = {
        "msg_id": str(cmd.msg_id),
        "platform": str(cmd.platform),
        "user_key": str(cmd.user_key),
        "text": str(cmd.text)[:MAX_COMMENT_CHARS],
    }
    return [Draft(s.COMMENT_HIDDEN, payload)]


def _block_user(state: s.ShowState, cmd: c.BlockUser, now: float, ctx: Context) -> list[Draft]:
    key = str(cmd.user_key).strip()
    if not key:
        raise _reject("this message has no user to block")
    if key in state.blocked_users:
        raise _reject("that user is already blocked")
    drafts = [Draft(s.USER_BLOCKED, {"user_key": key, "nick": str(cmd.nick)})]
    pinned = state.pinned_comment
    if pinned is not None and pinned.user_key == key:  # their pinned comment goes too
        drafts.append(Draft(s.COMMENT_UNPINNED, {"msg_id": pinned.msg_id, "reason": "blocked"}))
    return drafts


def _unblock_user(state: s.ShowState, cmd: c.UnblockUser, now: float, ctx: Context) -> list[Draft]:
    key = str(cmd.user_key).strip()
    if key not in state.blocked_users:
        raise _reject("that user is not blocked")
    return [Draft(s.USER_UNBLOCKED, {"user_key": key})]


SESSION_MODES = ("rehearsal", "live")


def _mode(mode: str) -> str:
    if mode not in SESSION_MODES:
        raise _reject(f"session mode must be rehearsal or live, got {mode!r}")
    return mode


def _start_session(
    state: s.ShowState, cmd: c.StartSession, now: float, ctx: Context
) -> list[Draft]:
    payload = {
        "mode": _mode(cmd.mode),
        "destinations": _count(cmd.destinations, "destinations", 0, 64),
        "recording": bool(cmd.recording),
    }
    extra = cmd.details if isinstance(cmd.details, dict) else {}
    return [Draft(s.SESSION_STARTED, {**extra, **payload})]


def _end_session(state: s.ShowState, cmd: c.EndSession, now: float, ctx: Context) -> list[Draft]:
    payload: dict[str, Any] = {"mode": _mode(cmd.mode)}
    if cmd.reason:
        payload["reason"] = str(cmd.reason)
    return [Draft(s.SESSION_ENDED, payload)]


def _record_health(
    state: s.ShowState, cmd: c.RecordHealth, now: float, ctx: Context
) -> list[Draft]:
    if not isinstance(cmd.sample, dict):
        raise _reject("a health sample is an object of numbers")
    return [Draft(s.HEALTH_SAMPLE, dict(cmd.sample))]


def _add_marker(state: s.ShowState, cmd: c.AddMarker, now: float, ctx: Context) -> list[Draft]:
    label = str(cmd.label).strip()
    if not label or len(label) > 200:
        raise _reject("a marker needs a label of 1 to 200 characters")
    return [Draft(s.SESSION_MARKER, {"label": label})]


# ---- a session's recording (console/clips) -----------------------------------------------

RECORDING_REASONS = ("start", "resume", "restart", "reconnect")


def _note_recording(
    state: s.ShowState, cmd: c.NoteRecording, now: float, ctx: Context
) -> list[Draft]:
    path = str(cmd.path).strip()
    if not path or len(path) > 1000 or "\x00" in path:
        raise _reject("a recording needs a file path of 1 to 1000 characters")
    if cmd.reason not in RECORDING_REASONS:
        raise _reject(f"recording reason must be one of {', '.join(RECORDING_REASONS)}")
    payload = {
        "path": path,
        "journal_t": float(cmd.journal_t),
        "media_t0": float(cmd.media_t0),
        "reason": cmd.reason,
    }
    if cmd.session:
        payload["session"] = int(cmd.session)
    return [Draft(s.RECORDING_STARTED, payload)]
