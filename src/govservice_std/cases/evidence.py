"""Case KPIs and reviews as measured evidence for the evaluation.

:func:`case_metrics` reads a hall's case store for a period and gives the ``items.*``
metrics (按时办结率 for SP-02, 异常办理率 for SP-03, 一次办成率, 提前办结率, 即办件占比) and
the ``reviews.*`` metrics of the reviews tied to its cases, each with its source — the
store, the period and the sample size — and the sample size itself, so a criterion measured
on too few cases is reported as insufficient data (the standard's ``sample.min``
parameters, :meth:`~govservice_std.evaluation.standard.Standard.min_sample`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from govservice_std.calendar import WorkingCalendar
from govservice_std.cases.kpis import case_kpis
from govservice_std.cases.reviews import summarize_case_reviews
from govservice_std.cases.stores import CaseStore
from govservice_std.evaluation.measured import CaseSubject, Evidence, EvidenceKind, MeasuredMetrics
from govservice_std.evaluation.reviews import ReviewPolicy
from govservice_std.evaluation.standard import Standard

if TYPE_CHECKING:
    from govservice_std.registry import ResolvedLocality

__all__ = ["case_evidence", "case_metrics"]


def case_metrics(
    store: CaseStore,
    standard: Standard,
    *,
    name: str,
    hall: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
    calendar: WorkingCalendar | None = None,
) -> MeasuredMetrics:
    """The case-based metrics of a hall over a period, with source and sample size.

    Args:
        store: The case store.
        standard: The locality's standard (its review policy and metric catalog).
        name: How to name the store in the evidence (a file name).
        hall: Only this hall's cases (default: every case in the store).
        start: First day of the period (cases by the day finished, reviews by the day given).
        end: Last day of the period.
        today: The day open 差评 are judged on (default: ``end``, else today).
        calendar: The locality's working calendar.

    Returns:
        Metrics the standard catalogs; a metric without cases is absent.
    """
    where = {"hall": hall} if hall else None
    figures = case_kpis(store, start=start, end=end, where=where)
    values: dict[str, float] = {}
    sources: dict[str, Evidence] = {}

    def put(metric: str, value: float | None, n: int, subject: CaseSubject) -> None:
        # The scorecard names the store, the cases counted, the period and the sample:
        # "办件库 cases.db 办结 2026-03-01–2026-03-31 (n=40)".
        if value is None:
            return
        values[metric] = value
        sources[metric] = Evidence(
            EvidenceKind.CASES, source=name, sample=n, start=start, end=end, subject=subject
        )

    finished, closed = CaseSubject.FINISHED, CaseSubject.CLOSED
    if figures:
        k = figures[0]
        put("items.on_time_rate", k.on_time_rate, k.finished, finished)
        put("items.abnormal_rate", k.abnormal_rate, k.closed, closed)
        put("items.one_visit_rate", k.one_visit_rate, k.finished, finished)
        put("items.early_rate", k.early_rate, k.finished, finished)
        put("items.immediate_share", k.immediate_share, k.finished, finished)
    policy = ReviewPolicy.from_standard(standard)
    flag = standard.parameters.get("reviews.rectify_from_contact")
    reviews = summarize_case_reviews(
        store,
        policy,
        today=today or end or dt.date.today(),  # noqa: DTZ011 - a day, not a moment
        calendar=calendar,
        rectify_from_contact=bool(flag.parameter.value) if flag is not None else False,
        start=start,
        end=end,
        hall=hall,
    )
    counted = reviews.samples()
    for metric, value in reviews.as_metrics().items():
        put(metric, value, counted[metric], CaseSubject.REVIEWS)
    measured = MeasuredMetrics(values, sources)
    return measured.restricted(standard.metrics)


def case_evidence(
    resolved: ResolvedLocality,
    path: Path,
    hall: str,
    *,
    start: dt.date | dt.datetime | None = None,
    end: dt.date | dt.datetime | None = None,
) -> MeasuredMetrics:
    """:func:`case_metrics` of a hall from a SQLite case database, on the locality's rules.

    Args:
        resolved: The locality whose standard and calendar apply
            (``registry.resolve(code)``).
        path: The case database.
        hall: The hall whose cases count.
        start: First day of the period (a ``datetime`` is taken by its date).
        end: Last day of the period.
    """
    from govservice_std.cases.stores import SQLiteCaseStore  # noqa: PLC0415

    def day(value: dt.date | dt.datetime | None) -> dt.date | None:
        return value.date() if isinstance(value, dt.datetime) else value

    with SQLiteCaseStore(path) as store:
        return case_metrics(
            store,
            resolved.standard,
            name=path.name,
            hall=hall,
            start=day(start),
            end=day(end),
            calendar=resolved.calendar,
        )
