"""Reading ``.xlsx`` workbooks and ``.csv`` files into plain grids of cell values.

Merged cells are filled with the value of their top-left cell (a department merged over
the rows of its items belongs to each of them); formulas give their last computed value;
a CSV file is one sheet named after the file, read as UTF-8 (with or without a byte-order
mark) or, failing that, as GB 18030 as Chinese Excel saves it.
"""

from __future__ import annotations

import csv
import io
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
        MissingDependencyError: If an ``.xlsx`` file is given and openpyxl is missing.
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
    try:
        import openpyxl  # noqa: PLC0415 - optional dependency, loaded when used
    except ImportError:  # pragma: no cover - installed with the test dependencies
        raise MissingDependencyError from None
    try:
        book = openpyxl.load_workbook(file, data_only=True)
    except (OSError, KeyError, ValueError, TypeError, EOFError) as exc:
        raise _unreadable(file, str(exc) or type(exc).__name__) from exc
    except Exception as exc:  # zipfile.BadZipFile and openpyxl's own parse errors
        raise _unreadable(file, str(exc) or type(exc).__name__) from exc
    grids = []
    for sheet in book.worksheets:
        width = min(sheet.max_column or 0, _MAX_COLUMNS)
        height = min(sheet.max_row or 0, _MAX_ROWS)
        grid: list[list[object]] = [
            list(row)
            for row in sheet.iter_rows(min_row=1, max_row=height, max_col=width, values_only=True)
        ]
        for merged in sheet.merged_cells.ranges:
            top, left = merged.min_row - 1, merged.min_col - 1
            if top >= len(grid) or left >= width:
                continue
            value = grid[top][left]
            for r in range(top, min(merged.max_row, len(grid))):
                for c in range(left, min(merged.max_col, width)):
                    grid[r][c] = value
        grids.append(Grid(name=sheet.title, rows=tuple(tuple(row) for row in grid)))
    book.close()
    return tuple(grids)
