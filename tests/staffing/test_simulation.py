"""The hall simulation: reproducibility, engines, rules of calling and the KPI report."""

from __future__ import annotations

import math

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.random import default_rng as rng

from govservice_std.errors import FieldValueError, InvalidDataError
from govservice_std.serialization import dumps, loads
from govservice_std.staffing import (
    Appointment,
    DayProfile,
    GroupProfile,
    LineProfile,
    Period,
    TimeDistribution,
    WindowProfile,
    estimate,
    kpi_report,
    simulate,
    simulate_day,
    summarize,
)

EXP5 = TimeDistribution.exponential(5.0)
FOUR = [WindowProfile(code=f"V{i}") for i in range(4)]


def two_lines(**kw: object) -> DayProfile:
    base: dict[str, object] = {
        "lines": [
            LineProfile(id="A", service=EXP5),
            LineProfile(id="B", service=TimeDistribution.lognormal(8.0, 4.0)),
        ],
        "priority_groups": [
            GroupProfile(id="elderly", share=0.2, weight=2),
            GroupProfile(id="military", share=0.1, weight=3),
        ],
        "periods": [
            Period(arrivals={"A": 40, "B": 10}, windows=3),
            Period(arrivals={"A": 60, "B": 20}, windows=5),
            Period(arrivals={"A": 20}, windows=2),
            Period(arrivals={"A": 50}, windows=4),
        ],
        "target_minutes": 15.0,
    }
    base.update(kw)
    return DayProfile(**base)  # type: ignore[arg-type]


def test_same_seed_same_day_and_different_seed_different_day() -> None:
    profile = two_lines(patience=TimeDistribution.exponential(30.0))
    assert simulate(profile, replications=3, seed=7) == simulate(profile, replications=3, seed=7)
    a = simulate_day(profile, np.random.default_rng(1))
    b = simulate_day(profile, np.random.default_rng(2))
    assert len(a) != len(b) or not np.array_equal(a.wait, b.wait, equal_nan=True)


@pytest.mark.parametrize("patience", [None, TimeDistribution.exponential(20.0)])
@pytest.mark.parametrize("listed", [False, True])
def test_fast_paths_give_the_same_waits_as_the_event_loop(
    patience: TimeDistribution | None, listed: bool
) -> None:
    windows = [WindowProfile(code=f"W{i}") for i in range(5)] if listed else []
    for profile in (
        two_lines(patience=patience, windows=windows),
        DayProfile(
            lines=[LineProfile(id="A", service=EXP5)],
            periods=[Period(arrivals={"A": 50}, windows=4)] * 3,
            patience=patience,
            windows=windows,
        ),
    ):
        fast = simulate_day(profile, np.random.default_rng(11))
        slow = simulate_day(profile, np.random.default_rng(11), engine="events")
        assert len(fast) > 100
        assert np.array_equal(fast.wait, slow.wait, equal_nan=True)


