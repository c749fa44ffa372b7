"""Benchmark: govservice_std's hall simulation against ciw and simpy on the same models.

Models (time unit: minutes):

* M/M/c: λ = 9 per minute, μ = 1, c = 10 (ρ = 0.9), first come first served;
* three priority classes on the same M/M/10: two priority groups (shares 0.2 and 0.3, the
  higher one first) and the normal queue, non-preemptive, equal service rates.

For each library the script prints visitors simulated per second (wall clock and CPU
time), the mean wait and its relative error against Erlang C / Cobham, and our rate as a
multiple of each peer's. Ours simulates ``--customers`` visitors (default 10⁶) per model;
the peers simulate ``--peer-customers`` (default 10⁵) and are compared by rate, since
their cost grows linearly with the number of visitors.

Ours also prints a 95 % batch-means interval of its mean wait: a single run at ρ = 0.9 has a
statistical error of a few per cent even with 10⁶ visitors, so the error against theory is
to be read against that interval.

Run:  python benchmarks/bench_staffing.py [--customers N] [--peer-customers N] [--seed S]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # 10⁷ visitors: at 10⁶ the batch-means 95 % interval of the mean wait is about ±6 %,
    # wider than the 2 % the comparison with the formula is meant to show.
    parser.add_argument("--customers", type=int, default=10_000_000)
    parser.add_argument("--peer-customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-peers", action="store_true", help="Only run this library.")
    args = parser.parse_args()

    for priority in (False, True):
        title = "three priority classes on M/M/10" if priority else "M/M/10, FCFS"
        expected = theory(priority)
        print(f"\n== {title}: λ={LAM}, μ={MU}, c={C}, ρ={LAM / (C * MU):.2f} ==")
        print("theory mean wait: " + ", ".join(f"{w:.4f}" for w in expected))
        runs: list[tuple[str, Callable[[], tuple[int, list[float]]]]] = [
            ("ours (auto)", partial(run_ours, args.customers, priority, args.seed, "auto")),
            ("ours (events)", partial(run_ours, args.customers, priority, args.seed, "events")),
        ]
        if not args.skip_peers:
            runs += [
                ("ciw", partial(run_ciw, args.peer_customers, priority, args.seed)),
                ("simpy", partial(run_simpy, args.peer_customers, priority, args.seed)),
            ]
        rates: dict[str, float] = {}
        print(f"{'library':<15}{'visitors':>10}{'wall s':>9}{'visitors/s':>12}"
              f"{'cpu/s':>12}  mean wait (error vs theory)")  # fmt: skip
        for name, fn in runs:
            LAST_HALF_WIDTHS.clear()
            (count, waits), wall, cpu = timed(fn)
            rates[name] = count / wall
            errors = ", ".join(
                f"{w:.4f} ({(w - t) / t:+.2%})" for w, t in zip(waits, expected, strict=True)
            )
            print(f"{name:<15}{count:>10}{wall:>9.2f}{count / wall:>12,.0f}"
                  f"{count / cpu if cpu else math.inf:>12,.0f}  {errors}")  # fmt: skip
            if LAST_HALF_WIDTHS:
                inside = [
                    abs(w - t) <= h
                    for w, t, h in zip(waits, expected, LAST_HALF_WIDTHS, strict=True)
                ]
                print(
                    f"{'':<15}95 % batch-means half-width: "
                    + ", ".join(
                        f"±{h / t:.2%}" for h, t in zip(LAST_HALF_WIDTHS, expected, strict=True)
                    )
                    + "; theory inside: "
                    + ", ".join("yes" if i else "no" for i in inside)
                )
        for ours in ("ours (auto)", "ours (events)"):
            for peer in ("ciw", "simpy"):
                if peer in rates:
                    print(f"{ours} / {peer}: {rates[ours] / rates[peer]:.1f}x (wall-clock rates)")


if __name__ == "__main__":
    main()
