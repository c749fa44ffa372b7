"""``govstd case`` and ``govstd evaluate --cases-db`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govservice_std.cases.exchange import records_text
from govservice_std.cli import main
from tests.spreadsheets.test_export import assert_workbook_equals_json

DATA = Path(__file__).resolve().parents[1] / "data"
APPLICATION = DATA / "allowance-valid.json"
ASSESSMENT = (
    Path(__file__).resolve().parents[2]
    / "plugins/longmen/src/govservice_longmen/data/441324/examples/assessment-441324116.toml"
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def case(capsys: pytest.CaptureFixture[str], db: Path, at: str, *args: str) -> tuple[int, str, str]:
    return run(capsys, "case", "--db", str(db), "--at", at, *args)


def test_application_to_delivery_through_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cases.db"
    code, out, _ = case(
        capsys, db, "2026-02-02T09:00", "open", "441324", "441324-MZ-005", str(APPLICATION),
        "--hall", "441324116", "--ticket", "A001",
    )  # fmt: skip
    assert code == 0
    number = out.strip()
    assert number == "441324116-20260202-0001"
    code, out, _ = case(capsys, db, "2026-02-02T10:00", "correct", number, "--material", "申请表")
    assert "待补正" in out
    code, _, err = case(capsys, db, "2026-02-02T11:00", "correct", number, "--material", "申请表")
    assert code == 2
    assert err.startswith("govstd: 错误：无法一次性告知补正：已一次性告知补正")
    assert "Traceback" not in err
    code, out, _ = case(capsys, db, "2026-02-04T09:00", "accept", number)
    assert "到期：2026-02-25" in out  # 2/14 is a 调休 working Saturday; 春节 2/15–2/23 off
    code, out, _ = case(
        capsys,
        db,
        "2026-02-05T09:00",
        "suspend",
        number,
        "--kind",
        "inspection",
        "--reason",
        "现场核查",
    )
    assert "计时中止" in out
    code, out, _ = case(capsys, db, "2026-02-09T09:00", "resume", number)
    assert "到期：2026-02-27" in out
    code, out, _ = run(
        capsys,
        "--lang",
        "en",
        "case",
        "--db",
        str(db),
        "--at",
        "2026-02-26T16:00",
        "list",
        "--at-risk",
        "--json",
    )
    [listed] = json.loads(out)
    assert (listed["case"], listed["due"], listed["at_risk"]) == (number, "2026-02-27", True)
    code, out, _ = case(capsys, db, "2026-02-26T16:00", "finish", number)
    assert "用时 9 个工作日（时限 10），按时" in out
    case(capsys, db, "2026-02-27T09:00", "deliver", number)
    code, out, _ = case(capsys, db, "2026-02-27T09:00", "show", number, "--json")
    shown = json.loads(out)
    assert shown["status"] == "delivered"
    assert shown["record"]["补正材料"] == "申请表"
    assert shown["record"]["中止"] == "inspection:2026-02-05/2026-02-09"
    assert shown["clock"]["due"] == "2026-02-27"
    assert "44132419900101123X" not in out
    code, out, _ = case(capsys, db, "2026-02-27T09:00", "kpis", "--by", "item", "--json")
    [kpis] = json.loads(out)
    assert (kpis["on_time_rate"], kpis["overdue"], kpis["one_visit_rate"]) == (1.0, 0, 0.0)
    # The same figures as a workbook for the county's superiors.
    book = tmp_path / "case-kpis.xlsx"
    code, _, _ = case(
        capsys, db, "2026-02-27T09:00", "kpis", "--by", "item", "--json", "--xlsx", str(book)
    )
    assert code == 0
    assert assert_workbook_equals_json(book, [kpis]) > 5
    # 好差评: by ticket; an unknown case is refused; one review per case.
    code, _, err = case(
        capsys, db, "2026-02-27T10:00", "review", "NO-SUCH", "--id", "R0", "--level", "satisfied"
    )
    assert (code, err.strip()) == (2, "govstd: 错误：没有办件 NO-SUCH")
    code, _, err = run(
        capsys,
        "--lang",
        "en",
        "case",
        "--db",
        str(db),
        "review",
        "NO-SUCH",
        "--id",
        "R0",
        "--level",
        "satisfied",
    )
    assert err.strip() == "govstd: error: no case 'NO-SUCH' in the store"
    code, _, err = case(
        capsys, db, "2026-02-27T10:00", "review", number, "--id", "R1", "--level", "satisfied",
        "--rating", "颜值=satisfied",
    )  # fmt: skip
    assert code == 2
    assert "unknown dimension" in err
    code, out, _ = case(
        capsys, db, "2026-02-27T10:00", "review", "--ticket", "A001", "--hall", "441324116",
        "--id", "R1", "--level", "very_satisfied", "--rating", "服务态度=very_satisfied",
    )  # fmt: skip
    assert code == 0
    code, _, err = case(
        capsys, db, "2026-02-27T10:00", "review", number, "--id", "R2", "--level", "satisfied"
    )
    assert code == 2
    assert "一事一评" in err


def test_an_invalid_application_opens_no_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cases.db"
    bad = DATA / "allowance-invalid.json"
    code, out, _ = case(
        capsys,
        db,
        "2026-03-02T09:00",
        "open",
        "441324",
        "441324-MZ-005",
        str(bad),
        "--hall",
        "441324116",
    )
    assert code == 1
    assert "未收件" in out
    code, out, _ = run(capsys, "case", "--db", str(db), "list", "--json")
    assert json.loads(out) == []


def _cases(on_time: int, late: int) -> list[dict[str, str]]:
    out = []
    for i in range(on_time + late):
        finished = "2026-03-06T16:00" if i < on_time else "2026-03-20T16:00"
        out.append(
            {
                "办件编号": f"P-{i:04d}",
                "事项编码": "441324-MZ-005",
                "办件类型": "承诺件",
                "承诺时限": "5",
                "地区编码": "441324",
                "服务场所编码": "441324116",
                "申请时间": "2026-03-02T09:00",
                "受理时间": "2026-03-02T10:00",
                "办结时间": finished,
                "办理结果": "准予",
            }
        )
    return out


def test_evaluate_scores_sp02_from_the_case_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cases.db"
    source = tmp_path / "platform.csv"
    source.write_text(records_text(_cases(38, 2), "csv"), encoding="utf-8")
    code, out, _ = run(capsys, "case", "--db", str(db), "import", str(source))
    assert (code, out.strip()) == (0, "已导入 40 件")
    code, out, _ = run(
        capsys, "evaluate", "441324", str(ASSESSMENT), "--cases-db", str(db),
        "--from", "2026-03-01", "--to", "2026-03-31", "--json",
    )  # fmt: skip
    assert code == 0
    card = json.loads(out)
    sp02 = next(c for c in card["criteria"] if c["id"] == "SP-02")
    assert sp02["answer"].startswith("0.95")
    assert sp02["status"] == "partly_met"
    assert sp02["evidence"] == ["办件库 cases.db 办结 2026-03-01–2026-03-31 (n=40)"]
    assert sp02["sample"] == 40
    sp03 = next(c for c in card["criteria"] if c["id"] == "SP-03")
    assert sp03["answer"].startswith("0.05")


def test_too_few_cases_is_insufficient_data_not_a_score(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cases.db"
    source = tmp_path / "platform.jsonl"
    source.write_text(records_text(_cases(2, 0), "jsonl"), encoding="utf-8")
    run(capsys, "case", "--db", str(db), "import", str(source))
    _code, out, _ = run(
        capsys, "evaluate", "441324", str(ASSESSMENT), "--cases-db", str(db), "--json"
    )
    sp02 = next(c for c in json.loads(out)["criteria"] if c["id"] == "SP-02")
    assert (sp02["status"], sp02["points"], sp02["max_points"]) == ("insufficient_data", 0.0, 0.0)
    assert (sp02["reason"], sp02["sample"], sp02["min_sample"]) == ("insufficient_data", 2, 30)
    _code, out, _ = run(capsys, "evaluate", "441324", str(ASSESSMENT), "--cases-db", str(db))
    assert "数据不足：样本 2，少于 30" in out


def test_bad_import_reports_lines_and_imports_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cases.db"
    source = tmp_path / "platform.csv"
    rows = _cases(3, 0)
    rows[1]["承诺时限"] = "五"
    source.write_text(records_text(rows, "csv"), encoding="utf-8")
    code, _, err = run(capsys, "--lang", "en", "case", "--db", str(db), "import", str(source))
    assert code == 2
    assert "line 3.承诺时限: must be a whole number of working days" in err
    code, out, _ = run(capsys, "case", "--db", str(db), "export", "--format", "jsonl")
    assert out == ""


def test_review_file_is_tied_to_cases(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cases.db"
    source = tmp_path / "platform.csv"
    source.write_text(records_text(_cases(2, 0), "csv"), encoding="utf-8")
    run(capsys, "case", "--db", str(db), "import", str(source))
    reviews = tmp_path / "reviews.toml"
    reviews.write_text(
        """
