"""One door into the journal: only the ShowController writes it (issue 12, item 2).

Every operator action is a command through ``ShowController.execute`` (journaled with its
actor); the audience hub writes through ``ShowController.record_audience``. A module that calls
``.append(`` / ``.append_many(`` on something called a journal goes around the controller:
the dashboard never sees it and a restart may forget it.
"""

from __future__ import annotations

import ast
from pathlib import Path

CONSOLE = Path(__file__).resolve().parents[2] / "console"
ALLOWED = {"console/show/controller.py", "console/show/journal.py"}


def _receiver(node: ast.expr) -> str:
    """``controller.journal`` for ``controller.journal.append``: the dotted receiver text."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call):
        parts.append(_receiver(node.func) + "()")
    return ".".join(reversed(parts))


def journal_writes(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("append", "append_many")
        ):
            receiver = _receiver(node.func.value)
            if "journal" in receiver.lower():
                found.append((node.lineno, f"{receiver}.{node.func.attr}("))
    return found


def test_the_finder_finds_the_ways_round_the_controller():
    code = (
        "controller.journal.append('x', {}, actor='a')\n"
        "self._journal.append_many(rows)\n"
        "journal.append('y', {})\n"
        "folder.open_journal().append('z', {})\n"
        "lines.append('not a journal')\n"
    )
    assert [line for line, _ in journal_writes(code)] == [1, 2, 3, 4]


def test_only_the_controller_writes_the_journal():
    bad = []
    for path in sorted(CONSOLE.rglob("*.py")):
        rel = path.relative_to(CONSOLE.parent).as_posix()
        if rel in ALLOWED:
            continue
        for line, call in journal_writes(path.read_text(encoding="utf-8")):
            bad.append(f"{rel}:{line}: {call}")
    assert not bad, "write through ShowController commands instead:\n" + "\n".join(bad)
