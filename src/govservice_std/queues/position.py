"""Position and estimated wait of a waiting ticket, under the engine's own selection rule.

A visitor asks "how many before me, and how long?". The answer plays the queue forward
from now, without changing it:

* the windows that may call now (open, and staffed where the policy requires it) each
  come free when their current ticket is expected to end — its call time plus the
  window's service time — or now, if they are idle;
* the first window to come free calls the ticket the engine would call there (the same
  ranking as :meth:`QueueState.select <govservice_std.queues.state.QueueState.select>`:
  priority weights, ageing or the ``after_n`` streak, the window's line order, tickets
  transferred to it or to the person signed in at it), then is busy for its service
  time, and so on until the ticket asked about is called;
* ``ahead`` counts the tickets called before it that the windows able to call it could
  have called too (a ticket of a line only other windows serve is not in its way), and
  the estimated wait is the time until its call.

A window's service time is its live rate: the mean time from call to finish of the twenty
latest issued tickets it finished that day; a window that finished none yet takes the hall's mean
that day, and with no finished ticket at all the policy's ``default_service_minutes``.
Arrivals after now are not foreseen, so a priority visitor arriving later can still pass
a normal ticket: the estimate is for the queue as it stands. The test suite drives a
simulated day (arrivals and service times drawn by the staffing simulator) through the
engine and compares each estimate with the wait that followed (see the queue docs for the
figure).

The play never looks past the head of a queue. Within one queue (a line's priority group,
or the tickets of one group directed to a window or a person) the earliest ticket outranks
every later one under each selection rule: the group's weight is the same, under
``ageing`` the earlier ticket has waited at least as long, and ``after_n`` takes the best
normal ticket, again a head. So each step compares only the heads of the queues the
window may call, walked in the state's own queue order
(:meth:`~govservice_std.queues.state.QueueState.queue_order`). One position costs a copy
of those queues, each window's last twenty service times (kept by the state as tickets
finish: :meth:`~govservice_std.queues.state.QueueState.service_times`), and, per ticket
called before it, a comparison of one window's heads and a logarithmic step — not a scan
of every waiting ticket at every step. With 10,000 tickets waiting, the last of them takes
about 10 ms and a ticket near the front well under one (see ``benchmarks/bench_position.py``).
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from govservice_std.queues.engine import QueueEngine
    from govservice_std.queues.state import LiveTicket, QueueState, SelectionRule

__all__ = ["Position", "position"]

_RECENT = 20


@attrs.frozen
class Position:
    """Where a waiting ticket stands.

    Attributes:
        ticket: The ticket's id.
        label: Its display number.
        line: Its line.
        ahead: Tickets expected to be called before it.
        estimated_wait_minutes: Minutes until it is expected to be called; ``None`` if no
            window that may call it is open (and staffed where required).
        windows: The windows that may call it now.
    """

    ticket: str
    label: str
    line: str
    ahead: int
    estimated_wait_minutes: float | None
    windows: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The position as JSON-ready data."""
        wait = self.estimated_wait_minutes
        return {
            "ticket": self.label,
            "id": self.ticket,
            "line": self.line,
            "ahead": self.ahead,
            "estimated_wait_minutes": None if wait is None else round(wait, 1),
            "windows": list(self.windows),
        }


# A queue: a line (its tickets directed nowhere), or ("window", code) / ("staff", id).
_QueueKey = str | tuple[str, str]


def _queue_of(rec: LiveTicket) -> _QueueKey:
    """The queue a waiting ticket is in (as the state files it)."""
    if rec.for_window is not None:
        return ("window", rec.for_window)
    if rec.for_staff is not None:
        return ("staff", rec.for_staff)
    return rec.line


class _Group:
    """One priority group of one queue, walked in queue order: its head is the next to go."""

    __slots__ = ("head", "in_the_way", "normal", "rest", "weight")

    def __init__(self, group: str | None, walk: Iterator[LiveTicket], weight: int) -> None:
        self.rest = walk
        self.head = next(walk, None)
        self.weight = weight
        self.normal = group is None
        self.in_the_way = False  # whether a window able to call the ticket asked about serves it


class _Window:
    __slots__ = ("code", "free_at", "groups", "queues", "service", "streak")

    def __init__(  # noqa: PLR0917 - a private record
        self,
        code: str,
        queues: tuple[_QueueKey, ...],
        groups: list[tuple[int, _Group]],
        streak: int,
        free_at: float,
        service: float,
    ) -> None:
        self.code = code
        self.queues = queues  # the queues it may call from
        self.groups = groups  # (rank, group) of each: the line's place, 0 if directed
        self.streak = streak
        self.free_at = free_at
        self.service = service


def _service_seconds(
    state: QueueState, day: dt.date, default: float
) -> tuple[dict[str, float], float]:
    """Each window's mean service time that day (twenty latest finished), and the hall's."""
    recent = state.service_times(day, _RECENT)
    means = {w: sum(v) / len(v) for w, v in recent.items() if v}
    pooled = [x for v in recent.values() for x in v]
    hall = sum(pooled) / len(pooled) if pooled else default
    return means, hall


class _Queues:
    """The queues' groups, each walked once however many windows call from it."""

    def __init__(self, state: QueueState, weights: dict[str, int]) -> None:
        self._state = state
        self._weights = weights
        self._found: dict[_QueueKey, list[_Group]] = {}

    def groups(self, key: _QueueKey) -> list[_Group]:
        found = self._found.get(key)
        if found is None:
            weights = self._weights
            found = self._found[key] = [
                _Group(group, walk, 0 if group is None else weights.get(group, 1))
                for group, walk in self._state.queue_order(key).items()
            ]
        return found


