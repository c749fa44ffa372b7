"""Queue policy: business lines, priority groups and the rules of calling, per locality.

Each locality layer may ship a ``queue.toml`` (a :class:`QueuePolicyLayer`). Resolving a
locality's policy applies the layers of its chain parent first: a later layer replaces a
line, priority group or outcome of the same ``id``, removes inherited ones it lists under
``remove_*``, and overrides single parameters. Every effective value records the layer that
set it (:attr:`QueuePolicy.provenance`).

No national norm fixes ticket prefixes, number formats, priority weights or waiting-time
targets: the national baseline ships neutral library defaults and localities set their own.

>>> policy = QueuePolicy(
...     lines=[BusinessLine(id="A", name="综合业务")],
...     priority_groups=[PriorityGroup(id="elderly", name="老年人", weight=1)],
... )
>>> policy.line("A").format_number(7)
'A007'
>>> policy.group("elderly").name
'老年人'
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from govservice_std._fields import identifier, not_blank, to_enum, to_tuple, unique
from govservice_std.errors import FieldValueError
from govservice_std.localities import Provenance

__all__ = [
    "QUEUE_FILE",
    "AntiStarvationRule",
    "BusinessLine",
    "LateAppointment",
    "Outcome",
    "PriorityGroup",
    "QueueParams",
    "QueuePolicy",
    "QueuePolicyLayer",
    "TransferPlacement",
    "label_collision",
]

QUEUE_FILE = "queue.toml"
"""Name of a layer's queue policy file inside its data folder."""

_PREFIX = re.compile(r"^[A-Z0-9]{1,3}$")


class AntiStarvationRule(enum.Enum):
    """How normal tickets are kept from waiting forever behind priority groups."""

    NONE = "none"
    """Strict priority: a waiting priority ticket is always called first."""
    AFTER_N = "after_n"
    """After ``anti_starvation_after`` priority calls in a row at a window, that window
    calls a normal ticket if one is waiting."""
    AGEING = "ageing"
    """Every ``ageing_minutes`` a ticket waits raises its rank by one weight step."""


class LateAppointment(enum.Enum):
    """What happens to an appointment checked in after its grace window."""

    WALK_IN = "walk_in"
    """It joins the queue like a walk-in arriving now."""
    REFUSE = "refuse"
    """Check-in is refused; the visitor takes an ordinary ticket."""


class TransferPlacement(enum.Enum):
    """Where a transferred ticket stands in the queue it joins."""

    FIRST = "first"
    """Ahead of every ticket waiting there (its priority group still counts)."""
    LAST = "last"
    """Behind every ticket waiting there, as if it arrived now."""
    ARRIVAL = "arrival"
    """By its original arrival, as if it had been in that queue from the start."""


# Typed converters (rather than the generic ``to_tuple``) so that type checkers accept
# ``QueuePolicy(lines=[...])`` in user code.
def _lines(value: Iterable[BusinessLine]) -> tuple[BusinessLine, ...]:
    return to_tuple(value)


def _groups(value: Iterable[PriorityGroup]) -> tuple[PriorityGroup, ...]:
    return to_tuple(value)


def _outcomes(value: Iterable[Outcome]) -> tuple[Outcome, ...]:
    return to_tuple(value)


def _strs(value: Iterable[str]) -> tuple[str, ...]:
    return to_tuple(value)


