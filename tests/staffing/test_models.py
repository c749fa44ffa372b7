"""Round trips of the staffing models through the library's serializer."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from govservice_std.serialization import dumps, loads, structure, unstructure
from govservice_std.staffing import DayProfile, TimeDistribution, simulate_day

from .strategies import day_profiles, time_distributions


@given(time_distributions)
def test_time_distribution_round_trips(dist: TimeDistribution) -> None:
    assert structure(unstructure(dist), TimeDistribution) == dist
    assert dist.expected >= 0


@settings(max_examples=30, deadline=None)
@given(day_profiles())
def test_day_profile_round_trips_through_json_and_toml(profile: DayProfile) -> None:
    assert loads(dumps(profile), DayProfile) == profile
    assert loads(dumps(profile, format="toml"), DayProfile, format="toml") == profile


@settings(max_examples=30, deadline=None)
@given(day_profiles())
def test_any_profile_simulates(profile: DayProfile) -> None:
    counts = [p.windows if p.windows is not None else 2 for p in profile.periods]
    day = simulate_day(profile.with_windows(counts), np.random.default_rng(0))
    assert len(day) == len(day.wait)
    called = ~np.isnan(day.wait)
    assert (day.waited[called] >= 0).all()
    if profile.patience is None:
        assert not day.no_show.any()
