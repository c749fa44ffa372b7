"""Converters shared by the evaluation models (private)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from govservice_std._fields import to_tuple


def to_date(value: dt.date | str) -> dt.date:
    """Accept a date (a datetime gives its day) or its ISO text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"must be a date such as '2026-01-05' (got {value!r})") from None


def to_optional_date(value: dt.date | str | None) -> dt.date | None:
    """Like :func:`to_date`, letting ``None`` through."""
    return None if value is None else to_date(value)


def tuple_of(value: Iterable[Any]) -> tuple[Any, ...]:
    """Freeze a list into a tuple (a bare string is refused).

    Typed loosely on purpose: the field's own annotation gives the element type, and the
    loaders check elements; a generic converter would leave mypy's attrs plugin unable to
    type the ``__init__`` parameter.
    """
    return to_tuple(value)
