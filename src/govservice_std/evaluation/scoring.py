"""Scoring: turn an assessment into a scorecard that explains every point.

An :class:`Evaluator` is built once per effective :class:`~govservice_std.evaluation.Standard`
(it prepares each tier's criteria, targets and weights) and then scores any number of
assessments cheaply. Each criterion gets a :class:`CriterionResult` — its evidence, the
points won and possible, its :class:`Status` and the layer that defined it; the
:class:`Scorecard` adds the total on a 0–100 scale, the grade from the locality's bands, the
aspects' scores, and the rectification list with due dates in working days.

Scoring models are pluggable (:class:`ScoringModel`): :class:`WeightedSum` weighs each
criterion by its points, :class:`Flat` weighs every criterion alike, and :class:`VetoCap`
wraps either so that a failed 一票否决 criterion caps the grade. The built-in models by name
(:func:`scoring_model`): ``"weighted"`` (the default: weighted sum, veto caps the grade),
``"flat"`` (flat, veto caps), ``"weighted-no-veto"`` and ``"flat-no-veto"``.

The total is ``100 × Σ won / Σ possible`` over the criteria that are scored (applicable to
the hall's tier and not waived); an aspect's ``score`` and ``max`` are its share of that
scale, so the aspects' scores add up to the total. With nothing to score, the total is 100.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import attrs

from govservice_std.calendar import LocalDay, WorkingCalendar
from govservice_std.divisions import DivisionCode
from govservice_std.errors import DataProblem, InvalidDataError
from govservice_std.evaluation.assessment import Answer, Assessment
from govservice_std.evaluation.deadlines import DueDateCalendar, due_date
from govservice_std.evaluation.inspections import (
    Inspection,
    OrderState,
    OrderStatus,
    check_inspections,
    inspection_metrics,
    track_orders,
)
from govservice_std.evaluation.measured import (
    CaseRecordEntry,
    Evidence,
    EvidenceKind,
    MeasuredMetrics,
    RecordEntry,
    record_entry,
)
from govservice_std.evaluation.overlays import waiver_in_force
from govservice_std.evaluation.standard import (
    Aspect,
    Criterion,
    Direction,
    EffectiveCriterion,
    Method,
    Standard,
)
from govservice_std.halls import Hall, HallTier
from govservice_std.i18n import LabelledEnum

__all__ = [
    "AspectScore",
    "CriterionInfo",
    "CriterionResult",
    "Evaluator",
    "Flat",
    "Reason",
    "Rectification",
    "Scorecard",
    "ScoringModel",
    "Status",
    "VetoCap",
    "WeightedSum",
    "builtin_scoring_models",
    "scoring_model",
]


class Status(LabelledEnum):
    """How a hall fares on one criterion."""

    MET = "met", "met"
    """Full credit."""
    PARTLY_MET = "partly_met", "partly met"
    """Some credit, not all."""
    NOT_MET = "not_met", "not met"
    """No credit (including a criterion with no answer or no data)."""
    WAIVED = "waived", "waived"
    """A waiver in force: not scored."""
    NOT_APPLICABLE = "not_applicable", "not applicable"
    """The criterion does not apply to the hall's tier: not scored."""
    INSUFFICIENT_DATA = "insufficient_data", "insufficient data"
    """A measured value rests on fewer records than the locality's minimum sample: not
    scored (数据不足)."""

    @property
    def failed(self) -> bool:
        """Whether the status calls for rectification (not met or partly met)."""
        return self in (Status.NOT_MET, Status.PARTLY_MET)


class Reason(enum.Enum):
    """Why a criterion earned nothing, or what else the scorer notes about it."""

    NO_ANSWER = "no_answer"
    """The assessment has no answer for the criterion."""
    NO_DATA = "no_data"
    """A metric criterion has no value, typed or measured."""
    MEASURED = "measured"
    """A measured value replaced the value typed into the assessment."""
    INSUFFICIENT_DATA = "insufficient_data"
    """A measured value rests on fewer records than the locality's minimum sample."""


@runtime_checkable
class ScoringModel(Protocol):
    """How criteria are weighed and how a total becomes a grade."""

    @property
    def name(self) -> str:
        """The model's name, as a locality's ``scoring`` names it."""
        ...  # pragma: no cover - protocol

    def max_points(self, criterion: Criterion) -> float:
        """The points ``criterion`` is worth (> 0)."""
        ...  # pragma: no cover - protocol

    def grade(self, standard: Standard, total: float, vetoed: Sequence[str]) -> str:
        """The grade for ``total`` (0–100) given the ids of failed veto criteria."""
        ...  # pragma: no cover - protocol


