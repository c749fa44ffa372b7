"""The durable stores' shared suite: the same tests on SQLite and on PostgreSQL.

Replay, two terminals on one database, the database's own refusal of a duplicate number,
killed writers that lose no acknowledged command, and several processes issuing and calling
at once with gap-free numbers and every ticket called by one window.
"""

from __future__ import annotations

import itertools
import os
import random
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from govservice_std.errors import QueueStoreError
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import ServiceFinished, TicketCalled, TicketIssued
from govservice_std.queues.state import QueueState, TicketStatus
from govservice_std.queues.stores.base import StoredEvent

from . import _worker
from .conftest import Backend, make_hall, make_policy

WORKER = Path(_worker.__file__)
HALL = "441324116"


def _engine(backend: Backend, clock: FixedClock) -> QueueEngine:
    store = backend.open(HALL, locality="441324")
    return QueueEngine(make_hall(), make_policy(), store=store, clock=clock)


def test_reopen_replays_the_same_state(backend: Backend, clock: FixedClock) -> None:
    engine = _engine(backend, clock)
    engine.open_window("W1")
    a = engine.issue("A")
    engine.issue("B", priority="elderly")
    engine.call_next("W1")
    engine.start(engine.window("W1").ticket or "")
    engine.transfer(a.id, "C")
    # The front-desk events, with their staff, reasons, targets and placements.
    engine.sign_in("W2", "li")
    b = engine.issue("A")
    engine.call_ticket("W2", b.id, reason="材料已预审")
    engine.park(b.id)
    engine.resume(b.id)
    engine.start(b.id)
    engine.transfer(b.id, window="W3", placement="first")
    engine.transfer(a.id, staff="li", placement="last")
    engine.sign_out("W2")
    before = engine.state.tickets()
    record = engine.events()
    engine.store.close()
    again = QueueEngine(make_hall(), make_policy(), store=backend.open(), clock=clock)
    assert again.state.tickets() == before
    assert again.state.windows() == engine.state.windows()
    assert again.last_seq == engine.last_seq
    # Times come back with the offset they were written with.
    assert again.events() == record
    assert again.ticket(a.id).issued_at.utcoffset() == clock.now.utcoffset()
    again.store.close()


def test_two_engines_share_one_database(backend: Backend, clock: FixedClock) -> None:
    kiosk = _engine(backend, clock)
    window = _engine(backend, clock)
    kiosk.open_window("W1")
    t = kiosk.issue("A")
    # The window terminal never saw the issue; it reads it inside its transaction.
    assert window.call_next("W1").id == t.id
    assert kiosk.issue("A").label == "A002"
    kiosk.refresh()
    assert kiosk.ticket(t.id).status is TicketStatus.CALLED
    kiosk.store.close()
    window.store.close()


def test_stale_decision_is_refused(backend: Backend, clock: FixedClock) -> None:
    engine = _engine(backend, clock)
    engine.issue("A")
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
    assert engine.issue("A").label == "A002"
    engine.store.close()


def _acks(lines: list[str]) -> list[tuple[int, str, str]]:
    out = []
    for line in lines:
        parts = line.split()
        if len(parts) == 4 and parts[0] == "ACK":
            out.append((int(parts[1]), parts[2], parts[3]))
    return out


def _check_record(backend: Backend, acked: list[tuple[int, str, str]]) -> list[StoredEvent]:
    store = backend.open()
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
    return events


def _setup(backend: Backend) -> None:
    engine = _worker.engine(backend.spec)
    for w in _worker.WINDOWS:
        engine.open_window(w)
    engine.store.close()


def test_killed_writer_loses_no_acknowledged_command(backend: Backend, tmp_path: Path) -> None:
    _setup(backend)
    rng = random.Random(20260302)  # noqa: S311 - test data, not secrets
    acked: list[tuple[int, str, str]] = []
    go = tmp_path / "go"
    for round_ in range(12):
        proc = subprocess.Popen(
            [sys.executable, str(WORKER), backend.spec, str(go), "crash", "W1", str(round_), "-1"],
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
        events = _check_record(backend, acked)
        # Replay gives the state of the last acknowledged command, plus at most the one
        # command that was committed but not yet acknowledged when the process died.
        assert len(events) - len([e for e in events if e[0] <= acked[-1][0]]) <= 1
    assert len(acked) >= 12


def test_processes_issue_and_call_concurrently(backend: Backend, tmp_path: Path) -> None:
    _setup(backend)
    go = tmp_path / "go"
    per_process = 100
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(WORKER),
                backend.spec,
                str(go),
                "concurrent",
                w,
                str(i),
                str(per_process),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for i, w in enumerate(_worker.WINDOWS)
    ]
    for proc in procs:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "READY"
    go.touch()
    acked: list[tuple[int, str, str]] = []
    writer: dict[int, int] = {}
    for index, proc in enumerate(procs):
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        mine = _acks(out.splitlines())
        writer.update((seq, index) for seq, _, _ in mine)
        acked.extend(mine)
    assert len(acked) == per_process * len(procs)
    # The writers really did interleave (each command re-read the others' events); they
    # meet halfway, so each half holds every writer's commands (see _worker.halfway).
    order = [writer[seq] for seq in sorted(writer)]
    switches = sum(1 for a, b in itertools.pairwise(order) if a != b)
    assert switches >= len(procs)
    assert len({seq for seq, _, _ in acked}) == len(acked)
    events = _check_record(backend, acked)
    issued = [e for _, e in events if isinstance(e, TicketIssued)]
    # Numbers are gapless: every process saw the others' tickets before numbering its own.
    assert sorted(e.number for e in issued) == list(range(1, len(issued) + 1))
    issued_acks = {t for _, kind, t in acked if kind == "issued"}
    assert issued_acks == {e.ticket for e in issued}
    # Sequence numbers are gapless too: nothing was half-written.
    assert [seq for seq, _ in events] == list(range(1, len(events) + 1))


def test_two_windows_race_for_the_same_chosen_ticket(backend: Backend, tmp_path: Path) -> None:
    _setup(backend)
    count = 30
    engine = _worker.engine(backend.spec)
    for _ in range(count):
        engine.issue("A")
    engine.store.close()
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), backend.spec, str(go), "race", w, str(i), str(count)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for i, w in enumerate(("W1", "W2"))
    ]
    for proc in procs:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "READY"
    go.touch()
    outcomes: list[dict[str, str]] = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        outcomes.append({line.split()[1]: line.split()[0] for line in out.splitlines()})
    for number in range(1, count + 1):
        label = f"A{number:03d}"
        # Exactly one window won each chosen ticket; the other was refused.
        assert sorted(o[label] for o in outcomes) == ["LOST", "WON"]
    events = [e for _, e in backend.open().read()]
    calls = Counter(e.ticket for e in events if isinstance(e, TicketCalled))
    assert len(calls) == count
    assert set(calls.values()) == {1}
    assert all(e.reason == "race" for e in events if isinstance(e, TicketCalled))
    # Which window wins how many depends on the scheduler (on a loaded machine one
    # process may run through every label first); that each ticket has one winner
    # does not.
    assert sum(list(o.values()).count("WON") for o in outcomes) == count
