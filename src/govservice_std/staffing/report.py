"""Plain-data views of Erlang C results and staffing plans (the HTML page is a report).

>>> from govservice_std.staffing import erlang_c
>>> erlang_as_dict(erlang_c(2.0, 1.0, 3), target_minutes=None)["wait_probability"]
0.4444
"""

from __future__ import annotations

import math
from typing import Any

import attrs

from govservice_std.queues.kpis import KpiFigures
from govservice_std.staffing.erlang import ErlangC
from govservice_std.staffing.plan import StaffingPlan

__all__ = ["erlang_as_dict", "plan_as_dict"]


def _round(value: float | None, digits: int = 4) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, digits)


def erlang_as_dict(
    result: ErlangC,
    *,
    target_minutes: float | None,
    windows_needed: int | None = None,
    service_minutes: float | None = None,
) -> dict[str, Any]:
    """An Erlang C result as JSON-ready data, times in minutes.

    Infinite values (an overloaded hall) become ``None``; ``stable`` says why.

    Args:
        result: The result, with rates per minute.
        target_minutes: The target the service level refers to, if any.
        windows_needed: The fewest windows meeting the target level, if asked.
        service_minutes: Mean service time, echoed back.
    """
    out: dict[str, Any] = {
        "arrivals_per_hour": _round(result.arrival_rate * 60),
        "service_minutes": _round(service_minutes),
        "windows": result.windows,
        "load_erlangs": _round(result.load),
        "utilization": _round(result.utilization),
        "stable": result.stable,
        "wait_probability": _round(result.wait_probability),
        "mean_wait_minutes": _round(result.mean_wait),
        "mean_queue_length": _round(result.mean_queue_length),
        "target_minutes": target_minutes,
        "service_level": (
            _round(result.service_level(target_minutes)) if target_minutes is not None else None
        ),
    }
    if windows_needed is not None:
        out["windows_needed"] = windows_needed
    return out


def _rounded(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _rounded(v) for k, v in data.items()}
    if isinstance(data, float):
        return _round(data)
    return data


def _summary(summary: KpiFigures) -> dict[str, Any]:
    return dict(_rounded(attrs.asdict(summary)))


def plan_as_dict(plan: StaffingPlan) -> dict[str, Any]:
    """A staffing plan as JSON-ready data: targets, totals and one entry per period."""
    profile = plan.profile
    return {
        "name": profile.name,
        "illustrative": profile.illustrative,
        "target_minutes": plan.target_minutes,
        "target_share": plan.target_share,
        "queue_policy_applied": plan.policy_applied,
        "anti_starvation_after": profile.anti_starvation_after,
        "priority_weights": {g.id: g.rank for g in profile.priority_groups},
        "met": plan.met,
        "window_hours": _round(plan.window_hours, 2),
        "replications": plan.simulation.replications,
        "seed": plan.simulation.seed,
        "simulated_days": plan.simulations,
        "periods": [
            {
                "start": p.start.strftime("%H:%M"),
                "minutes": p.minutes,
                "arrivals_per_hour": _round(p.arrivals_per_hour, 2),
                "mean_service_minutes": _round(p.mean_service_minutes, 2),
                "erlang_windows": p.erlang_windows,
                "windows": p.windows,
                "erlang_service_level": _round(p.erlang_service_level),
                "within_target": _round(p.kpis.within_target),
                "within_target_low": _round(p.within_target.low) if p.within_target else None,
                "within_target_high": _round(p.within_target.high) if p.within_target else None,
                "meets_target": p.meets_target,
                "max_wait": _round(p.max_wait),
                "carried_through_closure": p.carried,
                "carried_through_closure_per_day": _round(p.carried_per_day, 2),
                "explanation": p.explanation("en"),
                "kpis": _summary(p.kpis),
            }
            for p in plan.periods
        ],
        "overall": _summary(plan.simulation.kpis.overall),
        "by_line": {k: _summary(v) for k, v in plan.simulation.kpis.by_line.items()},
        "by_group": {k: _summary(v) for k, v in plan.simulation.kpis.by_group.items()},
    }
