"""Compliance checker for the host's own material: advertising-law absolute terms.

The term list is ours (``resources/compliance/ad_law_terms.json``), written from 广告法 第九条（三）
(and 第十七条 for cure claims); each entry names its clause and where the 2023 SAMR
《广告绝对化用语执法指南》 allows an exception (self-comparison, consumer tips, standard grades,
trademarks and product names, true facts, business philosophy). A show can extend it with
``compliance_terms.json`` in its folder::

    {"terms": [{"term": "秒杀全网", "note": "our brand guideline"}],
     "allow": ["第一坊"],             # phrases never flagged (a registered trademark, …)
     "disable": ["冠军"]}             # built-in terms switched off for this show

It **warns, never blocks**: the same word is fine in one context and not in another, and only the
host knows which. :func:`check_show` reads product titles and selling points, coupon / promotion
text and rundown talking points.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.errors import UserError
from console.resources import DataFileError, data_path, read_json

USER_TERMS_FILE = "compliance_terms.json"


def builtin_terms_path() -> Path:
    """The shipped term list; a missing one is a broken install (one line, reinstall)."""
    return data_path("compliance", "ad_law_terms.json")


@dataclass(frozen=True)
class Term:
    term: str
    clause: str  # short label: 广告法第九条（三）
    note: str = ""
    exceptions: tuple[str, ...] = ()  # descriptions of the guideline's exceptions that may apply
    except_in: tuple[str, ...] = ()
    word: bool = False  # match whole words only (English)
    basis: str = "extension"  # statute (named in the clause) | extension (“等用语”) | user


@dataclass(frozen=True)
class Finding:
    location: str  # "catalog CUP-316-500 selling point 1"
    text: str
    term: str
    span: tuple[int, int]
    clause: str
    note: str = ""
    exceptions: tuple[str, ...] = ()

    @property
    def phrase(self) -> str:
        return self.text[self.span[0] : self.span[1]]

    @property
    def highlighted(self) -> str:
        s, e = self.span
        return f"{self.text[:s]}【{self.text[s:e]}】{self.text[e:]}"


@dataclass
class TermList:
    terms: list[Term] = field(default_factory=list)
    allow: list[str] = field(default_factory=list)
    _compiled: list[tuple[Term, re.Pattern[str]]] | None = None

    def compiled(self) -> list[tuple[Term, re.Pattern[str]]]:
        if self._compiled is None:
            self._compiled = [(t, _pattern(t.term, t.word)) for t in self.terms]
        return self._compiled

    def allowed_phrases(self) -> list[str]:
        phrases = list(self.allow)
        for t in self.terms:
            phrases.extend(t.except_in)
        return phrases


def _pattern(term: str, word: bool) -> re.Pattern[str]:
    body = re.escape(term)
    if word or term[:1].isascii() and term[:1].isalpha():
        body = r"(?<![A-Za-z0-9])" + body
    elif term[:1].isdigit():
        body = r"(?<![0-9.])" + body
    if word or term[-1:].isascii() and term[-1:].isalnum():
        body += r"(?![A-Za-z0-9])"
    return re.compile(body, re.IGNORECASE)


def _clause_label(clauses: dict[str, str], key: str) -> str:
    text = clauses.get(key, key)
    return text.split("：")[0]


def _terms_from(
    data: Any, source: str, clauses: dict[str, str], exceptions: dict[str, str]
) -> list[Term]:
    if not isinstance(data, list):
        raise UserError(f"{source}: terms must be a list")
    terms = []
    for i, item in enumerate(data, 1):
        if isinstance(item, str):
            item = {"term": item}
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("term"), str)
            or not item["term"].strip()
        ):
            raise UserError(f'{source}: term #{i} needs a non-empty "term"')
        except_in = item.get("except_in", [])
        if not isinstance(except_in, list) or not all(isinstance(x, str) for x in except_in):
            raise UserError(
                f"{source}: term #{i} ({item['term']}): except_in must be a list of text"
            )
        clause_key = str(item.get("clause", "user"))
        label = (
            _clause_label(clauses, clause_key)
            if clause_key != "user"
            else f"{USER_TERMS_FILE} (this show's list)"
        )
        terms.append(
            Term(
                term=item["term"].strip(),
                clause=label,
                note=str(item.get("note", "")),
                exceptions=tuple(exceptions.get(k, k) for k in item.get("exceptions", [])),
                except_in=tuple(except_in),
                word=item.get("match") == "word",
                basis=str(item.get("basis", "user")),
            )
        )
    return terms


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path} is missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise UserError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}): fix the file"
        ) from None


def load_terms(path: str | Path | None = None, user_file: str | Path | None = None) -> TermList:
    """The built-in list (or ``path``), extended by a user file when it exists."""
    builtin = not path
    path = Path(path) if path else builtin_terms_path()
    data = read_json("compliance", "ad_law_terms.json") if builtin else _read(path)
    try:
        if not isinstance(data, dict):
            raise UserError(f"{path}: expected an object with terms")
        clauses = data.get("clauses", {})
        exceptions = data.get("exceptions", {})
        terms = _terms_from(data.get("terms"), str(path), clauses, exceptions)
    except (UserError, AttributeError, TypeError, ValueError) as exc:
        if not builtin:
            raise
        raise DataFileError(
            f"the console's data file {path} is corrupted ({exc}): reinstall the console"
        ) from None
    allow: list[str] = []
    if user_file is not None and Path(user_file).is_file():
        user = _read(Path(user_file))
        if not isinstance(user, dict):
            raise UserError(f"{user_file}: expected an object with terms / allow / disable")
        unknown = sorted(set(user) - {"terms", "allow", "disable"})
        if unknown:
            raise UserError(
                f"{user_file}: unknown field {unknown[0]!r} (use terms, allow, disable)"
            )
        for name in ("allow", "disable"):
            value = user.get(name, [])
            if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
                raise UserError(f"{user_file}: {name} must be a list of text")
        disabled = set(user.get("disable", []))
        added = _terms_from(user.get("terms", []), str(user_file), clauses, exceptions)
        replaced = {t.term for t in added}
        terms = [t for t in terms if t.term not in disabled and t.term not in replaced] + added
        allow = [a for a in user.get("allow", []) if a.strip()]
    return TermList(terms, allow)


def _covered(text: str, span: tuple[int, int], phrases: Iterable[str]) -> bool:
    low = text.lower()
    for phrase in phrases:
        p = phrase.lower()
        start = low.find(p)
        while start != -1:
            if start <= span[0] and span[1] <= start + len(p):
                return True
            start = low.find(p, start + 1)
    return False


def check_text(text: str, terms: TermList, location: str = "") -> list[Finding]:
    """Every absolute term in ``text`` (longest match wins where terms overlap)."""
    if not text:
        return []
    allowed = terms.allowed_phrases()
    found: list[Finding] = []
    for term, pattern in terms.compiled():
        for m in pattern.finditer(text):
            span = m.span()
            if _covered(text, span, allowed):
                continue
            found.append(
                Finding(location, text, term.term, span, term.clause, term.note, term.exceptions)
            )
    # drop a match inside a longer one (最 inside 最高级, 最 inside 全网最低)
    kept = [
        f
        for f in found
        if not any(
            g is not f
            and g.span[0] <= f.span[0]
            and f.span[1] <= g.span[1]
            and (g.span[1] - g.span[0]) > (f.span[1] - f.span[0])
            for g in found
        )
    ]
    kept.sort(key=lambda f: (f.span[0], -f.span[1]))
    unique: list[Finding] = []
    for f in kept:
        if not any(u.span == f.span for u in unique):
            unique.append(f)
    return unique


def show_texts(folder: Any) -> list[tuple[str, str]]:
    """(location, text) for everything the host says or shows from a show folder."""
    texts: list[tuple[str, str]] = [("show title", folder.meta.title)]
    catalog = folder.load_catalog()
    for p in catalog:
        texts.append((f"catalog {p.id} title", p.title))
        for i, point in enumerate(p.selling_points, 1):
            texts.append((f"catalog {p.id} selling point {i}", point))
    promotions = folder.load_promotions()
    for t in promotions:
        texts.append((f"promotion {t.id} title", t.title))
        for name in ("title", "prize", "claim_rules", "question"):
            value = t.fields.get(name)
            if isinstance(value, str) and value != t.title:
                texts.append((f"promotion {t.id} {name.replace('_', ' ')}", value))
        for i, option in enumerate(t.fields.get("options") or [], 1):
            if isinstance(option, str):
                texts.append((f"promotion {t.id} option {i}", option))
    rundown = folder.load_rundown(promotions, {p.id for p in catalog})
    for segment in rundown:
        texts.append((f"rundown {segment.id} title", segment.title))
        for i, point in enumerate(segment.talking_points, 1):
            texts.append((f"rundown {segment.id} talking point {i}", point))
    return texts


def check_show(show_folder: str | Path | Any, terms: TermList | None = None) -> list[Finding]:
    """Findings over a show folder's material; a broken folder is a ``UserError``."""
    from console.show.folder import ShowFolder

    folder = show_folder if isinstance(show_folder, ShowFolder) else ShowFolder.open(show_folder)
    if terms is None:
        terms = load_terms(user_file=folder.path / USER_TERMS_FILE)
    findings: list[Finding] = []
    for location, text in show_texts(folder):
        findings.extend(check_text(text, terms, location))
    return findings


def format_findings(findings: list[Finding], title: str = "") -> str:
    """Human-readable warnings (the CLI and the assistant panel's log)."""
    if not findings:
        return f"{title + ': ' if title else ''}no absolute terms found"
    head = (
        f"{title + ': ' if title else ''}{len(findings)} phrase(s) to review "
        "(warnings: the host decides in context)"
    )
    lines = [head]
    for f in findings:
        lines.append(f"{f.location}: {f.highlighted}")
        detail = f"  {f.phrase} — {f.clause}"
        if f.note:
            detail += f"; {f.note}"
        lines.append(detail)
        for exception in f.exceptions:
            lines.append(f"    例外 exception: {exception}")
    return "\n".join(lines)
