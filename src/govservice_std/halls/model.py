"""Service halls of the three tiers, with their zones, windows, hours and staff.

China's local government serves the public in three tiers of halls (国发〔2022〕5号 unified
their names):

* 政务服务中心 — the county-level (and higher) government service centre,
  :attr:`HallTier.COUNTY`, keyed by a six-digit division code;
* 便民服务中心 — the town or street (乡镇/街道) convenience service centre,
  :attr:`HallTier.TOWN`, keyed by a nine-digit statistical code;
* 便民服务站 — the village or community (村/社区) convenience service station,
  :attr:`HallTier.VILLAGE`, keyed by a twelve-digit statistical code.

All models are frozen attrs classes; lists become tuples, so a hall is a hashable value.

>>> hall = Hall(
...     code="441324116",
...     name="龙潭镇便民服务中心",
...     tier="town",
...     division="441324116",
...     windows=[Window(code="A01", kind="comprehensive", lines=["A"])],
... )
>>> hall.tier.label_zh
'便民服务中心'
>>> hall.window("A01").kind.label_zh
'综合窗口'
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
from collections.abc import Iterable

import attrs

from govservice_std._fields import (
    identifier,
    not_blank,
    to_code,
    to_enum,
    to_tuple,
    unique,
)
from govservice_std.divisions import DivisionCode, DivisionLevel
from govservice_std.errors import FieldValueError
from govservice_std.i18n import LabelledEnum

__all__ = [
    "HALLS_FILE",
    "Contact",
    "DayHours",
    "Hall",
    "HallTier",
    "HallsDocument",
    "OpeningHours",
    "ServiceMode",
    "SpecialService",
    "Staff",
    "StaffRole",
    "TimeRange",
    "Weekday",
    "Window",
    "WindowKind",
    "Zone",
    "ZoneKind",
]


class HallTier(LabelledEnum):
    """The three tiers of service halls."""

    COUNTY = "county", "county service centre"
    """政务服务中心: county level and above."""
    TOWN = "town", "town service centre"
    """便民服务中心: town, township or street."""
    VILLAGE = "village", "village service station"
    """便民服务站: village or community."""

    @property
    def division_level(self) -> tuple[DivisionLevel, ...]:
        """The division levels a hall of this tier may be keyed by."""
        return _TIER_LEVELS[self]


_TIER_LEVELS = {
    HallTier.COUNTY: (
        DivisionLevel.NATIONAL,
        DivisionLevel.PROVINCE,
        DivisionLevel.CITY,
        DivisionLevel.COUNTY,
    ),
    HallTier.TOWN: (DivisionLevel.TOWN,),
    HallTier.VILLAGE: (DivisionLevel.VILLAGE,),
}
_TIER_ORDER = {HallTier.COUNTY: 0, HallTier.TOWN: 1, HallTier.VILLAGE: 2}


class ZoneKind(LabelledEnum):
    """Functional zones (功能区) of a hall, after the hall and site-management standards.

    GB/T 36112-2018 (服务现场管理规范) covers space management; 国发〔2022〕5号 asks for
    综合窗口 and self-service; the village and town halls share space with Party-service
    centres ("政务+党建").
    """

    GUIDANCE = "guidance", "guidance and enquiries"
    """导服/咨询: reception, guidance and enquiries."""
    COMPREHENSIVE_ACCEPTANCE = "comprehensive_acceptance", "comprehensive acceptance windows"
    """综合受理窗口区: the comprehensive acceptance windows."""
    DEDICATED_WINDOWS = "dedicated_windows", "dedicated windows"
    """专业窗口区: windows of single departments."""
    WAITING = "waiting", "waiting area"
    """等候区: waiting area."""
    SELF_SERVICE_24H = "self_service_24h", "24-hour self-service area"
    """24小时自助服务区: self-service area open round the clock."""
    ASSISTED_SERVICE = "assisted_service", "assisted-service area"
    """帮办代办区: assisted and proxy service."""
    DOCUMENT_COLLECTION = "document_collection", "document collection"
    """统一出件区: collection of results and certificates."""
    EVALUATION_COMPLAINT = "evaluation_complaint", "reviews and complaints"
    """好差评/投诉区: evaluation and complaints."""
    MOTHER_BABY = "mother_baby", "mother and baby room"
    """母婴室: mother and baby room."""
    ACCESSIBILITY = "accessibility", "accessibility facilities"
    """无障碍设施: barrier-free facilities."""
    PARTY_SERVICE = "party_service", "Party service area"
    """党群服务/党建阵地: Party-and-public service space."""
    POLICY_PUBLICITY = "policy_publicity", "policy publicity"
    """政策宣传/政务公开: policy publicity and open-government information."""
    BACK_OFFICE = "back_office", "back office"
    """后台审批/办公区: back-office processing."""
    OTHER = "other", "other"
    """Any other zone; give it a name."""


class WindowKind(LabelledEnum):
    """Kinds of service window."""

    COMPREHENSIVE = "comprehensive", "comprehensive window"
    """综合窗口: accepts items of many departments (前台综合受理、后台分类审批)."""
    DEDICATED = "dedicated", "dedicated window"
    """专业窗口: one department's or one line's items."""
    SELF_SERVICE = "self_service", "self-service terminal"
    """自助服务终端: a self-service terminal."""
    GREEN_CHANNEL = "green_channel", "green-channel window"
    """绿色通道: priority window for the elderly, disabled, service members and others."""


class Weekday(enum.Enum):
    """Days of the week, as written in data files (``mon`` … ``sun``)."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @property
    def iso(self) -> int:
        """ISO weekday number: 1 for Monday … 7 for Sunday."""
        return list(Weekday).index(self) + 1

    @classmethod
    def of(cls, day: dt.date) -> Weekday:
        """The weekday of a date."""
        return list(cls)[day.isoweekday() - 1]


