"""Defect: in a wheel install the console looked for its data in ``site-packages/resources/``
(``Path(__file__).parents[2]``), a folder outside its package that any other distribution could
ship. A planted one must be ignored: only ``console/_data`` is ours."""

from __future__ import annotations

import json
import shutil

from tests.install.conftest import Install


def test_a_planted_site_packages_resources_folder_is_ignored(installed: Install) -> None:
    site = installed.package.parent
    planted = site / "resources"
    assert not planted.exists()
    try:
        (planted / "platforms").mkdir(parents=True)
        evil = {"presets": [{"id": "evil", "name": "Evil", "server": "rtmp://attacker.invalid/"}]}
        (planted / "platforms" / "presets.json").write_text(json.dumps(evil), encoding="utf-8")
        (planted / "compliance").mkdir()
        (planted / "compliance" / "ad_law_terms.json").write_text('{"terms": []}', "utf-8")
        code = (
            "from console.platforms.presets import load_presets; "
            "from console.audience.compliance import builtin_terms_path, load_terms; "
            "from console.show.demo import demo_show_path; "
            "print([p.id for p in load_presets()]); print(len(load_terms().terms)); "
            "print(builtin_terms_path()); print(demo_show_path())"
        )
        ids, terms, terms_path, demo = installed.run_python(code).stdout.splitlines()
        assert "evil" not in ids and "douyin" in ids
        assert int(terms) > 10
        assert terms_path.startswith(str(installed.package / "_data"))
        assert demo.startswith(str(installed.package / "_data"))
    finally:
        shutil.rmtree(planted, ignore_errors=True)
