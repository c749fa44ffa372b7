"""``govstd case``: cases (办件) from receipt to 办结 on a case database, and their reviews.

Every command opens the database (SQLite; ``--db``, as for ``govstd queue``), runs one case
command as one transaction and prints the case it acted on. An illegal move (finishing a
case that was never accepted, a second 补正 notice, a second review) exits with status 2
and a one-line message, in the language of the run.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from govservice_std.cli._base import (
    LANGS,
    State,
    cli,
    current_lang,
    echo_json,
    parse_moment,
    use_lang,
)
from govservice_std.cli.spreadsheets import write_xlsx, xlsx_option
from govservice_std.errors import GovServiceError
from govservice_std.i18n import _, ngettext, pgettext

if TYPE_CHECKING:
    from govservice_std.cases.engine import CaseEngine
    from govservice_std.cases.model import Case

__all__ = ["case"]


class CaseContext:
    """Options of ``govstd case`` and the engine built from them on first use."""

    def __init__(self, state: State, db: Path, at: dt.datetime | None) -> None:
        self.state = state
        self.db = db
        self.at = at
        self._engine: CaseEngine | None = None

    def engine(self, *, create: bool = False) -> CaseEngine:
        """The engine on the database (created by ``open`` and ``import``)."""
        if self._engine is None:
            from govservice_std.cases import engine_for  # noqa: PLC0415
            from govservice_std.cases.stores import SQLiteCaseStore  # noqa: PLC0415

            at = self.at
            store = SQLiteCaseStore(self.db, create=create)
            self._engine = engine_for(
                self.state.registry, store, clock=(lambda: at) if at is not None else None
            )
        return self._engine

    def close(self) -> None:
        """Close the database."""
        if self._engine is not None:
            self._engine.store.close()


@cli.group()
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    envvar="GOVSTD_CASE_DB",
    help="The case database (SQLite; env GOVSTD_CASE_DB). May be the hall's queue database.",
)
@click.option(
    "--at",
    callback=parse_moment,
    metavar="DATETIME",
    help="Act as if it were this time (ISO 8601; China time if no offset): for drills and "
    "for recording what happened earlier.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    help="Language of the messages (default: that of govstd --lang, itself zh by default).",
)
@click.pass_context
def case(ctx: click.Context, db: Path, at: dt.datetime | None, lang: str | None) -> None:
    """Cases: receive applications, accept, correct, suspend, finish; KPIs and reviews."""
    state = ctx.find_object(State) or State(None, ())
    if lang is not None:
        use_lang(state, lang)
    ctx.obj = CaseContext(state, db, at)
    ctx.call_on_close(ctx.obj.close)


def _summary(c: Case) -> str:
    # The item's name is Chinese data: shown under Chinese, its code under English.
    item = (c.opened.item_name or c.opened.item) if current_lang() == "zh" else c.opened.item
    return _("{case} {item} ({status})").format(case=c.number, item=item, status=c.status.label())


def _done(q: CaseContext, c: Case) -> None:
    """Print the case and where its clock stands."""
    click.echo(_summary(c))
    if c.accepted is not None and c.status.open:
        r = q.engine().reading(c)
        due = r.due.isoformat() if r.due else _("clock stopped")
        est = _(" (estimated)") if r.estimated else ""
        click.echo(
            "  "
            + _("due: {due}{estimated}; {used} working days used, {left} left").format(
                due=due, estimated=est, used=r.used, left=r.left
            )
        )


@case.command("open")
@click.argument("locality")
@click.argument("item_code", metavar="ITEM")
@click.argument("application", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--hall", required=True, help="The hall receiving the application.")
@click.option("--ticket", default="", help="The queue ticket of the applicant, if any.")
@click.option("--window", default="", help="The window receiving it.")
@click.option("--staff", default="", help="The staff member receiving it.")
@click.option("--json", "as_json", is_flag=True, help="Print the case as JSON.")
@click.pass_obj
def open_case_cmd(  # noqa: PLR0917 - click passes each option as an argument
    q: CaseContext,
    locality: str,
    item_code: str,
    application: Path,
    hall: str,
    ticket: str,
    window: str,
    staff: str,
    as_json: bool,
) -> None:
    """Receive APPLICATION (JSON) for ITEM in LOCALITY at --hall; print the case number.

    The application is validated against the item's form first; an invalid one opens no
    case and every problem is printed (exit status 1).
    """
    from govservice_std.cases import open_case  # noqa: PLC0415
    from govservice_std.errors import InvalidDataError  # noqa: PLC0415

    try:
        data = json.loads(application.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.BadParameter(
            _("cannot read {path}: {error}").format(path=application, error=exc),
            param_hint="APPLICATION",
        ) from None
    if not isinstance(data, dict):
        raise click.BadParameter(
            _("the application must be a JSON object"),
            param_hint="APPLICATION",
        )
    resolved = q.state.resolve(locality)  # an unknown locality fails before the file is made
    try:
        c = open_case(
            q.engine(create=True), resolved, item_code, data,
            hall=hall, window=window, staff=staff, ticket=ticket,
            lang="en" if current_lang() == "en" else "zh",
        )  # fmt: skip
    except InvalidDataError as exc:
        click.echo(_("the application has problems; no case:"))
        for problem in exc.problems:
            click.echo(f"  {problem}")
        sys.exit(1)
    if as_json:
        echo_json(_case_json(q, c))
        return
    click.echo(c.number)


def _case_json(q: CaseContext, c: Case) -> dict[str, Any]:
    from govservice_std.cases.exchange import record_of  # noqa: PLC0415

    r = q.engine().reading(c)
    return {
        "case": c.number,
        "status": c.status.value,
        "form_version": c.opened.form_version,
        "record": record_of(c),
        "steps": list(c.steps),
        "clock": {
            "limit": r.limit,
            "due": r.due.isoformat() if r.due else None,
            "used": r.used,
            "left": r.left,
            "overdue": r.overdue,
            "at_risk": r.at_risk,
            "estimated": r.estimated,
            "deemed_accepted": c.deemed,
        },
    }


@case.command()
@click.argument("number", metavar="CASE")
@click.pass_obj
def accept(q: CaseContext, number: str) -> None:
    """Accept CASE (after five working days without a correction notice: from receipt)."""
    c = q.engine().accept(number)
    _done(q, c)
    if c.deemed:
        click.echo(
            "  "
            + _(
                "no correction notice within 5 working days: accepted from receipt "
                "(Administrative Licensing Law, art. 32)"
            )
        )


@case.command()
@click.argument("number", metavar="CASE")
@click.option("--reason", required=True, help="Why it is not accepted.")
@click.pass_obj
def refuse(q: CaseContext, number: str, reason: str) -> None:
    """Do not accept CASE, with the reason."""
    _done(q, q.engine().refuse(number, reason))


@case.command()
@click.argument("number", metavar="CASE")
@click.option(
    "--material",
    "materials",
    multiple=True,
    required=True,
    help="A missing or wrong material, by its name or id in the item's list (repeat for "
    "each: one notice).",
)
@click.option("--note", default="", help="What to add or fix.")
@click.pass_obj
def correct(q: CaseContext, number: str, materials: tuple[str, ...], note: str) -> None:
    """Tell the applicant, in one notice, every material of CASE to add or fix."""
    engine = q.engine()
    _done(q, engine.correct(number, _material_names(q, engine.get(number), materials), note))


def _material_names(q: CaseContext, c: Case, keys: tuple[str, ...]) -> list[str]:
    """The names of the materials given by id or name (as given when the item is unknown)."""
    try:
        item = q.state.resolve(c.opened.locality).catalog.get(c.opened.item)
    except (KeyError, GovServiceError):
        return list(keys)
    names = []
    for key in keys:
        try:
            names.append(item.material(key).name)
        except KeyError:
            names.append(key)  # the engine names it among the unknown ones
    return names


@case.command()
@click.argument("number", metavar="CASE")
@click.argument("step")
@click.option("--staff", default="", help="Who did it.")
@click.pass_obj
def step(q: CaseContext, number: str, step: str, staff: str) -> None:
    """Record a handling STEP of CASE (review, site check, countersigning, approval…)."""
    _done(q, q.engine().step(number, step, staff))


@case.command()
@click.argument("number", metavar="CASE")
@click.option(
    "--kind",
    type=click.Choice(
        ["correction", "hearing", "inspection", "appraisal", "expert_review", "tender", "other"]
    ),
    required=True,
    help="Why the clock stops (Administrative Licensing Law, art. 45; correction: waiting "
    "for corrected materials).",
)
@click.option("--reason", required=True, help="The reason, as told to the applicant.")
@click.pass_obj
def suspend(q: CaseContext, number: str, kind: str, reason: str) -> None:
    """Stop CASE's clock (a special procedure, or waiting for corrected materials)."""
    _done(q, q.engine().suspend(number, kind, reason))


