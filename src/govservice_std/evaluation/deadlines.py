"""Due dates in working days, behind a small protocol.

Evaluation counts rectification periods and 差评 deadlines in working days. It asks a
:class:`DueDateCalendar` for them. By default that is the official working calendar
(:class:`~govservice_std.calendar.WorkingCalendar`: statutory holidays and 调休 make-up
working days) with the locality's own closures and extra service days, so a due date
around 春节 or 国庆 falls where the law puts it.

:class:`WeekendCalendar` skips Saturdays and Sundays only. It knows no holidays, so use it
only for what-if figures that must not depend on the holiday schedule.

>>> import datetime as dt
>>> WeekendCalendar().add_working_days(dt.date(2026, 11, 27), 1)  # a Friday
datetime.date(2026, 11, 30)
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol, runtime_checkable

from govservice_std.calendar import ScheduleUnavailableError

__all__ = ["DueDateCalendar", "WeekendCalendar", "due_date"]


@runtime_checkable
class DueDateCalendar(Protocol):
    """What evaluation needs from a working-day calendar.

    :class:`~govservice_std.calendar.WorkingCalendar` satisfies it.
    """

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date ``days`` working days after ``start`` (``start`` itself when ``days`` is 0).

        Args:
            start: The day counting starts from (not counted).
            days: Number of working days (>= 0).
        """
        ...  # pragma: no cover - protocol


class WeekendCalendar:
    """A calendar whose working days are Monday to Friday, with no holidays.

    It ignores statutory holidays and 调休 make-up working days; the evaluation uses the
    official calendar unless given this one.
    """

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date ``days`` weekdays after ``start``.

        Raises:
            ValueError: If ``days`` is negative.
        """
        if days < 0:
            raise ValueError(f"days must be >= 0 (got {days})")
        if days == 0:
            return start
        # Counting from a weekend day is counting from the Friday before it; from a weekday,
        # whole weeks of five working days are seven calendar days.
        day = start - dt.timedelta(days=max(0, start.weekday() - 4))
        weeks, rest = divmod(days, 5)
        day += dt.timedelta(weeks=weeks)
        while rest:
            day += dt.timedelta(days=1)
            if day.weekday() < 5:
                rest -= 1
        return day

    def __repr__(self) -> str:
        return "WeekendCalendar()"


def due_date(calendar: DueDateCalendar, start: dt.date, days: int) -> tuple[dt.date, bool]:
    """Count ``days`` working days from ``start``, saying whether the result is an estimate.

    When the count runs into a year whose official schedule is not published yet (the
    next year's 调休 is announced around November), a calendar that offers an
    ``estimating()`` copy (as :class:`~govservice_std.calendar.WorkingCalendar` does) is
    asked instead, and the date comes back flagged, so reports can say it is provisional
    rather than guessing in silence.

    Returns:
        The due date and ``True`` when it rests on an estimated schedule.

    Raises:
        ScheduleUnavailableError: If the schedule is unpublished and the calendar offers
            no estimate.

    >>> from govservice_std.calendar import WorkingCalendar
    >>> due_date(WorkingCalendar(), dt.date(2026, 9, 30), 1)  # 国庆 and 中秋 lie between
    (datetime.date(2026, 10, 8), False)
    >>> due_date(WorkingCalendar(), dt.date(2026, 12, 30), 5)[1]
    True
    """
    try:
        return calendar.add_working_days(start, days), False
    except ScheduleUnavailableError:
        estimating = getattr(calendar, "estimating", None)
        if estimating is None:
            raise
        fallback: DueDateCalendar = estimating()
        return fallback.add_working_days(start, days), True
