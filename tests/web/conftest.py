from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from govservice_std.queues.engine import FixedClock
from govservice_std.queues.events import CHINA_TZ
from govservice_std.queues.stores.sqlite import SQLiteStore
from govservice_std.registry import Registry, load_registry
from govservice_std.web.app import create_app
from govservice_std.web.auth import TokenStore

HALL = "441324"  # 龙门县政务服务中心: lines A–E, windows A01–A04, B01–B03, G01, Z01, D01


@attrs.define
class Served:
    """A hall's service in process, with a token of each role."""

    app: Litestar
    client: TestClient[Litestar]
    db: Path
    clock: FixedClock
    tokens: dict[str, str]

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry()


def make_tokens(db: Path | str) -> dict[str, str]:
    store = TokenStore(db)
    return {
        "kiosk": store.create("kiosk", HALL, label="entrance")[0],
        "counter": store.create("counter", HALL, window="A01")[0],
        "counter2": store.create("counter", HALL, window="A02")[0],
        "board": store.create("board", HALL)[0],
        "manager": store.create("manager", HALL)[0],
        "api": store.create("api", HALL)[0],
    }


@pytest.fixture
def served(tmp_path: Path, registry: Registry) -> Iterator[Served]:
    db = tmp_path / "hall.db"
    SQLiteStore(db, HALL, locality="441324").close()
    clock = FixedClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ))
    app = create_app(registry.resolve("441324"), db, clock=clock)
    tokens = make_tokens(db)
    try:
        with TestClient(app) as client:
            yield Served(app, client, db, clock, tokens)
    finally:
        app.state.hall.service.close()
