"""``govstd evaluate``, ``evaluate-all``, ``standard`` and ``reviews``: evaluation commands.

Rendering only: the library scores, summarises and explains; these commands print.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from govservice_std.cli._base import (
    TIERS,
    State,
    cli,
    current_lang,
    echo_json,
    make_console,
    zh_en,
)
from govservice_std.cli.spreadsheets import write_xlsx, xlsx_option

if TYPE_CHECKING:
    from rich.console import Console

    from govservice_std.evaluation.batch import BatchResult
    from govservice_std.evaluation.inspections import OrderState
    from govservice_std.evaluation.reviews import BadReviewState, ReviewSummary
    from govservice_std.evaluation.scoring import Scorecard
    from govservice_std.evaluation.standard import Standard

__all__ = ["evaluate", "evaluate_all", "inspections", "reviews", "standard"]

_STATUS_STYLE = {
    "met": "green",
    "partly_met": "yellow",
    "not_met": "bold red",
    "waived": "cyan",
    "not_applicable": "dim",
    "insufficient_data": "magenta",
}


_TIER_SHORT = {"county": "县", "town": "镇", "village": "村"}


def _console() -> Console:
    return make_console()


def _today() -> dt.date:
    # Deadlines are judged on the date in China, whatever the machine's zone.
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()


_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


@cli.command()
@click.argument("locality")
@click.argument("assessment", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scorecard as JSON.")
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write a self-contained HTML report to this file.",
)
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
    help="好差评 reviews file: its rates replace the assessment's reviews.* metrics.",
)
@click.option(
    "--queue-db",
    "queue_db",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The hall's queue database (govstd queue): its KPIs replace the queue.* metrics.",
)
@click.option(
    "--day",
    "queue_day",
    type=_DATE,
    help="With --queue-db: only this service day (default: every day in the record).",
)
@click.option(
    "--cases-db",
    "cases_db",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The case database (govstd case): its KPIs replace the items.* and reviews.* metrics.",
)
@click.option("--from", "cases_from", type=_DATE, help="With --cases-db: first day of the period.")
@click.option("--to", "cases_to", type=_DATE, help="With --cases-db: last day of the period.")
@click.option("--model", help="Scoring model, built in or from a plugin (default: the locality's).")
@click.option(
    "--today",
    "today_at",
    type=_DATE,
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
    (--queue-db, optionally one --day), 好差评 reviews (--reviews), the hall's cases and
    their reviews (--cases-db, optionally --from and --to) and inspections (--inspections)
    — in place of the values typed into the assessment; each such criterion's evidence
    names the record it was read from, and a criterion measured on fewer records than the
    locality's minimum sample is reported as insufficient data, not scored.
    """
    from govservice_std.evaluation.assessment import load_assessment  # noqa: PLC0415
    from govservice_std.evaluation.batch import evaluate_hall  # noqa: PLC0415
    from govservice_std.evaluation.inspections import InspectionsDocument  # noqa: PLC0415
    from govservice_std.evaluation.layers import resolve_scoring_model  # noqa: PLC0415
    from govservice_std.evaluation.measured import (  # noqa: PLC0415
        MeasuredMetrics,
        recorded_queue_kpis,
        review_metrics,
    )
    from govservice_std.evaluation.reviews import (  # noqa: PLC0415
        ReviewsDocument,
        summarize_reviews,
    )
    from govservice_std.serialization import load  # noqa: PLC0415

    resolved = state.resolve(locality)
    today = _day(today_at)
    record = load_assessment(assessment)
    inspections = (
        load(inspections_file, InspectionsDocument).inspections if inspections_file else ()
    )
    if queue_day is not None and queue_db is None:
        raise click.UsageError(_day_needs_db())
    measured = MeasuredMetrics()
    if reviews_file is not None:
        document = load(reviews_file, ReviewsDocument)
        summary = summarize_reviews(
            document.reviews,
            resolved.review_policy,
            today=today or record.date,
            hall=record.hall,
            calendar=resolved.calendar,
        )
        measured = review_metrics(summary, source=f"好差评 {reviews_file.name}")
    if cases_db is not None:
        from govservice_std.cases.evidence import case_evidence  # noqa: PLC0415

        measured = measured.merged(
            case_evidence(resolved, cases_db, record.hall, start=cases_from, end=cases_to)
        )
    queue = None
    if queue_db is not None:
        from govservice_std.queues.stores.sqlite import SQLiteStore  # noqa: PLC0415

        with SQLiteStore(queue_db, record.hall) as store:
            queue = recorded_queue_kpis(resolved, store, day=_day(queue_day))
        if queue.overall.issued == 0:
            on = f" on {queue.day}" if queue.day is not None else ""
            on_zh = f" 在 {queue.day} " if queue.day is not None else " "
            raise click.UsageError(
                zh_en(
                    f"{queue_db} 中没有服务场所 {record.hall}{on_zh}的取号记录",
                    f"{queue_db} holds no tickets of hall {record.hall}{on}",
                )
            )
    chosen = resolve_scoring_model(resolved, model) if model else None
    card = evaluate_hall(
        resolved,
        record,
        metrics=measured,
        queue=queue,
        inspections=inspections,
        today=today,
        model=chosen,
        source=str(assessment),
    )
    if html_out is not None:
        from govservice_std.evaluation.html import scorecard_html  # noqa: PLC0415

        html_out.write_text(scorecard_html(card), encoding="utf-8")
    write_xlsx(xlsx_out, card.to_dict())
    if as_json:
        echo_json(card.to_dict())
        return
    _print_scorecard(card)
    if html_out is not None:
        click.echo(zh_en(f"HTML 报告已写入 {html_out}", f"HTML report written to {html_out}"))


