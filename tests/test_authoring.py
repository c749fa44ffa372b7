"""Plugin authoring: the scaffold, the contract suite and ``govstd check``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import govservice_std as gs
from govservice_std.checks import KNOWN_DATA_FILES, check_locality
from govservice_std.cli import cli
from govservice_std.errors import ScaffoldError
from govservice_std.evaluation import CriterionResult
from govservice_std.scaffold import plan_plugin, write_plugin


def _python(
    *args: str, env: dict[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, cwd=cwd, check=False
    )


def test_scaffolded_plugin_installs_lists_and_passes_its_own_tests(tmp_path: Path) -> None:
    project = tmp_path / "huidong"
    result = CliRunner().invoke(
        cli, ["new-plugin", "--code", "441323", "--name", "惠东县", str(project)]
    )
    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    install = _python(
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--target",
        str(site),
        str(project),
        env=dict(os.environ),
    )
    assert install.returncode == 0, install.stderr
    env = {**os.environ, "PYTHONPATH": str(site)}
    listed = _python("-m", "govservice_std", "localities", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    rows = {row["code"]: row for row in json.loads(listed.stdout)}
    assert rows["441323"]["parent"] == "441300"
    assert rows["441323"]["plugin"] == "locality_441323"
    assert rows["441323"]["distribution"] == "govservice-std-locality-441323"
    checked = _python("-m", "govservice_std", "check", "441323", env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    standard = _python("-m", "govservice_std", "standard", "441323", "--json", env=env)
    assert standard.returncode == 0, standard.stderr
    criteria = {c["id"]: c for c in json.loads(standard.stdout)["criteria"]}
    assert criteria["X441323-01"]["layer"] == "441323"
    assert "441323" in criteria["QS-02"]["changed_by"]
    tests = _python("-m", "pytest", "-q", "-p", "no:cacheprovider", env=env, cwd=project)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    from govservice_std.checks import CHECKS

    assert f"{2 + len(CHECKS)} passed" in tests.stdout


def test_scaffold_writes_every_illustrative_data_file(tmp_path: Path) -> None:
    written = write_plugin(plan_plugin(code="441323", name="惠东县"), tmp_path / "p")
    data = Path("src/govservice_locality_441323/data/441323")
    expected = {"halls.toml", "criteria.toml", "items.toml", "queue.toml"}
    assert {p.name for p in written if p.parent == data} == expected
    assert data / "forms" / "example-allowance.toml" in written
    assert expected <= KNOWN_DATA_FILES
    for relative in written:
        if relative.suffix == ".toml" and data in relative.parents:
            text = (tmp_path / "p" / relative).read_text(encoding="utf-8")
            assert "illustrative" in text.lower(), relative


def _generated_county(root: Path) -> tuple[Path, object]:
    """Scaffold 惠东县 into ``root`` and return its data folder and a plugin declaring it."""
    write_plugin(plan_plugin(code="441323", name="惠东县"), root)
    data = root / "src" / "govservice_locality_441323" / "data" / "441323"

    class Plugin:
        __name__ = "locality_441323"

        @gs.hookimpl
        def govservice_localities(self) -> list[gs.Locality]:
            return [
                gs.Locality(
                    code="441323", name="惠东县", level="county", parent="441300", data=data
                )
            ]

    return data, Plugin()


def test_changing_the_generated_overlay_changes_a_hall_score(tmp_path: Path) -> None:
    data, plugin = _generated_county(tmp_path / "p")
    assessment = gs.Assessment(
        hall="441323",
        locality="441323",
        date="2026-11-20",
        metrics={"reviews.satisfaction_rate": 0.96},
        answers=[gs.Answer(criterion="HC-01", met=True)],
    )

    def qs02() -> tuple[float, CriterionResult]:
        registry = gs.load_registry(plugins=[plugin])
        card = gs.evaluate_hall(registry.resolve(assessment.locality), assessment)
        return card.total, next(r for r in card.criteria if r.info.id == "QS-02")

    total_strict, strict = qs02()
    assert strict.info.target == 0.97
    assert strict.status is gs.Status.PARTLY_MET
    criteria = data / "criteria.toml"
    criteria.write_text(
        criteria.read_text(encoding="utf-8").replace("target = 0.97", "target = 0.95"),
        encoding="utf-8",
    )
    total_lenient, lenient = qs02()
    assert lenient.info.target == 0.95
    assert lenient.status is gs.Status.MET
    assert lenient.info.changed_by == ("441323",)
    assert total_lenient > total_strict


def test_check_reports_a_form_example_the_form_judges_differently(tmp_path: Path) -> None:
    data, plugin = _generated_county(tmp_path / "p")
    assert check_locality("441323", registry=gs.load_registry(plugins=[plugin])) == ()
    form = data / "forms" / "example-allowance.toml"
    text = form.read_text(encoding="utf-8")
    form.write_text(text.replace('problems = ["id_number"]', 'problems = ["phone"]'), "utf-8")
    problems = check_locality("441323", registry=gs.load_registry(plugins=[plugin]))
    assert [(p.check, p.path) for p in problems] == [("forms", "examples[1]")]
    assert problems[0].source.endswith("forms/example-allowance.toml)")
    assert "expects problems at ['phone'], the form finds them at ['id_number']" in str(problems[0])


def test_scaffold_refuses_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ScaffoldError, match="cannot make a plugin for '441324116'"):
        plan_plugin(code="441324116", name="龙潭镇")
    with pytest.raises(ScaffoldError, match="not a valid lower-case Python name"):
        plan_plugin(code="441322", name="博罗县", package="Bo-Luo")
    (tmp_path / "x").write_text("", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["new-plugin", "--code", "441322", "--name", "博罗县", str(tmp_path)]
    )
    assert result.exit_code != 0


def test_check_reports_every_problem_with_file_and_path(tmp_path: Path) -> None:
    data = tmp_path / "441324"
    data.mkdir()
    (data / "halls.toml").write_text(
        '[[halls]]\ncode = "a"\nname = "x"\ntier = "hamlet"\ndivision = "441324"\n'
        '[[halls]]\ncode = "b"\nname = "y"\ntier = "town"\ndivision = "4413241"\n',
        encoding="utf-8",
    )
    (data / "hall.toml").write_text("", encoding="utf-8")

    class Plugin:
        __name__ = "lint_me"

        @gs.hookimpl
        def govservice_localities(self) -> list[gs.Locality]:
            return [
                gs.Locality(code="440000", name="广东省", level="province", parent="000000"),
                gs.Locality(code="441300", name="惠州市", level="city", parent="440000"),
                gs.Locality(
                    code="441324", name="龙门县", level="county", parent="441300", data=data
                ),
            ]

    registry = gs.load_registry(autoload=False, plugins=[Plugin()])
    problems = check_locality("441324", registry=registry)
    by_check = {(p.check, p.path): p for p in problems}
    assert ("data-files", "") in by_check
    assert by_check[("data-files", "")].source.endswith("hall.toml (plugin lint_me)")
    assert by_check[("halls", "halls[0].tier")].message.startswith("must be one of")
    assert "must be 6, 9 or 12 ASCII digits" in by_check[("halls", "halls[1].division")].message
    assert all(str(data / "halls.toml") in p.source for p in problems if p.check == "halls")
    assert "hall.toml" not in KNOWN_DATA_FILES


def test_check_of_the_reference_county_is_clean_and_exits_0() -> None:
    result = CliRunner().invoke(cli, ["check", "441324", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_check_exits_1_on_problems() -> None:
    result = CliRunner().invoke(cli, ["check", "999999"])
    assert result.exit_code == 1
    assert "unknown locality '999999'" in result.stdout
