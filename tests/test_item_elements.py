"""The guide's further elements of an item, structured materials and the checklist."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from govservice_std import (
    FieldValueError,
    InvalidDataError,
    ServiceItem,
    dumps,
    load_registry,
    loads,
    structure,
    unstructure,
)
from govservice_std.checks import check_locality
from govservice_std.cli import cli
from govservice_std.items import (
    AnywhereScope,
    Catalog,
    ItemLocalization,
    ItemsDocument,
    Material,
)
from tests.item_strategies import full_items
from tests.plugins.datafolder import CountyPlugin

BASE: dict[str, Any] = {
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


@settings(max_examples=60)
@given(full_items())
def test_every_element_round_trips_through_the_converter_json_and_toml(item: Any) -> None:
    assert structure(unstructure(item), ServiceItem) == item
    assert loads(dumps(item), ServiceItem) == item
    assert loads(dumps(item, format="toml"), ServiceItem, format="toml") == item


@settings(max_examples=60)
@given(st.lists(full_items(), max_size=8, unique_by=lambda i: i.code))
def test_catalog_metrics_stay_in_range(items: list[Any]) -> None:
    m = Catalog("000000", items, {}, {}, {}).metrics()  # type: ignore[arg-type]
    for share in (
        m.immediate_share,
        m.free_share,
        m.zero_visit_share,
        m.fully_online_share,
        m.anywhere_share,
        *m.anywhere_shares.values(),
    ):
        assert share is None or 0.0 <= share <= 1.0
    visits = [i.onsite_visits for i in items if i.onsite_visits is not None]
    assert m.visits_stated == len(visits)
    if visits:
        assert m.mean_visits is not None
        assert min(visits) <= m.mean_visits <= max(visits)
        assert m.fully_online_share is not None
        assert m.zero_visit_share is not None
        # 全程网办 is a kind of 零跑动.
        assert m.fully_online_share <= m.zero_visit_share
    else:
        assert m.mean_visits is m.zero_visit_share is m.fully_online_share is None
    if items:
        assert set(m.anywhere_shares) == {s.value for s in AnywhereScope}
        assert sum(m.anywhere_shares.values()) == pytest.approx(m.anywhere_share)
    else:
        assert m.anywhere_shares == {}


@given(full_items())
def test_the_checklist_puts_every_material_in_exactly_one_group(item: Any) -> None:
    checklist = item.checklist()
    grouped = [m for _name, group in checklist.groups() for m in group]
    assert sorted(map(id, grouped)) == sorted(map(id, item.materials))
    assert all(m.required and not m.hall_fetches for m in checklist.required)
    assert all(not m.required and not m.hall_fetches for m in checklist.conditional)
    assert all(m.hall_fetches for m in checklist.exempt)
    assert checklist.copies == sum(m.count for m in checklist.required)
    assert checklist.deferrable == sum(1 for m in item.materials if m.deferrable)
    data = checklist.to_dict()
    assert data["counts"]["materials"] == len(item.materials)
    assert json.loads(json.dumps(data)) == data


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"anywhere_scope": "everywhere"}, "anywhere_scope"),
        ({"exercise_levels": {"accept": "galaxy"}}, "exercise_levels.accept"),
        ({"exercise_levels": {}}, "exercise_levels.accept"),
        ({"service_objects": ["robot"]}, "service_objects"),
        ({"service_objects": ["legal_person", "legal_person"]}, "service_objects"),
        ({"delivery": ["drone"]}, "delivery"),
        ({"onsite_visits": -1}, "onsite_visits"),
        ({"onsite_visits": 21}, "onsite_visits"),
        ({"onsite_visits": 0, "channels": ["window"]}, "onsite_visits"),
        (
            {"onsite_visits": 0, "channels": ["online"], "delivery": ["window"]},
            "onsite_visits",
        ),
        ({"special_procedures": [{"name": "专家评审", "limit_days": 4000}]}, "limit_days"),
        ({"special_procedures": [{"name": " "}]}, "special_procedures[0].name"),
        ({"quantity_limit": {"limited": False, "count": 3}}, "quantity_limit.count"),
        ({"quantity_limit": {"limited": True, "count": 0}}, "quantity_limit.count"),
        ({"materials": [{"name": "户口簿", "source": "friend"}]}, "materials[0].source"),
        ({"materials": [{"name": "户口簿", "count": 101}]}, "materials[0].count"),
        (
            {"materials": [{"name": "户口簿", "deferrable": True, "hall_fetches": True}]},
            "materials[0].deferrable",
        ),
        (
            {"materials": [{"name": "户口簿", "deferrable": True, "required": False}]},
            "materials[0].deferrable",
        ),
        ({"illustrative": ["plaec"]}, "illustrative"),
    ],
)
def test_bad_elements_are_reported_at_their_path(changes: dict[str, Any], path: str) -> None:
    with pytest.raises(InvalidDataError) as caught:
        loads(json.dumps({**BASE, **changes}), ServiceItem, source="items.json")
    assert any(path in p.path for p in caught.value.problems), caught.value.problems


def test_zero_visits_with_an_online_channel_is_fully_online() -> None:
    item = make(onsite_visits=0, channels=["window", "online"], delivery=["post"])
    assert item.fully_online
    assert not make(onsite_visits=0, channels=["assisted"]).fully_online
    assert not make(onsite_visits=1, channels=["online"]).fully_online


def test_special_procedure_days_add_up_outside_the_limit() -> None:
    item = make(
        special_procedures=[
            {"name": "检测", "limit_days": 5},
            {"name": "专家评审", "limit_days": 10},
        ]
    )
    assert item.special_procedure_days == 15
    assert item.promised_limit_days == 5  # not counted in the limit
    assert make(special_procedures=[{"name": "听证"}]).special_procedure_days is None
    assert make().special_procedure_days == 0


def test_a_material_is_found_by_id_or_name() -> None:
    item = make(materials=[{"name": "居民身份证", "id": "id_card"}, {"name": "户口簿"}])
    assert item.material("id_card").name == "居民身份证"
    assert item.material("户口簿").id == ""
    with pytest.raises(KeyError, match="no material 'passport'"):
        item.material("passport")


def test_a_localization_changes_the_new_elements() -> None:
    item = make(onsite_visits=2, place="县政务服务中心")
    change = ItemLocalization(
        code=item.code,
        place="镇便民服务中心",
        hours="工作日",
        onsite_visits=1,
        anywhere_scope="county",
        delivery=["post"],
        materials=[Material(name="居民身份证", id="id_card", hall_fetches=True)],
        illustrative=["place"],
    )
    changed = change.apply(item)
    assert (changed.place, changed.hours, changed.onsite_visits) == ("镇便民服务中心", "工作日", 1)
    assert changed.anywhere_scope is AnywhereScope.COUNTY
    assert changed.materials[0].hall_fetches
    assert changed.illustrative == ("place",)
    with pytest.raises(FieldValueError, match="零跑动"):
        ItemLocalization(code=item.code, onsite_visits=0).apply(item)


REFERENCE = ["441324", "441322"]


@pytest.mark.parametrize("locality", REFERENCE)
def test_reference_items_state_the_full_element_set(locality: str) -> None:
    catalog = load_registry().resolve(locality).catalog
    for item in catalog:
        if item.code in catalog.localized and item.code not in {
            i.code for i in _own_items(locality)
        }:
            continue
        assert item.service_objects, item.code
        assert item.exercise_levels is not None, item.code
        for value in (item.place, item.hours, item.result, item.delivery):
            assert value, item.code
        assert item.onsite_visits is not None, item.code
        assert item.quantity_limit is not None, item.code
        # Invented values are marked: every new element given is listed as illustrative.
        for name in ("service_objects", "exercise_levels", "place", "hours", "onsite_visits"):
            assert name in item.illustrative, (item.code, name)
        ids = [m.id for m in item.materials]
        assert all(ids), item.code
        assert all(i.replace("_", "").isalnum() and i == i.lower() for i in ids), ids
    metrics = catalog.metrics()
    assert metrics.visits_stated == metrics.items
    assert metrics.mean_visits is not None


def _own_items(locality: str) -> tuple[ServiceItem, ...]:
    from govservice_std.serialization import load

    registry = load_registry()
    info = registry.info(locality)
    assert info.locality.data is not None
    return load(info.locality.data / "items.toml", ItemsDocument).items


def govstd(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("code", ["441324-SJ-001", "441324-ZR-001", "440000-RS-001"])
def test_item_json_shows_every_element(code: str) -> None:
    result = govstd("item", "441324", code, "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    expected = {f.name for f in attrs.fields(ServiceItem)}
    assert expected <= set(data)
    assert {"accept", "review", "decide"} == set(data["exercise_levels"])
    assert set(data["quantity_limit"]) == {"limited", "count", "note"}
    for material in data["materials"]:
        assert set(material) == {f.name for f in attrs.fields(Material)}
    # What the JSON says is the item as loaded.
    shown = {k: v for k, v in data.items() if k in expected}
    item = load_registry().resolve("441324").catalog.get(code)
    assert structure(shown, ServiceItem) == item


def test_item_text_shows_the_new_elements_in_both_languages() -> None:
    zh = govstd("item", "441324", "441324-ZR-001").output
    for label in (
        "服务对象",
        "行使层级",
        "办理地点",
        "到现场次数",
        "送达方式",
        "中介服务",
        "特别程序",
    ):
        assert label in zh
    assert "受理：县级" in zh
    assert "专家评审（不超过 20 个工作日，不计入办理时限）" in zh
    en = govstd("--lang", "en", "item", "441324", "441324-ZR-001").output
    assert "Exercise levels: accept: county level" in en
    assert "not counted in the time limit" in en


def test_checklist_groups_and_counts_the_materials(tmp_path: Path) -> None:
    out = govstd("item", "441324", "441324-SJ-001", "--checklist").output
    assert out.splitlines()[0] == "一次性告知：食品经营许可（441324-SJ-001）"
    assert "须提交（3 项，共 3 份）：" in out
    assert "从业人员健康证明 [health_certificate] 复印件 ×1 其他（容缺，可后补）" in out
    assert "免提交，由窗口获取（1 项）：" in out
    assert "共 4 项材料，其中 1 项可容缺后补。" in out
    en = govstd("item", "441324", "441324-SJ-001", "--checklist", "--lang", "en").output
    assert "To bring (materials: 3; copies: 3):" in en
    assert "4 materials in all; 1 may be brought later." in en
    data = json.loads(govstd("item", "441324", "441324-MZ-002", "--checklist", "--json").output)
    assert [m["id"] for m in data["groups"]["conditional"]] == ["proxy_authorisation"]
    assert data["counts"] == {
        "materials": 5, "required": 3, "copies": 3, "deferrable": 0, "conditional": 1,
        "exempt": 1,
    }  # fmt: skip
    page = tmp_path / "notice.html"
    result = govstd("item", "441324", "441324-SJ-001", "--checklist", "--html", str(page))
    assert result.exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert html.count('<tr><td class="num">') == 4
    assert "容缺，可后补" in html


def test_html_needs_the_checklist(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["item", "441324", "441324-SJ-001", "--html", "x.html"])
    assert result.exit_code == 2


def test_the_check_reports_a_bad_element_of_a_plugin(tmp_path: Path) -> None:
    (tmp_path / "items.toml").write_text(
        """
[[items]]
code = "T-1"
name = "测试"
type = "20"
department = "局"
implementing_body = "局"
handling_kind = "promised"
promised_limit_days = 1
tiers = ["county"]
anywhere_scope = "galaxy"
materials = [{ name = "户口簿", deferrable = true, hall_fetches = true }]
""",
        encoding="utf-8",
    )
    registry = load_registry(plugins=[CountyPlugin(tmp_path, code="441399")])
    problems = check_locality("441399", registry=registry)
    paths = {p.path for p in problems if p.check == "items"}
    assert "items[0].anywhere_scope" in paths
    assert "items[0].materials[0].deferrable" in paths
