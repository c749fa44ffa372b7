"""Masking of personal identifiers in text meant for people or logs (private).

One function, :func:`mask_identifiers`, is applied where every message passes: the
library's exceptions (:class:`~govservice_std.errors.GovServiceError` and its
:meth:`~govservice_std.errors.GovServiceError.localized` text), every
:class:`~govservice_std.errors.DataProblem`, every form validation problem, the command
line's error output and the queue hook-failure log. It masks:

* 居民身份证号 and anything shaped like one: 15 or more digits, optionally ending in ``X``,
  even when typed with separators between the digits (spaces, dashes, dots, slashes,
  no-break and ideographic spaces) or invisible characters (zero-width spaces and joiners,
  word joiners, byte-order marks, soft hyphens) and in full-width digits. The first four
  and last four characters are kept: ``4413**********4517``.
* mainland mobile numbers (``1[3-9]`` and nine more digits, with the same separators and an
  optional ``+86``): the first three and last four digits are kept: ``138****8000``.

>>> mask_identifiers("证件号 441324 19900307 4517 有误")
'证件号 4413**********4517 有误'
>>> mask_identifiers("预约 4413-2419-9003-0745-17 已签到")
'预约 4413**********4517 已签到'
>>> mask_identifiers("tel 138 0013 8000")
'tel 138****8000'
>>> mask_identifiers("ticket A007, 5 minutes")
'ticket A007, 5 minutes'
"""

from __future__ import annotations

import re

__all__ = ["mask_identifiers"]

# Characters people and programs put between the digits of a number, visible or not.
_SEP = r"[ \t\-./\u00a0\u00ad\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]"
# Between two digits at most three separators: enough for "4413 - 24", short enough not to
# join unrelated numbers of a sentence. The digit and separator classes are disjoint, so the
# pattern runs in linear time.
_GAP = f"{_SEP}{{0,3}}"
_ID_RUN = re.compile(rf"(?<!\d)\d(?:{_GAP}\d){{14,}}(?:{_GAP}[Xx])?")
_MOBILE = re.compile(rf"(?<![\d+])(?:\+?86{_GAP})?1{_GAP}[3-9](?:{_GAP}\d){{9}}(?!\d)")
_NOT_DIGIT = re.compile(r"[^\dXx]")
# The shortest text that can hold a mobile number.
_SHORTEST = 11


def _digits(text: str) -> str:
    # Full-width and other decimal digits count as the digits they are.
    return "".join(
        str(int(ch)) if ch.isdecimal() else ch.upper() for ch in _NOT_DIGIT.sub("", text)
    )


def _mask_id(match: re.Match[str]) -> str:
    number = _digits(match.group())
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def _mask_mobile(match: re.Match[str]) -> str:
    number = _digits(match.group())
    if len(number) > 11:  # a +86 prefix
        number = number[-11:]
    return number[:3] + "****" + number[-4:]


def mask_identifiers(text: str) -> str:
    """``text`` with every ID number and mobile number in it masked (see the module docs)."""
    if len(text) < _SHORTEST:
        return text
    return _MOBILE.sub(_mask_mobile, _ID_RUN.sub(_mask_id, text))
