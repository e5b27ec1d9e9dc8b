"""The core stays free of the GUI: a lint contract over the package's imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CONSOLE = Path(__file__).resolve().parents[2] / "console"

# package → module prefixes it must never import
FORBIDDEN = {
    "show": ("PySide6", "console.ui", "console.media", "console.overlays"),
    "audience": ("PySide6", "console.ui", "console.media"),
    "analytics": ("PySide6", "console.ui", "console.media"),
    "server": ("PySide6", "console.ui", "console.media"),
    "control": ("PySide6", "console.ui", "console.media"),
    "connectors": ("PySide6", "console.ui", "console.media", "console.overlays"),
    # the live core: no Qt even indirectly (the media engine is injected; outputs are Qt-free)
    "live": (
        "PySide6",
        "console.ui",
        "console.overlays",
        "console.media.pipeline",
        "console.media.compositor",
        "console.media.live_engine",
        "console.media.qt",
        "console.app",
    ),
    "clips": ("PySide6", "console.ui", "console.media", "console.overlays"),  # clips: no Qt
    "media": ("PySide6.QtWidgets", "console.ui"),
    "overlays": ("PySide6.QtWidgets", "console.ui"),
}


def imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_keeps_its_layer(package: str) -> None:
    bad = []
    for path in sorted((CONSOLE / package).rglob("*.py")):
        for name in imports(path):
            if any(name == p or name.startswith(p + ".") for p in FORBIDDEN[package]):
                bad.append(f"{path.relative_to(CONSOLE.parent)} imports {name}")
    assert not bad, bad
