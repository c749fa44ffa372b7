"""Spreadsheets in and out: a county's workbooks become plugin data, results become Excel.

* ``govservice_std.spreadsheets.importing`` reads halls, 事项清单, assessments and 好差评
  logs from ``.xlsx`` or ``.csv`` files and writes the TOML files the loaders read, reporting
  every problem with its sheet, row, column and heading.
* :mod:`~govservice_std.spreadsheets.xlsform` turns an XLSForm-style survey/choices
  workbook into a :class:`~govservice_std.forms.spec.FormSpec` and back.
* :mod:`~govservice_std.spreadsheets.export` writes results as workbooks.

Reading and writing ``.xlsx`` needs the ``spreadsheets`` extra (python-calamine reads,
openpyxl writes); CSV needs nothing more.
"""

from __future__ import annotations

from govservice_std.spreadsheets._problems import (
    CellError,
    MissingDependencyError,
    SheetProblem,
    SpreadsheetError,
)
from govservice_std.spreadsheets.importing import (
    ImportResult,
    import_assessment,
    import_halls,
    import_items,
    import_reviews,
    write_files,
)
from govservice_std.spreadsheets.tables import load_overrides

__all__ = [
    "CellError",
    "ImportResult",
    "MissingDependencyError",
    "SheetProblem",
    "SpreadsheetError",
    "import_assessment",
    "import_halls",
    "import_items",
    "import_reviews",
    "load_overrides",
    "write_files",
]
