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
from typing import Any

import attrs

from govservice_std.divisions import DivisionCode
from govservice_std.errors import DataProblem, InvalidDataError
from govservice_std.forms._checks import (
    _REASONS,
    _Check,
    _empty,
    _key,
    _multi_choice,
    _object_check,
    _plain_text,
    _Raw,
    _repeat_check,
    _ScalarCheck,
    _show,
)
from govservice_std.forms._fused import _SCALARS, _specialised
from govservice_std.forms.expr import (
    Context,
    Evaluator,
    ExpressionError,
    Resolver,
    _equal,
    compile_expression,
    field_reader,
    truthy,
)
from govservice_std.forms.identifiers import mask_ids
from govservice_std.forms.spec import CHOICE_SOURCES, Choice, Field, FieldType, FormSpec

__all__ = [
    "CODES",
    "CompiledForm",
    "CrossCheck",
    "Lang",
    "Problem",
    "ValidationResult",
    "compile_form",
]


Lang = str
"""A message language: ``"zh"`` (简体中文, the default), ``"en"``, or a further language the
form declares in :attr:`FormSpec.languages <govservice_std.forms.spec.FormSpec.languages>`."""


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
    "invalid_datetime": (
        "「{label}」不是有效的日期时间（YYYY-MM-DDTHH:MM[:SS][+08:00]）",
        '"{label}" is not a date and time (YYYY-MM-DDTHH:MM[:SS][+08:00])',
    ),
    "invalid_time": (
        "「{label}」不是有效的时间（HH:MM[:SS]）",
        '"{label}" is not a time of day (HH:MM[:SS])',
    ),
    "calculated": (
        "「{label}」由表单计算得出，应为 {value}",
        '"{label}" is calculated by the form and must be {value}',
    ),
    "read_only": ("「{label}」不可修改", '"{label}" cannot be changed'),
    "filtered_choice": (
        "「{label}」与前面的回答不符，不可选择：{value}",
        '"{label}" is not offered for the earlier answer: {value}',
    ),
    "wrong_count": ("「{label}」应有 {limit} 项", '"{label}" needs exactly {limit} entries'),
    "constraint": ("「{label}」{detail}", '"{label}" {detail_en}'),
}
"""Every problem code with its Chinese and English message templates. Codes are stable."""


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
        version: The version of the form the application was checked against.
    """

    problems: tuple[Problem, ...]
    version: str = ""

    @property
    def valid(self) -> bool:
        """Whether the application has no problems."""
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """``{"valid": …, "version": …, "problems": [{"path", "code", "message"}, …]}``."""
        return {
            "valid": self.valid,
            "version": self.version,
            "problems": [p.to_dict() for p in self.problems],
        }


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


_Containers = list[tuple[int, tuple[str, ...], Sequence[Field]]]


@attrs.frozen
class _Options:
    """The options of a choice field, as compiled: the full list and how to filter it."""

    choices: tuple[Choice, ...] | None
    """Every option, or ``None`` for a division source the locality has no data for."""
    level: str | None
    """For a division source, the level whose codes are options."""
    offered: Evaluator | None
    """The compiled ``choice_filter``, or ``None``."""


class _Compiler:
    """Compiles one form; resolves field paths against the form's structure."""

    def __init__(
        self,
        spec: FormSpec,
        *,
        specialise: bool = True,
        choice_sources: Mapping[str, Sequence[Choice]] | None = None,
    ) -> None:
        self.spec = spec
        self.problems: list[DataProblem] = []
        # Specialised closures are the fast path; the generic ones stay as the reference
        # the tests compare them against.
        self.specialise = specialise
        self.choice_sources = choice_sources
        # Each field's containers (as :meth:`field` sees them) and its place in the spec,
        # so that a rule naming a calculated or defaulted field can read its value.
        self.scopes: dict[int, tuple[_Containers, str]] = {}
        self.derived_values: dict[int, Evaluator] = {}
        self.deriving: set[int] = set()
        self.calculations: dict[int, Evaluator | None] = {}
        self.options: dict[str, _Options] = {}
        self._index(spec.fields, "fields", [(0, (), spec.fields)])

    def _index(self, fields: Sequence[Field], where: str, containers: _Containers) -> None:
        for i, field in enumerate(fields):
            self.scopes[id(field)] = (containers, f"{where}[{i}]")
            if field.type is FieldType.GROUP:
                depth, prefix, _ = containers[-1]
                inner = [*containers, (depth, (*prefix, field.name), field.fields)]
                self._index(field.fields, f"{where}[{i}].fields", inner)
            elif field.type is FieldType.REPEAT:
                inner = [*containers, (_scope_depth(containers) + 1, (), field.fields)]
                self._index(field.fields, f"{where}[{i}].fields", inner)

    # -- field paths in expressions -------------------------------------------------------
    def resolver(
        self, containers: Sequence[tuple[int, tuple[str, ...], Sequence[Field]]]
    ) -> Resolver:
        """Resolve names from the innermost container (group or repeat row) outwards."""

        def resolve(parts: Sequence[str]) -> Evaluator | None:
            for depth, prefix, fields in reversed(containers):
                steps = _steps(fields, parts)
                if steps is not None:
                    target = _target(fields, parts)
                    if target is not None and _derives(target):
                        return self.derived(target, depth, (*prefix, *steps[0]), steps[1])
                    return _reader(depth, (*prefix, *steps[0]), steps[1])
            return None

        return resolve

    def derived(
        self, target: Field, depth: int, keys: tuple[str, ...], across: tuple[tuple[str, ...], ...]
    ) -> Evaluator:
        """A reader of a calculated or defaulted field's value, as its own check sees it."""
        value = self.value_of(target)
        if not across:
            return value
        if len(across) > 1:
            raise ExpressionError(
                f"{target.name!r} is calculated or has a default and lies more than one "
                "repeat deep: name it from within its repeat",
                target.name,
                0,
            )
        row_depth = depth + 1

        def read_rows(ctx: Context) -> object:
            rows = _follow(ctx.scopes[depth], keys)
            if not isinstance(rows, list):
                return []
            scopes = ctx.scopes
            saved = scopes[row_depth:]
            del scopes[row_depth:]
            values: list[object] = []
            try:
                for row in rows:
                    scopes.append(row)
                    try:
                        values.append(value(ctx) if isinstance(row, dict) else None)
                    finally:
                        scopes.pop()
            finally:
                scopes.extend(saved)
            return values

        return read_rows

    def value_of(self, field: Field) -> Evaluator:
        """The effective value of a calculated or defaulted field, read in its own scope."""
        key = id(field)
        found = self.derived_values.get(key)
        if found is not None:
            return found
        containers, _ = self.scopes[key]
        depth, prefix, _ = containers[-1]
        raw = _reader(depth, (*prefix, field.name), ())
        if field.calculate is not None:
            calc = self.calculation(field)

            def calculated(ctx: Context) -> object:
                return calc(ctx) if calc is not None else None

            value: Evaluator = calculated
        else:
            default = field.default

            def defaulted(ctx: Context) -> object:
                got = _plain_text(raw(ctx))
                return default if _empty(got) else got

            value = defaulted
        self.derived_values[key] = value
        return value

    def calculation(self, field: Field) -> Evaluator | None:
        """The compiled ``calculate`` of a field (once), its result fitted to the field."""
        key = id(field)
        if key in self.calculations:
            return self.calculations[key]
        if key in self.deriving:
            raise ExpressionError(
                f"the calculation of {field.name!r} depends on itself", field.calculate or "", 0
            )
        containers, where = self.scopes[key]
        self.deriving.add(key)
        try:
            inner = compile_expression(field.calculate or "", self.resolver(containers))
        except ExpressionError as exc:
            if self.deriving == {key}:
                self.problems.append(DataProblem(f"{where}.calculate", str(exc)))
                self.calculations[key] = None
                return None
            raise
        finally:
            self.deriving.discard(key)
        fit = _fit(field)

        def calc(ctx: Context) -> object:
            # ``.`` means nothing in a calculation: it never sees another field's value.
            current = ctx.current
            ctx.current = None
            try:
                return fit(inner(ctx))
            finally:
                ctx.current = current

        self.calculations[key] = calc
        return calc

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

    def field(  # noqa: PLR0915 - the reference closure, one branch per rule
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
        elif spec.choice_source is not None or spec.choice_filter is not None:
            value_check, unfiltered = self.choice_check(spec, where, containers)
        else:
            value_check = _SCALARS[spec.type](spec)
        if spec.type.container or (spec.choice_source is None and spec.choice_filter is None):
            unfiltered = value_check
        no_params: dict[str, str] = {}
        extended = _extended(spec)
        calc = self.calculation(spec) if spec.calculate is not None else None
        count = self.rule(spec.repeat_count, f"{where}.repeat_count", containers)
        default = spec.default
        read_only = spec.read_only
        if default is not None:
            found: list[_Raw] = []
            # Whether the default is offered depends on the answers: not checked here.
            unfiltered(default, "", Context({}, None, _ANY_DAY), found)
            if found:
                shown = _render(found[0], "en", None).message
                self.problems.append(DataProblem(f"{where}.default", f"not a valid value: {shown}"))

        if self.specialise and not extended:
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

        if relevant is None and required_if is None and constraint is None and not extended:

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

        def check(  # noqa: PLR0912 - one branch per rule
            container: Mapping[str, Any], prefix: str, ctx: Context, out: list[_Raw]
        ) -> None:
            value = container.get(name)
            if relevant is not None and not truthy(relevant(ctx)):
                return
            value = _plain_text(value)
            if calc is not None:
                expected = calc(ctx)
                if expected is not None:
                    if not _empty(value) and not _equal(value, expected):
                        out.append((prefix + name, "calculated", spec, {"value": _shown(expected)}))
                        return
                    value = expected
            elif read_only:
                if not _empty(value) and (default is None or not _equal(value, default)):
                    out.append((prefix + name, "read_only", spec, no_params))
                    return
                value = default
            elif default is not None and _empty(value):
                value = default
            if _empty(value):
                if required or (required_if is not None and truthy(required_if(ctx))):
                    out.append((prefix + name, "required", spec, no_params))
                return
            before = len(out)
            value_check(value, prefix, ctx, out)
            if count is not None and len(out) == before and isinstance(value, list):
                wanted = count(ctx)
                if (
                    _is_number(wanted)
                    and wanted == int(wanted)
                    and 0 <= wanted <= _MAX_COUNT
                    and len(value) != wanted
                ):
                    out.append((prefix + name, "wrong_count", spec, {"limit": str(int(wanted))}))
            if constraint is not None and len(out) == before:
                ctx.current = value
                verdict = constraint(ctx)
                ctx.current = None
                if verdict is not None and not truthy(verdict):
                    out.append((prefix + name, "constraint", spec, no_params))

        return check

    def choice_check(
        self, spec: Field, where: str, containers: _Containers
    ) -> tuple[_ScalarCheck, _ScalarCheck]:
        """The value check of a choice field with a built-in source or a choice filter.

        Returns the check, and the same check without the filter (for the default).
        """
        name = spec.name
        level: str | None = None
        choices: tuple[Choice, ...] | None = spec.choices
        if spec.choice_source is not None:
            level = CHOICE_SOURCES[spec.choice_source]
            given = (self.choice_sources or {}).get(spec.choice_source)
            choices = tuple(given) if given else None
        offered = self.rule(spec.choice_filter, f"{where}.choice_filter", containers)
        path = next(p for p, f in self.spec.walk() if f is spec)
        self.options[path] = _Options(choices, level, offered)
        parents = {c.value: c.parent for c in choices} if choices is not None else None
        base = _multi_choice(spec) if spec.type is FieldType.MULTI_CHOICE else None

        def parent_of(value: str) -> str | None:
            if parents is not None:
                return parents.get(value)
            return _division_parent(value, level)

        def build(filtered: Evaluator | None) -> _ScalarCheck:
            def one(value: Any, at: str, ctx: Context, out: list[_Raw]) -> None:
                if not isinstance(value, str) or parent_of(value) is None:
                    out.append((at, "invalid_choice", spec, {"value": _show(value)}))
                    return
                if filtered is not None and not _offers(filtered(ctx), parent_of(value)):
                    out.append((at, "filtered_choice", spec, {"value": _show(value)}))

            def check(value: Any, prefix: str, ctx: Context, out: list[_Raw]) -> None:
                if base is None:
                    one(value, prefix + name, ctx, out)
                    return
                before = len(out)
                base(value, prefix, ctx, out)
                if len(out) == before:
                    for index, item in enumerate(value):
                        one(item, f"{prefix}{name}[{index}]", ctx, out)

            return check

        return build(offered), build(None)


_MAX_COUNT = 10_000
_MAX_ROWS = 1000

# Validating a default when the form is compiled: no ID number's birth date is "future".
_ANY_DAY = dt.date(9999, 12, 31)


def _shown(value: object) -> str:
    """A calculated value in a message: a number as written, anything else as usual."""
    if _is_number(value) and abs(value) < 1e15:  # type: ignore[arg-type]
        return f"{value:g}" if isinstance(value, float) else str(value)
    return _show(value)


def _extended(spec: Field) -> bool:
    """Whether a field uses a rule the fast path does not know (it takes the reference)."""
    return (
        spec.calculate is not None
        or spec.default is not None
        or spec.read_only
        or spec.choice_source is not None
        or spec.choice_filter is not None
        or spec.repeat_count is not None
    )


def _derives(field: Field) -> bool:
    return field.calculate is not None or field.default is not None


def _target(fields: Sequence[Field], parts: Sequence[str]) -> Field | None:
    current: Sequence[Field] = fields
    match: Field | None = None
    for part in parts:
        match = next((f for f in current if f.name == part), None)
        if match is None:
            return None
        current = match.fields
    return match


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _tidy(value: object) -> object:
    """A calculated fraction to 15 significant digits, so ``0.1 + 0.2`` is ``0.3``.

    Binary fractions carry noise in their last digits; a person who adds 0.1 and 0.2 writes
    0.3, and the form must agree with them.

    >>> _tidy(0.1 + 0.2), _tidy(2), _tidy("x")
    (0.3, 2, 'x')
    """
    if value.__class__ is float and _is_number(value):
        return float(f"{value:.15g}")
    return value


def _fit(field: Field) -> Callable[[object], object]:
    """Fit a calculation's result to its field: a number becomes text for a text field."""
    if field.type in (FieldType.TEXT, FieldType.ADDRESS):

        def as_text(value: object) -> object:
            value = _tidy(value)
            if _is_number(value):
                number: Any = value
                return str(int(number)) if number == int(number) else repr(float(number))
            return value

        return as_text
    return _tidy


def _division_parent(value: str, level: str | None) -> str | None:
    """The parent code of a division code at ``level``, or ``None`` if it is not one."""
    try:
        code = DivisionCode(value)
    except (ValueError, TypeError):
        return None
    if code.level.value != level or code.parent is None:
        return None
    return code.parent.value


def _offers(filtered: object, parent: str | None) -> bool:
    """Whether a choice filter's value offers an option with this parent."""
    if parent is None:
        return False
    if isinstance(filtered, str):
        return str.__eq__(filtered, parent)
    if isinstance(filtered, list):
        return any(isinstance(f, str) and str.__eq__(f, parent) for f in filtered)
    return False


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


def _render(raw: _Raw, lang: Lang, form: FormSpec | None) -> Problem:
    path, code, spec, params = raw
    zh, en = CODES[code]
    chinese = lang == "zh"
    values = dict(params)
    if spec is None:
        values["label"] = "申请表" if chinese else "application"
    else:
        values["label"] = spec.label_in(lang)
    reason = params.get("reason")
    if reason is not None:
        values["reason"], values["reason_en"] = _REASONS.get(reason, (reason, reason))
    if code == "constraint" and spec is not None:
        values["detail"] = spec.constraint_message or "不符合要求"
        values["detail_en"] = (
            spec.constraint_messages.get(lang)
            or spec.constraint_message_en
            or "does not meet the requirement"
        )
    template = zh if chinese else en
    if not chinese and lang != "en" and form is not None:
        template = form.messages.get(lang, {}).get(code, en)
    return Problem(mask_ids(path), code, mask_ids(template.format_map(_Blank(values))))


class _Blank(dict[str, str]):
    """Parameters for a message template: a name a form's own template misspells is blank."""

    def __missing__(self, key: str) -> str:
        return ""


_ROW = re.compile(r"\[\d+\]")


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
        *,
        compiler: _Compiler | None = None,
    ) -> None:
        self.spec = spec
        self._root = root
        self.checks: tuple[CrossCheck, ...] = tuple(checks)
        self._compiler = compiler
        # The result of every valid application (results are immutable, so one serves all).
        self._valid = ValidationResult((), spec.version)

    @property
    def version(self) -> str:
        """The form's version, carried by every :class:`ValidationResult`."""
        return self.spec.version

    @property
    def id(self) -> str:
        """The form's id."""
        return self.spec.id

    def with_checks(self, checks: Iterable[CrossCheck]) -> CompiledForm:
        """This form with more cross-field checks (the compiled fields are shared)."""
        return CompiledForm(self.spec, self._root, (*self.checks, *checks), compiler=self._compiler)

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
            lang: ``"zh"`` for Chinese messages, ``"en"`` for English, or a further
                language the form declares (its labels and message templates; English
                where it gives none).
            today: The date rules such as ``age()`` and ``today()`` use (default: today in
                China).

        Returns:
            The problems found, in form order, and the form's version.

        Raises:
            ValueError: If the form does not declare ``lang``.
            PluginError: Only if a plugin's cross-field check itself fails.
        """
        raw: list[_Raw] = []
        self._root(application, "", Context(application, None, today), raw)
        if raw:
            if lang not in self.spec.languages:
                raise ValueError(f"form {self.spec.id!r} does not declare language {lang!r}")
            spec = self.spec
            return ValidationResult(tuple([_render(r, lang, spec) for r in raw]), spec.version)
        if not self.checks:
            return self._valid
        problems = [
            Problem(mask_ids(path), code, mask_ids(zh if lang == "zh" or not en else en))
            for path, code, zh, en in self._cross(application)
        ]
        return ValidationResult(tuple(problems), self.spec.version) if problems else self._valid

    def calculate(self, application: object, *, today: dt.date | None = None) -> dict[str, Any]:
        """The values of the form's calculated fields for an application, by field path.

        A pure function of the application and ``today``: the same inputs give the same
        values. Fields inside a repeat are listed per row (``members[1].age``); a
        calculation that cannot be made (a missing input) gives ``None``.

        >>> from govservice_std.forms.spec import Field, FormSpec
        >>> form = compile_form(FormSpec(id="d", title="示例", fields=[
        ...     Field(name="id_number", type="id_card", label="身份证号"),
        ...     Field(name="age", type="number", label="年龄", calculate="age(id_number)"),
        ... ]))
        >>> form.calculate({"id_number": "11010519491231002X"}, today=dt.date(2026, 1, 1))
        {'age': 76}
        """
        compiler = self._compiler
        out: dict[str, Any] = {}
        if compiler is None or not isinstance(application, dict):
            return out
        ctx = Context(application, None, today)

        def walk(fields: Sequence[Field], scope: object, prefix: str) -> None:
            for field in fields:
                path = prefix + field.name
                if field.calculate is not None:
                    calc = compiler.calculations.get(id(field))
                    out[path] = calc(ctx) if calc is not None else None
                value = scope.get(field.name) if isinstance(scope, dict) else None
                if field.type is FieldType.GROUP:
                    walk(field.fields, value, f"{path}.")
                elif field.type is FieldType.REPEAT and isinstance(value, list):
                    for index, row in enumerate(value[:_MAX_ROWS]):
                        ctx.scopes.append(row)
                        try:
                            walk(field.fields, row, f"{path}[{index}].")
                        finally:
                            ctx.scopes.pop()

        walk(compiler.spec.fields, application, "")
        return out

    def options(
        self, path: str, application: object = None, *, today: dt.date | None = None
    ) -> tuple[Choice, ...]:
        """The options a choice field offers, given the answers so far.

        Without an application, every option; with one, the options its ``choice_filter``
        lets through (a cascading select: the villages of the town chosen). A field with a
        built-in ``choice_source`` the locality has no data for offers none.

        Args:
            path: The field's path (``village``, ``applicant.town``; a field in a repeat
                with its row, ``members[0].relation``).
            application: The answers so far.
            today: The day rules such as ``age()`` use.

        Raises:
            KeyError: If the form has no choice field at ``path``.
        """
        pattern = _ROW.sub("[]", path)
        field = self.spec.field(pattern)
        if field.type not in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
            raise KeyError(path)
        compiled = self._compiler.options.get(pattern) if self._compiler else None
        if compiled is None:
            return field.choices
        everything = compiled.choices or ()
        if compiled.offered is None or application is None:
            return everything
        ctx = Context(application, None, today)
        scope: object = application
        for part in path.split(".")[:-1]:
            name, _, index = part.partition("[")
            scope = scope.get(name) if isinstance(scope, dict) else None
            if index:
                rows = scope if isinstance(scope, list) else []
                digits = index.rstrip("]")
                # No row (``members[]``), or more digits than any row: no answers there.
                row = int(digits) if digits and len(digits) < 19 else len(rows)
                scope = rows[row] if row < len(rows) else None
                ctx.scopes.append(scope)
        filtered = compiled.offered(ctx)
        return tuple(c for c in everything if _offers(filtered, c.parent))

    def _cross(self, application: object) -> Iterable[tuple[str, str, str, str]]:
        if not self.checks or not isinstance(application, dict):
            return
        for check in self.checks:
            yield from check.check(application)


def compile_form(
    spec: FormSpec,
    *,
    source: str | None = None,
    choice_sources: Mapping[str, Sequence[Choice]] | None = None,
) -> CompiledForm:
    """Compile a form: every rule is parsed and every field check built, once.

    Args:
        spec: The form.
        source: A name for the form (its file) in error messages.
        choice_sources: The options of the built-in choice sources (``towns`` …), as a
            locality's form library gives them. Without them, a field with a
            ``choice_source`` takes any well-formed division code of its level, and its
            ``choice_filter`` compares the code's parent.

    Raises:
        InvalidDataError: If a rule does not parse or names an unknown field; every such
            problem is listed with the field's path (``fields[2].relevant``).
    """
    return _compile(spec, source=source, choice_sources=choice_sources)


def _unshared(spec: FormSpec) -> FormSpec:
    """``spec``, or an equal copy in which no Field object appears twice."""
    seen: set[int] = set()
    shared = False
    for _path, field in spec.walk():
        shared = shared or id(field) in seen
        seen.add(id(field))
    if not shared:
        return spec

    def fresh(field: Field) -> Field:
        return attrs.evolve(field, fields=tuple(fresh(child) for child in field.fields))

    return attrs.evolve(spec, fields=tuple(fresh(field) for field in spec.fields))


def _compile(
    spec: FormSpec,
    *,
    source: str | None = None,
    specialise: bool = True,
    choice_sources: Mapping[str, Sequence[Choice]] | None = None,
) -> CompiledForm:
    """:func:`compile_form`; ``specialise=False`` builds the generic reference closures."""
    # The compiler tells fields apart by identity; a Field object used in two places (a
    # spec built in Python may do so) is compiled as two copies, one per place.
    own = _unshared(spec)
    compiler = _Compiler(own, specialise=specialise, choice_sources=choice_sources)
    containers: list[tuple[int, tuple[str, ...], Sequence[Field]]] = [(0, (), own.fields)]
    children = compiler.fields(own.fields, "fields", containers)
    for lang, templates in spec.messages.items():
        for code, template in templates.items():
            where = f"messages.{lang}.{code}"
            if code not in CODES:
                known = ", ".join(CODES)
                compiler.problems.append(DataProblem(where, f"no such problem code ({known})"))
                continue
            try:
                template.format_map(_Blank())
            except (ValueError, IndexError, KeyError, AttributeError) as exc:
                compiler.problems.append(DataProblem(where, f"not a message template: {exc}"))
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

    return CompiledForm(spec, root, compiler=compiler)
