"""Write one section of docs/benchmarks.md without touching the others."""

from __future__ import annotations

from pathlib import Path

PREAMBLE = """# Benchmarks

Measured, not asserted: these numbers come from the command below on the machine named,
never from the test suite.
"""


def replace_section(path: str | Path, heading: str, body: str) -> None:
    """Replace the ``## heading`` section of ``path`` with ``body`` (which starts with it)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else PREAMBLE
    marker = f"## {heading}"
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == marker), None)
    if start is None:
        text = text.rstrip("\n") + "\n\n" + body.strip("\n") + "\n"
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        text = "".join(lines[:start]) + body.strip("\n") + "\n\n" + "".join(lines[end:])
        text = text.rstrip("\n") + "\n"
    path.write_text(text, encoding="utf-8")
