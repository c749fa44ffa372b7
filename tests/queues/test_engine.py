from __future__ import annotations

import datetime as dt
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govservice_std import hookimpl, load_registry
from govservice_std.errors import IllegalCommandError, InvalidDataError, NoTicketWaitingError
from govservice_std.halls import Hall
from govservice_std.queues.engine import FixedClock, QueueEngine, default_locality
from govservice_std.queues.events import CHINA_TZ, Event, TicketCalled
from govservice_std.queues.hooks import PluginNotifier
from govservice_std.queues.policy import LateAppointment
from govservice_std.queues.state import Ticket, TicketStatus, _timestamp
from govservice_std.serialization import structure, unstructure

from .conftest import START, make_hall, make_policy


def test_lifecycle_and_numbering(engine: QueueEngine, clock: FixedClock) -> None:
    a1 = engine.issue("A")
    a2 = engine.issue("A")
    c1 = engine.issue("C")
    assert (a1.label, a2.label, c1.label) == ("A001", "A002", "C01")
    assert a1.id == "20260302-A001"
    called = engine.call_next("W1")
    assert called.id == a1.id
    assert called.status is TicketStatus.CALLED
    clock.advance(minutes=1)
    engine.start("A001")
    clock.advance(minutes=4)
    done = engine.finish("A001", "completed")
    assert done.status is TicketStatus.FINISHED
    assert done.service_seconds == 240
    assert engine.window("W1").ticket is None
    # Next day: line A restarts, line C (no daily reset) continues.
    clock.advance(days=1)
    assert engine.issue("A").label == "A001"
    assert engine.issue("C").label == "C02"
    assert engine.ticket("A001").day == START.date() + dt.timedelta(days=1)
    # The first command of the day closed the day before: its tickets are history.
    with pytest.raises(IllegalCommandError):
        engine.ticket("20260302-A001")
    assert engine.state.closed_through == START.date()
    yesterday = engine.kpis(START.date())
    assert (yesterday.overall.issued, yesterday.overall.served) == (3, 1)
    assert yesterday.overall.cancelled == 2  # closed by the day close


def test_priority_then_window_line_order_then_fifo(engine: QueueEngine) -> None:
    engine.issue("A")
    engine.issue("B")
    engine.issue("A", priority="elderly")
    engine.issue("B", priority="military")
    engine.issue("B", priority="elderly")
    order = []
    for _ in range(5):
        ticket = engine.call_next("W1")
        order.append(ticket.label)
        engine.start(ticket.id)
        engine.finish(ticket.id)
    # military (2) > elderly (1) > normal; W1 serves A before B.
    assert order == ["B002", "A002", "B003", "A001", "B001"]


def test_anti_starvation_after_n(clock: FixedClock) -> None:
    engine = QueueEngine(make_hall(), make_policy(anti_starvation_after=2), clock=clock)
    engine.open_window("W1")
    engine.issue("A")
    for _ in range(4):
        engine.issue("A", priority="elderly")
    labels = []
    for _ in range(5):
        t = engine.call_next("W1")
        labels.append((t.label, t.group))
        engine.start(t.id)
        engine.finish(t.id)
    assert [g for _, g in labels] == ["elderly", "elderly", None, "elderly", "elderly"]


def test_anti_starvation_ageing(clock: FixedClock) -> None:
    policy = make_policy(anti_starvation="ageing", ageing_minutes=10.0)
    engine = QueueEngine(make_hall(), policy, clock=clock)
    engine.open_window("W1")
    normal = engine.issue("A")
    clock.advance(minutes=25)  # two ageing steps: rank 2, above elderly (1)
    engine.issue("A", priority="elderly")
    assert engine.call_next("W1").id == normal.id


def test_strict_priority_rule(clock: FixedClock) -> None:
    engine = QueueEngine(make_hall(), make_policy(anti_starvation="none"), clock=clock)
    engine.open_window("W1")
    engine.issue("A")
    for _ in range(5):
        engine.issue("A", priority="elderly")
    for _ in range(5):
        t = engine.call_next("W1")
        assert t.group == "elderly"
        engine.start(t.id)
        engine.finish(t.id)


def _illegal(engine: QueueEngine, fn, *args: object, match: str) -> None:  # type: ignore[no-untyped-def]
    before = len(engine.events())
    with pytest.raises(IllegalCommandError, match=match):
        fn(*args)
    assert len(engine.events()) == before


