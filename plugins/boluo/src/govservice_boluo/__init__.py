"""govservice_std locality plugin: 博罗县 (441322)."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files

from govservice_std import Locality, hookimpl


@hookimpl
def govservice_localities() -> Sequence[Locality]:
    """Declare 博罗县; its rules are the data files in ``data/441322/``."""
    return [
        Locality(
            code="441322",
            name="博罗县",
            level="county",
            parent="441300",
            data=files(__name__) / "data" / "441322",
        )
    ]
