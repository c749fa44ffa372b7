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
@click.argument("directory", type=click.Path(path_type=Path))
def new_plugin(
    code: str, name: str, parent: str | None, package: str | None, directory: Path
) -> None:
    """Write a new locality plugin project into DIRECTORY.

    The project installs with pip, declares the locality with a data folder holding an
    illustrative halls.toml, and runs the contract suite in its tests.
    """
    from govservice_std.scaffold import plan_plugin, write_plugin  # noqa: PLC0415 - lazy

    spec = plan_plugin(code=code, name=name, parent=parent, package=package)
    for path in write_plugin(spec, directory):
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
