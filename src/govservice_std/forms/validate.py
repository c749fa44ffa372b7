"""Compiling a form once and validating applications against it.

:func:`compile_form` turns a :class:`~govservice_std.forms.spec.FormSpec` into a
:class:`CompiledForm`: every field becomes a closure that checks its value, every rule is
compiled once, and nothing is rebuilt per application. :meth:`CompiledForm.validate` then
takes any decoded JSON value and returns a :class:`ValidationResult` with *every* problem,
each with the field's path, a stable code (``CODES``) and a message in Chinese (the
default) or English. It never raises on bad input — wrong types, missing sections, huge
strings or unknown keys are problems, not crashes — and any ID number that a message or path
would echo is masked (``4413**********123X``).

>>> from govservice_std.forms.spec import Field, FormSpec
>>> form = compile_form(FormSpec(id="demo", title="示例", fields=[
...     Field(name="name", type="text", label="姓名", required=True),
...     Field(name="id_number", type="id_card", label="身份证号", required=True),
... ]))
>>> result = form.validate({"name": "", "id_number": "441324199001011239"})
>>> [(p.path, p.code) for p in result.problems]
[('name', 'required'), ('id_number', 'invalid_id_card')]
>>> result.problems[1].message
'「身份证号」不是有效的居民身份证号（校验位错误）：4413**********1239'
>>> form.validate({"name": "张三"}, lang="en").problems[0].message
'"id_number" is required'
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal

import attrs

from govservice_std.divisions import DivisionCode
from govservice_std.errors import DataProblem, InvalidDataError
from govservice_std.forms._patterns import compile_pattern
from govservice_std.forms.expr import (
    Context,
    Evaluator,
    ExpressionError,
    compile_expression,
    field_reader,
    truthy,
)
from govservice_std.forms.identifiers import (
    _id_card_verdict,
    check_mobile,
    check_uscc,
    mask_ids,
)
from govservice_std.forms.spec import Field, FieldType, FormSpec

__all__ = [
    "CODES",
    "CompiledForm",
    "CrossCheck",
    "Lang",
    "Problem",
    "ValidationResult",
    "compile_form",
]

Lang = Literal["zh", "en"]
"""A message language: ``"zh"`` (简体中文, the default) or ``"en"``."""

CODES: Mapping[str, tuple[str, str]] = {
    "not_an_object": ("「{label}」应为一组字段", '"{label}" must be an object'),
    "not_a_list": ("「{label}」应为列表", '"{label}" must be a list'),
    "unknown_field": ("未知字段", "unknown field"),
    "required": ("「{label}」为必填项", '"{label}" is required'),
    "wrong_type": ("「{label}」应为{expected}", '"{label}" must be {expected_en}'),
    "too_short": ("「{label}」至少 {limit} 个字符", '"{label}" needs at least {limit} characters'),
    "too_long": ("「{label}」最多 {limit} 个字符", '"{label}" allows at most {limit} characters'),
    "pattern": ("「{label}」格式不正确", '"{label}" is not in the expected format'),
    "not_integer": ("「{label}」应为整数", '"{label}" must be a whole number'),
    "too_small": ("「{label}」不能小于 {limit}", '"{label}" must be at least {limit}'),
    "too_large": ("「{label}」不能大于 {limit}", '"{label}" must be at most {limit}'),
    "invalid_date": (
        "「{label}」不是有效日期（YYYY-MM-DD）",
        '"{label}" is not a date (YYYY-MM-DD)',
    ),
    "invalid_choice": (
        "「{label}」不是可选项：{value}",
        '"{label}" is not one of the options: {value}',
    ),
    "duplicate_choice": ("「{label}」重复选择：{value}", '"{label}" repeats the option {value}'),
    "too_few": ("「{label}」至少需要 {limit} 项", '"{label}" needs at least {limit} entries'),
    "too_many": ("「{label}」最多 {limit} 项", '"{label}" allows at most {limit} entries'),
    "invalid_id_card": (
        "「{label}」不是有效的居民身份证号（{reason}）：{value}",
        '"{label}" is not a valid resident ID number ({reason_en}): {value}',
    ),
    "invalid_uscc": (
        "「{label}」不是有效的统一社会信用代码（{reason}）：{value}",
        '"{label}" is not a valid unified social credit code ({reason_en}): {value}',
    ),
    "invalid_mobile": (
        "「{label}」不是有效的手机号码：{value}",
        '"{label}" is not a mobile number: {value}',
    ),
    "invalid_division": (
        "「{label}」不是有效的行政区划代码：{value}",
        '"{label}" is not a division code: {value}',
    ),
    "invalid_attachment": (
        "「{label}」不是有效的附件引用",
        '"{label}" is not an attachment reference',
    ),
    "constraint": ("「{label}」{detail}", '"{label}" {detail_en}'),
}
"""Every problem code with its Chinese and English message templates. Codes are stable."""

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

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ATTACHMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/\-]{0,255}")
_DEFAULT_MAX_LENGTH = 200
_DEFAULT_MAX_ITEMS = 50
_SHOW = 40


@attrs.frozen
class Problem:
    """One problem with an application.

    Attributes:
        path: Where: field names joined by dots, rows in brackets
            (``members[1].id_number``); empty for the whole application.
        code: A stable code from ``govservice_std.forms.CODES`` (or a cross-field check's own code).
        message: What is wrong, in the language asked for; ID numbers are masked.
    """

    path: str
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        """``{"path", "code", "message"}`` for JSON output."""
        return {"path": self.path, "code": self.code, "message": self.message}


@attrs.frozen
class ValidationResult:
    """The outcome of validating one application.

    Attributes:
        problems: Every problem found, in form order.
    """

    problems: tuple[Problem, ...]

    @property
    def valid(self) -> bool:
        """Whether the application has no problems."""
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """``{"valid": …, "problems": [{"path", "code", "message"}, …]}``."""
        return {"valid": self.valid, "problems": [p.to_dict() for p in self.problems]}


@attrs.frozen
class CrossCheck:
    """A cross-field check a plugin adds to a form through ``govservice_form_checks``.

    The check runs only on applications that passed every field check, so it sees data of
    the form's shape. It returns ``(path, code, message_zh, message_en)`` tuples, one per
    problem; messages are masked before they are shown.

    Args:
        form: The id of the form it applies to.
        check: A function of the application (a mapping) returning problems.
        name: A name for error messages.
    """

    form: str
    check: Callable[[Mapping[str, Any]], Iterable[tuple[str, str, str, str]]]
    name: str = ""


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


class _Compiler:
    """Compiles one form; resolves field paths against the form's structure."""

    def __init__(self, spec: FormSpec, *, specialise: bool = True) -> None:
        self.spec = spec
        self.problems: list[DataProblem] = []
        # Specialised closures are the fast path; the generic ones stay as the reference
        # the tests compare them against.
        self.specialise = specialise

    # -- field paths in expressions -------------------------------------------------------
    def resolver(
        self, containers: Sequence[tuple[int, tuple[str, ...], Sequence[Field]]]
    ) -> Callable[[Sequence[str]], Evaluator | None]:
        """Resolve names from the innermost container (group or repeat row) outwards."""

        def resolve(parts: Sequence[str]) -> Evaluator | None:
            for depth, prefix, fields in reversed(containers):
                steps = _steps(fields, parts)
                if steps is not None:
                    return _reader(depth, (*prefix, *steps[0]), steps[1])
            return None

        return resolve

    def rule(self, source: str | None, where: str, containers: Sequence[Any]) -> Evaluator | None:
        if source is None:
            return None
        try:
            return compile_expression(source, self.resolver(containers))
        except ExpressionError as exc:
            self.problems.append(DataProblem(where, str(exc)))
            return None

    # -- fields ---------------------------------------------------------------------------
    def fields(
        self,
        fields: Sequence[Field],
        where: str,
        containers: list[tuple[int, tuple[str, ...], Sequence[Field]]],
    ) -> tuple[_Check, ...]:
        return tuple(self.field(f, f"{where}[{i}]", containers) for i, f in enumerate(fields))

    def field(
        self,
        spec: Field,
        where: str,
        containers: list[tuple[int, tuple[str, ...], Sequence[Field]]],
    ) -> _Check:
        name = spec.name
        required = spec.required
        required_if = self.rule(spec.required_if, f"{where}.required_if", containers)
        relevant = self.rule(spec.relevant, f"{where}.relevant", containers)
        constraint = self.rule(spec.constraint, f"{where}.constraint", containers)
        children: tuple[_Check, ...] | None = None
        if spec.type is FieldType.GROUP:
            depth, prefix, _ = containers[-1]
            inner = [*containers, (depth, (*prefix, spec.name), spec.fields)]
            children = self.fields(spec.fields, f"{where}.fields", inner)
            value_check = _object_check(spec, children, own=spec.name)
        elif spec.type is FieldType.REPEAT:
            # Rows are new scopes: a name resolves in the row first.
            inner = [*containers, (_scope_depth(containers) + 1, (), spec.fields)]
            children = self.fields(spec.fields, f"{where}.fields", inner)
            value_check = _repeat_check(spec, _object_check(spec, children, own=""))
        else:
            value_check = _SCALARS[spec.type](spec)
        no_params: dict[str, str] = {}

        if self.specialise:
            fast = _specialised(
                spec,
                value_check,
                relevant=relevant,
                required_if=required_if,
                constraint=constraint,
                children=children,
            )
            if fast is not None:
                return fast

        if relevant is None and required_if is None and constraint is None:

            def simple(
                container: Mapping[str, Any], prefix: str, ctx: Context, out: list[_Raw]
            ) -> None:
                value = container.get(name)
                kind = value.__class__
                if (
                    value is None
                    or (kind is str and (not value or value.isspace()))
                    or ((kind is list or kind is dict) and not value)
                ):
                    if required:
                        out.append((prefix + name, "required", spec, no_params))
                    return
                if kind is not str and isinstance(value, str):
                    simple({name: str.__str__(value)}, prefix, ctx, out)
                    return
                value_check(value, prefix, ctx, out)

            return simple

        def check(container: Mapping[str, Any], prefix: str, ctx: Context, out: list[_Raw]) -> None:
            value = container.get(name)
            if relevant is not None and not truthy(relevant(ctx)):
                return
            value = _plain_text(value)
            if _empty(value):
                if required or (required_if is not None and truthy(required_if(ctx))):
                    out.append((prefix + name, "required", spec, no_params))
                return
            before = len(out)
            value_check(value, prefix, ctx, out)
            if constraint is not None and len(out) == before:
                ctx.current = value
                verdict = constraint(ctx)
                ctx.current = None
                if verdict is not None and not truthy(verdict):
                    out.append((prefix + name, "constraint", spec, no_params))

        return check


def _scope_depth(containers: Sequence[tuple[int, tuple[str, ...], Sequence[Field]]]) -> int:
    return max(depth for depth, _, _ in containers)


def _steps(
    fields: Sequence[Field], parts: Sequence[str]
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]] | None:
    """Match a dotted path against declared fields.

    Returns the keys to follow before the first repeat, and for each repeat crossed the
    keys to follow inside its rows (the value becomes a list); ``None`` if no such field.
    """
    keys: list[str] = []
    segments: list[tuple[str, ...]] = []
    current = fields
    for part in parts:
        match = next((f for f in current if f.name == part), None)
        if match is None:
            return None
        keys.append(part)
        current = match.fields
        if match.type is FieldType.REPEAT:
            segments.append(tuple(keys))
            keys = []
    if segments:
        # A path that ends at a repeat means its list of rows itself (``count(members)``).
        if keys:
            segments.append(tuple(keys))
        return segments[0], tuple(segments[1:])
    return tuple(keys), ()


