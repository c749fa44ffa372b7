"""Reading ``.xlsx`` workbooks and ``.csv`` files into plain grids of cell values.

Workbooks are read with python-calamine. Merged cells are filled with the value of their
top-left cell (a department merged over the rows of its items belongs to each of them);
formulas give their last computed value;
a CSV file is one sheet named after the file, read as UTF-8 (with or without a byte-order
mark) or, failing that, as GB 18030 as Chinese Excel saves it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import attrs

from govservice_std.spreadsheets._problems import (
    MissingDependencyError,
    SheetProblem,
    SpreadsheetError,
)

__all__ = ["Grid", "read_workbook"]

_MAX_ROWS = 200_000
_MAX_COLUMNS = 200


@attrs.frozen
class Grid:
    """One sheet's cell values.

    Attributes:
        name: The sheet's name.
        rows: Each row's values, from row 1; ``None`` for an empty cell.
    """

    name: str
    rows: tuple[tuple[object, ...], ...]


def read_workbook(path: Path | str) -> tuple[Grid, ...]:
    """Read every sheet of an ``.xlsx`` workbook, or the one table of a ``.csv`` file.

    Raises:
        SpreadsheetError: If the file cannot be read as a workbook or CSV file.
        MissingDependencyError: If an ``.xlsx`` file is given and python-calamine is
            missing.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix == ".csv":
        return (_read_csv(file),)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(file)
    raise SpreadsheetError(
        [SheetProblem(file.name, 0, 0, "", "不支持的文件类型：请用 .xlsx 或 .csv", _UNSUPPORTED)],
        source=str(file),
    )


_UNSUPPORTED = "unsupported file type: use .xlsx or .csv"


def _unreadable(file: Path, reason: str) -> SpreadsheetError:
    return SpreadsheetError(
        [SheetProblem(file.name, 0, 0, "", f"无法读取文件：{reason}", f"cannot read: {reason}")],
        source=str(file),
    )


def _read_csv(file: Path) -> Grid:
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise _unreadable(file, exc.strerror or str(exc)) from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            content = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise _unreadable(file, "unknown encoding")
    try:
        rows = [
            tuple(cell if cell.strip() else None for cell in row)
            for row in csv.reader(io.StringIO(content, newline=""))
        ]
    except csv.Error as exc:
        raise _unreadable(file, str(exc)) from exc
    return Grid(name=file.stem, rows=tuple(rows[:_MAX_ROWS]))


def _read_xlsx(file: Path) -> tuple[Grid, ...]:
    # python-calamine reads a workbook an order of magnitude faster than openpyxl and
    # reports merged ranges, which openpyxl's fast read-only mode does not.
    try:
        from python_calamine import CalamineWorkbook  # noqa: PLC0415 - optional dependency
    except ImportError:  # pragma: no cover - installed with the test dependencies
        raise MissingDependencyError from None
    grids = []
    try:
        book = CalamineWorkbook.from_path(str(file))
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)[:_MAX_ROWS]
            merged = sheet.merged_cell_ranges or []
            grids.append(Grid(name=name, rows=_fill(rows, merged)))
    except Exception as exc:  # calamine's own errors: not a zip, not a workbook, bad XML
        raise _unreadable(file, str(exc) or type(exc).__name__) from exc
    return tuple(grids)


def _fill(
    rows: Sequence[Sequence[object]], merged: Sequence[tuple[tuple[int, int], tuple[int, int]]]
) -> tuple[tuple[object, ...], ...]:
    """The grid with empty cells as ``None`` and merged ranges filled from their anchor."""
    grid: list[list[object]] = [
        [None if value == "" else value for value in row[:_MAX_COLUMNS]] for row in rows
    ]
    for (top, left), (bottom, right) in merged:
        if top >= len(grid) or left >= _MAX_COLUMNS or left >= len(grid[top]):
            continue
        value = grid[top][left]
        for r in range(top, min(bottom + 1, _MAX_ROWS)):
            while r >= len(grid):
                grid.append([])
            row = grid[r]
            for c in range(left, min(right + 1, _MAX_COLUMNS)):
                while c >= len(row):
                    row.append(None)
                row[c] = value
    return tuple(tuple(row) for row in grid)