@attrs.frozen
class WeightedSum:
    """Each criterion weighs its points; the grade comes from the locality's bands."""

    name: str = "weighted-no-veto"

    def max_points(self, criterion: Criterion) -> float:
        """The criterion's points."""
        return criterion.points

    def grade(self, standard: Standard, total: float, vetoed: Sequence[str]) -> str:  # noqa: ARG002
        """The band ``total`` falls in."""
        return standard.grade_for(total)


@attrs.frozen
class Flat:
    """Every criterion weighs the same (one point); grade from the locality's bands."""

    name: str = "flat-no-veto"

    def max_points(self, criterion: Criterion) -> float:  # noqa: ARG002
        """One point."""
        return 1.0

    def grade(self, standard: Standard, total: float, vetoed: Sequence[str]) -> str:  # noqa: ARG002
        """The band ``total`` falls in."""
        return standard.grade_for(total)


@attrs.frozen
class VetoCap:
    """Wraps a model so that a failed veto (一票否决) criterion caps the grade.

    Args:
        inner: The model that weighs criteria and grades the total.
        name: The wrapped model's name.
        cap: The best grade a vetoed hall can get (default: the lowest band).
    """

    inner: ScoringModel
    name: str
    cap: str | None = None

    def max_points(self, criterion: Criterion) -> float:
        """As the inner model."""
        return self.inner.max_points(criterion)

    def grade(self, standard: Standard, total: float, vetoed: Sequence[str]) -> str:
        """The inner model's grade, no better than the cap when a veto failed."""
        grade = self.inner.grade(standard, total, vetoed)
        if not vetoed:
            return grade
        cap = self.cap or standard.lowest_grade
        names = [band.name for band in standard.grades]
        if cap in names and grade in names and names.index(grade) < names.index(cap):
            return cap
        return grade


_MODELS: dict[str, ScoringModel] = {
    "weighted": VetoCap(WeightedSum(), name="weighted"),
    "flat": VetoCap(Flat(), name="flat"),
    "weighted-no-veto": WeightedSum(),
    "flat-no-veto": Flat(),
}


def builtin_scoring_models() -> dict[str, ScoringModel]:
    """The built-in scoring models by name (a new dict each call).

    >>> sorted(builtin_scoring_models())
    ['flat', 'flat-no-veto', 'weighted', 'weighted-no-veto']
    """
    return dict(_MODELS)


def scoring_model(name: str) -> ScoringModel:
    """The built-in scoring model called ``name``.

    >>> scoring_model("weighted").name
    'weighted'

    Raises:
        KeyError: If there is no such model; the message lists the known names.
    """
    try:
        return _MODELS[name]
    except KeyError:
        raise KeyError(f"unknown scoring model {name!r} (known: {', '.join(_MODELS)})") from None


@attrs.frozen
class CriterionInfo:
    """What a scorecard says about a criterion whatever the hall (shared between results).

    Attributes:
        id: The criterion's id.
        aspect: Its aspect.
        title: Its title.
        method: How it is judged.
        target: A metric criterion's effective target.
        unit: A metric criterion's unit.
        direction: A metric criterion's direction (``None`` for other methods).
        veto: Whether the criterion is a veto.
        layer: The layer that defined the criterion.
        plugin: The plugin that declared that layer.
        changed_by: Codes of later layers that changed it.
        source: The criterion's source clause.
    """

    id: str
    aspect: Aspect
    title: str
    method: Method
    target: float | None = None
    unit: str = ""
    direction: Direction | None = None
    veto: bool = False
    layer: DivisionCode | None = None
    plugin: str = ""
    changed_by: tuple[str, ...] = ()
    source: str = ""

    @classmethod
    def of(cls, entry: EffectiveCriterion, standard: Standard) -> CriterionInfo:
        """The information of an effective criterion of ``standard``."""
        c = entry.criterion
        return cls(
            id=c.id,
            aspect=c.aspect,
            title=c.title,
            method=c.method,
            target=standard.target(c),
            unit=standard.metrics[c.metric].unit if c.metric is not None else "",
            direction=c.direction if c.method is Method.METRIC else None,
            veto=c.veto,
            layer=entry.defined_by.layer,
            plugin=entry.defined_by.plugin,
            changed_by=tuple(str(p.layer) for p in entry.changed_by),
            source=c.source,
        )


