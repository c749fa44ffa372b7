"""Serialization of every model through one cattrs converter, to and from JSON and TOML.

:func:`make_converter` builds the converter; :func:`configure_converter` applies the library's
rules to a converter of your own. The rules:

* unknown keys are errors (a typo in a data file must not pass silently);
* fields equal to their default are left out when dumping (so ``None`` never reaches TOML);
* tuples dump as lists; enums as their values; division codes as their digits;
  times as ``"HH:MM"``; dates as ISO ``"YYYY-MM-DD"`` (TOML's native dates load too);
  date-times as ISO 8601 with their UTC offset (a date-time without one is refused);
* primitive types are strict: ``"5"`` is not an integer and ``true`` is not a number;
* numbers are finite: NaN and infinities are refused (JSON's ``NaN``/``Infinity`` too),
  integers fit in 63 bits, and a float is at most 1e15 in size and not subnormal (each
  model states its own narrower range where it has one);
* a model is read from a table (a JSON object): anything else is a problem at its path;
* a document nested too deeply or holding an integer too long to read is a problem, not a
  crash;
* every problem in a document is collected and raised as one
  :class:`~govservice_std.errors.InvalidDataError`, each problem with its path.

>>> from govservice_std.halls import Window
>>> dumps(Window(code="A01", kind="comprehensive", lines=["A", "B"]))
'{"code": "A01", "kind": "comprehensive", "lines": ["A", "B"]}'
>>> loads('{"code": "A01", "kind": "comprehensive", "lines": "A"}', Window, source="w.json")
Traceback (most recent call last):
...
govservice_std.errors.InvalidDataError: w.json: lines: must be a list (got str 'A')
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
import sys
import tomllib
from collections.abc import Callable, Mapping, MutableSequence, Sequence
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin

import attrs
import cattrs
import tomli_w
from cattrs.cols import homogenous_tuple_structure_factory, list_structure_factory
from cattrs.errors import ForbiddenExtraKeysError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from govservice_std.divisions import DivisionCode
from govservice_std.errors import DataProblem, FieldValueError, InvalidDataError
from govservice_std.localities import Locality

__all__ = [
    "Format",
    "configure_converter",
    "dump",
    "dumps",
    "get_converter",
    "load",
    "loads",
    "make_converter",
    "parse",
    "problems_from_exception",
    "structure",
    "unstructure",
]

T = TypeVar("T")
Format = Literal["json", "toml"]
"""A file format the loaders understand."""

_SEP = "\x00"
# Every integer a data file holds fits in 63 bits (counts, minutes, years, points).
_INT_BITS = 63
_INT_LIMIT = 2**63 - 1
# Every number a data file holds is a figure of a hall: no more than 10^15 in size, and
# none so small that dividing by it overflows.
_FLOAT_LIMIT = 1e15
_FLOAT_TINY = sys.float_info.min


def _strict(kind: type[Any], accept: tuple[type[Any], ...], name: str) -> Callable[[Any, Any], Any]:
    def hook(value: Any, _: Any) -> Any:
        if isinstance(value, bool) and kind is not bool:
            raise TypeError(f"must be {name} (got a boolean)")
        if not isinstance(value, accept):
            raise TypeError(f"must be {name} (got {type(value).__name__} {_short(value)})")
        return kind(value)

    return hook


def _short(value: Any) -> str:
    # Never repr() a huge integer: past 4,300 digits Python refuses to print it.
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > _INT_BITS:
        return "(an integer of more than 18 digits)"
    return f"{value!r:.40}"


def _structure_int(value: Any, _: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        kind = "a boolean" if isinstance(value, bool) else f"{type(value).__name__} {_short(value)}"
        raise TypeError(f"must be an integer (got {kind})")
    if value.bit_length() > _INT_BITS:
        raise ValueError(
            f"must be an integer between {-_INT_LIMIT} and {_INT_LIMIT} (got {_short(value)})"
        )
    return int(value)


def _structure_float(value: Any, _: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = "a boolean" if isinstance(value, bool) else f"{type(value).__name__} {_short(value)}"
        raise TypeError(f"must be a number (got {kind})")
    if isinstance(value, int) and value.bit_length() > _INT_BITS:
        raise ValueError(
            f"must be a number between {-_FLOAT_LIMIT:g} and {_FLOAT_LIMIT:g} (got {_short(value)})"
        )
    number = float(value)
    # TOML and Python's JSON both read nan and inf; no figure of a hall is either, and a
    # subnormal or astronomically large one only overflows later, far from its file.
    if not math.isfinite(number) or not (number == 0 or _FLOAT_TINY <= abs(number) <= _FLOAT_LIMIT):
        raise ValueError(
            f"must be a finite number between {-_FLOAT_LIMIT:g} and {_FLOAT_LIMIT:g}, "
            f"and not subnormal (got {number!r})"
        )
    return number


def _structure_time(value: Any, _: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str):
        try:
            return dt.time.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"must be a time such as '08:30' (got {value!r:.40})")


def _unstructure_time(value: dt.time) -> str:
    return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")


def _structure_date(value: Any, _: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"must be a date such as '2026-01-05' (got {value!r:.40})")


def _structure_datetime(value: Any, _: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            moment = None
    else:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValueError(
            f"must be a date and time with a UTC offset such as '2026-01-05T09:30:00+08:00' "
            f"(got {value!r:.40})"
        )
    return moment


def _structure_code(value: Any, _: Any) -> DivisionCode:
    if isinstance(value, DivisionCode):
        return value
    if not isinstance(value, str):
        raise TypeError(f"must be a string of digits (got {type(value).__name__} {value!r:.40})")
    return DivisionCode(value)


def _is_sequence(type_: Any) -> bool:
    origin = get_origin(type_)
    args = get_args(type_)
    if origin is tuple:
        return len(args) == 2 and args[1] is Ellipsis
    return origin in (list, Sequence, MutableSequence) and len(args) == 1


def _strict_sequence(type_: Any, converter: cattrs.Converter) -> Callable[[Any, Any], Any]:
    if get_origin(type_) is tuple:
        base = homogenous_tuple_structure_factory(type_, converter)
    else:
        base = list_structure_factory(type_, converter)

    def hook(value: Any, t: Any) -> Any:
        # A bare string is iterable but is never meant as a list of characters.
        if not isinstance(value, list | tuple):
            raise TypeError(f"must be a list (got {type(value).__name__} {value!r:.40})")
        return base(value, t)

    return hook


def _mapping_only(cls: type[Any], converter: cattrs.Converter) -> Callable[[Any, Any], Any]:
    base = make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True)

    def hook(value: Any, t: Any) -> Any:
        # A model is a table: say so, rather than fail inside on a string's missing keys.
        if not isinstance(value, Mapping):
            raise TypeError(f"must be a table (got {type(value).__name__} {_short(value)})")
        return base(value, t)

    return hook


def configure_converter(converter: cattrs.Converter) -> None:
    """Apply the library's serialization rules (listed in the module docs) to ``converter``.

    Args:
        converter: A converter built with ``forbid_extra_keys=True`` and
            ``omit_if_default=True``, as :func:`make_converter` does.
    """
    converter.register_structure_hook_factory(_is_sequence, _strict_sequence)
    converter.register_structure_hook(str, _strict(str, (str,), "a string"))
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(float, _structure_float)
    converter.register_structure_hook_factory(attrs.has, _mapping_only)
    converter.register_structure_hook(bool, _strict(bool, (bool,), "true or false"))
    converter.register_structure_hook(DivisionCode, _structure_code)
    converter.register_unstructure_hook(DivisionCode, str)
    converter.register_structure_hook(dt.time, _structure_time)
    converter.register_unstructure_hook(dt.time, _unstructure_time)
    # datetime before date: a datetime is also a date.
    converter.register_structure_hook(dt.datetime, _structure_datetime)
    converter.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
    converter.register_structure_hook(dt.date, _structure_date)
    converter.register_unstructure_hook(dt.date, dt.date.isoformat)
    # A locality's data folder is where it was loaded from, not part of its value.
    converter.register_unstructure_hook(
        Locality,
        make_dict_unstructure_fn(
            Locality, converter, _cattrs_omit_if_default=True, data=override(omit=True)
        ),
    )
    converter.register_structure_hook(
        Locality,
        make_dict_structure_fn(
            Locality, converter, _cattrs_forbid_extra_keys=True, data=override(omit=True)
        ),
    )


def make_converter() -> cattrs.Converter:
    """Build a new converter configured with the library's rules.

    Returns:
        A :class:`cattrs.Converter` that structures and unstructures every model.
    """
    converter = cattrs.Converter(forbid_extra_keys=True, omit_if_default=True)
    configure_converter(converter)
    return converter


@cache
def get_converter() -> cattrs.Converter:
    """The library's shared converter (built on first use)."""
    return make_converter()


