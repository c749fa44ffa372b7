"""好差评 tied to cases: the figures of the reviews kept in the case store.

Reviews recorded with :meth:`CaseEngine.review <govservice_std.cases.engine.CaseEngine.review>`
name their case (one per case: 一事一评) and live in the store beside it. Their figures
follow 国办发〔2019〕51号 and the locality's review policy:

* a 差评 overturned on appeal (申诉复核) as 误评 or 恶意差评 is left out of 满意率 and counted
  separately (``overturned_mistaken``, ``overturned_malicious``);
* 回访率 counts only real-name 差评 — an anonymous reviewer cannot be called back;
* the rectification clock starts from the 差评 (the default) or from the 回访, as the
  locality's ``reviews.rectify_from_contact`` parameter says; a 差评 closed by its due
  date was rectified on time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs

from govservice_std.calendar import WorkingCalendar
from govservice_std.cases.engine import CaseEngine, review_row
from govservice_std.cases.events import CaseEvent, ReviewClosed, ReviewContacted, ReviewGiven
from govservice_std.cases.model import Case, fold
from govservice_std.cases.stores import CaseStore
from govservice_std.errors import CaseError, DataProblem, InvalidDataError
from govservice_std.evaluation.deadlines import due_date
from govservice_std.evaluation.reviews import Disposition, Review, ReviewLevel, ReviewPolicy
from govservice_std.queues.events import CHINA_TZ

__all__ = ["CaseReviewSummary", "import_reviews", "summarize_case_reviews"]


@attrs.frozen
class CaseReviewSummary:
    """The figures of the reviews in a case store.

    Attributes:
        total: Reviews counted (overturned ones included).
        counted: Reviews counted in 满意率 (overturned ones left out).
        satisfied: Satisfied reviews among ``counted``.
        bad: 差评 not overturned.
        overturned_mistaken: 差评 overturned as 误评.
        overturned_malicious: 差评 overturned as 恶意差评.
        real_name_bad: Real-name 差评 (those that can be called back).
        contacted: Real-name 差评 called back (回访).
        closed: 差评 closed (rectified, explained).
        closed_on_time: 差评 closed by their rectification due date.
        open_overdue: 差评 not closed and past their due date on ``today``.
        rectify_from_contact: Whether the rectification clock ran from the 回访.
    """

    total: int
    counted: int
    satisfied: int
    bad: int
    overturned_mistaken: int
    overturned_malicious: int
    real_name_bad: int
    contacted: int
    closed: int
    closed_on_time: int
    open_overdue: int
    rectify_from_contact: bool

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率, overturned 差评 left out (``None`` without reviews)."""
        return self.satisfied / self.counted if self.counted else None

    @property
    def follow_up_rate(self) -> float | None:
        """回访率 over real-name 差评 (``None`` without any)."""
        return self.contacted / self.real_name_bad if self.real_name_bad else None

    @property
    def rectification_rate(self) -> float | None:
        """差评整改率: 差评 closed over 差评 (``None`` without any)."""
        return self.closed / self.bad if self.bad else None

    def as_metrics(self) -> dict[str, float]:
        """The ``reviews.*`` metrics that have a value."""
        pairs = (
            ("reviews.satisfaction_rate", self.satisfaction_rate),
            ("reviews.follow_up_rate", self.follow_up_rate),
            ("reviews.rectification_rate", self.rectification_rate),
        )
        return {name: value for name, value in pairs if value is not None}

    def samples(self) -> dict[str, int]:
        """The number of reviews behind each metric."""
        return {
            "reviews.satisfaction_rate": self.counted,
            "reviews.follow_up_rate": self.real_name_bad,
            "reviews.rectification_rate": self.bad,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready figures."""
        return {
            **attrs.asdict(self),
            "satisfaction_rate": self.satisfaction_rate,
            "follow_up_rate": self.follow_up_rate,
            "rectification_rate": self.rectification_rate,
        }


def summarize_case_reviews(
    store: CaseStore,
    policy: ReviewPolicy,
    *,
    today: dt.date,
    calendar: WorkingCalendar | None = None,
    rectify_from_contact: bool = False,
    start: dt.date | None = None,
    end: dt.date | None = None,
    hall: str | None = None,
) -> CaseReviewSummary:
    """Summarise the store's reviews given from ``start`` to ``end`` (read as a stream).

    Args:
        store: The case store.
        policy: The locality's review policy (deadlines, 满意率 formula).
        today: The day open 差评 are judged on.
        calendar: The working calendar (default: the official one).
        rectify_from_contact: Start the rectification clock at the 回访, not the 差评.
        start: First day (by the day the review was given).
        end: Last day.
        hall: Only this hall's reviews.
    """
    cal = calendar or WorkingCalendar()
    sql = (
        "SELECT level, real_name, given, contacted, closed, disposition, overturned "
        "FROM case_reviews WHERE 1 = 1"
    )
    params: list[object] = []
    if hall is not None:
        sql += " AND hall = ?"
        params.append(hall)
    counts = dict.fromkeys(
        ("total", "counted", "satisfied", "bad", "mistaken", "malicious", "real", "contacted",
         "closed", "on_time", "overdue"), 0,
    )  # fmt: skip
    for level, real_name, given, contacted, closed, disposition, overturned in store.stream(
        sql, params
    ):
        day = dt.datetime.fromisoformat(given).date()
        if (start and day < start) or (end and day > end):
            continue
        counts["total"] += 1
        if overturned:
            counts["mistaken" if overturned == "mistaken" else "malicious"] += 1
            continue
        counts["counted"] += 1
        the_level = ReviewLevel(level)
        counts["satisfied"] += policy.is_satisfied(the_level)
        if not the_level.is_bad:
            continue
        counts["bad"] += 1
        contact_day = dt.datetime.fromisoformat(contacted).date() if contacted else None
        if real_name:
            counts["real"] += 1
            counts["contacted"] += contact_day is not None
        chosen = Disposition(disposition) if disposition in _DISPOSITIONS else None
        origin = contact_day if rectify_from_contact else day
        due = None
        if origin is not None:
            due, _ = due_date(cal, origin, policy.days_for(chosen))
        if closed:
            counts["closed"] += 1
            counts["on_time"] += due is not None and dt.datetime.fromisoformat(closed).date() <= due
        elif due is not None and today > due:
            counts["overdue"] += 1
    c = counts
    return CaseReviewSummary(
        c["total"], c["counted"], c["satisfied"], c["bad"], c["mistaken"], c["malicious"],
        c["real"], c["contacted"], c["closed"], c["on_time"], c["overdue"], rectify_from_contact,
    )  # fmt: skip


_DISPOSITIONS = {d.value for d in Disposition}


def import_reviews(engine: CaseEngine, reviews: Iterable[Review], *, source: str) -> int:
    """Tie the reviews of a review file to their cases in the store, with their follow-up.

    Each review names its case (``case``) or the hall and queue ticket linked to a case.
    Every review is checked first — an unknown case, a second review of a case, a
    follow-up that does not fit — and every problem is reported with the review's place in
    the file; if there is any, nothing is imported. A 差评 closed by 申诉复核 in the file is a
    problem too: the file does not say whether the appeal found 误评 or 恶意差评, so record it
    with :meth:`CaseEngine.overturn <govservice_std.cases.engine.CaseEngine.overturn>`.

    Returns:
        How many reviews were imported.

    Raises:
        InvalidDataError: Listing every problem.
    """
    problems: list[DataProblem] = []
    with engine.store.transaction() as tx:
        done: list[Case] = []
        for i, review in enumerate(reviews):
            where = f"reviews[{i}]"
            number = review.case or (
                tx.case_by_ticket(review.hall, review.ticket) if review.ticket else None
            )
            events = tx.events(number) if number else []
            if not events:
                what = review.case or f"ticket {review.ticket or '?'} at hall {review.hall or '?'}"
                problems.append(DataProblem(f"{where}.case", f"no such case in the store ({what})"))
                continue
            assert number is not None  # noqa: S101 - events were found for it
            at = dt.datetime.combine(review.date, dt.time(9), CHINA_TZ)
            new: list[CaseEvent] = [
                ReviewGiven(
                    number,
                    at,
                    review.id,
                    review.level.value,
                    review.channel.value,
                    review.real_name,
                    tuple((k, v.value) for k, v in review.ratings.items()),
                    review.comment,
                )
            ]
            follow = review.follow_up
            if follow is not None and follow.contacted is not None:
                new.append(ReviewContacted(number, _noon(follow.contacted)))
            if follow is not None and follow.closed is not None:
                if follow.disposition is Disposition.APPEAL:
                    problems.append(
                        DataProblem(
                            f"{where}.follow_up.disposition",
                            "an appeal's finding (误评 or 恶意差评) is not in the file: "
                            "record it with govstd case review-overturn",
                        )
                    )
                    continue
                assert follow.disposition is not None  # noqa: S101 - FollowUp checks it
                new.append(ReviewClosed(number, _noon(follow.closed), follow.disposition.value))
            try:
                case = fold([*events, *new])
            except CaseError as exc:
                problems.append(DataProblem(where, exc.localized("en")))
                continue
            assert case is not None  # noqa: S101
            tx.append(new)
            try:
                tx.put_review(review_row(case), new=True)
            except CaseError as exc:
                problems.append(DataProblem(f"{where}.id", exc.localized("en")))
                continue
            done.append(case)
        if problems:
            # Raising inside the transaction writes nothing.
            raise InvalidDataError(problems, source)
    return len(done)


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), CHINA_TZ)
