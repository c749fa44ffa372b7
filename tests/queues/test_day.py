"""A whole service day at 龙门县政务服务中心 through the API, on SQLite.

Seeded pseudo-random arrivals over the day in every line, with priority groups,
appointments, no-shows, transfers and a lunch break; every window works through its
queue. At the end nothing is lost or served twice, the KPIs are consistent, and the record
read back from a reopened database gives the same state and the same KPIs.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from govservice_std import load_registry
from govservice_std.errors import NoTicketWaitingError
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import CHINA_TZ
from govservice_std.queues.kpis import kpis_from_events
from govservice_std.queues.state import TicketStatus
from govservice_std.queues.stores.sqlite import SQLiteStore

OPEN = dt.datetime(2026, 3, 2, 8, 30, tzinfo=CHINA_TZ)


def test_a_service_day(tmp_path: Path) -> None:
    rng = random.Random(441324)  # noqa: S311 - test data
    registry = load_registry()
    clock = FixedClock(OPEN)
    db = tmp_path / "centre.db"
    store = SQLiteStore(db, "441324", locality="441324", synchronous="OFF")
    engine = QueueEngine.for_hall(
        registry.resolve("441324"), "441324", store=store, clock=clock, notify=False
    )
    windows = [w for w in engine.hall.windows if w.lines]
    for window in windows:
        engine.open_window(window.code)
    lines = [line.id for line in engine.policy.lines]
    groups = [None] * 8 + [g.id for g in engine.policy.priority_groups]
    appointments = 0
    busy_until: dict[str, dt.datetime] = {}
    absent: set[str] = set()

    close = OPEN.replace(hour=17, minute=30)
    while clock.now < close or engine.state.waiting():
        if clock.now < close:
            for _ in range(rng.choice([0, 0, 0, 1, 1, 1, 2])):
                if rng.random() < 0.1:
                    appointments += 1
                    slot = clock.now + dt.timedelta(minutes=rng.choice([-5, 0, 10, 20]))
                    engine.check_in(f"YY-{appointments:04d}", line=rng.choice(lines), slot=slot)
                else:
                    engine.issue(rng.choice(lines), priority=rng.choice(groups))
        lunch = clock.now.time() >= dt.time(12, 0) and clock.now.time() < dt.time(14, 30)
        for window in windows:
            code = window.code
            current = engine.window(code).ticket
            if current is None:
                if busy_until.get(code, OPEN) > clock.now or (lunch and code != "G01"):
                    continue
                try:
                    engine.call_next(code)
                except NoTicketWaitingError:
                    continue
                continue
            ticket = engine.ticket(current)
            if ticket.status is TicketStatus.CALLED:
                if ticket.id in absent or rng.random() < 0.05:
                    absent.add(ticket.id)  # the holder has left: recalled, then no-show
                    if ticket.calls < engine.policy.no_show_after_calls:
                        engine.recall(code)
                    else:
                        engine.no_show(ticket.id)
                else:
                    engine.start(ticket.id)
                    busy_until[code] = clock.now + dt.timedelta(minutes=rng.randint(2, 9))
            elif busy_until[code] <= clock.now:
                if ticket.transfers == 0 and rng.random() < 0.03:
                    engine.transfer(ticket.id, rng.choice([x for x in lines if x != ticket.line]))
                else:
                    engine.finish(ticket.id, rng.choice(["completed", "accepted", "informed"]))
        clock.advance(minutes=1)
        assert clock.now < OPEN.replace(hour=23), "the day never ended"

    tickets = engine.state.tickets()
    assert len(tickets) > 200
    statuses = {t.status for t in tickets}
    assert statuses <= {TicketStatus.FINISHED, TicketStatus.NO_SHOW, TicketStatus.CALLED,
                        TicketStatus.SERVING}  # fmt: skip
    kpis = engine.kpis()
    o = kpis.overall
    assert o.issued == len(tickets)
    assert o.served + o.no_shows + sum(
        t.status in (TicketStatus.CALLED, TicketStatus.SERVING) for t in tickets
    ) == len(tickets)
    assert o.waiting.median is not None
    assert o.waiting.p90 is not None
    assert o.waiting.median <= o.waiting.p90
    assert sum(f.issued for f in kpis.by_line.values()) == o.issued
    assert sum(f.issued for f in kpis.by_group.values()) == o.issued
    assert sum(f.issued for f in kpis.by_hour.values()) == o.issued
    assert set(kpis.by_hour) <= set(range(8, 24))
    assert o.no_shows > 0

    # The record alone, read back from a reopened database, tells the same story.
    store.close()
    again = SQLiteStore(db)
    replayed = QueueEngine.for_hall(
        registry.resolve("441324"), "441324", store=again, clock=clock, notify=False
    )
    assert replayed.state.tickets() == tickets
    history = kpis_from_events(
        [e for _, e in again.read()],
        hall="441324",
        now=clock.now,
        day=OPEN.date(),
        target_minutes=engine.policy.target_minutes,
        target_share=engine.policy.target_share,
    )
    assert history == kpis
    again.close()
