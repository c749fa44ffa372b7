"""The scorecard's document: the ``govstd evaluate --json`` JSON, key by key, and back."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govservice_std as gs
from govservice_std.calendar import CalendarDay
from govservice_std.evaluation.document import (
    CaseRecordEntry,
    RecordEntry,
    ScorecardDocument,
    record_entry,
)
from govservice_std.evaluation.inspections import InspectionsDocument
from govservice_std.evaluation.measured import CaseSubject, Evidence, EvidenceKind, MeasuredMetrics
from govservice_std.evaluation.overlays import compose_standard
from govservice_std.evaluation.scoring import Evaluator, Scorecard
from govservice_std.serialization import dumps, load, structure, unstructure
from tests.evaluation.strategies import DATE, NATIONAL, scenarios

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "plugins/longmen/src/govservice_longmen/data/441324/examples"


def _record(e: Evidence) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": e.kind.value,
        "source": e.source,
        "day": e.day.isoformat() if e.day is not None else None,
        "days": e.days,
        "sample": e.sample,
    }
    if e.kind is EvidenceKind.CASES:
        data["start"] = e.start.isoformat() if e.start else None
        data["end"] = e.end.isoformat() if e.end else None
        data["subject"] = e.subject.value if e.subject else None
    return data


def expected(card: Scorecard) -> dict[str, Any]:
    """The document as written by hand, key by key: what `govstd evaluate --json` has printed."""
    return {
        "hall": card.hall,
        "hall_name": card.hall_name,
        "tier": card.tier.value,
        "locality": str(card.locality),
        "date": card.date.isoformat(),
        "assessor": card.assessor,
        "illustrative": card.illustrative,
        "model": card.model,
        "total": round(card.total, 2),
        "grade": card.grade,
        "vetoed": list(card.vetoed),
        "aspects": [
            {
                "id": a.aspect.value,
                "name": a.name,
                "score": round(a.score, 2),
                "max": round(a.max, 2),
            }
            for a in card.aspects
        ],
        "criteria": [
            {
                "id": r.id,
                "aspect": r.aspect.value,
                "title": r.title,
                "points": round(r.points, 3),
                "max_points": round(r.max_points, 3),
                "status": r.status.value,
                "answer": r.answer,
                "target": r.target,
                "notes": r.notes,
                "evidence": list(r.evidence),
                "records": [_record(e) for e in r.records],
                "reason": r.reason.value if r.reason is not None else None,
                "veto": r.veto,
                "layer": str(r.layer) if r.layer is not None else None,
                "plugin": r.plugin,
                "changed_by": list(r.changed_by),
                "waiver": r.waiver,
                "sample": r.sample,
                "min_sample": r.min_sample,
                "source": r.source,
            }
            for r in card.criteria
        ],
        "rectifications": [
            {
                "criterion": r.criterion,
                "title": r.title,
                "status": r.status.value,
                "due": r.due.isoformat(),
                "due_estimated": r.due_estimated,
                "veto": r.veto,
            }
            for r in card.rectifications
        ],
        "overdue_orders": [
            {
                "inspection": o.inspection,
                "order": o.order,
                "criterion": o.criterion,
                "description": o.description,
                "due": o.due.isoformat(),
                "due_estimated": o.due_estimated,
            }
            for o in card.overdue_orders
        ],
        "local_days": [
            {
                "date": d.date.isoformat(),
                "counts": d.counts,
                "reason": d.reason,
                "layer": d.layer,
                "illustrative": d.illustrative,
            }
            for d in card.local_days
        ],
    }


def check(card: Scorecard) -> None:
    data = card.to_dict()
    # The same text as written by hand: same keys in the same order, same values.
    assert json.dumps(data, ensure_ascii=False) == json.dumps(expected(card), ensure_ascii=False)
    # And the converter reads it back into the same document, from data and from JSON.
    document = ScorecardDocument.of(card)
    assert unstructure(document) == data
    assert structure(data, ScorecardDocument) == document
    assert structure(json.loads(dumps(document)), ScorecardDocument) == document


evidences = st.builds(
    Evidence,
    kind=st.sampled_from(EvidenceKind),
    source=st.sampled_from(["", "cases.db", "好差评.toml"]),
    day=st.none() | st.just(DATE),
    days=st.none() | st.integers(1, 400),
    sample=st.none() | st.integers(0, 10_000),
    start=st.none() | st.just(dt.date(2026, 1, 1)),
    end=st.none() | st.just(DATE),
    subject=st.none() | st.sampled_from(CaseSubject),
)


@settings(max_examples=60, deadline=None)
@given(scenarios(), st.none() | st.floats(0, 1, allow_subnormal=False), evidences)
def test_the_document_is_the_evaluate_json_document_key_by_key(
    scenario: Any, measured: float | None, record: Evidence
) -> None:
    document, assessment, hall = scenario
    evaluator = Evaluator(compose_standard([(document, NATIONAL)], "110101"))
    metrics = MeasuredMetrics.of({"m.rate": measured}, record) if measured is not None else None
    check(evaluator.evaluate(assessment, hall, metrics=metrics))


@given(evidences)
def test_a_record_s_entry_is_its_evidence_s_data_and_reads_back(record: Evidence) -> None:
    entry = record_entry(record)
    assert isinstance(entry, CaseRecordEntry) == (record.kind is EvidenceKind.CASES)
    assert unstructure(entry) == record.to_dict() == _record(record)
    read: RecordEntry | CaseRecordEntry = structure(
        record.to_dict(),
        RecordEntry | CaseRecordEntry,  # type: ignore[arg-type]  # a union is a type here
    )
    assert read == entry


@pytest.fixture(scope="module")
def longtan() -> tuple[gs.ResolvedLocality, gs.Assessment]:
    registry = gs.load_registry()
    assessment = gs.load_assessment(EXAMPLES / "assessment-441324116.toml")
    return registry.resolve(assessment.locality), assessment


def test_overdue_orders_and_local_days_are_written_as_before(
    longtan: tuple[gs.ResolvedLocality, gs.Assessment],
) -> None:
    locality, assessment = longtan
    hall = locality.hall(assessment.hall)
    inspections = load(EXAMPLES / "inspections-441324116.toml", InspectionsDocument).inspections
    closed = dt.date(2026, 12, 1)
    calendar = gs.WorkingCalendar(
        closures=[closed], reasons={closed: CalendarDay(closed, "停电（测试）", illustrative=True)}
    )
    card = Evaluator(locality.standard, calendar=calendar).evaluate(
        assessment, hall, inspections=inspections, today=dt.date(2027, 6, 1)
    )
    assert card.overdue_orders
    assert card.local_days
    check(card)
    data = card.to_dict()
    assert data["local_days"][0] == {
        "date": "2026-12-01",
        "counts": False,
        "reason": "停电（测试）",
        "layer": "",
        "illustrative": True,
    }
    assert list(data["overdue_orders"][0]) == [
        "inspection",
        "order",
        "criterion",
        "description",
        "due",
        "due_estimated",
    ]
