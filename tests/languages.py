"""Checks that a run speaks one language: no Chinese label under English, no English
label under Chinese. Data values (names, titles, notes from plugins and input files) are
shown as they are, so they are allowed in either language.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

from govservice_std.i18n import LOCALE_DIR

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff01-\uff5e]+")
_PLACEHOLDER = re.compile(r"\{[^}]*\}|%\([^)]*\)[sd]")
_TWO_WORDS = re.compile(r"[A-Za-z]{2,}[ -][A-Za-z]{2,}")


@cache
def data_corpus() -> str:
    """The text of every data file the reference localities ship (their data values)."""
    files = [*ROOT.glob("plugins/*/src/**/data/**/*.toml")]
    files += [*(ROOT / "src/govservice_std/national/data").glob("*.toml")]
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


@cache
def english_labels() -> tuple[str, ...]:
    """The English words of every message the Chinese catalog translates differently."""
    path = LOCALE_DIR / "zh_CN/LC_MESSAGES/govservice_std.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    found: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if set(ids) & set(strings):
            continue
        for text in ids:
            for piece in _PLACEHOLDER.split(str(text)):
                part = piece.strip(" .,:;()[]·")
                if _TWO_WORDS.search(part) and len(part) >= 8:
                    found.add(part)
    return tuple(sorted(found))


def cjk_leaks(text: str, allowed: Iterable[str]) -> list[str]:
    """The runs of Chinese in ``text`` that are in no data value."""
    corpus = data_corpus() + "\n".join(allowed)
    return sorted({run for run in CJK.findall(text) if run not in corpus})


def english_leaks(text: str) -> list[str]:
    """The English labels found in ``text`` (a Chinese run's output)."""
    flat = " ".join(text.split())
    return [label for label in english_labels() if label in flat]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(page: str) -> str:
    """The text a person reads on an HTML page (styles left out)."""
    parser = _Text()
    parser.feed(page)
    return "\n".join(parser.parts)


def formats_of(text: str) -> set[str]:
    """The ``{placeholders}`` of a message."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
