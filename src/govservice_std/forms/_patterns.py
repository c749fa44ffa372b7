r"""Form field patterns, run by RE2 in time linear in the input (private).

A form author's ``pattern`` runs on text typed by anyone. Python's backtracking engine takes
exponential time on patterns such as ``(a+)+$`` (29 characters of input hang it), so
patterns are compiled by RE2 (through ``google-re2``), which never backtracks. RE2 has no
backreferences (``\1``) or lookaround (``(?=…)``, ``(?<!…)``): a pattern that uses them is
refused when the form is loaded. ``\d``, ``\w`` and ``\s`` match ASCII only, as an ID
or licence number expects; ``\uXXXX`` escapes are read as the character they name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import re2  # type: ignore[import-untyped]

__all__ = ["PatternError", "compile_pattern"]

_OPTIONS: Any = re2.Options()
_OPTIONS.log_errors = False  # the error is reported as a data problem, not on stderr
# RE2 spells a code point \x{4E00}; Python (and form authors) write \u4e00.
_PY_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u([0-9A-Fa-f]{4})")


class PatternError(ValueError):
    """A pattern RE2 cannot compile; the message says why."""


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> Callable[[str], bool]:
    """A function telling whether a whole text matches ``pattern``.

    Raises:
        PatternError: If RE2 cannot compile the pattern.
    """
    translated = _PY_ESCAPE.sub(r"\1\\x{\2}", pattern)
    try:
        compiled = re2.compile(translated, _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise PatternError(str(reason)) from None

    def matches(text: str) -> bool:
        return compiled.fullmatch(text) is not None

    return matches
