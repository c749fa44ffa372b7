"""Service times from a hall's queue record, for simulating with what really happened.

The live queue records every ticket as events (see :mod:`govservice_std.queues`). The
tickets a window finished carry their time in service; grouped by business line they make
an empirical service-time distribution per line
(:meth:`~govservice_std.staffing.distributions.TimeDistribution.empirical`), so a staffing
plan can run on a real day's service times instead of assumed ones.

A ticket's service time is its total time in service (across transfers), counted on the
line it ended on — the line the queue KPIs report it under.

>>> import datetime as dt
>>> from govservice_std.queues.engine import FixedClock, QueueEngine
>>> from govservice_std.queues.policy import BusinessLine, QueuePolicy
>>> from govservice_std.serialization import structure
>>> from govservice_std.halls import Hall
>>> hall = structure({"code": "H1", "name": "示例大厅", "tier": "village",
...     "division": "441324116999",
...     "windows": [{"code": "W1", "kind": "comprehensive", "lines": ["A"]}]}, Hall)
>>> clock = FixedClock(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
>>> engine = QueueEngine(hall, QueuePolicy(lines=[BusinessLine(id="A", name="综合")]), clock=clock)
>>> _ = engine.open_window("W1")
>>> for minutes in (4.0, 6.5):
...     ticket = engine.issue("A")
...     _ = engine.call_next("W1"); _ = engine.start(ticket.id)
...     _ = clock.advance(minutes=minutes); _ = engine.finish(ticket.id)
>>> events = [e for _, e in engine.events()]
>>> recorded_service_times(events)
{'A': (4.0, 6.5)}
>>> empirical_services(events)["A"].expected
5.25
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import attrs

from govservice_std.queues.state import QueueState, TicketStatus
from govservice_std.staffing.distributions import TimeDistribution

if TYPE_CHECKING:
    from govservice_std.queues.events import Event
    from govservice_std.staffing.profile import DayProfile

__all__ = ["empirical_services", "recorded_service_times", "with_recorded_services"]


def recorded_service_times(
    events: Iterable[Event], *, day: dt.date | None = None
) -> dict[str, tuple[float, ...]]:
    """The service times (minutes) of the finished tickets in a queue record, by line.

    Args:
        events: The hall's events in order (``[e for _, e in store.read()]``).
        day: Only tickets of this service day (``None``: every day in the record).

    Returns:
        For each line with finished tickets, their service times in the record's order.
    """
    state = QueueState()
    for event in events:
        state.apply(event)
    out: dict[str, list[float]] = {}
    for ticket in state.tickets(day=day):
        if ticket.status is TicketStatus.FINISHED:
            out.setdefault(ticket.line, []).append(ticket.service_seconds / 60.0)
    return {line: tuple(times) for line, times in sorted(out.items())}


def empirical_services(
    events: Iterable[Event], *, day: dt.date | None = None, min_count: int = 1
) -> dict[str, TimeDistribution]:
    """Empirical service-time distributions per line from a queue record.

    Args:
        events: The hall's events in order.
        day: Only tickets of this service day (``None``: every day in the record).
        min_count: Lines with fewer finished tickets are left out (too few to resample).

    Returns:
        For each line with at least ``min_count`` finished tickets, its distribution.
    """
    return {
        line: TimeDistribution.empirical(times)
        for line, times in recorded_service_times(events, day=day).items()
        if len(times) >= max(1, min_count)
    }


def with_recorded_services(
    profile: DayProfile,
    services: Mapping[str, TimeDistribution],
) -> DayProfile:
    """The profile with each line's service time replaced by a recorded one, where given.

    Args:
        profile: The day profile.
        services: Distributions by line id, e.g. from :func:`empirical_services`; lines
            not in the profile are ignored, lines without one keep theirs.

    Returns:
        A copy of the profile.
    """
    lines = [
        attrs.evolve(line, service=services[line.id]) if line.id in services else line
        for line in profile.lines
    ]
    return attrs.evolve(profile, lines=lines)