@attrs.frozen
class CriterionResult:
    """How a hall fared on one criterion, with the evidence.

    The criterion's own description (title, aspect, layer…) is in ``info`` and is also
    readable directly from the result (``result.title``, ``result.layer``).

    Attributes:
        info: The criterion's description.
        status: The outcome.
        points: Points won.
        max_points: Points possible (0 when waived or not applicable).
        credit: Share of the points won, 0–1.
        answer: What the assessor answered (``"met"``, ``"not met"``, the level) or the
            measured value with its unit; empty without an answer.
        notes: The assessor's notes.
        evidence: References to the evidence: the assessor's, then the records measured
            values were read from (as in ``str(record)``, the sample size as ``(n=…)``).
        waiver: The justification of the waiver in force, if any.
        value: The number judged, for a metric criterion with a value.
        reason: Why nothing was earned (no answer, no data), or that a measured value
            replaced the typed one.
        replaced: The typed value a measured one replaced, if any.
        records: The records measured values were read from, structured (kind, day, sample
            size) for a report to word.
        sample: How many records a measured value rests on, when known.
        min_sample: The locality's minimum sample for the criterion's metric, when a
            measured value fell short of it (the status is then insufficient data).
    """

    info: CriterionInfo
    status: Status
    points: float
    max_points: float
    credit: float
    answer: str = ""
    notes: str = ""
    evidence: tuple[str, ...] = ()
    waiver: str | None = None
    value: float | None = None
    reason: Reason | None = None
    replaced: float | None = None
    records: tuple[Evidence, ...] = ()
    sample: int | None = None
    min_sample: int | None = None

    @property
    def id(self) -> str:
        """The criterion's id."""
        return self.info.id

    @property
    def aspect(self) -> Aspect:
        """The criterion's aspect."""
        return self.info.aspect

    @property
    def title(self) -> str:
        """The criterion's title."""
        return self.info.title

    @property
    def method(self) -> Method:
        """How the criterion is judged."""
        return self.info.method

    @property
    def target(self) -> float | None:
        """A metric criterion's effective target."""
        return self.info.target

    @property
    def veto(self) -> bool:
        """Whether the criterion is a veto."""
        return self.info.veto

    @property
    def layer(self) -> DivisionCode | None:
        """The layer that defined the criterion."""
        return self.info.layer

    @property
    def plugin(self) -> str:
        """The plugin that declared that layer."""
        return self.info.plugin

    @property
    def changed_by(self) -> tuple[str, ...]:
        """Codes of later layers that changed the criterion."""
        return self.info.changed_by

    @property
    def source(self) -> str:
        """The criterion's source clause."""
        return self.info.source


@attrs.frozen
class AspectScore:
    """An aspect's share of the total.

    Attributes:
        aspect: The aspect.
        score: Points won on the 0–100 scale.
        max: Points possible on the 0–100 scale.
    """

    aspect: Aspect
    score: float
    max: float

    @property
    def name(self) -> str:
        """The aspect's Chinese name."""
        return self.aspect.label_zh


@attrs.frozen
class Rectification:
    """A failed criterion to rectify, with its due date.

    Attributes:
        criterion: The criterion's id.
        title: Its title.
        status: Not met or partly met.
        due: The due date, counted in working days from the assessment date.
        veto: Whether the criterion is a veto.
        due_estimated: Whether the due date lies in a year whose official holiday schedule
            is not published yet, so it was counted on an estimate and may move.
    """

    criterion: str
    title: str
    status: Status
    due: dt.date
    veto: bool = False
    due_estimated: bool = False


@attrs.frozen
class Scorecard:
    """A hall's result against its locality's standard.

    Attributes:
        hall: The hall's code.
        hall_name: Its name.
        tier: Its tier.
        locality: The locality whose standard applied.
        date: The assessment date.
        model: The scoring model's name.
        total: The total, 0–100.
        grade: The grade.
        vetoed: Ids of failed veto criteria (the grade is capped when any).
        aspects: The four aspects' scores, in report order.
        criteria: Every criterion of the standard, in aspect order.
        rectifications: Failed criteria with their due dates, earliest first.
        overdue_orders: Inspection rectification orders open past their due date.
        assessor: Who assessed.
        illustrative: Whether the assessment is invented for an example.
        local_days: The locality's own closures and service days that moved a
            rectification due date (between the assessment date and the last due date).
    """

    hall: str
    hall_name: str
    tier: HallTier
    locality: DivisionCode
    date: dt.date
    model: str
    total: float
    grade: str
    vetoed: tuple[str, ...]
    aspects: tuple[AspectScore, ...]
    criteria: tuple[CriterionResult, ...]
    rectifications: tuple[Rectification, ...]
    overdue_orders: tuple[OrderState, ...] = ()
    assessor: str = ""
    illustrative: bool = False
    local_days: tuple[LocalDay, ...] = ()

    def result(self, criterion: str) -> CriterionResult:
        """The result on one criterion.

        Raises:
            KeyError: If the standard has no such criterion.
        """
        for result in self.criteria:
            if result.id == criterion:
                return result
        raise KeyError(criterion)

    def to_dict(self) -> dict[str, Any]:
        """The scorecard as JSON-ready data (the ``govstd evaluate --json`` document).

        The library's converter's data of its
        :class:`~govservice_std.evaluation.document.ScorecardDocument`.
        """
        from govservice_std.serialization import unstructure  # noqa: PLC0415

        data: dict[str, Any] = unstructure(ScorecardDocument.of(self))
        return data


