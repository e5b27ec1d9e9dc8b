"""Refresh the translations: lupdate the sources, fill new zh_CN messages from zh_CN.json, lrelease.

Run from the repository root: ``python resources/translations/update.py``. Translators may
also edit console_zh_CN.ts with Qt Linguist; entries finished there are kept as they are.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def tool(name: str) -> str:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else (shutil.which(name) or name)


def main() -> int:
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "console" / "ui").glob("*.py"))
    ts = HERE / "console_zh_CN.ts"
    subprocess.run(
        [tool("pyside6-lupdate"), *sources, "-no-obsolete", "-ts", str(ts)], cwd=ROOT, check=True
    )
    glossary = json.loads((HERE / "zh_CN.json").read_text(encoding="utf-8"))
    tree = ET.parse(ts)
    missing = []
    for message in tree.getroot().iter("message"):
        source = message.findtext("source") or ""
        tr = message.find("translation")
        if tr is None or (tr.text and tr.get("type") != "unfinished"):
            continue
        if source in glossary:
            tr.text = glossary[source]
            tr.attrib.pop("type", None)
        else:
            missing.append(source)
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    subprocess.run(
        [tool("pyside6-lrelease"), str(ts), "-qm", str(HERE / "console_zh_CN.qm")], check=True
    )
    for source in missing:
        print(f"untranslated: {source}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
