"""A waiting ticket's position: positions/s against the full-scan reference, per queue size.

Run: ``python benchmarks/bench_position.py [--sizes 100,1000,10000] [--seconds 1]``.

Each size builds a fresh hall: four lines, eight windows (some serving two lines, some
one), a tenth of the tickets in a priority group, forty tickets already served (so each
window has its own service rate) and four windows busy with a called ticket; then N
tickets waiting, spread over the four lines. On that same state it asks for the position
of the **last** waiting ticket (every ticket of its windows' lines is ahead of it: the
longest play) and of the **tenth** (a short play, where the cost of reading the state
dominates), with the library's ``position()`` and with the reference it replaced, which
scans every waiting ticket at each step of the play (the test suite's oracle,
``tests/queues/test_position.py``). Both must give the same answer; the script says so.

Figures are calls per second of wall time, measured in rounds of about ``--seconds``
each (at least one call); the ratio is taken round by round, so both sides of a ratio ran
close together on the shared machine. The reference's cost grows with the square of the
queue: a size where one of its calls would take longer than ``--reference-limit`` seconds
(estimated from the size before it) is not run for it, and the line says so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from govservice_std.halls import Hall
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import CHINA_TZ
from govservice_std.queues.policy import BusinessLine, PriorityGroup, QueuePolicy
from govservice_std.queues.position import Position, position
from govservice_std.serialization import structure

# The reference lives with the tests (the library ships one implementation).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.queues.test_position import reference_position

LINES = ("A", "B", "C", "D")
HALL = structure(
    {
        "code": "441324116",
        "name": "龙潭镇便民服务中心",
        "tier": "town",
        "division": "441324116",
        "windows": [
            {"code": "W1", "kind": "comprehensive", "lines": ["A", "B"]},
            {"code": "W2", "kind": "comprehensive", "lines": ["B", "A"]},
            {"code": "W3", "kind": "comprehensive", "lines": ["C", "D"]},
            {"code": "W4", "kind": "comprehensive", "lines": ["D", "C"]},
            {"code": "W5", "kind": "dedicated", "lines": ["A"]},
            {"code": "W6", "kind": "dedicated", "lines": ["B"]},
            {"code": "W7", "kind": "dedicated", "lines": ["C"]},
            {"code": "W8", "kind": "comprehensive", "lines": ["D", "A"]},
        ],
    },
    Hall,
)
POLICY = QueuePolicy(
    lines=[BusinessLine(id=line, name=f"业务{line}", number_width=6) for line in LINES],
    priority_groups=[
        PriorityGroup(id="military", name="军人依法优先", weight=2),
        PriorityGroup(id="elderly", name="老年人", weight=1),
    ],
)
START = dt.datetime(2026, 3, 2, 8, 30, tzinfo=CHINA_TZ)


def fresh_hall(waiting: int) -> tuple[QueueEngine, list[str]]:
    """A hall with ``waiting`` tickets waiting; their ids in issue order."""
    clock = FixedClock(START)
    engine = QueueEngine(HALL, POLICY, clock=clock)
    for window in HALL.windows:
        engine.open_window(window.code)
    for i in range(40):  # served tickets: each window's own service rate
        window = HALL.windows[i % len(HALL.windows)]
        served = engine.issue(window.lines[0])
        engine.call_next(window.code)
        engine.start(served.id)
        clock.advance(seconds=240 + 37 * (i % 7))
        engine.finish(served.id)
    ids = []
    for i in range(waiting):
        group = "military" if i % 20 == 7 else "elderly" if i % 20 == 13 else None
        ids.append(engine.issue(LINES[i % 4], priority=group).id)
        clock.advance(seconds=2)
    for code in ("W1", "W3", "W5", "W8"):  # four windows busy
        engine.call_next(code)
    clock.advance(minutes=1)
    return engine, [t.id for t in engine.state.waiting()]


Ask = Callable[[QueueEngine, str, dt.datetime], Position]


def rate(ask: Ask, engine: QueueEngine, ticket: str, seconds: float) -> float:
    """Calls per second over about ``seconds`` (at least one call)."""
    now = engine.now()
    calls = 0
    began = time.perf_counter()
    while True:
        ask(engine, ticket, now)
        calls += 1
        elapsed = time.perf_counter() - began
        if elapsed >= seconds:
            return calls / elapsed


def figure(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def spread(values: list[float]) -> str:
    """The median and the range of some rounds' figures."""
    if len(values) == 1:
        return figure(values[0])
    median = figure(statistics.median(values))
    return f"{median} ({figure(min(values))}–{figure(max(values))})"


def compare(  # noqa: PLR0917 - the measurement's settings
    engine: QueueEngine,
    ticket: str,
    which: str,
    size: int,
    last_call: dict[str, tuple[int, float]],
    args: argparse.Namespace,
) -> bool:
    """Print one ticket's positions/s, new and reference, and their ratio by round.

    Returns whether the two gave the same answer (true where the reference was not run).
    """
    now = engine.now()
    new = position(engine, ticket, now)
    wait = new.estimated_wait_minutes or 0.0
    print(f"  {which} ({new.ahead:,} ahead, about {wait:,.0f} min):")
    estimate = None
    if which in last_call:
        before, seconds = last_call[which]
        estimate = seconds * (size / before) ** 2
    if estimate is not None and estimate > args.reference_limit:
        print(f"    new        {spread([rate(position, engine, ticket, args.seconds)])}")
        print(
            f"    reference  skipped: one call ≈ {estimate:,.0f} s (estimated from "
            f"{last_call[which][0]:,} waiting), over --reference-limit"
        )
        return True
    began = time.perf_counter()
    old = reference_position(engine, ticket, now)
    first = time.perf_counter() - began
    last_call[which] = (size, first)
    # Where the reference's rounds would outlast the limit, its first call is its figure.
    repeat = first * args.rounds <= max(args.seconds * args.rounds, args.reference_limit)
    fast: list[float] = []
    slow: list[float] = []
    ratios: list[float] = []
    for _ in range(args.rounds):
        fast.append(rate(position, engine, ticket, args.seconds))
        if repeat:
            slow.append(rate(reference_position, engine, ticket, args.seconds))
        elif not slow:
            slow.append(1 / first)
        ratios.append(fast[-1] / slow[-1])
    print(f"    new        {spread(fast)}")
    print(f"    reference  {spread(slow)}{'' if repeat else ' (one call)'}")
    low, high = min(ratios), max(ratios)
    print(f"    new / reference  {low:,.0f}–{high:,.0f}×   same answer: {new == old}")
    return new == old


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="Waiting tickets (a,b,c).")
    parser.add_argument("--seconds", type=float, default=1.0, help="Seconds per round and side.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--reference-limit",
        type=float,
        default=60.0,
        help="Seconds the reference may take on one ticket at one size (estimated).",
    )
    args = parser.parse_args()
    print("positions/s (wall time; median of rounds, range in brackets); new / reference by round")
    last_call: dict[str, tuple[int, float]] = {}  # which -> (size, seconds of a reference call)
    agree = True
    for size in (int(size) for size in args.sizes.split(",")):
        engine, waiting = fresh_hall(size)
        print(f"\n{size:,} waiting across {len(LINES)} lines, {len(HALL.windows)} windows")
        agree &= compare(engine, waiting[-1], "last waiting ticket", size, last_call, args)
        tenth = waiting[min(9, len(waiting) - 1)]
        agree &= compare(engine, tenth, "tenth waiting ticket", size, last_call, args)
    if not agree:
        sys.exit("the new position and the reference disagree")


if __name__ == "__main__":
    main()
