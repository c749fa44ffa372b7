"""A hall's scorecard from its own service: JSON under ``/api/v1/scorecard`` and a page.

A service started with an assessment (``create_app(..., assessment=…)``, ``govstd serve
--assessment FILE``) scores its hall on request: the queue metrics (``queue.*``) are measured
from the service's own store — the live day, a given day or every day in the record — and
everything else comes from the assessment, as ``govstd evaluate ASSESSMENT --queue-db DB``
scores it. ``GET /api/v1/scorecard`` gives the ``govstd evaluate --json`` document (a
:class:`~govservice_std.evaluation.document.ScorecardDocument`, which the OpenAPI schema
describes field by field) with the period measured and its queue KPIs; the manager's page
``/scorecard`` is the printable A4 report of ``govstd evaluate --html``. Both need a manager
or api token.

The assessment is checked when the service starts: one that cannot be read, is of another
hall, or does not fit the locality's standard is refused then, not on the first request.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import quote

import attrs
from anyio import to_thread
from litestar import Controller, Request, Response, get
from litestar.exceptions import ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIFormat, OpenAPIType, Schema
from litestar.params import QueryParameter
from litestar.response import Redirect

from govservice_std.errors import DataProblem, GovServiceError, InvalidDataError
from govservice_std.evaluation.assessment import Assessment, load_assessment
from govservice_std.evaluation.document import ScorecardDocument
from govservice_std.evaluation.measured import recorded_queue_kpis
from govservice_std.i18n import gettext
from govservice_std.queues.events import CHINA_TZ
from govservice_std.queues.history import day_end
from govservice_std.queues.kpis import QueueKpis
from govservice_std.web.api import problem_response
from govservice_std.web.auth import AccessDeniedError, Permission
from govservice_std.web.context import HallContext

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar.types import ControllerRouterHandler

    from govservice_std.evaluation.scoring import Scorecard
    from govservice_std.queues.engine import QueueEngine
    from govservice_std.registry import ResolvedLocality
    from govservice_std.web.service import HallService

__all__ = [
    "SCORECARD_HANDLERS",
    "HallScoring",
    "NoAssessmentError",
    "ScorecardReport",
    "hall_scoring",
    "load_hall_assessment",
]

Period = Literal["live", "day", "all"]


class NoAssessmentError(GovServiceError, KeyError):
    """The service was started without an assessment, so it has no scorecard to give.

    Its problem-details code is ``no-assessment`` (HTTP 404).
    """

    def __init__(self) -> None:
        super().__init__("this service was started without an assessment: no scorecard")

    def __str__(self) -> str:
        return str(self.args[0])

    def localized(self, lang: str = "zh") -> str:
        """The message in ``lang``."""
        return gettext("this service was started without an assessment: no scorecard", lang)


# -- the report -------------------------------------------------------------------------------


@attrs.frozen
class ScorecardReport:
    """The hall's scorecard, with the period its queue metrics were measured on.

    Attributes:
        hall: The hall's code.
        period: Which queue record was measured: ``live`` (today, as of ``queue.now``),
            ``day`` (one other day, ``day``) or ``all`` (every day in the service's store,
            ``queue.days`` of them).
        day: The day measured, for ``live`` and ``day``.
        queue: The hall's queue KPIs over that period, measured from the service's store
            (the live day as the queue's state holds it, other days read back): the same
            figures as :func:`~govservice_std.evaluation.measured.recorded_queue_kpis`.
            Its waiting times replace the assessment's ``queue.*`` metrics.
        scorecard: The scorecard's document, as ``govstd evaluate --json`` prints it.
    """

    hall: str
    period: Period
    day: dt.date | None
    queue: QueueKpis
    scorecard: ScorecardDocument


# -- the assessment a service scores with ---------------------------------------------------------


@attrs.frozen
class HallScoring:
    """What a service scores its hall with.

    Attributes:
        locality: The locality whose standard applies.
        assessment: The hall's assessment.
        source: Where the assessment was read from (empty when given as an object).
    """

    locality: ResolvedLocality
    assessment: Assessment
    source: str = ""

    def scorecard(self, queue: QueueKpis | None) -> Scorecard:
        """The scorecard with ``queue``'s waiting times in place of the typed ones."""
        from govservice_std.evaluation.batch import evaluate_hall  # noqa: PLC0415

        return evaluate_hall(
            self.locality, self.assessment, queue=queue, source=self.source or None
        )


def load_hall_assessment(
    locality: ResolvedLocality, hall: str, assessment: Assessment | str | Path
) -> HallScoring:
    """Check an assessment for a service of ``hall`` (or read it from a file first).

    Args:
        locality: The locality whose standard applies.
        hall: The hall the service serves.
        assessment: The assessment, or its ``.toml`` or ``.json`` file.

    Raises:
        InvalidDataError: If the file cannot be read, the assessment is of another hall, or
            it does not fit the locality's standard.
    """
    source = ""
    if not isinstance(assessment, Assessment):
        source = str(assessment)
        assessment = load_assessment(assessment)
    if assessment.hall != hall:
        message = f"the assessment is of hall {assessment.hall!r}; this service serves {hall!r}"
        raise InvalidDataError([DataProblem("hall", message)], source=source or None)
    scoring = HallScoring(locality, assessment, source)
    scoring.scorecard(None)  # it fits the standard (and the scorer is ready)
    return scoring


def hall_scoring(
    locality: ResolvedLocality,
    service: HallService,
    assessment: Assessment | str | Path | None,
) -> HallScoring | None:
    """The service's scoring, or ``None`` without an assessment; a refusal closes ``service``.

    Raises:
        InvalidDataError: As :func:`load_hall_assessment`.
    """
    if assessment is None:
        return None
    try:
        return load_hall_assessment(locality, service.hall_code, assessment)
    except BaseException:
        service.close()
        raise


# -- measuring and scoring -----------------------------------------------------------------------

_DAY_PATTERN = r"^([0-9]{4}-[0-9]{2}-[0-9]{2}|all)$"
_DAY = QueryParameter(
    description=(
        "The queue record to measure: a service day (YYYY-MM-DD) or `all` (every day in "
        "the store); default: the live day"
    ),
    pattern=_DAY_PATTERN,
    # A date or the word: documented as such, so that a client's generator knows both.
    schema_extra={
        "one_of": [
            Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.DATE),
            Schema(type=OpenAPIType.STRING, enum=["all"]),
        ]
    },
)


