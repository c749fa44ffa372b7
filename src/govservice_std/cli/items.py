"""``govstd catalog``, ``form``, ``validate`` and ``deadline``: items, forms and due dates."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from govservice_std.cli._base import (
    LANGS,
    TIERS,
    State,
    cli,
    echo_json,
    html_option,
    make_console,
    use_lang,
)
from govservice_std.i18n import N_, _, get_language, ngettext
from govservice_std.reports.words import tier_short

if TYPE_CHECKING:
    from collections.abc import Iterable

    from govservice_std.forms import CompiledForm, Field
    from govservice_std.items import Catalog, Checklist, Material, ServiceItem
    from govservice_std.localities import Provenance

__all__ = ["catalog", "deadline", "form", "item", "validate"]


def _no_item(item_code: str, locality: str) -> str:
    return _("no service item {item!r} in {locality} (see: govstd catalog {locality})").format(
        item=item_code, locality=locality
    )


def _item_form(state: State, locality: str, item_code: str) -> CompiledForm:
    resolved = state.resolve(locality)
    items = resolved.catalog
    if item_code not in items:
        raise click.BadParameter(_no_item(item_code, locality), param_hint="ITEM_CODE")
    item = items.get(item_code)
    if item.form is None:
        raise click.BadParameter(
            _("service item {item!r} has no form").format(item=item_code),
            param_hint="ITEM_CODE",
        )
    return resolved.forms.for_item(item)


@cli.command()
@click.argument("locality")
@click.option("--tier", type=click.Choice(TIERS), help="Only items a hall of this tier may accept.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
@click.pass_obj
def catalog(state: State, locality: str, tier: str | None, as_json: bool) -> None:
    """List the government service items of LOCALITY.

    With --json, print an array of objects with code, name, type, type_name, level, parent,
    department, handling_kind, tiers, legal_limit_days, promised_limit_days, form, the layer
    and plugin that added the item, and the layers that localized it.
    """
    items = state.resolve(locality).catalog
    chosen = items.filter(tier=tier) if tier else tuple(items)
    if as_json:
        echo_json(
            [
                {
                    "code": item.code,
                    "name": item.name,
                    "type": item.type,
                    "type_name": items.type_name(item),
                    "level": item.level.value,
                    "parent": item.parent,
                    "department": item.department,
                    "handling_kind": item.handling_kind.value,
                    "tiers": [t.value for t in item.tiers],
                    "legal_limit_days": item.legal_limit_days,
                    "promised_limit_days": item.promised_limit_days,
                    "form": item.form,
                    "layer": str(items.provenance[item.code].layer),
                    "plugin": items.provenance[item.code].plugin,
                    "localized_by": [str(p.layer) for p in items.localized.get(item.code, ())],
                    "illustrative": list(item.illustrative),
                }
                for item in chosen
            ]
        )
        return
    from rich.table import Table  # noqa: PLC0415

    info = state.registry.info(locality)
    metrics = items.metrics(chosen)
    count = _("{n} service items").format(n=len(chosen))
    table = Table(title=f"{info.locality.name} ({info.code}) — {count}")
    for name in (_("Code"), _("Name"), _("Type"), _("Handling"), _("Tiers")):
        table.add_column(name)
    table.add_column(_("Legal limit"), justify="right")
    table.add_column(_("Promised"), justify="right")
    table.add_column(_("Source"))
    for item in chosen:
        legal = "—" if item.legal_limit_days is None else str(item.legal_limit_days)
        source = str(items.provenance[item.code].layer)
        if item.code in items.localized:
            source += "→" + "→".join(str(p.layer) for p in items.localized[item.code])
        table.add_row(
            item.code,
            item.name,
            items.type_name(item),
            item.handling_kind.label(),
            "/".join(tier_short(t) for t in item.tiers),
            legal,
            str(item.promised_limit_days),
            source,
        )
    console = make_console()
    console.print(table)
    share = "—" if metrics.immediate_share is None else f"{metrics.immediate_share:.1%}"
    ratio = "—" if metrics.compression is None else f"{metrics.compression:.1%}"
    console.print(
        _(
            "share handled on the spot {share} · promised time over legal time {ratio} "
            "(limits in working days)"
        ).format(share=share, ratio=ratio)
    )
    if metrics.visits_stated:
        console.print(
            _(
                "visits in person: mean {mean} over {n} items · no visit {zero} · "
                "fully online {online} · handled anywhere {anywhere}"
            ).format(
                mean=f"{metrics.mean_visits:.2f}",
                n=metrics.visits_stated,
                zero=_pct(metrics.zero_visit_share),
                online=_pct(metrics.fully_online_share),
                anywhere=_pct(metrics.anywhere_share),
            )
        )


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share:.1%}"


@cli.command()
@click.argument("locality")
@click.argument("item_code")
@click.option("--json", "as_json", is_flag=True, help="Print the item (or the checklist) as JSON.")
@click.option(
    "--checklist",
    is_flag=True,
    help="Print the one-time notice: the checklist of the materials to bring.",
)
@html_option(N_("With --checklist: also write it as a printable HTML page to this file."))
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    help="Language of the text (default: that of govstd --lang, itself zh by default).",
)
@click.pass_obj
def item(  # noqa: PLR0917 - click passes each option as an argument
    state: State,
    locality: str,
    item_code: str,
    as_json: bool,
    checklist: bool,
    html_out: Path | None,
    lang: str | None,
) -> None:
    """Show the service guide of service item ITEM_CODE in LOCALITY.

    With --json, print every element of the item (those not stated as null or empty),
    plus the layer that added it and the layers that localized it. With --checklist, print
    the one-time notice instead: every material, grouped — to bring, to bring only in some
    cases, not to bring (obtained by the hall) — with the copies of each and those that may
    be brought later marked; --json prints it as JSON and --html writes it as a printable
    page.
    """
    if lang is not None:
        use_lang(state, lang)
    items = state.resolve(locality).catalog
    if item_code not in items:
        raise click.BadParameter(_no_item(item_code, locality), param_hint="ITEM_CODE")
    found = items.get(item_code)
    if html_out is not None and not checklist:
        raise click.UsageError(_("--html goes with --checklist"))
    if checklist:
        _print_checklist(state, locality, found.checklist(), as_json, html_out)
        return
    added = items.provenance[item_code]
    localized = items.localized.get(item_code, ())
    if as_json:
        data = _full_elements(found)
        data["added_by"] = {"layer": str(added.layer), "plugin": added.plugin}
        data["localized_by"] = [{"layer": str(p.layer), "plugin": p.plugin} for p in localized]
        echo_json(data)
        return
    for label, value in _guide_rows(items, found, (added, *localized)):
        click.echo(_("{label}: {value}").format(label=label, value=value))
    if found.materials:
        click.echo(_("Materials:"))
        for material in found.materials:
            click.echo("  - " + _material_line(material))
    if found.steps:
        click.echo(_("Steps: {steps}").format(steps=" → ".join(found.steps)))
    if found.illustrative:
        click.echo(_illustrative(found.illustrative))


# The element names an item's ``illustrative`` list uses, as people read them.
_ELEMENT_LABELS = {
    "code": N_("Item code"),
    "basic_code": N_("Basic code"),
    "name": N_("Item name"),
    "type": N_("Item type"),
    "level": N_("Level"),
    "parent": N_("Parent item"),
    "department": N_("Department"),
    "implementing_body": N_("Implementing body"),
    "legal_basis": N_("Legal basis"),
    "conditions": N_("Conditions"),
    "handling_kind": N_("Handling"),
    "legal_limit_days": N_("Legal time limit"),
    "promised_limit_days": N_("Promised time limit"),
    "materials": N_("Materials"),
    "steps": N_("Steps"),
    "fees": N_("Fees"),
    "channels": N_("Channels"),
    "tiers": N_("Tiers"),
    "service_objects": N_("Service objects"),
    "exercise_levels": N_("Exercise levels"),
    "place": N_("Place"),
    "hours": N_("Hours"),
    "onsite_visits": N_("Visits in person"),
    "anywhere_scope": N_("Handled anywhere"),
    "result": N_("Result issued"),
    "delivery": N_("Delivery"),
    "intermediary_services": N_("Intermediary services"),
    "special_procedures": N_("Special procedures"),
    "quantity_limit": N_("Quantity limit"),
    "consult_phone": N_("Enquiries"),
    "complaint_phone": N_("Complaints"),
    "form": N_("Form"),
    "notes": N_("Notes"),
}


def _illustrative(names: Iterable[str]) -> str:
    """The line naming an item's illustrative elements, in the language of the run."""
    labels = [_(_ELEMENT_LABELS[n]) if n in _ELEMENT_LABELS else n for n in names]
    return _("Illustrative data: {fields}").format(fields=_(", ").join(labels))


