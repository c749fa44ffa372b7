"""Hypothesis strategies for the staffing models."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from govservice_std.staffing import (
    Appointment,
    DayProfile,
    GroupProfile,
    LineProfile,
    Period,
    TimeDistribution,
    WindowProfile,
)

minutes = st.floats(min_value=0.1, max_value=120.0, allow_nan=False, allow_subnormal=False)

time_distributions = st.one_of(
    st.builds(TimeDistribution.exponential, minutes),
    st.builds(TimeDistribution.lognormal, minutes, minutes),
    st.builds(TimeDistribution.fixed, minutes),
    st.builds(
        TimeDistribution.empirical,
        st.lists(
            st.floats(min_value=0, max_value=200.0, allow_subnormal=False), min_size=1, max_size=5
        ),
    ),
)


@st.composite
def day_profiles(draw: st.DrawFn) -> DayProfile:
    line_ids = draw(st.lists(st.sampled_from("ABCDE"), min_size=1, max_size=3, unique=True))
    lines = [LineProfile(id=i, service=draw(time_distributions)) for i in line_ids]
    n_groups = draw(st.integers(0, 2))
    groups = [
        GroupProfile(
            id=f"g{k}",
            share=draw(st.floats(0, 0.4, allow_subnormal=False)),
            weight=draw(st.integers(1, 3)),
        )
        for k in range(n_groups)
    ]
    rates = st.floats(min_value=0, max_value=60.0, allow_subnormal=False)
    periods = draw(
        st.lists(
            st.builds(
                Period,
                arrivals=st.fixed_dictionaries(dict.fromkeys(line_ids, rates)),
                windows=st.one_of(st.none(), st.integers(0, 4)),
                minutes=st.sampled_from([30.0, 60.0]),
            ),
            min_size=1,
            max_size=3,
        )
    )
    windows = draw(
        st.one_of(
            st.just([]),
            st.just([WindowProfile(code=f"W{k}", lines=line_ids[:1]) for k in range(4)]),
        )
    )
    appointments = draw(
        st.lists(
            st.builds(
                Appointment,
                at=st.sampled_from([dt.time(8, 0), dt.time(8, 15)]),
                line=st.sampled_from(line_ids),
                count=st.integers(1, 3),
            ),
            max_size=2,
        )
    )
    return DayProfile(
        lines=lines,
        periods=periods,
        priority_groups=groups,
        windows=windows,
        appointments=appointments,
        appointment_no_show=draw(st.floats(0, 1, allow_subnormal=False)),
        patience=draw(st.one_of(st.none(), time_distributions)),
        anti_starvation_after=draw(st.one_of(st.none(), st.integers(1, 4))),
        target_minutes=draw(st.one_of(st.none(), minutes)),
        target_share=draw(st.one_of(st.none(), st.floats(0.05, 0.95, allow_subnormal=False))),
        name=draw(st.text(max_size=10)),
        illustrative=draw(st.booleans()),
    )
