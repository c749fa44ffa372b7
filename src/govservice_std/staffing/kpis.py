"""Waiting and service KPIs of a (simulated) day, overall and per hour, line and priority group.

The figures and their definitions follow the live queue's KPIs, so that a simulated day
and a real day are compared like for like:

* **waiting time** — from arrival to the first call, in minutes, of every ticket called;
* **service time** — from the call to the end of service, of every ticket served;
* **no-show** — a ticket whose visitor had given up and left when a window called it;
* **waiting now** — a ticket never called by the end of the day;
* **share within target** — among the tickets called plus those still waiting longer than
  the target at the end, the share called within ``target_minutes``;
* **no-show rate** — no-shows among the tickets served or no-show.

Durations are summarized by count, mean, median, 90th percentile (nearest rank) and
maximum. A ticket's hour is the hour of its arrival (``8`` for 08:00–08:59); tickets
without a priority group are reported under ``"normal"``.

>>> s = summarize([0.0, 3.0, 12.0, 30.0], [5.0, 6.0, 7.0], no_shows=1, target_minutes=15)
>>> s.issued, s.served, s.waiting.mean, s.within_target, s.no_show_rate
(4, 3, 11.25, 0.75, 0.25)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

__all__ = ["DurationSummary", "KpiReport", "KpiSummary", "summarize"]


@attrs.frozen
class DurationSummary:
    """Summary of a set of durations, in minutes.

    Attributes:
        count: How many values.
        mean: Arithmetic mean, or ``None`` if there are none.
        median: Median, or ``None``.
        p90: 90th percentile (nearest rank), or ``None``.
        max: Largest value, or ``None``.
    """

    count: int = 0
    mean: float | None = None
    median: float | None = None
    p90: float | None = None
    max: float | None = None

    @classmethod
    def of(cls, minutes: Sequence[float]) -> DurationSummary:
        """Summarize values given in minutes.

        >>> DurationSummary.of([4.0, 1.0, 3.0, 2.0]).median
        2.5
        """
        if not minutes:
            return cls()
        ordered = sorted(minutes)
        return cls.of_sorted(ordered, math.fsum(ordered) / len(ordered))

    @classmethod
    def of_sorted(cls, ordered: Sequence[float] | Any, mean: float) -> DurationSummary:
        """Summarize values already sorted ascending (a list or a numpy array), with their mean."""
        n = len(ordered)
        if n == 0:
            return cls()
        mid = n // 2
        median = ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2
        p90 = ordered[max(0, math.ceil(0.9 * n) - 1)]
        return cls(count=n, mean=mean, median=float(median), p90=float(p90), max=float(ordered[-1]))


@attrs.frozen
class KpiSummary:
    """The KPIs of one slice of a day's tickets (see the module docs for definitions).

    Attributes:
        issued: Tickets issued (booked visitors who came included).
        called: Tickets called at least once (served and no-shows).
        served: Tickets served.
        no_shows: Tickets whose visitor had left when called.
        cancelled: Tickets withdrawn (always 0 in a simulation).
        waiting_now: Tickets never called by the end of the day.
        waiting: Waiting times of the called tickets.
        service: Service times of the served tickets.
        within_target: Share within the waiting-time target, or ``None`` without a target
            or without tickets to judge.
        no_show_rate: No-shows among served and no-show tickets, or ``None``.
    """

    issued: int = 0
    called: int = 0
    served: int = 0
    no_shows: int = 0
    cancelled: int = 0
    waiting_now: int = 0
    waiting: DurationSummary = DurationSummary()
    service: DurationSummary = DurationSummary()
    within_target: float | None = None
    no_show_rate: float | None = None


def summarize(
    waits: Sequence[float],
    services: Sequence[float],
    *,
    no_shows: int = 0,
    waiting_now: int = 0,
    late_waiting: int = 0,
    target_minutes: float | None = None,
) -> KpiSummary:
    """Summarize one slice of tickets from plain lists.

    Args:
        waits: Waiting times (minutes) of the tickets called, served or no-show.
        services: Service times (minutes) of the tickets served.
        no_shows: How many of the called tickets were no-shows.
        waiting_now: Tickets never called.
        late_waiting: How many of those have waited longer than the target.
        target_minutes: The waiting-time target, if any.

    Returns:
        The slice's KPIs.
    """
    called = len(waits)
    served = len(services)
    within: float | None = None
    if target_minutes is not None and (called or late_waiting):
        hits = sum(1 for w in waits if w <= target_minutes)
        within = hits / (called + late_waiting)
    ended = served + no_shows
    return KpiSummary(
        issued=called + waiting_now,
        called=called,
        served=served,
        no_shows=no_shows,
        waiting_now=waiting_now,
        waiting=DurationSummary.of(waits),
        service=DurationSummary.of(services),
        within_target=within,
        no_show_rate=no_shows / ended if ended else None,
    )


@attrs.frozen
class KpiReport:
    """The KPIs of a day (or of several simulated days pooled), broken down three ways.

    Attributes:
        target_minutes: The waiting-time target used, if any.
        target_share: The share that should be within it, if set.
        overall: All tickets.
        by_hour: Per arrival hour of day (``8`` for 08:00–08:59), in hour order.
        by_line: Per business line id, in the order the lines are defined.
        by_group: Per priority group id, ``"normal"`` for tickets without a group.
    """

    target_minutes: float | None
    target_share: float | None
    overall: KpiSummary
    by_hour: Mapping[int, KpiSummary] = attrs.field(factory=dict)
    by_line: Mapping[str, KpiSummary] = attrs.field(factory=dict)
    by_group: Mapping[str, KpiSummary] = attrs.field(factory=dict)

    @property
    def target_met(self) -> bool | None:
        """Whether the day met its service level, or ``None`` without a full target."""
        share = self.overall.within_target
        if share is None or self.target_share is None:
            return None
        return share >= self.target_share
