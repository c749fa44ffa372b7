"""The case clock: time limits in working days, with suspensions and extensions.

A case's time limit (承诺时限, or 法定时限 where that is shorter) counts working days on the
locality's calendar (行政许可法 §82): the day of acceptance is not counted, statutory
holidays and weekends are skipped, 调休 make-up working days count. Days on which the case
is suspended (补正 waiting, 听证, 检验, 专家评审 — §45) do not count: a suspension from day
``s`` to the day ``r`` it is resumed removes the working days ``s ≤ d < r``. An approved
extension (§42) adds its days to the limit.

A year whose official holiday schedule is not published is never guessed silently: the
count switches to the calendar's estimate and the result says ``estimated``.

>>> import datetime as dt
>>> from govservice_std.calendar import WorkingCalendar
>>> clock = CaseClock(WorkingCalendar())
>>> # accepted Friday 2026-02-06, 5 working days: Sat 2/14 is a 调休 working day
>>> clock.due(dt.date(2026, 2, 6), 5)
(datetime.date(2026, 2, 13), False)
>>> clock.due(dt.date(2026, 2, 6), 6)
(datetime.date(2026, 2, 14), False)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from govservice_std.calendar import ScheduleUnavailableError, WorkingCalendar

__all__ = ["CaseClock", "ClockReading", "Suspension"]

_DAY = dt.timedelta(days=1)


@attrs.frozen
class Suspension:
    """Days the clock stood still: from ``start`` up to (not including) ``end``.

    ``end`` is ``None`` while the case is still suspended.
    """

    start: dt.date
    end: dt.date | None = None


@attrs.frozen
class ClockReading:
    """Where a case stands against its time limit on a given day.

    Attributes:
        limit: The limit in working days (with extensions).
        due: The due date, or ``None`` while suspended (the date is not fixed yet).
        used: Working days used so far (suspended days excluded).
        left: Working days left (negative when overdue).
        overdue: Whether the limit is passed (finished late, or open past due).
        at_risk: Open, not overdue, and at most the warning threshold left.
        estimated: Whether a date rests on an estimated holiday schedule.
    """

    limit: int
    due: dt.date | None
    used: int
    left: int
    overdue: bool
    at_risk: bool
    estimated: bool


class CaseClock:
    """Counts case time limits on a working calendar.

    Args:
        calendar: The locality's calendar.
        warning_days: A case with this many working days left or fewer is at risk.

    Working-day counts are cached per calendar, so reading a year of cases costs little
    more than reading one.
    """

    def __init__(self, calendar: WorkingCalendar, *, warning_days: int = 2) -> None:
        self.calendar = calendar
        self.warning_days = warning_days
        self._estimating: WorkingCalendar | None = None
        self._working: dict[dt.date, tuple[bool, bool]] = {}

    def is_working_day(self, day: dt.date) -> tuple[bool, bool]:
        """Whether ``day`` counts, and whether that rests on an estimated schedule."""
        cached = self._working.get(day)
        if cached is not None:
            return cached
        try:
            result = (self.calendar.is_working_day(day), False)
        except ScheduleUnavailableError:
            if self._estimating is None:
                self._estimating = self.calendar.estimating()
            result = (self._estimating.is_working_day(day), True)
        self._working[day] = result
        return result

    def _counts(self, day: dt.date, suspensions: Sequence[Suspension]) -> tuple[bool, bool]:
        working, estimated = self.is_working_day(day)
        if not working:
            return False, estimated
        for s in suspensions:
            if s.start <= day and (s.end is None or day < s.end):
                return False, estimated
        return True, estimated

    def due(
        self, accepted: dt.date, limit: int, suspensions: Sequence[Suspension] = ()
    ) -> tuple[dt.date | None, bool]:
        """The due date of ``limit`` working days from ``accepted``, and whether estimated.

        ``None`` when the count reaches an open suspension (the due date is not fixed).

        Raises:
            ValueError: If ``limit`` is negative.
        """
        if limit < 0:
            raise ValueError(f"'limit' must be >= 0 (got {limit})")
        day = accepted
        estimated = False
        left = limit
        open_from = min((s.start for s in suspensions if s.end is None), default=None)
        while left:
            day += _DAY
            if open_from is not None and day >= open_from:
                return None, estimated
            counts, est = self._counts(day, suspensions)
            estimated = estimated or est
            if counts:
                left -= 1
        return day, estimated

    def used(
        self, accepted: dt.date, until: dt.date, suspensions: Sequence[Suspension] = ()
    ) -> tuple[int, bool]:
        """Working days counted after ``accepted`` up to and including ``until``."""
        used = 0
        estimated = False
        day = accepted + _DAY
        while day <= until:
            counts, est = self._counts(day, suspensions)
            estimated = estimated or est
            used += counts
            day += _DAY
        return used, estimated

    def read(
        self,
        accepted: dt.date,
        limit: int,
        *,
        today: dt.date,
        finished: dt.date | None = None,
        suspensions: Sequence[Suspension] = (),
    ) -> ClockReading:
        """The case's clock on ``today`` (or at its finish, if finished)."""
        end = finished if finished is not None else today
        due, est1 = self.due(accepted, limit, suspensions)
        used, est2 = self.used(accepted, max(end, accepted), suspensions)
        left = limit - used
        overdue = used > limit
        at_risk = finished is None and not overdue and left <= self.warning_days
        return ClockReading(limit, due, used, left, overdue, at_risk, est1 or est2)
