"""Workbooks made the way counties' files look, for the import tests.

:func:`platform_workbook` writes a 事项清单 as provincial platforms export one: a merged
title row above the headings, the national element names as headings, departments merged
over consecutive rows, limits written as text ("20个工作日"), some digits full-width, codes
and phone numbers typed as numbers, a blank row, and materials and fees on their own
sheets.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import attrs
import openpyxl

from govservice_std.items import NATIONAL_ITEM_TYPES, ServiceItem

ITEM_HEADINGS = (
    "序号",
    "事项编码",
    "事项名称",
    "基本编码",
    "事项类型",
    "事项层级",
    "上级事项编码",
    "主管部门",
    "实施主体",
    "办件类型",
    "法定办结时限",
    "承诺办结时限",
    "行使层级",
    "设定依据",
    "受理条件",
    "办理流程",
    "办理渠道",
    "咨询电话",
    "监督投诉电话",
    "申请表单",
    "服务对象",
    "受理行使层级",
    "初审行使层级",
    "决定行使层级",
    "办理地点",
    "办理时间",
    "到现场次数",
    "通办范围",
    "办理结果",
    "送达方式",
    "中介服务",
    "特别程序",
    "数量限制",
    "示例字段",
    "备注",
)
_OBJECT_ZH = {"natural_person": "自然人", "legal_person": "法人", "unincorporated": "非法人组织"}
_LEVEL_ZH = {"national": "国家级", "provincial": "省级", "municipal": "市级", "county": "县级",
             "town": "乡（镇、街道）级", "village": "村（社区）级"}  # fmt: skip
_SCOPE_ZH = {"nationwide": "全国通办", "cross_province": "跨省通办", "province": "省内通办",
             "city": "市内通办", "county": "县内通办"}  # fmt: skip
_DELIVERY_ZH = {"window": "窗口领取", "post": "邮寄", "electronic": "电子送达"}
_SOURCE_ZH = {"applicant": "申请人自备", "government": "政府部门核发",
              "intermediary": "中介机构出具", "other": "其他"}  # fmt: skip
_TIER_ZH = {"county": "县级", "town": "镇级", "village": "村级"}
_CHANNEL_ZH = {
    "window": "窗口办理",
    "online": "网上办理",
    "mobile": "掌上办",
    "self_service": "自助终端",
    "assisted": "帮办代办",
}
_FORM_ZH = {
    "original": "原件",
    "copy": "复印件",
    "original_and_copy": "原件及复印件",
    "electronic": "电子材料",
}
_FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def _days(value: int | None, index: int) -> object:
    if value is None:
        return None
    if value == 0:
        return "即办"
    # The platforms' exports mix numbers, numbers stored as text and full-width digits.
    return [value, f"{value}个工作日", str(value).translate(_FULL), float(value)][index % 4]


def _phone(value: str) -> object:
    return int(value) if value.isdigit() else value


def item_row(item: ServiceItem, index: int) -> list[object]:
    kind_zh = {"immediate": "即办件", "promised": "承诺件", "joint": "联办件",
               "referred": "报批件", "urgent": "急办件"}  # fmt: skip
    level_zh = {"main": "主项", "sub": "子项", "handling": "业务办理项"}
    type_cell: object = NATIONAL_ITEM_TYPES.get(item.type, None) or int(item.type)
    return [
        index + 1,
        item.code,
        item.name,
        item.basic_code or None,
        type_cell,
        level_zh[item.level.value],
        item.parent,
        item.department,
        item.implementing_body,
        kind_zh[item.handling_kind.value],
        _days(item.legal_limit_days, index),
        _days(item.promised_limit_days, index + 1),
        "、".join(_TIER_ZH[t.value] for t in item.tiers),
        "\n".join(item.legal_basis) or None,
        "\n".join(item.conditions) or None,
        "\n".join(item.steps) or None,
        "、".join(_CHANNEL_ZH[c.value] for c in item.channels),
        _phone(item.consult_phone) if item.consult_phone else None,
        _phone(item.complaint_phone) if item.complaint_phone else None,
        item.form,
        "、".join(_OBJECT_ZH[o.value] for o in item.service_objects) or None,
        *_levels(item),
        item.place or None,
        item.hours or None,
        None
        if item.onsite_visits is None
        else [item.onsite_visits, f"{item.onsite_visits}次"][index % 2],
        _SCOPE_ZH[item.anywhere_scope.value] if item.anywhere_scope else ["无", None][index % 2],
        item.result or None,
        "、".join(_DELIVERY_ZH[d.value] for d in item.delivery) or None,
        "\n".join(s.name for s in item.intermediary_services) or None,
        "\n".join(
            p.name if p.limit_days is None else f"{p.name}（{p.limit_days}个工作日）"
            for p in item.special_procedures
        )
        or None,
        _quantity(item),
        "、".join(item.illustrative) or None,
        item.notes or None,
    ]


def _levels(item: ServiceItem) -> list[object]:
    levels = item.exercise_levels
    if levels is None:
        return [None, None, None]
    return [
        _LEVEL_ZH[lv.value] if lv is not None else None
        for lv in (levels.accept, levels.review, levels.decide)
    ]


def _quantity(item: ServiceItem) -> object:
    limit = item.quantity_limit
    if limit is None:
        return None
    if not limit.limited:
        return "无"
    return limit.count if limit.count is not None and not limit.note else (limit.note or "有")


def platform_workbook(items: Sequence[ServiceItem], path: Path, *, title: str) -> Path:
    """Write ``items`` as a platform-style 事项清单 workbook (see the module docs)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "事项清单"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(ITEM_HEADINGS))
    sheet.append(list(ITEM_HEADINGS))
    start = 3
    column = ITEM_HEADINGS.index("主管部门") + 1
    for index, item in enumerate(items):
        sheet.append(item_row(item, index))
        if index == 1:
            sheet.append([None] * len(ITEM_HEADINGS))  # a blank row left in the export
    # Merge each run of rows of one department, as the exports do.
    rows = [r for r in range(start, sheet.max_row + 1) if sheet.cell(r, 2).value is not None]
    run = [rows[0]] if rows else []
    for row in [*rows[1:], None]:
        same = (
            row is not None
            and row == run[-1] + 1
            and sheet.cell(row, column).value == sheet.cell(run[0], column).value
        )
        if same and row is not None:
            run.append(row)
            continue
        if len(run) > 1:
            for r in run[1:]:
                sheet.cell(r, column).value = None
            sheet.merge_cells(
                start_row=run[0], start_column=column, end_row=run[-1], end_column=column
            )
        run = [row] if row is not None else []
    materials = book.create_sheet("申请材料")
    materials.append(
        ["事项编码", "材料名称", "材料编号", "材料形式", "份数", "是否必要", "材料来源",
         "是否容缺", "免提交", "备注"]
    )  # fmt: skip
    fees = book.create_sheet("收费项目")
    fees.append(["事项编码", "收费项目", "收费金额（元）", "收费依据"])
    for item in items:
        for material in item.materials:
            materials.append(
                [
                    item.code,
                    material.name,
                    material.id or None,
                    _FORM_ZH[material.form.value],
                    str(material.count),
                    "是" if material.required else "否",
                    _SOURCE_ZH[material.source.value],
                    "是" if material.deferrable else "否",
                    "是" if material.hall_fetches else "否",
                    material.note or None,
                ]
            )
        for fee in item.fees:
            fees.append([item.code, fee.name, fee.amount_yuan, fee.basis or None])
    book.save(path)
    return path


def as_cells_hold(item: ServiceItem) -> ServiceItem:
    """``item`` without what one cell of a 事项清单 does not carry.

    A 特别程序 cell names each procedure and its period, not its legal basis; a 中介服务
    cell names the service, not its provider; a 数量限制 cell holds a number or a note.
    """
    limit = item.quantity_limit
    if limit is not None and limit.count is not None and limit.note:
        limit = attrs.evolve(limit, count=None)
    return attrs.evolve(
        item,
        special_procedures=[attrs.evolve(p, basis="") for p in item.special_procedures],
        intermediary_services=[attrs.evolve(s, provider="") for s in item.intermediary_services],
        quantity_limit=limit,
    )
