"""The specialised field closures (the fast path) agree with the generic ones.

Each form is compiled twice: as the library does, and with the generic reference closures
only. On random applications, valid ones with random faults and pure junk, and on every
single change to each form's examples, both must report the same problems in the same
order, in both languages.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govservice_std import CompiledForm, FormSpec, load_registry, loads
from govservice_std.forms.expr import Context
from govservice_std.forms.validate import _compile, _gather, _reader
from tests.form_strategies import Text, id_numbers, junk
from tests.test_forms import FORM, good

TODAY = dt.date(2026, 6, 1)


# Rules on every kind of field the fast path treats apart: groups and repeats behind
# ``relevant`` or ``required_if``, and scalars with conditions and constraints.
RULES_FORM = """
id = "rules"
title = "规则"

[[fields]]
name = "mode"
type = "choice"
label = "方式"
choices = [{ value = "a", label = "甲" }, { value = "b", label = "乙" }]

[[fields]]
name = "flag"
type = "boolean"
label = "标记"
constraint = ". == true or mode == 'b'"

[[fields]]
name = "code"
type = "text"
label = "编号"
pattern = "[A-Z]{2}[0-9]{2}"
relevant = "mode != 'b'"
constraint = "len(.) == 4 and count(rows) > 0"

[[fields]]
name = "amount"
type = "number"
label = "金额"
relevant = "flag"
required = true
constraint = ". <= sum(rows.n)"

[[fields]]
name = "phone"
type = "mobile"
label = "电话"
required_if = "mode == 'a'"

[[fields]]
name = "area"
type = "division"
label = "区划"
relevant = "mode == 'a'"
constraint = "len(.) == 6"

[[fields]]
name = "owner"
type = "group"
label = "户主"
relevant = "mode == 'a'"
[[fields.fields]]
name = "id_number"
type = "id_card"
label = "身份证号"
required = true
constraint = "age(.) >= 18"
[[fields.fields]]
name = "kids"
type = "repeat"
label = "子女"
min_items = 1
max_items = 2
required_if = "mode == 'a'"
[[fields.fields.fields]]
name = "name"
type = "text"
label = "姓名"
required = true

[[fields]]
name = "rows"
type = "repeat"
label = "明细"
max_items = 3
relevant = "mode != null"
[[fields.fields]]
name = "n"
type = "number"
label = "数"
constraint = ". >= 0"
[[fields.fields]]
name = "note"
type = "text"
label = "备注"
relevant = "n"
required = true

