from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govservice_std import InvalidDataError, Registry, load_registry
from govservice_std.evaluation.assessment import Answer, Assessment, load_assessment
from govservice_std.evaluation.batch import evaluate_hall
from govservice_std.evaluation.inspections import Finding, Inspection, RectificationOrder
from govservice_std.evaluation.overlays import (
    CriteriaDocument,
    Removal,
    compose_standard,
)
from govservice_std.evaluation.scoring import Evaluator, Scorecard, Status, scoring_model
from govservice_std.evaluation.standard import Waiver
from govservice_std.halls import Hall, HallTier
from tests.evaluation.strategies import DATE, LOCAL, NATIONAL, Scenario, scenarios

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = (
    ROOT / "plugins/longmen/src/govservice_longmen/data/441324/examples/assessment-441324116.toml"
)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def test_bundled_assessment_of_longtan_explains_every_criterion(registry: Registry) -> None:
    card = evaluate_hall(registry.resolve("441324"), load_assessment(BUNDLED))
    assert card.hall == "441324116"
    assert card.hall_name == "龙潭镇便民服务中心"
    assert card.tier is HallTier.TOWN
    assert 0 <= card.total <= 100
    assert card.grade in {"优秀", "良好", "合格", "不合格"}
    assert card.illustrative
    assert abs(sum(a.score for a in card.aspects) - card.total) < 1e-6
    assert abs(sum(a.max for a in card.aspects) - 100) < 1e-6
    standard = registry.resolve("441324").standard
    assert {r.id for r in card.criteria} == {e.criterion.id for e in standard.criteria}
    assert card.result("HC-06").status is Status.NOT_APPLICABLE  # county only
    assert card.result("LM-06").status is Status.NOT_APPLICABLE  # 百千万工程: a county item
    assert card.result("LM-06").max_points == 0.0
    assert str(card.result("LM-06").layer) == "441324"
    assert card.result("HC-03").status is Status.PARTLY_MET
    assert card.result("HC-02").evidence
    assert card.result("QS-02").target == 0.98
    assert card.result("QS-02").changed_by == ("441324",)
    failed = {r.id for r in card.criteria if r.status.failed}
    assert {r.criterion for r in card.rectifications} == failed
    # Due dates count working days on the official calendar with 龙门县's adjustments.
    due = load_registry().resolve("441324").calendar.due_date(card.date, 20)
    assert all(r.due == due for r in card.rectifications)
    data = card.to_dict()
    assert set(data) >= {"hall", "locality", "total", "grade", "aspects", "criteria"}
    assert data["aspects"][0] == {
        "id": "hall_construction",
        "name": "大厅建设",
        "score": pytest.approx(data["aspects"][0]["score"]),
        "max": pytest.approx(data["aspects"][0]["max"]),
    }


def test_waiver_in_force_and_expired(registry: Registry) -> None:
    hall = "441324453"  # covered by 龙门县's illustrative waiver of HC-04 until 2026-12-31
    inside = Assessment(hall=hall, locality="441324", date="2026-12-31")
    after = Assessment(hall=hall, locality="441324", date="2027-01-04")
    card = evaluate_hall(registry.resolve(inside.locality), inside)
    result = card.result("HC-04")
    assert result.status is Status.WAIVED
    assert result.waiver
    assert result.max_points == 0
    assert "HC-04" not in {r.criterion for r in card.rectifications}
    assert (
        evaluate_hall(registry.resolve(after.locality), after).result("HC-04").status
        is Status.NOT_MET
    )
    # The waiver names halls: another town centre is not covered.
    other = Assessment(hall="441324116", locality="441324", date="2026-12-01")
    assert (
        evaluate_hall(registry.resolve(other.locality), other).result("HC-04").status
        is Status.NOT_MET
    )


