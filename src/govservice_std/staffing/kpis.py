"""Waiting and service KPIs of a day of tickets, overall and per hour, line and priority group.

A simulated day is summarized by the same measures a hall manager reads for a real day:
mean, median and 90th-percentile waiting and service times, the share of tickets called
within the waiting-time target, and the share that gave up before being called.

The counting rules:

* A ticket's **hour** is the hour of its arrival (``8`` for 08:00–08:59).
* **Wait** runs from arrival to the call, **service** from the call to the end of service,
  both in minutes; only served tickets have them.
* **Within target** is the share of tickets that were called within ``target_minutes``
  among the tickets that were served or gave up: a ticket that left before being called
  counts as a miss, whatever its patience was. A ticket still waiting when the hall closed
  counts as a miss as well.
* **Abandonment** is the share of tickets that left before being called (in a live hall:
  tickets marked no-show or cancelled while waiting).

>>> s = summarize([0.0, 3.0, 12.0, 30.0], [5.0, 6.0, 7.0, 8.0], abandoned=1, target_minutes=15)
>>> s.tickets, s.served, s.mean_wait_minutes, s.within_target
(5, 4, 11.25, 0.6)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import attrs

__all__ = ["KpiReport", "KpiSummary", "summarize"]


@attrs.frozen
class KpiSummary:
    """The KPIs of one group of tickets (a day, an hour, a line or a priority group).

    Times are in minutes. Measures of an empty group are ``None``.

    Attributes:
        tickets: Tickets issued.
        served: Tickets called and served.
        abandoned: Tickets that left before being called.
        unserved: Tickets still waiting when the hall closed.
        mean_wait_minutes: Mean wait of the served tickets.
        median_wait_minutes: Median wait of the served tickets.
        p90_wait_minutes: 90th percentile of the wait of the served tickets.
        mean_service_minutes: Mean service time.
        median_service_minutes: Median service time.
        p90_service_minutes: 90th percentile of the service time.
        target_minutes: The waiting-time target the share below refers to, if any.
        within_target: Share of tickets called within the target (see the module docs).
        abandonment_rate: Share of tickets that left before being called.
    """

    tickets: int
    served: int
    abandoned: int = 0
    unserved: int = 0
    mean_wait_minutes: float | None = None
    median_wait_minutes: float | None = None
    p90_wait_minutes: float | None = None
    mean_service_minutes: float | None = None
    median_service_minutes: float | None = None
    p90_service_minutes: float | None = None
    target_minutes: float | None = None
    within_target: float | None = None
    abandonment_rate: float | None = None


def _quantile(ordered: Sequence[float], q: float) -> float:
    # Linear interpolation between order statistics (numpy's default "linear" method).
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    fraction = position - low
    return ordered[low] + (ordered[high] - ordered[low]) * fraction


def summarize(
    waits: Sequence[float],
    services: Sequence[float],
    *,
    abandoned: int = 0,
    unserved: int = 0,
    target_minutes: float | None = None,
) -> KpiSummary:
    """Summarize one group of tickets.

    Args:
        waits: The waits of the served tickets, in minutes.
        services: Their service times, in minutes, in the same order.
        abandoned: How many tickets of the group left before being called.
        unserved: How many were still waiting at closing time.
        target_minutes: The waiting-time target, if any.

    Returns:
        The group's KPIs.
    """
    served = len(waits)
    tickets = served + abandoned + unserved
    if tickets == 0:
        return KpiSummary(0, 0, target_minutes=target_minutes)
    ended = tickets
    within: float | None = None
    if target_minutes is not None:
        within = sum(1 for w in waits if w <= target_minutes) / ended
    abandonment = abandoned / tickets
    if served == 0:
        return KpiSummary(
            tickets,
            0,
            abandoned,
            unserved,
            target_minutes=target_minutes,
            within_target=within,
            abandonment_rate=abandonment,
        )
    w = sorted(waits)
    s = sorted(services)
    return KpiSummary(
        tickets=tickets,
        served=served,
        abandoned=abandoned,
        unserved=unserved,
        mean_wait_minutes=math.fsum(w) / served,
        median_wait_minutes=_quantile(w, 0.5),
        p90_wait_minutes=_quantile(w, 0.9),
        mean_service_minutes=math.fsum(s) / served,
        median_service_minutes=_quantile(s, 0.5),
        p90_service_minutes=_quantile(s, 0.9),
        target_minutes=target_minutes,
        within_target=within,
        abandonment_rate=abandonment,
    )


@attrs.frozen
class KpiReport:
    """The KPIs of a day (or of several simulated days pooled), broken down three ways.

    Attributes:
        overall: All tickets.
        by_hour: Per arrival hour of day (``8`` for 08:00–08:59), in hour order.
        by_line: Per business line id, in the order the lines are defined.
        by_group: Per priority group id, ``"normal"`` for tickets without a group.
    """

    overall: KpiSummary
    by_hour: Mapping[int, KpiSummary] = attrs.field(factory=dict)
    by_line: Mapping[str, KpiSummary] = attrs.field(factory=dict)
    by_group: Mapping[str, KpiSummary] = attrs.field(factory=dict)
