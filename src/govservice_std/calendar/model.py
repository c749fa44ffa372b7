"""The working-day calendar: China's official schedule, with 调休 and local adjustments.

Statutory time limits (法定时限, 承诺时限, rectification deadlines) count *working days*:
行政许可法 §82 excludes statutory holidays, and each year's State Council notice moves some
weekend days to working days (调休) to bridge the holidays. The official schedule comes
from the maintained :mod:`holidays` package (``holidays.China`` and its
``weekend_workdays``), so a new year's notice arrives with a package upgrade, not an edit
here.

A year whose schedule has not been published is never guessed silently: asking about it
raises :class:`ScheduleUnavailableError` unless the caller opts in with ``estimate=True``,
in which case the package's estimate (fixed-date and lunar holidays, no 调休) is used.
:data:`LAST_OFFICIAL_YEAR` is the last year the library treats as published; it is
decided here, not inferred from the package, because the package happily estimates any
year.

Localities add their own days through a ``calendar.toml`` data file in each layer
(:class:`CalendarDocument`): *closures* (the hall is shut on a working day, e.g. a typhoon
day) and *service days* (the hall serves, and deadlines count, on a day that is otherwise a
rest day). Later layers win over earlier ones for the same date.

Due dates follow the legal convention that the day of acceptance is not counted: an
application accepted on a Friday with a limit of 1 working day is due the next working day.

>>> import datetime as dt
>>> cal = WorkingCalendar()
>>> cal.is_working_day(dt.date(2026, 2, 14))  # a Saturday made a working day (调休)
True
>>> cal.is_working_day(dt.date(2026, 2, 23))  # a Monday inside the 春节 break
False
>>> cal.due_date(dt.date(2026, 2, 13), 1)  # accepted Friday; Saturday 2/14 is a working day
datetime.date(2026, 2, 14)
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Mapping

import attrs

from govservice_std._fields import to_tuple
from govservice_std.errors import GovServiceError
from govservice_std.localities import Provenance

__all__ = [
    "CALENDAR_FILE",
    "FIRST_OFFICIAL_YEAR",
    "LAST_OFFICIAL_YEAR",
    "CalendarDay",
    "CalendarDocument",
    "ScheduleUnavailableError",
    "WorkingCalendar",
]

CALENDAR_FILE = "calendar.toml"
"""The name of a layer's calendar data file."""

FIRST_OFFICIAL_YEAR = 2004
"""The first year the library treats as published.

From 2004 on, ``holidays.China`` and ``chinesecalendar`` agree on every day but one
(2005-12-31), so the schedule is well established from here.
"""

LAST_OFFICIAL_YEAR = 2026
"""The last year whose official schedule (with 调休) the library treats as published.

The 2026 schedule was published in November 2025. Raise this constant only together with
a ``holidays`` release that carries the next year's notice, and a test of that year.
"""


class ScheduleUnavailableError(GovServiceError, LookupError):
    """The official holiday schedule of a year is not published (or not known to us).

    Pass ``estimate=True`` to :class:`WorkingCalendar` to accept an estimate instead.

    Attributes:
        year: The year asked about.
    """

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"no official holiday schedule for {year} (known: {FIRST_OFFICIAL_YEAR}–"
            f"{LAST_OFFICIAL_YEAR}); opt in to an estimate without 调休 (estimate=True, or "
            "--estimate on the command line)"
        )

    def localized(self, lang: str = "zh") -> str:
        """``尚无 … 年的法定节假日安排 …`` in Chinese (the default), else the English message.

        Hall staff meet this error when they count a deadline into the next year.
        """
        if lang != "zh":
            return str(self)
        return (
            f"尚无 {self.year} 年的法定节假日安排（已收录 {FIRST_OFFICIAL_YEAR}–"
            f"{LAST_OFFICIAL_YEAR} 年）；如接受不含调休的估算日历，请加 --estimate"
            "（Python 中为 estimate=True）"
        )


@attrs.frozen
class CalendarDay:
    """One locally adjusted day.

    Args:
        date: The day.
        reason: Why (台风停工, 周末延时服务…).
        illustrative: Whether this entry is an invented example rather than a real notice.
    """

    date: dt.date
    reason: str = ""
    illustrative: bool = False


@attrs.frozen
class CalendarDocument:
    """A layer's ``calendar.toml``: local closures and extra service days.

    Args:
        closures: Working days on which the layer's halls are closed; they do not count.
        service_days: Rest days on which the layer's halls serve; they count as working days.
        notes: Free text about the data (sources, what is illustrative).
        sources: Where the entries come from.
    """

    closures: tuple[CalendarDay, ...] = attrs.field(default=(), converter=to_tuple)
    service_days: tuple[CalendarDay, ...] = attrs.field(default=(), converter=to_tuple)
    notes: str = ""
    sources: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)


