"""Queue KPIs from the event record: waiting and service times, service level, no-shows.

The figures are computed from tickets, which are folded from events, so the same function
serves a live hall (:meth:`QueueEngine.kpis <govservice_std.queues.kpis.engine_kpis>`) and a
day's history read back from a store (:func:`kpis_from_events`).

Definitions (each in minutes where it is a time):

* **waiting time** — from a ticket's arrival (its issue time, or its appointment slot if
  later) to its first call; transfers keep the original arrival.
* **service time** — total time in service (start to finish, or to a transfer).
* **share within target** — of the tickets called, plus those still waiting longer than the
  target at ``now``, the share called within ``target_minutes``; ``None`` without a target.
* **no-show rate** — no-shows among the tickets that ended served or no-show.

Slices: the whole hall; per line (the ticket's final line), per window (where it was served
or last called), per hour of arrival (0–23, China Standard Time) and per priority group
(``normal`` for the normal queue).

The same types describe a simulated day (:func:`govservice_std.staffing.simulate`), so a
simulated day and a real one are compared like for like. What a simulation cannot know —
the hall, the service day, the moment "now", the windows — is optional and left unset
there; :attr:`QueueKpis.days` says how many days the figures pool.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from govservice_std.queues import events as ev
from govservice_std.queues.events import CHINA_TZ, Event
from govservice_std.queues.state import QueueState, Ticket, TicketStatus

if TYPE_CHECKING:
    from govservice_std.queues.engine import QueueEngine
    from govservice_std.queues.policy import QueuePolicy

__all__ = [
    "NORMAL_GROUP",
    "Distribution",
    "FactTable",
    "FrontDeskKpis",
    "KpiFigures",
    "QueueKpis",
    "StaffFigures",
    "TicketFact",
    "compute_kpis",
    "engine_kpis",
    "front_desk_kpis",
    "kpis_from_events",
    "kpis_from_facts",
    "kpis_from_tables",
    "ticket_fact",
]


class TicketFact(NamedTuple):
    """What the KPIs need of one ticket of a closed day: one row of the day's record.

    Attributes:
        day: The ticket's service day.
        ticket: The ticket's id.
        line: Its final business line.
        window: The window it was served or last called at, if any.
        group: Its priority group (``normal`` for the normal queue).
        hour: The hour of its arrival (China Standard Time).
        status: Its final status (a :class:`~govservice_std.queues.state.TicketStatus`
            value).
        waited: Minutes from arrival to first call, if called.
        service: Minutes in service, if finished.
        arrival: Its arrival as a Unix timestamp.
    """

    day: dt.date
    ticket: str
    line: str
    window: str | None
    group: str
    hour: int
    status: str
    waited: float | None
    service: float | None
    arrival: float


NORMAL_GROUP = "normal"
"""The key of the normal queue in :attr:`QueueKpis.by_group`."""


@attrs.frozen
class Distribution:
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
    def of(cls, minutes: Sequence[float]) -> Distribution:
        """Summarize values given in minutes.

        >>> Distribution.of([1.0, 2.0, 3.0, 4.0]).median
        2.5
        """
        if not minutes:
            return cls()
        ordered = sorted(minutes)
        n = len(ordered)
        mid = n // 2
        median = ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2
        p90 = ordered[max(0, math.ceil(0.9 * n) - 1)]
        return cls(count=n, mean=sum(ordered) / n, median=median, p90=p90, max=ordered[-1])

    @classmethod
    def of_sorted(cls, ordered: Sequence[float] | Any, mean: float) -> Distribution:
        """Summarize values already sorted ascending (a list or a numpy array), with their mean.

        >>> Distribution.of_sorted([1.0, 2.0, 6.0], 3.0).median
        2.0
        """
        n = len(ordered)
        if n == 0:
            return cls()
        mid = n // 2
        median = ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2
        p90 = ordered[max(0, math.ceil(0.9 * n) - 1)]
        return cls(
            count=n, mean=float(mean), median=float(median), p90=float(p90), max=float(ordered[-1])
        )


@attrs.frozen
class KpiFigures:
    """The KPIs of one slice of a hall's tickets.

    Attributes:
    In a simulation a no-show is a visitor who had given up and left when a window called
    the ticket, and nothing is ever cancelled.

    Attributes:
        issued: Tickets issued (including appointments checked in).
        called: Tickets called at least once.
        served: Tickets finished.
        no_shows: Tickets that ended as no-shows.
        cancelled: Tickets withdrawn.
        waiting_now: Tickets still waiting (at the end of a simulated day: never called).
        waiting: Waiting times of the called tickets.
        service: Service times of the finished tickets.
        within_target: Share within the waiting-time target (see the module docs), or
            ``None`` without a target or without tickets to judge.
        no_show_rate: No-shows among served and no-show tickets, or ``None``.
    """

    issued: int = 0
    called: int = 0
    served: int = 0
    no_shows: int = 0
    cancelled: int = 0
    waiting_now: int = 0
    waiting: Distribution = Distribution()
    service: Distribution = Distribution()
    within_target: float | None = None
    no_show_rate: float | None = None

    @classmethod
    def of(
        cls,
        *,
        issued: int,
        called: int,
        served: int,
        no_shows: int,
        waiting_now: int,
        waiting: Distribution,
        service: Distribution,
        cancelled: int = 0,
        hits: int = 0,
        late_waiting: int = 0,
        target: float | None = None,
    ) -> KpiFigures:
        """Figures from counts: the one place the two shares are defined.

        ``within_target`` is ``hits / (called + late_waiting)`` — the called tickets that
        waited no longer than the target, among the called ones and those still waiting
        past it — when a target is set and there is a ticket to judge. ``no_show_rate`` is
        ``no_shows / (served + no_shows)`` when a ticket has ended.

        >>> KpiFigures.of(issued=4, called=3, served=2, no_shows=1, waiting_now=1,
        ...     waiting=Distribution(), service=Distribution(), hits=2, late_waiting=1,
        ...     target=20.0).within_target
        0.5
        """
        judged = called + late_waiting
        ended = served + no_shows
        return cls(
            issued=issued,
            called=called,
            served=served,
            no_shows=no_shows,
            cancelled=cancelled,
            waiting_now=waiting_now,
            waiting=waiting,
            service=service,
            within_target=hits / judged if target is not None and judged else None,
            no_show_rate=no_shows / ended if ended else None,
        )

    @classmethod
    def of_samples(
        cls,
        waits: Sequence[float],
        services: Sequence[float],
        *,
        no_shows: int,
        waiting_now: int,
        late_waiting: int = 0,
        cancelled: int = 0,
        issued: int | None = None,
        target: float | None = None,
    ) -> KpiFigures:
        """Figures from the waiting and service times themselves (see :meth:`of`).

        Args:
            waits: Waiting times (minutes) of the called tickets.
            services: Service times (minutes) of the finished tickets.
            no_shows: Tickets that ended as no-shows.
            waiting_now: Tickets still waiting.
            late_waiting: Of those, how many have waited longer than the target.
            cancelled: Tickets withdrawn.
            issued: Tickets issued (default: the called ones and those still waiting).
            target: The waiting-time target (minutes), if any.
        """
        return cls.of(
            issued=len(waits) + waiting_now if issued is None else issued,
            called=len(waits),
            served=len(services),
            no_shows=no_shows,
            cancelled=cancelled,
            waiting_now=waiting_now,
            waiting=Distribution.of(waits),
            service=Distribution.of(services),
            hits=sum(1 for w in waits if w <= target) if target is not None else 0,
            late_waiting=late_waiting,
            target=target,
        )


@attrs.frozen
class QueueKpis:
    """A hall's queue KPIs — of a live hall, a recorded day, or simulated days.

    Attributes:
        hall: The hall's code (``None`` for a simulation).
        day: The service day, or ``None`` for every day in the record (and for a
            simulation).
        now: The moment the live figures refer to (``None`` for a simulation, whose
            "now" is the end of each simulated day).
        target_minutes: The waiting-time target used, if any.
        target_share: The share that should be within the target, if set.
        overall: The whole hall.
        by_line: Per business line.
        by_window: Per window (empty for a simulation).
        by_hour: Per hour of arrival.
        by_group: Per priority group
            (:data:`~govservice_std.queues.kpis.NORMAL_GROUP` for the normal queue).
        days: How many days the figures pool: the distinct service days of the tickets,
            or the replications of a simulation. Counts divided by it are per day.
    """

    hall: str | None = None
    day: dt.date | None = None
    now: dt.datetime | None = None
    target_minutes: float | None = None
    target_share: float | None = None
    overall: KpiFigures = KpiFigures()
    by_line: Mapping[str, KpiFigures] = attrs.field(factory=dict)
    by_window: Mapping[str, KpiFigures] = attrs.field(factory=dict)
    by_hour: Mapping[int, KpiFigures] = attrs.field(factory=dict)
    by_group: Mapping[str, KpiFigures] = attrs.field(factory=dict)
    days: int = 1

    @property
    def target_met(self) -> bool | None:
        """Whether the hall met its service level, or ``None`` without a full target."""
        share = self.overall.within_target
        if share is None or self.target_share is None:
            return None
        return share >= self.target_share

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output.

        Every field is present (unset ones as ``None`` or empty), so a simulated day and a
        recorded one have the same keys; hours become strings.
        """
        data: dict[str, Any] = attrs.asdict(self, value_serializer=_plain)
        data["by_hour"] = {str(k): v for k, v in data["by_hour"].items()}
        data["target_met"] = self.target_met
        return data


