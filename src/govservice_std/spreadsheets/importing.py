"""Importing a county's workbooks into the data files a locality plugin ships.

Each ``import_*`` function reads a workbook (``.xlsx``) or a CSV file, maps its columns by
heading (:mod:`govservice_std.spreadsheets.mapping`), checks every record against the
library's models and returns the files to write, as text keyed by their path relative to
the output folder. Every problem of the file is collected first, each with its sheet, row,
column and heading; when there is any, nothing is returned but a
:class:`~govservice_std.spreadsheets.SpreadsheetError` carrying them all.

:func:`write_files` writes the result only after everything has been checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import attrs
import tomli_w

from govservice_std.errors import InvalidDataError
from govservice_std.evaluation.assessment import Answer, Assessment
from govservice_std.evaluation.reviews import Review, ReviewsDocument
from govservice_std.halls import HALLS_FILE, Hall, HallsDocument, Window
from govservice_std.items import ITEMS_FILE, Fee, ItemsDocument, Material, ServiceItem
from govservice_std.registry import Registry
from govservice_std.serialization import structure, unstructure
from govservice_std.spreadsheets import mapping as m
from govservice_std.spreadsheets._problems import SheetProblem, SpreadsheetError
from govservice_std.spreadsheets.reader import Grid, read_workbook
from govservice_std.spreadsheets.tables import (
    Overrides,
    Record,
    TableSpec,
    find_sheet,
    read_table,
)

__all__ = [
    "ImportResult",
    "SpreadsheetError",
    "import_assessment",
    "import_halls",
    "import_items",
    "import_reviews",
    "write_files",
]

T = TypeVar("T")


@attrs.frozen
class ImportResult:
    """What an import produces.

    Attributes:
        files: Path relative to the output folder → file text (TOML).
        records: How many records were read, per table.
    """

    files: dict[str, str]
    records: dict[str, int]


def write_files(result: ImportResult, out: Path | str) -> list[Path]:
    """Write ``result``'s files under ``out`` (creating folders); returns the paths."""
    root = Path(out)
    written = []
    for relative, text in result.files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def _toml(header: str, obj: Any) -> str:
    data = unstructure(obj)
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comment + tomli_w.dumps(data)


def _nest(values: Mapping[str, object]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        head, _, rest = key.partition(".")
        if rest:
            out.setdefault(head, {})[rest] = value
        else:
            out[key] = value
    return out


# The models' own messages are in English; these are the ones a county's cells meet most.
_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), zh)
    for pattern, zh in (
        (r"required field missing", "必填项为空"),
        (r"must not be empty", "不能为空"),
        (r"承诺时限 (\d+) exceeds the 法定时限 (\d+) of item .*", r"承诺时限 \1 超过法定时限 \2"),
        (r"a 即办件 is handled on the spot: must be 0 \(got (\d+)\)",
         r"即办件当场办结，承诺时限应为 0（实为 \1）"),
        (r"must name at least one hall tier", "至少应有一个行使层级"),
        (r"must not repeat a tier", "行使层级重复"),
        (r"must not repeat a value", "不应重复"),
        (r"must be 0–20 visits \(got (-?\d+)\)", r"到现场次数应为 0–20（实为 \1）"),
        (r"must be 1–100 copies \(got (-?\d+)\)", r"份数应为 1–100（实为 \1）"),
        (r"an item with no visit \(零跑动\) needs an online, mobile or assisted channel",
         "零跑动事项须有网上办、掌上办或帮办代办渠道"),
        (r"an item with no visit \(零跑动\) cannot deliver its result at the window only",
         "零跑动事项的办理结果不能仅限窗口领取"),
        (r"material (.*) is fetched by the hall \(免提交\): it cannot also be deferred \(容缺\)",
         r"材料 \1 已免提交，不能同时容缺"),
        (r"material (.*) is not required: only a required material can be deferred \(容缺\)",
         r"材料 \1 非必要，只有必要材料才能容缺"),
        (r"a 主项 has no parent", "主项不应有上级事项编码"),
        (r"a (\S+) needs its parent's code", r"\1须填写上级事项编码"),
        (r"must be 0–3650 working days \(got (-?\d+)\)", r"应为 0–3650 个工作日（实为 \1）"),
        (r"must be >= (\S+) \(got (\S+)\)", r"应不小于 \1（实为 \2）"),
        (r"must be 6, 9 or 12 ASCII digits \(got (.*)\)", r"应为 6、9 或 12 位数字（实为 \1）"),
        *(
            (rf"a (\w+)-tier hall needs a {word}-digit code \(got (.*)\)",
             rf"该层级的大厅需要 {digits} 位区划代码（实为 \2）")
            for word, digits in (("six", 6), ("nine", 9), ("twelve", 12))
        ),
        (
            (r"must be 1-64 ASCII letters, digits, '_', '\.' or '-', starting with a letter "
             r"or digit \(got (.*)\)"),
            r"应为 1–64 位字母、数字、“_”“.”或“-”（实为 \1）",
        ),
        (r"give only one of met, level and value.*", "达标、等级和实测值只能填写一项"),
    )
)  # fmt: skip


