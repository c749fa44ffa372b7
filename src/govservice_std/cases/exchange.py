"""Cases in and out as JSON Lines and CSV, under the national element names.

A county loads its provincial platform's export and sends results back with the same
columns. One record is one case; its columns carry the national element names:

==================  =========================================================================
办件编号             the case number (required)
事项编码 / 事项名称    the item (required / optional)
办件类型             即办件, 承诺件, 联办件, 报批件 or 急办件 (required)
承诺时限 / 法定时限    working days (承诺时限 required)
地区编码             the locality's division code (required)
服务场所编码          the hall's code (required)
层级                 county, town or village (optional)
窗口编号 / 经办人 / 取号  the window, staff member and queue ticket (optional)
申请时间             when the application was received (required; ISO 8601)
补正材料             the materials of the 补正 notice, separated by ``;`` (optional)
补正时间             when the 补正 notice was given (with 补正材料; default 申请时间)
受理时间             受理 (ISO 8601), absent if not accepted
不予受理理由          with 办理结果 不予受理
中止                 clock suspensions ``kind:start/end`` separated by ``;``
                    (``hearing:2026-03-02/2026-03-05``; dates; end empty while suspended)
延长天数 / 延长批准人   an approved extension
办结时间 / 办理结果    办结 (ISO 8601) and 准予 / 不予; or 不予受理 / 撤回 with 办结时间 as
                    the day it happened
送达时间             送达 (ISO 8601)
评价编号 / 评价等级 / 评价渠道 / 实名评价 / 评价时间  the case's 好差评 review (optional)
==================  =========================================================================

Times without an offset are China Standard Time. Import checks every record — its fields
and its lifecycle, through the same rules as the commands — and reports every problem with
its line and field; if any record is bad, nothing is imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TextIO

from govservice_std.cases.engine import CaseEngine, case_row, clock_reading, review_row
from govservice_std.cases.events import (
    CaseAccepted,
    CaseDelivered,
    CaseEvent,
    CaseExtended,
    CaseFinished,
    CaseOpened,
    CaseRefused,
    CaseResumed,
    CaseSuspended,
    CaseWithdrawn,
    CorrectionRequested,
    ReviewGiven,
)
from govservice_std.cases.model import SUSPENSION_KINDS, Case, CaseStatus, fold
from govservice_std.errors import CaseError, DataProblem, InvalidDataError, UnknownCaseError
from govservice_std.queues.events import CHINA_TZ, in_china_time

__all__ = [
    "COLUMNS",
    "export_cases",
    "import_cases",
    "read_records",
    "record_of",
    "records_text",
]

COLUMNS = (
    "办件编号", "事项编码", "事项名称", "办件类型", "承诺时限", "法定时限", "地区编码",
    "服务场所编码", "层级", "窗口编号", "经办人", "取号", "申请时间", "补正材料", "补正时间",
    "受理时间", "不予受理理由", "中止", "延长天数", "延长批准人", "办结时间", "办理结果",
    "送达时间", "评价编号", "评价等级", "评价渠道", "实名评价", "评价时间",
)  # fmt: skip
"""The columns of an exchange file, in order."""

_KINDS = {
    "即办件": "immediate", "承诺件": "promised", "联办件": "joint", "报批件": "referred",
    "急办件": "urgent",
}  # fmt: skip
_KIND_NAMES = {v: k for k, v in _KINDS.items()}
_LEVELS = {
    "非常满意": "very_satisfied", "满意": "satisfied", "基本满意": "basically_satisfied",
    "不满意": "dissatisfied", "非常不满意": "very_dissatisfied",
}  # fmt: skip
_LEVEL_NAMES = {v: k for k, v in _LEVELS.items()}
_REQUIRED = ("办件编号", "事项编码", "办件类型", "承诺时限", "地区编码", "服务场所编码", "申请时间")


def read_records(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """The records of a ``.jsonl`` or ``.csv`` file with their line numbers.

    Raises:
        InvalidDataError: For a line that is not a JSON object, or a file of another kind.
    """
    suffix = path.suffix.lower()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        if suffix == ".csv":
            reader = csv.DictReader(handle)
            for row in reader:
                yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}
        elif suffix in (".jsonl", ".ndjson"):
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InvalidDataError(
                        [DataProblem(f"line {number}", f"not JSON: {exc.msg}")], str(path)
                    ) from None
                if not isinstance(data, dict):
                    raise InvalidDataError(
                        [DataProblem(f"line {number}", "not a JSON object")], str(path)
                    )
                yield (
                    number,
                    {
                        str(k): ""
                        if v is None
                        else (str(v) if not isinstance(v, bool) else ("是" if v else "否"))
                        for k, v in data.items()
                    },
                )
        else:
            raise InvalidDataError(
                [DataProblem("", f"unknown file kind {suffix!r} (.csv or .jsonl)")], str(path)
            )


def _moment(text: str) -> dt.datetime:
    return in_china_time(dt.datetime.fromisoformat(text.replace("/", "-")))


class _Row:
    """Reads one record's fields, collecting problems with their field names."""

    def __init__(self, line: int, data: Mapping[str, str]) -> None:
        self.line = line
        self.data = data
        self.problems: list[DataProblem] = []

    def problem(self, field: str, message: str) -> None:
        self.problems.append(DataProblem(f"line {self.line}.{field}", message))

    def text(self, field: str) -> str:
        return self.data.get(field, "").strip()

    def moment(self, field: str) -> dt.datetime | None:
        value = self.text(field)
        if not value:
            return None
        try:
            return _moment(value)
        except ValueError:
            self.problem(field, f"not an ISO 8601 time (got {value!r})")
            return None

    def days(self, field: str) -> int | None:
        value = self.text(field)
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            self.problem(field, f"must be a whole number of working days (got {value!r})")
            return None
        if not 0 <= number <= 3650:
            self.problem(field, f"must be between 0 and 3650 (got {number})")
            return None
        return number


