"""The hall service's application factory.

:func:`create_app` builds an ASGI application (Litestar) for one hall: the JSON API under
``/api/v1`` with its OpenAPI schema at ``/api/schema/openapi.json``, the browser pages, the
static files, and the live feed. Another government application can mount it under a path
of its own; ``govstd serve`` runs it on uvicorn.

Litestar was chosen because it documents the library's own attrs models in the OpenAPI
schema as they are (FastAPI would need a second, Pydantic, copy of every model), and its
handlers, Server-Sent Events and exception handlers need no further dependency.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from litestar import Litestar, Request, Response
from litestar.config.response_cache import ResponseCacheConfig
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router

from govservice_std._version import __version__
from govservice_std.queues.engine import Clock, QueueEngine
from govservice_std.queues.stores.base import EventStore
from govservice_std.web.api import API_HANDLERS
from govservice_std.web.auth import TokenStore
from govservice_std.web.context import HallContext
from govservice_std.web.pages import PAGE_HANDLERS, Pages
from govservice_std.web.problems import problem_response
from govservice_std.web.scorecard import SCORECARD_HANDLERS, hall_scoring
from govservice_std.web.service import HallService

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Receive, Scope, Send

    from govservice_std.evaluation.assessment import Assessment
    from govservice_std.registry import ResolvedLocality

__all__ = ["CONTENT_SECURITY_POLICY", "app_from_env", "create_app", "is_postgres", "open_store"]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
"""The pages' Content-Security-Policy: nothing from elsewhere, no inline code."""

_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

MAX_BODY_BYTES = 1024 * 1024
"""The largest request body the service reads (1 MiB): an application form fits easily."""


def open_store(db: str | Path, hall: str | None, *, locality: str | None = None) -> EventStore:
    """Open a hall's queue store: a PostgreSQL URL or connection string, else a SQLite file.

    ``postgresql://…`` and libpq's ``key=value`` strings (``dbname=… host=…``) name a
    PostgreSQL database; anything else is the path of a SQLite file.
    """
    text = str(db)
    if is_postgres(text):
        from govservice_std.queues.stores.postgres import PostgresStore  # noqa: PLC0415

        return PostgresStore(text, hall, locality=locality)
    from govservice_std.queues.stores.sqlite import SQLiteStore  # noqa: PLC0415

    return SQLiteStore(text, hall, locality=locality)


def is_postgres(db: str) -> bool:
    """Whether ``db`` names a PostgreSQL database rather than a SQLite file."""
    return db.startswith(("postgresql://", "postgres://")) or "dbname=" in db