def _plain(_inst: Any, _field: Any, value: Any) -> Any:
    if isinstance(value, dt.date):  # dates and date-times alike
        return value.isoformat()
    return value


_FINISHED = TicketStatus.FINISHED.value
_NO_SHOW = TicketStatus.NO_SHOW.value
_CANCELLED = TicketStatus.CANCELLED.value
_WAITING = TicketStatus.WAITING.value


def ticket_fact(ticket: Ticket) -> TicketFact:
    """The facts of a ticket the KPIs are computed from (one row of a closed day).

    >>> import datetime as dt
    >>> at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ)
    >>> t = Ticket(id="20260302-A001", label="A001", line="A", original_line="A", number=1,
    ...            day=at.date(), group=None, status=TicketStatus.WAITING, issued_at=at,
    ...            order_at=at, arrival=at)
    >>> ticket_fact(t).hour, ticket_fact(t).group
    (9, 'normal')
    """
    waited = ticket.waited_seconds
    status = ticket.status
    return TicketFact(
        day=ticket.day,
        ticket=ticket.id,
        line=ticket.line,
        window=ticket.window,
        group=ticket.group or NORMAL_GROUP,
        hour=ticket.arrival.astimezone(CHINA_TZ).hour,
        status=status.value,
        waited=None if waited is None else waited / 60.0,
        service=ticket.service_seconds / 60.0 if status is TicketStatus.FINISHED else None,
        arrival=ticket.arrival.timestamp(),
    )