def _events(row: _Row) -> list[CaseEvent]:  # noqa: PLR0912, PLR0915
    for field in _REQUIRED:
        if not row.text(field):
            row.problem(field, "required")
    unknown = sorted(set(row.data) - set(COLUMNS))
    for field in unknown:
        row.problem(field, f"unknown column (columns: {', '.join(COLUMNS)})")
    number = row.text("办件编号")
    kind = _KINDS.get(row.text("办件类型"))
    if row.text("办件类型") and kind is None:
        row.problem("办件类型", f"must be one of {', '.join(_KINDS)}")
    promised = row.days("承诺时限")
    legal = row.days("法定时限")
    received = row.moment("申请时间")
    if row.problems or received is None or kind is None or promised is None:
        return []
    events: list[CaseEvent] = [
        CaseOpened(
            number,
            received,
            row.text("服务场所编码"),
            row.text("地区编码"),
            row.text("事项编码"),
            row.text("事项名称"),
            kind,
            promised,
            legal,
            (),
            row.text("层级"),
            row.text("窗口编号"),
            row.text("经办人"),
            row.text("取号"),
        )
    ]
    materials = tuple(m.strip() for m in row.text("补正材料").split(";") if m.strip())
    if materials:
        at = row.moment("补正时间") or received
        events.append(CorrectionRequested(number, at, materials))
    accepted = row.moment("受理时间")
    result = row.text("办理结果")
    finished = row.moment("办结时间")
    if result == "不予受理":
        events.append(
            CaseRefused(number, finished or received, row.text("不予受理理由") or "（导入）")
        )
    elif accepted is not None:
        events.append(CaseAccepted(number, accepted))
    for part in filter(None, (p.strip() for p in row.text("中止").split(";"))):
        kind_text, _, span = part.partition(":")
        start_text, _, end_text = span.partition("/")
        try:
            start = dt.date.fromisoformat(start_text)
            end = dt.date.fromisoformat(end_text) if end_text else None
        except ValueError:
            row.problem("中止", f"not kind:start/end with ISO dates (got {part!r})")
            continue
        if kind_text not in SUSPENSION_KINDS:
            row.problem(
                "中止", f"unknown kind {kind_text!r} (kinds: {', '.join(SUSPENSION_KINDS)})"
            )
            continue
        events.append(
            CaseSuspended(
                number, dt.datetime.combine(start, dt.time(9), CHINA_TZ), kind_text, "（导入）"
            )
        )
        if end is not None:
            events.append(CaseResumed(number, dt.datetime.combine(end, dt.time(9), CHINA_TZ)))
    extension = row.days("延长天数")
    if extension:
        events.append(
            CaseExtended(
                number,
                accepted or received,
                extension,
                row.text("延长批准人") or "（导入）",
                "（导入）",
            )
        )
    if result in ("准予", "不予"):
        if finished is None:
            row.problem("办结时间", "required with 办理结果 准予 or 不予")
        else:
            events.append(
                CaseFinished(number, finished, "granted" if result == "准予" else "denied")
            )
    elif result == "撤回":
        events.append(CaseWithdrawn(number, finished or received, "（导入）"))
    elif result not in ("", "不予受理"):
        row.problem("办理结果", "must be 准予, 不予, 不予受理 or 撤回")
    delivered = row.moment("送达时间")
    if delivered is not None:
        events.append(CaseDelivered(number, delivered))
    review = row.text("评价编号")
    if review:
        level = _LEVELS.get(row.text("评价等级"))
        if level is None:
            row.problem("评价等级", f"must be one of {', '.join(_LEVELS)}")
        else:
            events.append(
                ReviewGiven(
                    number,
                    row.moment("评价时间") or finished or received,
                    review,
                    level,
                    row.text("评价渠道") or "on_site",
                    row.text("实名评价") in ("是", "1", "true"),
                )
            )
    # Events in time order; an extension recorded at acceptance follows it.
    return events


