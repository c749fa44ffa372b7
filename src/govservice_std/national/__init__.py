"""The national baseline (全国), a built-in locality plugin.

It is registered through the same path as every installed plugin and implements the same
hooks. It declares the root locality ``000000``; its data folder holds the national rules
every other layer builds on.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files

from govservice_std._markers import hookimpl
from govservice_std.divisions import NATIONAL
from govservice_std.localities import Locality, LocalityLevel

__all__ = ["govservice_localities"]


@hookimpl
def govservice_localities() -> Sequence[Locality]:
    """Declare the national baseline."""
    return [
        Locality(
            code=NATIONAL,
            name="全国",
            level=LocalityLevel.NATIONAL,
            data=files(__name__) / "data",
        )
    ]
