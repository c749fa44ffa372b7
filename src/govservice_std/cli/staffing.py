"""``govstd staffing``: Erlang C answers and staffing plans for a day profile."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from govservice_std.cli._base import (
    BoundedFloat,
    State,
    cli,
    current_lang,
    echo_json,
    make_console,
    zh_en,
)
from govservice_std.cli.spreadsheets import write_xlsx, xlsx_option

if TYPE_CHECKING:
    from govservice_std.staffing import DayProfile, ErlangC, StaffingPlan

__all__ = ["erlang", "plan", "staffing"]


@cli.group()
def staffing() -> None:
    """Staffing analysis: how many windows a hall needs, hour by hour."""


@staffing.command()
@click.option(
    "--arrivals-per-hour",
    type=BoundedFloat(0, 10_000),
    required=True,
    help="Visitors arriving per hour.",
)
@click.option(
    "--service-minutes",
    type=BoundedFloat(0.01, 1440),
    required=True,
    help="Mean service time at a window, in minutes.",
)
@click.option(
    "--windows", type=click.IntRange(min=1, max=1000), required=True, help="Windows open."
)
@click.option(
    "--target-minutes",
    type=BoundedFloat(0, 1440),
    help="Waiting-time target for the service level.",
)
@click.option(
    "--target-level",
    type=BoundedFloat(0, 1, low_open=True, high_open=True),
    help="Share that should meet the target; adds the fewest windows that do.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def erlang(
    *,
    arrivals_per_hour: float,
    service_minutes: float,
    windows: int,
    target_minutes: float | None,
    target_level: float | None,
    as_json: bool,
) -> None:
    """Erlang C for identical windows: probability of waiting, mean wait, service level.

    Assumes random arrivals, exponential service times and nobody giving up. With --json,
    print wait_probability, mean_wait_minutes, service_level (with --target-minutes),
    windows_needed (with --target-level) and the load; an overloaded hall has
    "stable": false and null waits.
    """
    from govservice_std.staffing import erlang_c, windows_needed  # noqa: PLC0415 - lazy
    from govservice_std.staffing.report import erlang_as_dict  # noqa: PLC0415

    if target_level is not None and target_minutes is None:
        raise click.UsageError(
            zh_en(
                "--target-level 需与 --target-minutes 一起使用",
                "--target-level needs --target-minutes",
            )
        )
    result = erlang_c(arrivals_per_hour / 60, 1 / service_minutes, windows)
    needed = None
    if target_level is not None and target_minutes is not None:
        needed = windows_needed(
            arrivals_per_hour / 60,
            1 / service_minutes,
            target_wait=target_minutes,
            target_share=target_level,
        )
    data = erlang_as_dict(
        result,
        target_minutes=target_minutes,
        windows_needed=needed,
        service_minutes=service_minutes,
    )
    if as_json:
        echo_json(data)
        return
    _print_erlang(result, arrivals_per_hour, service_minutes, windows, target_minutes)
    if needed is not None:
        click.echo(
            zh_en(
                f"需开窗口数（{target_level:.0%} 等候不超过 {target_minutes:g} 分钟）：{needed}",
                f"windows needed for {target_level:.0%} within {target_minutes:g} min: {needed}",
            )
        )


def _print_erlang(
    result: ErlangC,
    arrivals_per_hour: float,
    service_minutes: float,
    windows: int,
    target_minutes: float | None,
) -> None:
    load, utilization = f"{result.load:.2f}", f"{result.utilization:.1%}"
    click.echo(
        zh_en(
            f"{windows} 个窗口，到达率 {arrivals_per_hour:g} 人/小时，平均办理 "
            f"{service_minutes:g} 分钟：负荷 {load} 爱尔兰，利用率 {utilization}",
            f"{windows} windows, {arrivals_per_hour:g} arrivals/h, {service_minutes:g} min each: "
            f"load {load} erlangs, utilization {utilization}",
        )
    )
    if not result.stable:
        click.echo(
            zh_en(
                "超负荷：到达人数超过窗口办理能力，排队将不断变长",
                "overloaded: arrivals exceed what the windows can serve; the queue grows",
            )
        )
    else:
        probability, mean = f"{result.wait_probability:.1%}", f"{result.mean_wait:.2f}"
        click.echo(zh_en(f"需等候的概率  {probability}", f"probability of waiting  {probability}"))
        click.echo(zh_en(f"平均等候时间  {mean} 分钟", f"mean wait               {mean} min"))
    if target_minutes is not None:
        level = f"{result.service_level(target_minutes):.1%}"
        click.echo(
            zh_en(
                f"服务水平（等候不超过 {target_minutes:g} 分钟）  {level}",
                f"served within {target_minutes:g} min  {level}",
            )
        )


def _load_profile(state: State, spec: str) -> tuple[DayProfile, str | None]:
    # The profile, and the locality it was found under (a division code given as PROFILE).
    from govservice_std.staffing import PROFILE_FILE, load_profile  # noqa: PLC0415

    path = Path(spec)
    if path.suffix.lower() in (".toml", ".json") or path.exists():
        return load_profile(path), None
    found = state.resolve(spec).staffing_profile
    if found is None:
        raise click.BadParameter(
            zh_en(
                f"没有文件 {spec!r}，地区 {spec} 的各层也都没有提供 {PROFILE_FILE}",
                f"no file {spec!r} and no locality layer of {spec} ships {PROFILE_FILE}",
            ),
            param_hint="PROFILE",
        )
    return found, spec


_MIN_RECORDED = 10  # fewer finished tickets than this are too few to resample from


def _with_record(day: DayProfile, db: Path, hall: str | None, on: dt.datetime | None) -> DayProfile:
    from govservice_std.queues.stores.sqlite import SQLiteStore  # noqa: PLC0415
    from govservice_std.staffing import empirical_services, with_recorded_services  # noqa: PLC0415

    with SQLiteStore(db, hall) as store:
        events = [event for _, event in store.read()]
    services = empirical_services(
        events, day=on.date() if on is not None else None, min_count=_MIN_RECORDED
    )
    if not services:
        raise click.UsageError(
            zh_en(
                f"{db}：没有哪个业务类别有 {_MIN_RECORDED} 个已办结的号，无法取得实际办理时长",
                f"{db}: no line has {_MIN_RECORDED} finished tickets to take service times from",
            )
        )
    return with_recorded_services(day, services)


@staffing.command()
@click.argument("profile")
@click.option(
    "--locality",
    help="Plan under this locality's queue policy (default: PROFILE's, when it is a code).",
)
@click.option(
    "--target-minutes",
    type=BoundedFloat(0, 1440, low_open=True),
    help="Waiting-time target (default: the profile's, else the locality's).",
)
@click.option(
    "--target-level",
    type=BoundedFloat(0, 1, low_open=True, high_open=True),
    help="Share that should meet it (default: the profile's, else the locality's).",
)
@click.option(
    "--replications",
    type=click.IntRange(min=1, max=1000),
    default=20,
    show_default=True,
    help="Simulated days per try.",
)
@click.option(
    "--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True, help="Random seed."
)
@click.option(
    "--queue-db",
    "queue_db",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Queue database (govstd queue): use its recorded service times per line.",
)
@click.option("--hall", help="With --queue-db: the hall to read (if the database holds several).")
@click.option(
    "--day",
    "queue_day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="With --queue-db: only this service day (default: every day in the record).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write an HTML report to this file.",
)
@xlsx_option
@click.pass_obj
def plan(
    state: State,
    *,
    profile: str,
    locality: str | None,
    queue_db: Path | None,
    hall: str | None,
    queue_day: dt.datetime | None,
    target_minutes: float | None,
    target_level: float | None,
    replications: int,
    seed: int,
    as_json: bool,
    html_out: Path | None,
    xlsx_out: Path | None = None,
) -> None:
    """Plan the fewest windows per period of a day PROFILE that meet the target.

    PROFILE is a day profile file (.toml or .json), or a division code whose locality
    ships an example profile (``govstd staffing plan 441324``). The waiting-time target,
    its share, the priority weights and the anti-starvation rule come from the locality's
    queue policy (PROFILE's code, or --locality) unless the profile sets them. The plan
    starts from Erlang C and checks each period by simulation. With --queue-db, each line
    with at least 10 finished tickets in the hall's record is simulated with their
    recorded service times instead of the profile's distribution.
    """
    from govservice_std.staffing import plan_staffing  # noqa: PLC0415 - lazy
    from govservice_std.staffing.report import plan_as_dict, plan_as_html  # noqa: PLC0415

    day, found_under = _load_profile(state, profile)
    code = locality or found_under
    if code is None and target_minutes is None and day.target_minutes is None:
        raise click.UsageError(
            zh_en(
                "没有等候时间目标：请给出 --locality（采用其排队规则中的目标）或 "
                "--target-minutes，或在客流文件中设置 target_minutes",
                "no waiting-time target: give --locality (its queue policy has the target), "
                "--target-minutes, or set target_minutes in the profile",
            )
        )
    if queue_db is not None:
        day = _with_record(day, queue_db, hall, queue_day)
    elif hall is not None or queue_day is not None:
        raise click.UsageError(
            zh_en("--hall 和 --day 需与 --queue-db 一起使用", "--hall and --day need --queue-db")
        )
    kwargs: dict[str, Any] = {
        "policy": state.resolve(code).queue_policy if code is not None else None,
        "target_minutes": target_minutes,
        "target_share": target_level,
        "replications": replications,
        "seed": seed,
    }
    if sys.stderr.isatty():
        from rich.console import Console  # noqa: PLC0415 - only for a terminal
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: PLC0415

        with Progress(
            TextColumn(zh_en("模拟中", "simulating")),
            BarColumn(),
            TextColumn(zh_en("{task.completed} 天", "{task.completed} days")),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as bar:
            task = bar.add_task("plan", total=None)
            result = plan_staffing(
                day, progress=lambda done: bar.update(task, completed=done), **kwargs
            )
    else:
        result = plan_staffing(day, **kwargs)
    if html_out is not None:
        html_out.write_text(plan_as_html(result), encoding="utf-8")
    if xlsx_out is not None:
        write_xlsx(xlsx_out, plan_as_dict(result))
    if as_json:
        echo_json(plan_as_dict(result))
        return
    title = day.name or profile
    if day.illustrative:
        title += " [示例数据 illustrative]"
    _print_plan(result, title, code)


def _print_plan(result: StaffingPlan, title: str, code: str | None) -> None:
    from rich.table import Table  # noqa: PLC0415

    share, minutes = f"{result.target_share:.0%}", f"{result.target_minutes:g}"
    target = zh_en(f"目标：{share} 等候不超过 {minutes} 分钟", f"{share} within {minutes} min")
    if code is not None:
        target += zh_en(f" · 采用 {code} 的排队规则", f" · queue policy of {code}")
    table = Table(title=f"{title}\n{target}")
    for column in ("时段", "到达/时", "平均办理(分)", "Erlang C", "窗口", "目标内", "平均等候",
                   "P90等候", "最长等候", "跨闭厅/天", "过号率", "达标"):  # fmt: skip
        table.add_column(column, justify="right", no_wrap=True)
    for p in result.periods:
        k = p.kpis
        table.add_row(
            f"{p.start:%H:%M}",
            f"{p.arrivals_per_hour:.1f}",
            f"{p.mean_service_minutes:.1f}",
            str(p.erlang_windows),
            str(p.windows),
            "–" if k.within_target is None else f"{k.within_target:.1%}",
            "–" if k.waiting.mean is None else f"{k.waiting.mean:.1f}",
            "–" if k.waiting.p90 is None else f"{k.waiting.p90:.1f}",
            "–" if p.max_wait is None else f"{p.max_wait:.1f}",
            f"{p.carried_per_day:.1f}" if p.carried else "–",
            "–" if k.no_show_rate is None else f"{k.no_show_rate:.1%}",
            ("✓" if p.meets_target else "✗") + ("*" if p.carried else ""),
        )
    console = make_console()
    console.print(table)
    lang = current_lang()
    for p in result.periods:
        if p.carried:
            console.print("* " + p.explanation(lang), highlight=False)
    hours = f"{result.window_hours:.1f}"
    per_try, days = result.simulation.replications, result.simulations
    if result.met:
        met = zh_en("各时段均达标", "target met in every period")
    else:
        met = zh_en("部分时段未达标", "target NOT met in every period")
    console.print(
        zh_en(
            f"窗口开放时数 {hours} · 每次试算模拟 {per_try} 天，共模拟 {days} 天 · ",
            f"window-hours {hours} · {per_try} days per try, {days} simulated days · ",
        )
        + met
    )
