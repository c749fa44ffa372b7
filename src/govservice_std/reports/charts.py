"""Inline SVG charts for the HTML reports: no script, readable on screen and on A4 paper.

Every chart is an ``<svg>`` element with a ``viewBox``, so it scales to the printed column
width; labels are at least 11 px at screen size (about 8 pt on paper) and every bar also
carries its figure as text, so a chart reads in black and white.

>>> str(bar_chart([("大厅建设", 20.0, 25.0)], title="方面")).startswith("<svg")
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from govservice_std.evaluation.scoring import Scorecard, Status
from govservice_std.i18n import _
from govservice_std.reports.words import label

__all__ = ["bar_chart", "histogram", "status_chart", "timeline", "windows_chart"]

STATUS_COLOUR = {
    Status.MET: "#2e7d32",
    Status.PARTLY_MET: "#f9a825",
    Status.NOT_MET: "#c62828",
    Status.WAIVED: "#0277bd",
    Status.NOT_APPLICABLE: "#9e9e9e",
    Status.INSUFFICIENT_DATA: "#6a1b9a",
}
"""The colour of each status, in charts and in the scorecard's status column."""


def _svg(width: int, height: int, body: str, title: str) -> Markup:
    return Markup(  # noqa: S704 - every text inside was escaped where it was written
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _heading(text: str) -> str:
    return f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(text)}</text>'


def bar_chart(
    rows: Sequence[tuple[str, float, float]], *, title: str, width: int = 460, unit: str = ""
) -> Markup:
    """Horizontal bars of ``(label, value, maximum)``, each against its own maximum."""
    bar_h, gap, left, top = 22, 12, 170, 30
    height = top + len(rows) * (bar_h + gap) + 10
    span = width - left - 80
    parts = [_heading(title)]
    for index, (name, value, maximum) in enumerate(rows):
        y = top + index * (bar_h + gap)
        share = value / maximum if maximum else 0.0
        colour = "#2e7d32" if share >= 0.9 else ("#f9a825" if share >= 0.6 else "#c62828")
        parts.append(
            f'<text x="0" y="{y + 16}" font-size="13">{escape(name)}</text>'
            f'<rect x="{left}" y="{y}" width="{span}" height="{bar_h}" fill="#eceff1"/>'
            f'<rect class="bar" x="{left}" y="{y}" width="{span * share:.1f}" height="{bar_h}" '
            f'fill="{colour}"/>'
            f'<text x="{left + span + 6}" y="{y + 16}" font-size="13">'
            f"{value:.1f}/{maximum:.1f}{escape(unit)}</text>"
        )
    return _svg(width, height, "".join(parts), title)


