"""Reference locality plugin: 龙门县 (441324), under 惠州市 (441300).

The county is declared with a data folder; its halls are in ``data/441324/halls.toml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files

from govservice_std import Locality, hookimpl

__all__ = ["govservice_localities"]


@hookimpl
def govservice_localities() -> Sequence[Locality]:
    """Declare 龙门县."""
    return [
        Locality(
            code="441324",
            name="龙门县",
            level="county",
            parent="441300",
            data=files(__name__) / "data" / "441324",
        ),
    ]
