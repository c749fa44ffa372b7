"""Small converters and validators shared by the models (private)."""

from __future__ import annotations

import enum
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
