"""The default column mappings: national element names → the library's fields.

The headings are the element names of the national 政务服务事项 catalogue and 办事指南 as
provincial platforms export them (事项名称, 事项编码, 事项类型, 法定办结时限, 承诺办结时限,
办件类型, 行使层级 …), and the usual headings of county hall, window, assessment and 好差评
registers. Each column also answers to its English heading and to the field's own name.
:func:`tables` lists them all; the reference page of the documentation is built from them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from govservice_std.evaluation.reviews import Disposition, ReviewLevel
from govservice_std.halls import HallTier, WindowKind
from govservice_std.items import (
    NATIONAL_ITEM_TYPES,
    AdministrativeLevel,
    AnywhereScope,
    Channel,
    Delivery,
    HandlingKind,
    ItemLevel,
    MaterialSource,
    ServiceObject,
)
from govservice_std.spreadsheets import cells as c
from govservice_std.spreadsheets.cells import Parser
from govservice_std.spreadsheets.tables import ColumnSpec, TableSpec

__all__ = [
    "ANSWERS",
    "ASSESSMENT_KEYS",
    "FEES",
    "HALLS",
    "MATERIALS",
    "METRICS",
    "REVIEWS",
    "WINDOWS",
    "items_table",
    "reference_markdown",
    "tables",
]

ASSESSMENT_KEYS = ("date", "assessor", "period")
"""Answer-sheet columns that describe the whole assessment of a hall, not one answer."""


def _enum_names(members: Mapping[str, str], **extra: str) -> dict[str, str]:
    return {**members, **{v: v for v in members.values()}, **extra}


_KIND = c.enum_parser(
    _enum_names(
        {k.label_zh: k.value for k in HandlingKind},
        即办="immediate",
        承诺="promised",
        联办="joint",
        上报="referred",
        报批="referred",
        急办="urgent",
    ),
    "办件类型",
    "handling kind",
)
_LEVEL = c.enum_parser(
    _enum_names({lv.label_zh: lv.value for lv in ItemLevel}, 办理项="handling"),
    "事项层级",
    "item level",
)
_MATERIAL_FORM = c.enum_parser(
    _enum_names(
        {
            "原件": "original",
            "复印件": "copy",
            "原件及复印件": "original_and_copy",
            "原件和复印件": "original_and_copy",
            "电子材料": "electronic",
            "电子版": "electronic",
            "电子证照": "electronic",
        }
    ),
    "材料形式",
    "material form",
)
_TIER_WORDS = {
    "省级": "county",
    "市级": "county",
    "县级": "county",
    "区级": "county",
    "县(市、区)级": "county",
    "乡级": "town",
    "镇级": "town",
    "乡镇级": "town",
    "乡镇(街道)级": "town",
    "街道": "town",
    "村级": "village",
    "村(社区)级": "village",
    "社区": "village",
    **{t.value: t.value for t in HallTier},
    **{t.label_zh: t.value for t in HallTier},
}
_CHANNEL_WORDS = {
    "窗口办理": "window",
    "窗口": "window",
    "网上办理": "online",
    "网上办": "online",
    "网办": "online",
    "全程网办": "online",
    "掌上办": "mobile",
    "掌上办理": "mobile",
    "移动端": "mobile",
    "自助终端": "self_service",
    "自助办": "self_service",
    "帮办代办": "assisted",
    "代办": "assisted",
    **{ch.value: ch.value for ch in Channel},
}

_MATERIAL_SOURCE = c.enum_parser(
    _enum_names(
        {
            "申请人自备": "applicant",
            "自备": "applicant",
            "申请人自行准备": "applicant",
            "政府部门核发": "government",
            "政府部门出具": "government",
            "中介机构出具": "intermediary",
            "中介机构": "intermediary",
            "其他": "other",
            **{s.value: s.value for s in MaterialSource},
        }
    ),
    "材料来源",
    "material source",
)
_OBJECT_WORDS = {
    "自然人": "natural_person",
    "个人": "natural_person",
    "法人": "legal_person",
    "企业法人": "legal_person",
    "事业单位法人": "legal_person",
    "社会组织法人": "legal_person",
    "机关法人": "legal_person",
    "非法人组织": "unincorporated",
    "非法人企业": "unincorporated",
    "其他组织": "unincorporated",
    **{o.value: o.value for o in ServiceObject},
}
_ADMIN_LEVEL = c.enum_parser(
    _enum_names(
        {
            "国家级": "national",
            "省级": "provincial",
            "市级": "municipal",
            "设区的市级": "municipal",
            "县级": "county",
            "区级": "county",
            "县(市、区)级": "county",
            "乡级": "town",
            "镇级": "town",
            "乡镇级": "town",
            "街道级": "town",
            "乡(镇、街道)级": "town",
            "村级": "village",
            "社区级": "village",
            "村(社区)级": "village",
            **{lv.value: lv.value for lv in AdministrativeLevel},
        }
    ),
    "行使层级",
    "exercise level",
)
_SCOPE = c.enum_parser(
    _enum_names(
        {
            "全国通办": "nationwide",
            "全国": "nationwide",
            "跨省通办": "cross_province",
            "跨省": "cross_province",
            "省内通办": "province",
            "全省通办": "province",
            "省内": "province",
            "市内通办": "city",
            "全市通办": "city",
            "市内": "city",
            "县内通办": "county",
            "全县通办": "county",
            "县内": "county",
            **{sc.value: sc.value for sc in AnywhereScope},
        }
    ),
    "通办范围",
    "scope",
)
_NOT_ANYWHERE = {"无", "否", "不通办", "非通办"}
_DELIVERY_WORDS = {
    "窗口领取": "window",
    "现场领取": "window",
    "窗口送达": "window",
    "自取": "window",
    "邮寄": "post",
    "邮寄送达": "post",
    "快递": "post",
    "快递送达": "post",
    "ems": "post",
    "电子送达": "electronic",
    "网上下载": "electronic",
    "在线下载": "electronic",
    "电子证照": "electronic",
    **{d.value: d.value for d in Delivery},
}


def _list_of(words: Mapping[str, str], what: str, what_en: str) -> Parser:
    one = c.enum_parser(words, what, what_en)

    def parse(value: object) -> list[str]:
        return list(dict.fromkeys(one(part) for part in c.split_list(value, "、，,/ ")))

    return parse


def _lines(value: object) -> list[str]:
    return c.split_list(value)


def _words(value: object) -> list[str]:
    return c.split_list(value, "、，, ")


_FREE = {"不收费", "免费", "无", "否", "0", "免收", "不收取"}


def _fees(value: object) -> list[dict[str, object]]:
    """A 收费标准 cell: 不收费 / 免费 → free; otherwise one fee per line, named by it."""
    text = c.text(value)
    if c.half_width(text).strip() in _FREE:
        return []
    return [{"name": line} for line in c.split_list(text)]


def _anywhere(value: object) -> str | None:
    """A 通办范围 cell: 全国通办 … 县内通办; 无 / 否 / 不通办 for none."""
    if c.half_width(c.text(value)).strip() in _NOT_ANYWHERE:
        return None
    return str(_SCOPE(value))


def _visits(value: object) -> int:
    """A 到现场次数 cell: ``1``, ``"1次"``, ``"0次"``, ``"零跑动"``, ``"最多跑一次"``."""
    raw = re.sub(r"\s+", "", c.half_width(c.text(value)))
    words = {"零跑动": 0, "零次": 0, "不用跑": 0, "最多跑一次": 1, "一次": 1, "两次": 2}
    if raw in words:
        return words[raw]
    return c.integer(raw.removesuffix("次"))


_SPECIAL = re.compile(r"(.+?)[(（]\s*(?:不超过|最长|最多)?\s*(\d+)\s*个?工作日\s*[)）]")


def _special_procedures(value: object) -> list[dict[str, object]]:
    """A 特别程序 cell: one per line, a period in working days after it in brackets."""
    found: list[dict[str, object]] = []
    for line in c.split_list(value):
        if c.half_width(line).strip() in _FREE:
            continue
        match = _SPECIAL.fullmatch(c.half_width(line))
        if match is None:
            found.append({"name": line})
        else:
            # half_width keeps each character's place: the name is cut from the cell as typed.
            name = line[: match.end(1)].strip()
            found.append({"name": name, "limit_days": int(match.group(2))})
    return found


def _intermediary(value: object) -> list[dict[str, object]]:
    """A 中介服务 cell: one service per line; 无 for none."""
    text = c.text(value)
    if c.half_width(text).strip() in _FREE:
        return []
    return [{"name": line} for line in c.split_list(text)]


_UNLIMITED = {"无", "否", "无数量限制", "不限", "不限制", "没有"}
_LIMITED = {"有", "是", "有数量限制"}


def _quantity(value: object) -> dict[str, object]:
    """A 数量限制 cell: 无 (none), 有, a number, or a description of the limit."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"limited": True, "count": c.integer(value)}
    text = c.half_width(c.text(value)).strip()
    if text in _UNLIMITED:
        return {"limited": False}
    if text in _LIMITED:
        return {"limited": True}
    if text.isdigit():
        return {"limited": True, "count": int(text)}
    return {"limited": True, "note": c.text(value)}


