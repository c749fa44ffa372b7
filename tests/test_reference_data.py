"""The bundled reference plugins: 广东省/惠州市 and 龙门县 items, forms and calendar."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from govservice_std import (
    HallTier,
    Registry,
    load_registry,
)

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def test_longmen_catalog_has_twenty_items_over_three_tiers(registry: Registry) -> None:
    catalog = registry.resolve("441324").catalog
    assert len(catalog) >= 20
    for tier in HallTier:
        assert catalog.filter(tier=tier), tier
    village = catalog.filter(tier="village")
    assert {"441324-MZ-005", "441324-WJ-004", "440000-RS-001"} <= {i.code for i in village}
    assert all(item.illustrative for item in catalog)


def test_every_item_has_a_form_that_compiles(registry: Registry) -> None:
    catalog = registry.resolve("441324").catalog
    forms = registry.resolve("441324").forms
    for item in catalog:
        assert forms.for_item(item).id == item.form
    assert all(form.spec.illustrative for form in forms)
    assert forms.provenance["insurance-enrolment"].plugin == "guangdong"
    assert forms.provenance["allowance"].plugin == "longmen"


def test_layered_localization_with_provenance(registry: Registry) -> None:
    city = registry.resolve("441300").catalog.get("440000-WJ-001")
    county = registry.resolve("441324").catalog.get("440000-WJ-001")
    province = registry.resolve("440000").catalog.get("440000-WJ-001")
    assert province.promised_limit_days == 3
    assert province.tiers == (HallTier.COUNTY, HallTier.TOWN)
    assert city.promised_limit_days == 0
    assert county.handled_at("village")
    catalog = registry.resolve("441324").catalog
    assert [str(p.layer) for p in catalog.localized["440000-WJ-001"]] == ["441300", "441324"]
    assert catalog.provenance["440000-WJ-001"].plugin == "guangdong"


def test_metrics_come_from_the_items(registry: Registry) -> None:
    catalog = registry.resolve("441324").catalog
    metrics = catalog.metrics()
    counted = [i for i in catalog if i.code != "441324-SJ-002"]  # counted through its 办理项
    legal = sum(i.legal_limit_days or 0 for i in counted if i.legal_limit_days is not None)
    promised = sum(i.promised_limit_days for i in counted if i.legal_limit_days is not None)
    assert metrics.items == len(counted)
    assert metrics.compression == pytest.approx((legal - promised) / legal)
    assert metrics.immediate == sum(1 for i in counted if i.handling_kind.value == "immediate")


def test_sample_applications(registry: Registry) -> None:
    form = registry.resolve("441324").forms.for_item(
        registry.resolve("441324").catalog.get("441324-MZ-005")
    )
    today = dt.date(2026, 11, 26)
    valid = json.loads((DATA / "allowance-valid.json").read_text(encoding="utf-8"))
    assert form.validate(valid, today=today).valid
    invalid = json.loads((DATA / "allowance-invalid.json").read_text(encoding="utf-8"))
    result = form.validate(invalid, today=today)
    assert [(p.path, p.code) for p in result.problems] == [
        ("applicant.id_number", "invalid_id_card"),
        ("applicant.phone", "invalid_mobile"),
        ("beneficiary.id_number", "constraint"),
        ("bank_account", "required"),
        ("4413**********1239", "unknown_field"),
    ]


def test_longmen_live_calendar_holds_no_invented_day(registry: Registry) -> None:
    # The invented typhoon closure is example data, not part of the county's calendar.
    calendar = registry.resolve("441324").calendar
    assert calendar.is_working_day(dt.date(2026, 9, 16))
    assert dt.date(2026, 9, 16) not in calendar.provenance


def test_reference_models_round_trip(registry: Registry) -> None:
    from govservice_std import FormSpec, ServiceItem, structure, unstructure

    for item in registry.resolve("441324").catalog:
        assert structure(unstructure(item), ServiceItem) == item
    for form in registry.resolve("441324").forms:
        assert structure(unstructure(form.spec), FormSpec) == form.spec