_ASPECT_INDEX = {aspect: index for index, aspect in enumerate(Aspect)}
_CHECK, _GRADED, _METRIC = 0, 1, 2
_METHOD_CODE = {Method.CHECK: _CHECK, Method.GRADED: _GRADED, Method.METRIC: _METRIC}
_SHARED_MAX = 50_000


@attrs.frozen
class _Plan:
    """One criterion prepared for scoring halls of one tier."""

    entry: EffectiveCriterion
    criterion: Criterion
    info: CriterionInfo
    method: int
    aspect: int
    target: float | None
    max_points: float
    rectify_days: int
    credits: Mapping[str, tuple[float, str]]
    min_sample: int = 1


# A step of a tier's plan: a result shared by every hall (not applicable) or a plan.
_Step = CriterionResult | _Plan


class Evaluator:
    """Scores assessments against one effective standard.

    Build it once and reuse it: each tier's criteria, targets, weights and the results of
    criteria that do not apply are prepared in the constructor, so scoring a hall is plain
    attribute access.

    Args:
        standard: The effective standard (see
            :attr:`ResolvedLocality.standard <govservice_std.registry.ResolvedLocality.standard>`).
        model: The scoring model (default: the one the standard names).
        calendar: Working-day calendar for due dates (default: the official national
            calendar, :class:`~govservice_std.calendar.WorkingCalendar`).

    Raises:
        KeyError: If the standard names an unknown scoring model.
    """

    def __init__(
        self,
        standard: Standard,
        *,
        model: ScoringModel | None = None,
        calendar: DueDateCalendar | None = None,
    ) -> None:
        self.standard = standard
        self.model = model or scoring_model(standard.scoring)
        self.calendar: DueDateCalendar = calendar or WorkingCalendar()
        default_days = int(standard.parameter("rectification.days"))
        self._order_days = int(
            standard.parameters["inspection.order_days"].parameter.value
            if "inspection.order_days" in standard.parameters
            else 15
        )
        self._known = {e.criterion.id: e for e in standard.criteria}
        self._due: dict[tuple[dt.date, int], tuple[dt.date, bool]] = {}
        # Results are immutable values; equal outcomes (same criterion, answer and notes) are
        # shared between halls instead of rebuilt, within a bounded memo.
        self._shared: dict[tuple[Any, ...], CriterionResult] = {}
        infos = {e.criterion.id: CriterionInfo.of(e, standard) for e in standard.criteria}
        self._steps: dict[HallTier, tuple[_Step, ...]] = {}
        for tier in HallTier:
            steps: list[_Step] = []
            for entry in standard.criteria:
                c = entry.criterion
                info = infos[c.id]
                if tier not in c.tiers:
                    steps.append(CriterionResult(info, Status.NOT_APPLICABLE, 0.0, 0.0, 0.0))
                    continue
                steps.append(
                    _Plan(
                        entry=entry,
                        criterion=c,
                        info=info,
                        method=_METHOD_CODE[c.method],
                        aspect=_ASPECT_INDEX[c.aspect],
                        target=info.target,
                        max_points=self.model.max_points(c),
                        rectify_days=c.rectify_days if c.rectify_days is not None else default_days,
                        credits={lv.id: (lv.credit, f"{lv.id} {lv.label}") for lv in c.levels},
                        min_sample=standard.min_sample(c.metric) if c.metric is not None else 1,
                    )
                )
            self._steps[tier] = tuple(steps)

    def check(self, assessment: Assessment, hall: Hall, *, source: str | None = None) -> None:
        """Check an assessment against the standard and the hall.

        Raises:
            InvalidDataError: Listing every answer on an unknown criterion, an answer of the
                wrong kind, an unknown level or metric, or a hall mismatch.
        """
        problems: list[DataProblem] = []
        if assessment.hall != hall.code:
            problems.append(
                DataProblem("hall", f"assessment is of {assessment.hall!r}, not {hall.code!r}")
            )
        for index, answer in enumerate(assessment.answers):
            entry = self._known.get(answer.criterion)
            if entry is None:
                problems.append(
                    DataProblem(
                        f"answers[{index}].criterion",
                        f"unknown criterion {answer.criterion!r} in the standard of "
                        f"{self.standard.locality}",
                    )
                )
                continue
            problem = _answer_problem(entry.criterion, answer)
            if problem:
                problems.append(DataProblem(f"answers[{index}]", problem))
        problems.extend(
            DataProblem(f"metrics.{name}", f"unknown metric {name!r}")
            for name in assessment.metrics
            if name not in self.standard.metrics
        )
        if problems:
            raise InvalidDataError(problems, source=source)

    def evaluate(
        self,
        assessment: Assessment,
        hall: Hall,
        *,
        metrics: Mapping[str, float] | MeasuredMetrics | None = None,
        inspections: Iterable[Inspection] = (),
        today: dt.date | None = None,
        check: bool = True,
        source: str | None = None,
    ) -> Scorecard:
        """Score one hall.

        Measured data wins over typed values: ``metrics`` and the metrics computed from
        ``inspections`` replace the assessment's own values with the same ids — in its
        ``[metrics]`` table and in answers that state a ``value``. Where a measured value
        has a provenance (a :class:`~govservice_std.evaluation.measured.MeasuredMetrics`;
        inspections are ``"inspection records"``), the criterion's evidence lists it.

        Args:
            assessment: The assessment of the hall.
            hall: The hall (its tier decides which criteria apply).
            metrics: Measured metrics for the hall — queue KPIs
                (:func:`~govservice_std.evaluation.measured.queue_metrics`), a 好差评
                summary (:func:`~govservice_std.evaluation.measured.review_metrics`), on-time
                completion — by metric id, with their provenance if given as
                :class:`~govservice_std.evaluation.measured.MeasuredMetrics`.
            inspections: Inspections of the hall (others are ignored); their orders open
                past due on ``today`` are listed in the scorecard, and the
                ``inspections.orders_on_time_rate`` metric is computed from them.
            today: The day to judge inspection orders on (default: the assessment date).
            check: Whether to check the assessment first (see :meth:`check`).
            source: Name of the assessment's file, for error messages.

        Raises:
            InvalidDataError: If ``check`` finds problems.
        """
        if check:
            self.check(assessment, hall, source=source)
        merged: Mapping[str, float] = assessment.metrics
        measured: Mapping[str, float] = {}
        provenance: Mapping[str, Evidence] = {}
        if metrics:
            if isinstance(metrics, MeasuredMetrics):
                measured, provenance = metrics.values, metrics.sources
            else:
                measured = metrics
            unknown = [name for name in measured if name not in self.standard.metrics]
            if unknown:
                raise InvalidDataError(
                    [
                        DataProblem(f"metrics.{name}", f"unknown metric {name!r}")
                        for name in unknown
                    ],
                    source="measured metrics",
                )
            merged = {**merged, **measured}
        overdue: tuple[OrderState, ...] = ()
        mine = [i for i in inspections if i.hall == hall.code]
        if mine:
            check_inspections(mine, self._known)
            states = track_orders(
                mine,
                today=today or assessment.date,
                calendar=self.calendar,
                order_days=self._order_days,
            )
            overdue = tuple(s for s in states if s.overdue)
            from_inspections = inspection_metrics(states)
            merged = {**merged, **from_inspections}
            measured = {**measured, **from_inspections}
            due = sum(1 for s in states if s.status is not OrderStatus.OPEN)
            records = Evidence(EvidenceKind.INSPECTIONS, sample=due)
            provenance = {**provenance, **dict.fromkeys(from_inspections, records)}
        return self._score(
            assessment,
            hall,
            merged,
            overdue,
            measured=measured,
            provenance=provenance,
        )

    def _result(
        self,
        plan: _Plan,
        judged: _Judged,
        answer: Answer | None,
        *,
        extra: tuple[Evidence, ...] = (),
    ) -> CriterionResult:
        key = (plan.info.id, judged, answer, extra)
        result = self._shared.get(key)
        if result is None:
            credit, shown, reason, value, replaced = judged
            notes = answer.notes if answer is not None else ""
            evidence = answer.evidence if answer is not None else ()
            if extra:
                named = tuple(str(e) for e in extra)
                evidence = (*evidence, *(e for e in named if e not in evidence))
            status = _status(credit)
            won = plan.max_points * credit
            result = CriterionResult(
                plan.info,
                status,
                won,
                plan.max_points,
                credit,
                shown,
                notes,
                evidence,
                value=value,
                reason=reason,
                replaced=replaced,
                records=extra,
                sample=next((e.sample for e in extra if e.sample is not None), None),
            )
            if len(self._shared) >= _SHARED_MAX:
                self._shared.clear()
            self._shared[key] = result
        return result

    def _local_days(
        self, date: dt.date, rectifications: Sequence[Rectification]
    ) -> tuple[LocalDay, ...]:
        # The locality's own days that moved a due date: name them beside the list.
        if not rectifications or not isinstance(self.calendar, WorkingCalendar):
            return ()
        return self.calendar.local_days(date, max(r.due for r in rectifications))

    @staticmethod
    def _insufficient(
        plan: _Plan, answer: Answer | None, extra: tuple[Evidence, ...], sample: int
    ) -> CriterionResult:
        notes = answer.notes if answer is not None else ""
        evidence = answer.evidence if answer is not None else ()
        named = tuple(str(e) for e in extra)
        evidence = (*evidence, *(e for e in named if e not in evidence))
        return CriterionResult(
            plan.info,
            Status.INSUFFICIENT_DATA,
            0.0,
            0.0,
            0.0,
            notes=notes,
            evidence=evidence,
            reason=Reason.INSUFFICIENT_DATA,
            records=extra,
            sample=sample,
            min_sample=plan.min_sample,
        )

    def _due_date(self, start: dt.date, days: int) -> tuple[dt.date, bool]:
        key = (start, days)
        due = self._due.get(key)
        if due is None:
            due = self._due[key] = due_date(self.calendar, start, days)
        return due

    def _score(
        self,
        assessment: Assessment,
        hall: Hall,
        metrics: Mapping[str, float],
        overdue: tuple[OrderState, ...],
        *,
        measured: Mapping[str, float],
        provenance: Mapping[str, Evidence],
    ) -> Scorecard:
        date = assessment.date
        results: list[CriterionResult] = []
        won_by = [0.0, 0.0, 0.0, 0.0]
        max_by = [0.0, 0.0, 0.0, 0.0]
        vetoed: list[str] = []
        rectifications: list[Rectification] = []
        answers = assessment.answers_by_criterion
        for step in self._steps[hall.tier]:
            if isinstance(step, CriterionResult):
                results.append(step)
                continue
            plan = step
            answer = answers.get(plan.info.id)
            if plan.entry.waivers:
                waiver = waiver_in_force(plan.entry, hall.code, date)
                if waiver is not None:
                    results.append(_waived(plan, answer, waiver[0].justification))
                    continue
            extra: tuple[Evidence, ...] = ()
            metric = plan.criterion.metric
            if measured and metric is not None and metric in measured:
                # Measured data replaces a typed value, and says where it came from and how
                # many records it rests on.
                source = provenance.get(metric)
                extra = (source,) if source else ()
                sample = source.sample if source is not None else None
                if sample is not None and sample < plan.min_sample:
                    results.append(self._insufficient(plan, answer, extra, sample))
                    continue
                judged = _judge(plan, None, measured)
                if answer is not None and answer.value is not None and judged[2] is None:
                    judged = (*judged[:2], Reason.MEASURED, judged[3], answer.value)
            else:
                judged = _judge(plan, answer, metrics)
            credit = judged[0]
            possible = plan.max_points
            won = possible * credit
            won_by[plan.aspect] += won
            max_by[plan.aspect] += possible
            status = _status(credit)
            results.append(self._result(plan, judged, answer, extra=extra))
            if status is not Status.MET:
                veto = plan.info.veto
                if veto and status is Status.NOT_MET:
                    vetoed.append(plan.info.id)
                due, estimated = self._due_date(date, plan.rectify_days)
                rectifications.append(
                    Rectification(plan.info.id, plan.info.title, status, due, veto, estimated)
                )
        total_max = sum(max_by)
        scale = 100.0 / total_max if total_max else 0.0
        total = sum(won_by) * scale if total_max else 100.0
        total = min(100.0, max(0.0, total))
        if len(rectifications) > 1:
            rectifications.sort(key=lambda r: (r.due, r.criterion))
        return Scorecard(
            hall=hall.code,
            hall_name=hall.name,
            tier=hall.tier,
            locality=self.standard.locality,
            date=date,
            model=self.model.name,
            total=total,
            grade=self.model.grade(self.standard, total, vetoed),
            vetoed=tuple(vetoed),
            aspects=tuple(
                AspectScore(aspect, won_by[i] * scale, max_by[i] * scale)
                for i, aspect in enumerate(Aspect)
            ),
            criteria=tuple(results),
            rectifications=tuple(rectifications),
            overdue_orders=overdue,
            assessor=assessment.assessor,
            illustrative=assessment.illustrative,
            local_days=self._local_days(date, rectifications),
        )