def _materials(value: object) -> list[dict[str, object]]:
    """A 申请材料 cell: one material per line (original, one copy)."""
    return [{"name": line} for line in c.split_list(value)]


def _col(
    key: str,
    headings: str,
    heading_en: str,
    parse: Parser,
    description: str,
    *,
    required: bool = False,
) -> ColumnSpec:
    return ColumnSpec(
        key=key,
        headings=tuple(headings.split("|")),
        heading_en=heading_en,
        parse=parse,
        required=required,
        description=description,
    )


def items_table(types: Mapping[str, str] = NATIONAL_ITEM_TYPES) -> TableSpec:
    """The 事项清单 table, its 事项类型 column knowing the item types ``types``."""
    type_parser = c.enum_parser(
        {**{name: code for code, name in types.items()}, **{code: code for code in types}},
        "事项类型",
        "item type",
        pad=2,
    )
    return TableSpec(
        name="items",
        sheets=("事项清单", "政务服务事项", "事项目录", "实施清单"),
        sheet_en="items",
        description="事项清单",
        columns=(
            _col(
                "code",
                "事项编码|实施编码|业务办理项编码|事项代码",
                "code",
                c.code,
                "the item's own code (实施编码 / 业务办理项编码)",
                required=True,
            ),
            _col(
                "name",
                "事项名称|实施事项名称|业务办理项名称",
                "name",
                c.text,
                "事项名称",
                required=True,
            ),
            _col(
                "type",
                "事项类型|事项类别",
                "type",
                type_parser,
                "code (01…20) or name (行政许可…) of the item type",
                required=True,
            ),
            _col(
                "department",
                "主管部门|主管部门名称",
                "department",
                c.text,
                "主管部门",
                required=True,
            ),
            _col(
                "implementing_body",
                "实施主体|实施机关|实施主体名称|实施部门",
                "implementing body",
                c.text,
                "实施主体",
                required=True,
            ),
            _col(
                "handling_kind",
                "办件类型",
                "handling kind",
                _KIND,
                "即办件, 承诺件, 联办件, 报批件 or 急办件",
                required=True,
            ),
            _col(
                "promised_limit_days",
                "承诺办结时限|承诺时限|承诺期限",
                "promised limit (days)",
                c.days,
                "working days; 即办 is 0",
                required=True,
            ),
            _col(
                "tiers",
                "行使层级|办理层级|受理层级",
                "tiers",
                _list_of(_TIER_WORDS, "行使层级", "tier"),
                "县级、镇级、村级 (or county, town, village)",
                required=True,
            ),
            _col(
                "legal_limit_days",
                "法定办结时限|法定时限|法定期限",
                "legal limit (days)",
                c.days,
                "working days; empty when the law sets none",
            ),
            _col("basic_code", "基本编码|目录编码", "basic code", c.code, "基本编码"),
            _col("level", "事项层级|事项级别", "level", _LEVEL, "主项, 子项 or 业务办理项"),
            _col(
                "parent",
                "上级事项编码|所属事项编码|父项编码",
                "parent",
                c.code,
                "the code of the 主项 or 子项 above",
            ),
            _col(
                "legal_basis",
                "设定依据|设定和实施依据|实施依据|法律依据",
                "legal basis",
                _lines,
                "one per line",
            ),
            _col("conditions", "受理条件|申请条件", "conditions", _lines, "one per line"),
            _col(
                "materials",
                "申请材料|申请材料目录",
                "materials",
                _materials,
                "one per line; the 申请材料 sheet gives more detail",
            ),
            _col("steps", "办理流程|办理程序|办事流程", "steps", _lines, "one step per line"),
            _col(
                "fees",
                "收费标准|是否收费|收费情况",
                "fees",
                _fees,
                "不收费 / 免费, or one fee per line; the 收费项目 sheet gives amounts",
            ),
            _col(
                "channels",
                "办理渠道|办理形式|申请方式",
                "channels",
                _list_of(_CHANNEL_WORDS, "办理渠道", "channel"),
                "窗口办理、网上办理、掌上办…",
            ),
            _col("consult_phone", "咨询电话|咨询方式", "consult phone", c.text, "咨询电话"),
            _col(
                "complaint_phone",
                "监督投诉电话|投诉电话|监督投诉方式",
                "complaint phone",
                c.text,
                "投诉电话",
            ),
            _col(
                "form",
                "申请表单|表单编号|申请表",
                "form",
                c.code,
                "the id of the item's form in forms/",
            ),
            _col(
                "service_objects",
                "服务对象|面向对象",
                "service objects",
                _list_of(_OBJECT_WORDS, "服务对象", "service object"),
                "自然人、法人、非法人组织",
            ),
            _col(
                "exercise_levels.accept",
                "受理行使层级|行使层级(受理)|受理环节行使层级",
                "accepted at",
                _ADMIN_LEVEL,
                "行使层级 of 受理: 国家级, 省级, 市级, 县级, 乡级 or 村级",
            ),
            _col(
                "exercise_levels.review",
                "初审行使层级|行使层级(初审)|初审环节行使层级",
                "first reviewed at",
                _ADMIN_LEVEL,
                "行使层级 of 初审",
            ),
            _col(
                "exercise_levels.decide",
                "决定行使层级|行使层级(决定)|决定环节行使层级",
                "decided at",
                _ADMIN_LEVEL,
                "行使层级 of 决定",
            ),
            _col("place", "办理地点|受理地点", "place", c.text, "办理地点"),
            _col("hours", "办理时间|受理时间", "hours", c.text, "办理时间"),
            _col(
                "onsite_visits",
                "到现场次数|到办事现场次数|跑动次数",
                "visits in person",
                _visits,
                "0–20 (1, 1次, 零跑动, 最多跑一次)",
            ),
            _col(
                "anywhere_scope",
                "通办范围",
                "handled anywhere",
                _anywhere,
                "全国通办, 跨省通办, 省内通办, 市内通办, 县内通办, or 无",
            ),
            _col("result", "办理结果|审批结果|结果名称|审批结果名称", "result", c.text, "办理结果"),
            _col(
                "delivery",
                "送达方式|结果送达方式",
                "delivery",
                _list_of(_DELIVERY_WORDS, "送达方式", "delivery"),
                "窗口领取、邮寄、电子送达",
            ),
            _col(
                "intermediary_services",
                "中介服务|中介服务事项",
                "intermediary services",
                _intermediary,
                "one per line; 无 for none",
            ),
            _col(
                "special_procedures",
                "特别程序|特殊环节|特别程序及时限",
                "special procedures",
                _special_procedures,
                "one per line, the period after it: 专家评审（20个工作日）; 无 for none",
            ),
            _col(
                "quantity_limit",
                "数量限制|有无数量限制",
                "quantity limit",
                _quantity,
                "无, 有, a number, or a description",
            ),
            _col(
                "illustrative",
                "示例字段|说明用途字段",
                "illustrative",
                _words,
                "names of fields whose values are invented examples",
            ),
            _col("notes", "备注", "notes", c.text, "备注"),
        ),
    )


