"""Bounded live state, checkpoints and the history read by day."""

from __future__ import annotations

import datetime as dt
import functools
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govservice_std.errors import IllegalCommandError, NoTicketWaitingError, QueueStoreError
from govservice_std.halls import OpeningHours
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import CHINA_TZ, DayClosed, Event, event_day
from govservice_std.queues.history import day_facts, recorded_kpis
from govservice_std.queues.kpis import kpis_from_events
from govservice_std.queues.state import QueueState, TicketStatus
from govservice_std.queues.stores.base import Checkpoint
from govservice_std.queues.stores.sqlite import SQLiteStore
from govservice_std.serialization import structure

from .conftest import START, make_hall, make_policy

HALL = make_hall()
_HOURS = structure(
    {"regular": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                  "periods": [{"start": "08:30", "end": "17:30"}]}]},
    OpeningHours,
)  # fmt: skip

# One step of a random history: (command, argument).
_steps = st.lists(
    st.tuples(
        st.sampled_from(
            ["issue", "issue", "call", "call", "start", "finish", "no_show", "cancel",
             "transfer", "reactivate", "wait", "next_day", "close_day", "window",
             "sign_in", "sign_out", "park", "resume", "choose", "to_window", "book"]
        ),
        st.integers(0, 50),
    ),
    max_size=70,
)  # fmt: skip


def _play(engine: QueueEngine, clock: FixedClock, steps: list[tuple[str, int]]) -> None:
    windows = ("W1", "W2", "W3")
    for name, n in steps:
        tickets = engine.state.tickets()
        ref = tickets[n % len(tickets)].id if tickets else "A001"
        window = windows[n % 3]
        try:
            if name == "issue":
                engine.issue("ABC"[n % 3], priority=(None, "elderly", "military")[n % 3])
            elif name == "call":
                engine.call_next(window)
            elif name == "start":
                engine.start(ref)
            elif name == "finish":
                engine.finish(ref)
            elif name == "no_show":
                engine.recall(window)
                engine.no_show(ref)
            elif name == "cancel":
                engine.cancel(ref)
            elif name == "transfer":
                engine.transfer(ref, "ABC"[n % 3])
            elif name == "reactivate":
                engine.reactivate(ref)
            elif name == "wait":
                clock.advance(minutes=n)
            elif name == "next_day":
                clock.advance(days=1 + n % 2, hours=-(n % 3))
            elif name == "close_day":
                engine.close_day()
            elif name == "sign_in":
                engine.sign_in(window, f"S{n % 4}")
            elif name == "sign_out":
                engine.sign_out(window)
            elif name == "park":
                engine.park(ref)
            elif name == "resume":
                engine.resume(ref)
            elif name == "choose":
                engine.call_ticket(window, ref, reason="test")
            elif name == "to_window":
                engine.transfer(ref, window=window)
            elif name == "book":
                day = clock.now.date() + dt.timedelta(days=n % 3)
                slot = dt.datetime.combine(day, dt.time(9 + n % 3, 30 * (n % 2)), CHINA_TZ)
                engine.book("ABC"[n % 3], slot)
            elif engine.window(window).open:
                engine.close_window(window)
            else:
                engine.open_window(window)
        except (IllegalCommandError, NoTicketWaitingError):
            pass


def _engine(steps: list[tuple[str, int]]) -> QueueEngine:
    clock = FixedClock(START)
    hall = attrs.evolve(HALL, hours=_HOURS)  # with opening hours: bookings have slots
    engine = QueueEngine(hall, make_policy(booking_capacity=2), clock=clock)
    for window in ("W1", "W2", "W3"):
        engine.open_window(window)
    _play(engine, clock, steps)
    return engine


def _history(steps: list[tuple[str, int]]) -> list[Event]:
    return [event for _, event in _engine(steps).events()]


