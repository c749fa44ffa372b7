"""Write the example workbook of the spreadsheet guide (惠东县, 441323).

The workbook holds halls, windows, a 事项清单 with its 申请材料, and one XLSForm-style form,
as a county's staff would fill them in. Every value is invented for the example, and the
workbook says so in its 示例字段 columns and its form's settings.

Run ``python docs/examples/county_workbook.py OUT.xlsx``; the documentation build writes
``docs/examples/county-workbook.xlsx`` with it, and the tests build the same workbook.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

HALLS = [
    ["大厅编码", "大厅名称", "大厅层级", "区划代码", "上级大厅编码", "地址", "咨询电话",
     "示例字段"],
    ["441323", "惠东县政务服务中心", "政务服务中心", "441323", None, "惠东县（示例地址）",
     "0752-0000000", "address、contact、windows"],
    ["441323100", "示例镇便民服务中心", "便民服务中心", "441323100", "441323", None, None,
     "code、name、division、windows"],
]  # fmt: skip
WINDOWS = [
    ["大厅编码", "窗口编号", "窗口类型", "业务类别", "窗口名称", "进驻部门"],
    ["441323", "A01", "综合窗口", "A、B", "综合受理窗口", None],
    ["441323", "A02", "综合窗口", "A、B", "综合受理窗口", None],
    ["441323", "G01", "绿色通道窗口", "A", "绿色通道", None],
    ["441323100", "A01", "综合窗口", "A", "综合受理窗口", None],
]  # fmt: skip
ITEMS = [
    ["惠东县政务服务事项清单（示例）"],
    ["序号", "事项编码", "事项名称", "事项类型", "主管部门", "实施主体", "办件类型",
     "法定办结时限", "承诺办结时限", "行使层级", "办理渠道", "申请表单", "监督投诉电话",
     "示例字段"],
    [1, "441323-MZ-001", "（示例）高龄津贴申领", "行政给付", "民政局", "惠东县民政局", "承诺件",
     "20个工作日", "１０", "县级、镇级、村级", "窗口办理、网上办理", "senior-allowance", 12345,
     "code、name、type、handling_kind、legal_limit_days、promised_limit_days、tiers、channels"],
    [2, "441323-MZ-002", "（示例）婚姻登记", "公共服务", "民政局", "惠东县民政局", "即办件",
     None, "即办", "县级", "窗口办理", None, 12345,
     "code、name、type、handling_kind、promised_limit_days、tiers、channels"],
]  # fmt: skip
MATERIALS = [
    ["事项编码", "材料名称", "材料形式", "份数", "是否必要", "免提交"],
    ["441323-MZ-001", "申请人居民身份证", "原件", 1, "是", "是"],
    ["441323-MZ-002", "户口簿", "原件及复印件", "1", "是", "否"],
]  # fmt: skip
SURVEY = [
    ["type", "name", "label", "label::English (en)", "required", "relevant", "constraint",
     "constraint_message"],
    ["id_card", "id_number", "公民身份号码", "ID number", "yes", None, "age(.) >= 80",
     "申请人须年满80周岁"],
    ["text", "name", "姓名", "name", "yes", None, "string-length(.) <= 50", None],
    ["boolean", "by_agent", "是否代办", "by an agent", None, None, None, None],
    ["text", "agent_name", "代办人姓名", "agent's name", "${by_agent} = true()",
     "${by_agent} = true()", None, None],
]  # fmt: skip
CHOICES = [["list_name", "name", "label"]]
SETTINGS = [
    ["form_id", "form_title", "version", "illustrative", "notes"],
    ["senior-allowance", "高龄津贴申领表（示例）", "1", "yes", "示例表单（illustrative）"],
]


def county_workbook(path: Path) -> Path:
    """Write the illustrative 惠东县 workbook to ``path``."""
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type] - a new workbook has one sheet
    for name, rows in (
        ("大厅", HALLS),
        ("窗口", WINDOWS),
        ("事项清单", ITEMS),
        ("申请材料", MATERIALS),
        ("survey", SURVEY),
        ("choices", CHOICES),
        ("settings", SETTINGS),
    ):
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book["事项清单"].merge_cells("A1:N1")
    book.save(path)
    return path


if __name__ == "__main__":
    import sys

    county_workbook(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("county-workbook.xlsx"))
