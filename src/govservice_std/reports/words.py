"""The words of the reports: labels of the library's enums, units, evidence and figures.

One table of labels for every enum a report shows, written as catalog messages (English
source, translated by the catalogs), so a terminal table and an HTML page word a status, a
tier or an aspect the same way in the same language.

>>> from govservice_std.evaluation.scoring import Status
>>> from govservice_std.i18n import language
>>> with language("zh"):
...     label(Status.PARTLY_MET)
'部分达标'
>>> with language("en"):
...     label(Status.PARTLY_MET), figure(0.995, "ratio"), figure(18.0, "minutes")
('partly met', '99.5%', '18 minutes')
"""

from __future__ import annotations

import datetime as dt
import enum

from govservice_std.evaluation.inspections import OrderStatus
from govservice_std.evaluation.measured import CaseSubject, Evidence, EvidenceKind
from govservice_std.evaluation.reviews import StepStatus
from govservice_std.evaluation.scoring import CriterionResult, Reason
from govservice_std.evaluation.standard import Direction, Method
from govservice_std.halls import HallTier
from govservice_std.i18n import N_, LabelledEnum, _, ngettext

__all__ = [
    "answer",
    "due",
    "evidence",
    "figure",
    "label",
    "notes",
    "percent",
    "target",
    "tier_short",
]

# Labels of the enums that carry none themselves (the library's LabelledEnums do).
_LABELS: dict[enum.Enum, str] = {
    Method.CHECK: N_("check"),
    Method.GRADED: N_("graded"),
    Method.METRIC: N_("metric"),
    OrderStatus.OPEN: N_("in rectification"),
    OrderStatus.OVERDUE: N_("overdue, not closed"),
    OrderStatus.CLOSED_ON_TIME: N_("closed on time"),
    OrderStatus.CLOSED_LATE: N_("closed late"),
    StepStatus.CONTACT_OVERDUE: N_("follow-up call"),
    StepStatus.CLOSE_OVERDUE: N_("closing"),
    Reason.NO_ANSWER: N_("no answer"),
    Reason.NO_DATA: N_("no data"),
    Reason.INSUFFICIENT_DATA: N_("insufficient data"),
    CaseSubject.FINISHED: N_("cases finished"),
    CaseSubject.CLOSED: N_("cases finished or withdrawn after acceptance"),
    CaseSubject.REVIEWS: N_("reviews of the cases"),
}

_TIER_SHORT = {
    HallTier.COUNTY: N_("county (short)"),
    HallTier.TOWN: N_("town (short)"),
    HallTier.VILLAGE: N_("village (short)"),
}


def label(member: enum.Enum) -> str:
    """The label of an enum member in this run's language (its value if it has none)."""
    if isinstance(member, LabelledEnum):
        return member.label()
    text = _LABELS.get(member)
    return _(text) if text is not None else str(member.value)


def tier_short(tier: HallTier) -> str:
    """A one-character tier (县/镇/村) in Chinese, the tier's name in English."""
    return _(_TIER_SHORT[tier])


def percent(value: float | None, digits: int = 1) -> str:
    """A share as a percentage, ``—`` for no value."""
    return "—" if value is None else f"{value:.{digits}%}"


_UNITS = {
    "minutes": N_("minutes"),
    "working days": N_("working days"),
    "ratio": N_("ratio"),
    "flag": N_("flag"),
}


def unit(name: str) -> str:
    """A unit of the standard's catalog, worded (another unit as it is written)."""
    known = _UNITS.get(name)
    return _(known) if known is not None else name


def figure(value: float, unit: str) -> str:
    """A measured value with its unit, worded (``ratio`` as a percentage)."""
    if unit == "ratio":
        return percent(value)
    if unit == "minutes":
        return _("{value} minutes").format(value=f"{value:g}")
    if unit == "working days":
        return _("{value} working days").format(value=f"{value:g}")
    if unit in ("", "flag"):
        return f"{value:g}"
    return f"{value:g} {unit}"


def target(direction: Direction, value: float, unit: str) -> str:
    """A metric target: ``≥ 90.0%``, ``≤ 20 minutes``."""
    sign = "≥" if direction is Direction.AT_LEAST else "≤"
    return f"{sign} {figure(value, unit)}"


def answer(result: CriterionResult) -> str:
    """What the assessor answered or what was measured, worded, with the target if any."""
    info = result.info
    if result.value is not None:
        shown = figure(result.value, info.unit)
    elif result.answer == "met":
        shown = _("yes")
    elif result.answer == "not met":
        shown = _("no")
    else:
        shown = result.answer  # a graded level, as the standard names it
    if info.direction is not None and result.target is not None:
        goal = _("target {target}").format(target=target(info.direction, result.target, info.unit))
        return f"{shown} ({goal})" if shown else goal
    return shown


def evidence(record: Evidence) -> str:
    """Where measured values came from, worded: the record, its day or days, its sample."""
    if record.kind is EvidenceKind.QUEUE:
        n = record.sample or 0
        tickets = ngettext("{n} ticket", "{n} tickets", n).format(n=n)
        if record.day is not None:
            return _("queue record of {day}, {tickets}").format(
                day=record.day.isoformat(), tickets=tickets
            )
        days = record.days or 0
        return _("queue record of {days} days, {tickets}").format(days=days, tickets=tickets)
    if record.kind is EvidenceKind.REVIEWS:
        n = record.sample or 0
        return _("reviews {source}, {count}").format(
            source=record.source, count=ngettext("{n} review", "{n} reviews", n).format(n=n)
        )
    if record.kind is EvidenceKind.INSPECTIONS:
        n = record.sample or 0
        return _("inspection records, {count}").format(
            count=ngettext("{n} order", "{n} orders", n).format(n=n)
        )
    if record.kind is EvidenceKind.CASES:
        n = record.sample or 0
        period = record.period if record.period != "all" else _("all days")
        return _("case records {source}, {subject}, {period}, {count}").format(
            source=record.source,
            subject=label(record.subject) if record.subject is not None else "",
            period=period,
            count=ngettext("{n} record", "{n} records", n).format(n=n),
        )
    return str(record)


def notes(result: CriterionResult) -> str:
    """The notes of a criterion: the assessor's, why nothing was earned, the evidence."""
    parts = [result.notes] if result.notes else []
    if result.reason is Reason.MEASURED and result.replaced is not None:
        parts.append(
            _("measured value used in place of the typed {value}").format(
                value=figure(result.replaced, result.info.unit)
            )
        )
    elif result.reason is Reason.INSUFFICIENT_DATA and result.min_sample is not None:
        parts.append(
            _("insufficient data: sample {n}, fewer than {minimum}").format(
                n=result.sample, minimum=result.min_sample
            )
        )
    elif result.reason is not None:
        parts.append(label(result.reason))
    named = {str(r) for r in result.records}
    shown = [e for e in result.evidence if e not in named]
    shown += [evidence(r) for r in result.records]
    if shown:
        parts.append(_("evidence: {list}").format(list=_(", ").join(shown)))
    if result.waiver:
        parts = [_("waived: {why}").format(why=result.waiver)]
    return " ".join(parts)


def due(day: dt.date, estimated: bool) -> str:
    """A due date, marked when it rests on an estimated holiday schedule."""
    return day.isoformat() + (_(" (estimated)") if estimated else "")
