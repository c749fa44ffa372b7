"""Staffing under the locality's queue policy, and service times from a queue record."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import govservice_std as gs
from govservice_std.cli import cli
from govservice_std.errors import FieldValueError
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import CHINA_TZ
from govservice_std.queues.policy import AntiStarvationRule, BusinessLine, PriorityGroup
from govservice_std.queues.stores.memory import MemoryStore
from govservice_std.queues.stores.sqlite import SQLiteStore
from govservice_std.serialization import structure
from govservice_std.staffing import (
    DayProfile,
    GroupProfile,
    LineProfile,
    Period,
    TimeDistribution,
    apply_queue_policy,
    empirical_services,
    plan_staffing,
    recorded_service_times,
    simulate,
    with_recorded_services,
)


def _policy(**kw: object) -> gs.QueuePolicy:
    base: dict[str, object] = {
        "lines": [BusinessLine(id="A", name="综合"), BusinessLine(id="B", name="商事")],
        "priority_groups": [
            PriorityGroup(id="military", name="军人依法优先", weight=3),
            PriorityGroup(id="elderly", name="老年人", weight=1),
        ],
        "target_minutes": 15.0,
        "target_share": 0.8,
        "anti_starvation_after": 4,
    }
    base.update(kw)
    return gs.QueuePolicy(**base)  # type: ignore[arg-type]


def _profile(**kw: object) -> DayProfile:
    base: dict[str, object] = {
        "lines": [LineProfile(id="A", service=TimeDistribution.exponential(6.0))],
        "periods": [Period(arrivals={"A": 30.0}), Period(arrivals={"A": 50.0})],
        "priority_groups": [
            GroupProfile(id="military", share=0.02),
            GroupProfile(id="elderly", share=0.1),
        ],
    }
    base.update(kw)
    return DayProfile(**base)  # type: ignore[arg-type]


def test_policy_fills_what_the_profile_leaves_unset() -> None:
    planned = apply_queue_policy(_profile(), _policy())
    assert (planned.target_minutes, planned.target_share) == (15.0, 0.8)
    assert planned.anti_starvation_after == 4
    assert [g.weight for g in planned.priority_groups] == [3, 1]


def test_profile_overrides_the_policy_explicitly() -> None:
    profile = _profile(
        target_minutes=25.0,
        target_share=0.7,
        anti_starvation_after=1,
        priority_groups=[GroupProfile(id="military", share=0.02, weight=1)],
    )
    planned = apply_queue_policy(profile, _policy())
    assert (planned.target_minutes, planned.target_share) == (25.0, 0.7)
    assert planned.anti_starvation_after == 1
    assert planned.priority_groups[0].weight == 1


def test_policy_rules_for_anti_starvation() -> None:
    strict = apply_queue_policy(_profile(), _policy(anti_starvation=AntiStarvationRule.NONE))
    assert strict.anti_starvation_after is None
    with pytest.raises(FieldValueError, match="ageing"):
        apply_queue_policy(_profile(), _policy(anti_starvation=AntiStarvationRule.AGEING))
    aged = _profile(anti_starvation_after=2)
    assert apply_queue_policy(aged, _policy(anti_starvation="ageing")).anti_starvation_after == 2


def test_profile_must_fit_the_policy() -> None:
    with pytest.raises(FieldValueError, match="line 'C'"):
        apply_queue_policy(
            _profile(lines=[LineProfile(id="C", service=TimeDistribution.fixed(3.0))],
                     periods=[Period(arrivals={"C": 3.0})]),
            _policy(),
        )  # fmt: skip
    with pytest.raises(FieldValueError, match="group 'pregnant'"):
        apply_queue_policy(
            _profile(priority_groups=[GroupProfile(id="pregnant", share=0.01)]), _policy()
        )


def test_plan_takes_the_target_from_the_policy() -> None:
    plan = plan_staffing(_profile(), policy=_policy(), replications=4, seed=2)
    assert (plan.target_minutes, plan.target_share) == (15.0, 0.8)
    assert plan.policy_applied
    assert plan.profile.anti_starvation_after == 4
    with pytest.raises(FieldValueError, match="target_minutes"):
        plan_staffing(_profile(), replications=2)


def test_bundled_profile_plans_under_the_county_policy() -> None:
    registry = gs.load_registry()
    profile = registry.resolve("441324").staffing_profile
    assert profile is not None
    assert profile.target_minutes is None  # not copied into staffing.toml
    policy = registry.resolve("441324").queue_policy
    planned = apply_queue_policy(profile, policy)
    assert planned.target_minutes == policy.target_minutes
    assert planned.anti_starvation_after == policy.anti_starvation_after
    weights = {g.id: g.weight for g in planned.priority_groups}
    assert weights == {g.id: policy.group(g.id).weight for g in profile.priority_groups}


def _recorded_events() -> list[gs.Event]:
    hall = structure(
        {
            "code": "441324116",
            "name": "龙潭镇便民服务中心",
            "tier": "town",
            "division": "441324116",
            "windows": [{"code": "W1", "kind": "comprehensive", "lines": ["A", "B"]}],
        },
        gs.Hall,
    )
    clock = FixedClock(dt.datetime(2026, 11, 20, 9, 0, tzinfo=CHINA_TZ))
    engine = QueueEngine(hall, _policy(), store=MemoryStore("441324116"), clock=clock)
    engine.open_window("W1")
    for line, minutes in (("A", 3.0), ("B", 12.0), ("A", 5.0)):
        ticket = engine.issue(line)
        engine.call_next("W1")
        engine.start(ticket.id)
        clock.advance(minutes=minutes)
        engine.finish(ticket.id)
    engine.issue("A")  # never served: no service time
    return [event for _, event in engine.events()]


def test_service_times_from_a_queue_record() -> None:
    events = _recorded_events()
    assert recorded_service_times(events) == {"A": (3.0, 5.0), "B": (12.0,)}
    assert recorded_service_times(events, day=dt.date(2026, 11, 21)) == {}
    services = empirical_services(events, min_count=2)
    assert set(services) == {"A"}
    assert services["A"].values == (3.0, 5.0)
    profile = with_recorded_services(_profile(), services)
    assert profile.lines[0].service == services["A"]
    result = simulate(profile.with_windows([2, 3]), replications=2, seed=1)
    served = result.kpis.overall.service
    assert served.count > 0
    assert served.max is not None
    assert served.max <= 5.0


def test_cli_plans_with_recorded_service_times(tmp_path: Path) -> None:
    registry = gs.load_registry()
    db = tmp_path / "queue.db"
    clock = FixedClock(dt.datetime(2026, 11, 20, 9, 0, tzinfo=CHINA_TZ))
    with SQLiteStore(db, "441324", locality="441324") as store:
        engine = QueueEngine.for_hall(
            registry.resolve("441324"), "441324", store=store, clock=clock, notify=False
        )
        window = next(w.code for w in engine.hall.windows if "A" in w.lines)
        engine.open_window(window)
        for _ in range(12):  # twelve 2-minute services on line A
            ticket = engine.issue("A")
            engine.call_next(window)
            engine.start(ticket.id)
            clock.advance(minutes=2)
            engine.finish(ticket.id)
    args = ["staffing", "plan", "441324", "--replications", "2", "--json"]
    runner = CliRunner()
    assumed = json.loads(runner.invoke(cli, args).output)
    result = runner.invoke(cli, [*args, "--queue-db", str(db), "--day", "2026-11-20"])
    assert result.exit_code == 0, result.output
    recorded = json.loads(result.output)
    first_assumed, first_recorded = assumed["periods"][0], recorded["periods"][0]
    assert first_recorded["mean_service_minutes"] < first_assumed["mean_service_minutes"]
    other_day = ["--queue-db", str(db), "--day", "2026-11-21"]
    result = runner.invoke(cli, ["--lang", "en", *args, *other_day])
    assert result.exit_code == 2
    assert "no line has 10 finished tickets to take service times from" in result.output
    result = runner.invoke(cli, [*args, *other_day])
    assert result.exit_code == 2
    assert "没有哪个业务类别有 10 个已办结的号，无法取得实际办理时长" in result.output
    result = runner.invoke(cli, [*args, "--day", "2026-11-21"])
    assert result.exit_code == 2
