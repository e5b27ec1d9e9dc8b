"""Chat moderation: safe display text, blocked words and blocked users.

``sanitize_text`` makes any string safe to draw on the stream: control characters, bidi
overrides/isolates and other invisible format characters are removed, runs of combining marks
(zalgo) are cut to two per character, whitespace collapses and the result is clipped.

The :class:`Moderator` never deletes anything: a comment with a blocked word or from a blocked
user is *hidden* from the overlay and *flagged* for the operators (who still see it in the chat
panel, marked), and it is journaled like every other event.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from console.audience.events import AudienceEvent

MAX_DISPLAY = 200  # code points shown on the stream
MAX_MARKS = 2  # combining marks kept after one base character
_KEEP_FORMAT = {"\u200d"}  # zero-width joiner: emoji sequences (👨‍👩‍👧) need it
_ELLIPSIS = "…"

#: Words hidden from the stream by default: moving buyers off the platform (加微信, VX, 私聊)
#: breaks every platform's rules. Operators extend the list (Audience ▸ Blocked words…).
DEFAULT_BLOCKED_WORDS = ("加微信", "加V", "VX", "私聊我", "淘宝搜", "代购")


def sanitize_text(text: str, max_len: int = MAX_DISPLAY) -> str:
    """Text that is safe to render: no controls, no bidi tricks, no zalgo, at most ``max_len``."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text[: max_len * 8])  # bound the work on huge input
    out: list[str] = []
    marks = 0
    space = False
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Zs", "Zl", "Zp") or ch in "\t\n\r\v\f":
            if out and not space:
                out.append(" ")
                space = True
            marks = 0
            continue
        if cat in ("Cc", "Cs", "Co", "Cn") or (cat == "Cf" and ch not in _KEEP_FORMAT):
            continue  # controls, lone surrogates, private use, unassigned, bidi/format chars
        if cat in ("Mn", "Me"):
            if not out or space or marks >= MAX_MARKS:
                continue
            marks += 1
        else:
            marks = 0
        space = False
        out.append(ch)
    result = "".join(out).strip()
    if len(result) > max_len:
        result = result[: max_len - 1].rstrip() + _ELLIPSIS
    return result


def match_key(text: str) -> str:
    """Folded form for word matching: NFKC, case-folded, only letters and digits.

    ``"微 信"``, ``"Ｗｅｃｈａｔ"`` and ``"we-chat"`` all fold to something a blocked word matches.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


@dataclass(frozen=True)
class Verdict:
    hidden: bool = False
    flags: tuple[str, ...] = ()  # reasons, shown to operators ("blocked word: 微信")


class Moderator:
    """Blocked words and users. Thread-safe (copy-on-write sets: the hub thread only reads)."""

    def __init__(
        self, blocked_words: Iterable[str] = (), blocked_users: Iterable[str] = ()
    ) -> None:
        self._lock = threading.Lock()
        self._words: dict[str, str] = {}  # folded → as written
        self._users: frozenset[str] = frozenset(blocked_users)
        self.set_blocked_words(blocked_words)

    # ---- editing (UI thread)

    def set_blocked_words(self, words: Iterable[str]) -> None:
        table = {}
        for word in words:
            key = match_key(word)
            if key:
                table[key] = word.strip()
        with self._lock:
            self._words = table

    def add_blocked_word(self, word: str) -> None:
        self.set_blocked_words([*self.blocked_words, word])

    @property
    def blocked_words(self) -> list[str]:
        return list(self._words.values())

    def block_user(self, user_key: str) -> None:
        """Block ``platform:user_id`` (see :attr:`AudienceEvent.user_key`)."""
        with self._lock:
            self._users = self._users | {user_key}

    def unblock_user(self, user_key: str) -> None:
        with self._lock:
            self._users = self._users - {user_key}

    def is_blocked(self, user_key: str) -> bool:
        return user_key in self._users

    @property
    def blocked_users(self) -> frozenset[str]:
        return self._users

    # ---- checking (hub thread)

    def blocked_words_in(self, text: str) -> list[str]:
        words = self._words
        if not words or not text:
            return []
        key = match_key(text)
        return [shown for folded, shown in words.items() if folded in key]

    def check(self, event: AudienceEvent) -> Verdict:
        flags = []
        if event.user is not None and event.user_key in self._users:
            flags.append("blocked user")
        for word in self.blocked_words_in(event.text):
            flags.append(f"blocked word: {word}")
        for word in self.blocked_words_in(event.nick):
            flags.append(f"blocked word in name: {word}")
        return Verdict(hidden=bool(flags), flags=tuple(flags))


def load_word_list(text: str) -> list[str]:
    """One word a line; blank lines and ``#`` comments ignored."""
    words = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.append(line)
    return words
