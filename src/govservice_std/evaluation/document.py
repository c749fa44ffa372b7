"""The scorecard's document: what ``govstd evaluate --json`` prints, as typed classes.

:meth:`ScorecardDocument.of` turns a :class:`~govservice_std.evaluation.scoring.Scorecard`
into its document — figures rounded for people (the total and the aspects to 2 decimals, a
criterion's points to 3), the criterion's description flattened into its entry, the records
a measured value was read from structured — and the library's one converter
(:func:`~govservice_std.serialization.unstructure`) turns the document into JSON-ready data:
:meth:`Scorecard.to_dict() <govservice_std.evaluation.scoring.Scorecard.to_dict>` is exactly
that. The hall service answers ``GET /api/v1/scorecard`` with the same classes, so its OpenAPI
schema describes the document field by field.

Every field is always present (none has a default), in the order listed; enums are written
as their values, dates as ``YYYY-MM-DD``.

>>> from govservice_std import evaluate_hall, load_registry
>>> from govservice_std.evaluation import Assessment
>>> from govservice_std.serialization import unstructure
>>> assessment = Assessment(hall="441324116", locality="441324", date="2026-03-02")
>>> card = evaluate_hall(load_registry().resolve("441324"), assessment)
>>> document = ScorecardDocument.of(card)
>>> document.total, document.aspects[0].name
(0.0, '大厅建设')
>>> unstructure(document) == card.to_dict()
True
>>> list(card.to_dict())[:6]
['hall', 'hall_name', 'tier', 'locality', 'date', 'assessor']
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import attrs

from govservice_std.calendar import LocalDay
from govservice_std.evaluation.inspections import OrderState
from govservice_std.evaluation.measured import CaseSubject, Evidence, EvidenceKind
from govservice_std.evaluation.scoring import (
    AspectScore,
    CriterionResult,
    Reason,
    Rectification,
    Scorecard,
    Status,
)
from govservice_std.evaluation.standard import Aspect
from govservice_std.halls import HallTier

__all__ = [
    "AspectEntry",
    "CaseRecordEntry",
    "CriterionEntry",
    "LocalDayEntry",
    "OverdueOrderEntry",
    "RecordEntry",
    "RectificationEntry",
    "ScorecardDocument",
    "record_entry",
]


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