def _fold(events: list[Event], state: QueueState | None = None) -> QueueState:
    state = state or QueueState()
    for event in events:
        state.apply(event)
    return state


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=_steps, cut=st.floats(0, 1))
def test_snapshot_and_tail_equal_a_full_replay(steps: list[tuple[str, int]], cut: float) -> None:
    events = _history(steps)
    k = int(cut * len(events))
    restored = QueueState.restore(_fold(events[:k]).snapshot())
    _fold(events[k:], restored)
    full = _fold(events)
    assert restored.snapshot() == full.snapshot()
    assert restored.tickets() == full.tickets()
    assert restored.windows() == full.windows()
    assert restored.open_day == full.open_day
    for line in "ABC":
        assert list(restored.heads(line)) == list(full.heads(line))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=_steps)
def test_live_state_holds_only_days_not_closed(steps: list[tuple[str, int]]) -> None:
    engine = _engine(steps)
    events = [event for _, event in engine.events()]
    state = _fold(events)
    closed = state.closed_through
    # (A late visitor after an early close reopens the day just closed.)
    assert all(closed is None or t.day >= closed for t in state.tickets())
    # The KPIs of the whole record, read back day by day (the closed days' stored facts,
    # the other days folded), equal the fold of every event.
    store = engine.store
    end = max((e.at for e in events), default=START)
    expected = kpis_from_events(events, hall=HALL.code, now=end, target_minutes=15.0)
    got = recorded_kpis(store, now=end, target_minutes=15.0)
    assert got == expected


def test_snapshot_covers_every_part_of_the_state() -> None:
    # A new table in QueueState must be added to snapshot() and restore(): this list is
    # what they cover.
    covered = {
        "_keep_closed", "_tickets", "_labels", "_appointments", "_windows", "_counters",
        "_numbers", "_queues", "_events", "_ordinal", "_day", "_day_end", "_closed", "_apply",
        "_directed", "_walk_ins", "_staff_at", "_bookings", "_booked", "_booking_serial",
        # Derived from the tickets, counted again after a restore: no part of a snapshot.
        "_waiting", "_served",
    }  # fmt: skip
    assert set(vars(QueueState())) == covered


def test_a_checkpoint_of_another_version_is_ignored(tmp_path: Path) -> None:
    clock = FixedClock(START)
    path = tmp_path / "q.db"
    store = SQLiteStore(path, HALL.code, locality="441324", synchronous="OFF")
    engine = QueueEngine(HALL, make_policy(), store=store, clock=clock)
    engine.issue("A")
    clock.advance(days=1)
    engine.issue("A")  # closes yesterday and writes a checkpoint
    expected = engine.state.snapshot()
    assert store.load_checkpoint() is not None
    store.save_checkpoint(Checkpoint(engine.last_seq + 5, '{"version": 999}'))
    reopened = QueueEngine(HALL, make_policy(), store=store, clock=clock)
    assert reopened.state.snapshot() == expected
    store.close()


def test_day_close_ends_open_tickets_and_stores_the_day(tmp_path: Path) -> None:
    clock = FixedClock(START)
    store = SQLiteStore(tmp_path / "q.db", HALL.code, locality="441324", synchronous="OFF")
    engine = QueueEngine(HALL, make_policy(), store=store, clock=clock)
    engine.open_window("W1")
    served = engine.issue("A")
    waiting = engine.issue("A")
    engine.call_next("W1")
    engine.start(served.id)
    clock.advance(minutes=5)
    engine.finish(served.id)
    engine.issue("B")
    engine.call_next("W1")
    clock.advance(hours=8)
    record = engine.close_day()
    assert record is not None
    assert record.day == START.date()
    assert engine.state.tickets() == ()
    assert engine.window("W1").ticket is None  # the called ticket left the window
    assert engine.close_day() is None  # nothing left to close
    statuses = {fact.ticket: fact.status for fact in record.facts}
    assert statuses[served.id] == TicketStatus.FINISHED.value
    assert statuses[waiting.id] == TicketStatus.CANCELLED.value
    assert store.day_summary(START.date()) == record.kpis
    day = recorded_kpis(store, day=START.date())
    assert (day.overall.issued, day.overall.served, day.overall.cancelled) == (3, 1, 2)
    closes = [e for _, e in store.read() if isinstance(e, DayClosed)]
    assert closes == [DayClosed(at=clock.now, day=START.date(), outcome="day_closed")]
    # A late visitor the same evening reopens the day; numbering continues.
    late = engine.issue("A")
    assert late.label == "A003"
    assert recorded_kpis(store, day=START.date()).overall.issued == 4
    with pytest.raises(IllegalCommandError):
        engine.close_day(START.date() + dt.timedelta(days=1))
    store.close()


