"""The state of a hall's queue: a fold of its events.

:class:`QueueState` applies events one by one (:meth:`QueueState.apply`); it never decides
anything, so the same events always give the same state. Snapshots (:class:`Ticket`,
:class:`WindowState`, :class:`Booking`) are frozen values safe to hand out.

The engine reads the state through a narrow, named interface and nothing else: the live
records :class:`LiveTicket` and :class:`LiveWindow` (:meth:`QueueState.live`,
:meth:`QueueState.live_window`; read them, never write them), the numbering and counting
queries (:meth:`QueueState.last_number`, :meth:`QueueState.walk_ins`), the staff and booking
queries, and the selection rule itself (:meth:`QueueState.select`), which works on the
state's own queues.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import json
import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

import attrs

from govservice_std.errors import QueueStoreError
from govservice_std.i18n import LabelledEnum
from govservice_std.queues.events import (
    CHINA_TZ,
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentReminded,
    AppointmentRescheduled,
    DayClosed,
    Event,
    ServiceFinished,
    ServiceStarted,
    StaffSignedIn,
    StaffSignedOut,
    TicketCalled,
    TicketCancelled,
    TicketIssued,
    TicketNoShow,
    TicketParked,
    TicketReactivated,
    TicketRecalled,
    TicketResumed,
    TicketTransferred,
    WindowClosed,
    WindowOpened,
)

__all__ = [
    "SNAPSHOT_VERSION",
    "Booking",
    "BookingStatus",
    "LiveTicket",
    "LiveWindow",
    "QueueState",
    "SelectionRule",
    "Ticket",
    "TicketStatus",
    "WindowState",
]

SNAPSHOT_VERSION = 1
"""The layout version of :meth:`QueueState.snapshot`'s text. A snapshot of another version
is ignored (the state is then folded from the whole record): snapshots are only a shortcut."""


class TicketStatus(LabelledEnum):
    """Where a ticket is in its life."""

    WAITING = "waiting", "waiting"
    """In a line's queue."""
    CALLED = "called", "called"
    """Called to a window; the holder has not arrived yet."""
    SERVING = "serving", "serving"
    """Being served at a window."""
    FINISHED = "finished", "finished"
    """Served, with an outcome."""
    NO_SHOW = "no_show", "no-show"
    """Called and did not come (may be reactivated)."""
    CANCELLED = "cancelled", "cancelled"
    """Withdrawn before service."""
    PARKED = "parked", "parked"
    """Set aside by a window (the visitor fetches a missing paper); resumed there later."""


class Ticket(NamedTuple):
    """A snapshot of one ticket: an immutable value, safe to hand out and compare.

    A named tuple rather than an attrs class because every command returns one: it is
    built ten times faster, which the engine's throughput depends on.

    Attributes:
        id: Unique id (``20260302-A001``).
        label: Display number (``A001``).
        line: The business line it is now in.
        original_line: The line it was issued in.
        number: Number within its line and day.
        day: Service day.
        group: Priority group, or ``None`` for the normal queue.
        status: Where it is.
        issued_at: When it was issued (or checked in).
        order_at: What places it in the queue.
        arrival: When waiting started for KPIs: the issue time, or the appointment's slot
            if that is later.
        appointment: The appointment's reference, if any.
        slot: The appointment's booked time, if any.
        window: The window it is called to or served at, or finished at.
        calls: How often it has been called since it last joined a queue.
        first_called_at: When it was first called.
        called_at: When it was last called.
        started_at: When service (last) started.
        finished_at: When service finished.
        outcome: The outcome code, once finished.
        service_seconds: Total time spent in service, across transfers.
        no_show_at: When it was last marked a no-show.
        reactivations: How often it was reactivated.
        transfers: How often it was transferred.
        ended_at: When it finished, was cancelled, or last marked a no-show.
        staff: Who called it last (the staff member signed in at the window), if known.
        for_window: The only window that may call it (after a transfer to a window, or
            while parked: the window that parked it).
        for_staff: The only staff member who may call it (after a transfer to a person).
        chosen_reason: The reason given when it was last called out of turn, if it was.
    """

    id: str
    label: str
    line: str
    original_line: str
    number: int
    day: dt.date
    group: str | None
    status: TicketStatus
    issued_at: dt.datetime
    order_at: dt.datetime
    arrival: dt.datetime
    appointment: str | None = None
    slot: dt.datetime | None = None
    window: str | None = None
    calls: int = 0
    first_called_at: dt.datetime | None = None
    called_at: dt.datetime | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    outcome: str | None = None
    service_seconds: float = 0.0
    no_show_at: dt.datetime | None = None
    reactivations: int = 0
    transfers: int = 0
    ended_at: dt.datetime | None = None
    staff: str | None = None
    for_window: str | None = None
    for_staff: str | None = None
    chosen_reason: str | None = None

    @property
    def waited_seconds(self) -> float | None:
        """Seconds from arrival to the first call (0 if called before its slot)."""
        if self.first_called_at is None:
            return None
        return max(0.0, (self.first_called_at - self.arrival).total_seconds())


@attrs.frozen
class WindowState:
    """A snapshot of one window.

    Attributes:
        code: The window's code.
        open: Whether it is open.
        ticket: The ticket called to or served at it, if any.
        priority_streak: Priority tickets called in a row here (for anti-starvation).
        staff: The staff member signed in at it, if anyone.
    """

    code: str
    open: bool
    ticket: str | None
    priority_streak: int
    staff: str | None = None


