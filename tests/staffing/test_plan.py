"""The staffing plan: Erlang C start, simulation check, and the bundled example profile."""

from __future__ import annotations

from importlib.resources import files

import pytest

from govservice_std.errors import FieldValueError
from govservice_std.staffing import (
    DayProfile,
    LineProfile,
    Period,
    TimeDistribution,
    erlang_c,
    load_profile,
    plan_staffing,
)


def day(**kw: object) -> DayProfile:
    base: dict[str, object] = {
        "lines": [LineProfile(id="A", service=TimeDistribution.exponential(8.0))],
        "periods": [Period(arrivals={"A": 20.0}), Period(arrivals={"A": 45.0})],
        "target_minutes": 15.0,
        "target_share": 0.8,
    }
    base.update(kw)
    return DayProfile(**base)  # type: ignore[arg-type]


def test_plan_meets_the_target_with_the_fewest_windows() -> None:
    plan = plan_staffing(day(), replications=10, seed=1)
    assert plan.met
    assert [p.windows for p in plan.periods] == list(plan.profile.window_counts())
    for period in plan.periods:
        assert period.meets_target
        assert period.kpis.within_target is not None
        assert period.kpis.within_target >= 0.8
        # Never below the offered load.
        assert period.windows > period.arrivals_per_hour * period.mean_service_minutes / 60
    # One window fewer anywhere (above the load) misses the target in the simulation.
    assert plan.simulations >= 10
    assert plan.window_hours == sum(p.windows for p in plan.periods)
    assert plan.periods[1].erlang_windows == 7
    assert plan.periods[1].erlang_service_level == pytest.approx(
        erlang_c(45 / 60, 1 / 8, plan.periods[1].windows).service_level(15.0)
    )


def test_plan_is_reproducible_and_reports_progress() -> None:
    seen: list[int] = []
    first = plan_staffing(day(), replications=5, seed=3, progress=seen.append)
    assert seen == [5 * (i + 1) for i in range(len(seen))]
    assert plan_staffing(day(), replications=5, seed=3) == first


def test_plan_raises_windows_where_the_simulation_misses() -> None:
    # Fixed 25-minute services, a tight target: Erlang C (exponential) is only a start.
    profile = day(
        lines=[LineProfile(id="A", service=TimeDistribution.fixed(25.0))],
        periods=[Period(arrivals={"A": 30.0})] * 2,
        target_minutes=5.0,
        target_share=0.95,
    )
    plan = plan_staffing(profile, replications=10, seed=2)
    assert plan.met
    assert all(p.kpis.within_target is not None for p in plan.periods)


def test_plan_gives_up_at_max_windows() -> None:
    plan = plan_staffing(day(max_windows=3), replications=5, seed=1)
    assert not plan.met
    assert max(p.windows for p in plan.periods) == 3
    assert not all(p.meets_target for p in plan.periods)


def test_plan_needs_a_target() -> None:
    with pytest.raises(FieldValueError, match="target_minutes"):
        plan_staffing(day(target_minutes=None))
    with pytest.raises(FieldValueError, match="target_share"):
        plan_staffing(day(target_share=None))
    with pytest.raises(FieldValueError, match="target_share"):
        plan_staffing(day(), target_share=1.5)
    with pytest.raises(FieldValueError, match="target_minutes"):
        plan_staffing(day(), target_minutes=-1.0)


def test_bundled_longmen_profile_plans() -> None:
    path = files("govservice_longmen") / "data" / "441324" / "staffing.toml"
    profile = load_profile(path)
    assert profile.illustrative
    assert "not measured" in profile.notes
    from govservice_std import load_registry

    plan = plan_staffing(
        profile, policy=load_registry().resolve("441324").queue_policy, replications=5
    )
    assert plan.met
    assert plan.policy_applied
    assert (plan.target_minutes, plan.target_share) == (20.0, 0.9)
    lunch = plan.periods[4]
    assert lunch.arrivals_per_hour == 0
    assert lunch.windows == 0
    assert str(plan.periods[0].start) == "08:30:00"


def test_locality_profile_comes_from_the_nearest_layer() -> None:
    from govservice_std import load_registry

    registry = load_registry()
    profile = registry.resolve("441324").staffing_profile
    assert profile is not None
    assert profile.illustrative
    assert registry.resolve("441324").staffing_profile is profile  # cached
    assert registry.resolve("000000").staffing_profile is None


def test_no_period_is_marked_met_with_an_unexplained_mean_above_its_p90() -> None:
    import json

    from click.testing import CliRunner

    from govservice_std.cli import cli

    out = CliRunner().invoke(cli, ["staffing", "plan", "441324", "--json"]).output
    periods = json.loads(out)["periods"]
    skewed = [
        p
        for p in periods
        if p["kpis"]["waiting"]["mean"] is not None
        and p["kpis"]["waiting"]["mean"] > p["kpis"]["waiting"]["p90"]
    ]
    assert skewed  # the bundled day has visitors waiting through lunch
    for p in skewed:
        # The cause: visitors still queued when the lunch closure begins wait through it.
        assert p["carried_through_closure"] > 0
        assert p["max_wait"] > 120  # the closure lasts two and a half hours
        assert "closure" in p["explanation"]
    for p in periods:
        assert p["max_wait"] is None or p["max_wait"] >= p["kpis"]["waiting"]["p90"]
    text = CliRunner().invoke(cli, ["staffing", "plan", "441324"]).output
    assert "最长等候" in text
    assert "跨闭厅" in text
    assert "平均等候因此高于 P90" in text


def test_visitors_carried_through_a_closure_are_counted() -> None:
    from govservice_std.staffing import simulate

    # Four windows for eight erlangs before a two-hour closure: a queue is left at noon.
    closed = day(
        periods=[
            Period(arrivals={"A": 60.0}, minutes=60, windows=4),
            Period(arrivals={}, minutes=120, windows=0),
            Period(arrivals={"A": 20.0}, minutes=60, windows=4),
        ],
    )
    result = simulate(closed, replications=5, seed=3)
    before, lunch, after = result.by_period_carried
    assert before > 0
    assert (lunch, after) == (0, 0)  # nobody arrives at lunch; no closure after the end
    longest = result.by_period[0].waiting.max
    assert longest is not None
    assert longest >= 120  # they waited at least until the hall reopened
    # The same day without the closure carries nobody.
    open_all_day = day(
        periods=[
            Period(arrivals={"A": 60.0}, minutes=60, windows=4),
            Period(arrivals={"A": 20.0}, minutes=60, windows=4),
        ],
    )
    assert set(simulate(open_all_day, replications=5, seed=3).by_period_carried) == {0}
    plan = plan_staffing(open_all_day, replications=5)
    assert all(p.carried == 0 and p.explanation() == "" for p in plan.periods)
