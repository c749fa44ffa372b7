"""Terminal tables (rich), in the language of the run.

Scorecards, batches, standards, reviews, inspection orders, queue KPIs and staffing plans.
Each function prints to a :class:`rich.console.Console` (default: standard output). Data
values — hall names, criterion titles — are printed as they are; every label comes from the
catalogs (:mod:`govservice_std.i18n`) through :mod:`govservice_std.reports.words`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from govservice_std.evaluation.inspections import OrderState, OrderStatus
from govservice_std.evaluation.reviews import BadReviewState, ReviewSummary
from govservice_std.evaluation.scoring import Scorecard
from govservice_std.evaluation.standard import Criterion, Direction, Method, Standard
from govservice_std.i18n import _, ngettext, pgettext
from govservice_std.queues.events import CHINA_TZ
from govservice_std.queues.kpis import FrontDeskKpis, KpiFigures
from govservice_std.reports.words import (
    answer,
    due,
    label,
    notes,
    percent,
    target,
    tier_short,
    unit,
)
from govservice_std.staffing.plan import StaffingPlan

if TYPE_CHECKING:
    from rich.console import Console

    from govservice_std.evaluation.batch import BatchResult

__all__ = [
    "console",
    "kpi_target",
    "print_batch",
    "print_kpis",
    "print_orders",
    "print_reviews",
    "print_scorecard",
    "print_staffing_plan",
    "print_standard",
]

_STATUS_STYLE = {
    "met": "green",
    "partly_met": "yellow",
    "not_met": "bold red",
    "waived": "cyan",
    "not_applicable": "dim",
    "insufficient_data": "magenta",
}
_ORDER_STYLE = {
    OrderStatus.OPEN: "",
    OrderStatus.OVERDUE: "bold red",
    OrderStatus.CLOSED_ON_TIME: "green",
    OrderStatus.CLOSED_LATE: "yellow",
}


# Wide enough for any row: a file or a pipe gets every cell whole, never cut with "…".
_UNBOUNDED_WIDTH = 100_000


def console(*, stderr: bool = False) -> Console:
    """A console for the tables.

    On a terminal it follows the terminal's real width (rich wraps long cells); when the
    output is a file or a pipe it never truncates or wraps a line.
    """
    from rich.console import Console  # noqa: PLC0415 - only the text views need rich

    probe = Console(stderr=stderr)
    if probe.is_terminal:
        return probe
    return Console(stderr=stderr, width=_UNBOUNDED_WIDTH)


def _styled(text: str, style: str) -> str:
    return f"[{style}]{text}[/{style}]" if style else text


def _estimated_note() -> str:
    return _(
        "(estimated): next year's public holidays are not published yet; the due date is "
        "counted on an estimated calendar and may change."
    )


def print_scorecard(card: Scorecard, out: Console | None = None) -> None:
    """The scorecard: head, aspects, every criterion with its evidence, rectifications."""
    from rich.panel import Panel  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    out = out or console()
    head = (
        f"[bold]{card.hall_name}[/bold] ({card.hall}) · {label(card.tier)} · "
        + _("standard of {locality}").format(locality=card.locality)
        + " · "
        + _("assessed on {date}").format(date=card.date.isoformat())
        + (f" · {card.assessor}" if card.assessor else "")
        + "\n"
        + _("Total {total} / 100  Grade {grade}").format(
            total=f"[bold]{card.total:.1f}[/bold]", grade=f"[bold]{card.grade}[/bold]"
        )
        + "  [dim]("
        + _("scoring model {model}").format(model=card.model)
        + ")[/dim]"
    )
    if card.vetoed:
        veto = _("Veto: {criteria} not met; the grade is capped.")
        head += f"\n[bold red]{veto.format(criteria=_(', ').join(card.vetoed))}[/bold red]"
    if card.illustrative:
        note = _("Illustrative assessment: its answers and data are invented for demonstration.")
        head += f"\n[yellow]{note}[/yellow]"
    out.print(Panel(head, title=_("Service hall standardization assessment · scorecard"),
                    expand=False))  # fmt: skip
    aspects = Table(title=_("The four aspects"))
    aspects.add_column(_("Aspect"))
    for name in (_("Score"), _("Maximum"), _("Share")):
        aspects.add_column(name, justify="right")
    for a in card.aspects:
        rate = f"{a.score / a.max:.0%}" if a.max else "—"
        aspects.add_row(label(a.aspect), f"{a.score:.1f}", f"{a.max:.1f}", rate)
    out.print(aspects)
    table = Table(title=_("Criteria (where every point comes from)"))
    table.add_column(_("ID"), no_wrap=True)
    table.add_column(_("Criterion"))
    table.add_column(_("Result"))
    table.add_column(_("Points"), justify="right", no_wrap=True)
    table.add_column(_("Status"), no_wrap=True)
    table.add_column(_("Layer"), no_wrap=True)
    table.add_column(_("Notes and evidence"))
    aspect = None
    for r in card.criteria:
        if r.aspect is not aspect:
            aspect = r.aspect
            table.add_section()
            table.add_row("", f"[bold]{label(aspect)}[/bold]")
        layer = str(r.layer) + (f"→{','.join(r.changed_by)}" if r.changed_by else "")
        points = f"{r.points:.1f}/{r.max_points:g}" if r.max_points else "—"
        title = r.title + (f" [red]({_('veto')})[/red]" if r.veto else "")
        status = _styled(label(r.status), _STATUS_STYLE[r.status.value])
        table.add_row(r.id, title, answer(r), points, status, layer, notes(r))
    out.print(table)
    _print_rectifications(out, card)


def _print_rectifications(out: Console, card: Scorecard) -> None:
    from rich.table import Table  # noqa: PLC0415

    if card.rectifications:
        rect = Table(
            title=_("Rectifications ({n}; due dates in working days)").format(
                n=len(card.rectifications)
            )
        )
        if any(item.due_estimated for item in card.rectifications):
            rect.caption = _estimated_note()
        for name in (_("ID"), _("Criterion"), _("Status")):
            rect.add_column(name)
        rect.add_column(_("Due"), no_wrap=True)
        for item in card.rectifications:
            rect.add_row(
                item.criterion,
                item.title + (f" [red]({_('veto')})[/red]" if item.veto else ""),
                label(item.status),
                due(item.due, item.due_estimated),
            )
        out.print(rect)
        for day in card.local_days:
            out.print(_("local day: {day}").format(day=day.describe()), highlight=False)
    if card.overdue_orders:
        orders = Table(title=_("Overdue inspection orders"), style="red")
        for name in (_("Inspection"), _("Order"), _("Criterion"), _("Problem"), _("Due")):
            orders.add_column(name)
        if any(o.due_estimated for o in card.overdue_orders):
            orders.caption = _estimated_note()
        for o in card.overdue_orders:
            orders.add_row(
                o.inspection, o.order, o.criterion, o.description, due(o.due, o.due_estimated)
            )
        out.print(orders)


def print_batch(result: BatchResult, out: Console | None = None) -> None:
    """A batch: summary by tier and by aspect, each hall, the halls left unassessed."""
    from rich.table import Table  # noqa: PLC0415

    out = out or console()
    summary = result.summary
    table = Table(title=_("Summary by tier"))
    for name in (_("Tier"), _("Halls"), _("Mean"), _("Lowest"), _("Highest"), _("Grades"),
                 _("Vetoed"), _("Rectifications")):  # fmt: skip
        table.add_column(name)
    groups = [(label(t), s) for t, s in summary.by_tier.items()]
    groups.append((_("All"), summary.overall))
    for name, s in groups:
        grades = _(", ").join(f"{g} {n}" for g, n in s.grades.items())
        table.add_row(
            name,
            str(s.halls),
            f"{s.mean_total:.1f}",
            f"{s.min_total:.1f}",
            f"{s.max_total:.1f}",
            grades,
            str(s.vetoed),
            str(s.rectifications),
        )
    out.print(table)
    aspects = Table(title=_("Summary by aspect (mean share of points)"))
    aspects.add_column(_("Aspect"))
    for name, _s in groups:
        aspects.add_column(name, justify="right")
    for aspect in summary.overall.aspects:
        aspects.add_row(label(aspect), *(f"{s.aspects[aspect]:.0%}" for _n, s in groups))
    out.print(aspects)
    halls = Table(title=_("Halls"))
    for name in (_("Code"), _("Name"), _("Tier"), _("Total"), _("Grade"), _("Rectifications")):
        halls.add_column(name)
    for c in result.scorecards:
        halls.add_row(
            c.hall, c.hall_name, label(c.tier), f"{c.total:.1f}", c.grade,
            str(len(c.rectifications)),
        )  # fmt: skip
    out.print(halls)
    if summary.unassessed:
        missing = _("Not assessed: {halls}").format(halls=_(", ").join(summary.unassessed))
        out.print(f"[yellow]{missing}[/yellow]")


def _method(effective: Standard, c: Criterion) -> str:
    if c.method is Method.METRIC:
        direction, goal = c.direction or Direction.AT_LEAST, effective.target(c)
        shown = target(direction, goal, "") if goal is not None else ""
        return f"{label(c.method)} {c.metric} {shown}".strip()
    if c.method is Method.GRADED:
        levels = "/".join(f"{lv.id}={lv.credit:g}" for lv in c.levels)
        return f"{label(c.method)} {levels}"
    return label(c.method)


def print_standard(effective: Standard, tier: str | None, out: Console | None = None) -> None:
    """A locality's effective standard: criteria with their layers, parameters, grades."""
    from rich.table import Table  # noqa: PLC0415

    out = out or console()
    entries = effective.criteria if tier is None else effective.for_tier(tier)
    n = len(entries)
    title = ngettext(
        "Standard of {locality} ({n} criterion)", "Standard of {locality} ({n} criteria)", n
    ).format(locality=effective.locality, n=n)
    table = Table(title=title + (f" · {tier}" if tier else ""))
    for name in (_("ID"), _("Aspect"), _("Criterion"), _("Tiers"), _("Points"), _("Method"),
                 _("Veto"), _("Defined by"), _("Changed by"), _("Source")):  # fmt: skip
        table.add_column(name)
    for entry in entries:
        c = entry.criterion
        table.add_row(
            c.id,
            label(c.aspect),
            c.title,
            "/".join(tier_short(t) for t in c.tiers),
            f"{c.points:g}",
            _method(effective, c),
            _("yes") if c.veto else "",
            str(entry.defined_by.layer),
            ",".join(str(p.layer) for p in entry.changed_by),
            c.source,
        )
    out.print(table)
    params = Table(title=_("Parameters"))
    for name in (_("Parameter"), _("Meaning"), _("Value"), _("Unit"), _("Set by")):
        params.add_column(name)
    for p in effective.parameters.values():
        params.add_row(
            p.parameter.id,
            p.parameter.title,
            f"{p.parameter.value:g}",
            unit(p.parameter.unit),
            str(p.set_by.layer),
        )
    out.print(params)
    bands = _(", ").join(f"{b.name} ≥{b.min:g}" for b in effective.grades)
    out.print(
        _("Grades: {bands} (set by {layer}); scoring model: {model} (set by {model_layer})").format(
            bands=bands,
            layer=effective.grades_set_by.layer,
            model=effective.scoring,
            model_layer=effective.scoring_set_by.layer,
        )
    )