[[fields]]
name = "others"
type = "repeat"
label = "其他"
required = true
relevant = "mode == 'b'"
[[fields.fields]]
name = "x"
type = "choice"
label = "项"
required_if = "mode == 'b'"
choices = [{ value = "p", label = "P" }]
"""

RULES_START = {
    "mode": "a",
    "flag": True,
    "code": "AB12",
    "amount": 2,
    "phone": "13800138000",
    "area": "441324",
    "owner": {"id_number": "11010519491231002X", "kids": [{"name": "甲"}]},
    "rows": [{"n": 0}, {"n": 2, "note": "注"}],
    "others": [{"x": "p"}],
}


def _pairs() -> list[tuple[str, CompiledForm, CompiledForm, list[dict[str, Any]]]]:
    spec = loads(FORM, FormSpec, format="toml")
    pairs = [("subsidy", _compile(spec), _compile(spec, specialise=False), [good()])]
    rules = loads(RULES_FORM, FormSpec, format="toml")
    starts = [RULES_START, {**RULES_START, "mode": "b"}, {**RULES_START, "amount": 100}]
    pairs.append(("rules", _compile(rules), _compile(rules, specialise=False), starts))
    for form in load_registry().resolve("441324").forms:
        starts = [dict(e.data) for e in form.spec.examples] or [{}]
        pairs.append((form.id, _compile(form.spec), _compile(form.spec, specialise=False), starts))
    return pairs


PAIRS = _pairs()


def _fault(app: Any, draw: st.DrawFn, value: Any) -> None:
    """Replace, drop or add one key somewhere in the application."""
    node = app
    while True:
        if isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node, key=str)))
            child = node[key]
            if isinstance(child, dict | list) and child and draw(st.booleans()):
                node = child
                continue
            action = draw(st.sampled_from(["replace", "drop", "add"]))
            if action == "replace":
                node[key] = value
            elif action == "drop":
                del node[key]
            else:
                node[draw(st.sampled_from(["extra", "name", "id_number", "agree"]))] = value
            return
        if isinstance(node, list) and node:
            index = draw(st.integers(min_value=0, max_value=len(node) - 1))
            child = node[index]
            if isinstance(child, dict | list) and child and draw(st.booleans()):
                node = child
                continue
            node[index] = value
            return
        return


@st.composite
def applications(draw: st.DrawFn, starts: list[dict[str, Any]]) -> Any:
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        return draw(junk())
    app = copy.deepcopy(draw(st.sampled_from(starts)))
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        value: Any = draw(
            st.one_of(
                junk(),
                id_numbers(),
                st.sampled_from(["", " ", None, [], {}, True, 0, -1, 1.5, "x" * 600]),
            )
        )
        _fault(app, draw, value)
    return app


@pytest.mark.parametrize(
    ("form_id", "fast", "reference", "starts"), PAIRS, ids=[p[0] for p in PAIRS]
)
@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=30, deadline=None)
@given(data=st.data())
def test_fast_path_agrees_with_the_reference(
    form_id: str,
    fast: CompiledForm,
    reference: CompiledForm,
    starts: list[dict[str, Any]],
    data: st.DataObject,
) -> None:
    app = data.draw(applications(starts))
    for lang in ("zh", "en"):
        got = fast.validate(app, lang=lang, today=TODAY)
        assert got == reference.validate(app, lang=lang, today=TODAY), form_id
    assert fast.is_valid(app, today=TODAY) == reference.is_valid(app, today=TODAY)


def test_examples_are_judged_alike() -> None:
    for form_id, fast, reference, starts in PAIRS:
        for app in starts:
            assert fast.validate(app, today=TODAY) == reference.validate(app, today=TODAY), form_id


@settings(max_examples=200, deadline=None)
@given(rows=st.one_of(junk(), st.lists(st.one_of(junk(), st.dictionaries(st.just("x"), junk())))))
def test_column_reads_agree_with_the_general_read(rows: Any) -> None:
    """``members.x`` read in one comprehension is what the general reader gathers."""
    scope = {"members": rows}
    read = _reader(0, ("members",), (("x",),))
    assert read(Context(scope)) == _gather(scope, ("members",), (("x",),))


class _Rows(list[Any]):
    """A list of another class: not what JSON decodes to, but an application may hold one."""


_SPECIALS: list[Any] = [
    *["", " ", "a", "b", "p", "AB12", "x" * 600, "13800138000", "11010519491231002X"],
    *[None, True, False, 0, 1, 2, -1, 1.5, float("nan")],
    *[[], {}, {"x": 1}, [{}], [{"n": 5, "note": " "}], [{"name": "甲"}] * 6],
    *[_Rows(), _Rows([{}]), OrderedDict(), OrderedDict(x=1)],
    *[Text(""), Text(" "), Text("a"), Text("AB12"), Text("13800138000")],
    *[Text("11010519491231002X"), Text("441324"), Text("2026-03-02")],
]


def _as_text(app: Any) -> Any:
    """The application with every string value made a :class:`Text` (keys stay plain)."""
    if isinstance(app, dict):
        return app.__class__((key, _as_text(value)) for key, value in app.items())
    if isinstance(app, list):
        return app.__class__(_as_text(value) for value in app)
    return Text(app) if isinstance(app, str) else app


def _variants(app: Any) -> Iterator[Any]:
    """The application with each key, row or value in turn replaced, dropped or added."""
    if isinstance(app, dict):
        for key in [*app, "extra"]:
            for value in _SPECIALS:
                yield {**app, key: value}
            if key in app:
                yield {k: v for k, v in app.items() if k != key}
                for inner in _variants(app[key]):
                    yield {**app, key: inner}
    elif isinstance(app, list):
        for index, row in enumerate(app):
            for value in _SPECIALS:
                yield [*app[:index], value, *app[index + 1 :]]
            for inner in _variants(row):
                yield [*app[:index], inner, *app[index + 1 :]]
        yield app * 7


@pytest.mark.parametrize(
    ("form_id", "fast", "reference", "starts"), PAIRS, ids=[p[0] for p in PAIRS]
)
def test_every_single_change_is_judged_alike(
    form_id: str, fast: CompiledForm, reference: CompiledForm, starts: list[dict[str, Any]]
) -> None:
    """Each value of each field in turn replaced by one of a few telling values."""
    for start in starts:
        for app in _variants(start):
            # Text of a str subclass is judged as the plain text it holds, on both paths.
            text = _as_text(app)
            for lang in ("zh", "en"):
                got = fast.validate(app, lang=lang, today=TODAY)
                assert got == reference.validate(app, lang=lang, today=TODAY), (form_id, app)
                assert fast.validate(text, lang=lang, today=TODAY) == got, (form_id, app)
                assert reference.validate(text, lang=lang, today=TODAY) == got, (form_id, app)