def _security_headers(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # type: ignore[comparison-overlap]
            await app(scope, receive, send)
            return

        started = time.perf_counter()

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                # How long the service took, for clients and benchmarks (RFC: Server-Timing).
                took = (time.perf_counter() - started) * 1000
                headers.append((b"server-timing", f"app;dur={took:.2f}".encode()))
                present = {name.lower() for name, _ in headers}
                for name, value in _HEADERS.items():
                    key = name.lower().encode()
                    if key not in present:
                        headers.append((key, value.encode()))
                message["headers"] = headers
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware


def create_app(
    locality: ResolvedLocality,
    store: EventStore | str | Path,
    *,
    hall: str | None = None,
    tokens: TokenStore | str | Path | None = None,
    clock: Clock | None = None,
    lang: str = "zh",
    notify: bool = True,
    poll_seconds: float = 0.25,
    assessment: Assessment | str | Path | None = None,
) -> Litestar:
    """Build the hall service for one hall.

    Args:
        locality: The resolved locality whose chain declares the hall.
        store: The hall's queue store, or where it is: a SQLite path or a ``postgresql://``
            URL. A store given as a path is opened on the service's own worker thread (a
            SQLite connection belongs to its thread); a :class:`SQLiteStore` given as an
            object is reopened there by its path.
        hall: The hall's code (default: the store's hall).
        tokens: Where the access tokens are kept (default: the store's own database).
        clock: Where the time comes from (default: the system clock).
        lang: The pages' default language, ``zh`` or ``en``.
        notify: Whether the plugins' ``govservice_queue_event`` hook hears of each event.
        poll_seconds: How often to look for events written by other processes.
        assessment: The hall's assessment (or its file), for the scorecard it serves.

    Raises:
        QueueStoreError: If the store cannot be opened.
        QueueError: If the locality has no such hall.
        InvalidDataError: If the assessment cannot be read, is of another hall or does
            not fit the locality's standard.
    """
    from govservice_std.queues.stores.sqlite import SQLiteStore  # noqa: PLC0415

    where: str | Path | None = None
    if isinstance(store, SQLiteStore):
        where, hall = store.path, hall or store.hall
    elif isinstance(store, str | Path):
        where = store

    def make_engine() -> QueueEngine:
        the_store = store if where is None else open_store(where, hall)
        assert isinstance(the_store, EventStore)  # noqa: S101 - narrowed above
        return QueueEngine.for_hall(
            locality,
            the_store.hall,
            store=the_store,
            clock=clock,
            notify=notify,
        )

    service = HallService(make_engine, poll_seconds=poll_seconds)
    scoring = hall_scoring(locality, service, assessment)  # checked now, not per request
    if tokens is None:
        if where is None:
            raise ValueError("give tokens= when the store is not a database path")
        tokens = TokenStore(where)
    elif not isinstance(tokens, TokenStore):
        tokens = TokenStore(tokens)
    context = HallContext(locality=locality, service=service, tokens=tokens, lang=lang)

    @asynccontextmanager
    async def lifespan(_app: Litestar) -> AsyncIterator[None]:
        # The worker thread and the store live as long as the app; the poller runs while
        # the server does (an app mounted in another may be started more than once).
        service.start()
        try:
            yield
        finally:
            await service.stop()

    static = create_static_files_router(
        path="/static",
        directories=[Path(__file__).parent / "static"],
        include_in_schema=False,
        opt={"cache": True},
    )

    def on_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        return problem_response(request, exc)

    return Litestar(
        route_handlers=[*API_HANDLERS, *PAGE_HANDLERS, *SCORECARD_HANDLERS, static],
        state=State({"hall": context, "pages": Pages(), "scorecard": scoring}),
        lifespan=[lifespan],
        exception_handlers={Exception: on_error},
        middleware=[_security_headers],
        request_max_body_size=MAX_BODY_BYTES,
        response_cache_config=ResponseCacheConfig(default_expiration=None),
        openapi_config=OpenAPIConfig(
            title="govservice_std hall service",
            version=__version__,
            description=(
                "A hall's queue, service-item catalog, forms and validation. Writes need "
                "`Authorization: Bearer <token>`; errors are RFC 9457 problem details with "
                "a stable `code`; messages follow `Accept-Language` (Chinese by default)."
            ),
            path="/api/schema",
            render_plugins=[SwaggerRenderPlugin(path="/")],
            components=Components(
                security_schemes={
                    "token": SecurityScheme(
                        type="http", scheme="bearer", description="Access token"
                    )
                }
            ),
        ),
        debug=False,
        # The service leaves logging to its host (uvicorn, or the application mounting it).
        logging_config=None,
    )


ENV_PREFIX = "GOVSTD_SERVE_"
"""Environment variables through which ``govstd serve --workers N`` configures each worker."""


def app_from_env() -> Litestar:
    """Build the app from ``GOVSTD_SERVE_*`` variables (for uvicorn's worker processes).

    ``GOVSTD_SERVE_LOCALITY``, ``GOVSTD_SERVE_HALL``, ``GOVSTD_SERVE_DB``, and optionally
    ``GOVSTD_SERVE_LANG``, ``GOVSTD_SERVE_AUTOLOAD`` (``0`` to load no plugins),
    ``GOVSTD_SERVE_BLOCKED`` (comma-separated plugin names), ``GOVSTD_SERVE_AT`` (an ISO
    8601 moment at which a drill's clock starts; see
    :class:`~govservice_std.web.service.DrillClock`) and ``GOVSTD_SERVE_ASSESSMENT`` (the
    hall's assessment file, for its scorecard).
    """
    import datetime as dt  # noqa: PLC0415

    from govservice_std.queues.events import in_china_time  # noqa: PLC0415
    from govservice_std.registry import load_registry  # noqa: PLC0415
    from govservice_std.web.service import DrillClock  # noqa: PLC0415

    def env(name: str, default: str = "") -> str:
        return os.environ.get(ENV_PREFIX + name, default)

    registry = load_registry(
        autoload=False if env("AUTOLOAD", "") == "0" else None,
        blocked=tuple(filter(None, env("BLOCKED", "").split(","))),
    )
    locality = registry.resolve(env("LOCALITY", ""))
    clock: Clock | None = None
    if env("AT"):
        clock = DrillClock(in_china_time(dt.datetime.fromisoformat(env("AT"))))
    return create_app(
        locality,
        env("DB", ""),
        hall=env("HALL", "") or None,
        lang=env("LANG", "zh") or "zh",
        clock=clock,
        assessment=env("ASSESSMENT") or None,
    )
