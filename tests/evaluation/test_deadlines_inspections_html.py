from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govservice_std import FieldValueError, load_registry
from govservice_std.calendar import WorkingCalendar
from govservice_std.evaluation.assessment import load_assessment
from govservice_std.evaluation.batch import evaluate_hall, evaluate_locality
from govservice_std.evaluation.deadlines import DueDateCalendar, WeekendCalendar
from govservice_std.evaluation.inspections import (
    Finding,
    Inspection,
    OrderStatus,
    RectificationOrder,
    inspection_metrics,
    track_orders,
)
from govservice_std.reports.html import batch_html, scorecard_html
from tests.evaluation.test_cli_evaluation import ASSESSMENT


@given(st.dates(dt.date(2000, 1, 1), dt.date(2099, 1, 1)), st.integers(0, 400))
def test_weekend_calendar_counts_weekdays(start: dt.date, days: int) -> None:
    due = WeekendCalendar().add_working_days(start, days)
    between = [start + dt.timedelta(days=i) for i in range(1, (due - start).days + 1)]
    assert sum(1 for d in between if d.weekday() < 5) == days
    if days:
        assert due.weekday() < 5
    assert isinstance(WeekendCalendar(), DueDateCalendar)
    assert isinstance(WorkingCalendar(), DueDateCalendar)


def test_orders_tracked_to_closure() -> None:
    inspection = Inspection(
        id="DC-1",
        hall="h1",
        date="2026-11-02",
        findings=[Finding("HC-03", "标识不清")],
        orders=[
            RectificationOrder(id="a", finding=0, issued="2026-11-02", due="2026-11-06"),
            RectificationOrder(
                id="b", finding=0, issued="2026-11-02", due="2026-11-06", closed="2026-11-09"
            ),
            RectificationOrder(id="c", finding=0, issued="2026-11-02"),  # 15 working days
        ],
    )
    states = {s.order: s for s in track_orders([inspection], today=dt.date(2026, 11, 10))}
    assert states["a"].status is OrderStatus.OVERDUE
    assert states["b"].status is OrderStatus.CLOSED_LATE
    assert states["c"].status is OrderStatus.OPEN
    assert states["c"].due == dt.date(2026, 11, 23)
    assert inspection_metrics(list(states.values())) == {"inspections.orders_on_time_rate": 0.0}
    with pytest.raises(FieldValueError, match="no finding 3"):
        Inspection(
            id="x",
            hall="h",
            date="2026-11-02",
            orders=[RectificationOrder(id="a", finding=3, issued="2026-11-02")],
        )


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def _svgs(page: str) -> list[str]:
    out, rest = [], page
    while "<svg" in rest:
        start = rest.index("<svg")
        end = rest.index("</svg>", start) + len("</svg>")
        out.append(rest[start:end])
        rest = rest[end:]
    return out


def test_html_reports_are_self_contained_with_wellformed_svg() -> None:
    registry = load_registry()
    card = evaluate_hall(registry.resolve("441324"), load_assessment(ASSESSMENT))
    batch = evaluate_locality(registry.resolve("441324"), [load_assessment(ASSESSMENT)])
    for page in (scorecard_html(card), batch_html(batch)):
        parser = _Collect()
        parser.feed(page)
        assert {"html", "table", "svg"} <= set(parser.tags)
        assert "<script" not in page
        assert "src=" not in page
        assert "href=" not in page
        for svg in _svgs(page):
            root = ET.fromstring(svg)  # noqa: S314 - our own output
            assert root.tag.endswith("svg")
            assert root.findall(".//{http://www.w3.org/2000/svg}rect")


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.mark.skipif(
    _chromium() is None and not os.environ.get("GOVSERVICE_STD_REQUIRE_CHROMIUM"),
    reason="headless Chromium is not installed (CI installs it and requires this test)",
)
def test_html_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    card = evaluate_hall(load_registry().resolve("441324"), load_assessment(ASSESSMENT))
    page = tmp_path / "report.html"
    page.write_text(scorecard_html(card), encoding="utf-8")
    browser = _chromium()
    assert browser is not None
    done = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    dom = done.stdout
    assert dom.count("<svg") >= 3
    assert 'class="bar"' in dom
    assert "龙潭镇便民服务中心" in dom
