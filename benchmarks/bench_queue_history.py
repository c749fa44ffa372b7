"""A year of queue history against one day: open, one CLI command, memory, KPIs.

Run: ``python benchmarks/bench_queue_history.py [--events N] [--tickets-per-day N]``.

It builds two SQLite queue databases for 龙门县政务服务中心 (441324) in the same run: a
year-like record (default 10⁶ events: 250 days of 1,000 tickets, each day closed by the
day close) and a record of one day — the same last day, still open, in both. Then it
measures, side by side: opening the store (checkpoint plus the events after it), the peak
memory and the whole-process time of one ``govstd queue issue`` command, one day's KPIs,
and the year's KPIs (from the closed days' stored facts). Targets, as ratios year/day in
the same run: open ≤ 2×, CLI command ≤ 1.5×, one day's KPIs ≤ 2×, memory ≤ 1.5×; the
year's KPIs under 3 s and 200 MiB.

The figures are wall-clock times on a shared machine: each is the best of a few rounds,
and only the ratios measured in one run mean much.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from govservice_std import load_registry
from govservice_std.errors import NoTicketWaitingError
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import CHINA_TZ
from govservice_std.queues.history import recorded_kpis
from govservice_std.queues.stores.memory import MemoryStore
from govservice_std.queues.stores.sqlite import _INSERTS, SQLiteStore

LOCALITY = "441324"
HALL = "441324"
LAST_DAY = dt.date(2026, 12, 30)
MiB = 1024 * 1024


def _day(engine: QueueEngine, clock: FixedClock, day: dt.date, tickets: int, seed: int) -> None:
    """One day's traffic: tickets arrive all day, the windows call, serve and finish them."""
    rng = random.Random(seed)
    clock.now = dt.datetime.combine(day, dt.time(8, 30), CHINA_TZ)
    windows = [w.code for w in engine.hall.windows if w.lines]
    served = {line for w in engine.hall.windows for line in w.lines}
    # Lines with a daily cap would refuse a busy day's walk-ins: the traffic uses the others.
    lines = [line.id for line in engine.policy.lines if line.id in served and not line.daily_cap]
    for window in windows:
        if not engine.window(window).open:
            engine.open_window(window)
    step = dt.timedelta(seconds=8 * 3600 / tickets)
    for i in range(tickets):
        clock.now += step
        engine.issue(lines[i % len(lines)], priority="elderly" if rng.random() < 0.05 else None)
        if i < 8:
            continue  # a queue builds up in the morning
        window = windows[i % len(windows)]
        busy = engine.window(window).ticket
        if busy is not None:
            engine.finish(busy)
        try:
            ticket = engine.call_next(window)
        except NoTicketWaitingError:
            continue
        engine.start(ticket.id)


def build(path: Path, days: int, tickets: int) -> int:
    """Write ``days`` days ending on LAST_DAY; every day but the last is closed."""
    registry = load_registry()
    hall = registry.resolve(LOCALITY).hall(HALL)
    policy = registry.resolve(LOCALITY).queue_policy
    clock = FixedClock(dt.datetime.combine(LAST_DAY, dt.time(8), CHINA_TZ))
    store = SQLiteStore(path, HALL, locality=LOCALITY, synchronous="OFF")
    durable = QueueEngine(hall, policy, store=store, clock=clock)
    con = store._con
    for n in range(days):
        day = LAST_DAY - dt.timedelta(days=days - 1 - n)
        # The day runs on an engine in memory, then its rows go into the file at once:
        # the same rows the SQLite store writes, much faster than a commit per command.
        memory = QueueEngine(hall, policy, store=MemoryStore(HALL), clock=clock)
        _day(memory, clock, day, tickets, seed=n)
        rows = [(_INSERTS[type(e)], e) for _, e in memory.events()]
        con.execute("BEGIN")
        for (sql, params), event in rows:
            con.execute(sql, params(HALL, event))
        con.execute("COMMIT")
        durable.refresh()
        if day != LAST_DAY:
            clock.now = dt.datetime.combine(day, dt.time(18), CHINA_TZ)
            durable.close_day()
    count: int = con.execute("SELECT count(*) FROM events").fetchone()[0]
    store.close()
    return count


def _child(what: str, path: str) -> None:
    """Measured in a fresh process: print seconds as JSON (memory comes from wait4)."""
    start = time.perf_counter()
    if what == "open":
        registry = load_registry()
        hall = registry.resolve(LOCALITY).hall(HALL)
        policy = registry.resolve(LOCALITY).queue_policy
        start = time.perf_counter()
        with SQLiteStore(path) as store:
            QueueEngine(hall, policy, store=store)
    elif what == "day-kpis":
        with SQLiteStore(path) as store:
            recorded_kpis(store, day=LAST_DAY, target_minutes=20.0)
    elif what == "year-kpis":
        with SQLiteStore(path) as store:
            kpis = recorded_kpis(store, target_minutes=20.0)
            assert kpis.overall.issued > 0
    print(json.dumps({"seconds": time.perf_counter() - start}))


