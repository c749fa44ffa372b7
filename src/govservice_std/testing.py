"""The contract suite: a pytest plugin that checks a locality plugin as the library uses it.

Opt in from your plugin's ``tests/conftest.py``::

    pytest_plugins = ("govservice_std.testing",)

and subclass :class:`LocalityContract` once per locality your plugin declares::

    from govservice_std.testing import LocalityContract

    class TestLongmen(LocalityContract):
        locality = "441324"
        plugin = "longmen"

Each registered check of :mod:`govservice_std.checks` becomes its own test
(``test_check[halls]``, ``test_check[data-files]`` …), so a failure names what broke and
lists every problem with its file and path.
"""

from __future__ import annotations

from typing import ClassVar

import pytest

from govservice_std.checks import CHECKS, CheckProblem, problems_from_error
from govservice_std.errors import GovServiceError
from govservice_std.registry import Registry, load_registry

__all__ = ["LocalityContract", "govservice_registry", "pytest_generate_tests"]


@pytest.fixture(scope="session")
def govservice_registry() -> Registry:
    """The registry of the installed plugins, loaded once per test session.

    A plugin that fails to load fails the tests that use it, with the plugin's name.
    """
    try:
        return load_registry()
    except GovServiceError as error:
        pytest.fail(_report(problems_from_error("load", error)), pytrace=False)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run tests that take ``govservice_check`` once per registered check."""
    if "govservice_check" in metafunc.fixturenames:
        metafunc.parametrize("govservice_check", list(CHECKS))


def _report(problems: list[CheckProblem]) -> str:
    return "\n".join(str(problem) for problem in problems)


class LocalityContract:
    """Base class of a plugin's contract tests; set :attr:`locality` (and :attr:`plugin`)."""

    locality: ClassVar[str] = ""
    """The division code of the locality under test."""
    plugin: ClassVar[str] = ""
    """The entry-point name of the plugin expected to declare it (checked when set)."""

    def test_locality_is_declared(self, govservice_registry: Registry) -> None:
        """The locality is installed, by the expected plugin."""
        assert self.locality, "set the class attribute `locality` to a division code"
        info = govservice_registry.info(self.locality)
        if self.plugin:
            assert info.plugin.name == self.plugin, (
                f"{self.locality} is declared by {info.plugin.label}, not {self.plugin!r}"
            )

    def test_chain_reaches_the_national_baseline(self, govservice_registry: Registry) -> None:
        """The chain runs from ``000000`` down to the locality."""
        chain = govservice_registry.chain(self.locality)
        assert str(chain[0].code) == "000000"
        assert str(chain[-1].code) == self.locality

    def test_check(self, govservice_registry: Registry, govservice_check: str) -> None:
        """One registered check finds no problem."""
        try:
            problems = list(CHECKS[govservice_check](govservice_registry, self.locality))
        except GovServiceError as error:
            problems = problems_from_error(govservice_check, error)
        assert not problems, "\n" + _report(problems)