MATERIALS = TableSpec(
    name="materials",
    sheets=("申请材料", "材料清单", "申请材料目录"),
    sheet_en="materials",
    description="申请材料",
    columns=(
        _col(
            "item",
            "事项编码|实施编码|业务办理项编码",
            "item code",
            c.code,
            "the item the material belongs to",
            required=True,
        ),
        _col("name", "材料名称|申请材料名称", "name", c.text, "材料名称", required=True),
        _col(
            "id",
            "材料编号|材料标识|材料代码",
            "id",
            c.code,
            "a short id (id_card) by which a form's attachment names it",
        ),
        _col(
            "form",
            "材料形式|材料类型|提交形式",
            "form",
            _MATERIAL_FORM,
            "原件, 复印件, 原件及复印件 or 电子材料",
        ),
        _col("count", "份数|材料份数|数量", "count", c.integer, "how many copies"),
        _col("required", "是否必要|必要性|是否必需", "required", c.boolean, "是 / 否"),
        _col(
            "source",
            "材料来源|来源渠道",
            "source",
            _MATERIAL_SOURCE,
            "申请人自备, 政府部门核发, 中介机构出具 or 其他",
        ),
        _col(
            "deferrable",
            "是否容缺|容缺受理|可容缺",
            "deferrable",
            c.boolean,
            "是 when it may be brought later (容缺)",
        ),
        _col(
            "hall_fetches",
            "免提交|是否免提交",
            "hall fetches",
            c.boolean,
            "是 when the hall obtains it itself",
        ),
        _col("note", "备注|填报说明|材料说明", "note", c.text, "备注"),
    ),
)

