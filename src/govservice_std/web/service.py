"""One hall served to many terminals: the engine on its own thread, and a live feed.

A :class:`HallService` owns the hall's :class:`~govservice_std.queues.engine.QueueEngine` in
this process. Every command and read runs on one dedicated worker thread, so the engine and
its database connection are only ever used from that thread (an engine is meant for one
thread), while the web server's event loop stays free. Several processes and hosts may serve
the same hall from one database: each command decides on the latest state of the store, and
a poller folds what the other processes wrote and publishes it to this process's
subscribers (display boards, counters, position pages) as :class:`Notice` values.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import attrs

from govservice_std.queues.engine import QueueEngine
from govservice_std.queues.events import CHINA_TZ, Event

__all__ = ["CallNotice", "DrillClock", "HallService", "Notice"]

T = TypeVar("T")

_CALL_TYPES = frozenset({"called", "recalled"})


@attrs.frozen
class Notice:
    """One queue event as the live pages see it.

    Attributes:
        seq: The event's sequence number in the hall's store.
        type: The event type (``issued``, ``called``, ``recalled``, ``started`` …).
        at: When it happened (ISO 8601, China Standard Time).
        ticket: The ticket's display number, for ticket events.
        ticket_id: The ticket's id, for ticket events.
        line: The ticket's business line, for ticket events.
        window: The window involved, if any.
    """

    seq: int
    type: str
    at: str
    ticket: str | None = None
    ticket_id: str | None = None
    line: str | None = None
    window: str | None = None


@attrs.frozen
class CallNotice:
    """A call shown on the display board: which ticket goes to which window.

    Attributes:
        ticket: The ticket's display number (``A002``).
        window: The window it is called to (``A01``).
        at: When it was called (ISO 8601, China Standard Time).
        recall: Whether this is a repeated call.
    """

    ticket: str
    window: str
    at: str
    recall: bool = False


class DrillClock:
    """A clock that starts at a chosen moment and then runs at the real pace (for drills).

    A training day or an end-to-end test can run a hall "on Monday at 09:00" whenever it is
    actually run; every process given the same start and started together agrees closely.

    >>> clock = DrillClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ))
    >>> clock().date()
    datetime.date(2026, 3, 2)
    """

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the drill clock needs a timezone-aware start time")
        self._offset = start - dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        """The drill's current time."""
        return (dt.datetime.now(dt.UTC) + self._offset).astimezone(CHINA_TZ)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(CHINA_TZ).isoformat(timespec="seconds")


