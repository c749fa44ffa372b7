from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govservice_std import InvalidDataError, Registry, WorkingCalendar, load_registry
from govservice_std.calendar import ScheduleUnavailableError
from tests.plugins.datafolder import CountyPlugin

D = dt.date


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar()


# The 2026 schedule (国务院办公厅, published 2025-11): 春节 2/15–2/23; make-up working days
# 1/4, 2/14, 2/28, 5/9, 9/20, 10/10.
MAKEUP_2026 = [
    D(2026, 1, 4),
    D(2026, 2, 14),
    D(2026, 2, 28),
    D(2026, 5, 9),
    D(2026, 9, 20),
    D(2026, 10, 10),
]
# The 2025 schedule: make-up working days 1/26, 2/8, 4/27, 9/28, 10/11.
MAKEUP_2025 = [D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)]


@pytest.mark.parametrize("day", MAKEUP_2026 + MAKEUP_2025)
def test_makeup_weekend_days_are_working_days(cal: WorkingCalendar, day: dt.date) -> None:
    assert day.weekday() >= 5
    assert cal.is_working_day(day)
    assert cal.is_makeup_day(day)


def test_spring_festival_2026_is_closed_throughout(cal: WorkingCalendar) -> None:
    for offset in range(9):
        assert not cal.is_working_day(D(2026, 2, 15) + dt.timedelta(days=offset))
    assert cal.is_working_day(D(2026, 2, 24))
    assert cal.is_working_day(D(2026, 2, 13))


def test_2026_national_day_break(cal: WorkingCalendar) -> None:
    closed = [D(2026, 10, d) for d in range(1, 8)]
    assert not any(cal.is_working_day(d) for d in closed)
    assert cal.is_working_day(D(2026, 10, 8))


def test_2025_spring_festival(cal: WorkingCalendar) -> None:
    # 2025 春节: 1/28–2/4 off, 1/26 and 2/8 working.
    assert not any(cal.is_working_day(D(2025, 1, 28) + dt.timedelta(days=i)) for i in range(8))
    assert cal.is_working_day(D(2025, 2, 5))


def test_working_days_in_2026(cal: WorkingCalendar) -> None:
    # 365 days − 104 weekend days − 13 statutory holidays − the bridged week days + 6 make-up.
    total = cal.working_days_between(D(2025, 12, 31), D(2026, 12, 31))
    weekdays_off = sum(
        1
        for i in range(365)
        if (d := D(2026, 1, 1) + dt.timedelta(days=i)).weekday() < 5 and not cal.is_working_day(d)
    )
    assert total == 261 - weekdays_off + 6


def test_due_date_does_not_count_the_day_of_acceptance(cal: WorkingCalendar) -> None:
    assert cal.due_date(D(2026, 3, 2), 1) == D(2026, 3, 3)
    assert cal.due_date(D(2026, 3, 2), 0) == D(2026, 3, 2)
    # Accepted on the last working day before 春节: the 20-day 法定时限 skips the break and
    # counts the Saturday make-up day 2/28.
    assert cal.due_date(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert cal.due_date(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert cal.due_date(D(2026, 2, 14), 5) == D(2026, 2, 28)
    assert cal.due_date(D(2026, 2, 14), 20) == D(2026, 3, 20)


def test_due_date_over_national_day_2025(cal: WorkingCalendar) -> None:
    # 2025: 10/1–10/8 off, 9/28 (Sunday) and 10/11 (Saturday) working.
    assert cal.due_date(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert cal.due_date(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert cal.due_date(D(2025, 10, 10), 1) == D(2025, 10, 11)


def test_negative_days_rejected(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="'days' must be >= 0"):
        cal.due_date(D(2026, 3, 2), -1)


def test_unpublished_year_raises_unless_estimate() -> None:
    cal = WorkingCalendar()
    with pytest.raises(ScheduleUnavailableError, match="2027") as info:
        cal.is_working_day(D(2027, 3, 1))
    assert info.value.year == 2027
    with pytest.raises(ScheduleUnavailableError):
        cal.due_date(D(2026, 12, 30), 5)
    estimated = WorkingCalendar(estimate=True)
    assert estimated.due_date(D(2026, 12, 30), 5) > D(2027, 1, 1)
    with pytest.raises(ScheduleUnavailableError):
        cal.is_working_day(D(2003, 5, 6))


def test_holiday_name_in_chinese(cal: WorkingCalendar) -> None:
    assert cal.holiday_name(D(2026, 10, 1)) == "国庆节"
    assert cal.holiday_name(D(2026, 3, 3)) is None


def test_local_closures_and_service_days() -> None:
    cal = WorkingCalendar(closures=[D(2026, 3, 3)], service_days=[D(2026, 3, 7)])
    assert not cal.is_working_day(D(2026, 3, 3))
    assert cal.is_working_day(D(2026, 3, 7))
    assert cal.due_date(D(2026, 3, 2), 1) == D(2026, 3, 4)


@given(
    start=st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 9, 30)),
    n=st.integers(min_value=0, max_value=40),
)
def test_working_days_between_inverts_add(start: dt.date, n: int) -> None:
    cal = _SHARED
    due = cal.add_working_days(start, n)
    assert cal.working_days_between(start, due) == n
    assert n == 0 or cal.is_working_day(due)


_SHARED = WorkingCalendar()


def _registry_with(tmp_path: Path, text: str) -> Registry:
    (tmp_path / "calendar.toml").write_text(text, encoding="utf-8")
    return load_registry(plugins=[CountyPlugin(tmp_path, code="441399")])


def test_layer_calendar_file(tmp_path: Path) -> None:
    registry = _registry_with(
        tmp_path,
        """
notes = "test data"
[[closures]]
date = 2026-09-15
reason = "台风停工"
illustrative = true
[[service_days]]
date = "2026-09-19"
reason = "周六延时服务"
""",
    )
    cal = registry.resolve("441399").calendar
    assert not cal.is_working_day(D(2026, 9, 15))
    assert cal.is_working_day(D(2026, 9, 19))
    assert cal.provenance[D(2026, 9, 15)].plugin == "testcounty"
    assert registry.resolve("441399").calendar is cal


def test_layer_calendar_file_errors_name_file_and_plugin(tmp_path: Path) -> None:
    registry = _registry_with(tmp_path, '[[closures]]\ndate = "not a date"\n')
    with pytest.raises(
        InvalidDataError, match=r"calendar.toml \(plugin testcounty\).*closures\[0\]"
    ):
        _ = registry.resolve("441399").calendar


def test_closure_and_service_day_on_same_date_rejected(tmp_path: Path) -> None:
    registry = _registry_with(
        tmp_path, "[[closures]]\ndate = 2026-09-15\n[[service_days]]\ndate = 2026-09-15\n"
    )
    with pytest.raises(InvalidDataError, match="also listed as a closure"):
        _ = registry.resolve("441399").calendar


def test_agrees_with_chinesecalendar_on_every_published_day(cal: WorkingCalendar) -> None:
    # An independent implementation of the same official notices. The packages are known
    # to differ on one day only: 2005-12-31 (a Saturday).
    chinese_calendar = pytest.importorskip("chinese_calendar")
    day = D(2004, 1, 1)
    differ = []
    while day <= D(2026, 12, 31):
        if chinese_calendar.is_workday(day) != cal.is_working_day(day):
            differ.append(day)
        day += dt.timedelta(days=1)
    assert differ == [D(2005, 12, 31)]