def test_failed_veto_caps_the_grade(registry: Registry) -> None:
    base = load_assessment(BUNDLED)
    answers = [a for a in base.answers if a.criterion != "HC-02"]
    vetoed = Assessment(
        hall=base.hall,
        locality=base.locality,
        date=base.date,
        metrics=base.metrics,
        answers=[*answers, Answer(criterion="HC-02", met=False)],
    )
    card = evaluate_hall(registry.resolve(vetoed.locality), vetoed)
    assert card.vetoed == ("HC-02",)
    assert card.grade == "不合格"
    assert card.total > 65  # the total itself is not zeroed, only the grade capped
    plain = evaluate_hall(
        registry.resolve(vetoed.locality), vetoed, model=scoring_model("weighted-no-veto")
    )
    assert plain.grade != "不合格"


def test_flat_model_weighs_criteria_alike(registry: Registry) -> None:
    card = evaluate_hall(
        registry.resolve("441324"), load_assessment(BUNDLED), model=scoring_model("flat")
    )
    scored = [r for r in card.criteria if r.max_points]
    assert {r.max_points for r in scored} == {1.0}
    assert card.model == "flat"
    with pytest.raises(KeyError, match="unknown scoring model"):
        scoring_model("nope")


def test_assessment_is_checked_against_the_standard(registry: Registry) -> None:
    bad = Assessment(
        hall="441324116",
        locality="441324",
        date="2026-11-20",
        answers=[
            Answer(criterion="NOPE", met=True),
            Answer(criterion="HC-03", met=True),
            Answer(criterion="OM-01", level="Z"),
            Answer(criterion="QS-02", met=True),
        ],
        metrics={"no.such": 1},
    )
    with pytest.raises(InvalidDataError) as info:
        evaluate_hall(registry.resolve(bad.locality), bad, source="a.toml")
    paths = [p.path for p in info.value.problems]
    assert paths == [
        "answers[0].criterion",
        "answers[1]",
        "answers[2]",
        "answers[3]",
        "metrics.no.such",
    ]
    assert info.value.source == "a.toml"
    with pytest.raises(InvalidDataError, match="no hall 'x99'"):
        evaluate_hall(
            registry.resolve(Assessment(hall="x99", locality="441324", date="2026-11-20").locality),
            Assessment(hall="x99", locality="441324", date="2026-11-20"),
        )


def test_assessment_file_errors_name_file_and_path(tmp_path: Path) -> None:
    file = tmp_path / "a.toml"
    file.write_text(
        'hall = "441324116"\nlocality = "441324"\ndate = 2026-11-20\n'
        '[[answers]]\ncriterion = "HC-01"\nmet = "yes"\n',
        encoding="utf-8",
    )
    with pytest.raises(InvalidDataError) as info:
        load_assessment(file)
    assert str(info.value).startswith(f"{file}: answers[0].met: must be true or false")


def test_overdue_inspection_orders_surface_in_the_scorecard(registry: Registry) -> None:
    inspection = Inspection(
        id="DC-1",
        hall="441324116",
        date="2026-10-09",
        findings=[
            Finding(criterion="OM-04", description="档案未归档"),
            Finding(criterion="HC-03", description="标识不清"),
        ],
        orders=[
            RectificationOrder(id="ZG-1", finding=0, issued="2026-10-09", due="2026-10-30"),
            RectificationOrder(
                id="ZG-2", finding=1, issued="2026-10-09", due="2026-10-30", closed="2026-10-20"
            ),
        ],
    )
    base = load_assessment(BUNDLED)
    metrics = {k: v for k, v in base.metrics.items() if not k.startswith("inspections.")}
    assessment = Assessment(
        hall=base.hall, locality="441324", date=base.date, answers=base.answers, metrics=metrics
    )
    card = evaluate_hall(
        registry.resolve(assessment.locality), assessment, inspections=[inspection]
    )
    assert [o.order for o in card.overdue_orders] == ["ZG-1"]
    assert card.to_dict()["overdue_orders"][0]["criterion"] == "OM-04"
    # One of the two orders due was closed on time: the LM-08 metric reads 0.5.
    assert card.result("LM-08").answer == "0.5 ratio"
    bad = Inspection(
        id="DC-2", hall="441324116", date="2026-10-09", findings=[Finding("NOPE", "x")]
    )
    with pytest.raises(InvalidDataError, match="unknown criterion 'NOPE'"):
        evaluate_hall(registry.resolve(assessment.locality), assessment, inspections=[bad])


