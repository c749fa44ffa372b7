"""Writing results as Excel workbooks.

:func:`tables_from_json` turns the JSON document a command prints with ``--json`` into
:class:`Table` values: the document's single values on a summary sheet, each list of
records on its own sheet (the rectification list of a scorecard among them), each mapping
of records (a summary by tier) on its own sheet with the key as the first column.
:func:`write_tables` writes them: headings in Chinese (English with ``lang="en"``), bold
and frozen, columns as wide as their text (a Chinese character counts twice), numbers as
numbers, ISO dates as dates, shares and rates formatted as percentages.

Because the workbook is built from the same document as the JSON output, its figures are
the JSON's figures.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from govservice_std.spreadsheets._problems import MissingDependencyError

__all__ = ["HEADINGS", "Table", "display_width", "tables_from_json", "write_rows", "write_tables"]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PERCENT = re.compile(r"(rate|share|compression|ratio|_pct)$")

HEADINGS: Mapping[str, tuple[str, str]] = {
    "summary": ("概要", "Summary"),
    "key": ("项目", "Key"),
    "value": ("值", "Value"),
    "hall": ("大厅编码", "Hall"),
    "hall_name": ("大厅名称", "Hall name"),
    "name": ("名称", "Name"),
    "tier": ("层级", "Tier"),
    "locality": ("地区代码", "Locality"),
    "date": ("日期", "Date"),
    "assessor": ("评估单位", "Assessor"),
    "illustrative": ("示例数据", "Illustrative"),
    "model": ("计分模型", "Scoring model"),
    "total": ("总分", "Total"),
    "grade": ("等级", "Grade"),
    "vetoed": ("一票否决", "Vetoed"),
    "aspects": ("各方面得分", "Aspects"),
    "aspect": ("方面", "Aspect"),
    "aspect_name": ("方面名称", "Aspect name"),
    "id": ("编号", "ID"),
    "score": ("得分", "Score"),
    "max": ("满分", "Maximum"),
    "criteria": ("评分明细", "Criteria"),
    "criterion": ("指标编号", "Criterion"),
    "title": ("指标名称", "Title"),
    "requirement": ("要求", "Requirement"),
    "points": ("指标得分", "Points"),
    "max_points": ("分值", "Maximum points"),
    "status": ("状态", "Status"),
    "answer": ("评估结论", "Answer"),
    "target": ("目标值", "Target"),
    "notes": ("说明", "Notes"),
    "evidence": ("佐证材料", "Evidence"),
    "veto": ("否决项", "Veto"),
    "layer": ("设定层级", "Layer"),
    "plugin": ("插件", "Plugin"),
    "changed_by": ("调整层级", "Changed by"),
    "waiver": ("豁免", "Waiver"),
    "source": ("依据", "Source"),
    "rectifications": ("整改清单", "Rectifications"),
    "due": ("整改期限", "Due"),
    "due_estimated": ("期限为估算", "Due estimated"),
    "overdue_orders": ("逾期整改单", "Overdue orders"),
    "overdue": ("逾期未办结", "Overdue"),
    "halls": ("大厅", "Halls"),
    "mean_total": ("平均分", "Mean total"),
    "min_total": ("最低分", "Lowest total"),
    "max_total": ("最高分", "Highest total"),
    "grades": ("等级分布", "Grades"),
    "histogram": ("分数分布", "Histogram"),
    "unassessed": ("未评估", "Unassessed"),
    "overall": ("总体", "Overall"),
    "by_tier": ("按层级", "By tier"),
    "scoring": ("采用的计分模型", "Scoring"),
    "scoring_layer": ("计分模型层级", "Scoring layer"),
    "grades_layer": ("等级层级", "Grades layer"),
    "parameters": ("参数", "Parameters"),
    "unit": ("单位", "Unit"),
    "declared_by": ("声明层级", "Declared by"),
    "removed": ("已删除", "Removed"),
    "tiers": ("适用层级", "Tiers"),
    "method": ("评价方法", "Method"),
    "levels": ("等级设置", "Levels"),
    "metric": ("数据指标", "Metric"),
    "direction": ("方向", "Direction"),
    "by_level": ("按评价等级", "By level"),
    "by_channel": ("按评价渠道", "By channel"),
    "satisfaction_rate": ("满意率", "Satisfaction rate"),
    "good_rate": ("好评率", "Good rate"),
    "bad": ("差评数", "Bad reviews"),
    "follow_up_rate": ("回访率", "Follow-up rate"),
    "rectification_rate": ("整改率", "Rectification rate"),
    "dimensions": ("分维度评分", "Dimensions"),
    "bad_by_window": ("差评按窗口", "Bad by window"),
    "bad_by_staff": ("差评按人员", "Bad by staff"),
    "bad_by_item": ("差评按事项", "Bad by item"),
    "review": ("评价编号", "Review"),
    "window": ("窗口", "Window"),
    "staff": ("工作人员", "Staff"),
    "deadlines_estimated": ("含估算期限", "Deadlines estimated"),
    "basic_counts_as_satisfied": ("基本满意计入满意", "Basic counts as satisfied"),
    "inspection": ("督查编号", "Inspection"),
    "order": ("整改单编号", "Order"),
    "description": ("问题描述", "Description"),
    "closed": ("办结日期", "Closed"),
    "orders": ("整改单", "Orders"),
    "count": ("数量", "Count"),
    "none": ("（无）", "(none)"),
}
"""Headings and sheet names for the keys of the commands' JSON documents (zh, en)."""


def _heading(key: str, lang: str) -> str:
    parts = key.split(".")
    words = [HEADINGS[p][0 if lang == "zh" else 1] if p in HEADINGS else p for p in parts]
    return "·".join(words) if lang == "zh" else " · ".join(words)


