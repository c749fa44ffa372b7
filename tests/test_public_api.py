"""The public API: a short list at the top, the rest public in subpackages, all documented."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

import govservice_std as gs

ROOT = Path(__file__).resolve().parents[1]
SUBPACKAGES = ("halls", "items", "forms", "calendar", "evaluation", "queues", "staffing")
MODULES = ("registry", "localities", "divisions", "errors", "serialization", "plugins")


def _reference() -> str:
    pages = [ROOT / "docs" / "reference" / "api.md", *(ROOT / "docs/reference/api").glob("*.md")]
    return "\n".join(page.read_text(encoding="utf-8") for page in pages)


def test_the_package_exports_a_short_list() -> None:
    assert 40 <= len(gs.__all__) <= 60
    assert len(set(gs.__all__)) == len(gs.__all__)
    assert set(gs.__all__) <= set(dir(gs))


def test_every_exported_name_is_the_subpackages_own() -> None:
    homes = [importlib.import_module(f"govservice_std.{name}") for name in SUBPACKAGES + MODULES]
    for name in gs.__all__:
        if name in ("__version__", "hookimpl", "hookspec"):
            continue
        owners = [module for module in homes if name in module.__all__]
        assert owners, f"{name} is in no subpackage's __all__"
        assert all(getattr(owner, name) is getattr(gs, name) for owner in owners)


@pytest.mark.parametrize("module", SUBPACKAGES + MODULES)
def test_each_subpackage_lists_and_documents_its_names(module: str) -> None:
    imported = importlib.import_module(f"govservice_std.{module}")
    page = _reference()
    missing = [
        name
        for name in imported.__all__
        if not re.search(rf"(::|py:data::) (govservice_std\.[\w.]+\.)?{re.escape(name)}\b", page)
    ]
    assert all(getattr(imported, name) is not None for name in imported.__all__)
    assert missing == []


def test_subpackages_load_on_first_use() -> None:
    assert gs.halls.Zone is importlib.import_module("govservice_std.halls").Zone
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = gs.nope
