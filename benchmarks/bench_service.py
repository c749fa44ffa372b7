"""The hall service under a hall's terminals: latency, throughput and the board's delay.

Run: ``python benchmarks/bench_service.py [--terminals 50] [--seconds 20] [--postgres URL]
[--client auto|wrk|python] [--workers 1]``.

``govstd serve`` runs the 龙门县 county centre in a process of its own on loopback. The
terminals run in a load generator of their own, each with its own connection and no think
time (a closed loop, so the service is as busy as the terminals can make it):

* one **counter** per window (up to a fifth of the terminals): call the next ticket, start,
  finish — and again; a window with nobody waiting asks again 50 ms later;
* **kiosks** (half of the rest): take a ticket in one of the lines the windows serve, then read
  the queue's status as a kiosk screen does;
* **phones** (the others): take a ticket, then read it as a position page does (a new ticket
  every 50 reads with ``wrk``; the Python terminals read the kiosks' tickets);
* one **display board** listening to the Server-Sent Events in this process: the delay from a
  counter sending its call to the board receiving it is the call-to-display delay.

The load generator is ``wrk`` (C, one thread and one connection per terminal, driven by
``service_day.lua``) when it is installed, so that the client does not take the cores the
service needs; otherwise, or with ``--client python``, the terminals are Python coroutines in
this process (as in the test suite's tiny run). The run is bounded in time (``--seconds``)
and in requests (``--max-requests``, shared among the terminals). It prints, per command,
the count and the p50/p90/p99 latency, the write commands per second, the display delay,
and — measured in the same run — the write commands per second of the same commands (issue,
call, start, finish) run directly on the library's engine and store, each command its own
durable transaction: the HTTP service's cost over the library itself.

The service commits the commands pending together in one transaction (a group commit: one
lock and one sync for all of them, each command still decided, answered and refused on its
own, and answered only once durable). The direct line runs one command at a time, as a
single caller of the library does; HTTP / direct therefore compares the service under many
terminals with one caller of the library, both with every acknowledged command durable.

Targets: p99 < 100 ms with 50 terminals; HTTP write throughput >= 50 % of the direct API's;
display delay p99 < 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import httpx

from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import CHINA_TZ
from govservice_std.registry import load_registry
from govservice_std.web.app import open_store
from govservice_std.web.auth import TokenStore
from govservice_std.web.serving import serve_process

HALL = "441324"
DRILL = "2026-03-02T09:00:00+08:00"
LUA = Path(__file__).with_name("service_day.lua")
GROUP = 24  # commands a transaction in the reference line (the windows' rounds, 4 each)


def uncapped_lines() -> set[str]:
    """The county centre's lines without a daily cap: a capped line stops issuing mid-run."""
    policy = load_registry().resolve("441324").queue_policy
    return {line.id for line in policy.lines if getattr(line, "daily_cap", None) is None}


class Run:
    """What the terminals measured (times from the monotonic clock every process shares)."""

    def __init__(self, seconds: float, max_requests: int) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.server: list[float] = []
        self.requests = 0
        self.writes = 0
        self.max_requests = max_requests
        self.stop_at = time.monotonic() + seconds
        self.call_sent: dict[tuple[str, str], float] = {}
        self.shown: dict[tuple[str, str], float] = {}
        self.errors: dict[int, int] = defaultdict(int)
        self.tickets: list[str] = []
        self.elapsed = 1.0
        self.client = "python"

    def done(self) -> bool:
        return self.requests >= self.max_requests or time.monotonic() >= self.stop_at

    def count(self, name: str, method: str, status: int, took: float, server: str) -> None:
        self.latencies[name].append(took)
        if server.startswith("app;dur="):
            self.server.append(float(server[8:]) / 1000)
        self.requests += 1
        if method == "POST" and status < 300:
            self.writes += 1
        if status >= 500:
            self.errors[status] += 1

    async def timed(
        self, client: httpx.AsyncClient, name: str, method: str, path: str, **kw: object
    ) -> httpx.Response:
        start = time.monotonic()
        response = await client.request(method, path, **kw)  # type: ignore[arg-type]
        took = time.monotonic() - start
        self.count(name, method, response.status_code, took,
                   response.headers.get("server-timing", ""))  # fmt: skip
        return response

    @property
    def display(self) -> list[float]:
        """Call-to-display delays: a call sent by a counter, received by the board."""
        return [self.shown[key] - sent for key, sent in self.call_sent.items() if key in self.shown]