def _zh(message: str) -> str:
    """A model's English message in Chinese where it is a known one, else as it is."""
    for pattern, zh in _ZH:
        if pattern.fullmatch(message):
            return pattern.sub(zh, message)
    return message


def _build(
    record: Record,
    cls: type[T],
    values: Mapping[str, object],
    problems: list[SheetProblem],
) -> T | None:
    """``cls`` from a record's values, each model problem placed at its column."""
    if record.failed:
        return None
    try:
        return structure(_nest(values), cls)
    except InvalidDataError as error:
        for problem in error.problems:
            key = _key_of(problem.path, record)
            problems.append(record.problem(key, _zh(problem.message), problem.message))
        return None


def _key_of(path: str, record: Record) -> str | None:
    """The record field a model path points at (``contact.phone``, ``materials[0]``…)."""
    if path in record.cells:
        return path
    head = re.split(r"[.\[]", path, maxsplit=1)[0]
    if head in record.cells:
        return head
    dotted = ".".join(re.split(r"\.", re.sub(r"\[\d+\]", "", path))[:2])
    return dotted if dotted in record.cells else None


def _read(
    grids: tuple[Grid, ...],
    spec: TableSpec,
    problems: list[SheetProblem],
    *,
    optional: bool = False,
    source: str = "",
) -> list[Record]:
    grid = find_sheet(grids, spec, optional=optional)
    if grid is None:
        if not optional:
            names = "、".join(spec.sheets)
            problems.append(
                SheetProblem(
                    grids[0].name if grids else source,
                    0,
                    0,
                    "",
                    f"找不到{spec.description or spec.name}表"
                    f"（工作表名如：{names}，或带有其标题行）",
                    f"no {spec.sheet_en} table found (a sheet named {spec.sheets[0]!r}"
                    f" or {spec.sheet_en!r}, or one with its headings)",
                )
            )
        return []
    records, found = read_table(grid, spec)
    problems.extend(found)
    return records


def _unique(
    records: Iterable[Record],
    key: Callable[[Record], object],
    field: str,
    problems: list[SheetProblem],
) -> None:
    seen: dict[object, int] = {}
    for record in records:
        value = key(record)
        if value is None:
            continue
        if value in seen:
            problems.append(
                record.problem(
                    field,
                    f"与第 {seen[value]} 行重复：{value}",
                    f"repeats row {seen[value]}: {value}",
                )
            )
        else:
            seen[value] = record.row


def _fail(problems: list[SheetProblem], source: str) -> None:
    if problems:
        ordered = sorted(problems, key=lambda p: (p.sheet, p.row, p.column))
        raise SpreadsheetError(ordered, source=source)


def _chain_types(registry: Registry | None, locality: str) -> dict[str, str]:
    """The item-type table of the locality's chain (its parent's if not installed yet)."""
    from govservice_std.divisions import DivisionCode  # noqa: PLC0415
    from govservice_std.items import NATIONAL_ITEM_TYPES  # noqa: PLC0415

    types = dict(NATIONAL_ITEM_TYPES)
    if registry is None:
        return types
    code: str | None = locality
    while code is not None:
        if any(str(info.code) == code for info in registry.localities()):
            types.update(registry.resolve(code).catalog.item_types)
            break
        parent = DivisionCode(code).parent
        code = str(parent) if parent is not None else None
    return types


