"""The case engine: commands on cases, each one transaction on the store.

Every command reads the case's events inside its transaction, folds them
(:func:`~govservice_std.cases.model.fold`), checks the new events against the state
(:func:`~govservice_std.cases.model.apply`: an illegal move raises and nothing is written),
appends them and rewrites the case's projection row. Time comes from an injected clock, as
for the queue.

>>> import datetime as dt
>>> from govservice_std.calendar import WorkingCalendar
>>> from govservice_std.queues.events import CHINA_TZ
>>> from govservice_std.cases.stores import SQLiteCaseStore
>>> now = [dt.datetime(2026, 2, 6, 9, tzinfo=CHINA_TZ)]
>>> engine = CaseEngine(SQLiteCaseStore(":memory:"), lambda _: WorkingCalendar(),
...                     clock=lambda: now[0])
>>> case = engine.open(hall="441324116", locality="441324", item="ITEM-1",
...                    item_name="示例事项", kind="promised", promised_days=6)
>>> case.number
'441324116-20260206-0001'
>>> engine.accept(case.number).accepted
datetime.date(2026, 2, 6)
>>> engine.reading(case.number).due  # Saturday 2026-02-14 is a 调休 working day
datetime.date(2026, 2, 14)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from govservice_std.calendar import WorkingCalendar
from govservice_std.cases.clock import CaseClock, ClockReading
from govservice_std.cases.events import (
    CaseAccepted,
    CaseDelivered,
    CaseEvent,
    CaseExtended,
    CaseFinished,
    CaseOpened,
    CaseRefused,
    CaseResumed,
    CaseStepRecorded,
    CaseSuspended,
    CaseWithdrawn,
    CorrectionRequested,
    ReviewClosed,
    ReviewContacted,
    ReviewGiven,
    ReviewOverturned,
)
from govservice_std.cases.model import CORRECTION_DAYS, Case, CaseStatus, apply, fold
from govservice_std.cases.stores import CaseStore, Transaction
from govservice_std.errors import (
    DataProblem,
    FieldValueError,
    IllegalCaseCommandError,
    InvalidDataError,
    UnknownCaseError,
)
from govservice_std.queues.events import CHINA_TZ, in_china_time

__all__ = ["CaseEngine", "case_row", "clock_reading", "review_row"]

Clock = Callable[[], dt.datetime]


def _system_clock() -> dt.datetime:
    return dt.datetime.now(CHINA_TZ)


class CaseEngine:
    """Runs case commands on a store.

    Args:
        store: Where the cases live.
        calendars: The working calendar of a locality code (the locality a case was opened
            in), such as ``lambda code: registry.resolve(code).calendar``.
        clock: Where the time comes from (default: the system clock, China time).
        warning_days: Working days left at which a case is at risk.
    """

    def __init__(
        self,
        store: CaseStore,
        calendars: Callable[[str], WorkingCalendar],
        *,
        clock: Clock | None = None,
        warning_days: int = 2,
    ) -> None:
        self.store = store
        self._calendars = calendars
        self._clocks: dict[str, CaseClock] = {}
        self._now = clock or _system_clock
        self.warning_days = warning_days

    def clock_of(self, locality: str) -> CaseClock:
        """The case clock of a locality (cached)."""
        clock = self._clocks.get(locality)
        if clock is None:
            clock = CaseClock(self._calendars(locality), warning_days=self.warning_days)
            self._clocks[locality] = clock
        return clock

    def now(self) -> dt.datetime:
        """The engine's current time."""
        return in_china_time(self._now())

    # -- reading -------------------------------------------------------------------------

    def get(self, number: str) -> Case:
        """The case with this number.

        Raises:
            UnknownCaseError: If there is none.
        """
        case = fold(self.store.events(number))
        if case is None:
            raise _unknown(number)
        return case

    def reading(self, number: str | Case, *, today: dt.date | None = None) -> ClockReading:
        """The case's clock today (or on ``today``).

        A case not yet accepted has its clock read from the day of receipt; a refused or
        withdrawn case's from where it stopped.
        """
        case = number if isinstance(number, Case) else self.get(number)
        return clock_reading(self.clock_of(case.opened.locality), case, today or self.now().date())

    # -- commands ------------------------------------------------------------------------

    def open(
        self,
        *,
        hall: str,
        locality: str,
        item: str,
        item_name: str,
        kind: str,
        promised_days: int,
        legal_days: int | None = None,
        materials: Sequence[str] = (),
        tier: str = "",
        window: str = "",
        staff: str = "",
        ticket: str = "",
        applicant: str = "",
        form_version: str = "",
    ) -> Case:
        """Receive an application (收件): a new case with the next number of the hall's day.

        ``applicant`` must already be masked; the case keeps what it is given, and the
        version of the form the application was checked against (``form_version``).
        """
        at = self.now()

        def command(tx: Transaction) -> Sequence[CaseEvent]:
            prefix = f"{hall}-{at:%Y%m%d}"
            number = f"{prefix}-{tx.next_number(prefix):04d}"
            return [
                CaseOpened(
                    number,
                    at,
                    hall,
                    locality,
                    item,
                    item_name,
                    kind,
                    promised_days,
                    legal_days,
                    tuple(materials),
                    tier,
                    window,
                    staff,
                    ticket,
                    applicant,
                    form_version,
                )
            ]

        return self._run(None, command)

    def accept(self, number: str) -> Case:
        """受理.

        Past five working days from receipt with no 补正 notice, the case counts as
        accepted from the day of receipt (行政许可法 §32) and says so.
        """

        def command(tx: Transaction, case: Case | None) -> Sequence[CaseEvent]:  # noqa: ARG001
            assert case is not None  # noqa: S101 - _act checks
            at = self.now()
            deemed = case.status is CaseStatus.RECEIVED and self._past_answer_period(case, at)
            return [CaseAccepted(number, at, deemed)]

        return self._act(number, command)

    def refuse(self, number: str, reason: str) -> Case:
        """不予受理, with the reason."""
        if not reason.strip():
            raise IllegalCaseCommandError(
                "cannot refuse: give the reason", "无法不予受理：请写明理由"
            )
        return self._simple(number, lambda at: CaseRefused(number, at, reason))

    def correct(self, number: str, materials: Sequence[str], note: str = "") -> Case:
        """补正: one notice naming every missing or wrong material (一次性告知).

        Each material must be one of the item's; the notice must come within five working
        days of receipt (行政许可法 §32), after which the case counts as accepted.
        """

        def command(tx: Transaction, case: Case | None) -> Sequence[CaseEvent]:  # noqa: ARG001
            assert case is not None  # noqa: S101
            at = self.now()
            known = case.opened.materials
            unknown = [m for m in materials if m not in known]
            if unknown and known:
                raise IllegalCaseCommandError(
                    f"cannot correct: {', '.join(unknown)} not in the item's materials "
                    f"({', '.join(known)})",
                    f"无法一次性告知补正：{'、'.join(unknown)} 不在该事项的申请材料中"
                    f"（{'、'.join(known)}）",
                )
            if case.status is CaseStatus.RECEIVED and self._past_answer_period(case, at):
                raise IllegalCaseCommandError(
                    "cannot correct: more than 5 working days since receipt; the case counts "
                    "as accepted from receipt (行政许可法 §32) — accept it",
                    "无法一次性告知补正：自收到申请已超过 5 个工作日，依法自收到申请之日起即为受理"
                    "（行政许可法第三十二条），请受理",
                )
            return [CorrectionRequested(number, at, tuple(dict.fromkeys(materials)), note)]

        return self._act(number, command)

    def step(self, number: str, step: str, staff: str = "") -> Case:
        """Record a handling step (审查, 决定 …) the item's handling kind allows."""
        return self._simple(number, lambda at: CaseStepRecorded(number, at, step, staff))

    def suspend(self, number: str, kind: str, reason: str) -> Case:
        """Stop the clock (行政许可法 §45), with the kind and reason."""
        return self._simple(number, lambda at: CaseSuspended(number, at, kind, reason))

    def resume(self, number: str) -> Case:
        """Restart the clock."""
        return self._simple(number, lambda at: CaseResumed(number, at))

    def extend(self, number: str, days: int, approved_by: str, reason: str) -> Case:
        """Extend the time limit with approval (行政许可法 §42)."""
        return self._simple(number, lambda at: CaseExtended(number, at, days, approved_by, reason))

    def finish(self, number: str, result: str) -> Case:
        """办结 with ``granted`` (准予) or ``denied`` (不予)."""
        return self._simple(number, lambda at: CaseFinished(number, at, result))

    def deliver(self, number: str) -> Case:
        """送达."""
        return self._simple(number, lambda at: CaseDelivered(number, at))

    def withdraw(self, number: str, reason: str = "") -> Case:
        """The applicant withdraws."""
        return self._simple(number, lambda at: CaseWithdrawn(number, at, reason))

    # -- 好差评 --------------------------------------------------------------------------

    def review(
        self,
        number: str | None = None,
        *,
        review: str,
        level: str,
        channel: str,
        real_name: bool,
        ticket: str | None = None,
        hall: str | None = None,
        ratings: Sequence[tuple[str, str]] = (),
        comment: str = "",
    ) -> Case:
        """Record the case's review (one per case), named by case number or by ticket.

        Raises:
            UnknownCaseError: If the case (or a case of the ticket) is not in the store.
            DuplicateReviewError: If the case already has a review.
            InvalidDataError: If the level, channel or a rating is not a known one.
        """
        from govservice_std.evaluation.reviews import Review  # noqa: PLC0415

        at = self.now()
        # The review model checks the level, channel and dimensions as for imported files.
        try:
            Review(id=review, level=level, channel=channel, date=at.date(), ratings=dict(ratings))
        except FieldValueError as exc:
            raise InvalidDataError([DataProblem(exc.field, exc.message)], "review") from None
        if number is None:
            if ticket is None or hall is None:
                raise UnknownCaseError("name the case, or the hall and ticket", "请指明办件或取号")
            with self.store.transaction() as tx:
                number = tx.case_by_ticket(hall, ticket)
            if number is None:
                raise UnknownCaseError(
                    f"no case of ticket {ticket} at hall {hall}",
                    f"服务场所 {hall} 没有与号码 {ticket} 关联的办件",
                )
        found = number
        return self._simple(
            found,
            lambda at: ReviewGiven(
                found, at, review, level, channel, real_name, tuple(ratings), comment
            ),
        )

    def contact(self, number: str) -> Case:
        """回访核实: the reviewer of a real-name 差评 was called back."""
        return self._simple(number, lambda at: ReviewContacted(number, at))

    def close_review(self, number: str, disposition: str, notes: str = "") -> Case:
        """Close the case's 差评: ``immediate``, ``scheduled`` or ``explained``."""
        return self._simple(number, lambda at: ReviewClosed(number, at, disposition, notes))

    def overturn(self, number: str, ground: str, notes: str = "") -> Case:
        """申诉复核 upheld: the 差评 was ``mistaken`` (误评) or ``malicious`` (恶意差评)."""
        return self._simple(number, lambda at: ReviewOverturned(number, at, ground, notes))

    # -- machinery -----------------------------------------------------------------------

    def _past_answer_period(self, case: Case, at: dt.datetime) -> bool:
        clock = self.clock_of(case.opened.locality)
        limit, _ = clock.due(case.received.date(), CORRECTION_DAYS)
        return limit is not None and at.date() > limit

    def _simple(self, number: str, make: Callable[[dt.datetime], CaseEvent]) -> Case:
        return self._act(number, lambda _tx, _case: [make(self.now())])

    def _act(
        self, number: str, command: Callable[[Transaction, Case | None], Sequence[CaseEvent]]
    ) -> Case:
        def run(tx: Transaction) -> tuple[Case | None, Sequence[CaseEvent]]:
            case = fold(tx.events(number))
            if case is None:
                raise _unknown(number)
            return case, command(tx, case)

        return self._commit(run)

    def _run(
        self, case: Case | None, command: Callable[[Transaction], Sequence[CaseEvent]]
    ) -> Case:
        return self._commit(lambda tx: (case, command(tx)))

    def _commit(
        self, run: Callable[[Transaction], tuple[Case | None, Sequence[CaseEvent]]]
    ) -> Case:
        with self.store.transaction() as tx:
            case, events = run(tx)
            reviewed = case.review if case is not None else None
            for event in events:
                case = apply(case, event)
            assert case is not None  # noqa: S101 - every command makes at least one event
            tx.append(events)
            clock = self.clock_of(case.opened.locality)
            tx.put_case(case_row(case, clock_reading(clock, case, self.now().date())))
            if case.review is not None and case.review != reviewed:
                tx.put_review(review_row(case), new=reviewed is None)
        return case


