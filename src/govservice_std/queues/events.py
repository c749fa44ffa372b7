"""Queue events: the facts a queue's state is folded from.

Every accepted command appends one or more events; nothing else changes a queue. The same
record gives crash recovery (replay), audit, integration hooks and KPIs. Events carry every
decision the engine took (which ticket a window called, which number a ticket got), so
folding them needs no policy and gives the same state wherever and whenever it runs.

Events are frozen attrs records; :func:`encode_event` and :func:`decode_event` turn them into
JSON text (with a ``type`` tag) for feeds, files and message queues. (The SQLite store keeps
each field in its own column instead.)

>>> import datetime as dt
>>> at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ)
>>> event = TicketCalled(at=at, ticket="20260302-A001", window="A01")
>>> decode_event(encode_event(event)) == event
True
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, ClassVar, TypeAlias

import attrs

from govservice_std.errors import DataProblem, InvalidDataError
from govservice_std.serialization import parse, structure

__all__ = [
    "CHINA_TZ",
    "EVENT_TYPES",
    "AppointmentBooked",
    "AppointmentCancelled",
    "AppointmentReminded",
    "AppointmentRescheduled",
    "DayClosed",
    "Event",
    "ServiceFinished",
    "ServiceStarted",
    "StaffSignedIn",
    "StaffSignedOut",
    "TicketCalled",
    "TicketCancelled",
    "TicketIssued",
    "TicketNoShow",
    "TicketParked",
    "TicketReactivated",
    "TicketRecalled",
    "TicketResumed",
    "TicketTransferred",
    "WindowClosed",
    "WindowOpened",
    "decode_event",
    "encode_event",
    "event_day",
    "in_china_time",
]

CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "CST")
"""China Standard Time (UTC+8, no daylight saving): service days are dates in this zone."""


def in_china_time(moment: dt.datetime) -> dt.datetime:
    """``moment`` as given if it has a time zone, else read as China Standard Time.

    >>> in_china_time(dt.datetime(2026, 3, 2, 9, 0)).isoformat()
    '2026-03-02T09:00:00+08:00'
    """
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA_TZ)


@attrs.frozen
class TicketIssued:
    """A ticket was issued at a kiosk, or an appointment checked in.

    Attributes:
        at: When.
        ticket: The ticket's id (``20260302-A001``: service day and display number).
        label: The display number (``A001``).
        line: The business line.
        number: The number within the line and day.
        day: The service day the number belongs to.
        order_at: The time that places the ticket in its queue (``at`` for a walk-in; the
            slot for an appointment checked in within its grace window).
        group: The priority group, or ``None`` for the normal queue.
        appointment: The appointment's reference, for a check-in.
        slot: The appointment's booked time, for a check-in.
    """

    type: ClassVar[str] = "issued"
    at: dt.datetime
    ticket: str
    label: str
    line: str
    number: int
    day: dt.date
    order_at: dt.datetime
    group: str | None = None
    appointment: str | None = None
    slot: dt.datetime | None = None


@attrs.frozen
class TicketCalled:
    """A window called a ticket for the first time.

    Attributes:
        staff: Who was signed in at the window, if anyone.
        reason: Why this ticket was chosen out of turn, for a chosen call
            (:meth:`~govservice_std.queues.engine.QueueEngine.call_ticket`); ``None`` for a
            call of the next ticket in turn.
    """

    type: ClassVar[str] = "called"
    at: dt.datetime
    ticket: str
    window: str
    staff: str | None = None
    reason: str | None = None


@attrs.frozen
class TicketRecalled:
    """A window called its current ticket again."""

    type: ClassVar[str] = "recalled"
    at: dt.datetime
    ticket: str
    window: str


@attrs.frozen
class ServiceStarted:
    """The visitor came to the window and service began."""

    type: ClassVar[str] = "started"
    at: dt.datetime
    ticket: str
    window: str
    staff: str | None = None


@attrs.frozen
class ServiceFinished:
    """Service ended with an outcome code."""

    type: ClassVar[str] = "finished"
    at: dt.datetime
    ticket: str
    window: str
    outcome: str
    staff: str | None = None


@attrs.frozen
class TicketNoShow:
    """A called ticket's holder did not come; the window is free again."""

    type: ClassVar[str] = "no_show"
    at: dt.datetime
    ticket: str
    window: str