@case.command()
@click.argument("number", metavar="CASE")
@click.pass_obj
def resume(q: CaseContext, number: str) -> None:
    """Restart CASE's clock."""
    _done(q, q.engine().resume(number))


@case.command()
@click.argument("number", metavar="CASE")
@click.option(
    "--days",
    type=int,
    required=True,
    help="Working days added (Administrative Licensing Law, art. 42).",
)
@click.option("--approved-by", required=True, help="Who approved the extension.")
@click.option("--reason", required=True, help="Why.")
@click.pass_obj
def extend(q: CaseContext, number: str, days: int, approved_by: str, reason: str) -> None:
    """Extend CASE's time limit, with approval."""
    _done(q, q.engine().extend(number, days, approved_by, reason))


@case.command()
@click.argument("number", metavar="CASE")
@click.option(
    "--result", type=click.Choice(["granted", "denied"]), default="granted", show_default=True
)
@click.pass_obj
def finish(q: CaseContext, number: str, result: str) -> None:
    """Finish CASE: granted or denied."""
    c = q.engine().finish(number, result)
    _done(q, c)
    r = q.engine().reading(c)
    click.echo(
        "  "
        + (
            _("{used} working days (limit {limit}), late")
            if r.overdue
            else _("{used} working days (limit {limit}), on time")
        ).format(used=r.used, limit=r.limit)
    )


