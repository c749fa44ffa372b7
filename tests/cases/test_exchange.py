"""Cases in and out as JSON Lines and CSV under the national element names."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from govservice_std.cases.engine import CaseEngine
from govservice_std.cases.exchange import COLUMNS, export_cases, import_cases, records_text
from govservice_std.cases.stores import SQLiteCaseStore
from govservice_std.errors import InvalidDataError

from .conftest import Clock, make_engine, open_one


def _busy_store(engine: CaseEngine, clock: Clock) -> None:
    clock.set("2026-02-02")
    a, b, c, d = (open_one(engine) for _ in range(4))
    engine.correct(a, ["申请表", "申请人居民身份证"])
    engine.refuse(d, "不属于受理范围")
    clock.set("2026-02-03")
    for number in (a, b, c):
        engine.accept(number)
    engine.suspend(b, "expert_review", "专家评审")
    engine.extend(c, 5, "主任", "情况复杂")
    clock.set("2026-02-10")
    engine.resume(b)
    engine.finish(a, "granted")
    engine.review(a, review="R-a", level="dissatisfied", channel="online", real_name=False)
    engine.withdraw(c, "申请人撤回")


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_import_round_trip(tmp_path: Path, clock: Clock, fmt: str) -> None:
    engine = make_engine(SQLiteCaseStore(tmp_path / "a.db", create=True), clock)
    _busy_store(engine, clock)
    first = io.StringIO()
    assert export_cases(engine, first, fmt) == 4
    path = tmp_path / f"cases.{fmt}"
    path.write_text(first.getvalue(), encoding="utf-8")
    other = make_engine(SQLiteCaseStore(tmp_path / "b.db", create=True), clock)
    assert import_cases(other, path) == 4
    second = io.StringIO()
    export_cases(other, second, fmt)
    assert second.getvalue() == first.getvalue()
    # The projection rows, and so the KPIs, are the same.
    query = "SELECT * FROM cases ORDER BY case_no"
    assert other.store.query(query) == engine.store.query(query)
    if fmt == "csv":
        assert first.getvalue().splitlines()[0] == ",".join(COLUMNS)


def _good() -> dict[str, str]:
    return {
        "办件编号": "P-0001", "事项编码": "441324-MZ-005", "办件类型": "承诺件", "承诺时限": "10",
        "地区编码": "441324", "服务场所编码": "441324116", "申请时间": "2026-03-02T09:00",
        "受理时间": "2026-03-02T10:00", "办结时间": "2026-03-05T16:00", "办理结果": "准予",
    }  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_every_bad_row_is_reported_and_nothing_imported(
    tmp_path: Path, clock: Clock, fmt: str
) -> None:
    records = [
        _good(),
        {**_good(), "办件编号": "P-0002", "承诺时限": "ten"},
        {**_good(), "办件编号": "P-0003", "办件类型": "快办件", "申请时间": "yesterday"},
        {**_good(), "办件编号": "P-0004", "办结时间": "", "受理时间": ""},  # 办结 never accepted
        {**_good(), "办件编号": "P-0001"},
    ]
    path = tmp_path / f"in.{fmt}"
    path.write_text(records_text(records, fmt), encoding="utf-8")
    engine = make_engine(SQLiteCaseStore(tmp_path / "c.db", create=True), clock)
    with pytest.raises(InvalidDataError) as caught:
        import_cases(engine, path)
    first_line = 2 if fmt == "csv" else 1  # a CSV's first record is on its second line
    found = {p.path for p in caught.value.problems}
    assert f"line {first_line + 1}.承诺时限" in found
    assert f"line {first_line + 2}.办件类型" in found
    assert f"line {first_line + 2}.申请时间" in found
    assert f"line {first_line + 3}.办结时间" in found
    assert f"line {first_line + 4}.办件编号" in found
    assert not any(p.startswith(f"line {first_line}.") for p in found)
    assert engine.store.query("SELECT COUNT(*) FROM cases") == [(0,)]


def test_a_case_already_in_the_store_rolls_the_whole_import_back(
    tmp_path: Path, clock: Clock
) -> None:
    engine = make_engine(SQLiteCaseStore(tmp_path / "c.db", create=True), clock)
    path = tmp_path / "in.jsonl"
    path.write_text(records_text([_good()], "jsonl"), encoding="utf-8")
    assert import_cases(engine, path) == 1
    path.write_text(
        records_text([{**_good(), "办件编号": "P-0009"}, _good()], "jsonl"), encoding="utf-8"
    )
    with pytest.raises(InvalidDataError, match="already in the store"):
        import_cases(engine, path)
    assert engine.store.query("SELECT case_no FROM cases") == [("P-0001",)]
