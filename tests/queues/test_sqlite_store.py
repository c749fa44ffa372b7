from __future__ import annotations

import datetime as dt
import functools
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govservice_std.errors import QueueStoreError
from govservice_std.queues import events as ev
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import TicketIssued
from govservice_std.queues.state import TicketStatus
from govservice_std.queues.stores.sqlite import (
    _INSERTS,
    _SCHEMA,
    SCHEMA_VERSION,
    SQLiteStore,
    _inserter,
    _stamp,
    connect,
)

from . import _worker
from .conftest import START, make_hall, make_policy

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
    # A missing file is an error unless a hall is being set up: nothing is created.
    for hall in (None, "H"):
        with pytest.raises(QueueStoreError, match="no such queue database") as caught:
            SQLiteStore(db, hall)
        assert "排队数据库" in caught.value.localized("zh")
        assert not db.exists()
    with pytest.raises(QueueStoreError, match="no such queue database"):
        SQLiteStore.halls(db)
    assert not db.exists()
    connect(db).close()  # an empty queue database: no hall set up yet
    with pytest.raises(QueueStoreError, match="holds 0"):
        SQLiteStore(db)
    store = SQLiteStore(db, "OTHER", locality="441324")
    with pytest.raises(QueueStoreError, match="holds hall 'OTHER'"):
        QueueEngine(make_hall(), make_policy(), store=store, clock=clock)
    bad = tmp_path / "junk.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(QueueStoreError, match="not a usable queue database"):
        SQLiteStore(bad, "H")


def _just(event: ev.Event, pending: Sequence[object]) -> list[ev.Event]:
    return [event]


def test_every_event_type_keeps_its_fields_in_plain_columns(tmp_path: Path) -> None:
    at = dt.datetime(2026, 3, 2, 9, 0, 5, 120000, tzinfo=ev.CHINA_TZ)
    later = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)
    day = at.date()
    written: list[ev.Event] = [
        ev.TicketIssued(at=at, ticket="t1", label="A001", line="A", number=1, day=day,
                        order_at=at),
        ev.TicketIssued(at=at, ticket="t2", label="A002", line="A", number=2, day=day,
                        order_at=later, group="elderly", appointment="YY1", slot=later),
        ev.TicketCalled(at=at, ticket="t1", window="W1"),
        ev.TicketRecalled(at=at, ticket="t1", window="W1"),
        ev.ServiceStarted(at=at, ticket="t1", window="W1"),
        ev.ServiceFinished(at=at, ticket="t1", window="W1", outcome="completed"),
        ev.TicketNoShow(at=at, ticket="t2", window="W1"),
        ev.TicketReactivated(at=at, ticket="t2", order_at=later),
        ev.TicketTransferred(at=at, ticket="t2", from_line="A", to_line="B"),
        ev.TicketTransferred(at=at, ticket="t2", from_line="B", to_line="A", window="W1"),
        ev.TicketCancelled(at=at, ticket="t2"),
        ev.TicketCancelled(at=at, ticket="t2", window="W1"),
        ev.WindowOpened(at=at, window="W1"),
        ev.WindowClosed(at=at, window="W1"),
    ]  # fmt: skip
    path = tmp_path / "q.db"
    with SQLiteStore(path, HALL, locality="441324", synchronous="OFF") as store:
        for event in written:
            # A decision that ignores the state: the store writes what it is given.
            store.execute(0, functools.partial(_just, event))
        # Each event comes back equal, with the offset it was written with.
        assert [event for _, event in store.read()] == written
    con = sqlite3.connect(path)
    rows = con.execute(
        "SELECT hall, type, ticket, at, label, line, number, day, order_at, grp, appointment,"
        " slot, win, outcome, from_line, to_line FROM events ORDER BY seq"
    ).fetchall()
    con.close()
    stamp = "2026-03-02T09:00:05.120000+08:00"
    assert rows[1] == (
        HALL, "issued", "t2", stamp, "A002", "A", 2, "2026-03-02",
        "2026-03-02T01:30:00+00:00", "elderly", "YY1", "2026-03-02T01:30:00+00:00",
        None, None, None, None,
    )  # fmt: skip
    assert rows[0][8] == stamp  # a walk-in is ordered by its issue time
    assert rows[5] == (
        HALL, "finished", "t1", stamp, None, None, None, "2026-03-02", None, None, None, None,
        "W1", "completed", None, None,
    )  # fmt: skip
    assert rows[9][12:] == ("W1", None, "B", "A")
    assert rows[8][12] is None


