from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govservice_std.forms.expr import Context, Evaluator, ExpressionError, compile_expression
from tests.form_strategies import junk


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
    st.lists(st.integers(min_value=0, max_value=2), max_size=2),
)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _spec_equal(a: object, b: object) -> bool:
    """Equality as the expression language defines it, written out plainly."""
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    if type(a) is type(b) and (isinstance(a, str | bool) or a is None):
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
