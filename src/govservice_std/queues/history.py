"""A hall's queue history, read by service day.

Closed days are history: their events stay in the store, and a day close also stores the
day's KPI summary and one row of facts per ticket
(:class:`~govservice_std.queues.kpis.TicketFact`).
KPIs over any range of days read the facts of the closed days and fold only the events of
days that were not closed (or got events after their close), one day at a time, so a
year's figures take the memory of the year's facts, never a list of every event.

>>> import datetime as dt
>>> from govservice_std.queues.stores.memory import MemoryStore
>>> recorded_kpis(MemoryStore("441324116"), day=dt.date(2026, 3, 2)).overall.issued
0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from govservice_std.errors import QueueStoreError
from govservice_std.queues.events import CHINA_TZ
from govservice_std.queues.kpis import (
    FactTable,
    QueueKpis,
    TicketFact,
    kpis_from_tables,
    ticket_fact,
)
from govservice_std.queues.state import QueueState
from govservice_std.queues.stores.base import EventStore, StoredEvent

__all__ = ["day_end", "day_facts", "fold_day", "recorded_kpis"]


def day_end(day: dt.date) -> dt.datetime:
    """The end of a service day (midnight after it, China Standard Time).

    >>> day_end(dt.date(2026, 3, 2)).isoformat()
    '2026-03-03T00:00:00+08:00'
    """
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), CHINA_TZ)


def fold_day(events: Iterable[StoredEvent]) -> QueueState:
    """Fold one day's events into a state that keeps the tickets the day's close ended.

    Events about tickets the day does not know (a ticket of an earlier day acted on after
    midnight, before day closes existed) are skipped.
    """
    state = QueueState(keep_closed=True)
    apply = state.apply
    for _, event in events:
        try:
            apply(event)
        except QueueStoreError:
            continue
    return state


def day_facts(store: EventStore, day: dt.date) -> list[TicketFact]:
    """The ticket facts of one service day, folded from its events in the store."""
    state = fold_day(store.read_day(day))
    return [ticket_fact(ticket) for ticket in state.tickets(day=day)]


def _tables(
    store: EventStore, days: dict[dt.date, int], first: dt.date | None, last: dt.date | None
) -> Iterator[FactTable]:
    closed = store.closed_days(first, last)
    # A day's stored facts hold if nothing was appended to the day after its close.
    fresh = [day for day, seq in closed.items() if days.get(day, seq) <= seq]
    tables = store.fact_tables(fresh)
    if tables is None:
        yield FactTable.of(store.facts(fresh))
    else:
        yield from tables
    done = set(fresh)
    for day in days:
        if day not in done:
            yield FactTable.of(day_facts(store, day))


def recorded_kpis(
    store: EventStore,
    *,
    day: dt.date | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
    now: dt.datetime | None = None,
    target_minutes: float | None = None,
    target_share: float | None = None,
) -> QueueKpis:
    """A hall's KPIs for one day or a range of days, read back from its store.

    Args:
        store: The hall's store.
        day: One service day (sets ``first`` and ``last``).
        first: The first day (``None``: from the start of the record).
        last: The last day (``None``: to its end).
        now: The moment "still waiting" refers to (default: the end of ``day``, or of
            the last day with events in the range).
        target_minutes: The waiting-time target, if any.
        target_share: The share that should meet it, if set.
    """
    if day is not None:
        first = last = day
    days = store.days(first, last)
    if now is None:
        end = last if last is not None else max(days, default=None)
        now = day_end(end) if end is not None else dt.datetime.now(CHINA_TZ)
    return kpis_from_tables(
        _tables(store, days, first, last),
        hall=store.hall,
        now=now,
        day=day,
        target_minutes=target_minutes,
        target_share=target_share,
    )