def _full_elements(found: ServiceItem) -> dict[str, Any]:
    """Every element of the item, nested records too: those left at their default as well."""
    full = _full(found)
    assert isinstance(full, dict)  # noqa: S101 - an attrs instance gives a dict
    return full


def _full(value: object) -> object:
    import attrs  # noqa: PLC0415

    from govservice_std.serialization import unstructure  # noqa: PLC0415 - keep startup light

    if attrs.has(type(value)):
        names = [f.name for f in attrs.fields(type(value))]  # type: ignore[arg-type]
        return {name: _full(getattr(value, name)) for name in names}
    if isinstance(value, tuple):
        return [_full(v) for v in value]
    return unstructure(value)


def _material_line(material: Material) -> str:
    parts = [material.name]
    if material.id:
        parts.append(f"[{material.id}]")
    parts.append(_("{form} ×{count}").format(form=material.form.label(), count=material.count))
    parts.append(material.source.label())
    line = " ".join(parts)
    notes = []
    if material.deferrable:
        notes.append(_("may be brought later"))
    if material.hall_fetches:
        notes.append(_("not submitted: obtained by the hall"))
    if not material.required:
        notes.append(_("only in some cases"))
    if notes:
        line += _(" ({notes})").format(notes=_("; ").join(notes))
    if material.note:
        line += f" — {material.note}"
    return line


