"""Advertising-law absolute terms: hits, misses, exceptions, user terms, the demo show, the CLI."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from console.audience.cli import register
from console.audience.compliance import (
    USER_TERMS_FILE,
    check_show,
    check_text,
    format_findings,
    load_terms,
)
from console.errors import UserError
from console.show.demo import copy_demo_show


@pytest.fixture(scope="module")
def terms():
    return load_terms()


def hits(text: str, terms) -> list[str]:
    return [f.phrase for f in check_text(text, terms)]


def test_every_builtin_entry_names_its_clause(terms) -> None:
    assert len(terms.terms) >= 30
    for term in terms.terms:
        assert term.clause.startswith("广告法第"), term
    statute = {t.term for t in terms.terms if t.basis == "statute"}
    assert {"国家级", "最高级", "最佳"} <= statute


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全网最低价，史上最强保温杯", ["全网最低", "史上", "最"]),
        ("国家级工艺，顶级316内胆", ["国家级", "顶级"]),
        ("销量第一的面膜", ["第一"]),
        ("最高级的享受", ["最高级"]),
        ("本品是唯一获得认证的首选品牌", ["唯一", "首选"]),
        ("100%有效，绝对不过敏", ["100%", "绝对"]),
        ("独家配方，万能清洁", ["独家", "万能"]),
        ("根治失眠", ["根治"]),
        ("The best thermos, No.1 in China", ["best", "No.1"]),
    ],
)
def test_hits_on_chinese_and_english_samples(text: str, expected: list[str], terms) -> None:
    assert hits(text, terms) == expected


@pytest.mark.parametrize(
    "text",
    [
        "最近很多朋友问我",  # time word
        "最后10单",
        "第一步先倒热水",  # ordinal, not a ranking
        "第一次来直播间",
        "最佳食用时间为开封后7天内",  # consumer tip (2023 guideline)
        "最好冷水洗",
        "316不锈钢内胆，一键弹盖",
        "bestseller list? no: the word best must stand alone",  # 'best' inside 'bestseller'
        "Best before: see the lid",
        "1100%",  # not "100%"
    ],
)
def test_misses_and_guideline_exceptions(text: str, terms) -> None:
    found = check_text(text, terms)
    if text.startswith("bestseller"):
        assert [f.phrase for f in found] == ["best"]  # the standalone one only
    else:
        assert found == [], [f.highlighted for f in found]


def test_finding_carries_clause_note_exception_and_highlight(terms) -> None:
    (finding,) = check_text("100%美利奴羊毛", terms, "catalog SCARF selling point 1")
    assert finding.highlighted == "【100%】美利奴羊毛"
    assert finding.span == (0, 4)
    assert finding.clause == "广告法第九条（三）"
    assert "成分" in finding.note
    assert any("真实" in e for e in finding.exceptions)


def test_user_terms_extend_allow_and_disable(tmp_path: Path) -> None:
    user = tmp_path / USER_TERMS_FILE
    user.write_text(
        json.dumps(
            {
                "terms": [{"term": "秒杀全网", "note": "品牌规范"}, "吊打"],
                "allow": ["第一坊"],
                "disable": ["冠军"],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    terms = load_terms(user_file=user)
    assert hits("秒杀全网，吊打同行", terms) == ["秒杀全网", "吊打"]
    assert hits("第一坊出品", terms) == []  # a registered trademark
    assert hits("销量冠军", terms) == []
    (finding,) = check_text("吊打", terms)
    assert USER_TERMS_FILE in finding.clause


def test_bad_user_file_is_a_user_error(tmp_path: Path) -> None:
    user = tmp_path / USER_TERMS_FILE
    user.write_text('{"terms": [{"nope": 1}]}', encoding="utf-8")
    with pytest.raises(UserError, match="term #1"):
        load_terms(user_file=user)
    user.write_text("{broken", encoding="utf-8")
    with pytest.raises(UserError, match="not valid JSON"):
        load_terms(user_file=user)


def test_demo_show_check(tmp_path: Path) -> None:
    show = copy_demo_show(tmp_path / "show")
    findings = check_show(show)
    assert [(f.location, f.phrase) for f in findings] == [
        ("catalog SCARF-WOOL selling point 1", "100%")
    ]
    # talking points and promotions are read too
    rundown = json.loads((show / "rundown.json").read_text(encoding="utf-8"))
    rundown["segments"][1]["talking_points"].append("全网最低价，错过再等一年")
    (show / "rundown.json").write_text(json.dumps(rundown, ensure_ascii=False), encoding="utf-8")
    promotions = json.loads((show / "promotions.json").read_text(encoding="utf-8"))
    promotions["templates"][0]["title"] = "国家级满减券"
    (show / "promotions.json").write_text(json.dumps(promotions, ensure_ascii=False), "utf-8")
    locations = {f.location: f.phrase for f in check_show(show)}
    assert locations["rundown thermos talking point 4"] == "全网最低"
    assert locations["promotion coupon-199-30 title"] == "国家级"


def _parser():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    commands: dict = {}
    register(sub, commands)
    return parser, commands


def test_cli_check_warns_and_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    show = copy_demo_show(tmp_path / "show")
    parser, commands = _parser()
    args = parser.parse_args(["check", str(show)])
    assert commands["check"](args) == 0
    out = capsys.readouterr().out
    assert "【100%】美利奴羊毛" in out and "广告法第九条（三）" in out


def test_cli_check_bad_input_is_exit_2(tmp_path: Path) -> None:
    parser, commands = _parser()
    args = parser.parse_args(["check", str(tmp_path / "missing")])
    with pytest.raises(UserError) as info:
        commands["check"](args)
    assert info.value.exit_code == 2


def test_format_without_findings() -> None:
    assert "no absolute terms" in format_findings([], "demo")
