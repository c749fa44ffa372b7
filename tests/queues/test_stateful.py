"""Random command sequences against the engine, with the invariants checked after each step.

The same commands run on an in-memory engine and on a durable one (SQLite, and PostgreSQL
when a test server is available); both must agree on every result and every state, and
reopening the database (a replay) must give the in-memory state again. Before each call,
an independent brute-force model predicts which ticket the window must get: priority, the
window's line order, FIFO within a group, and the anti-starvation rule.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from typing import Any

import attrs
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from govservice_std.errors import IllegalCommandError
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import ServiceFinished, TicketIssued, event_day
from govservice_std.queues.policy import AntiStarvationRule, QueuePolicy
from govservice_std.queues.state import Ticket, TicketStatus

from .conftest import START, Backend, make_hall, make_policy

HALL = make_hall()
WINDOWS = ("W1", "W2", "W3")
LINES = ("A", "B", "C")
GROUPS = (None, None, "elderly", "military")
OUTCOMES = ("completed", "nonsense")
STAFF = ("li", "wang", "zhao", " ")
PLACEMENTS = (None, "first", "last", "arrival")
# Booking capacity by slot, as a locality's staffing profile gives it.
SLOT_PLAN = {"A": {dt.time(9, 30): 2, dt.time(10, 0): 1}, "C": {dt.time(9, 15): 1}}
SLOT_TIMES = ((9, 30), (10, 0), (9, 15), (9, 45))


def expected_next(engine: QueueEngine, window: str) -> str | None:
    """The ticket the policy says ``window`` must call now (brute force over snapshots)."""
    policy: QueuePolicy = engine.policy
    lines = HALL.window(window).lines
    now = engine.now()
    if engine.state.day_over(now):
        return None  # the command closes the day first: nothing of it is left waiting
    order = {t.id: i for i, t in enumerate(engine.state.tickets())}
    staff = engine.state.window(window).staff

    def rank(t: Ticket) -> int | None:
        if t.for_window is not None or t.for_staff is not None:
            directed = t.for_window == window or (t.for_staff is not None and t.for_staff == staff)
            return 0 if directed else None
        return lines.index(t.line) if t.line in lines else None

    waiting = [t for t in engine.state.waiting() if rank(t) is not None]
    if not waiting:
        return None

    def weight(t: Ticket) -> float:
        w = float(policy.weight(t.group))
        if policy.anti_starvation is AntiStarvationRule.AGEING:
            waited = max(0.0, (now - t.order_at).total_seconds())
            w += math.floor(waited / (policy.ageing_minutes * 60))
        return w

    def key(t: Ticket) -> tuple[float, int, float, int]:
        return (-weight(t), rank(t) or 0, t.order_at.timestamp(), order[t.id])

    streak = engine.state.window(window).priority_streak
    normals = [t for t in waiting if t.group is None]
    if (
        policy.anti_starvation is AntiStarvationRule.AFTER_N
        and normals
        and streak >= policy.anti_starvation_after
    ):
        return min(normals, key=key).id
    return min(waiting, key=key).id


class QueueMachine(RuleBasedStateMachine):
    backend: Backend  # set by the test that runs the machine

    def __init__(self) -> None:
        super().__init__()
        self.backend.reset()
        self.clock = FixedClock(START)
        self.appointments = 0

    @initialize(
        rule=st.sampled_from(list(AntiStarvationRule)),
        after=st.integers(1, 3),
        no_show_calls=st.integers(1, 2),
        keeps_place=st.booleans(),
        staff_required=st.booleans(),
        cap=st.sampled_from([None, 2, 5]),
    )
    def setup(
        self,
        rule: AntiStarvationRule,
        after: int,
        no_show_calls: int,
        keeps_place: bool,
        staff_required: bool,
        cap: int | None,
    ) -> None:
        self.policy = make_policy(
            anti_starvation=rule,
            anti_starvation_after=after,
            ageing_minutes=5.0,
            no_show_after_calls=no_show_calls,
            reactivation_keeps_place=keeps_place,
            max_reactivations=2,
            staff_required=staff_required,
        )
        if cap is not None:
            lines = [attrs.evolve(self.policy.lines[0], daily_cap=cap), *self.policy.lines[1:]]
            self.policy = attrs.evolve(self.policy, lines=lines)
        self.mem = QueueEngine(HALL, self.policy, clock=self.clock, slot_plan=SLOT_PLAN)
        # Two terminals on one database (a kiosk and a window, say): commands go to either,
        # so each often decides on a state the other has moved on from.
        self.sql = self._open_sql()
        self.other = self._open_sql()
        self.turn = 0
        for window in WINDOWS:
            self.both("open_window", window)

    def _open_sql(self) -> QueueEngine:
        store = self.backend.open(HALL.code, locality="441324")
        return QueueEngine(HALL, self.policy, store=store, clock=self.clock, slot_plan=SLOT_PLAN)

    def teardown(self) -> None:
        if hasattr(self, "sql"):
            self.sql.store.close()
            self.other.store.close()

    def both(self, name: str, *args: Any, **kwargs: Any) -> Any:
        results: list[tuple[str, Any]] = []
        self.turn += 1
        terminal = self.sql if self.turn % 3 else self.other
        for engine in (self.mem, terminal):
            try:
                results.append(("ok", getattr(engine, name)(*args, **kwargs)))
            except IllegalCommandError as exc:
                results.append(("refused", str(exc)))
        assert results[0] == results[1], results
        event(f"{name} {results[0][0]}")
        return results[0]

    def pick(self, index: int) -> str:
        tickets = self.mem.state.tickets()
        return tickets[index % len(tickets)].id if tickets else "A001"

    # -- rules -----------------------------------------------------------------------

    @rule(line=st.sampled_from(LINES), group=st.sampled_from(GROUPS))
    def issue(self, line: str, group: str | None) -> None:
        status, ticket = self.both("issue", line, priority=group)
        if status == "ok":
            assert ticket.status is TicketStatus.WAITING
        else:
            assert "daily cap" in ticket

    @rule(line=st.sampled_from(LINES), offset=st.integers(-60, 60))
    def check_in(self, line: str, offset: int) -> None:
        self.appointments += 1
        slot = self.clock.now + dt.timedelta(minutes=offset)
        self.both("check_in", f"P{self.appointments}", line=line, slot=slot)

    @rule(window=st.sampled_from(WINDOWS))
    def call_next(self, window: str) -> None:
        expected = expected_next(self.mem, window)
        status, result = self.both("call_next", window)
        if status == "ok":
            assert result.id == expected
            assert result.status is TicketStatus.CALLED
        else:
            win = self.mem.state.window(window)
            busy = not win.open or win.ticket is not None or not self.mem.staffed(window)
            assert expected is None or busy, result

    @rule(
        window=st.sampled_from(WINDOWS),
        arrivals=st.lists(st.sampled_from(GROUPS), max_size=3),
    )
    def step_window(self, window: str, arrivals: list[str | None]) -> None:
        """Tickets arrive, and a window moves on the ordinary path: call, start, finish."""
        for group in arrivals:
            self.both("issue", HALL.window(window).lines[-1], priority=group)
        win = self.mem.state.window(window)
        if not win.open or win.ticket is None:
            self.call_next(window)
        elif self.mem.state.ticket(win.ticket).status is TicketStatus.CALLED:
            self.both("start", win.ticket)
        else:
            self.both("finish", win.ticket, "completed")

    @rule(window=st.sampled_from(WINDOWS), back=st.booleans())
    def skip_no_show(self, window: str, back: bool) -> None:
        """Recall the window's called ticket until it may be a no-show; maybe bring it back."""
        ticket = self.mem.state.window(window).ticket
        if ticket is None or self.mem.state.ticket(ticket).status is not TicketStatus.CALLED:
            return
        if self.mem.state.day_over(self.clock.now):
            return  # the next command closes the day, and the ticket with it
        while self.mem.state.ticket(ticket).calls < self.policy.no_show_after_calls:
            self.both("recall", window)
        assert self.both("no_show", ticket)[0] == "ok"
        if back:
            assert (
                self.both("reactivate", ticket)[0] == "ok"
                or self.mem.state.ticket(ticket).reactivations >= self.policy.max_reactivations
            )

    @rule(window=st.sampled_from(WINDOWS))
    def recall(self, window: str) -> None:
        self.both("recall", window)

    @rule(window=st.sampled_from(WINDOWS))
    def start_at_window(self, window: str) -> None:
        self.both("start", self.mem.state.window(window).ticket or "A001")

    @rule(window=st.sampled_from(WINDOWS))
    def no_show_at_window(self, window: str) -> None:
        self.both("no_show", self.mem.state.window(window).ticket or "A001")

    @rule(index=st.integers(0, 60))
    def start(self, index: int) -> None:
        self.both("start", self.pick(index))

    @rule(window=st.sampled_from(WINDOWS), outcome=st.sampled_from(OUTCOMES))
    def finish_at_window(self, window: str, outcome: str) -> None:
        ticket = self.mem.state.window(window).ticket
        self.both("finish", ticket or "A001", outcome)

    @rule(index=st.integers(0, 60), outcome=st.sampled_from(OUTCOMES))
    def finish(self, index: int, outcome: str) -> None:
        self.both("finish", self.pick(index), outcome)

    @rule(index=st.integers(0, 60))
    def no_show(self, index: int) -> None:
        self.both("no_show", self.pick(index))

    @rule(index=st.integers(0, 60))
    def reactivate(self, index: int) -> None:
        self.both("reactivate", self.pick(index))

    @rule(index=st.integers(0, 60), line=st.sampled_from(LINES))
    def transfer(self, index: int, line: str) -> None:
        ref = self.pick(index)
        before = self.mem.state.ticket(ref) if self.mem.state.resolve(ref) else None
        status, result = self.both("transfer", ref, line)
        if status == "ok":
            assert before is not None
            assert result.order_at == before.order_at  # keeps its original arrival
            assert result.arrival == before.arrival

    @rule(index=st.integers(0, 60))
    def cancel(self, index: int) -> None:
        self.both("cancel", self.pick(index))

    @rule(window=st.sampled_from(WINDOWS), staff=st.sampled_from(STAFF))
    def sign_in(self, window: str, staff: str) -> None:
        self.both("sign_in", window, staff)

    @rule(window=st.sampled_from(WINDOWS))
    def sign_out(self, window: str) -> None:
        self.both("sign_out", window)

    @rule(window=st.sampled_from(WINDOWS), index=st.integers(0, 60), any_ticket=st.booleans())
    def call_ticket(self, window: str, index: int, any_ticket: bool) -> None:
        waiting = self.mem.state.waiting()
        ref = waiting[index % len(waiting)].id if waiting and not any_ticket else self.pick(index)
        status, result = self.both("call_ticket", window, ref, reason="chosen")
        if status == "ok":
            assert result.window == window
            assert result.chosen_reason == "chosen"

    @rule(
        index=st.integers(0, 60),
        window=st.sampled_from((None, *WINDOWS)),
        staff=st.sampled_from(STAFF[:3]),
        placement=st.sampled_from(PLACEMENTS),
    )
    def transfer_to(
        self, index: int, window: str | None, staff: str, placement: str | None
    ) -> None:
        """Transfer to a window, or (without one) to a person."""
        ref = self.pick(index)
        if window is not None:
            self.both("transfer", ref, window=window, placement=placement)
        else:
            self.both("transfer", ref, staff=staff, placement=placement)

    @rule(index=st.integers(0, 60), window=st.sampled_from((None, *WINDOWS)))
    def park(self, index: int, window: str | None) -> None:
        current = self.mem.state.window(window).ticket if window else None
        self.both("park", current or self.pick(index))

    @rule(window=st.sampled_from(WINDOWS), staff=st.sampled_from(STAFF[:3]))
    def counter_round(self, window: str, staff: str) -> None:
        """A window's front-desk round: sign in, call, park, resume, finish, sign out."""
        self.both("sign_in", window, staff)
        self.both("open_window", window)
        lines = HALL.window(window).lines
        self.both("issue", lines[0])
        if self.mem.state.window(window).ticket is None:
            mine = [t for t in self.mem.state.waiting() if t.line in lines and not t.for_staff]
            if mine:  # the newest, out of turn
                self.both("call_ticket", window, mine[-1].id, reason="chosen")
            else:
                self.call_next(window)
        ticket = self.mem.state.window(window).ticket
        if ticket is not None:
            self.both("park", ticket)
            self.both("resume", ticket)
            self.both("start", ticket)
            self.both("finish", ticket, "completed")
        self.both("sign_out", window)

    @rule(index=st.integers(0, 60), parked=st.booleans())
    def resume(self, index: int, parked: bool) -> None:
        waiting = [t for t in self.mem.state.tickets() if t.status is TicketStatus.PARKED]
        ref = waiting[index % len(waiting)].id if waiting and parked else self.pick(index)
        status, result = self.both("resume", ref)
        if status == "ok":
            assert result.status is TicketStatus.CALLED

    @rule(line=st.sampled_from(LINES), slot=st.sampled_from(SLOT_TIMES), days=st.integers(0, 1))
    def book(self, line: str, slot: tuple[int, int], days: int) -> None:
        day = self.clock.now.date() + dt.timedelta(days=days)
        at = dt.datetime.combine(day, dt.time(*slot), self.clock.now.tzinfo)
        self.both("book", line, at)

    def pick_booking(self, index: int) -> str:
        bookings = self.mem.state.bookings()
        return bookings[index % len(bookings)].ref if bookings else "YY00001"

    @rule(index=st.integers(0, 20))
    def cancel_booking(self, index: int) -> None:
        self.both("cancel_booking", self.pick_booking(index))

    @rule(index=st.integers(0, 20), slot=st.sampled_from(SLOT_TIMES))
    def reschedule(self, index: int, slot: tuple[int, int]) -> None:
        at = dt.datetime.combine(self.clock.now.date(), dt.time(*slot), self.clock.now.tzinfo)
        self.both("reschedule", self.pick_booking(index), at)

    @rule(index=st.integers(0, 20))
    def check_in_booking(self, index: int) -> None:
        self.both("check_in", self.pick_booking(index))

    @rule()
    def send_reminders(self) -> None:
        self.both("send_reminders")

    @rule(index=st.integers(0, 60))
    def position(self, index: int) -> None:
        """Position is a query: both terminals give the same answer; nothing changes."""
        ref = self.pick(index)
        before = self.mem.last_seq
        status, result = self.both("position", ref)
        assert self.mem.last_seq == before
        if status == "ok":
            assert result.ahead >= 0
            waiting = [t for t in self.mem.state.waiting() if t.id != result.ticket]
            assert result.ahead <= len(waiting)

    @rule(window=st.sampled_from(WINDOWS))
    def open_window(self, window: str) -> None:
        self.both("open_window", window)

    @rule(window=st.sampled_from(WINDOWS))
    def close_window(self, window: str) -> None:
        self.both("close_window", window)

    @rule(minutes=st.integers(0, 20))
    def wait(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)

    @rule()
    def next_day(self) -> None:
        self.clock.advance(days=1)

    @rule()
    def reopen(self) -> None:
        """Close and reopen the database: replay must give the in-memory state."""
        self.sql.store.close()
        self.sql = self._open_sql()

    # -- invariants ------------------------------------------------------------------

    @invariant()
    def same_state_everywhere(self) -> None:
        if not hasattr(self, "sql"):
            return
        for terminal in (self.sql, self.other):
            terminal.refresh()
            assert self.mem.state.tickets() == terminal.state.tickets()
            assert self.mem.state.windows() == terminal.state.windows()
            assert self.mem.state.bookings() == terminal.state.bookings()

    @invariant()
    def nothing_lost_or_doubled(self) -> None:
        if not hasattr(self, "mem"):
            return
        closed = self.mem.state.closed_through or dt.date.min
        # The live state holds the days not closed yet; closed days are history.
        events = [e for _, e in self.mem.events() if event_day(e) > closed]
        issued = [e for e in events if isinstance(e, TicketIssued)]
        tickets = self.mem.state.tickets()
        assert [e.ticket for e in issued] == [t.id for t in tickets]
        numbers = Counter((t.original_line, t.day, t.number) for t in tickets)
        assert max(numbers.values(), default=1) == 1
        finished = Counter(e.ticket for e in events if isinstance(e, ServiceFinished))
        assert max(finished.values(), default=0) <= 1
        for t in tickets:
            assert (t.status is TicketStatus.FINISHED) == (finished[t.id] == 1)

    @invariant()
    def windows_and_tickets_agree(self) -> None:
        if not hasattr(self, "mem"):
            return
        at_window = {w.ticket: w.code for w in self.mem.state.windows() if w.ticket}
        # The counts and service times kept as events fold, in every terminal's state (folded
        # command by command, caught up from the store, or replayed when it reopens).
        states = [self.mem.state]
        if hasattr(self, "sql"):
            states += [self.sql.state, self.other.state]
        for state in states:
            waiting = Counter(t.line for t in state.waiting())
            assert state.waiting_counts() == waiting
            # The service times: those of the finished tickets, in issue order.
            for day in {t.day for t in state.tickets()}:
                served: dict[str, list[float]] = {}
                for t in state.tickets(day=day):
                    if t.status is TicketStatus.FINISHED and t.window and t.called_at:
                        assert t.finished_at is not None
                        served.setdefault(t.window, []).append(
                            (t.finished_at - t.called_at).total_seconds()
                        )
                assert state.service_times(day, 3) == {w: v[-3:] for w, v in served.items()}
        for t in self.mem.state.tickets():
            if t.status in (TicketStatus.CALLED, TicketStatus.SERVING):
                assert at_window.get(t.id) == t.window
                # By its line, unless it was transferred (to a window or a person).
                assert t.line in HALL.window(t.window or "").lines or t.transfers > 0
            else:
                assert t.id not in at_window

    @invariant()
    def staff_and_caps_hold(self) -> None:
        if not hasattr(self, "mem"):
            return
        staffed = [w.staff for w in self.mem.state.windows() if w.staff is not None]
        assert len(staffed) == len(set(staffed))  # one window per person
        for w in self.mem.state.windows():
            if w.staff is not None:
                assert self.mem.state.staff_window(w.staff) == w.code
        cap = self.policy.lines[0].daily_cap
        if cap is not None:
            walk_ins = Counter(
                t.day
                for t in self.mem.state.tickets()
                if t.original_line == "A" and not t.appointment
            )
            assert max(walk_ins.values(), default=0) <= cap
        for booking in self.mem.state.bookings():
            assert self.mem.state.booked(booking.line, booking.slot) <= SLOT_PLAN.get(
                booking.line, {}
            ).get(booking.slot.timetz().replace(tzinfo=None), 0)
        for t in self.mem.state.tickets():
            if t.status is TicketStatus.PARKED:
                assert t.for_window is not None
                assert t.window is None


def test_queue_machine(backend: Backend) -> None:
    # PostgreSQL runs fewer examples: each command is a few round trips to the server.
    examples = 150 if backend.name == "sqlite" else 25

    class Machine(QueueMachine):
        pass

    Machine.backend = backend
    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
