"""The hall service under a hall's terminals: latency, throughput and the board's delay.

Run: ``python benchmarks/bench_service.py [--terminals 50] [--seconds 20] [--postgres URL]
[--client auto|wrk|python] [--workers 1] [--full 25]``.

``govstd serve`` runs the 龙门县 county centre in a process of its own on loopback. The
terminals run in a load generator of their own, each with its own connection and no think
time (a closed loop, so the service is as busy as the terminals can make it). Each store gets
two runs on fresh databases:

**A hall's day** — what the hall's screens do:

* one **counter** per window (up to a fifth of the terminals): call the next ticket, start,
  finish — and again; a window with nobody waiting asks again 50 ms later;
* **kiosks** (half of the rest): read the queue's status as a kiosk screen does, and take a
  ticket in the next line while fewer than ``--full`` tickets wait in it (a full hall: the
  kiosk reads the status again 50 ms later);
* **phones** (the others): take a ticket, then read its position as the position page does,
  until it is called; then take another;
* one **display board** listening to the Server-Sent Events in this process: the delay from a
  counter sending its call to the board receiving it is the call-to-display delay.

**Commands only** — the throughput of the queue's commands: the counters as above, and every
other terminal takes tickets, with no reads.

The load generator is ``wrk`` (C, one thread and one connection per terminal, driven by
``service_day.lua``) when it is installed, so that the client does not take the cores the
service needs; otherwise, or with ``--client python``, the terminals are Python coroutines in
this process (as in the test suite's tiny run). Each run is bounded in time (``--seconds``)
and in requests (``--max-requests``, shared among the terminals). It prints, per command,
the count and the p50/p90/p99 latency, the throughput and the display delay.

Each HTTP run is compared with **the same work done directly** on the library's engine and
store, in the same run, on a fresh store: the same commands and reads in the same
proportions (a command on the engine, a status read of the state, a ticket's position from
:meth:`QueueEngine.position`), with the same bound on the queue, each command its own durable
transaction as a single caller of the library does. HTTP / direct is the share of the
library's own throughput the service keeps while it also parses, authorizes, answers and
publishes every request. The service commits the commands pending together (a group commit:
one lock and one sync for all of them, each command still decided, answered and refused on
its own, and answered only once durable), so where a disk sync is slow the service can pass
the direct line.

Targets: p99 < 100 ms with 50 terminals; HTTP throughput of the commands (issuing and
serving) >= 50 % of the direct API's; display delay p99 < 1 s. The day's ratio, reads
included, is printed for information: a read costs the library microseconds and the HTTP
layer a fraction of a millisecond, so that ratio falls as the library's reads get faster.
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
from collections import defaultdict, deque
from collections.abc import Iterator
from pathlib import Path

import httpx

from govservice_std.errors import IllegalCommandError
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
WRITES = ("issue", "call", "start", "finish")
READS = ("status", "position")
DAY, COMMANDS = "a hall's day", "commands only"


def uncapped_lines() -> set[str]:
    """The county centre's lines without a daily cap: a capped line stops issuing mid-run."""
    policy = load_registry().resolve("441324").queue_policy
    return {line.id for line in policy.lines if getattr(line, "daily_cap", None) is None}


class Run:
    """What the terminals measured (times from the monotonic clock every process shares)."""

    def __init__(self, seconds: float, max_requests: int, full: int) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.server: list[float] = []
        self.requests = 0
        self.answered: dict[str, int] = defaultdict(int)
        self.max_requests = max_requests
        self.full = full
        self.stop_at = time.monotonic() + seconds
        self.call_sent: dict[tuple[str, str], float] = {}
        self.shown: dict[tuple[str, str], float] = {}
        self.errors: dict[int, int] = defaultdict(int)
        self.elapsed = 1.0
        self.client = "python"

    def done(self) -> bool:
        return self.requests >= self.max_requests or time.monotonic() >= self.stop_at

    def count(self, name: str, status: int, took: float, server: str) -> None:
        self.latencies[name].append(took)
        if server.startswith("app;dur="):
            self.server.append(float(server[8:]) / 1000)
        self.requests += 1
        if status < 300:
            self.answered[name] += 1
        if status >= 500:
            self.errors[status] += 1

    async def timed(
        self, client: httpx.AsyncClient, name: str, method: str, path: str, **kw: object
    ) -> httpx.Response:
        start = time.monotonic()
        response = await client.request(method, path, **kw)  # type: ignore[arg-type]
        took = time.monotonic() - start
        self.count(name, response.status_code, took, response.headers.get("server-timing", ""))
        return response

    @property
    def display(self) -> list[float]:
        """Call-to-display delays: a call sent by a counter, received by the board."""
        return [self.shown[key] - sent for key, sent in self.call_sent.items() if key in self.shown]

    @property
    def work(self) -> dict[str, int]:
        """The commands and reads answered with success, by kind: what the direct line redoes."""
        return {kind: self.answered.get(kind, 0) for kind in (*WRITES, *READS)}


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


