"""Fuzzed workbooks give only the library's errors, each located in the workbook."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govservice_std.spreadsheets import (
    SpreadsheetError,
    import_assessment,
    import_halls,
    import_items,
    import_reviews,
)
from govservice_std.spreadsheets.mapping import tables
from govservice_std.spreadsheets.xlsform import form_from_workbook

_HEADINGS = sorted({h for t in tables() for c in t.columns for h in c.headings[:2]})

cells = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
    st.sampled_from(["即办件", "承诺件", "县级、镇级", "是", "否", "01", "２０", "20个工作日",
                     "441324", "441324116", "A01", "综合窗口", "非常满意", "现场", "HC-01",
                     "2026-11-20", "政务服务中心", "行政许可", "${x} = 1", "select_one a"]),
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)),
)  # fmt: skip

sheet_names = st.sampled_from(
    ["事项清单", "申请材料", "收费项目", "大厅", "窗口", "评估", "数据指标", "好差评",
     "survey", "choices", "settings", "Sheet"]
)  # fmt: skip


@st.composite
def workbooks(draw: st.DrawFn) -> list[tuple[str, list[list[object]]]]:
    names = draw(st.lists(sheet_names, min_size=1, max_size=3, unique=True))
    sheets = []
    for name in names:
        headings = draw(
            st.lists(st.sampled_from([*_HEADINGS, "type", "name", "label", "序号", "junk"]),
                     min_size=1, max_size=10)
        )  # fmt: skip
        rows = draw(
            st.lists(st.lists(cells, min_size=len(headings), max_size=len(headings)), max_size=5)
        )
        sheets.append((name, [list(headings), *rows]))
    return sheets


def _check(error: SpreadsheetError, names: set[str]) -> None:
    assert error.sheet_problems
    for problem in error.sheet_problems:
        assert problem.sheet in names, problem
        assert problem.message
        assert problem.message_en
        if problem.row and problem.column:
            continue
        # A missing column names its heading and the heading row; a missing table or
        # heading row names the sheet.
        assert problem.heading or problem.row == 0, problem


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workbooks(), st.sampled_from(["items", "halls", "assessment", "reviews", "form"]))
def test_fuzzed_workbooks_give_located_library_errors(
    sheets: list[tuple[str, list[list[object]]]], kind: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.xlsx"
        book = openpyxl.Workbook()
        book.remove(book.active)  # type: ignore[arg-type]
        for name, rows in sheets:
            sheet = book.create_sheet(name)
            for row in rows:
                sheet.append(row)
        book.save(path)
        names = {name for name, _ in sheets} | {"survey", path.name}
        run: Callable[[], object] = {
            "items": lambda: import_items(path, "441324"),
            "halls": lambda: import_halls(path, "441324"),
            "assessment": lambda: import_assessment(path, "441324"),
            "reviews": lambda: import_reviews(path, "441324"),
            "form": lambda: form_from_workbook(path),
        }[kind]
        try:
            run()
        except SpreadsheetError as error:
            _check(error, names)


def test_a_file_that_is_no_workbook_is_a_library_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SpreadsheetError, match="cannot read"):
        import_items(path, "441324")
    other = tmp_path / "items.ods"
    other.write_bytes(b"")
    with pytest.raises(SpreadsheetError, match="unsupported file type"):
        import_items(other, "441324")