def import_items(
    path: Path | str,
    locality: str,
    *,
    registry: Registry | None = None,
    overrides: Overrides | None = None,
) -> ImportResult:
    """Import a service-item catalogue (事项清单) into ``items.toml``.

    The workbook holds the items on one sheet (``事项清单``, or the sheet whose headings
    fit best), and optionally their materials on a ``申请材料`` sheet and fees on a
    ``收费项目`` sheet, each keyed by 事项编码.

    Args:
        path: The ``.xlsx`` or ``.csv`` file.
        locality: The division code of the layer the items belong to.
        registry: Installed plugins, to know the chain's item types (national ones only
            when ``None``).
        overrides: Extra headings (:func:`~govservice_std.spreadsheets.load_overrides`).

    Raises:
        SpreadsheetError: With every problem, each at its sheet, row and column.
    """
    source = str(path)
    grids = read_workbook(path)
    extra = overrides or {}
    types = _chain_types(registry, locality)
    items_spec = m.items_table(types).with_overrides(extra)
    problems: list[SheetProblem] = []
    records = _read(grids, items_spec, problems, source=source)
    materials = _read(grids, m.MATERIALS.with_overrides(extra), problems, optional=True)
    fees = _read(grids, m.FEES.with_overrides(extra), problems, optional=True)
    _unique(records, lambda r: r.values.get("code"), "code", problems)
    codes = {r.values.get("code") for r in records}
    by_item: dict[str, dict[str, list[object]]] = {}
    pairs: tuple[tuple[str, list[Record], type[Any]], ...] = (
        ("materials", materials, Material),
        ("fees", fees, Fee),
    )
    for kind, rows, cls in pairs:
        for record in rows:
            code = record.values.get("item")
            if code is not None and code not in codes:
                problems.append(
                    record.problem(
                        "item", f"事项清单中没有编码为 {code} 的事项", f"no item {code!r}"
                    )
                )
                continue
            values = {k: v for k, v in record.values.items() if k != "item"}
            built = _build(record, cls, values, problems)
            if built is not None and isinstance(code, str):
                by_item.setdefault(code, {}).setdefault(kind, []).append(built)
    items: list[ServiceItem] = []
    for record in records:
        values = dict(record.values)
        code = values.get("code")
        sheet_rows = by_item.get(code, {}) if isinstance(code, str) else {}
        for kind in ("materials", "fees"):
            if kind in sheet_rows:
                values[kind] = [unstructure(x) for x in sheet_rows[kind]]
        item = _build(record, ServiceItem, values, problems)
        if item is not None:
            items.append(item)
    for record in records:
        parent = record.values.get("parent")
        if isinstance(parent, str) and parent not in codes:
            problems.append(
                record.problem(
                    "parent", f"事项清单中没有上级事项 {parent}", f"no parent item {parent!r}"
                )
            )
    _fail(problems, source)
    document = ItemsDocument(
        items=items, notes=f"Imported from {Path(path).name}.", sources=[Path(path).name]
    )
    header = f"Service items of {locality}, imported from {Path(path).name} by govstd import."
    return ImportResult(
        files={ITEMS_FILE: _toml(header, document)},
        records={"items": len(items), "materials": len(materials), "fees": len(fees)},
    )


def import_halls(
    path: Path | str,
    locality: str,
    *,
    overrides: Overrides | None = None,
) -> ImportResult:
    """Import halls (``大厅`` sheet) and their windows (``窗口`` sheet) into ``halls.toml``.

    Raises:
        SpreadsheetError: With every problem, each at its sheet, row and column.
    """
    source = str(path)
    grids = read_workbook(path)
    extra = overrides or {}
    problems: list[SheetProblem] = []
    records = _read(grids, m.HALLS.with_overrides(extra), problems, source=source)
    windows = _read(grids, m.WINDOWS.with_overrides(extra), problems, optional=True)
    _unique(records, lambda r: r.values.get("code"), "code", problems)
    _unique(
        windows,
        lambda r: (r.values.get("hall"), r.values.get("code")) if "code" in r.values else None,
        "code",
        problems,
    )
    codes = {r.values.get("code") for r in records}
    by_hall: dict[str, list[Window]] = {}
    for record in windows:
        hall = record.values.get("hall")
        if hall not in codes:
            problems.append(
                record.problem("hall", f"大厅表中没有编码为 {hall} 的大厅", f"no hall {hall!r}")
            )
            continue
        values = {k: v for k, v in record.values.items() if k != "hall"}
        window = _build(record, Window, values, problems)
        if window is not None and isinstance(hall, str):
            by_hall.setdefault(hall, []).append(window)
    halls: list[Hall] = []
    for record in records:
        values = dict(record.values)
        code = values.get("code")
        if isinstance(code, str) and code in by_hall:
            values["windows"] = [unstructure(w) for w in by_hall[code]]
        built = _build(record, Hall, values, problems)
        if built is not None:
            halls.append(built)
    _fail(problems, source)
    document = HallsDocument(halls=tuple(halls), sources=(Path(path).name,))
    header = f"Halls of {locality}, imported from {Path(path).name} by govstd import."
    return ImportResult(
        files={HALLS_FILE: _toml(header, document)},
        records={"halls": len(halls), "windows": len(windows)},
    )


