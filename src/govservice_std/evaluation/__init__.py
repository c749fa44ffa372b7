"""Evaluation: the four-aspect standard, overlays, scorecards, 好差评 and inspections.

* :mod:`~govservice_std.evaluation.standard` — aspects, criteria, parameters, grade bands;
* :mod:`~govservice_std.evaluation.overlays` — what each layer's ``criteria.toml`` may
  change;
* :mod:`~govservice_std.evaluation.layers` — a locality's standard, scoring model and
  review policy read from its chain (the parts of a resolved locality);
* :mod:`~govservice_std.evaluation.assessment` — an assessor's answers and metrics;
* :mod:`~govservice_std.evaluation.measured` — metrics read from queue KPIs, 好差评 and
  inspections, with their provenance;
* :mod:`~govservice_std.evaluation.scoring` — scoring models, :class:`Evaluator`, scorecards;
* :mod:`~govservice_std.evaluation.reviews` — 好差评 reviews, the 差评 workflow, metrics;
* :mod:`~govservice_std.evaluation.inspections` — 督查 findings and rectification orders;
* :mod:`~govservice_std.evaluation.batch` — many halls at once, with a summary;
* :mod:`~govservice_std.evaluation.deadlines` — working-day due dates;
* :mod:`~govservice_std.evaluation.evidence` — gathering a hall's measured evidence from its
  records (reviews, inspections, queue database) in one call;
* :mod:`~govservice_std.evaluation.reference` — a Markdown reference page of a standard.

The public names are also importable from :mod:`govservice_std` itself.
"""
