"""Identifier checks for form fields, and masking of ID numbers in echoed text.

Each check takes a string and returns ``None`` when it is valid or a short reason code; none
of them raises, whatever the input.

* 居民身份证号 (GB 11643) — :func:`check_id_card`: the layout and the birth date (a real
  date, not in the future) are checked here, the ISO 7064 MOD 11-2 check character with
  :func:`stdnum.cn.ric.calc_check_digit`, and the area code against the division data that
  :mod:`stdnum.cn.ric` ships: the code must have existed at some time, *whatever the birth
  year*. A number carries the code of the county that issued it (GB 11643-1999: the
  常住户口所在县) and never changes, so a resident of 龙门县 born in 1940 holds 441324…
  although the county was coded 440124 until 1988; :func:`stdnum.cn.ric.validate` (which
  wants the code to have existed in the birth year) would reject that number. Area and
  birth-date verdicts are cached, which keeps a stream of applications fast.
* 统一社会信用代码 (GB 32100) — :func:`check_uscc`: codes that start with a digit go to
  :func:`stdnum.cn.uscc.validate`; it rejects valid codes whose registration authority is a
  letter (``Y1…`` and the like), so those get the same checks here (alphabet, six-digit
  division, check character with stdnum's weights).
* mobile numbers — :func:`check_mobile`: the practical pattern ``1[3-9]`` followed by nine
  digits, with an optional ``+86``/``86`` prefix. :mod:`phonenumbers` parses numbers fully
  but costs tens of microseconds a number; the pattern is enough to catch typing mistakes.

>>> check_id_card("11010519491231002X") is None
True
>>> check_id_card("441324194003011230") is None  # 龙门县, coded 441324 only since 1988
True
>>> check_id_card("110105194912310021")
'checksum'
>>> check_uscc("Y10000000000000011") is None  # letter-prefixed: stdnum alone rejects it
True
>>> mask_ids("证件号 441324199001011234 有误")
'证件号 4413**********1234 有误'
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, ValidationError

from govservice_std._privacy import mask_identifiers

__all__ = ["check_id_card", "check_mobile", "check_uscc", "mask_id", "mask_ids"]

_MOBILE = re.compile(r"(?:\+?86)?1[3-9]\d{9}")
_USCC_ALPHABET = frozenset("0123456789ABCDEFGHJKLMNPQRTUWXY")
# Position 1 of a USCC names the registering authority: 1–9 and A–N for the listed
# authorities, Y for others (GB 32100 allows these; stdnum accepts only digits here).
_USCC_AUTHORITY = frozenset("123456789ABCDEFGHJKLMNY")
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9Xx]")
_CHINA = dt.timezone(dt.timedelta(hours=8))


@lru_cache(maxsize=8192)
def _area_known(area: str) -> bool:
    # Whether the six digits are a county-level code in stdnum's division table at any
    # time (every part of the code found, down to the county): the years a code was in
    # use do not matter, since numbers keep the code they were issued with.
    parts = numdb.get("cn/loc").info(area)
    return bool(parts) and all(props for _, props in parts) and "county" in parts[-1][1]


@lru_cache(maxsize=65536)
def _birth_date_real(digits: str) -> bool:
    # Birth dates are few (about 36,500 a century) and recur across applicants: remember
    # whether each is a real date rather than building a date object every time.
    try:
        born = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return False
    return born.year >= 1850


@lru_cache(maxsize=65536)
def _area_and_birth(head: str, today: str) -> str | None:
    # The verdict on the first 14 digits (area code and birth date) on one day, in one
    # cached call: a county's applicants share a few area codes and tens of thousands of
    # birth dates, so this hits far more often than not. Only these 14 digits are kept,
    # never whole ID numbers.
    born = head[6:]
    if born > today or not _birth_date_real(born):
        return "birth_date"
    return None if _area_known(head[:6]) else "area"


def _today() -> str:
    # The day in China, as YYYYMMDD (birth dates compare as strings of that shape).
    return dt.datetime.now(_CHINA).strftime("%Y%m%d")


def check_id_card(value: str, *, today: dt.date | None = None) -> str | None:
    """Check an 18-character 居民身份证号 (a final ``x`` counts as ``X``).

    The area code must be one that has existed at some time, whatever the birth year;
    the birth date must be a real date, not after ``today``.

    Args:
        value: The number.
        today: The day to judge the birth date on (default: today in China).

    Returns:
        ``None`` if valid, otherwise ``"format"``, ``"checksum"``, ``"birth_date"`` or
        ``"area"``.
    """
    return _id_card_verdict(value, today.strftime("%Y%m%d") if today is not None else _today())


def _id_card_verdict(value: str, today: str) -> str | None:
    # check_id_card with today given as YYYYMMDD (the form validator passes its own day).
    if len(value) != 18:
        return "format"
    # Eighteen ASCII digits (most numbers) need no pattern match; anything else must match
    # the layout, whose [0-9] (unlike str.isdigit) is ASCII digits only.
    if not (value.isascii() and value.isdigit()) and _ID_SHAPE.fullmatch(value) is None:
        return "format"
    digit = ric.calc_check_digit(value)
    if digit != value[17] and (digit != "X" or value[17] != "x"):
        return "checksum"
    return _area_and_birth(value[:14], today)


def check_uscc(value: str) -> str | None:
    """Check an 18-character 统一社会信用代码, letter-prefixed ones included.

    Codes that start with a digit are checked by :func:`stdnum.cn.uscc.validate`. It rejects
    codes whose registration authority is a letter (``Y`` and ``A``–``N``), which GB 32100
    allows, so those get the same checks here: the alphabet, a six-digit division code in
    positions 3–8, and the check character computed with stdnum's own weights.

    Returns:
        ``None`` if valid, otherwise ``"format"`` or ``"checksum"``.
    """
    if len(value) != 18 or not _USCC_ALPHABET.issuperset(value):
        return "format"
    if value[0].isdigit():
        try:
            uscc.validate(value)
        except InvalidChecksum:
            return "checksum"
        except ValidationError:
            return "format"
        return None
    if value[0] not in _USCC_AUTHORITY or not value[2:8].isdigit():
        return "format"
    if uscc.calc_check_digit(value[:17]) != value[17]:
        return "checksum"
    return None


def check_mobile(value: str) -> str | None:
    """Check a mainland mobile number (``13800138000``, ``+8613800138000``).

    Returns:
        ``None`` if valid, otherwise ``"format"``.
    """
    # Eleven ASCII digits starting 13–19 (most numbers) match the pattern without running it.
    if len(value) == 11 and value.isascii() and value.isdigit():
        return None if value[0] == "1" and value[1] in "3456789" else "format"
    return None if _MOBILE.fullmatch(value) else "format"


def mask_id(number: str) -> str:
    """Mask an ID number, keeping the first and last four characters.

    >>> mask_id("44132419900101123X")
    '4413**********123X'
    """
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_ids(text: str) -> str:
    """Mask every run of text that could be an ID number or a mobile number.

    A run of 15 or more digits (optionally ending in ``X``) counts even when typed with
    spaces, dashes or invisible characters between the digits:

    >>> mask_ids("441324 19900307 4517")
    '4413**********4517'
    """
    return mask_identifiers(text)
