"""The evaluation standard: four aspects, criteria under them, parameters and grade bands.

The national baseline organises the evaluation of a hall in four aspects — the four areas of
work named for every hall in the 2023 龙门县 deployment meeting — and scores each hall on the
criteria under them. A :class:`Criterion` is one requirement with its points, the hall tiers
it applies to, how it is judged (:class:`Method`), an optional 一票否决 veto, and the source it
is drawn from.

>>> c = Criterion(
...     id="QS-02", aspect="quality_supervision", title="窗口服务满意率",
...     requirement="窗口服务满意率达到目标值", points=6, method="metric",
...     metric="reviews.satisfaction_rate", target=0.95, floor=0.8,
... )
>>> c.aspect.label_zh
'服务质量控制与监督检查'
>>> round(c.credit(0.875, target=0.95), 2)
0.5
>>> c.applies_to("village")
True
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Mapping
from typing import Any

import attrs

from govservice_std._fields import identifier, not_blank, to_enum, to_tuple, unique
from govservice_std.divisions import DivisionCode
from govservice_std.errors import FieldValueError
from govservice_std.evaluation._convert import tuple_of
from govservice_std.halls import HallTier
from govservice_std.i18n import LabelledEnum
from govservice_std.localities import Provenance

__all__ = [
    "Aspect",
    "Criterion",
    "Direction",
    "EffectiveCriterion",
    "EffectiveParameter",
    "GradeBand",
    "Level",
    "Method",
    "MetricDefinition",
    "Parameter",
    "Standard",
    "Waiver",
]

# The parameter of the minimum sample for measured metrics (``sample.min.<metric>`` for one).
_SAMPLE_MIN = "sample.min"


class Aspect(LabelledEnum):
    """The four aspects of the standard, in the order they are reported."""

    HALL_CONSTRUCTION = "hall_construction", "hall construction"
    """政务服务大厅建设: site, zones, windows, facilities."""
    OPERATION_MANAGEMENT = "operation_management", "operation management"
    """运行管理: staff, order, documents, items stationed in the hall."""
    SERVICE_PROVISION = "service_provision", "service provision"
    """服务提供: how services are delivered at the windows and beyond."""
    QUALITY_SUPERVISION = "quality_supervision", "quality control, supervision and inspection"
    """服务质量控制与监督检查: 好差评, complaints, supervision and inspection."""


class Method(enum.Enum):
    """How a criterion is judged."""

    CHECK = "check"
    """The assessor answers met or not met."""
    GRADED = "graded"
    """The assessor picks one of the criterion's levels, each worth a share of the points."""
    METRIC = "metric"
    """A measured number is compared with a target, with partial credit down to a floor."""


class Direction(enum.Enum):
    """Whether a metric should reach its target from below or stay under it."""

    AT_LEAST = "at_least"
    """Higher is better (a satisfaction rate)."""
    AT_MOST = "at_most"
    """Lower is better (an average waiting time)."""


_ALL_TIERS = (HallTier.COUNTY, HallTier.TOWN, HallTier.VILLAGE)


def _to_tiers(value: Any) -> tuple[HallTier, ...]:
    items = to_tuple(value)
    tiers = tuple(to_enum(HallTier, item, "tiers") for item in items)
    if not tiers:
        raise FieldValueError("tiers", "must name at least one tier")
    return tiers


def _to_aspect(value: Aspect | str) -> Aspect:
    return to_enum(Aspect, value, "aspect")


def _to_method(value: Method | str) -> Method:
    return to_enum(Method, value, "method")


def _to_direction(value: Direction | str) -> Direction:
    return to_enum(Direction, value, "direction")


@attrs.frozen
class Level:
    """One level of a graded criterion.

    Args:
        id: Short identifier the assessor answers with (``"A"``).
        label: What the level means (``"功能分区齐全、标识清晰"``).
        credit: Share of the criterion's points the level earns, from 0 to 1.
    """

    id: str = attrs.field(validator=identifier)
    label: str = attrs.field(validator=not_blank)
    credit: float = attrs.field(converter=float)

    def __attrs_post_init__(self) -> None:
        if not 0.0 <= self.credit <= 1.0:
            raise FieldValueError("credit", f"must be between 0 and 1 (got {self.credit})")