@attrs.frozen
class TicketReactivated:
    """A no-show ticket returned to its queue, placed at ``order_at``."""

    type: ClassVar[str] = "reactivated"
    at: dt.datetime
    ticket: str
    order_at: dt.datetime


@attrs.frozen
class TicketTransferred:
    """A ticket moved to another line, to a window or to a staff member.

    Attributes:
        from_line: The line it was in.
        to_line: The line it is in now (the same line for a move to a window or a person).
        window: The window that transferred it, if it was at one.
        order_at: Where it now stands in its queue (decided by the engine from the
            placement: first, last or by original arrival); ``None`` keeps its place.
        to_window: The only window that may call it now, for a transfer to a window.
        to_staff: The only staff member who may call it now, for a transfer to a person.
    """

    type: ClassVar[str] = "transferred"
    at: dt.datetime
    ticket: str
    from_line: str
    to_line: str
    window: str | None = None
    order_at: dt.datetime | None = None
    to_window: str | None = None
    to_staff: str | None = None


@attrs.frozen
class TicketParked:
    """A called or served ticket left the window for a while (the visitor fetches a paper).

    It keeps its arrival and waits outside every queue until the window resumes it.
    """

    type: ClassVar[str] = "parked"
    at: dt.datetime
    ticket: str
    window: str
    staff: str | None = None


@attrs.frozen
class TicketResumed:
    """A parked ticket was called back to the window that parked it."""

    type: ClassVar[str] = "resumed"
    at: dt.datetime
    ticket: str
    window: str
    staff: str | None = None


@attrs.frozen
class StaffSignedIn:
    """A staff member signed in at a window (it opens if it was closed)."""

    type: ClassVar[str] = "signed_in"
    at: dt.datetime
    window: str
    staff: str


@attrs.frozen
class StaffSignedOut:
    """A staff member signed out of a window."""

    type: ClassVar[str] = "signed_out"
    at: dt.datetime
    window: str
    staff: str


@attrs.frozen
class AppointmentBooked:
    """A visitor booked a slot of a business line.

    Attributes:
        appointment: The booking's reference (given to the visitor; used to check in).
        line: The business line.
        slot: The slot's start.
    """

    type: ClassVar[str] = "booked"
    at: dt.datetime
    appointment: str
    line: str
    slot: dt.datetime


@attrs.frozen
class AppointmentCancelled:
    """A booking was cancelled; its place in the slot is free again."""

    type: ClassVar[str] = "booking_cancelled"
    at: dt.datetime
    appointment: str


@attrs.frozen
class AppointmentRescheduled:
    """A booking moved to another slot of its line."""

    type: ClassVar[str] = "rescheduled"
    at: dt.datetime
    appointment: str
    slot: dt.datetime


@attrs.frozen
class AppointmentReminded:
    """A reminder of a booking is due: integration plugins send it (SMS, WeChat …)."""

    type: ClassVar[str] = "reminded"
    at: dt.datetime
    appointment: str
    slot: dt.datetime


@attrs.frozen
class TicketCancelled:
    """A ticket was withdrawn before service (the visitor left)."""

    type: ClassVar[str] = "cancelled"
    at: dt.datetime
    ticket: str
    window: str | None = None


@attrs.frozen
class WindowOpened:
    """A window opened for calling."""

    type: ClassVar[str] = "window_opened"
    at: dt.datetime
    window: str


@attrs.frozen
class WindowClosed:
    """A window closed."""

    type: ClassVar[str] = "window_closed"
    at: dt.datetime
    window: str


@attrs.frozen
class DayClosed:
    """A service day was closed (日结).

    Every ticket of ``day`` or earlier still waiting, called or in service was closed
    with ``outcome`` (it counts as cancelled in the KPIs) and left the live state: the
    day is history from here on.

    Attributes:
        at: When the day was closed (the evening, or the first command of the next day).
        day: The service day closed.
        outcome: The outcome recorded on the tickets it closed (the policy's
            ``day_close_outcome``).
    """

    type: ClassVar[str] = "day_closed"
    at: dt.datetime
    day: dt.date
    outcome: str


