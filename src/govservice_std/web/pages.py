"""The hall's browser pages: kiosk, counter, display board, position page and monitor.

Pages are rendered on the server from Jinja2 templates and kept live by a small script
(``static/hall.js``, no framework, no inline code: the Content-Security-Policy forbids it)
that listens to the queue's Server-Sent Events and re-renders the page's live part. Writes go
through the JSON API with the page's session cookie and its CSRF token.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import PackageLoader
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect

from govservice_std import i18n
from govservice_std.i18n import N_, gettext
from govservice_std.queues.engine import QueueEngine
from govservice_std.queues.events import CHINA_TZ
from govservice_std.queues.state import Ticket, TicketStatus
from govservice_std.reports.html import STYLESHEET, template_environment
from govservice_std.web.auth import AccessDeniedError, Permission, Role, csrf_token
from govservice_std.web.context import SESSION_COOKIE, HallContext, bearer
from govservice_std.web.i18n import gettext_for
from govservice_std.web.service import waiting_by_line

__all__ = ["PAGE_HANDLERS", "Pages"]

_HOME = {
    Role.KIOSK: "kiosk",
    Role.COUNTER: "counter",
    Role.BOARD: "board",
    Role.MANAGER: "monitor",
    Role.API: "api/schema",
}

# Words the scripts need at run time, given to them in the page (no inline script).
_SCRIPT_MESSAGES = (N_("Connection lost; reconnecting…"),)


class Pages:
    """The pages' templates: the reports' template family with the pages' own templates.

    One environment (:func:`govservice_std.reports.html.template_environment`) for every
    page in both languages: the pages' templates (``page.html`` and one per page, in
    ``web/templates``) extend the family's ``base.html`` and use its macros; each render
    sets the language of the catalogs. The family's stylesheet is linked, never inline.
    """

    def __init__(self) -> None:
        self.env = template_environment(PackageLoader("govservice_std.web", "templates"))
        """The pages' Jinja2 environment."""
        self.env.globals.update(
            fmt=_fmt,
            pct=_pct,
            tz=CHINA_TZ,
            standalone=False,
            lang_switch=True,
            csrf=None,
            fragment_url=None,
            root="",
            static_url="/static",
            switch_query="",
            messages={},
        )
        self._stylesheet: str | None = None

    def _values(self, lang: str, values: dict[str, Any]) -> dict[str, Any]:
        root = values.get("root", "")
        values.setdefault("static_url", f"{root}/static")
        return {"lang": lang, **values}

    def render(self, name: str, lang: str, **values: Any) -> str:
        """Render a whole page."""
        values.setdefault("messages", {m: gettext_for(lang)(m) for m in _SCRIPT_MESSAGES})
        with i18n.language(lang):
            return self.env.get_template(name).render(self._values(lang, values))

    def render_main(self, name: str, lang: str, **values: Any) -> str:
        """Render only a page's live part (its ``main`` block), for the script to swap in."""
        with i18n.language(lang):
            template = self.env.get_template(name)
            context = template.new_context(self._values(lang, values))
            return "".join(template.blocks["main"](context))

    def stylesheet(self) -> str:
        """The family's stylesheet as this set of pages has it (``base.css``)."""
        if self._stylesheet is None:
            loader = self.env.loader
            assert loader is not None  # noqa: S101 - set in __init__
            self._stylesheet = loader.get_source(self.env, STYLESHEET)[0]
        return self._stylesheet


def _fmt(value: float | None) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.1f}"


def _pct(value: float | None) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.0%}"


def _ctx(request: Request[Any, Any, Any]) -> HallContext:
    ctx: HallContext = request.app.state.hall
    return ctx


def _pages(request: Request[Any, Any, Any]) -> Pages:
    pages: Pages = request.app.state.pages
    return pages


def _root(request: Request[Any, Any, Any]) -> str:
    # Where the service is mounted (another application may mount it under a prefix).
    return str(request.scope.get("root_path", "") or "").rstrip("/")


def _render(request: Request[Any, Any, Any], name: str, lang: str, **values: Any) -> str:
    return _pages(request).render(
        name, lang, root=_root(request), switch_query=_switch_query(request), **values
    )


def _switch_query(request: Request[Any, Any, Any]) -> str:
    # The language switch keeps the page's other parameters (a ticket's ?width=58, a
    # manager's ?window=), never the live part's ?fragment=.
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("lang", "fragment")]
    return urlencode(kept) + "&" if kept else ""