_moments = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
    max_value=dt.datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=st.sampled_from([ev.CHINA_TZ, dt.UTC, dt.timezone(dt.timedelta(hours=-5))]),
)


@given(
    at=_moments,
    order=st.sampled_from(["at", "equal", "other"]),
    other=_moments,
    slot=st.none() | st.just("at") | _moments,
    day=st.none() | st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)),
)
def test_spelled_out_rows_match_the_generic_ones(
    at: dt.datetime,
    order: str,
    other: dt.datetime,
    slot: dt.datetime | str | None,
    day: dt.date | None,
) -> None:
    order_at = {"at": at, "equal": at.replace(), "other": other}[order]
    events: list[ev.Event] = [
        ev.TicketIssued(
            at=at, ticket="t", label="A1", line="A", number=7,
            day=at.astimezone(ev.CHINA_TZ).date() if day is None else day, order_at=order_at,
            group="elderly", appointment="P1", slot=at if slot == "at" else slot,  # type: ignore[arg-type]
        ),
        ev.TicketCalled(at=at, ticket="t", window="W1"),
        ev.ServiceStarted(at=at, ticket="t", window="W1"),
        ev.ServiceFinished(at=at, ticket="t", window="W1", outcome="completed"),
    ]  # fmt: skip
    for event in events:
        sql, row = _INSERTS[type(event)]
        generic_sql, generic_row = _inserter(type(event))
        assert sql == generic_sql
        assert row(HALL, event) == generic_row(HALL, event)


@given(
    first=_moments,
    seconds=st.lists(st.integers(0, 59), max_size=4),
    micro=st.integers(0, 999_999),
)
def test_stamps_are_isoformat(first: dt.datetime, seconds: list[int], micro: int) -> None:
    # The first time sets the minute kept; the next ones mostly fall within it.
    assert _stamp(first) == first.isoformat()
    for second in seconds:
        later = first.replace(second=second, microsecond=micro if second % 2 else 0)
        assert _stamp(later) == later.isoformat()
    local = first.astimezone(ev.CHINA_TZ)
    assert _stamp(local) == local.isoformat()
    assert _stamp(local.replace(second=59)) == local.replace(second=59).isoformat()
    assert _stamp(local.replace(tzinfo=dt.UTC)) == local.replace(tzinfo=dt.UTC).isoformat()


def test_a_version_1_file_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    old_schema = _SCHEMA.replace(
        ",\n    staff TEXT,\n    reason TEXT,\n    to_window TEXT,\n    to_staff TEXT", ""
    )
    assert "staff" not in old_schema
    con.executescript(old_schema)
    con.execute("INSERT INTO halls VALUES ('441324116', '441324', '2026-03-01T00:00:00+00:00')")
    con.execute(
        "INSERT INTO events (hall, type, ticket, at, label, line, number, day, order_at) "
        "VALUES ('441324116', 'issued', '20260302-A001', '2026-03-02T09:00:00+08:00', 'A001',"
        " 'A', 1, '2026-03-02', '2026-03-02T09:00:00+08:00')"
    )
    con.execute("PRAGMA user_version=1")
    con.commit()
    con.close()
    with SQLiteStore(path) as store:
        engine = QueueEngine(make_hall(), make_policy(), store=store, clock=FixedClock(START))
        assert engine.ticket("A001").status is TicketStatus.WAITING
        engine.sign_in("W1", "li")
        assert engine.call_next("W1").staff == "li"
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    con.close()
