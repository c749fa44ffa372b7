"""``govstd serve``: run a hall's service (HTTP API and browser pages) on uvicorn.

``govstd serve LOCALITY --hall HALL --db DB`` starts the service; ``govstd serve token
create|list|revoke`` manages the access tokens of the terminals and clients.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import click

from govservice_std.cli._base import (
    LocalizedGroup,
    State,
    cli,
    current_lang,
    echo_json,
    parse_moment,
)
from govservice_std.i18n import _

__all__ = ["serve"]

_ROLES = ("kiosk", "counter", "board", "manager", "api")


class _ServeGroup(LocalizedGroup):
    """``serve`` runs the service unless its first argument names a sub-command (``token``)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@cli.group(cls=_ServeGroup)
def serve() -> None:
    r"""Run a hall's service: the HTTP API and the kiosk, counter, board and monitor pages.

    \b
    govstd serve 441324 --hall 441324 --db hall.db [--host 127.0.0.1 --port 8000]
    govstd serve token create kiosk --db hall.db --hall 441324
    """


def _web_missing() -> click.ClickException:
    return click.ClickException(
        _("the service needs the web extra: pip install 'govservice-std[web]'")
    )


@serve.command("run")
@click.argument("locality")
@click.option("--hall", required=True, help="The hall's code.")
@click.option(
    "--db",
    required=True,
    envvar="GOVSTD_SERVE_DB",
    help="The hall's database: a SQLite file or a postgresql:// URL (env GOVSTD_SERVE_DB).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes (each serves the hall; they share the database).",
)
@click.option(
    "--at",
    callback=parse_moment,
    metavar="DATETIME",
    help="Run a drill: the clock starts at this moment (ISO 8601; China time if no offset).",
)
@click.option(
    "--assessment",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="GOVSTD_SERVE_ASSESSMENT",
    help="The hall's assessment (.toml or .json): the service then serves its scorecard, "
    "with the queue metrics measured live (env GOVSTD_SERVE_ASSESSMENT).",
)
@click.pass_obj
def run(  # noqa: PLR0917 - click passes each option as an argument
    state: State | None,
    locality: str,
    hall: str,
    db: str,
    host: str,
    port: int,
    workers: int,
    at: dt.datetime | None,
    assessment: Path | None = None,
) -> None:
    """Serve HALL of LOCALITY from DB on HOST:PORT until stopped (Ctrl-C).

    With --assessment, the service also serves the hall's scorecard (/api/v1/scorecard and
    the manager's /scorecard page); an assessment that cannot be read, is of another hall
    or does not fit the standard is refused before the service starts.
    """
    state = state or State(None, ())
    try:
        import uvicorn  # noqa: PLC0415 - an optional extra

        from govservice_std.web.app import ENV_PREFIX, open_store  # noqa: PLC0415
    except ImportError:
        raise _web_missing() from None
    resolved = state.resolve(locality)
    try:
        resolved.hall(hall)
    except KeyError:
        _no_hall(locality, hall)
    if assessment is not None:
        _check_assessment(resolved, hall, assessment)
    # Set the hall up in the database (and check it opens) before any worker starts.
    open_store(db, hall, locality=locality).close()
    settings = {
        "LOCALITY": locality,
        "HALL": hall,
        "DB": db,
        "LANG": current_lang(),
        "AUTOLOAD": "0" if state.autoload is False else "",
        "BLOCKED": ",".join(state.blocked),
        "AT": at.isoformat() if at is not None else "",
        "ASSESSMENT": str(assessment.resolve()) if assessment is not None else "",
    }
    for name, value in settings.items():
        os.environ[ENV_PREFIX + name] = value
    click.echo(
        _("serving {hall} on http://{host}:{port}/ (Ctrl-C to stop)").format(
            hall=hall, host=host, port=port
        ),
        err=True,
    )
    uvicorn.run(
        "govservice_std.web.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        proxy_headers=True,
    )