def _render_main(request: Request[Any, Any, Any], name: str, lang: str, **values: Any) -> str:
    return _pages(request).render_main(name, lang, root=_root(request), **values)


def _lang(request: Request[Any, Any, Any]) -> str:
    # A page speaks the service's language (one per run) unless the page asks for the other
    # with ?lang=; a terminal's browser settings do not decide what a hall's screens say.
    asked = str(request.query_params.get("lang", ""))
    return asked if asked in ("zh", "en") else _ctx(request).lang


def _html(body: str, lang: str) -> Response[str]:
    return Response(
        body,
        media_type="text/html",
        headers={"Content-Language": "zh-CN" if lang == "zh" else "en"},
    )


def _signed_in(
    request: Request[Any, Any, Any], permission: Permission, page: str
) -> tuple[Any, str] | Response[Any]:
    """The page's token and CSRF token, or a redirect to the sign-in page."""
    ctx = _ctx(request)
    try:
        info = ctx.authorize(request, permission)
    except AccessDeniedError:
        lang = _lang(request)
        return Redirect(f"{_root(request)}/login?next={quote(page)}&lang={lang}")
    secret, _ = bearer(request)
    return info, csrf_token(secret or "")


def _hall(engine: QueueEngine) -> Any:
    return engine.hall


@get("/static/base.css", include_in_schema=False)
async def base_stylesheet(request: Request[Any, Any, Any]) -> Response[str]:
    """The template family's stylesheet, shared with the reports (``base.css``)."""
    return Response(
        _pages(request).stylesheet(),
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@get("/", include_in_schema=False)
async def index(request: Request[Any, Any, Any]) -> Response[str]:
    """The service's start page: links to each terminal's page."""
    ctx = _ctx(request)
    lang = _lang(request)
    hall = await ctx.service.read(_hall)
    scorecard = request.app.state.get("scorecard") is not None  # started with an assessment
    return _html(_render(request, "index.html", lang, hall=hall, scorecard=scorecard), lang)


@get("/login", include_in_schema=False)
async def login_page(request: Request[Any, Any, Any], next: FromQuery[str] = "") -> Response[str]:  # noqa: A002
    """The sign-in form."""
    ctx = _ctx(request)
    lang = _lang(request)
    hall = await ctx.service.read(_hall)
    body = _render(request, "login.html", lang, hall=hall, next=_safe_next(next), error=None)
    return _html(body, lang)


def _safe_next(target: str) -> str:
    # Only this service's own pages: never an absolute or scheme-relative address.
    return target if target in {"kiosk", "counter", "board", "monitor", "scorecard", ""} else ""


@post("/login", include_in_schema=False)
async def login(
    request: Request[Any, Any, Any],
    data: URLEncodedBody[dict[str, str]],
) -> Response[Any]:
    """Check the token and keep it in an HttpOnly, SameSite=Strict session cookie."""
    ctx = _ctx(request)
    lang = _lang(request)
    secret = str(data.get("token", "")).strip()
    info = ctx.token(secret) if secret else None
    if info is None:
        hall = await ctx.service.read(_hall)
        body = _render(
            request,
            "login.html",
            lang,
            hall=hall,
            next=_safe_next(str(data.get("next", ""))),
            error="The token is not valid for this hall.",
        )
        refused = _html(body, lang)
        refused.status_code = 401
        return refused
    target = _safe_next(str(data.get("next", ""))) or _HOME[info.role]
    response: Response[Any] = Redirect(f"{_root(request)}/{target}?lang={lang}")
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
        max_age=60 * 60 * 24 * 365,
    )
    return response


@post("/logout", include_in_schema=False)
async def logout(request: Request[Any, Any, Any]) -> Response[Any]:
    """Forget the session."""
    response: Response[Any] = Redirect(f"{_root(request)}/login?lang={_lang(request)}")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@get("/kiosk", include_in_schema=False)
async def kiosk(request: Request[Any, Any, Any]) -> Response[Any]:
    """The kiosk: choose a business line (and a priority group), take a ticket."""
    signed = _signed_in(request, Permission.ISSUE, "kiosk")
    if isinstance(signed, Response):
        return signed
    _, csrf = signed
    ctx = _ctx(request)
    lang = _lang(request)

    def values(engine: QueueEngine) -> dict[str, Any]:
        return {
            "hall": engine.hall,
            "lines": engine.policy.lines,
            "groups": engine.policy.priority_groups,
            "waiting": waiting_by_line(engine),
        }

    data = await ctx.service.read(values)
    return _html(_render(request, "kiosk.html", lang, csrf=csrf, **data), lang)