def _positive_int(_i: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise FieldValueError(attribute.name, f"must be >= 1 (got {value!r})")


def _positive_int_or_none(_i: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value < 1:
        raise FieldValueError(attribute.name, f"must be >= 1 (got {value!r})")


def _check_prefix(_i: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not _PREFIX.match(value):
        raise FieldValueError(
            attribute.name, f"must be 1-3 capital letters or digits (got {value!r})"
        )


def _at_most(limit: int) -> Callable[[object, attrs.Attribute[Any], Any], None]:
    def check(_i: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and value > limit:
            raise FieldValueError(attribute.name, f"must be <= {limit} (got {value!r})")

    return check


# Every duration of a queue policy lies within one day.
_DAY_MINUTES = 1440.0
# Below this an ageing step (six seconds) would rank tickets by noise.
_MIN_AGEING_MINUTES = 0.1


def _minutes(
    low: float = 0.0, *, optional: bool = False, open_low: bool = False
) -> Callable[[object, attrs.Attribute[Any], Any], None]:
    """A duration in minutes: finite, in ``[low, 1440]`` (``(low, 1440]`` if ``open_low``)."""
    bracket = "(" if open_low else "["

    def check(_i: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        ok = isinstance(value, int | float) and math.isfinite(value)
        ok = ok and (value > low if open_low else value >= low) and value <= _DAY_MINUTES
        if not ok:
            raise FieldValueError(
                attribute.name,
                f"must be minutes in {bracket}{low:g}, {_DAY_MINUTES:g}] (got {value!r})",
            )

    return check


def _share(_i: object, attribute: attrs.Attribute[float | None], value: float | None) -> None:
    if value is not None and not 0 < value <= 1:
        raise FieldValueError(attribute.name, f"must be in (0, 1] (got {value!r})")


def label_collision(a: BusinessLine, b: BusinessLine) -> str | None:
    """A ticket label both lines would issue, at some number, or ``None`` if none exists.

    Labels are the prefix and the number zero-padded to the line's width, and numbers grow
    without bound, so prefixes ``A`` and ``A1`` collide at the 1,001st ``A`` ticket
    (``A1001``) and ``A`` (width 3) and ``A0`` (width 2) at once (``A001``).

    >>> label_collision(BusinessLine("A", "综合"), BusinessLine("B", "社保", prefix="A1"))
    'A1001'
    >>> label_collision(BusinessLine("A", "综合"), BusinessLine("B", "社保")) is None
    True
    """
    if a.prefix == b.prefix:
        # Numbers as long as the wider width need no padding in either line.
        if a.number_width == b.number_width:
            return a.format_number(1)
        return a.format_number(10 ** (max(a.number_width, b.number_width) - 1))
    short, long = (a, b) if len(a.prefix) < len(b.prefix) else (b, a)
    if not long.prefix.startswith(short.prefix):
        return None
    rest = long.prefix[len(short.prefix) :]
    if not (rest.isascii() and rest.isdigit()):
        return None
    # A label of ``long`` is ``short``'s prefix followed by digits ``rest + number``; it is
    # also ``short``'s label when those digits are ``short``'s zero-padded number: always
    # possible for a large enough number unless ``rest`` starts with a zero, which only the
    # padding can supply (then the digits must be exactly ``short``'s width).
    if rest[0] == "0" and len(rest) + long.number_width > short.number_width:
        return None
    if len(rest) + long.number_width >= short.number_width:
        return long.format_number(1)
    return long.format_number(10 ** (short.number_width - len(rest) - 1))


def _label_spaces(
    _i: object, attribute: attrs.Attribute[Any], lines: tuple[BusinessLine, ...]
) -> None:
    for index, line in enumerate(lines):
        for first, other in enumerate(lines[:index]):
            label = label_collision(other, line)
            if label is not None:
                raise FieldValueError(
                    f"{attribute.name}[{index}]",
                    f"ticket labels of line {line.id!r} (prefix {line.prefix!r}) can equal "
                    f"those of line {other.id!r} at {attribute.name}[{first}] (prefix "
                    f"{other.prefix!r}): both would issue {label}",
                )


def _default_prefix(line: BusinessLine) -> str:
    return line.id.upper()


@attrs.frozen
class BusinessLine:
    """A business line (业务类别): tickets of one kind with their own numbering.

    Args:
        id: The line's identifier, as windows name it in ``Window.lines`` (``A``).
        name: What the line is for (综合业务, 不动产登记).
        prefix: The ticket prefix shown on the ticket and the display (default: the id).
        number_width: Digits of the number, zero-padded (``A007`` for 3), from 1 to 9;
            larger numbers simply grow longer.
        daily_reset: Whether numbering restarts at 1 each service day.
        daily_cap: The most walk-in tickets the line issues in a service day (Novo SGA's
            ``maximo``); ``None`` for no cap. Checked-in bookings are not counted: their
            place was promised when they were booked.
        illustrative: Whether the line is an invented example rather than a real one.
        notes: Free text.
    """

    id: str = attrs.field(validator=identifier)
    name: str = attrs.field(validator=not_blank)
    prefix: str = attrs.field(
        default=attrs.Factory(_default_prefix, takes_self=True), validator=_check_prefix
    )
    number_width: int = attrs.field(default=3, validator=[_positive_int, _at_most(9)])
    daily_reset: bool = True
    daily_cap: int | None = attrs.field(
        default=None, validator=[_positive_int_or_none, _at_most(1_000_000)]
    )
    illustrative: bool = False
    notes: str = ""

    def format_number(self, number: int) -> str:
        """The ticket's display number: prefix and zero-padded number (``A007``)."""
        return self.prefix + str(number).zfill(self.number_width)


@attrs.frozen
class PriorityGroup:
    """A group of visitors served ahead of the normal queue (老年人, 残疾人, 军人依法优先 …).

    Args:
        id: Identifier (``elderly``).
        name: Display name (老年人).
        weight: Rank against other groups; higher is called first. Normal tickets have 0.
        basis: The rule or practice the priority rests on.
        illustrative: Whether the group or its weight is an invented example.
        notes: Free text.
    """

    id: str = attrs.field(validator=identifier)
    name: str = attrs.field(validator=not_blank)
    weight: int = attrs.field(default=1, validator=[_positive_int, _at_most(1000)])
    basis: str = ""
    illustrative: bool = False
    notes: str = ""


@attrs.frozen
class Outcome:
    """An outcome code a window records when it finishes a ticket.

    Args:
        id: Identifier (``completed``).
        name: Display name (办结).
        notes: Free text.
    """

    id: str = attrs.field(validator=identifier)
    name: str = attrs.field(validator=not_blank)
    notes: str = ""


def _to_rule(value: AntiStarvationRule | str) -> AntiStarvationRule:
    return to_enum(AntiStarvationRule, value, "anti_starvation")


def _to_late(value: LateAppointment | str) -> LateAppointment:
    return to_enum(LateAppointment, value, "late_appointment")


def _to_placement(value: TransferPlacement | str) -> TransferPlacement:
    return to_enum(TransferPlacement, value, "transfer_placement")


def _to_opt_placement(value: TransferPlacement | str | None) -> TransferPlacement | None:
    return None if value is None else _to_placement(value)


def _to_opt_rule(value: AntiStarvationRule | str | None) -> AntiStarvationRule | None:
    return None if value is None else _to_rule(value)


def _to_opt_late(value: LateAppointment | str | None) -> LateAppointment | None:
    return None if value is None else _to_late(value)


@attrs.frozen
class QueueParams:
    """The single-valued parameters of a queue policy, each optional in a layer.

    A layer sets only the parameters it changes; ``None`` means "inherit".

    Args:
        no_show_after_calls: Times a ticket must have been called before a window may mark
            it a no-show.
        reactivate_within_minutes: How long after a no-show the ticket may be reactivated.
        max_reactivations: How often one ticket may be reactivated.
        reactivation_keeps_place: Whether a reactivated ticket keeps its place in the
            queue (``true``) or joins at the back (``false``).
        anti_starvation: ``none``, ``after_n`` or ``ageing`` (see
            :class:`AntiStarvationRule`).
        anti_starvation_after: N for ``after_n``.
        ageing_minutes: Minutes of waiting per weight step for ``ageing``.
        appointment_early_minutes: How early before its slot an appointment may check in.
        appointment_grace_minutes: How late after its slot an appointment still keeps
            its slot's place.
        late_appointment: ``walk_in`` or ``refuse`` (see :class:`LateAppointment`).
        target_minutes: Waiting-time target in minutes (served within N minutes).
        target_share: Share of tickets that should be called within the target (0–1].
        day_close_outcome: The outcome recorded on the tickets a day close ends (still
            waiting, called or in service when the service day is closed).
        staff_required: Whether a window calls only while a staff member is signed in.
        self_service_unstaffed: With ``staff_required``, whether self-service windows
            still call with nobody signed in.
        transfer_placement: Where a transferred ticket stands by default: ``first``,
            ``last`` or ``arrival`` (see
            :class:`~govservice_std.queues.policy.TransferPlacement`).
        issue_within_hours: Whether walk-in tickets are issued only within the hall's
            opening hours (``Hall.hours``); outside them issuing is refused.
        early_issue_minutes: With ``issue_within_hours``, how long before each opening
            period tickets may already be issued.
        booking_slot_minutes: Length of a booking slot.
        booking_capacity: Bookings per slot and line; ``None`` takes the capacity from
            the locality's staffing profile (its booked visits).
        reminder_minutes: How long before its slot a booking is reminded.
        default_service_minutes: The service time the estimated wait assumes for a
            window until the day has finished tickets to measure it from.
    """

    no_show_after_calls: int | None = None
    reactivate_within_minutes: float | None = attrs.field(
        default=None, validator=_minutes(optional=True)
    )
    max_reactivations: int | None = None
    reactivation_keeps_place: bool | None = None
    anti_starvation: AntiStarvationRule | None = attrs.field(default=None, converter=_to_opt_rule)
    anti_starvation_after: int | None = None
    ageing_minutes: float | None = attrs.field(
        default=None, validator=_minutes(_MIN_AGEING_MINUTES, optional=True)
    )
    appointment_early_minutes: float | None = attrs.field(
        default=None, validator=_minutes(optional=True)
    )
    appointment_grace_minutes: float | None = attrs.field(
        default=None, validator=_minutes(optional=True)
    )
    late_appointment: LateAppointment | None = attrs.field(default=None, converter=_to_opt_late)
    target_minutes: float | None = attrs.field(
        default=None, validator=_minutes(optional=True, open_low=True)
    )
    target_share: float | None = attrs.field(default=None, validator=_share)
    day_close_outcome: str | None = None
    staff_required: bool | None = None
    self_service_unstaffed: bool | None = None
    transfer_placement: TransferPlacement | None = attrs.field(
        default=None, converter=_to_opt_placement
    )
    issue_within_hours: bool | None = None
    early_issue_minutes: float | None = attrs.field(default=None, validator=_minutes(optional=True))
    booking_slot_minutes: float | None = attrs.field(
        default=None, validator=_minutes(optional=True, open_low=True)
    )
    booking_capacity: int | None = attrs.field(
        default=None, validator=[_positive_int_or_none, _at_most(100_000)]
    )
    reminder_minutes: float | None = attrs.field(default=None, validator=_minutes(optional=True))
    default_service_minutes: float | None = attrs.field(
        default=None, validator=_minutes(optional=True, open_low=True)
    )


_PARAM_NAMES = tuple(a.name for a in attrs.fields(QueueParams))


def _check_illustrative_params(
    _i: object, attribute: attrs.Attribute[tuple[str, ...]], value: tuple[str, ...]
) -> None:
    for index, name in enumerate(value):
        if name not in _PARAM_NAMES:
            raise FieldValueError(
                f"{attribute.name}[{index}]",
                f"must name a parameter ({', '.join(_PARAM_NAMES)}) (got {name!r})",
            )


@attrs.frozen
class QueuePolicyLayer:
    """The contents of one layer's ``queue.toml``.

    Args:
        lines: Business lines this layer adds or replaces (by ``id``).
        priority_groups: Priority groups this layer adds or replaces (by ``id``).
        outcomes: Outcome codes this layer adds or replaces (by ``id``).
        remove_lines: Ids of inherited lines to drop.
        remove_priority_groups: Ids of inherited priority groups to drop.
        remove_outcomes: Ids of inherited outcomes to drop.
        params: Parameters this layer sets.
        illustrative_params: Names of the parameters in ``params`` whose values are
            invented examples.
        sources: Where the layer's facts come from.
        notes: Free text.
    """

    lines: tuple[BusinessLine, ...] = attrs.field(default=(), converter=_lines)
    priority_groups: tuple[PriorityGroup, ...] = attrs.field(default=(), converter=_groups)
    outcomes: tuple[Outcome, ...] = attrs.field(default=(), converter=_outcomes)
    remove_lines: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    remove_priority_groups: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    remove_outcomes: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    params: QueueParams = attrs.field(factory=QueueParams)
    illustrative_params: tuple[str, ...] = attrs.field(
        default=(), converter=_strs, validator=_check_illustrative_params
    )
    sources: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    notes: str = ""

    def __attrs_post_init__(self) -> None:
        unique(self.lines, lambda x: x.id, "lines", "line id")
        unique(self.priority_groups, lambda x: x.id, "priority_groups", "group id")
        unique(self.outcomes, lambda x: x.id, "outcomes", "outcome id")


def _non_negative(_i: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if value < 0:
        raise FieldValueError(attribute.name, f"must be >= 0 (got {value!r})")


def _positive_or_none(_i: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not value > 0:
        raise FieldValueError(attribute.name, f"must be > 0 (got {value!r})")


_DEFAULT_OUTCOMES = (Outcome(id="completed", name="办结"),)


@attrs.frozen
class QueuePolicy:
    """A locality's effective queue policy, after every layer is applied.

    Build one directly (tests, simulations) or resolve it for a locality with
    ``registry.resolve(code).queue_policy``. The parameters are documented on
    :class:`QueueParams`; here each has its effective value.

    Attributes:
        lines: The business lines; no two can ever issue the same ticket label (see
            :func:`~govservice_std.queues.policy.label_collision`).
        priority_groups: The priority groups, highest weight first when listed by
            :meth:`groups_by_rank`.
        outcomes: The outcome codes a window may finish a ticket with.
        provenance: For each value (``lines.A``, ``priority_groups.elderly``,
            ``params.target_minutes``), the layer that set it.
        illustrative: Keys of :attr:`provenance` whose values are invented examples.
    """

    lines: tuple[BusinessLine, ...] = attrs.field(converter=_lines, validator=_label_spaces)
    priority_groups: tuple[PriorityGroup, ...] = attrs.field(default=(), converter=_groups)
    outcomes: tuple[Outcome, ...] = attrs.field(default=_DEFAULT_OUTCOMES, converter=_outcomes)
    no_show_after_calls: int = attrs.field(default=2, validator=[_positive_int, _at_most(100)])
    reactivate_within_minutes: float = attrs.field(default=30.0, validator=_minutes())
    max_reactivations: int = attrs.field(default=1, validator=[_non_negative, _at_most(100)])
    reactivation_keeps_place: bool = False
    anti_starvation: AntiStarvationRule = attrs.field(
        default=AntiStarvationRule.AFTER_N,
        converter=_to_rule,
    )
    anti_starvation_after: int = attrs.field(default=3, validator=[_positive_int, _at_most(1000)])
    ageing_minutes: float = attrs.field(default=10.0, validator=_minutes(_MIN_AGEING_MINUTES))
    appointment_early_minutes: float = attrs.field(default=30.0, validator=_minutes())
    appointment_grace_minutes: float = attrs.field(default=10.0, validator=_minutes())
    late_appointment: LateAppointment = attrs.field(
        default=LateAppointment.WALK_IN,
        converter=_to_late,
    )
    target_minutes: float | None = attrs.field(
        default=None, validator=_minutes(optional=True, open_low=True)
    )
    target_share: float | None = attrs.field(default=None, validator=_share)
    day_close_outcome: str = attrs.field(default="day_closed", validator=identifier)
    staff_required: bool = False
    self_service_unstaffed: bool = True
    transfer_placement: TransferPlacement = attrs.field(
        default=TransferPlacement.ARRIVAL, converter=_to_placement
    )
    issue_within_hours: bool = False
    early_issue_minutes: float = attrs.field(default=0.0, validator=_minutes())
    booking_slot_minutes: float = attrs.field(default=30.0, validator=_minutes(open_low=True))
    booking_capacity: int | None = attrs.field(
        default=None, validator=[_positive_int_or_none, _at_most(100_000)]
    )
    reminder_minutes: float = attrs.field(default=60.0, validator=_minutes())
    default_service_minutes: float = attrs.field(default=10.0, validator=_minutes(open_low=True))
    provenance: Mapping[str, Provenance] = attrs.field(factory=dict, eq=False, repr=False)
    illustrative: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)

    def __attrs_post_init__(self) -> None:
        if not self.lines:
            raise FieldValueError("lines", "a queue policy needs at least one business line")
        unique(self.lines, lambda x: x.id, "lines", "line id")
        unique(self.priority_groups, lambda x: x.id, "priority_groups", "group id")
        unique(self.outcomes, lambda x: x.id, "outcomes", "outcome id")
        if not self.outcomes:
            raise FieldValueError("outcomes", "a queue policy needs at least one outcome")

    def line(self, line_id: str) -> BusinessLine:
        """The business line with this id.

        Raises:
            KeyError: If there is none.
        """
        for line in self.lines:
            if line.id == line_id:
                return line
        raise KeyError(line_id)

    def group(self, group_id: str) -> PriorityGroup:
        """The priority group with this id.

        Raises:
            KeyError: If there is none.
        """
        for group in self.priority_groups:
            if group.id == group_id:
                return group
        raise KeyError(group_id)

    def outcome(self, outcome_id: str) -> Outcome:
        """The outcome with this id.

        Raises:
            KeyError: If there is none.
        """
        for outcome in self.outcomes:
            if outcome.id == outcome_id:
                return outcome
        raise KeyError(outcome_id)

    def groups_by_rank(self) -> tuple[PriorityGroup, ...]:
        """The priority groups, highest weight first (ties in listed order)."""
        return tuple(sorted(self.priority_groups, key=lambda g: -g.weight))

    def weight(self, group_id: str | None) -> int:
        """The weight of a group id; 0 for the normal queue (``None``)."""
        return 0 if group_id is None else self.group(group_id).weight
