"""XLSForm-style workbooks ↔ form specifications."""

from __future__ import annotations

from pathlib import Path

import attrs
import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from govservice_std.cli import cli
from govservice_std.errors import GovServiceError
from govservice_std.forms.spec import Field, FormSpec
from govservice_std.forms.validate import compile_form
from govservice_std.serialization import load, loads
from govservice_std.spreadsheets import SpreadsheetError
from govservice_std.spreadsheets.xlsform import (
    ExpressionMappingError,
    form_from_workbook,
    form_to_workbook,
    from_rule,
    to_rule,
)

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted(ROOT.glob("plugins/*/src/*/data/*/forms/*.toml"))


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_every_bundled_form_round_trips(path: Path, tmp_path: Path) -> None:
    spec = load(path, FormSpec)
    form_to_workbook(spec, tmp_path / "form.xlsx")
    back = form_from_workbook(tmp_path / "form.xlsx")
    assert back == attrs.evolve(spec, examples=())
    compile_form(back)


def _survey(tmp_path: Path, survey: list[list[object]], choices: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, rows in (("survey", survey), ("choices", choices)):
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    settings_sheet = book.create_sheet("settings")
    settings_sheet.append(["form_id", "form_title", "version"])
    settings_sheet.append(["demo", "示例表单", 2])
    book.save(tmp_path / "demo.xlsx")
    return tmp_path / "demo.xlsx"


def test_an_xlsform_maps_onto_the_rule_language(tmp_path: Path) -> None:
    path = _survey(
        tmp_path,
        [
            ["type", "name", "label", "label::English (en)", "hint", "required", "relevant",
             "constraint", "constraint_message"],
            ["begin_group", "applicant", "申请人", "applicant", None, None, None, None, None],
            ["text", "name", "姓名", "name", "与身份证一致", "yes", None,
             "string-length(.) <= 20", "过长"],
            ["integer", "age", "年龄", None, None, "TRUE()", None, ". >= 18 and . < 150", None],
            ["end_group", None, None, None, None, None, None, None, None],
            ["select_multiple kinds", "kinds", "类别", None, None, "no", None,
             "count-selected(.) <= 2", None],
            ["decimal", "income", "收入", None, None, "selected(${kinds}, 'b')",
             "${age} > 60 or not(${kinds} = '')", ". div 2 >= 0 and . mod 1 = 0", None],
            ["id_card", "id_number", "身份证号", None, None, "yes", None, None, None],
        ],
        [["list_name", "name", "label", "label::English (en)"], ["kinds", "a", "甲", "A"],
         ["kinds", "b", "乙", None]],
    )  # fmt: skip
    spec = form_from_workbook(path)
    assert (spec.id, spec.title, spec.version) == ("demo", "示例表单", "2")
    assert spec.field("applicant.name").constraint == "len(.) <= 20"
    assert spec.field("applicant.age").integer
    assert spec.field("applicant.age").required
    income = spec.field("income")
    assert income.required_if == "selected(kinds, 'b')"
    assert income.relevant == "applicant.age > 60 or not(kinds == '')"
    assert income.constraint == ". / 2 >= 0 and . % 1 == 0"
    assert [c.label_en for c in spec.field("kinds").choices] == ["A", ""]
    compiled = compile_form(spec)
    result = compiled.validate(
        {"applicant": {"name": "张三", "age": 70}, "kinds": ["b"], "id_number": "x"}
    )
    assert {p.path for p in result.problems} == {"income", "id_number"}


def test_unmappable_cells_are_reported_with_sheet_row_and_column(tmp_path: Path) -> None:
    path = _survey(
        tmp_path,
        [
            ["type", "name", "label", "relevant", "constraint"],
            ["text", "a", "甲", "regex(., '[0-9]+')", None],
            ["note", "b", "乙", None, None],
            ["select_one nolist", "c", "丙", None, None],
            ["text", "d", "丁", "${zzz} = 1", ". = ../x"],
            ["begin_repeat", "rows", "行", None, None],
        ],
        [["list_name", "name", "label"]],
    )
    with pytest.raises(SpreadsheetError) as caught:
        form_from_workbook(path)
    found = {(p.sheet, p.row, p.column, p.heading) for p in caught.value.sheet_problems}
    assert found == {
        ("survey", 2, 4, "relevant"),
        ("survey", 3, 1, "type"),
        ("survey", 4, 1, "type"),
        ("survey", 5, 4, "relevant"),
        ("survey", 5, 5, "constraint"),
        ("survey", 6, 1, "type"),
    }
    zh = caught.value.localized("zh")
    assert "中的函数 regex()无法映射到本库的规则语言" in zh


def test_rules_the_compiler_refuses_are_placed_at_their_cell(tmp_path: Path) -> None:
    path = _survey(
        tmp_path,
        [["type", "name", "label", "constraint"], ["integer", "n", "数", ". >= >= 1"]],
        [["list_name", "name", "label"]],
    )
    with pytest.raises(SpreadsheetError) as caught:
        form_from_workbook(path)
    [problem] = caught.value.sheet_problems
    assert (problem.row, problem.column, problem.heading) == (2, 4, "constraint")


def test_lists_cannot_be_exported(tmp_path: Path) -> None:
    with pytest.raises(ExpressionMappingError):
        from_rule(". in ['a', 'b']", lambda p: p)
    spec = FormSpec(
        id="x",
        title="示例",
        fields=[Field(name="k", type="text", label="类别", constraint=". in ['a', 'b']")],
    )
    with pytest.raises(GovServiceError) as caught:
        form_to_workbook(spec, tmp_path / "x.xlsx")
    assert "无法映射" in caught.value.localized("zh")
    assert not (tmp_path / "x.xlsx").exists()


names = st.sampled_from(["a", "b", "c_1"])
atoms = st.one_of(
    names.map(lambda n: f"${{{n}}}"),
    st.integers(0, 99).map(str),
    st.sampled_from(["'x'", ".", "today()", "true()", "false()"]),
)
ops = st.sampled_from([" = ", " != ", " < ", " >= ", " + ", " - ", " * ", " and ", " or "])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(atoms, ops), min_size=1, max_size=5), atoms)
def test_expressions_translate_back_and_forth(pairs: list[tuple[str, str]], last: str) -> None:
    text = "".join(a + o for a, o in pairs) + last
    rule = to_rule(text, lambda n: n)
    assert "$" not in rule
    assert from_rule(rule, lambda p: p) == text


