"""Resolving localities through their chain: layering, provenance, caching, bad data."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

import govservice_std as gs


def _layer(tmp_path: Path, code: str, halls_toml: str) -> Path:
    folder = tmp_path / code
    folder.mkdir()
    (folder / "halls.toml").write_text(halls_toml, encoding="utf-8")
    return folder


class DataPlugin:
    """A plugin that declares a province, city and county, each with a data folder."""

    __name__ = "data_plugin"

    def __init__(self, folders: dict[str, Path]) -> None:
        self.folders = folders

    @gs.hookimpl
    def govservice_localities(self) -> Sequence[gs.Locality]:
        return [
            gs.Locality(
                code="440000",
                name="广东省",
                level="province",
                parent="000000",
                data=self.folders.get("440000"),
            ),
            gs.Locality(
                code="441300",
                name="惠州市",
                level="city",
                parent="440000",
                data=self.folders.get("441300"),
            ),
            gs.Locality(
                code="441324",
                name="龙门县",
                level="county",
                parent="441300",
                data=self.folders.get("441324"),
            ),
            gs.Locality(code="441322", name="博罗县", level="county", parent="441300"),
        ]


CITY = """
[[halls]]
code = "441300"
name = "惠州市政务服务中心"
tier = "county"
division = "441300"

[[halls]]
code = "441324"
name = "龙门县政务服务中心（市级登记）"
tier = "county"
division = "441324"
parent = "441300"
"""

COUNTY = """
[[halls]]
code = "441324"
name = "龙门县政务服务中心"
tier = "county"
division = "441324"

[[halls]]
code = "441324116"
name = "龙潭镇便民服务中心"
tier = "town"
division = "441324116"
parent = "441324"
"""


def _registry(tmp_path: Path, **layers: str) -> gs.Registry:
    folders = {code.removeprefix("c"): _layer(tmp_path, code, t) for code, t in layers.items()}
    return gs.load_registry(autoload=False, plugins=[DataPlugin(folders)])


def test_layers_apply_parent_first_and_record_provenance(tmp_path: Path) -> None:
    registry = _registry(tmp_path, c441300=CITY, c441324=COUNTY)
    county = registry.resolve("441324")
    assert county.chain_codes == ("000000", "440000", "441300", "441324")
    assert [h.code for h in county.halls] == ["441324", "441324116"]
    assert county.hall("441324").name == "龙门县政务服务中心"
    assert str(county.provenance["441324"]) == "441324 (data_plugin, halls.toml)"
    assert [str(p.layer) for p in county.overridden["441324"]] == ["441300"]
    city = registry.resolve("441300")
    assert [h.code for h in city.halls] == ["441300", "441324"]
    assert city.hall("441324").name.endswith("（市级登记）")


def test_registry_halls_include_descendants(tmp_path: Path) -> None:
    registry = _registry(tmp_path, c441300=CITY, c441324=COUNTY)
    assert [h.code for h in registry.halls("441300")] == ["441300", "441324", "441324116"]
    assert [h.code for h in registry.halls("441300", descendants=False)] == ["441300", "441324"]
    assert [h.code for h in registry.halls("441300", tier="town")] == ["441324116"]


def test_resolution_is_cached(tmp_path: Path) -> None:
    registry = _registry(tmp_path, c441324=COUNTY)
    assert registry.resolve("441324") is registry.resolve(gs.DivisionCode("441324"))
    assert registry.memo(("x", 1), lambda: [1]) is registry.memo(("x", 1), lambda: [2])


def test_hall_outside_its_layer_is_refused(tmp_path: Path) -> None:
    registry = _registry(
        tmp_path, c441324=COUNTY.replace('division = "441324116"', 'division = "441322116"')
    )
    with pytest.raises(gs.InvalidDataError) as info:
        registry.resolve("441324")
    assert "halls[1].division: 441322116 lies outside locality 龙门县 (441324)" in str(info.value)
    assert "(plugin data_plugin)" in str(info.value)


def test_missing_parent_hall_names_file_and_path(tmp_path: Path) -> None:
    registry = _registry(tmp_path, c441324=COUNTY.replace('parent = "441324"\n', 'parent = "x"\n'))
    with pytest.raises(gs.InvalidDataError) as info:
        registry.resolve("441324")
    (problem,) = info.value.problems
    assert problem.path == "halls[1].parent"
    assert problem.message == "no hall 'x' in the locality's chain"
    assert str(info.value.source).endswith("halls.toml (plugin data_plugin)")


def test_parent_hall_must_be_a_higher_tier(tmp_path: Path) -> None:
    bad = (
        COUNTY
        + """
[[halls]]
code = "441324116001"
name = "站"
tier = "village"
division = "441324116001"
parent = "441324116"

[[halls]]
code = "441324117"
name = "地派镇便民服务中心"
tier = "town"
division = "441324117"
parent = "441324116001"
"""
    )
    registry = _registry(tmp_path, c441324=bad)
    with pytest.raises(gs.InvalidDataError, match="must report to a higher tier"):
        registry.resolve("441324")


def test_invalid_layer_file_names_the_plugin(tmp_path: Path) -> None:
    registry = _registry(tmp_path, c441324=COUNTY.replace('tier = "town"', 'tier = "hamlet"'))
    with pytest.raises(gs.InvalidDataError) as info:
        registry.resolve("441324")
    text = str(info.value)
    assert "halls.toml (plugin data_plugin): halls[1].tier: must be one of" in text
    # The failure does not poison the registry: other localities still resolve.
    assert registry.resolve("441322").halls == ()


def test_unknown_and_malformed_codes(tmp_path: Path) -> None:
    registry = _registry(tmp_path, c441324=COUNTY)
    with pytest.raises(gs.UnknownLocalityError, match="unknown locality '441399'"):
        registry.resolve("441399")
    with pytest.raises(gs.UnknownLocalityError, match="unknown locality 'abc'"):
        registry.info("abc")
    assert "abc" not in registry
    assert 441324 not in registry
    assert [str(i.code) for i in registry.children("441300")] == ["441322", "441324"]
    assert [str(i.code) for i in registry.descendants("440000")] == ["441300", "441322", "441324"]
