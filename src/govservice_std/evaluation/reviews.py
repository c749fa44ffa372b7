"""好差评: reviews of halls, windows and staff, the 差评 workflow, and its metrics.

Every hall, window and platform is rated (国办发〔2019〕51号): on site "一次一评", online
"一事一评". A :class:`Review` has one of five levels (:class:`ReviewLevel`; the bottom two are
差评), a channel, optional per-dimension ratings, and the ticket, item, window and staff it
concerns. A 差评 is followed up (:class:`FollowUp`): the reviewer is contacted to verify it
(回访核实), then it is closed one of four ways (:class:`Disposition`: 立行立改, 限期整改,
解释说明, 申诉复核). The deadlines of each step, in working days, come from the locality's
:class:`ReviewPolicy` — the ``reviews.*`` parameters of its standard, since no national figure
is confirmed.

:func:`summarize_reviews` computes 满意率 (whether 基本满意 counts is configurable), 好评率,
差评整改率, 回访率 and the list of overdue 差评; :meth:`ReviewSummary.as_metrics` feeds them
to the standard's metric criteria.

>>> import datetime as dt
>>> reviews = [
...     Review(id="r1", level="very_satisfied", channel="on_site", date="2026-11-02"),
...     Review(id="r2", level="basically_satisfied", channel="online", date="2026-11-02"),
...     Review(id="r3", level="dissatisfied", channel="on_site", date="2026-11-02"),
... ]
>>> s = summarize_reviews(reviews, ReviewPolicy(), today=dt.date(2026, 11, 5))
>>> round(s.satisfaction_rate, 3), s.bad, [o.review for o in s.overdue]
(0.667, 1, ['r3'])
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from govservice_std._fields import identifier, to_enum
from govservice_std.calendar import WorkingCalendar
from govservice_std.errors import FieldValueError
from govservice_std.evaluation._convert import to_date, to_optional_date, tuple_of
from govservice_std.evaluation.deadlines import DueDateCalendar, due_date
from govservice_std.evaluation.standard import Standard
from govservice_std.i18n import LabelledEnum

__all__ = [
    "OFFLINE_DIMENSIONS",
    "ONLINE_DIMENSIONS",
    "BadReviewState",
    "Disposition",
    "FollowUp",
    "Review",
    "ReviewChannel",
    "ReviewLevel",
    "ReviewPolicy",
    "ReviewSummary",
    "ReviewsDocument",
    "StepStatus",
    "summarize_reviews",
    "track_bad_reviews",
]

OFFLINE_DIMENSIONS = ("整体满意度", "服务效率", "服务水平", "服务态度")
"""Dimensions rated on site (国办发〔2019〕51号)."""
ONLINE_DIMENSIONS = ("整体满意度", "办事效率", "办事指南精确度", "办事便捷度", "平台操作性")
"""Dimensions rated online (国办发〔2019〕51号)."""


class ReviewLevel(LabelledEnum):
    """The five levels of a review; the bottom two are 差评."""

    VERY_SATISFIED = "very_satisfied", "very satisfied"
    SATISFIED = "satisfied", "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied", "basically satisfied"
    DISSATISFIED = "dissatisfied", "dissatisfied"
    VERY_DISSATISFIED = "very_dissatisfied", "very dissatisfied"

    @property
    def is_bad(self) -> bool:
        """Whether the level is a 差评 (不满意 or 非常不满意)."""
        return self in (ReviewLevel.DISSATISFIED, ReviewLevel.VERY_DISSATISFIED)

    @property
    def score(self) -> int:
        """5 for 非常满意 down to 1 for 非常不满意."""
        return 5 - list(ReviewLevel).index(self)


class ReviewChannel(enum.Enum):
    """Where a review was given."""

    ON_SITE = "on_site"
    """At the hall (评价器, 一次一评)."""
    ONLINE = "online"
    """On the online service platform (一事一评)."""
    MOBILE = "mobile"
    """On a mobile app or mini-program."""
    HOTLINE = "hotline"
    """By telephone (e.g. 12345)."""
    SMS = "sms"
    """By text message after the service."""


class Disposition(LabelledEnum):
    """How a verified 差评 is closed."""

    IMMEDIATE = "immediate", "rectified on the spot"
    """立行立改: clear and reasonable, put right at once."""
    SCHEDULED = "scheduled", "rectified by a deadline"
    """限期整改: complex, entered in the ledger (台账) and rectified by a deadline."""
    EXPLAINED = "explained", "explained"
    """解释说明: the request has no legal basis; explained to the reviewer."""
    APPEAL = "appeal", "appeal and review"
    """申诉复核: the review is mistaken or malicious; appealed for review."""


def _level(value: ReviewLevel | str) -> ReviewLevel:
    return to_enum(ReviewLevel, value, "level")


def _channel(value: ReviewChannel | str) -> ReviewChannel:
    return to_enum(ReviewChannel, value, "channel")


def _disposition(value: Disposition | str | None) -> Disposition | None:
    return None if value is None else to_enum(Disposition, value, "disposition")


def _ratings(value: Mapping[str, ReviewLevel | str]) -> dict[str, ReviewLevel]:
    out: dict[str, ReviewLevel] = {}
    known = set(OFFLINE_DIMENSIONS) | set(ONLINE_DIMENSIONS)
    for key, level in value.items():
        if key not in known:
            raise FieldValueError(
                f"ratings.{key}", f"unknown dimension (known: {', '.join(sorted(known))})"
            )
        out[key] = to_enum(ReviewLevel, level, f"ratings.{key}")
    return out


@attrs.frozen
class FollowUp:
    """The follow-up of a 差评.

    Args:
        contacted: When the reviewer was contacted to verify the review (回访核实).
        disposition: How it is being closed.
        closed: When it was closed.
        handler: Who is responsible (谁办理谁负责).
        notes: What was found and done.
    """

    contacted: dt.date | None = attrs.field(default=None, converter=to_optional_date)
    disposition: Disposition | None = attrs.field(default=None, converter=_disposition)
    closed: dt.date | None = attrs.field(default=None, converter=to_optional_date)
    handler: str = ""
    notes: str = ""

    def __attrs_post_init__(self) -> None:
        if self.closed is not None and self.disposition is None:
            raise FieldValueError("disposition", "a closed follow-up needs its disposition")
        if self.closed is not None and self.contacted is None:
            raise FieldValueError(
                "contacted", "a 差评 is verified with the reviewer before closing"
            )
        if self.closed and self.contacted and self.closed < self.contacted:
            raise FieldValueError("closed", "cannot be before contacted")


@attrs.frozen
class Review:
    """One 好差评 review.

    Args:
        id: The review's id.
        level: The overall level.
        channel: Where it was given.
        date: When.
        hall: The hall's code.
        ratings: Levels per dimension (整体满意度, 服务效率…).
        ticket: The queue ticket, if any.
        item: The service item's code, if any.
        window: The window's code, if any.
        staff: The staff member's id, if any.
        comment: The reviewer's words.
        follow_up: The 差评 follow-up so far.
        case: The 办件 (case number) it rates, if known; ``govstd case import-reviews``
            ties the review to that case in the case store (or to the case of ``ticket``).
        real_name: Whether the reviewer can be called back (实名); anonymous reviews are left
            out of 回访率 where the reviews are tied to cases.
    """

    id: str = attrs.field(validator=identifier)
    level: ReviewLevel = attrs.field(converter=_level)
    channel: ReviewChannel = attrs.field(converter=_channel)
    date: dt.date = attrs.field(converter=to_date)
    hall: str = ""
    ratings: dict[str, ReviewLevel] = attrs.field(factory=dict, converter=_ratings)
    ticket: str = ""
    item: str = ""
    window: str = ""
    staff: str = ""
    comment: str = ""
    follow_up: FollowUp | None = None
    case: str = ""
    real_name: bool = True

    def __attrs_post_init__(self) -> None:
        if self.follow_up is not None and not self.level.is_bad:
            raise FieldValueError("follow_up", "only a 差评 (不满意, 非常不满意) is followed up")
        if self.follow_up and self.follow_up.contacted and self.follow_up.contacted < self.date:
            raise FieldValueError("follow_up.contacted", "cannot be before the review")


@attrs.frozen
class ReviewsDocument:
    """A file of reviews.

    Args:
        reviews: The reviews.
        illustrative: Whether they are invented for an example.
        notes: Free text.
    """

    reviews: tuple[Review, ...] = attrs.field(default=(), converter=tuple_of)
    illustrative: bool = False
    notes: str = ""


@attrs.frozen
class ReviewPolicy:
    """A locality's 差评 deadlines (working days) and its 满意率 formula.

    The defaults equal the national baseline's illustrative ``reviews.*`` parameters; build
    a locality's policy with :meth:`from_standard`.

    Args:
        contact_days: From the review to contacting the reviewer (回访核实).
        immediate_days: From contact to closing a 立行立改.
        rectify_days: From contact to closing a 限期整改 (also used while undecided).
        explain_days: From contact to closing a 解释说明.
        appeal_days: From contact to closing a 申诉复核.
        basic_counts_as_satisfied: Whether 基本满意 counts as satisfied in 满意率.
    """

    contact_days: int = 1
    immediate_days: int = 3
    rectify_days: int = 15
    explain_days: int = 3
    appeal_days: int = 5
    basic_counts_as_satisfied: bool = True

    @classmethod
    def from_standard(cls, standard: Standard) -> ReviewPolicy:
        """The policy set by a standard's ``reviews.*`` parameters (defaults where absent)."""
        base = cls()

        def days(name: str, default: int) -> int:
            entry = standard.parameters.get(f"reviews.{name}")
            return int(entry.parameter.value) if entry is not None else default

        flag = standard.parameters.get("reviews.basic_counts_as_satisfied")
        return cls(
            contact_days=days("contact_days", base.contact_days),
            immediate_days=days("immediate_days", base.immediate_days),
            rectify_days=days("rectify_days", base.rectify_days),
            explain_days=days("explain_days", base.explain_days),
            appeal_days=days("appeal_days", base.appeal_days),
            basic_counts_as_satisfied=(
                bool(flag.parameter.value) if flag is not None else base.basic_counts_as_satisfied
            ),
        )

    def days_for(self, disposition: Disposition | None) -> int:
        """Working days from contact to closing under ``disposition``."""
        return {
            Disposition.IMMEDIATE: self.immediate_days,
            Disposition.SCHEDULED: self.rectify_days,
            Disposition.EXPLAINED: self.explain_days,
            Disposition.APPEAL: self.appeal_days,
            None: self.rectify_days,
        }[disposition]

    def is_satisfied(self, level: ReviewLevel) -> bool:
        """Whether ``level`` counts as satisfied in 满意率."""
        if level is ReviewLevel.BASICALLY_SATISFIED:
            return self.basic_counts_as_satisfied
        return not level.is_bad