def test_illegal_commands_change_nothing(engine: QueueEngine) -> None:
    t = engine.issue("A")
    _illegal(engine, engine.finish, t.id, match="is waiting, not serving")
    _illegal(engine, engine.start, t.id, match="not called")
    _illegal(engine, engine.issue, "Q", match="no business line 'Q'")
    _illegal(engine, engine.call_next, "W9", match="no window 'W9'")
    _illegal(engine, engine.call_next, "Z1", match="serves no business line")
    _illegal(engine, engine.call_next, "W3", match="no ticket waiting")
    _illegal(engine, engine.open_window, "W1", match="already open")
    engine.call_next("W1")
    _illegal(engine, engine.call_next, "W1", match="still has ticket A001")
    _illegal(engine, engine.close_window, "W1", match="still has ticket A001")
    _illegal(engine, engine.no_show, t.id, match="called 1 of 2 times")
    engine.start(t.id)
    _illegal(engine, engine.finish, t.id, "nonsense", match="no outcome 'nonsense'")
    _illegal(engine, engine.cancel, t.id, match="serving")
    engine.finish(t.id, "completed")
    _illegal(engine, engine.finish, t.id, match="finished, not serving")
    engine.close_window("W1")
    engine.issue("A")
    _illegal(engine, engine.call_next, "W1", match="window W1 is closed")
    with pytest.raises(NoTicketWaitingError):
        engine.call_next("W3")
    _illegal(engine, engine.ticket, "A999", match="no ticket 'A999'")


def test_no_show_and_reactivation(engine: QueueEngine, clock: FixedClock) -> None:
    t = engine.issue("A")
    later = engine.issue("A")
    engine.call_next("W1")
    assert engine.recall("W1").calls == 2
    ns = engine.no_show(t.id)
    assert ns.status is TicketStatus.NO_SHOW
    assert engine.window("W1").ticket is None
    clock.advance(minutes=5)
    back = engine.reactivate(t.id)
    assert back.status is TicketStatus.WAITING
    assert back.calls == 0
    # Joins at the back by default: the later ticket goes first.
    assert engine.call_next("W1").id == later.id
    engine.start(later.id)
    engine.finish(later.id)
    engine.call_next("W1")
    engine.recall("W1")
    engine.no_show(t.id)
    _illegal(engine, engine.reactivate, t.id, match="already reactivated 1 times")


def test_reactivation_window_and_keep_place(clock: FixedClock) -> None:
    engine = QueueEngine(
        make_hall(),
        make_policy(no_show_after_calls=1, reactivation_keeps_place=True, max_reactivations=3),
        clock=clock,
    )
    engine.open_window("W1")
    first = engine.issue("A")
    engine.call_next("W1")
    engine.no_show(first.id)
    clock.advance(minutes=1)
    engine.issue("A")
    engine.reactivate(first.id)
    assert engine.call_next("W1").id == first.id  # kept its place
    engine.no_show(first.id)
    clock.advance(minutes=31)
    _illegal(engine, engine.reactivate, first.id, match="could be reactivated until")


def test_transfer_keeps_original_arrival(engine: QueueEngine, clock: FixedClock) -> None:
    early = engine.issue("A")
    clock.advance(minutes=10)
    b = engine.issue("B")
    engine.call_next("W1")  # A001
    engine.start(early.id)
    clock.advance(minutes=3)
    moved = engine.transfer(early.id, "B")
    assert moved.line == "B"
    assert moved.original_line == "A"
    assert moved.status is TicketStatus.WAITING
    assert moved.service_seconds == 180
    assert engine.window("W1").ticket is None
    # W2 serves B first: the transferred ticket arrived earlier than B001.
    assert engine.call_next("W2").id == early.id
    assert engine.ticket(early.id).waited_seconds == 600  # the first call counts
    _illegal(engine, engine.transfer, b.id, "B", match="already in B")


def test_cancel_frees_window(engine: QueueEngine) -> None:
    t = engine.issue("A")
    engine.call_next("W1")
    assert engine.cancel(t.id).status is TicketStatus.CANCELLED
    assert engine.window("W1").ticket is None
    _illegal(engine, engine.cancel, t.id, match="cancelled")


