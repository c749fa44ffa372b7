"""The top-level ``govstd`` group, its shared state and the error-handling entry point."""

from __future__ import annotations

import io
import json
import math
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

import click

from govservice_std._version import __version__

if TYPE_CHECKING:
    from rich.console import Console

    from govservice_std.registry import Registry, ResolvedLocality

__all__ = [
    "LANGS",
    "LANG_ENV",
    "TIERS",
    "BoundedFloat",
    "State",
    "cli",
    "current_lang",
    "echo_json",
    "main",
    "make_console",
    "use_lang",
    "zh_en",
]

TIERS = ("county", "town", "village")
LANGS = ("zh", "en")
LANG_ENV = "GOVSERVICE_STD_LANG"
"""Environment variable that sets the command line's language (``zh`` or ``en``)."""

# The language chosen for this run, read by the error handler outside click's context.
_LANG = ["zh"]


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
    ctx = click.get_current_context(silent=True)
    state = ctx.find_object(State) if ctx is not None else None
    return state.lang if state is not None else _LANG[0]


def use_lang(state: State, lang: str) -> None:
    """Switch the rest of this run to ``lang`` (for a command's own ``--lang`` option)."""
    state.lang = lang
    _LANG[0] = lang


def zh_en(zh: str, en: str) -> str:
    """``zh`` under ``--lang zh`` (the default), ``en`` under ``--lang en``."""
    return zh if current_lang() == "zh" else en


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
            self.fail(zh_en(f"{value!r} 不是数字", f"{value!r} is not a number"), param, ctx)
        above = number > self.low if self.low_open else number >= self.low
        below = number < self.high if self.high_open else number <= self.high
        if not (math.isfinite(number) and above and below):
            span = (
                f"{'(' if self.low_open else '['}{self.low:g}, "
                f"{self.high:g}{')' if self.high_open else ']'}"
            )
            self.fail(
                zh_en(f"{value} 不在 {span} 范围内", f"{value} is not in the range {span}"),
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="govstd")
@click.option(
    "--no-autoload",
    is_flag=True,
    help="Do not load installed locality plugins (only the national baseline).",
)
@click.option(
    "--block",
    "blocked",
    multiple=True,
    metavar="PLUGIN",
    help="Do not load the plugin of this entry-point name (repeatable).",
)
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default="zh",
    envvar=LANG_ENV,
    show_default=True,
    help="Language of messages for hall staff: 简体中文 (zh) or English (en). "
    f"Also read from {LANG_ENV}.",
)
@click.pass_context
def cli(ctx: click.Context, no_autoload: bool, blocked: tuple[str, ...], lang: str) -> None:
    """Standardized government service (政务服务标准化) for China's three tiers of halls."""
    ctx.obj = State(autoload=False if no_autoload else None, blocked=blocked, lang=lang)
    _LANG[0] = lang


def _mask(text: str) -> str:
    from govservice_std._privacy import mask_identifiers  # noqa: PLC0415 - keep startup light

    return mask_identifiers(text)


def _fail(message: str) -> NoReturn:
    # Every problem is shown, one a line: a data file with several mistakes is fixed in
    # one pass, as ``validate`` does for an application.
    lines = [line for line in _mask(message).splitlines() if line.strip()]
    lines = lines or [zh_en("未知错误", "unknown error")]
    head = "govstd: 错误：" if _LANG[0] == "zh" else "govstd: error: "
    if len(lines) > 1:
        count = f"（共 {len(lines)} 处问题）" if _LANG[0] == "zh" else f" ({len(lines)} problems)"
        click.echo(f"{head}{lines[0]}{count}", err=True)
        for line in lines[1:]:
            click.echo(f"  {line}", err=True)
    else:
        click.echo(f"{head}{lines[0]}", err=True)
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
        click.echo(zh_en("govstd: 已中断", "govstd: interrupted"), err=True)
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
        _fail(exc.localized(_LANG[0]))
    except OSError as exc:
        _fail(str(exc))
    # Under standalone_mode=False click returns the code of ``Exit`` (``check`` finding
    # problems) instead of raising it: pass it on, or a failed check would exit 0.
    if isinstance(code, int) and code:
        sys.exit(code)
