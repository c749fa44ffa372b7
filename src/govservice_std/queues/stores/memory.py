"""An in-memory event store, for tests, simulations and single-process use.

Several engines may share one store (as several terminals share a database); a lock
serializes their commands.

>>> store = MemoryStore("441324")
>>> store.read()
[]
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator

from govservice_std.errors import QueueStoreError
from govservice_std.queues.events import TicketIssued
from govservice_std.queues.stores.base import (
    Checkpoint,
    DayRecord,
    Decide,
    EventStore,
    StoredEvent,
    TicketFact,
)

__all__ = ["MemoryStore"]


class MemoryStore(EventStore):
    """Events kept in a list; nothing survives the process.

    Args:
        hall: The hall's code.
    """

    def __init__(self, hall: str) -> None:
        self._hall = hall
        self._events: list[StoredEvent] = []
        self._numbers: set[tuple[str, object, int]] = set()
        self._lock = threading.Lock()
        self._checkpoint: Checkpoint | None = None
        self._records: dict[dt.date, DayRecord] = {}

    @property
    def hall(self) -> str:
        """The hall's code."""
        return self._hall

    def execute(self, after: int, decide: Decide) -> int:
        """Run one command atomically (see :meth:`EventStore.execute`)."""
        with self._lock:
            events = self._events
            # Sequence numbers start at 1 and have no gaps, so ``after`` is an index.
            seq = len(events)
            new = decide(events[after:] if after < seq else ())
            numbers = self._numbers
            if len(new) == 1:  # nearly every command: the same checks, fewer steps
                event = new[0]
                if type(event) is TicketIssued:
                    key = (event.line, event.day, event.number)
                    if key in numbers:
                        raise QueueStoreError(f"ticket number already issued: {key}")
                    numbers.add(key)
                seq += 1
                events.append((seq, event))
                return seq
            keys: list[tuple[str, object, int]] = []
            for event in new:
                if type(event) is TicketIssued:
                    key = (event.line, event.day, event.number)
                    # Checked before anything is appended: a command is all or nothing.
                    if key in numbers or key in keys:
                        raise QueueStoreError(f"ticket number already issued: {key}")
                    keys.append(key)
            numbers.update(keys)
            for event in new:
                seq += 1
                events.append((seq, event))
            return seq

    def read(self, after: int = 0) -> list[StoredEvent]:
        """The events after ``after``, in order."""
        with self._lock:
            return self._events[after:]

    def load_checkpoint(self) -> Checkpoint | None:
        """The latest checkpoint kept."""
        return self._checkpoint

    def save_checkpoint(self, checkpoint: Checkpoint, day: DayRecord | None = None) -> None:
        """Keep a checkpoint (and a closed day's record)."""
        with self._lock:
            self._checkpoint = checkpoint
            if day is not None:
                self._records[day.day] = day

    def closed_days(
        self, first: dt.date | None = None, last: dt.date | None = None
    ) -> dict[dt.date, int]:
        """The closed days kept, with the sequence number each was closed at."""
        return {
            day: record.seq
            for day, record in sorted(self._records.items())
            if (first is None or day >= first) and (last is None or day <= last)
        }

    def facts(self, days: Iterable[dt.date]) -> Iterator[TicketFact]:
        """The ticket facts of closed days."""
        for day in days:
            record = self._records.get(day)
            if record is not None:
                yield from record.facts

    def day_summary(self, day: dt.date) -> str | None:
        """The KPI summary of a closed day."""
        record = self._records.get(day)
        return None if record is None else record.kpis
