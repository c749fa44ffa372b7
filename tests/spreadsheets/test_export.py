"""Workbooks written by --xlsx read back equal to the commands' JSON output."""

from __future__ import annotations

import datetime as dt
import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from govservice_std.cli import cli, main
from govservice_std.spreadsheets.export import HEADINGS, display_width

EXAMPLES = files("govservice_longmen") / "data" / "441324" / "examples"
ASSESSMENT = str(EXAMPLES / "assessment-441324116.toml")
REVIEWS = str(EXAMPLES / "reviews-441324116.toml")
INSPECTIONS = str(EXAMPLES / "inspections-441324116.toml")


def _invoke(args: list[str]) -> Any:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return result


def _keys(lang: str) -> dict[str, str]:
    return {names[0 if lang == "zh" else 1]: key for key, names in HEADINGS.items()}


def _key_of(heading: str, lang: str) -> str:
    keys = _keys(lang)
    sep = "·" if lang == "zh" else " · "
    return ".".join(keys.get(part, part) for part in heading.split(sep))


def _json_value(value: object) -> object:
    if value == "":
        return None  # a cell holds no empty string
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return "\n".join("" if v is None else str(v) for v in value) or None
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _get(document: Any, path: str, *, missing: bool = False) -> object:
    for part in path.split("."):
        if missing and part not in document:
            return None  # a column some records of the table lack
        document = document[part]
    return document


def _cell(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return value


def assert_workbook_equals_json(path: Path, document: Any, lang: str = "zh") -> int:
    """Every value of every sheet equals the JSON's; returns how many values were compared."""
    book = openpyxl.load_workbook(path)
    compared = 0
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
        rows = [[_cell(c.value) for c in row] for row in sheet.iter_rows()]
        headings = [str(h) for h in rows[0]]
        table = _key_of(sheet.title, lang)
        if headings == [HEADINGS["key"][lang == "en"], HEADINGS["value"][lang == "en"]]:
            for key, value in rows[1:]:
                expected = _json_value(_get(document, _key_of(str(key), lang)))
                assert value == expected, (sheet.title, key)
                compared += 1
            continue
        records: Any = _get(document, table) if isinstance(document, dict) else document
        if isinstance(records, dict):
            records = [{"key": k, **v} for k, v in records.items()]
        if not records:
            assert len(rows) == 1
            continue
        assert len(rows) - 1 == len(records), sheet.title
        for row, record in zip(rows[1:], records, strict=True):
            for heading, value in zip(headings, row, strict=True):
                expected = _json_value(_get(record, _key_of(heading, lang), missing=True))
                assert value == expected, (sheet.title, heading, value, expected)
                compared += 1
    return compared


def test_evaluate_writes_a_workbook_equal_to_its_json(tmp_path: Path) -> None:
    out = tmp_path / "card.xlsx"
    result = _invoke(["evaluate", "441324", ASSESSMENT, "--json", "--xlsx", str(out)])
    document = json.loads(result.stdout)
    assert assert_workbook_equals_json(out, document) > 200
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:5] == ["概要", "一票否决", "各方面得分", "评分明细", "整改清单"]
    rectifications = book["整改清单"]
    assert rectifications.max_row - 1 == len(document["rectifications"])
    due = [c.value for c in rectifications["D"][1:]]
    assert all(isinstance(d, dt.datetime) for d in due)
    assert rectifications["D2"].number_format == "yyyy-mm-dd"
    summary = {row[0].value: row[1] for row in book["概要"].iter_rows(min_row=2)}
    assert summary["总分"].value == document["total"]
    assert isinstance(summary["总分"].value, float)
    criteria = book["评分明细"]
    title = next(c.column_letter for c in criteria[1] if c.value == "指标名称")
    longest = max(display_width(str(c.value)) for c in criteria[title])
    assert criteria.column_dimensions[title].width >= longest


def test_english_headings_with_lang_en(tmp_path: Path) -> None:
    out = tmp_path / "card.xlsx"
    result = _invoke(
        ["--lang", "en", "evaluate", "441324", ASSESSMENT, "--json", "--xlsx", str(out)]
    )
    assert assert_workbook_equals_json(out, json.loads(result.stdout), lang="en") > 200
    assert "Rectifications" in openpyxl.load_workbook(out).sheetnames


@pytest.mark.parametrize(
    "args",
    [
        ["evaluate-all", "441324", ASSESSMENT],
        ["standard", "441324"],
        ["reviews", REVIEWS, "--locality", "441324", "--today", "2026-12-01"],
        ["inspections", INSPECTIONS, "--locality", "441324", "--today", "2026-12-01"],
    ],
    ids=["evaluate-all", "standard", "reviews", "inspections"],
)
def test_other_commands_write_workbooks_equal_to_their_json(
    args: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "out.xlsx"
    document = json.loads(_invoke([*args, "--json", "--xlsx", str(out)]).stdout)
    if isinstance(document, list):  # the orders of an inspections file
        document = {"orders": document}
    assert assert_workbook_equals_json(out, document) > 0


def test_rates_are_formatted_as_percentages(tmp_path: Path) -> None:
    out = tmp_path / "reviews.xlsx"
    _invoke(["reviews", REVIEWS, "--locality", "441324", "--today", "2026-12-01", "--xlsx",
             str(out)])  # fmt: skip
    summary = openpyxl.load_workbook(out)["概要"]
    cells = {row[0].value: row[1] for row in summary.iter_rows(min_row=2)}
    assert cells["满意率"].number_format == "0.0%"
    rate = cells["满意率"].value
    assert isinstance(rate, float)
    assert 0 < rate < 1
    assert cells["差评数"].number_format == "General"


def test_staffing_plan_and_queue_kpis(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "plan.xlsx"
    result = _invoke(
        ["staffing", "plan", "441324", "--replications", "2", "--json", "--xlsx", str(out)]
    )
    assert assert_workbook_equals_json(out, json.loads(result.stdout)) > 10

    db = tmp_path / "q.db"

    def queue(at: str, *args: str) -> str:
        code: object = 0
        try:
            main(["queue", "--db", str(db), "--at", f"2026-03-02T{at}", *args])
        except SystemExit as exc:
            code = exc.code
        assert not code
        return capsys.readouterr().out

    queue("08:30", "open", "441324")
    queue("08:31", "issue", "A")
    queue("08:33", "call", "A01")
    queue("08:34", "start", "A001")
    queue("08:40", "finish", "A001")
    kpis = tmp_path / "kpis.xlsx"
    document = json.loads(queue("09:00", "kpis", "--json", "--xlsx", str(kpis)))
    assert assert_workbook_equals_json(kpis, document) > 10


def test_control_characters_do_not_break_a_workbook(tmp_path: Path) -> None:
    from govservice_std.spreadsheets.export import tables_from_json, write_tables

    write_tables(tables_from_json({"comment": "bad\x1fbyte", "rows": [{"a": "x\x00"}]}),
                 tmp_path / "x.xlsx")  # fmt: skip
    book = openpyxl.load_workbook(tmp_path / "x.xlsx")
    assert book["概要"]["B2"].value == "bad\ufffdbyte"
