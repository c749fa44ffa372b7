"""One hall served to many terminals: the engine on its own thread, and a live feed.

A :class:`HallService` owns the hall's :class:`~govservice_std.queues.engine.QueueEngine` in
this process. Every command and read runs on one dedicated worker thread, so the engine and
its database connection are only ever used from that thread (an engine is meant for one
thread), while the web server's event loop stays free; the commands pending together are
committed together (a group commit), each still decided and answered on its own. Several
processes and hosts may serve the same hall from one database: each command decides on the
latest state of the store, and a poller folds what the other processes wrote and publishes
it to this process's subscribers (display boards, counters, position pages) as
:class:`Notice` values.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import queue
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import attrs

from govservice_std.errors import QueueStoreError
from govservice_std.queues.engine import QueueEngine
from govservice_std.queues.events import CHINA_TZ

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


class _Job:
    """One command or read waiting for the engine's thread, and what came of it."""

    __slots__ = ("done", "error", "fn", "loop", "result", "write")

    def __init__(
        self,
        fn: Callable[[QueueEngine], Any],
        write: bool,
        loop: asyncio.AbstractEventLoop | None,
    ) -> None:
        self.fn = fn
        self.write = write
        self.loop = loop
        self.result: Any = None
        self.error: BaseException | None = None
        # Set when the outcome is final: an asyncio future, or an event for sync callers.
        self.done: asyncio.Future[Any] | threading.Event
        if loop is not None:
            self.done = loop.create_future()
        else:
            self.done = threading.Event()

    def run(self, engine: QueueEngine) -> None:
        try:
            self.result = self.fn(engine)
            self.error = None
        except Exception as exc:  # handed to the caller, never lost
            self.error = exc


class _BatchAbortedError(Exception):
    """A store error inside a group commit: the batch is rolled back and run one by one."""


def _COLLECT(_engine: QueueEngine) -> int:  # noqa: N802 - a marker, compared by identity
    # A job that only asks for the feed to be brought up to date (the worker does it).
    return 0


