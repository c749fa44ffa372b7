"""The queue engine: commands checked against the state, turned into events.

A :class:`QueueEngine` runs one hall's queue. Each command — issue a ticket, call the next
one, start, finish, mark a no-show, reactivate, transfer, cancel, check in an appointment,
open or close a window — is validated against the current state; if it is legal it becomes
events that the store makes durable, and only then are they folded into the state and handed
to the integration plugins. An illegal command raises
:class:`~govservice_std.errors.IllegalCommandError` and changes nothing.

Time comes from an injectable clock, so tests and simulations control it.

>>> import datetime as dt
>>> from govservice_std.halls import Hall, Window
>>> from govservice_std.queues.policy import BusinessLine, QueuePolicy
>>> hall = Hall(code="441324116", name="龙潭镇便民服务中心", tier="town", division="441324116",
...             windows=[Window(code="A01", kind="comprehensive", lines=["A"])])
>>> policy = QueuePolicy(lines=[BusinessLine(id="A", name="综合业务")])
>>> clock = FixedClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ))
>>> engine = QueueEngine(hall, policy, clock=clock)
>>> engine.open_window("A01").open
True
>>> engine.issue("A").label
'A001'
>>> engine.call_next("A01").label
'A001'
>>> engine.finish("A001")
Traceback (most recent call last):
...
govservice_std.errors.IllegalCommandError: cannot finish: ticket A001 is called, not serving
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from heapq import heappop
from typing import TYPE_CHECKING

from govservice_std.divisions import DivisionCode
from govservice_std.errors import (
    DataProblem,
    IllegalCommandError,
    InvalidDataError,
    NoTicketWaitingError,
    QueueError,
    QueueStoreError,
)
from govservice_std.halls import Hall
from govservice_std.queues.events import (
    CHINA_TZ,
    DayClosed,
    Event,
    TicketCancelled,
    TicketIssued,
    TicketNoShow,
    TicketReactivated,
    TicketRecalled,
    TicketTransferred,
    WindowClosed,
    WindowOpened,
    _make_called,
    _make_finished,
    _make_issued,
    _make_started,
)
from govservice_std.queues.hooks import HookFailure, Notifier, PluginNotifier
from govservice_std.queues.policy import (
    AntiStarvationRule,
    LateAppointment,
    QueuePolicy,
    queue_policy,
)
from govservice_std.queues.state import QueueState, Ticket, TicketStatus, WindowState, _Rec
from govservice_std.queues.stores.base import (
    Checkpoint,
    DayRecord,
    Decide,
    EventStore,
    StoredEvent,
)
from govservice_std.queues.stores.memory import MemoryStore

if TYPE_CHECKING:
    from govservice_std.queues.kpis import QueueKpis
    from govservice_std.registry import Registry

__all__ = ["Clock", "FixedClock", "QueueEngine", "default_locality", "system_clock"]

Clock = Callable[[], dt.datetime]
"""A function returning the current time, timezone-aware."""


def system_clock() -> dt.datetime:
    """The current time in China Standard Time."""
    return dt.datetime.now(CHINA_TZ)


class FixedClock:
    """A clock that stands still until moved; for tests and simulations.

    >>> clock = FixedClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ))
    >>> clock.advance(minutes=5).time()
    datetime.time(9, 5)
    """

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the clock needs a timezone-aware start time")
        self.now = start

    def __call__(self) -> dt.datetime:
        """The clock's current time."""
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        """Move the clock forward by a :class:`datetime.timedelta` given as keywords."""
        step = dt.timedelta(**delta)
        if step < dt.timedelta(0):
            raise ValueError("a clock does not run backwards")
        self.now += step
        return self.now


def default_locality(hall: str) -> str:
    """The locality a hall belongs to by default: the county of its division code.

    >>> default_locality("441324116")
    '441324'

    Raises:
        QueueError: If the hall's code is not a division code (then name the locality).
    """
    try:
        return str(DivisionCode(hall).county)
    except ValueError:
        raise QueueError(
            f"hall code {hall!r} is not a division code; name the hall's locality",
            f"服务场所编码 {hall} 不是行政区划代码，请指明其所属地区",
        ) from None


