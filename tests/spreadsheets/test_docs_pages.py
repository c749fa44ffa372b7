"""The spreadsheet pages of the documentation keep up with the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from govservice_std import spreadsheets
from govservice_std.spreadsheets.mapping import reference_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_column_reference_lists_every_heading_the_import_knows() -> None:
    page = (DOCS / "reference" / "spreadsheet-columns.md").read_text(encoding="utf-8")
    assert reference_markdown() in page


@pytest.mark.parametrize("name", spreadsheets.__all__)
def test_public_name_is_documented(name: str) -> None:
    page = (DOCS / "reference" / "spreadsheets-api.md").read_text(encoding="utf-8")
    assert f"govservice_std.spreadsheets.{name}" in page