@attrs.frozen
class Criterion:
    """One requirement of the standard.

    Args:
        id: Stable identifier, unique in the effective standard (``"HC-02"``).
        aspect: The aspect it belongs to.
        title: Short Chinese title.
        requirement: What a hall must do, in Chinese. The library's own wording, not a
            quotation of a standard, unless ``source`` says it quotes.
        points: Points the criterion is worth under the weighted-sum model (> 0).
        tiers: The hall tiers it applies to (default: all three).
        method: How it is judged.
        levels: For a graded criterion, its levels (at least two, one worth full credit).
        metric: For a metric criterion, the id of the metric it reads.
        direction: For a metric criterion, whether higher or lower is better.
        target: For a metric criterion, the value that earns full credit.
        target_param: Instead of ``target``, the name of a parameter that holds it, so a
            locality can change the target with ``set``.
        floor: For a metric criterion, the value at which credit falls to zero; credit is
            linear between floor and target. Without a floor, missing the target earns
            nothing.
        veto: 一票否决: failing this criterion caps the hall's grade.
        source: The document and clause the criterion is drawn from.
        rectify_days: Working days allowed to rectify a failure (default: the
            ``rectification.days`` parameter).
        illustrative: Names of fields whose values are the library's (or the locality's)
            own choice rather than taken from a source (``["points", "target"]``).
        notes: Free text.

    Raises:
        FieldValueError: If the method's fields are missing or inconsistent.
    """

    id: str = attrs.field(validator=identifier)
    aspect: Aspect = attrs.field(converter=_to_aspect)
    title: str = attrs.field(validator=not_blank)
    requirement: str = attrs.field(validator=not_blank)
    points: float = attrs.field(converter=float)
    tiers: tuple[HallTier, ...] = attrs.field(default=_ALL_TIERS, converter=_to_tiers)
    method: Method = attrs.field(default=Method.CHECK, converter=_to_method)
    levels: tuple[Level, ...] = attrs.field(default=(), converter=tuple_of)
    metric: str | None = None
    direction: Direction = attrs.field(default=Direction.AT_LEAST, converter=_to_direction)
    target: float | None = None
    target_param: str | None = None
    floor: float | None = None
    veto: bool = False
    source: str = ""
    rectify_days: int | None = None
    illustrative: tuple[str, ...] = attrs.field(default=(), converter=tuple_of)
    notes: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.points > 0:
            raise FieldValueError("points", f"must be > 0 (got {self.points})")
        if self.rectify_days is not None and self.rectify_days < 0:
            raise FieldValueError("rectify_days", f"must be >= 0 (got {self.rectify_days})")
        fields = set(attrs.fields_dict(Criterion))
        for index, name in enumerate(self.illustrative):
            if name not in fields:
                raise FieldValueError(f"illustrative[{index}]", f"no field {name!r}")
        if self.method is Method.GRADED:
            self._check_graded()
        elif self.levels:
            raise FieldValueError("levels", f"only a graded criterion has levels ({self.id})")
        if self.method is Method.METRIC:
            self._check_metric()
        elif self.metric is not None or self.target is not None or self.target_param is not None:
            raise FieldValueError(
                "metric", f"only a metric criterion has metric, target or target_param ({self.id})"
            )

    def _check_graded(self) -> None:
        if len(self.levels) < 2:
            raise FieldValueError("levels", "a graded criterion needs at least two levels")
        unique(self.levels, lambda level: level.id, "levels", "level id")
        if not any(level.credit == 1.0 for level in self.levels):
            raise FieldValueError("levels", "one level must earn full credit (credit = 1)")

    def _check_metric(self) -> None:
        if not self.metric:
            raise FieldValueError("metric", "a metric criterion must name its metric")
        if (self.target is None) == (self.target_param is None):
            raise FieldValueError("target", "give exactly one of target and target_param")
        if self.floor is not None and self.target is not None:
            self._check_floor(self.target)

    def _check_floor(self, target: float) -> None:
        if self.floor is None:
            return
        if self.direction is Direction.AT_LEAST and not self.floor < target:
            raise FieldValueError(
                "floor", f"must be below the target {target} when higher is better"
            )
        if self.direction is Direction.AT_MOST and not self.floor > target:
            raise FieldValueError(
                "floor", f"must be above the target {target} when lower is better"
            )

    def applies_to(self, tier: HallTier | str) -> bool:
        """Whether the criterion applies to halls of ``tier``."""
        return HallTier(tier) in self.tiers

    def level(self, level_id: str) -> Level:
        """The level with this id.

        Raises:
            KeyError: If the criterion has no such level.
        """
        for level in self.levels:
            if level.id == level_id:
                return level
        raise KeyError(level_id)

    def credit(self, value: float, *, target: float) -> float:
        """The share of the points a measured ``value`` earns against ``target`` (0 to 1).

        Full credit at or beyond the target; linear partial credit between the floor and the
        target; nothing at or beyond the floor, or below the target when there is no floor.
        """
        floor = self.floor
        if self.direction is Direction.AT_LEAST:
            if value >= target:
                return 1.0
            if floor is None or value <= floor:
                return 0.0
            return (value - floor) / (target - floor)
        if value <= target:
            return 1.0
        if floor is None or value >= floor:
            return 0.0
        return (floor - value) / (floor - target)