periods = st.lists(
    st.builds(
        Period,
        arrivals=st.fixed_dictionaries({"A": st.floats(0, 80), "B": st.floats(0, 30)}),
        windows=st.integers(0, 6),
        minutes=st.sampled_from([30.0, 60.0]),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=25, deadline=None)
@given(periods, st.integers(0, 2**32 - 1), st.booleans())
def test_pooled_windows_match_the_event_loop(ps: list[Period], seed: int, patient: bool) -> None:
    profile = two_lines(
        periods=ps, patience=TimeDistribution.exponential(15.0) if patient else None
    )
    fast = simulate_day(profile, np.random.default_rng(seed))
    slow = simulate_day(profile, np.random.default_rng(seed), engine="events")
    assert np.array_equal(fast.wait, slow.wait, equal_nan=True)
    served = fast.wait[fast.wait >= 0]
    assert (served >= 0).all()
    if not patient:
        assert not fast.no_show.any()


def test_a_window_serves_only_its_lines() -> None:
    profile = two_lines(
        priority_groups=[],
        windows=[WindowProfile(code="A01", lines=["A"])],
        periods=[Period(arrivals={"A": 5, "B": 5}, windows=1)],
    )
    day = simulate_day(profile, np.random.default_rng(3))
    assert np.isnan(day.wait[day.line == 1]).all()
    assert (day.wait[day.line == 0] >= 0).all()


def test_closed_period_makes_visitors_wait_for_opening() -> None:
    profile = DayProfile(
        lines=[LineProfile(id="A", service=EXP5)],
        periods=[Period(arrivals={"A": 20}, windows=0), Period(arrivals={}, windows=2)],
    )
    day = simulate_day(profile, np.random.default_rng(5))
    assert len(day) > 0
    assert (day.arrival + day.wait >= 60.0).all()


def test_nobody_served_when_no_window_ever_opens() -> None:
    profile = DayProfile(
        lines=[LineProfile(id="A", service=EXP5)],
        periods=[Period(arrivals={"A": 20}, windows=0)],
        target_minutes=10.0,
    )
    result = simulate(profile, replications=2, seed=1)
    assert result.kpis.overall.served == 0
    assert result.kpis.overall.waiting_now == result.kpis.overall.issued > 0
    assert result.kpis.overall.within_target == 0.0


def test_patience_runs_out() -> None:
    profile = DayProfile(
        lines=[LineProfile(id="A", service=TimeDistribution.fixed(10.0))],
        periods=[Period(arrivals={"A": 30}, windows=1)] * 2,
        patience=TimeDistribution.fixed(5.0),
    )
    for engine in ("auto", "events"):
        day = simulate_day(profile, np.random.default_rng(9), engine=engine)
        served = day.wait[day.wait >= 0]
        assert (served <= 5.0).all()
        assert day.no_show.sum() > len(day) / 2
        # A no-show is called no earlier than the visitor gave up.
        assert (day.waited[day.no_show] >= 5.0).all()


def test_appointments_arrive_at_their_time() -> None:
    profile = DayProfile(
        lines=[LineProfile(id="A", service=EXP5)],
        priority_groups=[GroupProfile(id="elderly", share=0.0)],
        periods=[Period(windows=2)] * 2,
        opens="08:30",
        appointments=[
            Appointment(at="09:00", line="A", count=3),
            Appointment(at="10:00", line="A", group="elderly"),
        ],
    )
    day = simulate_day(profile, np.random.default_rng(1))
    assert day.arrival.tolist() == [30.0, 30.0, 30.0, 90.0]
    assert day.group.tolist() == [1, 1, 1, 0]
    gone = simulate_day(
        DayProfile(
            lines=profile.lines,
            periods=profile.periods,
            appointments=[Appointment(at="08:10", line="A", count=5)],
            appointment_no_show=1.0,
        ),
        np.random.default_rng(1),
    )
    assert len(gone) == 0


def test_anti_starvation_calls_a_normal_ticket_after_n_priority_calls() -> None:
    base = {
        "lines": [LineProfile(id="A", service=TimeDistribution.fixed(3.0))],
        "priority_groups": [GroupProfile(id="elderly", share=0.6)],
        "periods": [Period(arrivals={"A": 30}, windows=1)] * 3,
    }
    strict = simulate(DayProfile(**base), replications=4, seed=2)  # type: ignore[arg-type]
    fair = simulate(
        DayProfile(**base, anti_starvation_after=2),  # type: ignore[arg-type]
        replications=4,
        seed=2,
    )
    strict_normal = strict.kpis.by_group["normal"].waiting.mean
    fair_normal = fair.kpis.by_group["normal"].waiting.mean
    assert strict_normal is not None
    assert fair_normal is not None
    assert fair_normal < strict_normal
    # With one window, check the rule on the order of calls of one day.
    day = simulate_day(
        DayProfile(**base, anti_starvation_after=2),  # type: ignore[arg-type]
        np.random.default_rng(4),
    )
    called = day.arrival + day.wait
    order = np.argsort(called)
    run = 0
    for index in order:
        if day.group[index] == 0:  # priority
            run += 1
            if run > 2:
                # A third priority call in a row is allowed only if no normal ticket waited.
                normal = day.group == 1
                waiting = normal & (day.arrival < called[index]) & (called > called[index])
                assert not waiting.any()
        else:
            run = 0


def test_kpi_report_breakdowns() -> None:
    profile = two_lines(opens="08:30")
    result = simulate(profile, replications=3, seed=4)
    report = result.kpis
    assert set(report.by_hour) <= {8, 9, 10, 11, 12}
    assert list(report.by_line) == ["A", "B"]
    assert list(report.by_group) == ["elderly", "military", "normal"]
    assert sum(s.issued for s in report.by_hour.values()) == report.overall.issued
    assert sum(s.issued for s in report.by_group.values()) == report.overall.issued
    assert len(result.by_period) == 4
    assert sum(s.issued for s in result.by_period) == report.overall.issued
    assert result.period_within_target is not None
    assert result.within_target is not None
    assert result.within_target.low <= result.within_target.mean <= result.within_target.high
    overall = report.overall
    assert overall.waiting.mean is not None
    assert overall.waiting.p90 is not None
    assert overall.waiting.median is not None
    assert overall.waiting.median <= overall.waiting.p90
    assert result.visitors == overall.issued
    assert report.target_minutes == 15.0
    # The numpy summary agrees with the plain one.
    day = simulate_day(two_lines(patience=TimeDistribution.exponential(20.0)), rng(8))
    called = ~np.isnan(day.wait)
    plain = summarize(
        day.waited[called].tolist(),
        day.service[day.served].tolist(),
        no_shows=int(day.no_show.sum()),
        waiting_now=int((~called).sum()),
        target_minutes=15.0,
    )
    assert plain.no_shows > 0
    got = kpi_report(profile, [day]).overall
    assert attrs.evolve(got, waiting=plain.waiting, service=plain.service) == plain
    assert attrs.asdict(got.waiting) == pytest.approx(attrs.asdict(plain.waiting))
    assert attrs.asdict(got.service) == pytest.approx(attrs.asdict(plain.service))


def test_service_distributions() -> None:
    rng = np.random.default_rng(0)
    logn = TimeDistribution.lognormal(8.0, 4.0).sample(rng, 200_000)
    assert logn.mean() == pytest.approx(8.0, rel=0.02)
    assert logn.std() == pytest.approx(4.0, rel=0.03)
    emp = TimeDistribution.empirical([1.5, 2.5, 9.0]).sample(rng, 1000)
    assert set(emp.tolist()) == {1.5, 2.5, 9.0}
    assert TimeDistribution.fixed(4.0).sample(rng, 3).tolist() == [4.0, 4.0, 4.0]
    assert TimeDistribution.exponential(2.0).sample(rng, 100_000).mean() == pytest.approx(
        2, rel=0.02
    )
    assert TimeDistribution.lognormal(8.0, 4.0).describe() == {
        "kind": "lognormal",
        "mean": 8.0,
        "sd": 4.0,
    }


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"kind": "exponential"}, "mean"),
        ({"kind": "lognormal", "mean": 3.0}, "sd"),
        ({"kind": "empirical", "values": []}, "values"),
        ({"kind": "empirical", "values": [1.0, -2.0]}, "values[1]"),
        ({"kind": "fixed", "mean": 2.0, "sd": 1.0}, "sd"),
        ({"kind": "gamma", "mean": 2.0}, "kind"),
    ],
)
def test_bad_distributions_name_the_field(data: dict[str, object], path: str) -> None:
    import json

    with pytest.raises(InvalidDataError) as info:
        loads(json.dumps(data), TimeDistribution, source="d.json")
    assert info.value.problems[0].path == path


