"""HTML reports from Jinja2 templates: one base layout, one print stylesheet.

Every page extends ``base.html``: the language declared in ``<html lang>``, a CJK font
stack with fallbacks, and a print stylesheet for A4 paper that repeats each table's header
row on every printed page. Pages are self-contained (styles inline, charts as inline SVG, no
script, nothing from the network). The templates read the same message catalogs as the
terminal tables through Jinja2's ``i18n`` extension, and the language is a parameter
(default: the run's language).

>>> from importlib.resources import files
>>> from govservice_std.evaluation.assessment import load_assessment
>>> from govservice_std.evaluation.batch import evaluate_hall
>>> from govservice_std.registry import load_registry
>>> example = files("govservice_longmen") / "data/441324/examples/assessment-441324116.toml"
>>> card = evaluate_hall(load_registry().resolve("441324"), load_assessment(example))
>>> page = scorecard_html(card, lang="en")
>>> '<html lang="en">' in page, "<thead>" in page, "Assessor (signature)" in page
(True, True, True)
"""

from __future__ import annotations

import functools
from typing import Any

import jinja2

from govservice_std import i18n
from govservice_std.evaluation.batch import BatchResult
from govservice_std.evaluation.scoring import Scorecard
from govservice_std.reports import charts, words
from govservice_std.staffing.plan import StaffingPlan

__all__ = ["batch_html", "environment", "render", "scorecard_html", "staffing_plan_html"]

_HTML_LANG = {"zh": "zh-CN", "en": "en"}


@functools.cache
def environment() -> jinja2.Environment:
    """The templates' environment: packaged templates, autoescaping, the catalogs."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("govservice_std.reports", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # The callables look the language up when a page renders (see render()).
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=False
    )
    env.globals.update(
        _=i18n.gettext,
        label=words.label,
        answer=words.answer,
        notes=words.notes,
        due=words.due,
        percent=words.percent,
        minutes=lambda value: "—" if value is None else f"{value:.1f}",
        bar_chart=charts.bar_chart,
        status_chart=charts.status_chart,
        timeline=charts.timeline,
        histogram=charts.histogram,
        windows_chart=charts.windows_chart,
        colour=charts.STATUS_COLOUR,
    )
    return env


def render(template: str, *, lang: str | None = None, **context: Any) -> str:
    """Render a packaged template in ``lang`` (default: the run's language)."""
    chosen = lang or i18n.get_language()
    with i18n.language(chosen):
        page = environment().get_template(template)
        return page.render(html_lang=_HTML_LANG[chosen], **context) + "\n"


def scorecard_html(card: Scorecard, *, lang: str | None = None, signature: bool = True) -> str:
    """A self-contained, printable HTML page of one scorecard.

    Args:
        card: The scorecard.
        lang: ``"zh"`` or ``"en"`` (default: the run's language).
        signature: Whether to end with the assessor's signature and date block.
    """
    chosen = lang or i18n.get_language()
    with i18n.language(chosen):
        aspect_rows = [(words.label(a.aspect), a.score, a.max) for a in card.aspects]
    estimated = any(r.due_estimated for r in card.rectifications) or any(
        o.due_estimated for o in card.overdue_orders
    )
    return render(
        "scorecard.html",
        lang=chosen,
        card=card,
        aspect_rows=aspect_rows,
        estimated=estimated,
        signature=signature,
    )


def batch_html(result: BatchResult, *, title: str | None = None, lang: str | None = None) -> str:
    """A self-contained, printable HTML page of a batch: distribution, tiers, aspects, halls."""
    chosen = lang or i18n.get_language()
    summary = result.summary
    with i18n.language(chosen):
        title = title or i18n.gettext("Batch assessment")
        tier_rows = [(words.label(t), s.mean_total, 100.0) for t, s in summary.by_tier.items()]
        aspect_rows = [
            (words.label(a), share * 100, 100.0) for a, share in summary.overall.aspects.items()
        ]
    return render(
        "batch.html",
        lang=chosen,
        title=title,
        result=result,
        summary=summary,
        overall=summary.overall,
        tier_rows=tier_rows,
        aspect_rows=aspect_rows,
        signature=False,
    )


def staffing_plan_html(plan: StaffingPlan, *, lang: str | None = None) -> str:
    """A self-contained, printable HTML page of a staffing plan: a chart and a table."""
    chosen = lang or i18n.get_language()
    with i18n.language(chosen):
        title = plan.profile.name or i18n.gettext("Staffing plan")
    rows = [(f"{p.start:%H:%M}", p.windows, p.erlang_windows, p.meets_target) for p in plan.periods]
    return render(
        "staffing_plan.html",
        lang=chosen,
        title=title,
        plan=plan,
        profile=plan.profile,
        window_rows=rows,
        signature=False,
    )