@attrs.frozen
class MetricDefinition:
    """A named number that metric criteria read (a queue KPI, a 好差评 rate…).

    Args:
        id: The metric's id (``"reviews.satisfaction_rate"``).
        title: Chinese name (``"满意率"``).
        unit: Its unit (``"ratio"`` for 0–1 shares, ``"minutes"``, ``"days"``…).
        description: How it is computed and where the value comes from.
        source: The document it is drawn from, if any.
    """

    id: str = attrs.field(validator=identifier)
    title: str = attrs.field(validator=not_blank)
    unit: str = attrs.field(validator=not_blank)
    description: str = ""
    source: str = ""


@attrs.frozen
class Parameter:
    """A named number of the standard that layers may change with ``set``.

    Args:
        id: Its name (``"wait.max_minutes"``).
        title: What it means, in Chinese.
        value: Its value.
        unit: Its unit.
        source: Where the value comes from.
        illustrative: Whether the value is the library's (or a locality's) own choice
            rather than taken from a source.
    """

    id: str = attrs.field(validator=identifier)
    title: str = attrs.field(validator=not_blank)
    value: float = attrs.field(converter=float)
    unit: str = ""
    source: str = ""
    illustrative: bool = False


@attrs.frozen
class GradeBand:
    """A grade and the lowest total (0–100) that earns it.

    Args:
        name: The grade (``"优秀"``).
        min: The lowest total that earns it.
    """

    name: str = attrs.field(validator=not_blank)
    min: float = attrs.field(converter=float)

    def __attrs_post_init__(self) -> None:
        if not 0.0 <= self.min <= 100.0:
            raise FieldValueError("min", f"must be between 0 and 100 (got {self.min})")


@attrs.frozen
class Waiver:
    """A layer's decision not to score a criterion for a time, with its justification.

    Args:
        id: The criterion waived.
        justification: Why (required).
        expires: The last day the waiver holds; assessments dated later score the criterion.
        halls: The halls it covers (codes); empty for every hall of the layer.
        approved_by: Who approved it.
    """

    id: str = attrs.field(validator=identifier)
    justification: str = attrs.field(validator=not_blank)
    expires: dt.date
    halls: tuple[str, ...] = attrs.field(default=(), converter=tuple_of)
    approved_by: str = ""

    def covers(self, hall: str, on: dt.date) -> bool:
        """Whether the waiver covers ``hall`` on the date ``on``."""
        return (not self.halls or hall in self.halls) and on <= self.expires


@attrs.frozen
class EffectiveCriterion:
    """A criterion as the chain of layers left it, with where each value came from.

    Attributes:
        criterion: The effective criterion.
        defined_by: The layer that added it.
        provenance: For each field, the layer that last set it.
        waivers: Waivers of it, each with the layer that granted it.
    """

    criterion: Criterion
    defined_by: Provenance
    provenance: Mapping[str, Provenance]
    waivers: tuple[tuple[Waiver, Provenance], ...] = ()

    @property
    def changed_by(self) -> tuple[Provenance, ...]:
        """The layers, other than the defining one, that changed it (in chain order)."""
        out: list[Provenance] = []
        for prov in self.provenance.values():
            if prov != self.defined_by and prov not in out:
                out.append(prov)
        return tuple(sorted(out, key=lambda p: len(str(p.layer))))


@attrs.frozen
class EffectiveParameter:
    """A parameter's effective value and the layers that declared and last set it."""

    parameter: Parameter
    declared_by: Provenance
    set_by: Provenance