def print_reviews(summary: ReviewSummary, out: Console | None = None) -> None:
    """A 好差评 summary: counts by level, rates, dimensions, where the 差评 fall, overdue."""
    from rich.table import Table  # noqa: PLC0415

    out = out or console()
    table = Table(title=_("Reviews ({n})").format(n=summary.total))
    table.add_column(_("Measure"))
    table.add_column(_("Value"), justify="right")
    if summary.policy.basic_counts_as_satisfied:
        satisfied = _("Satisfaction rate (basically satisfied counts)")
    else:
        satisfied = _("Satisfaction rate (basically satisfied does not count)")
    rows = [
        *((label(level), str(n)) for level, n in summary.by_level.items()),
        (satisfied, percent(summary.satisfaction_rate)),
        (_("Good-review rate"), percent(summary.good_rate)),
        (_("Bad reviews"), str(summary.bad)),
        (_("Follow-up rate"), percent(summary.follow_up_rate)),
        (_("Rectification rate of bad reviews"), percent(summary.rectification_rate)),
    ]
    for name, value in rows:
        table.add_row(name, value)
    out.print(table)
    if summary.dimensions:
        dims = Table(title=_("Mean by dimension (out of 5)"))
        dims.add_column(_("Dimension"))
        dims.add_column(_("Mean"), justify="right")
        for dim, mean in summary.dimensions.items():
            dims.add_row(dim, f"{mean:.2f}")
        out.print(dims)
    for title, counts in (
        (_("Windows with the most bad reviews"), summary.bad_by_window),
        (_("Staff named in bad reviews"), summary.bad_by_staff),
        (_("Items named in bad reviews"), summary.bad_by_item),
    ):
        if counts:
            ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            out.print(f"{title}: " + _(", ").join(f"{k} ({n})" for k, n in ranked))
    if summary.overdue:
        _print_overdue(out, summary.overdue)