def kpis_from_facts(
    facts: Iterable[TicketFact],
    *,
    hall: str,
    now: dt.datetime,
    day: dt.date | None = None,
    target_minutes: float | None = None,
    target_share: float | None = None,
) -> QueueKpis:
    """Compute KPIs from ticket facts, read a batch at a time (a year's history streams).

    Args:
        facts: The facts (:func:`ticket_fact`, or a store's closed days).
        hall: The hall's code.
        now: The moment "still waiting" refers to.
        day: The service day the facts are of, if one.
        target_minutes: The waiting-time target, if any.
        target_share: The share that should meet it, if set.
    """
    return kpis_from_tables(
        [FactTable.of(facts)],
        hall=hall,
        now=now,
        day=day,
        target_minutes=target_minutes,
        target_share=target_share,
    )


def kpis_from_tables(
    tables: Iterable[FactTable],
    *,
    hall: str,
    now: dt.datetime,
    day: dt.date | None = None,
    target_minutes: float | None = None,
    target_share: float | None = None,
) -> QueueKpis:
    """Compute KPIs from tables of ticket facts (a closed day's is stored as one).

    Every slice is computed from the joined columns at once; the figures are the same as
    :func:`kpis_from_facts` gives for the same tickets.

    Args:
        tables: The tables (:meth:`FactTable.of`, :meth:`FactTable.from_bytes`).
        hall: The hall's code.
        now: The moment "still waiting" refers to.
        day: The service day the facts are of, if one.
        target_minutes: The waiting-time target, if any.
        target_share: The share that should meet it, if set.
    """
    table = FactTable.join(tables)
    np = _numpy()
    n = len(table.status)
    if target_minutes is not None:
        late = (
            (table.status == _STATUS_CODES[_WAITING])
            & np.isnan(table.waited)
            & ((now.timestamp() - table.arrival) > target_minutes * 60.0)
        )
    else:
        late = np.zeros(n, dtype=bool)

    def sliced(name: str) -> dict[Any, KpiFigures]:
        codes, keys = table.slice(name)
        figures = _figures_by(np, codes, len(keys), table, late, target_minutes)
        return {key: figures[i] for key, i in sorted((k, i) for i, k in enumerate(keys))}

    overall = _figures_by(np, np.zeros(n, dtype=np.int64), 1, table, late, target_minutes)[0]
    return QueueKpis(
        days=1 if day is not None else max(1, len(table.days)),
        hall=hall,
        day=day,
        now=now,
        target_minutes=target_minutes,
        target_share=target_share,
        overall=overall,
        by_line=sliced("line"),
        by_window=sliced("window"),
        by_hour=sliced("hour"),
        by_group=sliced("group"),
    )