@attrs.frozen(eq=False)
class Standard:
    """The effective standard of one locality: the national baseline with every layer applied.

    Get it from a resolved locality: ``registry.resolve(code).standard``.

    Attributes:
        locality: The locality it was resolved for.
        criteria: The effective criteria, in aspect order then in the order they were added.
        parameters: Effective parameters by id.
        metrics: Metric definitions by id.
        grades: Grade bands, highest first.
        grades_set_by: The layer whose grade bands are in force.
        scoring: Name of the scoring model the locality uses.
        scoring_set_by: The layer that chose it.
        removed: Criteria removed by a layer, with the layer that removed them.
        sources: Every layer's listed sources, in chain order.
        metrics_declared_by: For each metric, the layer that declared it.
    """

    locality: DivisionCode
    criteria: tuple[EffectiveCriterion, ...]
    parameters: Mapping[str, EffectiveParameter]
    metrics: Mapping[str, MetricDefinition]
    grades: tuple[GradeBand, ...]
    grades_set_by: Provenance
    scoring: str
    scoring_set_by: Provenance
    removed: Mapping[str, Provenance] = attrs.field(factory=dict)
    sources: tuple[str, ...] = ()
    metrics_declared_by: Mapping[str, Provenance] = attrs.field(factory=dict)

    def criterion(self, criterion_id: str) -> EffectiveCriterion:
        """The effective criterion with this id.

        Raises:
            KeyError: If the standard has no such criterion.
        """
        for entry in self.criteria:
            if entry.criterion.id == criterion_id:
                return entry
        raise KeyError(criterion_id)

    def for_tier(self, tier: HallTier | str) -> tuple[EffectiveCriterion, ...]:
        """The criteria that apply to halls of ``tier``."""
        wanted = HallTier(tier)
        return tuple(e for e in self.criteria if wanted in e.criterion.tiers)

    def parameter(self, name: str) -> float:
        """The value of a parameter.

        Raises:
            KeyError: If the standard has no such parameter.
        """
        return self.parameters[name].parameter.value

    def min_sample(self, metric: str) -> int:
        """The smallest sample a measured value of ``metric`` must rest on to be scored.

        A locality sets it with the parameter ``sample.min.<metric id>`` for one metric, or
        ``sample.min`` for every measured metric; without either, any sample of at least
        one record counts. Below it, a metric criterion reads 数据不足 (insufficient data)
        and is not scored.
        """
        for name in (f"{_SAMPLE_MIN}.{metric}", _SAMPLE_MIN):
            entry = self.parameters.get(name)
            if entry is not None:
                return max(1, math.ceil(entry.parameter.value))
        return 1

    def target(self, criterion: Criterion) -> float | None:
        """The effective target of a metric criterion (from its parameter if it names one)."""
        if criterion.target_param is not None:
            return self.parameter(criterion.target_param)
        return criterion.target

    def grade_for(self, total: float) -> str:
        """The grade a total (0–100) earns under the locality's bands."""
        for band in self.grades:
            if total >= band.min:
                return band.name
        return self.grades[-1].name

    def to_dict(self, tier: HallTier | str | None = None) -> dict[str, Any]:
        """The standard as JSON-ready data (the ``govstd standard --json`` document).

        Args:
            tier: Only the criteria that apply to this tier.
        """
        entries = self.criteria if tier is None else self.for_tier(tier)
        return {
            "locality": str(self.locality),
            "tier": HallTier(tier).value if tier is not None else None,
            "scoring": self.scoring,
            "scoring_layer": str(self.scoring_set_by.layer),
            "grades": [{"name": b.name, "min": b.min} for b in self.grades],
            "grades_layer": str(self.grades_set_by.layer),
            "parameters": [
                {
                    "id": p.parameter.id,
                    "title": p.parameter.title,
                    "value": p.parameter.value,
                    "unit": p.parameter.unit,
                    "illustrative": p.parameter.illustrative,
                    "declared_by": str(p.declared_by.layer),
                    "layer": str(p.set_by.layer),
                }
                for p in self.parameters.values()
            ],
            "criteria": [_criterion_dict(self, entry) for entry in entries],
            "removed": {k: str(v.layer) for k, v in self.removed.items()},
        }

    @property
    def lowest_grade(self) -> str:
        """The lowest grade band's name (where a failed veto caps a hall)."""
        return self.grades[-1].name


def _criterion_dict(standard: Standard, entry: EffectiveCriterion) -> dict[str, Any]:
    c = entry.criterion
    return {
        "id": c.id,
        "aspect": c.aspect.value,
        "aspect_name": c.aspect.label_zh,
        "title": c.title,
        "requirement": c.requirement,
        "tiers": [t.value for t in c.tiers],
        "points": c.points,
        "method": c.method.value,
        "levels": [{"id": lv.id, "label": lv.label, "credit": lv.credit} for lv in c.levels],
        "metric": c.metric,
        "direction": c.direction.value if c.method is Method.METRIC else None,
        "target": standard.target(c),
        "target_param": c.target_param,
        "floor": c.floor,
        "veto": c.veto,
        "source": c.source,
        "illustrative": list(c.illustrative),
        "layer": str(entry.defined_by.layer),
        "plugin": entry.defined_by.plugin,
        "changed_by": [str(p.layer) for p in entry.changed_by],
        "provenance": {
            name: str(prov.layer)
            for name, prov in entry.provenance.items()
            if prov != entry.defined_by
        },
        "waivers": [
            {
                "justification": w.justification,
                "expires": w.expires.isoformat(),
                "halls": list(w.halls),
                "layer": str(prov.layer),
            }
            for w, prov in entry.waivers
        ],
    }
