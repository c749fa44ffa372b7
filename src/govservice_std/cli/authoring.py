"""``govstd check`` and ``govstd new-plugin``: tools for locality plugin authors."""

from __future__ import annotations

from pathlib import Path

import click

from govservice_std.cli._base import State, cli, echo_json
from govservice_std.i18n import _, ngettext

__all__ = ["check", "new_plugin"]


@cli.command()
@click.argument("locality")
@click.option("--json", "as_json", is_flag=True, help="Print the problems as a JSON array.")
@click.pass_obj
def check(state: State, locality: str, as_json: bool) -> None:
    """Check LOCALITY the way the library uses it; print every problem.

    Loads the plugins, resolves the locality through its chain and runs every registered
    check. Each problem is printed with its file and the path inside it. Exits 0 when there
    is none, 1 when there are problems.
    """
    from govservice_std.checks import check_locality  # noqa: PLC0415 - lazy

    problems = check_locality(locality, autoload=state.autoload, blocked=state.blocked)
    if as_json:
        echo_json(
            [
                {"check": p.check, "source": p.source, "path": p.path, "message": p.message}
                for p in problems
            ]
        )
    else:
        for problem in problems:
            click.echo(str(problem))
        n = len(problems)
        summary = ngettext("{n} problem", "{n} problems", n).format(n=n) if n else _("no problems")
        click.echo(f"{locality}: {summary}", err=True)
    if problems:
        raise click.exceptions.Exit(1)


@cli.command("new-plugin")
@click.option("--code", required=True, help="Six-digit division code of the locality.")
@click.option(
    "--name", required=True, help="Official name of the locality (for example the county's name)."
)
@click.option("--parent", help="Parent locality's code (derived from the code by default).")
@click.option("--package", help="Python package name (default govservice_locality_CODE).")
@click.option(
    "--from",
    "workbook",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Pre-fill halls, items and a form from this workbook (.xlsx) or CSV file.",
)
@click.argument("directory", type=click.Path(path_type=Path))
@click.pass_obj
def new_plugin(  # noqa: PLR0917 - click passes each option as an argument
    state: State,
    code: str,
    name: str,
    parent: str | None,
    package: str | None,
    directory: Path,
    workbook: Path | None = None,
) -> None:
    """Write a new locality plugin project into DIRECTORY.

    The project installs with pip, declares the locality with a data folder holding an
    illustrative halls.toml, and runs the contract suite in its tests. With --from, the
    halls, service items and form found in the workbook replace the illustrative examples
    (see govstd import); every problem of the workbook is reported and nothing is written.
    """
    from govservice_std.scaffold import plan_plugin, write_plugin  # noqa: PLC0415 - lazy

    spec = plan_plugin(code=code, name=name, parent=parent, package=package)
    if workbook is not None:
        from govservice_std.cli.spreadsheets import report_problems  # noqa: PLC0415
        from govservice_std.spreadsheets import SpreadsheetError  # noqa: PLC0415
        from govservice_std.spreadsheets.plugin import write_plugin_from_workbook  # noqa: PLC0415

        try:
            written = write_plugin_from_workbook(spec, directory, workbook, registry=state.registry)
        except SpreadsheetError as error:
            report_problems(error)
    else:
        written = write_plugin(spec, directory)
    for path in written:
        click.echo(_("created {path}").format(path=directory / path))
    click.echo(
        _(
            "plugin {entry!r} ({distribution}) for {name} ({code}); next: pip install -e {path}"
        ).format(
            entry=spec.entry_name,
            distribution=spec.distribution,
            name=spec.name,
            code=spec.code,
            path=directory,
        ),
        err=True,
    )
