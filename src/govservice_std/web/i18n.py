"""The words of the hall service's pages: the library's message catalogs.

Templates and scripts use English message ids through ``_()``; the Simplified Chinese catalog
(the same one the command line and the reports read) gives the Chinese. One language per
page: the service's default (``govstd --lang … serve``), or the page's ``?lang=`` parameter.
"""

from __future__ import annotations

from collections.abc import Callable

from govservice_std import i18n

__all__ = ["gettext_for"]


def gettext_for(lang: str) -> Callable[[str], str]:
    """The ``_()`` function of a language (``zh`` or ``en``), read from the catalogs."""
    catalog = i18n.translations(lang)
    return catalog.gettext