def _answer_problem(criterion: Criterion, answer: Answer) -> str:
    method = criterion.method
    if method is Method.CHECK and (answer.level is not None or answer.value is not None):
        return f"{criterion.id} is a check criterion: answer with met = true/false"
    if method is Method.GRADED:
        if answer.met is not None or answer.value is not None:
            return f"{criterion.id} is graded: answer with level = one of its levels"
        if answer.level is not None and answer.level not in {lv.id for lv in criterion.levels}:
            known = ", ".join(lv.id for lv in criterion.levels)
            return f"{criterion.id} has no level {answer.level!r} (levels: {known})"
    if method is Method.METRIC and (answer.met is not None or answer.level is not None):
        return f"{criterion.id} is a metric criterion: give value, or the metric in [metrics]"
    return ""


def _status(credit: float) -> Status:
    if credit >= 1.0:
        return Status.MET
    return Status.PARTLY_MET if credit > 0.0 else Status.NOT_MET


# Credit (0–1), the answer as shown, the reason, the value judged, the typed value replaced.
_Judged = tuple[float, str, Reason | None, float | None, float | None]
_UNANSWERED: _Judged = (0.0, "", Reason.NO_ANSWER, None, None)
_MET: _Judged = (1.0, "met", None, None, None)
_NOT_MET: _Judged = (0.0, "not met", None, None, None)
_NO_DATA: _Judged = (0.0, "", Reason.NO_DATA, None, None)


