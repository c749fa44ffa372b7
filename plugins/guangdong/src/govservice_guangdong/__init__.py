"""Reference locality plugin: 广东省 (440000) and 惠州市 (441300).

Each locality is declared with a data folder; the library reads the layer's rules from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files

from govservice_std import Locality, hookimpl

__all__ = ["govservice_localities"]

_DATA = files(__name__) / "data"


@hookimpl
def govservice_localities() -> Sequence[Locality]:
    """Declare 广东省 and 惠州市."""
    return [
        Locality(
            code="440000", name="广东省", level="province", parent="000000", data=_DATA / "440000"
        ),
        Locality(
            code="441300", name="惠州市", level="city", parent="440000", data=_DATA / "441300"
        ),
    ]