def test_several_halls_in_one_file_decide_once(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    a = SQLiteStore(path, "441324116", locality="441324", synchronous="OFF")
    b = SQLiteStore(path, "441324118", locality="441324", synchronous="OFF")
    calls = []

    def decide(pending: object, *, store: SQLiteStore, event: Event) -> list[Event]:
        calls.append(pending)
        return [event]

    clock = FixedClock(START)
    last = {"a": 0, "b": 0}
    from govservice_std.queues.events import WindowClosed, WindowOpened

    for i in range(10):
        for name, store in (("a", a), ("b", b)):
            ev = (WindowOpened if i % 2 == 0 else WindowClosed)(at=clock.now, window="W1")
            last[name] = store.execute(last[name], functools.partial(decide, store=store, event=ev))
    # Each command decided once, optimistically: the other hall's rows did not count.
    assert calls == [()] * 20
    assert [seq for seq, _ in a.read()] == list(range(1, 21, 2))
    a.close()
    b.close()


def test_a_version_1_file_is_upgraded_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    # The layout of version 1, as the first release wrote it.
    con.executescript(
        """
        CREATE TABLE halls (hall TEXT PRIMARY KEY, locality TEXT NOT NULL,
                            created_at TEXT NOT NULL);
        CREATE TABLE events (seq INTEGER PRIMARY KEY, hall TEXT NOT NULL, type TEXT NOT NULL,
            ticket TEXT, at TEXT NOT NULL, label TEXT, line TEXT, number INTEGER, day TEXT,
            order_at TEXT, grp TEXT, appointment TEXT, slot TEXT, win TEXT, outcome TEXT,
            from_line TEXT, to_line TEXT);
        CREATE UNIQUE INDEX ticket_numbers ON events (hall, line, day, number)
            WHERE type = 'issued';
        """
    )
    con.execute("INSERT INTO halls VALUES ('441324116', '441324', '2026-03-01')")
    con.executemany(
        "INSERT INTO events (hall, type, at, win) VALUES ('441324116', 'window_opened', ?, 'W1')",
        [("2026-03-02T23:59:00+08:00",), ("2026-03-02T16:30:00+00:00",)],
    )
    con.execute("PRAGMA user_version=1")
    con.commit()
    con.close()
    with SQLiteStore(path) as store:
        assert store.days() == {dt.date(2026, 3, 2): 1, dt.date(2026, 3, 3): 2}
        assert [event_day(e) for _, e in store.read_day(dt.date(2026, 3, 3))] == [
            dt.date(2026, 3, 3)
        ]


_WRITER = """
import sys, datetime as dt
sys.path.insert(0, {tests!r})
from queues.conftest import START, make_hall, make_policy
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.stores.base import Checkpoint
from govservice_std.queues.stores.sqlite import SQLiteStore
store = SQLiteStore({path!r}, synchronous="FULL")
clock = FixedClock(START + dt.timedelta(days=1))
engine = QueueEngine(make_hall(), make_policy(), store=store, clock=clock)
text = engine.state.snapshot()
print("READY", flush=True)
while True:
    store.save_checkpoint(Checkpoint(engine.last_seq, text))
"""


def test_a_writer_killed_while_writing_a_checkpoint_leaves_a_store_that_opens(
    tmp_path: Path,
) -> None:
    path = tmp_path / "q.db"
    clock = FixedClock(START)
    store = SQLiteStore(path, HALL.code, locality="441324", synchronous="OFF")
    engine = QueueEngine(HALL, make_policy(), store=store, clock=clock)
    for _ in range(1500):  # a big open day: the snapshot is a few hundred KiB
        engine.issue("A")
    store.close()
    script = _WRITER.format(tests=str(Path(__file__).parent.parent), path=str(path))
    rng = random.Random(14)  # noqa: S311 - test timing, not secrets
    for _ in range(3):
        child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "READY"
        time.sleep(rng.uniform(0.01, 0.3))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()
        with SQLiteStore(path) as reopened:
            checkpoint = reopened.load_checkpoint()
            assert checkpoint is not None  # the last committed one, whole
            engine = QueueEngine(HALL, make_policy(), store=reopened, clock=clock)
            replay = _fold([e for _, e in reopened.read()])
            assert engine.state.snapshot() == replay.snapshot()
            assert len(engine.state.tickets()) == 1500


def test_day_facts_come_from_the_day_index(tmp_path: Path) -> None:
    clock = FixedClock(START)
    store = SQLiteStore(tmp_path / "q.db", HALL.code, locality="441324", synchronous="OFF")
    engine = QueueEngine(HALL, make_policy(), store=store, clock=clock)
    for day in range(3):
        for _ in range(day + 1):
            engine.issue("A")
        clock.advance(days=1)
    engine.issue("B")
    assert list(store.days()) == [START.date() + dt.timedelta(days=d) for d in range(4)]
    assert list(store.closed_days()) == [START.date() + dt.timedelta(days=d) for d in range(3)]
    second = START.date() + dt.timedelta(days=1)
    assert [f.ticket for f in day_facts(store, second)] == ["20260303-A001", "20260303-A002"]
    kpis = recorded_kpis(store)
    assert (kpis.overall.issued, kpis.days) == (7, 4)
    store.close()


def test_reads_after_a_sequence_number_use_the_primary_key(tmp_path: Path) -> None:
    # Opening reads the events after the checkpoint: a range of the primary key, never a
    # walk through the hall's whole history in the day index.
    from govservice_std.queues.stores import sqlite as module

    store = SQLiteStore(tmp_path / "q.db", HALL.code, locality="441324")
    con = store._con
    for query, params in ((module._SELECT, (0, "h")), (module._MINE_BETWEEN, (0, 9, "h"))):
        plan = " ".join(row[3] for row in con.execute(f"EXPLAIN QUERY PLAN {query}", params))
        assert "INTEGER PRIMARY KEY" in plan, plan
        assert "events_by_day" not in plan, plan
    store.close()


def test_an_engine_opened_from_a_checkpoint_runs_commands(tmp_path: Path) -> None:
    clock = FixedClock(START)
    store = SQLiteStore(tmp_path / "q.db", HALL.code, locality="441324", synchronous="OFF")
    engine = QueueEngine(HALL, make_policy(), store=store, clock=clock)
    engine.open_window("W1")
    engine.issue("A")
    clock.advance(days=1)
    engine.issue("A")  # closes yesterday: a checkpoint, then today's ticket after it
    checkpoint = store.load_checkpoint()
    assert checkpoint is not None
    assert checkpoint.seq < engine.last_seq
    reopened = QueueEngine(HALL, make_policy(), store=store, clock=clock)
    ticket = reopened.call_next("W1")  # the window stayed open across the close
    assert ticket.id == "20260303-A001"
    reopened.start(ticket.id)
    assert reopened.finish(ticket.id).status is TicketStatus.FINISHED
    assert reopened.state.snapshot() == _fold([e for _, e in store.read()]).snapshot()
    store.close()


@pytest.mark.parametrize(
    "blob", [b'{"n": 5, "names": {}, "days": []}\nshort', b"\xff\xfe\nnot a header"]
)
def test_corrupt_stored_facts_are_a_store_error(tmp_path: Path, blob: bytes) -> None:
    clock = FixedClock(START)
    path = tmp_path / "q.db"
    store = SQLiteStore(path, HALL.code, locality="441324", synchronous="OFF")
    engine = QueueEngine(HALL, make_policy(), store=store, clock=clock)
    engine.issue("A")
    clock.advance(days=1)
    engine.issue("A")  # closes yesterday, storing its facts
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE day_summaries SET facts = ?", (blob,))
    con.close()
    with pytest.raises(QueueStoreError, match="stored facts"):
        recorded_kpis(store, day=START.date())
    store.close()