def _scope(day: str | None) -> dt.date | Literal["all"] | None:
    if day is None or day == "all":
        return "all" if day else None
    try:
        return dt.date.fromisoformat(day)
    except ValueError:
        raise ValidationException(
            detail="the day is not a date", extra=[{"key": "day", "message": "not a date"}]
        ) from None


def _measure(
    locality: ResolvedLocality, scope: dt.date | Literal["all"] | None
) -> Callable[[QueueEngine], tuple[Period, dt.date | None, QueueKpis]]:
    """A read, for the engine's thread, of the queue KPIs over the period asked for."""

    def measure(engine: QueueEngine) -> tuple[Period, dt.date | None, QueueKpis]:
        now = engine.now().astimezone(CHINA_TZ)
        today = now.date()
        store = engine.store
        if scope == "all":
            days = store.days()
            at = min(now, day_end(max(days))) if days else now
            return "all", None, recorded_queue_kpis(locality, store, now=at)
        day = today if scope is None else scope
        if day == today:
            # The engine's state is the store's record of today, folded as it was written
            # (and refreshed for other processes' events): the same figures as reading the
            # day back, without holding the hall's thread for a re-read of the whole day.
            return "live", day, engine.kpis(day)
        # A day to come has nothing yet (and the calendar's last day has no end to take).
        at = now if day > today else day_end(day)
        return "day", day, recorded_queue_kpis(locality, store, day=day, now=at)

    return measure


def _scoring(request: Request[Any, Any, Any]) -> HallScoring:
    scoring: HallScoring | None = request.app.state.get("scorecard")
    if scoring is None:
        raise NoAssessmentError
    return scoring


