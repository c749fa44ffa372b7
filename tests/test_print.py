"""The scorecard prints on A4 with the criteria table's header on every page."""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from govservice_std import load_registry
from govservice_std.evaluation.assessment import load_assessment
from govservice_std.evaluation.batch import evaluate_hall
from govservice_std.reports.html import scorecard_html
from tests.evaluation.test_cli_evaluation import ASSESSMENT, INSPECTIONS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
A4_POINTS = (595.28, 841.89)


def _print_to_pdf(page: Path, pdf: Path, profile: Path) -> None:
    assert CHROMIUM is not None
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )


@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("GOVSERVICE_STD_REQUIRE_CHROMIUM"),
    reason="headless Chromium is not installed (CI installs it and requires this test)",
)
@pytest.mark.parametrize(("lang", "header"), [("zh", "说明与证据"), ("en", "Notes and evidence")])
def test_scorecard_prints_on_a4_with_the_header_on_every_page(
    tmp_path: Path, lang: str, header: str
) -> None:
    from govservice_std.evaluation.inspections import InspectionsDocument
    from govservice_std.serialization import load

    card = evaluate_hall(
        load_registry().resolve("441324"),
        load_assessment(Path(ASSESSMENT)),
        inspections=load(Path(INSPECTIONS), InspectionsDocument).inspections,
    )
    page = tmp_path / "scorecard.html"
    page.write_text(scorecard_html(card, lang=lang), encoding="utf-8")
    pdf = tmp_path / "scorecard.pdf"
    _print_to_pdf(page, pdf, tmp_path / "profile")
    reader = PdfReader(pdf)
    pages = reader.pages
    assert len(pages) >= 3  # long enough for the header to have to repeat
    for sheet in pages:
        width, height = float(sheet.mediabox.width), float(sheet.mediabox.height)
        assert (round(width), round(height)) == tuple(round(x) for x in A4_POINTS)
    # NFKC: the PDF's text maps some glyphs to Kangxi radicals (⽅ for 方).
    # A header cell may wrap onto two lines: compare with the whitespace collapsed.
    texts = [
        " ".join(unicodedata.normalize("NFKC", sheet.extract_text()).split()) for sheet in pages
    ]
    # The criteria table starts on one page and runs over the next ones, up to where the
    # rectifications begin: every page it covers repeats its header row.
    rectifications = "整改清单" if lang == "zh" else "Rectifications ("
    first = next(i for i, text in enumerate(texts) if header in text)
    last = next(i for i, text in enumerate(texts) if rectifications in text) - 1
    assert last > first, "the criteria table should run over more than one page"
    for index in range(first, last + 1):
        assert header in texts[index], f"page {index + 1} lacks the table header"
    # The signature block for the assessor ends the report.
    signature = "评估人（签字）" if lang == "zh" else "Assessor (signature)"
    assert unicodedata.normalize("NFKC", signature) in texts[-1]
