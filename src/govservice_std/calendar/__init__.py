"""The working-day calendar: China's official schedule, with 调休 and local adjustments.

The model (:mod:`govservice_std.calendar.model`) is plain values; the layer reading
(:mod:`govservice_std.calendar.layers`) is the one place that reads ``calendar.toml`` files.
"""

from govservice_std.calendar.model import (
    CALENDAR_FILE,
    FIRST_OFFICIAL_YEAR,
    LAST_OFFICIAL_YEAR,
    CalendarDay,
    CalendarDocument,
    HolidayDataError,
    LocalDay,
    ScheduleUnavailableError,
    WorkingCalendar,
    estimated_schedule,
)

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
