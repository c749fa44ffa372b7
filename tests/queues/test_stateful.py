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


def expected_next(engine: QueueEngine, window: str) -> str | None:
    """The ticket the policy says ``window`` must call now (brute force over snapshots)."""
    policy: QueuePolicy = engine.policy
    lines = HALL.window(window).lines
    now = engine.now()
    if engine.state.day_over(now):
        return None  # the command closes the day first: nothing of it is left waiting
    order = {t.id: i for i, t in enumerate(engine.state.tickets())}
    waiting = [t for t in engine.state.waiting() if t.line in lines]
    if not waiting:
        return None

    def weight(t: Ticket) -> float:
        w = float(policy.weight(t.group))
        if policy.anti_starvation is AntiStarvationRule.AGEING:
            waited = max(0.0, (now - t.order_at).total_seconds())
            w += math.floor(waited / (policy.ageing_minutes * 60))
        return w

    def key(t: Ticket) -> tuple[float, int, float, int]:
        return (-weight(t), lines.index(t.line), t.order_at.timestamp(), order[t.id])

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
    )
    def setup(
        self, rule: AntiStarvationRule, after: int, no_show_calls: int, keeps_place: bool
    ) -> None:
        self.policy = make_policy(
            anti_starvation=rule,
            anti_starvation_after=after,
            ageing_minutes=5.0,
            no_show_after_calls=no_show_calls,
            reactivation_keeps_place=keeps_place,
            max_reactivations=2,
        )
        self.mem = QueueEngine(HALL, self.policy, clock=self.clock)
        # Two terminals on one database (a kiosk and a window, say): commands go to either,
        # so each often decides on a state the other has moved on from.
        self.sql = self._open_sql()
        self.other = self._open_sql()
        self.turn = 0
        for window in WINDOWS:
            self.both("open_window", window)

    def _open_sql(self) -> QueueEngine:
        store = self.backend.open(HALL.code, locality="441324")
        return QueueEngine(HALL, self.policy, store=store, clock=self.clock)

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
        assert status == "ok"
        assert ticket.status is TicketStatus.WAITING

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
            assert expected is None or not win.open or win.ticket is not None, result

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
        for t in self.mem.state.tickets():
            if t.status in (TicketStatus.CALLED, TicketStatus.SERVING):
                assert at_window.get(t.id) == t.window
                assert t.line in HALL.window(t.window or "").lines or t.transfers == 0
            else:
                assert t.id not in at_window


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
