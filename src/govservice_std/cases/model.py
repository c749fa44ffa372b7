"""A case's state (办件), folded from its events, and the lifecycle's rules.

::

    open ─► received ──accept──► accepted ──finish──► finished ──deliver──► delivered
               │  ▲                 │  ▲ step, extend
               │  └── correcting ◄──┘  │
               │       (补正, once)     suspend ◄─► resume
               ├─refuse─► refused
               └─withdraw (any open state) ─► withdrawn

:func:`apply` checks one event against the state and returns the new state, or raises
:class:`~govservice_std.errors.IllegalCaseCommandError` and changes nothing. The engine
runs every command through it before anything is stored; replay runs the same function.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from govservice_std.cases.clock import Suspension
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
from govservice_std.errors import DuplicateReviewError, IllegalCaseCommandError
from govservice_std.i18n import LabelledEnum

__all__ = [
    "CORRECTION_DAYS",
    "EXTENSION_DAYS",
    "JOINT_EXTENSION_DAYS",
    "RESULTS",
    "SUSPENSION_KINDS",
    "Case",
    "CaseStatus",
    "ReviewState",
    "apply",
    "fold",
]

CORRECTION_DAYS = 5
"""行政许可法 §32: an application not answered within five working days of receipt counts
as accepted from the day of receipt."""

EXTENSION_DAYS = 10
"""行政许可法 §42: the longest extension, in working days (joint handling: 15)."""

JOINT_EXTENSION_DAYS = 15
"""行政许可法 §42: the longest extension of a joint (联办) case."""

SUSPENSION_KINDS = {
    "correction": "补正等待",
    "hearing": "听证",
    "inspection": "检验检测",
    "appraisal": "鉴定",
    "expert_review": "专家评审",
    "tender": "招标拍卖",
    "other": "其他特别程序",
}
"""Why a case's clock may stop (行政许可法 §45), with their Chinese names."""

RESULTS = {"granted": "准予", "denied": "不予"}
"""The results of 办结."""

DISPOSITIONS = {"immediate": "立行立改", "scheduled": "限期整改", "explained": "解释说明"}
OVERTURN_GROUNDS = {"mistaken": "误评", "malicious": "恶意差评"}


class CaseStatus(LabelledEnum):
    """Where a case stands (its label, translated by the catalogs: 已收件, 待补正, 办理中 …)."""

    RECEIVED = "received", "received"
    """收件: received, not yet answered."""
    CORRECTING = "correcting", "awaiting correction"
    """补正: the applicant was told what to add or fix."""
    ACCEPTED = "accepted", "in progress"
    """受理 / 办理中."""
    SUSPENDED = "suspended", "clock stopped"
    """The clock is stopped (特别程序, 补正 waiting)."""
    FINISHED = "finished", "finished"
    """办结."""
    DELIVERED = "delivered", "delivered"
    """送达."""
    REFUSED = "refused", "not accepted"
    """不予受理."""
    WITHDRAWN = "withdrawn", "withdrawn"
    """撤回."""

    @property
    def open(self) -> bool:
        """Whether the case is still being handled."""
        return self in _OPEN


_OPEN = frozenset(
    {CaseStatus.RECEIVED, CaseStatus.CORRECTING, CaseStatus.ACCEPTED, CaseStatus.SUSPENDED}
)


@attrs.frozen
class ReviewState:
    """The case's 好差评 review and its follow-up.

    Attributes:
        review: The review's id.
        given: When it was given.
        level: The level (``very_satisfied`` … ``very_dissatisfied``).
        channel: Where it was given.
        real_name: Whether the reviewer can be called back (实名).
        contacted: When the reviewer was called back (回访), if yet.
        closed: When the 差评 was closed, if yet.
        disposition: How it was closed.
        overturned: ``mistaken`` (误评) or ``malicious`` (恶意差评) when overturned on appeal.
    """

    review: str
    given: dt.datetime
    level: str
    channel: str
    real_name: bool
    ratings: tuple[tuple[str, str], ...] = ()
    contacted: dt.datetime | None = None
    closed: dt.datetime | None = None
    disposition: str | None = None
    overturned: str | None = None

    @property
    def bad(self) -> bool:
        """Whether it is a 差评 (不满意 or 非常不满意)."""
        return self.level in ("dissatisfied", "very_dissatisfied")


