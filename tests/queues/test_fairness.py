"""Properties of who gets called, checked directly on random arrival patterns."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.state import TicketStatus

from .conftest import START, make_hall, make_policy

# Each step: a ticket of a group arrives, or (None as the step) the window serves one.
steps = st.lists(
    st.one_of(st.just("serve"), st.sampled_from([None, None, "elderly", "military"])),
    min_size=1,
    max_size=60,
)


def _serve_all(engine: QueueEngine, clock: FixedClock, pattern: list) -> list:  # type: ignore[type-arg]
    """Tickets arrive in line C (served by W3 alone) and W3 serves; log each call."""
    log = []

    def serve() -> None:
        waiting = engine.state.waiting("C")
        ticket = engine.call_next("W3")
        log.append((ticket, waiting))
        engine.start(ticket.id)
        engine.finish(ticket.id)

    for step in pattern:
        clock.advance(minutes=1)
        if step == "serve":
            if engine.state.waiting("C"):
                serve()
        else:
            engine.issue("C", priority=step)
    while engine.state.waiting("C"):
        serve()
    return log


@settings(max_examples=60, deadline=None)
@given(pattern=steps, after=st.integers(1, 3))
def test_after_n_never_starves_normal_tickets(pattern: list, after: int) -> None:  # type: ignore[type-arg]
    clock = FixedClock(START)
    engine = QueueEngine(make_hall(), make_policy(anti_starvation_after=after), clock=clock)
    engine.open_window("W3")
    streak = 0
    for ticket, waiting in _serve_all(engine, clock, pattern):
        normals_waiting = any(t.group is None for t in waiting)
        same_group = [t for t in waiting if t.group == ticket.group]
        if ticket.group is None:
            streak = 0
        else:
            assert not (normals_waiting and streak >= after), "a normal ticket was starved"
            streak += 1
        # FIFO within the group: the called ticket arrived first among its group.
        assert ticket.order_at == min(t.order_at for t in same_group)
    assert all(t.status is TicketStatus.FINISHED for t in engine.state.tickets())


@settings(max_examples=60, deadline=None)
@given(pattern=steps)
def test_strict_priority_serves_groups_by_weight(pattern: list) -> None:  # type: ignore[type-arg]
    clock = FixedClock(START)
    policy = make_policy(anti_starvation="none")
    engine = QueueEngine(make_hall(), policy, clock=clock)
    engine.open_window("W3")
    for ticket, waiting in _serve_all(engine, clock, pattern):
        # Nothing of a higher weight was waiting when it was called, and it was the
        # first of its group.
        assert policy.weight(ticket.group) == max(policy.weight(t.group) for t in waiting)
        assert ticket.order_at == min(t.order_at for t in waiting if t.group == ticket.group)
    assert len(engine.state.tickets()) == sum(step != "serve" for step in pattern)
