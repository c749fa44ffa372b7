"""Queue policies and SQLite stores under hostile or careless input."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govservice_std.errors import IllegalCommandError, InvalidDataError, QueueStoreError
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.policy import (
    BusinessLine,
    QueueParams,
    QueuePolicy,
    QueuePolicyLayer,
    label_collision,
)
from govservice_std.queues.stores.sqlite import SQLiteStore
from govservice_std.serialization import loads

from .conftest import START, make_hall, make_policy

# -- label spaces ---------------------------------------------------------------------------


def _labels(line: BusinessLine, upto: int) -> set[str]:
    return {line.format_number(n) for n in range(1, upto + 1)}


lines = st.builds(
    BusinessLine,
    id=st.just("X"),
    name=st.just("x"),
    prefix=st.text("A01", min_size=1, max_size=3).map(lambda p: "A" + p[:2]),
    number_width=st.integers(1, 3),
)


@settings(max_examples=150, deadline=None)
@given(a=lines, b=lines)
def test_label_collision_agrees_with_brute_force(a: BusinessLine, b: BusinessLine) -> None:
    # Up to 20,000 tickets a line covers every collision these short prefixes can have.
    common = _labels(a, 20_000) & _labels(b, 20_000)
    found = label_collision(a, b)
    assert (found is not None) == bool(common)
    if found is not None:
        assert found in common
        assert label_collision(b, a) is not None


@pytest.mark.parametrize(
    ("prefix", "width", "label"),
    [("A0", 2, "A001"), ("A1", 3, "A1001"), ("A", 3, "A001")],
)
def test_a_policy_whose_labels_collide_is_refused_at_load(
    prefix: str, width: int, label: str
) -> None:
    text = '[[lines]]\nid = "A"\nname = "综合"\n[[lines]]\nid = "B"\nname = "社保"\n'
    text += f'prefix = "{prefix}"\nnumber_width = {width}\n'
    layer = loads(text, QueuePolicyLayer, format="toml", source="queue.toml")
    with pytest.raises(ValueError, match=f"both would issue {label}"):
        QueuePolicy(lines=layer.lines)


def test_prefixes_that_only_share_letters_are_fine() -> None:
    QueuePolicy(
        lines=[
            BusinessLine("A", "a"),
            BusinessLine("B", "b", prefix="AB"),
            BusinessLine("C", "c", prefix="A0", number_width=3),
        ]
    )


def test_colliding_labels_are_refused_before_commit(tmp_path: Path) -> None:
    # A policy built with validators off stands for a database written under a policy that
    # let labels collide: the second A001 must be refused inside the transaction, and the
    # database must still open afterwards.
    with attrs.validators.disabled():
        policy = QueuePolicy(
            lines=[
                BusinessLine("A", "综合"),
                BusinessLine("B", "社保", prefix="A0", number_width=2),
                BusinessLine("C", "不动产"),
            ]
        )
    db = tmp_path / "q.db"
    store = SQLiteStore(db, "441324116", locality="441324", synchronous="OFF")
    engine = QueueEngine(make_hall(), policy, clock=FixedClock(START), store=store)
    assert engine.issue("A").label == "A001"
    with pytest.raises(IllegalCommandError, match="A001"):
        engine.issue("B")
    store.close()
    again = SQLiteStore(db, synchronous="OFF")
    reopened = QueueEngine(make_hall(), policy, clock=FixedClock(START), store=again)
    assert reopened.ticket("A001").line == "A"
    assert [type(e).__name__ for _, e in reopened.events()] == ["TicketIssued"]
    again.close()


# -- numbers in a policy are finite and in range --------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["nan", "inf", "-inf", "1e20", "1e-310", "-5.0", "1441.0"],
)
@pytest.mark.parametrize(
    "name",
    ["reactivate_within_minutes", "ageing_minutes", "appointment_grace_minutes", "target_minutes"],
)
def test_policy_minutes_must_be_finite_and_within_a_day(name: str, value: str) -> None:
    with pytest.raises(InvalidDataError) as info:
        loads(f"[params]\n{name} = {value}", QueuePolicyLayer, format="toml", source="q.toml")
    assert "params." + name in str(info.value)


def test_policy_minutes_in_range_are_kept() -> None:
    layer = loads("[params]\nageing_minutes = 0.5", QueuePolicyLayer, format="toml")
    assert layer.params == QueueParams(ageing_minutes=0.5)


# -- a damaged or busy SQLite database -----------------------------------------------------


def _database(tmp_path: Path) -> Path:
    db = tmp_path / "q.db"
    store = SQLiteStore(db, "441324116", locality="441324", synchronous="OFF")
    engine = QueueEngine(make_hall(), _policy(), clock=FixedClock(START), store=store)
    engine.issue("A")
    engine.issue("A")
    store.close()
    return db


def _policy() -> QueuePolicy:
    return make_policy()


def _open(db: Path) -> QueueEngine:
    store = SQLiteStore(db, synchronous="OFF")
    return QueueEngine(make_hall(), _policy(), clock=FixedClock(START), store=store)


@pytest.mark.parametrize(
    ("damage", "fragment"),
    [
        (
            "UPDATE events SET number = 'x' || number WHERE type = 'issued'",
            "number is not a whole number",
        ),
        ("UPDATE events SET ticket = NULL WHERE type = 'issued'", "ticket is missing"),
        ("UPDATE events SET at = 'yesterday'", "not a valid event record"),
        ("UPDATE events SET type = 'exploded'", "not a valid event record"),
        ("DROP TABLE events", "not a usable queue database: no such table"),
        ("DROP TABLE halls", "not a usable queue database: no such table"),
        ("ALTER TABLE events DROP COLUMN outcome", "not a usable queue database"),
    ],
)
def test_a_damaged_database_is_a_store_error_naming_the_file(
    tmp_path: Path, damage: str, fragment: str
) -> None:
    db = _database(tmp_path)
    con = sqlite3.connect(db)
    con.execute(damage)
    con.commit()
    con.close()
    with pytest.raises(QueueStoreError) as info:
        _open(db)
    assert str(db) in str(info.value)
    assert fragment in str(info.value)


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    db = tmp_path / "junk.db"
    db.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(QueueStoreError, match="not a usable queue database"):
        _open(db)


def test_a_busy_database_waits_then_says_it_is_busy(tmp_path: Path) -> None:
    db = _database(tmp_path)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(QueueStoreError) as info:
            SQLiteStore(db, synchronous="OFF", timeout=0.05)
        assert "busy" in str(info.value)
        assert "正忙" in info.value.localized("zh")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    # Busy in the middle of a command: the command waits, then says so.
    store = SQLiteStore(db, synchronous="OFF", timeout=0.05)
    engine = QueueEngine(make_hall(), _policy(), clock=FixedClock(START), store=store)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(QueueStoreError, match="busy"):
            engine.issue("B")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert engine.issue("B").label == "B001"
    store.close()
