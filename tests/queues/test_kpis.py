from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.kpis import NORMAL_GROUP, Distribution, kpis_from_events


def test_distribution() -> None:
    d = Distribution.of([4.0, 1.0, 3.0, 2.0, 10.0])
    assert (d.count, d.mean, d.median, d.p90, d.max) == (5, 4.0, 3.0, 10.0, 10.0)
    assert Distribution.of([]) == Distribution()


@given(st.lists(st.floats(0, 1e4), min_size=1, max_size=50))
def test_distribution_order(values: list[float]) -> None:
    d = Distribution.of(values)
    assert d.mean is not None
    assert d.median is not None
    assert d.p90 is not None
    assert min(values) <= d.median <= d.p90 <= max(values)
    assert d.max == max(values)


def _serve(engine: QueueEngine, clock: FixedClock, window: str, minutes: float) -> str:
    t = engine.call_next(window)
    engine.start(t.id)
    clock.advance(minutes=minutes)
    engine.finish(t.id)
    return t.id


def test_day_of_kpis(engine: QueueEngine, clock: FixedClock) -> None:
    engine.issue("A")  # 09:00
    engine.issue("A", priority="elderly")
    engine.issue("C")
    clock.advance(minutes=10)  # 09:10
    _serve(engine, clock, "W1", 5)  # elderly: waited 10, served 5
    _serve(engine, clock, "W1", 3)  # A001: waited 15, served 3
    clock.advance(minutes=2)  # 09:20
    c = engine.call_next("W3")  # C01 waited 20: over the 15-minute target
    engine.recall("W3")
    engine.no_show(c.id)
    clock.advance(hours=1)  # 10:20
    engine.issue("B")  # still waiting at the end, within target
    k = engine.kpis()
    o = k.overall
    assert (o.issued, o.called, o.served, o.no_shows, o.waiting_now) == (4, 3, 2, 1, 1)
    assert o.waiting.mean == pytest.approx(15.0)
    assert o.waiting.median == 15.0
    assert o.waiting.p90 == 20.0
    assert o.service.mean == 4.0
    assert o.within_target == pytest.approx(2 / 3)
    assert o.no_show_rate == pytest.approx(1 / 3)
    assert k.target_met is False  # 2/3 < 0.8
    assert set(k.by_line) == {"A", "B", "C"}
    assert k.by_line["C"].no_show_rate == 1.0
    assert k.by_window["W1"].served == 2
    assert k.by_group["elderly"].waiting.mean == 10.0
    assert k.by_group[NORMAL_GROUP].issued == 3
    assert set(k.by_hour) == {9, 10}
    # A ticket waiting past the target counts against the share, live.
    clock.advance(minutes=16)
    assert engine.kpis().overall.within_target == pytest.approx(2 / 4)
    # The same figures from the record alone (a day's history).
    history = kpis_from_events(
        [e for _, e in engine.events()],
        hall=engine.hall.code,
        now=clock.now,
        day=clock.now.date(),
        target_minutes=15.0,
        target_share=0.8,
    )
    assert history == engine.kpis()
    data = history.to_dict()
    assert data["by_hour"]["9"]["issued"] == 3
    assert data["target_met"] is False


def test_kpis_of_another_day_are_empty(engine: QueueEngine, clock: FixedClock) -> None:
    engine.issue("A")
    k = engine.kpis(day=clock.now.date() + dt.timedelta(days=1))
    assert k.overall.issued == 0
    assert k.overall.within_target is None
    assert k.overall.no_show_rate is None