@attrs.frozen
class Table:
    """One sheet of an exported workbook.

    Attributes:
        key: The JSON key it comes from (its name when untranslated).
        columns: The JSON keys of its columns.
        rows: Its rows, values as in the JSON document.
    """

    key: str
    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


def _scalar(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _cell(value: object) -> object:
    if isinstance(value, list) and all(_scalar(v) for v in value):
        return "\n".join("" if v is None else str(v) for v in value)
    if isinstance(value, dict | list):
        import json  # noqa: PLC0415

        return json.dumps(value, ensure_ascii=False)
    return value


def _flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and all(_scalar(v) for v in value.values()):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = _cell(value)
    return out


def _records_table(key: str, records: Sequence[Mapping[str, Any]]) -> Table:
    flat = [_flatten(r) for r in records]
    columns = tuple(dict.fromkeys(k for row in flat for k in row))
    return Table(key, columns, tuple(tuple(row.get(c) for c in columns) for row in flat))


def tables_from_json(document: object, *, name: str = "summary") -> list[Table]:
    """The tables of a command's JSON document (see the module docs).

    >>> [t.key for t in tables_from_json({"total": 80, "criteria": [{"id": "HC-01"}]})]
    ['summary', 'criteria']
    """
    tables: list[Table] = []
    summary: list[tuple[object, ...]] = []

    def visit(key: str, value: object) -> None:
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables.append(_records_table(key, value))
        elif isinstance(value, list) and not value:
            tables.append(Table(key, (), ()))
        elif isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            records = [{"key": k, **v} for k, v in value.items()]
            tables.append(_records_table(key, records))
        elif isinstance(value, dict):
            for sub, inner in value.items():
                visit(f"{key}.{sub}", inner)
        else:
            summary.append((key, _cell(value)))

    if isinstance(document, list):
        tables.append(_records_table(name, document) if document else Table(name, (), ()))
        return tables
    if not isinstance(document, dict):
        return [Table(name, ("value",), ((_cell(document),),))]
    for key, value in document.items():
        visit(key, value)
    if summary:
        tables.insert(0, Table("summary", ("key", "value"), tuple(summary)))
    return tables


def display_width(text: str) -> int:
    """Columns ``text`` takes in a spreadsheet: wide (CJK) characters count twice.

    >>> display_width("满意率"), display_width("rate")
    (6, 4)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _openpyxl() -> Any:
    try:
        import openpyxl  # noqa: PLC0415 - optional dependency
    except ImportError:  # pragma: no cover - installed with the test dependencies
        raise MissingDependencyError from None
    return openpyxl


def _sheet_title(title: str, taken: set[str]) -> str:
    clean = re.sub(r"[\[\]:*?/\\]", "_", title)[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate.lower() in taken:
        suffix = f"~{n}"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def write_tables(  # noqa: PLR0912 - one branch per cell format
    tables: Iterable[Table], path: Path | str, *, lang: str = "zh"
) -> None:
    """Write ``tables`` to an ``.xlsx`` workbook, one sheet each (see the module docs).

    Raises:
        MissingDependencyError: If openpyxl is missing.
    """
    openpyxl = _openpyxl()
    from openpyxl.styles import Alignment, Font  # noqa: PLC0415

    book = openpyxl.Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_title(_heading(table.key, lang), taken))
        if table.columns == ("key", "value"):
            headings = [_heading("key", lang), _heading("value", lang)]
        else:
            headings = [_heading(c, lang) for c in table.columns]
        sheet.append(headings or [_heading("none", lang)])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [display_width(h) for h in headings] or [display_width(_heading("none", lang))]
        for row in table.rows:
            values: list[object] = []
            for index, value in enumerate(row):
                label = row[0] if table.columns == ("key", "value") else table.columns[index]
                if table.columns == ("key", "value") and index == 0:
                    value = _heading(str(value), lang)  # noqa: PLW2901 - a translated key
                values.append(_excel_value(value))
                text = "" if value is None else str(value)
                longest = max((display_width(line) for line in text.splitlines()), default=0)
                widths[index] = max(widths[index], longest)
                del label
            sheet.append(values)
            number = sheet.max_row
            for index, value in enumerate(row):
                cell = sheet.cell(row=number, column=index + 1)
                column_key = (
                    str(row[0]) if table.columns == ("key", "value") else table.columns[index]
                )
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                elif (
                    isinstance(value, float)
                    and not isinstance(value, bool)
                    and _PERCENT.search(column_key.rsplit(".", 1)[-1])
                ):
                    cell.number_format = "0.0%"
                elif isinstance(value, str) and "\n" in value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
        from openpyxl.utils import get_column_letter  # noqa: PLC0415

        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 6), 80)
    if not book.worksheets:
        book.create_sheet(_heading("summary", lang))
    book.save(Path(path))


# Control characters other than tab and line breaks cannot be stored in a worksheet.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _excel_value(value: object) -> object:
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, str):
        return _ILLEGAL.sub("\ufffd", value)
    return value


def write_rows(sheets: Mapping[str, Sequence[Sequence[object]]], path: Path | str) -> None:
    """Write plain rows, one sheet per key, the first row bold and frozen.

    Raises:
        MissingDependencyError: If openpyxl is missing.
    """
    openpyxl = _openpyxl()
    from openpyxl.styles import Font  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        widths: dict[int, int] = {}
        for row in rows:
            sheet.append([_ILLEGAL.sub("\ufffd", v) if isinstance(v, str) else v for v in row])
            for index, value in enumerate(row, start=1):
                text = "" if value is None else str(value)
                widths[index] = max(widths.get(index, 0), display_width(text))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for index, width in widths.items():
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 6), 80)
    book.save(Path(path))
