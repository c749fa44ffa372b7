"""The building blocks of form validation, shared by the reference compiler and the fast path.

Problems as raw tuples (``_Raw``), the closure types, the limits, how values are shown in
messages, and one value check per field type (``_text``, ``_number``, …): each takes a
present value and reports what is wrong with it. Private: the public API is
:mod:`govservice_std.forms.validate`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from govservice_std.divisions import DivisionCode
from govservice_std.forms._patterns import compile_pattern
from govservice_std.forms.expr import (
    Context,
)
from govservice_std.forms.identifiers import _id_card_verdict, check_mobile, check_uscc, mask_ids
from govservice_std.forms.spec import Field

_REASONS = {
    "format": ("格式错误", "wrong format"),
    "checksum": ("校验位错误", "wrong check character"),
    "birth_date": ("出生日期无效", "invalid birth date"),
    "area": ("地址码无效", "unknown area code"),
}


_EXPECTED = {
    "text": ("文本", "text"),
    "number": ("数字", "a number"),
    "boolean": ("是或否", "true or false"),
    "list": ("列表", "a list"),
}


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


# ISO 8601 as JSON clients write it: a time of day with minutes, optional seconds and
# fraction; a date-time joins a date and a time with ``T`` (or a space) and may end with
# ``Z`` or an offset. ASCII digits only.
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?", re.ASCII)
_OFFSET = re.compile(r"(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?", re.ASCII)


_ATTACHMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/\-]{0,255}")


_DEFAULT_MAX_LENGTH = 200


_DEFAULT_MAX_ITEMS = 50


_SHOW = 40


# A raw problem: (path, code, field, extra parameters). Messages are rendered only for the
# applications that have problems, in the language asked for.
_Raw = tuple[str, str, Field | None, dict[str, str]]


_Check = Callable[[Mapping[str, Any], str, Context, list[_Raw]], None]


def _show(value: object) -> str:
    """A short, safe rendering of a value for a message (never str() of a huge int)."""
    if isinstance(value, str):
        # Mask before cutting, so that no ID number is cut into an unmasked fragment.
        text = mask_ids(value[: _SHOW + 20])
        return text if len(text) <= _SHOW else text[:_SHOW] + "…"
    if value is None or isinstance(value, bool | float):
        return repr(value)
    return type(value).__name__


def _key(key: object) -> str:
    """An unknown key as it appears in a path: masked, then shortened (like :func:`_show`)."""
    if isinstance(key, str):
        text = mask_ids(key[: _SHOW + 20])
        return text if len(text) <= _SHOW else text[:_SHOW] + "…"
    return f"<{type(key).__name__}>"


def _empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value or value.isspace()
    return isinstance(value, list | dict) and not value


def _plain_text(value: Any) -> Any:
    """Text of a ``str`` subclass (``numpy.str_``, a safe string …) as a plain ``str``.

    Such text is judged as the plain text it holds, on every path: the closures that test
    for ``str`` itself re-run on this plain copy. Any other value is returned as it is.
    """
    if value.__class__ is not str and isinstance(value, str):
        return str.__str__(value)
    return value


def _object_check(
    spec: Field, children: tuple[_Check, ...], own: str
) -> Callable[[Any, str, Context, list[_Raw]], None]:
    names = frozenset(f.name for f in spec.fields)

    def check(value: Any, outer: str, ctx: Context, out: list[_Raw]) -> None:
        path = outer + own
        if not isinstance(value, dict):
            out.append((path, "not_an_object", spec, {}))
            return
        prefix = f"{path}." if path else ""
        for child in children:
            child(value, prefix, ctx, out)
        if not names.issuperset(value):
            out.extend(
                (prefix + _key(key), "unknown_field", None, {}) for key in value if key not in names
            )

    return check


def _repeat_check(
    spec: Field, row: Callable[[Any, str, Context, list[_Raw]], None]
) -> Callable[[Any, str, Context, list[_Raw]], None]:
    """Check a list of rows, each with ``row`` (the generic path; see :func:`_fused_repeat`)."""
    low = spec.min_items
    high = spec.max_items if spec.max_items is not None else _DEFAULT_MAX_ITEMS
    own = spec.name

    def check(value: Any, outer: str, ctx: Context, out: list[_Raw]) -> None:
        path = outer + own
        if not isinstance(value, list):
            out.append((path, "not_a_list", spec, {}))
            return
        if low is not None and len(value) < low:
            out.append((path, "too_few", spec, {"limit": str(low)}))
        if len(value) > high:
            out.append((path, "too_many", spec, {"limit": str(high)}))
            return
        scopes = ctx.scopes
        for index, item in enumerate(value):
            scopes.append(item)
            try:
                row(item, f"{path}[{index}]", ctx, out)
            finally:
                scopes.pop()

    return check


_ScalarCheck = Callable[[Any, str, Context, list[_Raw]], None]


def _wrong(expected: str) -> dict[str, str]:
    zh, en = _EXPECTED[expected]
    return {"expected": zh, "expected_en": en}


def _text(spec: Field) -> _ScalarCheck:
    name = spec.name
    low = spec.min_length
    high = spec.max_length if spec.max_length is not None else _DEFAULT_MAX_LENGTH
    pattern = compile_pattern(spec.pattern) if spec.pattern is not None else None
    wrong = _wrong("text")

    def check(value: Any, prefix: str, _ctx: Context, out: list[_Raw]) -> None:
        if not isinstance(value, str):
            out.append((prefix + name, "wrong_type", spec, wrong))
            return
        size = len(value)
        if size > high:
            out.append((prefix + name, "too_long", spec, {"limit": str(high)}))
            return
        if low is not None and size < low:
            out.append((prefix + name, "too_short", spec, {"limit": str(low)}))
        if pattern is not None and not pattern(value):
            out.append((prefix + name, "pattern", spec, {}))

    return check


def _number(spec: Field) -> _ScalarCheck:
    name = spec.name
    low, high, whole = spec.minimum, spec.maximum, spec.integer
    wrong = _wrong("number")

    def check(value: Any, prefix: str, _ctx: Context, out: list[_Raw]) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            out.append((prefix + name, "wrong_type", spec, wrong))
            return
        if isinstance(value, float):
            if not math.isfinite(value):
                out.append((prefix + name, "wrong_type", spec, wrong))
                return
            if whole and not value.is_integer():
                out.append((prefix + name, "not_integer", spec, {}))
        if low is not None and value < low:
            out.append((prefix + name, "too_small", spec, {"limit": f"{low:g}"}))
        if high is not None and value > high:
            out.append((prefix + name, "too_large", spec, {"limit": f"{high:g}"}))

    return check


def _boolean(spec: Field) -> _ScalarCheck:
    name = spec.name
    wrong = _wrong("boolean")

    def check(value: Any, prefix: str, _ctx: Context, out: list[_Raw]) -> None:
        if not isinstance(value, bool):
            out.append((prefix + name, "wrong_type", spec, wrong))

    return check


def _date(spec: Field) -> _ScalarCheck:
    name = spec.name

    def check(value: Any, prefix: str, _ctx: Context, out: list[_Raw]) -> None:
        if not isinstance(value, str) or len(value) != 10 or not _DATE.fullmatch(value):
            out.append((prefix + name, "invalid_date", spec, {}))
            return
        try:
            dt.date(int(value[:4]), int(value[5:7]), int(value[8:]))
        except ValueError:
            out.append((prefix + name, "invalid_date", spec, {}))

    return check


def _time(spec: Field) -> _ScalarCheck:
    name = spec.name

    def check(value: Any, prefix: str, _ctx: Context, out: list[_Raw]) -> None:
        if not isinstance(value, str) or len(value) > 15 or not _TIME.fullmatch(value):
            out.append((prefix + name, "invalid_time", spec, {}))

    return check


def _datetime_ok(value: object) -> bool:
    if not isinstance(value, str) or not 16 <= len(value) <= 38 or value[10] not in "T ":
        return False
    date, clock = value[:10], value[11:]
    if not _DATE.fullmatch(date):
        return False
    end = _TIME.match(clock)
    if end is None or not _OFFSET.fullmatch(clock, end.end()):
        return False
    try:
        dt.date(int(date[:4]), int(date[5:7]), int(date[8:]))
    except ValueError:
        return False
    return True


def _datetime(spec: Field) -> _ScalarCheck:
    name = spec.name

    def check(value: Any, prefix: str, _ctx: Context, out: list[_Raw]) -> None:
        if not _datetime_ok(value):
            out.append((prefix + name, "invalid_datetime", spec, {}))

    return check


def _choice(spec: Field) -> _ScalarCheck:
    name = spec.name
    allowed = frozenset(c.value for c in spec.choices)

    def check(value: Any, prefix: str, _ctx: Context, out: list[_Raw]) -> None:
        if not isinstance(value, str) or value not in allowed:
            out.append((prefix + name, "invalid_choice", spec, {"value": _show(value)}))

    return check


def _multi_choice(spec: Field) -> _ScalarCheck:
    name = spec.name
    allowed = frozenset(c.value for c in spec.choices)
    low, high = spec.min_selected, spec.max_selected
    wrong = _wrong("list")

    def check(value: Any, prefix: str, _ctx: Context, out: list[_Raw]) -> None:
        if not isinstance(value, list):
            out.append((prefix + name, "wrong_type", spec, wrong))
            return
        seen: set[str] = set()
        for index, item in enumerate(value[: len(allowed) + 1]):
            where = f"{prefix}{name}[{index}]"
            if not isinstance(item, str) or item not in allowed:
                out.append((where, "invalid_choice", spec, {"value": _show(item)}))
            elif item in seen:
                out.append((where, "duplicate_choice", spec, {"value": _show(item)}))
            else:
                seen.add(item)
        if len(value) > len(allowed) + 1:
            out.append((prefix + name, "too_many", spec, {"limit": str(high or len(allowed))}))
            return
        if low is not None and len(value) < low:
            out.append((prefix + name, "too_few", spec, {"limit": str(low)}))
        if high is not None and len(value) > high:
            out.append((prefix + name, "too_many", spec, {"limit": str(high)}))

    return check


def _id_card_on_day(value: str, ctx: Context) -> str | None:
    # A birth date after the validation day is invalid: judge it on the context's day.
    return _id_card_verdict(value, ctx.today.replace("-", ""))


def _mobile_any_day(value: str, _ctx: Context) -> str | None:
    return check_mobile(value)


def _uscc_any_day(value: str, _ctx: Context) -> str | None:
    return check_uscc(value)


def _identifier(
    code: str, checker: Callable[[str, Context], str | None], upper: bool
) -> Callable[[Field], _ScalarCheck]:
    def build(spec: Field) -> _ScalarCheck:
        name = spec.name
        wrong = _wrong("text")

        def check(value: Any, prefix: str, _ctx: Context, out: list[_Raw]) -> None:
            if not isinstance(value, str):
                out.append((prefix + name, "wrong_type", spec, wrong))
                return
            if len(value) > 40:
                out.append((prefix + name, code, spec, {"value": _show(value), "reason": "format"}))
                return
            reason = checker(value.upper() if upper else value, _ctx)
            if reason is not None:
                out.append((prefix + name, code, spec, {"value": _show(value), "reason": reason}))

        return check

    return build


def _division(spec: Field) -> _ScalarCheck:
    name = spec.name
    wrong = _wrong("text")

    def check(value: Any, prefix: str, _ctx: Context, out: list[_Raw]) -> None:
        if not isinstance(value, str):
            out.append((prefix + name, "wrong_type", spec, wrong))
            return
        if len(value) > 12 or not _division_ok(value):
            out.append((prefix + name, "invalid_division", spec, {"value": _show(value)}))

    return check


@lru_cache(maxsize=4096)
def _division_ok(value: str) -> bool:
    # A county's applications name the same few hundred town and village codes over and
    # over: remember the verdicts.
    try:
        DivisionCode(value)
    except (ValueError, TypeError):
        return False
    return True


def _attachment(spec: Field) -> _ScalarCheck:
    name = spec.name

    def check(value: Any, prefix: str, _ctx: Context, out: list[_Raw]) -> None:
        if not isinstance(value, str) or len(value) > 256 or not _ATTACHMENT.fullmatch(value):
            out.append((prefix + name, "invalid_attachment", spec, {}))

    return check
