"""The form rule language and field patterns under hostile input."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govservice_std.errors import InvalidDataError
from govservice_std.forms import compile_form
from govservice_std.forms.expr import MAX_DEPTH, Context, ExpressionError, compile_expression
from govservice_std.forms.spec import FormSpec
from govservice_std.serialization import structure


def _form(*fields: dict[str, object]) -> FormSpec:
    return structure({"id": "f", "title": "t", "version": "1", "fields": list(fields)}, FormSpec)


def _none(_path: object) -> None:
    return None


@pytest.mark.parametrize("source", ["-" * 1999 + "1", "not " * 450 + "true", "(" * 999 + "1"])
def test_deep_nesting_is_an_expression_error_at_compile(source: str) -> None:
    with pytest.raises(ExpressionError, match="nested too deeply"):
        compile_expression(source, _none)


def test_nesting_up_to_the_limit_compiles() -> None:
    rule = compile_expression("-" * (MAX_DEPTH - 1) + "1", _none)
    assert rule(Context({})) == (-1 if (MAX_DEPTH - 1) % 2 else 1)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("+".join(["1"] * 999), 999),
        ("-".join(["1"] * 999), 1 - 998),
        ("*".join(["1"] * 999), 1),
        (" or ".join(["false"] * 220) + " or true", True),
        (" and ".join(["true"] * 220), True),
        (" and ".join(["true"] * 220) + " and false", False),
    ],
)
def test_long_chains_evaluate_in_a_loop(source: str, expected: object) -> None:
    assert compile_expression(source, _none)(Context({})) == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-50, 50), min_size=2, max_size=40), st.sampled_from("+-*"))
def test_a_chain_agrees_with_python(terms: list[int], op: str) -> None:
    source = op.join(f"({t})" for t in terms)
    # Python's left-to-right fold, where a step wider than 128 bits is null from then on
    # (a product of 40 terms up to 50 can be that wide).
    expected: int | None = terms[0]
    for term in terms[1:]:
        if expected is not None:
            expected = eval(f"({expected}){op}({term})")  # noqa: S307
            expected = None if expected.bit_length() > 128 else expected
    assert compile_expression(source, _none)(Context({})) == expected
    if expected is not None:
        assert expected == eval(source)  # noqa: S307


def test_a_999_term_rule_passes_check_and_validates() -> None:
    form = compile_form(
        _form({"name": "n", "type": "number", "label": "N", "constraint": "+".join(["."] * 999)})
    )
    assert form.validate({"n": 1}).valid
    assert not form.validate({"n": "x"}).valid


def test_a_catastrophic_pattern_runs_in_linear_time() -> None:
    form = compile_form(_form({"name": "a", "type": "text", "label": "A", "pattern": "(a+)+$"}))
    started = time.perf_counter()
    result = form.validate({"a": "a" * 29 + "!"})
    # Python's backtracking engine needs minutes for this; RE2 a few microseconds.
    assert time.perf_counter() - started < 1.0
    assert [p.code for p in result.problems] == ["pattern"]
    assert form.validate({"a": "aaa"}).valid


@pytest.mark.parametrize("pattern", [r"(a)\1", "(?=a)a", "(?<!b)a", "[unclosed"])
def test_patterns_re2_cannot_run_are_refused_at_load(pattern: str) -> None:
    with pytest.raises(InvalidDataError, match=r"fields\[0\]\.pattern: not a valid regular"):
        _form({"name": "a", "type": "text", "label": "A", "pattern": pattern})


def test_python_unicode_escapes_in_patterns_still_work() -> None:
    form = compile_form(
        _form({"name": "a", "type": "text", "label": "A", "pattern": "[\\u4e00-\\u9fa5]{2,4}"})
    )
    assert form.validate({"a": "张三"}).valid
    assert not form.validate({"a": "zhang"}).valid


def test_rules_over_a_huge_value_cost_time_in_proportion_to_the_rule() -> None:
    rule = "+".join(["."] * 285) + " == 'x'"
    form = compile_form(
        _form(
            {"name": "a", "type": "text", "label": "A", "max_length": 20, "constraint": rule},
            {"name": "b", "type": "text", "label": "B", "required": False, "relevant": rule},
        )
    )
    started = time.perf_counter()
    result = form.validate({"a": "x" * 1_000_000, "b": "y" * 1_000_000})
    assert time.perf_counter() - started < 2.0
    assert "too_long" in [p.code for p in result.problems]


def test_arithmetic_on_huge_numbers_is_null_not_slow() -> None:
    rule = compile_expression("*".join(["."] * 200), _none)
    started = time.perf_counter()
    assert rule(Context({}, current=10**4000)) is None
    assert time.perf_counter() - started < 1.0
    assert rule(Context({}, current=1)) == 1
