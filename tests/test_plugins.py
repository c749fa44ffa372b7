"""The plugin system: discovery, the hook contracts, and errors that name the plugin."""

from __future__ import annotations

import sys
from importlib.metadata import EntryPoint, distributions
from pathlib import Path

import pytest

import govservice_std as gs
from govservice_std.errors import (
    LocalityChainError,
    LocalityConflictError,
    PluginContractError,
    PluginLoadError,
)
from govservice_std.plugins import AUTOLOAD_ENV, BLOCKED_ENV

from .plugins import fakes
from .plugins.distributions import GROUP, write_distribution


def _entry_points(root: Path) -> list[EntryPoint]:
    return [
        ep
        for dist in distributions(path=[str(root)])
        for ep in dist.entry_points
        if ep.group == GROUP
    ]


def _registry_with(*plugins: object) -> gs.Registry:
    return gs.load_registry(autoload=False, plugins=plugins)


# [docs-test-localities-start]
def test_hook_govservice_localities() -> None:
    registry = _registry_with(fakes.County())
    assert [str(i.code) for i in registry.localities()] == ["000000", "440000", "441300", "441324"]
    info = registry.info("441324")
    assert info.locality.name == "龙门县"
    assert info.plugin.name == "fake_county"
    assert registry.chain("441324")[0].plugin.builtin
    # [docs-test-localities-end]


# [docs-test-halls-start]
def test_hook_govservice_halls() -> None:
    # Scoped: only the plugin that declared a layer is asked for that layer's halls.
    registry = _registry_with(fakes.County())
    resolved = registry.resolve("441324")
    assert [h.code for h in resolved.halls] == ["c"]
    prov = resolved.provenance["c"]
    assert (str(prov.layer), prov.plugin, prov.source) == (
        "441324",
        "fake_county",
        "hook govservice_halls",
    )
    assert registry.resolve("441300").halls == ()
    # [docs-test-halls-end]


def test_wrong_return_type_names_plugin_and_hook() -> None:
    with pytest.raises(PluginContractError) as info:
        _registry_with(fakes.WrongType())
    err = info.value
    assert (err.plugin, err.hook) == ("wrong_type", "govservice_localities")
    assert "expected a list of Locality" in str(err)
    assert str(err).startswith("plugin 'wrong_type' in hook govservice_localities:")


def test_wrong_item_type_names_the_item() -> None:
    with pytest.raises(PluginContractError, match=r"item \[0\] is \{'code': '441324'\}"):
        _registry_with(fakes.WrongItem())


def test_exception_inside_a_hook_is_wrapped_with_the_plugin_name() -> None:
    with pytest.raises(gs.PluginError) as info:
        _registry_with(fakes.Raising())
    assert info.value.plugin == "raising"
    assert "raised RuntimeError: database unavailable" in str(info.value)
    assert isinstance(info.value.__cause__, RuntimeError)


def test_unknown_hook_is_refused_with_a_suggestion() -> None:
    with pytest.raises(PluginLoadError) as info:
        _registry_with(fakes.Typo())
    assert info.value.hook == "govservice_hall"
    assert "did you mean 'govservice_halls'?" in str(info.value)


def test_unknown_hook_argument_is_refused() -> None:
    class BadArgs:
        __name__ = "bad_args"

        @gs.hookimpl
        def govservice_halls(self, county: object) -> list[gs.Hall]:
            return []

    with pytest.raises(PluginLoadError, match="bad_args"):
        _registry_with(BadArgs())


def test_two_plugins_claiming_one_locality() -> None:
    with pytest.raises(LocalityConflictError) as info:
        _registry_with(fakes.County(), fakes.Rival())
    err = info.value
    assert (err.plugin, err.other) == ("rival", "fake_county")
    assert "龙门县 (441324)" in str(err)
    assert "already declared by plugin fake_county" in str(err)


def test_missing_parent_is_a_chain_error() -> None:
    with pytest.raises(LocalityChainError, match="names parent 510100"):
        _registry_with(fakes.Orphan())


def test_broken_distribution_is_named_with_its_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_distribution(
        tmp_path,
        dist="govservice-std-broken",
        version="9.8.7",
        entry_name="broken",
        module="broken_locality",
        source="raise ImportError('no module named yaml')\n",
    )
    monkeypatch.syspath_prepend(str(root))
    with pytest.raises(PluginLoadError) as info:
        gs.load_registry(entry_points_factory=lambda: _entry_points(root))
    err = info.value
    assert (err.plugin, err.distribution, err.version) == (
        "broken",
        "govservice-std-broken",
        "9.8.7",
    )
    assert str(err) == (
        "plugin 'broken' (distribution govservice-std-broken 9.8.7): cannot import "
        "'broken_locality': ImportError: no module named yaml"
    )
    assert isinstance(err.__cause__, ImportError)


def test_a_distribution_plugin_loads_and_resolves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = (
        "from govservice_std import Locality, hookimpl\n"
        "@hookimpl\n"
        "def govservice_localities():\n"
        "    return [Locality(code='510000', name='四川省', level='province', parent='000000')]\n"
    )
    root = write_distribution(
        tmp_path,
        dist="govservice-std-sichuan",
        version="1.0",
        entry_name="sichuan",
        module="sichuan_locality",
        source=source,
    )
    monkeypatch.syspath_prepend(str(root))
    registry = gs.load_registry(entry_points_factory=lambda: _entry_points(root))
    info = registry.info("510000")
    assert info.plugin.label == "sichuan (govservice-std-sichuan 1.0)"
    assert registry.host.hooks_of("sichuan") == ("govservice_localities",)
    monkeypatch.delitem(sys.modules, "sichuan_locality")


def test_autoload_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(AUTOLOAD_ENV, "1")
    registry = gs.load_registry()
    assert [str(i.code) for i in registry.localities()] == ["000000"]
    monkeypatch.delenv(AUTOLOAD_ENV)
    assert "441324" in gs.load_registry()


def test_plugins_can_be_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "441324" not in gs.load_registry(blocked=["longmen"])
    monkeypatch.setenv(BLOCKED_ENV, "longmen, boluo, guangdong")
    registry = gs.load_registry()
    assert [str(i.code) for i in registry.localities()] == ["000000"]
    blocked = gs.load_registry(autoload=False, blocked=["fake_county"], plugins=[fakes.County()])
    assert "441324" not in blocked


def test_the_reference_plugins_are_discovered_with_their_distributions() -> None:
    registry = gs.load_registry()
    by_name = {p.name: p for p in registry.host.plugins}
    assert by_name["national"].builtin
    assert by_name["national"].distribution == "govservice-std"
    assert by_name["guangdong"].distribution == "govservice-std-guangdong"
    assert by_name["longmen"].distribution == "govservice-std-longmen"
    assert registry.host.plugins[0].name == "national"


def test_the_manager_is_not_built_at_import() -> None:
    import subprocess

    code = (
        "import sys, govservice_std as gs\n"
        "heavy = {'pluggy', 'cattrs', 'click', 'rich', 'tomli_w', 'govservice_std.plugins'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
        "gs.DivisionCode('441324')\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["[]", "[]"]
