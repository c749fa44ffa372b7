"""``govstd queue-db``: administer a shared PostgreSQL queue database.

Migrations run only from here (or :func:`~govservice_std.queues.stores.postgres.migrate`),
never as a side effect of opening a store; ``kpis`` prints a locality's day across all its
halls, aggregated in the database.
"""

from __future__ import annotations

import datetime as dt

import click

from govservice_std.cli._base import DATE, State, cli, echo_json, json_option
from govservice_std.i18n import _

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
        click.echo(
            _("schema {schema}: applied {versions}").format(
                schema=db.schema, versions=", ".join(map(str, applied))
            )
        )
    else:
        click.echo(
            _("schema {schema}: up to date (version {version})").format(
                schema=db.schema, version=postgres.SCHEMA_VERSION
            )
        )


@queue_db.command()
@click.pass_obj
def version(db: DbContext) -> None:
    """Show the layout version of the queue tables (0: never migrated)."""
    from govservice_std.queues.stores import postgres  # noqa: PLC0415

    found = postgres.schema_version(db.url, schema=db.schema)
    wanted = postgres.SCHEMA_VERSION
    if found == wanted:
        note = _("up to date")
    else:
        note = _("this library needs {version}").format(version=wanted)
    click.echo(
        _("schema {schema}: version {version} ({note})").format(
            schema=db.schema, version=found, note=note
        )
    )


@queue_db.command()
@click.argument("locality")
@click.option("--day", type=DATE, help="Service day (default: today).")
@json_option()
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
    from govservice_std.reports.text import kpi_target, print_kpis  # noqa: PLC0415

    n = len(result.halls)
    halls = _("{n} halls with tickets").format(n=n)
    target = kpi_target(policy.target_share, policy.target_minutes)
    rows = [(locality, result.overall.overall)]
    rows += [(code, k.overall) for code, k in result.halls.items()]
    print_kpis(f"{locality} · {the_day} · {halls} · {target}", rows)
