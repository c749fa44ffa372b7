"""Spreadsheets in and out.

:func:`county_workbook` is the example workbook the documentation ships, built by the script
kept with the docs, so the guide's workbook is the one the tests import.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

_SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "examples" / "county_workbook.py"
_spec = importlib.util.spec_from_file_location("county_workbook", _SCRIPT)
assert _spec is not None
assert _spec.loader is not None
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
county_workbook: Callable[[Path], Path] = _module.county_workbook
