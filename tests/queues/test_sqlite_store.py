from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from govservice_std.errors import QueueStoreError
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import TicketIssued
from govservice_std.queues.stores.sqlite import SQLiteStore

from . import _worker
from .conftest import make_hall, make_policy

WORKER = Path(_worker.__file__)
HALL = "441324116"


def _sql_engine(path: Path, clock: FixedClock) -> QueueEngine:
    store = SQLiteStore(path, HALL, locality="441324", synchronous="OFF")
    return QueueEngine(make_hall(), make_policy(), store=store, clock=clock)


def test_database_refuses_duplicate_numbers(tmp_path: Path, clock: FixedClock) -> None:
    db = tmp_path / "hall.db"
    engine = _sql_engine(db, clock)
    engine.issue("A")
    con = sqlite3.connect(db)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        con.execute(
            "INSERT INTO events (hall, type, at, line, day, number) "
            "VALUES (?, 'issued', '', 'A', ?, 1)",
            (HALL, "2026-03-02"),
        )
    con.close()
    # A writer that decides on a stale state gets a store error, and nothing is written.
    stale = TicketIssued(
        at=clock.now,
        ticket="x",
        label="A001",
        line="A",
        number=1,
        day=clock.now.date(),
        order_at=clock.now,
    )
    with pytest.raises(QueueStoreError, match="refused by the database"):
        engine.store.execute(engine.last_seq, lambda pending: [stale])
    assert len(engine.events()) == 1


def test_corrupt_record_is_reported(tmp_path: Path, clock: FixedClock) -> None:
    db = tmp_path / "hall.db"
    _sql_engine(db, clock).issue("A")
    con = sqlite3.connect(db)
    con.execute("INSERT INTO events (hall, type, at) VALUES (?, 'called', 'yesterday')", (HALL,))
    con.commit()
    con.close()
    with pytest.raises(QueueStoreError, match=r"hall.db#2: not a valid event record"):
        _sql_engine(db, clock)


def test_store_checks(tmp_path: Path, clock: FixedClock) -> None:
    db = tmp_path / "hall.db"
    with pytest.raises(QueueStoreError, match="holds 0"):
        SQLiteStore(db)
    store = SQLiteStore(db, "OTHER", locality="441324")
    with pytest.raises(QueueStoreError, match="holds hall 'OTHER'"):
        QueueEngine(make_hall(), make_policy(), store=store, clock=clock)
    bad = tmp_path / "junk.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(QueueStoreError, match="not a usable queue database"):
        SQLiteStore(bad, "H")