_GROUP_TITLES = {
    "required": N_("To bring (materials: {n}; copies: {copies}):"),
    "conditional": N_("To bring only in the cases stated (materials: {n}):"),
    "exempt": N_("Not to bring, obtained by the hall (materials: {n}):"),
}


def _print_checklist(
    state: State, locality: str, checklist: Checklist, as_json: bool, html_out: Path | None
) -> None:
    if html_out is not None:
        from govservice_std.reports.html import render  # noqa: PLC0415 - keep startup light

        info = state.registry.info(locality)
        page = render(
            "checklist.html",
            checklist=checklist,
            item=checklist.item,
            locality=f"{info.locality.name} ({info.code})",
            group_titles=_GROUP_TITLES,
            signature=False,
        )
        html_out.write_text(page, encoding="utf-8")
    if as_json:
        echo_json(checklist.to_dict())
        return
    found = checklist.item
    click.echo(_("One-time notice: {name} ({code})").format(name=found.name, code=found.code))
    if not found.materials:
        click.echo(_("No materials are listed for this item."))
    number = 0
    for group, materials in checklist.groups():
        click.echo(_(_GROUP_TITLES[group]).format(n=len(materials), copies=checklist.copies))
        for material in materials:
            number += 1
            click.echo(f"  {number}. " + _material_line(material))
    click.echo(
        ngettext(
            "{n} material in all; {deferrable} may be brought later.",
            "{n} materials in all; {deferrable} may be brought later.",
            len(found.materials),
        ).format(n=len(found.materials), deferrable=checklist.deferrable)
    )
    if "materials" in found.illustrative:
        click.echo(_illustrative(["materials"]))
    if html_out is not None:
        click.echo(_("HTML page written to {path}").format(path=html_out))


