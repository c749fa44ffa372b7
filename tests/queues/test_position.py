"""Position and estimated wait: the selection rule played forward, checked on a simulated day."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govservice_std.errors import GovServiceError, IllegalCommandError
from govservice_std.halls import Hall, Window
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import CHINA_TZ
from govservice_std.queues.policy import BusinessLine, PriorityGroup, QueuePolicy
from govservice_std.queues.position import Position, position
from govservice_std.queues.state import Ticket, TicketStatus
from govservice_std.serialization import structure
from govservice_std.staffing import DayProfile, LineProfile, Period, TimeDistribution
from govservice_std.staffing.simulation import simulate_day

from .conftest import START, make_hall, make_policy


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


def test_service_times_keep_the_last_n_and_none_for_zero(
    engine: QueueEngine, clock: FixedClock
) -> None:
    for minutes in (1, 2, 3):  # W3 serves C: 1, 2 and 3 minutes from call to finish
        t = engine.issue("C")
        engine.call_next("W3")
        engine.start(t.id)
        clock.advance(minutes=minutes)
        engine.finish(t.id)
    day = START.date()
    state = engine.state
    assert state.service_times(day, 2) == {"W3": [120.0, 180.0]}
    assert state.service_times(day, 5) == {"W3": [60.0, 120.0, 180.0]}
    assert state.service_times(day, 0) == {}
    assert state.service_times(day, -1) == {}
    assert state.service_times(day + dt.timedelta(days=1), 3) == {}


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


# -- the reference: the forward play as first written, scanning every waiting ticket ----------
#
# One position costs O(ahead × waiting) here. The library's play compares only the heads of
# the queues a window may call; this is the oracle it must agree with, ticket for ticket.

_RECENT = 20


class _RefWindow:
    __slots__ = ("code", "free_at", "lines", "service", "staff", "streak")

    def __init__(
        self,
        code: str,
        lines: tuple[str, ...],
        staff: str | None,
        streak: int,
        free_at: float,
        service: float,
    ) -> None:
        self.code = code
        self.lines = lines
        self.staff = staff
        self.streak = streak
        self.free_at = free_at
        self.service = service


def _may_call(window: _RefWindow, ticket: Ticket) -> int | None:
    """The rank of ``ticket`` at ``window`` (its line's place; 0 if directed), or None."""
    if ticket.for_window is not None or ticket.for_staff is not None:
        if ticket.for_window == window.code or (
            ticket.for_staff is not None and ticket.for_staff == window.staff
        ):
            return 0
        return None
    try:
        return window.lines.index(ticket.line)
    except ValueError:
        return None


def _service_seconds(tickets: tuple[Ticket, ...], default: float) -> tuple[dict[str, float], float]:
    per_window: dict[str, list[float]] = {}
    for t in tickets:
        if t.status is TicketStatus.FINISHED and t.window and t.called_at and t.finished_at:
            per_window.setdefault(t.window, []).append(
                (t.finished_at - t.called_at).total_seconds()
            )
    recent = {w: values[-_RECENT:] for w, values in per_window.items()}
    means = {w: sum(v) / len(v) for w, v in recent.items() if v}
    pooled = [x for v in recent.values() for x in v]
    hall = sum(pooled) / len(pooled) if pooled else default
    return means, hall


def reference_position(engine: QueueEngine, ticket_id: str, now: dt.datetime) -> Position:
    """Where a waiting ticket stands, by scanning every waiting ticket at each step."""
    state = engine.state
    rule = engine.selection_rule
    target = state.ticket(ticket_id)
    day = target.day
    today = state.tickets(day=day)
    waiting = [t for t in state.tickets() if t.status is TicketStatus.WAITING]
    ordinal = {t.id: i for i, t in enumerate(waiting)}
    means, hall_mean = _service_seconds(today, engine.policy.default_service_minutes * 60.0)
    now_ts = now.timestamp()

    windows: list[_RefWindow] = []
    for hall_window in engine.hall.windows:
        code = hall_window.code
        snap = state.window(code)
        if not snap.open or not engine.staffed(code):
            continue
        service = means.get(code, hall_mean)
        free_at = now_ts
        if snap.ticket is not None:
            current = state.ticket(snap.ticket)
            began = current.called_at or now
            free_at = max(now_ts, began.timestamp() + service)
        windows.append(
            _RefWindow(code, engine.window_lines(code), snap.staff, snap.priority_streak,
                       free_at, service)
        )  # fmt: skip
    reach = [w for w in windows if _may_call(w, target) is not None]
    reachable = tuple(w.code for w in reach)
    if not reachable:
        return Position(
            ticket=target.id,
            label=target.label,
            line=target.line,
            ahead=_ahead_in_queue(target, waiting, ordinal, rule.weights),
            estimated_wait_minutes=None,
            windows=(),
        )

    pool = {t.id: t for t in waiting}
    ahead = 0
    active = list(windows)
    while active:
        window = min(active, key=lambda w: (w.free_at, w.code))
        chosen = _select(window, pool.values(), ordinal, rule, window.free_at)
        if chosen is None:
            active.remove(window)
            continue
        if chosen.id == target.id:
            wait = max(0.0, window.free_at - now_ts) / 60.0
            return Position(
                ticket=target.id,
                label=target.label,
                line=target.line,
                ahead=ahead,
                estimated_wait_minutes=wait,
                windows=reachable,
            )
        del pool[chosen.id]
        if any(_may_call(w, chosen) is not None for w in reach):
            ahead += 1
        window.streak = window.streak + 1 if chosen.group is not None else 0
        window.free_at += window.service
    raise AssertionError("a reachable window always gets to the ticket")


def _select(
    window: _RefWindow, pool: Any, ordinal: dict[str, int], rule: Any, at: float
) -> Ticket | None:
    best: tuple[float, int, float, int] | None = None
    best_ticket: Ticket | None = None
    best_normal: tuple[float, int, float, int] | None = None
    normal_ticket: Ticket | None = None
    for ticket in pool:
        rank = _may_call(window, ticket)
        if rank is None:
            continue
        order_ts = ticket.order_at.timestamp()
        weight: float = 0 if ticket.group is None else rule.weights.get(ticket.group, 1)
        if rule.rule == "ageing":
            weight += math.floor(max(0.0, at - order_ts) / rule.ageing_seconds)
        key = (-weight, rank, order_ts, ordinal[ticket.id])
        if best is None or key < best:
            best, best_ticket = key, ticket
        if ticket.group is None and (best_normal is None or key < best_normal):
            best_normal, normal_ticket = key, ticket
    if rule.rule == "after_n" and normal_ticket is not None and window.streak >= rule.after:
        return normal_ticket
    return best_ticket


def _ahead_in_queue(
    target: Ticket, waiting: list[Ticket], ordinal: dict[str, int], weights: dict[str, int]
) -> int:
    """Tickets before ``target`` in its own queue, when no window may call it now."""

    def key(t: Ticket) -> tuple[int, float, int]:
        weight = 0 if t.group is None else weights.get(t.group, 1)
        return (-weight, t.order_at.timestamp(), ordinal[t.id])

    mine = key(target)
    same = [
        t
        for t in waiting
        if (t.line, t.for_window, t.for_staff) == (target.line, target.for_window, target.for_staff)
    ]
    return sum(1 for t in same if key(t) < mine)


# -- the library's play against the reference, on random histories ------------------------

ORACLE_HALL = structure(
    {
        "code": "441324116",
        "name": "龙潭镇便民服务中心",
        "tier": "town",
        "division": "441324116",
        "windows": [
            {"code": "W1", "kind": "comprehensive", "lines": ["A", "B"]},
            {"code": "W2", "kind": "comprehensive", "lines": ["B", "A"]},
            {"code": "W3", "kind": "dedicated", "lines": ["C"]},
            {"code": "W4", "kind": "comprehensive", "lines": ["C", "D", "A"]},
            {"code": "Z1", "kind": "self_service", "lines": ["D"]},
        ],
    },
    Hall,
)
ORACLE_WINDOWS = ("W1", "W2", "W3", "W4", "Z1")
ORACLE_LINES = ("A", "B", "C", "D")
# Two groups of equal weight: a tie between groups is broken by the queue order.
ORACLE_GROUPS = (None, None, None, "elderly", "disabled", "military")
ORACLE_STAFF = ("li", "wang", "zhao")

_index = st.integers(0, 40)
_window = st.sampled_from(ORACLE_WINDOWS)
COMMANDS = st.one_of(
    st.tuples(st.just("issue"), st.sampled_from(ORACLE_LINES), st.sampled_from(ORACLE_GROUPS)),
    st.tuples(st.just("issue"), st.sampled_from(ORACLE_LINES), st.sampled_from(ORACLE_GROUPS)),
    st.tuples(st.just("check_in"), st.sampled_from(ORACLE_LINES), st.integers(-40, 40)),
    st.tuples(st.just("call_next"), _window),
    st.tuples(st.just("call_next"), _window),
    st.tuples(st.just("call_ticket"), _window, _index),
    st.tuples(st.just("start"), _index),
    st.tuples(st.just("finish"), _index),
    st.tuples(st.just("serve"), _window),
    st.tuples(st.just("serve"), _window),
    st.tuples(st.just("no_show"), _index),
    st.tuples(st.just("reactivate"), _index),
    st.tuples(st.just("cancel"), _index),
    st.tuples(st.just("park"), _index),
    st.tuples(st.just("park_at"), _window),
    st.tuples(st.just("resume"), _index),
    st.tuples(
        st.just("transfer"),
        _index,
        st.one_of(
            st.tuples(st.just("line"), st.sampled_from(ORACLE_LINES)),
            st.tuples(st.just("window"), _window),
            st.tuples(st.just("staff"), st.sampled_from(ORACLE_STAFF)),
        ),
        st.sampled_from((None, "first", "last", "arrival")),
    ),
    st.tuples(st.just("open_window"), _window),
    st.tuples(st.just("close_window"), _window),
    st.tuples(st.just("sign_in"), _window, st.sampled_from(ORACLE_STAFF)),
    st.tuples(st.just("sign_out"), _window),
    st.tuples(st.just("wait"), st.integers(0, 900)),
)


def _run(engine: QueueEngine, clock: FixedClock, command: tuple[Any, ...]) -> None:
    name, *args = command
    tickets = engine.state.tickets()

    def pick(index: int) -> str:
        return tickets[index % len(tickets)].id if tickets else "A001"

    if name == "wait":
        clock.advance(seconds=args[0])
        return
    if name in {"serve", "park_at"}:  # the window's ticket (it calls one if it is idle)
        with contextlib.suppress(GovServiceError):
            current = engine.state.window(args[0]).ticket or engine.call_next(args[0]).id
            if name == "park_at":
                engine.park(current)
                return
            if engine.state.ticket(current).status is TicketStatus.CALLED:
                engine.start(current)
            clock.advance(seconds=len(tickets) * 37 % 600)  # service times vary
            engine.finish(current)
        return
    if name == "resume":  # a parked ticket, mostly
        parked = [t.id for t in tickets if t.status is TicketStatus.PARKED]
        args = [parked[args[0] % len(parked)] if parked else pick(args[0])]
    if name == "issue":
        call: tuple[Any, ...] = (engine.issue, args[0])
        kwargs: dict[str, Any] = {"priority": args[1]}
    elif name == "check_in":
        slot = clock.now + dt.timedelta(minutes=args[1])
        call, kwargs = (engine.check_in, f"P{len(tickets)}"), {"line": args[0], "slot": slot}
    elif name in {"call_next", "open_window", "close_window", "sign_out"}:
        call, kwargs = (getattr(engine, name), args[0]), {}
    elif name == "call_ticket":
        call, kwargs = (engine.call_ticket, args[0], pick(args[1])), {"reason": "chosen"}
    elif name == "sign_in":
        call, kwargs = (engine.sign_in, args[0], args[1]), {}
    elif name == "transfer":
        kind, where = args[1]
        call, kwargs = (engine.transfer, pick(args[0])), {kind: where, "placement": args[2]}
    elif name == "resume":
        call, kwargs = (engine.resume, args[0]), {}
    else:
        call, kwargs = (getattr(engine, name), pick(args[0])), {}
    with contextlib.suppress(GovServiceError):  # refused: the history goes on without it
        call[0](*call[1:], **kwargs)


def _check_every_waiting_ticket(engine: QueueEngine) -> int:
    now = engine.now()
    waiting = engine.state.waiting()
    for ticket in waiting:
        assert position(engine, ticket.id, now) == reference_position(engine, ticket.id, now)
    return len(waiting)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    rule=st.sampled_from(("none", "after_n", "ageing")),
    after=st.integers(1, 3),
    ageing_minutes=st.sampled_from((0.5, 2.0, 10.0)),
    staff_required=st.sampled_from((False, False, True)),
    self_service_unstaffed=st.booleans(),
    opened=st.sets(st.sampled_from(ORACLE_WINDOWS), min_size=2),
    arrivals=st.lists(
        st.tuples(
            st.sampled_from(ORACLE_LINES), st.sampled_from(ORACLE_GROUPS), st.integers(0, 120)
        ),
        min_size=3,
        max_size=30,
    ),
    commands=st.lists(COMMANDS, min_size=20, max_size=60),
)
def test_the_play_agrees_with_the_reference(
    rule: str,
    after: int,
    ageing_minutes: float,
    staff_required: bool,
    self_service_unstaffed: bool,
    opened: set[str],
    arrivals: list[tuple[str, str | None, int]],
    commands: list[tuple[Any, ...]],
) -> None:
    policy = make_policy(
        lines=[BusinessLine(id=line, name=f"业务{line}") for line in ORACLE_LINES],
        priority_groups=[
            PriorityGroup(id="military", name="军人依法优先", weight=2),
            PriorityGroup(id="elderly", name="老年人", weight=1),
            PriorityGroup(id="disabled", name="残疾人", weight=1),
        ],
        anti_starvation=rule,
        anti_starvation_after=after,
        ageing_minutes=ageing_minutes,
        staff_required=staff_required,
        self_service_unstaffed=self_service_unstaffed,
        default_service_minutes=7.0,
    )
    clock = FixedClock(START)
    engine = QueueEngine(ORACLE_HALL, policy, clock=clock)
    for window in sorted(opened):
        engine.open_window(window)
    for line, group, gap in arrivals:
        engine.issue(line, priority=group)
        clock.advance(seconds=gap)
    _check_every_waiting_ticket(engine)
    for command in commands:
        _run(engine, clock, command)
        _check_every_waiting_ticket(engine)
    # And later, as the windows' current tickets run over their expected end.
    clock.advance(minutes=30)
    _check_every_waiting_ticket(engine)


