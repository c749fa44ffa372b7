"""Finding, loading and calling locality plugins.

:func:`load_plugins` builds a pluggy plugin manager in a fixed order — add the hook
specifications, register the built-in national baseline, load the installed entry points,
check every implementation against its specification — and wraps it in a typed
:class:`PluginHost`. Nothing here runs at import time.

Unlike pluggy's own ``load_setuptools_entrypoints``, the loop here names the plugin, its
distribution and version in every error: a plugin that fails to import, implements an
unknown hook, returns the wrong type or raises inside a hook gets a
:class:`~govservice_std.errors.PluginError` that says who it is.

Autoloading can be switched off with the environment variable
``GOVSERVICE_STD_DISABLE_PLUGIN_AUTOLOAD`` (any non-empty value) or ``autoload=False``; single
plugins can be blocked by entry-point name with ``blocked=`` or the comma-separated
``GOVSERVICE_STD_BLOCKED_PLUGINS``.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable, Sequence
from importlib.metadata import EntryPoint, entry_points
from typing import Any, TypeVar

import attrs
import pluggy

from govservice_std import hookspecs, national
from govservice_std._markers import ENTRY_POINT_GROUP, PROJECT
from govservice_std._version import __version__
from govservice_std.errors import PluginContractError, PluginError, PluginLoadError
from govservice_std.localities import Locality

__all__ = [
    "AUTOLOAD_ENV",
    "BLOCKED_ENV",
    "BUILTIN_DISTRIBUTION",
    "PluginHost",
    "PluginInfo",
    "load_plugins",
]

AUTOLOAD_ENV = "GOVSERVICE_STD_DISABLE_PLUGIN_AUTOLOAD"
"""Set to a non-empty value to stop installed plugins from loading automatically."""

BLOCKED_ENV = "GOVSERVICE_STD_BLOCKED_PLUGINS"
"""Comma-separated entry-point names of plugins never to load."""

BUILTIN_DISTRIBUTION = "govservice-std"
"""The distribution named as the source of the built-in plugins."""

T = TypeVar("T")


@attrs.frozen
class PluginInfo:
    """Who a registered plugin is.

    Attributes:
        name: The name it is registered under (its entry-point name).
        distribution: The distribution that ships it, or ``None`` for a plugin registered
            directly by an application.
        version: That distribution's version.
        value: The entry point's target (``package.module``), or the object's name.
        builtin: Whether it ships with govservice_std itself.
    """

    name: str
    distribution: str | None = None
    version: str | None = None
    value: str = ""
    builtin: bool = False

    @property
    def label(self) -> str:
        """``name (distribution version)`` for display."""
        if self.distribution:
            return f"{self.name} ({self.distribution} {self.version or '?'})"
        return self.name

    def error(self, kind: type[PluginError], detail: str, hook: str | None = None) -> PluginError:
        """Build a plugin error of ``kind`` that names this plugin."""
        return kind(
            detail,
            plugin=self.name,
            distribution=self.distribution,
            version=self.version,
            hook=hook,
        )


def _builtin_plugins() -> list[tuple[PluginInfo, object]]:

    return [
        (
            PluginInfo(
                name="national",
                distribution=BUILTIN_DISTRIBUTION,
                version=__version__,
                value=national.__name__,
                builtin=True,
            ),
            national,
        )
    ]


def _env_blocked() -> set[str]:
    raw = os.environ.get(BLOCKED_ENV, "")
    return {name.strip() for name in raw.split(",") if name.strip()}


def _describe(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class PluginHost:
    """A typed facade over the plugin manager.

    Build one with :func:`load_plugins`. The hook-calling methods call each implementation
    on its own, so every result is attributed to its plugin and checked against the hook's
    contract; errors name the plugin.
    """

    def __init__(self, manager: pluggy.PluginManager, infos: Sequence[PluginInfo]) -> None:
        self._pm = manager
        self._infos = {info.name: info for info in infos}

    @property
    def manager(self) -> pluggy.PluginManager:
        """The underlying pluggy manager, for advanced use."""
        return self._pm

    @property
    def plugins(self) -> tuple[PluginInfo, ...]:
        """Every registered plugin, built-ins first, then by name."""
        return tuple(sorted(self._infos.values(), key=lambda i: (not i.builtin, i.name)))

    def info(self, name: str) -> PluginInfo:
        """The registered plugin of this name.

        Raises:
            KeyError: If no plugin has this name.
        """
        return self._infos[name]

    def hooks_of(self, name: str) -> tuple[str, ...]:
        """The names of the hooks plugin ``name`` implements."""
        plugin = self._pm.get_plugin(name)
        callers = self._pm.get_hookcallers(plugin) or []
        return tuple(sorted(caller.name for caller in callers))

    def _impls(self, hook: str, only: str | None = None) -> list[pluggy.HookImpl]:
        caller: pluggy.HookCaller = getattr(self._pm.hook, hook)
        impls = caller.get_hookimpls()
        if only is not None:
            impls = [impl for impl in impls if impl.plugin_name == only]
        return impls

    def _call(self, impl: pluggy.HookImpl, hook: str, kwargs: dict[str, Any]) -> object:
        info = self._infos[impl.plugin_name]
        args = {name: kwargs[name] for name in impl.argnames}
        try:
            return impl.function(**args)
        except PluginError:
            raise
        # A plugin's SystemExit must not end the host's command with the plugin's code.
        except (Exception, SystemExit) as exc:
            raise info.error(PluginError, f"raised {type(exc).__name__}: {exc}", hook=hook) from exc

    def _checked_list(
        self, value: object, item_type: type[T], info: PluginInfo, hook: str, none_ok: bool
    ) -> list[T]:
        if value is None and none_ok:
            return []
        if not isinstance(value, list | tuple):
            raise info.error(
                PluginContractError,
                f"returned {_describe(value)}; expected a list of {item_type.__name__}",
                hook=hook,
            )
        for index, item in enumerate(value):
            if not isinstance(item, item_type):
                raise info.error(
                    PluginContractError,
                    f"item [{index}] is {_describe(item)}; expected {item_type.__name__}",
                    hook=hook,
                )
        return list(value)

    def localities(self) -> list[tuple[PluginInfo, Locality]]:
        """Call :func:`~govservice_std.hookspecs.govservice_localities` on every plugin.

        Returns:
            Each declared locality with the plugin that declared it.
        """
        hook = "govservice_localities"
        found: list[tuple[PluginInfo, Locality]] = []
        for impl in self._impls(hook):
            info = self._infos[impl.plugin_name]
            result = self._call(impl, hook, {})
            found.extend(
                (info, loc) for loc in self._checked_list(result, Locality, info, hook, False)
            )
        return found

    def deliver(self, hook: str, **kwargs: Any) -> list[tuple[PluginInfo, BaseException]]:
        """Call a notification hook on every plugin, isolating each from the others.

        A plugin that raises does not stop the others; its exception is returned with who
        it is. Return values are ignored.

        Args:
            hook: The hook's name.
            **kwargs: The hook's arguments; each implementation gets those it asks for.

        Returns:
            The plugins that raised, with their exceptions, in call order.
        """
        failed: list[tuple[PluginInfo, BaseException]] = []
        for impl in self._impls(hook):
            args = {name: kwargs[name] for name in impl.argnames}
            try:
                impl.function(**args)
            except (Exception, SystemExit) as exc:
                failed.append((self._infos[impl.plugin_name], exc))
        return failed

    def call_scoped(self, hook: str, plugin: str, item_type: type[T], **kwargs: Any) -> list[T]:
        """Call a list-returning hook on one plugin and check every item's type.

        This is how the library calls the scoped hooks (those that receive the locality
        being resolved): only the plugin that declared the locality is asked. ``None``
        counts as an empty list.

        Args:
            hook: The hook's name.
            plugin: The registered name of the plugin to call.
            item_type: The type every returned item must have.
            **kwargs: The hook's arguments; each implementation gets those it asks for.

        Raises:
            PluginContractError: If the result is not a list of ``item_type``.
            PluginError: If the implementation raises.
        """
        info = self._infos[plugin]
        out: list[T] = []
        for impl in self._impls(hook, only=plugin):
            out.extend(
                self._checked_list(self._call(impl, hook, kwargs), item_type, info, hook, True)
            )
        return out


def _register(
    pm: pluggy.PluginManager, plugin: object, info: PluginInfo, infos: list[PluginInfo]
) -> None:
    """Register one plugin — built-in or installed — and check its hooks."""
    if pm.is_blocked(info.name):
        return
    if pm.has_plugin(info.name):
        first = next(i for i in infos if i.name == info.name)
        raise info.error(
            PluginLoadError, f"the name {info.name!r} is already taken by {first.label}"
        )
    try:
        pm.register(plugin, name=info.name)
    except pluggy.PluginValidationError as exc:
        raise info.error(PluginLoadError, str(exc)) from exc
    except ValueError as exc:
        raise info.error(PluginLoadError, str(exc)) from exc
    infos.append(info)
    _check_unknown_hooks(pm, info)


def _check_unknown_hooks(pm: pluggy.PluginManager, info: PluginInfo) -> None:
    known = [name for name in dir(hookspecs) if name.startswith("govservice_")]
    plugin = pm.get_plugin(info.name)
    for caller in pm.get_hookcallers(plugin) or []:
        if caller.has_spec():
            continue
        impls = [i for i in caller.get_hookimpls() if i.plugin_name == info.name]
        if all(i.optionalhook for i in impls):
            continue
        close = difflib.get_close_matches(caller.name, known, n=1)
        if not close and not caller.name.startswith("govservice_"):
            close = difflib.get_close_matches(f"govservice_{caller.name}", known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        if not caller.name.startswith("govservice_"):
            hint = f" (hook names start with 'govservice_'){hint}"
        raise info.error(
            PluginLoadError, f"implements unknown hook {caller.name!r}{hint}", hook=caller.name
        )


def _load_entry_point(ep: EntryPoint) -> tuple[PluginInfo, object]:
    dist = ep.dist
    info = PluginInfo(
        name=ep.name,
        distribution=dist.name if dist is not None else None,
        version=dist.version if dist is not None else None,
        value=ep.value,
    )
    try:
        plugin = ep.load()
    except (Exception, SystemExit) as exc:
        raise info.error(
            PluginLoadError, f"cannot import {ep.value!r}: {type(exc).__name__}: {exc}"
        ) from exc
    return info, plugin


def _name_of(plugin: object) -> str:
    name = getattr(plugin, "__name__", None)
    return name if isinstance(name, str) else type(plugin).__name__


def load_plugins(
    *,
    autoload: bool | None = None,
    blocked: Iterable[str] = (),
    plugins: Iterable[object] = (),
    entry_points_factory: Callable[[], Iterable[EntryPoint]] | None = None,
) -> PluginHost:
    """Build the plugin manager and load the plugins.

    The order is fixed: hook specifications, the built-in national baseline, the installed
    entry points of group ``govservice_std.localities`` (sorted by name), then ``plugins``
    given here, and finally a check of every implementation against its specification.

    Args:
        autoload: Whether to load installed entry points. ``None`` (the default) loads them
            unless ``GOVSERVICE_STD_DISABLE_PLUGIN_AUTOLOAD`` is set to a non-empty value.
        blocked: Plugin names never to register (also read from
            ``GOVSERVICE_STD_BLOCKED_PLUGINS``).
        plugins: Extra plugin objects (modules, classes or instances) to register, named by
            their ``__name__``; for applications and tests.
        entry_points_factory: Where to find entry points (default: the installed
            distributions' ``govservice_std.localities`` group); for tests.

    Returns:
        A :class:`PluginHost` over the loaded manager.

    Raises:
        PluginLoadError: If a plugin cannot be imported or registered, implements an unknown
            hook, or reuses another plugin's name.
    """
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in {*blocked, *_env_blocked()}:
        pm.set_blocked(name)
    infos: list[PluginInfo] = []
    for info, plugin in _builtin_plugins():
        _register(pm, plugin, info, infos)
    if autoload is None:
        autoload = not os.environ.get(AUTOLOAD_ENV)
    if autoload:
        found = (
            entry_points_factory()
            if entry_points_factory is not None
            else entry_points(group=ENTRY_POINT_GROUP)
        )
        for ep in sorted(found, key=lambda e: e.name):
            if pm.is_blocked(ep.name):
                continue
            info, plugin = _load_entry_point(ep)
            _register(pm, plugin, info, infos)
    for plugin in plugins:
        info = PluginInfo(name=_name_of(plugin), value=_name_of(plugin))
        _register(pm, plugin, info, infos)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:  # every case is caught at registration
        name = pm.get_name(exc.plugin) or _name_of(exc.plugin)
        info = next((i for i in infos if i.name == name), PluginInfo(name=name, value=name))
        raise info.error(PluginLoadError, str(exc)) from exc
    return PluginHost(pm, infos)