def _print_overdue(out: Console, overdue: Sequence[BadReviewState]) -> None:
    from rich.table import Table  # noqa: PLC0415

    table = Table(title=_("Overdue bad reviews"), style="red")
    for name in (_("Review"), _("Hall"), _("Window"), _("Staff"), _("Step"), _("Due")):
        table.add_column(name)
    if any(s.due_estimated for s in overdue):
        table.caption = _estimated_note()
    for s in overdue:
        table.add_row(
            s.review, s.hall, s.window, s.staff, label(s.status), due(s.due, s.due_estimated)
        )
    out.print(table)


def print_orders(states: Sequence[OrderState], out: Console | None = None) -> None:
    """Rectification orders of inspections, tracked to closure."""
    from rich.table import Table  # noqa: PLC0415

    out = out or console()
    table = Table(title=_("Inspection rectification orders ({n})").format(n=len(states)))
    if any(s.due_estimated for s in states):
        table.caption = _estimated_note()
    for name in (_("Inspection"), _("Order"), _("Hall"), _("Criterion"), _("Problem"),
                 _("Due"), _("Closed"), _("Status")):  # fmt: skip
        table.add_column(name)
    for s in states:
        table.add_row(
            s.inspection,
            s.order,
            s.hall,
            s.criterion,
            s.description,
            due(s.due, s.due_estimated),
            s.closed.isoformat() if s.closed else "",
            _styled(label(s.status), _ORDER_STYLE[s.status]),
        )
    out.print(table)


