"""The locality registry: installed localities, their chains, and resolution with provenance.

:func:`load_registry` loads the plugins and indexes the localities they declare. Resolving a
locality walks its chain from the national baseline down — 全国 → 广东省 → 惠州市 → 龙门县 —
and applies each layer's contributions parent first; the result is a
:class:`ResolvedLocality`, cached, that records which layer (and which plugin and file) set
each value.

>>> registry = load_registry(autoload=False)
>>> [info.locality.name for info in registry.localities()]
['全国']
>>> registry.resolve("000000").chain_codes
('000000',)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from importlib.resources.abc import Traversable
from typing import Any, TypeVar

import attrs

from govservice_std._fields import unique
from govservice_std.divisions import NATIONAL, DivisionCode
from govservice_std.errors import (
    DataProblem,
    InvalidDataError,
    LocalityChainError,
    LocalityConflictError,
    UnknownLocalityError,
)
from govservice_std.halls import Hall, HallTier
from govservice_std.localities import Locality
from govservice_std.plugins import PluginHost, PluginInfo, load_plugins
from govservice_std.serialization import load

__all__ = [
    "HALLS_FILE",
    "HallsDocument",
    "LocalityInfo",
    "Provenance",
    "Registry",
    "ResolvedLocality",
    "load_registry",
    "source_name",
]

T = TypeVar("T")

HALLS_FILE = "halls.toml"
"""Name of a layer's hall data file inside its data folder."""


@attrs.frozen
class HallsDocument:
    """The contents of a layer's ``halls.toml``.

    Args:
        halls: The layer's halls.
        sources: Where the file's facts come from.
        notes: Free text, for instance which values are illustrative.
    """

    halls: tuple[Hall, ...] = ()
    sources: tuple[str, ...] = ()
    notes: str = ""

    def __attrs_post_init__(self) -> None:
        # Within one file a repeated code is a mistake; replacing an ancestor's hall is
        # what a later layer does on purpose.
        unique(self.halls, lambda h: h.code, "halls", "hall code")


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


@attrs.frozen
class LocalityInfo:
    """A declared locality and the plugin that declared it."""

    locality: Locality
    plugin: PluginInfo

    @property
    def code(self) -> DivisionCode:
        """The locality's code."""
        return self.locality.code


@attrs.frozen(eq=False)
class ResolvedLocality:
    """A locality with its whole chain applied.

    Attributes:
        locality: The locality itself.
        chain: Its layers, national baseline first, the locality last.
        halls: The halls of the chain that lie within the locality, in layer order.
        provenance: For each hall code, which layer set the hall.
        overridden: For each hall code replaced by a later layer, the provenance it replaced.
    """

    locality: Locality
    chain: tuple[LocalityInfo, ...]
    halls: tuple[Hall, ...]
    provenance: Mapping[str, Provenance]
    overridden: Mapping[str, tuple[Provenance, ...]]

    @property
    def code(self) -> DivisionCode:
        """The locality's code."""
        return self.locality.code

    @property
    def chain_codes(self) -> tuple[str, ...]:
        """The codes of the chain as strings, national first."""
        return tuple(str(info.code) for info in self.chain)

    def hall(self, code: str) -> Hall:
        """The hall with this code.

        Raises:
            KeyError: If the locality has no such hall.
        """
        for hall in self.halls:
            if hall.code == code:
                return hall
        raise KeyError(code)

    def halls_of(self, tier: HallTier | str) -> tuple[Hall, ...]:
        """The halls of one tier."""
        wanted = HallTier(tier)
        return tuple(h for h in self.halls if h.tier is wanted)


def source_name(info: LocalityInfo, file: Traversable) -> str:
    """How error messages name a layer's data file: its path and the plugin that ships it."""
    return f"{file} (plugin {info.plugin.label})"