class ServiceMode(LabelledEnum):
    """Service arrangements beyond regular hours."""

    DELAYED = "delayed", "extended hours"
    """延时服务: hours extended past closing time."""
    STAGGERED = "staggered", "staggered hours"
    """错时服务: service at lunch time or on rest days."""
    APPOINTMENT = "appointment", "by appointment"
    """预约服务: service outside hours by appointment (早晚弹性办)."""
    ROUND_THE_CLOCK = "round_the_clock", "24-hour self-service"
    """24小时自助服务."""


class StaffRole(LabelledEnum):
    """Roles of the people on duty in a hall."""

    HEAD = "head", "head"
    """负责人: head of the hall."""
    WINDOW_CLERK = "window_clerk", "window clerk"
    """窗口工作人员: window clerk."""
    GUIDE = "guide", "guide"
    """导服人员: guide at the reception."""
    ASSISTANT = "assistant", "assisted-service agent"
    """帮办代办员: assisted and proxy service."""
    BACK_OFFICE = "back_office", "back-office approver"
    """后台审批人员: back-office processing."""
    OTHER = "other", "other"


def _to_zone_kind(value: ZoneKind | str) -> ZoneKind:
    return to_enum(ZoneKind, value, "kind")


def _to_window_kind(value: WindowKind | str) -> WindowKind:
    return to_enum(WindowKind, value, "kind")


def _to_service_mode(value: ServiceMode | str) -> ServiceMode:
    return to_enum(ServiceMode, value, "mode")


def _to_staff_role(value: StaffRole | str) -> StaffRole:
    return to_enum(StaffRole, value, "role")


def _to_hall_tier(value: HallTier | str) -> HallTier:
    return to_enum(HallTier, value, "tier")


def _positive_or_none(
    _instance: object, attribute: attrs.Attribute[float | None], value: float | None
) -> None:
    if value is not None and not value > 0:
        raise FieldValueError(attribute.name, f"must be > 0 (got {value!r})")