def _follow(value: object, keys: Sequence[str]) -> object:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _reader(depth: int, keys: tuple[str, ...], across: tuple[tuple[str, ...], ...]) -> Evaluator:
    if not across and len(keys) == 1:
        return field_reader(depth, keys[0])
    if not across:

        def read(ctx: Context) -> object:
            return _follow(ctx.scopes[depth], keys)

        return read

    if len(keys) == 1 and len(across) == 1 and len(across[0]) == 1:
        # ``members.income``: one key of each row of a repeat that is a field of the scope,
        # the common case, read in one loop (what :func:`_gather` gives). A plain loop: a
        # comprehension builds a function object per call, which costs more than the few
        # rows of a repeat.
        (key,), ((column,),) = keys, across

        def read_column(ctx: Context) -> object:
            scope = ctx.scopes[depth]
            rows = scope.get(key) if isinstance(scope, dict) else None
            values: list[object] = []
            if isinstance(rows, list):
                for row in rows:
                    values.append(row.get(column) if isinstance(row, dict) else None)  # noqa: PERF401
            return values

        return read_column

    def read_many(ctx: Context) -> object:
        return _gather(ctx.scopes[depth], keys, across)

    return read_many


def _gather(
    scope: object, keys: tuple[str, ...], across: tuple[tuple[str, ...], ...]
) -> list[object]:
    """The values at ``keys``, then ``across`` each repeat's rows, as one flat list."""
    values: list[object] = [_follow(scope, keys)]
    for segment in across:
        nxt: list[object] = []
        for rows in values:
            if isinstance(rows, list):
                nxt.extend(_follow(row, segment) for row in rows)
        values = nxt
    return values


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