[[reviews]]
id = "R1"
case = "P-0000"
level = "dissatisfied"
channel = "on_site"
date = 2026-03-06
follow_up = { contacted = 2026-03-09, disposition = "immediate", closed = 2026-03-10 }

[[reviews]]
id = "R2"
case = "NO-SUCH"
level = "satisfied"
channel = "online"
date = 2026-03-06

[[reviews]]
id = "R3"
case = "P-0000"
level = "satisfied"
channel = "online"
date = 2026-03-07
""",
        encoding="utf-8",
    )
    code, _, err = run(
        capsys, "--lang", "en", "case", "--db", str(db), "import-reviews", str(reviews)
    )
    assert code == 2
    assert "reviews[1].case: no such case in the store (NO-SUCH)" in err
    # Every problem is shown: R3 is a second review of P-0000.
    assert "reviews[2]: cannot review: case P-0000 already has review R1" in err
    code, out, _ = run(capsys, "case", "--db", str(db), "show", "P-0000", "--json")
    assert json.loads(out)["record"]["评价编号"] == ""  # nothing was imported
    text = reviews.read_text(encoding="utf-8")
    reviews.write_text(text.split('[[reviews]]\nid = "R2"')[0], encoding="utf-8")
    code, out, _ = run(capsys, "case", "--db", str(db), "import-reviews", str(reviews))
    assert (code, out.strip()) == (0, "已导入 1 条评价")
    code, out, _ = run(capsys, "case", "--db", str(db), "show", "P-0000", "--json")
    assert json.loads(out)["record"]["评价等级"] == "不满意"
    from govservice_std.cases.stores import SQLiteCaseStore

    with SQLiteCaseStore(db) as store:
        [(contacted, closed, disposition)] = store.query(
            "SELECT contacted, closed, disposition FROM case_reviews"
        )
    assert (contacted[:10], closed[:10], disposition) == ("2026-03-09", "2026-03-10", "immediate")


def test_one_notice_names_the_materials_by_id_or_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cases.db"
    code, out, _ = case(
        capsys, db, "2026-02-02T09:00", "open", "441324", "441324-MZ-005", str(APPLICATION),
        "--hall", "441324116",
    )  # fmt: skip
    number = out.strip()
    code, out, err = case(
        capsys, db, "2026-02-02T10:00", "correct", number,
        "--material", "application_form", "--material", "授权委托书及代理人身份证明",
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = case(capsys, db, "2026-02-02T10:05", "show", number, "--json")
    shown = json.loads(out)
    assert shown["record"]["补正材料"].split(";") == ["申请表", "授权委托书及代理人身份证明"]
    code, _, err = case(capsys, db, "2026-02-02T10:10", "correct", number, "--material", "passport")
    assert code == 2
    assert "passport" in err


def test_kpis_of_a_database_with_nothing_finished_say_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cases.db"
    code, _, _ = case(
        capsys, db, "2026-02-02T09:00", "open", "441324", "441324-MZ-005", str(APPLICATION),
        "--hall", "441324116",
    )  # fmt: skip
    assert code == 0
    code, out, _ = case(capsys, db, "2026-02-03T09:00", "kpis")
    assert (code, out.strip()) == (0, "期间内没有办结的办件，也没有超期的在办件。")
    code, out, _ = run(capsys, "--lang", "en", "case", "--db", str(db), "kpis", "--json")
    assert json.loads(out) == []


def test_an_invalid_application_is_told_in_the_language_of_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "cases.db")
    bad = str(DATA / "allowance-invalid.json")
    opening = ["open", "441324", "441324-MZ-005", bad, "--hall", "441324116"]
    code, out, _ = run(capsys, "--lang", "en", "case", "--db", db, *opening)
    assert code == 1
    assert "no case" in out
    assert "is required" in out
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in out)
    code, out, _ = run(capsys, "case", "--db", db, *opening)
    assert code == 1
    assert "为必填项" in out


def test_the_case_shows_the_version_of_its_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cases.db"
    code, out, _ = case(
        capsys, db, "2026-03-02T09:00", "open", "441324", "441324-MZ-005", str(APPLICATION),
        "--hall", "441324116", "--json",
    )  # fmt: skip
    assert code == 0
    opened = json.loads(out)
    assert opened["form_version"] == "1"
    code, out, _ = case(capsys, db, "2026-03-02T09:00", "show", opened["case"])
    assert "表单版本：1" in out
    code, out, _ = run(capsys, "--lang", "en", "case", "--db", str(db), "show", opened["case"])
    assert "form version: 1" in out
