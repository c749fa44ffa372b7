"""Importing a 事项清单 workbook: same catalogue as the bundled TOML, every problem at its cell."""

from __future__ import annotations

import csv
import tomllib
from importlib.resources import files
from pathlib import Path

import attrs
import openpyxl
import pytest
from click.testing import CliRunner

from govservice_std.cli import cli
from govservice_std.items import ItemsDocument
from govservice_std.registry import load_registry
from govservice_std.serialization import load, loads
from govservice_std.spreadsheets import SpreadsheetError, import_items, load_overrides
from govservice_std.spreadsheets.mapping import tables
from tests.spreadsheets.platform import ITEM_HEADINGS, as_cells_hold, item_row, platform_workbook

LONGMEN_ITEMS = files("govservice_longmen") / "data" / "441324" / "items.toml"


def _longmen() -> ItemsDocument:
    return load(LONGMEN_ITEMS, ItemsDocument)


def test_platform_workbook_imports_to_the_bundled_catalogue(tmp_path: Path) -> None:
    bundled = _longmen()
    book = platform_workbook(
        bundled.items, tmp_path / "事项清单.xlsx", title="龙门县政务服务事项清单"
    )
    result = import_items(book, "441324", registry=load_registry())
    imported = loads(result.files["items.toml"], ItemsDocument, format="toml")
    assert imported.items == tuple(as_cells_hold(i) for i in bundled.items)
    assert result.records["items"] == len(bundled.items)
    assert result.records["materials"] == sum(len(i.materials) for i in bundled.items)


