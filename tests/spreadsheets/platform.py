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
    "示例字段",
    "备注",
)
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
        "、".join(item.illustrative) or None,
        item.notes or None,
    ]


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
    materials.append(["事项编码", "材料名称", "材料形式", "份数", "是否必要", "免提交", "备注"])
    fees = book.create_sheet("收费项目")
    fees.append(["事项编码", "收费项目", "收费金额（元）", "收费依据"])
    for item in items:
        for material in item.materials:
            materials.append(
                [
                    item.code,
                    material.name,
                    _FORM_ZH[material.form.value],
                    str(material.count),
                    "是" if material.required else "否",
                    "是" if material.hall_fetches else "否",
                    material.note or None,
                ]
            )
        for fee in item.fees:
            fees.append([item.code, fee.name, fee.amount_yuan, fee.basis or None])
    book.save(path)
    return path
