"""govservice_std: standardized government service for China's three tiers of halls.

The package's public names are importable from here. Importing the package is cheap: each
name is loaded from its module on first use, and no plugin is loaded until you ask for a
registry.

>>> import govservice_std as gs
>>> registry = gs.load_registry()
>>> lm = registry.resolve("441324")  # doctest: +SKIP
>>> [h.name for h in lm.halls_of("town")][:2]  # doctest: +SKIP
['龙城街道便民服务中心', '平陵街道便民服务中心']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from govservice_std._version import __version__

if TYPE_CHECKING:
    from govservice_std._markers import hookimpl, hookspec
    from govservice_std.calendar import (
        CALENDAR_FILE,
        FIRST_OFFICIAL_YEAR,
        LAST_OFFICIAL_YEAR,
        CalendarDay,
        CalendarDocument,
        ScheduleUnavailableError,
        WorkingCalendar,
        working_calendar,
    )
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
    from govservice_std.items import (
        ITEMS_FILE,
        NATIONAL_ITEM_TYPES,
        Catalog,
        CatalogMetrics,
        Channel,
        CodeRules,
        Fee,
        HandlingKind,
        ItemLevel,
        ItemLocalization,
        ItemsDocument,
        Material,
        MaterialForm,
        ServiceItem,
        load_catalog,
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
    "CALENDAR_FILE": "calendar",
    "FIRST_OFFICIAL_YEAR": "calendar",
    "LAST_OFFICIAL_YEAR": "calendar",
    "CalendarDay": "calendar",
    "CalendarDocument": "calendar",
    "ScheduleUnavailableError": "calendar",
    "WorkingCalendar": "calendar",
    "working_calendar": "calendar",
    "ITEMS_FILE": "items",
    "NATIONAL_ITEM_TYPES": "items",
    "Catalog": "items",
    "CatalogMetrics": "items",
    "Channel": "items",
    "CodeRules": "items",
    "Fee": "items",
    "HandlingKind": "items",
    "ItemLevel": "items",
    "ItemLocalization": "items",
    "ItemsDocument": "items",
    "Material": "items",
    "MaterialForm": "items",
    "ServiceItem": "items",
    "load_catalog": "items",
    "configure_converter": "serialization",
    "dump": "serialization",
    "dumps": "serialization",
    "load": "serialization",
    "loads": "serialization",
    "make_converter": "serialization",
    "structure": "serialization",
    "unstructure": "serialization",
}

__all__ = [
    "CALENDAR_FILE",
    "FIRST_OFFICIAL_YEAR",
    "ITEMS_FILE",
    "LAST_OFFICIAL_YEAR",
    "NATIONAL",
    "NATIONAL_ITEM_TYPES",
    "CalendarDay",
    "CalendarDocument",
    "Catalog",
    "CatalogMetrics",
    "Channel",
    "CodeRules",
    "Contact",
    "DataProblem",
    "DayHours",
    "DivisionCode",
    "DivisionLevel",
    "Fee",
    "FieldValueError",
    "GovServiceError",
    "Hall",
    "HallTier",
    "HallsDocument",
    "HandlingKind",
    "InvalidDataError",
    "ItemLevel",
    "ItemLocalization",
    "ItemsDocument",
    "Locality",
    "LocalityChainError",
    "LocalityConflictError",
    "LocalityInfo",
    "LocalityLevel",
    "Material",
    "MaterialForm",
    "OpeningHours",
    "PluginContractError",
    "PluginError",
    "PluginHost",
    "PluginInfo",
    "PluginLoadError",
    "Provenance",
    "Registry",
    "ResolvedLocality",
    "ScheduleUnavailableError",
    "ServiceItem",
    "ServiceMode",
    "SpecialService",
    "Staff",
    "StaffRole",
    "TimeRange",
    "TownKind",
    "UnknownLocalityError",
    "Weekday",
    "Window",
    "WindowKind",
    "WorkingCalendar",
    "Zone",
    "ZoneKind",
    "__version__",
    "configure_converter",
    "dump",
    "dumps",
    "hookimpl",
    "hookspec",
    "load",
    "load_catalog",
    "load_plugins",
    "load_registry",
    "loads",
    "make_converter",
    "structure",
    "unstructure",
    "working_calendar",
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
