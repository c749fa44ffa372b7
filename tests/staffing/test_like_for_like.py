"""A simulated day and a real queue day are reported in one KPI type."""

from __future__ import annotations

import datetime as dt

import govservice_std as gs
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import CHINA_TZ
from govservice_std.queues.kpis import KpiFigures, QueueKpis
from govservice_std.queues.policy import BusinessLine, PriorityGroup, QueuePolicy
from govservice_std.queues.stores.memory import MemoryStore
from govservice_std.serialization import structure
from govservice_std.staffing import (
    DayProfile,
    GroupProfile,
    LineProfile,
    Period,
    TimeDistribution,
    simulate,
)

DAY = dt.date(2026, 11, 20)


def _hall() -> gs.Hall:
    return structure(
        {
            "code": "441324116",
            "name": "龙潭镇便民服务中心",
            "tier": "town",
            "division": "441324116",
            "windows": [
                {"code": "W1", "kind": "comprehensive", "lines": ["A"]},
                {"code": "W2", "kind": "comprehensive", "lines": ["A"]},
            ],
        },
        gs.Hall,
    )


def _real_day() -> QueueKpis:
    policy = QueuePolicy(
        lines=[BusinessLine(id="A", name="综合")],
        priority_groups=[PriorityGroup(id="elderly", name="老年人")],
        target_minutes=15.0,
        target_share=0.8,
    )
    clock = FixedClock(dt.datetime(2026, 11, 20, 9, 0, tzinfo=CHINA_TZ))
    engine = QueueEngine(_hall(), policy, store=MemoryStore("441324116"), clock=clock)
    engine.open_window("W1")
    for priority in (None, "elderly", None):
        engine.issue("A", priority=priority)
    clock.advance(minutes=4)
    for _ in range(2):
        ticket = engine.call_next("W1")
        engine.start(ticket.id)
        clock.advance(minutes=7)
        engine.finish(ticket.id)
    return engine.kpis(DAY)


def _simulated_day() -> QueueKpis:
    profile = DayProfile(
        lines=[LineProfile(id="A", service=TimeDistribution.exponential(7.0))],
        priority_groups=[GroupProfile(id="elderly", share=0.1)],
        periods=[Period(arrivals={"A": 12.0}, windows=2)] * 2,
        opens="09:00",
        target_minutes=15.0,
        target_share=0.8,
    )
    return simulate(profile, replications=3, seed=4).kpis


def _keys(data: object) -> object:
    # The shape of a to_dict() tree: keys all the way down, values dropped.
    if isinstance(data, dict):
        return {k: _keys(v) for k, v in data.items()}
    return None


def test_simulated_and_real_day_share_one_kpi_type() -> None:
    real = _real_day()
    simulated = _simulated_day()
    assert type(real) is type(simulated) is QueueKpis
    assert type(real.overall) is type(simulated.overall) is KpiFigures
    assert real.hall == "441324116"
    assert real.day == DAY
    assert real.days == 1
    assert (simulated.hall, simulated.day, simulated.now) == (None, None, None)
    assert simulated.by_window == {}
    assert simulated.days == 3
    real_data, sim_data = real.to_dict(), simulated.to_dict()
    assert real_data.keys() == sim_data.keys()
    assert _keys(real_data["overall"]) == _keys(sim_data["overall"])
    # Slices keyed alike: hours as strings, lines by id, groups with "normal".
    assert set(real_data["by_line"]) == set(sim_data["by_line"]) == {"A"}
    assert "9" in real_data["by_hour"]
    assert "9" in sim_data["by_hour"]
    assert set(real_data["by_group"]) <= set(sim_data["by_group"]) | {"elderly", "normal"}
    assert _keys(real_data["by_hour"]["9"]) == _keys(sim_data["by_hour"]["9"])
    # Both are judged against the target the same way.
    assert real.target_met is not None
    assert simulated.target_met is not None


def test_simulated_kpis_default_fields() -> None:
    empty = QueueKpis()
    assert empty.overall == KpiFigures()
    assert empty.target_met is None
    assert empty.to_dict()["overall"]["waiting"]["count"] == 0
