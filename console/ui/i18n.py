"""Languages: Qt translation files (.qm) in resources/translations, switchable at runtime.

Widgets set their texts in ``retranslate_ui()`` and call it on ``QEvent.LanguageChange``.
The UI font is a CJK-capable family when one is installed (or bundled in resources/fonts),
so Chinese never renders as tofu boxes.
"""

from __future__ import annotations

import logging

from console.qt.QtCore import QCoreApplication, QLocale, QTranslator
from console.qt.QtGui import QFont, QFontDatabase, QGuiApplication
from console.resources import data_dir

log = logging.getLogger(__name__)


#: language code → the name shown in the language menu (in that language).
LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}

#: Families tried in order for the UI; the first installed one covering CJK wins.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "PingFang SC",
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
)
CJK_SAMPLE = "直播带货讲解中秒杀"


def system_language() -> str:
    name = QLocale.system().name()  # e.g. zh_CN, zh_TW, en_US
    return "zh_CN" if name.startswith("zh") else "en"


def load_bundled_fonts() -> list[str]:
    """The fonts the console carries (resources/fonts), registered with Qt once."""
    from console.media.qt import register_bundled_fonts

    return register_bundled_fonts()


def cjk_family() -> str | None:
    """The first installed family that writes Simplified Chinese: a full system font first,
    then the subset the console carries (resources/fonts)."""
    bundled = load_bundled_fonts()
    installed = set(QFontDatabase.families())
    for family in CJK_FAMILIES:
        if family in installed and QFontDatabase.writingSystems(family).count(
            QFontDatabase.WritingSystem.SimplifiedChinese
        ):
            return family
    if bundled:
        # ours covers the UI and GB2312 level 1; fontconfig, which wants all of GB2312 before it
        # says "zh-cn", would not call it Chinese
        return bundled[0]
    for family in sorted(installed - set(bundled)):  # anything that writes Simplified Chinese
        if QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family):
            return family
    return None


def ui_font(point_size: float = 10.0) -> QFont:
    """The application font: Latin from the platform, CJK from a family that has it."""
    font = QFont(QGuiApplication.font())
    family = cjk_family()
    if family is not None:
        # Qt tries the families in order per character: Latin stays the platform's sans.
        fallback = [f for f in load_bundled_fonts() if f != family]
        font.setFamilies([family, *font.families(), *fallback])
    else:
        log.warning(
            "no CJK font installed: Chinese text may show as boxes (install fonts-noto-cjk)"
        )
    font.setPointSizeF(point_size)
    return font


class LanguageManager:
    """Installs the translator for a language and swaps it at runtime."""

    def __init__(self) -> None:
        self._translator: QTranslator | None = None
        self.language = "en"

    def set_language(self, language: str) -> bool:
        """Switch to ``language`` ("" follows the system); every widget gets LanguageChange."""
        language = language or system_language()
        if language not in LANGUAGES:
            language = "en"
        app = QCoreApplication.instance()
        if self._translator is not None:
            app.removeTranslator(self._translator)
            self._translator = None
        ok = True
        if language != "en":
            tr = QTranslator(app)
            ok = tr.load(str(data_dir() / "translations" / f"console_{language}.qm"))
            if ok:
                app.installTranslator(tr)
                self._translator = tr
            else:
                log.warning("no translation file for %s", language)
        self.language = language
        return ok
