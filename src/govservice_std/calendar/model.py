"""The working-day calendar: China's official schedule, with 调休 and local adjustments.

Statutory time limits (法定时限, 承诺时限, rectification deadlines) count *working days*:
行政许可法 §82 excludes statutory holidays, and each year's State Council notice moves some
weekend days to working days (调休) to bridge the holidays. The official schedule comes
from the maintained :mod:`holidays` package (``holidays.China`` and its
``weekend_workdays``), so a new year's notice arrives with a package upgrade, not an edit
here.

A year whose schedule has not been published is never guessed silently: asking about it
raises :class:`ScheduleUnavailableError` unless the caller opts in with ``estimate=True``,
in which case the library estimates the schedule from the published rules
(:func:`~govservice_std.calendar.estimated_schedule`:
国务院关于修改《全国年节及纪念日放假办法》的决定 and 国办发明电〔2024〕12号 — 春节 eight
days from 除夕, 国庆 seven days or eight with 中秋, 劳动节 five days, single-day holidays
joined to the weekend, and 调休 make-up working days on the nearest weekends), and every
answer resting on it says so (:meth:`WorkingCalendar.is_estimated`).
:data:`LAST_OFFICIAL_YEAR` is the last year the library treats as published; it is
decided here, not inferred from the package, because the package happily estimates any
year. If the installed ``holidays`` package lacks the
schedule of a year the library calls published (a release older than the notice), the
calendar refuses with :class:`HolidayDataError` rather than count on a wrong schedule.

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
from govservice_std.i18n import gettext
from govservice_std.localities import Provenance

__all__ = [
    "CALENDAR_FILE",
    "FIRST_OFFICIAL_YEAR",
    "LAST_OFFICIAL_YEAR",
    "CalendarDay",
    "CalendarDocument",
    "HolidayDataError",
    "LocalDay",
    "ScheduleUnavailableError",
    "WorkingCalendar",
    "estimated_schedule",
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
            f"{LAST_OFFICIAL_YEAR}); opt in to an estimate from the holiday rules "
            "(estimate=True, or --estimate on the command line)"
        )

    def localized(self, lang: str = "zh") -> str:
        """``尚无 … 年的法定节假日安排 …`` in Chinese (the default), else the English message.

        Hall staff meet this error when they count a deadline into the next year.
        """
        if lang != "zh":
            return str(self)
        return (
            f"尚无 {self.year} 年的法定节假日安排（已收录 {FIRST_OFFICIAL_YEAR}–"
            f"{LAST_OFFICIAL_YEAR} 年）；如接受按放假规则估算的日历，请加 --estimate"
            "（Python 中为 estimate=True）"
        )


class HolidayDataError(GovServiceError, LookupError):
    """The installed ``holidays`` package lacks the schedule of a year we call published.

    A ``holidays`` release older than a year's State Council notice estimates that year
    silently (no 调休 make-up days), which would move due dates. Upgrade the package
    (``holidays>=0.85`` carries 2026).

    Attributes:
        year: The year whose schedule is missing.
        version: The installed ``holidays`` version.
    """

    def __init__(self, year: int, version: str) -> None:
        self.year = year
        self.version = version
        super().__init__(
            f"the installed holidays {version} lacks the official {year} holiday schedule "
            f"(no 调休 make-up days); upgrade it: pip install 'holidays>={_HOLIDAYS_FLOOR}'"
        )

    def localized(self, lang: str = "zh") -> str:
        """The message in Chinese (the default), else in English."""
        if lang != "zh":
            return str(self)
        return (
            f"已安装的 holidays {self.version} 缺少 {self.year} 年的法定节假日安排（无调休"
            f"上班日），请升级：pip install 'holidays>={_HOLIDAYS_FLOOR}'"
        )


# The first holidays release with the schedule of LAST_OFFICIAL_YEAR.
_HOLIDAYS_FLOOR = "0.85"


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
class LocalDay:
    """A locality's own day that changes whether a date counts as a working day.

    Args:
        date: The day.
        counts: Whether it counts (a service day) or not (a closure).
        reason: Why, as the layer's ``calendar.toml`` says.
        layer: The layer that set it.
        illustrative: Whether the entry is an invented example.
    """

    date: dt.date
    counts: bool
    reason: str = ""
    layer: str = ""
    illustrative: bool = False

    def describe(self, lang: str | None = None) -> str:
        """One line naming the day, what it does and who set it.

        >>> LocalDay(dt.date(2026, 9, 16), False, "台风停工", "441324").describe()
        '2026-09-16 闭厅不计工作日（台风停工；441324 设定）'
        """
        if self.counts:
            kind = gettext("service day, counted", lang)
        else:
            kind = gettext("closed, not counted", lang)
        why = gettext("{reason}; ", lang).format(reason=self.reason) if self.reason else ""
        return gettext("{date} {kind} ({why}set by {layer})", lang).format(
            date=self.date.isoformat(), kind=kind, why=why, layer=self.layer
        )


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
        reasons: For each adjusted date, the reason given (filled by
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
        reasons: Mapping[dt.date, CalendarDay] | None = None,
    ) -> None:
        self._closures = frozenset(closures)
        self._service_days = frozenset(service_days) - self._closures
        self.estimate = estimate
        self.provenance: Mapping[dt.date, Provenance] = dict(provenance or {})
        self._entries: Mapping[dt.date, CalendarDay] = dict(reasons or {})
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
            reasons=self._entries,
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

    def is_estimated(self, start: dt.date, end: dt.date | None = None) -> bool:
        """Whether any day from ``start`` to ``end`` (inclusive) lies in an estimated year.

        An answer that counted such days rests on
        :func:`~govservice_std.calendar.estimated_schedule`, not on a published notice, and
        may move when the notice comes out.
        """
        last = end if end is not None else start
        return any(not self.is_official(y) for y in range(start.year, last.year + 1))

    def local_days(self, start: dt.date, end: dt.date) -> tuple[LocalDay, ...]:
        """The locality's own days after ``start`` up to ``end`` that change the count.

        A closure on what would be a working day, or a service day on what would be a
        rest day: the days a due date in that span owes to the locality, not to the
        official schedule. Entries that change nothing are left out.
        """
        out: list[LocalDay] = []
        for day in sorted(self._closures | self._service_days):
            if not start < day <= end:
                continue
            counts = day in self._service_days
            if self._officially_working(day) == counts:
                continue
            entry = self._entries.get(day)
            prov = self.provenance.get(day)
            out.append(
                LocalDay(
                    day,
                    counts,
                    entry.reason if entry is not None else "",
                    str(prov.layer) if prov is not None else "",
                    entry.illustrative if entry is not None else False,
                )
            )
        return tuple(out)

    def _officially_working(self, day: dt.date) -> bool:
        holidays_, makeup, _ = self._year(day.year)
        if day in makeup:
            return True
        return day not in holidays_ and day.weekday() < 5

    def _year(self, year: int) -> tuple[frozenset[dt.date], frozenset[dt.date], dict[dt.date, str]]:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        if not self.is_official(year):
            if not self.estimate:
                raise ScheduleUnavailableError(year)
            with self._lock:
                result = estimated_schedule(year)
                self._years[year] = result
                return result
        # The package is large: load it on first use, not with the library.
        from holidays.countries.china import China  # noqa: PLC0415

        with self._lock:
            china = China(years=year, language="zh_CN")  # type: ignore[no-untyped-call]
            names = {day: str(name) for day, name in china.items() if day.year == year}
            # weekend_workdays also lists a few days of other years; keep this year's only.
            makeup = frozenset(d for d in china.weekend_workdays if d.year == year)
            if not makeup:
                # Every published year since 2004 has 调休 make-up days; none means the
                # package predates the notice and is estimating the year.
                raise HolidayDataError(year, _holidays_version())
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


def _holidays_version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version("holidays")
    except PackageNotFoundError:  # pragma: no cover - a dependency of the library
        return "?"


_Schedule = tuple[frozenset[dt.date], frozenset[dt.date], dict[dt.date, str]]


def estimated_schedule(year: int) -> _Schedule:
    """Estimate a year's holidays and 调休 make-up days from the published rules.

    For a year whose State Council notice is not out yet. The statutory days (since 2025:
    元旦 1, 春节 4 — 除夕 to 初三, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3) are placed on
    their dates (the lunar and solar-term dates come from the ``holidays`` package), and
    the breaks follow the pattern of 国办发明电〔2024〕12号 and the notices since:

    * 春节: eight days from 除夕;
    * 劳动节: 1–5 May;
    * 国庆: 1–7 October, or 1–8 October when 中秋 falls in it;
    * a single-day holiday joins the weekend: on a Saturday or Sunday, Saturday to Monday;
      on a Tuesday, Sunday to Tuesday; on a Thursday, Thursday to Saturday; on a Monday or
      Friday, the three-day weekend; on a Wednesday, the day alone.

    Each break owes as many make-up working days (调休) as it has days beyond its weekend
    days and statutory days; they go on the nearest weekend days outside any break, the
    nearest before and after in turn (one alone: the nearer). On the published years the
    rules reproduce 2025 exactly and miss two days of 2026 (the 2026 notice began the
    春节 break the day before 除夕, so 2026-02-15 was a rest day and 2026-02-14 the
    make-up day, where the rules put the make-up day on 2026-02-15).

    Args:
        year: The year.

    Returns:
        The rest days (holidays and the breaks' weekdays), the make-up working days, and
        each rest day's Chinese name (ending in ``（估算）``).

    >>> rest, makeup, names = estimated_schedule(2027)
    >>> sorted(d.isoformat() for d in makeup)
    ['2027-01-31', '2027-02-13', '2027-05-08', '2027-09-26', '2027-10-09']
    >>> names[dt.date(2027, 2, 5)]
    '春节（估算）'
    """
    from holidays.countries.china import China  # noqa: PLC0415

    china = China(years=year, language="en_US")  # type: ignore[no-untyped-call]
    found: dict[str, dt.date] = {}
    for day, name in china.items():
        for label in str(name).split("; "):
            if day.year == year and "(observed)" not in label:
                found.setdefault(label, day)
    eve = found["Chinese New Year's Eve"]
    mid_autumn = found["Mid-Autumn Festival"]
    one = dt.timedelta(days=1)
    # The statutory days, one entry per day of entitlement (中秋 may fall on a 国庆 day).
    statutory = [
        dt.date(year, 1, 1),
        *(eve + one * i for i in range(4)),
        found["Tomb-Sweeping Day"],
        dt.date(year, 5, 1),
        dt.date(year, 5, 2),
        found["Dragon Boat Festival"],
        mid_autumn,
        dt.date(year, 10, 1),
        dt.date(year, 10, 2),
        dt.date(year, 10, 3),
    ]
    merged = dt.date(year, 10, 1) <= mid_autumn <= dt.date(year, 10, 8)
    single_names = {
        dt.date(year, 1, 1): "元旦",
        found["Tomb-Sweeping Day"]: "清明节",
        found["Dragon Boat Festival"]: "端午节",
        mid_autumn: "中秋节",
    }
    breaks: dict[dt.date, str] = {}
    breaks.update({eve + one * i: "春节" for i in range(8)})
    breaks.update({dt.date(year, 5, d): "劳动节" for d in range(1, 6)})
    breaks.update({dt.date(year, 10, d): "国庆节" for d in range(1, 9 if merged else 8)})
    for day, name in single_names.items():
        if day == mid_autumn and merged:
            continue
        for other in _single_day_break(day):
            breaks.setdefault(other, name)
    if merged:
        breaks[mid_autumn] = "中秋节、国庆节"
    rest = {d for d in breaks if d.year == year}
    makeup: set[dt.date] = set()
    for run in _runs(sorted(rest)):
        owed = len(run) - sum(1 for d in run if d.weekday() >= 5)
        owed -= sum(1 for d in statutory if run[0] <= d <= run[-1])
        # A break shorter than its entitlement (statutory days on weekends) owes nothing.
        makeup.update(_nearest_weekend_days(run, owed, rest | makeup, year))
    names = {d: f"{breaks[d]}（估算）" for d in rest}
    return frozenset(rest), frozenset(makeup), names


def _single_day_break(day: dt.date) -> list[dt.date]:
    one = dt.timedelta(days=1)
    weekday = day.weekday()
    if weekday == 5:  # Saturday: to Monday
        return [day, day + one, day + 2 * one]
    if weekday == 6:  # Sunday: Saturday to Monday
        return [day - one, day, day + one]
    if weekday == 0:  # Monday: the weekend before
        return [day - 2 * one, day - one, day]
    if weekday == 4:  # Friday: the weekend after
        return [day, day + one, day + 2 * one]
    if weekday == 1:  # Tuesday: Sunday to Tuesday, the Saturday before made up
        return [day - 2 * one, day - one, day]
    if weekday == 3:  # Thursday: Thursday to Saturday, the Sunday after made up
        return [day, day + one, day + 2 * one]
    return [day]


def _runs(days: list[dt.date]) -> list[list[dt.date]]:
    runs: list[list[dt.date]] = []
    for day in days:
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _nearest_weekend_days(
    run: list[dt.date], owed: int, taken: set[dt.date], year: int
) -> list[dt.date]:
    if owed <= 0:
        return []
    one = dt.timedelta(days=1)

    def walk(day: dt.date, step: dt.timedelta) -> list[dt.date]:
        found: list[dt.date] = []
        while day.year == year and len(found) < owed:
            if day.weekday() >= 5 and day not in taken:
                found.append(day)
            day += step
        return found

    before, after = walk(run[0] - one, -one), walk(run[-1] + one, one)
    if owed == 1 and before and after:
        # One make-up day: the nearer weekend day (before the break on a tie).
        nearer_before = (run[0] - before[0]) <= (after[0] - run[-1])
        return before[:1] if nearer_before else after[:1]
    chosen: list[dt.date] = []
    while len(chosen) < owed and (before or after):
        if before:
            chosen.append(before.pop(0))
        if after and len(chosen) < owed:
            chosen.append(after.pop(0))
    return chosen
