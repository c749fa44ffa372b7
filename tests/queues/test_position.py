"""Position and estimated wait: the selection rule played forward, checked on a simulated day."""

from __future__ import annotations

import datetime as dt

import pytest

from govservice_std.errors import IllegalCommandError
from govservice_std.halls import Hall, Window
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import CHINA_TZ
from govservice_std.queues.policy import BusinessLine, QueuePolicy
from govservice_std.staffing import DayProfile, LineProfile, Period, TimeDistribution
from govservice_std.staffing.simulation import simulate_day

from .conftest import make_hall, make_policy


def test_position_counts_the_tickets_called_first(engine: QueueEngine, clock: FixedClock) -> None:
    a1 = engine.issue("A")
    a2 = engine.issue("A")
    c1 = engine.issue("C")
    elderly = engine.issue("A", priority="elderly")
    # W1 and W2 both serve A; the elderly ticket goes first, then A001.
    assert engine.position(elderly.id).ahead == 0
    assert engine.position(a1.id).ahead == 1
    where = engine.position(a2.label)
    assert where.ahead == 2
    assert set(where.windows) == {"W1", "W2"}
    # W3 alone serves C and is idle: called at once.
    assert engine.position(c1.id).ahead == 0
    assert engine.position(c1.id).estimated_wait_minutes == 0.0
    # Two idle windows take the first two; A002 waits one service time (the default).
    assert where.estimated_wait_minutes == pytest.approx(engine.policy.default_service_minutes)
    data = where.to_dict()
    assert (data["ticket"], data["ahead"]) == ("A002", 2)
    engine.call_next("W1")
    assert engine.position(a2.id).ahead == 1


def test_the_live_service_rate_replaces_the_default(engine: QueueEngine, clock: FixedClock) -> None:
    for _ in range(3):  # W3 serves C in 4 minutes (call to finish)
        t = engine.issue("C")
        engine.call_next("W3")
        engine.start(t.id)
        clock.advance(minutes=4)
        engine.finish(t.id)
    waiting = [engine.issue("C") for _ in range(3)]
    assert engine.position(waiting[2].id).estimated_wait_minutes == pytest.approx(8.0)


def test_no_window_can_call_it(clock: FixedClock) -> None:
    engine = QueueEngine(make_hall(), make_policy(staff_required=True), clock=clock)
    engine.open_window("W3")
    first = engine.issue("C")
    second = engine.issue("C")
    where = engine.position(second.id)
    assert (where.ahead, where.estimated_wait_minutes, where.windows) == (1, None, ())
    engine.sign_in("W3", "li")
    assert engine.position(second.id).windows == ("W3",)
    engine.call_next("W3")
    with pytest.raises(IllegalCommandError, match="is called, not waiting"):
        engine.position(first.id)


def test_tickets_for_a_window_or_person_count_only_there(engine: QueueEngine) -> None:
    a1 = engine.issue("A")
    a2 = engine.issue("A")
    engine.transfer(a1.id, window="W3")
    assert engine.position(a1.id).windows == ("W3",)
    assert engine.position(a2.id).ahead == 0
    engine.transfer(a2.id, staff="wang")  # not signed in anywhere
    assert engine.position(a2.id).estimated_wait_minutes is None
    engine.sign_in("W2", "wang")
    assert engine.position(a2.id).windows == ("W2",)


# -- the estimate against the staffing simulator ----------------------------------------------

OPEN = dt.datetime(2026, 3, 2, 8, 30, tzinfo=CHINA_TZ)
WINDOWS = 3
SERVICE_MINUTES = 6.0


def _simulated_day(seed: int) -> tuple[list[float], list[float], list[float]]:
    """Drive a day drawn by the staffing simulator through the engine.

    Returns the simulator's waits, the engine's waits, and the estimate of every ticket's
    wait when it was issued (all in minutes, in arrival order).
    """
    import numpy as np

    profile = DayProfile(
        lines=[LineProfile(id="A", service=TimeDistribution.exponential(SERVICE_MINUTES))],
        periods=[Period(arrivals={"A": rate}, windows=WINDOWS) for rate in (20, 26, 26, 20)],
    )
    trace = simulate_day(profile, np.random.default_rng(seed))
    hall = Hall(
        code="441324116",
        name="龙潭镇便民服务中心",
        tier="town",
        division="441324116",
        windows=[Window(code=f"W{i}", kind="comprehensive", lines=["A"]) for i in range(WINDOWS)],
    )
    policy = QueuePolicy(
        lines=[BusinessLine(id="A", name="综合")], default_service_minutes=SERVICE_MINUTES
    )
    clock = FixedClock(OPEN)
    engine = QueueEngine(hall, policy, clock=clock)
    for window in hall.windows:
        engine.open_window(window.code)
    arrivals = trace.arrival.tolist()
    services = trace.service.tolist()
    visitor: dict[str, int] = {}
    busy: dict[str, tuple[float, str]] = {}  # window -> (free at, ticket)
    estimates: list[float] = []

    def at(minutes: float) -> None:
        clock.now = OPEN + dt.timedelta(minutes=minutes)

    def serve(window: str, now: float) -> None:
        if engine.select_next(window) is None:
            return
        ticket = engine.call_next(window)
        engine.start(ticket.id)
        busy[window] = (now + services[visitor[ticket.id]], ticket.id)

    index = 0
    while index < len(arrivals) or busy:
        next_free = min(busy.items(), key=lambda kv: kv[1][0]) if busy else None
        if next_free is not None and (index >= len(arrivals) or next_free[1][0] <= arrivals[index]):
            code, (when, served) = next_free
            at(when)
            engine.finish(served)
            del busy[code]
            serve(code, when)
            continue
        at(arrivals[index])
        issued = engine.issue("A")
        visitor[issued.id] = index
        index += 1
        estimate = engine.position(issued.id).estimated_wait_minutes
        assert estimate is not None
        estimates.append(estimate)
        for free in hall.windows:
            if free.code not in busy:
                serve(free.code, arrivals[index - 1])
    tickets = {t.id: t for t in engine.state.tickets()}
    engine_waits = [0.0] * len(arrivals)
    for ticket_id, i in visitor.items():
        waited = tickets[ticket_id].waited_seconds
        assert waited is not None
        engine_waits[i] = waited / 60.0
    return trace.wait.tolist(), engine_waits, estimates


def test_estimated_wait_against_the_staffing_simulator() -> None:
    errors: list[float] = []
    actual: list[float] = []
    for seed in (1, 2, 3):
        simulated, waits, estimates = _simulated_day(seed)
        # The engine and the simulator run the same day the same way.
        assert waits == pytest.approx(simulated, abs=1e-6)
        errors += [e - w for e, w in zip(estimates, waits, strict=True)]
        actual += waits
    mean_wait = sum(actual) / len(actual)
    bias = sum(errors) / len(errors)
    mae = sum(abs(e) for e in errors) / len(errors)
    # The figures the queue docs state (M/M/3 at ρ ≈ 0.77, three simulated days).
    assert mean_wait > 2.0
    assert abs(bias) < 1.0
    assert mae < 2.5
    print(f"mean wait {mean_wait:.2f} min, bias {bias:+.2f} min, mean absolute error {mae:.2f}")
