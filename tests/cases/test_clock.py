"""The case clock on China's 2025–2026 schedule: holidays, 调休 make-up days, suspensions."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govservice_std.calendar import WorkingCalendar
from govservice_std.cases.clock import CaseClock, Suspension

CLOCK = CaseClock(WorkingCalendar())
D = dt.date.fromisoformat


@pytest.mark.parametrize(
    ("accepted", "days", "due"),
    [
        ("2025-01-24", 1, "2025-01-26"),  # Sunday 1/26 is a 调休 working day before 春节
        ("2025-01-24", 2, "2025-01-27"),
        ("2025-01-27", 1, "2025-02-05"),  # 春节 1/28–2/4
        ("2025-02-05", 3, "2025-02-08"),  # Saturday 2/8 works
        ("2025-09-30", 1, "2025-10-09"),  # 国庆 and 中秋 10/1–10/8
        ("2025-09-30", 3, "2025-10-11"),  # Saturday 10/11 works
        ("2026-01-02", 1, "2026-01-04"),  # Sunday 1/4 works after 元旦
        ("2026-02-13", 1, "2026-02-14"),  # Saturday 2/14 works before 春节
        ("2026-02-13", 2, "2026-02-24"),  # 春节 2/15–2/23
        ("2026-02-27", 1, "2026-02-28"),  # Saturday 2/28 works after it
        ("2026-04-30", 1, "2026-05-06"),  # 劳动节 5/1–5/5
        ("2026-04-30", 4, "2026-05-09"),  # Saturday 5/9 works
        ("2026-09-18", 1, "2026-09-20"),  # Sunday 9/20 works before 国庆
        ("2026-09-30", 1, "2026-10-08"),  # 国庆 10/1–10/7
        ("2026-09-30", 3, "2026-10-10"),  # Saturday 10/10 works
        ("2026-03-02", 0, "2026-03-02"),  # 即办件: due the day of acceptance
    ],
)
def test_due_dates_across_the_2025_2026_holidays(accepted: str, days: int, due: str) -> None:
    assert CLOCK.due(D(accepted), days) == (D(due), False)


def test_a_suspension_moves_the_due_date_by_its_working_days() -> None:
    # Accepted Wednesday 2026-02-04; 10 days would end 2/25 (with 2/14 working, 春节 off).
    assert CLOCK.due(D("2026-02-04"), 10) == (D("2026-02-25"), False)
    stopped = [Suspension(D("2026-02-05"), D("2026-02-09"))]  # Thu, Fri not counted
    assert CLOCK.due(D("2026-02-04"), 10, stopped) == (D("2026-02-27"), False)
    assert CLOCK.due(D("2026-02-04"), 10, [Suspension(D("2026-02-05"))]) == (None, False)


def test_an_unpublished_year_is_estimated_and_flagged() -> None:
    due, estimated = CLOCK.due(D("2026-12-28"), 10)
    assert estimated
    assert due is not None
    assert due.year == 2027
    with pytest.raises(Exception, match="2027"):
        WorkingCalendar().is_working_day(D("2027-01-05"))


def test_reading_says_overdue_and_at_risk() -> None:
    clock = CaseClock(WorkingCalendar(), warning_days=2)
    on_time = clock.read(D("2026-03-02"), 5, today=D("2026-03-06"))
    assert (on_time.used, on_time.left, on_time.at_risk, on_time.overdue) == (4, 1, True, False)
    late = clock.read(D("2026-03-02"), 5, today=D("2026-03-10"))
    assert late.overdue
    assert not late.at_risk
    assert late.left == -1
    done = clock.read(D("2026-03-02"), 5, today=D("2026-03-30"), finished=D("2026-03-09"))
    assert done.used == 5
    assert not done.overdue


# Up to 25 working days and 24 suspended days after the last acceptance drawn must still end
# in 2026, the last year with a published schedule.
days = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 10, 15))


@settings(max_examples=60, deadline=None)
@given(
    accepted=days,
    limit=st.integers(0, 25),
    gaps=st.lists(st.tuples(st.integers(0, 20), st.integers(1, 8)), max_size=3),
)
def test_the_clock_never_counts_a_rest_or_suspended_day(
    accepted: dt.date, limit: int, gaps: list[tuple[int, int]]
) -> None:
    cal = WorkingCalendar()
    suspensions = [
        Suspension(accepted + dt.timedelta(days=a), accepted + dt.timedelta(days=a + n))
        for a, n in gaps
    ]
    due, _ = CLOCK.due(accepted, limit, suspensions)
    assert due is not None
    # Brute force: the counted days are working, not suspended, after acceptance.
    counted = [
        accepted + dt.timedelta(days=i)
        for i in range(1, (due - accepted).days + 1)
        if cal.is_working_day(accepted + dt.timedelta(days=i))
        and not any(s.start <= accepted + dt.timedelta(days=i) < s.end for s in suspensions)  # type: ignore[operator]
    ]
    assert len(counted) == limit
    assert limit == 0 or counted[-1] == due
    # Never earlier than the promise allows on the plain calendar.
    assert due >= cal.add_working_days(accepted, limit)
    assert CLOCK.used(accepted, due, suspensions)[0] == limit
