"""The event-store interface every queue store implements.

A store keeps one hall's events in order, each with a sequence number that only grows. The
engine runs every command through :meth:`EventStore.execute`: the store takes its lock,
hands the engine the events other writers appended since the engine last looked, lets it
decide, appends the new events and commits — all or nothing. The PostgreSQL store has the
same shape (``BEGIN``; the hall's row locked with ``SELECT … FOR UPDATE``;
``SELECT … WHERE seq > $after``; ``INSERT``; ``COMMIT``).
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence

from govservice_std.queues.events import Event

__all__ = ["Decide", "EventStore", "StoredEvent"]

StoredEvent = tuple[int, Event]
"""An event with its sequence number in the store."""

Decide = Callable[[Sequence[StoredEvent]], Sequence[Event]]
"""The engine's side of a command: given the events appended by others since it last
looked, fold them and return the command's new events (or raise to abort)."""


class EventStore(abc.ABC):
    """Where a hall's queue events are kept.

    Implementations must make :meth:`execute` atomic and serialized across every writer
    sharing the store, and must refuse a second ticket with the same hall, line, day and
    number.
    """

    @property
    @abc.abstractmethod
    def hall(self) -> str:
        """The code of the hall whose events this store keeps."""

    @abc.abstractmethod
    def execute(self, after: int, decide: Decide) -> int:
        """Run one command as one transaction.

        Args:
            after: The sequence number of the last event the caller has folded.
            decide: Called under the store's lock with events after ``after`` that the
                caller has not folded yet; returns the events to append. A store may call
                it more than once in one command — first optimistically with no events,
                then again with the events others appended — and commits only a decision
                made on the latest state; so ``decide`` must fold what it is given and
                otherwise have no effects. If its last call raises, nothing is appended
                and the exception propagates.

        Returns:
            The sequence number of the last event in the store once the command is durable
            (the command is acknowledged when this returns).

        Raises:
            QueueStoreError: If the events break a uniqueness rule of the store.
        """

    @abc.abstractmethod
    def read(self, after: int = 0) -> list[StoredEvent]:
        """The hall's events after sequence number ``after``, in order."""

    def close(self) -> None:  # noqa: B027 - optional for stores holding no resources
        """Release the store's resources (a no-op unless the store holds any)."""

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
