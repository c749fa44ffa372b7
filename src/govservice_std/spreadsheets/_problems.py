"""Problems located in a spreadsheet cell, and the error that carries them."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from govservice_std.errors import DataProblem, GovServiceError, InvalidDataError

__all__ = ["CellError", "SheetProblem", "SpreadsheetError", "column_letter"]


def column_letter(column: int) -> str:
    """The spreadsheet letter of a 1-based column number (1 → ``A``, 28 → ``AB``).

    >>> column_letter(1), column_letter(26), column_letter(28)
    ('A', 'Z', 'AB')
    """
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@attrs.frozen
class SheetProblem:
    """One problem in a workbook, located by sheet, row and column.

    Attributes:
        sheet: The sheet's name (a CSV file's name for CSV).
        row: The 1-based row number, or 0 when the problem is about the whole sheet.
        column: The 1-based column number, or 0 when the problem is about a whole row
            or a missing column.
        heading: The column's heading (as written in the file, or the expected one).
        message: What is wrong, in Chinese.
        message_en: What is wrong, in English.
    """

    sheet: str
    row: int
    column: int
    heading: str
    message: str
    message_en: str

    @property
    def cell(self) -> str:
        """The cell's address (``C5``), the column letter alone, the row, or ``""``."""
        letter = column_letter(self.column) if self.column else ""
        row = str(self.row) if self.row else ""
        return f"{letter}{row}"

    def localized(self, lang: str = "zh") -> str:
        """The problem with its location, in ``lang`` (``"zh"`` or ``"en"``)."""
        if lang == "zh":
            where = [f"工作表“{self.sheet}”"]
            if self.row:
                where.append(f"第 {self.row} 行")
            if self.column:
                where.append(f"{column_letter(self.column)} 列")
            if self.heading:
                where.append(f"（{self.heading}）")
            return f"{' '.join(where)}：{self.message}"
        where = [f"sheet {self.sheet!r}"]
        if self.row:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {column_letter(self.column)}")
        if self.heading:
            where.append(f"({self.heading})")
        return f"{' '.join(where)}: {self.message_en}"

    def as_data_problem(self) -> DataProblem:
        """The problem as a :class:`~govservice_std.errors.DataProblem` (English)."""
        path = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        if self.heading:
            path = f"{path} ({self.heading})"
        return DataProblem(path, self.message_en)


class SpreadsheetError(InvalidDataError):
    """A workbook cannot be imported; carries every problem found, each located in a cell.

    ``str()`` is in English, one line per problem; :meth:`localized` gives Chinese.

    Attributes:
        sheet_problems: Every problem, in sheet and row order.
    """

    def __init__(self, problems: Iterable[SheetProblem], source: str | None = None) -> None:
        self.sheet_problems: tuple[SheetProblem, ...] = tuple(problems)
        super().__init__([p.as_data_problem() for p in self.sheet_problems], source=source)

    def localized(self, lang: str = "zh") -> str:
        """Every problem on its own line, in ``lang``, each prefixed by the file's name."""
        prefix = f"{self.source}: " if self.source else ""
        return "\n".join(f"{prefix}{p.localized(lang)}" for p in self.sheet_problems)


class CellError(ValueError):
    """A cell's value cannot be read as the column needs (raised by the cell parsers).

    Args:
        message: What is wrong, in Chinese.
        message_en: The same in English.
    """

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


class MissingDependencyError(GovServiceError):
    """The optional spreadsheet support is not installed."""

    def __init__(self) -> None:
        super().__init__(
            "reading and writing .xlsx workbooks needs python-calamine and openpyxl: "
            "pip install 'govservice-std[spreadsheets]'"
        )

    def localized(self, lang: str = "zh") -> str:
        """The message in ``lang``."""
        if lang != "zh":
            return str(self)
        return (
            "读写 .xlsx 工作簿需要 python-calamine 和 openpyxl："
            "pip install 'govservice-std[spreadsheets]'"
        )
