"""Two service processes' apps on one PostgreSQL database: what one does, the other sees."""

from __future__ import annotations

import datetime as dt
import time

from litestar.testing import TestClient

from govservice_std.queues.engine import FixedClock
from govservice_std.queues.events import CHINA_TZ
from govservice_std.queues.stores.postgres import PostgresStore
from govservice_std.registry import Registry
from govservice_std.web.app import create_app
from govservice_std.web.auth import TokenStore
from tests.queues.conftest import pg_schema, postgres_url  # noqa: F401 - fixtures
from tests.web.conftest import HALL, make_tokens


def test_two_apps_share_one_postgres_hall(
    postgres_url: str,  # noqa: F811 - a fixture
    pg_schema: str,  # noqa: F811 - a fixture
    registry: Registry,
) -> None:
    locality = registry.resolve("441324")
    clock = FixedClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ))
    tokens = make_tokens(postgres_url)
    apps = [
        create_app(
            locality,
            PostgresStore(postgres_url, HALL, locality="441324", schema=pg_schema),
            tokens=TokenStore(postgres_url),
            clock=clock,
            poll_seconds=0.05,
        )
        for _ in range(2)
    ]
    try:
        with TestClient(apps[0]) as one, TestClient(apps[1]) as two:
            kiosk = {"Authorization": f"Bearer {tokens['kiosk']}"}
            counter = {"Authorization": f"Bearer {tokens['counter']}"}
            assert (
                one.post("/api/v1/queue/tickets", json={"line": "A"}, headers=kiosk).json()["label"]
                == "A001"
            )
            assert (
                two.post("/api/v1/queue/tickets", json={"line": "A"}, headers=kiosk).json()["label"]
                == "A002"
            )
            assert two.get("/api/v1/queue/status").json()["waiting"]["A"] == 2
            two.post("/api/v1/queue/windows/A01/open", headers=counter)
            called = two.post("/api/v1/queue/windows/A01/call", json={}, headers=counter)
            assert called.json()["label"] == "A001"
            # The first app's feed hears of the call made through the second.
            deadline = time.monotonic() + 10
            calls: list[dict[str, object]] = []
            while time.monotonic() < deadline and not calls:
                calls = one.get("/api/v1/queue/status").json()["recent_calls"]
                time.sleep(0.05)
            assert calls[0]["ticket"] == "A001"
            assert calls[0]["window"] == "A01"
    finally:
        for app in apps:
            app.state.hall.service.close()