def test_profile_round_trips_and_reports_bad_data() -> None:
    profile = two_lines(
        patience=TimeDistribution.exponential(30.0),
        appointments=[Appointment(at="09:15", line="B", count=2)],
        windows=[WindowProfile(code="W1", lines=["B", "A"])] * 1
        + [WindowProfile(code=f"W{i}") for i in range(2, 6)],
    )
    assert loads(dumps(profile, format="toml"), DayProfile, format="toml") == profile
    bad = """
    [[lines]]
    id = "A"
    service = { kind = "exponential", mean = 5.0 }
    [[periods]]
    arrivals = { A = 10.0, Z = 3.0 }
    """
    with pytest.raises(InvalidDataError) as info:
        loads(bad, DayProfile, format="toml", source="day.toml")
    assert str(info.value) == "day.toml: periods[0].arrivals: unknown line 'Z'"


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"lines": []}, "lines"),
        ({"periods": []}, "periods"),
        ({"priority_groups": [GroupProfile(id="a", share=0.7), GroupProfile(id="b", share=0.4)]},
         "priority_groups"),
        ({"windows": [WindowProfile(code="W", lines=["Q"]), *FOUR]}, "windows[0].lines[0]"),
        ({"windows": [WindowProfile(code="W")]}, "periods[0].windows"),
        ({"appointments": [Appointment(at="07:00", line="A")]}, "appointments[0].at"),
        ({"appointments": [Appointment(at="09:00", line="Q")]}, "appointments[0].line"),
        ({"appointments": [Appointment(at="09:00", line="A", group="x")]},
         "appointments[0].group"),
        ({"appointment_no_show": 1.5}, "appointment_no_show"),
        ({"anti_starvation_after": 0}, "anti_starvation_after"),
        ({"target_share": 1.0}, "target_share"),
        ({"target_minutes": 0.0}, "target_minutes"),
        ({"max_windows": 0}, "max_windows"),
    ],
)  # fmt: skip
def test_profile_validation_names_the_field(kw: dict[str, object], field: str) -> None:
    with pytest.raises(FieldValueError) as info:
        two_lines(**kw)
    assert info.value.field == field


