"""Where cases live: SQLite (embedded default) or PostgreSQL (a county's shared store).

Both keep the same three things in the same tables:

* ``case_events`` — every event of every case, in order (the record; a case's state is the
  fold of its events);
* ``cases`` — one row per case, rewritten in the same transaction as its events: the
  projection the KPIs are computed from in SQL (status, item, hall, window, staff, tier,
  days used against the limit, due date, 补正, overdue, 异常);
* ``case_reviews`` — one row per 好差评 review, whose primary key is the case number, so the
  database itself refuses a second review of a case (一事一评).

Every command is one transaction (SQLite ``BEGIN IMMEDIATE``; PostgreSQL ``BEGIN`` and a
transaction-scoped advisory lock, so writers take turns as on SQLite): it reads the case's
events, decides on them, appends its events and rewrites the rows, all or nothing. Once
:meth:`CaseStore.transaction` returns the command is durable (SQLite
``synchronous=FULL``); a command cut short by a crash leaves nothing.
"""

from __future__ import annotations

import abc
import contextlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from govservice_std.cases.events import CaseEvent, event_from_dict, event_to_dict
from govservice_std.errors import CaseStoreError, DuplicateReviewError, InvalidDataError

__all__ = [
    "CASE_COLUMNS",
    "REVIEW_COLUMNS",
    "SCHEMA_VERSION",
    "CaseStore",
    "PostgresCaseStore",
    "SQLiteCaseStore",
    "Transaction",
]

SCHEMA_VERSION = 1
"""The version of the case tables' layout."""

CASE_COLUMNS = (
    "case_no", "hall", "locality", "tier", "item", "item_name", "win", "staff", "ticket",
    "kind", "status", "received", "accepted", "done_on", "month", "due", "limit_days", "used_days",
    "corrected", "suspended", "extended", "overdue", "abnormal", "result", "estimated",
)  # fmt: skip
"""The columns of the ``cases`` projection, in order."""

REVIEW_COLUMNS = (
    "case_no", "review", "hall", "item", "win", "staff", "given", "level", "channel",
    "real_name", "bad", "contacted", "closed", "disposition", "overturned",
)  # fmt: skip
"""The columns of ``case_reviews``, in order."""