async def counter(run: Run, base: str, token: str, window: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        while not run.done():
            sent = time.monotonic()
            called = await run.timed(client, "call", "POST", f"/api/v1/queue/windows/{window}/call",
                                     json={})  # fmt: skip
            if called.status_code >= 300:
                await asyncio.sleep(0.05)
                continue
            ticket = called.json()
            run.call_sent[(ticket["label"], window)] = sent
            await run.timed(client, "start", "POST", f"/api/v1/queue/tickets/{ticket['id']}/start")
            await run.timed(client, "finish", "POST",
                            f"/api/v1/queue/tickets/{ticket['id']}/finish", json={})  # fmt: skip


async def kiosk(run: Run, base: str, token: str, lines: list[str], offset: int) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        n = offset
        while not run.done():
            line = lines[n % len(lines)]
            n += 1
            issued = await run.timed(client, "issue", "POST", "/api/v1/queue/tickets",
                                     json={"line": line})  # fmt: skip
            if issued.status_code == 201:
                run.tickets.append(issued.json()["id"])
            await run.timed(client, "status", "GET", "/api/v1/queue/status")


async def phone(run: Run, base: str, offset: int) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        n = offset
        while not run.done():
            if not run.tickets:
                await asyncio.sleep(0.05)
                continue
            ticket = run.tickets[n % len(run.tickets)]
            n += 7
            await run.timed(client, "ticket", "GET", f"/api/v1/queue/tickets/{ticket}")


async def board(run: Run, base: str, ready: asyncio.Event) -> None:
    async with (
        httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(30, read=None)) as client,
        client.stream("GET", "/api/v1/queue/events") as stream,
    ):
        ready.set()
        async for line in stream.aiter_lines():
            if not line.startswith("data:"):
                continue
            notice = json.loads(line[5:])
            if notice["type"] == "called":
                run.shown.setdefault((notice["ticket"], notice["window"]), time.monotonic())