def _day_needs_db() -> str:
    return zh_en("--day 需与 --queue-db 一起使用", "--day needs --queue-db")


# The Chinese table shows check answers and metric units in Chinese; JSON keeps the values.
_ANSWERS_ZH = {"met": "符合", "not met": "不符合"}
_UNITS_ZH = ((" minutes", " 分钟"), (" ratio", ""))


def _evidence_zh(source: str) -> str:
    # The records the library reads measured metrics from, named in English in the JSON,
    # with the sample size as "(n=…)".
    sample = re.search(r" \(n=(\d+)\)$", source)
    if sample:
        return f"{_evidence_zh(source[: sample.start()])}（样本 {sample[1]}）"
    if source == "inspection records":
        return "督查记录"
    if source.startswith("queue record"):
        rest = source.removeprefix("queue record")
        days = re.fullmatch(r" \((\d+) days\)", rest)
        return "排队记录" + (f"（{days[1]} 天）" if days else rest)
    return source


def _print_scorecard(card: Scorecard) -> None:
    from rich.panel import Panel  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    console = _console()
    zh = current_lang() == "zh"
    head = (
        f"[bold]{card.hall_name}[/bold] ({card.hall}) · {card.tier.label_zh} · "
        f"标准 {card.locality} · 评估日期 {card.date.isoformat()}"
        + (f" · {card.assessor}" if card.assessor else "")
        + f"\n总分 [bold]{card.total:.1f}[/bold] / 100  等级 [bold]{card.grade}[/bold]"
        + f"  [dim](计分模型 {card.model})[/dim]"
    )
    if card.vetoed:
        head += f"\n[bold red]一票否决：{', '.join(card.vetoed)} 未达标，等级受限[/bold red]"
    if card.illustrative:
        head += "\n[yellow]示例评估：答案与数据为演示而编造 (illustrative)[/yellow]"
    console.print(Panel(head, title="政务服务标准化评估 · 评分卡", expand=False))
    aspects = Table(title="四个方面")
    aspects.add_column("方面")
    aspects.add_column("得分", justify="right")
    aspects.add_column("满分", justify="right")
    aspects.add_column("得分率", justify="right")
    for a in card.aspects:
        rate = f"{a.score / a.max:.0%}" if a.max else "—"
        aspects.add_row(a.name, f"{a.score:.1f}", f"{a.max:.1f}", rate)
    console.print(aspects)
    table = Table(title="逐项评分（每一分的来由）")
    for name, kw in (
        ("编号", {"no_wrap": True}),
        ("指标", {}),
        ("评估结果", {}),
        ("得分", {"justify": "right", "no_wrap": True}),
        ("状态", {"no_wrap": True}),
        ("层级", {"no_wrap": True}),
        ("说明与证据", {}),
    ):
        table.add_column(name, **kw)
    aspect = None
    for r in card.criteria:
        if r.aspect is not aspect:
            aspect = r.aspect
            table.add_section()
            table.add_row("", f"[bold]{aspect.label_zh}[/bold]")
        style = _STATUS_STYLE[r.status.value]
        notes = r.notes
        if r.evidence:
            evidence = [_evidence_zh(e) for e in r.evidence] if zh else r.evidence
            notes = f"{notes} 证据：{'、'.join(evidence)}".strip()
        if r.waiver:
            notes = f"豁免：{r.waiver}"
        layer = str(r.layer) + (f"→{','.join(r.changed_by)}" if r.changed_by else "")
        points = f"{r.points:.1f}/{r.max_points:g}" if r.max_points else "—"
        title = r.title + (" [red](否决项)[/red]" if r.veto else "")
        shown = _ANSWERS_ZH.get(r.answer, r.answer)
        for unit, unit_zh in _UNITS_ZH:
            shown = shown.replace(unit, unit_zh)
        if r.info.direction is not None and r.target is not None:
            sign = "≥" if r.info.direction.value == "at_least" else "≤"
            shown = f"{shown}（目标 {sign}{r.target:g}）" if shown else f"目标 {sign}{r.target:g}"
        table.add_row(
            r.id,
            title,
            shown,
            points,
            f"[{style}]{r.status.label_zh}[/{style}]",
            layer,
            notes,
        )
    console.print(table)
    _print_rectifications(console, card)


