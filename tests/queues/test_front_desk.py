"""Front-of-house operations: staff, chosen calls, transfers, parking, caps, hours, bookings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs
import pytest

from govservice_std.errors import IllegalCommandError
from govservice_std.halls import Hall, OpeningHours, Window
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import (
    AppointmentReminded,
    Event,
    ServiceFinished,
    ServiceStarted,
    StaffSignedIn,
    TicketCalled,
)
from govservice_std.queues.hooks import HookFailure
from govservice_std.queues.policy import BusinessLine
from govservice_std.queues.state import BookingStatus, TicketStatus
from govservice_std.serialization import structure

from .conftest import START, make_hall, make_policy


def _engine(clock: FixedClock, **params: object) -> QueueEngine:
    return QueueEngine(make_hall(), make_policy(**params), clock=clock)


def _hall_with_hours() -> Hall:
    hall = make_hall()
    hours = structure(
        {
            "regular": [
                {
                    "days": ["mon", "tue", "wed", "thu", "fri"],
                    "periods": [
                        {"start": "08:30", "end": "12:00"},
                        {"start": "14:30", "end": "17:30"},
                    ],
                }
            ]
        },
        OpeningHours,
    )
    return attrs.evolve(hall, hours=hours)


# -- staff ---------------------------------------------------------------------------------


def test_a_window_serves_only_while_staffed(clock: FixedClock) -> None:
    engine = _engine(clock, staff_required=True)
    engine.open_window("W1")
    engine.issue("A")
    with pytest.raises(IllegalCommandError, match="nobody is signed in at window W1"):
        engine.call_next("W1")
    assert engine.sign_in("W1", "clerk-1").staff == "clerk-1"
    called = engine.call_next("W1")
    assert called.staff == "clerk-1"
    with pytest.raises(IllegalCommandError, match="still has ticket A001"):
        engine.sign_out("W1")
    engine.start(called.id)
    engine.finish(called.id)
    assert engine.sign_out("W1").staff is None
    engine.issue("A")
    with pytest.raises(IllegalCommandError, match="nobody is signed in"):
        engine.call_next("W1")
    # The events carry who did it.
    events = [e for _, e in engine.events()]
    assert [e.staff for e in events if isinstance(e, (TicketCalled, ServiceStarted))] == [
        "clerk-1",
        "clerk-1",
    ]
    assert next(e for e in events if isinstance(e, ServiceFinished)).staff == "clerk-1"


def test_self_service_windows_may_call_unstaffed(clock: FixedClock) -> None:
    hall = Hall(
        code="441324116",
        name="龙潭镇便民服务中心",
        tier="town",
        division="441324116",
        windows=[Window(code="Z1", kind="self_service", lines=["A"])],
    )
    engine = QueueEngine(hall, make_policy(staff_required=True), clock=clock)
    engine.open_window("Z1")
    engine.issue("A")
    assert engine.call_next("Z1").staff is None
    strict = QueueEngine(
        hall, make_policy(staff_required=True, self_service_unstaffed=False), clock=clock
    )
    strict.open_window("Z1")
    strict.issue("A")
    with pytest.raises(IllegalCommandError, match="nobody is signed in"):
        strict.call_next("Z1")


def test_one_window_per_person_and_one_person_per_window(clock: FixedClock) -> None:
    engine = _engine(clock)
    assert engine.sign_in("W1", "li").open  # signing in opens the window
    with pytest.raises(IllegalCommandError, match="li is signed in at window W1"):
        engine.sign_in("W2", "li")
    with pytest.raises(IllegalCommandError, match="sign out first"):
        engine.sign_in("W1", "wang")
    with pytest.raises(IllegalCommandError, match="nobody is signed in"):
        engine.sign_out("W2")
    engine.sign_out("W1")
    engine.sign_in("W2", "li")
    assert engine.state.staff_window("li") == "W2"
    engine.close_window("W2")  # closing signs out
    assert engine.state.staff_window("li") is None
    with pytest.raises(IllegalCommandError, match="blank"):
        engine.sign_in("W1", " ")


# -- chosen calls, transfers, parking --------------------------------------------------------


def test_call_a_chosen_ticket_with_a_reason(engine: QueueEngine) -> None:
    first = engine.issue("A")
    chosen = engine.issue("A")
    c = engine.issue("C")
    called = engine.call_ticket("W1", chosen.label, reason="材料已预审")
    assert called.id == chosen.id
    assert called.chosen_reason == "材料已预审"
    assert engine.state.ticket(first.id).status is TicketStatus.WAITING
    event = engine.events()[-1][1]
    assert isinstance(event, TicketCalled)
    assert event.reason == "材料已预审"
    with pytest.raises(IllegalCommandError, match="may not call ticket C01"):
        engine.call_ticket("W2", c.label)  # W2 serves B and A, not C
    with pytest.raises(IllegalCommandError, match="is called, not waiting"):
        engine.call_ticket("W2", chosen.label)
    # A call in turn records no reason.
    assert engine.call_next("W2").chosen_reason is None


def test_transfer_to_a_window_or_a_person(engine: QueueEngine, clock: FixedClock) -> None:
    a1 = engine.issue("A")
    clock.advance(minutes=1)
    a2 = engine.issue("A")
    called = engine.call_next("W1")
    engine.start(called.id)
    moved = engine.transfer(called.id, window="W3")
    assert moved.for_window == "W3"
    assert moved.status is TicketStatus.WAITING
    assert engine.window("W1").ticket is None
    # W2 serves line A but may not take a ticket meant for W3; W3 (line C only) calls it.
    assert engine.call_next("W2").id == a2.id
    assert engine.call_next("W3").id == a1.id
    engine.start(a1.id)
    engine.sign_in("W1", "zhao")
    to_person = engine.transfer(a1.id, staff="zhao")
    assert to_person.for_staff == "zhao"
    assert engine.select_next("W3") is None
    assert engine.call_next("W1").id == a1.id
    with pytest.raises(IllegalCommandError, match="exactly one"):
        engine.transfer(a1.id, "B", window="W2")
    with pytest.raises(IllegalCommandError, match="serves no business line"):
        engine.transfer(a1.id, window="Z1")


@pytest.mark.parametrize("placement", ["first", "last", "arrival"])
def test_transfer_placement(clock: FixedClock, placement: str) -> None:
    engine = _engine(clock, transfer_placement=placement)
    engine.open_window("W3")
    moved = engine.issue("A")  # 09:00
    clock.advance(minutes=5)
    early = engine.issue("C")  # 09:05
    clock.advance(minutes=5)
    engine.issue("C")  # 09:10
    clock.advance(minutes=5)
    engine.transfer(moved.id, "C")
    order = []
    while (nxt := engine.select_next("W3")) is not None:
        order.append(nxt.label)
        engine.call_next("W3")
        engine.start(nxt.id)
        engine.finish(nxt.id)
    expected = {
        "first": ["A001", "C01", "C02"],
        "arrival": ["A001", "C01", "C02"],  # issued first, so first by arrival too
        "last": ["C01", "C02", "A001"],
    }
    assert order == expected[placement]
    assert engine.ticket(early.id).status is TicketStatus.FINISHED


def test_first_placement_goes_ahead_of_earlier_arrivals(
    engine: QueueEngine, clock: FixedClock
) -> None:
    engine.issue("C")
    clock.advance(minutes=5)
    late = engine.issue("A")
    engine.transfer(late.id, "C", placement="first")
    assert engine.select_next("W3").id == late.id  # type: ignore[union-attr]
    with pytest.raises(IllegalCommandError, match="no placement 'top'"):
        engine.transfer(late.id, "A", placement="top")


def test_park_and_resume_to_the_same_window(engine: QueueEngine) -> None:
    first = engine.issue("A")
    second = engine.issue("A")
    engine.call_next("W1")
    engine.start(first.id)
    parked = engine.park(first.id)
    assert parked.status is TicketStatus.PARKED
    assert parked.arrival == first.arrival
    assert engine.window("W1").ticket is None
    # Parked tickets are out of every queue: W2 gets the second ticket.
    assert engine.call_next("W1").id == second.id
    with pytest.raises(IllegalCommandError, match="still has ticket A002"):
        engine.resume(first.id)
    engine.start(second.id)
    engine.finish(second.id)
    resumed = engine.resume(first.id)
    assert (resumed.status, resumed.window) == (TicketStatus.CALLED, "W1")
    engine.start(first.id)
    done = engine.finish(first.id)
    assert done.service_seconds >= 0
    with pytest.raises(IllegalCommandError, match="is finished, not parked"):
        engine.resume(first.id)
    with pytest.raises(IllegalCommandError, match="is finished, not called or serving"):
        engine.park(first.id)


# -- caps and hours --------------------------------------------------------------------------


def test_daily_cap_per_line(clock: FixedClock) -> None:
    policy = make_policy()
    lines = [attrs.evolve(policy.lines[0], daily_cap=2), *policy.lines[1:]]
    engine = QueueEngine(make_hall(), attrs.evolve(policy, lines=lines), clock=clock)
    engine.issue("A")
    engine.issue("A")
    with pytest.raises(IllegalCommandError) as refused:
        engine.issue("A")
    assert refused.value.reason == "line A has issued its 2 tickets for today (daily cap)"
    assert refused.value.localized("zh") == "无法取号：业务类别 A 今日号源已满（每日限 2 个）"
    engine.issue("B")  # other lines are not capped
    engine.check_in("P1", line="A", slot=clock.now)  # bookings were promised
    clock.advance(days=1)
    assert engine.issue("A").label == "A001"
    kpis = engine.front_desk_kpis(START.date())
    assert kpis.cap_reached_at == {"A": START}


def test_issuing_follows_the_opening_hours(clock: FixedClock) -> None:
    hall = _hall_with_hours()
    engine = QueueEngine(
        hall,
        make_policy(issue_within_hours=True, early_issue_minutes=15),
        clock=FixedClock(START.replace(hour=8, minute=10)),
    )
    with pytest.raises(IllegalCommandError, match=r"not issuing tickets at 08:10 .*08:15-12:00"):
        engine.issue("A")
    engine._clock.advance(minutes=5)  # type: ignore[attr-defined]
    assert engine.issue("A").label == "A001"  # early issue, 15 minutes before opening
    engine._clock.advance(hours=4)  # type: ignore[attr-defined]
    with pytest.raises(IllegalCommandError, match="12:15"):
        engine.issue("A")
    # A booking checks in whatever the time (早晚弹性办).
    slot = engine.now()
    assert engine.check_in("P1", line="A", slot=slot).appointment == "P1"
    engine._clock.advance(days=5)  # type: ignore[attr-defined]  # Saturday
    with pytest.raises(IllegalCommandError) as closed:
        engine.issue("A")
    assert "不开放" in closed.value.localized()


# -- bookings --------------------------------------------------------------------------------


def test_book_cancel_reschedule_remind_and_check_in(clock: FixedClock) -> None:
    reminded: list[AppointmentReminded] = []

    def notifier(hall: object, events: Sequence[Event], state: object) -> list[HookFailure]:
        reminded.extend(e for e in events if isinstance(e, AppointmentReminded))
        return []

    engine = QueueEngine(
        _hall_with_hours(),
        make_policy(booking_capacity=1, booking_slot_minutes=30, reminder_minutes=60),
        clock=clock,
        notifier=notifier,
    )
    day = START.date()
    slots = engine.slots("A", day)
    assert [s.start.strftime("%H:%M") for s in slots][:3] == ["08:30", "09:00", "09:30"]
    assert len(slots) == 7 + 6  # 08:30-12:00 and 14:30-17:30 in half hours
    ten = START.replace(hour=10)
    booking = engine.book("A", ten)
    assert (booking.ref, booking.status) == ("YY00001", BookingStatus.BOOKED)
    with pytest.raises(IllegalCommandError, match="is full"):
        engine.book("A", ten)
    with pytest.raises(IllegalCommandError, match="no booking slot at"):
        engine.book("A", START.replace(hour=10, minute=10))
    with pytest.raises(IllegalCommandError, match="has begun or passed"):
        engine.book("A", START)
    other = engine.book("A", START.replace(hour=10, minute=30))
    engine.cancel_booking(other.ref)
    assert engine.book("A", START.replace(hour=10, minute=30)).ref == "YY00003"
    with pytest.raises(IllegalCommandError, match="is cancelled"):
        engine.reschedule(other.ref, START.replace(hour=11))
    moved = engine.reschedule(booking.ref, START.replace(hour=11))
    assert moved.slot == START.replace(hour=11)
    assert engine.slots("A", day)[slots.index(next(s for s in slots if s.start == ten))].free == 1
    assert engine.send_reminders() == ()  # 11:00 is two hours away
    clock.advance(hours=1, minutes=15)  # 10:15
    assert [b.ref for b in engine.send_reminders()] == ["YY00001", "YY00003"]
    assert [e.appointment for e in reminded] == ["YY00001", "YY00003"]
    assert engine.send_reminders() == ()  # once
    clock.advance(minutes=15)  # 10:30: check-in opens for 11:00
    ticket = engine.check_in(booking.ref)
    assert (ticket.slot, ticket.appointment) == (START.replace(hour=11), "YY00001")
    assert engine.state.booking(booking.ref).status is BookingStatus.CHECKED_IN  # type: ignore[union-attr]
    with pytest.raises(IllegalCommandError, match="already ticket"):
        engine.check_in(booking.ref)
    with pytest.raises(IllegalCommandError, match="was cancelled"):
        engine.check_in(other.ref)
    clock.advance(hours=1)  # 11:30: the 10:30 booking did not come
    kpis = engine.front_desk_kpis()
    assert (kpis.bookings_due, kpis.bookings_shown, kpis.show_rate) == (2, 1, 0.5)


def test_slots_from_the_staffing_profile(clock: FixedClock) -> None:
    plan = {"A": {dt.time(9, 30): 2, dt.time(10, 0): 1}}
    engine = QueueEngine(make_hall(), make_policy(), clock=clock, slot_plan=plan)
    slots = engine.slots("A", START.date())
    assert [(s.start.time(), s.capacity) for s in slots] == [
        (dt.time(9, 30), 2),
        (dt.time(10, 0), 1),
    ]
    assert engine.slots("B", START.date()) == ()


# -- KPIs per staff ---------------------------------------------------------------------------


def test_kpis_per_staff(clock: FixedClock) -> None:
    engine = _engine(clock, staff_required=True)
    engine.sign_in("W1", "li")  # 09:00
    a = engine.issue("A")
    b = engine.issue("A")
    clock.advance(minutes=4)  # idle 4 minutes
    engine.call_next("W1")  # a waited 4
    clock.advance(minutes=1)  # walk 1
    engine.start(a.id)
    clock.advance(minutes=5)  # service 5
    engine.finish(a.id)
    clock.advance(minutes=2)  # idle 2
    engine.call_next("W1")  # b waited 12
    clock.advance(minutes=3)  # walk 3
    engine.start(b.id)
    clock.advance(minutes=7)  # service 7
    engine.finish(b.id)
    clock.advance(minutes=8)  # idle 8
    engine.sign_out("W1")  # 09:30
    figures = engine.front_desk_kpis().by_staff["li"]
    assert (figures.called, figures.served) == (2, 2)
    assert figures.mean_wait == pytest.approx(8.0)
    assert figures.mean_walk == pytest.approx(2.0)
    assert figures.mean_service == pytest.approx(6.0)
    assert figures.signed_in == pytest.approx(30.0)
    assert figures.idle == pytest.approx(14.0)
    assert next(type(e) for _, e in engine.events()) is StaffSignedIn


def test_lines_without_caps_report_none(clock: FixedClock) -> None:
    engine = QueueEngine(
        make_hall(),
        make_policy(lines=[BusinessLine(id=x, name=x, daily_cap=50) for x in "ABC"]),
        clock=clock,
    )
    assert engine.front_desk_kpis().cap_reached_at == {"A": None, "B": None, "C": None}
