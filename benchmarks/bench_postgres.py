"""Concurrent clients on one hall: PostgreSQL beside SQLite, in the same run.

Run: ``python benchmarks/bench_postgres.py [--clients 4] [--tickets 200] [--url URL]``
(``--url`` defaults to ``GOVSERVICE_STD_TEST_POSTGRES_URL``; ``.ci/with-postgres`` starts
a throw-away server: ``.ci/with-postgres .venv/bin/python benchmarks/bench_postgres.py``).

Each client is its own process with its own engine and store on the same hall, as the
terminals of a busy hall are: it serves its own window and, for every ticket, issues one
(a kiosk), calls the next ticket to its window, starts and finishes it. Every command is a
transaction that waits for the hall's lock (SQLite's write lock; PostgreSQL's row lock on
the hall), re-reads what the other clients appended and commits durably. The benchmark
prints tickets per second for the whole hall and each command's latency percentiles, and
checks the record afterwards: gap-free numbers, each ticket called once.

Then it loads a county's day (13 halls of 600 tickets by default; the figures are made up
for the benchmark) and times the county-wide KPI query against reading and folding every
hall in Python.

The SQLite store runs with its default ``synchronous=FULL``; the PostgreSQL server with
whatever durability it is configured for (the CI server runs with ``fsync=off``, so its
figures there are an upper bound).
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
import timeit
import uuid
from collections import Counter
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from govservice_std.errors import NoTicketWaitingError
from govservice_std.halls import Hall
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import CHINA_TZ, Event, TicketCalled, TicketIssued
from govservice_std.queues.kpis import kpis_from_events
from govservice_std.queues.policy import BusinessLine, QueuePolicy
from govservice_std.queues.stores.base import EventStore, StoredEvent
from govservice_std.queues.stores.postgres import PostgresStore, locality_kpis, migrate
from govservice_std.queues.stores.sqlite import SQLiteStore
from govservice_std.serialization import structure

HALL_CODE = "441324116"
COMMANDS = ("issue", "call", "start", "finish")
START = dt.datetime(2026, 3, 2, 8, 30, tzinfo=CHINA_TZ)


def hall(clients: int) -> Hall:
    windows = [
        {"code": f"W{i + 1:02d}", "kind": "comprehensive", "lines": ["A"]} for i in range(clients)
    ]
    return structure(
        {
            "code": HALL_CODE,
            "name": "龙潭镇便民服务中心",
            "tier": "town",
            "division": HALL_CODE,
            "windows": windows,
        },
        Hall,
    )


POLICY = QueuePolicy(lines=(BusinessLine(id="A", name="综合", number_width=6),))


def open_store(spec: str) -> EventStore:
    if spec.startswith("postgres:"):
        _, schema, url = spec.split(":", 2)
        return PostgresStore(url, HALL_CODE, locality="441324", schema=schema)
    return SQLiteStore(spec, HALL_CODE, locality="441324")


def client(job: tuple[str, int, int, int], start: Any, out: Any) -> None:
    """One terminal: ``tickets`` times issue, call, start, finish; report latencies."""
    spec, clients, index, tickets = job
    engine = QueueEngine(hall(clients), POLICY, store=open_store(spec))
    window = f"W{index + 1:02d}"
    latencies: dict[str, list[float]] = {c: [] for c in COMMANDS}
    start.wait()
    clock = time.perf_counter
    for _ in range(tickets):
        t0 = clock()
        engine.issue("A")
        t1 = clock()
        latencies["issue"].append(t1 - t0)
        try:
            ticket = engine.call_next(window)
        except NoTicketWaitingError:  # the others took every waiting ticket
            continue
        t2 = clock()
        latencies["call"].append(t2 - t1)
        engine.start(ticket.id)
        t3 = clock()
        latencies["start"].append(t3 - t2)
        engine.finish(ticket.id)
        latencies["finish"].append(clock() - t3)
    engine.store.close()
    out.put(latencies)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def run(name: str, spec: str, clients: int, tickets: int) -> dict[str, Any]:
    setup = QueueEngine(hall(clients), POLICY, store=open_store(spec))
    for w in setup.hall.windows:
        setup.open_window(w.code)
    setup.store.close()
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    out = ctx.Queue()
    procs = [
        ctx.Process(target=client, args=((spec, clients, i, tickets), start, out))
        for i in range(clients)
    ]
    for p in procs:
        p.start()
    time.sleep(1.0)  # let every client import and connect before the clock starts
    began = time.perf_counter()
    start.set()
    results = [out.get(timeout=600) for _ in procs]
    elapsed = time.perf_counter() - began
    for p in procs:
        p.join()
    store = open_store(spec)
    events = [e for _, e in store.read()]
    store.close()
    issued = [e for e in events if isinstance(e, TicketIssued)]
    numbers = sorted(e.number for e in issued)
    calls = Counter(e.ticket for e in events if isinstance(e, TicketCalled))
    assert numbers == list(range(1, len(numbers) + 1)), "numbers have gaps or duplicates"
    assert max(calls.values(), default=1) == 1, "a ticket was called twice"
    merged = {c: [v for r in results for v in r[c]] for c in COMMANDS}
    every = [v for c in COMMANDS for v in merged[c]]
    return {
        "name": name,
        "tickets": len(issued),
        "commands": len(every),
        "seconds": elapsed,
        "latency": {c: merged[c] for c in COMMANDS} | {"all": every},
    }


def report(result: dict[str, Any]) -> None:
    rate = result["tickets"] / result["seconds"]
    commands = result["commands"] / result["seconds"]
    print(
        f"{result['name']:>10}: {result['tickets']} tickets in {result['seconds']:.2f} s = "
        f"{rate:,.0f} tickets/s ({commands:,.0f} commands/s)"
    )
    for command, values in result["latency"].items():
        if not values:
            continue
        ms = [v * 1000 for v in values]
        print(
            f"{'':>12}{command:>7}: p50 {percentile(ms, 50):7.2f} ms  "
            f"p90 {percentile(ms, 90):7.2f} ms  p99 {percentile(ms, 99):7.2f} ms  "
            f"mean {statistics.fmean(ms):7.2f} ms"
        )


def county_day(url: str, schema: str, halls: int, per_hall: int) -> None:
    """A county's day (``halls`` halls, ``per_hall`` tickets each) aggregated in one query.

    The peer is the same figures computed in Python: every hall's events read back and
    folded (:func:`~govservice_std.queues.kpis.kpis_from_events`).
    """
    day = START.date()
    total = 0
    for h in range(halls):
        code = f"441324{101 + h:03d}"
        the_hall = structure({**_hall_data(hall(4)), "code": code, "division": code}, Hall)
        clock = FixedClock(START)
        memory = QueueEngine(the_hall, POLICY, clock=clock)
        for w in the_hall.windows:
            memory.open_window(w.code)
        for i in range(per_hall):
            clock.advance(seconds=30)
            memory.issue("A")
            if i >= 8:  # a queue of eight builds up, then every window keeps calling
                window = the_hall.windows[i % 4].code
                current = memory.window(window).ticket
                if current is not None:
                    memory.start(current)
                    memory.finish(current)
                memory.call_next(window)
        events = [e for _, e in memory.events()]
        total += len(events)
        store = PostgresStore(url, code, locality="441324", schema=schema)
        store.execute(0, partial(_all, events))  # one bulk transaction
        store.close()
    print(f"county day: {halls} halls, {halls * per_hall} tickets, {total} events")

    def sql() -> None:
        locality_kpis(url, "441324", day, schema=schema)

    def python() -> None:
        for h in range(halls):
            store = PostgresStore(url, f"441324{101 + h:03d}", schema=schema)
            kpis_from_events([e for _, e in store.read()], hall=store.hall, now=START, day=day)
            store.close()

    for name, fn in (("locality_kpis (SQL)", sql), ("read + fold (Python)", python)):
        best = min(timeit.repeat(fn, number=1, repeat=5))
        print(f"{name:>24}: {best * 1000:8.1f} ms (best of 5)")


def _all(events: list[Event], _pending: Sequence[StoredEvent]) -> list[Event]:
    return events


def _hall_data(h: Hall) -> dict[str, Any]:
    return {
        "name": h.name,
        "tier": "town",
        "windows": [{"code": w.code, "kind": "comprehensive", "lines": ["A"]} for w in h.windows],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=4, help="client processes")
    parser.add_argument("--tickets", type=int, default=200, help="tickets per client")
    parser.add_argument("--url", default=os.environ.get("GOVSERVICE_STD_TEST_POSTGRES_URL"))
    parser.add_argument("--county-halls", type=int, default=13, help="halls in the county day")
    parser.add_argument(
        "--county-tickets", type=int, default=600, help="tickets per hall in the county day"
    )
    args = parser.parse_args()
    print(f"{args.clients} clients on one hall, {args.tickets} tickets each (4 commands each)")
    with tempfile.TemporaryDirectory() as tmp:
        report(run("SQLite", str(Path(tmp) / "hall.db"), args.clients, args.tickets))
    if not args.url:
        print("PostgreSQL: skipped (no --url and no GOVSERVICE_STD_TEST_POSTGRES_URL)")
        sys.exit(0)
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    migrate(args.url, schema=schema)
    try:
        report(run("PostgreSQL", f"postgres:{schema}:{args.url}", args.clients, args.tickets))
        county_day(args.url, schema, args.county_halls, args.county_tickets)
    finally:
        with psycopg.connect(args.url) as con:
            con.execute(f'DROP SCHEMA "{schema}" CASCADE')


if __name__ == "__main__":
    main()
