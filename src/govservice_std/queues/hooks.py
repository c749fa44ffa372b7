"""Delivering queue events to integration plugins.

:class:`PluginNotifier` calls the :func:`~govservice_std.hookspecs.govservice_queue_event`
hook of every registered plugin after each command is durable. A plugin that raises never
affects the queue: its failure is logged (logger ``govservice_std.queues.hooks``, level
``ERROR``, naming the plugin) and returned as a :class:`HookFailure`, which the engine
collects for :meth:`~govservice_std.queues.engine.QueueEngine.take_failures`.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

import attrs

from govservice_std._privacy import mask_identifiers
from govservice_std.halls import Hall
from govservice_std.queues.events import Event

if TYPE_CHECKING:
    from govservice_std.plugins import PluginHost
    from govservice_std.queues.state import QueueState

__all__ = ["HOOK", "HookFailure", "Notifier", "PluginNotifier", "logger"]

HOOK = "govservice_queue_event"
"""The hook queue events are delivered through."""

logger = logging.getLogger("govservice_std.queues.hooks")
"""Where integration failures are logged."""


@attrs.frozen
class HookFailure:
    """An integration plugin raised while hearing about a queue event.

    Attributes:
        plugin: The plugin's registered name.
        distribution: The distribution that ships it, if known.
        version: That distribution's version, if known.
        hook: The hook.
        event: The event's type (``called``).
        ticket: The ticket's id, for a ticket event.
        error: The exception, as ``Type: message``.
    """

    plugin: str
    distribution: str | None
    version: str | None
    hook: str
    event: str
    ticket: str | None
    error: str = attrs.field(converter=mask_identifiers)

    def __str__(self) -> str:
        who = self.plugin
        if self.distribution:
            who += f" ({self.distribution} {self.version or '?'})"
        about = f" for ticket {self.ticket}" if self.ticket else ""
        return f"plugin {who} failed in {self.hook} on event {self.event!r}{about}: {self.error}"


class Notifier(Protocol):
    """Something that hears about a command's events once they are durable."""

    def __call__(self, hall: Hall, events: Sequence[Event], state: QueueState) -> list[HookFailure]:
        """Deliver the events; return the failures (never raise for a failing receiver)."""
        ...  # pragma: no cover


class PluginNotifier:
    """Delivers events to the plugins of a :class:`~govservice_std.plugins.PluginHost`.

    Args:
        host: The plugin host (``registry.host``).
    """

    def __init__(self, host: PluginHost) -> None:
        self._host = host

    def __call__(self, hall: Hall, events: Sequence[Event], state: QueueState) -> list[HookFailure]:
        """Call the hook for each event; log and return each plugin's failure."""
        failures: list[HookFailure] = []
        for event in events:
            ticket_id: str | None = getattr(event, "ticket", None)
            ticket = state.ticket(ticket_id) if ticket_id is not None else None
            for info, exc in self._host.deliver(HOOK, event=event, ticket=ticket, hall=hall):
                failure = HookFailure(
                    plugin=info.name,
                    distribution=info.distribution,
                    version=info.version,
                    hook=HOOK,
                    event=event.type,
                    ticket=ticket_id,
                    error=f"{type(exc).__name__}: {exc}",
                )
                # One line at ERROR; the traceback (masked like every message) only for
                # those who asked for DEBUG: with no handler configured, Python's
                # last-resort handler would print it to every user.
                logger.error("%s", failure)
                if logger.isEnabledFor(logging.DEBUG):
                    trace = "".join(traceback.format_exception(exc))
                    logger.debug("traceback of %s:\n%s", failure.plugin, mask_identifiers(trace))
                failures.append(failure)
        return failures