def _qr_data_uri(text: str) -> str:
    import segno  # noqa: PLC0415 - only the ticket page draws QR codes

    return str(segno.make(text, error="m").svg_data_uri(scale=3, border=2))


def _ahead(engine: QueueEngine, ticket: Ticket) -> int:
    """Tickets expected to be called before a waiting one (0 once it has been called)."""
    if ticket.status is not TicketStatus.WAITING:
        return 0
    return engine.position(ticket.id).ahead


@get("/ticket/{ref:str}", include_in_schema=False)
async def ticket_page(
    request: Request[Any, Any, Any], ref: FromPath[str], width: FromQuery[int] = 80
) -> Response[Any]:
    """A printable ticket (80 mm or 58 mm thermal paper) with a QR code to its position page."""
    signed = _signed_in(request, Permission.ISSUE, "kiosk")
    if isinstance(signed, Response):
        return signed
    ctx = _ctx(request)
    lang = _lang(request)

    def values(engine: QueueEngine) -> dict[str, Any]:
        found = engine.state.resolve(ref)
        if found is None:
            return {}
        ticket = engine.state.ticket(found)
        names = {line.id: line.name for line in engine.policy.lines}
        return {
            "hall": engine.hall,
            "ticket": ticket,
            "line_name": names.get(ticket.line, ticket.line),
            "ahead": _ahead(engine, ticket),
            "issued": ticket.issued_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M"),
        }

    data = await ctx.service.read(values)
    if not data:
        return Redirect(f"{_root(request)}/kiosk?lang={lang}")
    base = str(request.base_url).rstrip("/")
    position_url = f"{base}/position/{data['ticket'].id}?lang={lang}"
    body = _render(
        request,
        "ticket.html",
        lang,
        width=58 if width == 58 else 80,
        qr=_qr_data_uri(position_url),
        position_url=position_url,
        **data,
    )
    return _html(body, lang)


def _counter_values(engine: QueueEngine, window_code: str) -> dict[str, Any]:
    state = engine.state
    window = next(w for w in engine.hall.windows if w.code == window_code)
    win_state = state.window(window_code)
    current = state.ticket(win_state.ticket) if win_state.ticket else None
    today = state.service_day(engine.now())
    # Who this window may call: its lines' queue, and tickets sent to it or to its staff.
    serves = set(window.lines)
    staff = win_state.staff

    def callable_here(t: Ticket) -> bool:
        if t.for_window is not None:
            return t.for_window == window_code
        if t.for_staff is not None:
            return t.for_staff == staff
        return t.line in serves

    waiting = [t for t in state.waiting() if callable_here(t)]
    waiting.sort(key=lambda t: (t.order_at, t.id))
    parked = [
        t
        for t in state.tickets(day=today)
        if t.status is TicketStatus.PARKED and t.for_window == window_code
    ]
    return {
        "hall": engine.hall,
        "window": window,
        "state": win_state,
        "current": current,
        "waiting": waiting,
        "parked": parked,
        # A hall that lists its staff signs in only them: offer those posted here.
        "staff_choices": [
            s for s in engine.hall.staff if not s.windows or window_code in s.windows
        ],
        "windows": engine.hall.windows,
        "lines": engine.policy.lines,
        "outcomes": engine.policy.outcomes,
    }


@get("/counter", include_in_schema=False)
async def counter(
    request: Request[Any, Any, Any], fragment: FromQuery[bool] = False
) -> Response[Any]:
    """A window's counter: the current ticket, the actions, and who waits for this window."""
    signed = _signed_in(request, Permission.WINDOW, "counter")
    if isinstance(signed, Response):
        return signed
    info, csrf = signed
    ctx = _ctx(request)
    lang = _lang(request)
    window = info.window
    if window is None:  # a manager: the first window, or ?window=
        window = request.query_params.get("window")
    data = await ctx.service.read(
        lambda e: (
            _counter_values(e, window or e.hall.windows[0].code)
            if window is None or any(w.code == window for w in e.hall.windows)
            else None
        )
    )
    if data is None:
        return Redirect(f"{_root(request)}/counter?lang={lang}")
    if fragment:
        return _html(_render_main(request, "counter.html", lang, **data), lang)
    body = _render(
        request,
        "counter.html",
        lang,
        csrf=csrf,
        fragment_url=f"{_root(request)}/counter?fragment=1&lang={lang}",
        **data,
    )
    return _html(body, lang)


