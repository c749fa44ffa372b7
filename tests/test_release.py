"""Release hygiene: one version for the library, every plugin built, installed and tested."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import govservice_std as gs

ROOT = Path(__file__).resolve().parents[1]
PLUGIN_DIRS = sorted(p.parent for p in ROOT.glob("plugins/*/pyproject.toml"))


def _toml(path: Path) -> dict[str, object]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_the_library_version_lives_in_one_place() -> None:
    project = _toml(ROOT / "pyproject.toml")
    assert project["project"]["dynamic"] == ["version"]  # type: ignore[index]
    assert "version" not in project["project"]  # type: ignore[operator]
    hatch = project["tool"]["hatch"]["version"]  # type: ignore[index]
    assert hatch["path"] == "src/govservice_std/_version.py"
    assert version("govservice-std") == gs.__version__


def test_every_plugin_is_built_installed_and_tested_in_ci() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    listed = re.search(r"^PLUGINS := (.*)$", makefile, flags=re.M)
    assert listed
    testpaths = _toml(ROOT / "pyproject.toml")["tool"]["pytest"]["ini_options"]["testpaths"]  # type: ignore[index]
    assert PLUGIN_DIRS
    for plugin in PLUGIN_DIRS:
        relative = plugin.relative_to(ROOT).as_posix()
        assert relative in listed.group(1).split(), f"{relative} not in the Makefile's PLUGINS"
        assert f"{relative}/tests" in testpaths, f"{relative}/tests not in pytest testpaths"
        project = _toml(plugin / "pyproject.toml")["project"]
        # A plugin's version is its own, declared in its pyproject.
        assert re.fullmatch(r"\d+\.\d+\.\d+", project["version"])  # type: ignore[index]
        entry_points = project["entry-points"]["govservice_std.localities"]  # type: ignore[index]
        assert entry_points
        assert version(project["name"]) == project["version"]  # type: ignore[index]


def test_the_changelog_has_an_unreleased_section() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(r"^## \[Unreleased\]$", text, flags=re.M)
    assert "### Added" in text