def _numpy() -> Any:
    import numpy as np  # noqa: PLC0415 - keep importing the package light

    return np


_STATUS_CODES = {status.value: i for i, status in enumerate(TicketStatus)}
_KEYED = ("line", "window", "group")  # slices whose keys are names (an hour is its own key)
# The columns of a stored table, in order, with their types (little-endian).
_LAYOUT = (
    ("line", "<i2"), ("window", "<i2"), ("group", "<i2"), ("hour", "<i1"), ("status", "<i1"),
    ("waited", "<f8"), ("service", "<f8"), ("arrival", "<f8"),
)  # fmt: skip


class FactTable:
    """Ticket facts as numeric columns: what a closed day stores, and what KPIs read.

    Names (lines, windows, groups) are small integer codes into the table's own lists;
    times are minutes, ``NaN`` where a ticket was not called or not finished.
    """

    def __init__(
        self, columns: dict[str, Any], names: dict[str, list[Any]], days: set[dt.date]
    ) -> None:
        self.columns = columns
        self.names = names
        self.days = days
        self.status = columns["status"]
        self.waited = columns["waited"]
        self.service = columns["service"]
        self.arrival = columns["arrival"]

    @classmethod
    def of(cls, facts: Iterable[TicketFact]) -> FactTable:
        """Build a table from facts, a batch at a time."""
        np = _numpy()
        codes: dict[str, dict[Any, int]] = {name: {} for name in _KEYED}
        parts: dict[str, list[Any]] = {name: [] for name, _ in _LAYOUT}
        days: set[dt.date] = set()
        iterator = iter(facts)
        while batch := list(islice(iterator, 65536)):
            day, _, line, window, group, hour, status, waited, service, arrival = zip(
                *batch, strict=True
            )
            days.update(day)
            for name, values in (("line", line), ("window", window), ("group", group)):
                known = codes[name]
                parts[name].append(
                    np.array(
                        [-1 if v is None else known.setdefault(v, len(known)) for v in values],
                        dtype=np.int64,
                    )
                )
            parts["hour"].append(np.array(hour, dtype=np.int64))
            parts["status"].append(np.array([_STATUS_CODES[v] for v in status], dtype=np.int64))
            # None becomes NaN: not called, or not finished.
            for name, values in (("waited", waited), ("service", service), ("arrival", arrival)):
                parts[name].append(np.array(values, dtype=np.float64))
        columns = {
            name: np.concatenate(chunks) if chunks else np.zeros(0, dtype=_kind(np, kind))
            for (name, kind), chunks in zip(_LAYOUT, parts.values(), strict=True)
        }
        names = {name: list(codes[name]) for name in _KEYED}
        return cls(columns, names, days)

    def to_bytes(self) -> bytes:
        """The table as bytes, to store with a closed day (see :meth:`from_bytes`)."""
        np = _numpy()
        header = {
            "n": len(self.status),
            "names": self.names,
            "days": sorted(day.isoformat() for day in self.days),
        }
        body = b"".join(
            np.ascontiguousarray(self.columns[name], dtype=kind).tobytes() for name, kind in _LAYOUT
        )
        return json.dumps(header, ensure_ascii=False).encode() + b"\n" + body

    @classmethod
    def from_bytes(cls, data: bytes) -> FactTable:
        """Read a table written by :meth:`to_bytes`.

        Raises:
            ValueError: If the bytes are not such a table.
        """
        np = _numpy()
        try:
            head, _, body = data.partition(b"\n")
            header = json.loads(head)
            n = int(header["n"])
            columns: dict[str, Any] = {}
            offset = 0
            for name, kind in _LAYOUT:
                dtype = np.dtype(kind)
                columns[name] = np.frombuffer(body, dtype=dtype, count=n, offset=offset).astype(
                    np.float64 if dtype.kind == "f" else np.int64
                )
                offset += n * dtype.itemsize
            if offset != len(body):
                raise ValueError("the columns do not fill the table")
            names = {name: list(header["names"][name]) for name in _KEYED}
            days = {dt.date.fromisoformat(day) for day in header["days"]}
        except (KeyError, TypeError, json.JSONDecodeError) as exc:
            raise ValueError(f"not a table of ticket facts: {exc!r}") from exc
        return cls(columns, names, days)

    @classmethod
    def join(cls, tables: Iterable[FactTable]) -> FactTable:
        """One table of all the tables' rows, their names merged."""
        np = _numpy()
        merged: dict[str, dict[Any, int]] = {name: {} for name in _KEYED}
        parts: dict[str, list[Any]] = {name: [] for name, _ in _LAYOUT}
        days: set[dt.date] = set()
        for table in tables:
            days |= table.days
            for name, _ in _LAYOUT:
                column = table.columns[name]
                if name in merged:
                    known = merged[name]
                    mapping = np.array(
                        [known.setdefault(v, len(known)) for v in table.names[name]] + [-1],
                        dtype=np.int64,
                    )
                    column = mapping[column]  # -1 (no name) picks the appended -1
                parts[name].append(column)
        columns = {
            name: np.concatenate(chunks) if chunks else np.zeros(0, dtype=_kind(np, kind))
            for (name, kind), chunks in zip(_LAYOUT, parts.values(), strict=True)
        }
        return cls(columns, {name: list(merged[name]) for name in _KEYED}, days)

    def slice(self, name: str) -> tuple[Any, list[Any]]:
        """A slice's codes per row and its keys by code."""
        if name == "hour":
            np = _numpy()
            hours = self.columns["hour"]
            present = sorted(set(np.unique(hours).tolist())) if len(hours) else []
            index = np.full(24, -1, dtype=np.int64)
            for code, hour in enumerate(present):
                index[hour] = code
            return index[hours], present
        return self.columns[name], self.names[name]


