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
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs

from govservice_std.errors import DataProblem, InvalidDataError
from govservice_std.forms._checks import (
    _REASONS,
    _Check,
    _empty,
    _key,
    _object_check,
    _plain_text,
    _Raw,
    _repeat_check,
)
from govservice_std.forms._fused import _SCALARS, _specialised
from govservice_std.forms.expr import (
    Context,
    Evaluator,
    ExpressionError,
    compile_expression,
    field_reader,
    truthy,
)
from govservice_std.forms.identifiers import mask_ids
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