class StepStatus(enum.Enum):
    """Where a 差评 stands on a given day."""

    AWAITING_CONTACT = "awaiting_contact"
    """Not yet contacted, contact not yet due."""
    CONTACT_OVERDUE = "contact_overdue"
    """Not contacted by the contact deadline."""
    IN_PROGRESS = "in_progress"
    """Contacted, not closed, closing not yet due."""
    CLOSE_OVERDUE = "close_overdue"
    """Contacted, not closed by the closing deadline."""
    CLOSED_ON_TIME = "closed_on_time"
    """Closed by its deadline."""
    CLOSED_LATE = "closed_late"
    """Closed after its deadline."""

    @property
    def overdue(self) -> bool:
        """Whether a step is past its deadline and not done."""
        return self in (StepStatus.CONTACT_OVERDUE, StepStatus.CLOSE_OVERDUE)


@attrs.frozen
class BadReviewState:
    """A 差评 as tracked on a given day.

    Attributes:
        review: The review's id.
        hall: The hall's code.
        window: The window's code.
        staff: The staff member's id.
        level: The review's level.
        status: Where it stands.
        due: The deadline of the step it is at (contact, or closing).
        contact_due: The contact deadline.
        disposition: How it is being closed, if decided.
        due_estimated: Whether ``due`` or ``contact_due`` runs into a year whose official
            holiday schedule is not published yet, so the date rests on an estimated
            schedule and may move (see :func:`~govservice_std.evaluation.deadlines.due_date`).
    """

    review: str
    hall: str
    window: str
    staff: str
    level: ReviewLevel
    status: StepStatus
    due: dt.date
    contact_due: dt.date
    disposition: Disposition | None
    due_estimated: bool = False

    @property
    def overdue(self) -> bool:
        """Whether the current step is past its deadline."""
        return self.status.overdue