def _kind(np: Any, kind: str) -> Any:
    return np.float64 if np.dtype(kind).kind == "f" else np.int64


def _distributions(np: Any, keys: Any, values: Any, n: int) -> tuple[list[Distribution], Any]:
    """One distribution per group of ``keys`` (codes 0..n-1), and the counts."""
    order = np.lexsort((values, keys))
    ordered = values[order]
    counts = np.bincount(keys, minlength=n)
    result = []
    start = 0
    for count in counts.tolist():
        if count:
            part = ordered[start : start + count]
            # Summed in ascending order, as Distribution.of sums a sorted list.
            result.append(Distribution.of_sorted(part, sum(part.tolist()) / count))
        else:
            result.append(Distribution())
        start += count
    return result, counts


def _figures_by(  # noqa: PLR0917 - a private helper of kpis_from_tables
    np: Any, codes: Any, n: int, table: FactTable, late: Any, target: float | None
) -> list[KpiFigures]:
    valid = codes >= 0
    status = table.status

    def count(mask: Any) -> list[int]:
        counted: list[int] = np.bincount(codes[valid & mask], minlength=n).tolist()
        return counted

    issued = count(np.ones(len(codes), dtype=bool))
    served = count(status == _STATUS_CODES[_FINISHED])
    no_shows = count(status == _STATUS_CODES[_NO_SHOW])
    cancelled = count(status == _STATUS_CODES[_CANCELLED])
    waiting_now = count(status == _STATUS_CODES[_WAITING])
    late_count = count(late)
    called = valid & ~np.isnan(table.waited)
    waits, wait_counts = _distributions(np, codes[called], table.waited[called], n)
    hits = (
        np.bincount(codes[called & (table.waited <= target)], minlength=n).tolist()
        if target is not None
        else [0] * n
    )
    finished = valid & (status == _STATUS_CODES[_FINISHED])
    services, _ = _distributions(np, codes[finished], np.nan_to_num(table.service[finished]), n)
    return [
        KpiFigures.of(
            issued=issued[g],
            called=int(wait_counts[g]),
            served=served[g],
            no_shows=no_shows[g],
            cancelled=cancelled[g],
            waiting_now=waiting_now[g],
            waiting=waits[g],
            service=services[g],
            hits=hits[g],
            late_waiting=late_count[g],
            target=target,
        )
        for g in range(n)
    ]