def _ready_windows(
    engine: QueueEngine, queues: _Queues, day: dt.date, now: dt.datetime
) -> list[_Window]:
    """The windows that may call now (open, staffed where required), in the hall's order.

    Their service times are their means on ``day``.
    """
    state = engine.state
    now_ts = now.timestamp()
    means, hall_mean = _service_seconds(state, day, engine.policy.default_service_minutes * 60.0)
    windows: list[_Window] = []
    for hall_window in engine.hall.windows:
        code = hall_window.code
        snap = state.window(code)
        if not snap.open or not engine.staffed(code):
            continue
        service = means.get(code, hall_mean)
        free_at = now_ts
        if snap.ticket is not None:
            began = state.record(snap.ticket).called_at or now
            free_at = max(now_ts, began.timestamp() + service)
        sources: list[tuple[int, _QueueKey]] = list(enumerate(engine.window_lines(code)))
        sources.append((0, ("window", code)))
        if snap.staff is not None:
            sources.append((0, ("staff", snap.staff)))
        groups = [(rank, group) for rank, key in sources for group in queues.groups(key)]
        keys = tuple(key for _, key in sources)
        windows.append(_Window(code, keys, groups, snap.priority_streak, free_at, service))
    return windows


def position(engine: QueueEngine, ticket_id: str, now: dt.datetime) -> Position:
    """Work out where a waiting ticket stands (see the module's description).

    Args:
        engine: The hall's engine (its state, policy and windows).
        ticket_id: The ticket's id; it must be waiting.
        now: The moment asked about.
    """
    state = engine.state
    rule = engine.selection_rule
    weights = rule.weights
    target = state.record(ticket_id)
    now_ts = now.timestamp()

    windows = _ready_windows(engine, _Queues(state, weights), target.day, now)
    mine = _queue_of(target)
    reach = [w for w in windows if mine in w.queues]
    reachable = tuple(w.code for w in reach)
    if not reachable:
        return Position(
            ticket=target.id,
            label=target.label,
            line=target.line,
            ahead=_ahead_in_queue(state, target, weights),
            estimated_wait_minutes=None,
            windows=(),
        )

    # The tickets in this one's way: those a window able to call it may call.
    for w in reach:
        for _, served in w.groups:
            served.in_the_way = True
    ahead = 0
    # The windows by when they come free (then code): the first free calls next.
    free = [(w.free_at, w.code, i, w) for i, w in enumerate(windows)]
    heapq.heapify(free)
    while free:
        index, window = free[0][2:]
        group = _select(window, rule)
        if group is None:
            heapq.heappop(free)  # nothing it may call is left: it calls no more
            continue
        chosen = group.head
        assert chosen is not None  # noqa: S101 - _select picks a group with a head
        if chosen is target:
            wait = max(0.0, window.free_at - now_ts) / 60.0
            return Position(
                ticket=target.id,
                label=target.label,
                line=target.line,
                ahead=ahead,
                estimated_wait_minutes=wait,
                windows=reachable,
            )
        group.head = next(group.rest, None)
        if group.in_the_way:
            ahead += 1  # a ticket the windows serving this one could have called
        window.streak = 0 if group.normal else window.streak + 1
        window.free_at += window.service
        heapq.heapreplace(free, (window.free_at, window.code, index, window))
    return Position(  # pragma: no cover - a reachable window always gets to it
        ticket=target.id,
        label=target.label,
        line=target.line,
        ahead=ahead,
        estimated_wait_minutes=None,
        windows=reachable,
    )


def _select(window: _Window, rule: SelectionRule) -> _Group | None:
    """The group whose head ``window`` calls when it comes free (:meth:`QueueState.select`).

    Within a group the head outranks every later ticket under each rule, so comparing
    the heads of the window's groups is comparing all its tickets.
    """
    ages = rule.rule == "ageing"
    ageing = rule.ageing_seconds
    at = window.free_at
    best: tuple[float, int, float, int] | None = None
    best_group: _Group | None = None
    best_normal: tuple[float, int, float, int] | None = None
    normal_group: _Group | None = None
    for rank, group in window.groups:
        head = group.head
        if head is None:
            continue
        order_ts = head.order_ts
        weight: float = group.weight
        if ages:
            weight += math.floor(max(0.0, at - order_ts) / ageing)
        key = (-weight, rank, order_ts, head.ordinal)
        if best is None or key < best:
            best, best_group = key, group
        if group.normal and (best_normal is None or key < best_normal):
            best_normal, normal_group = key, group
    if rule.rule == "after_n" and normal_group is not None and window.streak >= rule.after:
        return normal_group
    return best_group


def _ahead_in_queue(state: QueueState, target: LiveTicket, weights: dict[str, int]) -> int:
    """Tickets before ``target`` in its own queue, when no window may call it now."""

    def weight(group: str | None) -> int:
        return 0 if group is None else weights.get(group, 1)

    mine_weight = weight(target.group)
    mine = (target.order_ts, target.ordinal)
    same = (target.line, target.for_window, target.for_staff)
    count = 0
    for group, walk in state.queue_order(_queue_of(target)).items():
        heavier = weight(group) > mine_weight
        if not heavier and weight(group) < mine_weight:
            continue  # all of it comes after
        for rec in walk:
            if not heavier and (rec.order_ts, rec.ordinal) >= mine:
                break  # the rest of this group comes after
            if (rec.line, rec.for_window, rec.for_staff) == same:
                count += 1
    return count