Event: TypeAlias = (
    TicketIssued
    | TicketCalled
    | TicketRecalled
    | ServiceStarted
    | ServiceFinished
    | TicketNoShow
    | TicketReactivated
    | TicketTransferred
    | TicketCancelled
    | WindowOpened
    | WindowClosed
    | DayClosed
    | TicketParked
    | TicketResumed
    | StaffSignedIn
    | StaffSignedOut
    | AppointmentBooked
    | AppointmentCancelled
    | AppointmentRescheduled
    | AppointmentReminded
)
"""Any queue event."""

EVENT_TYPES: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (
        TicketIssued,
        TicketCalled,
        TicketRecalled,
        ServiceStarted,
        ServiceFinished,
        TicketNoShow,
        TicketReactivated,
        TicketTransferred,
        TicketCancelled,
        WindowOpened,
        WindowClosed,
        DayClosed,
        TicketParked,
        TicketResumed,
        StaffSignedIn,
        StaffSignedOut,
        AppointmentBooked,
        AppointmentCancelled,
        AppointmentRescheduled,
        AppointmentReminded,
    )
}
"""Event classes by their ``type`` tag."""


def event_day(event: Event) -> dt.date:
    """The service day an event belongs to in the history.

    A ticket's issue and a day close name their day; any other event belongs to the date
    of its time in China Standard Time. (A day is closed before the next day's first
    command, so a ticket's events all fall on its own day.)

    >>> at = dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC)
    >>> event_day(WindowOpened(at=at, window="A01"))
    datetime.date(2026, 3, 3)
    """
    day: dt.date | None = getattr(event, "day", None)
    if day is not None:
        return day
    at = event.at
    return (at if at.tzinfo is CHINA_TZ else at.astimezone(CHINA_TZ)).date()


# -- the engine's constructors for its hot path ------------------------------------------
#
# attrs' ``__init__`` for a frozen class stores each field through ``object.__setattr__``
# (a bound method found per call, then a name lookup on the class), which makes building an
# event cost about as much as formatting it. The engine builds one event per command, so
# for the four events of every ticket's life it calls these functions instead: each stores
# the fields through the slots' own descriptors, about twice as fast. The result is the
# same frozen instance the class's constructor returns (these classes have no defaults to
# compute, validators, converters or post-init hooks; the tests check that both agree).
# Arguments are positional, in field order.

_new = object.__new__


def _slot_setters(cls: type, *names: str) -> tuple[Callable[[object, object], None], ...]:
    # Checked once at import: the functions below spell out each class's fields, and are
    # only equivalent to the constructor while it does nothing but store them.
    fields = attrs.fields(cls)
    if names != tuple(field.name for field in fields):
        raise TypeError(f"{cls.__name__} does not have the fields {names}")
    if hasattr(cls, "__attrs_post_init__") or any(
        field.validator or field.converter for field in fields
    ):
        raise TypeError(f"{cls.__name__} does more than store its fields")
    return tuple(cls.__dict__[name].__set__ for name in names)


(
    _issued_at,
    _issued_ticket,
    _issued_label,
    _issued_line,
    _issued_number,
    _issued_day,
    _issued_order_at,
    _issued_group,
    _issued_appointment,
    _issued_slot,
) = _slot_setters(
    TicketIssued,
    "at", "ticket", "label", "line", "number", "day", "order_at", "group", "appointment", "slot",
)  # fmt: skip
_called_at, _called_ticket, _called_window, _called_staff, _called_reason = _slot_setters(
    TicketCalled, "at", "ticket", "window", "staff", "reason"
)
_started_at, _started_ticket, _started_window, _started_staff = _slot_setters(
    ServiceStarted, "at", "ticket", "window", "staff"
)
_finished_at, _finished_ticket, _finished_window, _finished_outcome, _finished_staff = (
    _slot_setters(ServiceFinished, "at", "ticket", "window", "outcome", "staff")
)


