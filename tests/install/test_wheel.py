"""The wheel carries its data and finds it from anywhere (issue 11: data travels with the code)."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.install.conftest import CHECKOUT, Install

DATA_FILES = [
    "demo_show/show.json",
    "demo_show/catalog.json",
    "demo_show/images/tea-set.png",
    "platforms/presets.json",
    "compliance/ad_law_terms.json",
    "translations/console_zh_CN.qm",
    "fonts/LiveConsoleCJK-Regular.otf",
    "fonts/OFL.txt",
    "icons/live-console-256.png",
]


def project_version() -> str:
    return tomllib.loads((CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]


def test_version_flag(installed: Install) -> None:
    result = installed.run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"live-console {project_version()}"


def test_the_installed_code_runs_not_the_checkout(installed: Install) -> None:
    package = installed.package
    assert installed.venv in package.parents
    assert CHECKOUT not in package.parents
    out = installed.run_python("import sys; print('\\n'.join(sys.path))").stdout.splitlines()
    assert str(CHECKOUT) not in out


def test_data_files_are_in_the_install(installed: Install) -> None:
    code = (
        "from console import resources as r; import json; "
        "print(json.dumps([str(r.data_dir()), str(r.plugins_dir())]))"
    )
    data, plugins = map(Path, json.loads(installed.run_python(code).stdout))
    assert data == installed.package / "_data"
    assert plugins == installed.package / "_plugins"
    for name in DATA_FILES:
        assert (data / name).read_bytes() == (CHECKOUT / "resources" / name).read_bytes(), name
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    shipped = {
        f"console/_data/{p.relative_to(CHECKOUT / 'resources').as_posix()}"
        for p in (CHECKOUT / "resources").rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and p.name != "update.py"
        and p.suffix != ".ts"
    }
    shipped |= {
        f"console/_plugins/{p.relative_to(CHECKOUT / 'plugins').as_posix()}"
        for p in (CHECKOUT / "plugins").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    # a new kind of data file or deeper plugin code needs its glob in pyproject's package-data
    assert shipped <= names, sorted(shipped - names)


def test_builtin_plugins_come_from_entry_points_and_manifests(installed: Install) -> None:
    code = (
        "import json, importlib.metadata as md; "
        "from console.audience.plugins import PluginHost; "
        "h = PluginHost(lambda e: True); h.discover(); "
        "eps = {e.name: e.value for e in md.entry_points(group='live_console.audience')}; "
        "print(json.dumps({'eps': eps, 'problems': h.problems, "
        "'plugins': {s.name: s.origin for s in h.statuses()}, "
        "'rehearsal': {n: h._get(n).manifest.requires_rehearsal for n in eps}}))"
    )
    out = json.loads(installed.run_python(code).stdout)
    builtin = {
        "simulated_audience": "console.audience.simulated:create",
        "local_ingest": "console.audience.ingest:create",
        "replay": "console.audience.replay:create",
    }
    assert builtin.items() <= out["eps"].items()
    assert out["problems"] == []
    assert {*builtin, "example_source"} <= set(out["plugins"])
    assert all(str(installed.package) in out["plugins"][name] for name in builtin)
    rehearsal = {name: out["rehearsal"][name] for name in builtin}
    assert rehearsal == {"simulated_audience": True, "replay": True, "local_ingest": False}


def test_translations_load_from_the_install(installed: Install) -> None:
    code = (
        "from console.qt.QtWidgets import QApplication; app = QApplication([]); "
        "from console.ui.i18n import LanguageManager; m = LanguageManager(); "
        "print(m.set_language('zh_CN'), app.translate('MainWindow', '&Help'))"
    )
    out = installed.run_python(code).stdout.split()
    assert out[0] == "True"


def test_presets_and_compliance_terms_load(installed: Install) -> None:
    code = (
        "from console.platforms.presets import load_presets; "
        "from console.audience.compliance import load_terms; "
        "print(len(load_presets()), len(load_terms().terms))"
    )
    presets, terms = map(int, installed.run_python(code).stdout.split())
    assert presets == len(
        json.loads((CHECKOUT / "resources/platforms/presets.json").read_text())["presets"]
    )
    assert terms > 10


def test_sdist_builds_the_same_wheel(tmp_path: Path) -> None:
    """An sdist carries resources/ and plugins/, and the wheel built from it has the same files."""
    subprocess.run(
        [
            sys.executable,
            "-c",
            f"from setuptools import build_meta; build_meta.build_sdist({str(tmp_path)!r})",
        ],
        cwd=CHECKOUT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (sdist,) = tmp_path.glob("live[-_]console-*.tar.gz")
    with tarfile.open(sdist) as tar:
        members = {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name}
    assert "resources/demo_show/show.json" in members
    assert "plugins/simulated_audience/plugin.toml" in members
    assert "setup.py" in members
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(sdist)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = wheels.glob("*.whl")
    direct = tmp_path / "direct"  # built now too: the shared work tree may have changed since
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(direct), str(CHECKOUT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (direct_wheel,) = direct.glob("*.whl")

    def data(path: Path) -> list[str]:
        with zipfile.ZipFile(path) as z:
            return sorted(
                n for n in z.namelist() if n.startswith(("console/_data/", "console/_plugins/"))
            )

    assert data(wheel) == data(direct_wheel)
    assert "console/_data/fonts/LiveConsoleCJK-Regular.otf" in data(wheel)


@pytest.mark.parametrize("name", ["resources", "plugins"])
def test_checkout_keeps_the_top_level_layout(name: str) -> None:
    assert (CHECKOUT / name / "__init__.py").is_file()
    assert not (CHECKOUT / "console" / "_data").exists()


def test_version_in_crash_report_and_about_box(installed: Install) -> None:
    code = (
        "import sys\n"
        "from console.runtime import write_crash_report\n"
        "try:\n    1 / 0\nexcept ZeroDivisionError:\n    path = write_crash_report()\n"
        "print(path.read_text(encoding='utf-8').splitlines()[0])\n"
        "from console.app import build_app, build_window\n"
        "app = build_app([])\n"
        "window = build_window(app, None)\n"
        "box = window.show_about()\n"
        "print(box.text(), '|', box.informativeText(), '|', window.windowIcon().isNull())\n"
        "box.close()\n"
        "from console.qt.QtCore import QTimer\n"  # close as the app does: pipeline and threads first
        "window.show(); QTimer.singleShot(0, window.close); app.exec()\n"
    )
    first, about = installed.run_python(code, timeout=180).stdout.splitlines()[-2:]
    version = project_version()
    assert first.startswith(f"live-console {version} · Python ")
    assert f"Live Console {version}" in about
    assert f"live-console {version}" in about
    assert about.endswith("| False")  # the application icon is set


def test_a_hosts_own_plugin_folder_is_found(installed: Install, tmp_path: Path) -> None:
    """An installed console's plugins/ is inside site-packages: hosts drop theirs in the user
    data folder instead."""
    data_home = tmp_path / "data"
    mine = data_home / "live-console" / "plugins" / "my_bridge"
    mine.mkdir(parents=True)
    example = installed.package / "_plugins" / "example_source"
    (mine / "source.py").write_bytes((example / "source.py").read_bytes())
    manifest = (example / "plugin.toml").read_text(encoding="utf-8")
    (mine / "plugin.toml").write_text(
        manifest.replace('name = "example_source"', 'name = "my_bridge"'), encoding="utf-8"
    )
    code = (
        "from console.audience.plugins import PluginHost; h = PluginHost(lambda e: True); "
        "print({s.name: s.origin for s in h.discover()}['my_bridge'])"
    )
    out = installed.run_python(code, env={"XDG_DATA_HOME": str(data_home)})
    assert out.stdout.strip() == str(mine / "plugin.toml")
