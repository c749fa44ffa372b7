"""Two counties of 惠州市 score the same hall data differently, and provenance says why.

龙门县 (441324, plugin ``longmen``) and 博罗县 (441322, plugin ``boluo``) share their chain
down to 惠州市 (441300); each county layer overlays the national standard in its own way.
The same assessment answers and metrics, given for a town centre in each county, therefore
score differently. Every criterion whose result differs must be explained by a county layer:
the county defined the criterion, changed it, or set the parameter its target comes from.
"""

from __future__ import annotations

import datetime as dt

import pytest

import govservice_std as gs
from govservice_std.evaluation import CriterionResult

LONGMEN, BOLUO = "441324", "441322"
TOWN_CENTRES = {LONGMEN: "441324116", BOLUO: "441322199"}

# [docs-same-data-start]
# Illustrative answers and metrics, identical for both town centres.
ANSWERS = (
    gs.Answer(criterion="HC-01", met=True),
    gs.Answer(criterion="HC-02", met=True),
    gs.Answer(criterion="HC-03", level="B"),
    gs.Answer(criterion="HC-05", met=True),
    gs.Answer(criterion="OM-01", level="A"),
    gs.Answer(criterion="OM-03", met=True),
    gs.Answer(criterion="SP-01", met=True),
    gs.Answer(criterion="QS-01", met=True),
)
METRICS = {
    "queue.avg_wait_minutes": 18.0,
    "items.on_time_rate": 0.96,
    "reviews.satisfaction_rate": 0.972,
}


def assess(county: str) -> gs.Assessment:
    """The same answers and metrics, for the town centre of ``county``."""
    return gs.Assessment(
        hall=TOWN_CENTRES[county],
        locality=county,
        date=dt.date(2026, 11, 20),
        answers=ANSWERS,
        metrics=METRICS,
        illustrative=True,
    )
    # [docs-same-data-end]


@pytest.fixture(scope="module")
def registry() -> gs.Registry:
    return gs.load_registry()


@pytest.fixture(scope="module")
def cards(registry: gs.Registry) -> dict[str, gs.Scorecard]:
    return {
        county: gs.evaluate_hall(registry.resolve(county), assess(county))
        for county in TOWN_CENTRES
    }


# [docs-explain-start]
def explain(registry: gs.Registry, county: str, criterion: CriterionResult) -> str:
    """Say which layer makes ``criterion`` what it is in ``county`` (empty: nothing local).

    A county explains a criterion when it defined it, changed it (an override), or set the
    parameter a metric criterion takes its target from (``[set]``).
    """
    info = criterion.info
    if info.layer is not None and str(info.layer) == county:
        return f"{info.id}: defined by {county} (plugin {info.plugin})"
    if county in info.changed_by:
        points = criterion.max_points
        return f"{info.id}: changed by {county} (target {info.target}, {points} points)"
    standard = registry.resolve(county).standard
    param = standard.criterion(info.id).criterion.target_param
    if param is not None and str(standard.parameters[param].set_by.layer) == county:
        return f"{info.id}: target {param} = {info.target} set by {county}"
    return ""
    # [docs-explain-end]


def test_the_same_hall_data_scores_differently(cards: dict[str, gs.Scorecard]) -> None:
    longmen, boluo = cards[LONGMEN], cards[BOLUO]
    assert longmen.tier is boluo.tier is gs.HallTier.TOWN
    assert longmen.total != boluo.total