_CALLED = (TicketStatus.CALLED,)
_SERVING = (TicketStatus.SERVING,)


class _DayOver(Exception):  # noqa: N818 - a signal, not an error
    """Raised inside a command's decision when its time is past the open service day."""


def _no_build(now: dt.datetime, *args: object) -> list[Event]:  # noqa: ARG001
    # The builder an engine holds between commands (one is set for each command).
    return []


def _check_setup(hall: Hall, policy: QueuePolicy) -> None:
    line_ids = {line.id for line in policy.lines}
    problems = [
        (f"windows[{index}].lines[{pos}]", line)
        for index, window in enumerate(hall.windows)
        for pos, line in enumerate(window.lines)
        if line not in line_ids
    ]
    if problems:
        known = ", ".join(sorted(line_ids))
        raise InvalidDataError(
            [
                DataProblem(path, f"no business line {line!r} in the queue policy ({known})")
                for path, line in problems
            ],
            source=f"hall {hall.code}",
        )


class QueueEngine:
    """One hall's queue.

    An engine is meant for one thread: give each thread or terminal its own engine on a
    shared store (several engines may share one :class:`MemoryStore`, or one SQLite file
    across processes); each command then decides on the latest state of the store.

    Args:
        hall: The hall; its windows and the lines each serves come from
            ``Window.lines``, in the order served.
        policy: The queue policy (usually :func:`~govservice_std.queues.policy.queue_policy`
            of the hall's locality).
        store: Where events are kept (default: a new :class:`MemoryStore`). Existing events
            are replayed first.
        clock: Where the time comes from (default:
            :func:`~govservice_std.queues.engine.system_clock`).
        notifier: Who hears about each event once it is durable (see
            :class:`~govservice_std.queues.hooks.PluginNotifier`).

    Raises:
        InvalidDataError: If a window serves a line the policy does not define.
        QueueStoreError: If the store belongs to another hall or its events do not fold.
    """

    def __init__(
        self,
        hall: Hall,
        policy: QueuePolicy,
        *,
        store: EventStore | None = None,
        clock: Clock | None = None,
        notifier: Notifier | None = None,
    ) -> None:

        _check_setup(hall, policy)
        self._hall = hall
        self._policy = policy
        self._store = store if store is not None else MemoryStore(hall.code)
        if self._store.hall != hall.code:
            raise QueueStoreError(f"the store holds hall {self._store.hall!r}, not {hall.code!r}")
        self._clock: Clock = clock or system_clock
        self._notifier = notifier
        self._state = QueueState()
        self._seq = 0
        self._failures: list[HookFailure] = []
        self._window_lines = {w.code: w.lines for w in hall.windows}
        self._weights = {g.id: g.weight for g in policy.priority_groups}
        self._lines = {line.id: line for line in policy.lines}
        self._outcomes = {o.id for o in policy.outcomes}
        self._groups = set(self._weights)
        self._day_stamp: tuple[dt.date | None, str] = (None, "")
        # The command in flight (see _run).
        self._build: Callable[..., list[Event]] = _no_build
        self._args: tuple[object, ...] = ()
        self._made: list[Event] = []
        self._decide: Decide = self._decide_on
        self._closing = False
        # Open from the latest checkpoint and the events after it; a checkpoint that is
        # missing, of another version or unreadable only means folding from the start.
        checkpoint = self._store.load_checkpoint()
        if checkpoint is not None:
            try:
                self._state = QueueState.restore(checkpoint.state)
                self._seq = checkpoint.seq
            except ValueError:
                self._state = QueueState()
                self._seq = 0
        self._catch_up(self._store.read(self._seq))

    @classmethod
    def for_hall(
        cls,
        registry: Registry,
        hall: str,
        *,
        locality: str | None = None,
        store: EventStore | None = None,
        clock: Clock | None = None,
        notify: bool = True,
    ) -> QueueEngine:
        """Build the engine of an installed hall, with its locality's policy and plugins.

        Args:
            registry: The registry.
            hall: The hall's code.
            locality: The locality whose chain declares the hall (default: the county of
                the hall's code).
            store: Where events are kept (default: in memory).
            clock: Where the time comes from.
            notify: Whether the registry's plugins hear about events.

        Raises:
            UnknownLocalityError: If the locality is not installed.
            QueueError: If the locality has no such hall, or ``locality`` is needed: the
                hall's code is not a division code.
        """
        code = locality or default_locality(hall)
        try:
            the_hall = registry.resolve(code).hall(hall)
        except KeyError:
            raise QueueError(
                f"locality {code} has no hall {hall!r}", f"地区 {code} 没有服务场所 {hall}"
            ) from None
        return cls(
            the_hall,
            queue_policy(registry, code),
            store=store,
            clock=clock,
            notifier=PluginNotifier(registry.host) if notify else None,
        )

    # -- properties --------------------------------------------------------------------

    @property
    def hall(self) -> Hall:
        """The hall."""
        return self._hall

    @property
    def policy(self) -> QueuePolicy:
        """The queue policy."""
        return self._policy

    @property
    def store(self) -> EventStore:
        """The event store."""
        return self._store

    @property
    def state(self) -> QueueState:
        """The current state (as of this engine's last command or :meth:`refresh`)."""
        return self._state

    @property
    def last_seq(self) -> int:
        """The sequence number of the last event folded into :attr:`state`."""
        return self._seq

    def now(self) -> dt.datetime:
        """The engine clock's current time."""
        moment = self._clock()
        if moment.tzinfo is None:
            raise ValueError("the queue clock must return timezone-aware times")
        return moment

    def take_failures(self) -> list[HookFailure]:
        """Integration failures since the last call (each names its plugin), then forget them."""
        failures, self._failures = self._failures, []
        return failures

    def refresh(self) -> None:
        """Fold the events other writers appended since this engine last looked."""
        self._catch_up(self._store.read(self._seq))

    def ticket(self, ref: str) -> Ticket:
        """The ticket ``ref`` names: its id, or its display number (the newest such ticket).

        Raises:
            IllegalCommandError: If there is no such ticket.
        """
        return self._state.ticket(self._ticket_id("look up", ref))

    def window(self, code: str) -> WindowState:
        """The state of a window of the hall.

        Raises:
            IllegalCommandError: If the hall has no such window.
        """
        self._window_code("look up", code)
        return self._state.window(code)

    def kpis(self, day: dt.date | None = None) -> QueueKpis:
        """The hall's live KPIs for a service day (default: today), with the policy's target.

        See :mod:`govservice_std.queues.kpis` for the definitions.
        """
        from govservice_std.queues.kpis import engine_kpis  # noqa: PLC0415

        return engine_kpis(self, day=day)

    def events(self) -> list[StoredEvent]:
        """Every event of the hall in the store, with its sequence number."""
        return self._store.read(0)

    # -- the command machinery ---------------------------------------------------------

    def _catch_up(self, pending: Sequence[StoredEvent]) -> None:
        apply = self._state.apply
        for seq, event in pending:
            apply(event)
            self._seq = seq

    def _run(self, build: Callable[..., list[Event]], *args: object) -> list[Event]:
        # ``build(now, *args)`` makes the command's events; the store calls the prebuilt
        # bound method ``self._decide``, so no closure is made per command.
        self._build = build
        self._args = args
        self._made = []
        try:
            last = self._store.execute(self._seq, self._decide)
        except _DayOver:
            self._close_open_day()
            self._build = build
            self._args = args
            self._made = []
            last = self._store.execute(self._seq, self._decide)
        made = self._made
        apply = self._state.apply
        for event in made:
            apply(event)
        self._seq = last
        if self._notifier is not None and made:
            self._failures.extend(self._notifier(self._hall, made, self._state))
        return made

    def _run_ticket(self, build: Callable[..., list[Event]], *args: object) -> Ticket:
        """:meth:`_run` a command whose one event names a ticket; that ticket's snapshot."""
        # _run's body again: one call less on every command's path.
        self._build = build
        self._args = args
        try:
            last = self._store.execute(self._seq, self._decide)
        except _DayOver:
            self._close_open_day()
            self._build = build
            self._args = args
            last = self._store.execute(self._seq, self._decide)
        made = self._made
        state = self._state
        apply = state.apply
        for event in made:
            apply(event)
        self._seq = last
        if self._notifier is not None and made:
            self._failures.extend(self._notifier(self._hall, made, state))
        return state._tickets[made[0].ticket].snapshot()  # type: ignore[union-attr]

    def _decide_on(self, pending: Sequence[StoredEvent]) -> Sequence[Event]:
        # May run twice (see EventStore.execute): replace, never add to, the result.
        if pending:
            self._catch_up(pending)
        now = self.now()
        if now >= self._state._day_end and not self._closing:
            # The first command of a new service day closes the day before (see
            # close_day); _run does it and runs this command again.
            raise _DayOver
        made = self._made = self._build(now, *self._args)
        return made

    def _ticket_id(self, command: str, ref: str) -> str:
        ticket_id = self._state.resolve(ref)
        if ticket_id is None:
            raise IllegalCommandError(command, f"no ticket {ref!r}", f"没有 {ref} 号")
        return ticket_id

    def _rec(self, command: str, ref: str, allowed: tuple[TicketStatus, ...] = ()) -> _Rec:
        tickets = self._state._tickets
        rec = tickets.get(ref)  # most commands name the ticket by its id
        if rec is None:
            rec = tickets[self._ticket_id(command, ref)]
        if allowed and rec.status not in allowed:
            wanted = " or ".join(s.value for s in allowed)
            wanted_zh = "或".join(s.label_zh for s in allowed)
            raise IllegalCommandError(
                command,
                f"ticket {rec.label} is {rec.status.value}, not {wanted}",
                f"{rec.label} 号当前为“{rec.status.label_zh}”，不是“{wanted_zh}”",
            )
        return rec

    def _window_code(self, command: str, code: str) -> tuple[str, ...]:
        lines = self._window_lines.get(code)
        if lines is None:
            known = ", ".join(self._window_lines)
            raise IllegalCommandError(
                command,
                f"hall {self._hall.code} has no window {code!r} (windows: {known})",
                f"本厅没有 {code} 窗口（现有窗口：{known}）",
            )
        return lines

    def _check_line(self, command: str, line: str) -> None:
        if line not in self._lines:
            known = ", ".join(self._lines)
            raise IllegalCommandError(
                command,
                f"no business line {line!r} (lines: {known})",
                f"没有业务类别 {line}（现有：{known}）",
            )

    def _check_group(self, command: str, group: str | None) -> None:
        if group is not None and group not in self._groups:
            known = ", ".join(self._weights) or "none"
            raise IllegalCommandError(
                command,
                f"no priority group {group!r} (groups: {known})",
                f"没有优先群体 {group}（现有：{known}）",
            )

    def _snapshot(self, ticket_id: str) -> Ticket:
        return self._state._tickets[ticket_id].snapshot()

    # -- commands ----------------------------------------------------------------------

    def _new_ticket(
        self,
        now: dt.datetime,
        *,
        line_id: str,
        group: str | None,
        order_at: dt.datetime,
        appointment: str | None = None,
        slot: dt.datetime | None = None,
    ) -> TicketIssued:
        line = self._lines[line_id]
        day = now.astimezone(CHINA_TZ).date()
        number = self._state._counters.get((line_id, day if line.daily_reset else None), 0) + 1
        label = line.format_number(number)
        stamp = self._day_stamp
        if stamp[0] != day:
            stamp = self._day_stamp = (day, day.strftime("%Y%m%d"))
        return _make_issued(
            now, f"{stamp[1]}-{label}", label, line_id, number, day, order_at, group,
            appointment, slot,
        )  # fmt: skip

    def issue(self, line: str, *, priority: str | None = None) -> Ticket:
        """Issue a walk-in ticket (取号).

        Args:
            line: The business line.
            priority: The priority group, or ``None`` for the normal queue.

        Returns:
            The new ticket.

        Raises:
            IllegalCommandError: If the line or group is unknown.
        """
        if line not in self._lines:
            self._check_line("issue", line)
        if priority is not None and priority not in self._groups:
            self._check_group("issue", priority)

        return self._run_ticket(self._build_issue, line, priority)

    def _build_issue(self, now: dt.datetime, line: str, priority: str | None) -> list[Event]:
        return [self._new_ticket(now, line_id=line, group=priority, order_at=now)]

    def check_in(
        self,
        appointment: str,
        *,
        line: str,
        slot: dt.datetime,
        priority: str | None = None,
    ) -> Ticket:
        """Check in an appointment (预约签到): it joins the live queue at its slot.

        Within the grace window (from ``appointment_early_minutes`` before the slot to
        ``appointment_grace_minutes`` after it) the ticket is placed by its slot time, ahead
        of walk-ins who came after the slot. Later, it joins as a walk-in or is refused, as
        the policy's ``late_appointment`` says.

        Args:
            appointment: The appointment's reference (from the booking system).
            line: The business line booked.
            slot: The booked time (timezone-aware).
            priority: The priority group, if the visitor belongs to one.

        Raises:
            IllegalCommandError: If the appointment was already checked in, it is too early
                or refused as too late, or the line or group is unknown.
        """
        self._check_line("check in", line)
        self._check_group("check in", priority)
        if slot.tzinfo is None:
            raise IllegalCommandError("check in", "the slot needs a timezone", "预约时段缺少时区")
        policy = self._policy

        def build(now: dt.datetime) -> list[Event]:
            existing = self._state.appointment_ticket(appointment)
            if existing is not None:
                raise IllegalCommandError(
                    "check in",
                    f"appointment {appointment!r} is already ticket {existing}",
                    f"预约 {appointment} 已签到为 {existing} 号",
                )
            earliest = slot - dt.timedelta(minutes=policy.appointment_early_minutes)
            latest = slot + dt.timedelta(minutes=policy.appointment_grace_minutes)
            if now < earliest:
                raise IllegalCommandError(
                    "check in",
                    f"appointment {appointment!r} opens for check-in at "
                    f"{earliest.astimezone(CHINA_TZ):%H:%M}",
                    f"预约 {appointment} 须在 {earliest.astimezone(CHINA_TZ):%H:%M} 后签到",
                )
            order_at = slot
            if now > latest:
                if policy.late_appointment is LateAppointment.REFUSE:
                    raise IllegalCommandError(
                        "check in",
                        f"appointment {appointment!r} is past its grace window "
                        f"(until {latest.astimezone(CHINA_TZ):%H:%M})",
                        f"预约 {appointment} 已超过签到宽限时间"
                        f"（{latest.astimezone(CHINA_TZ):%H:%M} 前）",
                    )
                order_at = now
            return [
                self._new_ticket(
                    now,
                    line_id=line,
                    group=priority,
                    order_at=order_at,
                    appointment=appointment,
                    slot=slot,
                )
            ]

        event = self._run(build)[0]
        return self._snapshot(event.ticket)  # type: ignore[union-attr]

    def select_next(self, window: str, now: dt.datetime | None = None) -> Ticket | None:
        """The ticket :meth:`call_next` would call at ``window`` now, without calling it.

        Raises:
            IllegalCommandError: If the hall has no such window.
        """
        lines = self._window_code("select", window)
        ticket_id = self._select(
            lines, self._state.window(window).priority_streak, now or self.now()
        )
        return None if ticket_id is None else self._snapshot(ticket_id)

    def _select(self, lines: tuple[str, ...], streak: int, now: dt.datetime) -> str | None:
        """Pick the next ticket for a window serving ``lines`` (in that order).

        Rank: highest weight (with ageing, if the rule says so), then the window's line
        order, then queue order (``order_at``, then issue order). Under ``after_n``, once
        the window has called N priority tickets in a row, a waiting normal ticket goes
        first.
        """
        policy = self._policy
        weights = self._weights
        rule = policy.anti_starvation
        ageing = policy.ageing_minutes * 60.0
        ages = rule is AntiStarvationRule.AGEING
        now_ts = now.timestamp() if ages else 0.0
        best: tuple[float, int, float, int] | None = None
        best_id: str | None = None
        best_normal: tuple[float, int, float, int] | None = None
        best_normal_id: str | None = None
        queues = self._state._queues
        tickets = self._state._tickets
        waiting = TicketStatus.WAITING
        for rank, line in enumerate(lines):
            groups = queues.get(line)
            if not groups:
                continue
            for group, heap in groups.items():
                # The queue's head, as QueueState._head finds it (inlined: this loop runs
                # for every group of every line on each call).
                while heap:
                    order_ts, ordinal, version, ticket_id = heap[0]
                    rec = tickets[ticket_id]
                    if rec.version == version and rec.status is waiting:
                        break
                    heappop(heap)
                else:
                    continue
                weight: float = 0 if group is None else weights.get(group, 1)
                if ages:
                    weight += math.floor(max(0.0, now_ts - order_ts) / ageing)
                key = (-weight, rank, order_ts, ordinal)
                if best is None or key < best:
                    best, best_id = key, ticket_id
                if group is None and (best_normal is None or key < best_normal):
                    best_normal, best_normal_id = key, ticket_id
        if (
            rule is AntiStarvationRule.AFTER_N
            and best_normal_id is not None
            and streak >= policy.anti_starvation_after
        ):
            return best_normal_id
        return best_id

    def call_next(self, window: str) -> Ticket:
        """Call the next ticket to ``window`` (叫号).

        Raises:
            IllegalCommandError: If the window is unknown, closed, or still has a ticket.
            NoTicketWaitingError: If none of the window's lines has a ticket waiting.
        """
        lines = self._window_code("call next", window)
        if not lines:
            raise IllegalCommandError(
                "call next",
                f"window {window} serves no business line",
                f"{window} 窗口未配置业务类别",
            )

        return self._run_ticket(self._build_call, window, lines)

    def _build_call(self, now: dt.datetime, window: str, lines: tuple[str, ...]) -> list[Event]:
        win = self._state._windows.get(window)
        if win is None or not win.open:
            raise IllegalCommandError(
                "call next", f"window {window} is closed", f"{window} 窗口未开启"
            )
        if win.ticket is not None:
            current = self._state._tickets[win.ticket]
            raise IllegalCommandError(
                "call next",
                f"window {window} still has ticket {current.label} "
                f"({current.status.value}); finish it, mark it a no-show or transfer it",
                f"{window} 窗口的 {current.label} 号尚未处理完（{current.status.label_zh}），"
                "请先办结、标记过号或转办",
            )
        ticket_id = self._select(lines, win.streak, now)
        if ticket_id is None:
            raise NoTicketWaitingError(
                "call next",
                f"no ticket waiting for window {window} ({', '.join(lines)})",
                f"{window} 窗口（{'、'.join(lines)}）暂无等候",
            )
        return [_make_called(now, ticket_id, window)]

    def _current(self, command: str, window: str, *allowed: TicketStatus) -> _Rec:
        self._window_code(command, window)
        win = self._state._windows.get(window)
        if win is None or win.ticket is None:
            raise IllegalCommandError(
                command, f"window {window} has no ticket", f"{window} 窗口当前没有号"
            )
        return self._rec(command, win.ticket, allowed)

    def recall(self, window: str) -> Ticket:
        """Call the window's current ticket again (重呼).

        Raises:
            IllegalCommandError: If the window has no called ticket.
        """

        def build(now: dt.datetime) -> list[Event]:
            rec = self._current("recall", window, TicketStatus.CALLED)
            return [TicketRecalled(at=now, ticket=rec.id, window=window)]

        event = self._run(build)[0]
        return self._snapshot(event.ticket)  # type: ignore[union-attr]

    def _ticket_command(
        self,
        command: str,
        ref: str,
        allowed: tuple[TicketStatus, ...],
        make: Callable[[_Rec, dt.datetime], Event],
    ) -> Ticket:
        # Checked only inside the transaction: another terminal may have changed the
        # ticket since this engine last looked.
        return self._run_ticket(self._build_ticket, command, ref, allowed, make)

    def _build_ticket(
        self,
        now: dt.datetime,
        command: str,
        ref: str,
        allowed: tuple[TicketStatus, ...],
        make: Callable[[_Rec, dt.datetime], Event],
    ) -> list[Event]:
        return [make(self._rec(command, ref, allowed), now)]

    def start(self, ticket: str) -> Ticket:
        """The called visitor arrived: service starts at the window.

        Raises:
            IllegalCommandError: If the ticket is not called.
        """
        # The hot path of every lifecycle: its own builder, no closure (the status is
        # still checked inside the transaction, as for every ticket command).
        return self._run_ticket(self._build_start, ticket)

    def _build_start(self, now: dt.datetime, ref: str) -> list[Event]:
        rec = self._rec("start", ref, _CALLED)
        return [_make_started(now, rec.id, rec.window or "")]

    def finish(self, ticket: str, outcome: str = "completed") -> Ticket:
        """Finish service with an outcome code from the policy.

        Raises:
            IllegalCommandError: If the ticket is not being served or the outcome is unknown.
        """
        if outcome not in self._outcomes:
            known = ", ".join(o.id for o in self._policy.outcomes)
            raise IllegalCommandError(
                "finish",
                f"no outcome {outcome!r} (outcomes: {known})",
                f"没有办理结果 {outcome}（现有：{known}）",
            )
        return self._run_ticket(self._build_finish, ticket, outcome)

    def _build_finish(self, now: dt.datetime, ref: str, outcome: str) -> list[Event]:
        rec = self._rec("finish", ref, _SERVING)
        return [_make_finished(now, rec.id, rec.window or "", outcome)]

    def no_show(self, ticket: str) -> Ticket:
        """Mark a called ticket a no-show (过号), once it was called often enough.

        Raises:
            IllegalCommandError: If the ticket is not called, or was called fewer than the
                policy's ``no_show_after_calls`` times.
        """
        needed = self._policy.no_show_after_calls

        def make(rec: _Rec, now: dt.datetime) -> Event:
            if rec.calls < needed:
                raise IllegalCommandError(
                    "mark no-show",
                    f"ticket {rec.label} was called {rec.calls} of {needed} times; recall it",
                    f"{rec.label} 号仅呼叫 {rec.calls} 次（需 {needed} 次），请重呼",
                )
            return TicketNoShow(at=now, ticket=rec.id, window=rec.window or "")

        return self._ticket_command("mark no-show", ticket, (TicketStatus.CALLED,), make)

    def reactivate(self, ticket: str) -> Ticket:
        """Put a no-show ticket back in its queue, within the policy's time and count.

        Raises:
            IllegalCommandError: If the ticket is not a no-show, the time to reactivate has
                passed, or it was reactivated as often as allowed.
        """
        policy = self._policy

        def make(rec: _Rec, now: dt.datetime) -> Event:
            if rec.reactivations >= policy.max_reactivations:
                raise IllegalCommandError(
                    "reactivate",
                    f"ticket {rec.label} was already reactivated {rec.reactivations} times "
                    f"(at most {policy.max_reactivations})",
                    f"{rec.label} 号已恢复 {rec.reactivations} 次"
                    f"（最多 {policy.max_reactivations} 次）",
                )
            assert rec.no_show_at is not None  # noqa: S101 - a no-show has its time
            limit = rec.no_show_at + dt.timedelta(minutes=policy.reactivate_within_minutes)
            if now > limit:
                raise IllegalCommandError(
                    "reactivate",
                    f"ticket {rec.label} could be reactivated until "
                    f"{limit.astimezone(CHINA_TZ):%H:%M}",
                    f"{rec.label} 号的恢复期限为 {limit.astimezone(CHINA_TZ):%H:%M}，已过期",
                )
            order_at = rec.order_at if policy.reactivation_keeps_place else now
            return TicketReactivated(at=now, ticket=rec.id, order_at=order_at)

        return self._ticket_command("reactivate", ticket, (TicketStatus.NO_SHOW,), make)

    def transfer(self, ticket: str, line: str) -> Ticket:
        """Move a ticket to another line; it keeps its place by its original arrival.

        A ticket at a window (called or in service) frees the window.

        Raises:
            IllegalCommandError: If the ticket has ended, the line is unknown or the same.
        """
        self._check_line("transfer", line)

        def make(rec: _Rec, now: dt.datetime) -> Event:
            if rec.line == line:
                raise IllegalCommandError(
                    "transfer",
                    f"ticket {rec.label} is already in {line}",
                    f"{rec.label} 号已在业务类别 {line}",
                )
            at_window = rec.window if rec.status is not TicketStatus.WAITING else None
            return TicketTransferred(
                at=now, ticket=rec.id, from_line=rec.line, to_line=line, window=at_window
            )

        return self._ticket_command(
            "transfer",
            ticket,
            (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING),
            make,
        )

    def cancel(self, ticket: str) -> Ticket:
        """Withdraw a ticket that is waiting or called (the visitor left).

        Raises:
            IllegalCommandError: If the ticket is in service or has ended.
        """
        return self._ticket_command(
            "cancel",
            ticket,
            (TicketStatus.WAITING, TicketStatus.CALLED),
            lambda rec, now: TicketCancelled(
                at=now,
                ticket=rec.id,
                window=rec.window if rec.status is TicketStatus.CALLED else None,
            ),
        )

    def open_window(self, window: str) -> WindowState:
        """Open a window for calling.

        Raises:
            IllegalCommandError: If the window is unknown or already open.
        """
        self._window_code("open window", window)

        def build(now: dt.datetime) -> list[Event]:
            if self._state.window(window).open:
                raise IllegalCommandError(
                    "open window", f"window {window} is already open", f"{window} 窗口已开启"
                )
            return [WindowOpened(at=now, window=window)]

        self._run(build)
        return self._state.window(window)

    def close_window(self, window: str) -> WindowState:
        """Close a window; it must have no ticket called or in service.

        Raises:
            IllegalCommandError: If the window is unknown, closed, or busy.
        """
        self._window_code("close window", window)

        def build(now: dt.datetime) -> list[Event]:
            win = self._state.window(window)
            if not win.open:
                raise IllegalCommandError(
                    "close window", f"window {window} is not open", f"{window} 窗口未开启"
                )
            if win.ticket is not None:
                label = self._state._tickets[win.ticket].label
                raise IllegalCommandError(
                    "close window",
                    f"window {window} still has ticket {label}",
                    f"{window} 窗口还有 {label} 号未处理完",
                )
            return [WindowClosed(at=now, window=window)]

        self._run(build)
        return self._state.window(window)

    # -- the day close -----------------------------------------------------------------

    def close_day(self, day: dt.date | None = None) -> DayRecord | None:
        """Close a service day (日结): its open tickets end, and it becomes history.

        Tickets of the day (or earlier) still waiting, called or in service end with the
        policy's ``day_close_outcome`` (they count as cancelled), the day's KPI summary and
        ticket facts are stored, and a checkpoint of the state is written, so opening the
        store later reads the checkpoint and the events after it, never the whole record.
        The first command of a new day does this on its own for the day before.

        Args:
            day: The day to close (default: the open day).

        Returns:
            What was stored for the day, or ``None`` if there was nothing open to close.

        Raises:
            IllegalCommandError: If ``day`` has not begun yet.
        """
        made = self._run(self._build_close, day)
        if not made:
            return None
        return self._record_day(made[-1])  # type: ignore[arg-type]

    def _build_close(self, now: dt.datetime, day: dt.date | None) -> list[Event]:
        open_day = self._state._day
        today = now.astimezone(CHINA_TZ).date()
        if day is not None and day > today:
            raise IllegalCommandError(
                "close day",
                f"service day {day} has not begun (today is {today})",
                f"服务日 {day} 尚未开始（今天是 {today}）",
            )
        target = day if day is not None else open_day
        if target is None or open_day is None or open_day > target:
            return []
        return [DayClosed(at=now, day=target, outcome=self._policy.day_close_outcome)]

    def _close_open_day(self) -> None:
        self._closing = True
        try:
            made = self._run(self._build_close, None)
        finally:
            self._closing = False
        if made:
            self._record_day(made[-1])  # type: ignore[arg-type]

    def _record_day(self, closed: DayClosed) -> DayRecord:
        import json  # noqa: PLC0415

        from govservice_std.queues.history import day_end, day_facts  # noqa: PLC0415
        from govservice_std.queues.kpis import kpis_from_facts  # noqa: PLC0415

        facts = day_facts(self._store, closed.day)
        kpis = kpis_from_facts(
            facts,
            hall=self._hall.code,
            now=day_end(closed.day),
            day=closed.day,
            target_minutes=self._policy.target_minutes,
            target_share=self._policy.target_share,
        )
        record = DayRecord(
            closed.day,
            self._seq,
            json.dumps(kpis.to_dict(), ensure_ascii=False, sort_keys=True),
            facts,
        )
        self._store.save_checkpoint(Checkpoint(self._seq, self._state.snapshot()), record)
        return record