def _print_rectifications(console: Console, card: Scorecard) -> None:
    from rich.table import Table  # noqa: PLC0415

    if card.rectifications:
        rect = Table(title=f"整改清单（{len(card.rectifications)} 项，期限按工作日计）")
        if any(item.due_estimated for item in card.rectifications):
            rect.caption = _ESTIMATED_NOTE
        rect.add_column("编号")
        rect.add_column("指标")
        rect.add_column("状态")
        rect.add_column("整改期限", no_wrap=True)
        for item in card.rectifications:
            rect.add_row(
                item.criterion,
                item.title + (" [red](否决项)[/red]" if item.veto else ""),
                item.status.label_zh,
                item.due.isoformat() + ("（估算）" if item.due_estimated else ""),
            )
        console.print(rect)
        lang = current_lang()
        for day in card.local_days:
            console.print(zh_en("本地调整：", "local day: ") + day.describe(lang), highlight=False)
    if card.overdue_orders:
        orders = Table(title="逾期未完成的督查整改通知", style="red")
        for name in ("督查", "通知", "指标", "问题", "期限"):
            orders.add_column(name)
        if any(o.due_estimated for o in card.overdue_orders):
            orders.caption = _ESTIMATED_NOTE
        for o in card.overdue_orders:
            orders.add_row(o.inspection, o.order, o.criterion, o.description, _due(o))
        console.print(orders)


_ESTIMATED_NOTE = "（估算）：次年法定节假日安排尚未公布，期限按估算日历计算，可能调整。"


def _due(state: OrderState | BadReviewState) -> str:
    return state.due.isoformat() + ("（估算）" if state.due_estimated else "")


@cli.command("evaluate-all")
@click.argument("locality")
@click.argument(
    "assessments", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary and scorecards as JSON.")
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write a self-contained HTML report of the batch to this file.",
)
@click.option(
    "--queue-db",
    "queue_db",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Queue database of the halls (govstd queue): their KPIs replace the queue.* metrics.",
)
@click.option(
    "--day",
    "queue_day",
    type=_DATE,
    help="With --queue-db: only this service day (default: every day in the record).",
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
    from govservice_std.queues.kpis import QueueKpis  # noqa: PLC0415

    files: list[Path] = []
    for path in assessments:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".toml", ".json")))
        else:
            files.append(path)
    records = [load_assessment(f) for f in files]
    if queue_day is not None and queue_db is None:
        raise click.UsageError(_day_needs_db())
    queue: dict[str, QueueKpis] = {}
    if queue_db is not None:
        from govservice_std.evaluation.measured import recorded_queue_kpis  # noqa: PLC0415
        from govservice_std.queues.engine import default_locality  # noqa: PLC0415
        from govservice_std.queues.stores.sqlite import SQLiteStore  # noqa: PLC0415

        recorded = SQLiteStore.halls(queue_db)
        for record in records:
            if record.hall in recorded:
                with SQLiteStore(queue_db, record.hall) as store:
                    queue[record.hall] = recorded_queue_kpis(
                        state.resolve(
                            getattr(store, "locality", None) or default_locality(record.hall)
                        ),
                        store,
                        day=_day(queue_day),
                    )
    if as_json:
        result = evaluate_locality(state.resolve(locality), records, queue=queue)
    else:
        from rich.progress import Progress  # noqa: PLC0415

        with Progress(transient=True) as bar:
            task = bar.add_task("评估中", total=len(records))
            result = evaluate_locality(
                state.resolve(locality),
                records,
                queue=queue,
                progress=lambda n: bar.update(task, completed=n),
            )
    if html_out is not None:
        from govservice_std.evaluation.html import batch_html  # noqa: PLC0415

        name = state.registry.info(locality).locality.name
        html_out.write_text(
            batch_html(result, title=f"{name}（{locality}）批量评估"), encoding="utf-8"
        )
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
    _print_batch(result)