class Registry:
    """The installed localities and their resolution.

    Build one with :func:`load_registry` (or from a :class:`~govservice_std.plugins.PluginHost`).
    Resolution results are cached per registry; a registry is safe to share between threads.

    Raises:
        LocalityConflictError: If two plugins declare the same locality code.
        LocalityChainError: If a declared locality's parent is not installed.
    """

    def __init__(self, host: PluginHost) -> None:
        self._host = host
        self._lock = threading.RLock()
        self._cache: dict[DivisionCode, ResolvedLocality] = {}
        self._memo: dict[Hashable, Any] = {}
        self._index: dict[DivisionCode, LocalityInfo] = {}
        for plugin, locality in host.localities():
            existing = self._index.get(locality.code)
            if existing is not None:
                raise LocalityConflictError(
                    f"declares locality {locality.label}, already declared by plugin "
                    f"{existing.plugin.label}",
                    plugin=plugin.name,
                    distribution=plugin.distribution,
                    version=plugin.version,
                    hook="govservice_localities",
                    other=existing.plugin.name,
                )
            self._index[locality.code] = LocalityInfo(locality, plugin)
        for info in self._index.values():
            parent = info.locality.parent
            if parent is not None and parent not in self._index:
                raise LocalityChainError(
                    f"locality {info.locality.label} from plugin {info.plugin.label} "
                    f"(hook govservice_localities) names parent {parent}, which no installed "
                    "plugin declares"
                )

    @property
    def host(self) -> PluginHost:
        """The plugin host this registry reads from."""
        return self._host

    def localities(self) -> tuple[LocalityInfo, ...]:
        """Every installed locality, sorted by code."""
        return tuple(sorted(self._index.values(), key=lambda i: i.code))

    def __contains__(self, code: object) -> bool:
        try:
            return self._key(code) in self._index
        except (TypeError, ValueError):
            return False

    @staticmethod
    def _key(code: object) -> DivisionCode:
        if isinstance(code, DivisionCode):
            return code
        if isinstance(code, str):
            return DivisionCode(code)
        raise TypeError(f"a locality code is a string of six digits, not {type(code).__name__}")

    def info(self, code: DivisionCode | str) -> LocalityInfo:
        """The declared locality with this code.

        Raises:
            UnknownLocalityError: If no installed plugin declares it (or the code is malformed).
        """
        try:
            key = self._key(code)
        except ValueError:
            raise UnknownLocalityError(str(code), [str(c) for c in self._index]) from None
        try:
            return self._index[key]
        except KeyError:
            raise UnknownLocalityError(str(code), [str(c) for c in sorted(self._index)]) from None

    def chain(self, code: DivisionCode | str) -> tuple[LocalityInfo, ...]:
        """The layers from the national baseline down to ``code``.

        Raises:
            UnknownLocalityError: If the locality is not installed.
            LocalityChainError: If the chain does not reach the national baseline.
        """
        layers: list[LocalityInfo] = []
        current: LocalityInfo | None = self.info(code)
        seen: set[DivisionCode] = set()
        while current is not None:
            if current.code in seen:
                raise LocalityChainError(f"the chain of {code} loops at {current.code}")
            seen.add(current.code)
            layers.append(current)
            parent = current.locality.parent
            current = self._index[parent] if parent is not None else None
        if layers[-1].code != NATIONAL:
            raise LocalityChainError(f"the chain of {code} does not reach the national baseline")
        return tuple(reversed(layers))

    def children(self, code: DivisionCode | str) -> tuple[LocalityInfo, ...]:
        """The installed localities whose parent is ``code``."""
        key = self.info(code).code
        return tuple(i for i in self.localities() if i.locality.parent == key)

    def descendants(self, code: DivisionCode | str) -> tuple[LocalityInfo, ...]:
        """Every installed locality below ``code``, depth first, sorted by code."""
        out: list[LocalityInfo] = []
        for child in self.children(code):
            out.append(child)
            out.extend(self.descendants(child.code))
        return tuple(out)

    def layer_files(
        self, code: DivisionCode | str, filename: str
    ) -> tuple[tuple[LocalityInfo, Traversable], ...]:
        """The data file ``filename`` of every layer in the chain of ``code`` that has one.

        Parent first, as overlays are applied. Domain modules use this to read their own
        per-layer files (``halls.toml``, and the files of items, criteria and queues).
        """
        found: list[tuple[LocalityInfo, Traversable]] = []
        for info in self.chain(code):
            data = info.locality.data
            if data is None:
                continue
            file = data / filename
            if file.is_file():
                found.append((info, file))
        return tuple(found)

    def memo(self, key: Hashable, factory: Callable[[], T]) -> T:
        """Compute a derived result once per registry and cache it (thread-safe).

        Domain modules cache what they resolve from a chain here, keyed by something like
        ``("catalog", code)``, so that each chain is read and checked once.
        """
        with self._lock:
            if key in self._memo:
                return self._memo[key]  # type: ignore[no-any-return]
            value = factory()
            self._memo[key] = value
            return value

    def resolve(self, code: DivisionCode | str) -> ResolvedLocality:
        """Resolve a locality through its chain (cached).

        Raises:
            UnknownLocalityError: If the locality is not installed.
            InvalidDataError: If a layer's data file is invalid; the message names the file
                and the plugin.
            PluginError: If a plugin's hook fails or breaks its contract.
        """
        key = self.info(code).code
        with self._lock:
            cached = self._cache.get(key)
            if cached is None:
                cached = self._resolve(key)
                self._cache[key] = cached
            return cached

    def halls(
        self,
        code: DivisionCode | str,
        *,
        tier: HallTier | str | None = None,
        descendants: bool = True,
    ) -> tuple[Hall, ...]:
        """The halls of a locality and, by default, of its installed descendants.

        ``halls("441300")`` lists the halls the city's chain declares plus those of every
        installed county under it, each resolved through its own chain.

        Args:
            code: The locality.
            tier: Only halls of this tier.
            descendants: Whether to include the halls of installed descendant localities.
        """
        return tuple(
            hall for hall, _ in self.hall_entries(code, tier=tier, descendants=descendants)
        )

    def hall_entries(
        self,
        code: DivisionCode | str,
        *,
        tier: HallTier | str | None = None,
        descendants: bool = True,
    ) -> tuple[tuple[Hall, Provenance], ...]:
        """Like :meth:`halls`, with the provenance of each hall."""
        wanted = HallTier(tier) if tier is not None else None
        infos = [self.info(code)]
        if descendants:
            infos.extend(self.descendants(code))
        seen: dict[str, tuple[Hall, Provenance]] = {}
        for info in infos:
            resolved = self.resolve(info.code)
            for hall in resolved.halls:
                seen.setdefault(hall.code, (hall, resolved.provenance[hall.code]))
        return tuple(entry for entry in seen.values() if wanted is None or entry[0].tier is wanted)

    def _layer_halls(self, info: LocalityInfo) -> list[tuple[Hall, Provenance, str]]:
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
        out.extend(
            (hall, prov, hook_source) for hall in self._host.halls(info.plugin.name, info.locality)
        )
        return out

    def _resolve(self, key: DivisionCode) -> ResolvedLocality:
        chain = self.chain(key)
        target = chain[-1].locality
        halls: dict[str, Hall] = {}
        provenance: dict[str, Provenance] = {}
        origin: dict[str, str] = {}
        overridden: dict[str, list[Provenance]] = {}
        for info in chain:
            for index, (hall, prov, source) in enumerate(self._layer_halls(info)):
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
        return ResolvedLocality(
            locality=target,
            chain=chain,
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


def load_registry(
    *,
    autoload: bool | None = None,
    blocked: Iterable[str] = (),
    plugins: Iterable[object] = (),
    **kwargs: Any,
) -> Registry:
    """Load the plugins and build a :class:`Registry`.

    Takes the same arguments as :func:`~govservice_std.plugins.load_plugins`.

    Raises:
        PluginError: If a plugin fails to load or misbehaves; the message names it.
        LocalityChainError: If a declared locality's parent is not installed.
    """
    return Registry(load_plugins(autoload=autoload, blocked=blocked, plugins=plugins, **kwargs))