class BookingStatus(LabelledEnum):
    """Where a booking (预约) is in its life."""

    BOOKED = "booked", "booked"
    """Holds a place in its slot."""
    CANCELLED = "cancelled", "cancelled"
    """Cancelled; its place is free again."""
    CHECKED_IN = "checked_in", "checked in"
    """Checked in: it became a ticket in the live queue."""


@attrs.frozen
class Booking:
    """A snapshot of one booking.

    Attributes:
        ref: The booking's reference (used to check in).
        line: The business line.
        slot: The slot's start.
        status: Where it is.
        booked_at: When it was made.
        reminded_at: When a reminder was last sent, if one was.
        ticket: The ticket it was checked in as, if it was.
    """

    ref: str
    line: str
    slot: dt.datetime
    status: BookingStatus
    booked_at: dt.datetime
    reminded_at: dt.datetime | None = None
    ticket: str | None = None


class _BookingRec:
    __slots__ = ("booked_at", "line", "ref", "reminded_at", "slot", "status", "ticket")

    def __init__(self, event: AppointmentBooked) -> None:
        self.ref = event.appointment
        self.line = event.line
        self.slot = event.slot
        self.status = BookingStatus.BOOKED
        self.booked_at = event.at
        self.reminded_at: dt.datetime | None = None
        self.ticket: str | None = None

    def snapshot(self) -> Booking:
        return Booking(
            ref=self.ref,
            line=self.line,
            slot=self.slot,
            status=self.status,
            booked_at=self.booked_at,
            reminded_at=self.reminded_at,
            ticket=self.ticket,
        )


@attrs.frozen
class SelectionRule:
    """What :meth:`QueueState.select` ranks by, built once from the queue policy.

    Attributes:
        weights: The weight of each priority group.
        rule: ``"none"``, ``"after_n"`` or ``"ageing"`` (the policy's anti-starvation rule).
        after: N for ``after_n``.
        ageing_seconds: Seconds of waiting per weight step for ``ageing``.
    """

    weights: dict[str, int]
    rule: str
    after: int
    ageing_seconds: float


class LiveTicket:
    """The state's own record of one ticket: read it, never write it.

    It has the fields of :class:`Ticket` (same names and meaning), and is updated in
    place as events are folded, which is what makes folding fast; :meth:`snapshot` gives
    the frozen value to hand out.
    """

    __slots__ = (
        "appointment",
        "arrival",
        "called_at",
        "calls",
        "chosen_reason",
        "day",
        "ended_at",
        "finished_at",
        "first_called_at",
        "for_staff",
        "for_window",
        "group",
        "id",
        "issued_at",
        "label",
        "line",
        "no_show_at",
        "number",
        "order_at",
        "order_ts",
        "ordinal",
        "original_line",
        "outcome",
        "reactivations",
        "service_seconds",
        "slot",
        "staff",
        "started_at",
        "status",
        "transfers",
        "version",
        "window",
    )

    def __init__(self, event: TicketIssued, ordinal: int) -> None:
        self.id = event.ticket
        self.label = event.label
        self.line = event.line
        self.original_line = event.line
        self.number = event.number
        self.day = event.day
        self.group = event.group
        self.status = TicketStatus.WAITING
        self.issued_at = event.at
        self.order_at = event.order_at
        self.arrival = event.at if event.slot is None or event.slot < event.at else event.slot
        self.appointment = event.appointment
        self.slot = event.slot
        self.window: str | None = None
        self.calls = 0
        self.first_called_at: dt.datetime | None = None
        self.called_at: dt.datetime | None = None
        self.started_at: dt.datetime | None = None
        self.finished_at: dt.datetime | None = None
        self.outcome: str | None = None
        self.service_seconds = 0.0
        self.no_show_at: dt.datetime | None = None
        self.reactivations = 0
        self.transfers = 0
        self.ended_at: dt.datetime | None = None
        self.staff: str | None = None
        self.for_window: str | None = None
        self.for_staff: str | None = None
        self.chosen_reason: str | None = None
        self.ordinal = ordinal
        self.order_ts = 0.0  # set when it joins a queue
        self.version = 0

    def snapshot(self) -> Ticket:
        """The ticket as a frozen value."""
        # Positional, in field order: the fastest way to build the tuple.
        return _new_ticket(
            Ticket,
            (
                self.id,
                self.label,
                self.line,
                self.original_line,
                self.number,
                self.day,
                self.group,
                self.status,
                self.issued_at,
                self.order_at,
                self.arrival,
                self.appointment,
                self.slot,
                self.window,
                self.calls,
                self.first_called_at,
                self.called_at,
                self.started_at,
                self.finished_at,
                self.outcome,
                self.service_seconds,
                self.no_show_at,
                self.reactivations,
                self.transfers,
                self.ended_at,
                self.staff,
                self.for_window,
                self.for_staff,
                self.chosen_reason,
            ),
        )


_new_ticket = tuple.__new__


def _dump_slots(obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in type(obj).__slots__}


def _load_slots(obj: Any, fields: dict[str, Any]) -> None:
    slots = type(obj).__slots__
    if set(fields) != set(slots):
        raise TypeError(f"{type(obj).__name__} fields differ: {sorted(set(fields) ^ set(slots))}")
    for name in slots:
        setattr(obj, name, fields[name])


def _number_key(key: tuple[str, dt.date, int]) -> tuple[str, str, int]:
    return (key[0], key[1].isoformat(), key[2])


