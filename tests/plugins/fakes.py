"""Fake plugins: well-behaved ones and ones that break each part of the hook contract."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from govservice_std import Hall, Locality, hookimpl


class County:
    """A well-behaved county plugin with one hall from a hook (no data files)."""

    __name__ = "fake_county"

    # [docs-hook-localities-start]
    @hookimpl
    def govservice_localities(self) -> Sequence[Locality]:
        return [
            Locality(code="440000", name="广东省", level="province", parent="000000"),
            Locality(code="441300", name="惠州市", level="city", parent="440000"),
            Locality(code="441324", name="龙门县", level="county", parent="441300"),
        ]
        # [docs-hook-localities-end]

    # [docs-hook-halls-start]
    @hookimpl
    def govservice_halls(self, locality: Locality) -> Sequence[Hall] | None:
        if str(locality.code) != "441324":
            return None
        return [Hall(code="c", name="中心", tier="county", division="441324")]
        # [docs-hook-halls-end]


class WrongType:
    """Returns a dict where a list of Locality is expected."""

    __name__ = "wrong_type"

    @hookimpl
    def govservice_localities(self) -> Any:
        return {"code": "441324"}


class WrongItem:
    """Returns a list holding a plain dict."""

    __name__ = "wrong_item"

    @hookimpl
    def govservice_localities(self) -> Any:
        return [{"code": "441324"}]


class Raising:
    """Raises inside a hook."""

    __name__ = "raising"

    @hookimpl
    def govservice_localities(self) -> Sequence[Locality]:
        raise RuntimeError("database unavailable")


class Typo:
    """Implements a hook that does not exist."""

    __name__ = "typo"

    @hookimpl
    def govservice_hall(self) -> list[Hall]:
        return []


class Rival:
    """Claims 441324, like County."""

    __name__ = "rival"

    @hookimpl
    def govservice_localities(self) -> Sequence[Locality]:
        return [Locality(code="441324", name="龙门县", level="county", parent="441300")]


class Orphan:
    """Declares a county whose parent no plugin declares."""

    __name__ = "orphan"

    @hookimpl
    def govservice_localities(self) -> Sequence[Locality]:
        return [Locality(code="510104", name="锦江区", level="county", parent="510100")]
