"""The evidence for one hall: an assessor's answers and measured metrics.

An :class:`Assessment` is what an assessor brings back from a hall: for each criterion judged
by hand an :class:`Answer` (met or not, or the level reached) with notes and references to
the evidence, and a table of measured numbers (:data:`Metrics`) that metric criteria read —
queue KPIs, 好差评 rates, on-time completion, inspection follow-up. Callers fill the metrics
from those sources; the file format is the same whether a person or a program wrote it.

A TOML assessment::

    hall = "441324116"
    locality = "441324"
    date = 2026-11-20
    assessor = "县政务服务数据管理局评估组"

    [metrics]
    "reviews.satisfaction_rate" = 0.97

    [[answers]]
    criterion = "HC-02"
    met = true
    evidence = ["photo:HC-02-1.jpg"]

    [[answers]]
    criterion = "HC-03"
    level = "B"
    notes = "自助区标识不清"

>>> a = Assessment(hall="441324116", locality="441324", date="2026-11-20",
...                answers=[Answer(criterion="HC-02", met=True)])
>>> a.answer("HC-02").met
True
>>> a.answer("HC-03") is None
True
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from govservice_std._fields import finite_number, finite_or_none, identifier, to_code, unique
from govservice_std.divisions import DivisionCode
from govservice_std.errors import FieldValueError
from govservice_std.evaluation._convert import to_date, to_optional_date, tuple_of
from govservice_std.serialization import load, structure

__all__ = ["Answer", "Assessment", "Metrics", "load_assessment", "parse_assessment"]

Metrics = Mapping[str, float]
"""Measured numbers by metric id; each metric's unit is in the standard's metric catalog."""


@functools.lru_cache(maxsize=4096)
def _code_of(digits: str) -> DivisionCode:
    return DivisionCode(digits)


def _to_locality(value: DivisionCode | str) -> DivisionCode:
    # Batches repeat a handful of locality codes: validate each once.
    return _code_of(value) if isinstance(value, str) else to_code(value)


def _to_metrics(value: Mapping[str, Any]) -> dict[str, float]:
    # NaN would turn a good score into 0 and --json into invalid JSON; -inf minutes would
    # count as met: every measured number is finite.
    return {key: finite_number(f"metrics.{key}", number) for key, number in value.items()}


@attrs.frozen
class Answer:
    """The assessor's answer on one criterion.

    Give ``met`` for a check criterion, ``level`` for a graded one, and for a metric
    criterion either nothing (the value comes from the assessment's metrics) or ``value``
    to state the measurement here.

    Args:
        criterion: The criterion's id.
        met: Whether a check criterion is met.
        level: The level reached on a graded criterion.
        value: A metric criterion's measured value.
        notes: What the assessor saw.
        evidence: References to the evidence (file names, record numbers, photo ids).
        date: When this answer was established, if not the assessment's date.
    """

    criterion: str = attrs.field(validator=identifier)
    met: bool | None = None
    level: str | None = None
    value: float | None = attrs.field(default=None, validator=finite_or_none)
    notes: str = ""
    evidence: tuple[str, ...] = attrs.field(default=(), converter=tuple_of)
    date: dt.date | None = attrs.field(default=None, converter=to_optional_date)

    def __attrs_post_init__(self) -> None:
        if (self.met is not None) + (self.level is not None) + (self.value is not None) < 2:
            return
        given = [n for n in ("met", "level", "value") if getattr(self, n) is not None]
        if len(given) > 1:
            raise FieldValueError(given[1], f"give only one of met, level and value (got {given})")


@attrs.frozen
class Assessment:
    """An assessment of one hall.

    Args:
        hall: The hall's code.
        locality: The locality whose standard applies.
        date: The assessment date (rectification periods count from it).
        assessor: Who assessed.
        answers: One answer per criterion at most.
        metrics: Measured numbers by metric id.
        period: The period the metrics cover, free text (``"2026-10"``).
        sources: Where the evidence comes from.
        illustrative: Whether the answers are invented for an example.
        notes: Free text.
    """

    hall: str = attrs.field(validator=identifier)
    locality: DivisionCode = attrs.field(converter=_to_locality)
    date: dt.date = attrs.field(converter=to_date)
    assessor: str = ""
    answers: tuple[Answer, ...] = attrs.field(default=(), converter=tuple_of)
    metrics: dict[str, float] = attrs.field(factory=dict, converter=_to_metrics)
    period: str = ""
    sources: tuple[str, ...] = attrs.field(default=(), converter=tuple_of)
    illustrative: bool = False
    notes: str = ""
    _index: dict[str, Answer] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        index = {a.criterion: a for a in self.answers}
        if len(index) != len(self.answers):
            unique(self.answers, lambda a: a.criterion, "answers", "answer for criterion")
        object.__setattr__(self, "_index", index)

    @property
    def answers_by_criterion(self) -> Mapping[str, Answer]:
        """The answers keyed by criterion id (read only)."""
        return self._index

    def with_metrics(self, metrics: Metrics) -> Assessment:
        """A copy whose metrics are updated from ``metrics`` (measured data wins)."""
        return attrs.evolve(self, metrics={**self.metrics, **metrics})

    def answer(self, criterion: str) -> Answer | None:
        """The answer on ``criterion``, or ``None``."""
        return self._index.get(criterion)


def load_assessment(path: Path | str) -> Assessment:
    """Read an assessment from a ``.toml`` or ``.json`` file.

    Raises:
        InvalidDataError: If the file cannot be read or does not fit the model; the message
            names the file and the path inside it.
    """
    return load(path, Assessment)


_ANSWER_KEYS = frozenset(("criterion", "met", "level", "value", "notes", "evidence"))
_ASSESSMENT_KEYS = frozenset(a.name for a in attrs.fields(Assessment) if a.init)
_SIMPLE_KEYS = ("assessor", "period", "notes")


def _is_strs(value: Any) -> bool:
    return type(value) is list and all(type(item) is str for item in value)


def _fast_answer(data: Any) -> Answer | None:
    if type(data) is not dict or not data.keys() <= _ANSWER_KEYS:
        return None
    criterion = data.get("criterion")
    met = data.get("met")
    level = data.get("level")
    value = data.get("value")
    notes = data.get("notes", "")
    evidence = data.get("evidence", ())
    if (
        type(criterion) is not str
        or (met is not None and type(met) is not bool)
        or (level is not None and type(level) is not str)
        or (value is not None and (type(value) not in (int, float) or not -1e15 <= value <= 1e15))
        or type(notes) is not str
        or (evidence != () and not _is_strs(evidence))
    ):
        return None
    number = None if value is None else float(value)
    return _shared_answer((criterion, met, level, number, notes, tuple(evidence)))


_AnswerKey = tuple[str, bool | None, str | None, float | None, str, tuple[str, ...]]


@functools.lru_cache(maxsize=8192)
def _shared_answer(key: _AnswerKey) -> Answer:
    # Answers are immutable values and a batch repeats the same ones hall after hall
    # ("HC-02 met, no notes"): build each distinct answer once and share it.
    criterion, met, level, value, notes, evidence = key
    return Answer(
        criterion=criterion, met=met, level=level, value=value, notes=notes, evidence=evidence
    )


def _fast_assessment(data: Any) -> Assessment | None:
    if type(data) is not dict or not data.keys() <= _ASSESSMENT_KEYS:
        return None
    hall, locality, date = data.get("hall"), data.get("locality"), data.get("date")
    if type(hall) is not str or type(locality) is not str or not isinstance(date, str | dt.date):
        return None
    if any(type(data.get(key, "")) is not str for key in _SIMPLE_KEYS):
        return None
    answers_data = data.get("answers", [])
    metrics = data.get("metrics", {})
    sources = data.get("sources", [])
    illustrative = data.get("illustrative", False)
    if type(answers_data) is not list or type(metrics) is not dict or not _is_strs(sources):
        return None
    if type(illustrative) is not bool or not all(type(k) is str for k in metrics):
        return None
    answers = []
    for item in answers_data:
        answer = _fast_answer(item)
        if answer is None:
            return None
        answers.append(answer)
    return Assessment(
        hall=hall,
        locality=locality,
        date=date,
        assessor=data.get("assessor", ""),
        answers=answers,
        metrics=metrics,
        period=data.get("period", ""),
        sources=sources,
        illustrative=illustrative,
        notes=data.get("notes", ""),
    )


def parse_assessment(data: Any, *, source: str | None = None) -> Assessment:
    """Build an assessment from parsed JSON or TOML, quickly when the data is well formed.

    Gives the same result as :func:`~govservice_std.serialization.structure` with
    :class:`Assessment`, but takes a direct path for data of the expected shape (the
    batch case); anything unusual — or anything wrong — goes through the converter, so
    errors are reported exactly as :func:`load_assessment` reports them.

    Raises:
        InvalidDataError: With every problem found.
    """
    try:
        fast = _fast_assessment(data)
    except (TypeError, ValueError):
        fast = None
    return fast if fast is not None else structure(data, Assessment, source=source)
