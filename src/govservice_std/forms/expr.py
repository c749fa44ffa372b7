"""A small, safe expression language for form rules, compiled to closures.

Forms use expressions for ``required_if``, ``relevant`` and ``constraint``. They are parsed
by our own tokenizer and recursive-descent parser and compiled once into nested Python
closures; nothing is ever passed to ``eval``. Evaluation never raises: a value of the wrong
type, a missing field or an arithmetic error makes the (sub-)expression ``null``, and a rule
whose result is ``null`` is treated as undecided (a constraint passes, a condition is false).

Syntax, loosest binding first::

    a or b        a and b        not a
    a == b   a != b   a < b   a <= b   a > b   a >= b   a in [x, y]   a not in [x, y]
    a + b    a - b    a * b    a / b    a % b    -a
    42   3.5   '文本'   "text"   true   false   null   [1, 2]   (a)
    .                 the value of the field the rule belongs to
    applicant.age     a field, looked up from the innermost group or repeat row outwards
    f(x, …)           a function: len, count, sum, empty, selected, today, age, year,
                      birth_date, date, int, round, coalesce, if

Dates are ISO strings (``'2026-01-05'``), so they compare correctly as strings;
``today()`` returns today's date the same way.

>>> rule = compile_expression(". >= 18 and . < 150", lambda path: None)
>>> rule(Context(root={}, current=20))
True
>>> rule(Context(root={}, current="twenty"))
False
>>> compile_expression(". >= 18", lambda path: None)(Context(root={}, current="x")) is None
True
"""

from __future__ import annotations

import datetime as dt
import math
import re
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from govservice_std.errors import GovServiceError

__all__ = [
    "CHINA_TZ",
    "FUNCTIONS",
    "KEYWORDS",
    "MAX_DEPTH",
    "Context",
    "Evaluator",
    "ExpressionError",
    "Resolver",
    "compile_expression",
    "truthy",
]


MAX_DEPTH = 40
"""The deepest nesting a rule may have: brackets, calls, lists, ``not`` and unary minus
each count one level. Chains of one operator (``a + b + c …``, ``x or y or z …``) do not
nest: they are evaluated in a loop, however long (a rule has at most 2000 characters)."""


class ExpressionError(GovServiceError, ValueError):
    """An expression does not parse or names an unknown field or function.

    Attributes:
        expression: The expression's text.
        position: The character offset of the problem.
    """

    def __init__(self, message: str, expression: str, position: int) -> None:
        self.expression = expression
        self.position = position
        super().__init__(f"{message} at position {position} in {expression!r}")


CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "CST")
"""China Standard Time: ``today()`` is the date in China, wherever the server runs."""


class Context:
    """What an expression is evaluated against: the data, the current value and today.

    Attributes:
        scopes: The root document, then the row of each repeat being validated.
        current: The value of the field the rule belongs to (``.``).
        today: Today's date as an ISO string.
    """

    __slots__ = ("_date", "_today", "current", "scopes")

    def __init__(self, root: object, current: object = None, today: dt.date | None = None) -> None:
        self.scopes: list[object] = [root]
        self.current = current
        self._date = today
        self._today: str | None = None

    @property
    def today(self) -> str:
        """Today's date as an ISO string (worked out on first use: most rules never ask)."""
        if self._today is None:
            day = self._date or dt.datetime.now(tz=CHINA_TZ).date()
            self._today = day.isoformat()
        return self._today


Evaluator = Callable[[Context], Any]
"""A compiled expression."""

Resolver = Callable[[Sequence[str]], Evaluator | None]
"""Turns a dotted field path into an evaluator, or ``None`` if no such field exists."""


def truthy(value: object) -> bool:
    """How a rule's result is read as a condition: ``null``, false, 0, '' and [] are false."""
    if value is True:
        return True
    if value is False or value is None:
        return False
    return bool(value) if isinstance(value, int | float | str | list) else False


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<num>\d+(?:\.\d+)?)
      | (?P<str>'[^'\\]*'|"[^"\\]*")
      | (?P<op>==|!=|<=|>=|[<>+\-*/%(),\[\].])
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)
KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})
"""The rule language's words: no field may be named after one (no rule could refer to it)."""


@attrs.frozen
class _Tok:
    kind: str
    text: str
    pos: int


