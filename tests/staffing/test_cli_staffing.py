"""``govstd staffing erlang`` and ``govstd staffing plan``."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner

from govservice_std.cli import cli
from govservice_std.staffing import erlang_c

EXAMPLE = files("govservice_longmen") / "data" / "441324" / "staffing.toml"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), prog_name="govstd", catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_erlang_json() -> None:
    code, out, _ = invoke(
        "staffing", "erlang", "--arrivals-per-hour", "120", "--service-minutes", "3",
        "--windows", "10", "--target-minutes", "1", "--target-level", "0.9", "--json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    theory = erlang_c(2.0, 1 / 3, 10)
    assert data["wait_probability"] == pytest.approx(theory.wait_probability, abs=1e-4)
    assert data["mean_wait_minutes"] == pytest.approx(theory.mean_wait, abs=1e-4)
    assert data["service_level"] == pytest.approx(theory.service_level(1.0), abs=1e-4)
    assert data["windows_needed"] == 9
    assert data["stable"] is True


def test_erlang_without_target_and_overloaded() -> None:
    code, out, _ = invoke(
        "staffing", "erlang", "--arrivals-per-hour", "120", "--service-minutes", "3",
        "--windows", "6", "--json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["stable"] is False
    assert data["mean_wait_minutes"] is None
    assert data["service_level"] is None
    assert "windows_needed" not in data


def test_erlang_text() -> None:
    code, out, _ = invoke(
        "staffing", "erlang", "--arrivals-per-hour", "30", "--service-minutes", "5",
        "--windows", "4", "--target-minutes", "2", "--target-level", "0.95",
    )  # fmt: skip
    assert code == 0
    assert "probability of waiting" in out
    assert "windows needed for 95% within 2 min:" in out
    code, out, _ = invoke(
        "staffing", "erlang", "--arrivals-per-hour", "30", "--service-minutes", "5",
        "--windows", "2",
    )  # fmt: skip
    assert "overloaded" in out


def test_erlang_level_needs_minutes() -> None:
    result = CliRunner().invoke(
        cli,
        ["staffing", "erlang", "--arrivals-per-hour", "30", "--service-minutes", "5",
         "--windows", "2", "--target-level", "0.8"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--target-level needs --target-minutes" in result.stderr


def test_plan_of_the_bundled_profile_by_locality_code(tmp_path: Path) -> None:
    out_html = tmp_path / "plan.html"
    code, out, _ = invoke(
        "staffing", "plan", "441324", "--replications", "5", "--json", "--html", str(out_html)
    )
    assert code == 0
    data = json.loads(out)
    assert data["illustrative"] is True
    assert data["target_minutes"] == 20.0  # from the county's queue policy
    assert data["target_share"] == 0.9
    assert data["queue_policy_applied"] is True
    assert data["anti_starvation_after"] == 2
    assert data["priority_weights"]["military"] == 2
    assert data["met"] is True
    assert [p["start"] for p in data["periods"]][:2] == ["08:30", "09:30"]
    assert all(p["windows"] >= 0 for p in data["periods"])
    page = out_html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "illustrative" in page


def test_plan_of_a_file_as_text() -> None:
    code, out, _ = invoke(
        "staffing",
        "plan",
        str(EXAMPLE),
        "--locality",
        "441324",
        "--replications",
        "3",
        "--target-level",
        "0.8",
    )
    assert code == 0
    assert "80% within 20 min" in out
    assert "queue policy of 441324" in out
    assert "window-hours" in out


def test_plan_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "day.toml"
    bad.write_text('[[lines]]\nid = "A"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["staffing", "plan", str(bad)], prog_name="govstd")
    assert result.exit_code != 0
    assert isinstance(result.exception, Exception)
    assert "day.toml" in str(result.exception)
    # A file planned without a locality and without a target of its own has none.
    result = CliRunner().invoke(cli, ["staffing", "plan", str(EXAMPLE)], prog_name="govstd")
    assert result.exit_code == 2
    assert "--locality" in result.stderr
    result = CliRunner().invoke(cli, ["staffing", "plan", "000000"], prog_name="govstd")
    assert result.exit_code == 2
    assert "ships staffing.toml" in result.stderr