async def kiosk(  # noqa: PLR0917 - a terminal's settings
    run: Run, base: str, token: str, lines: list[str], offset: int, reads: bool
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        n = offset
        while not run.done():
            line = lines[n % len(lines)]
            if reads:
                status = await run.timed(client, "status", "GET", "/api/v1/queue/status")
                if status.status_code == 200 and status.json()["waiting"][line] >= run.full:
                    await asyncio.sleep(0.05)  # the hall is full: look again
                    continue
            n += 1
            await run.timed(client, "issue", "POST", "/api/v1/queue/tickets", json={"line": line})


async def phone(run: Run, base: str, token: str, line: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        ticket: str | None = None
        while not run.done():
            if ticket is None:
                issued = await run.timed(client, "issue", "POST", "/api/v1/queue/tickets",
                                         json={"line": line})  # fmt: skip
                ticket = issued.json()["id"] if issued.status_code == 201 else None
                continue
            place = await run.timed(client, "position", "GET",
                                    f"/api/v1/queue/tickets/{ticket}/position")  # fmt: skip
            if place.status_code != 200:
                ticket = None  # called: take another


async def board(run: Run, base: str, ready: asyncio.Event) -> None:
    async with (
        httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(30, read=None)) as client,
        client.stream("GET", "/api/v1/queue/events?types=called") as stream,
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

    def __init__(self, db: str, hall: dict[str, object], terminals: int, mode: str) -> None:
        tokens = TokenStore(db)
        self.mode = mode
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
        self.kiosks = max(1, rest // 2) if mode == DAY else rest
        self.phones = max(0, rest - self.kiosks)
        self.kiosk = tokens.create("kiosk", HALL)[0]
        self.counters = {w: tokens.create("counter", HALL, window=w)[0] for w in self.windows}

    def plan(self, full: int) -> str:
        """The terminals, one a line, as service_day.lua reads them."""
        kiosk = "kiosk" if self.mode == DAY else "issuer"
        rows = [f"counter {self.counters[w]} {w} 0" for w in self.windows]
        for i in range(self.kiosks):
            turn = i % len(self.lines)
            lines = ",".join(self.lines[turn:] + self.lines[:turn])
            rows.append(f"{kiosk} {self.kiosk} {lines} {full}")
        rows += [
            f"phone {self.kiosk} {self.lines[i % len(self.lines)]} 0" for i in range(self.phones)
        ]
        return "\n".join(rows) + "\n"

    @property
    def count(self) -> int:
        return len(self.windows) + self.kiosks + self.phones


async def python_terminals(run: Run, base: str, who: Terminals) -> None:
    reads = who.mode == DAY
    tasks = [
        *(counter(run, base, who.counters[w], w) for w in who.windows),
        *(kiosk(run, base, who.kiosk, who.lines, i, reads) for i in range(who.kiosks)),
        *(phone(run, base, who.kiosk, who.lines[i % len(who.lines)]) for i in range(who.phones)),
    ]
    started = time.monotonic()
    await asyncio.gather(*tasks)
    run.elapsed = time.monotonic() - started


async def wrk_terminals(run: Run, base: str, who: Terminals, seconds: float, folder: Path) -> None:
    plan, out = folder / "plan.txt", folder / "wrk-out.txt"
    plan.write_text(who.plan(run.full))
    out.unlink(missing_ok=True)
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
            server = "" if server == "-" else f"app;dur={server}"
            run.count(name, int(status), float(took) / 1000, server)
        elif kind == "c":
            label, window, sent = rest
            run.call_sent[(label, window)] = float(sent)
        elif kind == "s":
            run.elapsed = float(rest[2])


async def drive(base: str, db: str, args: argparse.Namespace, mode: str, folder: Path) -> Run:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        hall = (await http.get("/api/v1/hall")).json()
        who = Terminals(db, hall, args.terminals, mode)
        for w in who.windows:
            await http.post(f"/api/v1/queue/windows/{w}/open",
                            headers={"Authorization": f"Bearer {who.manager}"})  # fmt: skip
    run = Run(args.seconds, args.max_requests, args.full)
    ready = asyncio.Event()
    board_task = asyncio.create_task(board(run, base, ready))
    await asyncio.wait_for(ready.wait(), 30)
    if args.client == "wrk":
        await wrk_terminals(run, base, who, args.seconds, folder)
    else:
        await python_terminals(run, base, who)
    await asyncio.sleep(1.0)  # let the board receive the last calls
    board_task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await board_task
    return run


class Direct:
    """The same work on the library directly: one engine, one store, one caller."""

    def __init__(self, db_spec: str) -> None:
        self.store = open_store(db_spec, HALL, locality="441324")
        self.clock = FixedClock(dt.datetime(2026, 3, 3, 9, 0, tzinfo=CHINA_TZ))
        self.engine = QueueEngine.for_hall(
            load_registry().resolve("441324"), HALL, store=self.store, clock=self.clock,
            notify=False,
        )  # fmt: skip
        free = uncapped_lines()
        self.windows = [w for w in self.engine.hall.windows if w.lines and set(w.lines) <= free]
        for w in self.windows:
            if not self.engine.window(w.code).open:
                self.engine.open_window(w.code)

    def close(self) -> None:
        self.store.close()

    def replay(self, work: dict[str, int], total: int) -> float:
        """Commands and reads per second doing ``work``'s mix, ``total`` of them in all.

        Kinds are interleaved in proportion (each next step is the kind furthest behind its
        share), so the queue grows as it did over HTTP (kept short where the tickets issued
        were about as many as those called); each command is its own durable transaction.
        """
        engine, clock, windows = self.engine, self.clock, self.windows
        share = {kind: n / max(1, sum(work.values())) for kind, n in work.items() if n}
        done = dict.fromkeys(share, 0)
        waiting: deque[tuple[str, str]] = deque()  # (ticket, window) not called yet
        called: deque[str] = deque()
        serving: deque[str] = deque()
        turn = 0
        start = time.perf_counter()
        for step in range(1, total + 1):
            kind = max(share, key=lambda k: share[k] * step - done[k])
            done[kind] += 1
            if kind == "issue" or (kind == "call" and not waiting):
                window = windows[turn % len(windows)]
                turn += 1
                waiting.append((engine.issue(window.lines[0]).id, window.code))
            elif kind == "call":
                _, window_code = waiting.popleft()
                called.append(engine.call_next(window_code).id)
            elif kind == "start" and called:
                ticket = called.popleft()
                engine.start(ticket)
                serving.append(ticket)
            elif kind == "finish" and serving:
                engine.finish(serving.popleft())
            elif kind == "status":
                engine.state.waiting_counts()
                for w in windows:
                    engine.state.window(w.code)
            elif kind == "position" and waiting:
                # A phone's ticket: on average halfway down the queue.
                with contextlib.suppress(IllegalCommandError):
                    engine.position(waiting[len(waiting) // 2][0])
            clock.advance(seconds=0.01)
        return total / (time.perf_counter() - start)

    def grouped(self, commands: int) -> float:
        """Issue, call, start, finish with ``GROUP`` commands a transaction (the CPU's line)."""
        engine, done = self.engine, 0
        start = time.perf_counter()
        while done < commands:
            with self.store.batch():
                for _ in range(0, GROUP, 4 * len(self.windows)):
                    for w in self.windows:
                        engine.issue(w.lines[0])
                        ticket = engine.call_next(w.code)
                        engine.start(ticket.id)
                        engine.finish(ticket.id)
                        done += 4
                        self.clock.advance(seconds=1)
        return done / (time.perf_counter() - start)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(name: str, mode: str, run: Run, direct_rate: float, args: argparse.Namespace) -> None:
    elapsed = run.elapsed
    print(f"\n== {name}, {mode}: {args.terminals} terminals ({run.client}), service with "
          f"{args.workers} worker process(es), group commit on; {run.requests} requests "
          f"in {elapsed:.1f} s")  # fmt: skip
    print(f"{'request':<9} {'count':>7} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}")
    every: list[float] = []
    for command in (*WRITES, *READS):
        values = run.latencies.get(command, [])
        every += values
        if values:
            print(f"{command:<9} {len(values):>7} {pct(values, .5) * 1e3:>8.1f} "
                  f"{pct(values, .9) * 1e3:>8.1f} {pct(values, .99) * 1e3:>8.1f}")  # fmt: skip
    print(f"all requests: p50 {pct(every, .5) * 1e3:.1f} ms, "
          f"p90 {pct(every, .9) * 1e3:.1f} ms, p99 {pct(every, .99) * 1e3:.1f} ms "
          "(target p99 < 100 ms), as the terminals saw it")  # fmt: skip
    if run.server:
        print(f"time inside the service (Server-Timing): p50 {pct(run.server, .5) * 1e3:.1f} ms, "
              f"p99 {pct(run.server, .99) * 1e3:.1f} ms")  # fmt: skip
    work = run.work
    writes = sum(work[k] for k in WRITES)
    answered = sum(work.values())
    http_rate = answered / elapsed
    what = "commands and reads" if mode == DAY else "commands"
    print(f"HTTP {what} answered/s: {http_rate:,.0f} ({writes / elapsed:,.0f} of them "
          f"commands, grouped commits)")  # fmt: skip
    print(f"direct API, the same {what} in the same proportions on a fresh store, one durable "
          f"transaction a command: {direct_rate:,.0f}/s")  # fmt: skip
    if mode == COMMANDS:
        print(f"HTTP / direct = {http_rate / direct_rate:.0%} (target >= 50%)")
    else:
        print(f"HTTP / direct = {http_rate / direct_rate:.0%} (information: with the reads, "
              "mostly the HTTP layer's cost per request)")  # fmt: skip
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


def bench(name: str, fresh: Iterator[str], args: argparse.Namespace, folder: Path) -> None:
    # Each HTTP run on a fresh database; then the same work directly on another fresh one.
    for mode in (DAY, COMMANDS):
        db_spec = next(fresh)
        open_store(db_spec, HALL, locality="441324").close()
        log = folder / f"serve-{name}.log"
        with serve_process(db_spec, "441324", hall=HALL, at=DRILL, workers=args.workers,
                           log=log) as base:  # fmt: skip
            run = asyncio.run(drive(base, db_spec, args, mode, folder))
        work = run.work
        total = min(max(400, sum(work.values())), args.direct_max)
        direct = Direct(next(fresh))
        try:
            rate = direct.replay(work, total)
        finally:
            direct.close()
        report(name, mode, run, rate, args)
        if mode == COMMANDS:
            direct = Direct(next(fresh))
            try:
                grouped = direct.grouped(max(400, min(total, args.direct_max)))
            finally:
                direct.close()
            http_rate = sum(work.values()) / run.elapsed
            print(f"for reference, the direct API with {GROUP} commands a transaction: "
                  f"{grouped:,.0f}/s; HTTP / that = {http_rate / grouped:.0%}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terminals", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--max-requests", type=int, default=400_000)
    parser.add_argument("--workers", type=int, default=1, help="the service's worker processes")
    parser.add_argument(
        "--full", type=int, default=25, help="tickets waiting in a line at which kiosks pause"
    )
    parser.add_argument(
        "--direct-max", type=int, default=40_000, help="the most steps the direct line redoes"
    )
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
    args.full = max(1, min(args.full, 10_000))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = (str(folder / f"hall-{n}.db") for n in range(10))
        bench("SQLite", files, args, folder)
        if args.postgres:
            with contextlib.ExitStack() as stack:
                urls = (stack.enter_context(_fresh_database(args.postgres)) for _ in range(10))
                bench("PostgreSQL", urls, args, folder)
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
