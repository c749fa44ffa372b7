"""Self-contained HTML reports of scorecards and batches, with inline SVG charts.

The page needs nothing from the network: styles are inline and every chart is an SVG
element drawn here — the aspects' scores, the criteria by status, the rectification
timeline, and for a batch the distribution of totals and the scores by tier.

>>> from govservice_std.evaluation.html import bar_chart
>>> bar_chart([("大厅建设", 20.0, 25.0)], title="方面").startswith("<svg")
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from govservice_std.evaluation.batch import BatchResult
from govservice_std.evaluation.scoring import Scorecard, Status

__all__ = ["bar_chart", "batch_html", "scorecard_html"]

_STATUS_COLOUR = {
    Status.MET: "#2e7d32",
    Status.PARTLY_MET: "#f9a825",
    Status.NOT_MET: "#c62828",
    Status.WAIVED: "#0277bd",
    Status.NOT_APPLICABLE: "#9e9e9e",
    Status.INSUFFICIENT_DATA: "#6a1b9a",
}
_FONT = "font-family:'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif"
_STYLE = f"""
body {{ {_FONT}; margin: 2rem auto; max-width: 72rem; color: #212121; padding: 0 1rem; }}
h1 {{ font-size: 1.6rem; margin-bottom: .2rem; }}
.meta {{ color: #616161; }}
.score {{ font-size: 2.4rem; font-weight: bold; }}
.grade {{ font-size: 1.4rem; margin-left: 1rem; padding: .1rem .6rem; border-radius: .3rem;
          background: #eceff1; }}
.veto {{ color: #c62828; font-weight: bold; }}
.note {{ color: #8d6e63; }}
.charts {{ display: flex; flex-wrap: wrap; gap: 1.5rem; margin: 1rem 0; }}
table {{ border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: .9rem; }}
th, td {{ border-bottom: 1px solid #e0e0e0; padding: .35rem .5rem; text-align: left;
          vertical-align: top; }}
th {{ background: #f5f5f5; }}
td.num {{ text-align: right; white-space: nowrap; }}
.status {{ white-space: nowrap; font-weight: bold; }}
"""


def _svg(width: int, height: int, body: str, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" style="{_FONT}">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def bar_chart(
    rows: Sequence[tuple[str, float, float]], *, title: str, width: int = 460, unit: str = ""
) -> str:
    """Horizontal bars of ``(label, value, maximum)``, each against its own maximum."""
    bar_h, gap, left, top = 22, 12, 170, 30
    height = top + len(rows) * (bar_h + gap) + 10
    span = width - left - 70
    parts = [f'<text x="0" y="18" font-size="14" font-weight="bold">{escape(title)}</text>']
    for index, (label, value, maximum) in enumerate(rows):
        y = top + index * (bar_h + gap)
        share = value / maximum if maximum else 0.0
        colour = "#2e7d32" if share >= 0.9 else ("#f9a825" if share >= 0.6 else "#c62828")
        parts.append(
            f'<text x="0" y="{y + 16}" font-size="12">{escape(label)}</text>'
            f'<rect x="{left}" y="{y}" width="{span}" height="{bar_h}" fill="#eceff1"/>'
            f'<rect class="bar" x="{left}" y="{y}" width="{span * share:.1f}" height="{bar_h}" '
            f'fill="{colour}"/>'
            f'<text x="{left + span + 6}" y="{y + 16}" font-size="12">'
            f"{value:.1f}/{maximum:.1f}{escape(unit)}</text>"
        )
    return _svg(width, height, "".join(parts), title)


def _status_chart(card: Scorecard) -> str:
    counts = dict.fromkeys(Status, 0)
    for result in card.criteria:
        counts[result.status] += 1
    total = sum(counts.values()) or 1
    width, span = 460, 440
    parts = ['<text x="0" y="18" font-size="14" font-weight="bold">指标状态分布</text>']
    x = 0.0
    for status, n in counts.items():
        if not n:
            continue
        w = span * n / total
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="30" width="{w:.1f}" height="26" '
            f'fill="{_STATUS_COLOUR[status]}"><title>{status.label_zh} {n}</title></rect>'
        )
        x += w
    legend_y = 80
    for index, (status, n) in enumerate(counts.items()):
        lx = (index % 3) * 150
        ly = legend_y + (index // 3) * 20
        parts.append(
            f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{_STATUS_COLOUR[status]}"/>'
            f'<text x="{lx + 18}" y="{ly}" font-size="12">{status.label_zh} {n}</text>'
        )
    return _svg(width, legend_y + 40, "".join(parts), "指标状态分布")


def _timeline(card: Scorecard) -> str:
    items = [(r.criterion, r.title, r.due) for r in card.rectifications] + [
        (f"{o.inspection}/{o.order}", o.description, o.due) for o in card.overdue_orders
    ]
    width = 700
    if not items:
        body = '<text x="0" y="18" font-size="14" font-weight="bold">整改时间线：无整改项</text>'
        return _svg(width, 30, body, "整改时间线")
    start = min([card.date, *(d for _, _, d in items)])
    end = max([card.date, *(d for _, _, d in items)]) + dt.timedelta(days=1)
    days = max(1, (end - start).days)
    left, span, row = 230, width - 230 - 90, 20
    height = 60 + len(items) * row

    def x_of(day: dt.date) -> float:
        return left + span * (day - start).days / days

    parts = [
        '<text x="0" y="18" font-size="14" font-weight="bold">整改时间线（评估日 → 期限）</text>',
        (
            f'<line x1="{x_of(card.date):.1f}" y1="28" x2="{x_of(card.date):.1f}" '
            f'y2="{height - 18}" stroke="#616161" stroke-dasharray="4 3"/>'
        ),
        (
            f'<text x="{x_of(card.date):.1f}" y="{height - 4}" font-size="11">'
            f"{card.date.isoformat()}</text>"
        ),
    ]
    for index, (code, title, due) in enumerate(sorted(items, key=lambda i: i[2])):
        y = 36 + index * row
        overdue = due < card.date
        colour = "#c62828" if overdue else "#ef6c00"
        x0, x1 = sorted((x_of(card.date), x_of(due)))
        parts.append(
            f'<text x="0" y="{y + 11}" font-size="11">{escape(code)} {escape(title[:12])}</text>'
            f'<rect class="bar" x="{x0:.1f}" y="{y}" width="{max(2.0, x1 - x0):.1f}" height="12" '
            f'fill="{colour}"><title>{escape(code)} 期限 {due.isoformat()}</title></rect>'
            f'<text x="{x1 + 4:.1f}" y="{y + 11}" font-size="10">{due.isoformat()}</text>'
        )
    return _svg(width, height, "".join(parts), "整改时间线")


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def scorecard_html(card: Scorecard) -> str:
    """A self-contained HTML page for one scorecard."""
    head = (
        f"<h1>{escape(card.hall_name)}（{escape(card.hall)}）评分卡</h1>"
        f'<p class="meta">{escape(card.tier.label_zh)} · 标准 {escape(str(card.locality))} · '
        f"评估日期 {card.date.isoformat()} · {escape(card.assessor)} · 计分模型 "
        f"{escape(card.model)}</p>"
        f'<p><span class="score">{card.total:.1f}</span> / 100'
        f'<span class="grade">{escape(card.grade)}</span></p>'
    )
    if card.vetoed:
        head += f'<p class="veto">一票否决：{escape("、".join(card.vetoed))} 未达标，等级受限。</p>'
    if card.illustrative:
        head += '<p class="note">示例评估：答案与数据为演示而编造（illustrative）。</p>'
    charts = (
        '<div class="charts">'
        + bar_chart([(a.name, a.score, a.max) for a in card.aspects], title="四个方面得分")
        + _status_chart(card)
        + "</div>"
        + _timeline(card)
    )
    rows = []
    for r in card.criteria:
        notes = r.notes
        if r.evidence:
            notes = f"{notes} 证据：{'、'.join(r.evidence)}".strip()
        if r.waiver:
            notes = f"豁免：{r.waiver}"
        layer = str(r.layer) + (f" → {','.join(r.changed_by)}" if r.changed_by else "")
        rows.append(
            f"<tr><td>{escape(r.id)}</td><td>{escape(r.aspect.label_zh)}</td>"
            f"<td>{escape(r.title)}{' (否决项)' if r.veto else ''}</td>"
            f"<td>{escape(r.answer)}</td>"
            f'<td class="num">{r.points:.1f} / {r.max_points:g}</td>'
            f'<td class="status" style="color:{_STATUS_COLOUR[r.status]}">'
            f"{escape(r.status.label_zh)}</td><td>{escape(layer)}</td>"
            f"<td>{escape(notes)}</td></tr>"
        )
    table = (
        "<h2>逐项评分</h2><table><tr><th>编号</th><th>方面</th><th>指标</th><th>评估结果</th>"
        "<th>得分</th><th>状态</th><th>层级</th><th>说明与证据</th></tr>"
        + "".join(rows)
        + "</table>"
    )
    rect_rows = "".join(
        f"<tr><td>{escape(r.criterion)}</td><td>{escape(r.title)}</td>"
        f"<td>{escape(r.status.label_zh)}</td>"
        f"<td>{r.due.isoformat()}{'（估算）' if r.due_estimated else ''}</td></tr>"
        for r in card.rectifications
    )
    rect = (
        f"<h2>整改清单（{len(card.rectifications)} 项）</h2><table><tr><th>编号</th><th>指标</th>"
        f"<th>状态</th><th>整改期限</th></tr>{rect_rows}</table>"
    )
    if card.overdue_orders:
        rect += (
            "<h2>逾期未完成的督查整改通知</h2><table><tr><th>督查</th><th>通知</th>"
            "<th>指标</th><th>问题</th><th>期限</th></tr>"
            + "".join(
                f"<tr><td>{escape(o.inspection)}</td><td>{escape(o.order)}</td>"
                f"<td>{escape(o.criterion)}</td><td>{escape(o.description)}</td>"
                f"<td>{o.due.isoformat()}{'（估算）' if o.due_estimated else ''}</td></tr>"
                for o in card.overdue_orders
            )
            + "</table>"
        )
    return _page(f"{card.hall_name} 评分卡", head + charts + table + rect)


def _histogram(histogram: Sequence[int], title: str) -> str:
    width, height, left, bottom = 460, 200, 30, 170
    peak = max(histogram) or 1
    bar_w = (width - left - 10) / len(histogram)
    parts = [f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    for index, n in enumerate(histogram):
        h = 130 * n / peak
        x = left + index * bar_w
        parts.append(
            f'<rect class="bar" x="{x + 2:.1f}" y="{bottom - h:.1f}" width="{bar_w - 4:.1f}" '
            f'height="{h:.1f}" fill="#1565c0"><title>{index * 10}–{index * 10 + 10}: '
            f"{n}</title></rect>"
            f'<text x="{x + 2:.1f}" y="{bottom + 14}" font-size="10">{index * 10}</text>'
        )
        if n:
            parts.append(
                f'<text x="{x + 2:.1f}" y="{bottom - h - 3:.1f}" font-size="10">{n}</text>'
            )
    return _svg(width, height, "".join(parts), title)


def batch_html(result: BatchResult, *, title: str = "批量评估") -> str:
    """A self-contained HTML page for a batch: distribution, tiers, aspects, halls."""
    summary = result.summary
    overall = summary.overall
    head = (
        f"<h1>{escape(title)}</h1><p class='meta'>{overall.halls} 个场所 · 平均分 "
        f"{overall.mean_total:.1f} · 最低 {overall.min_total:.1f} · 最高 "
        f"{overall.max_total:.1f}</p>"
    )
    tiers = [(t.label_zh, s.mean_total, 100.0) for t, s in summary.by_tier.items()]
    aspects = [(a.label_zh, share * 100, 100.0) for a, share in overall.aspects.items()]
    charts = (
        '<div class="charts">'
        + _histogram(overall.histogram, "总分分布（每 10 分一档）")
        + bar_chart(tiers, title="各层级平均分")
        + bar_chart(aspects, title="各方面平均得分率（%）")
        + "</div>"
    )
    rows = "".join(
        f"<tr><td>{escape(c.hall)}</td><td>{escape(c.hall_name)}</td>"
        f"<td>{escape(c.tier.label_zh)}</td><td class='num'>{c.total:.1f}</td>"
        f"<td>{escape(c.grade)}</td><td class='num'>{len(c.rectifications)}</td></tr>"
        for c in result.scorecards
    )
    table = (
        "<h2>各场所</h2><table><tr><th>编码</th><th>名称</th><th>层级</th><th>总分</th>"
        f"<th>等级</th><th>整改项</th></tr>{rows}</table>"
    )
    if summary.unassessed:
        table += f"<p class='note'>未评估：{escape('、'.join(summary.unassessed))}</p>"
    return _page(title, head + charts + table)
