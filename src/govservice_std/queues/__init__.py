"""Queues: ticketing, calling and windows on a durable journal of events.

* :mod:`~govservice_std.queues.policy` — business lines, priority groups and the calling
  rules, resolved per locality from each layer's ``queue.toml``;
* :mod:`~govservice_std.queues.events` — the events a queue is made of;
* :mod:`~govservice_std.queues.state` — the state, a fold of the events;
* :mod:`~govservice_std.queues.engine` — commands checked against the state;
* :mod:`~govservice_std.queues.stores` — in-memory, SQLite and PostgreSQL event stores;
* :mod:`~govservice_std.queues.hooks` — delivery of events to integration plugins;
* :mod:`~govservice_std.queues.kpis` — waiting and service KPIs from the record;
* :mod:`~govservice_std.queues.position` — position and estimated wait of a ticket.

The public names of these modules are importable from this package; the first ones an
application needs are also importable from :mod:`govservice_std` itself.
"""

from __future__ import annotations

from govservice_std.queues.engine import (
    Clock,
    FixedClock,
    QueueEngine,
    Slot,
    SlotPlan,
    default_locality,
    system_clock,
)
from govservice_std.queues.events import (
    CHINA_TZ,
    EVENT_TYPES,
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentReminded,
    AppointmentRescheduled,
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
    decode_event,
    encode_event,
)
from govservice_std.queues.hooks import (
    HOOK,
    HookFailure,
    Notifier,
    PluginNotifier,
    logger,
)
from govservice_std.queues.kpis import (
    NORMAL_GROUP,
    Distribution,
    FrontDeskKpis,
    KpiFigures,
    QueueKpis,
    StaffFigures,
    compute_kpis,
    engine_kpis,
    front_desk_kpis,
    kpis_from_events,
)
from govservice_std.queues.policy import (
    QUEUE_FILE,
    AntiStarvationRule,
    BusinessLine,
    LateAppointment,
    Outcome,
    PriorityGroup,
    QueueParams,
    QueuePolicy,
    QueuePolicyLayer,
    TransferPlacement,
)
from govservice_std.queues.position import Position, position
from govservice_std.queues.state import (
    Booking,
    BookingStatus,
    LiveTicket,
    LiveWindow,
    QueueState,
    SelectionRule,
    Ticket,
    TicketStatus,
    WindowState,
)
from govservice_std.queues.stores.base import (
    Decide,
    EventStore,
    StoredEvent,
)
from govservice_std.queues.stores.memory import (
    MemoryStore,
)
from govservice_std.queues.stores.postgres import (
    DEFAULT_SCHEMA,
    LocalityKpis,
    PostgresStore,
    locality_kpis,
    migrate,
    schema_version,
)
from govservice_std.queues.stores.sqlite import (
    SQLiteStore,
    Synchronous,
    connect,
)

__all__ = [
    "CHINA_TZ",
    "DEFAULT_SCHEMA",
    "EVENT_TYPES",
    "HOOK",
    "NORMAL_GROUP",
    "QUEUE_FILE",
    "AntiStarvationRule",
    "AppointmentBooked",
    "AppointmentCancelled",
    "AppointmentReminded",
    "AppointmentRescheduled",
    "Booking",
    "BookingStatus",
    "BusinessLine",
    "Clock",
    "Decide",
    "Distribution",
    "Event",
    "EventStore",
    "FixedClock",
    "FrontDeskKpis",
    "HookFailure",
    "KpiFigures",
    "LateAppointment",
    "LiveTicket",
    "LiveWindow",
    "LocalityKpis",
    "MemoryStore",
    "Notifier",
    "Outcome",
    "PluginNotifier",
    "Position",
    "PostgresStore",
    "PriorityGroup",
    "QueueEngine",
    "QueueKpis",
    "QueueParams",
    "QueuePolicy",
    "QueuePolicyLayer",
    "QueueState",
    "SQLiteStore",
    "SelectionRule",
    "ServiceFinished",
    "ServiceStarted",
    "Slot",
    "SlotPlan",
    "StaffFigures",
    "StaffSignedIn",
    "StaffSignedOut",
    "StoredEvent",
    "Synchronous",
    "Ticket",
    "TicketCalled",
    "TicketCancelled",
    "TicketIssued",
    "TicketNoShow",
    "TicketParked",
    "TicketReactivated",
    "TicketRecalled",
    "TicketResumed",
    "TicketStatus",
    "TicketTransferred",
    "TransferPlacement",
    "WindowClosed",
    "WindowOpened",
    "WindowState",
    "compute_kpis",
    "connect",
    "decode_event",
    "default_locality",
    "encode_event",
    "engine_kpis",
    "front_desk_kpis",
    "kpis_from_events",
    "locality_kpis",
    "logger",
    "migrate",
    "position",
    "schema_version",
    "system_clock",
]