def track_bad_reviews(
    reviews: Iterable[Review],
    policy: ReviewPolicy,
    *,
    today: dt.date,
    calendar: DueDateCalendar | None = None,
) -> tuple[BadReviewState, ...]:
    """Follow every 差评 through 回访核实 and closing, as of ``today``.

    Steps done after ``today`` count as not done yet. Deadlines are counted in working days
    on ``calendar``; one that runs into a year whose holiday schedule is not published yet
    is counted on an estimated schedule and flagged (``due_estimated``) rather than refused.

    Args:
        reviews: The reviews (only 差评 are tracked).
        policy: The deadlines.
        today: The day to judge on.
        calendar: Working-day calendar (default: the official national calendar; pass the
            locality's, ``resolved.calendar``).
    """
    cal = calendar or WorkingCalendar()
    out: list[BadReviewState] = []
    for review in reviews:
        if not review.level.is_bad:
            continue
        follow = review.follow_up or FollowUp()
        contact_due, estimated = due_date(cal, review.date, policy.contact_days)
        contacted = follow.contacted if follow.contacted and follow.contacted <= today else None
        closed = follow.closed if follow.closed and follow.closed <= today else None
        if contacted is None:
            due = contact_due
            status = StepStatus.CONTACT_OVERDUE if today > due else StepStatus.AWAITING_CONTACT
        else:
            due, close_estimated = due_date(cal, contacted, policy.days_for(follow.disposition))
            estimated = estimated or close_estimated
            if closed is not None:
                status = StepStatus.CLOSED_ON_TIME if closed <= due else StepStatus.CLOSED_LATE
            else:
                status = StepStatus.CLOSE_OVERDUE if today > due else StepStatus.IN_PROGRESS
        out.append(
            BadReviewState(
                review=review.id,
                hall=review.hall,
                window=review.window,
                staff=review.staff,
                level=review.level,
                status=status,
                due=due,
                contact_due=contact_due,
                disposition=follow.disposition,
                due_estimated=estimated,
            )
        )
    return tuple(out)


