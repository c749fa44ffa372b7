"""Localities: the layers of rules from the national baseline down to a county.

A :class:`Locality` is what a plugin declares: a division code, a name, a level and the code
of its parent. The national baseline is the root; 广东省 (440000) sits under it, 惠州市
(441300) under the province and 龙门县 (441324) under the city. A plugin may point a locality
at a folder of data files (``halls.toml`` and, as the library grows, criteria, items and
forms) that the registry reads when it resolves the locality.

>>> county = Locality(code="441324", name="龙门县", level="county", parent="441300")
>>> county.level, str(county.parent)
(<LocalityLevel.COUNTY: 'county'>, '441300')
"""

from __future__ import annotations

from importlib.resources.abc import Traversable
from pathlib import Path

import attrs

from govservice_std.divisions import DivisionCode, DivisionLevel
from govservice_std.errors import FieldValueError
from govservice_std.i18n import LabelledEnum

__all__ = ["Locality", "LocalityLevel", "Provenance"]


class LocalityLevel(LabelledEnum):
    """The level of a locality layer."""

    NATIONAL = "national", "nation"
    PROVINCE = "province", "province"
    CITY = "city", "city"
    COUNTY = "county", "county"

    @property
    def rank(self) -> int:
        """0 for the nation, 3 for a county: a child's rank is greater than its parent's."""
        return _RANK[self]


_RANK = {
    LocalityLevel.NATIONAL: 0,
    LocalityLevel.PROVINCE: 1,
    LocalityLevel.CITY: 2,
    LocalityLevel.COUNTY: 3,
}


def _to_code(value: DivisionCode | str) -> DivisionCode:
    return value if isinstance(value, DivisionCode) else DivisionCode(value)


def _to_optional_code(value: DivisionCode | str | None) -> DivisionCode | None:
    return None if value is None else _to_code(value)


def _to_level(value: LocalityLevel | str) -> LocalityLevel:
    if isinstance(value, LocalityLevel):
        return value
    try:
        return LocalityLevel(value)
    except ValueError:
        allowed = ", ".join(repr(level.value) for level in LocalityLevel)
        raise FieldValueError("level", f"must be one of {allowed} (got {value!r})") from None


def _to_data(value: Traversable | str | None) -> Traversable | None:
    if isinstance(value, str):
        return Path(value)
    return value


def _check_name(_instance: Locality, attribute: attrs.Attribute[str], value: str) -> None:
    if not value.strip():
        raise FieldValueError(attribute.name, "must not be empty")


@attrs.frozen
class Locality:
    """A locality layer as a plugin declares it.

    Args:
        code: The GB/T 2260 six-digit code (``000000`` for the national baseline).
        name: The official name (龙门县).
        level: National, province, city or county.
        parent: The code of the parent layer; ``None`` only for the national baseline.
        data: An optional folder (a path or an :mod:`importlib.resources` traversable) that
            holds the layer's data files, such as ``halls.toml``.

    Raises:
        FieldValueError: If the code is not six digits, the level does not fit the code's
            position in the chain, or the parent is missing or not above the locality.
    """

    code: DivisionCode = attrs.field(converter=_to_code)
    name: str = attrs.field(validator=_check_name)
    level: LocalityLevel = attrs.field(converter=_to_level)
    parent: DivisionCode | None = attrs.field(default=None, converter=_to_optional_code)
    data: Traversable | None = attrs.field(default=None, converter=_to_data, eq=False, repr=True)

    def __attrs_post_init__(self) -> None:
        if self.code.level in (DivisionLevel.TOWN, DivisionLevel.VILLAGE):
            raise FieldValueError(
                "code", f"a locality has a six-digit code (got {str(self.code)!r})"
            )
        is_national = self.level is LocalityLevel.NATIONAL
        if is_national != (self.code.level is DivisionLevel.NATIONAL):
            raise FieldValueError(
                "level",
                f"only code 000000 is national (got {self.level.value!r} for {str(self.code)!r})",
            )
        if self.level.value != self.code.level.value:
            raise FieldValueError(
                "level",
                f"code {str(self.code)!r} is a {self.code.level.value}-level code "
                f"(got level {self.level.value!r})",
            )
        if is_national:
            if self.parent is not None:
                raise FieldValueError("parent", "the national baseline has no parent")
            return
        if self.parent is None:
            raise FieldValueError("parent", "every locality but the nation needs a parent")
        if self.parent == self.code:
            raise FieldValueError("parent", "a locality cannot be its own parent")
        if not self.parent.contains(self.code):
            raise FieldValueError(
                "parent",
                f"{str(self.parent)!r} does not contain {str(self.code)!r}",
            )

    @property
    def label(self) -> str:
        """``name (code)``, for messages."""
        return f"{self.name} ({self.code})"


@attrs.frozen
class Provenance:
    """Which layer set a value, through which plugin and from which source.

    Attributes:
        layer: The code of the locality layer.
        plugin: The registered name of the plugin that declared the layer.
        source: The data file (``halls.toml``) or hook (``hook govservice_halls``).
    """

    layer: DivisionCode
    plugin: str
    source: str

    def __str__(self) -> str:
        return f"{self.layer} ({self.plugin}, {self.source})"