def _score(
    document: CriteriaDocument, assessment: Assessment, hall: Hall, *extra: CriteriaDocument
) -> Scorecard:
    layers = [(document, NATIONAL), *((doc, LOCAL) for doc in extra)]
    standard = compose_standard(layers, "110101")
    return Evaluator(standard).evaluate(assessment, hall)


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_totals_stay_within_0_and_100(scenario: Scenario) -> None:
    card = _score(*scenario)
    assert 0 <= card.total <= 100
    if any(a.max for a in card.aspects):
        assert abs(sum(a.score for a in card.aspects) - card.total) < 1e-6
    else:
        assert card.total == 100  # nothing to score, nothing failed
    for result in card.criteria:
        assert 0 <= result.points <= result.max_points + 1e-9
    if card.vetoed:
        assert card.grade == "不合格"


@settings(max_examples=100, deadline=None)
@given(scenarios(), st.data())
def test_removing_a_failed_criterion_never_lowers_the_score(
    scenario: Scenario, data: st.DataObject
) -> None:
    document, assessment, hall = scenario
    card = _score(document, assessment, hall)
    failed = [r.id for r in card.criteria if r.status is Status.NOT_MET]
    if not failed:
        return
    gone = data.draw(st.sampled_from(failed))
    removal = CriteriaDocument(remove=(Removal(gone, "property test"),))
    answers = [a for a in assessment.answers if a.criterion != gone]
    trimmed = Assessment(hall=assessment.hall, locality="110101", date=DATE, answers=answers)
    after = _score(document, trimmed, hall, removal)
    assert after.total >= card.total - 1e-9
    grades = ["优秀", "合格", "不合格"]
    assert grades.index(after.grade) <= grades.index(card.grade)


@settings(max_examples=100, deadline=None)
@given(scenarios(), st.data())
def test_a_waived_criterion_never_counts_as_failed(scenario: Scenario, data: st.DataObject) -> None:
    document, assessment, hall = scenario
    ids = [c.id for c in document.criteria]
    waived = data.draw(st.sampled_from(ids))
    expires = data.draw(st.dates(DATE, DATE + dt.timedelta(days=400)))
    waiver = CriteriaDocument(waive=(Waiver(waived, "property test", expires),))
    card = _score(document, assessment, hall, waiver)
    result = card.result(waived)
    assert not result.status.failed
    assert result.status in (Status.WAIVED, Status.NOT_APPLICABLE)
    assert waived not in {r.criterion for r in card.rectifications}
    assert waived not in card.vetoed


def test_parse_assessment_matches_the_converter() -> None:
    import json

    from govservice_std.evaluation.assessment import parse_assessment
    from govservice_std.serialization import dumps, structure

    record = load_assessment(BUNDLED)
    data = json.loads(dumps(record))
    assert parse_assessment(data) == structure(data, Assessment) == record
    data["answers"][0]["met"] = "yes"  # the slow path reports it
    with pytest.raises(InvalidDataError, match=r"answers\[0\]\.met: must be true or false"):
        parse_assessment(data, source="x.json")


def test_measured_metrics_replace_typed_values(registry: Registry) -> None:
    record = load_assessment(BUNDLED)
    card = evaluate_hall(
        registry.resolve(record.locality), record, metrics={"queue.avg_wait_minutes": 10.0}
    )
    assert card.result("OM-06").status is Status.MET
    assert card.result("OM-06").answer == "10 minutes"
    with pytest.raises(InvalidDataError, match=r"unknown metric 'queue\.nope'"):
        evaluate_hall(registry.resolve(record.locality), record, metrics={"queue.nope": 1.0})