def _missing_date(record: Record) -> SheetProblem:
    located: SheetProblem = record.problem("date", "缺少评估日期", "no assessment date")
    # With no 评估日期 column at all, name the heading the sheet should have.
    return located if located.heading else attrs.evolve(located, heading="评估日期")


def import_assessment(
    path: Path | str,
    locality: str,
    *,
    overrides: Overrides | None = None,
) -> ImportResult:
    """Import assessors' answers (``评估`` sheet) and metrics (``数据指标`` sheet).

    Each hall in the answers gets its own ``assessment-<hall>.toml``; the metrics sheet
    may name a hall per row, or leave it empty to apply to every hall.

    Raises:
        SpreadsheetError: With every problem, each at its sheet, row and column.
    """
    source = str(path)
    grids = read_workbook(path)
    extra = overrides or {}
    problems: list[SheetProblem] = []
    answers = _read(grids, m.ANSWERS.with_overrides(extra), problems, source=source)
    metrics = _read(grids, m.METRICS.with_overrides(extra), problems, optional=True)
    _unique(
        answers,
        lambda r: (r.values.get("hall"), r.values.get("criterion")),
        "criterion",
        problems,
    )
    halls: dict[str, dict[str, Any]] = {}
    for record in answers:
        hall = str(record.values.get("hall", ""))
        head = halls.setdefault(hall, {"hall": hall, "locality": locality, "answers": []})
        for key in ("date", "assessor", "period"):
            if key not in record.values:
                continue
            value = record.values[key]
            if key in head and head[key] != value:
                problems.append(
                    record.problem(
                        key,
                        f"同一大厅的评估只能有一个值（前面为 {head[key]}）",
                        f"one value per hall's assessment (earlier rows give {head[key]})",
                    )
                )
            head[key] = value
        answer = {k: v for k, v in record.values.items() if k not in ("hall", *m.ASSESSMENT_KEYS)}
        if _build(record, Answer, answer, problems) is not None:
            head["answers"].append(answer)
    for record in metrics:
        named = record.values.get("hall")
        targets = [halls[named]] if isinstance(named, str) and named in halls else []
        if named is None:
            targets = list(halls.values())
        elif not targets:
            problems.append(
                record.problem("hall", f"评估表中没有大厅 {named}", f"no hall {named!r} assessed")
            )
        for head in targets:
            head.setdefault("metrics", {})[record.values.get("metric")] = record.values.get("value")
    files: dict[str, str] = {}
    first = {str(r.values.get("hall", "")): r for r in answers}
    for hall, head in halls.items():
        if "date" not in head:
            problems.append(_missing_date(first[hall]))
            continue
        assessment = _build(first[hall], Assessment, head, problems)
        if assessment is not None:
            files[f"assessment-{hall}.toml"] = _toml(
                f"Assessment of {hall}, imported from {Path(path).name} by govstd import.",
                assessment,
            )
    _fail(problems, source)
    return ImportResult(files=files, records={"answers": len(answers), "metrics": len(metrics)})


def import_reviews(
    path: Path | str,
    locality: str,
    *,
    overrides: Overrides | None = None,
) -> ImportResult:
    """Import a 好差评 log (``好差评`` sheet) into ``reviews-<locality>.toml``.

    Raises:
        SpreadsheetError: With every problem, each at its sheet, row and column.
    """
    source = str(path)
    grids = read_workbook(path)
    problems: list[SheetProblem] = []
    records = _read(grids, m.REVIEWS.with_overrides(overrides or {}), problems, source=source)
    _unique(records, lambda r: r.values.get("id"), "id", problems)
    reviews = [
        review
        for record in records
        if (review := _build(record, Review, record.values, problems)) is not None
    ]
    _fail(problems, source)
    document = ReviewsDocument(reviews=tuple(reviews), notes=f"Imported from {Path(path).name}.")
    return ImportResult(
        files={
            f"reviews-{locality}.toml": _toml(
                f"好差评 reviews of {locality}, imported from {Path(path).name} by govstd import.",
                document,
            )
        },
        records={"reviews": len(reviews)},
    )
