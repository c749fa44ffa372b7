# ruff: noqa: S311
"""Seeded, bounded fuzzing of the case stores: a case's stored events and projection are
damaged (junk JSON, wrong kinds of value, unknown event types, missing fields, a dropped
table), and whatever the damage, reading the case, running a command on it and the KPIs
raise only the library's own errors and never show a full ID number.
"""

from __future__ import annotations

import contextlib
import functools
import json
import random
from collections.abc import Callable

from govservice_std import GovServiceError
from govservice_std.cases.kpis import case_kpis
from govservice_std.cases.stores import CaseStore
from tests.test_fuzz import ID_NUMBER, SCALE, SEED, _assert_masked

from .conftest import Clock, make_engine, open_one

_JUNK: tuple[object, ...] = (
    None,
    -1,
    10**30,
    1e308,
    "",
    ID_NUMBER,
    "2026-02-30",
    [],
    {},
    [ID_NUMBER],
    True,
)
_RAW = ("{", "[]", '"x"', "null", "1", json.dumps({"type": "bogus"}), "\x01")
_COLUMNS = (
    ("cases", "status", "'bogus'"),
    ("cases", "kind", "'bogus'"),
    ("cases", "limit_days", "-5"),
    ("cases", "due", "'2026-13-45'"),
    ("cases", "accepted", "'x'"),
    ("cases", "tier", f"'{ID_NUMBER}'"),
    ("case_events", "type", "'bogus'"),
    ("case_events", "at", "'x'"),
)


def _damage(store: CaseStore, rng: random.Random) -> None:
    rows = store.query("SELECT seq, data FROM case_events ORDER BY seq")
    with store.transaction() as tx:
        cursor = tx._cur
        for _ in range(rng.randint(1, 3)):
            roll = rng.random()
            if roll < 0.5 and rows:
                seq, data = rng.choice(rows)
                try:
                    record = json.loads(data)
                except ValueError:
                    record = None  # damaged by an earlier round
                if rng.random() < 0.3 or not isinstance(record, dict) or not record:
                    text = rng.choice(_RAW)
                else:
                    key = rng.choice(sorted(record))
                    if rng.random() < 0.3:
                        del record[key]
                    else:
                        record[key] = rng.choice(_JUNK)
                    text = json.dumps(record)
                cursor.execute(
                    store._q("UPDATE case_events SET data = ? WHERE seq = ?"),
                    (text, seq),
                )
            else:
                table, column, value = rng.choice(_COLUMNS)
                cursor.execute(f"UPDATE {table} SET {column} = {value}")  # noqa: S608


def _fresh_cases(store: CaseStore, clock: Clock) -> list[str]:
    """Empty the store, then three cases: received, accepted, being corrected."""
    with store.transaction() as tx:
        for table in ("case_events", "cases", "case_reviews", "case_numbers"):
            tx._cur.execute(f"DELETE FROM {table}")  # noqa: S608
    engine = make_engine(store, clock)
    numbers = [open_one(engine) for _ in range(3)]
    engine.accept(numbers[0])
    engine.correct(numbers[1], ["申请表"], "照片不清晰")
    return numbers


def test_every_damaged_case_raises_only_library_errors(
    open_store: Callable[[], CaseStore], clock: Clock
) -> None:
    rng = random.Random(SEED + 11)
    for _case in range(10 * SCALE):
        store = open_store()
        try:
            numbers = _fresh_cases(store, clock)
            with contextlib.suppress(GovServiceError):
                _damage(store, rng)
            store.close()
            store = open_store()
            engine = make_engine(store, clock)
            number = rng.choice(numbers)
            calls: tuple[Callable[[], object], ...] = (
                functools.partial(engine.get, number),
                functools.partial(engine.reading, number),
                functools.partial(engine.accept, number),
                functools.partial(engine.finish, number, "granted"),
                functools.partial(case_kpis, store),
                functools.partial(list, store.all_events()),
            )
            for call in calls:
                try:
                    call()
                except GovServiceError as exc:
                    _assert_masked(str(exc))
        finally:
            store.close()


def test_every_event_field_has_a_stored_kind() -> None:
    """A new event field of a new kind must say how its stored value is checked."""
    import attrs

    from govservice_std.cases.events import _KINDS, EVENT_TYPES

    kinds = {str(f.type) for cls in EVENT_TYPES.values() for f in attrs.fields(cls)}
    assert kinds - {"dt.datetime"} <= set(_KINDS)