@case.command()
@click.argument("number", metavar="CASE")
@click.pass_obj
def deliver(q: CaseContext, number: str) -> None:
    """CASE's result reached the applicant (delivered)."""
    _done(q, q.engine().deliver(number))


@case.command()
@click.argument("number", metavar="CASE")
@click.option("--reason", default="", help="Why the applicant withdrew.")
@click.pass_obj
def withdraw(q: CaseContext, number: str, reason: str) -> None:
    """The applicant withdraws CASE."""
    _done(q, q.engine().withdraw(number, reason))


@case.command()
@click.argument("number", metavar="CASE")
@click.option("--json", "as_json", is_flag=True, help="Print the case as JSON.")
@click.pass_obj
def show(q: CaseContext, number: str, as_json: bool) -> None:
    """Show CASE: its item, status, clock, corrections, suspensions and review."""
    from govservice_std.cases.model import SUSPENSION_KINDS  # noqa: PLC0415

    c = q.engine().get(number)
    if as_json:
        echo_json(_case_json(q, c))
        return
    r = q.engine().reading(c)
    zh = current_lang() == "zh"
    click.echo(_summary(c))
    rows = [
        (_("item"), f"{c.opened.item} {c.opened.item_name}" if zh else c.opened.item),
        (_("hall"), c.opened.hall),
    ]
    if c.opened.form_version:
        rows.append((_("form version"), c.opened.form_version))
    rows += [
        (_("received"), c.received.isoformat(timespec="minutes")),
        (_("accepted"), c.accepted.isoformat() if c.accepted else "—"),
        (_("limit"), f"{r.limit}"),
        (_("due"), (r.due.isoformat() if r.due else "—") + (" *" if r.estimated else "")),
        (_("used/left"), f"{r.used}/{r.left}"),
    ]
    if c.corrections:
        rows.append((_("correction"), _(", ").join(c.corrections)))
    for s, (kind, reason) in zip(c.suspensions, c.suspension_reasons, strict=False):
        name = SUSPENSION_KINDS.get(kind, kind) if zh else kind
        end = s.end.isoformat() if s.end else "…"
        rows.append((_("suspended"), _("{start}–{end} {kind}: {reason}").format(
            start=s.start, end=end, kind=name, reason=reason
        )))  # fmt: skip
    if c.extension_days:
        rows.append((_("extended"), f"+{c.extension_days}"))
    if r.overdue:
        rows.append((_("state"), _("overdue")))
    elif r.at_risk and c.status.open:
        rows.append((_("state"), _("at risk")))
    if c.review is not None:
        rows.append((_("review"), f"{c.review.review} {c.review.level}"))
    for label, value in rows:
        click.echo("  " + _("{label}: {value}").format(label=label, value=value))
    if r.estimated:
        click.echo(
            "  * " + _("the due date runs into a year whose holidays are not published: estimated")
        )