def _judge(plan: _Plan, answer: Answer | None, metrics: Mapping[str, float]) -> _Judged:
    method = plan.method
    if method == _CHECK:
        if answer is None or answer.met is None:
            return _UNANSWERED
        return _MET if answer.met else _NOT_MET
    if method == _GRADED:
        if answer is None or answer.level is None:
            return _UNANSWERED
        credit, shown = plan.credits[answer.level]
        return credit, shown, None, None, None
    value = answer.value if answer is not None else None
    metric = plan.criterion.metric
    if value is None and metric is not None:
        value = metrics.get(metric)
    if value is None or plan.target is None:
        return _NO_DATA
    shown = f"{value:g} {plan.info.unit}".strip()
    return plan.criterion.credit(value, target=plan.target), shown, None, value, None


def _waived(plan: _Plan, answer: Answer | None, justification: str) -> CriterionResult:
    return CriterionResult(
        plan.info,
        Status.WAIVED,
        0.0,
        0.0,
        0.0,
        notes=answer.notes if answer is not None else "",
        evidence=answer.evidence if answer is not None else (),
        waiver=justification,
    )


# -- the scorecard's document --------------------------------------------------------------


@attrs.frozen
class AspectEntry:
    """An aspect's share of the total, on the 0–100 scale.

    Attributes:
        id: The aspect.
        name: Its Chinese name.
        score: Points won, rounded to 2 decimals.
        max: Points possible, rounded to 2 decimals.
    """

    id: Aspect
    name: str
    score: float
    max: float

    @classmethod
    def of(cls, aspect: AspectScore) -> AspectEntry:
        """The entry of an aspect's score."""
        return cls(aspect.aspect, aspect.name, round(aspect.score, 2), round(aspect.max, 2))


