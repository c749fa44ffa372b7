"""The locality registry: installed localities, their chains, and the resolved locality.

:func:`load_registry` loads the plugins and indexes the localities they declare. Resolving a
locality walks its chain from the national baseline down — 全国 → 广东省 → 惠州市 → 龙门县 —
and gives a :class:`ResolvedLocality`, cached: the one object from which the rest of the
library takes a locality's halls, catalog, forms, calendar, standard, scoring model, queue
policy, review policy and staffing profile. Each of these is computed once, on first use,
by the domain that owns it, and records which layer (and which plugin and file) set each
value (:class:`~govservice_std.localities.Provenance`).

>>> registry = load_registry(autoload=False)
>>> [info.locality.name for info in registry.localities()]
['全国']
>>> resolved = registry.resolve("000000")
>>> resolved.chain_codes
('000000',)
>>> resolved.queue_policy is resolved.queue_policy
True

How the parts are computed, and why this module imports none of the domains: the registry
sits below the domain packages (which read it), so it cannot import them. Each domain
instead has a ``layers`` module (``govservice_std.items.layers`` and so on), the only code
that reads the registry for that domain, with a ``PARTS`` table mapping part names to
functions of a :class:`ResolvedLocality`. ``PART_PROVIDERS`` names, for each part, the
module whose table provides it; the module is imported on the first use of one of its parts,
as an entry point would be. The domain types appear below in annotations only.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs

from govservice_std.divisions import NATIONAL, DivisionCode
from govservice_std.errors import (
    LocalityChainError,
    LocalityConflictError,
    UnknownLocalityError,
)
from govservice_std.localities import Locality, Provenance
from govservice_std.plugins import PluginHost, PluginInfo, load_plugins

if TYPE_CHECKING:
    # Annotations only: the domains sit above the registry and provide these values.
    from govservice_std.calendar.model import WorkingCalendar
    from govservice_std.evaluation.reviews import ReviewPolicy
    from govservice_std.evaluation.scoring import ScoringModel
    from govservice_std.evaluation.standard import Standard
    from govservice_std.forms.library import FormLibrary
    from govservice_std.halls.model import Hall, HallTier
    from govservice_std.items.model import Catalog
    from govservice_std.queues.policy import QueuePolicy
    from govservice_std.staffing.profile import DayProfile

__all__ = [
    "PART_PROVIDERS",
    "LocalityInfo",
    "Registry",
    "ResolvedLocality",
    "load_registry",
    "source_name",
]

T = TypeVar("T")

PART_PROVIDERS: Mapping[str, str] = {
    "halls": "govservice_std.halls.layers",
    "catalog": "govservice_std.items.layers",
    "forms": "govservice_std.forms.layers",
    "calendar": "govservice_std.calendar.layers",
    "standard": "govservice_std.evaluation.layers",
    "scoring_models": "govservice_std.evaluation.layers",
    "scoring_model": "govservice_std.evaluation.layers",
    "review_policy": "govservice_std.evaluation.layers",
    "queue_policy": "govservice_std.queues.layers",
    "staffing_profile": "govservice_std.staffing.layers",
}
"""For each part of a :class:`ResolvedLocality`, the domain ``layers`` module that computes it.

Each of these modules has a ``PARTS`` mapping from part name to a function that takes the
resolved locality and returns the part.
"""


@attrs.frozen
class LocalityInfo:
    """A declared locality and the plugin that declared it."""

    locality: Locality
    plugin: PluginInfo

    @property
    def code(self) -> DivisionCode:
        """The locality's code."""
        return self.locality.code