def _unknown(number: str) -> UnknownCaseError:
    return UnknownCaseError(f"no case {number!r} in the store", f"没有办件 {number}")


def clock_reading(clock: CaseClock, case: Case, today: dt.date) -> ClockReading:
    """A case's clock on ``today``, read from acceptance (or receipt, before it)."""
    start = case.accepted if case.accepted is not None else case.received.date()
    finished = case.finished.date() if case.finished is not None else None
    return clock.read(
        start, case.limit, today=today, finished=finished, suspensions=case.suspensions
    )


def case_row(case: Case, reading: ClockReading) -> tuple[object, ...]:
    """The case's projection row (:data:`~govservice_std.cases.stores.CASE_COLUMNS`)."""
    o = case.opened
    done = case.status in (CaseStatus.FINISHED, CaseStatus.DELIVERED)
    closed = done or case.status is CaseStatus.WITHDRAWN
    overdue = done and reading.overdue
    abnormal = overdue or case.withdrawn_after_acceptance
    return (
        case.number, o.hall, o.locality, o.tier, o.item, o.item_name, o.window, o.staff,
        o.ticket, o.kind, case.status.value, case.received.isoformat(),
        case.accepted.isoformat() if case.accepted else None,
        case.finished.date().isoformat() if closed and case.finished else None,
        case.finished.strftime("%Y-%m") if closed and case.finished else None,
        reading.due.isoformat() if reading.due and case.accepted else None,
        case.limit, reading.used, int(bool(case.corrections)), int(bool(case.suspensions)),
        int(case.extension_days > 0), int(overdue), int(abnormal), case.result,
        int(reading.estimated),
    )  # fmt: skip


def review_row(case: Case) -> tuple[object, ...]:
    """The case's review row (:data:`~govservice_std.cases.stores.REVIEW_COLUMNS`)."""
    r = case.review
    assert r is not None  # noqa: S101 - only called for a reviewed case
    o = case.opened
    return (
        case.number, r.review, o.hall, o.item, o.window, o.staff, r.given.isoformat(), r.level,
        r.channel, int(r.real_name), int(r.bad),
        r.contacted.isoformat() if r.contacted else None,
        r.closed.isoformat() if r.closed else None, r.disposition, r.overturned,
    )  # fmt: skip
