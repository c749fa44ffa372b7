from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from govservice_std.cli import cli

EXAMPLES = (
    Path(__file__).resolve().parents[2]
    / "plugins/longmen/src/govservice_longmen/data/441324/examples"
)
ASSESSMENT = str(EXAMPLES / "assessment-441324116.toml")
REVIEWS = str(EXAMPLES / "reviews-441324116.toml")
INSPECTIONS = str(EXAMPLES / "inspections-441324116.toml")


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_evaluate_json_has_the_documented_keys() -> None:
    data = json.loads(run("evaluate", "441324", ASSESSMENT, "--json"))
    assert data["hall"] == "441324116"
    assert data["locality"] == "441324"
    assert 0 <= data["total"] <= 100
    assert data["grade"]
    assert [a["name"] for a in data["aspects"]] == [
        "大厅建设",
        "运行管理",
        "服务提供",
        "服务质量控制与监督检查",
    ]
    assert all({"name", "score", "max"} <= set(a) for a in data["aspects"])
    keys = {"id", "aspect", "points", "max_points", "status", "layer"}
    assert all(keys <= set(c) for c in data["criteria"])
    assert {c["layer"] for c in data["criteria"]} == {"000000", "441324"}
    assert data["rectifications"]
    assert all({"criterion", "due"} <= set(r) for r in data["rectifications"])


def test_evaluate_text_and_html(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    text = run("evaluate", "441324", ASSESSMENT, "--inspections", INSPECTIONS, "--html", str(out))
    assert "龙潭镇便民服务中心" in text
    assert "整改清单" in text
    assert "ZG-02" in text  # the overdue inspection order
    assert "证据：督查记录" in text  # LM-08, read from the inspections file
    assert "inspection records" not in text
    assert text.endswith(f"HTML 报告已写入 {out}\n")
    page = out.read_text(encoding="utf-8")
    assert page.count("<svg") >= 3
    assert "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    english = run(
        "--lang", "en", "evaluate", "441324", ASSESSMENT, "--inspections", INSPECTIONS,
        "--html", str(out),
    )  # fmt: skip
    assert "evidence: inspection" in english  # the whole line in English now
    assert "证据" not in english
    assert english.endswith(f"HTML report written to {out}\n")


def test_evaluate_with_reviews_replaces_review_metrics() -> None:
    data = json.loads(run("evaluate", "441324", ASSESSMENT, "--reviews", REVIEWS, "--json"))
    by_id = {c["id"]: c for c in data["criteria"]}
    # Nine reviews are too few for a satisfaction rate (national minimum sample 30)…
    qs02 = by_id["QS-02"]
    assert (qs02["status"], qs02["sample"], qs02["answer"]) == ("insufficient_data", 9, "")
    # …but every 差评 must be followed up, so one is enough for the follow-up rate.
    qs04 = by_id["QS-04"]
    assert qs04["status"] != "insufficient_data"
    assert qs04["sample"] >= 1
    assert any(e.startswith("好差评 ") for e in qs04["evidence"])


def test_evaluate_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('hall = "441324116"\nlocality = "441324"\ndate = "soon"\n', encoding="utf-8")
    from govservice_std.cli import main

    with pytest.raises(SystemExit) as info:
        main(["evaluate", "441324", str(bad)])
    assert info.value.code == 2


def test_standard_json_shows_layers() -> None:
    data = json.loads(run("standard", "441324", "--tier", "town", "--json"))
    ids = {c["id"]: c for c in data["criteria"]}
    assert "LM-06" not in ids  # 百千万工程: a county item
    assert "LM-07" not in ids  # county only
    county = json.loads(run("standard", "441324", "--tier", "county", "--json"))
    assert {"LM-06", "LM-07"} <= {c["id"] for c in county["criteria"]}
    assert ids["QS-02"]["provenance"]["target"] == "441324"
    assert ids["QS-02"]["target"] == 0.98
    assert data["grades_layer"] == "441324"
    assert "龙门" not in run("standard", "000000")


def test_reviews_summary_json() -> None:
    data = json.loads(
        run("reviews", REVIEWS, "--locality", "441324", "--today", "2026-11-20", "--json")
    )
    assert data["total"] == 9
    assert data["bad"] == 3
    assert [o["review"] for o in data["overdue"]] == ["HP-0006", "HP-0008"]
    assert "满意率" in run("reviews", REVIEWS, "--today", "2026-11-20")


def test_evaluate_all_summarises_by_tier(tmp_path: Path) -> None:
    data = json.loads(run("evaluate-all", "441324", ASSESSMENT, "--json"))
    assert data["summary"]["overall"]["halls"] == 1
    assert "town" in data["summary"]["by_tier"]
    assert "441324" in data["summary"]["unassessed"]
    out = tmp_path / "batch.html"
    text = run("evaluate-all", "441324", ASSESSMENT, "--html", str(out))
    assert "按层级汇总" in text
    assert "<svg" in out.read_text(encoding="utf-8")


def test_inspections_tracks_orders() -> None:
    data = json.loads(
        run("inspections", INSPECTIONS, "--locality", "441324", "--today", "2026-11-20", "--json")
    )
    assert [(o["order"], o["status"]) for o in data] == [
        ("ZG-01", "closed_on_time"),
        ("ZG-02", "overdue"),
    ]
    assert "逾期未完成" in run("inspections", INSPECTIONS, "--today", "2026-11-20")


def test_reviews_summary_breaks_bad_reviews_down() -> None:
    data = json.loads(run("reviews", REVIEWS, "--today", "2026-11-20", "--json"))
    assert data["bad_by_window"] == {"A01": 1, "A02": 1}
    assert data["bad_by_staff"] == {"示例工作人员甲": 1}


def test_measured_records_are_worded_in_the_language_of_the_run() -> None:
    import datetime as dt

    from govservice_std.evaluation.measured import Evidence, EvidenceKind
    from govservice_std.i18n import language
    from govservice_std.reports.words import evidence

    day = Evidence(EvidenceKind.QUEUE, day=dt.date(2026, 11, 20), sample=42)
    days = Evidence(EvidenceKind.QUEUE, days=3, sample=1)
    inspections = Evidence(EvidenceKind.INSPECTIONS, sample=2)
    reviews = Evidence(EvidenceKind.REVIEWS, source="reviews.toml", sample=12)
    with language("zh"):
        assert evidence(inspections) == "督查记录（2 份整改通知）"
        assert evidence(day) == "排队记录 2026-11-20（42 个号）"
        assert evidence(days) == "排队记录（3 天，1 个号）"
        assert evidence(reviews) == "好差评 reviews.toml（12 条）"
    with language("en"):
        assert evidence(inspections) == "inspection records, 2 orders"
        assert evidence(day) == "queue record of 2026-11-20, 42 tickets"
        assert evidence(days) == "queue record of 3 days, 1 ticket"
        assert evidence(reviews) == "reviews reviews.toml, 12 reviews"
