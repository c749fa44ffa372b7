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

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from govservice_std.divisions import DivisionCode
from govservice_std.errors import (
    DataProblem,
    IllegalCommandError,
    InvalidDataError,
    NoTicketWaitingError,
    QueueError,
    QueueStoreError,
)
from govservice_std.halls import Hall, Weekday, WindowKind
from govservice_std.queues.events import (
    CHINA_TZ,
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentReminded,
    AppointmentRescheduled,
    DayClosed,
    Event,
    StaffSignedIn,
    StaffSignedOut,
    TicketCancelled,
    TicketIssued,
    TicketNoShow,
    TicketParked,
    TicketReactivated,
    TicketRecalled,
    TicketResumed,
    TicketTransferred,
    WindowClosed,
    WindowOpened,
    _make_called,
    _make_finished,
    _make_issued,
    _make_started,
)
from govservice_std.queues.hooks import HookFailure, Notifier, PluginNotifier
from govservice_std.queues.kpis import FrontDeskKpis, QueueKpis, engine_kpis, front_desk_kpis
from govservice_std.queues.policy import (
    LateAppointment,
    QueuePolicy,
    TransferPlacement,
)
from govservice_std.queues.position import Position, position
from govservice_std.queues.state import (
    Booking,
    BookingStatus,
    LiveTicket,
    QueueState,
    SelectionRule,
    Ticket,
    TicketStatus,
    WindowState,
)
from govservice_std.queues.stores.base import (
    Checkpoint,
    DayRecord,
    Decide,
    EventStore,
    StoredEvent,
)
from govservice_std.queues.stores.memory import MemoryStore

if TYPE_CHECKING:
    from govservice_std.registry import ResolvedLocality

__all__ = [
    "Clock",
    "FixedClock",
    "QueueEngine",
    "Slot",
    "SlotPlan",
    "default_locality",
    "system_clock",
]

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
_AT_WINDOW = (TicketStatus.CALLED, TicketStatus.SERVING)
_MOVABLE = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.PARKED)
_TICK = dt.timedelta(microseconds=1)

SlotPlan = Mapping[str, Mapping[dt.time, int]]
"""Booking capacity by line: for each line id, the slot start times of a day and the
bookings each slot takes (from the locality's staffing profile: its booked visits)."""


