"""Due dates in working days, behind a small protocol.

Evaluation counts rectification periods and 差评 deadlines in working days. It asks a
:class:`WorkingCalendar` for them, so the official calendar (statutory holidays and 调休
make-up working days) can be plugged in without changing the evaluation code.

:class:`WeekendCalendar` is the default: it skips Saturdays and Sundays only. It is a
placeholder until the official-holiday calendar is available — it does not know public
holidays or make-up working days, so its due dates can be early around holidays.

>>> import datetime as dt
>>> WeekendCalendar().add_working_days(dt.date(2026, 11, 27), 1)  # a Friday
datetime.date(2026, 11, 30)
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol, runtime_checkable

__all__ = ["WeekendCalendar", "WorkingCalendar"]


@runtime_checkable
class WorkingCalendar(Protocol):
    """What evaluation needs from a working-day calendar."""

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date ``days`` working days after ``start`` (``start`` itself when ``days`` is 0).

        Args:
            start: The day counting starts from (not counted).
            days: Number of working days (>= 0).
        """
        ...  # pragma: no cover - protocol


class WeekendCalendar:
    """A calendar whose working days are Monday to Friday (placeholder; no holidays).

    Use it only until the official-holiday calendar is wired in: it ignores statutory
    holidays and 调休 make-up working days.
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
