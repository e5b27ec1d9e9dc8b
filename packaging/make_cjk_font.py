"""Makes the CJK font the console carries: a subset of Noto Sans CJK SC (SIL OFL 1.1).

    .venv/bin/pip install fonttools   # build-time only, not a runtime dependency
    .venv/bin/python packaging/make_cjk_font.py [/path/to/NotoSansCJK-Regular.ttc]

Keeps every CJK character used in console/ and resources/ (UI strings, translations, demo show,
compliance terms, presets), the 3,755 GB2312 level-1 hanzi (hosts' own product titles), CJK and
full-width punctuation and ASCII, and renames the family "Live Console CJK" (a Modified Version
under the OFL keeps no Reserved Font Name). Writes resources/fonts/LiveConsoleCJK-Regular.otf and
resources/fonts/OFL.txt. The outputs are committed; run this only to change the character set.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "fonts" / "LiveConsoleCJK-Regular.otf"
FAMILY = "Live Console CJK"
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SOURCE_FAMILY = "Noto Sans CJK SC"
DEBIAN_COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")

#: ranges kept whole: CJK symbols and punctuation, full-width forms, general punctuation
RANGES = ((0x3000, 0x303F), (0xFF00, 0xFFEF), (0x2000, 0x206F), (0x20, 0x7E), (0xB7, 0xB7))


def is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x2E80 <= cp <= 0x9FFF  # radicals, kana, CJK unified (incl. ext. A)
        or 0xF900 <= cp <= 0xFAFF  # compatibility ideographs
        or 0xFE30 <= cp <= 0xFE4F  # compatibility forms
        or 0xFF00 <= cp <= 0xFFEF  # half/full-width forms
        or 0x20000 <= cp <= 0x2FA1F  # ext. B+
    )


def gb2312_level1() -> set[str]:
    """Rows 16-55 of GB2312: 3,755 hanzi (row 55 ends at 0xD7F9)."""
    codes = [bytes([hi, lo]) for hi in range(0xB0, 0xD8) for lo in range(0xA1, 0xFF)]
    chars = {c.decode("gb2312") for c in codes if c < b"\xd7\xfa"}
    assert len(chars) == 3755, len(chars)
    return chars


def used_characters() -> set[str]:
    chars: set[str] = set()
    for folder, patterns in (
        (ROOT / "console", ("*.py",)),
        (ROOT / "resources", ("*.json", "*.ts")),
    ):
        for pattern in patterns:
            for path in folder.rglob(pattern):
                chars |= {c for c in path.read_text(encoding="utf-8") if is_cjk(c)}
    return chars


def characters() -> str:
    chars = used_characters() | gb2312_level1()
    for lo, hi in RANGES:
        chars |= {chr(c) for c in range(lo, hi + 1)}
    return "".join(sorted(chars))


def main() -> int:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    collection = TTCollection(str(source))
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == SOURCE_FAMILY)
    copyright_line = font["name"].getDebugName(0)
    options = subset.Options()
    options.layout_features = ["*"]  # vertical forms, locl, proportional punctuation
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    # keep the GB2312 code-page bit: Qt reads it as "writes Simplified Chinese"
    options.prune_codepage_ranges = False
    text = characters()
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 6, 16, 17, 21, 22):
            names.removeNames(nameID=record.nameID)
    names.setName(FAMILY, 1, 3, 1, 0x409)
    names.setName("Regular", 2, 3, 1, 0x409)
    names.setName(f"{FAMILY} Regular (subset of {SOURCE_FAMILY})", 3, 3, 1, 0x409)
    names.setName(f"{FAMILY} Regular", 4, 3, 1, 0x409)
    names.setName("LiveConsoleCJK-Regular", 6, 3, 1, 0x409)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = ["LiveConsoleCJK-Regular"]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(OUT))
    write_licence(copyright_line)
    print(f"{OUT}: {len(text)} characters, {OUT.stat().st_size / 1e6:.2f} MB")
    return 0


def write_licence(copyright_line: str) -> None:
    lines = DEBIAN_COPYRIGHT.read_text(encoding="utf-8").splitlines()
    # the licence text itself (the other "License: SIL-1.1" lines only name it)
    start = next(
        i
        for i, line in enumerate(lines)
        if line.startswith("License: SIL-1.1") and not lines[i - 1].startswith("Copyright")
    )
    body = []
    for line in lines[start + 1 :]:
        if line and not line.startswith(" "):
            break
        body.append("" if line.strip() == "." else line[1:])
    header = (
        f"{copyright_line}\n"
        "Upstream: Copyright 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name\n"
        "'Source'; this subset does not use that name.\n"
        f"{FAMILY} is a subset of {SOURCE_FAMILY} (https://github.com/googlefonts/noto-cjk),\n"
        "renamed as the licence asks of a Modified Version; made by packaging/make_cjk_font.py.\n"
        "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n\n"
    )
    (OUT.parent / "OFL.txt").write_text(header + "\n".join(body).strip() + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
