"""Gather a hall's measured evidence from its records, for scoring: one function for all.

An assessment states what an assessor saw; the records say what the hall did. Given where
the records are — a 好差评 reviews file, an inspections file, the hall's queue database, a
case (办件) database —
:func:`gather_evidence` reads each one and returns the measured metrics (with their
structured provenance), the queue KPIs and the inspections, ready for
:func:`~govservice_std.evaluation.batch.evaluate_hall`. The command line's ``evaluate`` and
``evaluate-all`` call it, and so can an application.

Each kind of record is one reader in :data:`READERS`: a function of the request and the hall
that returns what it found. Adding a source of evidence is adding a field to
:class:`EvidenceRequest` and one reader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import attrs

from govservice_std.evaluation.inspections import Inspection, InspectionsDocument
from govservice_std.evaluation.measured import (
    Evidence,
    EvidenceKind,
    MeasuredMetrics,
    recorded_queue_kpis,
    review_metrics,
)
from govservice_std.evaluation.reviews import ReviewsDocument, summarize_reviews
from govservice_std.queues.kpis import QueueKpis
from govservice_std.registry import ResolvedLocality
from govservice_std.serialization import load

__all__ = [
    "READERS",
    "EvidenceContext",
    "EvidenceRequest",
    "GatheredEvidence",
    "Reader",
    "gather_evidence",
]


@attrs.frozen
class EvidenceRequest:
    """Where a hall's records are, and which day they should cover.

    Args:
        reviews: A 好差评 reviews file (its rates become the ``reviews.*`` metrics).
        inspections: An inspections file (overdue orders, the on-time rate).
        queue_db: The halls' queue database (SQLite): the hall's KPIs become ``queue.*``.
        day: With ``queue_db``: one service day (default: every day in the record).
        cases_db: The case database (SQLite, ``govstd case``): the hall's case KPIs and the
            reviews tied to its cases become the ``items.*`` and ``reviews.*`` metrics.
        cases_from: With ``cases_db``: the first day of the period (default: unbounded).
        cases_to: With ``cases_db``: the last day of the period (default: unbounded).
    """

    reviews: Path | None = None
    inspections: Path | None = None
    queue_db: Path | None = None
    day: dt.date | None = None
    cases_db: Path | None = None
    cases_from: dt.date | None = None
    cases_to: dt.date | None = None


@attrs.frozen
class GatheredEvidence:
    """What the records of one hall say, ready to score.

    Attributes:
        metrics: Measured metrics with their structured provenance.
        queue: The hall's queue KPIs, if its queue record was read.
        inspections: The inspections read (the scorer keeps the hall's own).
    """

    metrics: MeasuredMetrics = attrs.field(factory=MeasuredMetrics)
    queue: QueueKpis | None = None
    inspections: tuple[Inspection, ...] = ()

    def merged(self, other: GatheredEvidence) -> GatheredEvidence:
        """This evidence with ``other``'s added (``other`` wins on the same metric)."""
        return GatheredEvidence(
            self.metrics.merged(other.metrics),
            other.queue or self.queue,
            (*self.inspections, *other.inspections),
        )


@attrs.frozen
class EvidenceContext:
    """What a reader knows besides the request: whose rules, which hall, which day.

    Attributes:
        resolved: The locality whose rules apply.
        hall: The hall's code.
        today: The day deadlines are judged on.
    """

    resolved: ResolvedLocality
    hall: str
    today: dt.date


Reader = Callable[[EvidenceRequest, EvidenceContext], GatheredEvidence]
"""A reader of one kind of record: the request and the context in, what it found out."""


def _reviews(request: EvidenceRequest, at: EvidenceContext) -> GatheredEvidence:
    if request.reviews is None:
        return GatheredEvidence()
    document = load(request.reviews, ReviewsDocument)
    summary = summarize_reviews(
        document.reviews,
        at.resolved.review_policy,
        today=at.today,
        hall=at.hall,
        calendar=at.resolved.calendar,
    )
    source = Evidence(EvidenceKind.REVIEWS, source=request.reviews.name, sample=summary.total)
    return GatheredEvidence(review_metrics(summary, source=source))


def _inspections(request: EvidenceRequest, _at: EvidenceContext) -> GatheredEvidence:
    if request.inspections is None:
        return GatheredEvidence()
    return GatheredEvidence(inspections=load(request.inspections, InspectionsDocument).inspections)


def _queue(request: EvidenceRequest, at: EvidenceContext) -> GatheredEvidence:
    if request.queue_db is None:
        return GatheredEvidence()
    from govservice_std.queues.stores.sqlite import SQLiteStore  # noqa: PLC0415 - lazy driver

    if at.hall not in SQLiteStore.halls(request.queue_db):
        return GatheredEvidence()
    with SQLiteStore(request.queue_db, at.hall) as store:
        kpis = recorded_queue_kpis(at.resolved, store, day=request.day)
    return GatheredEvidence(queue=kpis)


def _cases(request: EvidenceRequest, at: EvidenceContext) -> GatheredEvidence:
    if request.cases_db is None:
        return GatheredEvidence()
    # The case package reads evaluation's models; it is imported only when asked for.
    from govservice_std.cases.evidence import case_evidence  # noqa: PLC0415

    metrics = case_evidence(
        at.resolved, request.cases_db, at.hall, start=request.cases_from, end=request.cases_to
    )
    return GatheredEvidence(metrics)


READERS: tuple[Reader, ...] = (_reviews, _cases, _inspections, _queue)
"""The readers :func:`gather_evidence` runs, one per kind of record, in this order."""


def gather_evidence(
    resolved: ResolvedLocality,
    hall: str,
    request: EvidenceRequest,
    *,
    today: dt.date,
) -> GatheredEvidence:
    """Read every record ``request`` names for ``hall``, under a locality's rules.

    Args:
        resolved: The locality whose rules apply (review deadlines on its calendar, the
            queue target of its queue policy).
        hall: The hall's code; records of other halls are left out.
        request: Where the records are.
        today: The day deadlines are judged on (an assessment's date, say).

    Returns:
        The measured metrics, queue KPIs and inspections found; empty for a record that
        does not name the hall (a queue database without it).
    """
    at = EvidenceContext(resolved, hall, today)
    gathered = GatheredEvidence()
    for read in READERS:
        gathered = gathered.merged(read(request, at))
    return gathered
