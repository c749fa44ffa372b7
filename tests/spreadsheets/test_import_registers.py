"""Halls, assessments and 好差评 logs from workbooks equal the bundled example files."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import attrs
import openpyxl
import pytest
from click.testing import CliRunner

from govservice_std.cli import cli
from govservice_std.evaluation.assessment import Assessment, load_assessment
from govservice_std.evaluation.reviews import ReviewsDocument
from govservice_std.halls import HallsDocument
from govservice_std.serialization import load, loads
from govservice_std.spreadsheets import (
    SpreadsheetError,
    import_assessment,
    import_halls,
    import_reviews,
)

DATA = files("govservice_longmen") / "data" / "441324"
_TIER_ZH = {"county": "政务服务中心", "town": "便民服务中心", "village": "便民服务站"}
_WINDOW_ZH = {
    "comprehensive": "综合窗口",
    "dedicated": "专业窗口",
    "self_service": "自助服务终端",
    "green_channel": "绿色通道窗口",
}


def _save(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_halls_and_windows_import(tmp_path: Path) -> None:
    bundled = load(DATA / "halls.toml", HallsDocument).halls
    halls: list[list[object]] = [
        ["大厅编码", "大厅名称", "大厅层级", "区划代码", "上级大厅编码", "地址", "咨询电话",
         "投诉电话", "示例字段"]
    ]  # fmt: skip
    windows: list[list[object]] = [
        ["大厅编码", "窗口编号", "窗口类型", "业务类别", "窗口名称", "进驻部门"]
    ]
    for hall in bundled:
        contact = hall.contact
        halls.append(
            [
                int(hall.code),  # typed as a number, as codes often are
                hall.name,
                _TIER_ZH[hall.tier.value],
                str(hall.division),
                hall.parent,
                hall.address or None,
                contact.phone if contact and contact.phone else None,
                int(contact.complaint_phone) if contact and contact.complaint_phone else None,
                "、".join(a for a in hall.illustrative if a not in ("zones", "hours", "staff"))
                or None,
            ]
        )
        windows.extend(
            [hall.code, w.code, _WINDOW_ZH[w.kind.value], "、".join(w.lines) or None,
             w.name or None, w.department or None]
            for w in hall.windows
        )  # fmt: skip
    path = _save(tmp_path / "halls.xlsx", {"大厅": halls, "窗口": windows})
    result = import_halls(path, "441324")
    imported = loads(result.files["halls.toml"], HallsDocument, format="toml").halls
    expected = tuple(
        attrs.evolve(
            h,
            zones=(),
            hours=None,
            staff=(),
            sources=(),
            notes="",
            illustrative=tuple(a for a in h.illustrative if a not in ("zones", "hours", "staff")),
        )
        for h in bundled
    )
    assert imported == expected


def test_a_window_of_an_unknown_hall_is_reported(tmp_path: Path) -> None:
    path = _save(
        tmp_path / "halls.xlsx",
        {
            "大厅": [["大厅编码", "大厅名称", "大厅层级", "区划代码"],
                     ["441324", "龙门县政务服务中心", "政务服务中心", "441324"]],
            "窗口": [["大厅编码", "窗口编号", "窗口类型"], ["441399", "A01", "综合窗口"],
                     ["441324", "A01", "某窗口"]],
        },
    )  # fmt: skip
    with pytest.raises(SpreadsheetError) as caught:
        import_halls(path, "441324")
    found = {(p.sheet, p.row, p.column) for p in caught.value.sheet_problems}
    assert found == {("窗口", 2, 1), ("窗口", 3, 3)}


def test_assessment_import_equals_the_example(tmp_path: Path) -> None:
    bundled = load_assessment(str(DATA / "examples" / "assessment-441324116.toml"))
    answers: list[list[object]] = [
        ["大厅编码", "评估日期", "评估单位", "评估期间", "指标编号", "是否达标", "评定等级",
         "实测值", "评估说明", "佐证材料"]
    ]  # fmt: skip
    for a in bundled.answers:
        met = None if a.met is None else ("是" if a.met else "否")
        answers.append(
            [bundled.hall, bundled.date, bundled.assessor, bundled.period, a.criterion, met,
             a.level, a.value, a.notes or None, "\n".join(a.evidence) or None]
        )  # fmt: skip
    metrics: list[list[object]] = [
        ["指标名称", "数值"],
        *([k, v] for k, v in bundled.metrics.items()),
    ]
    path = _save(tmp_path / "assessment.xlsx", {"评估": answers, "数据指标": metrics})
    # Merge the hall's columns over its rows, as assessors' sheets do.
    book = openpyxl.load_workbook(path)
    sheet = book["评估"]
    last = sheet.max_row
    for column in "ABCD":
        for row in range(3, last + 1):
            sheet[f"{column}{row}"].value = None
        sheet.merge_cells(f"{column}2:{column}{last}")
    book.save(path)
    result = import_assessment(path, "441324")
    imported = loads(result.files["assessment-441324116.toml"], Assessment, format="toml")
    assert imported == attrs.evolve(bundled, illustrative=False, notes="", sources=())
    out = tmp_path / "out"
    run = CliRunner().invoke(
        cli, ["import", "assessment", str(path), "--locality", "441324", "--out", str(out)]
    )
    assert run.exit_code == 0, run.output
    card = CliRunner().invoke(
        cli, ["evaluate", "441324", str(out / "assessment-441324116.toml"), "--json"]
    )
    assert card.exit_code == 0, card.output


def test_reviews_import_equals_the_example(tmp_path: Path) -> None:
    bundled = load(DATA / "examples" / "reviews-441324116.toml", ReviewsDocument)
    level = {"very_satisfied": "非常满意", "satisfied": "满意", "basically_satisfied": "基本满意",
             "dissatisfied": "不满意", "very_dissatisfied": "非常不满意"}  # fmt: skip
    channel = {"on_site": "现场", "online": "网上", "mobile": "移动端", "hotline": "电话",
               "sms": "短信"}  # fmt: skip
    disposition = {"immediate": "立行立改", "scheduled": "限期整改", "explained": "解释说明",
                   "appeal": "申诉复核"}  # fmt: skip
    rows: list[list[object]] = [
        ["评价编号", "评价等级", "评价渠道", "评价日期", "大厅编码", "窗口编号", "取号号码",
         "事项编码", "工作人员", "评价内容", "回访日期", "处置方式", "办结日期", "处置人",
         "处置情况"]
    ]  # fmt: skip
    for r in bundled.reviews:
        f = r.follow_up
        rows.append(
            [r.id, level[r.level.value], channel[r.channel.value],
             (r.date - __import__("datetime").date(1899, 12, 30)).days,  # an Excel serial
             r.hall or None, r.window or None, r.ticket or None, r.item or None,
             r.staff or None, r.comment or None,
             f.contacted if f else None,
             disposition[f.disposition.value] if f and f.disposition else None,
             f.closed if f else None, (f.handler or None) if f else None,
             (f.notes or None) if f else None]
        )  # fmt: skip
    path = _save(tmp_path / "reviews.xlsx", {"好差评": rows})
    result = import_reviews(path, "441324")
    imported = loads(result.files["reviews-441324.toml"], ReviewsDocument, format="toml")
    assert imported.reviews == tuple(attrs.evolve(r, ratings={}) for r in bundled.reviews)