FEES = TableSpec(
    name="fees",
    sheets=("收费项目", "收费标准"),
    sheet_en="fees",
    description="收费项目",
    columns=(
        _col(
            "item",
            "事项编码|实施编码|业务办理项编码",
            "item code",
            c.code,
            "the item the fee belongs to",
            required=True,
        ),
        _col("name", "收费项目|收费项目名称", "name", c.text, "收费项目名称", required=True),
        _col(
            "amount_yuan",
            "收费金额(元)|收费金额|收费标准(元)|金额(元)",
            "amount (yuan)",
            c.number,
            "the amount in yuan; empty when it varies",
        ),
        _col("basis", "收费依据", "basis", c.text, "收费依据"),
    ),
)

_TIER = c.enum_parser(
    _enum_names(
        {t.label_zh: t.value for t in HallTier}, 县级="county", 镇级="town", 村级="village"
    ),
    "大厅层级",
    "hall tier",
)
_WINDOW_KIND = c.enum_parser(
    _enum_names(
        {k.label_zh: k.value for k in WindowKind},
        绿色通道="green_channel",
        综合受理窗口="comprehensive",
        自助终端="self_service",
    ),
    "窗口类型",
    "window kind",
)

HALLS = TableSpec(
    name="halls",
    sheets=("大厅", "服务大厅", "大厅信息"),
    sheet_en="halls",
    description="大厅",
    columns=(
        _col(
            "code",
            "大厅编码|场所编码|编码",
            "code",
            c.code,
            "the hall's code (its division code by custom)",
            required=True,
        ),
        _col("name", "大厅名称|场所名称|名称", "name", c.text, "大厅名称", required=True),
        _col(
            "tier",
            "大厅层级|层级|场所类型",
            "tier",
            _TIER,
            "政务服务中心, 便民服务中心 or 便民服务站",
            required=True,
        ),
        _col(
            "division",
            "区划代码|行政区划代码|统计用区划代码",
            "division",
            c.code,
            "6, 9 or 12 digits",
            required=True,
        ),
        _col("parent", "上级大厅编码|上级编码", "parent", c.code, "the hall above"),
        _col("address", "地址|大厅地址|办公地址", "address", c.text, "地址"),
        _col("contact.phone", "咨询电话|联系电话", "phone", c.text, "咨询电话"),
        _col(
            "contact.complaint_phone",
            "投诉电话|监督投诉电话",
            "complaint phone",
            c.text,
            "投诉电话",
        ),
        _col(
            "illustrative",
            "示例字段|说明用途字段",
            "illustrative",
            _words,
            "names of fields whose values are invented examples",
        ),
        _col("notes", "备注", "notes", c.text, "备注"),
    ),
)

