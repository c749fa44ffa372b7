"""Case KPIs: SQL and the streaming fold agree; the figures behave as rates should."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govservice_std.cases.engine import CaseEngine
from govservice_std.cases.kpis import CaseKpis, KpiFold, case_kpis, kpi_rows
from govservice_std.cases.stores import CASE_COLUMNS, SQLiteCaseStore
from govservice_std.errors import CaseError

from .conftest import Clock, make_engine, open_one

STATUSES = ["received", "accepted", "suspended", "finished", "delivered", "withdrawn", "refused"]


@st.composite
def rows(draw: st.DrawFn, number: int) -> dict[str, Any]:
    status = draw(st.sampled_from(STATUSES))
    limit = draw(st.integers(0, 20))
    used = draw(st.integers(0, 30))
    done = status in ("finished", "delivered", "withdrawn")
    day = draw(st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    accepted = status != "refused" and status != "received"
    overdue = status in ("finished", "delivered") and used > limit
    return {
        "case_no": f"C{number:05d}", "hall": draw(st.sampled_from(["H1", "H2"])),
        "locality": "441324", "tier": "town", "item": draw(st.sampled_from(["I1", "I2", "I3"])),
        "item_name": "", "win": draw(st.sampled_from(["", "W1"])), "staff": "",
        "ticket": "", "kind": draw(st.sampled_from(["immediate", "promised"])),
        "status": status, "received": f"{day.isoformat()}T09:00:00+08:00",
        "accepted": day.isoformat() if accepted else None,
        "done_on": day.isoformat() if done else None,
        "month": day.isoformat()[:7] if done else None,
        "due": (day + dt.timedelta(days=limit)).isoformat() if accepted else None,
        "limit_days": limit, "used_days": used, "corrected": draw(st.integers(0, 1)),
        "suspended": 0, "extended": 0, "overdue": int(overdue),
        "abnormal": int(overdue or (status == "withdrawn" and accepted)),
        "result": None, "estimated": 0,
    }  # fmt: skip


@st.composite
def row_sets(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(0, 30))
    return [draw(rows(i)) for i in range(count)]


def _store(records: list[dict[str, Any]]) -> SQLiteCaseStore:
    store = SQLiteCaseStore(":memory:", synchronous="OFF")
    with store.transaction() as tx:
        for r in records:
            tx.put_case(tuple(r[c] for c in CASE_COLUMNS))
    return store


def _fold(
    records: list[dict[str, Any]],
    by: tuple[str, ...],
    start: dt.date | None,
    end: dt.date | None,
) -> list[CaseKpis]:
    fold = KpiFold(start, end)
    for row in kpi_rows(records, by):
        fold.add(row)
    return fold.result()


periods = st.sampled_from(
    [(None, None), (dt.date(2026, 3, 1), dt.date(2026, 6, 30)), (dt.date(2026, 7, 1), None)]
)


@settings(max_examples=60, deadline=None)
@given(
    records=row_sets(),
    by=st.sampled_from([(), ("item",), ("hall", "item"), ("month",), ("window",)]),
    period=periods,
)
def test_sql_and_streaming_fold_agree(
    records: list[dict[str, Any]], by: tuple[str, ...], period: tuple[Any, Any]
) -> None:
    start, end = period
    with _store(records) as store:
        sql = case_kpis(store, by=by, start=start, end=end)
    folded = _fold(records, by, start, end)
    assert [k for k in sql if k.closed or k.overdue_open] == folded
    for k in sql:
        for rate in (k.on_time_rate, k.one_visit_rate, k.abnormal_rate, k.early_rate):
            assert rate is None or 0.0 <= rate <= 1.0
        assert k.p90_days is None or k.days_used >= k.p90_days >= 0


@settings(max_examples=60, deadline=None)
@given(records=row_sets(), base=rows(0), limit=st.integers(0, 20), spare=st.integers(0, 20))
def test_adding_an_on_time_case_never_lowers_the_on_time_rate(
    records: list[dict[str, Any]], base: dict[str, Any], limit: int, spare: int
) -> None:
    with _store(records) as store:
        before = case_kpis(store)
    on_time = {
        **base,
        "case_no": "NEW", "status": "finished", "limit_days": limit,
        "used_days": max(limit - spare, 0), "done_on": "2026-05-05", "month": "2026-05",
        "overdue": 0, "abnormal": 0, "accepted": "2026-05-01",
    }  # fmt: skip
    with _store([*records, on_time]) as store:
        after = case_kpis(store)
    old = before[0].on_time_rate if before and before[0].on_time_rate is not None else 0.0
    new = after[0].on_time_rate
    assert new is not None
    assert new >= old
    assert after[0].finished == (before[0].finished if before else 0) + 1


def test_kpis_of_real_cases(tmp_path: Any, clock: Clock) -> None:
    engine: CaseEngine = make_engine(SQLiteCaseStore(tmp_path / "c.db", create=True), clock)
    clock.set("2026-03-02")
    late, early, corrected, immediate = (open_one(engine, days=2) for _ in range(4))
    engine.correct(corrected, ["申请表"])
    immediate = open_one(engine, kind="immediate", days=0)
    for number in (late, early, corrected, immediate):
        engine.accept(number)
    engine.finish(immediate, "granted")
    clock.set("2026-03-03")
    engine.finish(early, "granted")  # one day of two used
    engine.finish(corrected, "granted")
    clock.set("2026-03-06")
    engine.finish(late, "denied")  # four working days of two
    [k] = case_kpis(engine.store)
    assert (k.finished, k.on_time, k.overdue, k.early) == (4, 3, 1, 2)
    assert k.on_time_rate == pytest.approx(0.75)
    assert k.one_visit_rate == pytest.approx(0.75)
    assert k.immediate_share == pytest.approx(0.25)
    assert k.abnormal_rate == pytest.approx(0.25)
    assert k.p90_days == 4
    by_month = case_kpis(engine.store, by=["month", "item"])
    assert [k.key for k in by_month] == [("2026-03", "441324-MZ-005")]
    with pytest.raises(CaseError):
        case_kpis(engine.store, by=["colour"])
    engine.store.close()


@pytest.mark.parametrize("by", [(), ("month",), ("month", "item")])
def test_kpis_group_the_same_on_either_database(
    engine: CaseEngine, clock: Clock, by: tuple[str, ...]
) -> None:
    """No grouping, and an open case's month, are constants in SQL: both databases take them."""
    clock.set("2026-03-02")
    done, late = open_one(engine, days=1), open_one(engine, days=1)
    engine.accept(done)
    engine.accept(late)
    engine.finish(done, "granted")
    kpis = case_kpis(engine.store, by=by, today=dt.date(2026, 3, 20))
    assert sum(k.finished for k in kpis) == 1
    assert sum(k.overdue_open for k in kpis) == 1