def _tokenize(source: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(source):
        if source[pos:].isspace():
            break
        match = _TOKEN.match(source, pos)
        if match is None or match.end() == pos:
            raise ExpressionError(f"unexpected character {source[pos]!r}", source, pos)
        kind = match.lastgroup or ""
        text = match.group(kind)
        start = match.start(kind)
        if kind == "name" and text in KEYWORDS:
            kind = "kw"
        tokens.append(_Tok(kind, text, start))
        pos = match.end()
    tokens.append(_Tok("end", "", len(source)))
    return tokens


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _guard(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def run(a: Any, b: Any) -> Any:
        try:
            return op(a, b)
        except (ArithmeticError, ValueError, TypeError):
            return None

    return run


# Bounds on what one operation may build, so that a long chain over a huge value costs time
# in proportion to the chain, not to the value's size times the chain: text longer than this
# (more than any field holds) and integers wider than this are ``null``.
_MAX_TEXT = 10_000
_MAX_INT_BITS = 128


def _bounded(value: Any) -> Any:
    if value.__class__ is int and value.bit_length() > _MAX_INT_BITS:
        return None
    return value


def _add(a: Any, b: Any) -> Any:
    if _number(a) and _number(b):
        return _bounded(a + b)
    if isinstance(a, str) and isinstance(b, str):
        return a + b if len(a) + len(b) <= _MAX_TEXT else None
    return None


def _arith(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def run(a: Any, b: Any) -> Any:
        if not (_number(a) and _number(b)):
            return None
        if (a.__class__ is int and a.bit_length() > _MAX_INT_BITS) or (
            b.__class__ is int and b.bit_length() > _MAX_INT_BITS
        ):
            return None
        return _bounded(op(a, b))

    return run


def _same_kind(a: object, b: object) -> bool:
    if _number(a) and _number(b):
        return True
    # Text of a str subclass (``numpy.str_`` …) is text.
    return isinstance(a, str) and isinstance(b, str)


_BEIJING = dt.timezone(dt.timedelta(hours=8))
_MOMENT = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?", re.ASCII
)


def _moment(text: str) -> dt.datetime | None:
    """A date-time as the ``datetime`` field takes it, as an instant (no zone: Beijing time).

    >>> _moment("2026-03-01 08:30") == _moment("2026-03-01T00:30Z")
    True
    """
    if not 16 <= len(text) <= 38 or not _MOMENT.fullmatch(text):
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=_BEIJING)


def _order(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], Any]:
    def run(a: Any, b: Any) -> Any:
        if not _same_kind(a, b):
            return None
        if isinstance(a, str):
            a, b = str.__str__(a), str.__str__(b)  # as plain text, whatever the class
            # Two date-times compare as instants: "2026-03-01 08:30", "…T08:30:00",
            # "…T00:30Z" are one moment, which their text does not order.
            if len(a) > 10 and len(b) > 10 and a[10] in "T " and b[10] in "T ":
                first, second = _moment(a), _moment(b)
                if first is not None and second is not None:
                    return op(first, second)
            return op(a, b)
        if (isinstance(a, float) and math.isnan(a)) or (isinstance(b, float) and math.isnan(b)):
            return None
        return op(a, b)

    return run


def _equal(a: object, b: object) -> bool:
    kind = a.__class__
    # The usual case first: two plain values of one type, which compare as Python does (to a
    # bool: these exact types do).
    if kind is b.__class__ and (kind is str or kind is int or kind is float or kind is bool):
        return a == b
    if _number(a) and _number(b):
        return bool(a == b)
    if isinstance(a, str) and isinstance(b, str):
        return str.__eq__(a, b)  # text of a str subclass is compared as text
    if type(a) is not type(b):
        return False
    if isinstance(a, bool) or a is None:
        return bool(a == b)
    return False


def _contains(a: Any, b: Any) -> Any:
    if not isinstance(b, list):
        return None
    return any(_equal(a, item) for item in b)


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": _guard(_add),
    "-": _guard(_arith(lambda a, b: a - b)),
    "*": _guard(_arith(lambda a, b: a * b)),
    "/": _guard(_arith(lambda a, b: a / b)),
    "%": _guard(_arith(lambda a, b: a % b)),
    "<": _guard(_order(lambda a, b: a < b)),
    "<=": _guard(_order(lambda a, b: a <= b)),
    ">": _guard(_order(lambda a, b: a > b)),
    ">=": _guard(_order(lambda a, b: a >= b)),
    "==": _equal,
    "!=": lambda a, b: not _equal(a, b),
    "in": _contains,
}