def _fused_text(spec: Field) -> _Check:
    name, required, wrong = spec.name, spec.required, _wrong("text")
    low = spec.min_length
    high = spec.max_length if spec.max_length is not None else _DEFAULT_MAX_LENGTH

    def text(container: Mapping[str, Any], prefix: str, _ctx: Context, out: list[_Raw]) -> None:
        value = container.get(name)
        if value.__class__ is str:
            if value and not value.isspace():
                size = len(value)
                if size > high:
                    out.append((prefix + name, "too_long", spec, {"limit": str(high)}))
                elif low is not None and size < low:
                    out.append((prefix + name, "too_short", spec, {"limit": str(low)}))
                return
        elif _junk(value):
            if isinstance(value, str):
                text({name: str.__str__(value)}, prefix, _ctx, out)
                return
            out.append((prefix + name, "wrong_type", spec, wrong))
            return
        if required:
            out.append((prefix + name, "required", spec, {}))

    return text


def _fused_identifier(spec: Field) -> _Check:
    name, required, wrong = spec.name, spec.required, _wrong("text")
    code, check_value = (
        # No cache of verdicts per ID number: the library keeps no citizen's ID number
        # beyond the call that checks it.
        ("invalid_id_card", _id_card_on_day)
        if spec.type is FieldType.ID_CARD
        else ("invalid_mobile", _mobile_any_day)
    )

    def identifier(
        container: Mapping[str, Any], prefix: str, _ctx: Context, out: list[_Raw]
    ) -> None:
        value = container.get(name)
        if value.__class__ is str:
            # A well-formed number, the usual case, is never blank: check it first, and tell a
            # blank value (required) from a wrong one only after. Both checks reject a string
            # of the wrong length at once (an ID number by its length, a mobile number within
            # its first fourteen characters), so a huge one costs nothing.
            reason = check_value(value, _ctx)
            if reason is None:
                return
            if value and not value.isspace():
                params = {"value": _show(value), "reason": reason}
                out.append((prefix + name, code, spec, params))
                return
        elif _junk(value):
            if isinstance(value, str):
                identifier({name: str.__str__(value)}, prefix, _ctx, out)
                return
            out.append((prefix + name, "wrong_type", spec, wrong))
            return
        if required:
            out.append((prefix + name, "required", spec, {}))

    return identifier


