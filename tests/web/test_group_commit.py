"""The hall service commits the commands pending together as one transaction.

Each command is still decided on the latest state and answered on its own: a refused command
leaves the others standing, and what the store keeps is exactly what was acknowledged.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest

from govservice_std.errors import IllegalCommandError, QueueError, QueueStoreError
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import (
    CHINA_TZ,
    Event,
    ServiceFinished,
    ServiceStarted,
    TicketCalled,
    TicketIssued,
)
from govservice_std.queues.hooks import HookFailure
from govservice_std.queues.state import QueueState
from govservice_std.registry import Registry
from govservice_std.web.service import HallService
from tests.queues.conftest import Backend, backend, pg_schema, postgres_url  # noqa: F401
from tests.web.conftest import HALL


def _service(registry: Registry, backend: Backend) -> HallService:  # noqa: F811
    clock = FixedClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ))
    locality = registry.resolve("441324")

    def make() -> QueueEngine:
        store = backend.open(HALL, locality="441324")
        return QueueEngine.for_hall(locality, HALL, store=store, clock=clock, notify=False)

    return HallService(make)


def test_pending_commands_commit_together_each_answered_alone(
    registry: Registry,
    backend: Backend,  # noqa: F811 - a fixture
) -> None:
    service = _service(registry, backend)
    try:
        service.run_sync(lambda e: e.open_window("A01"))

        async def burst() -> list[Any]:
            jobs: list[Any] = []
            for n in range(40):
                jobs.append(service.run(lambda e: e.issue("A")))
                if n % 10 == 9:
                    jobs.append(service.run(lambda e: e.call_next("A01")))
                    # Refused: the window is busy with the ticket just called.
                    jobs.append(service.run(lambda e: e.call_next("A01")))
                    jobs.append(service.run(lambda e: e.start(e.window("A01").ticket or "")))
                    jobs.append(service.run(lambda e: e.issue("no-such-line")))  # refused
                    jobs.append(service.run(lambda e: e.finish(e.window("A01").ticket or "")))
                    jobs.append(service.read(lambda e: e.window("A01").ticket))
            return await asyncio.gather(*jobs, return_exceptions=True)

        answers = asyncio.run(burst())
        assert service.group_commits > 0  # the burst was grouped
        refused = [a for a in answers if isinstance(a, Exception)]
        assert len(refused) == 8
        assert all(isinstance(a, QueueError) for a in refused)
        assert sum(isinstance(a, IllegalCommandError) for a in refused) >= 4
        # The reads, queued after each finish, saw the window free again.
        reads = answers[15::16]
        assert reads == [None] * 4
        kept = [e for _, e in service.run_sync(lambda e: e.store.read(0))]
        tickets = [e for e in kept if isinstance(e, TicketIssued)]
        # What the store keeps is exactly what was acknowledged: 40 tickets numbered
        # 1 to 40 without a gap, one call, start and finish in each round.
        assert [t.number for t in tickets] == list(range(1, 41))
        served = (TicketCalled, ServiceStarted, ServiceFinished)
        assert [type(e) for e in kept if isinstance(e, served)] == list(served) * 4
        # The engine's state is the store's: a fresh engine folds the same.
        fresh = _service(registry, backend)
        try:
            assert fresh.engine.state.tickets() == service.engine.state.tickets()
            assert fresh.engine.state.windows() == service.engine.state.windows()
        finally:
            fresh.close()
    finally:
        service.close()


def test_a_batch_reads_its_own_events_and_others_see_them_at_the_commit(
    registry: Registry,
    backend: Backend,  # noqa: F811 - a fixture
) -> None:
    clock = FixedClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ))
    store = backend.open(HALL, locality="441324")
    other = backend.open(HALL)
    try:
        engine = QueueEngine.for_hall(
            registry.resolve("441324"), HALL, store=store, clock=clock, notify=False
        )
        with store.batch():
            first = engine.issue("A")
            second = engine.issue("A")
            with pytest.raises(QueueError):
                engine.issue("no-such-line")
            # Inside the batch its own events are read back, in order ...
            mine = [e.ticket for _, e in store.read(0) if isinstance(e, TicketIssued)]
            assert mine == [first.id, second.id]
            third = engine.issue("A")
            # ... and nobody else sees them before the commit.
            assert other.read(0) == []
        seen = [e for _, e in other.read(0) if isinstance(e, TicketIssued)]
        assert [(e.ticket, e.number) for e in seen] == [
            (first.id, 1),
            (second.id, 2),
            (third.id, 3),
        ]
        assert [seq for seq, _ in other.read(0)] == list(range(1, 4))
    finally:
        other.close()
        store.close()


def test_an_aborted_batch_is_run_again_and_the_plugins_hear_each_kept_event_once(
    registry: Registry,
    backend: Backend,  # noqa: F811 - a fixture
) -> None:
    clock = FixedClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ))
    locality = registry.resolve("441324")
    heard: list[Event] = []

    def notifier(hall: Any, events: Sequence[Event], state: QueueState) -> list[HookFailure]:
        heard.extend(events)
        return []

    def make() -> QueueEngine:
        store = backend.open(HALL, locality="441324")
        return QueueEngine(
            locality.hall(HALL), locality.queue_policy, store=store, clock=clock, notifier=notifier
        )

    def broken(_engine: QueueEngine) -> None:
        raise QueueStoreError("the database went away")  # aborts the batch it is in

    service = HallService(make)
    try:

        async def burst() -> list[Any]:
            jobs: list[Any] = [service.run(lambda e: e.issue("A")) for _ in range(5)]
            jobs.append(service.run(broken))
            jobs += [service.run(lambda e: e.issue("A")) for _ in range(5)]
            return await asyncio.gather(*jobs, return_exceptions=True)

        answers = asyncio.run(burst())
        # The store error failed only its own command: the others were run again, one by
        # one, on a state folded afresh from the store, and acknowledged once kept.
        assert [isinstance(a, QueueStoreError) for a in answers] == [False] * 5 + [True] + [
            False
        ] * 5
        numbers = sorted(a.number for a in answers if not isinstance(a, Exception))
        assert numbers == list(range(1, 11))
        kept = [e for _, e in service.run_sync(lambda e: e.store.read(0))]
        assert [e.number for e in kept if isinstance(e, TicketIssued)] == list(range(1, 11))
        # The plugins heard of exactly the kept events, each once: nothing of the batch
        # that was rolled back.
        assert heard == kept
    finally:
        service.close()
