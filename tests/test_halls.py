"""Hall models: tiers, windows, hours."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given

import govservice_std as gs
from govservice_std.halls import (
    DayHours,
    OpeningHours,
    ServiceMode,
    StaffRole,
    TimeRange,
    Weekday,
    WindowKind,
    Zone,
    ZoneKind,
)

from .strategies import halls, opening_hours


def test_tiers_have_their_chinese_names() -> None:
    assert [t.label_zh for t in gs.HallTier] == ["政务服务中心", "便民服务中心", "便民服务站"]


def test_every_enum_member_has_a_chinese_label() -> None:
    for enum_type in (ZoneKind, WindowKind, ServiceMode, StaffRole, gs.HallTier):
        for member in enum_type:
            assert member.label_zh


def test_windows_and_lines() -> None:
    hall = gs.Hall(
        code="441324",
        name="龙门县政务服务中心",
        tier="county",
        division="441324",
        windows=[
            gs.Window(code="A01", kind="comprehensive", lines=["A", "B"]),
            gs.Window(code="G01", kind="green_channel", lines=["B", "C"]),
        ],
        zones=[Zone(kind="mother_baby")],
    )
    assert hall.lines == ("A", "B", "C")
    assert [w.code for w in hall.windows_of(WindowKind.GREEN_CHANNEL)] == ["G01"]
    assert hall.has_zone(ZoneKind.MOTHER_BABY)
    with pytest.raises(KeyError):
        hall.window("Z99")


def test_models_are_frozen_values() -> None:
    window = gs.Window(code="A01", kind="comprehensive", lines=["A"])
    with pytest.raises(AttributeError):
        window.code = "A02"  # type: ignore[misc]
    assert window == gs.Window(code="A01", kind=WindowKind.COMPREHENSIVE, lines=("A",))
    assert hash(window) == hash(gs.Window(code="A01", kind="comprehensive", lines=["A"]))


def test_other_zone_needs_a_name() -> None:
    with pytest.raises(gs.FieldValueError, match="needs a name"):
        Zone(kind="other")
    assert Zone(kind="other", name="农技服务角").label_zh == "农技服务角"


def test_overlapping_periods_are_refused() -> None:
    with pytest.raises(gs.FieldValueError, match="overlaps"):
        DayHours(days=["mon"], periods=[TimeRange("09:00", "12:00"), TimeRange("11:00", "13:00")])


@given(opening_hours)
def test_is_open_agrees_with_periods(hours: OpeningHours) -> None:
    for day in Weekday:
        for period in hours.periods_on(day):
            assert hours.is_open(day, period.start)
            assert not hours.is_open(day, period.end) or any(
                p.contains(period.end) for p in hours.periods_on(day)
            )
    assert hours.weekly_minutes == sum(p.minutes for day in Weekday for p in hours.periods_on(day))


@given(halls())
def test_generated_halls_keep_their_invariants(hall: gs.Hall) -> None:
    assert hall.division.level in hall.tier.division_level
    assert len({w.code for w in hall.windows}) == len(hall.windows)


def test_weekday_of_a_date() -> None:
    assert Weekday.of(dt.date(2026, 11, 26)) is Weekday.THU
    assert Weekday.THU.iso == 4