# Tagged JSON for the values a state holds beyond JSON's own: times, days, statuses.
def _encode(value: object) -> object:
    if isinstance(value, dt.datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, TicketStatus):
        return {"$s": value.value}
    if isinstance(value, BookingStatus):
        return {"$b": value.value}
    raise TypeError(f"cannot snapshot a {type(value).__name__}")


def _decode(obj: dict[str, Any]) -> object:
    if len(obj) == 1:
        if "$t" in obj:
            return dt.datetime.fromisoformat(obj["$t"])
        if "$d" in obj:
            return dt.date.fromisoformat(obj["$d"])
        if "$s" in obj:
            return TicketStatus(obj["$s"])
        if "$b" in obj:
            return BookingStatus(obj["$b"])
    return obj


class LiveWindow:
    """The state's own record of one window: read it, never write it.

    Attributes:
        code: The window's code.
        open: Whether it is open.
        ticket: The ticket called to or served at it, if any.
        streak: Priority tickets called in a row here (for anti-starvation).
        staff: The staff member signed in at it, if anyone.
    """

    __slots__ = ("code", "open", "staff", "streak", "ticket")

    def __init__(self, code: str) -> None:
        self.code = code
        self.open = False
        self.ticket: str | None = None
        self.streak = 0
        self.staff: str | None = None


# The start of Unix time in China Standard Time. Subtracting two times of the same fixed
# zone needs no UTC offsets, so for the engine's own times (China Standard Time) this is
# about three times cheaper than ``datetime.timestamp()``, with the same value.
_EPOCH_CST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC).astimezone(CHINA_TZ)


def _timestamp(moment: dt.datetime) -> float:
    """``moment.timestamp()`` (an aware time), faster in China Standard Time."""
    if moment.tzinfo is CHINA_TZ and type(moment) is dt.datetime:
        return (moment - _EPOCH_CST).total_seconds()
    return moment.timestamp()


# A queue entry: (order time as a UTC timestamp, issue ordinal, version, ticket id). The
# version lets a ticket leave a queue without searching the heap: stale entries are skipped.
_Entry = tuple[float, int, int, str]