def test_models_validate_their_fields() -> None:
    with pytest.raises(FieldValueError, match="reserved"):
        GroupProfile(id="normal", share=0.1)
    with pytest.raises(FieldValueError, match="share"):
        GroupProfile(id="x", share=1.5)
    with pytest.raises(FieldValueError, match="weight"):
        GroupProfile(id="x", share=0.5, weight=0)
    with pytest.raises(FieldValueError, match=r"arrivals\.A"):
        Period(arrivals={"A": -1.0})
    with pytest.raises(FieldValueError, match="windows"):
        Period(windows=-1)
    with pytest.raises(FieldValueError, match="count"):
        Appointment(at="09:00", line="A", count=0)
    with pytest.raises(FieldValueError, match="replications"):
        simulate(two_lines(), replications=0)
    with pytest.raises(FieldValueError, match="engine"):
        simulate_day(two_lines(), np.random.default_rng(0), engine="warp")
    with pytest.raises(FieldValueError, match=r"periods\[0\].windows"):
        simulate(two_lines(periods=[Period(arrivals={"A": 1.0})]))
    with pytest.raises(FieldValueError, match="periods"):
        two_lines().with_windows([1, 2])


def test_estimate() -> None:
    one = estimate([3.0])
    assert one.mean == 3.0
    assert math.isinf(one.half_width)
    assert math.isnan(estimate([]).mean)
    many = estimate([float(x % 7) for x in range(100)])
    assert many.low < many.mean < many.high
    assert many.half_width == pytest.approx(
        1.9842 * np.std([x % 7 for x in range(100)], ddof=1) / 10, rel=0.001
    )


def test_progress_is_reported() -> None:
    seen: list[int] = []
    simulate(two_lines(), replications=3, seed=1, progress=seen.append)
    assert seen == [1, 2, 3]


def test_groups_of_equal_weight_share_one_queue() -> None:
    # Two groups of weight 1 and one window: their tickets are called in arrival order.
    profile = DayProfile(
        lines=[LineProfile(id="A", service=TimeDistribution.fixed(5.0))],
        priority_groups=[
            GroupProfile(id="elderly", share=0.4, weight=1),
            GroupProfile(id="disabled", share=0.4, weight=1),
        ],
        periods=[Period(arrivals={"A": 20}, windows=1)] * 2,
    )
    for engine in ("auto", "events"):
        day = simulate_day(profile, np.random.default_rng(6), engine=engine)
        prio = day.group < 2
        called = (day.arrival + day.wait)[prio]
        assert (np.diff(called) > 0).all()  # arrival order kept across both groups