def status_chart(card: Scorecard) -> Markup:
    """The criteria of a scorecard by status: one stacked bar and a legend with counts."""
    counts = dict.fromkeys(Status, 0)
    for result in card.criteria:
        counts[result.status] += 1
    total = sum(counts.values()) or 1
    width, span = 460, 440
    title = _("Criteria by status")
    parts = [_heading(title)]
    x = 0.0
    for status, n in counts.items():
        if not n:
            continue
        w = span * n / total
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="30" width="{w:.1f}" height="26" '
            f'fill="{STATUS_COLOUR[status]}"><title>{escape(label(status))} {n}</title></rect>'
        )
        x += w
    legend_y = 80
    for index, (status, n) in enumerate(counts.items()):
        lx = (index % 3) * 150
        ly = legend_y + (index // 3) * 20
        parts.append(
            f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{STATUS_COLOUR[status]}"/>'
            f'<text x="{lx + 18}" y="{ly}" font-size="12">{escape(label(status))} {n}</text>'
        )
    return _svg(width, legend_y + 40, "".join(parts), title)


def timeline(card: Scorecard) -> Markup:
    """The rectifications and overdue orders of a scorecard, from the assessment to each due."""
    items = [(r.criterion, r.title, r.due) for r in card.rectifications] + [
        (f"{o.inspection}/{o.order}", o.description, o.due) for o in card.overdue_orders
    ]
    width = 700
    title = _("Rectification timeline (assessment day to due date)")
    if not items:
        return _svg(width, 30, _heading(_("Rectification timeline: nothing to rectify")), title)
    start = min([card.date, *(d for _, _, d in items)])
    end = max([card.date, *(d for _, _, d in items)]) + dt.timedelta(days=1)
    days = max(1, (end - start).days)
    left, span, row = 230, width - 230 - 90, 20
    height = 60 + len(items) * row

    def x_of(day: dt.date) -> float:
        return left + span * (day - start).days / days

    parts = [
        _heading(title),
        (
            f'<line x1="{x_of(card.date):.1f}" y1="28" x2="{x_of(card.date):.1f}" '
            f'y2="{height - 18}" stroke="#616161" stroke-dasharray="4 3"/>'
        ),
        (
            f'<text x="{x_of(card.date):.1f}" y="{height - 4}" font-size="11">'
            f"{card.date.isoformat()}</text>"
        ),
    ]
    for index, (code, name, day) in enumerate(sorted(items, key=lambda i: i[2])):
        y = 36 + index * row
        colour = "#c62828" if day < card.date else "#ef6c00"
        x0, x1 = sorted((x_of(card.date), x_of(day)))
        parts.append(
            f'<text x="0" y="{y + 11}" font-size="11">{escape(code)} {escape(name[:12])}</text>'
            f'<rect class="bar" x="{x0:.1f}" y="{y}" width="{max(2.0, x1 - x0):.1f}" height="12" '
            f'fill="{colour}"><title>{escape(code)} {day.isoformat()}</title></rect>'
            f'<text x="{x1 + 4:.1f}" y="{y + 11}" font-size="11">{day.isoformat()}</text>'
        )
    return _svg(width, height, "".join(parts), title)


def histogram(counts: Sequence[int], title: str) -> Markup:
    """Columns of counts in bands of ten points (0–10, 10–20, …)."""
    width, height, left, bottom = 460, 200, 30, 170
    peak = max(counts) or 1
    bar_w = (width - left - 10) / len(counts)
    parts = [_heading(title)]
    for index, n in enumerate(counts):
        h = 130 * n / peak
        x = left + index * bar_w
        parts.append(
            f'<rect class="bar" x="{x + 2:.1f}" y="{bottom - h:.1f}" width="{bar_w - 4:.1f}" '
            f'height="{h:.1f}" fill="#1565c0"><title>{index * 10}–{index * 10 + 10}: '
            f"{n}</title></rect>"
            f'<text x="{x + 2:.1f}" y="{bottom + 14}" font-size="11">{index * 10}</text>'
        )
        if n:
            parts.append(
                f'<text x="{x + 2:.1f}" y="{bottom - h - 3:.1f}" font-size="11">{n}</text>'
            )
    return _svg(width, height, "".join(parts), title)


def windows_chart(rows: Sequence[tuple[str, int, int, bool]], *, title: str) -> Markup:
    """Windows per period: ``(start, planned, erlang_c, meets_target)``, Erlang C as a mark."""
    widest = max([max(p, e) for _, p, e, _ in rows] + [1])
    bar_h, top, left, chart_w = 22, 30, 70, 520
    parts = [_heading(title)]
    for index, (start, planned, erlang, met) in enumerate(rows):
        y = top + index * (bar_h + 6)
        width = chart_w * planned / widest
        erlang_x = left + chart_w * erlang / widest
        colour = "#2e7d32" if met else "#c62828"
        parts.append(
            f'<text x="0" y="{y + 16}" font-size="13">{escape(start)}</text>'
            f'<rect class="bar" x="{left}" y="{y}" width="{width:.1f}" height="{bar_h}" '
            f'fill="{colour}"/>'
            f'<text x="{left + 5 + width:.1f}" y="{y + 16}" font-size="13">{planned}</text>'
            f'<line x1="{erlang_x:.1f}" x2="{erlang_x:.1f}" y1="{y}" y2="{y + bar_h}" '
            f'stroke="#1565c0" stroke-width="3"/>'
        )
    height = top + len(rows) * (bar_h + 6) + 6
    return _svg(left + chart_w + 60, height, "".join(parts), title)