def _fn_len(value: object) -> int | None:
    return len(value) if isinstance(value, str | list) else None


def _fn_count(value: object) -> int:
    return len(value) if isinstance(value, list) else 0


def _fn_sum(value: object) -> Any:
    if not isinstance(value, list):
        return None
    total: Any = 0
    for item in value:
        kind = item.__class__
        if kind is not int and kind is not float and not _number(item):
            return None
        try:
            total += item
        except ArithmeticError:
            return None
    return total


def _fn_empty(value: object) -> bool:
    return value is None or value in ("", []) or (isinstance(value, str) and value.isspace())


def _fn_selected(value: object, choice: object) -> bool:
    if isinstance(value, list):
        return any(_equal(item, choice) for item in value)
    return _equal(value, choice)


def _birth(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    text = value[6:14] if len(value) == 18 else value.replace("-", "")
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _fn_year(value: object) -> int | None:
    born = _birth(value) if isinstance(value, str) and len(value) == 18 else None
    if born is not None:
        return born.year
    if isinstance(value, str) and len(value) >= 4 and value[:4].isdigit():
        return int(value[:4])
    return None


def _fn_birth_date(value: object) -> str | None:
    born = _birth(value) if isinstance(value, str) and len(value) == 18 else None
    return born.isoformat() if born is not None else None


def _fn_date(value: object) -> str | None:
    if not isinstance(value, str) or len(value) < 10 or value[4] != "-" or value[7] != "-":
        return None
    day = value[:10]
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        return None
    return day if len(value) == 10 or value[10] in "T " else None


def _fn_int(value: object) -> Any:
    if not _number(value):
        return None
    number: Any = value
    if isinstance(number, float) and not math.isfinite(number):
        return None
    return _bounded(int(number))


def _fn_round(value: object, digits: object) -> Any:
    if not _number(value) or digits.__class__ is not int:
        return None
    places: Any = digits
    number: Any = value
    if not 0 <= places <= 15 or (isinstance(number, float) and not math.isfinite(number)):
        return None
    return round(number, places) if places else _bounded(round(number))


def _fn_coalesce(first: object, second: object) -> object:
    return second if _fn_empty(first) else first


FUNCTIONS: dict[str, tuple[int, Callable[..., Any]]] = {
    "len": (1, _fn_len),
    "count": (1, _fn_count),
    "sum": (1, _fn_sum),
    "empty": (1, _fn_empty),
    "selected": (2, _fn_selected),
    "year": (1, _fn_year),
    "birth_date": (1, _fn_birth_date),
    "date": (1, _fn_date),
    "int": (1, _fn_int),
    "round": (2, _fn_round),
    "coalesce": (2, _fn_coalesce),
}
"""The pure functions, by name, with their number of arguments.

``len(x)`` characters of a text or items of a list; ``count(repeat)`` rows (0 if none);
``sum(list)`` of numbers; ``empty(x)``; ``selected(choice_or_list, value)``; ``year(date or ID
number)``; ``birth_date(ID number)`` the birth date an ID number carries (``YYYY-MM-DD``);
``date(date-time)`` the date of a date-time (``YYYY-MM-DD``);
``int(x)`` a number's whole part; ``round(x, places)``; ``coalesce(a, b)`` ``a`` unless it is
empty, else ``b``. Three more are built in: ``today()`` and ``age(date or ID number)`` (whole
years reached by today) read the context, and ``if(condition, a, b)`` evaluates only the
branch it takes.
"""


class _Parser:
    def __init__(self, source: str, resolve: Resolver) -> None:
        self.source = source
        self.tokens = _tokenize(source)
        self.i = 0
        self.depth = 0
        self.resolve = resolve

    def peek(self) -> _Tok:
        return self.tokens[self.i]

    def take(self) -> _Tok:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def accept(self, text: str) -> bool:
        tok = self.peek()
        if tok.text == text and tok.kind in ("op", "kw"):
            self.i += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not self.accept(text):
            tok = self.peek()
            got = tok.text or "the end"
            raise ExpressionError(f"expected {text!r}, got {got!r}", self.source, tok.pos)

    def parse(self) -> Evaluator:
        result = self.or_()
        tok = self.peek()
        if tok.kind != "end":
            raise ExpressionError(f"unexpected {tok.text!r}", self.source, tok.pos)
        return result

    def or_(self) -> Evaluator:
        # Every nesting (brackets, calls, lists) passes through here: bound the depth so a
        # pathological rule is an error, not a RecursionError.
        self.nest()
        try:
            return self._or()
        finally:
            self.depth -= 1

    def nest(self) -> None:
        """Enter one level of nesting; a rule deeper than :data:`MAX_DEPTH` is an error."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.depth -= 1
            raise ExpressionError(
                f"nested too deeply (more than {MAX_DEPTH} levels)", self.source, self.peek().pos
            )

    def _or(self) -> Evaluator:
        # A chain ``a or b or c …`` becomes one evaluator that loops over its operands, not
        # a tower of nested closures that a long chain would overflow when evaluated.
        operands = [self.and_()]
        while self.accept("or"):
            operands.append(self.and_())
        if len(operands) == 1:
            return operands[0]
        return _or(*operands) if len(operands) == 2 else _any(operands)

    def and_(self) -> Evaluator:
        operands = [self.not_()]
        while self.accept("and"):
            operands.append(self.not_())
        if len(operands) == 1:
            return operands[0]
        return _and(*operands) if len(operands) == 2 else _all(operands)

    def not_(self) -> Evaluator:
        if self.accept("not"):
            self.nest()
            try:
                inner = self.not_()
            finally:
                self.depth -= 1
            return lambda ctx: not truthy(inner(ctx))
        return self.comparison()

    def comparison(self) -> Evaluator:
        left = self.additive()
        tok = self.peek()
        op: str | None = None
        negate = False
        if tok.kind == "op" and tok.text in ("==", "!=", "<", "<=", ">", ">="):
            op = tok.text
            self.i += 1
        elif tok.kind == "kw" and tok.text == "in":
            op = "in"
            self.i += 1
        elif tok.kind == "kw" and tok.text == "not" and self.tokens[self.i + 1].text == "in":
            op, negate = "in", True
            self.i += 2
        if op is None:
            return left
        right = self.additive()
        if op in ("==", "!=") and right in _CONSTANTS:
            # ``field == 'literal'`` is by far the most common rule: compare directly.
            return _equals_constant(left, _CONSTANTS[right], negate=op == "!=")
        if op == "==":
            return _equals(left, right)
        binary = _binop(_BINARY[op], left, right)
        if negate:
            return lambda ctx: None if (r := binary(ctx)) is None else not r
        return binary

    def additive(self) -> Evaluator:
        return self._chain(self.multiplicative, ("+", "-"))

    def multiplicative(self) -> Evaluator:
        return self._chain(self.unary, ("*", "/", "%"))

    def _chain(self, operand: Callable[[], Evaluator], ops: tuple[str, ...]) -> Evaluator:
        # ``1 + 2 - 3 …`` is evaluated left to right in one loop (see ``_or``).
        first = operand()
        rest: list[tuple[Callable[[Any, Any], Any], Evaluator]] = []
        while self.peek().kind == "op" and self.peek().text in ops:
            op = self.take().text
            rest.append((_BINARY[op], operand()))
        if not rest:
            return first
        if len(rest) == 1:
            return _binop(rest[0][0], first, rest[0][1])
        return _fold(first, rest)

    def unary(self) -> Evaluator:
        if self.accept("-"):
            self.nest()
            try:
                inner = self.unary()
            finally:
                self.depth -= 1
            return lambda ctx: -v if _number(v := inner(ctx)) else None
        return self.primary()

    def primary(self) -> Evaluator:
        tok = self.take()
        if tok.kind == "num":
            return _constant(float(tok.text) if "." in tok.text else int(tok.text))
        if tok.kind == "str":
            return _constant(tok.text[1:-1])
        if tok.kind == "kw" and tok.text in ("true", "false", "null"):
            return _constant({"true": True, "false": False, "null": None}[tok.text])
        return self.compound(tok)

    def compound(self, tok: _Tok) -> Evaluator:
        if tok.kind == "op" and tok.text == "(":
            inner = self.or_()
            self.expect(")")
            return inner
        if tok.kind == "op" and tok.text == "[":
            items: list[Evaluator] = []
            if not self.accept("]"):
                items.append(self.or_())
                while self.accept(","):
                    items.append(self.or_())
                self.expect("]")
            return lambda ctx: [item(ctx) for item in items]
        if tok.kind == "op" and tok.text == ".":
            return _current
        if tok.kind == "name":
            if self.peek().text == "(" and self.peek().kind == "op":
                return self.call(tok)
            parts = [tok.text]
            while self.peek().text == "." and self.peek().kind == "op":
                self.i += 1
                name = self.take()
                if name.kind != "name":
                    raise ExpressionError("expected a field name", self.source, name.pos)
                parts.append(name.text)
            found = self.resolve(parts)
            if found is None:
                raise ExpressionError(f"unknown field {'.'.join(parts)!r}", self.source, tok.pos)
            return found
        got = tok.text or "the end"
        raise ExpressionError(f"unexpected {got!r}", self.source, tok.pos)

    def call(self, name: _Tok) -> Evaluator:
        self.expect("(")
        args: list[Evaluator] = []
        if not self.accept(")"):
            args.append(self.or_())
            while self.accept(","):
                args.append(self.or_())
            self.expect(")")
        if name.text == "today":
            self._arity(name, args, 0)
            return lambda ctx: ctx.today
        if name.text == "age":
            self._arity(name, args, 1)
            (arg,) = args
            return lambda ctx: _age(arg(ctx), ctx.today)
        if name.text == "if":
            self._arity(name, args, 3)
            condition, then, otherwise = args
            return lambda ctx: then(ctx) if truthy(condition(ctx)) else otherwise(ctx)
        entry = FUNCTIONS.get(name.text)
        if entry is None:
            known = ", ".join(sorted([*FUNCTIONS, "today", "age", "if"]))
            raise ExpressionError(
                f"unknown function {name.text!r} (known: {known})", self.source, name.pos
            )
        arity, function = entry
        self._arity(name, args, arity)
        if arity == 1:
            (only,) = args
            field = _FIELDS.get(only)
            if field is not None:
                # ``count(members)``: read the field here rather than through its reader.
                depth, key = field

                def call_field(ctx: Context) -> Any:
                    scope = ctx.scopes[depth]
                    return function(scope.get(key) if scope.__class__ is dict else None)

                return call_field
            return lambda ctx: function(only(ctx))
        return lambda ctx: function(*(a(ctx) for a in args))

    def _arity(self, name: _Tok, args: list[Evaluator], wanted: int) -> None:
        if len(args) != wanted:
            raise ExpressionError(
                f"{name.text}() takes {wanted} argument(s), got {len(args)}", self.source, name.pos
            )


# The constants' evaluators, so that comparisons against a literal can be specialized.
# Weak keys: evaluators of forms no longer used are dropped with them.
_CONSTANTS: weakref.WeakKeyDictionary[Evaluator, object] = weakref.WeakKeyDictionary()


# The readers of one field of a scope (see :func:`field_reader`), with their scope's depth and
# key: a comparison or call whose operand is such a read does the read itself, which saves
# a call per evaluation of the commonest rules (``assistance == 'temporary'``).
_FIELDS: weakref.WeakKeyDictionary[Evaluator, tuple[int, str]] = weakref.WeakKeyDictionary()


def field_reader(depth: int, key: str) -> Evaluator:
    """An evaluator of one field: ``key`` of the scope at ``depth`` (``ctx.scopes[depth]``).

    A resolver returns these for fields that need no further steps; the value is ``None``
    when the scope is not a plain dict or lacks the key. Compiled rules recognise these
    readers and read the field inline.
    """

    def read_one(ctx: Context) -> object:
        # A scope is a dict whenever rules run: the root and each row are checked first.
        scope = ctx.scopes[depth]
        return scope.get(key) if scope.__class__ is dict else None

    _FIELDS[read_one] = (depth, key)
    return read_one


def _current(ctx: Context) -> object:
    """``.``: the value of the field the rule belongs to (one function, so it is recognised)."""
    return ctx.current


def _constant(value: object) -> Evaluator:
    def constant(_ctx: Context) -> object:
        return value

    _CONSTANTS[constant] = value
    return constant


def _equals_constant(left: Evaluator, value: object, *, negate: bool) -> Evaluator:
    if isinstance(value, str | bool) or value is None:
        kind = type(value)
        # The comparison is a bool, so ``is not negate`` is it, or its negation, in one step.
        field = _FIELDS.get(left)
        if field is not None:
            depth, key = field

            def same_field(ctx: Context) -> bool:
                scope = ctx.scopes[depth]
                got = scope.get(key) if scope.__class__ is dict else None
                if got.__class__ is kind:
                    return (got == value) is not negate
                return _equal(got, value) is not negate

            return same_field
        if left is _current:

            def same_current(ctx: Context) -> bool:
                got = ctx.current
                if got.__class__ is kind:
                    return (got == value) is not negate
                return _equal(got, value) is not negate

            return same_current

        def same(ctx: Context) -> bool:
            got = left(ctx)
            if got.__class__ is kind:
                return bool(got == value)
            return _equal(got, value)

        if negate:
            return lambda ctx: not same(ctx)
        return same
    if not negate and _number(value):

        def same_number(ctx: Context) -> bool:
            got: object = left(ctx)
            kind = got.__class__
            if kind is int or kind is float:
                return got == value
            return _equal(got, value)

        return same_number
    if negate:
        return lambda ctx: not _equal(left(ctx), value)
    return lambda ctx: _equal(left(ctx), value)


def _equals(left: Evaluator, right: Evaluator) -> Evaluator:
    """``a == b``: :func:`_equal` with its usual case (one plain type) taken here."""
    if left is _current:
        # ``. == sum(…)``: the field's own value needs no call either.
        def equals_current(ctx: Context) -> bool:
            a = ctx.current
            b = right(ctx)
            kind = a.__class__
            if kind is b.__class__ and (
                kind is int or kind is float or kind is str or kind is bool
            ):
                return a == b
            return _equal(a, b)

        return equals_current

    def equals(ctx: Context) -> bool:
        a: object = left(ctx)
        b = right(ctx)
        kind = a.__class__
        if kind is b.__class__ and (kind is int or kind is float or kind is str or kind is bool):
            return a == b
        return _equal(a, b)

    return equals


def _age(value: object, today: str) -> int | None:
    born = _birth(value)
    if born is None:
        return None
    now = dt.date.fromisoformat(today)
    return now.year - born.year - ((now.month, now.day) < (born.month, born.day))


# ``and``/``or`` operands are mostly comparisons, which give True or False: test for those
# before calling truthy().


def _or(left: Evaluator, right: Evaluator) -> Evaluator:
    def either(ctx: Context) -> bool:
        got = left(ctx)
        if got is True or (got is not False and truthy(got)):
            return True
        got = right(ctx)
        return got is True or (got is not False and truthy(got))

    return either


def _and(left: Evaluator, right: Evaluator) -> Evaluator:
    def both(ctx: Context) -> bool:
        got = left(ctx)
        if got is not True and (got is False or not truthy(got)):
            return False
        got = right(ctx)
        return got is True or (got is not False and truthy(got))

    return both


def _any(operands: list[Evaluator]) -> Evaluator:
    def any_of(ctx: Context) -> bool:
        for operand in operands:
            got = operand(ctx)
            if got is True or (got is not False and truthy(got)):
                return True
        return False

    return any_of


def _all(operands: list[Evaluator]) -> Evaluator:
    def all_of(ctx: Context) -> bool:
        for operand in operands:
            got = operand(ctx)
            if got is not True and (got is False or not truthy(got)):
                return False
        return True

    return all_of


def _fold(first: Evaluator, rest: list[tuple[Callable[[Any, Any], Any], Evaluator]]) -> Evaluator:
    def fold(ctx: Context) -> Any:
        value = first(ctx)
        for op, operand in rest:
            value = op(value, operand(ctx))
        return value

    return fold


def _binop(op: Callable[[Any, Any], Any], left: Evaluator, right: Evaluator) -> Evaluator:
    if left is _current:
        # ``. >= 18``, ``. == sum(…)``: the field's own value needs no call.
        return lambda ctx: op(ctx.current, right(ctx))
    return lambda ctx: op(left(ctx), right(ctx))


def compile_expression(source: str, resolve: Resolver) -> Evaluator:
    """Parse and compile an expression.

    Args:
        source: The expression's text (at most 2000 characters).
        resolve: Turns a dotted field path into an evaluator for that field's value, or
            returns ``None`` when no such field exists (the form compiler supplies it).

    Returns:
        A function of a :class:`~govservice_std.forms.expr.Context` that never raises.

    Raises:
        ExpressionError: If the expression does not parse, or names an unknown field or
            function, or calls a function with the wrong number of arguments.
    """
    if len(source) > 2000:
        raise ExpressionError("expression longer than 2000 characters", source[:40], 0)
    if not source.strip():
        raise ExpressionError("empty expression", source, 0)
    return _Parser(source, resolve).parse()