def test_the_reference_check_sees_long_queues() -> None:
    """The property above on one long history: many tickets ahead, every kind of queue."""
    policy = make_policy(
        lines=[BusinessLine(id=line, name=f"业务{line}") for line in ORACLE_LINES],
        anti_starvation="after_n",
        anti_starvation_after=2,
    )
    clock = FixedClock(START)
    engine = QueueEngine(ORACLE_HALL, policy, clock=clock)
    for window in ORACLE_WINDOWS:
        engine.open_window(window)
    engine.sign_in("W2", "li")
    for i in range(25):  # more than twenty served at W1, in varying times
        served = engine.issue("A")
        engine.call_next("W1")
        engine.start(served.id)
        clock.advance(minutes=2 + i % 5)
        engine.finish(served.id)
    groups = (None, "elderly", None, "military", None)
    for i in range(120):
        engine.issue(ORACLE_LINES[i % 4], priority=groups[i % 5])
        clock.advance(seconds=17)
    for i in range(0, 120, 7):
        ticket = engine.state.waiting()[i % 40]
        target = {"window": "W3"} if i % 2 else {"staff": "li"}
        engine.transfer(ticket.id, **target, placement="first" if i % 3 else None)
    for window in ("W1", "W3", "W4"):
        called = engine.call_next(window)
        engine.start(called.id)
        clock.advance(minutes=3)
        engine.finish(called.id)
    engine.call_next("W1")
    assert _check_every_waiting_ticket(engine) > 100
    last = engine.state.waiting()[-1]
    assert engine.position(last.id).ahead > 50


def test_queue_order_walks_groups_in_order(engine: QueueEngine, clock: FixedClock) -> None:
    issued = []
    for group in (None, "elderly", None, None, "elderly", None):
        issued.append(engine.issue("A", priority=group))
        clock.advance(seconds=30)
    engine.cancel(issued[2].id)
    engine.transfer(issued[3].id, window="W3")
    engine.transfer(issued[5].id, line="B")
    engine.transfer(issued[0].id, line="B")
    engine.transfer(issued[0].id, line="A", placement="last")  # back, now last
    state = engine.state

    def order(queue: str | tuple[str, str]) -> dict[str | None, list[str]]:
        return {g: [rec.label for rec in walk] for g, walk in state.queue_order(queue).items()}

    a = order("A")
    assert a[None] == [issued[0].label]
    assert a["elderly"] == [issued[1].label, issued[4].label]
    assert order("B")[None] == [issued[5].label]
    assert order(("window", "W3"))[None] == [issued[3].label]
    assert order(("staff", "li")) == {}
    # The walks leave the state as it was: the engine calls the same, the walk repeats.
    assert order("A") == a
    assert engine.call_next("W1").id == issued[1].id