def _print_batch(result: BatchResult) -> None:
    from rich.table import Table  # noqa: PLC0415

    console = _console()
    summary = result.summary
    table = Table(title="按层级汇总")
    for name in ("层级", "场所数", "平均分", "最低", "最高", "等级分布", "否决", "整改项"):
        table.add_column(name)
    groups = [(t.label_zh, s) for t, s in summary.by_tier.items()] + [("合计", summary.overall)]
    for label, s in groups:
        grades = "、".join(f"{g} {n}" for g, n in s.grades.items())
        table.add_row(
            label,
            str(s.halls),
            f"{s.mean_total:.1f}",
            f"{s.min_total:.1f}",
            f"{s.max_total:.1f}",
            grades,
            str(s.vetoed),
            str(s.rectifications),
        )
    console.print(table)
    aspects = Table(title="按方面汇总（平均得分率）")
    aspects.add_column("方面")
    for label, _ in groups:
        aspects.add_column(label, justify="right")
    for aspect in summary.overall.aspects:
        aspects.add_row(aspect.label_zh, *(f"{s.aspects[aspect]:.0%}" for _, s in groups))
    console.print(aspects)
    halls = Table(title="各场所")
    for name in ("编码", "名称", "层级", "总分", "等级", "整改项"):
        halls.add_column(name)
    for c in result.scorecards:
        halls.add_row(
            c.hall,
            c.hall_name,
            c.tier.label_zh,
            f"{c.total:.1f}",
            c.grade,
            str(len(c.rectifications)),
        )
    console.print(halls)
    if summary.unassessed:
        console.print(f"[yellow]未评估的场所：{'、'.join(summary.unassessed)}[/yellow]")


@cli.command()
@click.argument("locality")
@click.option("--tier", type=click.Choice(TIERS), help="Only the criteria for this tier.")
@click.option("--json", "as_json", is_flag=True, help="Print the standard as JSON.")
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
    _print_standard(effective, tier)


