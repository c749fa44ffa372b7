"""Reading workbooks: merged cells, offsets, dates, CSV encodings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from govservice_std.spreadsheets.reader import read_workbook


def test_merged_cells_fill_every_cell_they_span(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "S"
    sheet["B2"] = "部门"
    sheet["C2"] = "日期"
    sheet["B3"] = "民政局"
    sheet.merge_cells("B3:B5")  # the last merged rows hold nothing else
    sheet["C3"] = dt.date(2026, 1, 5)
    sheet["C4"] = 46027
    book.save(tmp_path / "m.xlsx")
    [grid] = read_workbook(tmp_path / "m.xlsx")
    assert grid.name == "S"
    assert grid.rows[0] == (None, None, None)
    assert [row[1] for row in grid.rows[2:5]] == ["民政局"] * 3
    assert grid.rows[2][2] == dt.date(2026, 1, 5)
    assert grid.rows[3][2] == 46027


def test_csv_in_gb18030_and_utf8_with_a_byte_order_mark(tmp_path: Path) -> None:
    for encoding in ("gb18030", "utf-8-sig"):
        path = tmp_path / f"{encoding}.csv"
        path.write_text("事项名称,承诺办结时限\n婚姻登记,即办\n,\n", encoding=encoding)
        [grid] = read_workbook(path)
        assert grid.rows[:2] == (("事项名称", "承诺办结时限"), ("婚姻登记", "即办"))
        assert grid.rows[2] == (None, None)