def import_cases(engine: CaseEngine, path: Path) -> int:
    """Import a ``.csv`` or ``.jsonl`` file of cases into the engine's store.

    Every record is checked first — its fields, and its lifecycle through the same rules as
    the commands — and every problem is reported with its line and field; if there is any,
    nothing is imported. Otherwise all records are written in one transaction.

    Returns:
        How many cases were imported.

    Raises:
        InvalidDataError: Listing every bad record's line and field.
    """
    problems: list[DataProblem] = []
    ready: list[tuple[Case, list[CaseEvent]]] = []
    seen: dict[str, int] = {}
    for line, data in read_records(path):
        row = _Row(line, data)
        events = _events(row)
        number = row.text("办件编号")
        if number in seen:
            row.problem("办件编号", f"also on line {seen[number]}")
        seen.setdefault(number, line)
        case: Case | None = None
        if not row.problems:
            try:
                case = fold(events)
            except CaseError as exc:
                row.problem("办理结果", str(exc))
        problems.extend(row.problems)
        if case is not None and not row.problems:
            ready.append((case, events))
    if problems:
        raise InvalidDataError(problems, str(path))
    today = engine.now().date()
    with engine.store.transaction() as tx:
        for case, events in ready:
            if tx.events(case.number):
                problems.append(
                    DataProblem(f"line {seen[case.number]}.办件编号", "already in the store")
                )
                continue
            tx.append(events)
            clock = engine.clock_of(case.opened.locality)
            tx.put_case(case_row(case, clock_reading(clock, case, today)))
            if case.review is not None:
                tx.put_review(review_row(case), new=True)
        if problems:
            # Raising inside the transaction rolls every record back.
            raise InvalidDataError(problems, str(path))
    return len(ready)