@attrs.frozen
class ReviewSummary:
    """Counts and rates of a set of reviews.

    Attributes:
        total: How many reviews.
        by_level: Reviews per level.
        by_channel: Reviews per channel.
        satisfaction_rate: 满意率 — satisfied over all (``None`` without reviews).
        good_rate: 好评率 — 非常满意 and 满意 over all (``None`` without reviews).
        bad: How many 差评.
        follow_up_rate: 回访率 — 差评 contacted over all 差评 (1 without 差评).
        rectification_rate: 差评整改率 — 差评 closed over all 差评 (1 without 差评).
        dimensions: Mean score (1–5) per rated dimension.
        bad_by_window: 差评 per window code (reviews that name one).
        bad_by_staff: 差评 per staff id (reviews that name one).
        bad_by_item: 差评 per service item (reviews that name one).
        bad_reviews: Every 差评's state.
        policy: The policy applied.
    """

    total: int
    by_level: Mapping[ReviewLevel, int]
    by_channel: Mapping[ReviewChannel, int]
    satisfaction_rate: float | None
    good_rate: float | None
    bad: int
    follow_up_rate: float
    rectification_rate: float
    dimensions: Mapping[str, float]
    bad_by_window: Mapping[str, int]
    bad_by_staff: Mapping[str, int]
    bad_by_item: Mapping[str, int]
    bad_reviews: tuple[BadReviewState, ...]
    policy: ReviewPolicy

    @property
    def overdue(self) -> tuple[BadReviewState, ...]:
        """The 差评 whose current step is past its deadline."""
        return tuple(s for s in self.bad_reviews if s.overdue)

    @property
    def deadlines_estimated(self) -> bool:
        """Whether any 差评 deadline rests on an estimated holiday schedule."""
        return any(s.due_estimated for s in self.bad_reviews)

    def as_metrics(self) -> dict[str, float]:
        """The metrics the standard's criteria read (``reviews.*``)."""
        out = {
            "reviews.follow_up_rate": self.follow_up_rate,
            "reviews.rectification_rate": self.rectification_rate,
        }
        if self.satisfaction_rate is not None:
            out["reviews.satisfaction_rate"] = self.satisfaction_rate
        return out

    def samples(self) -> dict[str, int]:
        """How many reviews each of :meth:`as_metrics`' values rests on.

        The satisfaction rate rests on every review counted, the follow-up and
        rectification rates on the 差评.
        """
        return {
            "reviews.follow_up_rate": self.bad,
            "reviews.rectification_rate": self.bad,
            "reviews.satisfaction_rate": self.total,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (the ``govstd reviews --json`` document)."""
        return {
            "total": self.total,
            "by_level": {k.value: v for k, v in self.by_level.items()},
            "by_channel": {k.value: v for k, v in self.by_channel.items()},
            "satisfaction_rate": self.satisfaction_rate,
            "basic_counts_as_satisfied": self.policy.basic_counts_as_satisfied,
            "good_rate": self.good_rate,
            "bad": self.bad,
            "follow_up_rate": self.follow_up_rate,
            "rectification_rate": self.rectification_rate,
            "dimensions": dict(self.dimensions),
            "bad_by_window": dict(self.bad_by_window),
            "bad_by_staff": dict(self.bad_by_staff),
            "bad_by_item": dict(self.bad_by_item),
            "overdue": [
                {
                    "review": s.review,
                    "hall": s.hall,
                    "window": s.window,
                    "staff": s.staff,
                    "status": s.status.value,
                    "due": s.due.isoformat(),
                    "due_estimated": s.due_estimated,
                }
                for s in self.overdue
            ],
            "deadlines_estimated": self.deadlines_estimated,
        }


def summarize_reviews(
    reviews: Iterable[Review],
    policy: ReviewPolicy,
    *,
    today: dt.date,
    hall: str | None = None,
    calendar: DueDateCalendar | None = None,
) -> ReviewSummary:
    """Summarise reviews: counts, 满意率, 好评率, 差评整改率, 回访率, overdue 差评.

    Args:
        reviews: The reviews.
        policy: Deadlines and the 满意率 formula.
        today: The day to judge deadlines on.
        hall: Only the reviews of this hall.
        calendar: Working-day calendar (default: the official national calendar; pass the
            locality's, ``resolved.calendar``). Deadlines in a
            year without a published holiday schedule are estimated and flagged.
    """
    chosen = [r for r in reviews if hall is None or r.hall == hall]
    by_level = dict.fromkeys(ReviewLevel, 0)
    by_channel: dict[ReviewChannel, int] = {}
    sums: dict[str, list[int]] = {}
    by_window: dict[str, int] = {}
    by_staff: dict[str, int] = {}
    by_item: dict[str, int] = {}
    for review in chosen:
        by_level[review.level] += 1
        if review.level.is_bad:
            for key, counts in ((review.window, by_window), (review.staff, by_staff)):
                if key:
                    counts[key] = counts.get(key, 0) + 1
            if review.item:
                by_item[review.item] = by_item.get(review.item, 0) + 1
        by_channel[review.channel] = by_channel.get(review.channel, 0) + 1
        for dim, level in review.ratings.items():
            sums.setdefault(dim, []).append(level.score)
    total = len(chosen)
    satisfied = sum(n for level, n in by_level.items() if policy.is_satisfied(level))
    good = by_level[ReviewLevel.VERY_SATISFIED] + by_level[ReviewLevel.SATISFIED]
    states = track_bad_reviews(chosen, policy, today=today, calendar=calendar)
    bad = len(states)
    contacted = sum(1 for s in states if s.status not in _NOT_CONTACTED)
    closed = sum(1 for s in states if s.status in _CLOSED)
    return ReviewSummary(
        total=total,
        by_level=by_level,
        by_channel=by_channel,
        satisfaction_rate=satisfied / total if total else None,
        good_rate=good / total if total else None,
        bad=bad,
        follow_up_rate=contacted / bad if bad else 1.0,
        rectification_rate=closed / bad if bad else 1.0,
        dimensions={dim: sum(v) / len(v) for dim, v in sums.items()},
        bad_by_window=by_window,
        bad_by_staff=by_staff,
        bad_by_item=by_item,
        bad_reviews=states,
        policy=policy,
    )


_NOT_CONTACTED = (StepStatus.AWAITING_CONTACT, StepStatus.CONTACT_OVERDUE)
_CLOSED = (StepStatus.CLOSED_ON_TIME, StepStatus.CLOSED_LATE)
