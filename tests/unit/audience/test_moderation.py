"""Display-safe text and blocked words/users."""

from __future__ import annotations

import unicodedata

from console.audience.events import parse_event
from console.audience.moderation import MAX_DISPLAY, Moderator, match_key, sanitize_text


def test_control_characters_are_removed() -> None:
    assert sanitize_text("a\x00b\x07c\x1b[31mred\x7f") == "abc[31mred"
    assert sanitize_text("line1\nline2\r\n\tend") == "line1 line2 end"


def test_bidi_overrides_and_invisible_format_characters_are_removed() -> None:
    text = "user\u202egnp.exe\u202c \u2066x\u2069 \u200bzero\ufeff"
    clean = sanitize_text(text)
    assert clean == "usergnp.exe x zero"
    assert not any(unicodedata.category(ch) == "Cf" for ch in clean)


def test_zalgo_runs_are_cut_to_two_marks() -> None:
    zalgo = "H" + "\u0336\u0335\u0334\u0337\u0338" * 20 + "i"
    clean = sanitize_text(zalgo)
    assert clean[0] == "H" and clean[-1] == "i"
    assert len(clean) == 4  # H + 2 marks + i


def test_emoji_sequences_and_cjk_survive() -> None:
    family = "👨\u200d👩\u200d👧"
    assert sanitize_text(f"好看 {family} ❤️ 👍🏽") == f"好看 {family} ❤️ 👍🏽"


def test_long_message_is_clipped() -> None:
    clean = sanitize_text("长" * 10_000)
    assert len(clean) == MAX_DISPLAY and clean.endswith("…")
    assert sanitize_text("x" * 50, max_len=10) == "x" * 9 + "…"


def test_match_key_folds_width_case_and_separators() -> None:
    assert match_key("加 微-信：ＡＢＣ") == "加微信abc"


def event(text: str, user: str = "u1", nick: str = "张三"):
    return parse_event(
        {
            "platform": "douyin",
            "msg_id": text[:20] + user,
            "ts_ms": 1,
            "type": "comment",
            "user": {"id": user, "nick": nick},
            "text": text,
        }
    )


def test_blocked_words_hide_and_flag_even_when_spaced_out() -> None:
    m = Moderator(blocked_words=["加微信"])
    verdict = m.check(event("私聊 加 微 信 便宜"))
    assert verdict.hidden and verdict.flags[0] == "blocked word: 加微信"
    assert not m.check(event("保温杯多少钱")).hidden


def test_blocked_users_and_unblock() -> None:
    m = Moderator()
    m.block_user("douyin:troll")
    assert m.check(event("hi", user="troll")).flags == ("blocked user",)
    assert not m.check(event("hi", user="u2")).hidden
    m.unblock_user("douyin:troll")
    assert not m.check(event("hi", user="troll")).hidden


def test_blocked_word_in_the_name() -> None:
    m = Moderator(blocked_words=["vx123"])
    assert m.check(event("hello", nick="加VX123")).hidden
