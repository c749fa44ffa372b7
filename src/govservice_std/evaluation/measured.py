"""Measured metrics, read straight from the data, with where each value came from.

Metric criteria read numbers — mean waiting time, 好差评 rates, inspection follow-up. An
assessor may type them into an assessment, but the library can also read them from the
records themselves: a hall's queue KPIs (:class:`~govservice_std.queues.kpis.QueueKpis`,
live or a recorded day read back from a store), a 好差评 summary
(:class:`~govservice_std.evaluation.reviews.ReviewSummary`) and inspection orders. A
:class:`MeasuredMetrics` carries such values *and their provenance*; measured values
replace typed ones when a hall is scored, and the scorecard lists the provenance and the
sample size among the criterion's evidence (``"queue record 2026-11-20 (n=2)"``). The
provenance is structured — an :class:`Evidence` names the kind of record, its day or number
of days and its sample size — and the reports word it in the language of the run. A value
resting on fewer records than the locality's minimum sample (the ``sample.min`` parameters,
see :meth:`Standard.min_sample <govservice_std.evaluation.Standard.min_sample>`) is not
scored: the criterion reads 数据不足 (insufficient data).

The metric ids are those of the national catalog in ``criteria.toml``:

========================================  ===============================================
``queue.avg_wait_minutes``                mean waiting time of the called tickets
``queue.within_target_rate``              share called within the waiting-time target
``reviews.satisfaction_rate`` …           see :meth:`ReviewSummary.as_metrics
                                          <govservice_std.evaluation.reviews.ReviewSummary.as_metrics>`
``inspections.orders_on_time_rate``       computed while scoring from the inspections
========================================  ===============================================

>>> from govservice_std.queues.kpis import Distribution, KpiFigures, QueueKpis
>>> import datetime as dt
>>> kpis = QueueKpis(hall="441324116", day=dt.date(2026, 11, 20), target_minutes=20.0,
...                  overall=KpiFigures(waiting=Distribution.of([4.0, 8.0]), within_target=1.0))
>>> measured = queue_metrics(kpis)
>>> dict(measured.values)
{'queue.avg_wait_minutes': 6.0, 'queue.within_target_rate': 1.0}
>>> evidence = measured.sources["queue.avg_wait_minutes"]
>>> evidence.kind, evidence.day, evidence.sample  # two called tickets
(<EvidenceKind.QUEUE: 'queue'>, datetime.date(2026, 11, 20), 2)
>>> str(evidence)
'queue record 2026-11-20 (n=2)'
>>> measured.samples["queue.avg_wait_minutes"]
2
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Container, Mapping
from typing import Literal

import attrs

from govservice_std.evaluation.reviews import ReviewSummary
from govservice_std.queues.kpis import QueueKpis
from govservice_std.queues.stores.base import EventStore
from govservice_std.registry import ResolvedLocality

__all__ = [
    "QUEUE_AVG_WAIT",
    "QUEUE_WITHIN_TARGET",
    "CaseSubject",
    "Evidence",
    "EvidenceKind",
    "MeasuredMetrics",
    "queue_evidence",
    "queue_metrics",
    "recorded_queue_kpis",
    "review_metrics",
]

QUEUE_AVG_WAIT = "queue.avg_wait_minutes"
"""Metric id of the mean waiting time in minutes (from the queue KPIs)."""

QUEUE_WITHIN_TARGET = "queue.within_target_rate"
"""Metric id of the share of tickets called within the waiting-time target."""


class EvidenceKind(enum.Enum):
    """The kind of record a measured value was read from."""

    QUEUE = "queue"
    """A hall's queue record (tickets issued, called, served)."""
    REVIEWS = "reviews"
    """好差评 reviews."""
    INSPECTIONS = "inspections"
    """Inspection (督查) records and their rectification orders."""
    CASES = "cases"
    """A case (办件) database: finished cases and the reviews tied to them."""
    OTHER = "other"
    """Any other record, named by ``source``."""


class CaseSubject(enum.Enum):
    """Which cases of a case database a measured value counts."""

    FINISHED = "finished"
    """Cases finished (办结) in the period."""
    CLOSED = "closed"
    """Cases finished or withdrawn after acceptance (办结及受理后撤回) in the period."""
    REVIEWS = "reviews"
    """The 好差评 reviews tied to the cases, given in the period."""


_CASE_SUBJECT_REFERENCE = {
    CaseSubject.FINISHED: "办结",
    CaseSubject.CLOSED: "办结及受理后撤回",
    CaseSubject.REVIEWS: "好差评",
}