class WorkingCalendar:
    """Working days on China's official schedule, optionally adjusted by a locality.

    Args:
        closures: Days that do not count even if officially working days.
        service_days: Days that count even if officially rest days.
        estimate: Accept estimated schedules for years outside
            :data:`FIRST_OFFICIAL_YEAR`–:data:`LAST_OFFICIAL_YEAR` instead of raising.
        provenance: For each adjusted date, which layer set it (filled by
            ``govservice_std.calendar.layers``).

    A calendar is immutable after construction and safe to share between threads; each
    year's schedule is computed once, on first use.

    Raises:
        ScheduleUnavailableError: From any method, for a day in a year whose schedule is
            not published, unless ``estimate`` is true.
    """

    def __init__(
        self,
        *,
        closures: Iterable[dt.date] = (),
        service_days: Iterable[dt.date] = (),
        estimate: bool = False,
        provenance: Mapping[dt.date, Provenance] | None = None,
    ) -> None:
        self._closures = frozenset(closures)
        self._service_days = frozenset(service_days) - self._closures
        self.estimate = estimate
        self.provenance: Mapping[dt.date, Provenance] = dict(provenance or {})
        self._years: dict[int, tuple[frozenset[dt.date], frozenset[dt.date], dict[dt.date, str]]]
        self._years = {}
        self._lock = threading.Lock()

    def estimating(self) -> WorkingCalendar:
        """A copy of this calendar that accepts estimated schedules for unpublished years.

        The copy keeps the local closures and service days; for a year whose official
        schedule is not published it uses the package's estimate (no 调休 make-up days).
        """
        if self.estimate:
            return self
        return WorkingCalendar(
            closures=self._closures,
            service_days=self._service_days,
            estimate=True,
            provenance=self.provenance,
        )

    @property
    def closures(self) -> frozenset[dt.date]:
        """The local closures."""
        return self._closures

    @property
    def service_days(self) -> frozenset[dt.date]:
        """The local extra service days."""
        return self._service_days

    def is_official(self, year: int) -> bool:
        """Whether ``year``'s schedule is treated as published."""
        return FIRST_OFFICIAL_YEAR <= year <= LAST_OFFICIAL_YEAR

    def _year(self, year: int) -> tuple[frozenset[dt.date], frozenset[dt.date], dict[dt.date, str]]:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        if not self.is_official(year) and not self.estimate:
            raise ScheduleUnavailableError(year)
        # The package is large: load it on first use, not with the library.
        from holidays.countries.china import China  # noqa: PLC0415

        with self._lock:
            china = China(years=year, language="zh_CN")  # type: ignore[no-untyped-call]
            names = {day: str(name) for day, name in china.items() if day.year == year}
            # weekend_workdays also lists a few days of other years; keep this year's only.
            makeup = frozenset(d for d in china.weekend_workdays if d.year == year)
            result = (frozenset(names), makeup, names)
            self._years[year] = result
            return result

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` counts as a working day here.

        Local closures and service days take precedence over the official schedule.
        """
        if day in self._closures:
            return False
        if day in self._service_days:
            return True
        holidays_, makeup, _ = self._year(day.year)
        if day in makeup:
            return True
        if day in holidays_:
            return False
        return day.weekday() < 5

    def is_makeup_day(self, day: dt.date) -> bool:
        """Whether ``day`` is an official 调休 working day (a weekend day made working)."""
        return day in self._year(day.year)[1]

    def holiday_name(self, day: dt.date) -> str | None:
        """The official holiday's Chinese name on ``day``, or ``None``."""
        return self._year(day.year)[2].get(day)

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        current = day + dt.timedelta(days=1)
        while not self.is_working_day(current):
            current += dt.timedelta(days=1)
        return current

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The day ``days`` working days after ``start`` (``start`` itself is not counted).

        Zero returns ``start``.

        Raises:
            ValueError: If ``days`` is negative.
        """
        if days < 0:
            raise ValueError(f"'days' must be >= 0 (got {days})")
        current = start
        for _ in range(days):
            current = self.next_working_day(current)
        return current

    def due_date(self, accepted: dt.date, working_days: int) -> dt.date:
        """The due date of a time limit of ``working_days`` from acceptance on ``accepted``.

        The day of acceptance is not counted, so a limit of 1 falls on the next working
        day; a limit of 0 (即办件) is due the day of acceptance.

        Raises:
            ValueError: If ``working_days`` is negative.
        """
        return self.add_working_days(accepted, working_days)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """How many working days fall after ``start`` up to and including ``end``.

        The inverse of :meth:`add_working_days`: ``working_days_between(d,
        add_working_days(d, n)) == n``. Negative when ``end`` is before ``start``.
        """
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        current = start + dt.timedelta(days=1)
        while current <= end:
            if self.is_working_day(current):
                count += 1
            current += dt.timedelta(days=1)
        return count
