"""Service items (政务服务事项) and a locality's catalog of them.

A :class:`ServiceItem` carries the national element set of an item: its codes, name, type,
place in the 主项 → 子项 → 业务办理项 hierarchy, competent department and implementing
body, legal basis, acceptance conditions, materials, steps, 办件类型, 法定时限 and 承诺时限 in
working days, fees, channels, phones, the hall tiers that may handle it (下沉 to town and
village) and the id of its application form — and the guide's further elements: 服务对象,
行使层级 per step, 办理地点 and 办理时间, 到现场次数, 通办范围, 办理结果 and 送达方式, 中介服务,
特别程序 and 数量限制. Materials are records (:class:`Material`), from which an item's
一次性告知 checklist is derived (:meth:`ServiceItem.checklist`).

Codes are strings: their layout differs by province (GB/T 39554.1's exact layout is not
modelled here), so each layer may give patterns for them in its ``items.toml``
(:class:`CodeRules`), checked on the items that layer and the layers below it add.

A :class:`Catalog` is what a locality resolves to: every item of its chain, indexed by code,
with the provenance of each item and of each localization, filters by tier, type and
department, and metrics derived from the items themselves (:class:`CatalogMetrics`).

>>> item = ServiceItem(
...     code="X-0001", name="示例事项", type="20", department="示例局",
...     implementing_body="示例局", handling_kind="promised",
...     legal_limit_days=20, promised_limit_days=5, tiers=["county", "town"],
... )
>>> item.compression
0.75
>>> item.handled_at("village")
False
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from govservice_std._fields import identifier, not_blank, to_enum, to_tuple, unique
from govservice_std.divisions import DivisionCode
from govservice_std.errors import FieldValueError
from govservice_std.halls import HallTier
from govservice_std.i18n import LabelledEnum
from govservice_std.localities import Provenance

__all__ = [
    "ITEMS_FILE",
    "NATIONAL_ITEM_TYPES",
    "AdministrativeLevel",
    "AnywhereScope",
    "Catalog",
    "CatalogMetrics",
    "Channel",
    "Checklist",
    "CodeRules",
    "Delivery",
    "ExerciseLevels",
    "Fee",
    "HandlingKind",
    "IntermediaryService",
    "ItemLevel",
    "ItemLocalization",
    "ItemsDocument",
    "Material",
    "MaterialForm",
    "MaterialSource",
    "QuantityLimit",
    "ServiceItem",
    "ServiceObject",
    "SpecialProcedure",
]

ITEMS_FILE = "items.toml"
"""The name of a layer's service-items data file."""

NATIONAL_ITEM_TYPES: Mapping[str, str] = {
    "01": "行政许可",
    "02": "行政处罚",
    "03": "行政强制",
    "04": "行政征收",
    "05": "行政给付",
    "06": "行政检查",
    "07": "行政确认",
    "08": "行政奖励",
    "09": "行政裁决",
    "10": "其他行政权力",
    "20": "公共服务",
}
"""The item-type table as used by the national platform; layers extend it (30, 31, 99…)."""


class ItemLevel(LabelledEnum):
    """An item's place in the hierarchy."""

    MAIN = "main", "main item"
    """主项."""
    SUB = "sub", "sub-item"
    """子项."""
    HANDLING = "handling", "handling item"
    """业务办理项: the smallest unit (新设/变更/延续/注销…)."""


class HandlingKind(LabelledEnum):
    """办件类型: how an item is handled once accepted."""

    IMMEDIATE = "immediate", "handled on the spot"
    """即办件: handled on the spot (承诺时限 0)."""
    PROMISED = "promised", "handled within a promised time"
    """承诺件: handled within the promised time."""
    JOINT = "joint", "handled jointly"
    """联办件: handled jointly by several departments."""
    REFERRED = "referred", "referred for approval"
    """报批件: referred to a higher level for approval."""
    URGENT = "urgent", "urgent"
    """急办件: green channel."""


class Channel(LabelledEnum):
    """A way to apply."""

    WINDOW = "window", "at the window"
    """窗口办理."""
    ONLINE = "online", "online"
    """网上办."""
    MOBILE = "mobile", "on a mobile phone"
    """掌上办."""
    SELF_SERVICE = "self_service", "at a self-service terminal"
    """自助终端."""
    ASSISTED = "assisted", "assisted"
    """帮办代办."""


class MaterialForm(LabelledEnum):
    """In what form a material is submitted."""

    ORIGINAL = "original", "original"
    """原件."""
    COPY = "copy", "copy"
    """复印件."""
    ORIGINAL_AND_COPY = "original_and_copy", "original and copy"
    """原件及复印件."""
    ELECTRONIC = "electronic", "electronic"
    """电子材料."""


