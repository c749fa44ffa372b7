"""A day profile: who comes to a hall when, how long they take, and how they are called.

A :class:`DayProfile` is what the simulation and the staffing plan read. It is usually a
TOML or JSON file loaded with :func:`load_profile` (through the library's serializer, so
every problem is reported with its path). Periods follow one another from the opening time;
each gives the arrivals per hour of every business line and, optionally, the number of
windows open. See the profile file format in the documentation, and the illustrative
profile bundled with the 龙门县 plugin.

>>> profile = DayProfile(
...     lines=[LineProfile(id="A", service=TimeDistribution.exponential(10.0))],
...     periods=[Period(arrivals={"A": 12.0}, windows=3), Period(arrivals={"A": 30.0}, windows=6)],
... )
>>> profile.total_minutes, profile.period_starts()
(120.0, (0.0, 60.0))
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import attrs

from govservice_std._fields import identifier, to_tuple, unique
from govservice_std.errors import FieldValueError
from govservice_std.queues.kpis import NORMAL_GROUP as QUEUE_NORMAL_GROUP
from govservice_std.queues.policy import AntiStarvationRule, QueuePolicy
from govservice_std.serialization import load
from govservice_std.staffing.distributions import TimeDistribution

__all__ = [
    "NORMAL_GROUP",
    "PROFILE_FILE",
    "Appointment",
    "DayProfile",
    "GroupProfile",
    "LineProfile",
    "Period",
    "WindowProfile",
    "apply_queue_policy",
    "load_profile",
]

PROFILE_FILE = "staffing.toml"
"""Name of a layer's day profile inside its data folder (an example or a default day)."""

NORMAL_GROUP = QUEUE_NORMAL_GROUP
"""The group id under which tickets without a priority group are reported (the live
queue's :data:`~govservice_std.queues.kpis.NORMAL_GROUP`)."""


def _to_time(value: dt.time | str) -> dt.time:
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(value)
    except (TypeError, ValueError):
        raise FieldValueError("", f"must be a time such as '08:30' (got {value!r})") from None


_MAX_ARRIVALS_PER_HOUR = 10_000.0
"""The most walk-in arrivals per hour a period may name, for one line (no hall sees more)."""
_MAX_WINDOWS = 1_000
"""The most windows a profile or a period may name."""
# A profile is a day; simulations of the steady state run longer, but never past a week.
_MAX_MINUTES = 10_080.0


