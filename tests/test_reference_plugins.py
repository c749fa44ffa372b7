"""The bundled reference plugins: 广东省/惠州市 and 龙门县."""

from __future__ import annotations

import pytest

import govservice_std as gs
from govservice_std.halls import ZoneKind

LONGMEN_TOWNS = {
    "441324001": "龙城街道",
    "441324002": "平陵街道",
    "441324100": "麻榨镇",
    "441324101": "永汉镇",
    "441324115": "龙田镇",
    "441324116": "龙潭镇",
    "441324117": "地派镇",
    "441324118": "龙华镇",
    "441324119": "龙江镇",
    "441324200": "蓝田瑶族乡",
    "441324453": "密溪林场",
    "441324570": "南昆山生态旅游区",
}


@pytest.fixture(scope="module")
def longmen() -> gs.ResolvedLocality:
    return gs.load_registry().resolve("441324")


def test_chain_runs_from_the_nation_to_the_county(longmen: gs.ResolvedLocality) -> None:
    assert longmen.chain_codes == ("000000", "440000", "441300", "441324")
    assert [i.plugin.name for i in longmen.chain] == [
        "national",
        "guangdong",
        "guangdong",
        "longmen",
    ]
    assert [i.locality.level.value for i in longmen.chain] == [
        "national",
        "province",
        "city",
        "county",
    ]


def test_county_centre_and_every_town_centre(longmen: gs.ResolvedLocality) -> None:
    (county,) = longmen.halls_of("county")
    assert county.name == "龙门县政务服务中心"
    towns = {str(h.division): h for h in longmen.halls_of("town")}
    assert set(towns) == set(LONGMEN_TOWNS)
    for code, name in LONGMEN_TOWNS.items():
        assert name in towns[code].name
        assert towns[code].parent == county.code
        assert towns[code].name.endswith("便民服务中心")


def test_demonstration_village_station(longmen: gs.ResolvedLocality) -> None:
    xiapu = next(h for h in longmen.halls_of("village") if "下埔村" in h.name)
    assert xiapu.parent == "441324116"
    # Its twelve-digit code is not confirmed by a source, and the data says so.
    assert "division" in xiapu.illustrative


def test_town_and_village_halls_integrate_party_service(longmen: gs.ResolvedLocality) -> None:
    for hall in (*longmen.halls_of("town"), *longmen.halls_of("village")):
        assert hall.has_zone(ZoneKind.PARTY_SERVICE), hall.name


def test_invented_values_are_marked(longmen: gs.ResolvedLocality) -> None:
    for hall in longmen.halls:
        if hall.windows:
            assert "windows" in hall.illustrative, hall.name
        if hall.address:
            assert "address" in hall.illustrative, hall.name


def test_every_hall_records_its_layer(longmen: gs.ResolvedLocality) -> None:
    assert {str(p.layer) for p in longmen.provenance.values()} == {"441324"}
    assert {p.plugin for p in longmen.provenance.values()} == {"longmen"}


def test_city_lists_its_own_centre_and_the_county_halls() -> None:
    registry = gs.load_registry()
    city = registry.halls("441300")
    assert city[0].name == "惠州市政务服务中心"
    counties = ("441324", "441322")  # 龙门县 and 博罗县
    assert len(city) == 1 + sum(len(registry.resolve(c).halls) for c in counties)
