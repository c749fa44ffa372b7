"""Hypothesis strategies for criteria, standards and assessments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from govservice_std.divisions import DivisionCode
from govservice_std.evaluation.assessment import Answer, Assessment
from govservice_std.evaluation.overlays import CriteriaDocument
from govservice_std.evaluation.standard import (
    Aspect,
    Criterion,
    GradeBand,
    Level,
    MetricDefinition,
    Parameter,
)
from govservice_std.halls import Hall, HallTier
from govservice_std.localities import Provenance

DATE = dt.date(2026, 11, 20)
NATIONAL = Provenance(DivisionCode("000000"), "test", "inline")
LOCAL = Provenance(DivisionCode("110101"), "test", "inline")
HALLS = {
    HallTier.COUNTY: Hall(code="110101", name="县", tier="county", division="110101"),
    HallTier.TOWN: Hall(code="110101001", name="镇", tier="town", division="110101001"),
    HallTier.VILLAGE: Hall(code="110101001001", name="村", tier="village", division="110101001001"),
}
BASE = CriteriaDocument(
    grades=(GradeBand("优秀", 90), GradeBand("合格", 60), GradeBand("不合格", 0)),
    parameters=(Parameter("rectification.days", "整改期限", 10),),
    metrics=(MetricDefinition("m.rate", "比率", "ratio"),),
)


@st.composite
def criterion_and_answer(draw: st.DrawFn, index: int) -> tuple[Criterion, Answer | None]:
    method = draw(st.sampled_from(["check", "graded", "metric"]))
    tiers = draw(st.sets(st.sampled_from(list(HallTier)), min_size=1))
    common: dict[str, Any] = {
        "id": f"C-{index}",
        "aspect": draw(st.sampled_from(list(Aspect))),
        "title": "标题",
        "requirement": "要求",
        "points": draw(st.integers(1, 10)),
        "tiers": sorted(tiers, key=lambda t: t.value),
        "veto": draw(st.booleans()),
    }
    answered = draw(st.booleans()) or draw(st.booleans())
    cid = common["id"]
    if method == "check":
        criterion = Criterion(**common)
        answer = Answer(criterion=cid, met=draw(st.booleans())) if answered else None
    elif method == "graded":
        middle = draw(st.floats(0, 1, allow_subnormal=False))
        levels = [Level("A", "好", 1.0), Level("B", "中", middle), Level("C", "差", 0.0)]
        criterion = Criterion(**common, method="graded", levels=levels)
        level = draw(st.sampled_from(["A", "B", "C"]))
        answer = Answer(criterion=cid, level=level) if answered else None
    else:
        floor = draw(st.one_of(st.none(), st.floats(0, 0.89, allow_subnormal=False)))
        criterion = Criterion(**common, method="metric", metric="m.rate", target=0.9, floor=floor)
        value = draw(st.floats(0, 1, allow_subnormal=False))
        answer = Answer(criterion=cid, value=value) if answered else None
    return criterion, answer


Scenario = tuple[CriteriaDocument, Assessment, Hall]
"""A national document, an assessment and the hall it assesses."""


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """A national document with random criteria, an assessment of a random hall."""
    size = draw(st.integers(1, 8))
    pairs = [draw(criterion_and_answer(i)) for i in range(size)]
    document = CriteriaDocument(
        grades=BASE.grades,
        parameters=BASE.parameters,
        metrics=BASE.metrics,
        criteria=tuple(c for c, _ in pairs),
    )
    hall = HALLS[draw(st.sampled_from(list(HallTier)))]
    assessment = Assessment(
        hall=hall.code,
        locality="110101",
        date=DATE,
        answers=[a for _, a in pairs if a is not None],
    )
    return document, assessment, hall
