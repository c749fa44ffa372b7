"""The hall service's JSON API: queue commands and reads, the catalog, forms, validation.

Every route lives under ``/api/v1``; the OpenAPI schema is served at ``/api/schema/openapi.json``
(and browsable at ``/api/schema``). Writes need a token of the right role (see
:mod:`govservice_std.web.auth`) as ``Authorization: Bearer …``; errors are RFC 9457 problem
details (see :mod:`govservice_std.web.problems`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, Literal

import attrs
from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from govservice_std.forms.identifiers import mask_ids
from govservice_std.forms.spec import Choice
from govservice_std.forms.validate import CompiledForm
from govservice_std.queues.engine import QueueEngine, Slot
from govservice_std.queues.events import CHINA_TZ, EVENT_TYPES, in_china_time
from govservice_std.queues.kpis import FrontDeskKpis, QueueKpis
from govservice_std.queues.position import Position
from govservice_std.queues.state import Booking, Ticket, WindowState
from govservice_std.web.auth import Permission
from govservice_std.web.context import HallContext
from govservice_std.web.problems import PROBLEM_MEDIA_TYPE, request_lang
from govservice_std.web.service import CallNotice, waiting_by_line

__all__ = [
    "API_HANDLERS",
    "BookingRequest",
    "CallRequest",
    "CheckInRequest",
    "FinishRequest",
    "HallInfo",
    "IssueRequest",
    "LineInfo",
    "OptionsRequest",
    "Problem",
    "QueueStatus",
    "RescheduleRequest",
    "SignInRequest",
    "TicketView",
    "TransferRequest",
    "ValidationView",
    "WindowInfo",
]


# -- request and response bodies -------------------------------------------------------------


@attrs.frozen
class TicketView:
    """A ticket as the API shows it (times in ISO 8601, China Standard Time).

    Attributes:
        id: Unique id (``20260302-A001``).
        label: Display number (``A001``).
        line: Its business line now.
        original_line: The line it was issued in.
        status: ``waiting``, ``called``, ``serving``, ``finished``, ``no_show`` or
            ``cancelled``.
        group: Priority group, if any.
        issued_at: When it was issued.
        window: The window it is called to, served at or finished at.
        calls: How often it has been called since it last joined a queue.
        called_at: When it was last called.
        started_at: When service (last) started.
        finished_at: When service finished.
        outcome: The outcome code, once finished.
        appointment: The appointment reference, masked.
    """

    id: str
    label: str
    line: str
    original_line: str
    status: str
    group: str | None
    issued_at: dt.datetime
    window: str | None = None
    calls: int = 0
    called_at: dt.datetime | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    outcome: str | None = None
    appointment: str | None = None

    @classmethod
    def of(cls, ticket: Ticket) -> TicketView:
        """The view of a ticket snapshot."""
        return cls(
            id=ticket.id,
            label=ticket.label,
            line=ticket.line,
            original_line=ticket.original_line,
            status=ticket.status.value,
            group=ticket.group,
            issued_at=ticket.issued_at.astimezone(CHINA_TZ),
            window=ticket.window,
            calls=ticket.calls,
            called_at=_cst(ticket.called_at),
            started_at=_cst(ticket.started_at),
            finished_at=_cst(ticket.finished_at),
            outcome=ticket.outcome,
            appointment=None if ticket.appointment is None else mask_ids(ticket.appointment),
        )


def _cst(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else moment.astimezone(CHINA_TZ)


@attrs.frozen
class LineInfo:
    """A business line: its id, name and ticket prefix."""

    id: str
    name: str
    prefix: str


@attrs.frozen
class WindowInfo:
    """A window of the hall: its code, name, kind and the lines it serves, in order."""

    code: str
    name: str
    kind: str
    lines: tuple[str, ...]


@attrs.frozen
class HallInfo:
    """The hall a service serves.

    Attributes:
        code: The hall's code.
        name: Its name.
        tier: ``county``, ``town`` or ``village``.
        locality: The locality whose rules apply.
        lines: The business lines of its queue policy.
        windows: Its windows.
        priority_groups: Ids of the priority groups.
        outcomes: Outcome codes a window may finish a ticket with.
    """

    code: str
    name: str
    tier: str
    locality: str
    lines: tuple[LineInfo, ...]
    windows: tuple[WindowInfo, ...]
    priority_groups: tuple[str, ...]
    outcomes: tuple[str, ...]


@attrs.frozen
class QueueStatus:
    """The queue right now.

    Attributes:
        now: The service's time.
        waiting: Tickets waiting, per business line.
        windows: Every window's state.
        recent_calls: The latest calls, newest first (what the display board shows).
    """

    now: dt.datetime
    waiting: dict[str, int]
    windows: tuple[WindowState, ...]
    recent_calls: tuple[CallNotice, ...]


@attrs.frozen
class IssueRequest:
    """Take a ticket: the business line and, where the guide allows, a priority group."""

    line: str
    priority: str | None = None


@attrs.frozen
class CheckInRequest:
    """Check an appointment in: its reference, the line and time booked."""

    appointment: str
    line: str
    slot: dt.datetime
    priority: str | None = None


@attrs.frozen
class CallRequest:
    """Call to a window: the next ticket, or a chosen one (``ticket``) with a reason."""

    ticket: str | None = None
    reason: str | None = None


@attrs.frozen
class FinishRequest:
    """Finish service with an outcome code of the policy."""

    outcome: str = "completed"


@attrs.frozen
class TransferRequest:
    """Transfer a ticket: to a business line, a window or a staff member (name exactly one).

    Attributes:
        line: The business line to join.
        window: The window that alone may call it next.
        staff: The staff member who alone may call it next.
        placement: ``first``, ``last`` or ``arrival`` (default: the policy's).
    """

    line: str | None = None
    window: str | None = None
    staff: str | None = None
    placement: Literal["first", "last", "arrival"] | None = None


@attrs.frozen
class SignInRequest:
    """A staff member signs in at a window."""

    staff: str


@attrs.frozen
class BookingRequest:
    """Book a slot of a business line (its start, as :attr:`Slot.start` gives it)."""

    line: str
    slot: dt.datetime


@attrs.frozen
class RescheduleRequest:
    """Move a booking to another slot of its line."""

    slot: dt.datetime


@attrs.frozen
class OptionsRequest:
    """Which choice field's options to list, given the answers so far.

    Attributes:
        field: The field's path (``village``, ``applicant.town``; in a repeat, with its row:
            ``members[0].relation``).
        application: The answers so far; without them, every option.
    """

    field: str
    application: dict[str, Any] | None = None


@attrs.frozen
class ValidationView:
    """The outcome of validating an application (messages masked).

    Attributes:
        valid: Whether it has no problems.
        problems: Each problem: ``path``, ``code`` and ``message``.
        version: The version of the form it was checked against.
    """

    valid: bool
    problems: tuple[dict[str, str], ...]
    version: str = ""


@attrs.frozen
class Problem:
    """An error (RFC 9457 problem details).

    Attributes:
        type: A URN naming the kind of problem (``urn:govservice-std:problem:<code>``).
        title: A short summary of the HTTP status, in the request's language.
        status: The HTTP status.
        code: The library's stable code (``illegal-command``, ``access-denied`` …).
        detail: What went wrong, in the request's language (ID numbers masked).
        problems: For invalid data: each problem's ``path`` and ``message``.
    """

    type: str
    title: str
    status: int
    code: str
    detail: str
    problems: tuple[dict[str, str], ...] | None = None


def problem_response(description: str) -> ResponseSpec:
    """How a problem answer is documented in the OpenAPI schema (RFC 9457 problem details)."""
    return ResponseSpec(
        data_container=Problem,
        description=description,
        media_type=PROBLEM_MEDIA_TYPE,
        generate_examples=False,
    )


_READ_PROBLEMS: dict[int, ResponseSpec] = {
    400: problem_response("The request's parameters are not valid"),
    404: problem_response("No such ticket, item or path"),
    409: problem_response("The request does not fit the current state"),
    503: problem_response("The hall's database is unavailable"),
}
_WRITE_PROBLEMS: dict[int, ResponseSpec] = {
    **_READ_PROBLEMS,
    401: problem_response("No valid access token"),
    403: problem_response("The token's role may not do this"),
    422: problem_response("The data does not fit the model"),
}


_TOKEN: list[dict[str, list[str]]] = [{"token": []}]

# -- helpers ---------------------------------------------------------------------------------


def _ctx(request: Request[Any, Any, Any]) -> HallContext:
    ctx: HallContext = request.app.state.hall
    return ctx


def hall_info(ctx: HallContext, engine: QueueEngine) -> HallInfo:
    """What the API says about the hall."""
    hall = engine.hall
    policy = engine.policy
    return HallInfo(
        code=hall.code,
        name=hall.name,
        tier=hall.tier.value,
        locality=str(ctx.locality.code),
        lines=tuple(LineInfo(line.id, line.name, line.prefix) for line in policy.lines),
        windows=tuple(
            WindowInfo(w.code, w.name or w.code, w.kind.value, tuple(w.lines)) for w in hall.windows
        ),
        priority_groups=tuple(g.id for g in policy.priority_groups),
        outcomes=tuple(o.id for o in policy.outcomes),
    )


def queue_status(ctx: HallContext, engine: QueueEngine) -> QueueStatus:
    """The queue's status (call on the engine's thread)."""
    state = engine.state
    windows = tuple(state.window(w.code) for w in engine.hall.windows)
    return QueueStatus(
        now=engine.now().astimezone(CHINA_TZ),
        waiting=waiting_by_line(engine),
        windows=windows,
        recent_calls=ctx.service.recent_calls(),
    )


async def _on_ticket(
    request: Request[Any, Any, Any],
    ref: str,
    command: Callable[[QueueEngine], Ticket],
    permission: Permission = Permission.WINDOW,
) -> TicketView:
    """Run a command on one ticket, for a token that may act where the ticket is."""
    ctx = _ctx(request)
    info = ctx.authorize(request, permission)

    def checked(engine: QueueEngine) -> TicketView:
        # One trip to the engine's thread: where the ticket is is checked on the state the
        # command runs on.
        ticket = engine.ticket(ref)
        person = ticket.for_staff
        ctx.check_ticket(
            info,
            ticket,
            staff_window=engine.state.staff_window(person) if person is not None else None,
            served=engine.window_lines(info.window or ""),
        )
        return TicketView.of(command(engine))

    return await ctx.service.run(checked)


def _write(path: str, summary: str, **options: Any) -> post:
    """The route decorator of a write: a token is required, errors are documented."""
    return post(path, summary=summary, responses=_WRITE_PROBLEMS, security=_TOKEN, **options)


# -- the queue -------------------------------------------------------------------------------


_DAY = QueryParameter(description="Service day (default: today)")
_TIER = QueryParameter(description="county, town or village")
_TYPES = QueryParameter(
    description="Only these event types, comma-separated (default: every type)",
    examples=[Example(value="called,recalled")],
)


class QueueController(Controller):
    """Queue commands and reads."""

    path = "/api/v1"
    tags = ["queue"]  # noqa: RUF012 - Litestar's own attribute

    @get("/hall", summary="The hall, its lines and windows", responses=_READ_PROBLEMS)
    async def hall(self, request: Request[Any, Any, Any]) -> HallInfo:
        """The hall served, with its business lines, windows and outcome codes."""
        ctx = _ctx(request)
        return await ctx.service.read(lambda e: hall_info(ctx, e))

    @get("/queue/status", summary="The queue now", responses=_READ_PROBLEMS)
    async def status(self, request: Request[Any, Any, Any]) -> QueueStatus:
        """Tickets waiting per line, every window's state and the latest calls."""
        ctx = _ctx(request)
        return await ctx.service.read(lambda e: queue_status(ctx, e))

    @get("/queue/tickets/{ref:str}", summary="One ticket", responses=_READ_PROBLEMS)
    async def ticket(self, request: Request[Any, Any, Any], ref: FromPath[str]) -> TicketView:
        """A ticket by its id or display number (the newest with that number)."""
        ctx = _ctx(request)
        return TicketView.of(await ctx.service.read(lambda e: e.ticket(ref)))

    @_write("/queue/tickets", "Take a ticket", status_code=201)
    async def issue(
        self, request: Request[Any, Any, Any], data: JSONBody[IssueRequest]
    ) -> TicketView:
        """Issue a ticket in a business line (kiosk, api or manager token)."""
        ctx = _ctx(request)
        ctx.authorize(request, Permission.ISSUE)
        return TicketView.of(
            await ctx.service.run(lambda e: e.issue(data.line, priority=data.priority))
        )

    @_write("/queue/check-ins", "Check an appointment in", status_code=201)
    async def check_in(
        self, request: Request[Any, Any, Any], data: JSONBody[CheckInRequest]
    ) -> TicketView:
        """Check a booked appointment in: it joins the live queue by the policy's rules."""
        ctx = _ctx(request)
        ctx.authorize(request, Permission.ISSUE)
        slot = in_china_time(data.slot)
        return TicketView.of(
            await ctx.service.run(
                lambda e: e.check_in(
                    data.appointment, line=data.line, slot=slot, priority=data.priority
                )
            )
        )

    @_write("/queue/windows/{window:str}/call", "Call a ticket to a window")
    async def call(
        self, request: Request[Any, Any, Any], window: FromPath[str], data: JSONBody[CallRequest]
    ) -> TicketView:
        """Call the next ticket by the policy's rules (or a chosen one) to the window."""
        ctx = _ctx(request)
        ctx.authorize(request, Permission.WINDOW, window=window)
        if data.ticket is not None:
            chosen, reason = data.ticket, data.reason or ""
            return TicketView.of(
                await ctx.service.run(lambda e: e.call_ticket(window, chosen, reason=reason))
            )
        return TicketView.of(await ctx.service.run(lambda e: e.call_next(window)))

    @_write("/queue/windows/{window:str}/recall", "Call the window's ticket again")
    async def recall(self, request: Request[Any, Any, Any], window: FromPath[str]) -> TicketView:
        """Call the ticket at the window again (the board announces it again)."""
        ctx = _ctx(request)
        ctx.authorize(request, Permission.WINDOW, window=window)
        return TicketView.of(await ctx.service.run(lambda e: e.recall(window)))

    @_write("/queue/windows/{window:str}/open", "Open a window")
    async def open_window(
        self, request: Request[Any, Any, Any], window: FromPath[str]
    ) -> WindowState:
        """Open the window for calls."""
        ctx = _ctx(request)
        ctx.authorize(request, Permission.WINDOW, window=window)
        return await ctx.service.run(lambda e: e.open_window(window))

    @_write("/queue/windows/{window:str}/close", "Close a window")
    async def close_window(
        self, request: Request[Any, Any, Any], window: FromPath[str]
    ) -> WindowState:
        """Close the window (it must have no ticket in hand)."""
        ctx = _ctx(request)
        ctx.authorize(request, Permission.WINDOW, window=window)
        return await ctx.service.run(lambda e: e.close_window(window))

    @_write("/queue/tickets/{ref:str}/start", "Start service")
    async def start(self, request: Request[Any, Any, Any], ref: FromPath[str]) -> TicketView:
        """The called visitor has arrived at the window: service starts."""
        return await _on_ticket(request, ref, lambda e: e.start(ref))

    @_write("/queue/tickets/{ref:str}/finish", "Finish service")
    async def finish(
        self, request: Request[Any, Any, Any], ref: FromPath[str], data: JSONBody[FinishRequest]
    ) -> TicketView:
        """Finish service with an outcome code."""
        return await _on_ticket(request, ref, lambda e: e.finish(ref, data.outcome))

    @_write("/queue/tickets/{ref:str}/no-show", "Mark a no-show")
    async def no_show(self, request: Request[Any, Any, Any], ref: FromPath[str]) -> TicketView:
        """The called visitor did not come."""
        return await _on_ticket(request, ref, lambda e: e.no_show(ref))

    @_write("/queue/tickets/{ref:str}/reactivate", "Reactivate a no-show")
    async def reactivate(self, request: Request[Any, Any, Any], ref: FromPath[str]) -> TicketView:
        """A visitor marked no-show came back within the policy's limits."""
        return await _on_ticket(request, ref, lambda e: e.reactivate(ref))

    @_write("/queue/tickets/{ref:str}/transfer", "Transfer to a line, a window or a staff member")
    async def transfer(
        self, request: Request[Any, Any, Any], ref: FromPath[str], data: JSONBody[TransferRequest]
    ) -> TicketView:
        """Move the ticket (转办); it keeps its original arrival for the KPIs."""
        return await _on_ticket(
            request,
            ref,
            lambda e: e.transfer(
                ref, data.line, window=data.window, staff=data.staff, placement=data.placement
            ),
        )

    @_write("/queue/tickets/{ref:str}/park", "Park a ticket")
    async def park(self, request: Request[Any, Any, Any], ref: FromPath[str]) -> TicketView:
        """Set the ticket aside while the visitor fetches a document; it keeps its arrival."""
        return await _on_ticket(request, ref, lambda e: e.park(ref))

    @_write("/queue/tickets/{ref:str}/resume", "Resume a parked ticket")
    async def resume(self, request: Request[Any, Any, Any], ref: FromPath[str]) -> TicketView:
        """Bring a parked ticket back to the window that parked it."""
        return await _on_ticket(request, ref, lambda e: e.resume(ref))

    @get(
        "/queue/tickets/{ref:str}/position",
        summary="A waiting ticket's place and estimated wait",
        responses=_READ_PROBLEMS,
    )
    async def position(self, request: Request[Any, Any, Any], ref: FromPath[str]) -> Position:
        """Tickets ahead under the actual selection rule, and the wait from the live rate."""
        ctx = _ctx(request)
        return await ctx.service.read(lambda e: e.position(ref))

    @_write("/queue/windows/{window:str}/sign-in", "Sign a staff member in at a window")
    async def sign_in(
        self,
        request: Request[Any, Any, Any],
        window: FromPath[str],
        data: JSONBody[SignInRequest],
    ) -> WindowState:
        """The window serves under this staff member's id until signed out."""
        ctx = _ctx(request)
        ctx.authorize(request, Permission.WINDOW, window=window)
        return await ctx.service.run(lambda e: e.sign_in(window, data.staff))

    @_write("/queue/windows/{window:str}/sign-out", "Sign the window's staff member out")
    async def sign_out(self, request: Request[Any, Any, Any], window: FromPath[str]) -> WindowState:
        """Nobody serves at the window until someone signs in again."""
        ctx = _ctx(request)
        ctx.authorize(request, Permission.WINDOW, window=window)
        return await ctx.service.run(lambda e: e.sign_out(window))

    @get(
        "/queue/lines/{line:str}/slots",
        summary="Booking slots of a line on a day",
        responses=_READ_PROBLEMS,
    )
    async def slots(
        self,
        request: Request[Any, Any, Any],
        line: FromPath[str],
        day: Annotated[dt.date | None, _DAY] = None,
    ) -> tuple[Slot, ...]:
        """Each slot's start, capacity and bookings.

        The slots come from the policy's booking capacity or the locality's staffing plan.
        """
        ctx = _ctx(request)
        return await ctx.service.read(
            lambda e: e.slots(line, day or e.now().astimezone(CHINA_TZ).date())
        )

    @_write("/queue/bookings", "Book a slot", status_code=201)
    async def book(
        self, request: Request[Any, Any, Any], data: JSONBody[BookingRequest]
    ) -> Booking:
        """Book a place in a slot (预约); the booking's reference checks the visitor in."""
        ctx = _ctx(request)
        ctx.authorize(request, Permission.ISSUE)
        slot = in_china_time(data.slot)
        return await ctx.service.run(lambda e: e.book(data.line, slot))

    @_write("/queue/bookings/{ref:str}/cancel", "Cancel a booking")
    async def cancel_booking(self, request: Request[Any, Any, Any], ref: FromPath[str]) -> Booking:
        """Release the booking's place in its slot."""
        ctx = _ctx(request)
        ctx.authorize(request, Permission.ISSUE)
        return await ctx.service.run(lambda e: e.cancel_booking(ref))

    @_write("/queue/bookings/{ref:str}/reschedule", "Move a booking")
    async def reschedule(
        self,
        request: Request[Any, Any, Any],
        ref: FromPath[str],
        data: JSONBody[RescheduleRequest],
    ) -> Booking:
        """Move the booking to another slot of its line."""
        ctx = _ctx(request)
        ctx.authorize(request, Permission.ISSUE)
        slot = in_china_time(data.slot)
        return await ctx.service.run(lambda e: e.reschedule(ref, slot))

    @_write("/queue/tickets/{ref:str}/cancel", "Cancel a ticket")
    async def cancel(self, request: Request[Any, Any, Any], ref: FromPath[str]) -> TicketView:
        """Cancel a ticket that has not finished."""
        return await _on_ticket(request, ref, lambda e: e.cancel(ref), Permission.CANCEL)

    @get("/queue/kpis", summary="The day's queue KPIs", responses=_WRITE_PROBLEMS, security=_TOKEN)
    async def kpis(
        self,
        request: Request[Any, Any, Any],
        day: Annotated[dt.date | None, _DAY] = None,
    ) -> QueueKpis:
        """Waiting and service times, service level and no-shows (manager or api token)."""
        ctx = _ctx(request)
        ctx.authorize(request, Permission.FIGURES)
        return await ctx.service.read(lambda e: e.kpis(day))

    @get("/queue/kpis/front-desk", summary="Per-staff figures, caps and bookings",
         responses=_WRITE_PROBLEMS, security=_TOKEN)  # fmt: skip
    async def front_desk_kpis(
        self,
        request: Request[Any, Any, Any],
        day: Annotated[dt.date | None, _DAY] = None,
    ) -> FrontDeskKpis:
        """Per staff member: tickets, walk, service and idle times.

        Also when each line's daily cap was reached and the booking show rate (manager or
        api token).
        """
        ctx = _ctx(request)
        ctx.authorize(request, Permission.FIGURES)
        return await ctx.service.read(lambda e: e.front_desk_kpis(day))

    @get(
        "/queue/events", summary="Live queue events (Server-Sent Events)", responses=_READ_PROBLEMS
    )
    async def events(
        self, request: Request[Any, Any, Any], types: Annotated[str | None, _TYPES] = None
    ) -> ServerSentEvent:
        """A stream of the hall's queue events as they become durable, in any process.

        Each message's data is a JSON object with ``seq``, ``type`` (``called``, ``issued`` …),
        ``at``, ``ticket``, ``ticket_id``, ``line`` and ``window``, and its id the event's
        sequence number; a comment line is sent every 15 seconds when nothing happens.
        ``types`` keeps only some event types (a display board asks for
        ``called,recalled``); an unknown type is refused with a 400.
        """
        ctx = _ctx(request)
        wanted = _event_types(types)

        async def stream() -> AsyncIterator[ServerSentEventMessage]:
            async for notice in ctx.service.subscribe():
                if notice is None:
                    yield ServerSentEventMessage(comment="keep-alive")
                elif wanted is None or notice.type in wanted:
                    yield ServerSentEventMessage(data=_notice_json(notice), id=str(notice.seq))

        return ServerSentEvent(stream())