def _ctx(request: Request[Any, Any, Any]) -> HallContext:
    ctx: HallContext = request.app.state.hall
    return ctx


async def _report(request: Request[Any, Any, Any], day: str | None) -> tuple[ScorecardReport, Any]:
    scope = _scope(day)
    scoring = _scoring(request)
    ctx = _ctx(request)
    period, measured_day, kpis = await ctx.service.read(_measure(scoring.locality, scope))
    # Scoring is the library's pure work: off the event loop, off the engine's thread.
    card = await to_thread.run_sync(scoring.scorecard, kpis)
    report = ScorecardReport(
        hall=ctx.hall_code,
        period=period,
        day=measured_day,
        queue=kpis,
        scorecard=ScorecardDocument.of(card),
    )
    return report, card


# -- the routes ---------------------------------------------------------------------------------


_PROBLEMS: dict[int, ResponseSpec] = {
    400: problem_response("The day is not a date"),
    401: problem_response("No valid access token"),
    403: problem_response("The token's role may not read the hall's figures"),
    404: problem_response("The service was started without an assessment (code `no-assessment`)"),
    503: problem_response("The hall's database is unavailable"),
}


class ScorecardController(Controller):
    """The hall's scorecard."""

    path = "/api/v1"
    tags = ["evaluation"]  # noqa: RUF012 - Litestar's own attribute

    @get(
        "/scorecard",
        summary="The hall's scorecard",
        responses=_PROBLEMS,
        security=[{"token": []}],
    )
    async def scorecard(
        self,
        request: Request[Any, Any, Any],
        day: Annotated[str | None, _DAY] = None,
    ) -> ScorecardReport:
        """The hall scored against its locality's standard (manager or api token).

        The queue metrics are measured from the service's own store over the live day, a
        given day or every day (``period`` says which); the rest comes from the assessment
        the service was started with. ``scorecard`` is the ``govstd evaluate --json``
        document.
        """
        _ctx(request).authorize(request, Permission.FIGURES)
        report, _ = await _report(request, day)
        return report


# -- the page -----------------------------------------------------------------------------------


def _lang(request: Request[Any, Any, Any]) -> str:
    # As every page: the service's language unless the page asks for the other (?lang=).
    asked = str(request.query_params.get("lang", ""))
    return asked if asked in ("zh", "en") else _ctx(request).lang


def _root(request: Request[Any, Any, Any]) -> str:
    return str(request.scope.get("root_path", "") or "").rstrip("/")


@get("/scorecard", include_in_schema=False)
async def scorecard_page(
    request: Request[Any, Any, Any],
    day: Annotated[str | None, _DAY] = None,
) -> Response[Any]:
    """The hall's scorecard: the report of ``govstd evaluate --html`` as one of the pages.

    The same template as the report file, in the pages' environment: the shared stylesheet
    is linked rather than inlined, so the page keeps the pages' Content-Security-Policy, and
    it prints on A4 as the file does.
    """
    from govservice_std.reports.html import scorecard_html  # noqa: PLC0415

    lang = _lang(request)
    try:
        _ctx(request).authorize(request, Permission.FIGURES)
    except AccessDeniedError:
        return Redirect(f"{_root(request)}/login?next={quote('scorecard')}&lang={lang}")
    _, card = await _report(request, day)
    env = request.app.state.pages.env
    root = _root(request)
    query = f"day={quote(day)}" if day else ""

    def render() -> str:
        return scorecard_html(
            card,
            lang=lang,
            env=env,
            standalone=False,
            static_url=f"{root}/static",
            lang_switch=True,
            switch_query=query,
        )

    page = await to_thread.run_sync(render)
    return Response(
        page,
        media_type="text/html",  # the framework adds the charset
        headers={"Content-Language": "zh-CN" if lang == "zh" else "en"},
    )


SCORECARD_HANDLERS: list[ControllerRouterHandler] = [ScorecardController, scorecard_page]
"""The scorecard's routes, registered by :func:`~govservice_std.web.app.create_app`."""
