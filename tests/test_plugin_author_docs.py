"""The plugin-author guide keeps up with the hooks: a section per hook with its signature."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from govservice_std import hookspecs

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "guides" / "plugin-author.md"
HOOKS = sorted(name for name in dir(hookspecs) if name.startswith("govservice_"))


def _section(hook: str) -> str:
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(rf"^### `{hook}`.*?(?=^##)", text + "\n##", flags=re.M | re.S)
    assert match, f"no section '### `{hook}`' in the plugin-author guide"
    return match.group(0)


@pytest.mark.parametrize("hook", HOOKS)
def test_guide_has_a_section_with_the_hook_signature(hook: str) -> None:
    signature = str(inspect.signature(getattr(hookspecs, hook))).replace("'", "")
    section = _section(hook)
    assert f"def {hook}{signature}" in section
    assert "literalinclude:: ../../tests/" in section or "{literalinclude} ../../tests/" in section
    assert "reference plugin" in section.lower()
