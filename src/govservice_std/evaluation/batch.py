"""Evaluate one hall, every hall of a locality, or a province's worth, with a summary.

:func:`evaluate_hall` scores one assessment against its locality's standard.
:func:`evaluate_locality` scores every hall of a locality (and of the installed localities
below it) for which an assessment is given, each against the standard of the layer that
declared the hall, and lists the halls left unassessed. :func:`evaluate_many` is the engine
under both: it takes prepared :class:`~govservice_std.evaluation.Evaluator` s and a stream of
(assessment, hall) pairs, keeps the scorecards or only a running :class:`BatchSummary`, and
reports progress through a callback — nothing is rebuilt per hall.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from govservice_std.divisions import DivisionCode
from govservice_std.errors import DataProblem, InvalidDataError
from govservice_std.evaluation.assessment import Assessment
from govservice_std.evaluation.deadlines import DueDateCalendar
from govservice_std.evaluation.inspections import Inspection
from govservice_std.evaluation.measured import MeasuredMetrics, queue_metrics
from govservice_std.evaluation.scoring import (
    Evaluator,
    Scorecard,
    ScoringModel,
)
from govservice_std.evaluation.standard import Aspect
from govservice_std.halls import Hall, HallTier
from govservice_std.queues.kpis import QueueKpis
from govservice_std.registry import ResolvedLocality

__all__ = [
    "BatchResult",
    "BatchSummary",
    "GroupSummary",
    "evaluate_hall",
    "evaluate_locality",
    "evaluate_many",
]

_BINS = 10


@attrs.frozen
class GroupSummary:
    """Totals of a group of halls (one tier, or all).

    Attributes:
        halls: How many halls.
        mean_total: Mean total (0–100).
        min_total: Lowest total.
        max_total: Highest total.
        grades: How many halls got each grade.
        aspects: For each aspect, the mean share of its maximum earned (0–1).
        vetoed: Halls with a failed veto criterion.
        rectifications: Failed criteria to rectify, over all the halls.
        histogram: Halls per band of ten points (0–9.99, 10–19.99, … 90–100).
    """

    halls: int
    mean_total: float
    min_total: float
    max_total: float
    grades: Mapping[str, int]
    aspects: Mapping[Aspect, float]
    vetoed: int
    rectifications: int
    histogram: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "halls": self.halls,
            "mean_total": round(self.mean_total, 2),
            "min_total": round(self.min_total, 2),
            "max_total": round(self.max_total, 2),
            "grades": dict(self.grades),
            "aspects": {a.label_zh: round(v, 4) for a, v in self.aspects.items()},
            "vetoed": self.vetoed,
            "rectifications": self.rectifications,
            "histogram": list(self.histogram),
        }


class _Acc:
    """Running sums for one group (keeps no scorecards)."""

    __slots__ = (
        "aspect_max",
        "aspect_share",
        "grades",
        "hi",
        "hist",
        "lo",
        "n",
        "rect",
        "sum",
        "veto",
    )

    def __init__(self) -> None:
        self.n = 0
        self.sum = 0.0
        self.lo = 100.0
        self.hi = 0.0
        self.grades: dict[str, int] = {}
        self.aspect_share: dict[Aspect, float] = dict.fromkeys(Aspect, 0.0)
        self.aspect_max: dict[Aspect, int] = dict.fromkeys(Aspect, 0)
        self.veto = 0
        self.rect = 0
        self.hist = [0] * _BINS

    def add(self, card: Scorecard) -> None:
        total = card.total
        self.n += 1
        self.sum += total
        self.lo = min(self.lo, total)
        self.hi = max(self.hi, total)
        self.grades[card.grade] = self.grades.get(card.grade, 0) + 1
        for aspect in card.aspects:
            if aspect.max > 0:
                self.aspect_share[aspect.aspect] += aspect.score / aspect.max
                self.aspect_max[aspect.aspect] += 1
        self.veto += bool(card.vetoed)
        self.rect += len(card.rectifications)
        self.hist[min(_BINS - 1, int(total // (100 / _BINS)))] += 1

    def freeze(self) -> GroupSummary:
        return GroupSummary(
            halls=self.n,
            mean_total=self.sum / self.n if self.n else 0.0,
            min_total=self.lo if self.n else 0.0,
            max_total=self.hi if self.n else 0.0,
            grades=dict(self.grades),
            aspects={
                a: (self.aspect_share[a] / self.aspect_max[a]) if self.aspect_max[a] else 0.0
                for a in Aspect
            },
            vetoed=self.veto,
            rectifications=self.rect,
            histogram=tuple(self.hist),
        )


@attrs.frozen
class BatchSummary:
    """A batch's summary, overall and by tier.

    Attributes:
        overall: All halls.
        by_tier: Each tier that had halls.
        unassessed: Codes of halls of the locality with no assessment.
    """

    overall: GroupSummary
    by_tier: Mapping[HallTier, GroupSummary]
    unassessed: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "overall": self.overall.to_dict(),
            "by_tier": {t.value: s.to_dict() for t, s in self.by_tier.items()},
            "unassessed": list(self.unassessed),
        }


@attrs.frozen
class BatchResult:
    """The scorecards of a batch (unless not kept) and its summary."""

    scorecards: tuple[Scorecard, ...]
    summary: BatchSummary


def evaluate_many(
    pairs: Iterable[tuple[Evaluator, Assessment, Hall]],
    *,
    keep: bool = True,
    check: bool = True,
    progress: Callable[[int], None] | None = None,
    unassessed: Iterable[str] = (),
    metrics: Mapping[str, Mapping[str, float] | MeasuredMetrics] | None = None,
    inspections: Mapping[str, Sequence[Inspection]] | None = None,
    today: dt.date | None = None,
) -> BatchResult:
    """Score a stream of halls, each with its prepared evaluator.

    Args:
        pairs: (evaluator, assessment, hall) triples; reuse one evaluator per standard.
        keep: Whether to keep every scorecard (``False`` keeps only the summary, so memory
            stays flat however many halls stream through).
        check: Whether to check each assessment against the standard first.
        progress: Called with the number of halls scored so far, after each hall.
        unassessed: Codes of halls with no assessment, for the summary.
        metrics: Measured metrics by hall code (queue KPIs, 好差评 rates…), replacing the
            assessments' typed values; with their provenance as
            :class:`~govservice_std.evaluation.measured.MeasuredMetrics`.
        inspections: Inspections by hall code.
        today: The day to judge inspection orders on (default: each assessment's date).
    """
    overall = _Acc()
    tiers: dict[HallTier, _Acc] = {}
    cards: list[Scorecard] = []
    for count, (evaluator, assessment, hall) in enumerate(pairs, start=1):
        card = evaluator.evaluate(
            assessment,
            hall,
            metrics=metrics.get(hall.code) if metrics else None,
            inspections=inspections.get(hall.code, ()) if inspections else (),
            today=today,
            check=check,
        )
        overall.add(card)
        acc = tiers.get(hall.tier)
        if acc is None:
            acc = tiers[hall.tier] = _Acc()
        acc.add(card)
        if keep:
            cards.append(card)
        if progress is not None:
            progress(count)
    summary = BatchSummary(
        overall=overall.freeze(),
        by_tier={t: tiers[t].freeze() for t in HallTier if t in tiers},
        unassessed=tuple(unassessed),
    )
    return BatchResult(tuple(cards), summary)


def evaluate_hall(
    resolved: ResolvedLocality,
    assessment: Assessment,
    *,
    metrics: Mapping[str, float] | MeasuredMetrics | None = None,
    queue: QueueKpis | None = None,
    inspections: Iterable[Inspection] = (),
    today: dt.date | None = None,
    model: ScoringModel | None = None,
    calendar: DueDateCalendar | None = None,
    source: str | None = None,
) -> Scorecard:
    """Score one hall's assessment against its locality's effective standard.

    Args:
        resolved: The locality whose standard applies (``registry.resolve(code)``); the
            hall is one of its halls or of the installed localities below it.
        assessment: The assessment.
        metrics: Measured metrics (好差评 rates…) replacing the assessment's typed values
            with the same ids; with their provenance as
            :class:`~govservice_std.evaluation.measured.MeasuredMetrics`.
        queue: The hall's queue KPIs (live, or a recorded day's, see
            :func:`~govservice_std.evaluation.measured.recorded_queue_kpis`): the queue
            metrics of the standard's catalog are read from them
            (:func:`~govservice_std.evaluation.measured.queue_metrics`) and replace typed
            values; ``metrics`` wins over them.
        inspections: Inspections of the hall (overdue orders appear in the scorecard).
        today: The day to judge inspection orders on (default: the assessment date).
        model: A scoring model other than the locality's.
        calendar: A working-day calendar (default: the locality's official calendar).
        source: Name of the assessment's file, for error messages.

    Raises:
        UnknownLocalityError: If the locality is not installed.
        InvalidDataError: If the hall is not in the locality or the assessment does not fit
            the standard.
    """
    code = resolved.code
    halls = {hall.code: hall for hall in resolved.registry.halls(code)}
    hall = halls.get(assessment.hall)
    if hall is None:
        raise InvalidDataError(
            [DataProblem("hall", f"no hall {assessment.hall!r} in locality {code}")],
            source=source,
        )
    evaluator = _evaluator(resolved, model, calendar)
    return evaluator.evaluate(
        assessment,
        hall,
        metrics=_with_queue(evaluator, metrics, queue),
        inspections=inspections,
        today=today,
        source=source,
    )


def _with_queue(
    evaluator: Evaluator,
    metrics: Mapping[str, float] | MeasuredMetrics | None,
    queue: QueueKpis | None,
) -> Mapping[str, float] | MeasuredMetrics | None:
    if queue is None:
        return metrics
    # Only the queue metrics the standard catalogs: a locality may not use them all.
    return queue_metrics(queue).restricted(evaluator.standard.metrics).merged(metrics)


def _evaluator(
    resolved: ResolvedLocality,
    model: ScoringModel | None,
    calendar: DueDateCalendar | None,
) -> Evaluator:
    if model is None and calendar is None:
        # The default evaluator of a locality is prepared once per registry, with the
        # locality's official calendar (its own closures and service days applied).
        return resolved.registry.memo(
            ("evaluation.evaluator", resolved.code),
            lambda: Evaluator(
                resolved.standard, model=resolved.scoring_model, calendar=resolved.calendar
            ),
        )
    return Evaluator(
        resolved.standard,
        model=model or resolved.scoring_model,
        calendar=calendar or resolved.calendar,
    )


def evaluate_locality(
    resolved: ResolvedLocality,
    assessments: Iterable[Assessment],
    *,
    keep: bool = True,
    metrics: Mapping[str, Mapping[str, float] | MeasuredMetrics] | None = None,
    queue: Mapping[str, QueueKpis] | None = None,
    inspections: Iterable[Inspection] = (),
    today: dt.date | None = None,
    model: ScoringModel | None = None,
    calendar: DueDateCalendar | None = None,
    progress: Callable[[int], None] | None = None,
) -> BatchResult:
    """Score every hall of a locality (and of the installed localities below it).

    Each hall is scored against the standard of the layer that declared it, so a county's
    halls keep their county's overlay when the batch is run for the city.

    Args:
        resolved: The locality (``registry.resolve(code)``).
        assessments: Assessments, at most one per hall.
        keep: Whether to keep every scorecard.
        metrics: Measured metrics by hall code (好差评 rates…).
        queue: Queue KPIs by hall code; their queue metrics replace typed values, as in
            :func:`evaluate_hall`.
        inspections: Inspections of the locality's halls.
        today: The day to judge inspection orders on (default: each assessment's date).
        model: A scoring model other than each locality's own.
        calendar: A working-day calendar (default: the locality's official calendar).
        progress: Called with the number of halls scored so far.

    Raises:
        InvalidDataError: If an assessment names a hall outside the locality, or two
            assessments name the same hall.
    """
    registry = resolved.registry
    code = resolved.code
    entries = {hall.code: (hall, prov) for hall, prov in registry.hall_entries(code)}
    by_hall: dict[str, Assessment] = {}
    problems: list[DataProblem] = []
    for index, assessment in enumerate(assessments):
        if assessment.hall not in entries:
            problems.append(
                DataProblem(f"[{index}].hall", f"no hall {assessment.hall!r} in locality {code}")
            )
        elif assessment.hall in by_hall:
            problems.append(
                DataProblem(f"[{index}].hall", f"a second assessment of {assessment.hall!r}")
            )
        else:
            by_hall[assessment.hall] = assessment
    if problems:
        raise InvalidDataError(problems, source=f"assessments of {code}")
    evaluators: dict[DivisionCode, Evaluator] = {}

    def pairs() -> Iterable[tuple[Evaluator, Assessment, Hall]]:
        for hall_code, assessment in by_hall.items():
            hall, prov = entries[hall_code]
            evaluator = evaluators.get(prov.layer)
            if evaluator is None:
                evaluator = evaluators[prov.layer] = _evaluator(
                    registry.resolve(prov.layer), model, calendar
                )
            yield evaluator, assessment, hall

    missing = tuple(c for c in entries if c not in by_hall)
    if queue:
        combined: dict[str, Mapping[str, float] | MeasuredMetrics] = dict(metrics or {})
        for hall_code, kpis in queue.items():
            if hall_code in by_hall:
                _, prov = entries[hall_code]
                evaluator = evaluators.get(prov.layer) or _evaluator(
                    registry.resolve(prov.layer), model, calendar
                )
                evaluators[prov.layer] = evaluator
                combined[hall_code] = (
                    _with_queue(evaluator, combined.get(hall_code), kpis) or MeasuredMetrics()
                )
        metrics = combined
    by_hall_inspections: dict[str, list[Inspection]] = {}
    for inspection in inspections:
        by_hall_inspections.setdefault(inspection.hall, []).append(inspection)
    return evaluate_many(
        pairs(),
        keep=keep,
        progress=progress,
        unassessed=missing,
        metrics=metrics,
        inspections=by_hall_inspections,
        today=today,
    )
