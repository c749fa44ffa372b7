"""Every evaluation model survives a trip through plain data, JSON and TOML."""

from __future__ import annotations

import json
import tomllib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from govservice_std.evaluation.assessment import Assessment
from govservice_std.evaluation.inspections import (
    Finding,
    Inspection,
    InspectionsDocument,
    RectificationOrder,
)
from govservice_std.evaluation.overlays import CriteriaDocument
from govservice_std.evaluation.reviews import ReviewsDocument
from govservice_std.serialization import dumps, structure, unstructure
from tests.evaluation.strategies import scenarios
from tests.evaluation.test_reviews import review_sets


def _trip(value: Any, cls: type[Any]) -> None:
    assert structure(unstructure(value), cls) == value
    assert structure(json.loads(dumps(value)), cls) == value
    assert structure(tomllib.loads(dumps(value, format="toml")), cls) == value


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_criteria_documents_and_assessments_round_trip(
    scenario: tuple[CriteriaDocument, Assessment, Any],
) -> None:
    document, assessment, _ = scenario
    _trip(document, CriteriaDocument)
    _trip(assessment, Assessment)


@settings(max_examples=60, deadline=None)
@given(review_sets())
def test_reviews_round_trip(reviews: list[Any]) -> None:
    _trip(ReviewsDocument(reviews=reviews), ReviewsDocument)


@given(st.integers(0, 3), st.booleans())
def test_inspections_round_trip(findings: int, closed: bool) -> None:
    inspection = Inspection(
        id="DC-1",
        hall="441324116",
        date="2026-11-02",
        inspectors=["督查组"],
        findings=[Finding(criterion=f"C-{i}", description="问题") for i in range(findings)],
        orders=[
            RectificationOrder(
                id=f"ZG-{i}",
                finding=i,
                issued="2026-11-02",
                closed="2026-11-09" if closed else None,
            )
            for i in range(findings)
        ],
    )
    _trip(InspectionsDocument(inspections=[inspection]), InspectionsDocument)