class QueueState:
    """The state of one hall's queue, folded from its events.

    The live state holds the open service day: a
    :class:`~govservice_std.queues.events.DayClosed` event ends the day's open tickets and
    drops the day's tickets and bookings, so the state stays the size of one day however
    long the record grows. Windows, signed-in staff and bookings of later days carry over.

    Args:
        keep_closed: Keep the tickets of closed days (to compute a recorded day's KPIs).

    >>> import datetime as dt
    >>> from govservice_std.queues.events import CHINA_TZ, TicketIssued
    >>> at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ)
    >>> state = QueueState()
    >>> state.apply(TicketIssued(at=at, ticket="20260302-A001", label="A001", line="A",
    ...                          number=1, day=at.date(), order_at=at))
    >>> state.ticket("A001").status
    <TicketStatus.WAITING: 'waiting'>
    """

    def __init__(self, *, keep_closed: bool = False) -> None:
        # A history fold keeps the tickets a day close ends (to compute the day's KPIs);
        # the live state lets them go.
        self._keep_closed = keep_closed
        self._tickets: dict[str, LiveTicket] = {}
        self._labels: dict[str, str] = {}
        self._appointments: dict[str, str] = {}
        self._windows: dict[str, LiveWindow] = {}
        self._counters: dict[tuple[str, dt.date | None], int] = {}
        self._numbers: set[tuple[str, dt.date, int]] = set()
        self._queues: dict[str, dict[str | None, list[_Entry]]] = {}
        # Tickets only one window or one person may call: ("window", code) or
        # ("staff", id), then by group as in a line's queue.
        self._directed: dict[tuple[str, str], dict[str | None, list[_Entry]]] = {}
        self._walk_ins: dict[tuple[str, dt.date], int] = {}
        self._staff_at: dict[str, str] = {}
        self._bookings: dict[str, _BookingRec] = {}
        self._booked: dict[tuple[str, dt.datetime], int] = {}
        self._booking_serial = 0
        self._events = 0
        # Waiting tickets per line, kept up to date as events are folded (a kiosk screen or
        # the status API asks far more often than tickets come and go); None: count again.
        self._waiting: dict[str, int] | None = None
        # Service times (call to finish) of the tickets finished, by day and window, each
        # list by issue ordinal; None: gather them again when asked.
        self._served: dict[dt.date, dict[str, list[tuple[int, float]]]] | None = None
        # Tickets ever issued: a ticket's ordinal (its place among equal order times) stays
        # unique when closed days leave the state.
        self._ordinal = 0
        # The open service day (the latest day a ticket was issued on, until it is
        # closed), the moment it ends, and the last day closed.
        self._day: dt.date | None = None
        self._day_end: dt.datetime | None = None  # None: no open day (or the last one)
        self._closed: dt.date | None = None
        self._apply: dict[type, Callable[[Event], None]] = {
            TicketIssued: self._issued,  # type: ignore[dict-item]
            TicketCalled: self._called,  # type: ignore[dict-item]
            TicketRecalled: self._recalled,  # type: ignore[dict-item]
            ServiceStarted: self._started,  # type: ignore[dict-item]
            ServiceFinished: self._finished,  # type: ignore[dict-item]
            TicketNoShow: self._no_show,  # type: ignore[dict-item]
            TicketReactivated: self._reactivated,  # type: ignore[dict-item]
            TicketTransferred: self._transferred,  # type: ignore[dict-item]
            TicketCancelled: self._cancelled,  # type: ignore[dict-item]
            WindowOpened: self._window_opened,  # type: ignore[dict-item]
            WindowClosed: self._window_closed,  # type: ignore[dict-item]
            TicketParked: self._parked,  # type: ignore[dict-item]
            TicketResumed: self._resumed,  # type: ignore[dict-item]
            StaffSignedIn: self._signed_in,  # type: ignore[dict-item]
            StaffSignedOut: self._signed_out,  # type: ignore[dict-item]
            AppointmentBooked: self._booked_event,  # type: ignore[dict-item]
            AppointmentCancelled: self._booking_cancelled,  # type: ignore[dict-item]
            AppointmentRescheduled: self._rescheduled,  # type: ignore[dict-item]
            AppointmentReminded: self._reminded,  # type: ignore[dict-item]
            DayClosed: self._day_closed,  # type: ignore[dict-item]
        }

    # -- folding -----------------------------------------------------------------------

    def apply(self, event: Event) -> None:
        """Fold one event into the state.

        Raises:
            QueueStoreError: If the event contradicts the state (a record that was not
                produced by the engine, or a corrupt store).
        """
        waiting = self._waiting
        ticket_id: str | None = getattr(event, "ticket", None)
        before: str | None = None
        if waiting is not None and ticket_id is not None:
            rec = self._tickets.get(ticket_id)
            if rec is not None and rec.status is TicketStatus.WAITING:
                before = rec.line
        try:
            self._apply[type(event)](event)
        except KeyError as exc:
            self._waiting = self._served = None
            raise QueueStoreError(f"event {event!r} refers to unknown {exc}") from None
        except BaseException:
            self._waiting = self._served = None
            raise
        self._events += 1
        if waiting is None:
            return
        if ticket_id is None:
            if type(event) is DayClosed:
                self._waiting = None  # many tickets end at once: count again when asked
            return
        # A ticket event changes that one ticket: it leaves or joins a line's waiting count.
        rec = self._tickets.get(ticket_id)
        after = rec.line if rec is not None and rec.status is TicketStatus.WAITING else None
        if before != after:
            if before is not None:
                left = waiting[before] - 1
                if left:
                    waiting[before] = left
                else:
                    del waiting[before]
            if after is not None:
                waiting[after] = waiting.get(after, 0) + 1

    @property
    def event_count(self) -> int:
        """How many events have been folded."""
        return self._events

    @property
    def open_day(self) -> dt.date | None:
        """The open service day: the latest day a ticket was issued on, until it is closed."""
        return self._day

    @property
    def closed_through(self) -> dt.date | None:
        """The last service day closed, if any."""
        return self._closed

    def day_over(self, now: dt.datetime) -> bool:
        """Whether ``now`` is past the open service day (time to close it)."""
        end = self._day_end
        return end is not None and now >= end

    # -- snapshots ---------------------------------------------------------------------

    def snapshot(self) -> str:
        """The whole state as JSON text, for a checkpoint (see :meth:`restore`).

        Folding the events after a snapshot into :meth:`restore`'s state gives the same
        state as folding every event from the start; the tests check it for random
        histories.
        """

        def heaps(groups: dict[str | None, list[_Entry]]) -> list[Any]:
            return [
                [group, sorted(e for e in heap if self._live(e))] for group, heap in groups.items()
            ]

        data = {
            "version": SNAPSHOT_VERSION,
            "events": self._events,
            "ordinal": self._ordinal,
            "day": self._day,
            "closed": self._closed,
            "tickets": [_dump_slots(rec) for rec in self._tickets.values()],
            "labels": self._labels,
            "appointments": self._appointments,
            "windows": [_dump_slots(win) for win in self._windows.values()],
            "counters": [[line, day, n] for (line, day), n in self._counters.items()],
            "numbers": sorted(self._numbers, key=_number_key),
            "queues": [[line, heaps(groups)] for line, groups in self._queues.items()],
            "directed": [[list(key), heaps(groups)] for key, groups in self._directed.items()],
            "walk_ins": [[line, day, n] for (line, day), n in self._walk_ins.items()],
            "staff_at": self._staff_at,
            "bookings": [_dump_slots(booking) for booking in self._bookings.values()],
            "booked": [[line, slot, n] for (line, slot), n in self._booked.items()],
            "booking_serial": self._booking_serial,
        }
        return json.dumps(data, default=_encode, ensure_ascii=False, separators=(",", ":"))

    def _live(self, entry: _Entry) -> bool:
        rec = self._tickets.get(entry[3])
        return rec is not None and rec.version == entry[2] and rec.status is TicketStatus.WAITING

    @classmethod
    def restore(cls, text: str) -> QueueState:
        """The state a :meth:`snapshot` was taken of.

        Raises:
            ValueError: If the text is not a snapshot of this version.
        """
        try:
            data = json.loads(text, object_hook=_decode)
            if data.get("version") != SNAPSHOT_VERSION:
                raise ValueError(f"snapshot version {data.get('version')!r}")
            state = cls()
            state._events = int(data["events"])
            state._ordinal = int(data["ordinal"])
            if data["day"] is not None:
                state._open_day(data["day"])
            state._closed = data["closed"]
            for fields in data["tickets"]:
                rec = LiveTicket.__new__(LiveTicket)
                _load_slots(rec, fields)
                state._tickets[rec.id] = rec
            state._labels = dict(data["labels"])
            state._appointments = dict(data["appointments"])
            for fields in data["windows"]:
                win = LiveWindow.__new__(LiveWindow)
                _load_slots(win, fields)
                state._windows[win.code] = win
            state._counters = {(line, day): n for line, day, n in data["counters"]}
            state._numbers = {(line, day, n) for line, day, n in data["numbers"]}
            for line, groups in data["queues"]:
                state._queues[line] = {group: [tuple(e) for e in heap] for group, heap in groups}
            for key, groups in data["directed"]:
                state._directed[key[0], key[1]] = {
                    group: [tuple(e) for e in heap] for group, heap in groups
                }
            state._walk_ins = {(line, day): n for line, day, n in data["walk_ins"]}
            state._staff_at = dict(data["staff_at"])
            for fields in data["bookings"]:
                booking = _BookingRec.__new__(_BookingRec)
                _load_slots(booking, fields)
                state._bookings[booking.ref] = booking
            state._booked = {(line, slot): n for line, slot, n in data["booked"]}
            state._booking_serial = int(data["booking_serial"])
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a queue state snapshot: {exc!r}") from exc
        return state

    def _enqueue(self, rec: LiveTicket) -> None:
        rec.version += 1
        rec.order_ts = _timestamp(rec.order_at)
        if rec.for_window is not None or rec.for_staff is not None:
            key = (
                ("window", rec.for_window)
                if rec.for_window is not None
                else ("staff", rec.for_staff or "")
            )
            groups = self._directed.setdefault(key, {})
        else:
            groups = self._queues.setdefault(rec.line, {})
        heap = groups.get(rec.group)
        if heap is None:
            heap = groups[rec.group] = []
        heapq.heappush(heap, (rec.order_ts, rec.ordinal, rec.version, rec.id))

    def _issued(self, e: TicketIssued) -> None:
        if e.ticket in self._tickets:
            raise QueueStoreError(f"ticket {e.ticket} issued twice")
        key = (e.line, e.day, e.number)
        if key in self._numbers:
            raise QueueStoreError(f"number {e.number} of line {e.line} issued twice on {e.day}")
        self._numbers.add(key)
        rec = LiveTicket(e, self._ordinal)
        self._ordinal += 1
        if e.day != self._day and (self._day is None or e.day > self._day):
            self._open_day(e.day)
        self._tickets[e.ticket] = rec
        self._labels[e.label] = e.ticket
        if e.appointment is not None:
            self._appointments[e.appointment] = e.ticket
            booking = self._bookings.get(e.appointment)
            if booking is not None:
                booking.status = BookingStatus.CHECKED_IN
                booking.ticket = e.ticket
        else:
            walk_in = (e.line, e.day)
            self._walk_ins[walk_in] = self._walk_ins.get(walk_in, 0) + 1
        counters = self._counters
        number = e.number
        line = e.line
        if counters.get((line, e.day), 0) < number:
            counters[line, e.day] = number
        if counters.get((line, None), 0) < number:
            counters[line, None] = number
        # _enqueue, inlined: every ticket passes here once.
        rec.version = 1
        order_ts = rec.order_ts = _timestamp(e.order_at)
        groups = self._queues.get(line)
        if groups is None:
            groups = self._queues[line] = {}
        heap = groups.get(e.group)
        if heap is None:
            heap = groups[e.group] = []
        heapq.heappush(heap, (order_ts, rec.ordinal, 1, rec.id))

    def _window(self, code: str) -> LiveWindow:
        win = self._windows.get(code)
        if win is None:
            win = self._windows[code] = LiveWindow(code)
        return win

    def _called(self, e: TicketCalled) -> None:
        rec = self._tickets[e.ticket]
        rec.version += 1  # leaves its queue
        rec.status = TicketStatus.CALLED
        rec.window = e.window
        rec.calls += 1
        rec.called_at = e.at
        rec.staff = e.staff
        rec.chosen_reason = e.reason
        rec.for_window = rec.for_staff = None
        if rec.first_called_at is None:
            rec.first_called_at = e.at
        win = self._window(e.window)
        win.ticket = rec.id
        win.streak = win.streak + 1 if rec.group is not None else 0

    def _recalled(self, e: TicketRecalled) -> None:
        rec = self._tickets[e.ticket]
        rec.calls += 1
        rec.called_at = e.at

    def _started(self, e: ServiceStarted) -> None:
        rec = self._tickets[e.ticket]
        rec.status = TicketStatus.SERVING
        rec.started_at = e.at

    def _end_service(self, rec: LiveTicket, at: dt.datetime) -> None:
        if rec.status is TicketStatus.SERVING and rec.started_at is not None:
            rec.service_seconds += (at - rec.started_at).total_seconds()

    def _free_window(self, code: str | None, ticket: str) -> None:
        if code is not None:
            win = self._windows.get(code)
            if win is not None and win.ticket == ticket:
                win.ticket = None

    def _finished(self, e: ServiceFinished) -> None:
        rec = self._tickets[e.ticket]
        self._end_service(rec, e.at)
        rec.status = TicketStatus.FINISHED
        rec.finished_at = e.at
        rec.ended_at = e.at
        rec.outcome = e.outcome
        self._free_window(e.window, rec.id)
        if self._served is not None:
            self._add_served(self._served, rec)

    def _add_served(
        self, served: dict[dt.date, dict[str, list[tuple[int, float]]]], rec: LiveTicket
    ) -> None:
        if rec.window and rec.called_at is not None and rec.finished_at is not None:
            seconds = (rec.finished_at - rec.called_at).total_seconds()
            times = served.setdefault(rec.day, {}).setdefault(rec.window, [])
            bisect.insort(times, (rec.ordinal, seconds))

    def _no_show(self, e: TicketNoShow) -> None:
        rec = self._tickets[e.ticket]
        rec.status = TicketStatus.NO_SHOW
        rec.no_show_at = e.at
        rec.ended_at = e.at
        self._free_window(e.window, rec.id)

    def _reactivated(self, e: TicketReactivated) -> None:
        rec = self._tickets[e.ticket]
        rec.status = TicketStatus.WAITING
        rec.reactivations += 1
        rec.calls = 0
        rec.window = None
        rec.ended_at = None
        rec.order_at = e.order_at
        self._enqueue(rec)

    def _transferred(self, e: TicketTransferred) -> None:
        rec = self._tickets[e.ticket]
        self._end_service(rec, e.at)
        self._free_window(rec.window if rec.status is not TicketStatus.WAITING else None, rec.id)
        rec.line = e.to_line
        rec.status = TicketStatus.WAITING
        rec.window = None
        rec.calls = 0
        rec.transfers += 1
        rec.for_window = e.to_window
        rec.for_staff = e.to_staff
        if e.order_at is not None:
            rec.order_at = e.order_at
        self._enqueue(rec)

    def _parked(self, e: TicketParked) -> None:
        rec = self._tickets[e.ticket]
        self._end_service(rec, e.at)
        self._free_window(e.window, rec.id)
        rec.version += 1
        rec.status = TicketStatus.PARKED
        rec.for_window = e.window
        rec.window = None

    def _resumed(self, e: TicketResumed) -> None:
        rec = self._tickets[e.ticket]
        rec.status = TicketStatus.CALLED
        rec.window = e.window
        rec.for_window = None
        rec.calls = 1
        rec.called_at = e.at
        rec.staff = e.staff
        self._window(e.window).ticket = rec.id

    def _signed_in(self, e: StaffSignedIn) -> None:
        win = self._window(e.window)
        win.staff = e.staff
        win.open = True
        self._staff_at[e.staff] = e.window

    def _signed_out(self, e: StaffSignedOut) -> None:
        win = self._window(e.window)
        if win.staff == e.staff:
            win.staff = None
        if self._staff_at.get(e.staff) == e.window:
            del self._staff_at[e.staff]

    def _booked_event(self, e: AppointmentBooked) -> None:
        if e.appointment in self._bookings:
            raise QueueStoreError(f"booking {e.appointment} made twice")
        self._bookings[e.appointment] = _BookingRec(e)
        self._booking_serial += 1
        key = (e.line, e.slot)
        self._booked[key] = self._booked.get(key, 0) + 1

    def _booking_cancelled(self, e: AppointmentCancelled) -> None:
        booking = self._bookings[e.appointment]
        booking.status = BookingStatus.CANCELLED
        self._booked[booking.line, booking.slot] -= 1

    def _rescheduled(self, e: AppointmentRescheduled) -> None:
        booking = self._bookings[e.appointment]
        self._booked[booking.line, booking.slot] -= 1
        booking.slot = e.slot
        key = (booking.line, e.slot)
        self._booked[key] = self._booked.get(key, 0) + 1

    def _reminded(self, e: AppointmentReminded) -> None:
        self._bookings[e.appointment].reminded_at = e.at

    def _cancelled(self, e: TicketCancelled) -> None:
        rec = self._tickets[e.ticket]
        if rec.status is not TicketStatus.WAITING:
            self._free_window(rec.window, rec.id)
        rec.version += 1
        rec.status = TicketStatus.CANCELLED
        rec.ended_at = e.at

    def _open_day(self, day: dt.date) -> None:
        self._day = day
        self._day_end = (
            None
            if day == dt.date.max
            else dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), CHINA_TZ)
        )

    def _day_closed(self, e: DayClosed) -> None:
        self._served = None  # the day's tickets leave: gather the service times again
        day = e.day
        closing = (
            TicketStatus.WAITING,
            TicketStatus.CALLED,
            TicketStatus.SERVING,
            TicketStatus.PARKED,
        )
        tickets = self._tickets
        gone = [rec for rec in tickets.values() if rec.day <= day]
        for rec in gone:
            if rec.status in closing:
                self._end_service(rec, e.at)
                if rec.status is not TicketStatus.WAITING:
                    self._free_window(rec.window, rec.id)
                rec.version += 1
                rec.status = TicketStatus.CANCELLED
                rec.outcome = e.outcome
                rec.ended_at = e.at
            if not self._keep_closed:
                del tickets[rec.id]
        if self._day is not None and self._day <= day:
            self._day = None
            self._day_end = None
        if self._closed is None or day > self._closed:
            self._closed = day
        if self._keep_closed:
            return
        # What the state keeps of closed days: nothing but the numbering of the day just
        # closed (a day closed early may see a late visitor, whose number continues it).
        self._labels = {k: v for k, v in self._labels.items() if v in tickets}
        self._appointments = {k: v for k, v in self._appointments.items() if v in tickets}
        self._counters = {k: v for k, v in self._counters.items() if k[1] is None or k[1] >= day}
        self._numbers = {k for k in self._numbers if k[1] >= day}
        self._walk_ins = {k: v for k, v in self._walk_ins.items() if k[1] >= day}
        for queues in (self._queues, self._directed):
            for groups in queues.values():
                for group, heap in groups.items():
                    kept = [entry for entry in heap if entry[3] in tickets]
                    heapq.heapify(kept)
                    groups[group] = kept
        for win in self._windows.values():
            if win.ticket is not None and win.ticket not in tickets:
                win.ticket = None
        # Bookings of the days closed are history; later days' bookings carry over.
        self._bookings = {
            ref: booking
            for ref, booking in self._bookings.items()
            if booking.slot.astimezone(CHINA_TZ).date() > day
        }
        self._booked = {
            key: n for key, n in self._booked.items() if key[1].astimezone(CHINA_TZ).date() > day
        }

    def _window_opened(self, e: WindowOpened) -> None:
        win = self._window(e.window)
        win.open = True

    def _window_closed(self, e: WindowClosed) -> None:
        win = self._window(e.window)
        win.open = False
        win.streak = 0
        if win.staff is not None:
            if self._staff_at.get(win.staff) == e.window:
                del self._staff_at[win.staff]
            win.staff = None

    # -- queries -----------------------------------------------------------------------

    def resolve(self, ref: str) -> str | None:
        """The id of the ticket ``ref`` names (an id, or a display number: the newest)."""
        if ref in self._tickets:
            return ref
        return self._labels.get(ref)

    def ticket(self, ref: str) -> Ticket:
        """A snapshot of the ticket ``ref`` names (id or display number).

        Raises:
            KeyError: If there is no such ticket.
        """
        ticket_id = self.resolve(ref)
        if ticket_id is None:
            raise KeyError(ref)
        return self._tickets[ticket_id].snapshot()

    def tickets(self, *, day: dt.date | None = None) -> tuple[Ticket, ...]:
        """Snapshots of every ticket in issue order, or only those of one service day."""
        return tuple(
            rec.snapshot() for rec in self._tickets.values() if day is None or rec.day == day
        )

    def queue_order(self, queue: str | tuple[str, str]) -> dict[str | None, Iterator[LiveTicket]]:
        """The waiting tickets of one queue by priority group, each group in queue order.

        ``queue`` is a line (its tickets not directed anywhere), or a directed queue:
        ``("window", code)`` or ``("staff", id)``. Queue order is :meth:`select`'s within
        one group (``order_at``, then issue order). Each group's walk works on a copy of
        its heap: it costs a copy to start and a logarithmic step per ticket, and is valid
        while the state does not change.
        """
        groups = self._queues.get(queue) if isinstance(queue, str) else self._directed.get(queue)
        return {group: self._walk(list(heap)) for group, heap in (groups or {}).items()}

    def _walk(self, heap: list[_Entry]) -> Iterator[LiveTicket]:
        tickets = self._tickets
        waiting = TicketStatus.WAITING
        pop = heapq.heappop
        while heap:
            _, _, version, ticket_id = pop(heap)
            rec = tickets[ticket_id]
            if rec.version == version and rec.status is waiting:
                yield rec

    def appointment_ticket(self, appointment: str) -> str | None:
        """The ticket id an appointment was checked in as, if it was."""
        return self._appointments.get(appointment)

    def window(self, code: str) -> WindowState:
        """A snapshot of a window (closed and idle if it never had an event)."""
        win = self._windows.get(code)
        if win is None:
            return WindowState(code=code, open=False, ticket=None, priority_streak=0)
        return WindowState(
            code=code,
            open=win.open,
            ticket=win.ticket,
            priority_streak=win.streak,
            staff=win.staff,
        )

    def windows(self) -> tuple[WindowState, ...]:
        """Snapshots of every window that has had an event, by code."""
        return tuple(self.window(code) for code in sorted(self._windows))

    def last_number(self, line: str, day: dt.date | None) -> int:
        """The highest number issued in a line on a day (``None``: on any day)."""
        return self._counters.get((line, day), 0)

    def waiting(self, line: str | None = None) -> tuple[Ticket, ...]:
        """The waiting tickets (of one line), in issue order."""
        return tuple(
            rec.snapshot()
            for rec in self._tickets.values()
            if rec.status is TicketStatus.WAITING and (line is None or rec.line == line)
        )

    def service_times(self, day: dt.date, last: int) -> dict[str, list[float]]:
        """Each window's service times of its last ``last`` tickets finished, of ``day``.

        A service time is from the ticket's (last) call to its finish, in seconds; "last" is
        by issue order, and each list is in issue order. Windows with none are left out (all
        of them when ``last`` is 0 or less). The times are kept as events are folded, so
        asking costs a window each.
        """
        if last <= 0:
            return {}
        served = self._served
        if served is None:
            served = self._served = {}
            finished = TicketStatus.FINISHED
            for rec in self._tickets.values():
                if rec.status is finished:
                    self._add_served(served, rec)
        return {
            window: [seconds for _, seconds in times[-last:]]
            for window, times in served.get(day, {}).items()
        }

    def waiting_counts(self) -> dict[str, int]:
        """How many tickets wait in each line (a line with none is left out).

        The counts of :meth:`waiting`, without a snapshot of every ticket.
        """
        counts = self._waiting
        if counts is None:
            counts = {}
            waiting = TicketStatus.WAITING
            for rec in self._tickets.values():
                if rec.status is waiting:
                    counts[rec.line] = counts.get(rec.line, 0) + 1
            self._waiting = counts
        return dict(counts)

    def heads(self, line: str) -> Iterator[tuple[str | None, Ticket]]:
        """For each priority group of a line, the first waiting ticket (group, ticket).

        "First" is by the queue order: ``order_at``, then issue order.
        """
        for group, heap in self._queues.get(line, {}).items():
            head = self._head(heap)
            if head is not None:
                yield group, self._tickets[head].snapshot()

    def _head(self, heap: list[_Entry]) -> str | None:
        tickets = self._tickets
        while heap:
            _, _, version, ticket_id = heap[0]
            rec = tickets[ticket_id]
            if rec.version == version and rec.status is TicketStatus.WAITING:
                return ticket_id
            heapq.heappop(heap)
        return None

    # -- the engine's interface -------------------------------------------------------

    def live(self, ref: str) -> LiveTicket | None:
        """The live record of the ticket ``ref`` names (id or display number), if any."""
        rec = self._tickets.get(ref)
        if rec is None:
            ticket_id = self._labels.get(ref)
            rec = None if ticket_id is None else self._tickets[ticket_id]
        return rec

    def record(self, ticket_id: str) -> LiveTicket:
        """The live record of a ticket by its id.

        Raises:
            KeyError: If there is no such ticket.
        """
        return self._tickets[ticket_id]

    def live_window(self, code: str) -> LiveWindow | None:
        """The live record of a window, if it has had an event."""
        return self._windows.get(code)

    def walk_ins(self, line: str, day: dt.date) -> int:
        """Walk-in tickets issued in a line on a day (check-ins of bookings not counted)."""
        return self._walk_ins.get((line, day), 0)

    def staff_window(self, staff: str) -> str | None:
        """The window a staff member is signed in at, if any."""
        return self._staff_at.get(staff)

    def booking(self, ref: str) -> Booking | None:
        """A snapshot of a booking, if there is one with this reference."""
        rec = self._bookings.get(ref)
        return None if rec is None else rec.snapshot()

    def bookings(self, *, day: dt.date | None = None) -> tuple[Booking, ...]:
        """Snapshots of every booking in booking order, or only those with a slot on ``day``."""
        return tuple(
            rec.snapshot()
            for rec in self._bookings.values()
            if day is None or rec.slot.astimezone(CHINA_TZ).date() == day
        )

    @property
    def booking_serial(self) -> int:
        """How many bookings the hall has ever made (references are numbered by it)."""
        return self._booking_serial

    def booked(self, line: str, slot: dt.datetime) -> int:
        """Places taken in a slot of a line (bookings not cancelled)."""
        return self._booked.get((line, slot), 0)

    def select(
        self,
        lines: tuple[str, ...],
        targets: tuple[tuple[str, str], ...],
        streak: int,
        now: dt.datetime,
        rule: SelectionRule,
    ) -> str | None:
        """The waiting ticket a window calls next, by the policy's selection rule.

        Rank: highest weight (with ageing, if the rule says so), then the window's line
        order, then queue order (``order_at``, then issue order). Tickets transferred to
        this window or to the person signed in at it (``targets``: ``("window", code)``,
        ``("staff", id)``) rank as the window's first line. Under ``after_n``, once the
        window has called N priority tickets in a row (``streak``), a waiting normal ticket
        goes first.

        Args:
            lines: The lines the window serves, in its order.
            targets: The directed queues the window may call from.
            streak: Priority tickets the window called in a row.
            now: The time of the call (for ageing).
            rule: The ranking parameters.
        """
        weights = rule.weights
        after_n = rule.rule == "after_n"
        ages = rule.rule == "ageing"
        ageing = rule.ageing_seconds
        now_ts = _timestamp(now) if ages else 0.0
        best: tuple[float, int, float, int] | None = None
        best_id: str | None = None
        best_normal: tuple[float, int, float, int] | None = None
        best_normal_id: str | None = None
        queues = self._queues
        tickets = self._tickets
        waiting = TicketStatus.WAITING
        sources: Iterable[tuple[int, dict[str | None, list[_Entry]] | None]] = enumerate(
            map(queues.get, lines)
        )
        directed = self._directed
        if directed:
            sources = [*sources, *((0, directed.get(target)) for target in targets)]
        for rank, groups in sources:
            if not groups:
                continue
            for group, heap in groups.items():
                # The queue's head, as _head finds it (inlined: this loop runs for every
                # group of every line on each call).
                while heap:
                    order_ts, ordinal, version, ticket_id = heap[0]
                    rec = tickets[ticket_id]
                    if rec.version == version and rec.status is waiting:
                        break
                    heapq.heappop(heap)
                else:
                    continue
                weight: float = 0 if group is None else weights.get(group, 1)
                if ages:
                    weight += math.floor(max(0.0, now_ts - order_ts) / ageing)
                key = (-weight, rank, order_ts, ordinal)
                if best is None or key < best:
                    best, best_id = key, ticket_id
                if group is None and (best_normal is None or key < best_normal):
                    best_normal, best_normal_id = key, ticket_id
        if after_n and best_normal_id is not None and streak >= rule.after:
            return best_normal_id
        return best_id

    def earliest_order(
        self, lines: tuple[str, ...], targets: tuple[tuple[str, str], ...]
    ) -> dt.datetime | None:
        """The earliest ``order_at`` among the waiting tickets of some lines and targets."""
        found: dt.datetime | None = None
        groups_list = [self._queues.get(line) for line in lines]
        groups_list += [self._directed.get(target) for target in targets]
        for groups in groups_list:
            for heap in (groups or {}).values():
                head = self._head(heap)
                if head is not None:
                    order_at = self._tickets[head].order_at
                    if found is None or order_at < found:
                        found = order_at
        return found

    @staticmethod
    def service_day(moment: dt.datetime) -> dt.date:
        """The service day of a moment: its date in China Standard Time."""
        return moment.astimezone(CHINA_TZ).date()
