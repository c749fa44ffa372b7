"""Hook specifications: the contract between govservice_std and locality plugins.

A locality plugin is a module (or any object) with functions named after these hooks and
marked with :data:`govservice_std.hookimpl`. Installed plugins are found through the
``govservice_std.localities`` entry-point group; the national baseline is a built-in plugin
that implements the same hooks.

Most of a locality is data: a plugin declares its localities with
:func:`govservice_localities`, pointing each at a folder of data files, and the library reads
those files itself. The other hooks are for what data cannot express. They are *scoped*: the
library calls them only on the plugin that declared the locality being resolved, passing that
locality, so an implementation never needs to test which locality it was called for.

An implementation may accept fewer parameters than the specification lists, in any order
(pluggy matches them by name). Any value a hook returns is checked; a wrong type raises
:class:`~govservice_std.errors.PluginContractError` naming the plugin, its distribution and
version, and the hook.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from govservice_std._markers import hookspec

if TYPE_CHECKING:
    from govservice_std.halls import Hall
    from govservice_std.localities import Locality
    from govservice_std.queues.events import Event
    from govservice_std.queues.state import Ticket

__all__ = ["govservice_halls", "govservice_localities", "govservice_queue_event"]


@hookspec
def govservice_localities() -> Sequence[Locality]:  # type: ignore[empty-body]
    """Declare the localities this plugin provides.

    Called once on every registered plugin when the registry is built. A locality code may
    be declared by only one plugin; a second claim raises
    :class:`~govservice_std.errors.LocalityConflictError` naming both plugins. Each
    locality's parent must be declared by some installed plugin (the national baseline
    declares ``000000``).

    Give a locality a ``data`` folder to have the library read its data files from it:

    ``halls.toml``
        The layer's halls (a :class:`~govservice_std.registry.HallsDocument`).
    ``queue.toml``
        The layer's queue policy overlay (a
        :class:`~govservice_std.queues.policy.QueuePolicyLayer`).

    Returns:
        A list of :class:`~govservice_std.localities.Locality` records; empty if the plugin
        declares none (an integration-only plugin).

    Example::

        from importlib.resources import files

        from govservice_std import Locality, hookimpl

        @hookimpl
        def govservice_localities():
            return [
                Locality(code="441324", name="龙门县", level="county", parent="441300",
                         data=files(__package__) / "data" / "441324"),
            ]

    Since:
        0.1.0
    """


@hookspec
def govservice_halls(locality: Locality) -> Sequence[Hall] | None:
    """Add halls to a locality layer beyond those in its ``halls.toml``.

    Called only on the plugin that declared ``locality``, once per resolution of a chain
    that contains it. Halls are layered parent first: a hall whose ``code`` equals a hall of
    an earlier layer (or of the same layer's data file) replaces it, and the registry records
    which layer set it.

    Args:
        locality: The layer being resolved, as this plugin declared it.

    Returns:
        A list of :class:`~govservice_std.halls.Hall`, or ``None`` for none.

    Example::

        @hookimpl
        def govservice_halls(locality):
            return [Hall(code=f"{locality.code}-mobile", name="流动服务点", tier="county",
                         division=locality.code)]

    Since:
        0.1.0
    """


@hookspec
def govservice_queue_event(event: Event, ticket: Ticket | None, hall: Hall) -> None:
    """Hear about a hall's queue event once it is durable (for integrations).

    Called on **every** registered plugin that implements it (not scoped to a locality),
    after the command that produced the event has been committed to the store, in the order
    the events were made. This is how a display board, an SMS notifier or an analytics feed
    plugs into the queue. The events are those of
    :mod:`govservice_std.queues.events`; the lifecycle ones are
    :class:`~govservice_std.queues.events.TicketIssued`,
    :class:`~govservice_std.queues.events.TicketCalled` (and ``TicketRecalled``),
    :class:`~govservice_std.queues.events.ServiceStarted`,
    :class:`~govservice_std.queues.events.ServiceFinished`,
    :class:`~govservice_std.queues.events.TicketNoShow` and
    :class:`~govservice_std.queues.events.TicketTransferred`; reactivation, cancellation and
    windows opening and closing arrive too. Check ``event.type`` (``"issued"``,
    ``"called"`` …) or use ``isinstance``.

    A failing implementation never loses or blocks the queue operation: the command has
    already been committed. Its exception is caught, logged on the
    ``govservice_std.queues.hooks`` logger with the plugin's name, and returned by the
    engine's :meth:`~govservice_std.queues.engine.QueueEngine.take_failures` as a
    :class:`~govservice_std.queues.hooks.HookFailure`. Only the process that ran the command
    calls the hook, so each event is delivered once per command.

    Args:
        event: The event.
        ticket: The ticket's state just after the whole command, or ``None`` for a window
            event.
        hall: The hall whose queue it is.

    Returns:
        Nothing; the return value is ignored.

    Example::

        @hookimpl
        def govservice_queue_event(event, ticket, hall):
            if event.type == "called":
                board.show(hall.code, ticket.label, event.window)

    Since:
        0.1.0
    """
