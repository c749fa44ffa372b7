from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govservice_std.forms.expr import (
    Context,
    Evaluator,
    ExpressionError,
    compile_expression,
    field_reader,
)
from tests.form_strategies import Text, junk


def resolve(parts: Sequence[str]) -> Evaluator | None:
    if parts[0] not in ("a", "b", "rows"):
        return None

    def read(ctx: Context) -> object:
        root = ctx.scopes[0]
        value: Any = root
        for part in parts:
            value = value.get(part) if isinstance(value, dict) else None
        return value

    return read


def run(source: str, data: object = None, current: object = None) -> object:
    return compile_expression(source, resolve)(
        Context(data if data is not None else {}, current=current, today=dt.date(2026, 6, 1))
    )


@pytest.mark.parametrize(
    ("source", "data", "expected"),
    [
        ("1 + 2 * 3", None, 7),
        ("(1 + 2) * 3", None, 9),
        ("7 % 4 - -1", None, 4),
        ("'a' + 'b'", None, "ab"),
        ("1 + 'a'", None, None),
        ("1 / 0", None, None),
        ("a == 'x'", {"a": "x"}, True),
        ("a != 'x'", {"a": "x"}, False),
        ("a == 1", {"a": True}, False),
        ("a < 'b'", {"a": 1}, None),
        ("a in ['x', 'y']", {"a": "y"}, True),
        ("a not in ['x', 'y']", {"a": "z"}, True),
        ("not a", {"a": ""}, True),
        ("a and b", {"a": 1, "b": 0}, False),
        ("a or b", {"a": 0, "b": 2}, True),
        ("count(rows)", {"rows": [1, 2]}, 2),
        ("count(rows)", {"rows": "x"}, 0),
        ("sum(rows)", {"rows": [1, 2.5]}, 3.5),
        ("sum(rows)", {"rows": [1, "2"]}, None),
        ("len(a)", {"a": "abc"}, 3),
        ("empty(a)", {"a": "  "}, True),
        ("selected(a, 'x')", {"a": ["x", "y"]}, True),
        ("today()", None, "2026-06-01"),
        ("age('1990-06-02')", None, 35),
        ("age('1990-06-01')", None, 36),
        ("age('11010519491231002X')", None, 76),
        ("age('junk')", None, None),
        ("year('11010519491231002X')", None, 1949),
        ("a == null", {}, True),
    ],
)
def test_semantics(source: str, data: object, expected: object) -> None:
    assert run(source, data) == expected


def test_current_value() -> None:
    assert run(". >= 18", current=20) is True
    assert run(". >= 18", current="20") is None


@pytest.mark.parametrize(
    "source",
    [
        "",
        "a +",
        "a ==",
        "(a",
        "[1, 2",
        "nope",
        "f(1)",
        "len()",
        "len(1, 2)",
        "a.",
        "1 2",
        "'open",
        "a ! b",
        "a = b",
        "(" * 45 + "1" + ")" * 45,
        "x" * 2001,
    ],
)
def test_errors_are_expression_errors(source: str) -> None:
    with pytest.raises(ExpressionError):
        compile_expression(source, resolve)


TOKENS = st.sampled_from(
    [
        "a",
        "b",
        "rows",
        ".",
        "1",
        "2.5",
        "'x'",
        "true",
        "null",
        "==",
        "!=",
        "<",
        ">=",
        "+",
        "-",
        "*",
        "/",
        "%",
        "and",
        "or",
        "not",
        "in",
        "(",
        ")",
        "[",
        "]",
        ",",
        "len(",
        "sum(",
        "count(",
        "age(",
        "today()",
        "selected(",
        "@",
        "'",
        "zz",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    tokens=st.lists(TOKENS, max_size=12),
    data=junk(),
    current=st.one_of(st.none(), st.integers(), st.floats(), st.text(max_size=20)),
)
def test_random_expressions_never_crash(tokens: list[str], data: object, current: object) -> None:
    source = " ".join(tokens)
    try:
        evaluator = compile_expression(source, resolve)
    except ExpressionError:
        return
    context = Context(data, current=current, today=dt.date(2026, 6, 1))
    evaluator(context)  # must not raise, whatever the data


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=3),
    st.floats(min_value=-3, max_value=3),
    st.sampled_from([0.0, 1.0, float("nan"), float("inf")]),
    st.sampled_from(["", "a", "0", "true"]),
    st.sampled_from(["", "a", "0"]).map(Text),
    st.lists(st.integers(min_value=0, max_value=2), max_size=2),
)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _spec_equal(a: object, b: object) -> bool:
    """Equality as the expression language defines it, written out plainly."""
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    if isinstance(a, str) and isinstance(b, str):  # of any str class
        return str(a) == str(b)
    if type(a) is type(b) and (isinstance(a, bool) or a is None):
        return bool(a == b)
    return False


