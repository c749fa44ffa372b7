"""``govstd localities`` and ``govstd halls``: the installed localities and their halls."""

from __future__ import annotations

import click

from govservice_std.cli._base import TIERS, State, cli, echo_json, make_console
from govservice_std.i18n import _, ngettext

__all__ = ["halls", "localities"]


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a tree.")
@click.pass_obj
def localities(state: State, as_json: bool) -> None:
    """List the installed localities as a tree, with the plugin that declares each.

    With --json, print an array of objects with code, name, level, parent, plugin,
    distribution and version.
    """
    registry = state.registry
    infos = registry.localities()
    if as_json:
        echo_json(
            [
                {
                    "code": str(info.code),
                    "name": info.locality.name,
                    "level": info.locality.level.value,
                    "parent": str(info.locality.parent) if info.locality.parent else None,
                    "plugin": info.plugin.name,
                    "distribution": info.plugin.distribution,
                    "version": info.plugin.version,
                }
                for info in infos
            ]
        )
        return
    from rich.tree import Tree  # noqa: PLC0415

    def label(code: str) -> str:
        info = registry.info(code)
        loc = info.locality
        return (
            f"[bold]{loc.name}[/bold] ({loc.code}) "
            + _("{level} level").format(level=loc.level.label())
            + " "
            f"[dim]· {info.plugin.label}[/dim]"
        )

    roots = [info for info in infos if info.locality.parent is None]
    console = make_console()
    for root in roots:
        tree = Tree(label(str(root.code)))

        def grow(node: Tree, code: str) -> None:
            for child in registry.children(code):
                grow(node.add(label(str(child.code))), str(child.code))

        grow(tree, str(root.code))
        console.print(tree)


@cli.command()
@click.argument("locality")
@click.option("--tier", type=click.Choice(TIERS), help="Only halls of this tier.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
@click.pass_obj
def halls(state: State, locality: str, tier: str | None, as_json: bool) -> None:
    """List the halls of LOCALITY (a division code) and of the localities below it.

    With --json, print an array of objects with code, name, tier, division, parent, the
    numbers of windows and zones, and the layer and plugin that set the hall.
    """
    registry = state.registry
    entries = registry.hall_entries(locality, tier=tier)
    if as_json:
        echo_json(
            [
                {
                    "code": hall.code,
                    "name": hall.name,
                    "tier": hall.tier.value,
                    "division": str(hall.division),
                    "parent": hall.parent,
                    "address": hall.address,
                    "windows": len(hall.windows),
                    "zones": [zone.kind.value for zone in hall.zones],
                    "layer": str(prov.layer),
                    "plugin": prov.plugin,
                    "illustrative": list(hall.illustrative),
                }
                for hall, prov in entries
            ]
        )
        return
    from rich.table import Table  # noqa: PLC0415

    info = registry.info(locality)
    count = ngettext("{n} hall", "{n} halls", len(entries)).format(n=len(entries))
    table = Table(title=f"{info.locality.name} ({info.code}) — {count}")
    for name in (_("Code"), _("Name"), _("Tier"), _("Division")):
        table.add_column(name, no_wrap=True)
    table.add_column(_("Windows"), justify="right")
    table.add_column(_("Source"), no_wrap=True)
    for hall, prov in entries:
        table.add_row(
            hall.code,
            hall.name,
            hall.tier.label(),
            str(hall.division),
            str(len(hall.windows)),
            f"{prov.layer}/{prov.plugin}",
        )
    make_console().print(table)