@attrs.frozen
class Zone:
    """A functional zone of a hall.

    Args:
        kind: What the zone is for.
        name: The hall's own name for it, if it differs from the generic one.
        area_m2: Floor area in square metres, if known.
        notes: Free text.
    """

    kind: ZoneKind = attrs.field(converter=_to_zone_kind)
    name: str = ""
    area_m2: float | None = attrs.field(default=None, validator=_positive_or_none)
    notes: str = ""

    def __attrs_post_init__(self) -> None:
        if self.kind is ZoneKind.OTHER and not self.name.strip():
            raise FieldValueError("name", "a zone of kind 'other' needs a name")

    @property
    def label_zh(self) -> str:
        """The zone's own name, or the generic Chinese one."""
        return self.name or self.kind.label_zh


@attrs.frozen
class Window:
    """A service window (窗口).

    Args:
        code: The window's number in the hall (``A01``), unique within the hall.
        kind: Comprehensive, dedicated, self-service or green channel.
        lines: The business lines (业务类别) the window serves, in the order it serves them.
        name: A display name (不动产登记窗口).
        department: The department that staffs a dedicated window.
    """

    code: str = attrs.field(validator=identifier)
    kind: WindowKind = attrs.field(converter=_to_window_kind)
    lines: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    name: str = ""
    department: str = ""

    def __attrs_post_init__(self) -> None:
        unique(self.lines, str, "lines", "business line")


def _to_time(value: dt.time | str) -> dt.time:
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(value)
    except (TypeError, ValueError):
        raise FieldValueError("", f"must be a time such as '08:30' (got {value!r})") from None


@attrs.frozen
class TimeRange:
    """A span of time within one day, ``start`` inclusive and ``end`` exclusive.

    >>> TimeRange("08:30", "12:00").minutes
    210
    """

    start: dt.time = attrs.field(converter=_to_time)
    end: dt.time = attrs.field(converter=_to_time)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise FieldValueError(
                "end", f"must be after start {self.start:%H:%M} (got {self.end:%H:%M})"
            )

    @property
    def minutes(self) -> int:
        """Length in minutes."""
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)

    def contains(self, moment: dt.time) -> bool:
        """Whether ``moment`` falls in the span."""
        return self.start <= moment < self.end


def _to_weekdays(values: Iterable[Weekday | str]) -> tuple[Weekday, ...]:
    return tuple(to_enum(Weekday, value, "days") for value in to_tuple(values))


@attrs.frozen
class DayHours:
    """Opening periods shared by one or more days of the week.

    Args:
        days: The days these periods apply to.
        periods: The periods, in order, not overlapping.
    """

    days: tuple[Weekday, ...] = attrs.field(converter=_to_weekdays)
    periods: tuple[TimeRange, ...] = attrs.field(converter=to_tuple)

    def __attrs_post_init__(self) -> None:
        if not self.days:
            raise FieldValueError("days", "must name at least one day")
        unique(self.days, lambda d: d.value, "days", "day")
        if not self.periods:
            raise FieldValueError("periods", "must list at least one period")
        ordered = sorted(self.periods, key=lambda p: p.start)
        for before, after in itertools.pairwise(ordered):
            if after.start < before.end:
                raise FieldValueError(
                    "periods",
                    f"{before.start:%H:%M}-{before.end:%H:%M} overlaps "
                    f"{after.start:%H:%M}-{after.end:%H:%M}",
                )


def _periods_on(schedule: tuple[DayHours, ...], day: Weekday) -> tuple[TimeRange, ...]:
    return tuple(
        sorted(
            (period for entry in schedule if day in entry.days for period in entry.periods),
            key=lambda p: p.start,
        )
    )


def _check_schedule(schedule: tuple[DayHours, ...], field: str) -> None:
    seen: dict[Weekday, int] = {}
    for index, entry in enumerate(schedule):
        for day in entry.days:
            if day in seen:
                raise FieldValueError(
                    f"{field}[{index}].days",
                    f"{day.value!r} already appears in {field}[{seen[day]}]",
                )
            seen[day] = index


