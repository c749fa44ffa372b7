"""A new locality plugin pre-filled from the county's workbook (``govstd new-plugin --from``).

The workbook may hold any of: halls (``大厅`` and ``窗口`` sheets), the 事项清单 (with
``申请材料`` and ``收费项目``), and one form in XLSForm style (``survey``, ``choices``,
``settings``). Each part found replaces the scaffold's illustrative example; parts not in
the workbook keep the example, to be replaced by hand. Everything is read and checked
before anything is written.
"""

from __future__ import annotations

from pathlib import Path

from govservice_std.registry import Registry
from govservice_std.scaffold import PluginSpec, write_plugin
from govservice_std.serialization import dumps
from govservice_std.spreadsheets import importing
from govservice_std.spreadsheets import mapping as m
from govservice_std.spreadsheets._problems import SheetProblem, SpreadsheetError
from govservice_std.spreadsheets.reader import read_workbook
from govservice_std.spreadsheets.tables import Overrides, find_sheet
from govservice_std.spreadsheets.xlsform import form_from_grids

__all__ = ["write_plugin_from_workbook"]


def write_plugin_from_workbook(
    spec: PluginSpec,
    directory: Path | str,
    workbook: Path | str,
    *,
    registry: Registry | None = None,
    overrides: Overrides | None = None,
) -> list[Path]:
    """Write the plugin project of ``spec`` into ``directory``, its data from ``workbook``.

    Returns:
        The files written, relative to ``directory``.

    Raises:
        SpreadsheetError: If the workbook has none of the parts, or any problem (every
            problem of every part, each at its cell); nothing is written then.
        ScaffoldError: If ``directory`` exists and is not empty.
    """
    grids = read_workbook(workbook)
    files: dict[str, str] = {}
    problems: list[SheetProblem] = []
    found = False
    if find_sheet(grids, m.HALLS, optional=True) is not None:
        found = True
        try:
            files.update(importing.import_halls(workbook, spec.code, overrides=overrides).files)
        except SpreadsheetError as error:
            problems.extend(error.sheet_problems)
    if find_sheet(grids, m.items_table(), optional=True) is not None:
        found = True
        try:
            result = importing.import_items(
                workbook, spec.code, registry=registry, overrides=overrides
            )
            files.update(result.files)
        except SpreadsheetError as error:
            problems.extend(error.sheet_problems)
    if any(grid.name.strip().lower() == "survey" for grid in grids):
        found = True
        try:
            form = form_from_grids(grids, source=str(workbook))
            files[f"forms/{form.id}.toml"] = dumps(form, format="toml")
        except SpreadsheetError as error:
            problems.extend(error.sheet_problems)
    if not found:
        problems.append(
            SheetProblem(
                grids[0].name if grids else Path(workbook).name,
                0,
                0,
                "",
                "工作簿中没有大厅、事项清单或 survey 工作表",
                "the workbook has no halls, items (事项清单) or survey sheet",
            )
        )
    if problems:
        raise SpreadsheetError(problems, source=str(workbook))
    written = write_plugin(spec, directory)
    data = Path(directory) / "src" / spec.module / "data" / spec.code
    for relative, text in files.items():
        target = data / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        path = target.relative_to(directory)
        if path not in written:
            written.append(path)
    return written