def _format_exception(exc: BaseException, type_: Any) -> str:
    if isinstance(exc, FieldValueError):
        return f"{exc.field}{_SEP}{exc.message}"
    if isinstance(exc, ForbiddenExtraKeysError):
        keys = ", ".join(repr(k) for k in sorted(exc.extra_fields))
        allowed = ""
        if attrs.has(exc.cl):
            allowed = " (allowed: " + ", ".join(a.name for a in attrs.fields(exc.cl)) + ")"
        return f"unknown key{'s' if len(exc.extra_fields) > 1 else ''} {keys}{allowed}"
    if isinstance(exc, KeyError):
        return "required field missing"
    # An optional enum (``Rule | None``) reports like the enum itself.
    members = [t for t in get_args(type_) if isinstance(t, type) and issubclass(t, enum.Enum)]
    if len(members) == 1 and type(None) in get_args(type_):
        type_ = members[0]
    if isinstance(type_, type) and issubclass(type_, enum.Enum) and isinstance(exc, ValueError):
        allowed = ", ".join(repr(member.value) for member in type_)
        got = str(exc).split(" is not a valid", 1)[0]
        return f"must be one of {allowed} (got {got})"
    if isinstance(exc, TypeError | ValueError) and str(exc).startswith("must "):
        return str(exc)
    if isinstance(exc, TypeError) and type_ is not None:
        name = getattr(type_, "__name__", str(type_))
        return f"must be {name}: {exc}"
    return str(exc) or type(exc).__name__