WINDOWS = TableSpec(
    name="windows",
    sheets=("窗口", "窗口设置", "窗口信息"),
    sheet_en="windows",
    description="窗口",
    columns=(
        _col("hall", "大厅编码|场所编码", "hall", c.code, "the hall of the window", required=True),
        _col("code", "窗口编号|窗口编码", "code", c.code, "窗口编号", required=True),
        _col(
            "kind",
            "窗口类型|窗口类别",
            "kind",
            _WINDOW_KIND,
            "综合窗口, 专业窗口, 自助服务终端 or 绿色通道窗口",
            required=True,
        ),
        _col(
            "lines",
            "业务类别|业务线|叫号类别",
            "lines",
            _words,
            "the business lines it serves, in order (A、B)",
        ),
        _col("name", "窗口名称", "name", c.text, "窗口名称"),
        _col("department", "进驻部门|所属部门", "department", c.text, "进驻部门"),
    ),
)


def _criterion(value: object) -> str:
    return c.code(value)


def _level_text(value: object) -> str:
    return c.half_width(c.text(value)).strip()


ANSWERS = TableSpec(
    name="answers",
    sheets=("评估", "评估结果", "评估表", "自评表"),
    sheet_en="answers",
    description="评估",
    columns=(
        _col("hall", "大厅编码|被评估大厅编码", "hall", c.code, "the hall assessed", required=True),
        _col("date", "评估日期", "date", c.date, "the assessment's date"),
        _col("assessor", "评估单位|评估人", "assessor", c.text, "who assessed"),
        _col("period", "评估期间|评估周期", "period", c.text, "the period covered"),
        _col(
            "criterion",
            "指标编号|评估指标编号|指标代码",
            "criterion",
            _criterion,
            "the criterion's id (HC-01…)",
            required=True,
        ),
        _col("met", "是否达标|是否符合", "met", c.boolean, "是 / 否, for a check criterion"),
        _col("level", "评定等级|等级", "level", _level_text, "the level, for a graded criterion"),
        _col(
            "value",
            "实测值|测量值|数值",
            "value",
            c.number,
            "the measured value, for a metric criterion",
        ),
        _col("notes", "评估说明|说明|备注", "notes", c.text, "what the assessor saw"),
        _col("evidence", "佐证材料|证明材料", "evidence", _lines, "one reference per line"),
    ),
)

