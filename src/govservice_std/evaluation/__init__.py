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
* :mod:`~govservice_std.evaluation.document` — a scorecard's JSON document, typed;
* :mod:`~govservice_std.evaluation.reviews` — 好差评 reviews, the 差评 workflow, metrics;
* :mod:`~govservice_std.evaluation.inspections` — 督查 findings and rectification orders;
* :mod:`~govservice_std.evaluation.batch` — many halls at once, with a summary;
* :mod:`~govservice_std.evaluation.deadlines` — working-day due dates;
* :mod:`~govservice_std.evaluation.evidence` — gathering a hall's measured evidence from its
  records (reviews, inspections, queue database) in one call;
* :mod:`~govservice_std.evaluation.reference` — a Markdown reference page of a standard.

The public names of these modules are importable from this package; the first ones an
application needs are also importable from :mod:`govservice_std` itself.
"""

from __future__ import annotations

from govservice_std.evaluation.assessment import (
    Answer,
    Assessment,
    Metrics,
    load_assessment,
    parse_assessment,
)
from govservice_std.evaluation.batch import (
    BatchResult,
    BatchSummary,
    GroupSummary,
    evaluate_hall,
    evaluate_locality,
    evaluate_many,
)
from govservice_std.evaluation.deadlines import (
    DueDateCalendar,
    WeekendCalendar,
    due_date,
)
from govservice_std.evaluation.document import (
    AspectEntry,
    CaseRecordEntry,
    CriterionEntry,
    LocalDayEntry,
    OverdueOrderEntry,
    RecordEntry,
    RectificationEntry,
    ScorecardDocument,
    record_entry,
)
from govservice_std.evaluation.inspections import (
    Finding,
    Inspection,
    InspectionsDocument,
    OrderState,
    OrderStatus,
    RectificationOrder,
    check_inspections,
    inspection_metrics,
    track_orders,
)
from govservice_std.evaluation.measured import (
    QUEUE_AVG_WAIT,
    QUEUE_WITHIN_TARGET,
    MeasuredMetrics,
    queue_metrics,
    recorded_queue_kpis,
    review_metrics,
)
from govservice_std.evaluation.overlays import (
    CRITERIA_FILE,
    CriteriaDocument,
    Override,
    Removal,
    compose_standard,
    waiver_in_force,
)
from govservice_std.evaluation.reviews import (
    OFFLINE_DIMENSIONS,
    ONLINE_DIMENSIONS,
    BadReviewState,
    Disposition,
    FollowUp,
    Review,
    ReviewChannel,
    ReviewLevel,
    ReviewPolicy,
    ReviewsDocument,
    ReviewSummary,
    StepStatus,
    summarize_reviews,
    track_bad_reviews,
)
from govservice_std.evaluation.scoring import (
    AspectScore,
    CriterionInfo,
    CriterionResult,
    Evaluator,
    Flat,
    Rectification,
    Scorecard,
    ScoringModel,
    Status,
    VetoCap,
    WeightedSum,
    builtin_scoring_models,
    scoring_model,
)
from govservice_std.evaluation.standard import (
    Aspect,
    Criterion,
    Direction,
    EffectiveCriterion,
    EffectiveParameter,
    GradeBand,
    Level,
    Method,
    MetricDefinition,
    Parameter,
    Standard,
    Waiver,
)

__all__ = [
    "CRITERIA_FILE",
    "OFFLINE_DIMENSIONS",
    "ONLINE_DIMENSIONS",
    "QUEUE_AVG_WAIT",
    "QUEUE_WITHIN_TARGET",
    "Answer",
    "Aspect",
    "AspectEntry",
    "AspectScore",
    "Assessment",
    "BadReviewState",
    "BatchResult",
    "BatchSummary",
    "CaseRecordEntry",
    "CriteriaDocument",
    "Criterion",
    "CriterionEntry",
    "CriterionInfo",
    "CriterionResult",
    "Direction",
    "Disposition",
    "DueDateCalendar",
    "EffectiveCriterion",
    "EffectiveParameter",
    "Evaluator",
    "Finding",
    "Flat",
    "FollowUp",
    "GradeBand",
    "GroupSummary",
    "Inspection",
    "InspectionsDocument",
    "Level",
    "LocalDayEntry",
    "MeasuredMetrics",
    "Method",
    "MetricDefinition",
    "Metrics",
    "OrderState",
    "OrderStatus",
    "OverdueOrderEntry",
    "Override",
    "Parameter",
    "RecordEntry",
    "Rectification",
    "RectificationEntry",
    "RectificationOrder",
    "Removal",
    "Review",
    "ReviewChannel",
    "ReviewLevel",
    "ReviewPolicy",
    "ReviewSummary",
    "ReviewsDocument",
    "Scorecard",
    "ScorecardDocument",
    "ScoringModel",
    "Standard",
    "Status",
    "StepStatus",
    "VetoCap",
    "Waiver",
    "WeekendCalendar",
    "WeightedSum",
    "builtin_scoring_models",
    "check_inspections",
    "compose_standard",
    "due_date",
    "evaluate_hall",
    "evaluate_locality",
    "evaluate_many",
    "inspection_metrics",
    "load_assessment",
    "parse_assessment",
    "queue_metrics",
    "record_entry",
    "recorded_queue_kpis",
    "review_metrics",
    "scoring_model",
    "summarize_reviews",
    "track_bad_reviews",
    "track_orders",
    "waiver_in_force",
]