class ResolvedLocality:
    """A locality with its whole chain applied: the one resolved chain the library uses.

    Get one from :meth:`Registry.resolve` (cached per registry). Every part — halls,
    catalog, forms, calendar, standard, scoring model, queue policy, review policy,
    staffing profile — is computed once, on first use, by the domain that owns it
    (see ``PART_PROVIDERS``), and kept; computing is thread-safe. Each part records
    the layer that set each of its values.

    Attributes:
        locality: The locality itself.
        chain: Its layers, national baseline first, the locality last.
        registry: The registry it was resolved from (for the localities below it).
    """

    __slots__ = ("_lock", "_parts", "chain", "locality", "registry")

    def __init__(self, registry: Registry, chain: tuple[LocalityInfo, ...]) -> None:
        self.registry = registry
        self.chain = chain
        self.locality: Locality = chain[-1].locality
        self._lock = threading.RLock()
        self._parts: dict[str, object] = {}

    def __repr__(self) -> str:
        return f"ResolvedLocality({self.locality.label})"

    @property
    def code(self) -> DivisionCode:
        """The locality's code."""
        return self.locality.code

    @property
    def chain_codes(self) -> tuple[str, ...]:
        """The codes of the chain as strings, national first."""
        return tuple(str(info.code) for info in self.chain)

    @property
    def host(self) -> PluginHost:
        """The plugin host of the registry (for the scoped hooks of the chain's plugins)."""
        return self.registry.host

    def layer_files(self, filename: str) -> tuple[tuple[LocalityInfo, Traversable], ...]:
        """The data file ``filename`` of every layer of the chain that has one, parent first."""
        found: list[tuple[LocalityInfo, Traversable]] = []
        for info in self.chain:
            data = info.locality.data
            if data is None:
                continue
            file = data / filename
            if file.is_file():
                found.append((info, file))
        return tuple(found)

    def part(self, name: str) -> object:
        """The part ``name`` (one of ``PART_PROVIDERS``), computed on first use.

        Raises:
            KeyError: If no domain provides a part of that name.
        """
        try:
            return self._parts[name]
        except KeyError:
            pass
        with self._lock:
            if name not in self._parts:
                try:
                    module = PART_PROVIDERS[name]
                except KeyError:
                    raise KeyError(f"no part {name!r} of a resolved locality") from None
                provider: Callable[[ResolvedLocality], object] = importlib.import_module(
                    module
                ).PARTS[name]
                self._parts[name] = provider(self)
            return self._parts[name]

    # -- halls (read when the locality is resolved, so broken hall data fails early) --

    @property
    def halls(self) -> tuple[Hall, ...]:
        """The halls of the chain that lie within the locality, in layer order."""
        halls: tuple[Hall, ...] = self._halls().halls
        return halls

    @property
    def provenance(self) -> Mapping[str, Provenance]:
        """For each hall code, which layer set the hall."""
        provenance: Mapping[str, Provenance] = self._halls().provenance
        return provenance

    @property
    def overridden(self) -> Mapping[str, tuple[Provenance, ...]]:
        """For each hall code replaced by a later layer, the provenance it replaced."""
        overridden: Mapping[str, tuple[Provenance, ...]] = self._halls().overridden
        return overridden

    def _halls(self) -> Any:
        return self.part("halls")

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
        wanted = getattr(tier, "value", tier)
        return tuple(h for h in self.halls if h.tier.value == wanted)

    # -- the other parts, each from its domain's layers module --

    @property
    def catalog(self) -> Catalog:
        """The service-item catalog (every layer's ``items.toml``)."""
        return cast("Catalog", self.part("catalog"))

    @property
    def forms(self) -> FormLibrary:
        """The compiled forms (every layer's ``forms/*.toml`` and form checks)."""
        return cast("FormLibrary", self.part("forms"))

    @property
    def calendar(self) -> WorkingCalendar:
        """The working calendar: the official schedule plus the chain's ``calendar.toml``."""
        return cast("WorkingCalendar", self.part("calendar"))

    @property
    def standard(self) -> Standard:
        """The effective evaluation standard (every layer's ``criteria.toml``)."""
        return cast("Standard", self.part("standard"))

    @property
    def scoring_models(self) -> Mapping[str, ScoringModel]:
        """The scoring models the chain knows: the built-in ones and the plugins' ones."""
        return cast("Mapping[str, ScoringModel]", self.part("scoring_models"))

    @property
    def scoring_model(self) -> ScoringModel:
        """The scoring model the standard chooses."""
        return cast("ScoringModel", self.part("scoring_model"))

    @property
    def queue_policy(self) -> QueuePolicy:
        """The queue policy (every layer's ``queue.toml``)."""
        return cast("QueuePolicy", self.part("queue_policy"))

    @property
    def review_policy(self) -> ReviewPolicy:
        """The 好差评 follow-up policy set by the standard's ``reviews.*`` parameters."""
        return cast("ReviewPolicy", self.part("review_policy"))

    @property
    def staffing_profile(self) -> DayProfile | None:
        """The day profile of the nearest layer with a ``staffing.toml``, if any."""
        return cast("DayProfile | None", self.part("staffing_profile"))


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

        Parent first, as overlays are applied (the same as
        :meth:`ResolvedLocality.layer_files`, for a locality not resolved yet).
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

        For results derived from several localities (a resolved locality keeps its own
        parts), keyed by something like ``("report", code)``.
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
                cached = ResolvedLocality(self, self.chain(key))
                # The halls are read at once, so that broken hall data fails here.
                cached.part("halls")
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
        wanted = getattr(tier, "value", tier)
        infos = [self.info(code)]
        if descendants:
            infos.extend(self.descendants(code))
        seen: dict[str, tuple[Hall, Provenance]] = {}
        for info in infos:
            resolved = self.resolve(info.code)
            for hall in resolved.halls:
                seen.setdefault(hall.code, (hall, resolved.provenance[hall.code]))
        return tuple(
            entry for entry in seen.values() if wanted is None or entry[0].tier.value == wanted
        )


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