@case.command("list")
@click.option("--overdue", is_flag=True, help="Only open cases past their due date.")
@click.option("--at-risk", is_flag=True, help="Only open cases near their due date.")
@click.option("--hall", help="Only this hall's cases.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def list_cases(
    q: CaseContext, overdue: bool, at_risk: bool, hall: str | None, as_json: bool
) -> None:
    """List the open cases, with their due dates."""
    engine = q.engine()
    sql = (
        "SELECT case_no FROM cases WHERE status IN ('received', 'correcting', 'accepted', "
        "'suspended')"
    )
    params: list[object] = []
    if hall:
        sql += " AND hall = ?"
        params.append(hall)
    out = []
    for (number,) in engine.store.query(sql + " ORDER BY case_no", params):
        c = engine.get(str(number))
        r = engine.reading(c)
        late = r.overdue or (r.due is not None and r.due < engine.now().date())
        if overdue and not late:
            continue
        if at_risk and not (r.at_risk and not late):
            continue
        out.append((c, r, late))
    if as_json:
        echo_json(
            [
                {
                    "case": c.number,
                    "item": c.opened.item,
                    "hall": c.opened.hall,
                    "status": c.status.value,
                    "due": r.due.isoformat() if r.due else None,
                    "left": r.left,
                    "overdue": late,
                    "at_risk": r.at_risk,
                    "estimated": r.estimated,
                }
                for c, r, late in out
            ]
        )
        return
    if not out:
        click.echo(_("no such cases"))
    for c, r, late in out:
        due = r.due.isoformat() if r.due else "—"
        flag = " " + _("overdue") if late else (" " + _("at risk") if r.at_risk else "")
        click.echo(f"{_summary(c)}  {_('due')} {due}{flag}")


@case.command()
@click.option(
    "--by",
    "by",
    type=click.Choice(["item", "hall", "window", "staff", "tier", "month"]),
    multiple=True,
    help="Group by (repeatable; default: all cases together).",
)
@click.option("--from", "start", type=click.DateTime(formats=["%Y-%m-%d"]), help="First day.")
@click.option("--to", "end", type=click.DateTime(formats=["%Y-%m-%d"]), help="Last day.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one per group.")
@xlsx_option
@click.pass_obj
def kpis(  # noqa: PLR0917 - click passes each option as an argument
    q: CaseContext,
    by: tuple[str, ...],
    start: dt.datetime | None,
    end: dt.datetime | None,
    as_json: bool,
    xlsx_out: Path | None,
) -> None:
    """Case KPIs: on time, early, late, immediate, one visit, abnormal, days taken."""
    from govservice_std.cases.kpis import case_kpis  # noqa: PLC0415

    engine = q.engine()
    figures = case_kpis(
        engine.store,
        by=by,
        start=start.date() if start else None,
        end=end.date() if end else None,
        today=engine.now().date(),
    )
    document = [k.to_dict() for k in figures]
    write_xlsx(xlsx_out, document)
    if as_json:
        echo_json(document)
        return
    if not figures:
        click.echo(_("No case finished in the period, and none open past its due date."))
        return
    from rich.table import Table  # noqa: PLC0415

    from govservice_std.reports.text import console  # noqa: PLC0415

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value:.1%}"

    table = Table(title=_("case KPIs"))
    table.add_column(pgettext("case kpi column", "group"), justify="left")
    for head in (
        pgettext("case kpi column", "finished"), pgettext("case kpi column", "on time"),
        pgettext("case kpi column", "early"), pgettext("case kpi column", "late"),
        pgettext("case kpi column", "open late"), pgettext("case kpi column", "immediate"),
        pgettext("case kpi column", "one visit"), pgettext("case kpi column", "abnormal"),
        pgettext("case kpi column", "mean days"), "P90",
    ):  # fmt: skip
        table.add_column(head, justify="right")
    for k in figures:
        table.add_row(
            " / ".join(k.key) or _("all"), str(k.finished), pct(k.on_time_rate),
            pct(k.early_rate), str(k.overdue), str(k.overdue_open), pct(k.immediate_share),
            pct(k.one_visit_rate), pct(k.abnormal_rate),
            "—" if k.mean_days is None else f"{k.mean_days:.1f}",
            "—" if k.p90_days is None else str(k.p90_days),
        )  # fmt: skip
    console().print(table)


@case.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def import_cmd(q: CaseContext, file: Path) -> None:
    """Import cases (and their reviews) from a .csv or .jsonl FILE; all or nothing."""
    from govservice_std.cases.exchange import import_cases  # noqa: PLC0415
    from govservice_std.errors import InvalidDataError  # noqa: PLC0415

    try:
        count = import_cases(q.engine(create=True), file)
    except InvalidDataError as exc:
        click.echo(
            ngettext(
                "{file}: {n} problem, nothing imported:",
                "{file}: {n} problems, nothing imported:",
                len(exc.problems),
            ).format(file=file, n=len(exc.problems)),
            err=True,
        )
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(2)
    click.echo(ngettext("imported {n} case", "imported {n} cases", count).format(n=count))


