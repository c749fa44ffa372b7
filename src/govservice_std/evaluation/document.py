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
as their values, dates as ``YYYY-MM-DD``. The classes are defined beside what they describe
(a record's entry in ``govservice_std.evaluation.measured``, the rest in
``govservice_std.evaluation.scoring``, so that ``to_dict()`` needs no later import) and
gathered here.

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

from govservice_std.evaluation.measured import CaseRecordEntry, RecordEntry, record_entry
from govservice_std.evaluation.scoring import (
    AspectEntry,
    CriterionEntry,
    LocalDayEntry,
    OverdueOrderEntry,
    RectificationEntry,
    ScorecardDocument,
)

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
