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
import io
import json
import math
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from govservice_std import i18n
from govservice_std._version import __version__
from govservice_std.i18n import LANG_ENV, LANGS, N_, _, ngettext

if TYPE_CHECKING:
    from rich.console import Console

    from govservice_std.registry import Registry, ResolvedLocality

__all__ = [
    "DATE",
    "LANGS",
    "LANG_ENV",
    "TIERS",
    "BoundedFloat",
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
    "make_console",
    "parse_moment",
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


if TYPE_CHECKING:
    _FloatParam = click.ParamType[float]
else:  # generic only from click 8.4 on
    _FloatParam = click.ParamType


class BoundedFloat(_FloatParam):
    """A finite number within ``[low, high]`` (an end excluded if ``low_open``/``high_open``).

    click's ``FloatRange`` lets ``nan`` through (no comparison with it is true) and ``inf``
    when there is no upper bound; every number option of the command line uses this instead.
    """

    name = "number"

    def __init__(
        self, low: float, high: float, *, low_open: bool = False, high_open: bool = False
    ) -> None:
        self.low, self.high, self.low_open, self.high_open = low, high, low_open, high_open

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(_("{value!r} is not a number").format(value=value), param, ctx)
        above = number > self.low if self.low_open else number >= self.low
        below = number < self.high if self.high_open else number <= self.high
        if not (math.isfinite(number) and above and below):
            span = (
                f"{'(' if self.low_open else '['}{self.low:g}, "
                f"{self.high:g}{')' if self.high_open else ']'}"
            )
            self.fail(
                _("{value} is not in the range {span}").format(value=value, span=span),
                param,
                ctx,
            )
        return number


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


# Wide enough for any row: a file or a pipe gets every cell whole, never cut with "…".
_UNBOUNDED_WIDTH = 100_000


def make_console(*, stderr: bool = False) -> Console:
    """A rich console for a text view.

    On a terminal it follows the terminal's real width (rich wraps long cells); when the
    output is a file or a pipe it never truncates or wraps a line.
    """
    from rich.console import Console  # noqa: PLC0415 - only the text views need rich

    probe = Console(stderr=stderr)
    if probe.is_terminal:
        return probe
    return Console(stderr=stderr, width=_UNBOUNDED_WIDTH)


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


def parse_moment(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    """A ``--at``/``--slot`` option's value: ISO 8601, China Standard Time without an offset."""
    if value is None:
        return None
    from govservice_std.queues.events import in_china_time  # noqa: PLC0415 - keep startup light

    try:
        return in_china_time(dt.datetime.fromisoformat(value))
    except ValueError:
        raise click.BadParameter(
            _("not an ISO date and time: {value!r}").format(value=value)
        ) from None


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


def _mask(text: str) -> str:
    from govservice_std._privacy import mask_identifiers  # noqa: PLC0415 - keep startup light

    return mask_identifiers(text)


def _fail(message: str) -> NoReturn:
    # Every problem is shown, one a line: a data file with several mistakes is fixed in
    # one pass, as ``validate`` does for an application.
    lines = [line for line in _mask(message).splitlines() if line.strip()]
    lines = lines or [_("unknown error")]
    if len(lines) > 1:
        count = ngettext(" ({n} problem)", " ({n} problems)", len(lines)).format(n=len(lines))
        click.echo(_("govstd: error: {message}").format(message=lines[0] + count), err=True)
        for line in lines[1:]:
            click.echo(f"  {line}", err=True)
    else:
        click.echo(_("govstd: error: {message}").format(message=lines[0]), err=True)
    sys.exit(2)


def main(args: Sequence[str] | None = None, prog_name: str | None = None) -> None:
    """Run the command line.

    Exit statuses: 0 success; 1 a check found problems (``check``, ``validate``); 2 a user
    error (a bad option, an unknown locality, a bad data file, a broken plugin), with the
    message on standard error and no traceback; 130 interrupted (Ctrl-C).
    """
    from govservice_std.errors import GovServiceError  # noqa: PLC0415 - keep startup light

    try:
        code = cli.main(args=args, prog_name=prog_name or "govstd", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        # Ctrl-C is the user's choice, not an error: say so and exit as shells expect.
        click.echo(_("govstd: interrupted"), err=True)
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        # click quotes the offending value: mask it like every other message.
        shown = io.StringIO()
        exc.show(file=shown)
        click.echo(_mask(shown.getvalue()), err=True, nl=False)
        sys.exit(2 if exc.exit_code == 1 else exc.exit_code)
    except GovServiceError as exc:
        _fail(exc.localized(i18n.get_language()))
    except OSError as exc:
        _fail(str(exc))
    # Under standalone_mode=False click returns the code of ``Exit`` (``check`` finding
    # problems) instead of raising it: pass it on, or a failed check would exit 0.
    if isinstance(code, int) and code:
        sys.exit(code)
