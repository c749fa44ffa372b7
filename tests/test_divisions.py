"""Division codes and localities."""

from __future__ import annotations

import pytest
from hypothesis import given

import govservice_std as gs
from govservice_std.divisions import TownKind

from .strategies import division_codes


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("000000", "national", None),
        ("440000", "province", "000000"),
        ("441300", "city", "440000"),
        ("441324", "county", "441300"),
        ("441324116", "town", "441324"),
        ("441324118201", "village", "441324118"),
    ],
)
def test_levels_and_parents(code: str, level: str, parent: str | None) -> None:
    division = gs.DivisionCode(code)
    assert division.level.value == level
    assert (str(division.parent) if division.parent else None) == parent


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("441324001", "subdistrict"),
        ("441324116", "town"),
        ("441324200", "township"),
        ("441324453", "other"),
        ("441324570", "other"),
    ],
)
def test_town_kind_follows_digits_7_to_9(code: str, kind: str) -> None:
    assert gs.DivisionCode(code).town_kind == TownKind(kind)


@pytest.mark.parametrize(
    "bad",
    [
        "44132",
        "4413241",
        "44132411600a",
        "００００００",
        "001300",
        "441324000",
        "441324116000",
        "441300116",
    ],
)
def test_malformed_codes_are_refused(bad: str) -> None:
    with pytest.raises(gs.FieldValueError):
        gs.DivisionCode(bad)


@given(division_codes)
def test_every_ancestor_contains_the_code(code: gs.DivisionCode) -> None:
    for ancestor in code.ancestors():
        assert ancestor.contains(code)
        assert not code.contains(ancestor) or ancestor == code
    assert code.contains(code)
    if code.parent is not None:
        assert code.ancestors()[-1] == code.parent


def test_localities_check_their_level_and_parent() -> None:
    with pytest.raises(gs.FieldValueError, match="is a county-level code"):
        gs.Locality(code="441324", name="龙门县", level="city", parent="441300")
    with pytest.raises(gs.FieldValueError, match="needs a parent"):
        gs.Locality(code="441324", name="龙门县", level="county")
    with pytest.raises(gs.FieldValueError, match="does not contain"):
        gs.Locality(code="441324", name="龙门县", level="county", parent="510000")
    with pytest.raises(gs.FieldValueError, match="six-digit code"):
        gs.Locality(code="441324116", name="龙潭镇", level="county", parent="441324")
    with pytest.raises(gs.FieldValueError, match="must be one of 'national'"):
        gs.Locality(code="441324", name="龙门县", level="district", parent="441300")
    with pytest.raises(gs.FieldValueError, match="must not be empty"):
        gs.Locality(code="441324", name=" ", level="county", parent="441300")
    # A county administered directly by its province names the province as parent.
    direct = gs.Locality(code="429004", name="仙桃市", level="county", parent="420000")
    assert direct.label == "仙桃市 (429004)"