def test_appointments(engine: QueueEngine, clock: FixedClock) -> None:
    slot = START + dt.timedelta(minutes=40)
    with pytest.raises(IllegalCommandError, match="opens for check-in at 09:10"):
        engine.check_in("P1", line="A", slot=slot)
    clock.advance(minutes=20)
    walk_in = engine.issue("A")
    appt = engine.check_in("P1", line="A", slot=START + dt.timedelta(minutes=15))
    assert appt.order_at < walk_in.order_at
    assert engine.call_next("W1").id == appt.id
    with pytest.raises(IllegalCommandError, match="already ticket"):
        engine.check_in("P1", line="A", slot=slot)
    clock.advance(minutes=60)  # 10:20: far past the 09:25 slot's grace
    late = engine.check_in("P2", line="A", slot=START + dt.timedelta(minutes=25))
    assert late.order_at == clock.now


def test_late_appointment_refused(clock: FixedClock) -> None:
    engine = QueueEngine(
        make_hall(), make_policy(late_appointment=LateAppointment.REFUSE), clock=clock
    )
    clock.advance(minutes=30)
    with pytest.raises(IllegalCommandError, match="past its grace window"):
        engine.check_in("P3", line="A", slot=START)
    assert engine.events() == []


def test_hall_lines_must_exist_in_policy() -> None:
    data = unstructure(make_hall())
    data["windows"][0]["lines"] = ["ZZ"]
    hall = structure(data, Hall)
    with pytest.raises(InvalidDataError, match=r"windows\[0\]\.lines\[0\]: no business line"):
        QueueEngine(hall, make_policy())


class Board:
    __name__ = "board"

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None]] = []

    @hookimpl
    def govservice_queue_event(self, event: Event, ticket: Ticket | None) -> None:
        self.seen.append((event.type, ticket.label if ticket else None))


class Broken:
    __name__ = "broken_sms"

    @hookimpl
    def govservice_queue_event(self, event: Event) -> None:
        if isinstance(event, TicketCalled):
            raise RuntimeError("SMS gateway down")


def test_hook_govservice_queue_event(clock: FixedClock, caplog: pytest.LogCaptureFixture) -> None:
    board = Board()
    registry = load_registry(autoload=False, plugins=[Broken(), board])
    engine = QueueEngine(
        make_hall(), make_policy(), clock=clock, notifier=PluginNotifier(registry.host)
    )
    engine.open_window("W1")
    with caplog.at_level(logging.ERROR, logger="govservice_std.queues.hooks"):
        t = engine.issue("A")
        called = engine.call_next("W1")  # the broken plugin raises; the call stands
        engine.start(t.id)
        engine.finish(t.id)
    assert called.status is TicketStatus.CALLED
    assert engine.ticket(t.id).status is TicketStatus.FINISHED
    assert board.seen == [
        ("window_opened", None),
        ("issued", "A001"),
        ("called", "A001"),
        ("started", "A001"),
        ("finished", "A001"),
    ]
    failures = engine.take_failures()
    assert len(failures) == 1
    assert failures[0].plugin == "broken_sms"
    assert "SMS gateway down" in str(failures[0])
    assert "broken_sms" in caplog.text
    assert engine.take_failures() == []


def test_for_hall_uses_locality_policy() -> None:
    registry = load_registry()
    engine = QueueEngine.for_hall(registry.resolve("441324"), "441324")
    assert engine.policy.target_minutes == 20.0
    engine.open_window("B01")
    engine.issue("C")
    assert engine.call_next("B01").label == "C001"


def test_every_reference_hall_can_run_its_queue() -> None:
    registry = load_registry()
    for hall in registry.halls("441300"):
        locality = registry.resolve(default_locality(hall.code))
        engine = QueueEngine.for_hall(locality, hall.code, notify=False)
        for window in hall.windows:
            if window.lines:
                engine.open_window(window.code)
                engine.issue(window.lines[0])
                assert engine.call_next(window.code).line == window.lines[0]


@given(
    st.datetimes(
        min_value=dt.datetime(1900, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
        max_value=dt.datetime(2200, 1, 1),  # noqa: DTZ001
        timezones=st.sampled_from([CHINA_TZ, dt.UTC, dt.timezone(dt.timedelta(hours=-3))]),
    )
)
def test_queue_timestamps_are_the_datetime_ones(moment: dt.datetime) -> None:
    assert _timestamp(moment) == moment.timestamp()
