# ruff: noqa: S311
"""Seeded, bounded fuzzing of the PostgreSQL store: a hall's rows are damaged in every way
the column types allow (unknown event types, missing tickets, impossible offsets and
numbers, a checkpoint of junk, a dropped table or migration record), and whatever the
damage, opening the store and using the hall raises only the library's own errors and
never shows a full ID number.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random

import psycopg

from govservice_std import GovServiceError
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.stores.postgres import PostgresStore
from tests.test_fuzz import ID_NUMBER, SCALE, SEED, _assert_masked

from .conftest import START, make_hall, make_policy, postgres_schema

HALL = "441324116"

# (table, column, SQL value) that fit the column's type but not the library's meaning.
_DAMAGE = (
    ("events", "type", "'bogus'"),
    ("events", "type", "NULL"),
    ("events", "ticket", "NULL"),
    ("events", "ticket", f"'{ID_NUMBER}'"),
    ("events", "label", "NULL"),
    ("events", "label", "''"),
    ("events", "line", "'ZZ'"),
    ("events", "line", "NULL"),
    ("events", "number", "-1"),
    ("events", "number", "2147483647"),
    ("events", "at_offset", "999999"),
    ("events", "at_offset", "-999999"),
    ("events", "grp", f"'{ID_NUMBER}'"),
    ("events", "win", "'W99'"),
    ("events", "outcome", "'x'"),
    ("events", "order_at", "NULL"),
    ("events", "seq", "seq + 100"),
    ("events", "day", "'1900-01-01'"),
    ("halls", "last_seq", "-5"),
    ("halls", "locality", "'000000'"),
    ("checkpoints", "state", "'{'"),
    ("checkpoints", "state", "'[]'"),
    ("checkpoints", "version", "999"),
    ("checkpoints", "seq", "100000"),
)
_DROPS = (
    "DROP TABLE {s}.checkpoints",
    "DROP TABLE {s}.events CASCADE",
    "DELETE FROM {s}.migrations",
    "TRUNCATE {s}.halls CASCADE",
)


NEXT_DAY = START + dt.timedelta(days=1)


def _two_days(url: str, schema: str) -> None:
    """A closed day (so a checkpoint and the day's summary exist) and a day under way."""
    for moment in (START, NEXT_DAY):
        store = PostgresStore(url, HALL, locality="441324", schema=schema)
        try:
            engine = QueueEngine(make_hall(), make_policy(), clock=FixedClock(moment), store=store)
            if moment == START:
                engine.open_window("W1")
            for line in "ABCAB":
                engine.issue(line)
            engine.call_next("W1")
            if moment == START:
                engine.close_day(START.date())
        finally:
            store.close()


def _use(url: str, schema: str) -> None:
    store = PostgresStore(url, schema=schema)
    try:
        engine = QueueEngine(make_hall(), make_policy(), clock=FixedClock(NEXT_DAY), store=store)
        engine.issue("A")
        engine.call_next("W1")
        engine.kpis()
    finally:
        store.close()


def test_every_damaged_hall_raises_only_store_errors(postgres_url: str) -> None:
    rng = random.Random(SEED + 7)
    for _case in range(12 * SCALE):
        with postgres_schema(postgres_url) as schema:
            _two_days(postgres_url, schema)
            with psycopg.connect(postgres_url, autocommit=True) as con:
                for _ in range(rng.randint(1, 3)):
                    table, column, value = rng.choice(_DAMAGE)
                    where = f" WHERE seq = {rng.randint(1, 14)}" if table == "events" else ""
                    # A constraint may refuse the damage: then the data stays valid.
                    with contextlib.suppress(psycopg.Error):
                        con.execute(
                            f'UPDATE "{schema}".{table} SET {column} = {value}{where}'  # noqa: S608
                        )
                if rng.random() < 0.15:
                    con.execute(rng.choice(_DROPS).format(s=f'"{schema}"'))
            try:
                _use(postgres_url, schema)
            except GovServiceError as exc:
                _assert_masked(str(exc))