def compute_kpis(
    tickets: Sequence[Ticket],
    *,
    hall: str,
    now: dt.datetime,
    day: dt.date | None = None,
    target_minutes: float | None = None,
    target_share: float | None = None,
) -> QueueKpis:
    """Compute the KPIs of a set of tickets.

    Args:
        tickets: The tickets (snapshots from a :class:`QueueState`).
        hall: The hall's code.
        now: The moment "still waiting" refers to.
        day: Only tickets of this service day (``None``: all).
        target_minutes: The waiting-time target, if any.
        target_share: The share that should meet it, if set.
    """
    return kpis_from_facts(
        (ticket_fact(t) for t in tickets if day is None or t.day == day),
        hall=hall,
        now=now,
        day=day,
        target_minutes=target_minutes,
        target_share=target_share,
    )


def kpis_from_events(
    events: Iterable[Event],
    *,
    hall: str,
    now: dt.datetime,
    day: dt.date | None = None,
    target_minutes: float | None = None,
    target_share: float | None = None,
) -> QueueKpis:
    """Fold a hall's event record and compute its KPIs (for a day's history).

    Args:
        events: The events, in order (``[e for _, e in store.read()]``).
        hall: The hall's code.
        now: The moment "still waiting" refers to (the end of the day, for history).
        day: Only tickets of this service day (``None``: all).
        target_minutes: The waiting-time target, if any.
        target_share: The share that should meet it, if set.
    """
    state = QueueState(keep_closed=True)  # the tickets day closes ended count too
    for event in events:
        state.apply(event)
    return compute_kpis(
        state.tickets(),
        hall=hall,
        now=now,
        day=day,
        target_minutes=target_minutes,
        target_share=target_share,
    )


def engine_kpis(engine: QueueEngine, *, day: dt.date | None = None) -> QueueKpis:
    """The live KPIs of an engine's hall, with its policy's target.

    Args:
        engine: The engine (refreshed first, to include other writers' events).
        day: The service day (default: today by the engine's clock); ``None`` is not
            "all days" here — pass a date.
    """
    engine.refresh()
    now = engine.now()
    the_day = day or now.astimezone(CHINA_TZ).date()
    return compute_kpis(
        engine.state.tickets(day=the_day),
        hall=engine.hall.code,
        now=now,
        day=the_day,
        target_minutes=engine.policy.target_minutes,
        target_share=engine.policy.target_share,
    )


# -- front of house: staff, caps, bookings -------------------------------------------------