@get("/board", include_in_schema=False)
async def board(request: Request[Any, Any, Any]) -> Response[Any]:
    """The display board: the latest calls, announced aloud as they come."""
    signed = _signed_in(request, Permission.BOARD, "board")
    if isinstance(signed, Response):
        return signed
    ctx = _ctx(request)
    lang = _lang(request)
    hall = await ctx.service.read(_hall)
    body = _render(request, "board.html", lang, hall=hall, calls=ctx.service.recent_calls())
    return _html(body, lang)


def position_text(engine: QueueEngine, ticket: Ticket, lang: str) -> str:
    """What the position page says about a ticket, in ``lang``."""
    if ticket.status in (TicketStatus.CALLED, TicketStatus.SERVING) and ticket.window:
        return gettext("It is your turn: please go to window {window}", lang).format(
            window=ticket.window
        )
    if ticket.status is not TicketStatus.WAITING:
        return gettext("Your ticket has been dealt with.", lang)
    place = engine.position(ticket.id)
    minutes = place.estimated_wait_minutes
    if minutes is None or not math.isfinite(minutes):
        return gettext("{ahead} ahead of you", lang).format(ahead=place.ahead)
    return gettext("{ahead} ahead of you, about {minutes} minutes", lang).format(
        ahead=place.ahead, minutes=round(minutes)
    )


@get("/position/{ref:str}", include_in_schema=False)
async def position(
    request: Request[Any, Any, Any], ref: FromPath[str], fragment: FromQuery[bool] = False
) -> Response[str]:
    """A visitor's own page (from the ticket's QR code): place in the queue, updated live."""
    ctx = _ctx(request)
    lang = _lang(request)

    def values(engine: QueueEngine) -> dict[str, Any]:
        found = engine.state.resolve(ref) if "-" in ref else None
        ticket = engine.state.ticket(found) if found is not None else None
        return {
            "hall": engine.hall,
            "ticket": ticket,
            "position_text": position_text(engine, ticket, lang) if ticket else "",
        }

    data = await ctx.service.read(values)
    if fragment:
        return _html(_render_main(request, "position.html", lang, **data), lang)
    body = _render(
        request,
        "position.html",
        lang,
        fragment_url=f"{_root(request)}/position/{quote(ref)}?fragment=1&lang={lang}",
        **data,
    )
    return _html(body, lang)


def _monitor_values(engine: QueueEngine) -> dict[str, Any]:
    state = engine.state
    now = engine.now()
    kpis = engine.kpis()
    waiting = state.waiting()
    longest = max(((now - t.arrival).total_seconds() / 60 for t in waiting), default=0.0)
    windows = tuple(state.window(w.code) for w in engine.hall.windows)
    labels = {w.ticket: state.ticket(w.ticket).label for w in windows if w.ticket}
    return {
        "hall": engine.hall,
        "kpis": kpis,
        "lines": engine.policy.lines,
        "waiting": waiting_by_line(engine),
        "waiting_now": len(waiting),
        "longest": max(0.0, longest),
        "windows": windows,
        "windows_open": sum(1 for w in windows if w.open),
        "labels": labels,
    }


@get("/monitor", include_in_schema=False)
async def monitor(
    request: Request[Any, Any, Any], fragment: FromQuery[bool] = False
) -> Response[Any]:
    """The manager's live figures: waiting now, longest wait, per line and per window."""
    signed = _signed_in(request, Permission.FIGURES, "monitor")
    if isinstance(signed, Response):
        return signed
    ctx = _ctx(request)
    lang = _lang(request)
    data = await ctx.service.read(_monitor_values)
    if fragment:
        return _html(_render_main(request, "monitor.html", lang, **data), lang)
    body = _render(
        request,
        "monitor.html",
        lang,
        fragment_url=f"{_root(request)}/monitor?fragment=1&lang={lang}",
        **data,
    )
    return _html(body, lang)


PAGE_HANDLERS: list[Callable[..., Any]] = [
    base_stylesheet,
    index,
    login_page,
    login,
    logout,
    kiosk,
    ticket_page,
    counter,
    board,
    position,
    monitor,
]