@settings(max_examples=300, deadline=None)
@given(a=_SCALARS, b=_SCALARS, rows=st.lists(_SCALARS, max_size=4))
def test_equality_and_sum_follow_the_definition(a: object, b: object, rows: list[object]) -> None:
    data = {"a": a, "b": b, "rows": rows}
    assert run("a == b", data) is _spec_equal(a, b)
    assert run("a != b", data) is (not _spec_equal(a, b))
    for literal, value in (("0", 0), ("1.5", 1.5), ("'a'", "a"), ("true", True), ("null", None)):
        assert run(f"a == {literal}", data) is _spec_equal(a, value)
    total = run("sum(rows)", data)
    if all(_is_number(r) for r in rows):
        expected = sum(rows)  # type: ignore[arg-type]
        assert total == expected or (math.isnan(expected) and math.isnan(total))  # type: ignore[arg-type]
    else:
        assert total is None


def _spec_truthy(value: object) -> bool:
    """A condition's reading of a value as the language defines it, written out plainly."""
    if isinstance(value, bool):
        return value
    return isinstance(value, int | float | str | list) and bool(value)


@settings(max_examples=200, deadline=None)
@given(a=_SCALARS, b=_SCALARS)
def test_and_or_not_follow_the_definition(a: object, b: object) -> None:
    data = {"a": a, "b": b}
    assert run("a and b", data) is (_spec_truthy(a) and _spec_truthy(b))
    assert run("a or b", data) is (_spec_truthy(a) or _spec_truthy(b))
    assert run("not a", data) is (not _spec_truthy(a))


def _plain(parts: Sequence[str]) -> Evaluator | None:
    """Like ``resolve``, and ``c`` for the current value: readers that rules cannot recognise."""
    if list(parts) == ["c"]:
        return lambda ctx: ctx.current
    return resolve(parts)


def _fields(parts: Sequence[str]) -> Evaluator | None:
    """Top-level names as :func:`field_reader` readers, which rules read inline."""
    if len(parts) == 1 and parts[0] in ("a", "b", "rows"):
        return field_reader(0, parts[0])
    return resolve(parts)


_OPERANDS = st.sampled_from(["a", "b", "rows", ".", "1", "0", "2.5", "'x'", "''", "true", "null"])
_TERMS = st.one_of(
    _OPERANDS,
    st.tuples(st.sampled_from(["len", "count", "sum", "empty", "year"]), _OPERANDS).map(
        lambda t: f"{t[0]}({t[1]})"
    ),
    st.lists(_OPERANDS, max_size=2).map(lambda items: f"[{', '.join(items)}]"),
)
# Comparisons with a literal are what rules fuse with the read, so they come up most.
_COMPARISONS = st.tuples(
    _TERMS, st.sampled_from(["==", "!=", "==", "!=", "<", ">=", "+", "-", "in", "not in"]), _TERMS
).map(" ".join)
_RULES = st.recursive(
    st.one_of(_COMPARISONS, _TERMS),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["and", "or", "==", "+"]), inner).map(" ".join),
        inner.map(lambda e: f"not ({e})"),
        inner.map(lambda e: f"({e})"),
        inner.map(lambda e: f"count({e})"),
    ),
    max_leaves=4,
)


def _same_result(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


@settings(max_examples=500, deadline=None)
@given(
    rule=_RULES,
    a=_SCALARS,
    b=_SCALARS,
    rows=st.one_of(st.lists(_SCALARS, max_size=3), _SCALARS),
    current=_SCALARS,
)
def test_inline_reads_agree_with_readers(
    rule: str, a: object, b: object, rows: object, current: object
) -> None:
    """Rules that read fields and ``.`` inline give what the same rules through readers give."""
    context = Context({"a": a, "b": b, "rows": rows}, current=current, today=dt.date(2026, 6, 1))
    try:
        fused = compile_expression(rule, _fields)
    except ExpressionError:
        return
    plain = compile_expression(rule.replace(".", "c").replace("2c5", "2.5"), _plain)
    assert _same_result(fused(context), plain(context)), rule
