"""The specialised field closures (the fast path) agree with the generic ones.

Each form is compiled twice: as the library does, and with the generic reference closures
only. On random applications, valid ones with random faults and pure junk, both must report
the same problems in the same order, in both languages.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govservice_std import CompiledForm, FormSpec, load_forms, load_registry, loads
from govservice_std.forms.expr import Context
from govservice_std.forms.validate import _compile, _gather, _reader
from tests.form_strategies import id_numbers, junk
from tests.test_forms import FORM, good

TODAY = dt.date(2026, 6, 1)


def _pairs() -> list[tuple[str, CompiledForm, CompiledForm, list[dict[str, Any]]]]:
    spec = loads(FORM, FormSpec, format="toml")
    pairs = [("subsidy", _compile(spec), _compile(spec, specialise=False), [good()])]
    for form in load_forms(load_registry(), "441324"):
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
