"""Measured metrics, read straight from the data, with where each value came from.

Metric criteria read numbers — mean waiting time, 好差评 rates, inspection follow-up. An
assessor may type them into an assessment, but the library can also read them from the
records themselves: a hall's queue KPIs (:class:`~govservice_std.queues.kpis.QueueKpis`,
live or a recorded day read back from a store), a 好差评 summary
(:class:`~govservice_std.evaluation.reviews.ReviewSummary`) and inspection orders. A
:class:`MeasuredMetrics` carries such values *and their provenance*; measured values
replace typed ones when a hall is scored, and the scorecard lists the provenance and the
sample size among the criterion's evidence (``"queue record 2026-11-20 (n=2)"``). A value
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
>>> measured.sources["queue.avg_wait_minutes"]
'queue record 2026-11-20'
>>> measured.samples["queue.avg_wait_minutes"]  # two called tickets
2
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Mapping

import attrs

from govservice_std.evaluation.reviews import ReviewSummary
from govservice_std.queues.kpis import QueueKpis
from govservice_std.queues.stores.base import EventStore
from govservice_std.registry import ResolvedLocality

__all__ = [
    "QUEUE_AVG_WAIT",
    "QUEUE_WITHIN_TARGET",
    "MeasuredMetrics",
    "queue_metrics",
    "recorded_queue_kpis",
    "review_metrics",
]

QUEUE_AVG_WAIT = "queue.avg_wait_minutes"
"""Metric id of the mean waiting time in minutes (from the queue KPIs)."""

QUEUE_WITHIN_TARGET = "queue.within_target_rate"
"""Metric id of the share of tickets called within the waiting-time target."""


@attrs.frozen
class MeasuredMetrics:
    """Metric values read from data, each with a note of where it came from.

    Args:
        values: Values by metric id.
        sources: For each metric id, where its value came from (shown as evidence).
        samples: For each metric id, how many records its value rests on (tickets called,
            reviews, orders due…). The scorecard shows it among the evidence, and a value
            resting on fewer records than the locality's minimum sample
            (:meth:`Standard.min_sample <govservice_std.evaluation.Standard.min_sample>`)
            is not scored: the criterion reads 数据不足 (insufficient data).
    """

    values: Mapping[str, float] = attrs.field(factory=dict)
    sources: Mapping[str, str] = attrs.field(factory=dict)
    samples: Mapping[str, int] = attrs.field(factory=dict)

    @classmethod
    def of(
        cls,
        values: Mapping[str, float],
        source: str,
        samples: Mapping[str, int] | None = None,
    ) -> MeasuredMetrics:
        """Values that all come from one ``source``, with their sample sizes if known.

        >>> MeasuredMetrics.of({"reviews.follow_up_rate": 1.0}, "reviews.toml").sources
        {'reviews.follow_up_rate': 'reviews.toml'}
        """
        known = {k: v for k, v in (samples or {}).items() if k in values}
        return cls(dict(values), dict.fromkeys(values, source), known)

    def merged(self, other: MeasuredMetrics | Mapping[str, float] | None) -> MeasuredMetrics:
        """These values updated by ``other``'s (a plain mapping has no provenance)."""
        if other is None:
            return self
        if isinstance(other, MeasuredMetrics):
            values, sources, samples = other.values, other.sources, other.samples
        else:
            values, sources, samples = other, {}, {}
        kept = {k: v for k, v in self.sources.items() if k not in values}
        counts = {k: v for k, v in self.samples.items() if k not in values}
        return MeasuredMetrics(
            {**self.values, **values}, {**kept, **sources}, {**counts, **samples}
        )

    def restricted(self, known: Container[str]) -> MeasuredMetrics:
        """Only the metrics whose ids are in ``known`` (a standard's metric catalog)."""
        return MeasuredMetrics(
            {k: v for k, v in self.values.items() if k in known},
            {k: v for k, v in self.sources.items() if k in known},
            {k: v for k, v in self.samples.items() if k in known},
        )

    def __bool__(self) -> bool:
        return bool(self.values)


def _queue_label(kpis: QueueKpis) -> str:
    if kpis.day is not None:
        return f"queue record {kpis.day.isoformat()}"
    return f"queue record ({kpis.days} days)" if kpis.days != 1 else "queue record"


def queue_metrics(kpis: QueueKpis, *, source: str | None = None) -> MeasuredMetrics:
    """The queue metrics of a hall's KPIs, under the national catalog's metric ids.

    Args:
        kpis: The hall's queue KPIs (live, or a recorded day's).
        source: The provenance to show (default: ``"queue record YYYY-MM-DD"`` for a day).

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
    return MeasuredMetrics.of(values, source or _queue_label(kpis), samples)


def review_metrics(summary: ReviewSummary, *, source: str = "好差评 records") -> MeasuredMetrics:
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
) -> QueueKpis:
    """A hall's queue KPIs read back from its event store, judged by its locality's target.

    Args:
        resolved: The hall's locality (its queue policy gives the target and share).
        store: The hall's event store (for example a
            :class:`~govservice_std.queues.stores.sqlite.SQLiteStore`).
        day: One service day (China Standard Time); ``None``: every day in the record.

    Returns:
        The KPIs, ``now`` being the end of ``day`` (or of the last day in the record).
    """
    from govservice_std.queues.history import recorded_kpis  # noqa: PLC0415

    policy = resolved.queue_policy
    # Read by day: the closed days' stored facts and the other days' events, one day at
    # a time, never the whole record at once.
    return recorded_kpis(
        store,
        day=day,
        target_minutes=policy.target_minutes,
        target_share=policy.target_share,
    )