class MaterialSource(LabelledEnum):
    """Where a material comes from (材料来源)."""

    APPLICANT = "applicant", "prepared by the applicant"
    """申请人自备."""
    GOVERNMENT = "government", "issued by a government department"
    """政府部门核发."""
    INTERMEDIARY = "intermediary", "issued by an intermediary"
    """中介机构出具."""
    OTHER = "other", "other"
    """其他."""


class ServiceObject(LabelledEnum):
    """服务对象: who may apply, in the categories of the Civil Code (民法典)."""

    NATURAL_PERSON = "natural_person", "natural person"
    """自然人."""
    LEGAL_PERSON = "legal_person", "legal person"
    """法人."""
    UNINCORPORATED = "unincorporated", "unincorporated organisation"
    """非法人组织."""


class AdministrativeLevel(LabelledEnum):
    """行使层级: the level of government that exercises a step of an item.

    Distinct from the hall tiers that accept an item (``ServiceItem.tiers``): a town
    centre may accept an item that the county decides.
    """

    NATIONAL = "national", "national level"
    """国家级."""
    PROVINCIAL = "provincial", "provincial level"
    """省级."""
    MUNICIPAL = "municipal", "municipal level"
    """市级."""
    COUNTY = "county", "county level"
    """县级."""
    TOWN = "town", "town level"
    """乡（镇、街道）级."""
    VILLAGE = "village", "village level"
    """村（社区）级 (公共服务 items)."""


class AnywhereScope(LabelledEnum):
    """通办范围: where an item is handled whatever the applicant's place of registration."""

    NATIONWIDE = "nationwide", "nationwide"
    """全国通办."""
    CROSS_PROVINCE = "cross_province", "across provinces"
    """跨省通办."""
    PROVINCE = "province", "within the province"
    """省内通办."""
    CITY = "city", "within the city"
    """市内通办."""
    COUNTY = "county", "within the county"
    """县内通办."""


class Delivery(LabelledEnum):
    """送达方式: how the result reaches the applicant."""

    WINDOW = "window", "collected at the window"
    """窗口领取."""
    POST = "post", "by post"
    """邮寄送达."""
    ELECTRONIC = "electronic", "electronically"
    """电子送达 (download, electronic licence)."""


