"""办件: every application tracked from 受理 to 办结, and 好差评 tied to it.

* :mod:`~govservice_std.cases.events` — the events of a case's life and of its review;
* :mod:`~govservice_std.cases.model` — a case's state, folded from its events, and the
  lifecycle's rules;
* :mod:`~govservice_std.cases.clock` — time limits in working days, suspensions, extensions;
* :mod:`~govservice_std.cases.stores` — SQLite (embedded default) and PostgreSQL stores;
* :mod:`~govservice_std.cases.engine` — the commands;
* :mod:`~govservice_std.cases.kpis` — KPIs in SQL, or as a streaming fold;
* :mod:`~govservice_std.cases.reviews` — 好差评 figures of the reviews in the store;
* :mod:`~govservice_std.cases.exchange` — JSON Lines and CSV with the national element names;
* :mod:`~govservice_std.cases.evidence` — case metrics for the evaluation.

:func:`engine_for` builds an engine on a registry's calendars and warning threshold;
:func:`open_case` opens a case, in a resolved locality, from an application validated
against the item's form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from govservice_std.cases.engine import CaseEngine
from govservice_std.cases.model import Case, CaseStatus
from govservice_std.cases.stores import CaseStore, PostgresCaseStore, SQLiteCaseStore
from govservice_std.errors import CaseError, DataProblem, InvalidDataError
from govservice_std.registry import Registry, ResolvedLocality

if TYPE_CHECKING:
    from govservice_std.forms.validate import Lang

__all__ = [
    "Case",
    "CaseEngine",
    "CaseStatus",
    "CaseStore",
    "PostgresCaseStore",
    "SQLiteCaseStore",
    "engine_for",
    "open_case",
]


def engine_for(
    registry: Registry,
    store: CaseStore,
    *,
    clock: Callable[[], dt.datetime] | None = None,
    warning_locality: str = "000000",
) -> CaseEngine:
    """An engine whose cases count days on their locality's calendar.

    The at-risk threshold is the ``cases.warning_days`` parameter of
    ``warning_locality``'s standard.
    """
    standard = registry.resolve(warning_locality).standard
    entry = standard.parameters.get("cases.warning_days")
    warning = int(entry.parameter.value) if entry is not None else 2
    return CaseEngine(
        store,
        lambda code: registry.resolve(code).calendar,
        clock=clock,
        warning_days=warning,
    )


def open_case(
    engine: CaseEngine,
    resolved: ResolvedLocality,
    item_code: str,
    application: Mapping[str, Any],
    *,
    hall: str,
    window: str = "",
    staff: str = "",
    ticket: str = "",
    lang: Lang = "zh",
) -> Case:
    """Receive an application for an item at a hall: validate it, then open its case.

    The application is checked against the item's form (when the item has one); the case
    keeps the item's time limits, handling kind and material list, the hall's tier, and
    the form's version (``case.opened.form_version``).

    Args:
        engine: The engine that records the case.
        resolved: The locality the application is made in
            (``registry.resolve(code)``): its catalog, halls and forms.
        item_code: The service item applied for.
        application: The application, checked against the item's form.
        hall: The hall that receives it.
        window: The window that receives it.
        staff: Who receives it.
        ticket: The queue ticket it was received on.
        lang: The language of the application's problems, if it has any (``"zh"`` or
            ``"en"``).

    Raises:
        CaseError: If the locality has no such item or hall, or the hall's tier may not
            handle the item.
        InvalidDataError: If the application has problems (every one listed).
    """
    locality = str(resolved.code)
    catalog = resolved.catalog
    if item_code not in catalog:
        raise CaseError(
            f"no service item {item_code!r} in {locality}",
            f"{locality} 没有政务服务事项 {item_code}",
        )
    item = catalog.get(item_code)
    try:
        the_hall = resolved.hall(hall)
    except KeyError:
        raise CaseError(
            f"locality {locality} has no hall {hall!r}", f"地区 {locality} 没有服务场所 {hall}"
        ) from None
    if the_hall.tier not in item.tiers:
        raise CaseError(
            f"a {the_hall.tier.value} hall does not handle item {item_code}",
            f"{the_hall.tier.label_zh}不办理事项 {item_code}",
        )
    form_version = ""
    if item.form is not None:
        result = resolved.forms.for_item(item).validate(application, lang=lang)
        form_version = result.version
        if not result.valid:
            raise InvalidDataError(
                [DataProblem(p.path, f"{p.code}: {p.message}") for p in result.problems],
                source="application",
            )
    applicant = _applicant_id(application)
    return engine.open(
        hall=hall,
        locality=locality,
        item=item.code,
        item_name=item.name,
        kind=item.handling_kind.value,
        promised_days=item.promised_limit_days,
        legal_days=item.legal_limit_days,
        materials=[m.name for m in item.materials],
        tier=the_hall.tier.value,
        window=window,
        staff=staff,
        ticket=ticket,
        applicant=applicant,
        form_version=form_version,
    )


def _applicant_id(application: Mapping[str, Any]) -> str:
    """The applicant's ID number, masked, if the application names one."""
    from govservice_std.forms.identifiers import mask_id  # noqa: PLC0415

    person = application.get("applicant")
    for source in (person, application) if isinstance(person, Mapping) else (application,):
        value = source.get("id_number")
        if isinstance(value, str) and value:
            return mask_id(value)
    return ""
