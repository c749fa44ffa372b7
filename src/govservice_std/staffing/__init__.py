"""Staffing: how many windows a hall needs, hour by hour.

* :mod:`~govservice_std.staffing.erlang` — Erlang C and Cobham's formula for quick answers.
* :mod:`~govservice_std.staffing.kpis` — the KPI summary of a (simulated) day.
"""

from __future__ import annotations

from govservice_std.staffing.erlang import (
    ErlangC,
    erlang_b,
    erlang_c,
    priority_waits,
    windows_needed,
)
from govservice_std.staffing.kpis import KpiReport, KpiSummary, summarize

__all__ = [
    "ErlangC",
    "KpiReport",
    "KpiSummary",
    "erlang_b",
    "erlang_c",
    "priority_waits",
    "summarize",
    "windows_needed",
]