def _make_issued(  # noqa: PLR0917 - positional, in field order (see above)
    at: dt.datetime,
    ticket: str,
    label: str,
    line: str,
    number: int,
    day: dt.date,
    order_at: dt.datetime,
    group: str | None,
    appointment: str | None,
    slot: dt.datetime | None,
) -> TicketIssued:
    """``TicketIssued(...)``, faster (see above)."""
    event: TicketIssued = _new(TicketIssued)
    _issued_at(event, at)
    _issued_ticket(event, ticket)
    _issued_label(event, label)
    _issued_line(event, line)
    _issued_number(event, number)
    _issued_day(event, day)
    _issued_order_at(event, order_at)
    _issued_group(event, group)
    _issued_appointment(event, appointment)
    _issued_slot(event, slot)
    return event


def _make_called(
    at: dt.datetime, ticket: str, window: str, staff: str | None, reason: str | None
) -> TicketCalled:
    """``TicketCalled(...)``, faster (see above)."""
    event: TicketCalled = _new(TicketCalled)
    _called_at(event, at)
    _called_ticket(event, ticket)
    _called_window(event, window)
    _called_staff(event, staff)
    _called_reason(event, reason)
    return event


def _make_started(at: dt.datetime, ticket: str, window: str, staff: str | None) -> ServiceStarted:
    """``ServiceStarted(...)``, faster (see above)."""
    event: ServiceStarted = _new(ServiceStarted)
    _started_at(event, at)
    _started_ticket(event, ticket)
    _started_window(event, window)
    _started_staff(event, staff)
    return event


def _make_finished(
    at: dt.datetime, ticket: str, window: str, outcome: str, staff: str | None
) -> ServiceFinished:
    """``ServiceFinished(...)``, faster (see above)."""
    event: ServiceFinished = _new(ServiceFinished)
    _finished_at(event, at)
    _finished_ticket(event, ticket)
    _finished_window(event, window)
    _finished_outcome(event, outcome)
    _finished_staff(event, staff)
    return event


_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(a.name for a in attrs.fields(cls)) for cls in EVENT_TYPES.values()
}
_MOMENTS = frozenset({"at", "order_at", "slot"})
# One encoder for every call: json.dumps() with options builds a new one each time.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def encode_event(event: Event, *, at: str | None = None) -> str:
    """Serialize an event to compact JSON text with a ``type`` tag.

    Fields that are ``None`` are left out; times are ISO 8601 with their UTC offset.

    Args:
        event: The event.
        at: ``event.at`` already formatted, if the caller has it (stores write it to a
            column too); reused for every time equal to it.
    """
    # Hand-written rather than through the converter: feeds encode every event, and this
    # is several times faster while giving the same JSON.
    when = event.at
    stamp = at if at is not None else when.isoformat()
    data: dict[str, Any] = {"type": event.type}
    for name in _FIELDS[type(event)]:
        value = getattr(event, name)
        if value is not None:
            if isinstance(value, dt.date):
                same = value is when or (
                    type(value) is dt.datetime and value == when and value.tzinfo is when.tzinfo
                )
                value = stamp if same else value.isoformat()
            data[name] = value
    return _ENCODER.encode(data)


def decode_event(text: str, *, source: str | None = None) -> Event:
    """Parse an event from :func:`encode_event`'s text.

    Raises:
        InvalidDataError: If the text is not a valid event.
    """
    data = parse(text, "json", source=source)
    if not isinstance(data, dict) or data.get("type") not in EVENT_TYPES:
        raise InvalidDataError([DataProblem("type", "unknown event type")], source=source)
    cls = EVENT_TYPES[data.pop("type")]
    try:
        fields = dict(data)
        for name in _MOMENTS.intersection(fields):
            moment = dt.datetime.fromisoformat(fields[name])
            if moment.tzinfo is None:
                raise ValueError(name)
            fields[name] = moment
        if "day" in fields:
            fields["day"] = dt.date.fromisoformat(fields["day"])
        return cls(**fields)
    except (TypeError, ValueError):
        # The slow path names every problem with its field.
        return structure(data, cls, source=source)