def measure(args: list[str]) -> tuple[float, float, float]:
    """Run a process: its wall time (or the time it reports), peak memory (MiB), CPU time.

    The CPU time (user and system, of the whole process) says what the work costs when
    the machine is shared and the wall time mostly measures the wait for a processor.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out = proc.stdout.read() if proc.stdout else ""
    err = proc.stderr.read() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{err}")
    reported = json.loads(out)["seconds"] if out.startswith("{") else wall
    return reported, usage.ru_maxrss * 1024 / MiB, usage.ru_utime + usage.ru_stime


def best(rounds: int, args: list[str]) -> tuple[float, float, float]:
    runs = [measure(args) for _ in range(rounds)]
    return min(r[0] for r in runs), min(r[1] for r in runs), min(r[2] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="size of the year record")
    parser.add_argument("--tickets-per-day", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="repetitions (best is kept)")
    parser.add_argument("--child", nargs=2, metavar=("WHAT", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    tickets = args.tickets_per_day
    # How many events a day of this traffic makes (issue, call, start, finish; the last
    # few of a day are closed by the day close instead), to size the year.
    registry = load_registry()
    sample = QueueEngine(
        registry.resolve(LOCALITY).hall(HALL),
        registry.resolve(LOCALITY).queue_policy,
        store=MemoryStore(HALL),
        clock=(clock := FixedClock(dt.datetime.combine(LAST_DAY, dt.time(8), CHINA_TZ))),
    )
    _day(sample, clock, LAST_DAY, tickets, seed=0)
    days = max(2, round(args.events / (len(sample.events()) + 1)))
    with tempfile.TemporaryDirectory() as tmp:
        year, one = Path(tmp) / "year.db", Path(tmp) / "day.db"
        started = time.perf_counter()
        year_events = build(year, days, tickets)
        day_events = build(one, 1, tickets)
        print(
            f"built {year_events:,} events over {days} days ({year.stat().st_size / MiB:.0f} MiB)"
            f" and {day_events:,} events of one day in {time.perf_counter() - started:.0f} s"
        )
        me = [sys.executable, __file__, "--child"]
        at = dt.datetime.combine(LAST_DAY, dt.time(17), CHINA_TZ).isoformat()
        rows = []
        for name, kind in (("open the store (API)", "open"), ("one day's KPIs", "day-kpis")):
            d = best(args.rounds, [*me, kind, str(one)])
            y = best(args.rounds, [*me, kind, str(year)])
            rows.append((name, d[0], y[0], 2.0))
        cli = [sys.executable, "-m", "govservice_std", "--lang", "en", "queue", "--at", at]
        d_cli = best(args.rounds, [*cli, "--db", str(one), "issue", "A"])
        y_cli = best(args.rounds, [*cli, "--db", str(year), "issue", "A"])
        rows.insert(1, ("`govstd queue issue A` (whole process)", d_cli[0], y_cli[0], 1.5))
        rows.insert(2, ("  the same, CPU time of the process", d_cli[2], y_cli[2], 1.5))
        print(f"{'':42} {'one day':>10} {'a year':>10} {'year/day':>9}  target")
        for name, d_s, y_s, target in rows:
            ratio = y_s / d_s
            verdict = "met" if ratio <= target else "MISSED"
            print(f"{name:42} {d_s:9.3f}s {y_s:9.3f}s {ratio:8.2f}×  ≤ {target:g}× {verdict}")
        ratio = y_cli[1] / d_cli[1]
        verdict = "met" if ratio <= 1.5 else "MISSED"
        print(
            f"{'peak memory of that command':42} {d_cli[1]:6.0f} MiB {y_cli[1]:6.0f} MiB "
            f"{ratio:8.2f}×  ≤ 1.5× {verdict}"
        )
        seconds, peak, cpu = best(args.rounds, [*me, "year-kpis", str(year)])
        verdict = "met" if seconds < 3 and peak < 200 else "MISSED"
        print(
            f"{'the year`s KPIs (every day)':42} {'':>10} {seconds:9.3f}s"
            f"  peak {peak:.0f} MiB  < 3 s and < 200 MiB {verdict}"
        )
        print(
            f"{'  the same, CPU time of the process':42} {'':>10} {cpu:9.3f}s"
            f"  (with start-up; {'met' if cpu < 3 else 'MISSED'} on CPU time)"
        )


if __name__ == "__main__":
    main()
