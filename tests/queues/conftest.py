from __future__ import annotations

import datetime as dt

import pytest

from govservice_std.halls import Hall
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import CHINA_TZ
from govservice_std.queues.policy import BusinessLine, PriorityGroup, QueuePolicy
from govservice_std.serialization import structure

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ)


def make_hall() -> Hall:
    return structure(
        {
            "code": "441324116",
            "name": "龙潭镇便民服务中心",
            "tier": "town",
            "division": "441324116",
            "windows": [
                {"code": "W1", "kind": "comprehensive", "lines": ["A", "B"]},
                {"code": "W2", "kind": "comprehensive", "lines": ["B", "A"]},
                {"code": "W3", "kind": "dedicated", "lines": ["C"]},
                {"code": "Z1", "kind": "self_service"},
            ],
        },
        Hall,
    )


def make_policy(**kwargs: object) -> QueuePolicy:
    params: dict[str, object] = {
        "lines": [
            BusinessLine(id="A", name="综合"),
            BusinessLine(id="B", name="商事"),
            BusinessLine(id="C", name="不动产", prefix="C", number_width=2, daily_reset=False),
        ],
        "priority_groups": [
            PriorityGroup(id="military", name="军人依法优先", weight=2),
            PriorityGroup(id="elderly", name="老年人", weight=1),
        ],
        "no_show_after_calls": 2,
        "target_minutes": 15.0,
        "target_share": 0.8,
    }
    params.update(kwargs)
    return QueuePolicy(**params)  # type: ignore[arg-type]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def engine(clock: FixedClock) -> QueueEngine:
    e = QueueEngine(make_hall(), make_policy(), clock=clock)
    for w in ("W1", "W2", "W3"):
        e.open_window(w)
    return e
