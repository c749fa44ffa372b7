"""Hypothesis strategies for every model."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from govservice_std import DivisionCode, Hall, HallTier, Locality, Window
from govservice_std.halls import (
    Contact,
    DayHours,
    HallsDocument,
    OpeningHours,
    ServiceMode,
    SpecialService,
    Staff,
    StaffRole,
    TimeRange,
    Weekday,
    WindowKind,
    Zone,
    ZoneKind,
)

text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)
names = text.filter(lambda s: s.strip() != "")
identifiers = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_.\-]{0,15}\Z")

province_digits = st.integers(11, 82).map(lambda n: f"{n:02d}")
county_codes = st.tuples(province_digits, st.integers(1, 99), st.integers(1, 99)).map(
    lambda t: f"{t[0]}{t[1]:02d}{t[2]:02d}"
)
town_codes = st.tuples(county_codes, st.integers(1, 599)).map(lambda t: f"{t[0]}{t[1]:03d}")
village_codes = st.tuples(town_codes, st.integers(1, 599)).map(lambda t: f"{t[0]}{t[1]:03d}")
division_codes = st.one_of(
    st.just("000000"),
    province_digits.map(lambda p: f"{p}0000"),
    st.tuples(province_digits, st.integers(1, 99)).map(lambda t: f"{t[0]}{t[1]:02d}00"),
    county_codes,
    town_codes,
    village_codes,
).map(DivisionCode)


@st.composite
def localities(draw: st.DrawFn) -> Locality:
    code = draw(
        st.one_of(
            province_digits.map(lambda p: f"{p}0000"),
            st.tuples(province_digits, st.integers(1, 99)).map(lambda t: f"{t[0]}{t[1]:02d}00"),
            county_codes,
        )
    )
    division = DivisionCode(code)
    level = division.level.value
    parent = division.parent
    return Locality(code=code, name=draw(names), level=level, parent=parent)


@st.composite
def time_ranges(draw: st.DrawFn) -> TimeRange:
    start = draw(st.integers(0, 22 * 60))
    length = draw(st.integers(1, 23 * 60 + 59 - start))
    end = start + length
    return TimeRange(dt.time(start // 60, start % 60), dt.time(end // 60, end % 60))


@st.composite
def day_hours(draw: st.DrawFn, days: list[Weekday] | None = None) -> DayHours:
    if days is None:
        days = draw(st.lists(st.sampled_from(Weekday), min_size=1, max_size=7, unique=True))
    # Non-overlapping periods: cut the day at sorted distinct minutes.
    cuts = sorted(draw(st.sets(st.integers(0, 23 * 60 + 59), min_size=2, max_size=6)))
    periods = [
        TimeRange(dt.time(a // 60, a % 60), dt.time(b // 60, b % 60))
        for a, b in zip(cuts[::2], cuts[1::2], strict=False)
    ]
    return DayHours(days=days, periods=periods)


@st.composite
def schedules(draw: st.DrawFn) -> tuple[DayHours, ...]:
    days = draw(st.lists(st.sampled_from(Weekday), min_size=1, max_size=7, unique=True))
    split = draw(st.integers(1, len(days)))
    groups = [days[:split], days[split:]] if split < len(days) else [days]
    return tuple(draw(day_hours(days=g)) for g in groups)


special_services = st.builds(
    SpecialService,
    mode=st.sampled_from(ServiceMode),
    description=text,
    schedule=st.one_of(st.just(()), schedules()),
)
opening_hours = st.builds(
    OpeningHours,
    regular=schedules(),
    special=st.lists(special_services, max_size=2).map(tuple),
    notes=text,
)
zones = st.builds(
    Zone,
    kind=st.sampled_from([k for k in ZoneKind if k is not ZoneKind.OTHER]),
    name=text,
    area_m2=st.none() | st.floats(0.5, 10_000, allow_nan=False, allow_subnormal=False),
    notes=text,
)
windows = st.builds(
    Window,
    code=identifiers,
    kind=st.sampled_from(WindowKind),
    lines=st.lists(identifiers, max_size=4, unique=True).map(tuple),
    name=text,
    department=text,
)
contacts = st.builds(Contact, phone=text, complaint_phone=text, email=text, website=text)


@st.composite
def halls(draw: st.DrawFn) -> Hall:
    tier = draw(st.sampled_from(HallTier))
    division = draw(
        {HallTier.COUNTY: county_codes, HallTier.TOWN: town_codes, HallTier.VILLAGE: village_codes}[
            tier
        ]
    )
    hall_windows = draw(st.lists(windows, max_size=4, unique_by=lambda w: w.code))
    window_codes = [w.code for w in hall_windows]
    staff = draw(
        st.lists(
            st.builds(
                Staff,
                id=identifiers,
                role=st.sampled_from(StaffRole),
                name=text,
                windows=(
                    st.lists(st.sampled_from(window_codes), unique=True).map(tuple)
                    if window_codes
                    else st.just(())
                ),
            ),
            max_size=3,
            unique_by=lambda s: s.id,
        )
    )
    code = draw(identifiers)
    return Hall(
        code=code,
        name=draw(names),
        tier=tier,
        division=division,
        parent=draw(st.none() | identifiers.filter(lambda p: p != code)),
        address=draw(text),
        contact=draw(st.none() | contacts),
        zones=draw(st.lists(zones, max_size=4)),
        windows=hall_windows,
        hours=draw(st.none() | opening_hours),
        staff=staff,
        sources=draw(st.lists(text, max_size=2)),
        illustrative=draw(st.lists(st.sampled_from(["address", "windows", "zones"]), max_size=2)),
        notes=draw(text),
    )


halls_documents = st.builds(
    HallsDocument,
    halls=st.lists(halls(), max_size=3, unique_by=lambda h: h.code).map(tuple),
    sources=st.lists(text, max_size=2).map(tuple),
    notes=text,
)

#: Every model with a strategy, for round-trip tests.
MODELS = {
    "DivisionCode": division_codes,
    "Locality": localities(),
    "TimeRange": time_ranges(),
    "DayHours": day_hours(),
    "SpecialService": special_services,
    "OpeningHours": opening_hours,
    "Zone": zones,
    "Window": windows,
    "Staff": st.builds(Staff, id=identifiers, role=st.sampled_from(StaffRole), name=text),
    "Contact": contacts,
    "Hall": halls(),
    "HallsDocument": halls_documents,
}
