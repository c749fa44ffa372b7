"""Due dates say what they rest on: the official schedule, an estimate, or local days."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from importlib.metadata import requires, version
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import govservice_std as gs
from govservice_std.calendar import HolidayDataError, LocalDay, estimated_schedule
from govservice_std.cli import cli
from govservice_std.evaluation import Evaluator
from tests.plugins.datafolder import CountyPlugin
from tests.plugins.distributions import write_distribution

D = dt.date
LONGMEN_EXAMPLES = (
    Path(__file__).resolve().parents[1]
    / "plugins/longmen/src/govservice_longmen/data/441324/examples"
)


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


# -- item 2: the holiday data floor --------------------------------------------------------


def test_the_library_requires_the_first_holidays_release_with_2026() -> None:
    floor = next(r for r in requires("govservice-std") or [] if r.startswith("holidays"))
    assert floor.replace(" ", "") == "holidays>=0.85"
    installed = tuple(int(p) for p in version("holidays").split(".")[:2])
    assert installed >= (0, 85)


@pytest.fixture
def holidays_without_2026(monkeypatch: pytest.MonkeyPatch) -> None:
    # The installed package with the 2026 notice taken out: what an older release holds.
    from holidays.countries.china import ChinaStaticHolidays

    table = dict(ChinaStaticHolidays.special_public_holidays)
    del table[2026]
    monkeypatch.setattr(ChinaStaticHolidays, "special_public_holidays", table)
    return


@pytest.mark.usefixtures("holidays_without_2026")
def test_refuses_a_holidays_release_that_lacks_an_official_year(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(HolidayDataError) as info:
        gs.WorkingCalendar().is_working_day(D(2026, 2, 14))
    assert info.value.year == 2026
    assert isinstance(info.value, gs.GovServiceError)
    assert "holidays>=0.85" in str(info.value)
    assert "缺少 2026 年的法定节假日安排" in info.value.localized("zh")
    # Estimating is no way around it: 2026 is official, its data must be there.
    with pytest.raises(HolidayDataError):
        gs.WorkingCalendar(estimate=True).due_date(D(2026, 2, 13), 1)
    from govservice_std.cli import main

    for lang, words in (("zh", "缺少 2026 年"), ("en", "lacks the official 2026")):
        with pytest.raises(SystemExit) as exit_info:
            main(["--lang", lang, "deadline", "441324", "--start", "2026-02-13",
                  "--working-days", "1"])  # fmt: skip
        assert exit_info.value.code == 2
        err = capsys.readouterr().err
        assert words in err
        assert len(err.strip().splitlines()) == 1


# -- item 3: invented local days stay out of live answers ----------------------------------


def test_longmen_has_no_invented_days_in_its_live_calendar() -> None:
    calendar = gs.load_registry().resolve("441324").calendar
    assert not calendar.closures
    assert not calendar.service_days


@settings(max_examples=30, deadline=None)
@given(start=st.dates(D(2025, 1, 1), D(2026, 11, 1)), days=st.integers(0, 30))
def test_longmen_deadlines_are_the_official_ones(start: dt.date, days: int) -> None:
    registry = gs.load_registry()
    official = gs.WorkingCalendar().due_date(start, days)
    assert registry.resolve("441324").calendar.due_date(start, days) == official


def _county_with_the_example_calendar(tmp_path: Path) -> gs.Registry:
    example = (LONGMEN_EXAMPLES / "calendar-example.toml").read_text(encoding="utf-8")
    (tmp_path / "calendar.toml").write_text(example, encoding="utf-8")
    return gs.load_registry(plugins=[CountyPlugin(tmp_path, code="441399")])


def test_a_local_day_that_moves_a_due_date_is_named(tmp_path: Path) -> None:
    registry = _county_with_the_example_calendar(tmp_path)
    calendar = registry.resolve("441399").calendar
    assert calendar.due_date(D(2026, 9, 15), 1) == D(2026, 9, 17)
    (day,) = calendar.local_days(D(2026, 9, 15), D(2026, 9, 17))
    assert day == LocalDay(D(2026, 9, 16), False, "台风停工停课（示例，虚构）", "441399", True)
    # A span the local days do not touch names none.
    assert calendar.local_days(D(2026, 3, 1), D(2026, 3, 31)) == ()
    assert (
        day.describe("zh") == "2026-09-16 闭厅不计工作日（台风停工停课（示例，虚构）；441399 设定）"
    )
    assert day.describe("en").startswith("2026-09-16 closed, not counted (台风停工停课")


def test_the_deadline_command_names_the_local_days_it_counted(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    example = (LONGMEN_EXAMPLES / "calendar-example.toml").read_text(encoding="utf-8")
    (data / "calendar.toml").write_text(example, encoding="utf-8")
    source = (
        "from pathlib import Path\n"
        "from govservice_std import Locality, hookimpl\n\n"
        "@hookimpl\n"
        "def govservice_localities():\n"
        "    return [Locality(code='441399', name='测试县', level='county', parent='441300',\n"
        f"                     data=Path({str(data)!r}))]\n"
    )
    root = write_distribution(
        tmp_path, dist="govservice-test-county", version="0.0.1", entry_name="testcounty",
        module="test_county_locality", source=source,
    )  # fmt: skip
    env = {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}

    def deadline(*extra: str, lang: str = "zh") -> str:
        args = ["--lang", lang, "deadline", "441399", "--start", "2026-09-15"]
        args += ["--working-days", "1", *extra]
        result = subprocess.run(
            [sys.executable, "-m", "govservice_std", *args],
            capture_output=True, text=True, env=env, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert deadline().splitlines() == [
        "2026-09-17",
        "本地调整：2026-09-16 闭厅不计工作日（台风停工停课（示例，虚构）；441399 设定）",
    ]
    assert deadline(lang="en").splitlines()[1].startswith("local day: 2026-09-16 closed")
    data_json = json.loads(deadline("--json"))
    assert data_json["local_days"] == [
        {
            "date": "2026-09-16",
            "counts": False,
            "reason": "台风停工停课（示例，虚构）",
            "layer": "441399",
            "illustrative": True,
        }
    ]


@settings(max_examples=25, deadline=None)
@given(start=st.dates(D(2026, 1, 1), D(2026, 11, 15)), days=st.integers(0, 25))
def test_exactly_the_local_days_that_change_the_count_are_named(start: dt.date, days: int) -> None:
    closures = [D(2026, 9, 16), D(2026, 10, 3)]  # a working day, and a day already off
    service = [D(2026, 12, 26), D(2026, 2, 14)]  # a Saturday, and a 调休 working day
    local = gs.WorkingCalendar(closures=closures, service_days=service)
    official = gs.WorkingCalendar()
    due = local.due_date(start, days)
    named = {d.date for d in local.local_days(start, due)}
    changed = {
        d
        for d in (*closures, *service)
        if start < d <= due and local.is_working_day(d) != official.is_working_day(d)
    }
    assert named == changed
    if official.due_date(start, days) != due:
        assert named


# -- item 4: estimates are flagged, and follow the rules -----------------------------------


def test_the_rules_reproduce_the_published_schedules() -> None:
    official = gs.WorkingCalendar()
    for year, misses in ((2025, set()), (2026, {D(2026, 2, 14), D(2026, 2, 15)})):
        rest, makeup, _ = estimated_schedule(year)
        wrong = set()
        day = D(year, 1, 1)
        while day.year == year:
            estimated = day in makeup or (day not in rest and day.weekday() < 5)
            if estimated != official.is_working_day(day):
                wrong.add(day)
            day += dt.timedelta(days=1)
        assert wrong == misses


@pytest.mark.parametrize("year", range(2027, 2036))
def test_an_estimated_year_has_the_published_shape(year: int) -> None:
    rest, makeup, names = estimated_schedule(year)
    spring = sorted(d for d in rest if names[d] == "春节（估算）")
    assert len(spring) >= 8  # eight days from 除夕 (more when joined to a weekend)
    national = [d for d in rest if D(year, 10, 1) <= d <= D(year, 10, 8)]
    assert 7 <= len(national) <= 8
    assert makeup  # 调休 make-up working days, unlike the package's own estimate
    assert all(d.weekday() >= 5 and d not in rest for d in makeup)
    # Rest days gained equal the statutory days (13) plus weekend days the breaks cover,
    # less the weekend days given back as make-up days.
    weekdays_off = sum(1 for d in rest if d.weekday() < 5)
    assert weekdays_off - len(makeup) <= 13


def test_an_estimated_due_date_is_flagged_in_text_and_json() -> None:
    args = ["deadline", "441324", "--start", "2027-01-29", "--working-days", "10", "--estimate"]
    data = json.loads(_run(*args, "--json"))
    assert data["estimated"] is True
    # 春节 2027 (estimated): 1/31 and 2/13 make-up working days, 2/5–2/12 off.
    assert data["due"] == "2027-02-18"
    assert "估算" in _run(*args)
    assert "estimate" in _run("--lang", "en", *args)
    official = json.loads(
        _run("deadline", "441324", "--start", "2026-03-02", "--working-days", "5", "--json")
    )
    assert official["estimated"] is False
    calendar = gs.WorkingCalendar(estimate=True)
    assert calendar.is_estimated(D(2026, 12, 30), D(2027, 1, 7))
    assert not calendar.is_estimated(D(2026, 1, 5), D(2026, 12, 31))


def test_a_scorecard_names_the_local_days_that_moved_its_due_dates() -> None:
    from govservice_std.calendar import CalendarDay

    registry = gs.load_registry()
    assessment = gs.load_assessment(LONGMEN_EXAMPLES / "assessment-441324116.toml")
    hall = registry.resolve("441324").hall(assessment.hall)
    standard = registry.resolve("441324").standard
    official = Evaluator(standard).evaluate(assessment, hall)
    assert official.local_days == ()
    closed = D(2026, 12, 1)
    calendar = gs.WorkingCalendar(
        closures=[closed], reasons={closed: CalendarDay(closed, "停电（测试）", illustrative=True)}
    )
    card = Evaluator(standard, calendar=calendar).evaluate(assessment, hall)
    moved = {r.criterion: r.due for r in card.rectifications}
    assert official.rectifications
    for r in official.rectifications:
        # A working day closed before the due date pushes it one working day later.
        expected = calendar.next_working_day(r.due) if r.due >= closed else r.due
        assert moved[r.criterion] == expected
    assert [d.date for d in card.local_days] == [closed]
    assert card.to_dict()["local_days"][0]["reason"] == "停电（测试）"
