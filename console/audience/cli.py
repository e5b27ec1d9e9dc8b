"""Headless audience commands: ``check`` (advertising-law absolute terms in a show's material).

``console/cli.py`` calls :func:`register` with its sub-parsers and its name → function table,
like ``console.show.cli.register``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def register(subparsers: Any, commands: dict[str, Callable[[argparse.Namespace], int]]) -> None:
    c = subparsers.add_parser(
        "check",
        help="warn about absolute terms (广告法 第九条: 最, 第一, 国家级, …) in a show's titles, "
        "selling points, promotions and talking points",
    )
    c.add_argument("show", metavar="SHOW", help="show folder")
    c.add_argument(
        "--terms",
        metavar="FILE",
        help="use this term list instead of the built-in one (the show's compliance_terms.json "
        "still extends it)",
    )
    commands["check"] = cmd_check


def cmd_check(args: argparse.Namespace) -> int:
    """Prints the warnings; exit 0 whatever was found (warn, don't block), 2 for bad input."""
    from console.audience.compliance import USER_TERMS_FILE, check_show, format_findings, load_terms
    from console.show.folder import ShowFolder

    folder = ShowFolder.open(args.show)  # UserError (exit 2) for a missing or broken folder
    terms = load_terms(args.terms, user_file=folder.path / USER_TERMS_FILE)
    findings = check_show(folder, terms)
    print(format_findings(findings, folder.meta.title))
    return 0
