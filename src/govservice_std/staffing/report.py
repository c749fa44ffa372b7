"""Plain-data and HTML views of Erlang C results and staffing plans (rendering only).

>>> from govservice_std.staffing import erlang_c
>>> erlang_as_dict(erlang_c(2.0, 1.0, 3), target_minutes=None)["wait_probability"]
0.4444
"""

from __future__ import annotations

import html
import math
from typing import Any

import attrs

from govservice_std.queues.kpis import KpiFigures
from govservice_std.staffing.erlang import ErlangC
from govservice_std.staffing.plan import StaffingPlan

__all__ = ["erlang_as_dict", "plan_as_dict", "plan_as_html"]


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


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _min(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def plan_as_html(plan: StaffingPlan) -> str:
    """A self-contained HTML page of a staffing plan: a bar chart and a table per period."""
    profile = plan.profile
    title = html.escape(profile.name or "Staffing plan")
    widest = max([p.windows for p in plan.periods] + [p.erlang_windows for p in plan.periods] + [1])
    bar_h = 22
    chart_w = 520
    bars = []
    for index, p in enumerate(plan.periods):
        y = index * (bar_h + 6)
        width = chart_w * p.windows / widest
        erlang_x = 90 + chart_w * p.erlang_windows / widest
        colour = "#2e7d32" if p.meets_target else "#c62828"
        bars.append(
            f'<text x="0" y="{y + 16}">{p.start:%H:%M}</text>'
            f'<rect x="90" y="{y}" width="{width:.1f}" height="{bar_h}" fill="{colour}"/>'
            f'<text x="{95 + width:.1f}" y="{y + 16}">{p.windows}</text>'
            f'<line x1="{erlang_x:.1f}" x2="{erlang_x:.1f}" y1="{y}" y2="{y + bar_h}" '
            f'stroke="#1565c0" stroke-width="3"/>'
        )
    height = len(plan.periods) * (bar_h + 6)
    rows = []
    for p in plan.periods:
        k = p.kpis
        rows.append(
            "<tr>"
            f"<td>{p.start:%H:%M}</td><td>{p.minutes:g}</td><td>{p.arrivals_per_hour:.1f}</td>"
            f"<td>{p.mean_service_minutes:.1f}</td><td>{p.erlang_windows}</td>"
            f"<td><b>{p.windows}</b></td><td>{_pct(k.within_target)}</td>"
            f"<td>{_min(k.waiting.mean)}</td><td>{_min(k.waiting.p90)}</td>"
            f"<td>{_min(p.max_wait)}</td><td>{p.carried_per_day:.1f}</td>"
            f"<td>{_pct(k.no_show_rate)}</td><td>{'✓' if p.meets_target else '✗'}"
            f"{'*' if p.carried else ''}</td>"
            "</tr>"
        )
    explained = "".join(
        f"<li>* {html.escape(p.explanation('zh'))}<br>{html.escape(p.explanation('en'))}</li>"
        for p in plan.periods
        if p.carried
    )
    explanations = f"<ul>{explained}</ul>" if explained else ""
    note = (
        "<p><b>示例数据 / illustrative:</b> the figures of this profile are invented.</p>"
        if profile.illustrative
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #bbb; padding: 4px 8px; text-align: right; }}
svg text {{ font-size: 13px; }}
</style></head><body>
<h1>{title}</h1>
{note}
<p>Target: {plan.target_share:.0%} called within {plan.target_minutes:g} minutes ·
window-hours {plan.window_hours:.1f} · {plan.simulation.replications} simulated days per try ·
{"target met in every period" if plan.met else "target NOT met in every period"}</p>
<h2>Windows per period</h2>
<p>Bars: planned windows (green: meets the target, red: misses). Blue mark: Erlang C.</p>
<svg width="{chart_w + 140}" height="{height}" role="img">{"".join(bars)}</svg>
<h2>Expected KPIs per period</h2>
<table><thead><tr><th>start</th><th>minutes</th><th>arrivals/h</th><th>service min</th>
<th>Erlang C</th><th>windows</th><th>within target</th><th>mean wait</th><th>p90 wait</th>
<th>max wait</th><th>through closure / day</th><th>no-shows</th><th>met</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
{explanations}
</body></html>
"""
