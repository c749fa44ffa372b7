"""KPIs of simulated tickets from plain lists, in the live queue's KPI types.

A simulated day is summarized in the very types of the live queue —
:class:`~govservice_std.queues.kpis.QueueKpis`,
:class:`~govservice_std.queues.kpis.KpiFigures` and
:class:`~govservice_std.queues.kpis.Distribution` — so that a simulated day and a real day
are compared like for like. The definitions, as the simulation applies them:

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

from collections.abc import Sequence

from govservice_std.queues.kpis import KpiFigures

__all__ = ["summarize"]


def summarize(
    waits: Sequence[float],
    services: Sequence[float],
    *,
    no_shows: int = 0,
    waiting_now: int = 0,
    late_waiting: int = 0,
    target_minutes: float | None = None,
) -> KpiFigures:
    """Summarize one slice of simulated tickets from plain lists.

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
    return KpiFigures.of_samples(
        waits,
        services,
        no_shows=no_shows,
        waiting_now=waiting_now,
        late_waiting=late_waiting,
        target=target_minutes,
    )
