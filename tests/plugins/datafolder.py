"""A fake plugin that declares one county with a data folder chosen by the test."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from govservice_std import Locality, hookimpl


class CountyPlugin:
    """Declares ``code`` under ``parent`` with ``data`` as its data folder."""

    def __init__(
        self, data: Path, code: str = "441324", parent: str = "441300", name: str = "测试县"
    ) -> None:
        self.__name__ = "testcounty"
        self.data = data
        self.code = code
        self.parent = parent
        self.name = name

    @hookimpl
    def govservice_localities(self) -> Sequence[Locality]:
        return [
            Locality(
                code=self.code, name=self.name, level="county", parent=self.parent, data=self.data
            )
        ]