def test_evaluate_locality_summarises_and_lists_unassessed(registry: Registry) -> None:
    from govservice_std.evaluation.batch import evaluate_locality

    town = load_assessment(BUNDLED)
    village = Assessment(
        hall="441324116999",
        locality="441324",
        date="2026-11-20",
        answers=[Answer(criterion="HC-02", met=True)],
    )
    seen: list[int] = []
    result = evaluate_locality(registry.resolve("441324"), [town, village], progress=seen.append)
    assert seen == [1, 2]
    summary = result.summary
    assert summary.overall.halls == 2
    assert set(summary.by_tier) == {HallTier.TOWN, HallTier.VILLAGE}
    assert summary.by_tier[HallTier.TOWN].mean_total == pytest.approx(result.scorecards[0].total)
    assert sum(summary.overall.histogram) == 2
    assert "441324" in summary.unassessed
    assert "441324116" not in summary.unassessed
    assert summary.to_dict()["by_tier"]["village"]["halls"] == 1
    with pytest.raises(InvalidDataError, match="a second assessment"):
        evaluate_locality(registry.resolve("441324"), [town, town])
    with pytest.raises(InvalidDataError, match="no hall 'x1'"):
        evaluate_locality(
            registry.resolve("441324"),
            [Assessment(hall="x1", locality="441324", date="2026-11-20")],
        )
    summary_only = evaluate_locality(registry.resolve("441324"), [town], keep=False)
    assert summary_only.scorecards == ()
    assert summary_only.summary.overall.halls == 1


def test_shared_results_do_not_leak_between_halls(registry: Registry) -> None:
    standard = registry.resolve("441324").standard
    evaluator = Evaluator(standard)
    hall = registry.resolve("441324").hall("441324116")
    record = load_assessment(BUNDLED)
    first = evaluator.evaluate(record, hall)
    other = Assessment(hall=hall.code, locality="441324", date=record.date)
    evaluator.evaluate(other, hall)
    assert evaluator.evaluate(record, hall) == first


def test_batch_passes_measured_metrics_and_inspections(registry: Registry) -> None:
    from govservice_std.evaluation.batch import evaluate_locality

    town = load_assessment(BUNDLED)
    inspection = Inspection(
        id="DC-9",
        hall="441324116",
        date="2026-10-01",
        findings=[Finding("OM-04", "未归档")],
        orders=[RectificationOrder(id="Z", finding=0, issued="2026-10-01", due="2026-10-15")],
    )
    result = evaluate_locality(
        registry.resolve("441324"),
        [town],
        metrics={"441324116": {"queue.avg_wait_minutes": 5.0}},
        inspections=[inspection],
    )
    card = result.scorecards[0]
    assert card.result("OM-06").status is Status.MET
    assert [o.order for o in card.overdue_orders] == ["Z"]
    assert card.result("LM-08").answer == "0 ratio"


def test_bai_qian_wan_is_a_county_item_not_a_town_score(registry: Registry) -> None:
    # 百千万工程: the county strives to add town-centre construction to its town assessment.
    # It is judged once, at the county tier; no town hall wins or loses points on it.
    locality = registry.resolve("441324")
    standard = locality.standard
    evaluator = Evaluator(standard)
    for hall in locality.halls:
        answers = (Answer(criterion="LM-06", met=True),)
        card = evaluator.evaluate(
            Assessment(hall=hall.code, locality="441324", date=DATE, answers=answers),
            hall,
            check=False,
        )
        result = card.result("LM-06")
        if hall.tier is HallTier.COUNTY:
            assert (result.status, result.points, result.max_points) == (Status.MET, 3.0, 3.0)
        else:
            assert result.status is Status.NOT_APPLICABLE
            assert result.max_points == 0.0
            assert "LM-06" not in {r.criterion for r in card.rectifications}