def _positive(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise FieldValueError(attribute.name, f"must be >= 1 (got {value})")


def _copies(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not 1 <= value <= 100:
        raise FieldValueError(attribute.name, f"must be 1–100 copies (got {value})")


def _visits(_instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and not 0 <= value <= 20:
        raise FieldValueError(attribute.name, f"must be 0–20 visits (got {value})")


def _days(_instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and not 0 <= value <= 3650:
        raise FieldValueError(attribute.name, f"must be 0–3650 working days (got {value})")


def _material_id(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value:
        identifier(instance, attribute, value)


def _to_material_form(value: MaterialForm | str) -> MaterialForm:
    return to_enum(MaterialForm, value, "form")


def _to_source(value: MaterialSource | str) -> MaterialSource:
    return to_enum(MaterialSource, value, "source")


@attrs.frozen
class Material:
    """An application material (申请材料).

    Args:
        name: The material's name.
        id: A short identifier, unique within the item, by which a form's attachment field
            names the material (empty when nothing refers to it). Simple snake_case
            (``id_card``, ``business_licence``) by convention.
        form: Original (原件), copy (复印件), both, or electronic.
        count: How many copies (份数), 1–100.
        required: Whether it is required (some are needed only in certain cases).
        source: Where it comes from: the applicant (申请人自备, the default), a government
            department (政府部门核发), an intermediary (中介机构出具) or other (其他).
        deferrable: 容缺: the item may be accepted without it, the applicant bringing it
            later. Only a required material that the applicant brings can be deferred.
        hall_fetches: 免提交: the hall obtains it itself (from shared data — an electronic
            licence library, a shared database — or an earlier case), so the applicant need
            not bring it.
        note: Anything else (which cases need it).

    Raises:
        FieldValueError: If a material is both 容缺 and 免提交, or 容缺 but not required.

    >>> Material(name="营业执照", id="business_licence", form="copy", hall_fetches=True).source
    <MaterialSource.APPLICANT: 'applicant'>
    """

    name: str = attrs.field(validator=not_blank)
    id: str = attrs.field(default="", validator=_material_id)
    form: MaterialForm = attrs.field(default=MaterialForm.ORIGINAL, converter=_to_material_form)
    count: int = attrs.field(default=1, validator=_copies)
    required: bool = True
    source: MaterialSource = attrs.field(default=MaterialSource.APPLICANT, converter=_to_source)
    deferrable: bool = False
    hall_fetches: bool = False
    note: str = ""

    def __attrs_post_init__(self) -> None:
        if self.deferrable and self.hall_fetches:
            raise FieldValueError(
                "deferrable",
                f"material {self.name!r} is fetched by the hall (免提交): it cannot also be "
                "deferred (容缺)",
            )
        if self.deferrable and not self.required:
            raise FieldValueError(
                "deferrable",
                f"material {self.name!r} is not required: only a required material can be "
                "deferred (容缺)",
            )

    @property
    def to_bring(self) -> bool:
        """Whether the applicant brings it (it is not 免提交)."""
        return not self.hall_fetches


def _to_accept(value: AdministrativeLevel | str) -> AdministrativeLevel:
    return to_enum(AdministrativeLevel, value, "accept")


def _to_review(value: AdministrativeLevel | str) -> AdministrativeLevel:
    return to_enum(AdministrativeLevel, value, "review")


def _to_decide(value: AdministrativeLevel | str) -> AdministrativeLevel:
    return to_enum(AdministrativeLevel, value, "decide")


@attrs.frozen
class ExerciseLevels:
    """行使层级 per step: the level of government that accepts, first reviews and decides.

    Each step is optional (the platforms fill in what applies); at least one is given.

    Args:
        accept: 受理.
        review: 初审.
        decide: 决定.

    >>> ExerciseLevels(accept="town", decide="county").decide.label("zh")
    '县级'
    """

    accept: AdministrativeLevel | None = attrs.field(
        default=None, converter=attrs.converters.optional(_to_accept)
    )
    review: AdministrativeLevel | None = attrs.field(
        default=None, converter=attrs.converters.optional(_to_review)
    )
    decide: AdministrativeLevel | None = attrs.field(
        default=None, converter=attrs.converters.optional(_to_decide)
    )

    def __attrs_post_init__(self) -> None:
        if self.accept is None and self.review is None and self.decide is None:
            raise FieldValueError(
                "accept", "give the level of at least one step (受理, 初审, 决定)"
            )

    def steps(self) -> tuple[tuple[str, AdministrativeLevel], ...]:
        """The ``(step, level)`` pairs given, in the order 受理, 初审, 决定."""
        pairs = (("accept", self.accept), ("review", self.review), ("decide", self.decide))
        return tuple((step, level) for step, level in pairs if level is not None)


@attrs.frozen
class IntermediaryService:
    """A 中介服务 the applicant needs before applying (a survey, an appraisal report…).

    Args:
        name: The service.
        provider: Who may provide it (the qualification required).
        basis: Its legal basis.
    """

    name: str = attrs.field(validator=not_blank)
    provider: str = ""
    basis: str = ""


@attrs.frozen
class SpecialProcedure:
    """A 特别程序 (听证, 检验, 检测, 鉴定, 专家评审…) whose time is not counted in the limit.

    行政许可法 §45: the time these take is not counted in the time limit, and the applicant
    is told so in writing.

    Args:
        name: The procedure.
        limit_days: At most how many working days it takes (0–3650), if stated.
        basis: Its legal basis.
    """

    name: str = attrs.field(validator=not_blank)
    limit_days: int | None = attrs.field(default=None, validator=_days)
    basis: str = ""


@attrs.frozen
class QuantityLimit:
    """数量限制: whether the number of grants is limited.

    Args:
        limited: Whether it is (``false`` for 无数量限制).
        count: The number, when there is one fixed figure (1–1000000).
        note: How the limit works (by area, by period…) or where it is published.
    """

    limited: bool
    count: int | None = None
    note: str = ""

    def __attrs_post_init__(self) -> None:
        if self.count is not None:
            if not self.limited:
                raise FieldValueError("count", "an unlimited item has no count")
            if not 1 <= self.count <= 1_000_000:
                raise FieldValueError("count", f"must be 1–1000000 (got {self.count})")


@attrs.frozen
class Fee:
    """A fee and its basis (收费标准及依据).

    Args:
        name: What is charged for.
        amount_yuan: The amount in yuan, or ``None`` when it varies (see ``basis``).
        basis: The legal or pricing basis.
    """

    name: str = attrs.field(validator=not_blank)
    amount_yuan: float | None = None
    basis: str = ""

    def __attrs_post_init__(self) -> None:
        if self.amount_yuan is not None and self.amount_yuan < 0:
            raise FieldValueError("amount_yuan", f"must be >= 0 (got {self.amount_yuan})")


def _to_tiers(value: Iterable[HallTier | str]) -> tuple[HallTier, ...]:
    return tuple(to_enum(HallTier, v, "tiers") for v in to_tuple(value))


def _to_channels(value: Iterable[Channel | str]) -> tuple[Channel, ...]:
    return tuple(to_enum(Channel, v, "channels") for v in to_tuple(value))


def _to_objects(value: Iterable[ServiceObject | str]) -> tuple[ServiceObject, ...]:
    return tuple(to_enum(ServiceObject, v, "service_objects") for v in to_tuple(value))


def _to_delivery(value: Iterable[Delivery | str]) -> tuple[Delivery, ...]:
    return tuple(to_enum(Delivery, v, "delivery") for v in to_tuple(value))


def _to_scope(value: AnywhereScope | str) -> AnywhereScope:
    return to_enum(AnywhereScope, value, "anywhere_scope")


def _to_kind(value: HandlingKind | str) -> HandlingKind:
    return to_enum(HandlingKind, value, "handling_kind")


def _to_level(value: ItemLevel | str) -> ItemLevel:
    return to_enum(ItemLevel, value, "level")


@attrs.frozen
class ServiceItem:
    """A service item (政务服务事项) with the national element set.

    Args:
        code: The item's own code, the catalog key: the implementation code (实施编码) of a
            主项 or 子项, the handling-item code of a 业务办理项. A string: layouts differ by
            province.
        name: 事项名称.
        type: 事项类型, a code of the locality's item-type table (``"01"`` 行政许可 …
            ``"20"`` 公共服务).
        department: 主管部门 (competent department).
        implementing_body: 实施机关 (the body that decides).
        handling_kind: 办件类型.
        promised_limit_days: 承诺时限 in working days; 0 for 即办件.
        tiers: The hall tiers that may accept it (下沉 to town and village).
        legal_limit_days: 法定时限 in working days; ``None`` (left out) when the law sets
            none, as for many 公共服务 items.
        basic_code: 基本编码 of the national basic catalogue, if known.
        level: 主项, 子项 or 业务办理项.
        parent: The code of the 主项 or 子项 above it.
        legal_basis: 设定和实施依据.
        conditions: 受理条件.
        materials: 申请材料.
        steps: 办理流程, one step per entry.
        fees: 收费标准 and their basis; empty means free of charge.
        channels: Ways to apply.
        consult_phone: 咨询电话.
        complaint_phone: 投诉电话.
        form: The id of its application form, if it has one.
        service_objects: 服务对象: natural persons, legal persons, unincorporated
            organisations (empty: not stated).
        exercise_levels: 行使层级 per step (受理, 初审, 决定), if stated.
        place: 办理地点.
        hours: 办理时间.
        onsite_visits: 到现场次数 (跑动次数): how many times the applicant must come in
            person, 0–20 (0: 零跑动); ``None`` when not stated.
        anywhere_scope: 通办范围, if the item is handled anywhere within a region.
        result: 办理结果: what the applicant receives (a licence, a decision…).
        delivery: 送达方式 of the result.
        intermediary_services: 中介服务 needed before applying.
        special_procedures: 特别程序, whose time is not counted in the time limit.
        quantity_limit: 数量限制, if stated.
        illustrative: Names of fields whose values are invented examples, not sourced;
            each must be one of the item's elements.
        notes: Free text.

    Raises:
        FieldValueError: If the 承诺时限 exceeds the 法定时限, a 即办件 has a non-zero 承诺时限,
            no tier is given, a 主项 names a parent, a list repeats a value, an item with no
            visit (零跑动) has neither an online, mobile nor assisted channel or can only be
            collected at the window, or ``illustrative`` names no element.
    """

    code: str = attrs.field(validator=not_blank)
    name: str = attrs.field(validator=not_blank)
    type: str = attrs.field(validator=not_blank)
    department: str = attrs.field(validator=not_blank)
    implementing_body: str = attrs.field(validator=not_blank)
    handling_kind: HandlingKind = attrs.field(converter=_to_kind)
    promised_limit_days: int = attrs.field(validator=_days)
    tiers: tuple[HallTier, ...] = attrs.field(converter=_to_tiers)
    legal_limit_days: int | None = attrs.field(default=None, validator=_days)
    basic_code: str = ""
    level: ItemLevel = attrs.field(default=ItemLevel.MAIN, converter=_to_level)
    parent: str | None = None
    legal_basis: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    conditions: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    materials: tuple[Material, ...] = attrs.field(default=(), converter=to_tuple)
    steps: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    fees: tuple[Fee, ...] = attrs.field(default=(), converter=to_tuple)
    channels: tuple[Channel, ...] = attrs.field(default=(Channel.WINDOW,), converter=_to_channels)
    consult_phone: str = ""
    complaint_phone: str = ""
    form: str | None = None
    service_objects: tuple[ServiceObject, ...] = attrs.field(default=(), converter=_to_objects)
    exercise_levels: ExerciseLevels | None = None
    place: str = ""
    hours: str = ""
    onsite_visits: int | None = attrs.field(default=None, validator=_visits)
    anywhere_scope: AnywhereScope | None = attrs.field(
        default=None, converter=attrs.converters.optional(_to_scope)
    )
    result: str = ""
    delivery: tuple[Delivery, ...] = attrs.field(default=(), converter=_to_delivery)
    intermediary_services: tuple[IntermediaryService, ...] = attrs.field(
        default=(), converter=to_tuple
    )
    special_procedures: tuple[SpecialProcedure, ...] = attrs.field(default=(), converter=to_tuple)
    quantity_limit: QuantityLimit | None = None
    illustrative: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    notes: str = ""

    def __attrs_post_init__(self) -> None:
        self._check_limits()
        for name in ("channels", "service_objects", "delivery"):
            values = getattr(self, name)
            if len(set(values)) != len(values):
                raise FieldValueError(name, "must not repeat a value")
        self._check_visits()
        unknown = [name for name in self.illustrative if name not in _ITEM_FIELDS]
        if unknown:
            raise FieldValueError(
                "illustrative", f"names no element of an item: {', '.join(map(repr, unknown))}"
            )

    def _check_visits(self) -> None:
        if self.onsite_visits != 0:
            return
        if not {Channel.ONLINE, Channel.MOBILE, Channel.ASSISTED} & set(self.channels):
            raise FieldValueError(
                "onsite_visits",
                "an item with no visit (零跑动) needs an online, mobile or assisted channel",
            )
        if self.delivery and set(self.delivery) == {Delivery.WINDOW}:
            raise FieldValueError(
                "onsite_visits",
                "an item with no visit (零跑动) cannot deliver its result at the window only",
            )

    def _check_limits(self) -> None:
        if self.legal_limit_days is not None and self.promised_limit_days > self.legal_limit_days:
            raise FieldValueError(
                "promised_limit_days",
                f"承诺时限 {self.promised_limit_days} exceeds the 法定时限 "
                f"{self.legal_limit_days} of item {self.code!r}",
            )
        if self.handling_kind is HandlingKind.IMMEDIATE and self.promised_limit_days != 0:
            raise FieldValueError(
                "promised_limit_days",
                f"a 即办件 is handled on the spot: must be 0 (got {self.promised_limit_days})",
            )
        if not self.tiers:
            raise FieldValueError("tiers", "must name at least one hall tier")
        if len(set(self.tiers)) != len(self.tiers):
            raise FieldValueError("tiers", "must not repeat a tier")
        first: dict[str, int] = {}
        for index, material in enumerate(self.materials):
            if material.id and first.setdefault(material.id, index) != index:
                raise FieldValueError(
                    f"materials[{index}].id",
                    f"duplicate material id {material.id!r} "
                    f"(first at materials[{first[material.id]}])",
                )
        if self.level is ItemLevel.MAIN and self.parent is not None:
            raise FieldValueError("parent", "a 主项 has no parent")
        if self.level is not ItemLevel.MAIN and self.parent is None:
            raise FieldValueError("parent", f"a {self.level.label_zh} needs its parent's code")

    @property
    def free(self) -> bool:
        """Whether the item is free of charge."""
        return not self.fees

    @property
    def compression(self) -> float | None:
        """This item's 承诺时限压缩比 ``(法定 − 承诺) / 法定``, or ``None`` without a 法定时限."""
        if not self.legal_limit_days:
            return None
        return (self.legal_limit_days - self.promised_limit_days) / self.legal_limit_days

    def handled_at(self, tier: HallTier | str) -> bool:
        """Whether a hall of ``tier`` may accept this item."""
        return to_enum(HallTier, tier, "tier") in self.tiers

    @property
    def fully_online(self) -> bool:
        """全程网办: no visit in person (``onsite_visits == 0``) and an online or mobile channel."""
        return self.onsite_visits == 0 and bool(
            {Channel.ONLINE, Channel.MOBILE} & set(self.channels)
        )

    @property
    def special_procedure_days(self) -> int | None:
        """The most working days the 特别程序 may add, outside the time limit.

        ``0`` without special procedures; ``None`` when one of them states no period.
        """
        total = 0
        for procedure in self.special_procedures:
            if procedure.limit_days is None:
                return None
            total += procedure.limit_days
        return total

    def material(self, key: str) -> Material:
        """The material with this id, or else this name.

        Raises:
            KeyError: If the item has no such material.
        """
        for material in self.materials:
            if key and material.id == key:
                return material
        for material in self.materials:
            if material.name == key:
                return material
        raise KeyError(f"item {self.code!r} has no material {key!r}")

    def checklist(self) -> Checklist:
        """The 一次性告知 checklist: every material, grouped by what the applicant does.

        >>> item = ServiceItem(
        ...     code="X-1", name="示例", type="20", department="局", implementing_body="局",
        ...     handling_kind="immediate", promised_limit_days=0, tiers=["town"],
        ...     materials=[
        ...         Material(name="申请表", id="application_form"),
        ...         Material(name="户口簿", form="copy", count=2, deferrable=True),
        ...         Material(name="居民身份证", id="id_card", hall_fetches=True),
        ...         Material(name="委托书", required=False),
        ...     ],
        ... )
        >>> checklist = item.checklist()
        >>> [m.name for m in checklist.required], checklist.copies, checklist.deferrable
        (['申请表', '户口簿'], 3, 1)
        >>> [m.name for m in checklist.conditional], [m.name for m in checklist.exempt]
        (['委托书'], ['居民身份证'])
        """
        return Checklist(
            item=self,
            required=tuple(m for m in self.materials if m.required and not m.hall_fetches),
            conditional=tuple(m for m in self.materials if not m.required and not m.hall_fetches),
            exempt=tuple(m for m in self.materials if m.hall_fetches),
        )


_ITEM_FIELDS = frozenset(field.name for field in attrs.fields(ServiceItem))


@attrs.frozen
class Checklist:
    """An item's 一次性告知 checklist, from its materials (:meth:`ServiceItem.checklist`).

    Attributes:
        item: The item.
        required: Materials to bring in every case (容缺 ones among them, marked on each).
        conditional: Materials to bring only in the cases their note names.
        exempt: 免提交: materials the hall obtains itself.
    """

    item: ServiceItem
    required: tuple[Material, ...]
    conditional: tuple[Material, ...]
    exempt: tuple[Material, ...]

    @property
    def copies(self) -> int:
        """How many copies (份) of the required materials to bring."""
        return sum(m.count for m in self.required)

    @property
    def deferrable(self) -> int:
        """How many required materials may be brought later (容缺)."""
        return sum(1 for m in self.required if m.deferrable)

    def to_dict(self) -> dict[str, Any]:
        """The checklist as JSON-ready data: the item, the groups and the counts."""

        def material(m: Material) -> dict[str, Any]:
            return {
                "id": m.id or None,
                "name": m.name,
                "form": m.form.value,
                "count": m.count,
                "required": m.required,
                "source": m.source.value,
                "deferrable": m.deferrable,
                "hall_fetches": m.hall_fetches,
                "note": m.note,
            }

        return {
            "item": self.item.code,
            "name": self.item.name,
            "groups": {name: [material(m) for m in group] for name, group in self.groups()},
            "counts": {
                "materials": len(self.item.materials),
                "required": len(self.required),
                "copies": self.copies,
                "deferrable": self.deferrable,
                "conditional": len(self.conditional),
                "exempt": len(self.exempt),
            },
        }

    def groups(self) -> tuple[tuple[str, tuple[Material, ...]], ...]:
        """The non-empty groups as ``(name, materials)``: required, conditional, exempt."""
        groups = (
            ("required", self.required),
            ("conditional", self.conditional),
            ("exempt", self.exempt),
        )
        return tuple((name, materials) for name, materials in groups if materials)


@attrs.frozen
class ItemLocalization:
    """A layer's changes to an item an earlier layer defined.

    Only the fields given change; the result is checked as a whole, so a 承诺时限 longer than
    the 法定时限 is rejected.

    Args:
        code: The item to change.
        promised_limit_days: A new (usually shorter) 承诺时限.
        handling_kind: A new 办件类型 (a 承诺件 made 即办件).
        fees: New fees (an empty list makes it free).
        tiers: New tiers (a village may handle it).
        channels: New channels.
        form: A local form id.
        consult_phone: A local 咨询电话.
        complaint_phone: A local 投诉电话.
        materials: A local list of materials (the hall fetches more from shared data…).
        place: The local 办理地点.
        hours: The local 办理时间.
        onsite_visits: A new 到现场次数.
        anywhere_scope: A new 通办范围.
        delivery: New 送达方式.
        illustrative: Names of the changed fields that are invented examples.
        notes: Free text.
    """

    code: str = attrs.field(validator=not_blank)
    promised_limit_days: int | None = attrs.field(default=None, validator=_days)
    handling_kind: HandlingKind | None = attrs.field(
        default=None, converter=attrs.converters.optional(_to_kind)
    )
    fees: tuple[Fee, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(to_tuple)
    )
    tiers: tuple[HallTier, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(_to_tiers)
    )
    channels: tuple[Channel, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(_to_channels)
    )
    form: str | None = None
    consult_phone: str | None = None
    complaint_phone: str | None = None
    materials: tuple[Material, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(to_tuple)
    )
    place: str | None = None
    hours: str | None = None
    onsite_visits: int | None = attrs.field(default=None, validator=_visits)
    anywhere_scope: AnywhereScope | None = attrs.field(
        default=None, converter=attrs.converters.optional(_to_scope)
    )
    delivery: tuple[Delivery, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(_to_delivery)
    )
    illustrative: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    notes: str = ""

    _FIELDS = (
        "promised_limit_days",
        "handling_kind",
        "fees",
        "tiers",
        "channels",
        "form",
        "consult_phone",
        "complaint_phone",
        "materials",
        "place",
        "hours",
        "onsite_visits",
        "anywhere_scope",
        "delivery",
    )

    def changes(self) -> dict[str, object]:
        """The fields this localization sets."""
        return {
            name: getattr(self, name) for name in self._FIELDS if getattr(self, name) is not None
        }

    def apply(self, item: ServiceItem) -> ServiceItem:
        """Return ``item`` with these changes.

        Raises:
            FieldValueError: If the result is inconsistent (承诺时限 over 法定时限…).
        """
        changes = self.changes()
        if self.illustrative:
            changes["illustrative"] = tuple(dict.fromkeys((*item.illustrative, *self.illustrative)))
        return attrs.evolve(item, **changes)  # type: ignore[arg-type]


@attrs.frozen
class CodeRules:
    """Patterns (regular expressions, matched in full) for item codes in a layer.

    Args:
        basic: For ``basic_code``.
        implementation: For the ``code`` of a 主项 or 子项.
        handling: For the ``code`` of a 业务办理项.
        description: What the layout is, for error messages.
    """

    basic: str | None = None
    implementation: str | None = None
    handling: str | None = None
    description: str = ""

    def __attrs_post_init__(self) -> None:
        for name in ("basic", "implementation", "handling"):
            pattern = getattr(self, name)
            if pattern is None:
                continue
            try:
                re.compile(pattern)
            except re.error as exc:
                raise FieldValueError(name, f"not a valid regular expression: {exc}") from None

    def merged(self, later: CodeRules) -> CodeRules:
        """These rules with ``later``'s patterns taking precedence where given."""
        return CodeRules(
            basic=later.basic or self.basic,
            implementation=later.implementation or self.implementation,
            handling=later.handling or self.handling,
            description=later.description or self.description,
        )

    def check(self, item: ServiceItem) -> list[tuple[str, str]]:
        """The ``(field, message)`` problems of ``item``'s codes under these rules."""
        found: list[tuple[str, str]] = []
        own = self.handling if item.level is ItemLevel.HANDLING else self.implementation
        checks = [("code", item.code, own)]
        if item.basic_code:
            checks.append(("basic_code", item.basic_code, self.basic))
        for field, value, pattern in checks:
            if pattern is not None and not re.fullmatch(pattern, value):
                hint = f" ({self.description})" if self.description else ""
                found.append((field, f"{value!r} does not fit the layout {pattern!r}{hint}"))
        return found


@attrs.frozen
class ItemsDocument:
    """A layer's ``items.toml``.

    Args:
        items: Items this layer adds.
        localize: Changes to items of earlier layers.
        item_types: Extensions of the item-type table (code → name).
        code_rules: Code layouts for items added from this layer down.
        notes: Free text about the data (what is illustrative).
        sources: Where the data come from.
    """

    items: tuple[ServiceItem, ...] = attrs.field(default=(), converter=to_tuple)
    localize: tuple[ItemLocalization, ...] = attrs.field(default=(), converter=to_tuple)
    item_types: dict[str, str] = attrs.field(factory=dict)
    code_rules: CodeRules | None = None
    notes: str = ""
    sources: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)

    def __attrs_post_init__(self) -> None:
        unique(self.items, lambda i: i.code, "items", "item code")
        unique(self.localize, lambda i: i.code, "localize", "item code")


@attrs.frozen
class CatalogMetrics:
    """Metrics derived from a catalog's items.

    Attributes:
        items: How many items were counted (those without items below them).
        immediate: How many are 即办件.
        immediate_share: 即办件 share (即办率), 0–1; ``None`` for an empty catalog.
        legal_days: Σ法定时限 over items that have both limits.
        promised_days: Σ承诺时限 over the same items.
        compression: 承诺时限压缩比 ``(Σ法定 − Σ承诺) / Σ法定``; ``None`` when Σ法定 is 0.
        free_share: Share of items free of charge.
        by_tier: How many items each tier may accept.
        visits_stated: How many items state their 到现场次数.
        mean_visits: Mean 跑动次数 over those items; ``None`` when none states it.
        zero_visit_share: 零跑动 share (跑零次率) over those items, 0–1.
        fully_online_share: 全程网办 share over those items (no visit, an online or mobile
            channel), 0–1.
        anywhere_share: Share of items handled anywhere in some region (any 通办范围), 0–1;
            ``None`` for an empty catalog.
        anywhere_shares: For each 通办范围 (``nationwide`` … ``county``), the share of items
            with exactly that scope, 0–1; empty for an empty catalog.
    """

    items: int
    immediate: int
    immediate_share: float | None
    legal_days: int
    promised_days: int
    compression: float | None
    free_share: float | None
    by_tier: Mapping[str, int]
    visits_stated: int = 0
    mean_visits: float | None = None
    zero_visit_share: float | None = None
    fully_online_share: float | None = None
    anywhere_share: float | None = None
    anywhere_shares: Mapping[str, float] = attrs.field(factory=dict)


class Catalog:
    """The service items of one resolved locality.

    Get one from a resolved locality: ``registry.resolve(code).catalog``. Iterating yields
    items in layer order (national first, then in each file's order).

    Attributes:
        code: The locality's code.
        item_types: The effective item-type table (code → name).
        provenance: For each item code, the layer that added it.
        localized: For each item code, the layers that localized it, in order.
    """

    def __init__(
        self,
        code: DivisionCode,
        items: Iterable[ServiceItem],
        item_types: Mapping[str, str],
        provenance: Mapping[str, Provenance],
        localized: Mapping[str, tuple[Provenance, ...]],
    ) -> None:
        self.code = code
        self._items = {item.code: item for item in items}
        self.item_types: Mapping[str, str] = dict(item_types)
        self.provenance: Mapping[str, Provenance] = dict(provenance)
        self.localized: Mapping[str, tuple[Provenance, ...]] = dict(localized)

    def __iter__(self) -> Iterator[ServiceItem]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, code: object) -> bool:
        return code in self._items

    def get(self, code: str) -> ServiceItem:
        """The item with this code.

        Raises:
            KeyError: If the catalog has no such item (the message lists a few codes).
        """
        try:
            return self._items[code]
        except KeyError:
            sample = ", ".join(list(self._items)[:5])
            raise KeyError(f"no service item {code!r} in {self.code} (e.g. {sample})") from None

    def type_name(self, item: ServiceItem) -> str:
        """The name of the item's type (行政许可…)."""
        return self.item_types.get(item.type, item.type)

    def filter(
        self,
        *,
        tier: HallTier | str | None = None,
        type: str | None = None,  # noqa: A002 - the element's name
        department: str | None = None,
        handling_kind: HandlingKind | str | None = None,
    ) -> tuple[ServiceItem, ...]:
        """The items matching every criterion given.

        Args:
            tier: Items a hall of this tier may accept.
            type: Items of this type code.
            department: Items of this competent department.
            handling_kind: Items of this 办件类型.
        """
        wanted_tier = to_enum(HallTier, tier, "tier") if tier is not None else None
        wanted_kind = (
            to_enum(HandlingKind, handling_kind, "handling_kind")
            if handling_kind is not None
            else None
        )
        return tuple(
            item
            for item in self._items.values()
            if (wanted_tier is None or wanted_tier in item.tiers)
            and (type is None or item.type == type)
            and (department is None or item.department == department)
            and (wanted_kind is None or item.handling_kind is wanted_kind)
        )

    def metrics(self, items: Iterable[ServiceItem] | None = None) -> CatalogMetrics:
        """Metrics computed from the items (all, or those given, e.g. a filter's result).

        An item that has 子项 or 业务办理项 below it in the catalog is counted through them,
        not itself, so that no case is counted twice.
        """
        parents = {item.parent for item in self._items.values() if item.parent is not None}
        pool = self._items.values() if items is None else items
        chosen = [item for item in pool if item.code not in parents]
        n = len(chosen)
        immediate = sum(1 for i in chosen if i.handling_kind is HandlingKind.IMMEDIATE)
        limited = [i for i in chosen if i.legal_limit_days is not None]
        legal = sum(i.legal_limit_days or 0 for i in limited)
        promised = sum(i.promised_limit_days for i in limited)
        visits = [i.onsite_visits for i in chosen if i.onsite_visits is not None]
        stated = len(visits)
        scoped = [i.anywhere_scope for i in chosen if i.anywhere_scope is not None]
        return CatalogMetrics(
            items=n,
            immediate=immediate,
            immediate_share=immediate / n if n else None,
            legal_days=legal,
            promised_days=promised,
            compression=(legal - promised) / legal if legal else None,
            free_share=sum(1 for i in chosen if i.free) / n if n else None,
            by_tier={t.value: sum(1 for i in chosen if t in i.tiers) for t in HallTier},
            visits_stated=stated,
            mean_visits=sum(visits) / stated if stated else None,
            zero_visit_share=visits.count(0) / stated if stated else None,
            fully_online_share=(
                sum(1 for i in chosen if i.fully_online) / stated if stated else None
            ),
            anywhere_share=len(scoped) / n if n else None,
            anywhere_shares=(
                {scope.value: scoped.count(scope) / n for scope in AnywhereScope} if n else {}
            ),
        )