@attrs.frozen
class CriterionEntry:
    """How the hall fared on one criterion.

    Attributes:
        id: The criterion's id.
        aspect: Its aspect.
        title: Its title.
        points: Points won, rounded to 3 decimals.
        max_points: Points possible, rounded to 3 decimals (0 when waived, not
            applicable or short of data).
        status: The outcome.
        answer: The assessor's answer or the measured value with its unit (empty without).
        target: A metric criterion's effective target.
        notes: The assessor's notes.
        evidence: References to the evidence, the records measured values came from last.
        records: Those records, structured.
        reason: Why nothing was earned, or that a measured value replaced the typed one.
        veto: Whether the criterion is a veto (一票否决).
        layer: The code of the layer that defined it.
        plugin: The plugin that declared that layer.
        changed_by: Codes of later layers that changed it.
        waiver: The justification of a waiver in force.
        sample: How many records a measured value rests on.
        min_sample: The locality's minimum sample, when a measured value fell short of it.
        source: The criterion's source clause.
    """

    id: str
    aspect: Aspect
    title: str
    points: float
    max_points: float
    status: Status
    answer: str
    target: float | None
    notes: str
    evidence: tuple[str, ...]
    records: tuple[RecordEntry | CaseRecordEntry, ...]
    reason: Reason | None
    veto: bool
    layer: str | None
    plugin: str
    changed_by: tuple[str, ...]
    waiver: str | None
    sample: int | None
    min_sample: int | None
    source: str

    @classmethod
    def of(cls, result: CriterionResult) -> CriterionEntry:
        """The entry of a criterion's result."""
        r, info = result, result.info
        return cls(
            info.id,
            info.aspect,
            info.title,
            round(r.points, 3),
            round(r.max_points, 3),
            r.status,
            r.answer,
            info.target,
            r.notes,
            r.evidence,
            tuple(record_entry(e) for e in r.records) if r.records else (),
            r.reason,
            info.veto,
            str(info.layer) if info.layer is not None else None,
            info.plugin,
            info.changed_by,
            r.waiver,
            r.sample,
            r.min_sample,
            info.source,
        )