def test_the_command_writes_items_toml_and_nothing_on_error(tmp_path: Path) -> None:
    bundled = _longmen()
    book = platform_workbook(bundled.items[:3], tmp_path / "ok.xlsx", title="清单")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["import", "items", str(book), "--locality", "441324", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    written = tomllib.loads((out / "items.toml").read_text(encoding="utf-8"))
    assert [i["code"] for i in written["items"]] == [i.code for i in bundled.items[:3]]

    bad = openpyxl.load_workbook(book)
    sheet = bad["事项清单"]
    sheet.cell(3, ITEM_HEADINGS.index("承诺办结时限") + 1).value = "十天"
    sheet.cell(4, ITEM_HEADINGS.index("办件类型") + 1).value = "随便件"
    bad.save(tmp_path / "bad.xlsx")
    out2 = tmp_path / "out2"
    failed = CliRunner().invoke(
        cli,
        ["--lang", "en", "import", "items", str(tmp_path / "bad.xlsx"), "--locality", "441324",
         "--out", str(out2)],
    )  # fmt: skip
    assert failed.exit_code == 2
    assert "sheet '事项清单' row 3 column L (承诺办结时限)" in failed.output
    assert "row 4 column J (办件类型)" in failed.output
    assert "Traceback" not in failed.output
    assert not out2.exists()


def test_every_bad_cell_is_reported_at_once(tmp_path: Path) -> None:
    items = _longmen().items[:4]
    rows = [item_row(item, i) for i, item in enumerate(items)]
    col = {h: i for i, h in enumerate(ITEM_HEADINGS)}
    rows[0][col["事项类型"]] = "行政许诺"
    rows[1][col["法定办结时限"]] = 5
    rows[1][col["承诺办结时限"]] = 10  # longer than the legal limit
    rows[2][col["事项编码"]] = rows[0][col["事项编码"]]  # a duplicate code
    rows[3][col["行使层级"]] = "县级、火星"
    rows[3][col["实施主体"]] = None
    path = tmp_path / "bad.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ITEM_HEADINGS)
        writer.writerows(rows)
    with pytest.raises(SpreadsheetError) as caught:
        import_items(path, "441324")
    found = {(p.row, p.heading) for p in caught.value.sheet_problems}
    assert found == {
        (2, "事项类型"),
        (3, "承诺办结时限"),
        (4, "事项编码"),
        (5, "行使层级"),
        (5, "实施主体"),
    }
    for problem in caught.value.sheet_problems:
        assert problem.sheet == "bad"
        assert problem.column == col[problem.heading] + 1
    zh = caught.value.localized("zh")
    assert "第 3 行 L 列 （承诺办结时限）" in zh
    assert "第 4 行 B 列 （事项编码）：与第 2 行重复" in zh


def test_missing_required_columns_are_named(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "事项清单"
    sheet.append(["事项编码", "事项名称", "办件类型"])
    sheet.append(["X-1", "某事项", "即办件"])
    book.save(tmp_path / "few.xlsx")
    with pytest.raises(SpreadsheetError) as caught:
        import_items(tmp_path / "few.xlsx", "441324")
    missing = {p.heading for p in caught.value.sheet_problems if p.column == 0}
    assert missing == {"事项类型", "主管部门", "实施主体", "承诺办结时限", "行使层级"}
    assert all(p.row == 1 for p in caught.value.sheet_problems)


def test_a_mapping_file_adds_headings(tmp_path: Path) -> None:
    items = _longmen().items[:2]
    headings = ["服务编号" if h == "事项编码" else h for h in ITEM_HEADINGS]
    path = tmp_path / "own.csv"
    with path.open("w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headings)
        writer.writerows(item_row(item, i) for i, item in enumerate(items))
    with pytest.raises(SpreadsheetError):
        import_items(path, "441324")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[items]\ncode = ["服务编号"]\n', encoding="utf-8")
    result = import_items(path, "441324", overrides=load_overrides(mapping, tables()))
    # A CSV file is one sheet: materials and fees need the workbook's own sheets.
    bare = tuple(attrs.evolve(as_cells_hold(i), materials=(), fees=()) for i in items)
    assert loads(result.files["items.toml"], ItemsDocument, format="toml").items == bare


def test_a_mapping_file_with_unknown_names_is_refused(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[items]\nkode = ["编号"]\n[itemz]\ncode = ["x"]\n', encoding="utf-8")
    with pytest.raises(Exception, match="unknown field") as caught:
        load_overrides(mapping, tables())
    assert "unknown table" in str(caught.value)


def test_model_rules_are_reported_at_their_cell_in_chinese(tmp_path: Path) -> None:
    item = _longmen().items[0]
    row = item_row(item, 0)
    col = {h: i for i, h in enumerate(ITEM_HEADINGS)}
    row[col["办件类型"]] = "即办件"
    row[col["承诺办结时限"]] = 3
    path = tmp_path / "one.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([ITEM_HEADINGS, row])
    with pytest.raises(SpreadsheetError) as caught:
        import_items(path, "441324")
    [problem] = caught.value.sheet_problems
    assert (problem.row, problem.heading) == (2, "承诺办结时限")
    assert problem.message == "即办件当场办结，承诺时限应为 0（实为 3）"
    assert "must be 0 (got 3)" in problem.message_en


def test_bad_cells_of_the_new_elements_are_reported_at_their_cells(tmp_path: Path) -> None:
    items = _longmen().items[:4]
    col = {h: i for i, h in enumerate(ITEM_HEADINGS)}
    rows = [item_row(item, i) for i, item in enumerate(items)]
    rows[0][col["通办范围"]] = "全球通办"
    rows[1][col["到现场次数"]] = "三趟"
    rows[2][col["受理行使层级"]] = "火星级"
    rows[3][col["到现场次数"]] = 0
    rows[3][col["办理渠道"]] = "窗口办理"  # no visit, yet only a window to apply at
    path = tmp_path / "bad.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ITEM_HEADINGS)
        writer.writerows(rows)
    with pytest.raises(SpreadsheetError) as caught:
        import_items(path, "441324")
    found = {(p.row, p.heading) for p in caught.value.sheet_problems}
    assert found == {(2, "通办范围"), (3, "到现场次数"), (4, "受理行使层级"), (5, "到现场次数")}
    for problem in caught.value.sheet_problems:
        assert problem.sheet == "bad"
        assert problem.column == col[problem.heading] + 1


def test_the_materials_sheet_reads_ids_sources_and_deferral(tmp_path: Path) -> None:
    bundled = _longmen().items[:1]
    book = platform_workbook(bundled, tmp_path / "one.xlsx", title="清单")
    result = import_items(book, "441324", registry=load_registry())
    [item] = loads(result.files["items.toml"], ItemsDocument, format="toml").items
    health = item.material("health_certificate")
    assert (health.source.value, health.deferrable, health.form.value) == ("other", True, "copy")
    assert item.material("id_card").hall_fetches
