"""Measured metrics, read straight from the data, with where each value came from.

Metric criteria read numbers — mean waiting time, 好差评 rates, inspection follow-up. An
assessor may type them into an assessment, but the library can also read them from the
records themselves: a hall's queue KPIs (:class:`~govservice_std.queues.kpis.QueueKpis`,
live or a recorded day read back from a store), a 好差评 summary
(:class:`~govservice_std.evaluation.reviews.ReviewSummary`) and inspection orders. A
:class:`MeasuredMetrics` carries such values *and their provenance*; measured values
replace typed ones when a hall is scored, and the scorecard lists the provenance among the
criterion's evidence (``"queue record 2026-11-20"``). The provenance is structured — an
:class:`Evidence` names the kind of record, its day or number of days and its sample size —
and the reports word it in the language of the run.

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
>>> evidence.kind, evidence.day, evidence.sample
(<EvidenceKind.QUEUE: 'queue'>, datetime.date(2026, 11, 20), 0)
>>> str(evidence)
'queue record 2026-11-20'
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Container, Mapping

import attrs

from govservice_std.evaluation.reviews import ReviewSummary
from govservice_std.queues.events import CHINA_TZ
from govservice_std.queues.kpis import QueueKpis, kpis_from_events
from govservice_std.queues.stores.base import EventStore
from govservice_std.registry import ResolvedLocality

__all__ = [
    "QUEUE_AVG_WAIT",
    "QUEUE_WITHIN_TARGET",
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
    OTHER = "other"
    """Any other record, named by ``source``."""


@attrs.frozen
class Evidence:
    """Where measured values came from: structured, so that a report can word it.

    ``str(evidence)`` is a stable English reference kept in the scorecard's JSON
    (``"queue record 2026-11-20"``, ``"inspection records"``); people read the reports'
    wording instead, in the language of the run.

    Args:
        kind: The kind of record.
        source: The record's name (a file name, a system export), if it has one.
        day: The one day the values cover, if they cover one day.
        days: How many days the values cover, if known.
        sample: How many records the values were computed from (tickets, reviews, orders).

    >>> str(Evidence(EvidenceKind.REVIEWS, source="reviews.toml", sample=12))
    '好差评 reviews.toml'
    """

    kind: EvidenceKind
    source: str = ""
    day: dt.date | None = None
    days: int | None = None
    sample: int | None = None

    def __str__(self) -> str:
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
        return self.source

    def to_dict(self) -> dict[str, object]:
        """JSON-ready data: kind, source, day, days and sample."""
        return {
            "kind": self.kind.value,
            "source": self.source,
            "day": self.day.isoformat() if self.day is not None else None,
            "days": self.days,
            "sample": self.sample,
        }


def _evidence(source: Evidence | str) -> Evidence:
    return source if isinstance(source, Evidence) else Evidence(EvidenceKind.OTHER, source)


@attrs.frozen
class MeasuredMetrics:
    """Metric values read from data, each with a note of where it came from.

    Args:
        values: Values by metric id.
        sources: For each metric id, where its value came from (shown as evidence).
    """

    values: Mapping[str, float] = attrs.field(factory=dict)
    sources: Mapping[str, Evidence] = attrs.field(factory=dict)

    @classmethod
    def of(cls, values: Mapping[str, float], source: Evidence | str) -> MeasuredMetrics:
        """Values that all come from one ``source`` (a bare name is an ``OTHER`` record).

        >>> str(MeasuredMetrics.of({"reviews.follow_up_rate": 1.0}, "reviews.toml")
        ...     .sources["reviews.follow_up_rate"])
        'reviews.toml'
        """
        return cls(dict(values), dict.fromkeys(values, _evidence(source)))

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
    """The evidence of a hall's queue KPIs: the day or days and the tickets issued."""
    return Evidence(EvidenceKind.QUEUE, day=kpis.day, days=kpis.days, sample=kpis.overall.issued)


def queue_metrics(kpis: QueueKpis, *, source: Evidence | str | None = None) -> MeasuredMetrics:
    """The queue metrics of a hall's KPIs, under the national catalog's metric ids.

    Args:
        kpis: The hall's queue KPIs (live, or a recorded day's).
        source: The provenance to show (default:
            :func:`~govservice_std.evaluation.measured.queue_evidence`).

    Returns:
        ``queue.avg_wait_minutes`` when any ticket was called and
        ``queue.within_target_rate`` when a target was set and tickets were judged.
    """
    values: dict[str, float] = {}
    overall = kpis.overall
    if overall.waiting.mean is not None:
        values[QUEUE_AVG_WAIT] = overall.waiting.mean
    if overall.within_target is not None:
        values[QUEUE_WITHIN_TARGET] = overall.within_target
    return MeasuredMetrics.of(values, source or queue_evidence(kpis))


def review_metrics(
    summary: ReviewSummary, *, source: Evidence | str = "好差评 records"
) -> MeasuredMetrics:
    """The ``reviews.*`` metrics of a 好差评 summary, with their provenance.

    Args:
        summary: The summary (:func:`~govservice_std.evaluation.summarize_reviews`).
        source: Where the reviews came from (a file name, a system export).
    """
    return MeasuredMetrics.of(summary.as_metrics(), source)


def recorded_queue_kpis(
    resolved: ResolvedLocality,
    store: EventStore,
    *,
    day: dt.date | None = None,
) -> QueueKpis:
    """A hall's queue KPIs read back from its event store, judged by its locality's target.

    Args:
        resolved: The hall's locality (its queue policy gives the target and share).
        store: The hall's event store (for example a
            :class:`~govservice_std.queues.stores.sqlite.SQLiteStore`).
        day: One service day (China Standard Time); ``None``: every day in the record.

    Returns:
        The KPIs, ``now`` being the end of ``day`` (or the last event for every day).
    """
    policy = resolved.queue_policy
    events = [event for _, event in store.read()]
    if day is not None:
        now = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=CHINA_TZ)
    elif events:
        now = max(event.at for event in events)
    else:
        now = dt.datetime.now(CHINA_TZ)
    return kpis_from_events(
        events,
        hall=store.hall,
        now=now,
        day=day,
        target_minutes=policy.target_minutes,
        target_share=policy.target_share,
    )