def problems_from_exception(exc: BaseException) -> list[DataProblem]:
    """Flatten a cattrs validation error (or a model's own error) into data problems.

    Args:
        exc: What :meth:`cattrs.Converter.structure` raised.

    Returns:
        One :class:`~govservice_std.errors.DataProblem` per leaf error, with its path.
    """
    problems: list[DataProblem] = []
    for line in cattrs.transform_error(exc, path="", format_exception=_format_exception):
        message, _, path = line.rpartition(" @ ")
        if not _:
            message, path = line, ""
        path = path.removeprefix(".")
        if _SEP in message:
            field, message = message.split(_SEP, 1)
            if field:
                joiner = "" if not path or field.startswith("[") else "."
                path = f"{path}{joiner}{field}"
        problems.append(DataProblem(path, message))
    return problems


def structure(data: Any, cls: type[T], *, source: str | None = None) -> T:
    """Build a model (or a collection of models) from plain data.

    Args:
        data: Plain data as parsed from JSON or TOML.
        cls: The type to build, such as :class:`~govservice_std.halls.Hall` or
            ``tuple[Hall, ...]``.
        source: Where the data came from, for error messages.

    Raises:
        InvalidDataError: With every problem found.
    """
    try:
        return get_converter().structure(data, cls)
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise InvalidDataError(problems_from_exception(exc), source=source) from exc
    except RecursionError as exc:
        raise InvalidDataError([DataProblem("", "nested too deeply")], source=source) from exc


def unstructure(obj: Any) -> Any:
    """Turn a model into plain data (dicts, lists, strings, numbers)."""
    return get_converter().unstructure(obj)


