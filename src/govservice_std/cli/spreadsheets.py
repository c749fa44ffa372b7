"""``govstd import …`` and the ``--xlsx`` exports: spreadsheets in and out."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from govservice_std.cli._base import State, cli, current_lang
from govservice_std.i18n import _, ngettext

__all__ = ["import_group", "report_problems", "write_xlsx", "xlsx_option"]

F = TypeVar("F", bound=Callable[..., Any])


def xlsx_option(function: F) -> F:
    """The ``--xlsx OUT`` option of a command whose result can be a workbook."""
    return click.option(
        "--xlsx",
        "xlsx_out",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Also write the result as an Excel workbook (one sheet per table).",
    )(function)


def write_xlsx(path: Path | None, document: object) -> None:
    """Write ``document`` (the command's JSON output) to the workbook ``path``, if given."""
    if path is None:
        return
    from govservice_std.spreadsheets.export import tables_from_json, write_tables  # noqa: PLC0415

    write_tables(tables_from_json(document), path, lang=current_lang())
    click.echo(_("workbook written to {path}").format(path=path), err=True)


def report_problems(error: Exception) -> NoReturn:
    """Print every problem of a workbook, one per line, and end with status 2."""
    lines = getattr(error, "localized", lambda _lang: str(error))(current_lang()).splitlines()
    for line in lines:
        click.echo(_("govstd: error: {message}").format(message=line), err=True)
    n = len(lines)
    click.echo(
        ngettext("{n} problem; nothing was written", "{n} problems; nothing was written", n).format(
            n=n
        ),
        err=True,
    )
    sys.exit(2)


@cli.group("import")
def import_group() -> None:
    """Import a county's spreadsheets (.xlsx or .csv) as a plugin's data files.

    Every problem of the file is reported at once, each with its sheet, row, column and
    heading; nothing is written when there is any.
    """


def _common(function: F) -> F:
    function = click.option(
        "--mapping",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="A TOML file of extra column headings (table → field → headings).",
    )(function)
    function = click.option(
        "--out",
        "out",
        required=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="Folder to write the data files into (a locality's data folder).",
    )(function)
    function = click.option(
        "--locality", required=True, help="Division code of the locality the data belong to."
    )(function)
    return click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))(
        function
    )


def _run(
    kind: str, file: Path, *, locality: str, out: Path, mapping: Path | None, state: State
) -> None:
    from govservice_std.divisions import DivisionCode  # noqa: PLC0415
    from govservice_std.spreadsheets import importing  # noqa: PLC0415
    from govservice_std.spreadsheets.mapping import tables  # noqa: PLC0415
    from govservice_std.spreadsheets.tables import load_overrides  # noqa: PLC0415

    try:
        DivisionCode(locality)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--locality") from None
    overrides = load_overrides(mapping, tables()) if mapping is not None else None
    try:
        if kind == "items":
            result = importing.import_items(
                file, locality, registry=state.registry, overrides=overrides
            )
        elif kind == "halls":
            result = importing.import_halls(file, locality, overrides=overrides)
        elif kind == "assessment":
            result = importing.import_assessment(file, locality, overrides=overrides)
        else:
            result = importing.import_reviews(file, locality, overrides=overrides)
    except importing.SpreadsheetError as error:
        report_problems(error)
    for path in importing.write_files(result, out):
        click.echo(_("wrote {path}").format(path=path))
    counts = _(", ").join(f"{k} {v}" for k, v in result.records.items())
    click.echo(_("imported: {counts}").format(counts=counts), err=True)


@import_group.command("items")
@_common
@click.pass_obj
def import_items(state: State, file: Path, locality: str, out: Path, mapping: Path | None) -> None:
    """Import a 事项清单 (service-item catalogue) FILE into OUT/items.toml.

    Reads the items sheet (事项清单) and, when present, the 申请材料 and 收费项目 sheets.
    """
    _run("items", file, locality=locality, out=out, mapping=mapping, state=state)


@import_group.command("halls")
@_common
@click.pass_obj
def import_halls(state: State, file: Path, locality: str, out: Path, mapping: Path | None) -> None:
    """Import halls (大厅 sheet) and windows (窗口 sheet) of FILE into OUT/halls.toml."""
    _run("halls", file, locality=locality, out=out, mapping=mapping, state=state)


@import_group.command("assessment")
@_common
@click.pass_obj
def import_assessment(
    state: State, file: Path, locality: str, out: Path, mapping: Path | None
) -> None:
    """Import assessors' answers (评估 sheet) and metrics (数据指标 sheet).

    Writes OUT/assessment-HALL.toml for each hall assessed.
    """
    _run("assessment", file, locality=locality, out=out, mapping=mapping, state=state)


@import_group.command("reviews")
@_common
@click.pass_obj
def import_reviews(
    state: State, file: Path, locality: str, out: Path, mapping: Path | None
) -> None:
    """Import a 好差评 log (好差评 sheet) into OUT/reviews-LOCALITY.toml."""
    _run("reviews", file, locality=locality, out=out, mapping=mapping, state=state)


@import_group.command("forms")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--locality", required=True, help="Division code of the locality the forms belong to."
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write forms/<id>.toml into (a locality's data folder).",
)
def import_forms(files: tuple[Path, ...], locality: str, out: Path) -> None:
    """Import XLSForm-style workbooks (survey, choices, settings) into OUT/forms/ID.toml.

    Every workbook is read and checked before any form is written.
    """
    del locality  # forms are not tied to a layer's codes; the option keeps the commands alike
    from govservice_std.serialization import dumps  # noqa: PLC0415
    from govservice_std.spreadsheets import SpreadsheetError  # noqa: PLC0415
    from govservice_std.spreadsheets.xlsform import form_from_workbook  # noqa: PLC0415

    specs = []
    failures: list[SpreadsheetError] = []
    for file in files:
        try:
            specs.append(form_from_workbook(file))
        except SpreadsheetError as exc:
            failures.append(exc)
    if failures:
        report_problems(ValueError("\n".join(exc.localized(current_lang()) for exc in failures)))
    for spec in specs:
        target = out / "forms" / f"{spec.id}.toml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dumps(spec, format="toml"), encoding="utf-8")
        click.echo(_("wrote {path}").format(path=target))