@attrs.frozen
class SpecialService:
    """A service arrangement beyond regular hours (延时, 错时, 预约, 24-hour).

    Args:
        mode: Which arrangement.
        description: What is offered, in the hall's words.
        schedule: When, if it has fixed hours (appointments may have none).
    """

    mode: ServiceMode = attrs.field(converter=_to_service_mode)
    description: str = ""
    schedule: tuple[DayHours, ...] = attrs.field(default=(), converter=to_tuple)

    def __attrs_post_init__(self) -> None:
        _check_schedule(self.schedule, "schedule")


@attrs.frozen
class OpeningHours:
    """A hall's weekly opening hours and its arrangements beyond them.

    Official holidays are not part of the weekly schedule; the working calendar decides
    which dates are working days.

    >>> hours = OpeningHours(
    ...     regular=[DayHours(days=["mon", "tue", "wed", "thu", "fri"],
    ...                       periods=[TimeRange("08:30", "12:00"), TimeRange("14:30", "17:30")])]
    ... )
    >>> hours.weekly_minutes
    1950
    >>> hours.is_open(Weekday.SAT, dt.time(9, 0))
    False
    """

    regular: tuple[DayHours, ...] = attrs.field(converter=to_tuple)
    special: tuple[SpecialService, ...] = attrs.field(default=(), converter=to_tuple)
    notes: str = ""

    def __attrs_post_init__(self) -> None:
        _check_schedule(self.regular, "regular")

    def periods_on(self, day: Weekday) -> tuple[TimeRange, ...]:
        """The regular periods on a day of the week, in order."""
        return _periods_on(self.regular, day)

    def is_open(self, day: Weekday, moment: dt.time) -> bool:
        """Whether the hall is regularly open at ``moment`` on ``day``."""
        return any(period.contains(moment) for period in self.periods_on(day))

    @property
    def weekly_minutes(self) -> int:
        """Regular opening minutes in a week."""
        return sum(len(entry.days) * p.minutes for entry in self.regular for p in entry.periods)


@attrs.frozen
class Staff:
    """A post on duty in a hall.

    Personal data is not needed to run or evaluate a hall; ``name`` may hold a role label.

    Args:
        id: Identifier unique within the hall (used by queues for per-clerk figures).
        role: The post's role.
        name: A display name.
        windows: Codes of the windows the post staffs.
    """

    id: str = attrs.field(validator=identifier)
    role: StaffRole = attrs.field(converter=_to_staff_role)
    name: str = ""
    windows: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)


@attrs.frozen
class Contact:
    """How to reach a hall.

    Args:
        phone: Enquiry telephone (咨询电话).
        complaint_phone: Complaint telephone (投诉电话).
        email: E-mail address.
        website: Web address.
    """

    phone: str = ""
    complaint_phone: str = ""
    email: str = ""
    website: str = ""


_HALL_FIELDS = frozenset(
    (
        "code",
        "name",
        "tier",
        "division",
        "parent",
        "address",
        "contact",
        "zones",
        "windows",
        "hours",
        "staff",
        "notes",
    )
)


def _check_illustrative(
    _instance: Hall, attribute: attrs.Attribute[tuple[str, ...]], value: tuple[str, ...]
) -> None:
    for index, entry in enumerate(value):
        head = entry.split(".", 1)[0].split("[", 1)[0]
        if head not in _HALL_FIELDS:
            allowed = ", ".join(sorted(_HALL_FIELDS))
            raise FieldValueError(
                f"{attribute.name}[{index}]",
                f"must name a hall field ({allowed}) (got {entry!r})",
            )


