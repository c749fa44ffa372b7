"""The top-level ``govstd`` group, its shared state and the error-handling entry point.

Every word the command line prints comes from the message catalogs
(:mod:`govservice_std.i18n`): command and option help, click's own messages (``Usage:``,
``Error: …``, ``Missing option …``) and the commands' tables. The language is chosen before
anything is parsed — ``--lang`` on the top-level command, else ``GOVSERVICE_STD_LANG``, else
Chinese — so ``--help`` and a usage error already speak it.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from govservice_std import i18n
from govservice_std._version import __version__
from govservice_std.i18n import LANG_ENV, LANGS, N_, _

if TYPE_CHECKING:
    from govservice_std.registry import Registry, ResolvedLocality

__all__ = [
    "DATE",
    "LANGS",
    "LANG_ENV",
    "TIERS",
    "LocalizedCommand",
    "LocalizedGroup",
    "State",
    "cli",
    "current_lang",
    "day_of",
    "echo_json",
    "html_option",
    "json_option",
    "main",
    "queue_db_options",
    "use_lang",
]

TIERS = ("county", "town", "village")


class State:
    """Options of the top-level command, and the registry built from them on first use."""

    def __init__(self, autoload: bool | None, blocked: tuple[str, ...], lang: str = "zh") -> None:
        self.autoload = autoload
        self.blocked = blocked
        self.lang = lang
        self._registry: Registry | None = None

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            from govservice_std.registry import load_registry  # noqa: PLC0415 - lazy

            self._registry = load_registry(autoload=self.autoload, blocked=self.blocked)
        return self._registry

    def resolve(self, code: str) -> ResolvedLocality:
        """The resolved locality a command works on (the one way commands obtain it)."""
        return self.registry.resolve(code)


def current_lang() -> str:
    """The language of this run's messages for hall staff: ``"zh"`` or ``"en"``."""
    return i18n.get_language()


def use_lang(state: State, lang: str) -> None:
    """Switch the rest of this run to ``lang`` (for a command's own ``--lang`` option)."""
    state.lang = lang
    i18n.set_language(lang)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


DATE = click.DateTime(formats=["%Y-%m-%d"])
"""A day on the command line (``YYYY-MM-DD``)."""

_F = Any  # a click command function, as the decorators below take and return it


def json_option(help_text: str = N_("Print JSON.")) -> Callable[[_F], _F]:
    """``--json`` (stored as ``as_json``): print JSON instead of a table."""
    return click.option("--json", "as_json", is_flag=True, help=help_text)


def html_option(
    help_text: str = N_("Also write a self-contained HTML report to this file."),
) -> Callable[[_F], _F]:
    """``--html FILE`` (stored as ``html_out``): also write an HTML report."""
    return click.option(
        "--html",
        "html_out",
        type=click.Path(dir_okay=False, writable=True, path_type=Path),
        help=help_text,
    )


def queue_db_options(help_text: str) -> Callable[[_F], _F]:
    """``--queue-db FILE`` and ``--day DAY`` (stored as ``queue_db`` and ``queue_day``)."""
    db = click.option(
        "--queue-db",
        "queue_db",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help=help_text,
    )
    day = click.option(
        "--day",
        "queue_day",
        type=DATE,
        help=N_("With --queue-db: only this service day (default: every day in the record)."),
    )
    return lambda f: db(day(f))


def day_of(value: dt.datetime | None) -> dt.date | None:
    """The date of a ``DATE`` option's value."""
    return value.date() if value is not None else None


def _translate_click() -> None:
    # click marks its own messages for gettext under their English text and looks them up
    # through the module-level names it imported; pointing those names at our catalogs makes
    # `Usage:`, `Error: …` and `Missing option …` speak the run's language.
    import click.core  # noqa: PLC0415 - the modules whose names are re-pointed
    import click.decorators  # noqa: PLC0415
    import click.exceptions  # noqa: PLC0415
    import click.formatting  # noqa: PLC0415
    import click.parser  # noqa: PLC0415
    import click.termui  # noqa: PLC0415
    import click.types  # noqa: PLC0415
    import click.utils  # noqa: PLC0415

    for module in (
        click.core,
        click.decorators,
        click.exceptions,
        click.formatting,
        click.parser,
        click.termui,
        click.types,
        click.utils,
    ):
        if hasattr(module, "_"):
            module._ = i18n.gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = i18n.ngettext  # type: ignore[attr-defined]


_translate_click()


