"""The resolved locality: one object per locality, each part computed once, thread-safe."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

import govservice_std as gs
from govservice_std.evaluation import ReviewPolicy
from govservice_std.queues import layers as queue_layers
from govservice_std.registry import PART_PROVIDERS, ResolvedLocality

PARTS = (
    "halls",
    "catalog",
    "forms",
    "calendar",
    "standard",
    "scoring_model",
    "queue_policy",
    "review_policy",
    "staffing_profile",
)


@pytest.fixture(scope="module")
def registry() -> gs.Registry:
    return gs.load_registry()


@pytest.mark.parametrize("name", PARTS)
def test_every_part_is_computed_once_and_kept(registry: gs.Registry, name: str) -> None:
    resolved = registry.resolve("441324")
    assert name in PART_PROVIDERS
    first = getattr(resolved, name)
    assert getattr(resolved, name) is first
    part = resolved.part(name)  # the halls part also carries their provenance
    assert (part.halls if name == "halls" else part) is first  # type: ignore[attr-defined]
    # The same locality resolves to the same object, so its parts are shared.
    assert getattr(registry.resolve("441324"), name) is first


def test_parts_come_from_the_chain_with_provenance(registry: gs.Registry) -> None:
    longmen = registry.resolve("441324")
    assert longmen.chain_codes == ("000000", "440000", "441300", "441324")
    assert str(longmen.queue_policy.provenance["params.target_minutes"]).startswith("441324")
    assert longmen.review_policy == ReviewPolicy.from_standard(longmen.standard)
    assert longmen.scoring_model.name == longmen.standard.scoring
    assert longmen.staffing_profile is not None
    assert all(longmen.forms.get(item.form) for item in longmen.catalog if item.form)
    # Another county of the same city shares the city's layers but not the county's.
    boluo = registry.resolve("441322")
    assert boluo.chain_codes[:3] == longmen.chain_codes[:3]
    assert boluo.catalog is not longmen.catalog


def test_an_unknown_part_is_a_key_error(registry: gs.Registry) -> None:
    with pytest.raises(KeyError, match="no part 'nope'"):
        registry.resolve("000000").part("nope")


def test_parts_are_computed_once_under_concurrent_use(
    registry: gs.Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    start = threading.Barrier(8)
    real: Callable[[ResolvedLocality], object] = queue_layers.resolve_queue_policy

    def counted(resolved: ResolvedLocality) -> object:
        calls.append(str(resolved.code))
        return real(resolved)

    monkeypatch.setitem(queue_layers.PARTS, "queue_policy", counted)
    # A fresh resolved locality of the same chain (the registry's own is already computed).
    fresh = ResolvedLocality(registry, registry.chain("441324"))
    seen: list[object] = []

    def use() -> None:
        start.wait()
        seen.append(fresh.queue_policy)

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == ["441324"]
    assert len(seen) == 8
    assert all(policy is seen[0] for policy in seen)


def test_a_failed_part_is_not_kept(tmp_path: object, registry: gs.Registry) -> None:
    calls: list[int] = []

    def failing(resolved: ResolvedLocality) -> object:
        calls.append(1)
        raise gs.InvalidDataError([gs.DataProblem("x", "broken")], source="test")

    fresh = ResolvedLocality(registry, registry.chain("000000"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(queue_layers.PARTS, "queue_policy", failing)
        for _ in range(2):
            with pytest.raises(gs.InvalidDataError):
                fresh.part("queue_policy")
    assert calls == [1, 1]
    assert fresh.queue_policy is fresh.queue_policy
