from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govservice_std import (
    FieldValueError,
    InvalidDataError,
    Registry,
    ServiceItem,
    load_registry,
    structure,
    unstructure,
)
from govservice_std.items import HandlingKind, ItemLocalization
from tests.plugins.datafolder import CountyPlugin

BASE = {
    "code": "T-0001",
    "name": "测试事项",
    "type": "20",
    "department": "测试局",
    "implementing_body": "测试局",
    "handling_kind": "promised",
    "legal_limit_days": 20,
    "promised_limit_days": 5,
    "tiers": ["county"],
}


def make(**changes: object) -> ServiceItem:
    return structure({**BASE, **changes}, ServiceItem)


def test_item_round_trips() -> None:
    item = make(
        materials=[{"name": "身份证", "form": "original_and_copy", "hall_fetches": True}],
        fees=[{"name": "工本费", "amount_yuan": 10.0, "basis": "示例"}],
        channels=["window", "online"],
    )
    assert structure(unstructure(item), ServiceItem) == item
    assert not item.free
    assert item.compression == 0.75


def test_promised_over_legal_rejected() -> None:
    with pytest.raises(InvalidDataError, match="promised_limit_days: 承诺时限 25 exceeds"):
        make(promised_limit_days=25)


def test_immediate_items_have_zero_promised_days() -> None:
    with pytest.raises(FieldValueError, match="即办件"):
        ServiceItem(**{**BASE, "handling_kind": "immediate"})  # type: ignore[arg-type]
    assert make(handling_kind="immediate", promised_limit_days=0).compression == 1.0


def test_sub_item_needs_parent() -> None:
    with pytest.raises(InvalidDataError, match="parent"):
        make(level="sub")


def test_unknown_tier_and_kind_are_reported_with_paths() -> None:
    with pytest.raises(InvalidDataError) as info:
        structure({**BASE, "tiers": ["province"], "handling_kind": "slow"}, ServiceItem)
    text = str(info.value)
    assert "tiers" in text
    assert "handling_kind" in text


@given(
    legal=st.integers(min_value=0, max_value=60),
    promised=st.integers(min_value=0, max_value=60),
)
def test_localization_never_exceeds_legal(legal: int, promised: int) -> None:
    item = make(legal_limit_days=legal, promised_limit_days=min(legal, 1))
    change = ItemLocalization(code=item.code, promised_limit_days=promised)
    if promised > legal:
        with pytest.raises(FieldValueError):
            change.apply(item)
    else:
        assert change.apply(item).promised_limit_days == promised


ITEMS = """
notes = "test data"
item_types = { "30" = "其他（测试扩展）" }

[code_rules]
implementation = "T-\\\\d{4}"
description = "T- and four digits"

[[items]]
code = "T-0001"
name = "测试许可"
type = "01"
department = "测试局"
implementing_body = "测试局"
handling_kind = "promised"
legal_limit_days = 20
promised_limit_days = 10
tiers = ["county"]

[[items]]
code = "T-0002"
name = "测试公共服务"
type = "30"
department = "民政局"
implementing_body = "镇人民政府"
handling_kind = "immediate"
promised_limit_days = 0
tiers = ["county", "town", "village"]

[[items]]
code = "T-0002-01"
level = "handling"
parent = "T-0002"
name = "测试公共服务（变更）"
type = "20"
department = "民政局"
implementing_body = "镇人民政府"
handling_kind = "promised"
legal_limit_days = 10
promised_limit_days = 2
tiers = ["town"]

[[localize]]
code = "T-0001"
promised_limit_days = 5
tiers = ["county", "town"]
"""


def registry_with(tmp_path: Path, text: str) -> Registry:
    (tmp_path / "items.toml").write_text(text, encoding="utf-8")
    return load_registry(plugins=[CountyPlugin(tmp_path, code="441399")])


def test_catalog_from_layer(tmp_path: Path) -> None:
    registry = registry_with(tmp_path, ITEMS)
    catalog = registry.resolve("441399").catalog
    assert registry.resolve("441399").catalog is catalog
    item = catalog.get("T-0001")
    assert item.promised_limit_days == 5
    assert [p.plugin for p in catalog.localized["T-0001"]] == ["testcounty"]
    assert catalog.provenance["T-0002"].plugin == "testcounty"
    assert catalog.type_name(catalog.get("T-0002")) == "其他（测试扩展）"
    assert {i.code for i in catalog.filter(tier="village")} >= {"T-0002"}
    assert {i.code for i in catalog.filter(type="01")} >= {"T-0001"}
    assert all(i.department == "民政局" for i in catalog.filter(department="民政局"))
    mine = [catalog.get(c) for c in ("T-0001", "T-0002", "T-0002-01")]
    metrics = catalog.metrics(mine)
    # T-0002 has a 业务办理项 below it: it is counted through it, not itself.
    assert metrics.items == 2
    assert metrics.immediate == 0
    assert metrics.immediate_share == 0
    assert metrics.legal_days == 30
    assert metrics.promised_days == 7
    assert metrics.compression == pytest.approx(23 / 30)
    assert catalog.filter(handling_kind=HandlingKind.IMMEDIATE)
    with pytest.raises(KeyError, match="no service item"):
        catalog.get("nope")


def test_localized_promised_over_legal_names_the_plugin(tmp_path: Path) -> None:
    registry = registry_with(
        tmp_path, ITEMS + '\n[[localize]]\ncode = "T-0002-01"\npromised_limit_days = 11\n'
    )
    with pytest.raises(InvalidDataError) as info:
        _ = registry.resolve("441399").catalog
    text = str(info.value)
    assert "plugin testcounty" in text
    assert "localize[1].promised_limit_days" in text
    assert "法定时限 10" in text


def test_code_layout_unknown_type_and_unknown_localization(tmp_path: Path) -> None:
    bad = ITEMS.replace('code = "T-0001"\nname', 'code = "X1"\nname').replace(
        'type = "01"', 'type = "77"'
    )
    registry = registry_with(tmp_path, bad)
    with pytest.raises(InvalidDataError) as info:
        _ = registry.resolve("441399").catalog
    text = str(info.value)
    assert "items[0].code: 'X1' does not fit the layout" in text
    assert "items[0].type: unknown item type '77'" in text
    assert "localize[0].code: no inherited item 'T-0001'" in text


def test_item_naming_a_missing_form(tmp_path: Path) -> None:
    text = ITEMS.replace('tiers = ["county"]\n', 'tiers = ["county"]\nform = "nope"\n', 1)
    registry = registry_with(tmp_path, text)
    with pytest.raises(InvalidDataError) as info:
        _ = registry.resolve("441399").catalog
    assert "items[0].form: no form 'nope' in the chain of 441399" in str(info.value)
    assert "plugin testcounty" in str(info.value)
