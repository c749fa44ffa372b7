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
    echo_json,
    html_option,
    json_option,
    queue_db_options,
)
from govservice_std.cli.spreadsheets import write_xlsx, xlsx_option
from govservice_std.i18n import N_, _

if TYPE_CHECKING:
    from govservice_std.staffing import DayProfile, ErlangC

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
        raise click.UsageError(_("--target-level needs --target-minutes"))
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
            _("windows needed for {share} within {minutes} min: {needed}").format(
                share=f"{target_level:.0%}", minutes=f"{target_minutes:g}", needed=needed
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
        _(
            "{windows} windows, {arrivals} arrivals/h, {minutes} min each: "
            "load {load} erlangs, utilization {utilization}"
        ).format(
            windows=windows,
            arrivals=f"{arrivals_per_hour:g}",
            minutes=f"{service_minutes:g}",
            load=load,
            utilization=utilization,
        )
    )
    if not result.stable:
        click.echo(_("overloaded: arrivals exceed what the windows can serve; the queue grows"))
    else:
        probability, mean = f"{result.wait_probability:.1%}", f"{result.mean_wait:.2f}"
        click.echo(_("probability of waiting  {value}").format(value=probability))
        click.echo(_("mean wait               {value} min").format(value=mean))
    if target_minutes is not None:
        level = f"{result.service_level(target_minutes):.1%}"
        click.echo(
            _("served within {minutes} min  {level}").format(
                minutes=f"{target_minutes:g}", level=level
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
            _("no file {spec!r} and no locality layer of {spec} ships {file}").format(
                spec=spec, file=PROFILE_FILE
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
            _("{db}: no line has {n} finished tickets to take service times from").format(
                db=db, n=_MIN_RECORDED
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
@queue_db_options(N_("Queue database (govstd queue): use its recorded service times per line."))
@click.option("--hall", help="With --queue-db: the hall to read (if the database holds several).")
@json_option(N_("Print a JSON object."))
@html_option(N_("Also write an HTML report to this file."))
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
    from govservice_std.staffing.report import plan_as_dict  # noqa: PLC0415

    day, found_under = _load_profile(state, profile)
    code = locality or found_under
    if code is None and target_minutes is None and day.target_minutes is None:
        raise click.UsageError(
            _(
                "no waiting-time target: give --locality (its queue policy has the target), "
                "--target-minutes, or set target_minutes in the profile"
            )
        )
    if queue_db is not None:
        day = _with_record(day, queue_db, hall, queue_day)
    elif hall is not None or queue_day is not None:
        raise click.UsageError(_("--hall and --day need --queue-db"))
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
            TextColumn(_("simulating")),
            BarColumn(),
            TextColumn(_("{task.completed} days")),
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
        from govservice_std.reports.html import staffing_plan_html  # noqa: PLC0415

        html_out.write_text(staffing_plan_html(result), encoding="utf-8")
    if xlsx_out is not None:
        write_xlsx(xlsx_out, plan_as_dict(result))
    if as_json:
        echo_json(plan_as_dict(result))
        return
    from govservice_std.reports.text import print_staffing_plan  # noqa: PLC0415

    title = day.name or profile
    if day.illustrative:
        title += " " + _("[illustrative data]")
    print_staffing_plan(result, title, code)
