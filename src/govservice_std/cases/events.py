"""The events of a case's life (办件) and of its review (好差评).

A case is event-sourced like a queue ticket: every command appends events, and the case's
state is a fold of them (:func:`govservice_std.cases.model.fold`). Each event names its case
and its time (China Standard Time); the store keeps them in order. Events are plain frozen
values and serialize to JSON objects (:func:`event_to_dict`, :func:`event_from_dict`) with a
``type`` tag.

>>> import datetime as dt
>>> from govservice_std.queues.events import CHINA_TZ
>>> e = CaseAccepted(case="C1", at=dt.datetime(2026, 3, 2, 9, tzinfo=CHINA_TZ))
>>> event_from_dict(event_to_dict(e)) == e
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from govservice_std.errors import DataProblem, InvalidDataError

__all__ = [
    "EVENT_TYPES",
    "CaseAccepted",
    "CaseDelivered",
    "CaseEvent",
    "CaseExtended",
    "CaseFinished",
    "CaseOpened",
    "CaseRefused",
    "CaseResumed",
    "CaseStepRecorded",
    "CaseSuspended",
    "CaseWithdrawn",
    "CorrectionRequested",
    "ReviewClosed",
    "ReviewContacted",
    "ReviewGiven",
    "ReviewOverturned",
    "event_from_dict",
    "event_to_dict",
]


@attrs.frozen
class CaseOpened:
    """An application was received (收件) for an item at a hall; the case exists.

    The item's time limits, handling kind and material list are copied into the event, so
    the case keeps the rules it was received under when the catalog changes later; so is
    the version of the form the application was checked against (``form_version``, empty
    for an item without a form).
    """

    type: ClassVar[str] = "opened"
    case: str
    at: dt.datetime
    hall: str
    locality: str
    item: str
    item_name: str
    kind: str
    promised_days: int
    legal_days: int | None
    materials: tuple[str, ...] = ()
    tier: str = ""
    window: str = ""
    staff: str = ""
    ticket: str = ""
    applicant: str = ""
    form_version: str = ""


@attrs.frozen
class CorrectionRequested:
    """补正: one notice listing every missing or wrong material (一次性告知)."""

    type: ClassVar[str] = "correction"
    case: str
    at: dt.datetime
    materials: tuple[str, ...]
    note: str = ""


@attrs.frozen
class CaseAccepted:
    """受理. ``deemed``: accepted by law from the day of receipt (行政许可法 §32)."""

    type: ClassVar[str] = "accepted"
    case: str
    at: dt.datetime
    deemed: bool = False


@attrs.frozen
class CaseRefused:
    """不予受理, with the reason."""

    type: ClassVar[str] = "refused"
    case: str
    at: dt.datetime
    reason: str


@attrs.frozen
class CaseStepRecorded:
    """A handling step (审查, 决定, 会签, 报批 …)."""

    type: ClassVar[str] = "step"
    case: str
    at: dt.datetime
    step: str
    staff: str = ""


@attrs.frozen
class CaseSuspended:
    """The clock stops (补正 waiting, 听证, 检验, 专家评审 … — 行政许可法 §45)."""

    type: ClassVar[str] = "suspended"
    case: str
    at: dt.datetime
    kind: str
    reason: str


@attrs.frozen
class CaseResumed:
    """The clock runs again."""

    type: ClassVar[str] = "resumed"
    case: str
    at: dt.datetime


@attrs.frozen
class CaseExtended:
    """An approved extension of the time limit (行政许可法 §42)."""

    type: ClassVar[str] = "extended"
    case: str
    at: dt.datetime
    days: int
    approved_by: str
    reason: str


@attrs.frozen
class CaseFinished:
    """办结: ``result`` is ``granted`` (准予) or ``denied`` (不予)."""

    type: ClassVar[str] = "finished"
    case: str
    at: dt.datetime
    result: str


@attrs.frozen
class CaseDelivered:
    """送达: the result reached the applicant."""

    type: ClassVar[str] = "delivered"
    case: str
    at: dt.datetime


@attrs.frozen
class CaseWithdrawn:
    """The applicant withdrew the application."""

    type: ClassVar[str] = "withdrawn"
    case: str
    at: dt.datetime
    reason: str = ""


@attrs.frozen
class ReviewGiven:
    """A 好差评 review of the case (one per case: 一事一评)."""

    type: ClassVar[str] = "review"
    case: str
    at: dt.datetime
    review: str
    level: str
    channel: str
    real_name: bool
    ratings: tuple[tuple[str, str], ...] = ()
    comment: str = ""


@attrs.frozen
class ReviewContacted:
    """回访核实: the reviewer of a 差评 was called back."""

    type: ClassVar[str] = "review_contacted"
    case: str
    at: dt.datetime


@attrs.frozen
class ReviewClosed:
    """The 差评 was closed (立行立改, 限期整改, 解释说明)."""

    type: ClassVar[str] = "review_closed"
    case: str
    at: dt.datetime
    disposition: str
    notes: str = ""


@attrs.frozen
class ReviewOverturned:
    """申诉复核 upheld: the 差评 was 误评 (``mistaken``) or 恶意差评 (``malicious``)."""

    type: ClassVar[str] = "review_overturned"
    case: str
    at: dt.datetime
    ground: str
    notes: str = ""


CaseEvent = (
    CaseOpened
    | CorrectionRequested
    | CaseAccepted
    | CaseRefused
    | CaseStepRecorded
    | CaseSuspended
    | CaseResumed
    | CaseExtended
    | CaseFinished
    | CaseDelivered
    | CaseWithdrawn
    | ReviewGiven
    | ReviewContacted
    | ReviewClosed
    | ReviewOverturned
)
"""Any event of a case."""

EVENT_TYPES: Mapping[str, type[Any]] = {
    cls.type: cls
    for cls in (
        CaseOpened,
        CorrectionRequested,
        CaseAccepted,
        CaseRefused,
        CaseStepRecorded,
        CaseSuspended,
        CaseResumed,
        CaseExtended,
        CaseFinished,
        CaseDelivered,
        CaseWithdrawn,
        ReviewGiven,
        ReviewContacted,
        ReviewClosed,
        ReviewOverturned,
    )
}
"""Event classes by their ``type`` tag."""


def event_to_dict(event: CaseEvent) -> dict[str, Any]:
    """A JSON-ready object: the ``type`` tag, then every field (times in ISO 8601)."""
    out: dict[str, Any] = {"type": event.type}
    for field in attrs.fields(type(event)):
        value = getattr(event, field.name)
        if isinstance(value, dt.datetime):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = [list(v) if isinstance(v, tuple) else v for v in value]
        out[field.name] = value
    return out


def _is_text(value: object) -> bool:
    return type(value) is str


def _is_whole(value: object) -> bool:
    return type(value) is int and -(10**9) <= value <= 10**9


def _is_texts(value: object) -> bool:
    return isinstance(value, list) and all(type(v) is str for v in value)


def _is_pairs(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(v, list) and len(v) == 2 and all(type(x) is str for x in v) for v in value
    )


# What each field's stored value must be, by its annotation (the module's own fields).
_KINDS: dict[str, tuple[str, Any]] = {
    "str": ("text", _is_text),
    "int": ("a whole number", _is_whole),
    "int | None": ("a whole number or null", lambda v: v is None or _is_whole(v)),
    "bool": ("true or false", lambda v: type(v) is bool),
    "tuple[str, ...]": ("a list of texts", _is_texts),
    "tuple[tuple[str, str], ...]": ("a list of pairs of texts", _is_pairs),
}


def event_from_dict(data: Mapping[str, Any], source: str = "event") -> CaseEvent:
    """Rebuild an event from :func:`event_to_dict`'s object.

    Every value must be of its field's kind (text, whole number, list of texts …), so a
    damaged record is refused here rather than met later.

    Raises:
        InvalidDataError: If the object is not an event of a known type, or a value is not
            of its field's kind.
    """
    try:
        cls = EVENT_TYPES[str(data["type"])]
        fields: dict[str, Any] = {}
        for field in attrs.fields(cls):
            if field.name not in data:
                continue
            value = data[field.name]
            if field.name == "at":
                value = dt.datetime.fromisoformat(str(value))
                if value.tzinfo is None:
                    raise ValueError("'at' has no UTC offset")
            else:
                what, check = _KINDS[str(field.type)]
                if not check(value):
                    raise ValueError(f"{field.name!r} must be {what} (got {value!r:.40})")
                if isinstance(value, list):
                    value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
            fields[field.name] = value
        event: CaseEvent = cls(**fields)
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidDataError([DataProblem("", f"not a case event: {exc}")], source) from exc
    return event