METRICS = TableSpec(
    name="metrics",
    sheets=("数据指标", "指标数据"),
    sheet_en="metrics",
    description="数据指标",
    columns=(
        _col("hall", "大厅编码", "hall", c.code, "the hall (empty: every hall assessed)"),
        _col(
            "metric",
            "指标名称|数据指标",
            "metric",
            c.code,
            "the metric's name (reviews.satisfaction_rate…)",
            required=True,
        ),
        _col("value", "数值|指标值", "value", c.number, "the value (95% or 0.95)", required=True),
    ),
)

_REVIEW_LEVEL = c.enum_parser(
    _enum_names({lv.label_zh: lv.value for lv in ReviewLevel}), "评价等级", "review level"
)
_REVIEW_CHANNEL = c.enum_parser(
    _enum_names(
        {
            "现场": "on_site",
            "现场评价": "on_site",
            "评价器": "on_site",
            "网上": "online",
            "网上评价": "online",
            "移动端": "mobile",
            "掌上": "mobile",
            "电话": "hotline",
            "热线": "hotline",
            "12345": "hotline",
            "短信": "sms",
            "短信评价": "sms",
        }
    ),
    "评价渠道",
    "review channel",
)
_DISPOSITION = c.enum_parser(
    _enum_names({d.label_zh: d.value for d in Disposition}), "处置方式", "disposition"
)