@attrs.frozen
class Evidence:
    """Where measured values came from: structured, so that a report can word it.

    ``str(evidence)`` is a stable reference kept in the scorecard's JSON, with the sample
    size as ``(n=…)`` when it is known (``"queue record 2026-11-20 (n=48)"``,
    ``"inspection records (n=3)"``); people read the reports' wording instead, in the
    language of the run.

    Args:
        kind: The kind of record.
        source: The record's name (a file name, a system export), if it has one.
        day: The one day the values cover, if they cover one day.
        days: How many days the values cover, if known.
        sample: How many records the values were computed from (tickets, reviews, orders).
        start: First day of the period a case database was read for, if bounded.
        end: Last day of that period, if bounded.
        subject: Which cases of a case database were counted.

    >>> str(Evidence(EvidenceKind.REVIEWS, source="reviews.toml", sample=12))
    '好差评 reviews.toml (n=12)'
    """

    kind: EvidenceKind
    source: str = ""
    day: dt.date | None = None
    days: int | None = None
    sample: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    subject: CaseSubject | None = None

    @property
    def period(self) -> str:
        """The period of a case database's records: ``all``, or ``start–end`` (``…`` open)."""
        if self.start is None and self.end is None:
            return "all"
        first = self.start.isoformat() if self.start else "…"
        last = self.end.isoformat() if self.end else "…"
        return f"{first}–{last}"

    def _reference(self) -> str:
        if self.kind is EvidenceKind.QUEUE:
            if self.day is not None:
                return f"queue record {self.day.isoformat()}"
            return (
                f"queue record ({self.days} days)"
                if self.days not in (None, 1)
                else ("queue record")
            )
        if self.kind is EvidenceKind.INSPECTIONS:
            return "inspection records"
        if self.kind is EvidenceKind.REVIEWS:
            return f"好差评 {self.source}".strip()
        if self.kind is EvidenceKind.CASES:
            subject = _CASE_SUBJECT_REFERENCE[self.subject] if self.subject else ""
            return " ".join(p for p in ("办件库", self.source, subject, self.period) if p)
        return self.source

    def __str__(self) -> str:
        reference = self._reference()
        return f"{reference} (n={self.sample})" if self.sample is not None else reference

    def to_dict(self) -> dict[str, object]:
        """JSON-ready data: kind, source, day, days, sample and, for cases, the period.

        The library's converter's data of its entry in a scorecard's document
        (:func:`~govservice_std.evaluation.document.record_entry`).
        """
        from govservice_std.serialization import unstructure  # noqa: PLC0415

        data: dict[str, object] = unstructure(record_entry(self))
        return data


def _evidence(source: Evidence | str) -> Evidence:
    return source if isinstance(source, Evidence) else Evidence(EvidenceKind.OTHER, source)


@attrs.frozen
class MeasuredMetrics:
    """Metric values read from data, each with a note of where it came from.

    Args:
        values: Values by metric id.
        sources: For each metric id, where its value came from (shown as evidence).

    Each source's ``sample`` is how many records the value rests on (tickets called,
    reviews, orders due…): the scorecard shows it among the evidence, and a value resting
    on fewer records than the locality's minimum sample
    (:meth:`Standard.min_sample <govservice_std.evaluation.Standard.min_sample>`) is not
    scored: the criterion reads 数据不足 (insufficient data).
    """

    values: Mapping[str, float] = attrs.field(factory=dict)
    sources: Mapping[str, Evidence] = attrs.field(factory=dict)

    @classmethod
    def of(
        cls,
        values: Mapping[str, float],
        source: Evidence | str,
        samples: Mapping[str, int] | None = None,
    ) -> MeasuredMetrics:
        """Values that all come from one ``source`` (a bare name is an ``OTHER`` record).

        ``samples`` gives the sample size of each metric where it differs from the
        source's own (each metric's evidence then carries its own).

        >>> str(MeasuredMetrics.of({"reviews.follow_up_rate": 1.0}, "reviews.toml")
        ...     .sources["reviews.follow_up_rate"])
        'reviews.toml'
        """
        record = _evidence(source)
        counts = samples or {}
        return cls(
            dict(values),
            {k: attrs.evolve(record, sample=counts[k]) if k in counts else record for k in values},
        )

    @property
    def samples(self) -> Mapping[str, int]:
        """For each metric id whose sample size is known, how many records it rests on."""
        return {k: e.sample for k, e in self.sources.items() if e.sample is not None}

    def merged(self, other: MeasuredMetrics | Mapping[str, float] | None) -> MeasuredMetrics:
        """These values updated by ``other``'s (a plain mapping has no provenance)."""
        if other is None:
            return self
        if isinstance(other, MeasuredMetrics):
            values, sources = other.values, other.sources
        else:
            values, sources = other, {}
        kept = {k: v for k, v in self.sources.items() if k not in values}
        return MeasuredMetrics({**self.values, **values}, {**kept, **sources})

    def restricted(self, known: Container[str]) -> MeasuredMetrics:
        """Only the metrics whose ids are in ``known`` (a standard's metric catalog)."""
        return MeasuredMetrics(
            {k: v for k, v in self.values.items() if k in known},
            {k: v for k, v in self.sources.items() if k in known},
        )

    def __bool__(self) -> bool:
        return bool(self.values)


def queue_evidence(kpis: QueueKpis) -> Evidence:
    """The evidence of a hall's queue KPIs: the day or days and the tickets called."""
    return Evidence(
        EvidenceKind.QUEUE, day=kpis.day, days=kpis.days, sample=kpis.overall.waiting.count
    )