def test_every_difference_is_explained_by_a_county_layer(
    registry: gs.Registry, cards: dict[str, gs.Scorecard]
) -> None:
    by_id = {county: {r.info.id: r for r in card.criteria} for county, card in cards.items()}
    ids = set(by_id[LONGMEN]) | set(by_id[BOLUO])
    differing = set()
    for criterion_id in ids:
        a, b = by_id[LONGMEN].get(criterion_id), by_id[BOLUO].get(criterion_id)
        same = (
            a is not None
            and b is not None
            and (a.status, a.points, a.max_points, a.info.target)
            == (b.status, b.points, b.max_points, b.info.target)
        )
        if same:
            continue
        differing.add(criterion_id)
        reasons = [
            explain(registry, county, result)
            for county, result in ((LONGMEN, a), (BOLUO, b))
            if result is not None
        ]
        assert any(reasons), f"{criterion_id} differs but no county layer explains it"
    # The overlays' visible differences (龙门县: LM-*, QS-02 0.98, wait 15 minutes;
    # 博罗县: BL-01, QS-02 0.96, SP-02 12 points, wait 30 minutes).
    assert {"OM-06", "QS-02", "SP-02", "BL-01"} <= differing
    assert {c for c in differing if c.startswith("LM-")}


def test_provenance_names_the_layer_of_each_difference(
    registry: gs.Registry, cards: dict[str, gs.Scorecard]
) -> None:
    longmen = {r.info.id: r for r in cards[LONGMEN].criteria}
    boluo = {r.info.id: r for r in cards[BOLUO].criteria}
    # 满意率 0.972: short of 龙门县's 0.98, above 博罗县's 0.96; each county changed QS-02.
    assert longmen["QS-02"].info.changed_by == (LONGMEN,)
    assert boluo["QS-02"].info.changed_by == (BOLUO,)
    assert longmen["QS-02"].status is gs.Status.PARTLY_MET
    assert boluo["QS-02"].status is gs.Status.MET
    # Waiting 18 minutes: over 龙门县's 15, within 博罗县's 30; the target is a parameter.
    assert explain(registry, LONGMEN, longmen["OM-06"]).endswith("= 15.0 set by 441324")
    assert explain(registry, BOLUO, boluo["OM-06"]).endswith("= 30.0 set by 441322")
    assert boluo["OM-06"].status is gs.Status.MET
    assert longmen["OM-06"].status is gs.Status.PARTLY_MET
    # 按时办结率 weighs 12 points in 博罗县 (an override), 8 in 龙门县 (national).
    assert (boluo["SP-02"].max_points, longmen["SP-02"].max_points) == (12, 8)
    assert longmen["SP-02"].info.layer == gs.DivisionCode("000000")
    assert longmen["SP-02"].info.changed_by == ()
    # Each county's own criteria exist only there, defined by its plugin.
    assert boluo["BL-01"].info.plugin == "boluo"
    assert "BL-01" not in longmen
    assert longmen["LM-01"].info.plugin == "longmen"
    assert "LM-01" not in boluo
    # The grade bands: 龙门县 sets its own, 博罗县 keeps the national ones.
    assert str(registry.resolve(LONGMEN).standard.grades_set_by.layer) == LONGMEN
    assert str(registry.resolve(BOLUO).standard.grades_set_by.layer) == "000000"


def test_the_counties_queue_rules_differ(registry: gs.Registry) -> None:
    longmen, boluo = registry.resolve(LONGMEN).queue_policy, registry.resolve(BOLUO).queue_policy
    weights = {
        county: {g.id: g.weight for g in policy.priority_groups}
        for county, policy in ((LONGMEN, longmen), (BOLUO, boluo))
    }
    assert weights[BOLUO]["elderly"] > weights[LONGMEN]["elderly"]
    assert "infant_carers" in weights[BOLUO]
    assert "pregnant" in weights[LONGMEN]
    assert str(boluo.provenance["params.target_minutes"]).startswith("441322 (boluo")


def test_the_counties_localize_items_differently(registry: gs.Registry) -> None:
    longmen, boluo = registry.resolve(LONGMEN).catalog, registry.resolve(BOLUO).catalog
    pension = "440000-RS-001"
    assert boluo.get(pension).tiers == (gs.HallTier.COUNTY, gs.HallTier.TOWN)
    assert gs.HallTier.VILLAGE in longmen.get(pension).tiers
    assert boluo.get("441322-MZ-001").promised_limit_days == 5
