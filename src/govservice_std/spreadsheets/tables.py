"""Column mappings and the reading of one table (a heading row, then records) from a sheet.

A :class:`TableSpec` names a table (``items``, ``materials``, ``halls`` …), the sheet
names it is looked for under, and its :class:`ColumnSpec` list: which model field each
column fills, the headings it is recognised by (the national element names first), and the
parser for its cells. Headings are matched after removing spaces, line breaks and the
``*`` that marks required columns, with full-width letters and digits made half-width.

A county whose files use other headings adds them with a mapping file (TOML), one table
per section, field → extra headings::

    [items]
    name = ["服务事项名称"]
    promised_limit_days = ["承诺时限（工作日）"]
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import attrs

from govservice_std.errors import DataProblem, InvalidDataError
from govservice_std.spreadsheets._problems import CellError, SheetProblem
from govservice_std.spreadsheets.cells import Parser, blank
from govservice_std.spreadsheets.reader import Grid

__all__ = [
    "ColumnSpec",
    "Overrides",
    "Record",
    "TableSpec",
    "load_overrides",
    "normalize_heading",
    "read_table",
]

Overrides = Mapping[str, Mapping[str, Sequence[str]]]
"""Extra headings: table name → field → headings."""

_HEADER_SCAN = 15


def normalize_heading(heading: object) -> str:
    r"""A heading as compared: NFKC, no white space, no ``*`` required marks.

    >>> normalize_heading(" *承诺办结\n时限（工作日） ")
    '承诺办结时限(工作日)'
    """
    text = unicodedata.normalize("NFKC", str(heading))
    return re.sub(r"[\s*]+", "", text)


@attrs.frozen
class ColumnSpec:
    """One column of a table.

    Attributes:
        key: The model field it fills.
        headings: The headings it is recognised by; the first is the one written.
        heading_en: Its English heading (also recognised).
        parse: The cell parser.
        required: Whether every record must have a value.
        description: What the column holds, for the reference page.
    """

    key: str
    headings: tuple[str, ...]
    heading_en: str
    parse: Parser
    required: bool = False
    description: str = ""

    @property
    def heading(self) -> str:
        """The heading written into exported workbooks and templates."""
        return self.headings[0]


@attrs.frozen
class TableSpec:
    """A table: where it is found and its columns.

    Attributes:
        name: The table's name in mapping files (``items``).
        sheets: Sheet names it is looked for under; the first is the one written.
        sheet_en: Its English sheet name (also recognised).
        columns: Its columns.
        description: What one record is, for the reference page.
    """

    name: str
    sheets: tuple[str, ...]
    sheet_en: str
    columns: tuple[ColumnSpec, ...]
    description: str = ""

    def column(self, key: str) -> ColumnSpec:
        """The column filling ``key``."""
        for spec in self.columns:
            if spec.key == key:
                return spec
        raise KeyError(key)

    def with_overrides(self, overrides: Overrides) -> TableSpec:
        """This table with the extra headings of ``overrides`` in front of its own."""
        extra = overrides.get(self.name, {})
        if not extra:
            return self
        columns = tuple(
            attrs.evolve(c, headings=(*extra.get(c.key, ()), *c.headings)) for c in self.columns
        )
        return attrs.evolve(self, columns=columns)

    def matches_sheet(self, name: str) -> bool:
        """Whether a sheet of this name holds this table."""
        wanted = {normalize_heading(s) for s in (*self.sheets, self.sheet_en)}
        return normalize_heading(name).lower() in {w.lower() for w in wanted}


@attrs.frozen
class Record:
    """One row of a table, read.

    Attributes:
        sheet: The sheet's name.
        row: Its 1-based row number.
        values: Field → parsed value (blank cells left out).
        cells: Field → (column number, heading as written).
        failed: Whether a cell of the row could not be read (its problems are reported).
    """

    sheet: str
    row: int
    values: dict[str, object]
    cells: dict[str, tuple[int, str]]
    failed: bool = False

    def problem(self, key: str | None, message: str, message_en: str) -> SheetProblem:
        """A problem located at this record's cell for ``key`` (or the row)."""
        column, heading = self.cells.get(key, (0, "")) if key else (0, "")
        return SheetProblem(self.sheet, self.row, column, heading, message, message_en)


def load_overrides(
    path: Path | str, tables: Iterable[TableSpec]
) -> dict[str, dict[str, list[str]]]:
    """Read a mapping file (see the module docs).

    Raises:
        InvalidDataError: If the file does not parse, names an unknown table or field, or
            gives anything but a list of headings.
    """
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidDataError([DataProblem("", f"cannot read: {exc}")], source=str(file)) from exc
    known = {t.name: {c.key for c in t.columns} for t in tables}
    problems: list[DataProblem] = []
    out: dict[str, dict[str, list[str]]] = {}
    for table, fields in data.items():
        if table not in known:
            problems.append(
                DataProblem(table, f"unknown table (known: {', '.join(sorted(known))})")
            )
            continue
        if not isinstance(fields, dict):
            problems.append(DataProblem(table, "must be a table of field = [headings]"))
            continue
        for key, headings in fields.items():
            if key not in known[table]:
                allowed = ", ".join(sorted(known[table]))
                problems.append(DataProblem(f"{table}.{key}", f"unknown field (known: {allowed})"))
            elif not (
                isinstance(headings, list)
                and headings
                and all(isinstance(h, str) and h.strip() for h in headings)
            ):
                problems.append(DataProblem(f"{table}.{key}", "must be a list of headings"))
            else:
                out.setdefault(table, {})[key] = list(headings)
    if problems:
        raise InvalidDataError(problems, source=str(file))
    return out