def _finite_positive(_i: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not (math.isfinite(value) and value > 0):
        raise FieldValueError(attribute.name, f"must be a finite number > 0 (got {value!r})")


def _optional_positive(_i: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and not (math.isfinite(value) and value > 0):
        raise FieldValueError(attribute.name, f"must be a finite number > 0 (got {value!r})")


@attrs.frozen
class LineProfile:
    """A business line (业务类别) as the simulation sees it.

    Args:
        id: The line's id, as the queue policy and the windows name it (``A``).
        service: TimeDistribution of its service times (minutes).
        name: Display name.
    """

    id: str = attrs.field(validator=identifier)
    service: TimeDistribution
    name: str = ""


@attrs.frozen
class GroupProfile:
    """A priority group (老年人, 军人依法优先 …) and its share of the arrivals.

    Args:
        id: The group's id, as in the queue policy (``elderly``); ``normal`` is reserved.
        share: Share of every line's walk-in arrivals that belong to the group, in [0, 1].
        weight: Rank against other groups; higher is called first. ``None`` (the usual
            case) takes the weight of the group in the locality's queue policy when the
            profile is planned for a locality
            (:func:`~govservice_std.staffing.apply_queue_policy`), and 1
            otherwise; a number here overrides the policy.
        name: Display name.
    """

    id: str = attrs.field(validator=identifier)
    share: float
    weight: int | None = None
    name: str = ""

    @property
    def rank(self) -> int:
        """The weight the simulation calls by: ``weight``, or 1 when it is unset."""
        return 1 if self.weight is None else self.weight

    def __attrs_post_init__(self) -> None:
        if self.id == NORMAL_GROUP:
            raise FieldValueError("id", f"{NORMAL_GROUP!r} is reserved for tickets without a group")
        if not 0 <= self.share <= 1:
            raise FieldValueError("share", f"must be in [0, 1] (got {self.share!r})")
        if self.weight is not None and self.weight < 1:
            raise FieldValueError("weight", f"must be >= 1 (got {self.weight!r})")


@attrs.frozen
class WindowProfile:
    """A window and the business lines it serves, in the order it calls them.

    Args:
        code: The window's code (``A01``).
        lines: Line ids it serves, most preferred first; empty means every line, in the
            profile's order.
    """

    code: str = attrs.field(validator=identifier)
    lines: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)


@attrs.frozen
class Period:
    """A stretch of the day with steady arrival rates.

    Args:
        arrivals: Walk-in arrivals per hour, by line id (lines not named get none), each
            from 0 to 10,000.
        windows: Windows open during the period (the first ``windows`` of the profile's
            windows), up to 1,000; ``None`` leaves it to the staffing plan.
        minutes: Length of the period (default: an hour), at most a week (10,080).
    """

    arrivals: dict[str, float] = attrs.field(factory=dict)
    windows: int | None = None
    minutes: float = attrs.field(default=60.0, validator=_finite_positive)

    def __attrs_post_init__(self) -> None:
        for line, rate in self.arrivals.items():
            if not (math.isfinite(rate) and 0 <= rate <= _MAX_ARRIVALS_PER_HOUR):
                raise FieldValueError(
                    f"arrivals.{line}",
                    f"must be arrivals per hour in [0, {_MAX_ARRIVALS_PER_HOUR:g}] (got {rate!r})",
                )
        if self.windows is not None and not 0 <= self.windows <= _MAX_WINDOWS:
            raise FieldValueError(
                "windows", f"must be in [0, {_MAX_WINDOWS}] (got {self.windows!r})"
            )
        if self.minutes > _MAX_MINUTES:
            raise FieldValueError(
                "minutes", f"must be at most {_MAX_MINUTES:g} (a week; got {self.minutes!r})"
            )

    @property
    def arrivals_total(self) -> float:
        """Walk-in arrivals per hour over all lines."""
        return math.fsum(self.arrivals.values())


@attrs.frozen
class Appointment:
    """Booked visits (预约) at a given time.

    Args:
        at: The booked time of day; the visitor arrives then (or not at all, see
            ``DayProfile.appointment_no_show``) and joins the queue.
        line: The line booked.
        count: How many visits are booked at that time (1 to 10,000).
        group: The priority group of the visitors, if any.
    """

    at: dt.time = attrs.field(converter=_to_time)
    line: str
    count: int = 1
    group: str | None = None

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.count <= _MAX_ARRIVALS_PER_HOUR:
            raise FieldValueError(
                "count", f"must be in [1, {_MAX_ARRIVALS_PER_HOUR:g}] (got {self.count!r})"
            )


@attrs.frozen
class DayProfile:
    """A day of a hall as the simulation and the staffing plan read it.

    Args:
        lines: The business lines and their service times.
        periods: Consecutive periods from ``opens``, with arrival rates and windows.
        opens: When the first period starts.
        priority_groups: Priority groups with their share of arrivals.
        windows: The windows in opening order; empty means identical windows that serve
            every line (as many as the busiest period needs).
        appointments: Booked visits.
        appointment_no_show: Probability that a booked visitor does not come.
        patience: How long visitors wait before giving up; ``None``: nobody gives up.
        anti_starvation_after: After this many priority calls in a row a window calls a
            normal ticket if one is waiting; ``None``: strict priority, or the locality's
            rule when planned for a locality.
        target_minutes: The waiting-time target (e.g. called within 20 minutes);
            ``None``: the locality's, when planned for a locality. A value here overrides
            the locality's queue policy.
        target_share: The share of visitors that should meet the target, in (0, 1);
            ``None``: the locality's. A value here overrides the queue policy.
        max_windows: The most windows the plan may open in one period.
        name: What the profile describes.
        illustrative: Whether the figures are an invented example.
        notes: Free text: where the figures come from.
    """

    lines: tuple[LineProfile, ...] = attrs.field(converter=to_tuple)
    periods: tuple[Period, ...] = attrs.field(converter=to_tuple)
    opens: dt.time = attrs.field(default=dt.time(8, 0), converter=_to_time)
    priority_groups: tuple[GroupProfile, ...] = attrs.field(default=(), converter=to_tuple)
    windows: tuple[WindowProfile, ...] = attrs.field(default=(), converter=to_tuple)
    appointments: tuple[Appointment, ...] = attrs.field(default=(), converter=to_tuple)
    appointment_no_show: float = 0.0
    patience: TimeDistribution | None = None
    anti_starvation_after: int | None = None
    target_minutes: float | None = attrs.field(default=None, validator=_optional_positive)
    target_share: float | None = None
    max_windows: int = 50
    name: str = ""
    illustrative: bool = False
    notes: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.lines:
            raise FieldValueError("lines", "a profile needs at least one business line")
        if not self.periods:
            raise FieldValueError("periods", "a profile needs at least one period")
        unique(self.lines, lambda x: x.id, "lines", "line id")
        unique(self.priority_groups, lambda x: x.id, "priority_groups", "group id")
        unique(self.windows, lambda x: x.code, "windows", "window code")
        if math.fsum(g.share for g in self.priority_groups) > 1 + 1e-9:
            raise FieldValueError("priority_groups", "the groups' shares add up to more than 1")
        self._check_references()
        self._check_parameters()

    def _check_references(self) -> None:
        line_ids = {line.id for line in self.lines}
        group_ids = {group.id for group in self.priority_groups}
        for index, period in enumerate(self.periods):
            for line in period.arrivals:
                if line not in line_ids:
                    raise FieldValueError(f"periods[{index}].arrivals", f"unknown line {line!r}")
            if self.windows and period.windows is not None and period.windows > len(self.windows):
                raise FieldValueError(
                    f"periods[{index}].windows",
                    f"only {len(self.windows)} windows are listed (got {period.windows})",
                )
        for index, window in enumerate(self.windows):
            for position, line in enumerate(window.lines):
                if line not in line_ids:
                    raise FieldValueError(
                        f"windows[{index}].lines[{position}]", f"unknown line {line!r}"
                    )
        for index, appointment in enumerate(self.appointments):
            if appointment.line not in line_ids:
                raise FieldValueError(
                    f"appointments[{index}].line", f"unknown line {appointment.line!r}"
                )
            if appointment.group is not None and appointment.group not in group_ids:
                raise FieldValueError(
                    f"appointments[{index}].group", f"unknown group {appointment.group!r}"
                )
            if not 0 <= self.minute_of(appointment.at) < self.total_minutes:
                raise FieldValueError(
                    f"appointments[{index}].at", "must fall within the profile's periods"
                )

    def _check_parameters(self) -> None:
        if not 0 <= self.appointment_no_show <= 1:
            raise FieldValueError(
                "appointment_no_show", f"must be in [0, 1] (got {self.appointment_no_show!r})"
            )
        if self.anti_starvation_after is not None and self.anti_starvation_after < 1:
            raise FieldValueError(
                "anti_starvation_after", f"must be >= 1 (got {self.anti_starvation_after!r})"
            )
        if self.target_share is not None and not 0 < self.target_share < 1:
            raise FieldValueError("target_share", f"must be in (0, 1) (got {self.target_share!r})")
        if not 1 <= self.max_windows <= _MAX_WINDOWS:
            raise FieldValueError(
                "max_windows", f"must be in [1, {_MAX_WINDOWS}] (got {self.max_windows!r})"
            )
        if self.total_minutes > _MAX_MINUTES:
            raise FieldValueError(
                "periods", f"the periods add up to more than a week ({self.total_minutes:g} min)"
            )

    @property
    def total_minutes(self) -> float:
        """Length of the day: the sum of the periods."""
        return math.fsum(p.minutes for p in self.periods)

    def period_starts(self) -> tuple[float, ...]:
        """Start of each period in minutes after opening."""
        starts: list[float] = []
        t = 0.0
        for period in self.periods:
            starts.append(t)
            t += period.minutes
        return tuple(starts)

    def minute_of(self, moment: dt.time) -> float:
        """Minutes from opening to ``moment`` (negative before opening)."""
        return (moment.hour - self.opens.hour) * 60.0 + moment.minute - self.opens.minute

    def clock(self, minutes: float) -> dt.time:
        """The time of day ``minutes`` after opening (wrapping past midnight)."""
        total = (self.opens.hour * 60 + self.opens.minute + int(minutes)) % (24 * 60)
        return dt.time(total // 60, total % 60)

    def with_windows(self, counts: Sequence[int]) -> DayProfile:
        """A copy with the windows open in each period replaced by ``counts``."""
        if len(counts) != len(self.periods):
            raise FieldValueError(
                "periods", f"need {len(self.periods)} window counts (got {len(counts)})"
            )
        periods = [
            attrs.evolve(p, windows=int(k)) for p, k in zip(self.periods, counts, strict=True)
        ]
        return attrs.evolve(self, periods=periods)

    def window_counts(self) -> tuple[int, ...]:
        """The windows open in each period.

        Raises:
            FieldValueError: If a period leaves its windows to the plan.
        """
        counts: list[int] = []
        for index, period in enumerate(self.periods):
            if period.windows is None:
                raise FieldValueError(
                    f"periods[{index}].windows", "not set: run a staffing plan or set it"
                )
            counts.append(period.windows)
        return tuple(counts)

    def line_ids(self) -> Mapping[str, int]:
        """Each line id and its index."""
        return {line.id: index for index, line in enumerate(self.lines)}


def load_profile(path: Path | Traversable | str) -> DayProfile:
    """Read a day profile from a ``.toml`` or ``.json`` file.

    Raises:
        InvalidDataError: With every problem, each with its path, prefixed by the file name.
    """
    return load(path, DayProfile)


def apply_queue_policy(profile: DayProfile, policy: QueuePolicy) -> DayProfile:
    """The profile with the locality's queue policy filled in where the profile is silent.

    The queue policy is the source of truth for how a hall calls its visitors; a day
    profile only says who comes and how long they take. So the waiting-time target and
    its share, each priority group's weight and the anti-starvation rule come from
    ``policy``, unless the profile sets them itself — an explicit override, for what-if
    plans. Each line and priority group of the profile must be one of the policy's.

    Args:
        profile: The day profile.
        policy: The locality's queue policy
            (``resolved.queue_policy``).

    Returns:
        A copy of the profile with the policy's values filled in.

    Raises:
        FieldValueError: If the profile names a line or group the policy does not know, or
            the policy's anti-starvation rule is ``ageing`` (which the simulation does not
            model) and the profile sets no ``anti_starvation_after`` of its own.

    >>> from govservice_std.queues.policy import BusinessLine, PriorityGroup, QueuePolicy
    >>> policy = QueuePolicy(
    ...     lines=[BusinessLine(id="A", name="综合业务")],
    ...     priority_groups=[PriorityGroup(id="elderly", name="老年人", weight=2)],
    ...     target_minutes=20.0, target_share=0.9, anti_starvation_after=2,
    ... )
    >>> day = DayProfile(
    ...     lines=[LineProfile(id="A", service=TimeDistribution.exponential(6.0))],
    ...     periods=[Period(arrivals={"A": 30.0})],
    ...     priority_groups=[GroupProfile(id="elderly", share=0.1)],
    ... )
    >>> planned = apply_queue_policy(day, policy)
    >>> planned.target_minutes, planned.target_share, planned.anti_starvation_after
    (20.0, 0.9, 2)
    >>> planned.priority_groups[0].weight
    2
    """
    known_lines = {line.id for line in policy.lines}
    for index, line in enumerate(profile.lines):
        if line.id not in known_lines:
            raise FieldValueError(
                f"lines[{index}].id", f"line {line.id!r} is not in the locality's queue policy"
            )
    weights = {group.id: group.weight for group in policy.priority_groups}
    groups: list[GroupProfile] = []
    for index, group in enumerate(profile.priority_groups):
        if group.id not in weights:
            raise FieldValueError(
                f"priority_groups[{index}].id",
                f"group {group.id!r} is not in the locality's queue policy",
            )
        if group.weight is None:
            group = attrs.evolve(group, weight=weights[group.id])  # noqa: PLW2901
        groups.append(group)
    anti = profile.anti_starvation_after
    if anti is None:
        rule = policy.anti_starvation
        if rule is AntiStarvationRule.AFTER_N:
            anti = policy.anti_starvation_after
        elif rule is AntiStarvationRule.AGEING and profile.priority_groups:
            raise FieldValueError(
                "anti_starvation_after",
                "the locality's queue policy ages tickets (anti_starvation = 'ageing'), which "
                "the simulation does not model: set anti_starvation_after in the profile",
            )
    return attrs.evolve(
        profile,
        priority_groups=groups,
        anti_starvation_after=anti,
        target_minutes=(
            profile.target_minutes if profile.target_minutes is not None else policy.target_minutes
        ),
        target_share=(
            profile.target_share if profile.target_share is not None else policy.target_share
        ),
    )
