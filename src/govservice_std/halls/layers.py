"""How a locality's halls are read: every layer's ``halls.toml`` and ``govservice_halls`` hook.

This is the only code that reads halls from the registry. The registry asks it for the
``halls`` part of a :class:`~govservice_std.registry.ResolvedLocality` (through
:data:`PARTS`) when the locality is resolved.

>>> from govservice_std import load_registry
>>> load_registry(autoload=False).resolve("000000").halls
()
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs

from govservice_std.errors import DataProblem, InvalidDataError
from govservice_std.halls.model import HALLS_FILE, Hall, HallsDocument, HallTier
from govservice_std.localities import Provenance
from govservice_std.registry import LocalityInfo, ResolvedLocality, source_name
from govservice_std.serialization import load

__all__ = ["PARTS", "ResolvedHalls", "resolve_halls"]


@attrs.frozen
class ResolvedHalls:
    """The halls of a resolved locality.

    Attributes:
        halls: The halls of the chain that lie within the locality, in layer order.
        provenance: For each hall code, which layer set the hall.
        overridden: For each hall code replaced by a later layer, the provenance it replaced.
    """

    halls: tuple[Hall, ...]
    provenance: Mapping[str, Provenance]
    overridden: Mapping[str, tuple[Provenance, ...]]


def _hook_halls(resolved: ResolvedLocality, info: LocalityInfo) -> list[Hall]:
    return resolved.host.call_scoped(
        "govservice_halls", info.plugin.name, Hall, locality=info.locality
    )


def _layer_halls(
    resolved: ResolvedLocality, info: LocalityInfo
) -> list[tuple[Hall, Provenance, str]]:
    out: list[tuple[Hall, Provenance, str]] = []
    data = info.locality.data
    file = data / HALLS_FILE if data is not None else None
    if file is not None and file.is_file():
        source = source_name(info, file)
        document = load(file, HallsDocument, source=source)
        prov = Provenance(info.code, info.plugin.name, HALLS_FILE)
        out.extend((hall, prov, source) for hall in document.halls)
    prov = Provenance(info.code, info.plugin.name, "hook govservice_halls")
    hook_source = f"plugin {info.plugin.label} hook govservice_halls"
    out.extend((hall, prov, hook_source) for hall in _hook_halls(resolved, info))
    return out


def resolve_halls(resolved: ResolvedLocality) -> ResolvedHalls:
    """Read the halls of a resolved locality's chain: ``halls.toml`` and hook, parent first.

    A later layer's hall with an inherited code replaces it. Only the halls within the
    locality are kept.

    Raises:
        InvalidDataError: If a file is invalid, a hall lies outside the layer that declares
            it, or its parent is missing or does not fit; the message names the file.
        PluginError: If a plugin's hook fails or breaks its contract.
    """
    chain = resolved.chain
    target = chain[-1].locality
    halls: dict[str, Hall] = {}
    provenance: dict[str, Provenance] = {}
    origin: dict[str, str] = {}
    overridden: dict[str, list[Provenance]] = {}
    for info in chain:
        for index, (hall, prov, source) in enumerate(_layer_halls(resolved, info)):
            if not info.code.contains(hall.division):
                raise InvalidDataError(
                    [
                        DataProblem(
                            f"halls[{index}].division",
                            f"{hall.division} lies outside locality {info.locality.label}",
                        )
                    ],
                    source=source,
                )
            if hall.code in provenance:
                overridden.setdefault(hall.code, []).append(provenance[hall.code])
            halls[hall.code] = hall
            provenance[hall.code] = prov
            origin[hall.code] = f"{source}: halls[{index}]"
    _check_parents(halls, origin)
    inside = tuple(h for h in halls.values() if target.code.contains(h.division))
    kept = {h.code: provenance[h.code] for h in inside}
    return ResolvedHalls(
        halls=inside,
        provenance=kept,
        overridden={code: tuple(v) for code, v in overridden.items() if code in kept},
    )


def _city_above_county(parent: Hall, hall: Hall) -> bool:
    # County-tier covers centres at county level and above: a county centre may report to
    # its city's centre, which is of the same tier but serves a larger division.
    return (
        parent.tier is hall.tier is HallTier.COUNTY
        and parent.division != hall.division
        and parent.division.contains(hall.division)
    )


def _check_parents(halls: Mapping[str, Hall], origin: Mapping[str, str]) -> None:
    problems: dict[str, list[DataProblem]] = {}
    for hall in halls.values():
        if hall.parent is None:
            continue
        where, _, path = origin[hall.code].rpartition(": ")
        parent = halls.get(hall.parent)
        if parent is None:
            problems.setdefault(where, []).append(
                DataProblem(f"{path}.parent", f"no hall {hall.parent!r} in the locality's chain")
            )
        elif not (hall.is_below(parent) or _city_above_county(parent, hall)):
            problems.setdefault(where, []).append(
                DataProblem(
                    f"{path}.parent",
                    f"{hall.parent!r} is a {parent.tier.value}-tier hall; a "
                    f"{hall.tier.value}-tier hall must report to a higher tier "
                    "(or a county centre to the centre of a larger division)",
                )
            )
        elif not parent.division.contains(hall.division):
            problems.setdefault(where, []).append(
                DataProblem(
                    f"{path}.parent",
                    f"{hall.parent!r} serves {parent.division}, which does not contain "
                    f"{hall.division}",
                )
            )
    if problems:
        where, found = next(iter(problems.items()))
        raise InvalidDataError(found, source=where)


PARTS: Mapping[str, Callable[[ResolvedLocality], object]] = {"halls": resolve_halls}
"""The part of a resolved locality this module provides."""
