"""How a locality's working calendar is read: every layer's ``calendar.toml``, parent first.

This is the only code that reads calendars from the registry; it provides the ``calendar``
part of a :class:`~govservice_std.registry.ResolvedLocality`: the official schedule plus the
chain's closures and extra service days. A later layer's entry for a date replaces an
earlier one (a county can reopen a day its city closed). For years whose schedule is not
published, ``resolved.calendar.estimating()`` accepts the estimated schedule.

>>> from govservice_std import load_registry
>>> calendar = load_registry(autoload=False).resolve("000000").calendar
>>> calendar.estimate
False
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from govservice_std.calendar.model import (
    CALENDAR_FILE,
    CalendarDay,
    CalendarDocument,
    WorkingCalendar,
)
from govservice_std.errors import DataProblem, InvalidDataError
from govservice_std.localities import Provenance
from govservice_std.registry import ResolvedLocality, source_name
from govservice_std.serialization import load

__all__ = ["PARTS", "resolve_calendar"]


def resolve_calendar(resolved: ResolvedLocality) -> WorkingCalendar:
    """Read the working calendar of a resolved locality's chain.

    Use :attr:`ResolvedLocality.calendar <govservice_std.registry.ResolvedLocality.calendar>`,
    which computes this once.

    Raises:
        InvalidDataError: If a ``calendar.toml`` is invalid; the message names the file and
            the plugin.
    """
    state: dict[dt.date, bool] = {}
    provenance: dict[dt.date, Provenance] = {}
    entries: dict[dt.date, CalendarDay] = {}
    for info, file in resolved.layer_files(CALENDAR_FILE):
        source = source_name(info, file)
        document = load(file, CalendarDocument, source=source)
        clash = {d.date for d in document.closures} & {d.date for d in document.service_days}
        if clash:
            first = min(clash)
            raise InvalidDataError(
                [DataProblem("service_days", f"{first} is also listed as a closure")],
                source=source,
            )
        prov = Provenance(info.code, info.plugin.name, CALENDAR_FILE)
        for entry in document.closures:
            state[entry.date] = False
            provenance[entry.date] = prov
            entries[entry.date] = entry
        for entry in document.service_days:
            state[entry.date] = True
            provenance[entry.date] = prov
            entries[entry.date] = entry
    return WorkingCalendar(
        closures=[d for d, open_ in state.items() if not open_],
        service_days=[d for d, open_ in state.items() if open_],
        estimate=False,
        provenance=provenance,
        reasons=entries,
    )


PARTS: Mapping[str, Callable[[ResolvedLocality], object]] = {"calendar": resolve_calendar}
"""The part of a resolved locality this module provides."""
