"""Fixtures of the case tests: engines on SQLite and PostgreSQL, a clock the test moves."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from govservice_std.calendar import WorkingCalendar
from govservice_std.cases.engine import CaseEngine
from govservice_std.cases.stores import CaseStore, PostgresCaseStore, SQLiteCaseStore
from govservice_std.queues.events import CHINA_TZ
from tests.queues.conftest import postgres_url  # noqa: F401 - the shared server fixture

CALENDAR = WorkingCalendar()
HALL = "441324116"
LOCALITY = "441324"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, day: str, hour: int = 9) -> None:
        self.now = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), CHINA_TZ)


def make_engine(store: CaseStore, clock: Clock) -> CaseEngine:
    return CaseEngine(store, lambda _code: CALENDAR, clock=clock)


def open_one(
    engine: CaseEngine, *, kind: str = "promised", days: int = 10, ticket: str = ""
) -> str:
    case = engine.open(
        hall=HALL,
        locality=LOCALITY,
        item="441324-MZ-005",
        item_name="高龄津贴申领",
        kind=kind,
        promised_days=days,
        legal_days=20,
        materials=("申请表", "申请人居民身份证"),
        tier="town",
        ticket=ticket,
    )
    return case.number


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 3, 2, 9, tzinfo=CHINA_TZ))


@contextlib.contextmanager
def pg_case_schema(url: str) -> Iterator[str]:
    import psycopg

    schema = f"cases_{uuid.uuid4().hex[:12]}"
    try:
        yield schema
    finally:
        with psycopg.connect(url) as con:
            con.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgres"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], CaseStore]]:
    """Opens the same fresh case database again and again (SQLite file or PG schema)."""
    if request.param == "sqlite":
        yield lambda: SQLiteCaseStore(tmp_path / "cases.db", create=True, synchronous="OFF")
        return
    url: str = request.getfixturevalue("postgres_url")
    with pg_case_schema(url) as schema:
        yield lambda: PostgresCaseStore(url, schema=schema)


@pytest.fixture
def engine(open_store: Callable[[], CaseStore], clock: Clock) -> Iterator[CaseEngine]:
    store = open_store()
    yield make_engine(store, clock)
    store.close()
