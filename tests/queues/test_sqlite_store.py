from __future__ import annotations

import itertools
import os
import random
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from govservice_std.errors import QueueStoreError
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import ServiceFinished, TicketCalled, TicketIssued
from govservice_std.queues.state import QueueState, TicketStatus
from govservice_std.queues.stores.sqlite import SQLiteStore

from . import _worker
from .conftest import make_hall, make_policy

WORKER = Path(_worker.__file__)
HALL = "441324116"


def _sql_engine(path: Path, clock: FixedClock) -> QueueEngine:
    store = SQLiteStore(path, HALL, locality="441324", synchronous="OFF")
    return QueueEngine(make_hall(), make_policy(), store=store, clock=clock)


def test_reopen_replays_the_same_state(tmp_path: Path, clock: FixedClock) -> None:
    db = tmp_path / "hall.db"
    engine = _sql_engine(db, clock)
    engine.open_window("W1")
    a = engine.issue("A")
    engine.issue("B", priority="elderly")
    engine.call_next("W1")
    engine.start(engine.window("W1").ticket or "")
    engine.transfer(a.id, "C")
    before = engine.state.tickets()
    engine.store.close()
    again = QueueEngine(make_hall(), make_policy(), store=SQLiteStore(db), clock=clock)
    assert again.state.tickets() == before
    assert again.state.windows() == engine.state.windows()
    assert again.last_seq == engine.last_seq
    assert SQLiteStore.halls(db) == {HALL: "441324"}
    again.store.close()


def test_two_engines_share_one_database(tmp_path: Path, clock: FixedClock) -> None:
    db = tmp_path / "hall.db"
    kiosk = _sql_engine(db, clock)
    window = _sql_engine(db, clock)
    kiosk.open_window("W1")
    t = kiosk.issue("A")
    # The window terminal never saw the issue; it reads it inside its transaction.
    assert window.call_next("W1").id == t.id
    assert kiosk.issue("A").label == "A002"
    kiosk.refresh()
    assert kiosk.ticket(t.id).status is TicketStatus.CALLED


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


def _acks(lines: list[str]) -> list[tuple[int, str, str]]:
    out = []
    for line in lines:
        parts = line.split()
        if len(parts) == 4 and parts[0] == "ACK":
            out.append((int(parts[1]), parts[2], parts[3]))
    return out


def _check_record(db: Path, acked: list[tuple[int, str, str]]) -> list[tuple[int, object]]:
    store = SQLiteStore(db)
    events = store.read()
    store.close()
    seqs = [seq for seq, _ in events]
    assert seqs == sorted(set(seqs))
    by_seq = dict(events)
    for seq, kind, ticket in acked:
        assert seq in by_seq, f"acknowledged event {seq} lost"
        assert by_seq[seq].type == kind
        assert getattr(by_seq[seq], "ticket", None) == ticket
    issued = [e for _, e in events if isinstance(e, TicketIssued)]
    assert len({(e.line, e.day, e.number) for e in issued}) == len(issued)
    calls = Counter(e.ticket for _, e in events if isinstance(e, TicketCalled))
    assert max(calls.values(), default=0) <= 1
    finishes = Counter(e.ticket for _, e in events if isinstance(e, ServiceFinished))
    assert max(finishes.values(), default=0) <= 1
    state = QueueState()
    for _, event in events:
        state.apply(event)  # the record folds cleanly
    return events  # type: ignore[return-value]


def _setup_db(db: Path) -> None:
    engine = _worker.engine(str(db))
    for w in _worker.WINDOWS:
        engine.open_window(w)
    engine.store.close()


def test_killed_writer_loses_no_acknowledged_command(tmp_path: Path) -> None:
    db = tmp_path / "hall.db"
    _setup_db(db)
    rng = random.Random(20260302)  # noqa: S311 - test data, not secrets
    acked: list[tuple[int, str, str]] = []
    for round_ in range(12):
        proc = subprocess.Popen(
            [sys.executable, str(WORKER), str(db), "crash", "W1", str(round_), "-1"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        want = rng.randint(1, 80)
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if len(lines) >= want:
                break
        os.kill(proc.pid, signal.SIGKILL)  # mid-stream: it is writing as fast as it can
        lines.extend(proc.stdout.read().splitlines())
        proc.wait()
        proc.stdout.close()
        acked.extend(_acks(lines))
        events = _check_record(db, acked)
        # Replay gives the state of the last acknowledged command, plus at most the one
        # command that was committed but not yet acknowledged when the process died.
        assert len(events) - len([e for e in events if e[0] <= acked[-1][0]]) <= 1
    assert len(acked) >= 12


def test_processes_issue_and_call_concurrently(tmp_path: Path) -> None:
    db = tmp_path / "hall.db"
    _setup_db(db)
    per_process = 100
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), str(db), "concurrent", w, str(i), str(per_process)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for i, w in enumerate(_worker.WINDOWS)
    ]
    for proc in procs:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "READY"
    Path(f"{db}.go").touch()
    acked: list[tuple[int, str, str]] = []
    writer: dict[int, int] = {}
    for index, proc in enumerate(procs):
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        mine = _acks(out.splitlines())
        writer.update((seq, index) for seq, _, _ in mine)
        acked.extend(mine)
    assert len(acked) == per_process * len(procs)
    # The writers really did interleave (each command re-read the others' events).
    order = [writer[seq] for seq in sorted(writer)]
    switches = sum(1 for a, b in itertools.pairwise(order) if a != b)
    assert switches >= len(procs)
    assert len({seq for seq, _, _ in acked}) == len(acked)
    events = _check_record(db, acked)
    issued = [e for _, e in events if isinstance(e, TicketIssued)]
    # Numbers are gapless: every process saw the others' tickets before numbering its own.
    assert sorted(e.number for e in issued) == list(range(1, len(issued) + 1))
    issued_acks = {t for _, kind, t in acked if kind == "issued"}
    assert issued_acks == {e.ticket for e in issued}
