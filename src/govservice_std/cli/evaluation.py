"""``govstd evaluate``, ``evaluate-all``, ``standard``, ``reviews`` and ``inspections``.

Parse, call, render: the evaluation package gathers the evidence and scores, the reports
package words and prints.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from govservice_std.cli._base import (
    DATE,
    TIERS,
    State,
    cli,
    day_of,
    echo_json,
    html_option,
    json_option,
    queue_db_options,
)
from govservice_std.cli.spreadsheets import write_xlsx, xlsx_option
from govservice_std.i18n import N_, _

__all__ = ["evaluate", "evaluate_all", "inspections", "reviews", "standard"]


def _today() -> dt.date:
    # Deadlines are judged on the date in China, whatever the machine's zone.
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()


def _day_needs_db(queue_db: Path | None, queue_day: dt.datetime | None) -> None:
    if queue_day is not None and queue_db is None:
        raise click.UsageError(_("--day needs --queue-db"))


@cli.command()
@click.argument("locality")
@click.argument("assessment", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option(N_("Print the scorecard as JSON."))
@html_option()
@click.option(
    "--inspections",
    "inspections_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Inspections file: overdue orders appear in the scorecard; its on-time rate is used.",
)
@click.option(
    "--reviews",
    "reviews_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Reviews file: its rates replace the assessment's reviews.* metrics.",
)
@queue_db_options(
    N_("The hall's queue database (govstd queue): its KPIs replace the queue.* metrics.")
)
@click.option(
    "--cases-db",
    "cases_db",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The case database (govstd case): its KPIs replace the items.* and reviews.* metrics.",
)
@click.option("--from", "cases_from", type=DATE, help="With --cases-db: first day of the period.")
@click.option("--to", "cases_to", type=DATE, help="With --cases-db: last day of the period.")
@click.option("--model", help="Scoring model, built in or from a plugin (default: the locality's).")
@click.option(
    "--today",
    "today_at",
    type=DATE,
    help="Judge deadlines on this day (default: the assessment date).",
)
@xlsx_option
@click.pass_obj
def evaluate(  # noqa: PLR0917 - click passes each option as an argument
    state: State,
    locality: str,
    assessment: Path,
    as_json: bool,
    html_out: Path | None,
    inspections_file: Path | None,
    reviews_file: Path | None,
    queue_db: Path | None,
    queue_day: dt.datetime | None,
    cases_db: Path | None,
    cases_from: dt.datetime | None,
    cases_to: dt.datetime | None,
    model: str | None,
    today_at: dt.datetime | None,
    xlsx_out: Path | None = None,
) -> None:
    """Score the hall of ASSESSMENT (a .toml or .json file) against LOCALITY's standard.

    Prints the scorecard: the total (0–100) and grade, each aspect's score, every criterion
    with its evidence, points, status and the layer that defined it, and the rectification
    list with due dates. With --json, print a document with hall, locality, total, grade,
    aspects, criteria and rectifications.

    Metric criteria read measured data where it is given — the hall's queue record
    (--queue-db, optionally one --day), reviews (--reviews), the hall's cases and their
    reviews (--cases-db, optionally --from and --to) and inspections (--inspections) — in
    place of the values typed into the assessment; each such criterion's evidence names the
    record it was read from, and a criterion measured on fewer records than the locality's
    minimum sample is reported as insufficient data, not scored.
    """
    from govservice_std.evaluation.assessment import load_assessment  # noqa: PLC0415
    from govservice_std.evaluation.batch import evaluate_hall  # noqa: PLC0415
    from govservice_std.evaluation.evidence import EvidenceRequest, gather_evidence  # noqa: PLC0415
    from govservice_std.evaluation.layers import resolve_scoring_model  # noqa: PLC0415

    _day_needs_db(queue_db, queue_day)
    resolved = state.resolve(locality)
    today = day_of(today_at)
    record = load_assessment(assessment)
    request = EvidenceRequest(
        reviews=reviews_file,
        inspections=inspections_file,
        queue_db=queue_db,
        day=day_of(queue_day),
        cases_db=cases_db,
        cases_from=day_of(cases_from),
        cases_to=day_of(cases_to),
    )
    gathered = gather_evidence(resolved, record.hall, request, today=today or record.date)
    if queue_db is not None and (gathered.queue is None or gathered.queue.overall.issued == 0):
        where = {"db": queue_db, "hall": record.hall, "day": day_of(queue_day)}
        if queue_day is None:
            raise click.UsageError(_("{db} holds no tickets of hall {hall}").format(**where))
        raise click.UsageError(_("{db} holds no tickets of hall {hall} on {day}").format(**where))
    chosen = resolve_scoring_model(resolved, model) if model else None
    card = evaluate_hall(
        resolved,
        record,
        metrics=gathered.metrics,
        queue=gathered.queue,
        inspections=gathered.inspections,
        today=today,
        model=chosen,
        source=str(assessment),
    )
    if html_out is not None:
        from govservice_std.reports.html import scorecard_html  # noqa: PLC0415

        html_out.write_text(scorecard_html(card), encoding="utf-8")
    write_xlsx(xlsx_out, card.to_dict())
    if as_json:
        echo_json(card.to_dict())
        return
    from govservice_std.reports.text import print_scorecard  # noqa: PLC0415

    print_scorecard(card)
    if html_out is not None:
        click.echo(_("HTML report written to {path}").format(path=html_out))


@cli.command("evaluate-all")
@click.argument("locality")
@click.argument(
    "assessments", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)
@json_option(N_("Print the summary and scorecards as JSON."))
@html_option(N_("Also write a self-contained HTML report of the batch to this file."))
@queue_db_options(
    N_("Queue database of the halls (govstd queue): their KPIs replace the queue.* metrics.")
)
@xlsx_option
@click.pass_obj
def evaluate_all(  # noqa: PLR0917 - click passes each option as an argument
    state: State,
    locality: str,
    assessments: tuple[Path, ...],
    as_json: bool,
    html_out: Path | None,
    queue_db: Path | None,
    queue_day: dt.datetime | None,
    xlsx_out: Path | None = None,
) -> None:
    """Score every hall of LOCALITY that has an assessment among ASSESSMENTS.

    ASSESSMENTS are .toml/.json files or folders of them. Prints a summary by tier and
    aspect, each hall's total and grade, and the halls left unassessed. With --queue-db,
    the queue metrics of every assessed hall recorded in the database are read from it.
    """
    from govservice_std.evaluation.assessment import load_assessment  # noqa: PLC0415
    from govservice_std.evaluation.batch import evaluate_locality  # noqa: PLC0415
    from govservice_std.evaluation.evidence import EvidenceRequest, gather_evidence  # noqa: PLC0415
    from govservice_std.queues.kpis import QueueKpis  # noqa: PLC0415

    _day_needs_db(queue_db, queue_day)
    files: list[Path] = []
    for path in assessments:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".toml", ".json")))
        else:
            files.append(path)
    records = [load_assessment(f) for f in files]
    queue: dict[str, QueueKpis] = {}
    if queue_db is not None:
        request = EvidenceRequest(queue_db=queue_db, day=day_of(queue_day))
        for record in records:
            found = gather_evidence(
                state.resolve(locality), record.hall, request, today=record.date
            ).queue
            if found is not None:
                queue[record.hall] = found
    if as_json:
        result = evaluate_locality(state.resolve(locality), records, queue=queue)
    else:
        from rich.progress import Progress  # noqa: PLC0415

        with Progress(transient=True) as bar:
            task = bar.add_task(_("evaluating"), total=len(records))
            result = evaluate_locality(
                state.resolve(locality),
                records,
                queue=queue,
                progress=lambda n: bar.update(task, completed=n),
            )
    if html_out is not None:
        from govservice_std.reports.html import batch_html  # noqa: PLC0415

        name = state.registry.info(locality).locality.name
        title = _("{name} ({code}): batch assessment").format(name=name, code=locality)
        html_out.write_text(batch_html(result, title=title), encoding="utf-8")
    document = {
        "locality": locality,
        "summary": result.summary.to_dict(),
        "halls": [
            {
                "hall": c.hall,
                "name": c.hall_name,
                "tier": c.tier.value,
                "total": round(c.total, 2),
                "grade": c.grade,
                "rectifications": len(c.rectifications),
            }
            for c in result.scorecards
        ],
    }
    write_xlsx(xlsx_out, document)
    if as_json:
        echo_json(document)
        return
    from govservice_std.reports.text import print_batch  # noqa: PLC0415

    print_batch(result)


@cli.command()
@click.argument("locality")
@click.option("--tier", type=click.Choice(TIERS), help="Only the criteria for this tier.")
@json_option(N_("Print the standard as JSON."))
@xlsx_option
@click.pass_obj
def standard(
    state: State, locality: str, tier: str | None, as_json: bool, xlsx_out: Path | None = None
) -> None:
    """Show LOCALITY's effective standard: criteria, parameters and grade bands, with layers.

    Each criterion shows the layer that defined it and the layers that changed it; each
    parameter the layer that set its value.
    """
    effective = state.resolve(locality).standard
    write_xlsx(xlsx_out, effective.to_dict(tier))
    if as_json:
        echo_json(effective.to_dict(tier))
        return
    from govservice_std.reports.text import print_standard  # noqa: PLC0415

    print_standard(effective, tier)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--locality", default="000000", show_default=True, help="Whose review policy applies."
)
@click.option("--hall", help="Only the reviews of this hall.")
@click.option(
    "--today", "today_at", type=DATE, help="Judge deadlines on this day (default: today in China)."
)
@json_option(N_("Print the summary as JSON."))
@xlsx_option
@click.pass_obj
def reviews(  # noqa: PLR0917 - click passes each option as an argument
    state: State,
    file: Path,
    locality: str,
    hall: str | None,
    today_at: dt.datetime | None,
    as_json: bool,
    xlsx_out: Path | None = None,
) -> None:
    """Summarise a reviews file: counts, rates and overdue bad reviews.

    Deadlines (the follow-up call and closing, in working days) and whether "basically
    satisfied" counts as satisfied come from LOCALITY's standard (its reviews.*
    parameters); working days are counted on LOCALITY's calendar. A deadline in a year
    whose holiday schedule is not published yet is estimated and marked so.
    """
    from govservice_std.evaluation.reviews import (  # noqa: PLC0415
        ReviewsDocument,
        summarize_reviews,
    )
    from govservice_std.serialization import load  # noqa: PLC0415

    document = load(file, ReviewsDocument)
    resolved = state.resolve(locality)
    summary = summarize_reviews(
        document.reviews,
        resolved.review_policy,
        today=day_of(today_at) or _today(),
        hall=hall,
        calendar=resolved.calendar,
    )
    write_xlsx(xlsx_out, summary.to_dict())
    if as_json:
        echo_json(summary.to_dict())
        return
    from govservice_std.reports.text import print_reviews  # noqa: PLC0415

    print_reviews(summary)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--locality", default="000000", show_default=True, help="Whose order period applies.")
@click.option(
    "--today", "today_at", type=DATE, help="Judge due dates on this day (default: today in China)."
)
@json_option(N_("Print the orders as JSON."))
@xlsx_option
@click.pass_obj
def inspections(  # noqa: PLR0917 - click passes each option as an argument
    state: State,
    file: Path,
    locality: str,
    today_at: dt.datetime | None,
    as_json: bool,
    xlsx_out: Path | None = None,
) -> None:
    """Track the rectification orders of an inspections file to closure.

    Orders without a due date get LOCALITY's inspection.order_days working days, counted on
    LOCALITY's calendar; a due date in a year whose holiday schedule is not published yet
    is estimated and marked so.
    """
    from govservice_std.evaluation.inspections import (  # noqa: PLC0415
        InspectionsDocument,
        track_orders,
    )
    from govservice_std.serialization import load  # noqa: PLC0415

    document = load(file, InspectionsDocument)
    resolved = state.resolve(locality)
    entry = resolved.standard.parameters.get("inspection.order_days")
    states = track_orders(
        document.inspections,
        today=day_of(today_at) or _today(),
        order_days=int(entry.parameter.value) if entry is not None else 15,
        calendar=resolved.calendar,
    )
    orders = [
        {
            "inspection": s.inspection,
            "order": s.order,
            "hall": s.hall,
            "criterion": s.criterion,
            "description": s.description,
            "due": s.due.isoformat(),
            "due_estimated": s.due_estimated,
            "closed": s.closed.isoformat() if s.closed else None,
            "status": s.status.value,
        }
        for s in states
    ]
    write_xlsx(xlsx_out, {"orders": orders})
    if as_json:
        echo_json(orders)
        return
    from govservice_std.reports.text import print_orders  # noqa: PLC0415

    print_orders(states)
