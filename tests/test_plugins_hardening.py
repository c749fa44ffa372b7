"""Careless plugins: each failure is a library error naming the plugin, never a traceback."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from govservice_std import (
    GovServiceError,
    InvalidDataError,
    Locality,
    PluginError,
    hookimpl,
    load_registry,
    structure,
)
from govservice_std.errors import LocalityChainError, PluginContractError, PluginLoadError
from govservice_std.forms import CrossCheck
from govservice_std.halls import HallsDocument
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import Event
from govservice_std.queues.hooks import PluginNotifier

from .plugins.datafolder import CountyPlugin
from .plugins.distributions import write_distribution
from .queues.conftest import START, make_hall, make_policy
from .test_forms import FORM, TODAY, good


class Unprefixed:
    __name__ = "unprefixed"

    @hookimpl
    def queue_event(self, event: Event) -> None:  # the author forgot the prefix
        pass


def test_a_hook_without_the_prefix_names_the_plugin() -> None:
    with pytest.raises(PluginLoadError) as info:
        load_registry(autoload=False, plugins=[Unprefixed()])
    message = str(info.value)
    assert "unprefixed" in message
    assert "'queue_event'" in message
    assert "govservice_" in message
    assert "govservice_queue_event" in message  # the suggestion


class Exiting:
    __name__ = "exiting"

    @hookimpl
    def govservice_localities(self) -> Sequence[Locality]:
        raise SystemExit(3)


def test_system_exit_in_a_hook_is_a_plugin_error() -> None:
    with pytest.raises(PluginError, match=r"exiting.*govservice_localities.*SystemExit"):
        load_registry(autoload=False, plugins=[Exiting()])


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govservice_std", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_system_exit_at_import_does_not_end_the_command_with_its_code(tmp_path: Path) -> None:
    root = write_distribution(
        tmp_path,
        dist="govservice-std-quitter",
        version="0.1",
        entry_name="quitter",
        module="quitter_locality",
        source="raise SystemExit(0)\n",
    )
    result = _run("--lang", "en", "localities", env={"PYTHONPATH": str(root), "PATH": "/usr/bin"})
    assert result.returncode == 2
    assert result.stderr.startswith("govstd: error: plugin 'quitter'")
    assert "SystemExit" in result.stderr
    assert "Traceback" not in result.stderr


class Failing:
    __name__ = "failing_sms"

    @hookimpl
    def govservice_queue_event(self, event: Event) -> None:
        raise RuntimeError(f"gateway down for 441324199003074517 at {event.type}")


def test_a_failing_queue_plugin_logs_one_line_without_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry = load_registry(autoload=False, plugins=[Failing()])
    engine = QueueEngine(
        make_hall(),
        make_policy(),
        clock=FixedClock(START),
        notifier=PluginNotifier(registry.host),
    )
    with caplog.at_level(logging.DEBUG, logger="govservice_std.queues.hooks"):
        engine.issue("A")
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(errors) == 1
    assert errors[0].exc_info is None
    assert "failing_sms" in errors[0].getMessage()
    assert "441324199003074517" not in caplog.text
    assert "4413**********4517" in errors[0].getMessage()
    # The traceback is there, masked, for whoever asks for DEBUG.
    assert any("Traceback" in r.getMessage() for r in caplog.records)


def _checks_plugin(tmp_path: Path, result: object) -> CountyPlugin:
    def check(_app: Mapping[str, Any]) -> Any:
        return result

    class Malformed(CountyPlugin):
        @hookimpl
        def govservice_form_checks(self) -> Sequence[CrossCheck]:
            return [CrossCheck(form="subsidy", check=check, name="shape")]

    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "subsidy.toml").write_text(FORM, encoding="utf-8")
    return Malformed(tmp_path, code="441399")


@pytest.mark.parametrize(
    "result",
    [[("a", "b")], [("a", "b", "c", 4)], ["path code zh en"], [None], 5],
)
def test_a_cross_check_returning_malformed_problems_is_a_contract_error(
    tmp_path: Path, result: object
) -> None:
    registry = load_registry(plugins=[_checks_plugin(tmp_path, result)])
    form = registry.resolve("441399").forms.get("subsidy")
    with pytest.raises(PluginError, match=r"testcounty.*govservice_form_checks.*'shape'") as info:
        form.validate(good(), today=TODAY)
    if isinstance(result, list):
        assert isinstance(info.value, PluginContractError)


class Orphan:
    __name__ = "orphan"

    @hookimpl
    def govservice_localities(self) -> Sequence[Locality]:
        return [Locality(code="449901", name="无主县", level="county", parent="449900")]


def test_a_missing_parent_names_the_plugin_and_the_hook() -> None:
    with pytest.raises(LocalityChainError) as info:
        load_registry(autoload=False, plugins=[Orphan()]).localities()
    assert "orphan" in str(info.value)
    assert "govservice_localities" in str(info.value)


@pytest.mark.parametrize("data", ["x", 5, None, ["a"], {"halls": ["x"]}, {"halls": [5]}])
def test_structure_of_junk_is_invalid_data(data: object) -> None:
    with pytest.raises(InvalidDataError) as info:
        structure(data, HallsDocument)
    assert "must be" in str(info.value)
    assert isinstance(info.value, GovServiceError)
