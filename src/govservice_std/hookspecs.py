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
    from govservice_std.evaluation.scoring import ScoringModel
    from govservice_std.forms import CrossCheck
    from govservice_std.halls import Hall
    from govservice_std.localities import Locality
    from govservice_std.queues.events import Event
    from govservice_std.queues.state import Ticket

__all__ = [
    "govservice_form_checks",
    "govservice_halls",
    "govservice_localities",
    "govservice_queue_event",
    "govservice_scoring_models",
]


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
        The layer's halls (a :class:`~govservice_std.halls.HallsDocument`).

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
def govservice_scoring_models(locality: Locality) -> Sequence[ScoringModel] | None:
    """Contribute scoring models that a locality's ``criteria.toml`` can choose by name.

    Called only on the plugin that declared ``locality``, for each layer of a chain being
    evaluated. A layer (or any layer below it) selects a model with ``scoring = "name"`` in
    its ``criteria.toml``; the built-in models are ``weighted``, ``flat``,
    ``weighted-no-veto`` and ``flat-no-veto``. A model's ``name`` may not repeat a built-in
    name or another layer's model in the same chain.

    Args:
        locality: The layer, as this plugin declared it.

    Returns:
        A list of objects satisfying :class:`~govservice_std.evaluation.ScoringModel`
        (``name``, ``max_points(criterion)`` and ``grade(standard, total, vetoed)``), or
        ``None`` for none.

    Example::

        from govservice_std import Flat, VetoCap, hookimpl

        @hookimpl
        def govservice_scoring_models(locality):
            # Every criterion weighs alike, and a failed veto caps the grade at 合格.
            return [VetoCap(Flat(), name="longmen-flat", cap="合格")]

    Since:
        0.1.0
    """


@hookspec
def govservice_form_checks(locality: Locality) -> Sequence[CrossCheck] | None:
    """Add cross-field checks to the forms of a locality layer.

    For what a form's own rules (``required_if``, ``relevant``, ``constraint``) cannot say:
    checks that need code, such as "the applicant's ID number must belong to the county" or
    "the members' shares must add up to 100". Called only on the plugin that declared
    ``locality``, once per resolution of a chain that contains it; the checks of every layer
    in the chain apply.

    A check runs only on applications that passed every field check, so it sees data of the
    form's shape (it must still not assume optional fields are present). It returns
    ``(path, code, message_zh, message_en)`` tuples, one per problem; the library masks ID
    numbers in them. An exception inside a check is a plugin bug and is raised as
    :class:`~govservice_std.errors.PluginError`.

    Args:
        locality: The layer being resolved, as this plugin declared it.

    Returns:
        A list of :class:`~govservice_std.forms.CrossCheck`, or ``None`` for none. A check
        for a form id the locality's chain does not have raises
        :class:`~govservice_std.errors.PluginContractError`.

    Example::

        from govservice_std.forms import CrossCheck

        def _local_applicant(app):
            id_number = app.get("applicant", {}).get("id_number", "")
            if id_number and not id_number.startswith("441324"):
                yield ("applicant.id_number", "not_local", "申请人须为本县户籍",
                       "the applicant must be registered in the county")

        @hookimpl
        def govservice_form_checks(locality):
            return [CrossCheck(form="low-income-subsidy", check=_local_applicant)]

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
    :class:`~govservice_std.queues.events.TicketTransferred`; reactivation, cancellation,
    parking and resuming, windows opening and closing, and staff signing in and out arrive
    too, and so do bookings: a due reminder is an
    :class:`~govservice_std.queues.events.AppointmentReminded` event (send the text message
    here). Check ``event.type`` (``"issued"``, ``"called"``, ``"reminded"`` …) or use
    ``isinstance``.

    A failing implementation never loses or blocks the queue operation: the command has
    already been committed. Its exception is caught, logged on the
    ``govservice_std.queues.hooks`` logger with the plugin's name, and returned by the
    engine's :meth:`~govservice_std.queues.engine.QueueEngine.take_failures` as a
    :class:`~govservice_std.queues.hooks.HookFailure`. Only the process that ran the command
    calls the hook, so each event is delivered once per command.

    Args:
        event: The event.
        ticket: The ticket's state just after the whole command, or ``None`` for a window,
            staff or booking event.
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