def _print_standard(effective: Standard, tier: str | None) -> None:
    from rich.table import Table  # noqa: PLC0415

    console = _console()
    entries = effective.criteria if tier is None else effective.for_tier(tier)
    table = Table(
        title=f"{effective.locality} 的评估标准（{len(entries)} 项"
        + (f"，{tier}" if tier else "")
        + "）"
    )
    for name in (
        "编号",
        "方面",
        "指标",
        "适用层级",
        "分值",
        "评判方式",
        "否决",
        "定义层",
        "修改层",
        "来源",
    ):
        table.add_column(name)
    for entry in entries:
        c = entry.criterion
        if c.method.value == "metric":
            target = effective.target(c)
            how = f"指标 {c.metric} {'≥' if c.direction.value == 'at_least' else '≤'} {target:g}"
        elif c.method.value == "graded":
            how = "分级 " + "/".join(f"{lv.id}={lv.credit:g}" for lv in c.levels)
        else:
            how = "核查"
        table.add_row(
            c.id,
            c.aspect.label_zh,
            c.title,
            "".join(_TIER_SHORT[t.value] for t in c.tiers),
            f"{c.points:g}",
            how,
            "是" if c.veto else "",
            str(entry.defined_by.layer),
            ",".join(str(p.layer) for p in entry.changed_by),
            c.source,
        )
    console.print(table)
    params = Table(title="参数")
    for name in ("参数", "含义", "值", "单位", "设定层"):
        params.add_column(name)
    for p in effective.parameters.values():
        params.add_row(
            p.parameter.id,
            p.parameter.title,
            f"{p.parameter.value:g}",
            p.parameter.unit,
            str(p.set_by.layer),
        )
    console.print(params)
    bands = "、".join(f"{b.name} ≥{b.min:g}" for b in effective.grades)
    console.print(
        f"等级：{bands}（{effective.grades_set_by.layer} 设定）；"
        f"计分模型：{effective.scoring}（{effective.scoring_set_by.layer} 设定）"
    )


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--locality", default="000000", show_default=True, help="Whose review policy applies."
)
@click.option("--hall", help="Only the reviews of this hall.")
@click.option(
    "--today", "today_at", type=_DATE, help="Judge deadlines on this day (default: today in China)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
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
    """Summarise a 好差评 review file: counts, rates and overdue 差评.

    Deadlines (回访核实 and closing, in working days) and whether 基本满意 counts as
    satisfied come from LOCALITY's standard (its reviews.* parameters); working days are
    counted on LOCALITY's calendar. A deadline in a year whose holiday schedule is not
    published yet is estimated and marked so.
    """
    from govservice_std.evaluation.reviews import (  # noqa: PLC0415
        ReviewsDocument,
        summarize_reviews,
    )
    from govservice_std.serialization import load  # noqa: PLC0415

    today = _day(today_at)
    document = load(file, ReviewsDocument)
    resolved = state.resolve(locality)
    policy = resolved.review_policy
    summary = summarize_reviews(
        document.reviews,
        policy,
        today=today or _today(),
        hall=hall,
        calendar=resolved.calendar,
    )
    write_xlsx(xlsx_out, summary.to_dict())
    if as_json:
        echo_json(summary.to_dict())
        return
    _print_reviews(summary)


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _print_reviews(summary: ReviewSummary) -> None:
    from rich.table import Table  # noqa: PLC0415

    console = _console()
    table = Table(title=f"好差评汇总（{summary.total} 条）")
    table.add_column("指标")
    table.add_column("值", justify="right")
    basic = "计入" if summary.policy.basic_counts_as_satisfied else "不计入"
    rows = [
        *((level.label_zh, str(n)) for level, n in summary.by_level.items()),
        (f"满意率（基本满意{basic}）", _rate(summary.satisfaction_rate)),
        ("好评率", _rate(summary.good_rate)),
        ("差评", str(summary.bad)),
        ("回访率", _rate(summary.follow_up_rate)),
        ("差评整改率", _rate(summary.rectification_rate)),
    ]
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
    if summary.dimensions:
        dims = Table(title="分维度平均（5 分制）")
        dims.add_column("维度")
        dims.add_column("平均", justify="right")
        for dim, mean in summary.dimensions.items():
            dims.add_row(dim, f"{mean:.2f}")
        console.print(dims)
    for title, counts in (
        ("差评较多的窗口", summary.bad_by_window),
        ("差评涉及的工作人员", summary.bad_by_staff),
        ("差评涉及的事项", summary.bad_by_item),
    ):
        if counts:
            ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            console.print(f"{title}：" + "、".join(f"{k}（{n}）" for k, n in ranked))
    if summary.overdue:
        overdue = Table(title="逾期差评", style="red")
        for name in ("评价", "场所", "窗口", "人员", "环节", "期限"):
            overdue.add_column(name)
        if any(s.due_estimated for s in summary.overdue):
            overdue.caption = _ESTIMATED_NOTE
        for s in summary.overdue:
            step = "回访核实" if s.status.value == "contact_overdue" else "办结"
            overdue.add_row(s.review, s.hall, s.window, s.staff, step, _due(s))
        console.print(overdue)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--locality", default="000000", show_default=True, help="Whose order period applies.")
@click.option(
    "--today", "today_at", type=_DATE, help="Judge due dates on this day (default: today in China)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the orders as JSON.")
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
    """Track the rectification orders of an inspections (督查) file to closure.

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
    standard = resolved.standard
    entry = standard.parameters.get("inspection.order_days")
    days = int(entry.parameter.value) if entry is not None else 15
    states = track_orders(
        document.inspections,
        today=_day(today_at) or _today(),
        order_days=days,
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
    from rich.table import Table  # noqa: PLC0415

    labels = {
        "open": "整改中",
        "overdue": "[bold red]逾期未完成[/bold red]",
        "closed_on_time": "[green]按期完成[/green]",
        "closed_late": "[yellow]逾期完成[/yellow]",
    }
    table = Table(title=f"督查整改通知（{len(states)} 份）")
    if any(s.due_estimated for s in states):
        table.caption = _ESTIMATED_NOTE
    for name in ("督查", "通知", "场所", "指标", "问题", "期限", "完成", "状态"):
        table.add_column(name)
    for s in states:
        table.add_row(
            s.inspection,
            s.order,
            s.hall,
            s.criterion,
            s.description,
            _due(s),
            s.closed.isoformat() if s.closed else "",
            labels[s.status.value],
        )
    _console().print(table)
