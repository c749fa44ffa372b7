"""``govstd queue-db``: administer a shared PostgreSQL queue database.

Migrations run only from here (or :func:`~govservice_std.queues.stores.postgres.migrate`),
never as a side effect of opening a store; ``kpis`` prints a locality's day across all its
halls, aggregated in the database.
"""

from __future__ import annotations

import datetime as dt

import click

from govservice_std.cli._base import State, cli, echo_json

__all__ = ["queue_db"]


class DbContext:
    """Options of ``govstd queue-db``."""

    def __init__(self, state: State, url: str, schema: str) -> None:
        self.state = state
        self.url = url
        self.schema = schema


@cli.group("queue-db")
@click.option(
    "--url",
    required=True,
    envvar="GOVSTD_QUEUE_DB_URL",
    metavar="URL",
    help="The PostgreSQL connection URL, postgresql://user@host:port/dbname "
    "(env GOVSTD_QUEUE_DB_URL; keep passwords in ~/.pgpass or PGPASSWORD).",
)
@click.option(
    "--schema",
    default="govstd",
    show_default=True,
    envvar="GOVSTD_QUEUE_DB_SCHEMA",
    help="The PostgreSQL schema holding the queue tables.",
)
@click.pass_context
def queue_db(ctx: click.Context, url: str, schema: str) -> None:
    """Administer a county's shared PostgreSQL queue database."""
    ctx.obj = DbContext(ctx.find_object(State) or State(None, ()), url, schema)


@queue_db.command()
@click.pass_obj
def migrate(db: DbContext) -> None:
    """Create the queue tables, or upgrade them to this library's layout version."""
    from govservice_std.queues.stores import postgres  # noqa: PLC0415

    applied = postgres.migrate(db.url, schema=db.schema)
    if applied:
        click.echo(f"schema {db.schema}: applied {', '.join(map(str, applied))}")
    else:
        click.echo(f"schema {db.schema}: up to date (version {postgres.SCHEMA_VERSION})")


@queue_db.command()
@click.pass_obj
def version(db: DbContext) -> None:
    """Show the layout version of the queue tables (0: never migrated)."""
    from govservice_std.queues.stores import postgres  # noqa: PLC0415

    found = postgres.schema_version(db.url, schema=db.schema)
    wanted = postgres.SCHEMA_VERSION
    note = "up to date" if found == wanted else f"this library needs {wanted}"
    click.echo(f"schema {db.schema}: version {found} ({note})")


@queue_db.command()
@click.argument("locality")
@click.option("--day", type=click.DateTime(["%Y-%m-%d"]), help="Service day (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def kpis(db: DbContext, locality: str, day: dt.datetime | None, as_json: bool) -> None:
    """Show the queue KPIs of every hall of LOCALITY for a day, and overall."""
    from govservice_std.queues.events import CHINA_TZ  # noqa: PLC0415
    from govservice_std.queues.stores.postgres import locality_kpis  # noqa: PLC0415

    policy = db.state.resolve(locality).queue_policy
    the_day = day.date() if day else dt.datetime.now(CHINA_TZ).date()
    result = locality_kpis(
        db.url,
        locality,
        the_day,
        target_minutes=policy.target_minutes,
        target_share=policy.target_share,
        schema=db.schema,
    )
    if as_json:
        echo_json(
            {
                "locality": result.locality,
                "day": result.day.isoformat(),
                "overall": result.overall.to_dict(),
                "halls": {code: k.to_dict() for code, k in result.halls.items()},
            }
        )
        return
    click.echo(f"{locality} · {the_day} · {len(result.halls)} halls with tickets")
    click.echo(
        f"{'':>12} {'issued':>6} {'served':>6} {'waiting':>7} {'wait avg':>9} {'in target':>9}"
    )
    rows = [(locality, result.overall), *result.halls.items()]
    for name, k in rows:
        f = k.overall
        mean = "-" if f.waiting.mean is None else f"{f.waiting.mean:.1f} min"
        within = "-" if f.within_target is None else f"{f.within_target:.0%}"
        click.echo(
            f"{name:>12} {f.issued:>6} {f.served:>6} {f.waiting_now:>7} {mean:>9} {within:>9}"
        )