class Terminals:
    """Who drives the hall: the windows to call at, the lines to issue in, the tokens."""

    def __init__(self, db: str, hall: dict[str, object], terminals: int) -> None:
        tokens = TokenStore(db)
        self.manager = tokens.create("manager", HALL)[0]
        free = uncapped_lines()
        windows = [
            w for w in hall["windows"]  # type: ignore[attr-defined]
            if w["lines"] and set(w["lines"]) <= free
        ]  # fmt: skip
        n_counters = max(1, min(len(windows), terminals // 5))
        self.windows: list[str] = [w["code"] for w in windows[:n_counters]]
        self.lines = sorted({line for w in windows[:n_counters] for line in w["lines"]})
        rest = terminals - n_counters
        self.kiosks = max(1, rest // 2)
        self.phones = max(0, rest - self.kiosks)
        self.kiosk = tokens.create("kiosk", HALL)[0]
        self.counters = {w: tokens.create("counter", HALL, window=w)[0] for w in self.windows}

    def plan(self) -> str:
        """The terminals, one a line, as service_day.lua reads them."""
        rows = [f"counter {self.counters[w]} {w}" for w in self.windows]
        for i in range(self.kiosks):
            turn = i % len(self.lines)
            rows.append(f"kiosk {self.kiosk} {','.join(self.lines[turn:] + self.lines[:turn])}")
        rows += [
            f"phone {self.kiosk} {self.lines[i % len(self.lines)]}" for i in range(self.phones)
        ]
        return "\n".join(rows) + "\n"

    @property
    def count(self) -> int:
        return len(self.windows) + self.kiosks + self.phones


async def python_terminals(run: Run, base: str, who: Terminals) -> None:
    tasks = [
        *(counter(run, base, who.counters[w], w) for w in who.windows),
        *(kiosk(run, base, who.kiosk, who.lines, i) for i in range(who.kiosks)),
        *(phone(run, base, i) for i in range(who.phones)),
    ]
    started = time.monotonic()
    await asyncio.gather(*tasks)
    run.elapsed = time.monotonic() - started


async def wrk_terminals(run: Run, base: str, who: Terminals, seconds: float, folder: Path) -> None:
    plan, out = folder / "plan.txt", folder / "wrk-out.txt"
    plan.write_text(who.plan())
    n = who.count
    env = {
        **os.environ,
        "GOVSTD_BENCH_PLAN": str(plan),
        "GOVSTD_BENCH_OUT": str(out),
        "GOVSTD_BENCH_MAX": str(max(1, run.max_requests // n)),
    }
    wrk = shutil.which("wrk") or "wrk"
    process = await asyncio.create_subprocess_exec(
        wrk, "-t", str(n), "-c", str(n), "-d", f"{max(1, round(seconds))}s", "--timeout", "10s",
        "-s", str(LUA), base,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await process.communicate()
    if process.returncode != 0 or not out.exists():
        raise SystemExit(f"wrk failed: {err.decode(errors='replace')}")
    run.client = f"wrk ({n} threads, one connection each)"
    for row in out.read_text().splitlines():
        kind, *rest = row.split()
        if kind == "r":
            name, status, took, server = rest
            method = "GET" if name in ("status", "ticket") else "POST"
            server = "" if server == "-" else f"app;dur={server}"
            run.count(name, method, int(status), float(took) / 1000, server)
        elif kind == "c":
            label, window, sent = rest
            run.call_sent[(label, window)] = float(sent)
        elif kind == "s":
            run.elapsed = float(rest[2])


async def drive(  # noqa: PLR0917 - the run's settings
    base: str, db: str, terminals: int, seconds: float, max_requests: int, client: str,
    folder: Path,
) -> Run:  # fmt: skip
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        hall = (await http.get("/api/v1/hall")).json()
        who = Terminals(db, hall, terminals)
        for w in who.windows:
            await http.post(f"/api/v1/queue/windows/{w}/open",
                            headers={"Authorization": f"Bearer {who.manager}"})  # fmt: skip
    run = Run(seconds, max_requests)
    ready = asyncio.Event()
    board_task = asyncio.create_task(board(run, base, ready))
    await asyncio.wait_for(ready.wait(), 30)
    if client == "wrk":
        await wrk_terminals(run, base, who, seconds, folder)
    else:
        await python_terminals(run, base, who)
    await asyncio.sleep(1.0)  # let the board receive the last calls
    board_task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await board_task
    return run


def direct(db_spec: str, commands: int, *, group: int = 1) -> float:
    """Write commands per second on the library directly: issue, call, start, finish.

    ``group`` commands share one transaction (``EventStore.batch``); 1: each its own.
    """
    registry = load_registry()
    store = open_store(db_spec, HALL, locality="441324")
    clock = FixedClock(dt.datetime(2026, 3, 3, 9, 0, tzinfo=CHINA_TZ))
    engine = QueueEngine.for_hall(
        registry.resolve("441324"), HALL, store=store, clock=clock, notify=False
    )
    free = uncapped_lines()
    windows = [w for w in engine.hall.windows if w.lines and set(w.lines) <= free]
    for w in windows:
        if not engine.window(w.code).open:
            engine.open_window(w.code)
    done = 0
    start = time.perf_counter()
    while done < commands:
        with store.batch() if group > 1 else contextlib.nullcontext():
            for _ in range(0, group, 4 * len(windows)) if group > 1 else (0,):
                for w in windows:
                    engine.issue(w.lines[0])
                    ticket = engine.call_next(w.code)
                    engine.start(ticket.id)
                    engine.finish(ticket.id)
                    done += 4
                    clock.advance(seconds=1)
    elapsed = time.perf_counter() - start
    store.close()
    return done / elapsed


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(name: str, run: Run, direct_rate: float, terminals: int, workers: int) -> None:
    elapsed = run.elapsed
    print(f"\n== {name}: {terminals} terminals ({run.client}), service with {workers} "
          f"worker process(es), group commit on; {run.requests} requests "
          f"in {elapsed:.1f} s")  # fmt: skip
    print(f"{'command':<8} {'count':>7} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}")
    every: list[float] = []
    for command in ("issue", "call", "start", "finish", "status", "ticket"):
        values = run.latencies.get(command, [])
        every += values
        if values:
            print(f"{command:<8} {len(values):>7} {pct(values, .5) * 1e3:>8.1f} "
                  f"{pct(values, .9) * 1e3:>8.1f} {pct(values, .99) * 1e3:>8.1f}")  # fmt: skip
    print(f"all requests: p50 {pct(every, .5) * 1e3:.1f} ms, "
          f"p90 {pct(every, .9) * 1e3:.1f} ms, p99 {pct(every, .99) * 1e3:.1f} ms "
          "(target p99 < 100 ms), as the terminals saw it")  # fmt: skip
    if run.server:
        print(f"time inside the service (Server-Timing): p50 {pct(run.server, .5) * 1e3:.1f} ms, "
              f"p99 {pct(run.server, .99) * 1e3:.1f} ms")  # fmt: skip
    http_rate = run.writes / elapsed
    print(f"HTTP write commands/s: {http_rate:,.0f} (grouped commits)")
    print(f"direct API (same commands, one durable transaction each, fresh store): "
          f"{direct_rate:,.0f}/s")  # fmt: skip
    print(f"HTTP / direct = {http_rate / direct_rate:.0%} (target >= 50%)")
    display = run.display
    if display:
        print(f"call-to-display delay: p50 {pct(display, .5) * 1e3:.0f} ms, "
              f"p99 {pct(display, .99) * 1e3:.0f} ms over {len(display)} calls "
              "(target p99 < 1 s), from the counter sending to the board process "
              "receiving")  # fmt: skip
    else:
        print("call-to-display delay: no calls reached the board")
    missed = len(run.call_sent) - len(display)
    if missed:
        print(f"calls the board did not receive: {missed}")
    if run.errors:
        print(f"server errors: {dict(run.errors)}")


def bench(
    name: str, db_spec: str, direct_spec: str, args: argparse.Namespace, folder: Path
) -> None:
    # The service on one fresh database, then the same commands directly on another.
    open_store(db_spec, HALL, locality="441324").close()
    log = folder / f"serve-{name}.log"
    with serve_process(db_spec, "441324", hall=HALL, at=DRILL, workers=args.workers,
                       log=log) as base:  # fmt: skip
        run = asyncio.run(
            drive(
                base, db_spec, args.terminals, args.seconds, args.max_requests, args.client, folder
            )
        )
    rate = direct(direct_spec, max(400, run.writes))
    grouped = direct(direct_spec, max(400, run.writes), group=GROUP)
    report(name, run, rate, args.terminals, args.workers)
    print(f"for reference, the direct API with {GROUP} commands a transaction: {grouped:,.0f}/s; "
          f"HTTP / that = {run.writes / run.elapsed / grouped:.0%}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terminals", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--max-requests", type=int, default=400_000)
    parser.add_argument("--workers", type=int, default=1, help="the service's worker processes")
    parser.add_argument(
        "--client",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="the load generator: wrk if installed (auto), or Python terminals",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("GOVSERVICE_STD_TEST_POSTGRES_URL"),
        help="a PostgreSQL URL to run the same load on (default: the test server's, if set)",
    )
    args = parser.parse_args()
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "python"
    elif args.client == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk), or use --client python")
    args.terminals = max(3, min(args.terminals, 200))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench("SQLite", str(folder / "hall.db"), str(folder / "direct.db"), args, folder)
        if args.postgres:
            with _fresh_database(args.postgres) as url, _fresh_database(args.postgres) as other:
                bench("PostgreSQL", url, other, args, folder)
        else:
            print("\n== PostgreSQL: skipped (give --postgres URL)")


@contextlib.contextmanager
def _fresh_database(url: str) -> Iterator[str]:
    """A new database on the server of ``url``, migrated, dropped afterwards."""
    import uuid

    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    from govservice_std.queues.stores.postgres import migrate

    name = f"govstd_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    # A postgresql:// URL naming the new database (the service tells PostgreSQL from SQLite
    # by the URL's scheme).
    params = {key: str(value) for key, value in conninfo_to_dict(url).items() if value is not None}
    user = params.get("user", "postgres")
    host, port = params.get("host", "127.0.0.1"), params.get("port", "5432")
    fresh = f"postgresql://{user}@{host}:{port}/{name}"
    try:
        migrate(fresh)
        yield fresh
    finally:
        with psycopg.connect(url, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
