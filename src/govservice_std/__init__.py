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
    from govservice_std.divisions import NATIONAL, DivisionCode, DivisionLevel, TownKind
    from govservice_std.errors import (
        DataProblem,
        FieldValueError,
        GovServiceError,
        IllegalCommandError,
        InvalidDataError,
        LocalityChainError,
        LocalityConflictError,
        NoTicketWaitingError,
        PluginContractError,
        PluginError,
        PluginLoadError,
        QueueError,
        QueueStoreError,
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
    from govservice_std.queues.engine import (
        FixedClock,
        QueueEngine,
    )
    from govservice_std.queues.hooks import (
        HookFailure,
        PluginNotifier,
    )
    from govservice_std.queues.kpis import (
        Distribution,
        KpiFigures,
        QueueKpis,
        kpis_from_events,
    )
    from govservice_std.queues.policy import (
        AntiStarvationRule,
        BusinessLine,
        LateAppointment,
        Outcome,
        PriorityGroup,
        QueueParams,
        QueuePolicy,
        QueuePolicyLayer,
        queue_policy,
    )
    from govservice_std.queues.state import (
        QueueState,
        Ticket,
        TicketStatus,
        WindowState,
    )
    from govservice_std.queues.stores.base import (
        EventStore,
    )
    from govservice_std.queues.stores.memory import (
        MemoryStore,
    )
    from govservice_std.queues.stores.sqlite import (
        SQLiteStore,
    )
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
    "IllegalCommandError": "errors",
    "NoTicketWaitingError": "errors",
    "QueueError": "errors",
    "QueueStoreError": "errors",
    "FixedClock": "queues.engine",
    "QueueEngine": "queues.engine",
    "HookFailure": "queues.hooks",
    "PluginNotifier": "queues.hooks",
    "Distribution": "queues.kpis",
    "KpiFigures": "queues.kpis",
    "QueueKpis": "queues.kpis",
    "kpis_from_events": "queues.kpis",
    "AntiStarvationRule": "queues.policy",
    "BusinessLine": "queues.policy",
    "LateAppointment": "queues.policy",
    "Outcome": "queues.policy",
    "PriorityGroup": "queues.policy",
    "QueueParams": "queues.policy",
    "QueuePolicy": "queues.policy",
    "QueuePolicyLayer": "queues.policy",
    "queue_policy": "queues.policy",
    "QueueState": "queues.state",
    "Ticket": "queues.state",
    "TicketStatus": "queues.state",
    "WindowState": "queues.state",
    "EventStore": "queues.stores.base",
    "MemoryStore": "queues.stores.memory",
    "SQLiteStore": "queues.stores.sqlite",
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
    "NATIONAL",
    "AntiStarvationRule",
    "BusinessLine",
    "Contact",
    "DataProblem",
    "DayHours",
    "Distribution",
    "DivisionCode",
    "DivisionLevel",
    "EventStore",
    "FieldValueError",
    "FixedClock",
    "GovServiceError",
    "Hall",
    "HallTier",
    "HallsDocument",
    "HookFailure",
    "IllegalCommandError",
    "InvalidDataError",
    "KpiFigures",
    "LateAppointment",
    "Locality",
    "LocalityChainError",
    "LocalityConflictError",
    "LocalityInfo",
    "LocalityLevel",
    "MemoryStore",
    "NoTicketWaitingError",
    "OpeningHours",
    "Outcome",
    "PluginContractError",
    "PluginError",
    "PluginHost",
    "PluginInfo",
    "PluginLoadError",
    "PluginNotifier",
    "PriorityGroup",
    "Provenance",
    "QueueEngine",
    "QueueError",
    "QueueKpis",
    "QueueParams",
    "QueuePolicy",
    "QueuePolicyLayer",
    "QueueState",
    "QueueStoreError",
    "Registry",
    "ResolvedLocality",
    "SQLiteStore",
    "ServiceMode",
    "SpecialService",
    "Staff",
    "StaffRole",
    "Ticket",
    "TicketStatus",
    "TimeRange",
    "TownKind",
    "UnknownLocalityError",
    "Weekday",
    "Window",
    "WindowKind",
    "WindowState",
    "Zone",
    "ZoneKind",
    "__version__",
    "configure_converter",
    "dump",
    "dumps",
    "hookimpl",
    "hookspec",
    "kpis_from_events",
    "load",
    "load_plugins",
    "load_registry",
    "loads",
    "make_converter",
    "queue_policy",
    "structure",
    "unstructure",
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