class HallService:
    """A hall's queue engine, run on one worker thread, with a live feed of its events.

    Args:
        make_engine: Builds the engine; called once, on the worker thread (a SQLite
            connection belongs to the thread that opened it).
        poll_seconds: How often the feed looks for events written by other processes.
        recent_calls: How many calls the display board keeps.
        fresh_seconds: How old the state a read sees may be, for what other processes wrote.
    """

    def __init__(
        self,
        make_engine: Callable[[], QueueEngine],
        *,
        poll_seconds: float = 0.25,
        recent_calls: int = 8,
        fresh_seconds: float = 0.05,
    ) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="govstd-hall")
        self._engine = self._executor.submit(make_engine).result()
        self._poll_seconds = poll_seconds
        self._fresh_seconds = fresh_seconds
        self._refreshed_at = time.monotonic()
        self._subscribers: set[asyncio.Queue[Notice]] = set()
        self._feed_seq = self._engine.last_seq
        self._calls: deque[CallNotice] = deque(maxlen=recent_calls)
        self._wake: asyncio.Event | None = None
        # One publisher at a time (the poller and commands both publish), per event loop.
        self._publishing: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None
        self._poller: asyncio.Task[None] | None = None
        self._closed = threading.Event()
        self._seed_calls()

    @property
    def hall_code(self) -> str:
        """The hall's code."""
        return self._engine.hall.code

    @property
    def engine(self) -> QueueEngine:
        """The engine (use it only through :meth:`run` and :meth:`read`)."""
        return self._engine

    def _seed_calls(self) -> None:
        # The board starts with today's latest calls rather than an empty list.
        state = self._engine.state
        today = state.service_day(self._engine.now())
        called = sorted(
            (t.called_at, t.label, t.window)
            for t in state.tickets(day=today)
            if t.called_at is not None and t.window is not None
        )
        for at, label, window in called[-(self._calls.maxlen or 0) :]:
            self._calls.append(CallNotice(label, window, _iso(at)))

    # -- running commands -----------------------------------------------------------------

    async def run(self, command: Callable[[QueueEngine], T]) -> T:
        """Run a command on the engine's thread, then publish its events at once."""
        result = await asyncio.wrap_future(self._executor.submit(command, self._engine))
        await self.publish()
        return result

    async def read(self, query: Callable[[QueueEngine], T]) -> T:
        """Run a read on the engine's thread, on a state at most ``fresh_seconds`` old.

        This process's own commands are always in the state; what other processes wrote is
        folded in at most every ``fresh_seconds``, so a burst of reads costs the database
        one query rather than one each.
        """

        def fresh(engine: QueueEngine) -> T:
            now = time.monotonic()
            if now - self._refreshed_at >= self._fresh_seconds:
                engine.refresh()
                self._refreshed_at = now
            return query(engine)

        return await asyncio.wrap_future(self._executor.submit(fresh, self._engine))

    def run_sync(self, command: Callable[[QueueEngine], T]) -> T:
        """Run a command on the engine's thread from synchronous code (tests, scripts)."""
        return self._executor.submit(command, self._engine).result()

    # -- the live feed ----------------------------------------------------------------------

    def recent_calls(self) -> tuple[CallNotice, ...]:
        """The latest calls, newest first."""
        return tuple(reversed(self._calls))

    def _collect(self, engine: QueueEngine) -> list[tuple[int, Event, str | None, str | None]]:
        pending = engine.store.read(self._feed_seq)
        if pending and pending[-1][0] > engine.last_seq:
            engine.refresh()  # another process wrote: fold its events too
        self._refreshed_at = time.monotonic()
        state = engine.state
        found = []
        for seq, event in pending:
            ticket_id = getattr(event, "ticket", None)
            label = line = None
            if ticket_id is not None:
                ref = state.resolve(ticket_id)
                if ref is not None:
                    snap = state.ticket(ref)
                    label, line = snap.label, snap.line
            found.append((seq, event, label, line))
        return found

    async def publish(self) -> int:
        """Publish the events not yet published (this process's and others'); how many."""
        loop = asyncio.get_running_loop()
        if self._publishing is None or self._publishing[0] is not loop:
            self._publishing = (loop, asyncio.Lock())
        async with self._publishing[1]:
            return await self._publish()

    async def _publish(self) -> int:
        found = await asyncio.wrap_future(self._executor.submit(self._collect, self._engine))
        for seq, event, label, line in found:
            self._feed_seq = max(self._feed_seq, seq)
            window = getattr(event, "window", None)
            notice = Notice(
                seq=seq,
                type=event.type,
                at=_iso(event.at),
                ticket=label,
                ticket_id=getattr(event, "ticket", None),
                line=line,
                window=window,
            )
            if event.type in _CALL_TYPES and label is not None and window is not None:
                self._calls.append(
                    CallNotice(label, window, notice.at, recall=event.type == "recalled")
                )
            for queue in tuple(self._subscribers):
                with contextlib.suppress(asyncio.QueueFull):
                    queue.put_nowait(notice)
        return len(found)

    async def poll_forever(self) -> None:
        """Publish new events as they come, until cancelled (run as a background task)."""
        self._wake = wake = asyncio.Event()
        while not self._closed.is_set():
            await self.publish()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), self._poll_seconds)
            wake.clear()

    def start(self) -> None:
        """Start the feed's poller on the running event loop (the app's start-up)."""
        if self._poller is None:
            self._poller = asyncio.get_running_loop().create_task(self.poll_forever())

    async def stop(self) -> None:
        """Stop the poller (the app's shutdown); :meth:`start` may start it again."""
        poller, self._poller, self._wake = self._poller, None, None
        if poller is not None:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller

    def close(self) -> None:
        """Close the store and stop the worker thread; the service is done for good."""
        if self._closed.is_set():
            return
        self._closed.set()
        with contextlib.suppress(RuntimeError):
            self._executor.submit(self._engine.store.close).result()
        self._executor.shutdown(wait=True)

    async def subscribe(self, *, heartbeat: float = 15.0) -> AsyncIterator[Notice | None]:
        """Notices as they are published; ``None`` as a heartbeat when nothing happens."""
        queue: asyncio.Queue[Notice] = asyncio.Queue(maxsize=1000)
        self._subscribers.add(queue)
        try:
            while not self._closed.is_set():
                try:
                    yield await asyncio.wait_for(queue.get(), heartbeat)
                except TimeoutError:
                    yield None
        finally:
            self._subscribers.discard(queue)


def waiting_by_line(engine: QueueEngine) -> dict[str, int]:
    """How many tickets wait in each business line of the hall's policy."""
    counts = {line.id: 0 for line in engine.policy.lines}
    for ticket in engine.state.waiting():
        counts[ticket.line] = counts.get(ticket.line, 0) + 1
    return counts