def _yuan(amount: float) -> str:
    return _("{amount} yuan").format(amount=f"{amount:g}")


def _guide_rows(
    items: Catalog, found: ServiceItem, layers: tuple[Provenance, ...]
) -> list[tuple[str, str]]:
    def days(n: int) -> str:
        return _("{value} working days").format(value=n)

    legal = _("none") if found.legal_limit_days is None else days(found.legal_limit_days)
    fees = _("; ").join(
        " ".join(
            part
            for part in (
                fee.name,
                ""
                if fee.amount_yuan is None
                else _("{amount} yuan").format(amount=f"{fee.amount_yuan:g}"),
                fee.basis,
            )
            if part
        )
        for fee in found.fees
    )
    basic = _(" (basic code {code})").format(code=found.basic_code) if found.basic_code else ""
    parent = _(" (under {code})").format(code=found.parent) if found.parent else ""
    semicolon, comma = _("; "), _(", ")
    step_names = {"accept": _("accept"), "review": _("first review"), "decide": _("decide")}
    levels = (
        comma.join(
            _("{step}: {level}").format(step=step_names[step], level=level.label())
            for step, level in found.exercise_levels.steps()
        )
        if found.exercise_levels is not None
        else "—"
    )
    visits = "—" if found.onsite_visits is None else str(found.onsite_visits)
    specials = semicolon.join(
        _("{name} (at most {days} working days, not counted in the time limit)").format(
            name=p.name, days=p.limit_days
        )
        if p.limit_days is not None
        else _("{name} (not counted in the time limit)").format(name=p.name)
        for p in found.special_procedures
    )
    limit = found.quantity_limit
    quantity = (
        "—"
        if limit is None
        else (
            _("none")
            if not limit.limited
            else " ".join(part for part in (str(limit.count or ""), limit.note) if part)
            or _("limited")
        )
    )
    services = semicolon.join(
        " ".join(part for part in (s.name, s.provider) if part) for s in found.intermediary_services
    )
    return [
        (_("Item name"), found.name),
        (_("Item code"), found.code + basic),
        (_("Item type"), f"{found.type} {items.type_name(found)}"),
        (_("Level"), found.level.label() + parent),
        (_("Department"), found.department),
        (_("Implementing body"), found.implementing_body),
        (_("Legal basis"), semicolon.join(found.legal_basis) or "—"),
        (_("Conditions"), semicolon.join(found.conditions) or "—"),
        (_("Handling"), found.handling_kind.label()),
        (_("Legal time limit"), legal),
        (_("Promised time limit"), days(found.promised_limit_days)),
        (_("Fees"), fees or _("free of charge")),
        (_("Channels"), comma.join(c.label() for c in found.channels)),
        (_("Tiers"), comma.join(t.label() for t in found.tiers)),
        (_("Service objects"), comma.join(o.label() for o in found.service_objects) or "—"),
        (_("Exercise levels"), levels),
        (_("Place"), found.place or "—"),
        (_("Hours"), found.hours or "—"),
        (_("Visits in person"), visits),
        (_("Handled anywhere"), found.anywhere_scope.label() if found.anywhere_scope else "—"),
        (_("Result issued"), found.result or "—"),
        (_("Delivery"), comma.join(d.label() for d in found.delivery) or "—"),
        (_("Intermediary services"), services or "—"),
        (_("Special procedures"), specials or "—"),
        (_("Quantity limit"), quantity),
        (_("Enquiries"), found.consult_phone or "—"),
        (_("Complaints"), found.complaint_phone or "—"),
        (_("Form"), found.form or "—"),
        (_("Source"), " → ".join(f"{p.layer} ({p.plugin})" for p in layers)),
    ]