def queue_metrics(kpis: QueueKpis, *, source: Evidence | str | None = None) -> MeasuredMetrics:
    """The queue metrics of a hall's KPIs, under the national catalog's metric ids.

    Args:
        kpis: The hall's queue KPIs (live, or a recorded day's).
        source: The provenance to show (default:
            :func:`~govservice_std.evaluation.measured.queue_evidence`).

    Returns:
        ``queue.avg_wait_minutes`` when any ticket was called and
        ``queue.within_target_rate`` when a target was set and tickets were judged, each
        with the number of called tickets as its sample.
    """
    values: dict[str, float] = {}
    overall = kpis.overall
    if overall.waiting.mean is not None:
        values[QUEUE_AVG_WAIT] = overall.waiting.mean
    if overall.within_target is not None:
        values[QUEUE_WITHIN_TARGET] = overall.within_target
    called = overall.waiting.count
    samples = dict.fromkeys(values, called)
    return MeasuredMetrics.of(values, source or queue_evidence(kpis), samples)


def review_metrics(
    summary: ReviewSummary, *, source: Evidence | str = "好差评 records"
) -> MeasuredMetrics:
    """The ``reviews.*`` metrics of a 好差评 summary, with their provenance.

    Args:
        summary: The summary (:func:`~govservice_std.evaluation.summarize_reviews`).
        source: Where the reviews came from (a file name, a system export).
    """
    return MeasuredMetrics.of(summary.as_metrics(), source, summary.samples())


def recorded_queue_kpis(
    resolved: ResolvedLocality,
    store: EventStore,
    *,
    day: dt.date | None = None,
    now: dt.datetime | None = None,
) -> QueueKpis:
    """A hall's queue KPIs read back from its event store, judged by its locality's target.

    Args:
        resolved: The hall's locality (its queue policy gives the target and share).
        store: The hall's event store (for example a
            :class:`~govservice_std.queues.stores.sqlite.SQLiteStore`).
        day: One service day (China Standard Time); ``None``: every day in the record.
        now: The moment "still waiting" refers to, for a day still running (default: the
            end of ``day``, or of the last day in the record).

    Returns:
        The KPIs as of ``now``.
    """
    from govservice_std.queues.history import recorded_kpis  # noqa: PLC0415

    policy = resolved.queue_policy
    # Read by day: the closed days' stored facts and the other days' events, one day at
    # a time, never the whole record at once.
    return recorded_kpis(
        store,
        day=day,
        now=now,
        target_minutes=policy.target_minutes,
        target_share=policy.target_share,
    )


# -- a record's entry in a scorecard's document ------------------------------------------


# The kind tells a record's two shapes apart, for a schema's ``oneOf`` (exactly one matches)
# and for the converter reading a document back.
_OtherKind = Literal["queue", "reviews", "inspections", "other"]
_OTHER_KINDS: dict[EvidenceKind, _OtherKind] = {
    EvidenceKind.QUEUE: "queue",
    EvidenceKind.REVIEWS: "reviews",
    EvidenceKind.INSPECTIONS: "inspections",
    EvidenceKind.OTHER: "other",
}


@attrs.frozen
class RecordEntry:
    """A record a measured value was read from (any kind but a case database).

    Attributes:
        kind: The kind of record (an :class:`~govservice_std.evaluation.measured.EvidenceKind`
            value).
        source: The record's name, if it has one (else empty).
        day: The one day the value covers, if one.
        days: How many days it covers, if known.
        sample: How many records the value rests on (tickets called, reviews, orders).
    """

    kind: _OtherKind
    source: str
    day: dt.date | None
    days: int | None
    sample: int | None


@attrs.frozen
class CaseRecordEntry:
    """A case (办件) database a measured value was read from, with the period read.

    Attributes:
        kind: ``cases``.
        source: The database's name.
        day: The one day the value covers, if one.
        days: How many days it covers, if known.
        sample: How many cases or reviews the value rests on.
        start: The period's first day, if bounded.
        end: Its last day, if bounded.
        subject: Which cases were counted.
    """

    kind: Literal["cases"]
    source: str
    day: dt.date | None
    days: int | None
    sample: int | None
    start: dt.date | None
    end: dt.date | None
    subject: CaseSubject | None


def record_entry(evidence: Evidence) -> RecordEntry | CaseRecordEntry:
    """The entry of a record: a case database's names its period and subject too.

    >>> from govservice_std.serialization import unstructure
    >>> queue = Evidence(EvidenceKind.QUEUE, day=dt.date(2026, 11, 20), sample=48)
    >>> unstructure(record_entry(queue))
    {'kind': 'queue', 'source': '', 'day': '2026-11-20', 'days': None, 'sample': 48}
    >>> type(record_entry(Evidence(EvidenceKind.CASES, source="cases.db"))).__name__
    'CaseRecordEntry'
    """
    e = evidence
    if e.kind is EvidenceKind.CASES:
        period = (e.start, e.end, e.subject)
        return CaseRecordEntry("cases", e.source, e.day, e.days, e.sample, *period)
    return RecordEntry(_OTHER_KINDS[e.kind], e.source, e.day, e.days, e.sample)
