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
import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from govservice_std.queues.events import Event, event_day
from govservice_std.queues.kpis import TicketFact

if TYPE_CHECKING:
    from govservice_std.queues.kpis import FactTable

__all__ = ["Checkpoint", "DayRecord", "Decide", "EventStore", "StoredEvent", "TicketFact"]

StoredEvent = tuple[int, Event]
"""An event with its sequence number in the store."""

Decide = Callable[[Sequence[StoredEvent]], Sequence[Event]]
"""The engine's side of a command: given the events appended by others since it last
looked, fold them and return the command's new events (or raise to abort)."""


class Checkpoint(NamedTuple):
    """A hall's state at a sequence number, as a snapshot's text.

    See :meth:`QueueState.snapshot <govservice_std.queues.state.QueueState.snapshot>`.
    """

    seq: int
    state: str


class DayRecord(NamedTuple):
    """What a day close stores besides the checkpoint: the day's KPI summary and facts.

    Attributes:
        day: The service day.
        seq: The sequence number of the day's close event.
        kpis: The day's KPIs as JSON text (:meth:`QueueKpis.to_dict
            <govservice_std.queues.kpis.QueueKpis.to_dict>`).
        facts: One row per ticket of the day.
    """

    day: dt.date
    seq: int
    kpis: str
    facts: Sequence[TicketFact]


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

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Commit the commands run inside the block together, as one transaction.

        A group commit: a writer with several commands pending runs them in one block, so
        the database makes them durable at once (one lock, one commit) rather than one by
        one. Every command is still decided under the store's lock on the latest state, and
        a command whose decision is refused (``decide`` raises) leaves the others standing.
        Nothing is durable before the block ends: acknowledge none of its commands before
        then. If the block raises — a store error inside it, or the commit itself failing —
        nothing of it is kept, and a caller that folded its commands must fold the store
        again (reopen its engine). A block inside a block is part of the outer one.

        The default runs each command as its own transaction (no grouping).
        """
        yield

    @abc.abstractmethod
    def read(self, after: int = 0) -> list[StoredEvent]:
        """The hall's events after sequence number ``after``, in order."""

    # -- checkpoints and history (stores override these to make them cheap) ------------

    def load_checkpoint(self) -> Checkpoint | None:
        """The hall's latest checkpoint, if the store keeps one (none by default)."""
        return None

    def save_checkpoint(  # noqa: B027 - optional: a checkpoint is only a shortcut
        self, checkpoint: Checkpoint, day: DayRecord | None = None
    ) -> None:
        """Keep a checkpoint, and a closed day's record, in one transaction.

        The default keeps nothing: opening then folds the whole record, which gives the
        same state.
        """

    def days(self, first: dt.date | None = None, last: dt.date | None = None) -> dict[dt.date, int]:
        """The service days with events, each with the sequence number of its last event.

        ``first`` and ``last`` bound the days (inclusive; ``None``: open).
        """
        found: dict[dt.date, int] = {}
        for seq, event in self.read(0):
            day = event_day(event)
            if (first is None or day >= first) and (last is None or day <= last):
                found[day] = seq
        return dict(sorted(found.items()))

    def read_day(self, day: dt.date) -> Iterator[StoredEvent]:
        """The events of one service day, in order.

        See :func:`~govservice_std.queues.events.event_day`.
        """
        return (item for item in self.read(0) if event_day(item[1]) == day)

    def closed_days(
        self,
        first: dt.date | None = None,  # noqa: ARG002 - the default keeps none
        last: dt.date | None = None,  # noqa: ARG002
    ) -> dict[dt.date, int]:
        """The closed days with a stored record, with the sequence number of each close.

        ``first`` and ``last`` bound the days (inclusive; ``None``: open). The record is a
        :class:`~govservice_std.queues.stores.base.DayRecord`.
        """
        return {}

    def facts(self, days: Iterable[dt.date]) -> Iterator[TicketFact]:  # noqa: ARG002
        """The stored ticket facts of closed days (see :meth:`closed_days`)."""
        return iter(())

    def fact_tables(self, days: Iterable[dt.date]) -> Iterator[FactTable] | None:  # noqa: ARG002
        """The stored ticket facts of closed days as tables, if the store keeps them so.

        ``None`` (the default) means: read :meth:`facts` instead.
        """
        return None

    def day_summary(self, day: dt.date) -> str | None:  # noqa: ARG002
        """The KPI summary stored when ``day`` was closed (JSON text), if any."""
        return None

    def close(self) -> None:  # noqa: B027 - optional for stores holding no resources
        """Release the store's resources (a no-op unless the store holds any)."""

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
