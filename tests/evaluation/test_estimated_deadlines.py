"""差评 and inspection deadlines that run into an unpublished year are estimated, not refused."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

import govservice_std as gs
from govservice_std.cli import cli
from govservice_std.evaluation import (
    Finding,
    FollowUp,
    Inspection,
    RectificationOrder,
    ReviewPolicy,
    track_bad_reviews,
    track_orders,
)

LATE_DECEMBER = dt.date(2026, 12, 28)  # five working days from here reach 2027
NOVEMBER = dt.date(2026, 11, 2)
SPRING = dt.date(2027, 3, 1)


def test_bad_review_deadlines_into_an_unpublished_year_are_flagged() -> None:
    policy = ReviewPolicy(contact_days=5)
    reviews = [
        gs.Review(id="late", level="dissatisfied", channel="on_site", date=LATE_DECEMBER),
        gs.Review(id="early", level="dissatisfied", channel="on_site", date=NOVEMBER),
        gs.Review(
            id="closing",
            level="very_dissatisfied",
            channel="on_site",
            date=LATE_DECEMBER - dt.timedelta(days=14),
            follow_up=FollowUp(contacted=LATE_DECEMBER),  # closing counts from here
        ),
    ]
    states = {s.review: s for s in track_bad_reviews(reviews, policy, today=SPRING)}
    assert states["late"].due_estimated
    assert states["late"].due.year == 2027
    assert states["late"].overdue
    assert not states["early"].due_estimated
    assert states["closing"].due_estimated
    assert states["closing"].contact_due.year != 2027
    summary = gs.summarize_reviews(reviews, policy, today=SPRING)
    assert summary.deadlines_estimated
    data = summary.to_dict()
    assert data["deadlines_estimated"] is True
    flags = {o["review"]: o["due_estimated"] for o in data["overdue"]}
    assert flags["late"] is True
    assert flags["early"] is False


def test_inspection_order_due_dates_into_an_unpublished_year_are_flagged() -> None:
    inspection = Inspection(
        id="DC-9",
        hall="441324116",
        date=LATE_DECEMBER,
        findings=[Finding("HC-03", "标识不清")],
        orders=[
            RectificationOrder(id="counted", finding=0, issued=LATE_DECEMBER),
            RectificationOrder(id="given", finding=0, issued=LATE_DECEMBER, due="2027-01-20"),
        ],
    )
    states = {s.order: s for s in track_orders([inspection], today=SPRING)}
    assert states["counted"].due_estimated
    assert states["counted"].due.year == 2027
    assert states["counted"].overdue
    assert not states["given"].due_estimated  # a stated due date is not counted


def _reviews_file(tmp_path: Path) -> Path:
    path = tmp_path / "reviews.toml"
    path.write_text(
        "illustrative = true\n"
        'notes = "Invented reviews for a test."\n'
        "[[reviews]]\n"
        'id = "r1"\nlevel = "dissatisfied"\nchannel = "on_site"\ndate = 2026-12-31\n'
        'hall = "441324116"\nwindow = "A01"\n',
        encoding="utf-8",
    )
    return path


def _inspections_file(tmp_path: Path) -> Path:
    path = tmp_path / "inspections.toml"
    path.write_text(
        "illustrative = true\n"
        "[[inspections]]\n"
        'id = "DC-9"\nhall = "441324116"\ndate = 2026-12-28\n'
        '[[inspections.findings]]\ncriterion = "HC-03"\ndescription = "标识不清"\n'
        '[[inspections.orders]]\nid = "Z1"\nfinding = 0\nissued = 2026-12-28\n',
        encoding="utf-8",
    )
    return path


def test_cli_reviews_and_inspections_mark_estimated_dates(tmp_path: Path) -> None:
    runner = CliRunner()
    reviews = str(_reviews_file(tmp_path))
    inspections = str(_inspections_file(tmp_path))
    common = ["--locality", "441324", "--today", "2027-03-01"]
    result = runner.invoke(cli, ["reviews", reviews, *common, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["deadlines_estimated"] is True
    assert data["overdue"][0]["due_estimated"] is True
    result = runner.invoke(cli, ["reviews", reviews, *common])
    assert result.exit_code == 0, result.output
    assert "（估算）" in result.output
    result = runner.invoke(cli, ["inspections", inspections, *common, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["due_estimated"] is True
    result = runner.invoke(cli, ["inspections", inspections, *common])
    assert result.exit_code == 0, result.output
    assert "（估算）" in result.output
