"""Hypothesis strategies for applications: ID numbers and JSON-like junk."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st
from stdnum.cn import ric

from govservice_std.forms.expr import KEYWORDS

AREAS = ["441324", "441302", "110105", "440106"]


class Text(str):
    """Text of a ``str`` subclass (``numpy.str_``, a template library's safe string …).

    Not what JSON decodes to, but what an application built from a data frame may hold:
    forms and rules judge it as the plain text it holds.
    """

    __slots__ = ()


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


_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12
).filter(lambda s: s.strip() != "")
# A field may not be named after a word of the rule language.
_names = st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True).filter(lambda n: n not in KEYWORDS)


@st.composite
def service_items(draw: st.DrawFn) -> Any:
    """Valid service items."""
    from govservice_std import HallTier, ServiceItem
    from govservice_std.items import Fee, HandlingKind, Material

    kind = draw(st.sampled_from(list(HandlingKind)))
    legal = draw(st.none() | st.integers(min_value=0, max_value=60))
    top = 0 if kind is HandlingKind.IMMEDIATE else (legal if legal is not None else 60)
    promised = draw(st.integers(min_value=0, max_value=top))
    tiers = draw(st.lists(st.sampled_from(list(HallTier)), min_size=1, max_size=3, unique=True))
    return ServiceItem(
        code=draw(st.from_regex(r"[A-Z0-9][A-Z0-9\-]{0,20}", fullmatch=True)),
        name=draw(_text),
        type=draw(st.sampled_from(["01", "05", "07", "20"])),
        department=draw(_text),
        implementing_body=draw(_text),
        handling_kind=kind,
        promised_limit_days=promised,
        tiers=tiers,
        legal_limit_days=legal,
        materials=draw(st.lists(st.builds(Material, name=_text), max_size=2)),
        fees=draw(
            st.lists(
                st.builds(
                    Fee,
                    name=_text,
                    amount_yuan=st.none()
                    | st.floats(min_value=0, max_value=1e6, allow_subnormal=False),
                ),
                max_size=2,
            )
        ),
        form=draw(st.none() | _names),
    )


@st.composite
def form_specs(draw: st.DrawFn) -> Any:
    """Valid form specifications with scalar fields, a group and a repeat."""
    from govservice_std import FormSpec
    from govservice_std.forms import Choice, Field

    scalar_types = [
        "text",
        "number",
        "boolean",
        "date",
        "id_card",
        "uscc",
        "mobile",
        "division",
        "address",
        "attachment",
    ]
    names = draw(st.lists(_names, min_size=2, max_size=6, unique=True))
    fields = [
        Field(
            name=n,
            type=draw(st.sampled_from(scalar_types)),
            label=draw(_text),
            required=draw(st.booleans()),
        )
        for n in names[:-1]
    ]
    fields.append(
        Field(
            name=names[-1],
            type="choice",
            label=draw(_text),
            choices=[Choice(value="a", label="甲"), Choice(value="b", label="乙")],
        )
    )
    group = Field(name="grp_", type="group", label="组", fields=fields[:1])
    repeat = Field(name="rows_", type="repeat", label="行", fields=fields[1:2], max_items=5)
    further = draw(st.lists(st.sampled_from(["ug", "yue", "zh-Hant"]), max_size=2, unique=True))
    labels = {lang: draw(_text) for lang in further}
    extra = [
        Field(name="when_", type=draw(st.sampled_from(["datetime", "time"])), label="时间"),
        Field(
            name="calc_",
            type="number",
            label="计算",
            calculate=draw(st.sampled_from(["count(rows_) + 1", "len(grp_.x) * 2", "1"])).replace(
                "grp_.x", f"grp_.{fields[0].name}"
            ),
            labels=labels,
        ),
        Field(
            name="pick_",
            type="choice",
            label="选",
            default=draw(st.sampled_from([None, "x1"])),
            read_only=draw(st.booleans()),
            choice_filter=f"{names[-1]}",
            choices=[
                Choice(value="x1", label="一", parent="a", labels=labels),
                Choice(value="x2", label="二", parent="b"),
            ],
        ),
    ]
    return FormSpec(
        id=draw(st.from_regex(r"[a-z][a-z0-9\-]{0,10}", fullmatch=True)),
        title=draw(_text),
        fields=[*fields, group, repeat, *extra],
        version=draw(st.from_regex(r"[0-9A-Za-z][0-9A-Za-z.\-]{0,11}", fullmatch=True)),
        languages=("zh", "en", *further),
    )
