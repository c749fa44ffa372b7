"""How a locality's service-item catalog is read: every layer's ``items.toml``, parent first.

This is the only code that reads items from the registry; it provides the ``catalog`` part
of a :class:`~govservice_std.registry.ResolvedLocality`. Each layer's ``items.toml`` is
applied parent first: its ``item_types`` extend the table, its ``code_rules`` refine the
code layouts, its ``items`` are added (a code an earlier layer defined is an error: localize
it instead) and its ``localize`` entries change inherited items.

>>> from govservice_std import load_registry
>>> resolved = load_registry(autoload=False).resolve("000000")
>>> resolved.catalog is resolved.catalog  # read once, then kept
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from govservice_std.errors import DataProblem, FieldValueError, InvalidDataError
from govservice_std.items.model import (
    ITEMS_FILE,
    NATIONAL_ITEM_TYPES,
    Catalog,
    CodeRules,
    ItemsDocument,
    ServiceItem,
)
from govservice_std.localities import Provenance
from govservice_std.registry import ResolvedLocality, source_name
from govservice_std.serialization import load

__all__ = ["PARTS", "resolve_catalog"]


def resolve_catalog(resolved: ResolvedLocality) -> Catalog:
    """Read the service-item catalog of a resolved locality's chain.

    Use :attr:`ResolvedLocality.catalog <govservice_std.registry.ResolvedLocality.catalog>`,
    which computes this once.

    Raises:
        InvalidDataError: If a file is invalid, an item's type is unknown, its codes do not
            fit the layout, it repeats an inherited code, a localization names an unknown
            item, a localized 承诺时限 exceeds the 法定时限, or an item names a form the
            chain does not have; the message names the file and the plugin.
    """
    return _CatalogBuilder(resolved).build()


class _CatalogBuilder:
    """Applies a chain's ``items.toml`` files, parent first."""

    def __init__(self, resolved: ResolvedLocality) -> None:
        self.resolved = resolved
        self.key = resolved.code
        self.items: dict[str, ServiceItem] = {}
        self.provenance: dict[str, Provenance] = {}
        self.localized: dict[str, list[Provenance]] = {}
        self.types = dict(NATIONAL_ITEM_TYPES)
        self.rules = CodeRules()
        # Where each item's form was named, to report a form the chain lacks at that spot.
        self.form_origin: dict[str, tuple[str, str]] = {}

    def build(self) -> Catalog:
        for info, file in self.resolved.layer_files(ITEMS_FILE):
            source = source_name(info, file)
            doc = load(file, ItemsDocument, source=source)
            prov = Provenance(info.code, info.plugin.name, ITEMS_FILE)
            self.types.update(doc.item_types)
            if doc.code_rules is not None:
                self.rules = self.rules.merged(doc.code_rules)
            problems = self.add(doc, prov, source)
            problems.extend(self.localize(doc, prov, source))
            problems.extend(
                DataProblem(f"items[{index}].parent", f"no item {item.parent!r}")
                for index, item in enumerate(doc.items)
                if item.parent is not None and item.parent not in self.items
            )
            if problems:
                raise InvalidDataError(problems, source=source)
        self.check_forms()
        return Catalog(
            self.key,
            self.items.values(),
            self.types,
            self.provenance,
            {c: tuple(p) for c, p in self.localized.items()},
        )

    def add(self, doc: ItemsDocument, prov: Provenance, source: str) -> list[DataProblem]:
        problems: list[DataProblem] = []
        for index, item in enumerate(doc.items):
            where = f"items[{index}]"
            if item.code in self.items:
                problems.append(
                    DataProblem(
                        f"{where}.code",
                        f"item {item.code!r} is already defined by layer "
                        f"{self.provenance[item.code].layer}: use [[localize]] to change it",
                    )
                )
            if item.type not in self.types:
                known = ", ".join(self.types)
                problems.append(
                    DataProblem(
                        f"{where}.type", f"unknown item type {item.type!r} (known: {known})"
                    )
                )
            problems.extend(DataProblem(f"{where}.{f}", m) for f, m in self.rules.check(item))
            self.items[item.code] = item
            self.provenance[item.code] = prov
            if item.form is not None:
                self.form_origin[item.code] = (source, f"{where}.form")
        return problems

    def localize(self, doc: ItemsDocument, prov: Provenance, source: str) -> list[DataProblem]:
        problems: list[DataProblem] = []
        for index, change in enumerate(doc.localize):
            where = f"localize[{index}]"
            base = self.items.get(change.code)
            if base is None:
                problems.append(DataProblem(f"{where}.code", f"no inherited item {change.code!r}"))
                continue
            try:
                self.items[change.code] = change.apply(base)
            except FieldValueError as exc:
                problems.append(DataProblem(f"{where}.{exc.field}", exc.message))
                continue
            self.localized.setdefault(change.code, []).append(prov)
            if change.form is not None:
                self.form_origin[change.code] = (source, f"{where}.form")
        return problems

    def check_forms(self) -> None:
        """Every item's form must be one of the locality's forms."""
        library = self.resolved.forms
        found: dict[str, list[DataProblem]] = {}
        for code, item in self.items.items():
            if item.form is not None and item.form not in library:
                source, path = self.form_origin[code]
                found.setdefault(source, []).append(
                    DataProblem(
                        path, f"no form {item.form!r} in the chain of {self.key} (item {code!r})"
                    )
                )
        if found:
            source, problems = next(iter(found.items()))
            raise InvalidDataError(problems, source=source)


PARTS: Mapping[str, Callable[[ResolvedLocality], object]] = {"catalog": resolve_catalog}
"""The part of a resolved locality this module provides."""
