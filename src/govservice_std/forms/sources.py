"""Built-in choice sources: the division units of a locality, for cascading selects.

A choice field may take its options from a built-in source instead of listing them
(``choice_source = "towns"``; see :data:`~govservice_std.forms.spec.CHOICE_SOURCES`). The
options are the locality's division units: the county (or counties) of its chain, and the
towns and villages each layer lists in ``divisions.toml`` in its data folder. An option's
value is the statistical division code, its label the unit's name, and its parent the code
of the unit it lies in — so ``choice_filter = "town"`` on a ``villages`` field offers the
villages of the town chosen.

>>> units = DivisionList(units=[
...     DivisionUnit(code="441324116", name="龙潭镇"),
...     DivisionUnit(code="441324116999", name="下埔村", illustrative=True),
... ])
>>> sources = division_choices([], units.units)
>>> [(c.value, c.label, c.parent) for c in sources["villages"]]
[('441324116999', '下埔村', '441324116')]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from govservice_std._fields import not_blank, to_code, to_tuple, unique
from govservice_std.divisions import DivisionCode, DivisionLevel
from govservice_std.errors import FieldValueError
from govservice_std.forms.spec import CHOICE_SOURCES, Choice
from govservice_std.localities import Locality

__all__ = ["DIVISIONS_FILE", "DivisionList", "DivisionUnit", "division_choices"]

DIVISIONS_FILE = "divisions.toml"
"""The file of a layer's data folder that lists its division units (towns, villages)."""


@attrs.frozen
class DivisionUnit:
    """One division unit below the locality: a town-level or village-level unit.

    Args:
        code: Its statistical division code (9 digits for a town, 12 for a village).
        name: Its official name (龙潭镇, 龙石头村民委员会).
        name_en: Its name in English, if wanted.
        illustrative: Whether the unit (its code or its name) is invented for an example.
    """

    code: DivisionCode = attrs.field(converter=to_code)
    name: str = attrs.field(validator=not_blank)
    name_en: str = ""
    illustrative: bool = False


@attrs.frozen
class DivisionList:
    """The contents of a layer's ``divisions.toml``.

    Args:
        units: The units, each code once.
        sources: Where the codes and names come from.
        notes: Anything else (what is illustrative).
    """

    units: tuple[DivisionUnit, ...] = attrs.field(converter=to_tuple)
    sources: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    notes: str = ""

    def __attrs_post_init__(self) -> None:
        unique(self.units, lambda u: u.code.value, "units", "division code")
        codes = {unit.code for unit in self.units}
        for index, unit in enumerate(self.units):
            level = unit.code.level
            if level not in (DivisionLevel.TOWN, DivisionLevel.VILLAGE):
                raise FieldValueError(
                    f"units[{index}].code",
                    f"must be a town (9 digits) or village (12 digits) code (got {unit.code})",
                )
            parent = unit.code.parent
            if level is DivisionLevel.VILLAGE and parent not in codes:
                raise FieldValueError(
                    f"units[{index}].code", f"the village's town {parent} is not listed"
                )

    def within(self, code: DivisionCode) -> list[tuple[int, DivisionUnit]]:
        """The units that do not lie within ``code``, with their index (for checks)."""
        return [(i, u) for i, u in enumerate(self.units) if not code.contains(u.code)]


_LEVELS = {level: source for source, level in CHOICE_SOURCES.items()}


def division_choices(
    localities: Iterable[Locality], units: Iterable[DivisionUnit]
) -> Mapping[str, tuple[Choice, ...]]:
    """The built-in choice sources from a chain's localities and their division units.

    Counties come from the localities of county level; towns and villages from the units.
    Each option's parent is the code of the unit it lies in.
    """
    by_source: dict[str, dict[str, Choice]] = {source: {} for source in CHOICE_SOURCES}
    entries = [(loc.code, loc.name, "") for loc in localities] + [
        (unit.code, unit.name, unit.name_en) for unit in units
    ]
    for code, name, name_en in entries:
        source = _LEVELS.get(code.level.value)
        parent = code.parent
        if source is None or parent is None:
            continue
        by_source[source][code.value] = Choice(
            value=code.value, label=name, label_en=name_en, parent=parent.value
        )
    return {source: tuple(found.values()) for source, found in by_source.items()}