@attrs.frozen
class Case:
    """A case as it stands after its events.

    Attributes:
        number: The case number (办件编号).
        opened: The event that opened it (hall, item, limits, links).
        status: Where it stands.
        received: When the application was received.
        accepted: The day the clock starts from (受理; the day of receipt when deemed).
        deemed: Whether acceptance is by law (行政许可法 §32).
        corrections: The materials named in the 补正 notice (empty without one).
        corrected_at: When the 补正 notice was given.
        steps: The handling steps recorded, in order.
        suspensions: The clock's suspensions.
        suspension_reasons: Each suspension's kind and reason.
        extension_days: Days added by approved extensions.
        finished: When it was finished (办结), refused or withdrawn.
        result: ``granted`` or ``denied``.
        delivered: When the result was delivered (送达).
        closed_reason: The reason of a refusal or withdrawal.
        review: The case's review, if any.
        version: How many events made it.
    """

    number: str
    opened: CaseOpened
    status: CaseStatus
    received: dt.datetime
    accepted: dt.date | None = None
    deemed: bool = False
    corrections: tuple[str, ...] = ()
    corrected_at: dt.datetime | None = None
    steps: tuple[str, ...] = ()
    suspensions: tuple[Suspension, ...] = ()
    suspension_reasons: tuple[tuple[str, str], ...] = ()
    extension_days: int = 0
    finished: dt.datetime | None = None
    result: str | None = None
    delivered: dt.datetime | None = None
    closed_reason: str = ""
    review: ReviewState | None = None
    version: int = 1

    @property
    def limit(self) -> int:
        """The time limit in working days: 承诺时限 plus approved extensions."""
        return self.opened.promised_days + self.extension_days

    @property
    def withdrawn_after_acceptance(self) -> bool:
        """A case taken back after acceptance (counted as 异常办理)."""
        return self.status is CaseStatus.WITHDRAWN and self.accepted is not None


def _illegal(command: str, reason: str, reason_zh: str) -> IllegalCaseCommandError:
    return IllegalCaseCommandError(
        f"cannot {command}: {reason}", f"无法{command_zh(command)}：{reason_zh}"
    )


_COMMANDS_ZH = {
    "open": "收件",
    "accept": "受理",
    "refuse": "不予受理",
    "correct": "一次性告知补正",
    "step": "记录办理环节",
    "suspend": "中止计时",
    "resume": "恢复计时",
    "extend": "延长时限",
    "finish": "办结",
    "deliver": "送达",
    "withdraw": "撤回",
    "review": "评价",
    "contact": "回访",
    "close review": "办结差评",
    "overturn": "申诉复核",
}


def command_zh(command: str) -> str:
    """The Chinese name of a command (for messages)."""
    return _COMMANDS_ZH.get(command, command)


def _need(case: Case, command: str, *allowed: CaseStatus) -> None:
    if case.status not in allowed:
        raise _illegal(
            command,
            f"case {case.number} is {case.status.value}",
            f"办件 {case.number} {case.status.label_zh}",
        )


_STEPS_BY_KIND = {
    "immediate": frozenset({"审查", "决定"}),
    "promised": frozenset({"审查", "现场核查", "决定"}),
    "joint": frozenset({"审查", "会签", "现场核查", "决定"}),
    "referred": frozenset({"审查", "报批", "决定"}),
    "urgent": frozenset({"审查", "决定"}),
}


def allowed_steps(kind: str) -> frozenset[str]:
    """The handling steps an item's handling kind allows (报批 only for 报批件 …)."""
    return _STEPS_BY_KIND.get(kind, frozenset({"审查", "决定"}))


