"""Service items (政务服务事项): the item model and a locality's catalog of them.

The model (:mod:`govservice_std.items.model`) is plain values; the layer reading
(:mod:`govservice_std.items.layers`) is the one place that reads ``items.toml`` files.
"""

from govservice_std.items.model import (
    ITEMS_FILE,
    NATIONAL_ITEM_TYPES,
    AdministrativeLevel,
    AnywhereScope,
    Catalog,
    CatalogMetrics,
    Channel,
    Checklist,
    CodeRules,
    Delivery,
    ExerciseLevels,
    Fee,
    HandlingKind,
    IntermediaryService,
    ItemLevel,
    ItemLocalization,
    ItemsDocument,
    Material,
    MaterialForm,
    MaterialSource,
    QuantityLimit,
    ServiceItem,
    ServiceObject,
    SpecialProcedure,
)

__all__ = [
    "ITEMS_FILE",
    "NATIONAL_ITEM_TYPES",
    "AdministrativeLevel",
    "AnywhereScope",
    "Catalog",
    "CatalogMetrics",
    "Channel",
    "Checklist",
    "CodeRules",
    "Delivery",
    "ExerciseLevels",
    "Fee",
    "HandlingKind",
    "IntermediaryService",
    "ItemLevel",
    "ItemLocalization",
    "ItemsDocument",
    "Material",
    "MaterialForm",
    "MaterialSource",
    "QuantityLimit",
    "ServiceItem",
    "ServiceObject",
    "SpecialProcedure",
]