def _lookup(spec: TableSpec) -> dict[str, ColumnSpec]:
    found: dict[str, ColumnSpec] = {}
    for column in spec.columns:
        for heading in (*column.headings, column.heading_en, column.key):
            found.setdefault(normalize_heading(heading).lower(), column)
    return found


def _header_row(grid: Grid, lookup: Mapping[str, ColumnSpec]) -> tuple[int, int]:
    """(index of the heading row, how many known headings it has); (-1, 0) if none."""
    best, score = -1, 0
    for index, row in enumerate(grid.rows[:_HEADER_SCAN]):
        hits = len(
            {
                lookup[key].key
                for cell in row
                if not blank(cell) and (key := normalize_heading(cell).lower()) in lookup
            }
        )
        if hits > score:
            best, score = index, hits
    return best, score


def find_sheet(grids: Sequence[Grid], spec: TableSpec, *, optional: bool = False) -> Grid | None:
    """The sheet holding ``spec``: by name, else (for a main table) by its headings."""
    for grid in grids:
        if spec.matches_sheet(grid.name):
            return grid
    if optional:
        return None
    lookup = _lookup(spec)
    scored = [(_header_row(grid, lookup)[1], -i, grid) for i, grid in enumerate(grids)]
    scored = [s for s in scored if s[0] >= 2]
    return max(scored, key=lambda s: (s[0], s[1]))[2] if scored else None


def read_table(grid: Grid, spec: TableSpec) -> tuple[list[Record], list[SheetProblem]]:
    """Read the records of ``spec`` from ``grid``, collecting every problem.

    Blank rows are skipped; so are rows whose mapped cells are all empty (a row that only
    numbers the lines, a footnote). A column named twice is a problem; a missing required
    column is one problem, not one per row.
    """
    lookup = _lookup(spec)
    header, _score = _header_row(grid, lookup)
    problems: list[SheetProblem] = []
    if header < 0:
        expected = "、".join(c.heading for c in spec.columns if c.required)
        expected_en = ", ".join(c.heading_en for c in spec.columns if c.required)
        problems.append(
            SheetProblem(
                grid.name,
                0,
                0,
                "",
                f"找不到标题行（应有：{expected}）",
                f"no heading row found (expected: {expected_en})",
            )
        )
        return [], problems
    columns: dict[str, tuple[int, str]] = {}
    for index, cell in enumerate(grid.rows[header]):
        if blank(cell):
            continue
        column = lookup.get(normalize_heading(cell).lower())
        if column is None:
            continue
        heading = str(cell).strip()
        if column.key in columns:
            first = columns[column.key][1]
            problems.append(
                SheetProblem(
                    grid.name,
                    header + 1,
                    index + 1,
                    heading,
                    f"与“{first}”是同一项，只能出现一列",
                    f"the same field as {first!r}: give it once",
                )
            )
            continue
        columns[column.key] = (index, heading)
    problems.extend(
        SheetProblem(
            grid.name,
            header + 1,
            0,
            column.heading,
            f"缺少必需的列“{column.heading}”",
            f"required column {column.heading!r} ({column.heading_en}) is missing",
        )
        for column in spec.columns
        if column.required and column.key not in columns
    )
    if any(column.required and column.key not in columns for column in spec.columns):
        return [], problems  # one problem per missing column, not one per row
    by_key = {c.key: c for c in spec.columns}
    records: list[Record] = []
    for number, row in enumerate(grid.rows[header + 1 :], start=header + 2):
        cells = {
            key: row[index] if index < len(row) else None for key, (index, _) in columns.items()
        }
        if all(blank(v) for v in cells.values()):
            continue
        values: dict[str, object] = {}
        before = len(problems)
        where = {key: (index + 1, heading) for key, (index, heading) in columns.items()}
        for key, raw in cells.items():
            column_index, heading = where[key]
            if blank(raw):
                if by_key[key].required:
                    problems.append(
                        SheetProblem(
                            grid.name, number, column_index, heading, "必填项为空", "is empty"
                        )
                    )
                continue
            try:
                values[key] = by_key[key].parse(raw)
            except CellError as exc:
                problems.append(
                    SheetProblem(
                        grid.name, number, column_index, heading, exc.message, exc.message_en
                    )
                )
        records.append(Record(grid.name, number, values, where, len(problems) > before))
    return records, problems
