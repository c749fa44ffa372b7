"""Staffing: how many windows a hall needs, hour by hour.

* :mod:`~govservice_std.staffing.erlang` — Erlang C and Cobham's formula for quick answers.
* :mod:`~govservice_std.staffing.profile` — a day's arrivals, service times and windows.
* :mod:`~govservice_std.staffing.simulation` — discrete-event simulation of such a day.
* :mod:`~govservice_std.staffing.plan` — the fewest windows per period that meet a target,
  under the locality's queue policy.
* :mod:`~govservice_std.staffing.recorded` — service times from a real day's queue record.
* :mod:`~govservice_std.staffing.kpis` — simulated tickets summarized in the live queue's
  KPI types (:class:`~govservice_std.queues.kpis.QueueKpis`).
"""

from __future__ import annotations

from govservice_std.staffing.distributions import TimeDistribution, TimeDistributionKind
from govservice_std.staffing.erlang import (
    ErlangC,
    erlang_b,
    erlang_c,
    priority_waits,
    windows_needed,
)
from govservice_std.staffing.kpis import summarize
from govservice_std.staffing.plan import PeriodPlan, StaffingPlan, plan_staffing
from govservice_std.staffing.profile import (
    NORMAL_GROUP,
    PROFILE_FILE,
    Appointment,
    DayProfile,
    GroupProfile,
    LineProfile,
    Period,
    WindowProfile,
    apply_queue_policy,
    load_profile,
)
from govservice_std.staffing.recorded import (
    empirical_services,
    recorded_service_times,
    with_recorded_services,
)
from govservice_std.staffing.simulation import (
    DayTrace,
    Estimate,
    SimulationResult,
    estimate,
    kpi_report,
    simulate,
    simulate_day,
)

__all__ = [
    "NORMAL_GROUP",
    "PROFILE_FILE",
    "Appointment",
    "DayProfile",
    "DayTrace",
    "ErlangC",
    "Estimate",
    "GroupProfile",
    "LineProfile",
    "Period",
    "PeriodPlan",
    "SimulationResult",
    "StaffingPlan",
    "TimeDistribution",
    "TimeDistributionKind",
    "WindowProfile",
    "apply_queue_policy",
    "empirical_services",
    "erlang_b",
    "erlang_c",
    "estimate",
    "kpi_report",
    "load_profile",
    "plan_staffing",
    "priority_waits",
    "recorded_service_times",
    "simulate",
    "simulate_day",
    "summarize",
    "windows_needed",
    "with_recorded_services",
]