_TABLES = (
    """CREATE TABLE IF NOT EXISTS case_events (
        seq {serial} PRIMARY KEY,
        case_no TEXT NOT NULL,
        type TEXT NOT NULL,
        at TEXT NOT NULL,
        data TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS case_events_case ON case_events (case_no, seq)",
    """CREATE TABLE IF NOT EXISTS cases (
        case_no TEXT PRIMARY KEY, hall TEXT NOT NULL, locality TEXT NOT NULL,
        tier TEXT NOT NULL, item TEXT NOT NULL, item_name TEXT NOT NULL, win TEXT NOT NULL,
        staff TEXT NOT NULL, ticket TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
        received TEXT NOT NULL, accepted TEXT, done_on TEXT, month TEXT, due TEXT,
        limit_days INTEGER NOT NULL, used_days INTEGER NOT NULL, corrected INTEGER NOT NULL,
        suspended INTEGER NOT NULL, extended INTEGER NOT NULL, overdue INTEGER NOT NULL,
        abnormal INTEGER NOT NULL, result TEXT, estimated INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS cases_done ON cases (done_on)",
    # KPIs by item and month read this index alone, already in group order: no sort and no
    # table rows, so a year of a county's cases is one pass over a narrow index.
    """CREATE INDEX IF NOT EXISTS cases_item_month ON cases (item, month, used_days, done_on,
        status, overdue, limit_days, kind, corrected, abnormal)""",
    "CREATE INDEX IF NOT EXISTS cases_ticket ON cases (hall, ticket)",
    # Open cases only: the overdue count reads them without scanning the year.
    """CREATE INDEX IF NOT EXISTS cases_open ON cases (due)
        WHERE status IN ('received', 'correcting', 'accepted', 'suspended')""",
    """CREATE TABLE IF NOT EXISTS case_reviews (
        case_no TEXT PRIMARY KEY, review TEXT NOT NULL UNIQUE, hall TEXT NOT NULL,
        item TEXT NOT NULL, win TEXT NOT NULL, staff TEXT NOT NULL, given TEXT NOT NULL,
        level TEXT NOT NULL, channel TEXT NOT NULL, real_name INTEGER NOT NULL,
        bad INTEGER NOT NULL, contacted TEXT, closed TEXT, disposition TEXT, overturned TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS case_numbers (
        prefix TEXT PRIMARY KEY, last INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS case_meta (
        key TEXT PRIMARY KEY, value TEXT NOT NULL
    )""",
)


class Transaction:
    """One command's view of the store, inside its transaction."""

    def __init__(self, store: CaseStore, cursor: Any) -> None:
        self._store = store
        self._cur = cursor

    def events(self, case: str) -> list[CaseEvent]:
        """The case's events, in order (empty for an unknown case)."""
        return self._store._events(self._cur, case, lock=True)

    def append(self, events: Sequence[CaseEvent]) -> None:
        """Append events to the record."""
        q = self._store._q
        self._cur.executemany(
            q("INSERT INTO case_events (case_no, type, at, data) VALUES (?, ?, ?, ?)"),
            [
                (e.case, e.type, e.at.isoformat(), json.dumps(event_to_dict(e), ensure_ascii=False))
                for e in events
            ],
        )

    def put_case(self, row: Sequence[object]) -> None:
        """Write the case's projection row (:data:`CASE_COLUMNS`)."""
        self._store._upsert(self._cur, "cases", CASE_COLUMNS, [row])

    def put_review(self, row: Sequence[object], *, new: bool) -> None:
        """Write the case's review row (:data:`REVIEW_COLUMNS`); ``new`` refuses a second."""
        store = self._store
        if new:
            try:
                with store._savepoint(self._cur):
                    self._cur.execute(
                        store._q(
                            f"INSERT INTO case_reviews ({', '.join(REVIEW_COLUMNS)}) "  # noqa: S608
                            f"VALUES ({', '.join('?' for _ in REVIEW_COLUMNS)})"
                        ),
                        tuple(row),
                    )
            except store._integrity as exc:
                raise DuplicateReviewError(
                    f"case {row[0]} or review {row[1]} already has a review (一事一评)",
                    f"办件 {row[0]} 已有评价，或评价编号 {row[1]} 已被使用（一事一评）",
                ) from exc
        else:
            store._upsert(self._cur, "case_reviews", REVIEW_COLUMNS, [row])

    def next_number(self, prefix: str) -> int:
        """The next serial number under ``prefix`` (1, 2, …), never given twice."""
        q = self._store._q
        self._cur.execute(
            q(
                "INSERT INTO case_numbers (prefix, last) VALUES (?, 1) "
                "ON CONFLICT (prefix) DO UPDATE SET last = case_numbers.last + 1"
            ),
            (prefix,),
        )
        self._cur.execute(q("SELECT last FROM case_numbers WHERE prefix = ?"), (prefix,))
        return int(self._cur.fetchone()[0])

    def case_by_ticket(self, hall: str, ticket: str) -> str | None:
        """The latest case linked to a queue ticket of a hall."""
        q = self._store._q
        self._cur.execute(
            q("SELECT case_no FROM cases WHERE hall = ? AND ticket = ? ORDER BY received DESC"),
            (hall, ticket),
        )
        row = self._cur.fetchone()
        return None if row is None else str(row[0])


def _stored_event(data: object, source: str) -> CaseEvent:
    """An event from its stored record; a damaged record is the store's error."""
    try:
        record = json.loads(str(data))
        if not isinstance(record, dict):
            raise ValueError("not an object")
        return event_from_dict(record, source)
    except (ValueError, InvalidDataError) as exc:
        what = (
            "; ".join(p.message for p in exc.problems)
            if isinstance(exc, InvalidDataError)
            else str(exc)
        )
        raise CaseStoreError(
            f"{source}: not a valid case record: {what}", f"{source}：办件记录已损坏：{what}"
        ) from exc


class CaseStore(abc.ABC):
    """A case store: events, the case projection and reviews, one transaction per command."""

    _integrity: type[Exception] = Exception
    _name: str = "case store"

    @abc.abstractmethod
    def _q(self, sql: str) -> str:
        """The statement in the driver's parameter style."""

    @abc.abstractmethod
    @contextlib.contextmanager
    def _begin(self) -> Iterator[Any]:
        """A cursor inside a write transaction, committed on success."""

    @abc.abstractmethod
    @contextlib.contextmanager
    def _savepoint(self, cursor: Any) -> Iterator[None]:
        """A savepoint, so a refused insert does not abort the transaction."""

    @abc.abstractmethod
    def _cursor(self) -> Any:
        """A cursor for reading."""

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """One command: all its reads and writes, committed together or not at all."""
        with self._begin() as cursor:
            yield Transaction(self, cursor)

    def _events(self, cursor: Any, case: str, *, lock: bool = False) -> list[CaseEvent]:  # noqa: ARG002
        cursor.execute(
            self._q("SELECT seq, data FROM case_events WHERE case_no = ? ORDER BY seq"), (case,)
        )
        return [_stored_event(data, f"{self._name}#{seq}") for seq, data in cursor]

    def _upsert(
        self, cursor: Any, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]]
    ) -> None:
        # Table and column names are the module's constants, never data.
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns[1:])
        cursor.executemany(
            self._q(
                f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                f"VALUES ({', '.join('?' for _ in columns)}) "
                f"ON CONFLICT ({columns[0]}) DO UPDATE SET {updates}"
            ),
            [tuple(row) for row in rows],
        )

    def events(self, case: str) -> list[CaseEvent]:
        """A case's events, in order (empty for an unknown case)."""
        return self._events(self._cursor(), case)

    def all_events(self, *, batch: int = 5000) -> Iterator[CaseEvent]:
        """Every event in the store, in order, read in batches (bounded memory)."""
        after = 0
        cursor = self._cursor()
        while True:
            cursor.execute(
                self._q("SELECT seq, data FROM case_events WHERE seq > ? ORDER BY seq LIMIT ?"),
                (after, batch),
            )
            rows = cursor.fetchall()
            if not rows:
                return
            for seq, data in rows:
                yield _stored_event(data, f"{self._name}#{seq}")
            after = rows[-1][0]

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run a read-only statement written with ``?`` parameters; all rows."""
        cursor = self._cursor()
        cursor.execute(self._q(sql), tuple(params))
        return list(cursor.fetchall())

    def stream(self, sql: str, params: Sequence[object] = ()) -> Iterator[tuple[Any, ...]]:
        """Run a read-only statement; rows one at a time (bounded memory)."""
        cursor = self._cursor()
        cursor.execute(self._q(sql), tuple(params))
        yield from cursor

    def close(self) -> None:  # noqa: B027 - optional
        """Release the store's connection."""

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SQLiteCaseStore(CaseStore):
    """Cases in a SQLite file (WAL, ``synchronous=FULL``, one transaction per command).

    The file may be the hall's queue database: the case tables sit beside the queue's.

    Args:
        path: The database file.
        create: Create the file if it is missing; otherwise a missing file is an error
            (a mistyped path must not become a new, empty database).
        synchronous: ``FULL`` (default: survives power loss), ``NORMAL`` or ``OFF``.
        timeout: Seconds to wait for another process's write lock.

    Raises:
        CaseStoreError: If the file is missing (and ``create`` is false) or unusable.
    """

    _integrity = sqlite3.IntegrityError

    def __init__(
        self,
        path: Path | str,
        *,
        create: bool = False,
        synchronous: str = "FULL",
        timeout: float = 30.0,
    ) -> None:
        self.path = Path(path)
        self._name = str(path)
        if str(path) != ":memory:" and not create and not self.path.exists():
            raise CaseStoreError(
                f"{path}: no such case database (open a case first, or import)",
                f"办件数据库 {path} 不存在（请先收件或导入）",
            )
        if synchronous not in ("FULL", "NORMAL", "OFF"):
            raise CaseStoreError(f"synchronous must be FULL, NORMAL or OFF (got {synchronous!r})")
        try:
            con = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute(f"PRAGMA synchronous={synchronous}")
            con.execute("BEGIN IMMEDIATE")
            try:
                for statement in _TABLES:
                    con.execute(statement.format(serial="INTEGER"))
                _check_version(con.cursor(), self._q, self._name)
                con.execute("COMMIT")
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                con.close()
                raise
        except sqlite3.DatabaseError as exc:
            raise CaseStoreError(f"{path}: not a usable case database: {exc}") from exc
        self._con = con

    def _q(self, sql: str) -> str:
        return sql

    @contextlib.contextmanager
    def _begin(self) -> Iterator[Any]:
        cur = self._con.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            yield cur
            cur.execute("COMMIT")
        except BaseException:
            if self._con.in_transaction:
                cur.execute("ROLLBACK")
            raise

    @contextlib.contextmanager
    def _savepoint(self, cursor: Any) -> Iterator[None]:
        cursor.execute("SAVEPOINT one")
        try:
            yield
        except BaseException:
            cursor.execute("ROLLBACK TO one")
            cursor.execute("RELEASE one")
            raise
        cursor.execute("RELEASE one")

    def _cursor(self) -> Any:
        return self._con.cursor()

    def close(self) -> None:
        """Close the connection."""
        self._con.close()


