"""``govstd new-plugin --from WORKBOOK`` and ``govstd import items`` into a plugin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
from click.testing import CliRunner

import govservice_std as gs
from govservice_std.checks import check_locality
from govservice_std.cli import cli
from tests.spreadsheets import county_workbook

DATA = Path("src/govservice_locality_441323/data/441323")


def _python(
    *args: str, env: dict[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, cwd=cwd, check=False
    )


def _plugin(data: Path) -> object:
    class Plugin:
        __name__ = "locality_441323"

        @gs.hookimpl
        def govservice_localities(self) -> list[gs.Locality]:
            return [
                gs.Locality(
                    code="441323", name="惠东县", level="county", parent="441300", data=data
                )
            ]

    return Plugin()


def test_new_plugin_from_a_workbook_is_prefilled_and_checks_clean(tmp_path: Path) -> None:
    book = county_workbook(tmp_path / "惠东县.xlsx")
    project = tmp_path / "huidong"
    result = CliRunner().invoke(
        cli,
        ["new-plugin", "--code", "441323", "--name", "惠东县", "--from", str(book), str(project)],
    )
    assert result.exit_code == 0, result.output
    data = project / DATA
    assert (data / "forms" / "senior-allowance.toml").exists()
    registry = gs.load_registry(plugins=[_plugin(data)])
    assert check_locality("441323", registry=registry) == ()
    catalog = registry.resolve("441323").catalog
    assert catalog.get("441323-MZ-001").form == "senior-allowance"
    assert catalog.get("441323-MZ-001").promised_limit_days == 10
    halls = {h.code: h for h in registry.halls("441323")}
    assert [w.code for w in halls["441323"].windows] == ["A01", "A02", "G01"]
    assert halls["441323100"].parent == "441323"


def test_the_generated_plugin_installs_and_passes_its_own_tests(tmp_path: Path) -> None:
    book = county_workbook(tmp_path / "惠东县.xlsx")
    project = tmp_path / "huidong"
    result = CliRunner().invoke(
        cli,
        ["new-plugin", "--code", "441323", "--name", "惠东县", "--from", str(book), str(project)],
    )
    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    install = _python(
        "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--target",
        str(site), str(project), env=dict(os.environ),
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    env = {**os.environ, "PYTHONPATH": str(site)}
    checked = _python("-m", "govservice_std", "check", "441323", env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    catalog = _python("-m", "govservice_std", "catalog", "441323", "--json", env=env)
    codes = {row["code"] for row in json.loads(catalog.stdout)}
    assert {"441323-MZ-001", "441323-MZ-002"} <= codes
    tests = _python("-m", "pytest", "-q", "-p", "no:cacheprovider", env=env, cwd=project)
    assert tests.returncode == 0, tests.stdout + tests.stderr


def test_import_items_into_a_plugin_passes_check(tmp_path: Path) -> None:
    project = tmp_path / "huidong"
    assert (
        CliRunner()
        .invoke(cli, ["new-plugin", "--code", "441323", "--name", "惠东县", str(project)])
        .exit_code
        == 0
    )
    book = county_workbook(tmp_path / "惠东县.xlsx")
    # The scaffold ships its own example form: point the items at it.
    loaded = openpyxl.load_workbook(book)
    loaded["事项清单"]["L3"] = "example-allowance"
    loaded.save(book)
    data = project / DATA
    result = CliRunner().invoke(
        cli, ["import", "items", str(book), "--locality", "441323", "--out", str(data)]
    )
    assert result.exit_code == 0, result.output
    registry = gs.load_registry(plugins=[_plugin(data)])
    assert check_locality("441323", registry=registry) == ()
    assert len(registry.resolve("441323").catalog.filter(department="民政局")) == 2


def test_a_bad_workbook_writes_no_plugin(tmp_path: Path) -> None:
    book = county_workbook(tmp_path / "惠东县.xlsx")
    loaded = openpyxl.load_workbook(book)
    loaded["窗口"]["C3"] = "某窗口"
    loaded["事项清单"]["I4"] = "很快"
    loaded["survey"]["G2"] = "regex(., '1')"
    loaded.save(book)
    project = tmp_path / "huidong"
    result = CliRunner().invoke(
        cli,
        ["--lang", "en", "new-plugin", "--code", "441323", "--name", "惠东县", "--from",
         str(book), str(project)],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "sheet '窗口' row 3 column C" in result.output
    assert "sheet '事项清单' row 4 column I" in result.output
    assert "sheet 'survey' row 2 column G" in result.output
    assert not project.exists()
