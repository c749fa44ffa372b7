"""Benchmark: govservice_std's hall simulation against ciw and simpy on the same models.

Models (time unit: minutes):

* M/M/c: λ = 9 per minute, μ = 1, c = 10 (ρ = 0.9), first come first served;
* three priority classes on the same M/M/10: two priority groups (shares 0.2 and 0.3, the
  higher one first) and the normal queue, non-preemptive, equal service rates.

Like for like: the library's general **event loop** (``engine="events"``: every arrival,
call and service end is an event, windows are individual) runs the *same number of
visitors* as ``ciw`` and ``simpy`` (``--customers``, default 10⁵), and the rates compared
are visitors per second of **CPU time** of this process (wall-clock rates on a shared
machine are noise), over ``--repeats`` runs, printed as the median and the range.

The library's default engine for these models (``engine="auto"``) takes exact shortcuts:
for the single FCFS line the Kiefer–Wolfowitz workload **recursion** (not an event
simulation at all), for the priority classes an event loop over pooled identical windows
(departure times only). It is printed on its own line, at its own size
(``--recursion-customers``, default 10⁷, where its mean wait is precise enough to compare
with the formula), and compared with no peer.

Every line prints the mean wait and its relative error against Erlang C / Cobham; the
recursion also prints a 95 % batch-means interval of its mean wait (a single run at
ρ = 0.9 has a statistical error of a few per cent even with 10⁶ visitors).

Run:  python benchmarks/bench_staffing.py [--customers N] [--recursion-customers N]
                                          [--repeats R] [--seed S]
Needs the ``bench`` dependency group (ciw, simpy).
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import ciw
import numpy as np
import simpy

from govservice_std.staffing import (
    DayProfile,
    GroupProfile,
    LineProfile,
    Period,
    TimeDistribution,
    WindowProfile,
    erlang_c,
    estimate,
    priority_waits,
    simulate_day,
)

LAM = 9.0
MU = 1.0
C = 10
SHARES = (0.2, 0.3, 0.5)  # high, middle, normal


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


# -- ours ---------------------------------------------------------------------------------


def ours_profile(customers: int, priority: bool, listed: bool) -> DayProfile:
    minutes = customers / LAM
    return DayProfile(
        lines=[LineProfile(id="A", service=TimeDistribution.exponential(1 / MU))],
        periods=[Period(arrivals={"A": LAM * 60}, windows=C, minutes=minutes)],
        priority_groups=(
            [
                GroupProfile(id="high", share=SHARES[0], weight=2),
                GroupProfile(id="middle", share=SHARES[1], weight=1),
            ]
            if priority
            else []
        ),
        windows=[WindowProfile(code=f"W{i}") for i in range(C)] if listed else [],
    )


BATCHES = 20


def run_ours(customers: int, priority: bool, seed: int, engine: str) -> tuple[int, list[float]]:
    # engine "auto" takes the exact shortcut (Kiefer-Wolfowitz / pooled windows);
    # "events" forces the general event loop with individual windows.
    profile = ours_profile(customers, priority, listed=engine == "events")
    day = simulate_day(profile, np.random.default_rng(seed), engine=engine)
    groups = range(3) if priority else [None]
    waits = []
    for g in groups:
        mask = np.ones(len(day), dtype=bool) if g is None else day.group == g
        waits.append(float(day.wait[mask].mean()))
    # Batch means over consecutive visitors: waits of neighbours are correlated, so the
    # spread of 20 batch means gives an honest 95 % interval for a single long run.
    halves = []
    for g in groups:
        batches = np.array_split(np.arange(len(day)), BATCHES)
        means = []
        for b in batches:
            w = day.wait[b] if g is None else day.wait[b][day.group[b] == g]
            means.append(float(w.mean()))
        halves.append(estimate(means).half_width)
    LAST_HALF_WIDTHS[:] = halves
    return len(day), waits


LAST_HALF_WIDTHS: list[float] = []


# -- ciw ----------------------------------------------------------------------------------


def run_ciw(customers: int, priority: bool, seed: int) -> tuple[int, list[float]]:
    horizon = customers / LAM
    ciw.seed(seed)
    if priority:
        names = ["Class 0", "Class 1", "Class 2"]
        network = ciw.create_network(
            arrival_distributions={
                name: [ciw.dists.Exponential(rate=LAM * share)]
                for name, share in zip(names, SHARES, strict=True)
            },
            service_distributions={name: [ciw.dists.Exponential(rate=MU)] for name in names},
            number_of_servers=[C],
            priority_classes={name: rank for rank, name in enumerate(names)},
        )
    else:
        network = ciw.create_network(
            arrival_distributions=[ciw.dists.Exponential(rate=LAM)],
            service_distributions=[ciw.dists.Exponential(rate=MU)],
            number_of_servers=[C],
        )
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(horizon)
    records = sim.get_all_records()
    if priority:
        waits = []
        for name in ("Class 0", "Class 1", "Class 2"):
            w = [r.waiting_time for r in records if r.customer_class == name]
            waits.append(sum(w) / len(w))
    else:
        waits = [sum(r.waiting_time for r in records) / len(records)]
    return len(records), waits


# -- simpy --------------------------------------------------------------------------------


def run_simpy(customers: int, priority: bool, seed: int) -> tuple[int, list[float]]:
    rng = random.Random(seed)
    env = simpy.Environment()
    fcfs = simpy.Resource(env, C)
    ranked = simpy.PriorityResource(env, capacity=C)
    waits: list[list[float]] = [[], [], []]

    def visitor(group: int) -> Any:
        arrived = env.now
        request = ranked.request(priority=group) if priority else fcfs.request()
        with request as req:
            yield req
            waits[group].append(env.now - arrived)
            yield env.timeout(rng.expovariate(MU))

    def source() -> Any:
        for _ in range(customers):
            yield env.timeout(rng.expovariate(LAM))
            u = rng.random()
            group = 0 if u < SHARES[0] else 1 if u < SHARES[0] + SHARES[1] else 2
            env.process(visitor(group if priority else 2))

    env.process(source())
    env.run()
    if priority:
        return sum(len(w) for w in waits), [sum(w) / len(w) for w in waits]
    return len(waits[2]), [sum(waits[2]) / len(waits[2])]


# -- report -------------------------------------------------------------------------------


def theory(priority: bool) -> list[float]:
    if priority:
        return list(priority_waits([LAM * s for s in SHARES], MU, C))
    return [erlang_c(LAM, MU, C).mean_wait]


def _range(values: list[float]) -> str:
    ordered = sorted(values)
    mid = ordered[len(ordered) // 2]
    return f"{mid:,.1f}x (runs {ordered[0]:,.1f}–{ordered[-1]:,.1f}x)"


def _errors(waits: list[float], expected: list[float]) -> str:
    return ", ".join(f"{w:.4f} ({(w - t) / t:+.2%})" for w, t in zip(waits, expected, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--customers",
        type=int,
        default=100_000,
        help="Visitors per run for the event loop, ciw and simpy alike.",
    )
    # 10⁷ visitors: at 10⁶ the batch-means 95 % interval of the mean wait is about ±6 %,
    # wider than the 2 % the comparison with the formula is meant to show.
    parser.add_argument("--recursion-customers", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-peers", action="store_true", help="Only run this library.")
    args = parser.parse_args()  # fmt: skip

    for priority in (False, True):
        title = "three priority classes on M/M/10" if priority else "M/M/10, FCFS"
        expected = theory(priority)
        print(f"\n== {title}: λ={LAM}, μ={MU}, c={C}, ρ={LAM / (C * MU):.2f} ==")
        print("theory mean wait: " + ", ".join(f"{w:.4f}" for w in expected))
        print(f"-- event simulations, {args.customers:,} visitors each, CPU time, "
              f"{args.repeats} runs --")  # fmt: skip
        runs: list[tuple[str, Callable[[int], tuple[int, list[float]]]]] = [
            ("ours (events)", partial(run_ours, args.customers, priority, engine="events")),
        ]
        if not args.skip_peers:
            runs += [
                ("ciw", partial(run_ciw, args.customers, priority)),
                ("simpy", partial(run_simpy, args.customers, priority)),
            ]
        print(f"{'library':<15}{'visitors':>10}{'cpu s':>9}{'visitors/cpu s':>16}"
              f"{'wall s':>9}  mean wait (error vs theory), last run")  # fmt: skip
        rates: dict[str, list[float]] = {name: [] for name, _ in runs}
        for repeat in range(args.repeats):
            for name, fn in runs:
                (count, waits), wall, cpu = timed(partial(fn, args.seed + repeat))
                rates[name].append(count / cpu if cpu else math.inf)
                if repeat == args.repeats - 1:
                    print(f"{name:<15}{count:>10,}{cpu:>9.2f}{count / cpu if cpu else 0:>16,.0f}"
                          f"{wall:>9.2f}  {_errors(waits, expected)}")  # fmt: skip
        for peer in ("ciw", "simpy"):
            if peer in rates:
                ratios = [o / p for o, p in zip(rates["ours (events)"], rates[peer], strict=True)]
                print(f"ours (events) / {peer}: {_range(ratios)} "
                      "(CPU-time rates, same visitor count)")  # fmt: skip
        shortcut = (
            "pooled identical windows: departure times only, no window identities"
            if priority
            else "the Kiefer-Wolfowitz workload recursion: not an event simulation"
        )
        print(f"-- engine auto, its own line ({shortcut}), "
              f"{args.recursion_customers:,} visitors, no peer --")  # fmt: skip
        LAST_HALF_WIDTHS.clear()
        (count, waits), wall, cpu = timed(
            partial(run_ours, args.recursion_customers, priority, args.seed, "auto")
        )
        print(f"{'ours (auto)':<15}{count:>10,}{cpu:>9.2f}{count / cpu if cpu else 0:>16,.0f}"
              f"{wall:>9.2f}  {_errors(waits, expected)}")  # fmt: skip
        inside = [
            abs(w - t) <= h for w, t, h in zip(waits, expected, LAST_HALF_WIDTHS, strict=True)
        ]
        print(
            f"{'':<15}95 % batch-means half-width: "
            + ", ".join(f"±{h / t:.2%}" for h, t in zip(LAST_HALF_WIDTHS, expected, strict=True))
            + "; theory inside: "
            + ", ".join("yes" if i else "no" for i in inside)
        )


if __name__ == "__main__":
    main()