def _describe(field: Field) -> str:
    rules = []
    if field.required:
        rules.append(_("required"))
    if field.read_only:
        rules.append(_("read-only"))
    for name, title in (
        ("required_if", _("required if")),
        ("relevant", _("shown if")),
        ("constraint", _("constraint")),
        ("calculate", _("calculated as")),
        ("default", _("default")),
        ("choice_source", _("options from")),
        ("choice_filter", _("options filtered by")),
        ("repeat_count", _("rows")),
        ("material", _("material")),
    ):
        value = getattr(field, name)
        if value is not None and value != "":
            rules.append(_("{rule}: {value}").format(rule=title, value=value))
    if field.choices:
        lang = get_language()
        choices = " / ".join(f"{c.value}={c.label_in(lang)}" for c in field.choices)
        rules.append(_("choices: {choices}").format(choices=choices))
    return _("; ").join(rules)


@cli.command()
@click.argument("locality")
@click.argument("item_code")
@click.option("--json", "as_json", is_flag=True, help="Print the form specification as JSON.")
@click.option(
    "--xlsx",
    "xlsx_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the form as an XLSForm-style workbook (survey, choices, settings).",
)
@click.pass_obj
def form(
    state: State, locality: str, item_code: str, as_json: bool, xlsx_out: Path | None = None
) -> None:
    """Show the application form of service item ITEM_CODE in LOCALITY.

    With --xlsx, also write it as a workbook that ``govstd import forms`` reads back.
    """
    compiled = _item_form(state, locality, item_code)
    spec = compiled.spec
    if xlsx_out is not None:
        from govservice_std.spreadsheets.xlsform import form_to_workbook  # noqa: PLC0415

        form_to_workbook(spec, xlsx_out)
    if as_json:
        from govservice_std.serialization import unstructure  # noqa: PLC0415

        data: dict[str, Any] = unstructure(spec)
        data.setdefault("version", spec.version)  # shown even when it is the default
        echo_json(data)
        return
    from rich.tree import Tree  # noqa: PLC0415

    illustrative = _("illustrative")
    note = f" [dim]({illustrative})[/dim]" if spec.illustrative else ""
    lang = get_language()
    tree = Tree(f"[bold]{spec.title_in(lang)}[/bold] ({spec.id} v{spec.version}){note}")

    def grow(node: Tree, fields: tuple[Field, ...]) -> None:
        for field in fields:
            rules = _describe(field)
            label = f"{field.name} [cyan]{field.type.value}[/cyan] {field.label_in(lang)}"
            child = node.add(label + (f" [dim]{rules}[/dim]" if rules else ""))
            grow(child, field.fields)

    grow(tree, spec.fields)
    make_console().print(tree)


