"""Small converters and validators shared by the models (private)."""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

from govservice_std.divisions import DivisionCode
from govservice_std.errors import FieldValueError

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")


def to_enum(cls: type[E], value: E | str, field: str) -> E:
    """Accept an enum member or its value; name the allowed values on failure."""
    if isinstance(value, cls):
        return value
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(repr(member.value) for member in cls)
        raise FieldValueError(field, f"must be one of {allowed} (got {value!r})") from None


def to_code(value: DivisionCode | str) -> DivisionCode:
    """Accept a :class:`DivisionCode` or its digits."""
    return value if isinstance(value, DivisionCode) else DivisionCode(value)


def to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Accept any iterable (a list from a data file) and freeze it into a tuple.

    Typed with ``Any`` because attrs converters cannot be generic; the field's own
    annotation states the element type.
    """
    if isinstance(value, str | bytes):
        raise FieldValueError("", f"must be a list (got {type(value).__name__})")
    return tuple(value)


def not_blank(_instance: Any, attribute: attrs.Attribute[str], value: str) -> None:
    """The string must contain something besides white space."""
    if not value.strip():
        raise FieldValueError(attribute.name, "must not be empty")


def identifier(_instance: Any, attribute: attrs.Attribute[str], value: str) -> None:
    """An identifier: 1–64 characters of ASCII letters, digits, ``_``, ``.`` and ``-``."""
    if not _ID.match(value):
        raise FieldValueError(
            attribute.name,
            "must be 1-64 ASCII letters, digits, '_', '.' or '-', "
            f"starting with a letter or digit (got {value!r})",
        )


def unique(items: Iterable[T], key: Callable[[T], str], field: str, what: str) -> None:
    """Raise :class:`FieldValueError` naming the first duplicate ``key`` in ``items``."""
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        k = key(item)
        if k in seen:
            raise FieldValueError(
                f"{field}[{index}]", f"duplicate {what} {k!r} (first at {field}[{seen[k]}])"
            )
        seen[k] = index


NUMBER_LIMIT = 1e15
"""The largest size of any number the library reads (no figure of a hall comes near it)."""


def finite_number(field: str, value: object) -> float:
    """``value`` as a float if it is a finite number of at most :data:`NUMBER_LIMIT` in size.

    Raises:
        FieldValueError: naming ``field``, for NaN, an infinity, a number too large, or
            anything that is not a number.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FieldValueError(field, f"must be a number (got {type(value).__name__})")
    if isinstance(value, int) and abs(value) > NUMBER_LIMIT:
        raise FieldValueError(field, f"must be a number between -1e15 and 1e15 (got {value:.3g})")
    number = float(value)
    if not (math.isfinite(number) and abs(number) <= NUMBER_LIMIT):
        raise FieldValueError(
            field, f"must be a finite number between -1e15 and 1e15 (got {number!r})"
        )
    return number


def finite_or_none(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: ``None`` or a finite number (see :func:`finite_number`)."""
    if value is not None:
        finite_number(attribute.name, value)