def _fused_choice(spec: Field) -> _Check:
    name, required = spec.name, spec.required
    allowed = frozenset(c.value for c in spec.choices)

    def choice(container: Mapping[str, Any], prefix: str, _ctx: Context, out: list[_Raw]) -> None:
        value = container.get(name)
        if value.__class__ is str:
            if value in allowed:
                return
            if value and not value.isspace():
                out.append((prefix + name, "invalid_choice", spec, {"value": _show(value)}))
                return
        elif _junk(value):
            if isinstance(value, str):
                choice({name: str.__str__(value)}, prefix, _ctx, out)
                return
            out.append((prefix + name, "invalid_choice", spec, {"value": _show(value)}))
            return
        if required:
            out.append((prefix + name, "required", spec, {}))

    return choice


def _fused_scalar(spec: Field) -> _Check:
    """Numbers and yes/no: a string here is always the wrong type (or empty).

    The usual value passes with one test: a yes/no, or a whole number within the bounds (a
    missing bound is infinite, which every whole number is within). Anything else takes
    the full path (``rest``).
    """
    name, required = spec.name, spec.required
    value_check = _SCALARS[spec.type](spec)

    def rest(value: Any, prefix: str, ctx: Context, out: list[_Raw]) -> None:
        value = _plain_text(value)
        kind = value.__class__
        if kind is int or kind is float or kind is bool:
            value_check(value, prefix, ctx, out)
        elif value is None or (kind is str and (not value or value.isspace())) or not _junk(value):
            if required:
                out.append((prefix + name, "required", spec, {}))
        else:
            value_check(value, prefix, ctx, out)

    if spec.type is FieldType.BOOLEAN:

        def yes_no(
            container: Mapping[str, Any], prefix: str, ctx: Context, out: list[_Raw]
        ) -> None:
            value = container.get(name)
            if value.__class__ is not bool:
                rest(value, prefix, ctx, out)

        return yes_no

    low = -math.inf if spec.minimum is None else spec.minimum
    high = math.inf if spec.maximum is None else spec.maximum

    def number(container: Mapping[str, Any], prefix: str, ctx: Context, out: list[_Raw]) -> None:
        value: Any = container.get(name)
        if value.__class__ is not int or not low <= value <= high:
            rest(value, prefix, ctx, out)

    return number