class HallService:
    """A hall's queue engine, run on one worker thread, with a live feed of its events.

    Commands and reads wait in one queue for the worker thread, which takes every job
    pending at once. When they hold more than one command, it runs them as one group commit
    (:meth:`EventStore.batch <govservice_std.queues.stores.base.EventStore.batch>`): one
    lock and one durable commit for all of them. Each command is still decided on the
    latest state and gets its own answer — a refused command does not affect the others —
    and no answer is given before the commit: an acknowledged command is durable. If the
    commit fails, the engine folds the store again and the batch's commands are run again
    one by one. The events are collected for the live feed on the same thread, right after.

    Args:
        make_engine: Builds the engine; called on the worker thread (a SQLite
            connection belongs to the thread that opened it), and again if a group commit
            fails (the engine then folds what the store kept).
        poll_seconds: How often the feed looks for events written by other processes.
        recent_calls: How many calls the display board keeps.
        fresh_seconds: How old the state a read sees may be, for what other processes wrote.
        group_commit: Whether pending commands are committed together (``max_batch`` at
            most); ``False`` commits each on its own.
        max_batch: The most jobs the worker takes at once.
    """

    def __init__(
        self,
        make_engine: Callable[[], QueueEngine],
        *,
        poll_seconds: float = 0.1,
        recent_calls: int = 8,
        fresh_seconds: float = 0.05,
        group_commit: bool = True,
        max_batch: int = 64,
    ) -> None:
        self._make_engine = make_engine
        self._poll_seconds = poll_seconds
        self._fresh_seconds = fresh_seconds
        self._group_commit = group_commit
        self._max_batch = max(1, max_batch)
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._subscribers: set[asyncio.Queue[Notice]] = set()
        self._calls: deque[CallNotice] = deque(maxlen=recent_calls)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._poller: asyncio.Task[None] | None = None
        self._closed = threading.Event()
        self._stale = False
        self._grouped_commits = 0
        self._started = threading.Event()
        self._start_error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="govstd-hall", daemon=True)
        self._thread.start()
        self._started.wait()
        if self._start_error is not None:
            self._thread.join()
            raise self._start_error
        self._refreshed_at = time.monotonic()
        self._feed_seq = self._engine.last_seq
        self._seed_calls()

    @property
    def hall_code(self) -> str:
        """The hall's code."""
        return self._engine.hall.code

    @property
    def group_commits(self) -> int:
        """How many times several pending commands were committed together so far."""
        return self._grouped_commits

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
        """Run a command on the engine's thread; its events reach the feed at once.

        The answer comes once the command is durable (with the others committed with it).
        """
        return await self._submit(command, write=True)

    async def read(self, query: Callable[[QueueEngine], T]) -> T:
        """Run a read on the engine's thread, on a state at most ``fresh_seconds`` old.

        This process's own commands are always in the state; what other processes wrote is
        folded in at most every ``fresh_seconds``, so a burst of reads costs the database
        one query rather than one each.
        """
        return await self._submit(query, write=False)

    async def _submit(self, fn: Callable[[QueueEngine], T], *, write: bool) -> T:
        if self._closed.is_set():
            raise RuntimeError("the hall service is closed")
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop  # the feed is published on the loop the service runs on
        job = _Job(fn, write, loop)
        self._jobs.put(job)
        done = job.done
        assert isinstance(done, asyncio.Future)  # noqa: S101 - made with a loop
        return await done  # type: ignore[no-any-return]

    def run_sync(self, command: Callable[[QueueEngine], T]) -> T:
        """Run a command on the engine's thread from synchronous code (tests, scripts)."""
        if self._closed.is_set():
            raise RuntimeError("the hall service is closed")
        job = _Job(command, True, None)
        self._jobs.put(job)
        done = job.done
        assert isinstance(done, threading.Event)  # noqa: S101 - made without a loop
        done.wait()
        if job.error is not None:
            raise job.error
        return job.result  # type: ignore[no-any-return]

    # -- the worker thread ------------------------------------------------------------------

    def _work(self) -> None:
        try:
            self._engine = self._make_engine()
        except BaseException as exc:
            self._start_error = exc
            return
        finally:
            self._started.set()
        jobs = self._jobs
        while True:
            job = jobs.get()
            if job is None:
                return
            batch = [job]
            stop = False
            while len(batch) < self._max_batch:
                try:
                    more = jobs.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                batch.append(more)
            self._run_batch(batch)
            if stop:
                return

    def _run_batch(self, batch: list[_Job]) -> None:
        if self._stale:
            self._reopen(batch)
        writes = sum(1 for job in batch if job.write and job.fn is not _COLLECT)
        if writes > 1 and self._group_commit:
            try:
                self._grouped(batch)
            except Exception:
                self._reopen(batch)
                self._one_by_one(batch)
        else:
            self._one_by_one(batch)
        found: list[Notice] = []
        collecting = [job for job in batch if job.fn is _COLLECT]
        if self._loop is not None and (writes or collecting):
            try:
                found = self._collect(self._engine)
            except Exception:
                found = []
        for job in collecting:
            job.result = len(found)
        self._finish(batch, found)

    def _one_by_one(self, batch: list[_Job]) -> None:
        for job in batch:
            self._run_job(job, self._engine)

    def _run_job(self, job: _Job, engine: QueueEngine) -> None:
        if job.fn is _COLLECT:
            return
        if job.write:
            job.run(engine)
        else:
            self._read_job(job, engine)

    def _read_job(self, job: _Job, engine: QueueEngine) -> None:
        now = time.monotonic()
        if now - self._refreshed_at >= self._fresh_seconds:
            try:
                engine.refresh()
            except Exception as exc:
                job.error = exc
                return
            self._refreshed_at = now
        job.run(engine)

    def _grouped(self, batch: list[_Job]) -> None:
        engine = self._engine
        with engine.batch():  # the plugins hear of the events once committed
            for job in batch:
                self._run_job(job, engine)
                if isinstance(job.error, QueueStoreError):
                    raise _BatchAbortedError from job.error
        self._grouped_commits += 1

    def _reopen(self, batch: list[_Job]) -> None:
        # After a failed group commit the engine holds events the store did not keep.
        with contextlib.suppress(Exception):
            self._engine.store.close()
        try:
            self._engine = self._make_engine()
        except Exception as exc:
            self._stale = True
            for job in batch:
                job.fn = _fail_with(exc)
            return
        self._stale = False
        self._refreshed_at = time.monotonic()

    def _finish(self, batch: list[_Job], found: list[Notice]) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[_Job]] = {}
        for job in batch:
            if job.loop is None:
                done = job.done
                assert isinstance(done, threading.Event)  # noqa: S101
                done.set()
            else:
                by_loop.setdefault(job.loop, []).append(job)
        if found and self._loop is not None and self._loop not in by_loop:
            by_loop[self._loop] = []
        for loop, jobs in by_loop.items():
            notices = found if loop is self._loop else []
            with contextlib.suppress(RuntimeError):  # a loop that has closed
                loop.call_soon_threadsafe(self._deliver, jobs, notices)

    def _deliver(self, jobs: list[_Job], notices: list[Notice]) -> None:
        # On the event loop: the feed first, then the answers.
        for notice in notices:
            for subscriber in tuple(self._subscribers):
                with contextlib.suppress(asyncio.QueueFull):
                    subscriber.put_nowait(notice)
        for job in jobs:
            done = job.done
            if isinstance(done, asyncio.Future) and not done.done():
                if job.error is not None:
                    done.set_exception(job.error)
                else:
                    done.set_result(job.result)

    # -- the live feed ----------------------------------------------------------------------

    def recent_calls(self) -> tuple[CallNotice, ...]:
        """The latest calls, newest first."""
        return tuple(reversed(self._calls))

    def _collect(self, engine: QueueEngine) -> list[Notice]:
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
            self._feed_seq = max(self._feed_seq, seq)
            window = getattr(event, "window", None)
            notice = Notice(
                seq=seq,
                type=event.type,
                at=_iso(event.at),
                ticket=label,
                ticket_id=ticket_id,
                line=line,
                window=window,
            )
            if event.type in _CALL_TYPES and label is not None and window is not None:
                self._calls.append(
                    CallNotice(label, window, notice.at, recall=event.type == "recalled")
                )
            found.append(notice)
        return found

    async def publish(self) -> int:
        """Publish the events not yet published (this process's and others'); how many."""
        count: int = await self._submit(_COLLECT, write=False)
        return count

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
        self._loop = asyncio.get_running_loop()
        if self._poller is None:
            self._poller = self._loop.create_task(self.poll_forever())

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
        with contextlib.suppress(Exception):
            self.run_sync(lambda e: e.store.close())
        self._closed.set()
        self._jobs.put(None)
        self._thread.join()

    async def subscribe(self, *, heartbeat: float = 15.0) -> AsyncIterator[Notice | None]:
        """Notices as they are published; ``None`` as a heartbeat when nothing happens."""
        queue_: asyncio.Queue[Notice] = asyncio.Queue(maxsize=1000)
        self._subscribers.add(queue_)
        try:
            while not self._closed.is_set():
                try:
                    yield await asyncio.wait_for(queue_.get(), heartbeat)
                except TimeoutError:
                    yield None
        finally:
            self._subscribers.discard(queue_)


def _fail_with(exc: Exception) -> Callable[[QueueEngine], Any]:
    def fail(_engine: QueueEngine) -> Any:
        raise exc

    return fail


def waiting_by_line(engine: QueueEngine) -> dict[str, int]:
    """How many tickets wait in each business line of the hall's policy.

    The state keeps the counts as events are folded, so asking costs a line each. Call it on
    the engine's thread.
    """
    counts = {line.id: 0 for line in engine.policy.lines}
    counts.update(engine.state.waiting_counts())
    return counts