@cli.command()
@click.argument("locality")
@click.argument("item_code")
@click.argument("application", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    help="Language of the messages (default: that of govstd --lang, itself zh by default).",
)
@click.option("--json", "as_json", is_flag=True, help="Print {valid, problems} as JSON.")
@click.pass_obj
def validate(  # noqa: PLR0917 - click passes each option as an argument
    state: State, locality: str, item_code: str, application: Path, lang: str | None, as_json: bool
) -> None:
    """Validate APPLICATION (a JSON file) against the form of ITEM_CODE in LOCALITY.

    Exit status: 0 when the application is valid, 1 when it has problems, 2 on a usage error
    (unknown locality or item, unreadable file, text that is not JSON).
    """
    if lang is not None:
        use_lang(state, lang)
    compiled = _item_form(state, locality, item_code)
    from govservice_std.errors import InvalidDataError  # noqa: PLC0415 - lazy
    from govservice_std.serialization import parse  # noqa: PLC0415

    try:
        data: Any = parse(application.read_text(encoding="utf-8"), "json")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.BadParameter(
            _("cannot read {path}: {error}").format(path=application, error=exc),
            param_hint="APPLICATION",
        ) from None
    except InvalidDataError as exc:
        first = exc.problems[0]
        reason = first.message.removeprefix("not valid JSON: ")
        line = first.path.split(" ")[1] if first.path.startswith("line ") else ""
        where = _(" (line {line})").format(line=line) if line else ""
        raise click.BadParameter(
            _("{path} is not JSON: {error}{where}").format(
                path=application, error=reason, where=where
            ),
            param_hint="APPLICATION",
        ) from None
    result = compiled.validate(data, lang="en" if state.lang == "en" else "zh")
    if as_json:
        echo_json(result.to_dict())
    elif result.valid:
        click.echo(_("valid"))
    else:
        for problem in result.problems:
            where = problem.path or "-"
            click.echo(f"{where}\t{problem.code}\t{problem.message}")
    sys.exit(0 if result.valid else 1)


@cli.command()
@click.argument("locality")
@click.option(
    "--start",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day of acceptance (YYYY-MM-DD); it is not counted.",
)
@click.option(
    "--working-days", type=click.IntRange(min=0, max=3650), help="The time limit (at most 3650)."
)
@click.option(
    "--item",
    "item_code",
    metavar="ITEM_CODE",
    help="Use this service item's promised time limit (instead of --working-days).",
)
@click.option(
    "--estimate",
    is_flag=True,
    help="Accept an estimated schedule for a year whose official one is not published.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print {"due": "YYYY-MM-DD", "estimated": …, "local_days": […]}.',
)
@click.pass_obj
def deadline(  # noqa: PLR0917 - click passes each option as an argument
    state: State,
    locality: str,
    start: dt.datetime,
    working_days: int | None,
    item_code: str | None,
    estimate: bool,
    as_json: bool,
) -> None:
    """Print the due date of a time limit in working days in LOCALITY.

    Counts working days on the official schedule (with make-up working days) and the
    locality's closures and service days; the day of acceptance is not counted. Give the
    limit with --working-days, or --item to use a service item's promised time limit. Every
    local closure or service day that moved the due date is named under it, and a due date
    counted on an estimated schedule (--estimate) is flagged as an estimate.
    """
    if (working_days is None) == (item_code is None):
        raise click.UsageError(_("give exactly one of --working-days and --item"))
    if item_code is not None:
        items = state.resolve(locality).catalog
        if item_code not in items:
            raise click.BadParameter(
                _("no service item {item!r} in {locality}").format(
                    item=item_code, locality=locality
                )
            )
        working_days = items.get(item_code).promised_limit_days
    assert working_days is not None  # noqa: S101 - narrowed by the check above
    calendar = state.resolve(locality).calendar
    if estimate:
        calendar = calendar.estimating()
    accepted = start.date()
    due = calendar.due_date(accepted, working_days)
    estimated = calendar.is_estimated(accepted, due)
    local = calendar.local_days(accepted, due)
    if as_json:
        echo_json(
            {
                "due": due.isoformat(),
                "estimated": estimated,
                "local_days": [
                    {
                        "date": d.date.isoformat(),
                        "counts": d.counts,
                        "reason": d.reason,
                        "layer": d.layer,
                        "illustrative": d.illustrative,
                    }
                    for d in local
                ],
            }
        )
        return
    years = sorted({y for y in range(accepted.year, due.year + 1) if not calendar.is_official(y)})
    flag = ""
    if estimated:
        flag = _(
            " (estimate: the official {years} holiday schedule is not published; estimated "
            "from the holiday rules, may move)"
        ).format(years=_(", ").join(str(y) for y in years))
    click.echo(due.isoformat() + flag)
    for day in local:
        click.echo(_("local day: {day}").format(day=day.describe()))
