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


ERLANG = ("staffing", "erlang", "--arrivals-per-hour", "30", "--service-minutes", "5")


def test_erlang_text() -> None:
    code, out, _ = invoke(
        "--lang", "en", *ERLANG, "--windows", "4", "--target-minutes", "2",
        "--target-level", "0.95",
    )  # fmt: skip
    assert code == 0
    assert out.splitlines() == [
        "4 windows, 30 arrivals/h, 5 min each: load 2.50 erlangs, utilization 62.5%",
        "probability of waiting  32.0%",
        "mean wait               1.07 min",
        "served within 2 min  82.4%",
        "windows needed for 95% within 2 min: 5",
    ]
    code, out, _ = invoke("--lang", "en", *ERLANG, "--windows", "2")
    assert "overloaded" in out


def test_erlang_text_in_chinese_by_default() -> None:
    code, out, _ = invoke(
        *ERLANG, "--windows", "4", "--target-minutes", "2", "--target-level", "0.95"
    )  # fmt: skip
    assert code == 0
    assert out.splitlines() == [
        "4 个窗口，到达率 30 人/小时，平均办理 5 分钟：负荷 2.50 爱尔兰，利用率 62.5%",
        "需等候的概率  32.0%",
        "平均等候时间  1.07 分钟",
        "服务水平（等候不超过 2 分钟）  82.4%",
        "需开窗口数（95% 等候不超过 2 分钟）：5",
    ]
    code, out, _ = invoke(*ERLANG, "--windows", "2")
    assert code == 0
    assert out.splitlines()[1] == "超负荷：到达人数超过窗口办理能力，排队将不断变长"


def test_erlang_level_needs_minutes() -> None:
    args = [*ERLANG, "--windows", "2", "--target-level", "0.8"]
    result = CliRunner().invoke(cli, ["--lang", "en", *args])
    assert result.exit_code == 2
    assert "--target-level needs --target-minutes" in result.stderr
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "--target-level 需与 --target-minutes 一起使用" in result.stderr


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


PLAN_FILE = ("staffing", "plan", str(EXAMPLE), "--locality", "441324", "--replications", "3")


def test_plan_of_a_file_as_text() -> None:
    code, out, _ = invoke("--lang", "en", *PLAN_FILE, "--target-level", "0.8")
    assert code == 0
    assert "80% within 20 min · queue policy of 441324" in out
    last = out.rstrip().splitlines()[-1]
    assert last.startswith("window-hours ")
    assert "· 3 days per try, " in last
    assert last.endswith(" simulated days · target met in every period")


def test_plan_text_in_chinese_by_default() -> None:
    code, out, _ = invoke(*PLAN_FILE, "--target-level", "0.8")
    assert code == 0
    assert "目标：80% 等候不超过 20 分钟 · 采用 441324 的排队规则" in out
    last = out.rstrip().splitlines()[-1]
    assert last.startswith("窗口开放时数 ")
    assert "· 每次试算模拟 3 天，共模拟 " in last
    assert last.endswith(" 天 · 各时段均达标")
    # A target no window count can meet within the profile's 12 windows.
    code, out, _ = invoke(*PLAN_FILE, "--target-minutes", "0.5", "--target-level", "0.99")
    assert code == 0
    assert out.rstrip().endswith("· 部分时段未达标")
    code, out, _ = invoke(
        "--lang", "en", *PLAN_FILE, "--target-minutes", "0.5", "--target-level", "0.99"
    )
    assert out.rstrip().endswith("· target NOT met in every period")


def test_plan_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "day.toml"
    bad.write_text('[[lines]]\nid = "A"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["staffing", "plan", str(bad)], prog_name="govstd")
    assert result.exit_code != 0
    assert isinstance(result.exception, Exception)
    assert "day.toml" in str(result.exception)
    # A file planned without a locality and without a target of its own has none.
    for lang, message in (
        ("en", "no waiting-time target: give --locality"),
        ("zh", "没有等候时间目标：请给出 --locality"),
    ):
        args = ["--lang", lang, "staffing", "plan", str(EXAMPLE)]
        result = CliRunner().invoke(cli, args, prog_name="govstd")
        assert result.exit_code == 2
        assert message in result.stderr
    for lang, message in (
        ("en", "no file '000000' and no locality layer of 000000 ships staffing.toml"),
        ("zh", "没有文件 '000000'，地区 000000 的各层也都没有提供 staffing.toml"),
    ):
        args = ["--lang", lang, "staffing", "plan", "000000"]
        result = CliRunner().invoke(cli, args, prog_name="govstd")
        assert result.exit_code == 2
        assert message in result.stderr
    for lang, message in (
        ("en", "--hall and --day need --queue-db"),
        ("zh", "--hall 和 --day 需与 --queue-db 一起使用"),
    ):
        args = ["--lang", lang, "staffing", "plan", "441324", "--hall", "441324"]
        result = CliRunner().invoke(cli, args, prog_name="govstd")
        assert result.exit_code == 2
        assert message in result.stderr
