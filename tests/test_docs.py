"""The documentation keeps up with the code: every hook and public name is documented,
and every hook has a test named after it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import govservice_std as gs
from govservice_std import hookspecs

ROOT = Path(__file__).resolve().parents[1]
HOOKS = sorted(name for name in dir(hookspecs) if name.startswith("govservice_"))


def _tests_text() -> str:
    paths = [*ROOT.glob("tests/**/*.py"), *ROOT.glob("plugins/*/tests/**/*.py")]
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented(hook: str) -> None:
    function = getattr(hookspecs, hook)
    assert function.__doc__
    assert "Returns:" in function.__doc__
    assert "Since:" in function.__doc__
    page = (ROOT / "docs" / "reference" / "hooks.md").read_text(encoding="utf-8")
    assert re.search(rf"autofunction:: (govservice_std\.hookspecs\.)?{hook}\b", page)


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_tested(hook: str) -> None:
    assert re.search(rf"def test_hook_{hook}\b", _tests_text()), f"no test_hook_{hook}"


@pytest.mark.parametrize("name", sorted(gs.__all__))
def test_public_name_is_in_the_api_reference(name: str) -> None:
    page = (ROOT / "docs" / "reference" / "api.md").read_text(encoding="utf-8")
    assert re.search(rf"(::|py:data::) {re.escape(name)}\b", page), name
    assert getattr(gs, name) is not None