def _event_types(types: str | None) -> frozenset[str] | None:
    """The event types a stream keeps (``None``: all), from ``called,recalled``."""
    if types is None or not types.strip():
        return None
    wanted = frozenset(part.strip() for part in types.split(",") if part.strip())
    unknown = sorted(wanted - EVENT_TYPES.keys())
    if unknown:
        known = ", ".join(sorted(EVENT_TYPES))
        raise ValidationException(
            extra=[
                {"key": "types", "message": f"unknown event type {name!r} (known: {known})"}
                for name in unknown
            ]
        )
    return wanted


def _notice_json(notice: Any) -> str:
    return json.dumps(attrs.asdict(notice), ensure_ascii=False, separators=(",", ":"))


# -- the catalog and forms ---------------------------------------------------------------------


class CatalogController(Controller):
    """The locality's service items, their guides and forms, and application validation."""

    path = "/api/v1"
    tags = ["catalog"]  # noqa: RUF012 - Litestar's own attribute

    @get("/items", summary="The service-item catalog", responses=_READ_PROBLEMS)
    async def items(
        self,
        request: Request[Any, Any, Any],
        tier: Annotated[Literal["county", "town", "village"] | None, _TIER] = None,
    ) -> list[dict[str, Any]]:
        """Every service item of the locality (optionally only those a tier handles)."""
        from govservice_std.serialization import unstructure  # noqa: PLC0415

        catalog = _ctx(request).catalog()
        items = [item for item in catalog if tier is None or item.handled_at(tier)]
        return [unstructure(item) for item in items]

    @get("/items/{code:str}", summary="One item's guide (办事指南)", responses=_READ_PROBLEMS)
    async def item(self, request: Request[Any, Any, Any], code: FromPath[str]) -> dict[str, Any]:
        """The service item: its elements, time limits, fees, materials and form id."""
        from govservice_std.serialization import unstructure  # noqa: PLC0415

        catalog = _ctx(request).catalog()
        if code not in catalog:
            raise NotFoundException()
        data: dict[str, Any] = unstructure(catalog.get(code))
        return data

    @get("/items/{code:str}/form", summary="An item's application form", responses=_READ_PROBLEMS)
    async def form(self, request: Request[Any, Any, Any], code: FromPath[str]) -> dict[str, Any]:
        """The form's specification: fields, groups, rules and messages.

        A field whose options come from a built-in source (``choice_source``: the locality's
        towns, villages …) lists them under ``choices`` as well, each with its ``parent``.
        """
        from govservice_std.serialization import unstructure  # noqa: PLC0415

        form = _item_form(request, code)
        data: dict[str, Any] = unstructure(form.spec)
        data.setdefault("version", form.version)  # shown even when it is the default
        _fill_choices(form, data.get("fields", []), "")
        return data

    @post(
        "/items/{code:str}/form/options",
        summary="The options a choice field offers",
        status_code=200,
        responses=_READ_PROBLEMS,
    )
    async def options(
        self, request: Request[Any, Any, Any], code: FromPath[str], data: JSONBody[OptionsRequest]
    ) -> tuple[Choice, ...]:
        """The options of a choice field, given the answers so far.

        A cascading select's next list: with the town answered, the villages of that town.
        Without answers, every option. A path that names no choice field is refused (400).
        """
        form = _item_form(request, code)
        try:
            return form.options(data.field, data.application)
        except KeyError:
            raise ValidationException(
                extra=[
                    {
                        "key": "field",
                        "message": f"{data.field!r} is not a choice field of form {form.spec.id}",
                    }
                ]
            ) from None

    @post(
        "/items/{code:str}/validate",
        summary="Validate an application",
        status_code=200,
        responses=_READ_PROBLEMS,
    )
    async def validate(
        self, request: Request[Any, Any, Any], code: FromPath[str], data: JSONBody[dict[str, Any]]
    ) -> ValidationView:
        """Check an application against the item's form; every problem, ID numbers masked."""
        form = _item_form(request, code)
        result = form.validate(data, lang="en" if request_lang(request) == "en" else "zh")
        return ValidationView(
            valid=result.valid,
            problems=tuple(
                {"path": p.path, "code": p.code, "message": mask_ids(p.message)}
                for p in result.problems
            ),
            version=result.version,
        )


def _item_form(request: Request[Any, Any, Any], code: str) -> CompiledForm:
    """The compiled form of the catalog's item ``code`` (404 without the item or a form)."""
    ctx = _ctx(request)
    catalog = ctx.catalog()
    if code not in catalog:
        raise NotFoundException()
    try:
        return ctx.forms().for_item(catalog.get(code))
    except KeyError:
        raise NotFoundException() from None


def _fill_choices(form: CompiledForm, fields: list[Any], prefix: str) -> None:
    """Put the options of built-in sources into a form's data, at their fields' paths."""
    from govservice_std.serialization import unstructure  # noqa: PLC0415

    for field in fields:
        path = prefix + str(field.get("name"))
        if field.get("choice_source") is not None:
            field["choices"] = [unstructure(choice) for choice in form.options(path)]
        children = field.get("fields")
        if children:
            inner = "[]." if field.get("type") == "repeat" else "."
            _fill_choices(form, children, path + inner)


API_HANDLERS = [QueueController, CatalogController]
