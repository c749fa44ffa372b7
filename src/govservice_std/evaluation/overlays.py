"""Criteria overlays: how each locality layer adds to, removes from and refines the standard.

Every layer of a chain may ship a ``criteria.toml`` in its data folder (a
:class:`CriteriaDocument`). The national baseline's file defines the baseline criteria,
parameters, metrics and grade bands; each layer below applies its own file in this order:

1. ``parameters`` and ``metrics`` it declares;
2. ``criteria`` it adds (an id already in force is an error: change it with ``override``);
3. ``remove`` — criteria it drops, each with a reason;
4. ``override`` — new points, text, tiers, target, floor, levels or veto for a criterion;
5. ``set`` — new values for named parameters;
6. ``waive`` — criteria not scored until an expiry date, each with a justification;
7. ``grades`` (replacing the bands in force) and ``scoring`` (the scoring model's name).

A descendant may change any ancestor's criterion. An id that is not in force — never
defined, or removed by an earlier layer — fails loudly: :class:`InvalidDataError` names the
file, the plugin that ships it, the path inside the file and the known ids. Every effective
value records the layer that set it (:class:`~govservice_std.localities.Provenance`). A
locality's effective standard is the ``standard`` part of its resolved locality, read by
:mod:`govservice_std.evaluation.layers`.

>>> from govservice_std import load_registry
>>> standard = load_registry(autoload=False).resolve("000000").standard
>>> str(standard.criterion("QS-02").defined_by.layer)
'000000'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs

from govservice_std._fields import identifier, not_blank
from govservice_std.divisions import DivisionCode
from govservice_std.errors import DataProblem, FieldValueError, InvalidDataError
from govservice_std.evaluation._convert import tuple_of
from govservice_std.evaluation.standard import (
    Aspect,
    Criterion,
    Direction,
    EffectiveCriterion,
    EffectiveParameter,
    GradeBand,
    Level,
    MetricDefinition,
    Parameter,
    Standard,
    Waiver,
)
from govservice_std.halls import HallTier
from govservice_std.localities import Provenance

__all__ = [
    "CRITERIA_FILE",
    "CriteriaDocument",
    "Override",
    "Removal",
    "compose_standard",
    "waiver_in_force",
]

CRITERIA_FILE = "criteria.toml"
"""Name of a layer's criteria file inside its data folder."""


@attrs.frozen
class Removal:
    """A criterion a layer drops from the standard.

    Args:
        id: The criterion.
        reason: Why it does not apply in this locality (required).
    """

    id: str = attrs.field(validator=identifier)
    reason: str = attrs.field(validator=not_blank)


@attrs.frozen
class Override:
    """New values a layer gives an inherited criterion; fields left out keep their value.

    Args:
        id: The criterion.
        title: New title.
        requirement: New requirement text.
        points: New points.
        tiers: New tiers.
        levels: New levels (graded criteria).
        direction: New direction (metric criteria).
        target: New target (metric criteria); clears ``target_param``.
        target_param: New target parameter (metric criteria); clears ``target``.
        floor: New floor (metric criteria).
        veto: Make the criterion a veto, or not.
        source: New source.
        rectify_days: New rectification period in working days.
        illustrative: New list of fields that are the locality's own choice.
        notes: New notes.
        reason: Why the layer changes the criterion.
    """

    id: str = attrs.field(validator=identifier)
    title: str | None = None
    requirement: str | None = None
    points: float | None = None
    tiers: tuple[HallTier, ...] | None = None
    levels: tuple[Level, ...] | None = None
    direction: Direction | None = None
    target: float | None = None
    target_param: str | None = None
    floor: float | None = None
    veto: bool | None = None
    source: str | None = None
    rectify_days: int | None = None
    illustrative: tuple[str, ...] | None = None
    notes: str | None = None
    reason: str = ""

    def changes(self) -> dict[str, Any]:
        """The fields this override sets, by name."""
        out: dict[str, Any] = {}
        for field in attrs.fields(Override):
            if field.name in ("id", "reason"):
                continue
            value = getattr(self, field.name)
            if value is not None:
                out[field.name] = value
        # A target and a target parameter exclude each other: setting one clears the other.
        if "target" in out and "target_param" not in out:
            out["target_param"] = None
        elif "target_param" in out and "target" not in out:
            out["target"] = None
        return out


