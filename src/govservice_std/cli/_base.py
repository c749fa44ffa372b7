"""The top-level ``govstd`` group, its shared state and the error-handling entry point."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

import click

from govservice_std._version import __version__

if TYPE_CHECKING:
    from govservice_std.registry import Registry, ResolvedLocality

__all__ = [
    "LANGS",
    "LANG_ENV",
    "TIERS",
    "State",
    "cli",
    "current_lang",
    "echo_json",
    "main",
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


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


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


def _fail(message: str) -> NoReturn:
    lines = message.splitlines() or ["error"]
    if _LANG[0] == "zh":
        more = f"（另有 {len(lines) - 1} 处问题）" if len(lines) > 1 else ""
        click.echo(f"govstd: 错误：{lines[0]}{more}", err=True)
    else:
        more = f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""
        click.echo(f"govstd: error: {lines[0]}{more}", err=True)
    sys.exit(2)


def main(args: Sequence[str] | None = None, prog_name: str | None = None) -> None:
    """Run the command line; user errors exit with status 2 and a one-line message."""
    from govservice_std.errors import GovServiceError  # noqa: PLC0415 - keep startup light

    try:
        cli.main(args=args, prog_name=prog_name or "govstd", standalone_mode=False)
    except click.exceptions.Abort:
        _fail(zh_en("已中止", "aborted"))
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if exc.exit_code == 1 else exc.exit_code)
    except GovServiceError as exc:
        _fail(exc.localized(_LANG[0]))
    except OSError as exc:
        _fail(str(exc))
