"""Hypothesis strategies for applications: ID numbers and JSON-like junk."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st
from stdnum.cn import ric

AREAS = ["441324", "441302", "110105", "440106"]


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    """Valid 18-character resident ID numbers (born 1990–2020: the areas existed then)."""
    area = draw(st.sampled_from(AREAS))
    born = draw(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2020, 12, 31)))
    seq = draw(st.integers(min_value=0, max_value=999))
    body = f"{area}{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def junk(ids: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Any]:
    """Arbitrary JSON-like values, with ID numbers mixed into strings and keys."""
    ids = ids if ids is not None else id_numbers()
    text = st.one_of(
        st.text(max_size=30),
        ids,
        st.builds(lambda a, b, c: a + b + c, st.text(max_size=5), ids, st.text(max_size=5)),
        st.sampled_from(["", " ", "2026-02-30", "13800138000", "441324", "yes", "a" * 500]),
    )
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=10**20, max_value=10**30),
        st.floats(allow_nan=True, allow_infinity=True),
        text,
    )
    keys = st.one_of(
        st.sampled_from(
            [
                "applicant",
                "name",
                "id_number",
                "members",
                "reason",
                "amount",
                "phone",
                "household",
                "relation",
                "born",
                "agree",
                "kind",
            ]
        ),
        text,
    )
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=5),
            st.dictionaries(keys, children, max_size=6),
        ),
        max_leaves=30,
    )
