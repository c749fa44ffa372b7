"""A queue writer run as a separate process by the crash and concurrency tests.

Usage: ``python _worker.py STORE GO MODE WINDOW SEED COUNT``: STORE is a SQLite file or
``postgres:SCHEMA:URL``; in ``concurrent`` and ``race`` mode the worker starts once the
file GO exists. After each acknowledged command it prints ``ACK <seq> <type> <ticket>``
and flushes, so the parent knows what was committed. In ``race`` mode the worker calls the
chosen tickets ``A001`` … up to COUNT to its window in turn, printing ``WON <label>`` or
``LOST <label>`` for each, and serves each it won.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from govservice_std.errors import IllegalCommandError, NoTicketWaitingError
from govservice_std.halls import Hall
from govservice_std.queues.engine import QueueEngine
from govservice_std.queues.policy import BusinessLine, PriorityGroup, QueuePolicy
from govservice_std.queues.state import TicketStatus
from govservice_std.queues.stores.base import EventStore
from govservice_std.queues.stores.postgres import PostgresStore
from govservice_std.queues.stores.sqlite import SQLiteStore, Synchronous
from govservice_std.serialization import structure

HALL = "441324116"
WINDOWS = ("W1", "W2", "W3", "W4")


def hall() -> Hall:
    return structure(
        {
            "code": HALL,
            "name": "龙潭镇便民服务中心",
            "tier": "town",
            "division": HALL,
            "windows": [{"code": w, "kind": "comprehensive", "lines": ["A"]} for w in WINDOWS],
        },
        Hall,
    )


def policy() -> QueuePolicy:
    return QueuePolicy(
        lines=(BusinessLine(id="A", name="综合"),),
        priority_groups=(PriorityGroup(id="elderly", name="老年人"),),
    )


def open_store(
    spec: str,
    hall: str | None = None,
    *,
    locality: str | None = None,
    synchronous: Synchronous = "OFF",
) -> EventStore:
    """A store from a spec: a SQLite file, or ``postgres:SCHEMA:URL``."""
    if spec.startswith("postgres:"):
        _, schema, url = spec.split(":", 2)
        return PostgresStore(url, hall, locality=locality, schema=schema)
    return SQLiteStore(spec, hall, locality=locality, synchronous=synchronous)


def engine(spec: str, synchronous: Synchronous = "FULL") -> QueueEngine:
    store = open_store(spec, HALL, locality="441324", synchronous=synchronous)
    return QueueEngine(hall(), policy(), store=store)


def main(argv: list[str]) -> None:
    spec, go, mode, window = argv[1], Path(argv[2]), argv[3], argv[4]
    seed, count = int(argv[5]), int(argv[6])
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    e = engine(spec, "NORMAL" if mode in ("concurrent", "race") else "FULL")
    if mode in ("concurrent", "race"):
        # Start together with the other workers, so that their commands interleave.
        print("READY", flush=True)
        while not go.exists():
            time.sleep(0.005)
    if mode == "race":
        race(e, window, count, rng)
        return
    done = 0
    while count < 0 or done < count:
        if mode == "concurrent" and done == count // 2:
            halfway(e, len(WINDOWS) * done)
        win = e.window(window)
        if win.ticket is not None:
            current = e.ticket(win.ticket)
            if current.status is TicketStatus.CALLED:
                command, ticket = "started", e.start(current.id)
            else:
                command, ticket = "finished", e.finish(current.id)
        else:
            command = "issued"
            if not (mode == "concurrent" and done % 2 == 0) and rng.random() < 0.6:
                try:
                    command, ticket = "called", e.call_next(window)
                except NoTicketWaitingError:
                    command = "issued"
            if command == "issued":
                ticket = e.issue("A", priority="elderly" if rng.random() < 0.3 else None)
        print(f"ACK {e.last_seq} {command} {ticket.id}", flush=True)
        done += 1


def halfway(e: QueueEngine, events: int) -> None:
    """Wait until every concurrent worker is halfway (the store holds ``events`` events).

    The workers then really interleave, whatever the scheduler does: no worker writes its
    second half before all have written their first, so both halves hold every worker's
    commands. Without it, on a busy machine one worker could run all its commands while the
    others wait for a core, and the test would see them one after the other.
    """
    deadline = time.monotonic() + 60
    while True:
        e.refresh()
        if e.last_seq >= events or time.monotonic() > deadline:
            return
        time.sleep(0.002)


def race(e: QueueEngine, window: str, count: int, rng: random.Random) -> None:
    """Call the chosen tickets A001 … to ``window``; report which calls this window won."""
    for number in range(1, count + 1):
        label = f"A{number:03d}"
        try:
            ticket = e.call_ticket(window, label, reason="race")
        except IllegalCommandError:
            print(f"LOST {label}", flush=True)
        else:
            print(f"WON {label}", flush=True)
            e.start(ticket.id)
            e.finish(ticket.id)
        # A random pause after each attempt keeps both windows near the same label, and
        # lets either be first to it: they race.
        time.sleep(rng.uniform(0.0, 0.006))


if __name__ == "__main__":
    main(sys.argv)