def _fused_division(spec: Field) -> _Check:
    """A division code: a known one passes with one cached test; anything else as usual."""
    name, required = spec.name, spec.required
    value_check = _division(spec)

    def division(container: Mapping[str, Any], prefix: str, ctx: Context, out: list[_Raw]) -> None:
        value: Any = container.get(name)
        kind = value.__class__
        if kind is str and len(value) <= 12 and _division_ok(value):
            return
        if (
            value is None
            or (kind is str and (not value or value.isspace()))
            or ((kind is list or kind is dict) and not value)
        ):
            if required:
                out.append((prefix + name, "required", spec, {}))
            return
        if kind is not str and isinstance(value, str):
            division({name: str.__str__(value)}, prefix, ctx, out)
            return
        value_check(value, prefix, ctx, out)

    return division


_FUSED: dict[FieldType, Callable[[Field], _Check]] = {
    FieldType.TEXT: _fused_text,
    FieldType.ADDRESS: _fused_text,
    FieldType.ID_CARD: _fused_identifier,
    FieldType.MOBILE: _fused_identifier,
    FieldType.CHOICE: _fused_choice,
    FieldType.NUMBER: _fused_scalar,
    FieldType.BOOLEAN: _fused_scalar,
    FieldType.DIVISION: _fused_division,
}


_SCALARS: dict[FieldType, Callable[[Field], _ScalarCheck]] = {
    FieldType.TEXT: _text,
    FieldType.ADDRESS: _text,
    FieldType.NUMBER: _number,
    FieldType.BOOLEAN: _boolean,
    FieldType.DATE: _date,
    FieldType.CHOICE: _choice,
    FieldType.MULTI_CHOICE: _multi_choice,
    FieldType.ID_CARD: _identifier("invalid_id_card", _id_card_on_day, upper=False),
    FieldType.USCC: _identifier("invalid_uscc", _uscc_any_day, upper=True),
    FieldType.MOBILE: _identifier("invalid_mobile", _mobile_any_day, upper=False),
    FieldType.DIVISION: _division,
    FieldType.ATTACHMENT: _attachment,
}


def _render(raw: _Raw, lang: Lang) -> Problem:
    path, code, spec, params = raw
    zh, en = CODES[code]
    english = lang == "en"
    values = dict(params)
    if spec is None:
        values["label"] = "application" if english else "申请表"
    else:
        values["label"] = (spec.label_en or spec.name) if english else spec.label
    reason = params.get("reason")
    if reason is not None:
        values["reason"], values["reason_en"] = _REASONS.get(reason, (reason, reason))
    if code == "constraint" and spec is not None:
        values["detail"] = spec.constraint_message or "不符合要求"
        values["detail_en"] = spec.constraint_message_en or "does not meet the requirement"
    template = en if english else zh
    return Problem(mask_ids(path), code, mask_ids(template.format_map(values)))


