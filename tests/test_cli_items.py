from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from govservice_std.cli import cli, main

DATA = Path(__file__).parent / "data"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_catalog_json(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["catalog", "441324", "--json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert len(items) >= 20
    first = items[0]
    for key in ("code", "name", "type", "tiers", "legal_limit_days", "promised_limit_days"):
        assert key in first
    village = json.loads(
        runner.invoke(cli, ["catalog", "441324", "--tier", "village", "--json"]).output
    )
    assert village
    assert all("village" in item["tiers"] for item in village)


def test_catalog_table(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["catalog", "441324", "--tier", "town"])
    assert result.exit_code == 0, result.output
    assert "高龄津贴申领" in result.output
    assert "承诺时限压缩比" in result.output


def test_form(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["form", "441324", "441324-MZ-005"])
    assert result.exit_code == 0, result.output
    assert "津贴补贴申领表" in result.output
    spec = json.loads(runner.invoke(cli, ["form", "441324", "441324-MZ-005", "--json"]).output)
    assert spec["id"] == "allowance"
    assert spec["version"] == "1"  # shown even when it is the default


def test_validate_valid(runner: CliRunner) -> None:
    args = ["validate", "441324", "441324-MZ-005", str(DATA / "allowance-valid.json"), "--json"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"valid": True, "version": "1", "problems": []}


def test_validate_invalid(runner: CliRunner) -> None:
    path = str(DATA / "allowance-invalid.json")
    result = runner.invoke(cli, ["validate", "441324", "441324-MZ-005", path, "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["valid"] is False
    assert {"path", "code", "message"} == set(report["problems"][0])
    assert "441324199001011239" not in result.output
    english = runner.invoke(cli, ["validate", "441324", "441324-MZ-005", path, "--lang", "en"])
    assert english.exit_code == 1
    assert 'bank_account\trequired\t"bank account" is required' in english.output


def test_validate_usage_errors(runner: CliRunner, tmp_path: Path) -> None:
    good = str(DATA / "allowance-valid.json")
    assert runner.invoke(cli, ["validate", "441324", "NOPE", good]).exit_code == 2
    assert (
        runner.invoke(cli, ["validate", "441324", "441324-MZ-005", "missing.json"]).exit_code == 2
    )
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = runner.invoke(
        cli, ["--lang", "en", "validate", "441324", "441324-MZ-005", str(broken)]
    )
    assert result.exit_code == 2
    assert f"{broken} is not JSON: Expecting property name" in result.output
    assert "(line 1)" in result.output
    result = runner.invoke(cli, ["validate", "441324", "441324-MZ-005", str(broken)])
    assert result.exit_code == 2
    assert f"{broken} 不是有效的 JSON：Expecting property name" in result.output
    assert "（第 1 行）" in result.output
    missing = ["validate", "441324", "441324-MZ-005", str(tmp_path / "missing.json")]
    result = runner.invoke(cli, ["--lang", "en", *missing])
    assert f"cannot read {tmp_path / 'missing.json'}: " in result.output
    result = runner.invoke(cli, missing)
    assert f"无法读取 {tmp_path / 'missing.json'}：" in result.output
    assert (
        runner.invoke(cli, ["validate", "441324", "441324-MZ-005", good, "--lang", "fr"]).exit_code
        == 2
    )


def test_validate_junk_json_is_a_problem_not_a_crash(runner: CliRunner, tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text('[1, "x", {"a": null}]', encoding="utf-8")
    result = runner.invoke(cli, ["validate", "441324", "441324-MZ-005", str(junk), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["problems"][0]["code"] == "not_an_object"


def test_deadline(runner: CliRunner) -> None:
    args = ["deadline", "441324", "--start", "2026-02-13", "--working-days", "1", "--json"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"due": "2026-02-14", "estimated": False, "local_days": []}
    # 龙门县 has no live local days: its deadlines are the official calendar's.
    text = runner.invoke(
        cli, ["deadline", "441324", "--start", "2026-09-15", "--working-days", "1"]
    )
    assert text.output.strip() == "2026-09-16"


def test_deadline_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--lang", "en", "deadline", "441324", "--start", "2026-12-30", "--working-days", "5"])
    assert info.value.code == 2
    assert "no official holiday schedule for 2027" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["deadline", "441324", "--start", "2026-12-30", "--working-days", "5"])
    assert info.value.code == 2
    assert capsys.readouterr().err == (
        "govstd: 错误：尚无 2027 年的法定节假日安排（已收录 2004–2026 年）；"
        "如接受按放假规则估算的日历，请加 --estimate（Python 中为 estimate=True）\n"
    )
    main(["deadline", "441324", "--start", "2026-12-30", "--working-days", "5", "--estimate"])
    assert capsys.readouterr().out.strip() == (
        "2027-01-07（估算：2027 年的法定节假日安排尚未公布，按放假规则估算，公布后可能变动）"
    )
    with pytest.raises(SystemExit) as info:
        main(["deadline", "441324", "--start", "2026-02-30", "--working-days", "5"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["catalog", "999999"])
    assert info.value.code == 2


def test_item_guide(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["item", "441324", "441324-ZR-002"])
    assert result.exit_code == 0, result.output
    assert "法定时限：30 个工作日" in result.output
    assert "80 元" in result.output
    data = json.loads(runner.invoke(cli, ["item", "441324", "440000-WJ-001", "--json"]).output)
    assert data["added_by"]["plugin"] == "guangdong"
    assert [p["layer"] for p in data["localized_by"]] == ["441300", "441324"]
    assert runner.invoke(cli, ["item", "441324", "NOPE"]).exit_code == 2


def test_deadline_from_an_item(runner: CliRunner) -> None:
    args = ["deadline", "441324", "--start", "2026-02-13", "--item", "441324-MZ-005", "--json"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["due"] == "2026-03-05"  # 10 working days
    assert runner.invoke(cli, ["deadline", "441324", "--start", "2026-02-13"]).exit_code == 2
    both = [
        "deadline",
        "441324",
        "--start",
        "2026-02-13",
        "--item",
        "441324-MZ-005",
        "--working-days",
        "3",
    ]
    assert runner.invoke(cli, both).exit_code == 2


@pytest.mark.parametrize("command", ["item", "form", "validate"])
def test_an_unknown_item_is_named_in_the_chosen_language(runner: CliRunner, command: str) -> None:
    application = [str(DATA / "allowance-valid.json")] if command == "validate" else []
    args = [command, "441324", "NOPE", *application]
    english = runner.invoke(cli, ["--lang", "en", *args])
    assert english.exit_code == 2
    assert "no service item 'NOPE' in 441324 (see: govstd catalog 441324)" in english.output
    chinese = runner.invoke(cli, args)
    assert chinese.exit_code == 2
    assert "441324 没有政务服务事项 'NOPE'（查看：govstd catalog 441324）" in chinese.output


def test_an_item_without_a_form(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    import attrs

    from govservice_std.items import layers as items_layers

    real = items_layers.resolve_catalog

    class WithoutForms:
        def __init__(self, catalog: Any) -> None:
            self.catalog = catalog

        def __contains__(self, code: str) -> bool:
            return code in self.catalog

        def get(self, code: str) -> Any:
            return attrs.evolve(self.catalog.get(code), form=None)

    monkeypatch.setitem(
        items_layers.PARTS, "catalog", lambda resolved: WithoutForms(real(resolved))
    )
    english = runner.invoke(cli, ["--lang", "en", "form", "441324", "441324-MZ-005"])
    assert english.exit_code == 2
    assert "service item '441324-MZ-005' has no form" in english.output
    chinese = runner.invoke(cli, ["form", "441324", "441324-MZ-005"])
    assert chinese.exit_code == 2
    assert "政务服务事项 '441324-MZ-005' 没有申请表" in chinese.output


def test_deadline_usage_errors_in_both_languages(runner: CliRunner) -> None:
    start = ["deadline", "441324", "--start", "2026-02-13"]
    english = runner.invoke(cli, ["--lang", "en", *start])
    assert english.exit_code == 2
    assert "give exactly one of --working-days and --item" in english.output
    chinese = runner.invoke(cli, start)
    assert chinese.exit_code == 2
    assert "--working-days 和 --item 须给出其中一个，且只能给出一个" in chinese.output
    english = runner.invoke(cli, ["--lang", "en", *start, "--item", "NOPE"])
    assert english.exit_code == 2
    assert "no service item 'NOPE' in 441324" in english.output
    chinese = runner.invoke(cli, [*start, "--item", "NOPE"])
    assert chinese.exit_code == 2
    assert "441324 没有政务服务事项 'NOPE'" in chinese.output


def test_validate_follows_the_language_of_the_run(runner: CliRunner) -> None:
    invalid = ["validate", "441324", "441324-MZ-005", str(DATA / "allowance-invalid.json")]
    required_en = 'bank_account\trequired\t"bank account" is required'
    required_zh = "bank_account\trequired\t「社会保障卡金融账号」为必填项"
    assert required_zh in runner.invoke(cli, invalid).output
    assert required_en in runner.invoke(cli, ["--lang", "en", *invalid]).output
    assert required_en in runner.invoke(cli, invalid, env={"GOVSERVICE_STD_LANG": "en"}).output
    # The command's own --lang wins, for its messages and its usage errors alike.
    assert required_zh in runner.invoke(cli, ["--lang", "en", *invalid, "--lang", "zh"]).output
    missing = ["validate", "441324", "441324-MZ-005", "missing.json", "--lang", "en"]
    assert "cannot read missing.json: " in runner.invoke(cli, missing).output
    valid = ["validate", "441324", "441324-MZ-005", str(DATA / "allowance-valid.json")]
    assert runner.invoke(cli, valid).output == "校验通过\n"
    assert runner.invoke(cli, ["--lang", "en", *valid]).output == "valid\n"
    assert runner.invoke(cli, [*valid, "--lang", "en"]).output == "valid\n"


def test_form_rules_and_labels_follow_the_language_of_the_run(runner: CliRunner) -> None:
    command = ["form", "441324", "441324-NY-001"]
    chinese = runner.invoke(cli, command)
    assert chinese.exit_code == 0, chinese.output
    assert "计算式：sum(household.monthly_income)" in chinese.output
    assert "行数：household_size" in chinese.output
    for word in ("calculate:", "relevant:", "repeat_count:", "read_only:"):
        assert word not in chinese.output
    english = runner.invoke(cli, ["--lang", "en", *command])
    assert english.exit_code == 0, english.output
    assert "Rural homestead application" in english.output
    assert "household size required" in english.output
    assert "calculated as: sum(household.monthly_income)" in english.output
    assert "申请人" not in english.output


def test_illustrative_elements_and_the_result_are_named_in_the_language_of_the_run(
    runner: CliRunner,
) -> None:
    command = ["item", "441324", "441324-MZ-005"]
    chinese = runner.invoke(cli, command)
    assert chinese.exit_code == 0, chinese.output
    assert "办理结果：" in chinese.output
    assert "评估结果" not in chinese.output
    line = next(x for x in chinese.output.splitlines() if x.startswith("示例数据："))
    assert "申请材料" in line
    assert not any(ch.isascii() and ch.isalpha() for ch in line)
    checklist = runner.invoke(cli, [*command, "--checklist"])
    assert checklist.output.rstrip().endswith("示例数据：申请材料")
    english = runner.invoke(cli, ["--lang", "en", *command, "--checklist"])
    assert english.output.rstrip().endswith("Illustrative data: Materials")