@attrs.frozen
class StaffFigures:
    """What one staff member did in a service day.

    Attributes:
        staff: The staff member's id.
        called: Tickets they called (next in turn, chosen, or resumed after parking).
        served: Tickets they finished.
        mean_wait: Mean wait (arrival to first call) of the tickets they called first,
            in minutes.
        mean_walk: Mean walk time from a call to the start of service, in minutes.
        mean_service: Mean service time per service stretch (start to finish, park or
            transfer), in minutes.
        signed_in: Minutes signed in at a window.
        idle: Minutes signed in with no ticket called or in service at their window.
    """

    staff: str
    called: int = 0
    served: int = 0
    mean_wait: float | None = None
    mean_walk: float | None = None
    mean_service: float | None = None
    signed_in: float = 0.0
    idle: float = 0.0


@attrs.frozen
class FrontDeskKpis:
    """Per-staff figures, daily caps reached and booking show rate of a service day.

    Attributes:
        day: The service day.
        by_staff: Figures per staff member, by id.
        cap_reached_at: For each line with a daily cap, when its last walk-in ticket of
            the day was issued, or ``None`` if the cap was not reached.
        bookings_due: Bookings of the day whose slot has begun (not cancelled).
        bookings_shown: Of those, the ones checked in.
        show_rate: ``bookings_shown / bookings_due``; ``None`` with none due.
    """

    day: dt.date
    by_staff: Mapping[str, StaffFigures]
    cap_reached_at: Mapping[str, dt.datetime | None]
    bookings_due: int
    bookings_shown: int
    show_rate: float | None

    def to_dict(self) -> dict[str, Any]:
        """The figures as JSON-ready data (times as ISO 8601 text)."""
        return {
            "day": self.day.isoformat(),
            "by_staff": {k: attrs.asdict(v) for k, v in self.by_staff.items()},
            "cap_reached_at": {
                k: None if v is None else v.isoformat() for k, v in self.cap_reached_at.items()
            },
            "bookings_due": self.bookings_due,
            "bookings_shown": self.bookings_shown,
            "show_rate": self.show_rate,
        }


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


class _StaffTally:
    __slots__ = ("busy", "called", "served", "service", "signed_in", "waits", "walks")

    def __init__(self) -> None:
        self.called = 0
        self.served = 0
        self.waits: list[float] = []
        self.walks: list[float] = []
        self.service: list[float] = []
        self.signed_in = 0.0
        self.busy = 0.0