class PostgresCaseStore(CaseStore):
    """Cases in a PostgreSQL database shared by a county's halls.

    Args:
        url: The connection URL (``postgresql://user@host:port/dbname``).
        schema: The schema holding the case tables (created if missing).

    Raises:
        CaseStoreError: If the server cannot be reached or the layout is of another version.
    """

    def __init__(self, url: str, *, schema: str = "govstd") -> None:
        try:
            import psycopg  # noqa: PLC0415 - an optional extra
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise CaseStoreError(
                "the PostgreSQL case store needs psycopg: pip install 'govservice_std[postgres]'"
            ) from exc
        if not schema.isidentifier():
            raise CaseStoreError(f"not a schema name: {schema!r}")
        self._name = f"postgresql schema {schema}"
        self._integrity = psycopg.errors.UniqueViolation
        try:
            self._con = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise CaseStoreError(f"cannot connect to the case database: {exc}") from exc
        self._con.execute(f"SET search_path TO {schema}")
        with self._con.transaction():
            self._con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            self._con.execute("SELECT pg_advisory_xact_lock(7117)")
            for statement in _TABLES:
                self._con.execute(statement.format(serial="BIGSERIAL"))
            _check_version(self._con.cursor(), self._q, self._name)

    def _q(self, sql: str) -> str:
        return sql.replace("?", "%s")

    @contextlib.contextmanager
    def _begin(self) -> Iterator[Any]:
        with self._con.transaction(), self._con.cursor() as cur:
            # One writer at a time per store, as SQLite's BEGIN IMMEDIATE gives.
            cur.execute("SELECT pg_advisory_xact_lock(7118)")
            yield cur

    @contextlib.contextmanager
    def _savepoint(self, cursor: Any) -> Iterator[None]:  # noqa: ARG002
        with self._con.transaction():
            yield

    def _cursor(self) -> Any:
        return self._con.cursor()

    def close(self) -> None:
        """Close the connection."""
        self._con.close()


def _check_version(cursor: Any, q: Any, name: str) -> None:
    cursor.execute(q("SELECT value FROM case_meta WHERE key = ?"), ("schema_version",))
    row = cursor.fetchone()
    if row is None:
        cursor.execute(
            q("INSERT INTO case_meta (key, value) VALUES (?, ?)"),
            ("schema_version", str(SCHEMA_VERSION)),
        )
    elif row[0] != str(SCHEMA_VERSION):
        raise CaseStoreError(
            f"{name}: case tables at layout version {row[0]}; this library reads "
            f"version {SCHEMA_VERSION}"
        )