def test_the_form_command_writes_a_workbook_import_reads_back(tmp_path: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(cli, ["form", "441324", "441324-MZ-001", "--json"])
    assert shown.exit_code == 0, shown.output
    spec = loads(shown.output, FormSpec)
    out = runner.invoke(
        cli, ["form", "441324", "441324-MZ-001", "--xlsx", str(tmp_path / "f.xlsx")]
    )
    assert out.exit_code == 0, out.output
    imported = runner.invoke(
        cli,
        ["import", "forms", str(tmp_path / "f.xlsx"), "--locality", "441324", "--out",
         str(tmp_path / "data")],
    )  # fmt: skip
    assert imported.exit_code == 0, imported.output
    back = load(tmp_path / "data" / "forms" / f"{spec.id}.toml", FormSpec)
    assert back == attrs.evolve(spec, examples=())


def test_defaults_of_every_kind_round_trip(tmp_path: Path) -> None:
    from govservice_std.forms.spec import Choice

    options = [Choice(value="a", label="甲"), Choice(value="b", label="乙")]
    spec = FormSpec(
        id="d",
        title="默认值",
        fields=[
            Field(
                name="many", type="multi_choice", label="多选", choices=options, default=["a", "b"]
            ),
            Field(name="one", type="choice", label="单选", choices=options, default="b"),
            Field(name="n", type="number", label="数", default=2.5),
            Field(name="yes", type="boolean", label="是否", default=True),
            Field(name="at", type="time", label="时间", default="08:30"),
        ],
    )
    form_to_workbook(spec, tmp_path / "d.xlsx")
    back = form_from_workbook(tmp_path / "d.xlsx")
    assert back == spec
    assert compile_form(back).validate({}).valid