@case.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), required=True)
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout)."
)
@click.pass_obj
def export_cmd(q: CaseContext, fmt: str, output: Path | None) -> None:
    """Export every case (national element names) as CSV or JSON Lines."""
    from govservice_std.cases.exchange import export_cases  # noqa: PLC0415

    if output is None:
        export_cases(q.engine(), sys.stdout, fmt)
        return
    with output.open("w", encoding="utf-8", newline="") as handle:
        count = export_cases(q.engine(), handle, fmt)
    click.echo(
        ngettext("exported {n} case to {path}", "exported {n} cases to {path}", count).format(
            n=count, path=output
        )
    )


@case.command()
@click.argument("number", metavar="CASE", required=False)
@click.option("--ticket", help="Name the case by its queue ticket instead (with --hall).")
@click.option("--hall", help="The hall of --ticket.")
@click.option("--id", "review_id", required=True, help="The review's id.")
@click.option(
    "--level",
    type=click.Choice(
        ["very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied"]
    ),
    required=True,
)
@click.option(
    "--channel",
    type=click.Choice(["on_site", "online", "mobile", "hotline", "sms"]),
    default="on_site",
    show_default=True,
)
@click.option(
    "--real-name/--anonymous",
    default=True,
    help="Whether the reviewer can be called back (only real-name bad reviews count in the "
    "follow-up rate).",
)
@click.option(
    "--rating",
    "ratings",
    multiple=True,
    metavar="DIMENSION=LEVEL",
    help="A level per dimension (DIMENSION=satisfied; repeatable).",
)
@click.option("--comment", default="", help="The reviewer's words.")
@click.pass_obj
def review(  # noqa: PLR0917 - click passes each option as an argument
    q: CaseContext,
    number: str | None,
    ticket: str | None,
    hall: str | None,
    review_id: str,
    level: str,
    channel: str,
    real_name: bool,
    ratings: tuple[str, ...],
    comment: str,
) -> None:
    """Record the review of CASE (one per case); an unknown case is refused."""
    pairs = []
    for rating in ratings:
        dimension, sep, value = rating.partition("=")
        if not sep:
            raise click.BadParameter(
                _("expected DIMENSION=LEVEL (got {value!r})").format(value=rating),
                param_hint="--rating",
            )
        pairs.append((dimension.strip(), value.strip()))
    c = q.engine().review(
        number, review=review_id, level=level, channel=channel, real_name=real_name,
        ticket=ticket, hall=hall, ratings=pairs, comment=comment,
    )  # fmt: skip
    click.echo(_("{case}: review {review} recorded").format(case=c.number, review=review_id))


@case.command("review-contact")
@click.argument("number", metavar="CASE")
@click.pass_obj
def review_contact(q: CaseContext, number: str) -> None:
    """The reviewer of CASE's real-name bad review was called back."""
    q.engine().contact(number)
    click.echo(_("{case}: reviewer contacted").format(case=number))


@case.command("review-close")
@click.argument("number", metavar="CASE")
@click.option(
    "--disposition", type=click.Choice(["immediate", "scheduled", "explained"]), required=True
)
@click.option("--notes", default="", help="What was done.")
@click.pass_obj
def review_close(q: CaseContext, number: str, disposition: str, notes: str) -> None:
    """Close CASE's bad review: fixed at once, fixed by a deadline, or explained."""
    q.engine().close_review(number, disposition, notes)
    click.echo(_("{case}: bad review closed").format(case=number))


@case.command("review-overturn")
@click.argument("number", metavar="CASE")
@click.option("--ground", type=click.Choice(["mistaken", "malicious"]), required=True)
@click.option("--notes", default="", help="The finding of the appeal review.")
@click.pass_obj
def review_overturn(q: CaseContext, number: str, ground: str, notes: str) -> None:
    """An appeal upheld: CASE's bad review was mistaken or malicious; not counted."""
    q.engine().overturn(number, ground, notes)
    click.echo(_("{case}: bad review overturned on appeal").format(case=number))


@case.command("import-reviews")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def import_reviews_cmd(q: CaseContext, file: Path) -> None:
    """Tie the reviews of a reviews file (.toml or .json, as for govstd reviews) to cases.

    Each review names its case (case = "…") or the hall and ticket linked to a case; an
    unknown case, a second review of a case or a follow-up that does not fit is reported
    with the review's place in the file, and nothing is imported.
    """
    from govservice_std.cases.reviews import import_reviews  # noqa: PLC0415
    from govservice_std.evaluation.reviews import ReviewsDocument  # noqa: PLC0415
    from govservice_std.serialization import load  # noqa: PLC0415

    document = load(file, ReviewsDocument)
    count = import_reviews(q.engine(), document.reviews, source=str(file))
    click.echo(ngettext("imported {n} review", "imported {n} reviews", count).format(n=count))