REVIEWS = TableSpec(
    name="reviews",
    sheets=("好差评", "评价记录", "评价明细"),
    sheet_en="reviews",
    description="好差评",
    columns=(
        _col("id", "评价编号|评价流水号", "id", c.code, "评价编号", required=True),
        _col(
            "level",
            "评价等级|评价结果",
            "level",
            _REVIEW_LEVEL,
            "非常满意 … 非常不满意",
            required=True,
        ),
        _col(
            "channel",
            "评价渠道|评价方式",
            "channel",
            _REVIEW_CHANNEL,
            "现场, 网上, 移动端, 电话, 短信",
            required=True,
        ),
        _col("date", "评价日期|评价时间", "date", c.date, "评价日期", required=True),
        _col("hall", "大厅编码", "hall", c.code, "the hall"),
        _col("window", "窗口编号", "window", c.code, "the window"),
        _col("ticket", "取号号码|排队号", "ticket", c.code, "the queue ticket"),
        _col("item", "事项编码", "item", c.code, "the item"),
        _col("staff", "工作人员|被评价人", "staff", c.text, "the staff member"),
        _col("comment", "评价内容|评价意见", "comment", c.text, "what the reviewer wrote"),
        _col(
            "follow_up.contacted",
            "回访日期",
            "contacted",
            c.date,
            "when the reviewer was called back",
        ),
        _col(
            "follow_up.disposition",
            "处置方式|整改方式",
            "disposition",
            _DISPOSITION,
            "立行立改, 限期整改, 解释说明 or 申诉复核",
        ),
        _col("follow_up.closed", "办结日期|整改完成日期", "closed", c.date, "when it was closed"),
        _col("follow_up.handler", "处置人|责任人", "handler", c.text, "who handled it"),
        _col("follow_up.notes", "处置情况|整改情况", "follow-up notes", c.text, "what was done"),
    ),
)


def tables() -> tuple[TableSpec, ...]:
    """Every table the importers read, with the national item types."""
    return (items_table(), MATERIALS, FEES, HALLS, WINDOWS, ANSWERS, METRICS, REVIEWS)


def reference_markdown() -> str:
    """The column-mapping reference as Markdown: one section and table per table."""
    out: list[str] = []
    for table in tables():
        out.append(f"### {table.sheets[0]} (`{table.name}`)\n")
        out.append(f"Sheet names: {'、'.join(table.sheets)}, or `{table.sheet_en}`.\n")
        out.append("| Field | Headings | English heading | Required | Contents |")
        out.append("| --- | --- | --- | --- | --- |")
        out.extend(
            f"| `{c.key}` | {'、'.join(c.headings)} | {c.heading_en} | "
            f"{'yes' if c.required else ''} | {c.description} |"
            for c in table.columns
        )
        out.append("")
    return "\n".join(out)