@attrs.frozen
class Slot:
    """A booking slot of a line on a day.

    Attributes:
        line: The business line.
        start: When the slot starts.
        capacity: Bookings it takes.
        booked: Bookings it holds (not cancelled).
    """

    line: str
    start: dt.datetime
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        """Places left."""
        return max(0, self.capacity - self.booked)


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
        policy: The queue policy (usually ``resolved.queue_policy``
            of the hall's locality).
        store: Where events are kept (default: a new :class:`MemoryStore`). Existing events
            are replayed first.
        clock: Where the time comes from (default:
            :func:`~govservice_std.queues.engine.system_clock`).
        notifier: Who hears about each event once it is durable (see
            :class:`~govservice_std.queues.hooks.PluginNotifier`).
        slot_plan: Booking capacity by line and slot start, used when the policy sets no
            ``booking_capacity`` (:meth:`for_hall` takes it from the locality's staffing
            profile).

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
        slot_plan: SlotPlan | None = None,
    ) -> None:

        _check_setup(hall, policy)
        self._hall = hall
        self._policy = policy
        self._store = store if store is not None else MemoryStore(hall.code)
        if self._store.hall != hall.code:
            raise QueueStoreError(f"the store holds hall {self._store.hall!r}, not {hall.code!r}")
        self._clock: Clock = clock or system_clock
        self._notifier = notifier
        self._use_state(QueueState())
        self._seq = 0
        self._failures: list[HookFailure] = []
        # Inside batch(): the events the notifier hears of once the batch has committed.
        self._held: list[list[Event]] | None = None
        self._window_lines = {w.code: w.lines for w in hall.windows}
        self._weights = {g.id: g.weight for g in policy.priority_groups}
        self._lines = {line.id: line for line in policy.lines}
        self._outcomes = {o.id for o in policy.outcomes}
        self._groups = set(self._weights)
        self._caps = {line.id: line.daily_cap for line in policy.lines if line.daily_cap}
        self._kinds = {w.code: w.kind for w in hall.windows}
        self._own = {w.code: (("window", w.code),) for w in hall.windows}
        self._staff_ids = tuple(post.id for post in hall.staff)
        self._rule = SelectionRule(
            weights=self._weights,
            rule=policy.anti_starvation.value,
            after=policy.anti_starvation_after,
            ageing_seconds=policy.ageing_minutes * 60.0,
        )
        self._slot_plan: SlotPlan = slot_plan or {}
        self._hours_apply = policy.issue_within_hours and hall.hours is not None
        # The day whose opening periods (early issue included) were last worked out.
        self._hours: tuple[dt.date | None, tuple[tuple[dt.datetime, dt.datetime], ...]] = (
            None,
            (),
        )
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
                self._use_state(QueueState.restore(checkpoint.state))
                self._seq = checkpoint.seq
            except ValueError:
                self._use_state(QueueState())
                self._seq = 0
        self._catch_up(self._store.read(self._seq))

    @classmethod
    def for_hall(
        cls,
        resolved: ResolvedLocality,
        hall: str,
        *,
        store: EventStore | None = None,
        clock: Clock | None = None,
        notify: bool = True,
    ) -> QueueEngine:
        """Build the engine of an installed hall, with its locality's policy and plugins.

        Args:
            resolved: The locality whose chain declares the hall
                (``registry.resolve(code)``); its queue policy applies.
            hall: The hall's code.
            store: Where events are kept (default: in memory).
            clock: Where the time comes from.
            notify: Whether the registry's plugins hear about events.

        Raises:
            QueueError: If the locality has no such hall.
        """
        code = resolved.code
        try:
            the_hall = resolved.hall(hall)
        except KeyError:
            raise QueueError(
                f"locality {code} has no hall {hall!r}", f"地区 {code} 没有服务场所 {hall}"
            ) from None
        plan: dict[str, dict[dt.time, int]] = {}
        profile = resolved.staffing_profile
        for booked in profile.appointments if profile is not None else ():
            times = plan.setdefault(booked.line, {})
            times[booked.at] = times.get(booked.at, 0) + booked.count
        return cls(
            the_hall,
            resolved.queue_policy,
            store=store,
            clock=clock,
            notifier=PluginNotifier(resolved.host) if notify else None,
            slot_plan=plan,
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
    def selection_rule(self) -> SelectionRule:
        """What the engine ranks waiting tickets by (from the policy)."""
        return self._rule

    def window_lines(self, window: str) -> tuple[str, ...]:
        """The lines a window serves, in its order (empty for an unknown window)."""
        return self._window_lines.get(window, ())

    def staffed(self, window: str) -> bool:
        """Whether staff allows a window to call: someone is signed in, or none is needed."""
        if self._state.window(window).staff is not None or not self._policy.staff_required:
            return True
        return (
            self._policy.self_service_unstaffed
            and self._kinds.get(window) is WindowKind.SELF_SERVICE
        )

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

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Run the commands of the block as one group commit of the store.

        See :meth:`EventStore.batch <govservice_std.queues.stores.base.EventStore.batch>`.
        The notifier hears of the block's events only once the block has committed (each
        command's events in turn, with the state as it then is); if the block raises, it
        hears of none of them, as none was kept. A block inside a block is part of the
        outer one.
        """
        if self._held is not None:
            yield
            return
        held: list[list[Event]] = []
        self._held = held
        try:
            with self._store.batch():
                yield
        finally:
            self._held = None
        if self._notifier is not None:
            for made in held:
                self._failures.extend(self._notifier(self._hall, made, self._state))

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
        """The hall's KPIs for a service day (default: today), with the policy's target.

        A closed day is read back from the store (its tickets have left the live state).
        See :mod:`govservice_std.queues.kpis` for the definitions.
        """
        closed = self._state.closed_through
        if day is None and closed is not None:
            day = self.now().astimezone(CHINA_TZ).date()
        if day is not None and closed is not None and day <= closed:
            from govservice_std.queues.history import day_end, recorded_kpis  # noqa: PLC0415

            self.refresh()
            return recorded_kpis(
                self._store,
                day=day,
                now=min(self.now(), day_end(day)),
                target_minutes=self._policy.target_minutes,
                target_share=self._policy.target_share,
            )
        return engine_kpis(self, day=day)

    def events(self) -> list[StoredEvent]:
        """Every event of the hall in the store, with its sequence number."""
        return self._store.read(0)

    # -- the command machinery ---------------------------------------------------------

    def _use_state(self, state: QueueState) -> None:
        self._state = state
        # The state's queries the hot path calls, bound once.
        self._live = state.live
        self._record = state.record
        self._live_window = state.live_window

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
            if self._held is not None:
                self._held.append(made)
            else:
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
            if self._held is not None:
                self._held.append(made)
            else:
                self._failures.extend(self._notifier(self._hall, made, state))
        return self._record(made[0].ticket).snapshot()  # type: ignore[union-attr]

    def _decide_on(self, pending: Sequence[StoredEvent]) -> Sequence[Event]:
        # May run twice (see EventStore.execute): replace, never add to, the result.
        if pending:
            self._catch_up(pending)
        now = self.now()
        if self._state.day_over(now) and not self._closing:
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

    def _rec(self, command: str, ref: str, allowed: tuple[TicketStatus, ...] = ()) -> LiveTicket:
        rec = self._live(ref)
        if rec is None:
            raise IllegalCommandError(command, f"no ticket {ref!r}", f"没有 {ref} 号")
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

    def _check_staff(self, command: str, staff: str) -> None:
        if not staff.strip():
            raise IllegalCommandError(command, "the staff id is blank", "工作人员编号为空")
        known = self._staff_ids
        if known and staff not in known:
            # A hall that lists its posts (Hall.staff) signs in only those.
            raise IllegalCommandError(
                command,
                f"hall {self._hall.code} has no staff member {staff!r} (staff: {', '.join(known)})",
                f"本厅没有工作人员 {staff}（现有：{'、'.join(known)}）",
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
        return self._state.record(ticket_id).snapshot()

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
        number = self._state.last_number(line_id, day if line.daily_reset else None) + 1
        label = line.format_number(number)
        stamp = self._day_stamp
        if stamp[0] != day:
            stamp = self._day_stamp = (day, day.strftime("%Y%m%d"))
        taken = self._live(label)  # the newest ticket with this label, if any
        # Decided inside the store's transaction: refused before anything is committed, so
        # a policy whose labels collide cannot leave a log that no longer replays.
        if taken is not None and taken.day == day:
            raise IllegalCommandError(
                "issue",
                f"ticket label {label} is already taken today (the ticket prefixes of the "
                "queue policy overlap)",
                f"票号 {label} 今日已发出（排队规则中的票号前缀重叠）",
            )
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
            IllegalCommandError: If the line or group is unknown, the hall is closed (with
                the policy's ``issue_within_hours``), or the line reached its daily cap.
        """
        if line not in self._lines:
            self._check_line("issue", line)
        if priority is not None and priority not in self._groups:
            self._check_group("issue", priority)

        return self._run_ticket(self._build_issue, line, priority)

    def _build_issue(self, now: dt.datetime, line: str, priority: str | None) -> list[Event]:
        if self._hours_apply:
            self._check_hours(now)
        if self._caps:
            cap = self._caps.get(line)
            if cap is not None:
                day = now.astimezone(CHINA_TZ).date()
                if self._state.walk_ins(line, day) >= cap:
                    raise IllegalCommandError(
                        "issue",
                        f"line {line} has issued its {cap} tickets for today (daily cap)",
                        f"业务类别 {line} 今日号源已满（每日限 {cap} 个）",
                    )
        return [self._new_ticket(now, line_id=line, group=priority, order_at=now)]

    def opening_periods(self, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
        """When tickets may be issued on a day.

        The hall's opening periods, each starting ``early_issue_minutes`` early: empty if
        the hall is closed that weekday, one period round the clock if it states no hours.
        """
        hours = self._hall.hours
        if hours is None:
            start = dt.datetime.combine(day, dt.time(0), CHINA_TZ)
            return ((start, start + dt.timedelta(days=1)),)
        cached_day, periods = self._hours
        if cached_day == day:
            return periods
        early = dt.timedelta(minutes=self._policy.early_issue_minutes)
        periods = tuple(
            (
                dt.datetime.combine(day, period.start, CHINA_TZ) - early,
                dt.datetime.combine(day, period.end, CHINA_TZ),
            )
            for period in hours.periods_on(Weekday.of(day))
        )
        self._hours = (day, periods)
        return periods

    def _check_hours(self, now: dt.datetime) -> None:
        local = now.astimezone(CHINA_TZ)
        periods = self.opening_periods(local.date())
        for start, end in periods:
            if start <= local < end:
                return
        shown = ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in periods)
        raise IllegalCommandError(
            "issue",
            f"the hall is not issuing tickets at {local:%H:%M} (today: {shown or 'closed'})",
            f"当前 {local:%H:%M} 不在取号时间内（今日：{shown or '不开放'}）",
        )

    def check_in(
        self,
        appointment: str,
        *,
        line: str | None = None,
        slot: dt.datetime | None = None,
        priority: str | None = None,
    ) -> Ticket:
        """Check in an appointment (预约签到): it joins the live queue at its slot.

        A booking made with :meth:`book` brings its own line and slot; an appointment from
        another booking system names them. Within the grace window (from
        ``appointment_early_minutes`` before the slot to ``appointment_grace_minutes`` after
        it) the ticket is placed by its slot time, ahead of walk-ins who came after the
        slot. Later, it joins as a walk-in or is refused, as the policy's
        ``late_appointment`` says. Check-ins do not count against a line's daily cap and
        are not bound to the opening hours (appointments may be outside them: 早晚弹性办).

        Args:
            appointment: The appointment's reference (a booking's, or another system's).
            line: The business line booked (taken from the booking if there is one).
            slot: The booked time (timezone-aware; taken from the booking if there is one).
            priority: The priority group, if the visitor belongs to one.

        Raises:
            IllegalCommandError: If the appointment was already checked in or cancelled,
                it is too early or refused as too late, or the line or group is unknown.
        """
        booking = self._state.booking(appointment)
        if booking is not None:
            line = line or booking.line
            slot = slot or booking.slot
            if booking.line != line or booking.slot != slot:
                raise IllegalCommandError(
                    "check in",
                    f"booking {appointment} is for line {booking.line} at "
                    f"{booking.slot.astimezone(CHINA_TZ):%Y-%m-%d %H:%M}",
                    f"预约 {appointment} 为业务类别 {booking.line}，"
                    f"时段 {booking.slot.astimezone(CHINA_TZ):%Y-%m-%d %H:%M}",
                )
        if line is None or slot is None:
            raise IllegalCommandError(
                "check in",
                f"no booking {appointment!r}: name its line and slot",
                f"没有预约 {appointment}，请指明业务类别和预约时段",
            )
        self._check_line("check in", line)
        self._check_group("check in", priority)
        if slot.tzinfo is None:
            raise IllegalCommandError("check in", "the slot needs a timezone", "预约时段缺少时区")
        return self._run_ticket(self._build_check_in, appointment, line, slot, priority)

    def _build_check_in(
        self, now: dt.datetime, appointment: str, line: str, slot: dt.datetime, priority: str | None
    ) -> list[Event]:
        policy = self._policy
        existing = self._state.appointment_ticket(appointment)
        if existing is not None:
            raise IllegalCommandError(
                "check in",
                f"appointment {appointment!r} is already ticket {existing}",
                f"预约 {appointment} 已签到为 {existing} 号",
            )
        booking = self._state.booking(appointment)
        if booking is not None and booking.status is BookingStatus.CANCELLED:
            raise IllegalCommandError(
                "check in",
                f"booking {appointment} was cancelled",
                f"预约 {appointment} 已取消",
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

    # -- selection and calls -----------------------------------------------------------

    def _targets(self, window: str, staff: str | None) -> tuple[tuple[str, str], ...]:
        if staff is None:
            return (("window", window),)
        return (("window", window), ("staff", staff))

    def select_next(self, window: str, now: dt.datetime | None = None) -> Ticket | None:
        """The ticket :meth:`call_next` would call at ``window`` now, without calling it.

        Raises:
            IllegalCommandError: If the hall has no such window.
        """
        lines = self._window_code("select", window)
        win = self._state.window(window)
        ticket_id = self._state.select(
            lines, self._targets(window, win.staff), win.priority_streak, now or self.now(),
            self._rule,
        )  # fmt: skip
        return None if ticket_id is None else self._snapshot(ticket_id)

    def _ready(self, command: str, window: str) -> str | None:
        """Check that ``window`` may call now; the staff member signed in there, if any."""
        win = self._state.live_window(window)
        if win is None or not win.open:
            raise IllegalCommandError(command, f"window {window} is closed", f"{window} 窗口未开启")
        if win.ticket is not None:
            current = self._state.record(win.ticket)
            raise IllegalCommandError(
                command,
                f"window {window} still has ticket {current.label} "
                f"({current.status.value}); finish it, mark it a no-show or transfer it",
                f"{window} 窗口的 {current.label} 号尚未处理完（{current.status.label_zh}），"
                "请先办结、标记过号或转办",
            )
        staff = win.staff
        if (
            staff is None
            and self._policy.staff_required
            and not (
                self._policy.self_service_unstaffed
                and self._kinds.get(window) is WindowKind.SELF_SERVICE
            )
        ):
            raise IllegalCommandError(
                command,
                f"nobody is signed in at window {window}",
                f"{window} 窗口无工作人员签到",
            )
        return staff

    def call_next(self, window: str) -> Ticket:
        """Call the next ticket to ``window`` (叫号).

        Raises:
            IllegalCommandError: If the window is unknown, closed, still has a ticket, or
                (when the policy requires staff) nobody is signed in at it.
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
        win = self._live_window(window)
        if win is None or not win.open or win.ticket is not None or win.staff is None:
            staff = self._ready("call next", window)  # refuses, or allows unstaffed
        else:
            staff = win.staff
        assert win is not None  # noqa: S101 - _ready checked it
        targets = self._own[window] if staff is None else self._targets(window, staff)
        ticket_id = self._state.select(lines, targets, win.streak, now, self._rule)
        if ticket_id is None:
            raise NoTicketWaitingError(
                "call next",
                f"no ticket waiting for window {window} ({', '.join(lines)})",
                f"{window} 窗口（{'、'.join(lines)}）暂无等候",
            )
        return [_make_called(now, ticket_id, window, staff, None)]

    def call_ticket(self, window: str, ticket: str, *, reason: str = "") -> Ticket:
        """Call a chosen waiting ticket to ``window``, out of turn (指定叫号).

        The reason is recorded on the call event (an empty reason is recorded as given).

        Args:
            window: The calling window.
            ticket: The ticket (id or display number); it must be waiting in a line the
                window serves, or have been transferred to this window or to the person
                signed in at it.
            reason: Why this ticket goes first.

        Raises:
            IllegalCommandError: If the window may not call now (see :meth:`call_next`),
                the ticket is not waiting, or the window may not call it.
        """
        lines = self._window_code("call ticket", window)
        return self._run_ticket(self._build_call_ticket, window, lines, ticket, reason)

    def _build_call_ticket(
        self, now: dt.datetime, window: str, lines: tuple[str, ...], ref: str, reason: str
    ) -> list[Event]:
        staff = self._ready("call ticket", window)
        rec = self._rec("call ticket", ref, (TicketStatus.WAITING,))
        if rec.for_window is not None or rec.for_staff is not None:
            allowed = rec.for_window == window or (
                rec.for_staff is not None and rec.for_staff == staff
            )
        else:
            allowed = rec.line in lines
        if not allowed:
            raise IllegalCommandError(
                "call ticket",
                f"window {window} may not call ticket {rec.label}",
                f"{window} 窗口不能呼叫 {rec.label} 号",
            )
        return [_make_called(now, rec.id, window, staff, reason)]

    def _current(self, command: str, window: str, *allowed: TicketStatus) -> LiveTicket:
        self._window_code(command, window)
        win = self._state.live_window(window)
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
        make: Callable[[LiveTicket, dt.datetime], Event],
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
        make: Callable[[LiveTicket, dt.datetime], Event],
    ) -> list[Event]:
        return [make(self._rec(command, ref, allowed), now)]

    def _staff_of(self, window: str | None) -> str | None:
        if window is None:
            return None
        win = self._state.live_window(window)
        return None if win is None else win.staff

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
        # Whoever called the ticket is still at the window: nobody signs out of a window
        # that has a ticket.
        return [_make_started(now, rec.id, rec.window or "", rec.staff)]

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
        return [_make_finished(now, rec.id, rec.window or "", outcome, rec.staff)]

    def no_show(self, ticket: str) -> Ticket:
        """Mark a called ticket a no-show (过号), once it was called often enough.

        Raises:
            IllegalCommandError: If the ticket is not called, or was called fewer than the
                policy's ``no_show_after_calls`` times.
        """
        needed = self._policy.no_show_after_calls

        def make(rec: LiveTicket, now: dt.datetime) -> Event:
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

        def make(rec: LiveTicket, now: dt.datetime) -> Event:
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

    def transfer(
        self,
        ticket: str,
        line: str | None = None,
        *,
        window: str | None = None,
        staff: str | None = None,
        placement: TransferPlacement | str | None = None,
    ) -> Ticket:
        """Move a ticket to another line, to a window or to a staff member (转办).

        Name exactly one target. After a move to a window only that window may call the
        ticket; after a move to a person, only a window that person is signed in at. A
        ticket at a window (called or in service) frees the window; a parked ticket may
        be moved too.

        Args:
            ticket: The ticket (id or display number).
            line: The line to move it to.
            window: The window to move it to.
            staff: The staff member to move it to.
            placement: Where it stands in its new queue: ``first``, ``last`` or
                ``arrival`` (by its original arrival); default: the policy's
                ``transfer_placement``.

        Raises:
            IllegalCommandError: If the ticket has ended, no target or several are named,
                the line or window is unknown, or it is already in that line.
        """
        command = "transfer"
        if sum(target is not None for target in (line, window, staff)) != 1:
            raise IllegalCommandError(
                command,
                "name exactly one of a line, a window or a staff member",
                "请指明一个转办目标：业务类别、窗口或工作人员之一",
            )
        if line is not None:
            self._check_line(command, line)
        if window is not None and not self._window_code(command, window):
            raise IllegalCommandError(
                command,
                f"window {window} serves no business line",
                f"{window} 窗口未配置业务类别",
            )
        if staff is not None:
            self._check_staff(command, staff)
        try:
            where = (
                self._policy.transfer_placement
                if placement is None
                else TransferPlacement(placement)
            )
        except ValueError:
            raise IllegalCommandError(
                command,
                f"no placement {placement!r} (first, last, arrival)",
                f"没有排位方式 {placement}（first、last、arrival）",
            ) from None

        def make(rec: LiveTicket, now: dt.datetime) -> Event:
            if (
                line is not None
                and rec.line == line
                and rec.for_window is None
                and (rec.for_staff is None)
            ):
                raise IllegalCommandError(
                    command,
                    f"ticket {rec.label} is already in {line}",
                    f"{rec.label} 号已在业务类别 {line}",
                )
            at_window = rec.window if rec.status in _AT_WINDOW else None
            order_at: dt.datetime | None = None
            if where is TransferPlacement.LAST:
                order_at = now
            elif where is TransferPlacement.FIRST:
                lines, targets = self._reach(line or rec.line, window, staff)
                earliest = self._state.earliest_order(lines, targets)
                if earliest is not None and earliest <= rec.order_at:
                    order_at = earliest - _TICK
            return TicketTransferred(
                at=now,
                ticket=rec.id,
                from_line=rec.line,
                to_line=line or rec.line,
                window=at_window,
                order_at=order_at,
                to_window=window,
                to_staff=staff,
            )

        return self._ticket_command(command, ticket, _MOVABLE, make)

    def _reach(
        self, line: str, window: str | None, staff: str | None
    ) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
        """The queues a transferred ticket competes with (for placing it first)."""
        if staff is not None:
            window = self._state.staff_window(staff)
            if window is None:
                return (), (("staff", staff),)
        if window is not None:
            win_staff = self._staff_of(window)
            return self._window_lines.get(window, ()), self._targets(window, win_staff)
        return (line,), ()

    def park(self, ticket: str) -> Ticket:
        """Set a called or served ticket aside (暂挂): the visitor fetches a missing paper.

        The window is free for the next ticket; the parked ticket keeps its arrival and
        waits outside every queue until :meth:`resume` calls it back to the same window.

        Raises:
            IllegalCommandError: If the ticket is not called or in service.
        """

        def make(rec: LiveTicket, now: dt.datetime) -> Event:
            window = rec.window or ""
            return TicketParked(at=now, ticket=rec.id, window=window, staff=self._staff_of(window))

        return self._ticket_command("park", ticket, _AT_WINDOW, make)

    def resume(self, ticket: str) -> Ticket:
        """Call a parked ticket back to the window that parked it.

        Raises:
            IllegalCommandError: If the ticket is not parked, or that window may not call
                now (closed, busy, or unstaffed when the policy requires staff).
        """

        def make(rec: LiveTicket, now: dt.datetime) -> Event:
            window = rec.for_window or ""
            staff = self._ready("resume", window)
            return TicketResumed(at=now, ticket=rec.id, window=window, staff=staff)

        return self._ticket_command("resume", ticket, (TicketStatus.PARKED,), make)

    def cancel(self, ticket: str) -> Ticket:
        """Withdraw a ticket that is waiting, called or parked (the visitor left).

        Raises:
            IllegalCommandError: If the ticket is in service or has ended.
        """
        return self._ticket_command(
            "cancel",
            ticket,
            (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.PARKED),
            lambda rec, now: TicketCancelled(
                at=now,
                ticket=rec.id,
                window=rec.window if rec.status is TicketStatus.CALLED else None,
            ),
        )

    # -- windows and staff -------------------------------------------------------------

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

        Whoever is signed in at it is signed out.

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
                label = self._state.record(win.ticket).label
                raise IllegalCommandError(
                    "close window",
                    f"window {window} still has ticket {label}",
                    f"{window} 窗口还有 {label} 号未处理完",
                )
            return [WindowClosed(at=now, window=window)]

        self._run(build)
        return self._state.window(window)

    def sign_in(self, window: str, staff: str) -> WindowState:
        """Sign a staff member in at a window (上岗); a closed window opens.

        A staff member is on one window at a time, and a window has one person. A hall
        that lists its staff posts (``Hall.staff``) signs in only their ids.

        Raises:
            IllegalCommandError: If the window is unknown, someone is signed in there,
                the staff id is blank or not one of the hall's, or the person is signed
                in at another window.
        """
        self._window_code("sign in", window)
        self._check_staff("sign in", staff)

        def build(now: dt.datetime) -> list[Event]:
            here = self._state.window(window).staff
            if here is not None:
                raise IllegalCommandError(
                    "sign in",
                    f"{here} is signed in at window {window}; sign out first",
                    f"{window} 窗口已由 {here} 签到，请先签退",
                )
            elsewhere = self._state.staff_window(staff)
            if elsewhere is not None:
                raise IllegalCommandError(
                    "sign in",
                    f"{staff} is signed in at window {elsewhere}",
                    f"{staff} 已在 {elsewhere} 窗口签到",
                )
            return [StaffSignedIn(at=now, window=window, staff=staff)]

        self._run(build)
        return self._state.window(window)

    def sign_out(self, window: str) -> WindowState:
        """Sign out whoever is signed in at a window (离岗); the window stays open.

        Raises:
            IllegalCommandError: If the window is unknown, nobody is signed in there, or
                it still has a ticket called or in service (finish, park or transfer it).
        """
        self._window_code("sign out", window)

        def build(now: dt.datetime) -> list[Event]:
            win = self._state.window(window)
            if win.staff is None:
                raise IllegalCommandError(
                    "sign out",
                    f"nobody is signed in at window {window}",
                    f"{window} 窗口无人签到",
                )
            if win.ticket is not None:
                label = self._state.record(win.ticket).label
                raise IllegalCommandError(
                    "sign out",
                    f"window {window} still has ticket {label}; finish, park or transfer it",
                    f"{window} 窗口还有 {label} 号未处理完，请先办结、暂挂或转办",
                )
            return [StaffSignedOut(at=now, window=window, staff=win.staff)]

        self._run(build)
        return self._state.window(window)

    # -- bookings ----------------------------------------------------------------------

    def slots(self, line: str, day: dt.date) -> tuple[Slot, ...]:
        """The booking slots of a line on a day, with their capacity and bookings.

        With the policy's ``booking_capacity``, every ``booking_slot_minutes`` of the
        hall's opening periods that day is a slot of that capacity; otherwise the slots
        and their capacity come from the locality's staffing profile (its booked visits).
        A line with neither takes no bookings.

        Raises:
            IllegalCommandError: If the line is unknown.
        """
        self._check_line("slots", line)
        starts: list[tuple[dt.datetime, int]] = []
        capacity = self._policy.booking_capacity
        if capacity is not None:
            step = dt.timedelta(minutes=self._policy.booking_slot_minutes)
            hours = self._hall.hours
            periods = hours.periods_on(Weekday.of(day)) if hours is not None else ()
            for period in periods:
                at = dt.datetime.combine(day, period.start, CHINA_TZ)
                end = dt.datetime.combine(day, period.end, CHINA_TZ)
                while at + step <= end:
                    starts.append((at, capacity))
                    at += step
        else:
            for time, count in sorted(self._slot_plan.get(line, {}).items()):
                starts.append((dt.datetime.combine(day, time, CHINA_TZ), count))
        return tuple(
            Slot(line=line, start=start, capacity=cap, booked=self._state.booked(line, start))
            for start, cap in starts
        )

    def _free_slot(self, command: str, line: str, slot: dt.datetime, now: dt.datetime) -> None:
        if slot.tzinfo is None:
            raise IllegalCommandError(command, "the slot needs a timezone", "预约时段缺少时区")
        try:
            local = slot.astimezone(CHINA_TZ)
        except OverflowError:  # at the calendar's very edge: no day in China time holds it
            raise IllegalCommandError(
                command, "the slot is outside the calendar", "预约时段超出日历范围"
            ) from None
        if slot <= now:
            raise IllegalCommandError(
                command,
                f"the slot {local:%Y-%m-%d %H:%M} has begun or passed",
                f"时段 {local:%Y-%m-%d %H:%M} 已开始或已过",
            )
        for offered in self.slots(line, local.date()):
            if offered.start == slot:
                if offered.free:
                    return
                raise IllegalCommandError(
                    command,
                    f"the slot {local:%Y-%m-%d %H:%M} of line {line} is full "
                    f"({offered.capacity} bookings)",
                    f"业务类别 {line} 的 {local:%Y-%m-%d %H:%M} 时段已约满"
                    f"（{offered.capacity} 个）",
                )
        raise IllegalCommandError(
            command,
            f"line {line} has no booking slot at {local:%Y-%m-%d %H:%M}",
            f"业务类别 {line} 没有 {local:%Y-%m-%d %H:%M} 的预约时段",
        )

    def book(self, line: str, slot: dt.datetime) -> Booking:
        """Book a place in a slot of a line (预约); the reference checks the visitor in.

        Raises:
            IllegalCommandError: If the line is unknown, the slot is not offered, full,
                or already begun.
        """
        self._check_line("book", line)

        def build(now: dt.datetime) -> list[Event]:
            self._free_slot("book", line, slot, now)
            ref = f"YY{self._state.booking_serial + 1:05d}"
            return [AppointmentBooked(at=now, appointment=ref, line=line, slot=slot)]

        event = self._run(build)[0]
        assert isinstance(event, AppointmentBooked)  # noqa: S101 - the one event made
        return self._booking(event.appointment)

    def _booking(self, ref: str) -> Booking:
        booking = self._state.booking(ref)
        assert booking is not None  # noqa: S101 - just made
        return booking

    def _open_booking(self, command: str, ref: str) -> Booking:
        booking = self._state.booking(ref)
        if booking is None:
            raise IllegalCommandError(command, f"no booking {ref!r}", f"没有预约 {ref}")
        if booking.status is not BookingStatus.BOOKED:
            done = "cancelled" if booking.status is BookingStatus.CANCELLED else "checked in"
            done_zh = "已取消" if booking.status is BookingStatus.CANCELLED else "已签到"
            raise IllegalCommandError(command, f"booking {ref} is {done}", f"预约 {ref} {done_zh}")
        return booking

    def cancel_booking(self, ref: str) -> Booking:
        """Cancel a booking; its place is free again.

        Raises:
            IllegalCommandError: If there is no such booking, or it was cancelled or
                checked in.
        """

        def build(now: dt.datetime) -> list[Event]:
            self._open_booking("cancel booking", ref)
            return [AppointmentCancelled(at=now, appointment=ref)]

        self._run(build)
        return self._booking(ref)

    def reschedule(self, ref: str, slot: dt.datetime) -> Booking:
        """Move a booking to another slot of its line.

        Raises:
            IllegalCommandError: If there is no such open booking, or the new slot is not
                offered, full, or already begun.
        """

        def build(now: dt.datetime) -> list[Event]:
            booking = self._open_booking("reschedule", ref)
            if booking.slot == slot:
                raise IllegalCommandError(
                    "reschedule", f"booking {ref} is already in that slot", f"预约 {ref} 已在该时段"
                )
            self._free_slot("reschedule", booking.line, slot, now)
            return [AppointmentRescheduled(at=now, appointment=ref, slot=slot)]

        self._run(build)
        return self._booking(ref)

    def send_reminders(self) -> tuple[Booking, ...]:
        """Remind the bookings whose slot starts within the policy's ``reminder_minutes``.

        Each reminder is an :class:`~govservice_std.queues.events.AppointmentReminded`
        event, delivered to integration plugins through the ``govservice_queue_event``
        hook (which sends the text message); a booking is reminded once.

        Returns:
            The bookings reminded now.
        """
        ahead = dt.timedelta(minutes=self._policy.reminder_minutes)

        def build(now: dt.datetime) -> list[Event]:
            return [
                AppointmentReminded(at=now, appointment=b.ref, slot=b.slot)
                for b in self._state.bookings()
                if b.status is BookingStatus.BOOKED
                and b.reminded_at is None
                and now < b.slot <= now + ahead
            ]

        made = self._run(build)
        return tuple(
            self._booking(e.appointment) for e in made if isinstance(e, AppointmentReminded)
        )

    # -- position and KPIs -------------------------------------------------------------

    def position(self, ticket: str) -> Position:
        """Where a waiting ticket stands: tickets ahead of it and the estimated wait.

        See :func:`govservice_std.queues.position.position` for how it is worked out.

        Raises:
            IllegalCommandError: If there is no such ticket or it is not waiting.
        """
        rec = self._rec("position", ticket, (TicketStatus.WAITING,))
        return position(self, rec.id, self.now())

    def front_desk_kpis(self, day: dt.date | None = None) -> FrontDeskKpis:
        """Per-staff figures, daily caps reached and booking show rate of a day.

        The day defaults to today. See :func:`govservice_std.queues.kpis.front_desk_kpis`.
        """
        now = self.now()
        return front_desk_kpis(
            [event for _, event in self.events()],
            self._policy,
            day=day or now.astimezone(CHINA_TZ).date(),
            now=now,
        )

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
        open_day = self._state.open_day
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
