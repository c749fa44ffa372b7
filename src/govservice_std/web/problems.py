"""Errors as RFC 9457 problem details, in the request's language.

Every error the service returns has the media type ``application/problem+json`` and the
members ``type``, ``title``, ``status``, ``detail`` and ``code``. ``code`` is stable: the
library's exception class in kebab case (``illegal-command``, ``no-ticket-waiting``,
``invalid-data``, ``access-denied`` …), or ``bad-request`` / ``not-found`` /
``method-not-allowed`` for what the web framework refuses before the library is asked. The
``detail`` is in the language of the request's ``Accept-Language`` header (Chinese unless the
client prefers English) and never carries a full ID or phone number.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException

from govservice_std.errors import (
    FieldValueError,
    GovServiceError,
    IllegalCommandError,
    InvalidDataError,
    QueueStoreError,
    UnknownLocalityError,
)
from govservice_std.forms.identifiers import mask_ids
from govservice_std.i18n import N_, gettext
from govservice_std.web.auth import AccessDeniedError

__all__ = ["PROBLEM_MEDIA_TYPE", "error_code", "problem_response", "request_lang"]

PROBLEM_MEDIA_TYPE = "application/problem+json"

_log = logging.getLogger("govservice_std.web")

_KEBAB = re.compile(r"(?<!^)(?=[A-Z])")

_TITLES = {
    400: N_("Bad request"),
    401: N_("Not signed in"),
    403: N_("Forbidden"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict with the current state"),
    413: N_("Request too large"),
    422: N_("Unprocessable data"),
    500: N_("Internal server error"),
    503: N_("Service unavailable"),
}

_STATUS_CODES = {
    400: "bad-request",
    401: "not-signed-in",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    413: "request-too-large",
    500: "internal-error",
}


def request_lang(request: Request[Any, Any, Any], default: str = "zh") -> str:
    """``"en"`` or ``"zh"``: the ``lang`` query parameter, else ``Accept-Language``.

    Only Chinese and English exist; Chinese wins unless English is preferred over it.
    """
    asked = str(request.query_params.get("lang", ""))
    if asked in ("zh", "en"):
        return asked
    header = request.headers.get("accept-language", "")
    best: tuple[float, str] | None = None
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().lower()[:2]
        if lang not in ("zh", "en"):
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if best is None or quality > best[0]:
            best = (quality, lang)
    return best[1] if best is not None else default


def error_code(exc: BaseException) -> str:
    """The stable code of a library error: its class name in kebab case, less ``-error``."""
    name = _KEBAB.sub("-", type(exc).__name__).lower()
    return name.removesuffix("-error") or "error"


def _status(exc: GovServiceError) -> int:
    if isinstance(exc, AccessDeniedError):
        return exc.status
    if isinstance(exc, IllegalCommandError):
        return 409
    if isinstance(exc, UnknownLocalityError | KeyError):
        return 404
    if isinstance(exc, InvalidDataError):
        return 422
    if isinstance(exc, QueueStoreError):
        return 503
    return 400


def _body(status: int, code: str, detail: str, lang: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": f"urn:govservice-std:problem:{code}",
        "title": gettext(_TITLES.get(status, "Error"), lang),
        "status": status,
        "code": code,
        "detail": mask_ids(detail),
        **extra,
    }


def problem_response(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The problem-details response for any exception raised while handling ``request``."""
    lang = request_lang(request)
    if isinstance(exc, GovServiceError):
        status = _status(exc)
        body = _body(status, error_code(exc), exc.localized(lang), lang)
        if isinstance(exc, InvalidDataError):
            body["problems"] = [
                {"path": p.path, "message": mask_ids(p.message)} for p in exc.problems
            ]
    elif isinstance(exc, FieldValueError):
        status = 400
        body = _body(status, "bad-request", str(exc), lang)
    elif isinstance(exc, ValidationException):
        status = 400
        extra = exc.extra if isinstance(exc.extra, list) else []
        problems = [
            {"path": str(item.get("key", "")), "message": mask_ids(str(item.get("message", "")))}
            for item in extra
            if isinstance(item, dict)
        ]
        detail = gettext("the request's data is not valid", lang)
        body = _body(status, "bad-request", detail, lang, problems=problems)
    elif isinstance(exc, RecursionError):
        # JSON nested deeper than the decoder (or a walk over the data) can follow: the
        # request's fault, not the service's.
        _log.warning("request data nested too deeply on %s %s", request.method, request.url.path)
        status = 400
        body = _body(status, "bad-request", gettext("the request's data is not valid", lang), lang)
    elif isinstance(exc, HTTPException):
        status = exc.status_code
        code = _STATUS_CODES.get(status, f"http-{status}")
        body = _body(status, code, gettext(_TITLES.get(status, "Error"), lang), lang)
    else:
        # Never a traceback to a client: the server's log has it, with ID numbers masked.
        _log.error(
            "internal error on %s %s: %s",
            request.method,
            request.url.path,
            mask_ids(f"{type(exc).__name__}: {exc}"),
        )
        status = 500
        detail = gettext("internal error; it has been logged", lang)
        body = _body(status, "internal-error", detail, lang)
    headers = {"Content-Language": "zh-CN" if lang == "zh" else "en"}
    if isinstance(exc, HTTPException) and exc.headers:
        headers.update(exc.headers)  # such as the Allow header of a 405
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="govstd"'
    return Response(
        content=body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


JSON = MediaType.JSON