@attrs.frozen
class RectificationEntry:
    """A failed criterion to rectify, with its due date in working days.

    Attributes:
        criterion: The criterion's id.
        title: Its title.
        status: Not met or partly met.
        due: The due date.
        due_estimated: Whether the due date was counted on an estimated holiday schedule.
        veto: Whether the criterion is a veto.
    """

    criterion: str
    title: str
    status: Status
    due: dt.date
    due_estimated: bool
    veto: bool

    @classmethod
    def of(cls, rectification: Rectification) -> RectificationEntry:
        """The entry of a rectification."""
        r = rectification
        return cls(r.criterion, r.title, r.status, r.due, r.due_estimated, r.veto)


@attrs.frozen
class OverdueOrderEntry:
    """An inspection's rectification order open past its due date.

    Attributes:
        inspection: The inspection's id.
        order: The order's id.
        criterion: The criterion of the finding it addresses.
        description: The finding.
        due: Its due date.
        due_estimated: Whether the due date was counted on an estimated holiday schedule.
    """

    inspection: str
    order: str
    criterion: str
    description: str
    due: dt.date
    due_estimated: bool

    @classmethod
    def of(cls, order: OrderState) -> OverdueOrderEntry:
        """The entry of an order's state."""
        o = order
        return cls(o.inspection, o.order, o.criterion, o.description, o.due, o.due_estimated)


@attrs.frozen
class LocalDayEntry:
    """A closure or service day of the locality that moved a rectification due date.

    Attributes:
        date: The day.
        counts: Whether it counts as a working day (a service day) or not (a closure).
        reason: Why, as the layer's calendar says.
        layer: The layer that set it.
        illustrative: Whether the entry is an invented example.
    """

    date: dt.date
    counts: bool
    reason: str
    layer: str
    illustrative: bool

    @classmethod
    def of(cls, day: LocalDay) -> LocalDayEntry:
        """The entry of a local day."""
        return cls(day.date, day.counts, day.reason, day.layer, day.illustrative)


@attrs.frozen
class ScorecardDocument:
    """A hall's scorecard as ``govstd evaluate --json`` prints it.

    Attributes:
        hall: The hall's code.
        hall_name: Its name.
        tier: Its tier.
        locality: The code of the locality whose standard applied.
        date: The assessment date.
        assessor: Who assessed.
        illustrative: Whether the assessment is invented for an example.
        model: The scoring model's name.
        total: The total, 0–100, rounded to 2 decimals.
        grade: The grade.
        vetoed: Ids of failed veto criteria.
        aspects: The four aspects' scores, in report order.
        criteria: Every criterion of the standard, in aspect order.
        rectifications: Failed criteria with their due dates, earliest first.
        overdue_orders: Inspection rectification orders open past their due date.
        local_days: The locality's own days that moved a rectification due date.
    """

    hall: str
    hall_name: str
    tier: HallTier
    locality: str
    date: dt.date
    assessor: str
    illustrative: bool
    model: str
    total: float
    grade: str
    vetoed: tuple[str, ...]
    aspects: tuple[AspectEntry, ...]
    criteria: tuple[CriterionEntry, ...]
    rectifications: tuple[RectificationEntry, ...]
    overdue_orders: tuple[OverdueOrderEntry, ...]
    local_days: tuple[LocalDayEntry, ...]

    @classmethod
    def of(cls, card: Scorecard) -> ScorecardDocument:
        """The document of a scorecard."""
        return cls(
            hall=card.hall,
            hall_name=card.hall_name,
            tier=card.tier,
            locality=str(card.locality),
            date=card.date,
            assessor=card.assessor,
            illustrative=card.illustrative,
            model=card.model,
            total=round(card.total, 2),
            grade=card.grade,
            vetoed=card.vetoed,
            aspects=tuple(AspectEntry.of(a) for a in card.aspects),
            criteria=tuple(CriterionEntry.of(r) for r in card.criteria),
            rectifications=tuple(RectificationEntry.of(r) for r in card.rectifications),
            overdue_orders=tuple(OverdueOrderEntry.of(o) for o in card.overdue_orders),
            local_days=tuple(LocalDayEntry.of(d) for d in card.local_days),
        )