def apply(case: Case | None, event: CaseEvent) -> Case:  # noqa: PLR0912, PLR0915
    """The state after ``event``; raises and changes nothing if the event does not fit."""
    if isinstance(event, CaseOpened):
        if case is not None:
            raise _illegal("open", f"case {event.case} exists", f"办件 {event.case} 已存在")
        return Case(event.case, event, CaseStatus.RECEIVED, event.at)
    if case is None:
        raise _illegal("act on", f"no case {event.case}", f"没有办件 {event.case}")
    case = attrs.evolve(case, version=case.version + 1)
    day = event.at.date()
    if isinstance(event, CorrectionRequested):
        if case.corrections:
            raise _illegal(
                "correct",
                "a correction notice was already given (一次性告知: one notice)",
                "已一次性告知补正，不得再次告知",
            )
        _need(case, "correct", CaseStatus.RECEIVED)
        if not event.materials:
            raise _illegal("correct", "name the materials to add or fix", "请列明需补正的材料")
        return attrs.evolve(
            case, status=CaseStatus.CORRECTING, corrections=event.materials, corrected_at=event.at
        )
    if isinstance(event, CaseAccepted):
        _need(case, "accept", CaseStatus.RECEIVED, CaseStatus.CORRECTING)
        start = case.received.date() if event.deemed else day
        return attrs.evolve(case, status=CaseStatus.ACCEPTED, accepted=start, deemed=event.deemed)
    if isinstance(event, CaseRefused):
        _need(case, "refuse", CaseStatus.RECEIVED, CaseStatus.CORRECTING)
        return attrs.evolve(
            case, status=CaseStatus.REFUSED, closed_reason=event.reason, finished=event.at
        )
    if isinstance(event, CaseStepRecorded):
        _need(case, "step", CaseStatus.ACCEPTED)
        steps = allowed_steps(case.opened.kind)
        if event.step not in steps:
            known = "、".join(sorted(steps))
            raise _illegal(
                "step",
                f"a {case.opened.kind} case has no step {event.step!r} (steps: {known})",
                f"{case.opened.kind} 办件没有“{event.step}”环节（可用：{known}）",
            )
        return attrs.evolve(case, steps=(*case.steps, event.step))
    if isinstance(event, CaseSuspended):
        _need(case, "suspend", CaseStatus.ACCEPTED)
        if event.kind not in SUSPENSION_KINDS:
            raise _illegal(
                "suspend",
                f"unknown kind {event.kind!r} (kinds: {', '.join(SUSPENSION_KINDS)})",
                f"未知的中止事由类别 {event.kind!r}",
            )
        if not event.reason.strip():
            raise _illegal("suspend", "give the reason", "请写明中止计时的理由")
        return attrs.evolve(
            case,
            status=CaseStatus.SUSPENDED,
            suspensions=(*case.suspensions, Suspension(day)),
            suspension_reasons=(*case.suspension_reasons, (event.kind, event.reason)),
        )
    if isinstance(event, CaseResumed):
        _need(case, "resume", CaseStatus.SUSPENDED)
        last = case.suspensions[-1]
        return attrs.evolve(
            case,
            status=CaseStatus.ACCEPTED,
            suspensions=(*case.suspensions[:-1], Suspension(last.start, day)),
        )
    if isinstance(event, CaseExtended):
        _need(case, "extend", CaseStatus.ACCEPTED, CaseStatus.SUSPENDED)
        if case.opened.kind == "immediate":
            raise _illegal(
                "extend", "an immediate (即办) case has no extension", "即办件不得延长时限"
            )
        most = JOINT_EXTENSION_DAYS if case.opened.kind == "joint" else EXTENSION_DAYS
        if not 0 < event.days <= most - case.extension_days:
            raise _illegal(
                "extend",
                f"extensions add 1–{most} working days in all (行政许可法 §42; "
                f"{case.extension_days} added so far, asked {event.days})",
                f"延长时限合计为 1–{most} 个工作日（行政许可法第四十二条；"
                f"已延长 {case.extension_days} 个，本次 {event.days} 个）",
            )
        if not event.approved_by.strip() or not event.reason.strip():
            raise _illegal("extend", "name who approved it and why", "请写明批准人和理由")
        return attrs.evolve(case, extension_days=case.extension_days + event.days)
    if isinstance(event, CaseFinished):
        _need(case, "finish", CaseStatus.ACCEPTED)
        if event.result not in RESULTS:
            raise _illegal(
                "finish", f"result must be granted or denied (got {event.result!r})",
                "办理结果须为准予（granted）或不予（denied）",
            )  # fmt: skip
        return attrs.evolve(
            case, status=CaseStatus.FINISHED, finished=event.at, result=event.result
        )
    if isinstance(event, CaseDelivered):
        _need(case, "deliver", CaseStatus.FINISHED)
        return attrs.evolve(case, status=CaseStatus.DELIVERED, delivered=event.at)
    if isinstance(event, CaseWithdrawn):
        _need(case, "withdraw", *_OPEN)
        suspensions = case.suspensions
        if case.status is CaseStatus.SUSPENDED:
            suspensions = (*suspensions[:-1], Suspension(suspensions[-1].start, day))
        return attrs.evolve(
            case,
            status=CaseStatus.WITHDRAWN,
            closed_reason=event.reason,
            finished=event.at,
            suspensions=suspensions,
        )
    return _apply_review(case, event)


