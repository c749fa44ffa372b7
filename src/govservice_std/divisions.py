"""Administrative division codes (行政区划代码).

Localities are keyed by their GB/T 2260 six-digit code (``440000`` 广东省, ``441300`` 惠州市,
``441324`` 龙门县). Halls below the county are keyed by the statistical division codes of the
National Bureau of Statistics: nine digits for a town-level unit (乡级: 街道, 镇, 乡 …) and twelve
for a village-level unit (村级: 居委会, 村委会). Digits 1–6 of a statistical code are the county,
7–9 the town, 10–12 the village.

The national baseline, which has no GB/T 2260 code, uses :data:`NATIONAL` (``000000``).

>>> code = DivisionCode("441324116")
>>> code.level
<DivisionLevel.TOWN: 'town'>
>>> code.town_kind
<TownKind.TOWN: 'town'>
>>> str(code.parent)
'441324'
>>> [str(c) for c in DivisionCode("441324116201").ancestors()]
['000000', '440000', '441300', '441324', '441324116']
"""

from __future__ import annotations

import attrs

from govservice_std.errors import FieldValueError
from govservice_std.i18n import LabelledEnum

__all__ = ["NATIONAL", "DivisionCode", "DivisionLevel", "TownKind"]


class DivisionLevel(LabelledEnum):
    """The level a division code denotes, from the nation down to the village."""

    NATIONAL = "national", "national level"
    PROVINCE = "province", "provincial level"
    CITY = "city", "city level"
    COUNTY = "county", "county level"
    TOWN = "town", "township level"
    VILLAGE = "village", "village level"


class TownKind(LabelledEnum):
    """The kind of a town-level unit, read from digits 7–9 of its statistical code.

    001–099 are 街道 (sub-districts), 100–199 镇 (towns), 200–399 乡 (townships) and 400–599
    other town-level units such as state farms and development zones.
    """

    SUBDISTRICT = "subdistrict", "subdistrict"
    TOWN = "town", "town"
    TOWNSHIP = "township", "township"
    OTHER = "other", "other township-level unit"


_LENGTHS = (6, 9, 12)


def _check_code(_instance: DivisionCode, _attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str):
        raise FieldValueError("", f"must be a string of digits (got {type(value).__name__})")
    if len(value) not in _LENGTHS or not value.isascii() or not value.isdigit():
        raise FieldValueError("", f"must be 6, 9 or 12 ASCII digits (got {value!r})")
    if len(value) == 6 and value != "000000" and value[:2] == "00":
        raise FieldValueError("", f"province digits cannot be 00 (got {value!r})")
    if len(value) >= 9 and value[6:9] == "000":
        raise FieldValueError("", f"town digits cannot be 000 (got {value!r})")
    if len(value) == 12 and value[9:] == "000":
        raise FieldValueError("", f"village digits cannot be 000 (got {value!r})")
    if len(value) > 6 and value[:6].endswith("00"):
        raise FieldValueError("", f"a town or village code must lie in a county (got {value!r})")


@attrs.frozen(order=True)
class DivisionCode:
    """A validated division code: 6 digits (GB/T 2260), 9 (town) or 12 (village).

    Codes compare and sort as their strings; ``str(code)`` gives the digits back.

    Args:
        value: The digits.

    Raises:
        FieldValueError: If ``value`` is not a well-formed code.
    """

    value: str = attrs.field(validator=_check_code)

    def __str__(self) -> str:
        return self.value

    @property
    def level(self) -> DivisionLevel:
        """The level this code denotes."""
        v = self.value
        if len(v) == 12:
            return DivisionLevel.VILLAGE
        if len(v) == 9:
            return DivisionLevel.TOWN
        if v == "000000":
            return DivisionLevel.NATIONAL
        if v.endswith("0000"):
            return DivisionLevel.PROVINCE
        if v.endswith("00"):
            return DivisionLevel.CITY
        return DivisionLevel.COUNTY

    @property
    def town_kind(self) -> TownKind | None:
        """For a town-level code, the kind of unit (街道, 镇, 乡, other); else ``None``."""
        if len(self.value) != 9:
            return None
        n = int(self.value[6:9])
        if n < 100:
            return TownKind.SUBDISTRICT
        if n < 200:
            return TownKind.TOWN
        if n < 400:
            return TownKind.TOWNSHIP
        return TownKind.OTHER

    @property
    def parent(self) -> DivisionCode | None:
        """The code of the enclosing division as derived from the digits.

        A village's parent is its town, a town's its county, a county's its city
        (``xxxx00``), a city's its province (``xx0000``) and a province's the nation. The
        national code has no parent. Counties administered directly by a province have a
        derived city code that may not exist; a locality records its real parent itself.
        """
        v = self.value
        level = self.level
        if level is DivisionLevel.NATIONAL:
            return None
        if level is DivisionLevel.VILLAGE:
            return DivisionCode(v[:9])
        if level is DivisionLevel.TOWN:
            return DivisionCode(v[:6])
        if level is DivisionLevel.COUNTY:
            return DivisionCode(v[:4] + "00")
        if level is DivisionLevel.CITY:
            return DivisionCode(v[:2] + "0000")
        return NATIONAL

    def ancestors(self) -> tuple[DivisionCode, ...]:
        """The derived chain of enclosing codes, from the nation down (excluding this one)."""
        chain: list[DivisionCode] = []
        current = self.parent
        while current is not None:
            chain.append(current)
            current = current.parent
        return tuple(reversed(chain))

    @property
    def county(self) -> DivisionCode:
        """The six-digit code of the county (or higher division) this code lies in."""
        return self if len(self.value) == 6 else DivisionCode(self.value[:6])

    def contains(self, other: DivisionCode) -> bool:
        """Whether ``other`` lies within this division (or is this division).

        >>> DivisionCode("441300").contains(DivisionCode("441324116"))
        True
        >>> DivisionCode("441324").contains(DivisionCode("441302"))
        False
        """
        if self == other:
            return True
        level = self.level
        v, o = self.value, other.value
        if level is DivisionLevel.NATIONAL:
            return True
        if level is DivisionLevel.PROVINCE:
            return o[:2] == v[:2]
        if level is DivisionLevel.CITY:
            return o[:4] == v[:4]
        return o.startswith(v) and len(o) > len(v)


NATIONAL = DivisionCode("000000")
"""The code the library uses for the national baseline (全国)."""
