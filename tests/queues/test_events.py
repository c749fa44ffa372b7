from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govservice_std.errors import InvalidDataError
from govservice_std.queues.events import (
    CHINA_TZ,
    Event,
    ServiceFinished,
    ServiceStarted,
    TicketCalled,
    TicketIssued,
    TicketTransferred,
    _make_called,
    _make_finished,
    _make_issued,
    _make_started,
    _slot_setters,
    decode_event,
    encode_event,
)
from govservice_std.serialization import structure, unstructure

moments = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
    max_value=dt.datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=st.just(CHINA_TZ),
)


@given(
    at=moments,
    slot=st.none() | moments,
    group=st.none() | st.sampled_from(["elderly", "军人"]),
    number=st.integers(1, 10**6),
)
def test_issued_round_trip(
    at: dt.datetime, slot: dt.datetime | None, group: str | None, number: int
) -> None:
    event = TicketIssued(
        at=at, ticket="t", label="A1", line="A", number=number, day=at.date(), order_at=at,
        group=group, slot=slot, appointment=None if slot is None else "P1",
    )  # fmt: skip
    text = encode_event(event)
    assert decode_event(text) == event
    # The hand-written codec agrees with the library's converter.
    assert structure(unstructure(event), TicketIssued) == event


def test_optional_fields_and_bad_records() -> None:
    at = dt.datetime(2026, 3, 2, 9, tzinfo=CHINA_TZ)
    moved = TicketTransferred(at=at, ticket="t", from_line="A", to_line="B")
    assert "window" not in encode_event(moved)
    assert decode_event(encode_event(moved)) == moved
    with pytest.raises(InvalidDataError, match="unknown event type"):
        decode_event('{"type": "exploded"}')
    with pytest.raises(InvalidDataError, match="not valid JSON"):
        decode_event("{", source="db#3")
    with pytest.raises(InvalidDataError, match="UTC offset"):
        decode_event('{"type":"called","at":"2026-03-02T09:00:00","ticket":"t","window":"W"}')
    with pytest.raises(InvalidDataError, match="window: required field missing"):
        decode_event('{"type":"called","at":"2026-03-02T09:00:00+08:00","ticket":"t"}')


@given(at=moments, slot=st.none() | moments, group=st.none() | st.just("elderly"))
def test_engine_constructors_build_the_same_frozen_events(
    at: dt.datetime, slot: dt.datetime | None, group: str | None
) -> None:
    appointment = None if slot is None else "P1"
    issued = TicketIssued(
        at=at, ticket="t", label="A1", line="A", number=1, day=at.date(), order_at=at,
        group=group, appointment=appointment, slot=slot,
    )  # fmt: skip
    pairs: list[tuple[Event, Event]] = [
        (_make_issued(at, "t", "A1", "A", 1, at.date(), at, group, appointment, slot), issued),
        (
            _make_called(at, "t", "W1", group, appointment),
            TicketCalled(at=at, ticket="t", window="W1", staff=group, reason=appointment),
        ),
        (
            _make_started(at, "t", "W1", group),
            ServiceStarted(at=at, ticket="t", window="W1", staff=group),
        ),
        (
            _make_finished(at, "t", "W1", "completed", group),
            ServiceFinished(at=at, ticket="t", window="W1", outcome="completed", staff=group),
        ),
    ]
    for fast, built in pairs:
        assert type(fast) is type(built)
        assert fast == built
        assert hash(fast) == hash(built)
        assert repr(fast) == repr(built)
        assert decode_event(encode_event(fast)) == built
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            fast.at = at  # type: ignore[misc]  # frozen


def test_engine_constructors_refuse_classes_they_do_not_match() -> None:
    with pytest.raises(TypeError, match="does not have the fields"):
        _slot_setters(TicketCalled, "at", "window", "ticket")

    @attrs.frozen
    class Checked:
        at: int = attrs.field(validator=attrs.validators.instance_of(int))

    with pytest.raises(TypeError, match="does more than store its fields"):
        _slot_setters(Checked, "at")