def _short_help(text: str, limit: int) -> str:
    first = text.split("\n\n", 1)[0].replace("\n", " ")
    for end in ("。", ". ", "：", ": "):
        if end in first:
            first = first.split(end, 1)[0] + ("" if end.strip() in ":：" else end.strip())
            break
    return first if len(first) <= limit else first[: limit - 1] + "…"


class LocalizedCommand(click.Command):
    """A command whose help texts (its own and its options') are read from the catalogs."""

    @contextmanager
    def _translated(self, ctx: click.Context) -> Iterator[None]:
        params = self.get_params(ctx)
        saved = [(self, self.help)] + [(p, getattr(p, "help", None)) for p in params]
        try:
            for owner, text in saved:
                if text:
                    owner.help = _(inspect.cleandoc(text))
            yield
        finally:
            for owner, text in saved:
                owner.help = text

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        fresh = self._help_option is None
        option = super().get_help_option(ctx)
        if option is not None and fresh:
            # click words it once, in the language of that moment; keep the source words.
            option.help = "Show this message and exit."
        return option

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with self._translated(ctx):
            super().format_help(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            return _(inspect.cleandoc(self.short_help))
        return _short_help(_(inspect.cleandoc(self.help or "")), max(limit, 60))


class LocalizedGroup(LocalizedCommand, click.Group):
    """A group of localized commands; its subcommands and subgroups are localized too."""

    command_class = LocalizedCommand
    group_class: type[click.Group | type] | None = type


class _Root(LocalizedGroup):
    group_class = LocalizedGroup

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # The language is settled before click parses anything, so that `--help`, usage
        # errors and the commands all speak it; the option itself is parsed as usual.
        i18n.set_language(_lang_of(args))
        _name_path_types(self)
        return super().parse_args(ctx, args)


def _name_path_types(command: click.Command) -> None:
    # click names a path type ("file", "directory", "path") once, when the option is made;
    # name it again in the run's language, for metavars and messages.
    for param in command.params:
        kind = param.type
        if isinstance(kind, click.Path):
            if kind.file_okay and not kind.dir_okay:
                kind.name = _("file")
            elif kind.dir_okay and not kind.file_okay:
                kind.name = _("directory")
            else:
                kind.name = _("path")
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _name_path_types(sub)


def _lang_of(args: Sequence[str]) -> str:
    for index, arg in enumerate(args):
        if not arg.startswith("-"):
            break  # the subcommand: --lang belongs to the top-level command only
        value = None
        if arg == "--lang" and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        if value in LANGS:
            return value
    i18n.set_language(None)  # not chosen here: GOVSERVICE_STD_LANG, else Chinese
    return i18n.get_language()


@click.group(cls=_Root, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "-V", "--version", prog_name="govstd", help="Show the version and exit."
)
@click.option(
    "--no-autoload",
    is_flag=True,
    help=N_("Do not load installed locality plugins (only the national baseline)."),
)
@click.option(
    "--block",
    "blocked",
    multiple=True,
    metavar="PLUGIN",
    help=N_("Do not load the plugin of this entry-point name (repeatable)."),
)
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default="zh",
    envvar=LANG_ENV,
    show_default=True,
    help=N_(
        "Language of everything printed: zh (Simplified Chinese) or en (English). "
        "Also read from GOVSERVICE_STD_LANG."
    ),
)
@click.pass_context
def cli(ctx: click.Context, no_autoload: bool, blocked: tuple[str, ...], lang: str) -> None:
    """Standardized government service for China's three tiers of service halls."""
    ctx.obj = State(autoload=False if no_autoload else None, blocked=blocked, lang=lang)
    i18n.set_language(lang)


def _fail(message: str) -> NoReturn:
    lines = message.splitlines() or [_("error")]
    more = _(" (and {n} more)").format(n=len(lines) - 1) if len(lines) > 1 else ""
    click.echo(_("govstd: error: {message}").format(message=lines[0] + more), err=True)
    sys.exit(2)


def main(args: Sequence[str] | None = None, prog_name: str | None = None) -> None:
    """Run the command line; user errors exit with status 2 and a one-line message."""
    from govservice_std.errors import GovServiceError  # noqa: PLC0415 - keep startup light

    try:
        cli.main(args=args, prog_name=prog_name or "govstd", standalone_mode=False)
    except click.exceptions.Abort:
        _fail(_("aborted"))
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if exc.exit_code == 1 else exc.exit_code)
    except GovServiceError as exc:
        _fail(exc.localized(i18n.get_language()))
    except OSError as exc:
        _fail(str(exc))
