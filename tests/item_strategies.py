"""Hypothesis strategies for service items with the full element set."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from govservice_std import HallTier, ServiceItem
from govservice_std.items import (
    AdministrativeLevel,
    AnywhereScope,
    Channel,
    Delivery,
    ExerciseLevels,
    Fee,
    HandlingKind,
    IntermediaryService,
    Material,
    MaterialForm,
    MaterialSource,
    QuantityLimit,
    ServiceObject,
    SpecialProcedure,
)

_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12
).filter(str.strip)
_ids = st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True)
_levels = st.none() | st.sampled_from(list(AdministrativeLevel))


@st.composite
def materials(draw: st.DrawFn) -> Material:
    """A valid material: 容缺 only when required and brought, never with 免提交."""
    required = draw(st.booleans())
    fetched = draw(st.booleans())
    return Material(
        name=draw(_text),
        id=draw(st.just("") | _ids),
        form=draw(st.sampled_from(list(MaterialForm))),
        count=draw(st.integers(min_value=1, max_value=100)),
        required=required,
        source=draw(st.sampled_from(list(MaterialSource))),
        deferrable=required and not fetched and draw(st.booleans()),
        hall_fetches=fetched,
        note=draw(st.just("") | _text),
    )


@st.composite
def exercise_levels(draw: st.DrawFn) -> ExerciseLevels:
    """Levels for one to three of the steps."""
    accept, review, decide = draw(
        st.tuples(_levels, _levels, _levels).filter(lambda t: any(x is not None for x in t))
    )
    return ExerciseLevels(accept=accept, review=review, decide=decide)


@st.composite
def quantity_limits(draw: st.DrawFn) -> QuantityLimit:
    """None (无) or a limit, with a count or a note."""
    limited = draw(st.booleans())
    count = draw(st.none() | st.integers(min_value=1, max_value=1_000_000)) if limited else None
    return QuantityLimit(limited=limited, count=count, note=draw(st.just("") | _text))


@st.composite
def full_items(draw: st.DrawFn) -> Any:
    """Valid service items drawing every element, the guide's further ones included."""
    kind = draw(st.sampled_from(list(HandlingKind)))
    legal = draw(st.none() | st.integers(min_value=0, max_value=60))
    top = 0 if kind is HandlingKind.IMMEDIATE else (legal if legal is not None else 60)
    channels = draw(st.lists(st.sampled_from(list(Channel)), min_size=1, max_size=5, unique=True))
    delivery = draw(st.lists(st.sampled_from(list(Delivery)), max_size=3, unique=True))
    remote = {Channel.ONLINE, Channel.MOBILE, Channel.ASSISTED} & set(channels)
    can_stay_home = bool(remote) and set(delivery) != {Delivery.WINDOW}
    visits = draw(st.none() | st.integers(min_value=0 if can_stay_home else 1, max_value=20))
    # Material ids are unique within an item; an empty id names nothing.
    stuff = draw(st.lists(materials(), max_size=4, unique_by=lambda m: m.id or object()))
    return ServiceItem(
        code=draw(st.from_regex(r"[A-Z0-9][A-Z0-9\-]{0,20}", fullmatch=True)),
        name=draw(_text),
        type=draw(st.sampled_from(["01", "05", "07", "20"])),
        department=draw(_text),
        implementing_body=draw(_text),
        handling_kind=kind,
        promised_limit_days=draw(st.integers(min_value=0, max_value=top)),
        tiers=draw(st.lists(st.sampled_from(list(HallTier)), min_size=1, max_size=3, unique=True)),
        legal_limit_days=legal,
        materials=stuff,
        fees=draw(
            st.lists(
                st.builds(
                    Fee, name=_text, amount_yuan=st.none() | st.integers(0, 10**6).map(float)
                ),
                max_size=2,
            )
        ),
        channels=channels,
        service_objects=draw(
            st.lists(st.sampled_from(list(ServiceObject)), max_size=3, unique=True)
        ),
        exercise_levels=draw(st.none() | exercise_levels()),
        place=draw(st.just("") | _text),
        hours=draw(st.just("") | _text),
        onsite_visits=visits,
        anywhere_scope=draw(st.none() | st.sampled_from(list(AnywhereScope))),
        result=draw(st.just("") | _text),
        delivery=delivery,
        intermediary_services=draw(
            st.lists(
                st.builds(IntermediaryService, name=_text, provider=st.just("") | _text), max_size=2
            )
        ),
        special_procedures=draw(
            st.lists(
                st.builds(
                    SpecialProcedure,
                    name=_text,
                    limit_days=st.none() | st.integers(min_value=0, max_value=3650),
                ),
                max_size=2,
            )
        ),
        quantity_limit=draw(st.none() | quantity_limits()),
        illustrative=draw(
            st.lists(
                st.sampled_from(["place", "hours", "materials", "onsite_visits"]),
                max_size=2,
                unique=True,
            )
        ),
    )
