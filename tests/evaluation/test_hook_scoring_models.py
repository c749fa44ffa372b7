from __future__ import annotations

import pytest

from govservice_std import Assessment, InvalidDataError, evaluate_hall
from govservice_std.errors import PluginContractError
from govservice_std.evaluation import Flat, VetoCap
from govservice_std.evaluation.layers import resolve_scoring_model
from tests.evaluation.conftest import MakeRegistry


def test_hook_govservice_scoring_models(make_registry: MakeRegistry) -> None:
    model = VetoCap(Flat(), name="county-flat", cap="合格")
    registry = make_registry(county='scoring = "county-flat"\n', models=[model])
    assert registry.resolve("110101").scoring_model is model
    card = evaluate_hall(
        registry.resolve(
            Assessment(hall="110101001", locality="110101", date="2026-11-20").locality
        ),
        Assessment(hall="110101001", locality="110101", date="2026-11-20"),
    )
    assert card.model == "county-flat"
    assert {r.max_points for r in card.criteria if r.max_points} == {1.0}
    # The city's chain does not include the county's plugin layer: the name is unknown there.
    with pytest.raises(InvalidDataError, match="unknown scoring model 'county-flat'"):
        resolve_scoring_model(registry.resolve("110100"), "county-flat")


def test_unknown_scoring_model_names_the_layer(make_registry: MakeRegistry) -> None:
    registry = make_registry(city='scoring = "nope"\n')
    with pytest.raises(InvalidDataError) as info:
        _ = registry.resolve("110101").scoring_model
    assert "110100" in str(info.value)
    assert "unknown scoring model 'nope'" in str(info.value)


@pytest.mark.parametrize(
    ("models", "message"),
    [
        (["not a model"], "expected ScoringModel"),
        ([Flat(name="weighted")], "already taken"),
    ],
)
def test_bad_scoring_models_name_the_plugin(
    make_registry: MakeRegistry, models: list[object], message: str
) -> None:
    registry = make_registry(models=models)
    with pytest.raises(PluginContractError, match=message) as info:
        _ = registry.resolve("110101").scoring_model
    assert info.value.plugin == "testchain"
    assert info.value.hook == "govservice_scoring_models"