@attrs.frozen
class Hall:
    """A service hall of one of the three tiers.

    Args:
        code: Identifier of the hall, unique in its locality (a division code is a good one).
        name: The hall's official name (龙门县政务服务中心).
        tier: County centre, town centre or village station.
        division: The division code of the area the hall serves: six digits for the county
            tier, nine for the town tier, twelve for the village tier.
        parent: Code of the hall one tier up that this hall reports to, if any.
        address: Street address.
        contact: Telephones and addresses.
        zones: Functional zones.
        windows: Windows, with unique codes.
        hours: Opening hours.
        staff: Posts on duty; the windows they name must exist.
        sources: Where the hall's facts come from (documents, web pages).
        illustrative: Names of fields whose values are illustrative rather than taken from a
            real source (``["address", "windows"]``).
        notes: Free text.

    Raises:
        FieldValueError: If the division does not fit the tier, codes repeat, or staff name
            windows that do not exist.
    """

    code: str = attrs.field(validator=identifier)
    name: str = attrs.field(validator=not_blank)
    tier: HallTier = attrs.field(converter=_to_hall_tier)
    division: DivisionCode = attrs.field(converter=to_code)
    parent: str | None = None
    address: str = ""
    contact: Contact | None = None
    zones: tuple[Zone, ...] = attrs.field(default=(), converter=to_tuple)
    windows: tuple[Window, ...] = attrs.field(default=(), converter=to_tuple)
    hours: OpeningHours | None = None
    staff: tuple[Staff, ...] = attrs.field(default=(), converter=to_tuple)
    sources: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    illustrative: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_check_illustrative
    )
    notes: str = ""

    def __attrs_post_init__(self) -> None:
        if self.division.level not in self.tier.division_level:
            expected = (
                "a six-digit"
                if self.tier is HallTier.COUNTY
                else ("a nine-digit" if self.tier is HallTier.TOWN else "a twelve-digit")
            )
            raise FieldValueError(
                "division",
                f"a {self.tier.value}-tier hall needs {expected} code (got {str(self.division)!r})",
            )
        if self.parent is not None and self.parent == self.code:
            raise FieldValueError("parent", "a hall cannot be its own parent")
        unique(self.windows, lambda w: w.code, "windows", "window code")
        unique(self.staff, lambda s: s.id, "staff", "staff id")
        window_codes = {w.code for w in self.windows}
        for index, post in enumerate(self.staff):
            for w_index, code in enumerate(post.windows):
                if code not in window_codes:
                    raise FieldValueError(
                        f"staff[{index}].windows[{w_index}]",
                        f"no window {code!r} in this hall",
                    )

    def window(self, code: str) -> Window:
        """The window with this code.

        Raises:
            KeyError: If the hall has no such window.
        """
        for window in self.windows:
            if window.code == code:
                return window
        raise KeyError(code)

    def windows_of(self, kind: WindowKind) -> tuple[Window, ...]:
        """The hall's windows of one kind."""
        return tuple(w for w in self.windows if w.kind is kind)

    def has_zone(self, kind: ZoneKind) -> bool:
        """Whether the hall has a zone of this kind."""
        return any(zone.kind is kind for zone in self.zones)

    @property
    def lines(self) -> tuple[str, ...]:
        """Every business line some window serves, in first-seen order."""
        return tuple(dict.fromkeys(line for w in self.windows for line in w.lines))

    def is_below(self, other: Hall) -> bool:
        """Whether this hall's tier is lower than ``other``'s (a station below a centre)."""
        return _TIER_ORDER[self.tier] > _TIER_ORDER[other.tier]


HALLS_FILE = "halls.toml"
"""Name of a layer's hall data file inside its data folder."""


@attrs.frozen
class HallsDocument:
    """The contents of a layer's ``halls.toml``.

    Args:
        halls: The layer's halls.
        sources: Where the file's facts come from.
        notes: Free text, for instance which values are illustrative.
    """

    halls: tuple[Hall, ...] = ()
    sources: tuple[str, ...] = ()
    notes: str = ""

    def __attrs_post_init__(self) -> None:
        # Within one file a repeated code is a mistake; replacing an ancestor's hall is
        # what a later layer does on purpose.
        unique(self.halls, lambda h: h.code, "halls", "hall code")
