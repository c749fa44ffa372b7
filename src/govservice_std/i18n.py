"""One language per run: the words people read, from gettext message catalogs.

The source strings (message ids) are English; the Simplified Chinese catalog
(``locale/zh_CN/LC_MESSAGES/govservice_std.po``, compiled to ``.mo`` beside it) translates
them. Chinese is the default; English is chosen with ``--lang en`` or
``GOVSERVICE_STD_LANG=en``. The command line, the terminal tables, the HTML reports (through
Jinja2's ``i18n`` extension) and the library's error messages all read the same catalogs, so
a page and a table say the same words. Data values — hall names, criterion titles from
plugins — are never translated: they are shown as they are.

>>> gettext("Total", "zh")
'总分'
>>> gettext("Total", "en")
'Total'
>>> with language("en"):
...     _("Total")
'Total'
>>> with language("zh"):
...     ngettext("{n} hall", "{n} halls", 3).format(n=3)
'3 个场所'
"""

from __future__ import annotations

import contextlib
import contextvars
import enum
import functools
import gettext as _gettext
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Self

__all__ = [
    "DEFAULT_LANG",
    "DOMAIN",
    "LANGS",
    "LANG_ENV",
    "LOCALE_DIR",
    "NP_",
    "N_",
    "LabelledEnum",
    "_",
    "get_language",
    "gettext",
    "language",
    "ngettext",
    "pgettext",
    "set_language",
    "translations",
]

LANGS = ("zh", "en")
"""The languages of the catalogs: ``zh`` (简体中文, the default) and ``en`` (the source)."""
DEFAULT_LANG = "zh"
"""The language used when none is chosen."""
LANG_ENV = "GOVSERVICE_STD_LANG"
"""Environment variable that chooses the language (``zh`` or ``en``)."""
DOMAIN = "govservice_std"
"""The gettext domain of the catalogs."""
LOCALE_DIR = Path(__file__).parent / "locale"
"""Where the compiled catalogs live (``<lang>/LC_MESSAGES/govservice_std.mo``)."""

_LOCALES = {"zh": "zh_CN", "en": "en"}
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "govservice_std_lang", default=None
)


def _checked(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r} (expected one of {', '.join(LANGS)})")
    return lang


@functools.cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The catalog of ``lang``; English, the source language, translates nothing.

    Raises:
        ValueError: For a language without a catalog.
    """
    if _checked(lang) == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[_LOCALES[lang]])


def get_language() -> str:
    """The language of this run: the one set, else ``GOVSERVICE_STD_LANG``, else ``zh``."""
    chosen = _current.get()
    if chosen is not None:
        return chosen
    env = os.environ.get(LANG_ENV, "")
    return env if env in LANGS else DEFAULT_LANG


def set_language(lang: str | None) -> None:
    """Choose the language for the rest of this run (``None``: back to the default)."""
    _current.set(None if lang is None else _checked(lang))


@contextlib.contextmanager
def language(lang: str) -> Iterator[str]:
    """Use ``lang`` inside a ``with`` block, then the previous language again."""
    token = _current.set(_checked(lang))
    try:
        yield lang
    finally:
        _current.reset(token)


def gettext(message: str, lang: str | None = None) -> str:
    """``message`` in ``lang`` (default: this run's language)."""
    return translations(lang or get_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    """The singular or plural form of a message for the count ``n``, in ``lang``."""
    return translations(lang or get_language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str, lang: str | None = None) -> str:
    """``message`` in ``lang``, where the same English words need another translation.

    >>> pgettext("kpi column", "issued", "zh"), gettext("issued", "zh")
    ('取号数', '已取号')
    """
    return translations(lang or get_language()).pgettext(context, message)


def _(message: str) -> str:
    """``message`` in this run's language (the marker the extractor looks for)."""
    return translations(get_language()).gettext(message)


def N_(message: str) -> str:  # noqa: N802 - the conventional name of the no-op marker
    """Mark ``message`` for the catalog without translating it yet (translate when shown)."""
    return message


def NP_(context: str, message: str) -> str:  # noqa: N802 - the no-op marker, with a context
    """Mark ``message`` for the catalog under ``context`` (translate with :func:`pgettext`)."""
    del context
    return message


class LabelledEnum(enum.Enum):
    """An enum whose members carry an English label that the catalogs translate.

    A member is declared with its value and its label (``MET = "met", "met"``); the label's
    translation lives in the catalogs under the enum's class name as context, so one table —
    the catalog — holds every enum's words in every language.

    >>> class Tier(LabelledEnum):
    ...     TOWN = "town", "town service centre"
    >>> Tier("town").value, Tier.TOWN.label("en")
    ('town', 'town service centre')
    """

    _value_: str
    label_en: str
    """The member's label in English, the source language."""

    def __new__(cls, value: object, label: str = "") -> Self:
        """A member of ``value`` labelled ``label`` (looking a member up takes the value)."""
        member = object.__new__(cls)
        member._value_ = str(value)
        member.label_en = label
        return member

    def label(self, lang: str | None = None) -> str:
        """The member's label in ``lang`` (default: this run's language)."""
        return pgettext(type(self).__name__, self.label_en, lang)

    @property
    def label_zh(self) -> str:
        """The member's label in Chinese."""
        return self.label("zh")
