"""The simulation against queueing theory where the theory is exact (M/M/c, Cobham).

Each check runs independent replications of a long stationary period and asks the
theoretical value to lie within the replications' confidence interval, widened a little
for the start-up from an empty hall (the theory describes the steady state).
"""

from __future__ import annotations

import numpy as np
import pytest

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
    simulate,
    simulate_day,
)

MINUTES = 4000.0  # per replication; at 4 arrivals a minute about 16 000 visitors


def stationary(c: int, rate_per_minute: float, **kw: object) -> DayProfile:
    return DayProfile(
        lines=[LineProfile(id="A", service=TimeDistribution.exponential(1.0))],
        periods=[Period(arrivals={"A": rate_per_minute * 60}, windows=c, minutes=MINUTES)],
        **kw,  # type: ignore[arg-type]
    )


def within(value: float, mean: float, half_width: float, slack: float) -> bool:
    return abs(mean - value) <= 1.5 * half_width + slack


@pytest.mark.parametrize(("c", "lam"), [(1, 0.7), (5, 4.0), (10, 9.0)])
def test_mmc_mean_wait_and_service_level_match_erlang_c(c: int, lam: float) -> None:
    theory = erlang_c(lam, 1.0, c)
    result = simulate(stationary(c, lam, target_minutes=0.5), replications=8, seed=c)
    slack = 0.03 * theory.mean_wait + 0.002
    assert within(theory.mean_wait, result.mean_wait.mean, result.mean_wait.half_width, slack)
    assert result.within_target is not None
    assert within(
        theory.service_level(0.5),
        result.within_target.mean,
        result.within_target.half_width,
        0.01,
    )


def test_event_loop_matches_erlang_c_too() -> None:
    # The general engine (windows listed, so no shortcut) on a smaller M/M/3.
    profile = stationary(3, 2.4, windows=[WindowProfile(code=f"W{i}") for i in range(3)])
    means = []
    for seed in range(6):
        day = simulate_day(profile, np.random.default_rng(seed), engine="events")
        means.append(float(day.wait.mean()))
    est = estimate(means)
    theory = erlang_c(2.4, 1.0, 3).mean_wait
    assert within(theory, est.mean, est.half_width, 0.03 * theory)


@pytest.mark.parametrize("engine", ["auto", "events"])
def test_priority_groups_match_cobham(engine: str) -> None:
    # Three classes of one M/M/5 (λ = 4/min): two priority groups and the normal queue.
    profile = stationary(
        5,
        4.0,
        priority_groups=[
            GroupProfile(id="military", share=0.2, weight=2),
            GroupProfile(id="elderly", share=0.3, weight=1),
        ],
    )
    theory = priority_waits([0.8, 1.2, 2.0], 1.0, 5)
    per_group: list[list[float]] = [[], [], []]
    for seed in range(8):
        day = simulate_day(profile, np.random.default_rng(100 + seed), engine=engine)
        for group in range(3):
            per_group[group].append(float(day.wait[day.group == group].mean()))
    for group, expected in enumerate(theory):
        est = estimate(per_group[group])
        assert within(expected, est.mean, est.half_width, 0.04 * expected + 0.002), group