def _apply_review(case: Case, event: CaseEvent) -> Case:
    review = case.review
    if isinstance(event, ReviewGiven):
        if review is not None:
            raise DuplicateReviewError(
                f"cannot review: case {case.number} already has review {review.review} (一事一评)",
                f"无法评价：办件 {case.number} 已有评价 {review.review}（一事一评）",
            )
        state = ReviewState(
            event.review, event.at, event.level, event.channel, event.real_name, event.ratings
        )
        return attrs.evolve(case, review=state)
    if review is None:
        raise _illegal(
            "contact", f"case {case.number} has no review", f"办件 {case.number} 尚无评价"
        )
    if not review.bad:
        raise _illegal("contact", "only a 差评 is followed up", "只有差评需要回访和整改")
    if isinstance(event, ReviewContacted):
        if not review.real_name:
            raise _illegal(
                "contact", "an anonymous review cannot be called back", "匿名评价无法回访"
            )
        if review.contacted is not None:
            raise _illegal("contact", "already contacted", "已回访")
        return attrs.evolve(case, review=attrs.evolve(review, contacted=event.at))
    if review.closed is not None or review.overturned is not None:
        raise _illegal("close review", "the 差评 is already closed", "该差评已办结")
    if isinstance(event, ReviewClosed):
        if event.disposition not in DISPOSITIONS:
            raise _illegal(
                "close review",
                f"disposition must be one of {', '.join(DISPOSITIONS)}",
                "整改方式须为立行立改、限期整改或解释说明",
            )
        return attrs.evolve(
            case, review=attrs.evolve(review, closed=event.at, disposition=event.disposition)
        )
    if isinstance(event, ReviewOverturned):
        if event.ground not in OVERTURN_GROUNDS:
            raise _illegal(
                "overturn", "ground must be mistaken or malicious", "申诉理由须为误评或恶意差评"
            )
        return attrs.evolve(
            case,
            review=attrs.evolve(
                review, closed=event.at, disposition="appeal", overturned=event.ground
            ),
        )
    raise TypeError(f"not a case event: {event!r}")  # pragma: no cover - exhaustive


def fold(events: Iterable[CaseEvent]) -> Case | None:
    """The case made by ``events`` (``None`` for none)."""
    case: Case | None = None
    for event in events:
        case = apply(case, event)
    return case