@attrs.frozen
class CriteriaDocument:
    """The contents of a layer's ``criteria.toml``.

    Args:
        sources: Documents the layer's criteria are drawn from.
        notes: Free text, for instance which values are illustrative.
        parameters: Parameters the layer declares.
        metrics: Metrics the layer declares.
        criteria: Criteria the layer adds.
        remove: Criteria the layer removes.
        override: Changes to criteria in force.
        set: New values of parameters in force, by name.
        waive: Waivers the layer grants.
        grades: Grade bands replacing those in force (highest first or any order).
        scoring: Name of the scoring model to use from this layer down.
    """

    sources: tuple[str, ...] = attrs.field(default=(), converter=tuple_of)
    notes: str = ""
    parameters: tuple[Parameter, ...] = attrs.field(default=(), converter=tuple_of)
    metrics: tuple[MetricDefinition, ...] = attrs.field(default=(), converter=tuple_of)
    criteria: tuple[Criterion, ...] = attrs.field(default=(), converter=tuple_of)
    remove: tuple[Removal, ...] = attrs.field(default=(), converter=tuple_of)
    override: tuple[Override, ...] = attrs.field(default=(), converter=tuple_of)
    set: dict[str, float] = attrs.field(factory=dict)
    waive: tuple[Waiver, ...] = attrs.field(default=(), converter=tuple_of)
    grades: tuple[GradeBand, ...] = attrs.field(default=(), converter=tuple_of)
    scoring: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.grades and not any(band.min == 0 for band in self.grades):
            raise FieldValueError("grades", "one band must start at 0 so every total has a grade")


class _Builder:
    """Applies layers one after the other, collecting the problems of each file."""

    def __init__(self) -> None:
        self.criteria: dict[str, EffectiveCriterion] = {}
        self.parameters: dict[str, EffectiveParameter] = {}
        self.metrics: dict[str, tuple[MetricDefinition, Provenance]] = {}
        self.removed: dict[str, Provenance] = {}
        self.grades: tuple[GradeBand, ...] = ()
        self.grades_set_by: Provenance | None = None
        self.scoring = "weighted"
        self.scoring_set_by: Provenance | None = None
        self.sources: list[str] = []

    def _unknown(self, kind: str, name: str) -> str:
        if name in self.removed:
            return f"{kind} {name!r} was removed by layer {self.removed[name]}"
        known = ", ".join(sorted(self.criteria)) or "none"
        return f"unknown {kind} {name!r} (in force: {known})"

    def apply(self, doc: CriteriaDocument, prov: Provenance, source: str) -> None:
        self.sources.extend(doc.sources)
        problems = self._declare(doc, prov)
        problems.extend(self._add(doc, prov))
        problems.extend(self._remove(doc, prov))
        for index, override in enumerate(doc.override):
            problems.extend(self._override(index, override, prov))
        problems.extend(self._set(doc, prov))
        problems.extend(self._waive(doc, prov))
        if doc.grades:
            self.grades = tuple(sorted(doc.grades, key=lambda band: -band.min))
            self.grades_set_by = prov
        if doc.scoring is not None:
            self.scoring = doc.scoring
            self.scoring_set_by = prov
        problems.extend(self._check_references())
        if problems:
            raise InvalidDataError(problems, source=source)

    def _declare(self, doc: CriteriaDocument, prov: Provenance) -> list[DataProblem]:
        problems: list[DataProblem] = []
        for index, param in enumerate(doc.parameters):
            if param.id in self.parameters:
                problems.append(
                    DataProblem(
                        f"parameters[{index}].id",
                        f"parameter {param.id!r} is already declared by layer "
                        f"{self.parameters[param.id].declared_by}; change it with set",
                    )
                )
                continue
            self.parameters[param.id] = EffectiveParameter(param, prov, prov)
        for index, metric in enumerate(doc.metrics):
            if metric.id in self.metrics:
                problems.append(
                    DataProblem(
                        f"metrics[{index}].id",
                        f"metric {metric.id!r} is already declared by layer "
                        f"{self.metrics[metric.id][1]}",
                    )
                )
                continue
            self.metrics[metric.id] = (metric, prov)
        return problems

    def _add(self, doc: CriteriaDocument, prov: Provenance) -> list[DataProblem]:
        problems: list[DataProblem] = []
        for index, criterion in enumerate(doc.criteria):
            if criterion.id in self.criteria:
                problems.append(
                    DataProblem(
                        f"criteria[{index}].id",
                        f"criterion {criterion.id!r} is already defined by layer "
                        f"{self.criteria[criterion.id].defined_by}; change it with override",
                    )
                )
                continue
            fields = {f.name: prov for f in attrs.fields(Criterion)}
            self.criteria[criterion.id] = EffectiveCriterion(criterion, prov, fields)
            self.removed.pop(criterion.id, None)
        return problems

    def _remove(self, doc: CriteriaDocument, prov: Provenance) -> list[DataProblem]:
        problems: list[DataProblem] = []
        for index, removal in enumerate(doc.remove):
            if self.criteria.pop(removal.id, None) is None:
                problems.append(
                    DataProblem(f"remove[{index}].id", self._unknown("criterion", removal.id))
                )
            else:
                self.removed[removal.id] = prov
        return problems

    def _set(self, doc: CriteriaDocument, prov: Provenance) -> list[DataProblem]:
        problems: list[DataProblem] = []
        for name, value in doc.set.items():
            entry = self.parameters.get(name)
            if entry is None:
                known = ", ".join(sorted(self.parameters)) or "none"
                problems.append(
                    DataProblem(f"set.{name}", f"unknown parameter {name!r} (declared: {known})")
                )
                continue
            param = attrs.evolve(entry.parameter, value=value)
            self.parameters[name] = EffectiveParameter(param, entry.declared_by, prov)
        return problems

    def _waive(self, doc: CriteriaDocument, prov: Provenance) -> list[DataProblem]:
        problems: list[DataProblem] = []
        for index, waiver in enumerate(doc.waive):
            entry = self.criteria.get(waiver.id)
            if entry is None:
                problems.append(
                    DataProblem(f"waive[{index}].id", self._unknown("criterion", waiver.id))
                )
                continue
            self.criteria[waiver.id] = attrs.evolve(entry, waivers=(*entry.waivers, (waiver, prov)))
        return problems

    def _override(self, index: int, override: Override, prov: Provenance) -> list[DataProblem]:
        entry = self.criteria.get(override.id)
        if entry is None:
            return [DataProblem(f"override[{index}].id", self._unknown("criterion", override.id))]
        changes = override.changes()
        if not changes:
            return [DataProblem(f"override[{index}]", "changes nothing")]
        try:
            criterion = attrs.evolve(entry.criterion, **changes)
        except FieldValueError as exc:
            return [DataProblem(f"override[{index}].{exc.field}".rstrip("."), exc.message)]
        provenance = dict(entry.provenance)
        provenance.update(dict.fromkeys(changes, prov))
        self.criteria[override.id] = attrs.evolve(entry, criterion=criterion, provenance=provenance)
        return []

    def _check_references(self) -> list[DataProblem]:
        problems: list[DataProblem] = []
        for entry in self.criteria.values():
            c = entry.criterion
            if c.metric is not None and c.metric not in self.metrics:
                problems.append(
                    DataProblem(f"criterion {c.id}.metric", f"unknown metric {c.metric!r}")
                )
            if c.target_param is not None:
                if c.target_param not in self.parameters:
                    problems.append(
                        DataProblem(
                            f"criterion {c.id}.target_param",
                            f"unknown parameter {c.target_param!r}",
                        )
                    )
                else:
                    try:
                        # The floor must stay on the right side of a target set elsewhere.
                        c._check_floor(self.parameters[c.target_param].parameter.value)
                    except FieldValueError as exc:
                        problems.append(DataProblem(f"criterion {c.id}.{exc.field}", exc.message))
        return problems

    def build(self, code: DivisionCode) -> Standard:
        if self.grades_set_by is None:
            raise InvalidDataError(
                [DataProblem("grades", "no layer of the chain defines grade bands")],
                source=f"criteria of {code}",
            )
        order = {aspect: i for i, aspect in enumerate(Aspect)}
        criteria = sorted(self.criteria.values(), key=lambda e: order[e.criterion.aspect])
        return Standard(
            locality=code,
            criteria=tuple(criteria),
            parameters=dict(self.parameters),
            metrics={k: v[0] for k, v in self.metrics.items()},
            grades=self.grades,
            grades_set_by=self.grades_set_by,
            scoring=self.scoring,
            scoring_set_by=self.scoring_set_by or self.grades_set_by,
            removed=dict(self.removed),
            sources=tuple(dict.fromkeys(self.sources)),
            metrics_declared_by={k: v[1] for k, v in self.metrics.items()},
        )