def record_of(case: Case) -> dict[str, str]:
    """A case as an exchange record (national element names; empty text when unknown)."""
    o = case.opened
    result = ""
    if case.status is CaseStatus.REFUSED:
        result = "不予受理"
    elif case.status is CaseStatus.WITHDRAWN:
        result = "撤回"
    elif case.result is not None:
        result = "准予" if case.result == "granted" else "不予"
    suspensions = ";".join(
        f"{kind}:{s.start.isoformat()}/{s.end.isoformat() if s.end else ''}"
        for s, (kind, _) in zip(case.suspensions, case.suspension_reasons, strict=False)
    )
    review = case.review
    return {
        "办件编号": case.number,
        "事项编码": o.item,
        "事项名称": o.item_name,
        "办件类型": _KIND_NAMES.get(o.kind, o.kind),
        "承诺时限": str(o.promised_days),
        "法定时限": "" if o.legal_days is None else str(o.legal_days),
        "地区编码": o.locality,
        "服务场所编码": o.hall,
        "层级": o.tier,
        "窗口编号": o.window,
        "经办人": o.staff,
        "取号": o.ticket,
        "申请时间": case.received.isoformat(),
        "补正材料": ";".join(case.corrections),
        "补正时间": case.corrected_at.isoformat() if case.corrected_at else "",
        "受理时间": _accepted_at(case),
        "不予受理理由": case.closed_reason if case.status is CaseStatus.REFUSED else "",
        "中止": suspensions,
        "延长天数": str(case.extension_days) if case.extension_days else "",
        "延长批准人": "",
        "办结时间": case.finished.isoformat() if case.finished else "",
        "办理结果": result,
        "送达时间": case.delivered.isoformat() if case.delivered else "",
        "评价编号": review.review if review else "",
        "评价等级": _LEVEL_NAMES.get(review.level, review.level) if review else "",
        "评价渠道": review.channel if review else "",
        "实名评价": ("是" if review.real_name else "否") if review else "",
        "评价时间": review.given.isoformat() if review else "",
    }


def _accepted_at(case: Case) -> str:
    if case.accepted is None:
        return ""
    if case.deemed:
        return case.received.isoformat()
    return dt.datetime.combine(case.accepted, dt.time(9), CHINA_TZ).isoformat()


def _cases(engine: CaseEngine) -> Iterator[Case]:
    """Every case in the store, folded one at a time (bounded memory)."""
    for (number,) in engine.store.stream("SELECT case_no FROM cases ORDER BY case_no"):
        case = fold(engine.store.events(str(number)))
        if case is None:  # pragma: no cover - a projection row always has events
            raise UnknownCaseError(f"no events of case {number}")
        yield case


def export_cases(engine: CaseEngine, out: TextIO, fmt: str) -> int:
    """Write every case in the store to ``out`` as ``csv`` or ``jsonl``; how many.

    Raises:
        CaseError: If ``fmt`` is neither.
    """
    if fmt not in ("csv", "jsonl"):
        raise CaseError(f"format must be csv or jsonl (got {fmt!r})", "格式须为 csv 或 jsonl")
    count = 0
    writer = csv.DictWriter(out, fieldnames=COLUMNS) if fmt == "csv" else None
    if writer is not None:
        writer.writeheader()
    for case in _cases(engine):
        record = record_of(case)
        if writer is not None:
            writer.writerow(record)
        else:
            out.write(json.dumps({k: v for k, v in record.items() if v}, ensure_ascii=False))
            out.write("\n")
        count += 1
    return count


def records_text(records: Iterable[Mapping[str, str]], fmt: str) -> str:
    """Records as the text of a ``csv`` or ``jsonl`` file (for tests and examples)."""
    buffer = io.StringIO()
    if fmt == "csv":
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
        writer.writeheader()
        for record in records:
            writer.writerow({k: record.get(k, "") for k in COLUMNS})
    else:
        for record in records:
            buffer.write(json.dumps(dict(record), ensure_ascii=False) + "\n")
    return buffer.getvalue()