def kpi_target(share: float | None, minutes: float | None) -> str:
    """The waiting-time target of a KPI report, worded."""
    if share and minutes:
        return _("target: {share} within {minutes} min").format(
            share=f"{share:.0%}", minutes=f"{minutes:g}"
        )
    return _("no waiting-time target set")


def _rjust(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` terminal columns (a Chinese character fills two)."""
    from rich.cells import cell_len  # noqa: PLC0415 - only the KPI table needs it

    return " " * (width - cell_len(text)) + text


def print_kpis(title: str, rows: Sequence[tuple[str, KpiFigures]]) -> None:
    """A KPI table: one row a slice (the hall, a line, a window, an hour, a group, a hall).

    Plain columns, aligned on a terminal where a Chinese character fills two columns, so
    the table reads the same piped into a file.
    """
    from rich.cells import cell_len  # noqa: PLC0415

    def m(value: float | None) -> str:
        return "-" if value is None else _("{value} min").format(value=f"{value:.1f}")

    headings = (
        "",
        pgettext("kpi column", "issued"),
        pgettext("kpi column", "served"),
        pgettext("kpi column", "wait avg"),
        pgettext("kpi column", "p90"),
        pgettext("kpi column", "service"),
        pgettext("kpi column", "in target"),
        pgettext("kpi column", "no-show"),
    )
    widest_minutes = cell_len(m(999.9))
    least = (12, 6, 6, widest_minutes, widest_minutes, widest_minutes, 9, 7)
    widths = [max(n, cell_len(h)) for n, h in zip(least, headings, strict=True)]
    from click import echo as click_echo  # noqa: PLC0415 - plain text, as the CLI writes it

    click_echo(title)
    click_echo(" ".join(_rjust(h, w) for h, w in zip(headings, widths, strict=True)))
    for name, f in rows:
        cells = (
            name,
            str(f.issued),
            str(f.served),
            m(f.waiting.mean),
            m(f.waiting.p90),
            m(f.service.mean),
            percent(f.within_target, 0).replace("—", "-"),
            percent(f.no_show_rate, 0).replace("—", "-"),
        )
        click_echo(" ".join(_rjust(c, w) for c, w in zip(cells, widths, strict=True)))


def print_staff_kpis(title: str, figures: FrontDeskKpis) -> None:
    """The per-staff KPI table, then when each capped line was full and the show rate.

    Plain aligned columns, like :func:`print_kpis`.
    """
    from click import echo as click_echo  # noqa: PLC0415 - plain text, as the CLI writes it
    from rich.cells import cell_len  # noqa: PLC0415

    def m(value: float | None) -> str:
        return "-" if value is None else _("{value} min").format(value=f"{value:.1f}")

    headings = (
        "",
        pgettext("kpi column", "called"),
        pgettext("kpi column", "served"),
        pgettext("kpi column", "wait avg"),
        pgettext("kpi column", "walk avg"),
        pgettext("kpi column", "service"),
        pgettext("kpi column", "signed in"),
        pgettext("kpi column", "idle"),
    )
    minutes = cell_len(m(999.9))
    least = (12, 6, 6, minutes, minutes, minutes, minutes + 1, minutes + 1)
    widths = [max(n, cell_len(h)) for n, h in zip(least, headings, strict=True)]
    click_echo(_("{title} · by staff").format(title=title))
    click_echo(" ".join(_rjust(h, w) for h, w in zip(headings, widths, strict=True)))
    for name, f in figures.by_staff.items():
        cells = (
            name,
            str(f.called),
            str(f.served),
            m(f.mean_wait),
            m(f.mean_walk),
            m(f.mean_service),
            m(f.signed_in),
            m(f.idle),
        )
        click_echo(" ".join(_rjust(c, w) for c, w in zip(cells, widths, strict=True)))
    if not figures.by_staff:
        click_echo(_("no staff signed in that day"))
    for line, at in figures.cap_reached_at.items():
        when = "-" if at is None else f"{at.astimezone(CHINA_TZ):%H:%M}"
        click_echo(_("line {line} cap reached at: {when}").format(line=line, when=when))
    rate = "-" if figures.show_rate is None else f"{figures.show_rate:.0%}"
    click_echo(
        _("booking show rate: {rate} ({shown}/{due})").format(
            rate=rate, shown=figures.bookings_shown, due=figures.bookings_due
        )
    )


def print_staffing_plan(
    plan: StaffingPlan, title: str, locality: str | None, out: Console | None = None
) -> None:
    """A staffing plan: windows and expected KPIs per period, window-hours, the verdict."""
    from rich.table import Table  # noqa: PLC0415

    out = out or console()
    goal = _("{share} within {minutes} min").format(
        share=f"{plan.target_share:.0%}", minutes=f"{plan.target_minutes:g}"
    )
    if locality is not None:
        goal += " · " + _("queue policy of {locality}").format(locality=locality)
    table = Table(title=f"{title}\n{goal}")
    for column in (_("Start"), _("Arrivals/h"), _("Mean service (min)"), _("Erlang C"),
                   _("Windows"), _("Within target"), _("Mean wait"), _("P90 wait"),
                   _("Max wait"), _("Through closure / day"), _("No-shows"),
                   _("Met")):  # fmt: skip
        table.add_column(column, justify="right", no_wrap=True)
    for p in plan.periods:
        k = p.kpis
        table.add_row(
            f"{p.start:%H:%M}",
            f"{p.arrivals_per_hour:.1f}",
            f"{p.mean_service_minutes:.1f}",
            str(p.erlang_windows),
            str(p.windows),
            percent(k.within_target),
            "–" if k.waiting.mean is None else f"{k.waiting.mean:.1f}",
            "–" if k.waiting.p90 is None else f"{k.waiting.p90:.1f}",
            "–" if p.max_wait is None else f"{p.max_wait:.1f}",
            f"{p.carried_per_day:.1f}" if p.carried else "–",
            percent(k.no_show_rate),
            ("✓" if p.meets_target else "✗") + ("*" if p.carried else ""),
        )
    out.print(table)
    for p in plan.periods:
        if p.carried:
            out.print("* " + p.explanation(), highlight=False)
    met = _("target met in every period") if plan.met else _("target NOT met in every period")
    out.print(
        _("window-hours {hours} · {per_try} days per try, {days} simulated days").format(
            hours=f"{plan.window_hours:.1f}",
            per_try=plan.simulation.replications,
            days=plan.simulations,
        )
        + " · "
        + met
    )