def compose_standard(
    layers: Iterable[tuple[CriteriaDocument, Provenance]],
    locality: DivisionCode | str,
) -> Standard:
    """Apply criteria documents in order, without a registry (for applications and tests).

    >>> from govservice_std.localities import Provenance
    >>> from govservice_std.divisions import DivisionCode
    >>> doc = CriteriaDocument(
    ...     grades=[GradeBand("合格", 60), GradeBand("不合格", 0)],
    ...     parameters=[Parameter("rectification.days", "整改期限", 10)],
    ...     criteria=[Criterion(id="X-1", aspect="service_provision", title="示例",
    ...                         requirement="示例要求", points=5)],
    ... )
    >>> prov = Provenance(DivisionCode("000000"), "example", "inline")
    >>> std = compose_standard([(doc, prov)], "000000")
    >>> [e.criterion.id for e in std.criteria]
    ['X-1']

    Args:
        layers: Each layer's document with the provenance to record for it, parent first.
        locality: The code the standard is for.

    Raises:
        InvalidDataError: If a document names an id not in force (the source is the
            provenance's ``source``).
    """
    builder = _Builder()
    for document, prov in layers:
        builder.apply(document, prov, prov.source)
    return builder.build(DivisionCode(str(locality)))


def waiver_in_force(
    entry: EffectiveCriterion, hall: str, on: dt.date
) -> tuple[Waiver, Provenance] | None:
    """The first waiver of ``entry`` that covers ``hall`` on ``on``, if any."""
    for waiver, prov in entry.waivers:
        if waiver.covers(hall, on):
            return waiver, prov
    return None