def _format_of(name: str) -> Format:
    suffix = name.rsplit(".", 1)[-1].lower()
    if suffix == "json":
        return "json"
    if suffix == "toml":
        return "toml"
    raise InvalidDataError(
        [DataProblem("", f"unsupported file type {suffix!r}: use .json or .toml")], source=name
    )


def parse(text: str, format: Format = "json", *, source: str | None = None) -> Any:  # noqa: A002
    """Parse JSON or TOML text into plain data, with the loaders' limits.

    The one place the library reads a document: a document nested too deeply, holding an
    integer too long to read, or (JSON) ``NaN``/``Infinity`` is a problem, never a crash.

    >>> parse('{"a": [1, 2]}')
    {'a': [1, 2]}
    >>> parse("[" * 100_000, source="deep.json")
    Traceback (most recent call last):
    ...
    govservice_std.errors.InvalidDataError: deep.json: nested too deeply to read

    Raises:
        InvalidDataError: If the text does not parse.
    """
    return _parse(text, format, source)


def _parse(text: str, fmt: Format, source: str | None) -> Any:
    try:
        if fmt == "json":
            return json.loads(text, parse_constant=_no_constant)
        return tomllib.loads(text)
    except json.JSONDecodeError as exc:
        problem = DataProblem(f"line {exc.lineno} column {exc.colno}", f"not valid JSON: {exc.msg}")
    except tomllib.TOMLDecodeError as exc:
        problem = DataProblem("", f"not valid TOML: {exc}")
    except RecursionError:
        problem = DataProblem("", "nested too deeply to read")
    except ValueError as exc:  # an integer of more than 4,300 digits, a JSON NaN
        reason = "a number has too many digits" if "digits" in str(exc) else str(exc)
        problem = DataProblem("", f"not a valid document: {reason}")
    raise InvalidDataError([problem], source=source)


def _no_constant(name: str) -> Any:
    # JSON has no NaN or Infinity; Python's reader accepts them unless told otherwise.
    raise ValueError(f"{name} is not a JSON number")


def loads(text: str, cls: type[T], *, format: Format = "json", source: str | None = None) -> T:  # noqa: A002
    """Parse JSON or TOML text into a model.

    Args:
        text: The document.
        cls: The model type to build.
        format: ``"json"`` or ``"toml"``.
        source: A name for the document in error messages.

    Raises:
        InvalidDataError: If the text does not parse or does not fit the model.
    """
    return structure(_parse(text, format, source), cls, source=source)


def load(path: Path | Traversable | str, cls: type[T], *, source: str | None = None) -> T:
    """Read a ``.json`` or ``.toml`` file into a model.

    Args:
        path: The file (a path or an :mod:`importlib.resources` traversable).
        cls: The model type to build.
        source: The name to use in error messages (default: the file's path).

    Raises:
        InvalidDataError: If the file cannot be read, parsed or structured; the message
            starts with the file's name.
    """
    file = Path(path) if isinstance(path, str) else path
    name = source or str(file)
    fmt = _format_of(file.name)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidDataError([DataProblem("", f"cannot read file: {exc}")], source=name) from exc
    return loads(text, cls, format=fmt, source=name)


def dumps(obj: Any, *, format: Format = "json", indent: int | None = None) -> str:  # noqa: A002
    """Serialize a model to JSON or TOML text.

    Args:
        obj: The model.
        format: ``"json"`` or ``"toml"``; TOML needs a model that unstructures to a table.
        indent: JSON indentation (compact when ``None``).

    Raises:
        TypeError: If TOML is asked for something that is not a table.
    """
    data = unstructure(obj)
    if format == "json":
        return json.dumps(data, ensure_ascii=False, indent=indent)
    if not isinstance(data, dict):
        raise TypeError(f"TOML needs a table at the top, not {type(data).__name__}")
    return tomli_w.dumps(data)


def dump(obj: Any, path: Path | str) -> None:
    """Write a model to a ``.json`` or ``.toml`` file (UTF-8), chosen by the suffix."""
    file = Path(path)
    file.write_text(dumps(obj, format=_format_of(file.name), indent=2), encoding="utf-8")
