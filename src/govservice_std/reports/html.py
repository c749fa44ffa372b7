"""HTML reports from Jinja2 templates: the template family's base layout and stylesheet.

The reports and the hall service's pages (:mod:`govservice_std.web.pages`) are one template
family. Every template extends ``base.html``: the language declared in ``<html lang>``, the
title, a masthead (``header`` block, with the language switch on a page), the ``main`` block,
a ``footer`` block (a report's signature lines), and one stylesheet, ``base.css`` (a CJK font
stack with fallbacks, tables, KPI tiles, and a print style for A4 paper that repeats each
table's header row on every printed page). Shared macros (``macros.html``, seen by every
template as ``m``) draw tables, figures, KPI tiles, masked values and the language switch.

A report is self-contained (``standalone``: the stylesheet inline, charts as inline SVG, no
script, no link, nothing from the network); a page of the service links the same stylesheet
as a file, since its Content-Security-Policy allows no inline style. The templates read the
same message catalogs as the terminal tables through Jinja2's ``i18n`` extension, and the
language is a parameter (default: the run's language).

>>> from importlib.resources import files
>>> from govservice_std.evaluation.assessment import load_assessment
>>> from govservice_std.evaluation.batch import evaluate_hall
>>> from govservice_std.registry import load_registry
>>> example = files("govservice_longmen") / "data/441324/examples/assessment-441324116.toml"
>>> card = evaluate_hall(load_registry().resolve("441324"), load_assessment(example))
>>> page = scorecard_html(card, lang="en")
>>> '<html lang="en">' in page, "<thead>" in page, "Assessor (signature)" in page
(True, True, True)
>>> "<style>" in page, 'rel="stylesheet"' in page
(True, False)
>>> linked = scorecard_html(card, lang="en", standalone=False, static_url="/static")
>>> "<style" in linked, '<link rel="stylesheet" href="/static/base.css">' in linked
(False, True)
"""

from __future__ import annotations

import functools
from typing import Any

import jinja2

from govservice_std import i18n
from govservice_std._privacy import mask_identifiers
from govservice_std.evaluation.batch import BatchResult
from govservice_std.evaluation.scoring import Scorecard
from govservice_std.reports import charts, words
from govservice_std.staffing.plan import StaffingPlan

__all__ = [
    "STYLESHEET",
    "batch_html",
    "environment",
    "render",
    "scorecard_html",
    "staffing_plan_html",
    "stylesheet",
    "template_environment",
]

STYLESHEET = "base.css"
"""The family's stylesheet: inline in a report file, linked (``static_url``) from a page."""

_TEMPLATES = "govservice_std.reports", "templates"


def template_environment(*loaders: jinja2.BaseLoader) -> jinja2.Environment:
    """A new environment of the template family.

    The family's own templates (``base.html``, ``macros.html``, ``base.css`` and the
    reports) come last: templates from ``loaders`` are looked up first, so a set of pages
    adds its own templates and may replace any shared one by giving its name.

    Every template sees the catalogs' ``_()`` and ``ngettext()`` (in the language of the
    :func:`govservice_std.i18n.language` block it is rendered in), the shared macros as
    ``m``, ``mask()``, the reports' word and chart helpers, and these defaults, which a
    render may override: ``standalone=True`` (the stylesheet inline), ``static_url=""``
    (where a page's stylesheets are served), ``lang_switch=False`` (with ``switch_query``, the
    page's other query parameters the switch keeps) and ``signature=False``.
    """
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([*loaders, jinja2.PackageLoader(*_TEMPLATES)]),
        autoescape=jinja2.select_autoescape(["html"], default_for_string=True),
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
        mask=mask_identifiers,
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
        standalone=True,
        static_url="",
        lang_switch=False,
        switch_query="",
        signature=False,
    )
    env.globals["m"] = env.get_template("macros.html").module
    return env


@functools.cache
def environment() -> jinja2.Environment:
    """The reports' environment: the family's templates, autoescaping, the catalogs."""
    return template_environment()


def stylesheet() -> str:
    """The text of the family's stylesheet (what a page serves as ``base.css``)."""
    source = environment().loader
    assert source is not None  # noqa: S101 - set above
    return source.get_source(environment(), STYLESHEET)[0]


def render(
    template: str,
    *,
    lang: str | None = None,
    env: jinja2.Environment | None = None,
    **context: Any,
) -> str:
    """Render a template of the family in ``lang`` (default: the run's language).

    Args:
        template: The template's name (``scorecard.html``).
        lang: ``"zh"`` or ``"en"``.
        env: The environment (default: the reports', :func:`environment`).
        context: The template's values.
    """
    chosen = lang or i18n.get_language()
    with i18n.language(chosen):
        page = (env or environment()).get_template(template)
        return page.render(lang=chosen, **context) + "\n"


def scorecard_html(
    card: Scorecard,
    *,
    lang: str | None = None,
    signature: bool = True,
    env: jinja2.Environment | None = None,
    **page: Any,
) -> str:
    """A self-contained, printable HTML page of one scorecard.

    Args:
        card: The scorecard.
        lang: ``"zh"`` or ``"en"`` (default: the run's language).
        signature: Whether to end with the assessor's signature and date block.
        env: The environment (default: the reports'); the hall service passes its pages'.
        page: Further values for the layout, for a page served rather than a file:
            ``standalone=False`` and ``static_url`` link the stylesheet instead of
            inlining it; ``lang_switch=True`` adds the language switch.
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
        env=env,
        **page,
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
