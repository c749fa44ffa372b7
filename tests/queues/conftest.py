from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from govservice_std.halls import Hall
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import CHINA_TZ
from govservice_std.queues.policy import BusinessLine, PriorityGroup, QueuePolicy
from govservice_std.queues.stores.base import EventStore
from govservice_std.queues.stores.postgres import migrate
from govservice_std.serialization import structure

from ._worker import open_store

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ)


def make_hall() -> Hall:
    return structure(
        {
            "code": "441324116",
            "name": "龙潭镇便民服务中心",
            "tier": "town",
            "division": "441324116",
            "windows": [
                {"code": "W1", "kind": "comprehensive", "lines": ["A", "B"]},
                {"code": "W2", "kind": "comprehensive", "lines": ["B", "A"]},
                {"code": "W3", "kind": "dedicated", "lines": ["C"]},
                {"code": "Z1", "kind": "self_service"},
            ],
        },
        Hall,
    )


def make_policy(**kwargs: object) -> QueuePolicy:
    params: dict[str, object] = {
        "lines": [
            BusinessLine(id="A", name="综合"),
            BusinessLine(id="B", name="商事"),
            BusinessLine(id="C", name="不动产", prefix="C", number_width=2, daily_reset=False),
        ],
        "priority_groups": [
            PriorityGroup(id="military", name="军人依法优先", weight=2),
            PriorityGroup(id="elderly", name="老年人", weight=1),
        ],
        "no_show_after_calls": 2,
        "target_minutes": 15.0,
        "target_share": 0.8,
    }
    params.update(kwargs)
    return QueuePolicy(**params)  # type: ignore[arg-type]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def engine(clock: FixedClock) -> QueueEngine:
    e = QueueEngine(make_hall(), make_policy(), clock=clock)
    for w in ("W1", "W2", "W3"):
        e.open_window(w)
    return e


# -- store back-ends: every shared store test runs on SQLite and on PostgreSQL ------------

POSTGRES_URL_ENV = "GOVSERVICE_STD_TEST_POSTGRES_URL"


def _postgres_required() -> bool:
    # CI must exercise PostgreSQL for real: there, an unreachable server is a failure.
    return bool(os.environ.get("CI") or os.environ.get("GOVSERVICE_STD_REQUIRE_POSTGRES"))


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The test server's URL; skips (fails in CI) without a reachable server."""
    url = os.environ.get(POSTGRES_URL_ENV)
    problem = None
    if not url:
        problem = f"{POSTGRES_URL_ENV} is not set"
    else:
        import psycopg

        try:
            psycopg.connect(url, connect_timeout=5).close()
        except psycopg.Error as exc:
            problem = f"cannot reach the server in {POSTGRES_URL_ENV}: {exc}"
    if problem is not None:
        if _postgres_required():
            pytest.fail(f"the PostgreSQL tests must run in CI, but {problem}")
        pytest.skip(f"PostgreSQL tests need a server: {problem}")
    assert url is not None
    return url


class Backend:
    """Opens stores of one kind on one fresh database (a file, or a PostgreSQL schema)."""

    def __init__(self, name: str, target: str, schema: str | None = None) -> None:
        self.name = name
        self.target = target
        self.schema = schema

    @property
    def spec(self) -> str:
        """The database as one string, for worker processes (see ``_worker.engine``)."""
        return f"postgres:{self.schema}:{self.target}" if self.schema else self.target

    def open(self, hall: str | None = None, *, locality: str | None = None) -> EventStore:
        return open_store(self.spec, hall, locality=locality)

    def reset(self) -> None:
        """Forget every event (between examples of a property test)."""
        if self.schema is None:
            for suffix in ("", "-wal", "-shm"):
                Path(self.target + suffix).unlink(missing_ok=True)
        else:
            import psycopg

            with psycopg.connect(self.target) as con:
                tables = ("events", "halls", "checkpoints", "day_summaries", "day_tickets")
                names = ", ".join(f'"{self.schema}".{table}' for table in tables)
                con.execute(f"TRUNCATE {names}")


@contextlib.contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A fresh, migrated schema of its own, dropped afterwards."""
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:16]}"
    migrate(url, schema=schema)
    try:
        yield schema
    finally:
        with psycopg.connect(url) as con:
            con.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def pg_schema(postgres_url: str) -> Iterator[str]:
    with postgres_schema(postgres_url) as schema:
        yield schema


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "sqlite":
        return Backend("sqlite", str(tmp_path / "hall.db"))
    url: str = request.getfixturevalue("postgres_url")
    schema: str = request.getfixturevalue("pg_schema")
    return Backend("postgres", url, schema)
