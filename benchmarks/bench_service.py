"""The hall service under a hall's terminals: latency, throughput and the board's delay.

Run: ``python benchmarks/bench_service.py [--terminals 50] [--seconds 20] [--postgres URL]``.

``govstd serve`` runs the 龙门县 county centre in a process of its own on loopback. The
terminals run in this process, each with its own connection and no think time (a closed
loop, so the service is as busy as the terminals can make it):

* one **counter** per window (up to a fifth of the terminals): call the next ticket, start,
  finish — and again; a window with nobody waiting asks again 50 ms later;
* **kiosks** (half of the rest): take a ticket in one of the lines the windows serve, then read
  the queue's status as a kiosk screen does;
* **phones** (the others): read the ticket they were given, as a position page does;
* one **display board** listening to the Server-Sent Events: the delay from a counter sending
  its call to the board receiving it is the call-to-display delay.

The run is bounded in time (``--seconds``) and in requests (``--max-requests``). It prints,
per command, the count and the p50/p90/p99 latency, the write commands per second, the
display delay, and — measured in the same run — the write commands per second of the same
commands (issue, call, start, finish) run directly on the library's engine and store, with
the same durability: the HTTP service's cost over the library itself.

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
import socket
import subprocess
import sys
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

HALL = "441324"
DRILL = "2026-03-02T09:00:00+08:00"


def uncapped_lines() -> set[str]:
    """The county centre's lines without a daily cap: a capped line stops issuing mid-run."""
    policy = load_registry().resolve("441324").queue_policy
    return {line.id for line in policy.lines if getattr(line, "daily_cap", None) is None}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(db: str, log: Path) -> Iterator[str]:
    port = _free_port()
    command = [
        sys.executable, "-m", "govservice_std", "serve", "441324", "--hall", HALL,
        "--db", db, "--port", str(port), "--at", DRILL,
    ]  # fmt: skip
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=sink)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/hall", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise SystemExit(f"the service did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


class Run:
    """What the terminals measured."""

    def __init__(self, seconds: float, max_requests: int) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.server: list[float] = []
        self.requests = 0
        self.writes = 0
        self.max_requests = max_requests
        self.stop_at = time.perf_counter() + seconds
        self.call_sent: dict[tuple[str, str], float] = {}
        self.display: list[float] = []
        self.errors: dict[int, int] = defaultdict(int)
        self.tickets: list[str] = []

    def done(self) -> bool:
        return self.requests >= self.max_requests or time.perf_counter() >= self.stop_at

    async def timed(
        self, client: httpx.AsyncClient, name: str, method: str, path: str, **kw: object
    ) -> httpx.Response:
        start = time.perf_counter()
        response = await client.request(method, path, **kw)  # type: ignore[arg-type]
        self.latencies[name].append(time.perf_counter() - start)
        timing = response.headers.get("server-timing", "")
        if timing.startswith("app;dur="):
            self.server.append(float(timing[8:]) / 1000)
        self.requests += 1
        if method == "POST" and response.status_code < 300:
            self.writes += 1
        if response.status_code >= 500:
            self.errors[response.status_code] += 1
        return response


