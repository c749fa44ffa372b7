r"""Reading cell values the way counties' spreadsheets hold them.

Each parser takes a raw cell value (what the workbook or CSV reader gives: ``str``,
``int``, ``float``, ``bool``, ``datetime`` or ``None``) and returns the value the model
needs, or raises :class:`~govservice_std.spreadsheets.CellError` with a message
in Chinese and English. They accept what real files contain:

* numbers stored as text (``"20"``) and full-width digits (``"２０"``);
* a unit after a number of days (``"20个工作日"``, ``"5天"``);
* dates as date cells, Excel serial numbers (``46346``), ``2026-11-20``, ``2026/11/20``
  or ``2026年11月20日``;
* codes typed as numbers (``441324`` → ``"441324"``; ``1`` → ``"01"`` for item types).

>>> days("２０个工作日"), days(20.0), days("即办")
(20, 20, 0)
>>> date(46346).isoformat(), date("2026年11月20日").isoformat()
('2026-11-20', '2026-11-20')
>>> code("４４１３２４"), code(441324)
('441324', '441324')
>>> split_list("申请\n受理；审查")
['申请', '受理', '审查']
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping

from govservice_std.spreadsheets._problems import CellError

__all__ = [
    "Parser",
    "blank",
    "boolean",
    "code",
    "date",
    "days",
    "enum_parser",
    "half_width",
    "integer",
    "number",
    "split_list",
    "text",
]

Parser = Callable[[object], object]
"""A cell parser: raw value in, model value out.

It raises :class:`~govservice_std.spreadsheets.CellError` for a value it cannot read.
"""

_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH[0x3000] = 0x20  # ideographic space

_EXCEL_EPOCH = dt.date(1899, 12, 30)


def half_width(value: str) -> str:
    """``value`` with full-width ASCII (digits, letters, punctuation) made half-width."""
    return value.translate(_FULL_WIDTH)


def blank(value: object) -> bool:
    """Whether a cell is empty (``None`` or only white space)."""
    return value is None or (isinstance(value, str) and not value.strip())


def _show(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def text(value: object) -> str:
    """A cell as text; a whole number typed as a number loses its ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def code(value: object) -> str:
    """A code (item, hall, window, division): half-width, without spaces."""
    if isinstance(value, float) and not value.is_integer():
        raise CellError(f"不是编码：{_show(value)}", f"not a code: {_show(value)}")
    return re.sub(r"\s+", "", half_width(text(value)))


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def number(value: object) -> float:
    """A finite number, from a number cell or text (``"4.5"``, ``"４．５"``, ``"95%"``)."""
    if isinstance(value, bool):
        raise CellError(f"应为数字（实为 {value}）", f"must be a number (got {value})")
    if isinstance(value, int | float):
        result = float(value)
    else:
        raw = half_width(text(value)).replace(",", "").replace("．", ".")
        percent = raw.endswith("%")
        raw = raw.removesuffix("%").strip()
        if not _NUMBER.fullmatch(raw):
            raise CellError(
                f"应为数字（实为“{_show(value)}”）", f"must be a number (got {_show(value)!r})"
            )
        result = float(raw) / (100 if percent else 1)
    if not math.isfinite(result):
        raise CellError(f"应为有限的数字（实为 {result}）", f"must be finite (got {result})")
    return result


def integer(value: object) -> int:
    """A whole number (``20``, ``20.0``, ``"20"``, ``"２０"``)."""
    result = number(value)
    if not result.is_integer():
        raise CellError(f"应为整数（实为 {_show(value)}）", f"must be whole (got {_show(value)})")
    return int(result)


_DAYS = re.compile(r"(\d+)\s*(?:个)?(?:工作日|工作天|天|日)?")
_IMMEDIATE = {"即办", "即办件", "当场办结", "立即办结", "当场", "即时办结"}


def days(value: object) -> int:
    """A number of working days: ``20``, ``"20个工作日"``, ``"5天"``; 即办 is 0."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return integer(value)
    raw = re.sub(r"\s+", "", half_width(text(value)))
    if raw in _IMMEDIATE:
        return 0
    if _NUMBER.fullmatch(raw):
        return integer(raw)
    match = _DAYS.fullmatch(raw)
    if match is None:
        raise CellError(
            f"应为工作日天数，如 20 或“20个工作日”（实为“{_show(value)}”）",
            f"must be a number of working days such as 20 (got {_show(value)!r})",
        )
    return int(match.group(1))


_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def date(value: object) -> dt.date:
    """A date from a date cell, an Excel serial number or text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        serial = float(value)
        # 1 is 1900-01-01 and 2958465 is 9999-12-31: anything else is not a date.
        if not (math.isfinite(serial) and 1 <= serial <= 2958465 and serial.is_integer()):
            raise CellError(f"不是日期：{_show(value)}", f"not a date: {_show(value)}")
        return _EXCEL_EPOCH + dt.timedelta(days=int(serial))
    raw = half_width(text(value))
    match = _DATE_TEXT.fullmatch(raw)
    if match is None and raw.isdigit() and len(raw) == 8:
        match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", raw)
    if match is not None:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    raise CellError(
        f"应为日期，如 2026-11-20（实为“{_show(value)}”）",
        f"must be a date such as 2026-11-20 (got {_show(value)!r})",
    )


_TRUE = {"是", "有", "√", "✓", "y", "yes", "true", "1", "需要", "必要", "必须", "达标"}
_FALSE = {"否", "无", "×", "✗", "n", "no", "false", "0", "不需要", "非必要", "不达标", "未达标"}


def boolean(value: object) -> bool:
    """是/否, yes/no, true/false, 1/0, √/×."""
    if isinstance(value, bool):
        return value
    raw = half_width(text(value)).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CellError(
        f"应为“是”或“否”（实为“{_show(value)}”）", f"must be yes or no (got {_show(value)!r})"
    )


_SPLIT = re.compile(r"\s*(?:\r?\n|；|;)\s*")


def split_list(value: object, extra: str = "") -> list[str]:
    """A cell holding a list: one entry per line, or separated by ``；`` (and ``extra``)."""
    pattern = _SPLIT if not extra else re.compile(rf"\s*(?:\r?\n|；|;|[{extra}])\s*")
    return [part for part in pattern.split(text(value)) if part]


def enum_parser(
    names: Mapping[str, str], what: str, what_en: str, *, pad: int = 0
) -> Callable[[object], str]:
    """A parser for a closed set of values.

    Args:
        names: Every accepted spelling (Chinese label, English value…) → the value.
        what: The column's meaning in Chinese, for messages.
        what_en: The same in English.
        pad: Left-pad digits to this width (item type ``1`` → ``"01"``).
    """
    folded = {half_width(k).lower(): v for k, v in names.items()}

    def parse(value: object) -> str:
        raw = re.sub(r"\s+", "", half_width(text(value))).lower()
        if pad and raw.isdigit():
            raw = raw.zfill(pad)
        if raw in folded:
            return folded[raw]
        allowed = "、".join(dict.fromkeys(k for k in names if not k.isascii()))
        allowed_en = ", ".join(dict.fromkeys(v for v in names.values()))
        return _fail(value, what, what_en, allowed or allowed_en, allowed_en)

    return parse


def _fail(value: object, what: str, what_en: str, allowed: str, allowed_en: str) -> str:
    raise CellError(
        f"不是有效的{what}：“{_show(value)}”（可用：{allowed}）",
        f"not a valid {what_en}: {_show(value)!r} (allowed: {allowed_en})",
    )
