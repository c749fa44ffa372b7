"""Everything a person reads: terminal tables and HTML reports, in the language of the run.

The reports layer words what the engines return; engines never import it. Text tables are
in :mod:`~govservice_std.reports.text`, HTML pages (Jinja2 templates with one base layout
and one stylesheet, shared with the hall service's pages) in
:mod:`~govservice_std.reports.html`, SVG charts in :mod:`~govservice_std.reports.charts`,
and the shared words (labels, figures, evidence) in :mod:`~govservice_std.reports.words`.
"""

from __future__ import annotations

from govservice_std.reports.html import batch_html, render, scorecard_html, staffing_plan_html

__all__ = ["batch_html", "render", "scorecard_html", "staffing_plan_html"]