async def counter(run: Run, base: str, token: str, window: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        while not run.done():
            sent = time.perf_counter()
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
            if run.done():
                return
            if not line.startswith("data:"):
                continue
            notice = json.loads(line[5:])
            if notice["type"] == "called":
                sent = run.call_sent.get((notice["ticket"], notice["window"]))
                if sent is not None:
                    run.display.append(time.perf_counter() - sent)


async def drive(base: str, db: str, terminals: int, seconds: float, max_requests: int) -> Run:
    tokens = TokenStore(db)
    manager = tokens.create("manager", HALL)[0]
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        hall = (await client.get("/api/v1/hall")).json()
    free = uncapped_lines()
    windows = [w for w in hall["windows"] if w["lines"] and set(w["lines"]) <= free]
    n_counters = max(1, min(len(windows), terminals // 5))
    windows = windows[:n_counters]
    lines = sorted({line for w in windows for line in w["lines"]})
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        for w in windows:
            await client.post(f"/api/v1/queue/windows/{w['code']}/open",
                              headers={"Authorization": f"Bearer {manager}"})  # fmt: skip
    rest = terminals - n_counters
    n_kiosks = max(1, rest // 2)
    n_phones = max(0, rest - n_kiosks)
    run = Run(seconds, max_requests)
    ready = asyncio.Event()
    board_task = asyncio.create_task(board(run, base, ready))
    await asyncio.wait_for(ready.wait(), 30)
    kiosk_token = tokens.create("kiosk", HALL)[0]
    tasks = [
        *(counter(run, base, tokens.create("counter", HALL, window=w["code"])[0], w["code"])
          for w in windows),
        *(kiosk(run, base, kiosk_token, lines, i) for i in range(n_kiosks)),
        *(phone(run, base, i) for i in range(n_phones)),
    ]  # fmt: skip
    started = time.perf_counter()
    await asyncio.gather(*tasks)
    run.elapsed = time.perf_counter() - started  # type: ignore[attr-defined]
    await asyncio.sleep(0.5)  # let the board receive the last calls
    board_task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await board_task
    return run


def direct(db_spec: str, commands: int) -> float:
    """Write commands per second on the library directly: issue, call, start, finish."""
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


def report(name: str, run: Run, direct_rate: float, terminals: int) -> None:
    elapsed = getattr(run, "elapsed", 1.0)
    print(f"\n== {name}: {terminals} terminals, {run.requests} requests in {elapsed:.1f} s")
    print(f"{'command':<8} {'count':>7} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}")
    every: list[float] = []
    for command in ("issue", "call", "start", "finish", "status", "ticket"):
        values = run.latencies.get(command, [])
        every += values
        if values:
            print(f"{command:<8} {len(values):>7} {pct(values, .5) * 1e3:>8.1f} "
                  f"{pct(values, .9) * 1e3:>8.1f} {pct(values, .99) * 1e3:>8.1f}")  # fmt: skip
    p99 = pct(every, 0.99) * 1e3
    http_rate = run.writes / elapsed
    print(f"all requests p99: {p99:.1f} ms (target < 100 ms), as the terminals saw it")
    if run.server:
        print(f"time inside the service (Server-Timing): p50 {pct(run.server, .5) * 1e3:.1f} ms, "
              f"p99 {pct(run.server, .99) * 1e3:.1f} ms")  # fmt: skip
    print(f"HTTP write commands/s: {http_rate:,.0f}")
    print(f"direct API (same commands, same kind of store, fresh): {direct_rate:,.0f}/s")
    print(f"HTTP / direct = {http_rate / direct_rate:.0%} (target >= 50%)")
    if run.display:
        print(f"call-to-display delay: p50 {pct(run.display, .5) * 1e3:.0f} ms, "
              f"p99 {pct(run.display, .99) * 1e3:.0f} ms over {len(run.display)} calls "
              "(target p99 < 1 s)")  # fmt: skip
    else:
        print("call-to-display delay: no calls reached the board")
    if run.errors:
        print(f"server errors: {dict(run.errors)}")


def bench(
    name: str, db_spec: str, direct_spec: str, args: argparse.Namespace, folder: Path
) -> None:
    # The service on one fresh database, then the same commands directly on another.
    open_store(db_spec, HALL, locality="441324").close()
    with serving(db_spec, folder / f"serve-{name}.log") as base:
        run = asyncio.run(drive(base, db_spec, args.terminals, args.seconds, args.max_requests))
    rate = direct(direct_spec, max(400, run.writes))
    report(name, run, rate, args.terminals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terminals", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("GOVSERVICE_STD_TEST_POSTGRES_URL"),
        help="a PostgreSQL URL to run the same load on (default: the test server's, if set)",
    )
    args = parser.parse_args()
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
