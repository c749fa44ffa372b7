"""Fixtures for the evaluation tests: a fake chain 000000 → 110000 → 110100 → 110101."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from govservice_std import Locality, Registry, hookimpl, load_registry

HALLS = """
[[halls]]
code = "110101"
name = "示例县政务服务中心"
tier = "county"
division = "110101"

[[halls]]
code = "110101001"
name = "示例街道便民服务中心"
tier = "town"
division = "110101001"
parent = "110101"

[[halls]]
code = "110101001001"
name = "示例社区便民服务站"
tier = "village"
division = "110101001001"
parent = "110101001"
"""

MakeRegistry = Callable[..., Registry]


@pytest.fixture
def make_registry(tmp_path: Path) -> MakeRegistry:
    """Build a registry whose test layers carry the given criteria.toml texts."""

    def make(
        province: str | None = None,
        city: str | None = None,
        county: str | None = None,
        models: list[object] | None = None,
    ) -> Registry:
        folders = {}
        for code, text in (("110000", province), ("110100", city), ("110101", county)):
            folder = tmp_path / code
            folder.mkdir(exist_ok=True)
            if text is not None:
                (folder / "criteria.toml").write_text(text, encoding="utf-8")
            folders[code] = folder
        (folders["110101"] / "halls.toml").write_text(HALLS, encoding="utf-8")

        class TestChain:
            __name__ = "testchain"

            @staticmethod
            @hookimpl
            def govservice_localities() -> list[Locality]:
                return [
                    Locality(
                        code="110000",
                        name="示例省",
                        level="province",
                        parent="000000",
                        data=folders["110000"],
                    ),
                    Locality(
                        code="110100",
                        name="示例市",
                        level="city",
                        parent="110000",
                        data=folders["110100"],
                    ),
                    Locality(
                        code="110101",
                        name="示例县",
                        level="county",
                        parent="110100",
                        data=folders["110101"],
                    ),
                ]

            @staticmethod
            @hookimpl
            def govservice_scoring_models(locality: Locality) -> list[object] | None:
                # Contributed once, on the county layer.
                return models if str(locality.code) == "110101" else None

        return load_registry(autoload=False, plugins=[TestChain()])

    return make