def front_desk_kpis(  # noqa: PLR0912, PLR0915 - one pass over the day's events
    events: Iterable[Event], policy: QueuePolicy, *, day: dt.date, now: dt.datetime
) -> FrontDeskKpis:
    """Per-staff figures, caps reached and the booking show rate of one service day.

    Computed in one pass over the hall's events in order (events of other days only
    give tickets their arrival and bookings their slot). Walk time runs from a call (or
    a resume) to the start of service; service time from a start to a finish, park or
    transfer; a staff member is busy from a call to the end of that ticket's stay at the
    window, and idle for the rest of the time signed in (a session still open counts up
    to ``now`` or the end of the day).

    Args:
        events: The hall's events, in order.
        policy: The queue policy (for the daily caps).
        day: The service day.
        now: The moment the figures are for.
    """
    if day < dt.date.max:
        end_of_day = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), CHINA_TZ)
    else:  # the calendar's last day has no next day to start
        end_of_day = dt.datetime.max.replace(tzinfo=CHINA_TZ)
    cut = min(now, end_of_day)
    caps = {line.id: line.daily_cap for line in policy.lines if line.daily_cap}
    walk_ins: dict[str, int] = {}
    cap_at: dict[str, dt.datetime | None] = dict.fromkeys(caps)
    arrival: dict[str, dt.datetime] = {}
    called_once: set[str] = set()
    last_call: dict[str, dt.datetime] = {}
    started: dict[str, tuple[dt.datetime, str | None]] = {}
    sessions: dict[str, tuple[str, dt.datetime]] = {}
    busy: dict[str, tuple[str, dt.datetime, str | None]] = {}
    tally: dict[str, _StaffTally] = {}
    slots: dict[str, dt.datetime] = {}
    cancelled: set[str] = set()
    shown: set[str] = set()

    def staff_of(name: str) -> _StaffTally:
        found = tally.get(name)
        if found is None:
            found = tally[name] = _StaffTally()
        return found

    def end_busy(window: str | None, ticket: str, at: dt.datetime) -> None:
        if window is None:
            return
        current = busy.get(window)
        if current is not None and current[0] == ticket:
            del busy[window]
            if current[2] is not None:
                staff_of(current[2]).busy += (at - current[1]).total_seconds()

    def end_service(ticket: str, at: dt.datetime) -> None:
        begun = started.pop(ticket, None)
        if begun is not None and begun[1] is not None:
            staff_of(begun[1]).service.append((at - begun[0]).total_seconds() / 60.0)

    def close_session(window: str, at: dt.datetime) -> None:
        session = sessions.pop(window, None)
        if session is not None:
            staff_of(session[0]).signed_in += max(0.0, (at - session[1]).total_seconds())

    for event in events:
        at = event.at
        on_day = at.astimezone(CHINA_TZ).date() == day
        if isinstance(event, ev.TicketIssued):
            slot = event.slot
            arrival[event.ticket] = at if slot is None or slot < at else slot
            if event.appointment is not None:
                shown.add(event.appointment)
            elif on_day and event.line in caps:
                count = walk_ins[event.line] = walk_ins.get(event.line, 0) + 1
                if count == caps[event.line]:
                    cap_at[event.line] = at
        elif isinstance(event, (ev.AppointmentBooked, ev.AppointmentRescheduled)):
            slots[event.appointment] = event.slot
        elif isinstance(event, ev.AppointmentCancelled):
            cancelled.add(event.appointment)
        elif not on_day:
            continue
        elif isinstance(event, ev.StaffSignedIn):
            sessions[event.window] = (event.staff, at)
        elif isinstance(event, (ev.StaffSignedOut, ev.WindowClosed)):
            close_session(event.window, at)
        elif isinstance(event, (ev.TicketCalled, ev.TicketResumed)):
            ticket, staff = event.ticket, event.staff
            busy[event.window] = (ticket, at, staff)
            last_call[ticket] = at
            if staff is not None:
                person = staff_of(staff)
                person.called += 1
                if ticket not in called_once and ticket in arrival:
                    person.waits.append(max(0.0, (at - arrival[ticket]).total_seconds()) / 60.0)
            called_once.add(ticket)
        elif isinstance(event, ev.ServiceStarted):
            ticket, staff = event.ticket, event.staff
            started[ticket] = (at, staff)
            if staff is not None and ticket in last_call:
                staff_of(staff).walks.append((at - last_call[ticket]).total_seconds() / 60.0)
        elif isinstance(event, ev.ServiceFinished):
            if event.staff is not None:
                staff_of(event.staff).served += 1
            end_service(event.ticket, at)
            end_busy(event.window, event.ticket, at)
        elif isinstance(
            event, (ev.TicketNoShow, ev.TicketParked, ev.TicketTransferred, ev.TicketCancelled)
        ):
            end_service(event.ticket, at)
            end_busy(event.window, event.ticket, at)
    for window in list(busy):
        ticket, since, staff = busy.pop(window)
        if staff is not None:
            staff_of(staff).busy += max(0.0, (cut - since).total_seconds())
    for window in list(sessions):
        close_session(window, cut)

    by_staff = {
        name: StaffFigures(
            staff=name,
            called=t.called,
            served=t.served,
            mean_wait=_mean(t.waits),
            mean_walk=_mean(t.walks),
            mean_service=_mean(t.service),
            signed_in=t.signed_in / 60.0,
            idle=max(0.0, t.signed_in - t.busy) / 60.0,
        )
        for name, t in sorted(tally.items())
    }
    due = [
        ref
        for ref, slot in slots.items()
        if ref not in cancelled and slot.astimezone(CHINA_TZ).date() == day and slot <= now
    ]
    came = sum(1 for ref in due if ref in shown)
    return FrontDeskKpis(
        day=day,
        by_staff=by_staff,
        cap_reached_at=cap_at,
        bookings_due=len(due),
        bookings_shown=came,
        show_rate=came / len(due) if due else None,
    )