_VALID = ValidationResult(())
"""The result of every valid application (results are immutable, so one serves all)."""


class CompiledForm:
    """A form compiled for validation. Build one with :func:`compile_form`.

    Validation is thread-safe: all per-application state lives in the call.

    Attributes:
        spec: The form's specification.
        checks: Cross-field checks run after the field checks pass.
    """

    def __init__(
        self,
        spec: FormSpec,
        root: Callable[[Any, str, Context, list[_Raw]], None],
        checks: Sequence[CrossCheck] = (),
    ) -> None:
        self.spec = spec
        self._root = root
        self.checks: tuple[CrossCheck, ...] = tuple(checks)

    @property
    def id(self) -> str:
        """The form's id."""
        return self.spec.id

    def with_checks(self, checks: Iterable[CrossCheck]) -> CompiledForm:
        """This form with more cross-field checks (the compiled fields are shared)."""
        return CompiledForm(self.spec, self._root, (*self.checks, *checks))

    def is_valid(self, application: object, *, today: dt.date | None = None) -> bool:
        """Whether the application has no problems (faster than building messages)."""
        raw: list[_Raw] = []
        self._root(application, "", Context(application, None, today), raw)
        if raw:
            return False
        return not any(True for _ in self._cross(application))

    def validate(
        self, application: object, *, lang: Lang = "zh", today: dt.date | None = None
    ) -> ValidationResult:
        """Check an application and report every problem.

        Args:
            application: The decoded application (normally a dict from JSON). Anything is
                accepted: a non-object is itself a problem.
            lang: ``"zh"`` for Chinese messages, ``"en"`` for English.
            today: The date rules such as ``age()`` and ``today()`` use (default: today in
                China).

        Returns:
            The problems found, in form order.

        Raises:
            PluginError: Only if a plugin's cross-field check itself fails.
        """
        raw: list[_Raw] = []
        self._root(application, "", Context(application, None, today), raw)
        if raw:
            return ValidationResult(tuple([_render(r, lang) for r in raw]))
        if not self.checks:
            return _VALID
        problems = [
            Problem(mask_ids(path), code, mask_ids(en if lang == "en" and en else zh))
            for path, code, zh, en in self._cross(application)
        ]
        return ValidationResult(tuple(problems)) if problems else _VALID

    def _cross(self, application: object) -> Iterable[tuple[str, str, str, str]]:
        if not self.checks or not isinstance(application, dict):
            return
        for check in self.checks:
            yield from check.check(application)


def compile_form(spec: FormSpec, *, source: str | None = None) -> CompiledForm:
    """Compile a form: every rule is parsed and every field check built, once.

    Args:
        spec: The form.
        source: A name for the form (its file) in error messages.

    Raises:
        InvalidDataError: If a rule does not parse or names an unknown field; every such
            problem is listed with the field's path (``fields[2].relevant``).
    """
    return _compile(spec, source=source)


def _compile(spec: FormSpec, *, source: str | None = None, specialise: bool = True) -> CompiledForm:
    """:func:`compile_form`; ``specialise=False`` builds the generic reference closures."""
    compiler = _Compiler(spec, specialise=specialise)
    containers: list[tuple[int, tuple[str, ...], Sequence[Field]]] = [(0, (), spec.fields)]
    children = compiler.fields(spec.fields, "fields", containers)
    if compiler.problems:
        raise InvalidDataError(compiler.problems, source=source)
    root_names = frozenset(f.name for f in spec.fields)

    def root(value: Any, _path: str, ctx: Context, out: list[_Raw]) -> None:
        if not isinstance(value, dict):
            out.append(("", "not_an_object", None, {}))
            return
        for child in children:
            child(value, "", ctx, out)
        if not root_names.issuperset(value):
            out.extend(
                (_key(key), "unknown_field", None, {}) for key in value if key not in root_names
            )

    return CompiledForm(spec, root)