def _check_assessment(resolved: Any, hall: str, assessment: Path) -> None:
    """Refuse, in one line, an assessment the service could not score its hall with."""
    from govservice_std.errors import InvalidDataError  # noqa: PLC0415
    from govservice_std.evaluation.assessment import load_assessment  # noqa: PLC0415
    from govservice_std.web.scorecard import load_hall_assessment  # noqa: PLC0415

    try:
        record = load_assessment(assessment)
        if record.hall != hall:
            raise click.ClickException(
                _(
                    "{path} is the assessment of hall {other}; this service serves hall {hall}"
                ).format(path=assessment, other=record.hall, hall=hall)
            )
        load_hall_assessment(resolved, hall, record)
    except InvalidDataError as exc:
        first = exc.problems[0] if exc.problems else None
        reason = str(first) if first is not None else str(exc).splitlines()[0]
        if len(exc.problems) > 1:
            reason = _("{reason} (and {n} more)").format(reason=reason, n=len(exc.problems) - 1)
        raise click.ClickException(
            _("cannot serve the scorecard of {path}: {reason}").format(
                path=assessment, reason=reason
            )
        ) from None


def _no_hall(locality: str, hall: str) -> None:
    raise click.ClickException(
        _("locality {locality} has no hall {hall!r}").format(locality=locality, hall=hall)
    )


@serve.group()
def token() -> None:
    """Create, list and revoke access tokens (stored hashed in the hall's database)."""


def _tokens(db: str) -> Any:
    try:
        from govservice_std.web.auth import TokenStore  # noqa: PLC0415
    except ImportError:
        raise _web_missing() from None
    if (
        not db.startswith(("postgresql://", "postgres://"))
        and "dbname=" not in db
        and not (os.path.exists(db))
    ):
        raise click.ClickException(_("no such database: {db}").format(db=db))
    return TokenStore(db)


_DB = click.option(
    "--db",
    required=True,
    envvar="GOVSTD_SERVE_DB",
    help="The hall's database (SQLite file or postgresql:// URL; env GOVSTD_SERVE_DB).",
)


@token.command("create")
@click.argument("role", type=click.Choice(_ROLES))
@_DB
@click.option("--hall", required=True, help="The hall the token is for.")
@click.option("--window", help="For a counter token: its window.")
@click.option("--label", default="", help="A note, such as where the terminal stands.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def create(  # noqa: PLR0917 - click passes each option as an argument
    role: str, db: str, hall: str, window: str | None, label: str, as_json: bool
) -> None:
    """Create a token for ROLE; the secret is printed once and never stored."""
    store = _tokens(db)
    try:
        secret, info = store.create(role, hall, window=window, label=label)
    except ValueError:
        raise click.UsageError(_("a counter token needs --window; other roles take none")) from None
    if as_json:
        echo_json(
            {
                "id": info.id,
                "role": info.role.value,
                "hall": hall,
                "window": window,
                "token": secret,
            }
        )
        return
    click.echo(secret)
    click.echo(
        _("token {id} ({role}) created; keep it safe, it is not shown again").format(
            id=info.id, role=role
        ),
        err=True,
    )


@token.command("list")
@_DB
@click.option("--hall", help="Only this hall's tokens.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_tokens(db: str, hall: str | None, as_json: bool) -> None:
    """List the tokens (ids, roles, windows; never the secrets)."""
    infos = _tokens(db).tokens(hall)
    if as_json:
        echo_json(
            [
                {
                    "id": i.id,
                    "role": i.role.value,
                    "hall": i.hall,
                    "window": i.window,
                    "label": i.label,
                    "created_at": i.created_at,
                    "revoked_at": i.revoked_at,
                }
                for i in infos
            ]
        )
        return
    for i in infos:
        state = _("active") if i.active else _("revoked")
        click.echo(
            f"{i.id}  {i.role.value:<8} {i.hall:<12} {i.window or '-':<5} {state}  {i.label}"
        )


@token.command("revoke")
@click.argument("token_id")
@_DB
def revoke(token_id: str, db: str) -> None:
    """Revoke a token by its id (from ``token list``)."""
    try:
        info = _tokens(db).revoke(token_id)
    except KeyError:
        raise click.ClickException(_("no active token {id!r}").format(id=token_id)) from None
    click.echo(_("token {id} revoked").format(id=info.id))
