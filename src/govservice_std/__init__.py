"""govservice_std: standardized government service for China's three tiers of halls.

The package's public names are importable from here. Importing the package is cheap: each
name is loaded from its module on first use, and no plugin is loaded until you ask for a
registry.

>>> import govservice_std as gs
>>> registry = gs.load_registry(autoload=False)  # only the built-in national baseline
>>> registry.resolve("000000").locality.name
'全国'
>>> gs.DivisionCode("441324116").parent
DivisionCode(value='441324')
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from govservice_std._version import __version__

if TYPE_CHECKING:
    from govservice_std._markers import hookimpl, hookspec
    from govservice_std.divisions import NATIONAL, DivisionCode, DivisionLevel, TownKind
    from govservice_std.errors import (
        DataProblem,
        FieldValueError,
        GovServiceError,
        InvalidDataError,
        LocalityChainError,
        LocalityConflictError,
        PluginContractError,
        PluginError,
        PluginLoadError,
        ScaffoldError,
        UnknownLocalityError,
    )
    from govservice_std.halls import (
        Contact,
        DayHours,
        Hall,
        HallTier,
        OpeningHours,
        ServiceMode,
        SpecialService,
        Staff,
        StaffRole,
        TimeRange,
        Weekday,
        Window,
        WindowKind,
        Zone,
        ZoneKind,
    )
    from govservice_std.localities import Locality, LocalityLevel
    from govservice_std.plugins import PluginHost, PluginInfo, load_plugins
    from govservice_std.registry import (
        HallsDocument,
        LocalityInfo,
        Provenance,
        Registry,
        ResolvedLocality,
        load_registry,
    )
    from govservice_std.serialization import (
        configure_converter,
        dump,
        dumps,
        load,
        loads,
        make_converter,
        structure,
        unstructure,
    )
    from govservice_std.staffing import (
        DayProfile,
        ErlangC,
        KpiReport,
        KpiSummary,
        SimulationResult,
        StaffingPlan,
        TimeDistribution,
        erlang_b,
        erlang_c,
        load_profile,
        plan_staffing,
        priority_waits,
        simulate,
        windows_needed,
    )

_EXPORTS: dict[str, str] = {
    "hookimpl": "_markers",
    "hookspec": "_markers",
    "NATIONAL": "divisions",
    "DivisionCode": "divisions",
    "DivisionLevel": "divisions",
    "TownKind": "divisions",
    "DataProblem": "errors",
    "FieldValueError": "errors",
    "GovServiceError": "errors",
    "InvalidDataError": "errors",
    "LocalityChainError": "errors",
    "LocalityConflictError": "errors",
    "PluginContractError": "errors",
    "PluginError": "errors",
    "PluginLoadError": "errors",
    "ScaffoldError": "errors",
    "UnknownLocalityError": "errors",
    "Contact": "halls",
    "DayHours": "halls",
    "Hall": "halls",
    "HallTier": "halls",
    "OpeningHours": "halls",
    "ServiceMode": "halls",
    "SpecialService": "halls",
    "Staff": "halls",
    "StaffRole": "halls",
    "TimeRange": "halls",
    "Weekday": "halls",
    "Window": "halls",
    "WindowKind": "halls",
    "Zone": "halls",
    "ZoneKind": "halls",
    "Locality": "localities",
    "LocalityLevel": "localities",
    "PluginHost": "plugins",
    "PluginInfo": "plugins",
    "load_plugins": "plugins",
    "HallsDocument": "registry",
    "LocalityInfo": "registry",
    "Provenance": "registry",
    "Registry": "registry",
    "ResolvedLocality": "registry",
    "load_registry": "registry",
    "configure_converter": "serialization",
    "dump": "serialization",
    "dumps": "serialization",
    "load": "serialization",
    "loads": "serialization",
    "make_converter": "serialization",
    "structure": "serialization",
    "unstructure": "serialization",
    "ErlangC": "staffing",
    "KpiReport": "staffing",
    "KpiSummary": "staffing",
    "erlang_b": "staffing",
    "erlang_c": "staffing",
    "priority_waits": "staffing",
    "windows_needed": "staffing",
    "DayProfile": "staffing",
    "TimeDistribution": "staffing",
    "SimulationResult": "staffing",
    "StaffingPlan": "staffing",
    "load_profile": "staffing",
    "plan_staffing": "staffing",
    "simulate": "staffing",
}

__all__ = [
    "NATIONAL",
    "Contact",
    "DataProblem",
    "DayHours",
    "DayProfile",
    "DivisionCode",
    "DivisionLevel",
    "ErlangC",
    "FieldValueError",
    "GovServiceError",
    "Hall",
    "HallTier",
    "HallsDocument",
    "InvalidDataError",
    "KpiReport",
    "KpiSummary",
    "Locality",
    "LocalityChainError",
    "LocalityConflictError",
    "LocalityInfo",
    "LocalityLevel",
    "OpeningHours",
    "PluginContractError",
    "PluginError",
    "PluginHost",
    "PluginInfo",
    "PluginLoadError",
    "Provenance",
    "Registry",
    "ResolvedLocality",
    "ScaffoldError",
    "ServiceMode",
    "SimulationResult",
    "SpecialService",
    "Staff",
    "StaffRole",
    "StaffingPlan",
    "TimeDistribution",
    "TimeRange",
    "TownKind",
    "UnknownLocalityError",
    "Weekday",
    "Window",
    "WindowKind",
    "Zone",
    "ZoneKind",
    "__version__",
    "configure_converter",
    "dump",
    "dumps",
    "erlang_b",
    "erlang_c",
    "hookimpl",
    "hookspec",
    "load",
    "load_plugins",
    "load_profile",
    "load_registry",
    "loads",
    "make_converter",
    "plan_staffing",
    "priority_waits",
    "simulate",
    "structure",
    "unstructure",
    "windows_needed",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'govservice_std' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"govservice_std.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
