"""Service halls of the three tiers: the hall model and how a locality's halls are read.

The model (:mod:`govservice_std.halls.model`) is plain values; the layer reading
(:mod:`govservice_std.halls.layers`) is the one place that reads halls from the registry.
"""

from govservice_std.halls.model import (
    HALLS_FILE,
    Contact,
    DayHours,
    Hall,
    HallsDocument,
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

__all__ = [
    "HALLS_FILE",
    "Contact",
    "DayHours",
    "Hall",
    "HallTier",
    "HallsDocument",
    "OpeningHours",
    "ServiceMode",
    "SpecialService",
    "Staff",
    "StaffRole",
    "TimeRange",
    "Weekday",
    "Window",
    "WindowKind",
    "Zone",
    "ZoneKind",
]
