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

A window's service time is its live rate: the mean time from call to finish of the last
twenty tickets it finished that day; a window that finished none yet takes the hall's mean
that day, and with no finished ticket at all the policy's ``default_service_minutes``.
Arrivals after now are not foreseen, so a priority visitor arriving later can still pass
a normal ticket: the estimate is for the queue as it stands. The test suite drives a
simulated day (arrivals and service times drawn by the staffing simulator) through the
engine and compares each estimate with the wait that followed (see the queue docs for the
figure).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

import attrs

from govservice_std.queues.state import Ticket, TicketStatus

if TYPE_CHECKING:
    from govservice_std.queues.engine import QueueEngine

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


class _Window:
    __slots__ = ("code", "free_at", "lines", "service", "staff", "streak")

    def __init__(  # noqa: PLR0917 - a private record
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


def _may_call(window: _Window, ticket: Ticket) -> int | None:
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


def position(engine: QueueEngine, ticket_id: str, now: dt.datetime) -> Position:
    """Work out where a waiting ticket stands (see the module's description).

    Args:
        engine: The hall's engine (its state, policy and windows).
        ticket_id: The ticket's id; it must be waiting.
        now: The moment asked about.
    """
    state = engine.state
    rule = engine.selection_rule
    target = state.ticket(ticket_id)
    day = target.day
    today = state.tickets(day=day)
    waiting = [t for t in state.tickets() if t.status is TicketStatus.WAITING]
    ordinal = {t.id: i for i, t in enumerate(waiting)}
    means, hall_mean = _service_seconds(today, engine.policy.default_service_minutes * 60.0)
    now_ts = now.timestamp()

    windows: list[_Window] = []
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
            _Window(code, engine.window_lines(code), snap.staff, snap.priority_streak, free_at,
                    service)
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
            ahead += 1  # a ticket the windows serving this one could have called
        window.streak = window.streak + 1 if chosen.group is not None else 0
        window.free_at += window.service
    return Position(  # pragma: no cover - a reachable window always gets to it
        ticket=target.id,
        label=target.label,
        line=target.line,
        ahead=ahead,
        estimated_wait_minutes=None,
        windows=reachable,
    )


def _select(
    window: _Window, pool: Any, ordinal: dict[str, int], rule: Any, at: float
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
