"""The fast path of form validation: one fused closure per field.

The reference compiler in :mod:`govservice_std.forms.validate` builds a generic closure per
field; where it can, it uses one of these instead: a closure that tells an empty value
apart, reports a missing required one and checks the value's type and limits in one call.
The tests compare the two on random applications, so both report the same problems.
Private: nothing here is public API.

Each fused closure tests the usual valid value inline and hands anything else to one shared
skeleton, ``_otherwise`` (empty → required, string subclass → checked again, other →
the value check). Adding a field type touches one table, ``_FIELD_TYPES``: its value check
(the reference) and, if it has one, its fused closure.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from govservice_std.forms._checks import (
    _DEFAULT_MAX_ITEMS,
    _DEFAULT_MAX_LENGTH,
    _attachment,
    _boolean,
    _Check,
    _choice,
    _date,
    _datetime,
    _division,
    _division_ok,
    _empty,
    _id_card_on_day,
    _identifier,
    _key,
    _mobile_any_day,
    _multi_choice,
    _number,
    _object_check,
    _plain_text,
    _Raw,
    _ScalarCheck,
    _show,
    _text,
    _time,
    _uscc_any_day,
    _wrong,
)
from govservice_std.forms.expr import (
    Context,
    Evaluator,
    truthy,
)
from govservice_std.forms.spec import Field, FieldType


def _specialised(
    spec: Field,
    value_check: _ScalarCheck,
    *,
    relevant: Evaluator | None,
    required_if: Evaluator | None,
    constraint: Evaluator | None,
    children: tuple[_Check, ...] | None = None,
) -> _Check | None:
    """The fast path for one field, or ``None`` where the generic closure serves.

    A rule-free field of a common type, a group or a repeat gets one fused closure
    (:func:`_fused`, :func:`_fused_group`, :func:`_fused_repeat`). Such a field with
    ``relevant`` or ``constraint`` rules (but no ``required_if``) runs that same fused
    closure behind its rules (:func:`_behind_rules`). Any other field with rules
    gets a closure that behaves exactly like the generic ``check`` of
    :meth:`_Compiler.field` (the tests compare the two on random applications) but reads a
    rule's verdict against ``True``/``False`` before calling :func:`truthy` and tells empty
    values of the usual JSON types apart without a call.
    """
    name, required = spec.name, spec.required
    fused: _Check | None
    if children is None:
        fused = _fused(spec)
    elif spec.type is FieldType.GROUP:
        fused = _fused_group(spec, children, value_check)
    else:
        fused = _fused_repeat(spec, children)
    if relevant is None and required_if is None and constraint is None:
        return fused
    if fused is not None and required_if is None:
        return _behind_rules(spec, fused, relevant=relevant, constraint=constraint)
    no_params: dict[str, str] = {}

    def ruled(container: Mapping[str, Any], prefix: str, ctx: Context, out: list[_Raw]) -> None:
        if relevant is not None:
            shown = relevant(ctx)
            if shown is not True and (shown is False or not truthy(shown)):
                return
        value = container.get(name)
        kind = value.__class__
        if kind is str:
            empty = not value or value.isspace()
        elif kind is int or kind is bool or kind is float:
            empty = False
        else:
            value = _plain_text(value)
            empty = _empty(value)
        if empty:
            if required:
                out.append((prefix + name, "required", spec, no_params))
            elif required_if is not None:
                needed = required_if(ctx)
                if needed is True or (needed is not False and truthy(needed)):
                    out.append((prefix + name, "required", spec, no_params))
            return
        if constraint is None:
            value_check(value, prefix, ctx, out)
            return
        before = len(out)
        value_check(value, prefix, ctx, out)
        if len(out) == before:
            ctx.current = value
            verdict = constraint(ctx)
            ctx.current = None
            if verdict is not True and verdict is not None and not truthy(verdict):
                out.append((prefix + name, "constraint", spec, no_params))

    return ruled


# The classes whose emptiness the fused closures and the generic checks tell alike. An empty
# list or dict of a subclass is empty to a field with rules (:func:`_empty`) but a value of
# the wrong type to a fused closure (as to the generic rule-free check).
_PLAIN = frozenset({str, int, float, bool, list, dict, type(None)})


def _behind_rules(
    spec: Field, fused: _Check, *, relevant: Evaluator | None, constraint: Evaluator | None
) -> _Check:
    """A field's fused closure behind its ``relevant`` and ``constraint`` rules.

    The fused closure reports a missing required value or a value of the wrong shape just as
    the generic ``check`` does (an empty value of an unusual class is told apart first); the
    constraint then runs only if it reported nothing and the value is not empty, which is
    when the generic ``check`` runs it.
    """
    name, required = spec.name, spec.required
    no_params: dict[str, str] = {}

    if constraint is None:
        if relevant is None:
            return fused

        def shown(container: Mapping[str, Any], prefix: str, ctx: Context, out: list[_Raw]) -> None:
            verdict = relevant(ctx)
            if verdict is not True and (verdict is False or not truthy(verdict)):
                return
            value = container.get(name)
            if value.__class__ not in _PLAIN and _empty(value):
                if required:
                    out.append((prefix + name, "required", spec, no_params))
                return
            fused(container, prefix, ctx, out)

        return shown

    def constrained(
        container: Mapping[str, Any], prefix: str, ctx: Context, out: list[_Raw]
    ) -> None:
        if relevant is not None:
            shown = relevant(ctx)
            if shown is not True and (shown is False or not truthy(shown)):
                return
        value = container.get(name)
        kind = value.__class__
        if kind not in _PLAIN:
            if _empty(value):
                if required:
                    out.append((prefix + name, "required", spec, no_params))
                return
            if isinstance(value, str):
                value = str.__str__(value)  # the fused closure judges it so too
        before = len(out)
        fused(container, prefix, ctx, out)
        # Nothing reported: the value is well-formed, or empty and optional (a number or
        # yes/no never is).
        if len(out) != before or (
            kind is not int and kind is not bool and kind is not float and _empty(value)
        ):
            return
        ctx.current = value
        verdict = constraint(ctx)
        ctx.current = None
        if verdict is not True and verdict is not None and not truthy(verdict):
            out.append((prefix + name, "constraint", spec, no_params))

    return constrained


def _fused_group(spec: Field, children: tuple[_Check, ...], value_check: _ScalarCheck) -> _Check:
    """A rule-free group: a non-empty object is checked here, anything else as usual."""
    name, required = spec.name, spec.required
    names = frozenset(f.name for f in spec.fields)
    prefixes: dict[str, str] = {}

    def group(container: Mapping[str, Any], prefix: str, ctx: Context, out: list[_Raw]) -> None:
        value = container.get(name)
        if value.__class__ is dict and value:
            inner = prefixes.get(prefix)
            if inner is None:
                # Few distinct outer paths (the root, or a few rows): build each once.
                inner = f"{prefix}{name}."
                if len(prefixes) < 64:
                    prefixes[prefix] = inner
            for child in children:
                child(value, inner, ctx, out)
            if not names.issuperset(value):
                out.extend(
                    (inner + _key(key), "unknown_field", None, {})
                    for key in value
                    if key not in names
                )
            return
        kind = value.__class__
        if (
            value is None
            or (kind is str and (not value or value.isspace()))
            or ((kind is list or kind is dict) and not value)
        ):
            if required:
                out.append((prefix + name, "required", spec, {}))
            return
        if kind is not str and isinstance(value, str):
            group({name: str.__str__(value)}, prefix, ctx, out)
            return
        value_check(value, prefix, ctx, out)

    return group


def _fused_repeat(spec: Field, children: tuple[_Check, ...]) -> _Check:
    """A repeat: a non-empty list's rows are checked here, each object row inline.

    It does what the generic field closure does around the generic repeat check, with each
    object row's check done without the call (the same children with the same prefix, then
    the unknown keys).
    """
    name = spec.name
    low = spec.min_items
    high = spec.max_items if spec.max_items is not None else _DEFAULT_MAX_ITEMS
    names = frozenset(f.name for f in spec.fields)
    row = _object_check(spec, children, own="")
    # The rows' prefixes (``members[0].``, ``members[1].``, …) for each path the repeat is
    # met at: the same few paths recur in every application, so they are built once rather
    # than formatted per row. They hold only field names and indices.
    prefixes: dict[str, list[str]] = {}

    def repeat(container: Mapping[str, Any], prefix: str, ctx: Context, out: list[_Raw]) -> None:
        value: Any = container.get(name)
        if (value.__class__ is not list or not value) and _not_rows(spec, value, prefix, out):
            return
        path = prefix + name
        size = len(value)
        if low is not None and size < low:
            out.append((path, "too_few", spec, {"limit": str(low)}))
        if size > high:
            out.append((path, "too_many", spec, {"limit": str(high)}))
            return
        row_prefixes = prefixes.get(path)
        if row_prefixes is None or len(row_prefixes) < size:
            row_prefixes = [f"{path}[{index}]." for index in range(max(size, 8))]
            if len(prefixes) < 64 or path in prefixes:
                prefixes[path] = row_prefixes
        # One slot for the row's scope, reused by every row (no push and pop per row).
        scopes = ctx.scopes
        scopes.append(None)
        try:
            for index, item in enumerate(value):
                scopes[-1] = item
                if item.__class__ is dict:
                    inner = row_prefixes[index]
                    for child in children:
                        child(item, inner, ctx, out)
                    if not names.issuperset(item):
                        out.extend(
                            (inner + _key(key), "unknown_field", None, {})
                            for key in item
                            if key not in names
                        )
                else:
                    row(item, f"{path}[{index}]", ctx, out)
        finally:
            scopes.pop()

    return repeat


def _not_rows(spec: Field, value: Any, prefix: str, out: list[_Raw]) -> bool:
    """For a repeat's value that is not a non-empty list: report it unless it is one after all.

    Returns whether it was handled: an empty value (required, if it is) or not a list.
    """
    value = _plain_text(value)
    kind = value.__class__
    if (
        value is None
        or (kind is str and (not value or value.isspace()))
        or ((kind is list or kind is dict) and not value)
    ):
        if spec.required:
            out.append((prefix + spec.name, "required", spec, {}))
        return True
    if not isinstance(value, list):
        out.append((prefix + spec.name, "not_a_list", spec, {}))
        return True
    return False


def _fused(spec: Field) -> _Check | None:
    """A single closure for a rule-free field of the commonest types, or ``None``.

    These are most of the fields of most forms; doing the emptiness and type checks in one
    call instead of two keeps a stream of applications fast. The checks are the same as
    those of the separate value checks.
    """
    if spec.type is FieldType.TEXT and spec.pattern is not None:
        return None
    build = _FUSED.get(spec.type)
    return build(spec) if build is not None else None


def _junk(value: object) -> bool:
    """Whether a non-string value counts as given (``None``, ``[]`` and ``{}`` do not)."""
    return value is not None and not (value.__class__ in (list, dict) and not value)


def _otherwise(  # noqa: PLR0917 - positional on the hot path, like the closures
    check: _Check,
    spec: Field,
    value: Any,
    prefix: str,
    ctx: Context,
    out: list[_Raw],
    report: _ScalarCheck,
) -> None:
    """The skeleton every fused scalar closure shares, for a value its fast test did not pass.

    A blank string, ``None``, ``[]`` or ``{}`` is a problem only if the field is required; a
    string subclass is checked again as a plain string; any other value goes to ``report``
    (the field's value check, or what it says of a value of the wrong type). The closures
    call it only off their fast path, so a valid value costs no extra call.
    """
    if value.__class__ is str:
        if value and not value.isspace():
            report(value, prefix, ctx, out)
            return
    elif _junk(value):
        if isinstance(value, str):
            check({spec.name: str.__str__(value)}, prefix, ctx, out)
        else:
            report(value, prefix, ctx, out)
        return
    if spec.required:
        out.append((prefix + spec.name, "required", spec, {}))


def _fused_text(spec: Field) -> _Check:
    name, wrong = spec.name, _wrong("text")
    low = spec.min_length
    high = spec.max_length if spec.max_length is not None else _DEFAULT_MAX_LENGTH

    def wrong_type(_value: Any, prefix: str, _ctx: Context, out: list[_Raw]) -> None:
        out.append((prefix + name, "wrong_type", spec, wrong))

    def text(container: Mapping[str, Any], prefix: str, ctx: Context, out: list[_Raw]) -> None:
        value = container.get(name)
        if value.__class__ is str and value and not value.isspace():
            size = len(value)
            if size > high:
                out.append((prefix + name, "too_long", spec, {"limit": str(high)}))
            elif low is not None and size < low:
                out.append((prefix + name, "too_short", spec, {"limit": str(low)}))
            return
        _otherwise(text, spec, value, prefix, ctx, out, wrong_type)

    return text


def _fused_identifier(spec: Field) -> _Check:
    name, wrong = spec.name, _wrong("text")
    code, check_value = (
        # No cache of verdicts per ID number: the library keeps no citizen's ID number
        # beyond the call that checks it.
        ("invalid_id_card", _id_card_on_day)
        if spec.type is FieldType.ID_CARD
        else ("invalid_mobile", _mobile_any_day)
    )

    def wrong_type(_value: Any, prefix: str, _ctx: Context, out: list[_Raw]) -> None:
        out.append((prefix + name, "wrong_type", spec, wrong))

    def identifier(
        container: Mapping[str, Any], prefix: str, ctx: Context, out: list[_Raw]
    ) -> None:
        value = container.get(name)
        if value.__class__ is str:
            # A well-formed number, the usual case, is never blank: check it first, and tell a
            # blank value (required) from a wrong one only after. Both checks reject a string
            # of the wrong length at once (an ID number by its length, a mobile number within
            # its first fourteen characters), so a huge one costs nothing.
            reason = check_value(value, ctx)
            if reason is None:
                return
            if value and not value.isspace():
                params = {"value": _show(value), "reason": reason}
                out.append((prefix + name, code, spec, params))
                return
        _otherwise(identifier, spec, value, prefix, ctx, out, wrong_type)

    return identifier


def _fused_choice(spec: Field) -> _Check:
    name = spec.name
    allowed = frozenset(c.value for c in spec.choices)

    def not_allowed(value: Any, prefix: str, _ctx: Context, out: list[_Raw]) -> None:
        out.append((prefix + name, "invalid_choice", spec, {"value": _show(value)}))

    def choice(container: Mapping[str, Any], prefix: str, ctx: Context, out: list[_Raw]) -> None:
        value = container.get(name)
        if value.__class__ is str and value in allowed:
            return
        _otherwise(choice, spec, value, prefix, ctx, out, not_allowed)

    return choice


def _fused_scalar(spec: Field) -> _Check:
    """Numbers and yes/no: a string here is always the wrong type (or empty).

    The usual value passes with one test: a yes/no, or a whole number within the bounds (a
    missing bound is infinite, which every whole number is within). Anything else takes
    the full path (``rest``).
    """
    name = spec.name
    value_check = _SCALARS[spec.type](spec)

    if spec.type is FieldType.BOOLEAN:

        def yes_no(
            container: Mapping[str, Any], prefix: str, ctx: Context, out: list[_Raw]
        ) -> None:
            value = container.get(name)
            if value.__class__ is not bool:
                _otherwise(yes_no, spec, value, prefix, ctx, out, value_check)

        return yes_no

    low = -math.inf if spec.minimum is None else spec.minimum
    high = math.inf if spec.maximum is None else spec.maximum

    def number(container: Mapping[str, Any], prefix: str, ctx: Context, out: list[_Raw]) -> None:
        value: Any = container.get(name)
        if value.__class__ is not int or not low <= value <= high:
            _otherwise(number, spec, value, prefix, ctx, out, value_check)

    return number


def _fused_division(spec: Field) -> _Check:
    """A division code: a known one passes with one cached test; anything else as usual."""
    name = spec.name
    value_check = _division(spec)

    def division(container: Mapping[str, Any], prefix: str, ctx: Context, out: list[_Raw]) -> None:
        value: Any = container.get(name)
        if value.__class__ is str and len(value) <= 12 and _division_ok(value):
            return
        _otherwise(division, spec, value, prefix, ctx, out, value_check)

    return division


_FIELD_TYPES: dict[
    FieldType, tuple[Callable[[Field], _ScalarCheck], Callable[[Field], _Check] | None]
] = {
    # field type: (its value check, its fused closure or None for the generic one)
    FieldType.TEXT: (_text, _fused_text),
    FieldType.ADDRESS: (_text, _fused_text),
    FieldType.NUMBER: (_number, _fused_scalar),
    FieldType.BOOLEAN: (_boolean, _fused_scalar),
    FieldType.DATE: (_date, None),
    FieldType.DATETIME: (_datetime, None),
    FieldType.TIME: (_time, None),
    FieldType.CHOICE: (_choice, _fused_choice),
    FieldType.MULTI_CHOICE: (_multi_choice, None),
    FieldType.ID_CARD: (
        _identifier("invalid_id_card", _id_card_on_day, upper=False),
        _fused_identifier,
    ),
    FieldType.USCC: (_identifier("invalid_uscc", _uscc_any_day, upper=True), None),
    FieldType.MOBILE: (
        _identifier("invalid_mobile", _mobile_any_day, upper=False),
        _fused_identifier,
    ),
    FieldType.DIVISION: (_division, _fused_division),
    FieldType.ATTACHMENT: (_attachment, None),
}
"""Every scalar field type: its value check and, where it has one, its fused closure."""

_SCALARS: dict[FieldType, Callable[[Field], _ScalarCheck]] = {
    kind: value for kind, (value, _) in _FIELD_TYPES.items()
}
_FUSED: dict[FieldType, Callable[[Field], _Check]] = {
    kind: fused for kind, (_, fused) in _FIELD_TYPES.items() if fused is not None
}
