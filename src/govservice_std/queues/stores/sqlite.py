"""The SQLite event store: the embedded, durable default.

One database file may hold the queues of several halls and be shared by several processes
(kiosks, window terminals, a display board). The rules that make it safe:

* WAL journal mode, so readers never block the writer;
* every command is one ``BEGIN IMMEDIATE`` transaction: it takes the write lock first, and
  every decision that is committed was made on the latest state — including the events
  other processes appended since this process last looked;
* ``synchronous=FULL`` by default: once :meth:`SQLiteStore.execute` returns, the command
  survives a crash of the process and of the machine;
* the database itself refuses a second ticket with the same hall, line, day and number
  (a unique index over the issue events' hall, line, day and number), whatever a buggy
  writer does.

Reopening after a crash replays the events, which gives exactly the state of the last
acknowledged command: a transaction that did not commit left nothing behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import operator
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from govservice_std.errors import QueueStoreError
from govservice_std.queues.events import (
    CHINA_TZ,
    EVENT_TYPES,
    Event,
    ServiceFinished,
    ServiceStarted,
    TicketCalled,
    TicketIssued,
)
from govservice_std.queues.stores.base import (
    Checkpoint,
    DayRecord,
    Decide,
    EventStore,
    StoredEvent,
    TicketFact,
)

if TYPE_CHECKING:
    from govservice_std.queues.kpis import FactTable

__all__ = ["SCHEMA_VERSION", "SQLiteStore", "Synchronous", "connect"]

SCHEMA_VERSION = 3
"""The version of the database layout this module writes. Older files are upgraded in
place when opened (one transaction): version 2 adds the staff, chosen-call and
transfer-target columns; version 3 gives every event its service day, indexes events by
hall and day, and adds the checkpoints and the closed days' summaries and ticket facts."""

Synchronous = Literal["FULL", "NORMAL", "OFF"]
"""SQLite's ``synchronous`` setting: ``FULL`` survives power loss; ``NORMAL`` in WAL mode
survives a crash of the process but may lose the last commits on power loss; ``OFF`` is for
throw-away databases (tests)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS halls (
    hall TEXT PRIMARY KEY,
    locality TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,
    hall TEXT NOT NULL,
    type TEXT NOT NULL,
    ticket TEXT,
    at TEXT NOT NULL,
    label TEXT,
    line TEXT,
    number INTEGER,
    day TEXT,
    order_at TEXT,
    grp TEXT,
    appointment TEXT,
    slot TEXT,
    win TEXT,
    outcome TEXT,
    from_line TEXT,
    to_line TEXT,
    staff TEXT,
    reason TEXT,
    to_window TEXT,
    to_staff TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS ticket_numbers ON events (hall, line, day, number)
    WHERE type = 'issued';
"""
# What a broken or corrupt database file raises: SQLite's errors, and text it stores that
# is not valid UTF-8.
_DB_ERRORS = (sqlite3.Error, UnicodeError)
# Columns added by each layout version, for upgrading an older file in place.
_ADDED_COLUMNS = {2: ("staff", "reason", "to_window", "to_staff")}
# No index on (hall, seq): readers ask for the events after a sequence number, which the
# primary key finds directly, and every index is one more page to write on each commit.
# The unique index is partial for the same reason: only issue events carry a number.

# Layout 3: every event has its service day (``day``), read by day through an index; a
# hall's checkpoint, and each closed day's KPI summary and ticket facts.
_SCHEMA_3 = """
CREATE INDEX IF NOT EXISTS events_by_day ON events (hall, day);
CREATE TABLE IF NOT EXISTS checkpoints (
    hall TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    version INTEGER NOT NULL,
    written_at TEXT NOT NULL,
    state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS day_summaries (
    hall TEXT NOT NULL,
    day TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kpis TEXT NOT NULL,
    facts BLOB NOT NULL,
    PRIMARY KEY (hall, day)
);
CREATE TABLE IF NOT EXISTS day_tickets (
    hall TEXT NOT NULL,
    day TEXT NOT NULL,
    ticket TEXT NOT NULL,
    line TEXT NOT NULL,
    win TEXT,
    grp TEXT NOT NULL,
    hour INTEGER NOT NULL,
    status TEXT NOT NULL,
    waited REAL,
    service REAL,
    arrival REAL NOT NULL,
    PRIMARY KEY (hall, day, ticket)
) WITHOUT ROWID;
"""
# Versions 1 and 2 kept the day on issue events only; SQLite's date() reads the offset of the
# stored times, so each event's service day (China Standard Time) is its date + 8 hours.
_UPGRADE_DAYS = "UPDATE events SET day = date(at, '+8 hours') WHERE day IS NULL"

# Every event field has its own column (times as ISO 8601 text with their offset), so the
# record can be queried with plain SQL and no JSON is built on the hot path.
_COLUMNS = (
    "type", "ticket", "at", "label", "line", "number", "day", "order_at", "grp",
    "appointment", "slot", "win", "outcome", "from_line", "to_line", "staff", "reason",
    "to_window", "to_staff",
)  # fmt: skip
_RENAMED = {"group": "grp", "window": "win"}
_MOMENT, _DAY, _PLAIN, _INT = 1, 2, 0, 3


def _plan(cls: type) -> tuple[tuple[str, int, int, bool], ...]:
    """Each field of an event type: name, column, kind of value, and whether it is required."""
    plan = []
    for field in attrs.fields(cls):
        kind = (
            _MOMENT
            if field.name in ("at", "order_at", "slot")
            else (_DAY if field.name == "day" else _INT if field.name == "number" else _PLAIN)
        )
        column = _COLUMNS.index(_RENAMED.get(field.name, field.name))
        plan.append((field.name, column, kind, field.default is attrs.NOTHING))
    return tuple(plan)


_PLANS = {cls: _plan(cls) for cls in EVENT_TYPES.values()}
# Built from the constant column names above, never from data.
_SELECT = (
    f"SELECT seq, {', '.join(_COLUMNS)} FROM events "  # noqa: S608
    # ``+hall``: the primary key's range finds the events after ``seq``; left to itself,
    # SQLite would walk the hall's whole history in the day index instead.
    "WHERE seq > ? AND +hall = ? ORDER BY seq"
)


_MINE_BETWEEN = "SELECT 1 FROM events WHERE seq > ? AND seq < ? AND +hall = ? LIMIT 1"
_BY_DAY = (
    f"SELECT seq, {', '.join(_COLUMNS)} FROM events "  # noqa: S608
    "WHERE hall = ? AND day = ? ORDER BY seq"
)

_Row = Callable[[str, Any], tuple[object, ...]]
"""An event type's INSERT parameters: the hall, then the event's fields (each function
takes events of its own type only)."""
_Insert = tuple[str, _Row]


def _inserter(cls: type) -> _Insert:
    """An event type's INSERT statement and the function giving its parameters.

    Each event type names only its own columns (the others stay NULL) and carries its type
    tag in the statement: binding parameters costs much of an insert's time, and an issue
    event binds eleven, a call four, instead of sixteen each. The field values are
    fetched with one ``attrgetter`` call, so only times and days are converted in Python.
    """
    names = [field.name for field in attrs.fields(cls)]
    if names[0] != "at":  # every event starts with its time (see events.py)
        raise TypeError(f"{cls.__name__} does not start with its time")
    tag = getattr(cls, "type")  # noqa: B009 - a ClassVar of every event type
    if not tag.isidentifier():  # it goes into the statement
        raise TypeError(f"{cls.__name__} has an unusual type tag {tag!r}")
    # Every row carries its service day (see events.event_day): the time's date in China
    # Standard Time unless the event names its day.
    own_day = "day" in names
    columns = [_RENAMED.get(name, name) for name in names] + ([] if own_day else ["day"])
    sql = (
        f"INSERT INTO events (hall, type, {', '.join(columns)}) "  # noqa: S608 - constants
        f"VALUES (?, '{tag}', {', '.join('?' for _ in columns)})"
    )
    fetch = operator.attrgetter(*names)
    moments = tuple(i for i, name in enumerate(names) if name in ("order_at", "slot"))
    day = names.index("day") if "day" in names else None

    if not moments and day is None:
        # Only ``at`` to format: most events (calls, starts, finishes).
        def simple(hall: str, event: Event) -> tuple[object, ...]:
            values = fetch(event)
            at = values[0]
            stamp = at.isoformat()
            return (hall, stamp, *values[1:], _day_text(at, stamp))

        return sql, simple

    def params(hall: str, event: Event) -> tuple[object, ...]:
        values = list(fetch(event))
        at = values[0]
        stamp = values[0] = at.isoformat()
        if not own_day:
            values.append(_day_text(at, stamp))
        for i in moments:
            value = values[i]
            if value is not None:
                # The same moment as ``at`` (a walk-in's order) is not formatted twice.
                values[i] = stamp if value is at else value.isoformat()
        if day is not None:
            values[day] = values[day].isoformat()
        return (hall, *values)

    return sql, params


# The time of a row as ISO 8601 text. ``datetime.isoformat()`` is the largest Python cost
# between two commits, and a hall's commands mostly fall within the same minute of China
# Standard Time: for such times the text up to the minute is kept from the previous one
# and only the seconds are formatted. The entry is one tuple, replaced whole, so threads
# with stores of their own never see a mixed one. Any other time (another zone, a
# ``datetime`` subclass, another minute) goes through ``isoformat()``.
_MINUTE: list[tuple[int, int, dt.date, str]] = [(-1, -1, dt.date.min, "")]


def _stamp(at: dt.datetime) -> str:
    """``at.isoformat()``, faster for a time in the same minute as the previous one."""
    if at.tzinfo is CHINA_TZ and type(at) is dt.datetime:
        minute, hour, day, prefix = _MINUTE[0]
        if at.minute == minute and at.hour == hour and at.date() == day:
            micro = at.microsecond
            if micro:
                return "%s%02d.%06d+08:00" % (prefix, at.second, micro)  # noqa: UP031
            return "%s%02d+08:00" % (prefix, at.second)  # noqa: UP031
        stamp = at.isoformat()
        _MINUTE[0] = (at.minute, at.hour, at.date(), stamp[:17])  # up to "HH:MM:"
        return stamp
    return at.isoformat()


def _day_text(at: dt.datetime, stamp: str) -> str:
    """The service day of a time as ISO text, given the time's ISO text."""
    if at.tzinfo is CHINA_TZ:
        return stamp[:10]
    return at.astimezone(CHINA_TZ).date().isoformat()


# The rows of the four events of every ticket's life, spelled out: one function per type
# reads each field straight from its slot, which is cheaper than ``attrgetter`` and a
# rebuilt tuple, and every command pays for it between two commits. The tests check that
# each gives the same row as the function ``_inserter`` makes.


def _issued_row(hall: str, event: TicketIssued) -> tuple[object, ...]:
    at = event.at
    stamp = _stamp(at)
    day = event.day
    order_at = event.order_at
    slot = event.slot
    return (
        hall,
        stamp,
        event.ticket,
        event.label,
        event.line,
        event.number,
        # A ticket's day is nearly always the date of its time: the stamp starts with it.
        stamp[:10] if day == at.date() else day.isoformat(),
        stamp if order_at is at else order_at.isoformat(),
        event.group,
        event.appointment,
        None if slot is None else (stamp if slot is at else slot.isoformat()),
    )


def _called_row(hall: str, event: TicketCalled) -> tuple[object, ...]:
    at = event.at
    stamp = _stamp(at)
    day = stamp[:10] if at.tzinfo is CHINA_TZ else _day_text(at, stamp)
    return (hall, stamp, event.ticket, event.window, event.staff, event.reason, day)


def _started_row(hall: str, event: ServiceStarted) -> tuple[object, ...]:
    at = event.at
    stamp = _stamp(at)
    day = stamp[:10] if at.tzinfo is CHINA_TZ else _day_text(at, stamp)
    return (hall, stamp, event.ticket, event.window, event.staff, day)


def _finished_row(hall: str, event: ServiceFinished) -> tuple[object, ...]:
    at = event.at
    stamp = _stamp(at)
    day = stamp[:10] if at.tzinfo is CHINA_TZ else _day_text(at, stamp)
    return (hall, stamp, event.ticket, event.window, event.outcome, event.staff, day)


_ROWS: dict[type, _Row] = {
    TicketIssued: _issued_row,
    TicketCalled: _called_row,
    ServiceStarted: _started_row,
    ServiceFinished: _finished_row,
}
_INSERTS: dict[type, _Insert] = {}
for _cls in EVENT_TYPES.values():
    _sql, _params = _inserter(_cls)
    _INSERTS[_cls] = (_sql, _ROWS.get(_cls, _params))
del _cls, _sql, _params


def _event(row: tuple[object, ...], source: str) -> Event:
    """Rebuild an event from a row of :data:`_SELECT` (``seq`` first)."""
    try:
        cls = EVENT_TYPES[str(row[1])]
        fields: dict[str, object] = {}
        for name, column, kind, required in _PLANS[cls]:
            value = row[column + 1]
            if value is None:
                if required:
                    raise ValueError(f"{name} is missing")
            elif kind == _PLAIN:
                if type(value) is not str:
                    raise ValueError(f"{name} is not text (got {value!r:.40})")
            elif kind == _INT:
                if type(value) is not int:
                    raise ValueError(f"{name} is not a whole number (got {value!r:.40})")
            elif kind == _MOMENT:
                value = dt.datetime.fromisoformat(str(value))
                if value.tzinfo is None:
                    raise ValueError(f"{name} has no UTC offset")
            else:
                value = dt.date.fromisoformat(str(value))
            fields[name] = value
        return cls(**fields)  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError) as exc:
        raise QueueStoreError(f"{source}: not a valid event record: {exc}") from exc


def _store_error(
    path: Path | str, exc: sqlite3.Error | UnicodeError, timeout: float
) -> QueueStoreError:
    """The one translation of SQLite's errors into the store's: the file, and what is wrong.

    A lock held by another process past the timeout is "busy" (try again); anything else
    SQLite reports — a file that is not a database, a missing table or column, a damaged
    page — means the file is not a usable queue database.
    """
    text = str(exc)
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        return QueueStoreError(
            f"{path}: the queue database is busy (another process held it for more than "
            f"{timeout:g} s); try again",
            f"排队数据库 {path} 正忙（另一进程占用超过 {timeout:g} 秒），请稍后再试",
        )
    return QueueStoreError(
        f"{path}: not a usable queue database: {text}",
        f"{path} 不是可用的排队数据库：{text}",
    )


def connect(
    path: Path | str, *, synchronous: Synchronous = "FULL", timeout: float = 30.0
) -> sqlite3.Connection:
    """Open a queue database with the store's settings, creating its tables if needed.

    Used by :class:`SQLiteStore`, and by the benchmark to measure the raw commit rate of
    the same settings.

    Args:
        path: The database file.
        synchronous: The durability setting (see
            :data:`~govservice_std.queues.stores.sqlite.Synchronous`).
        timeout: Seconds to wait for another process's write lock.

    Raises:
        QueueStoreError: If the file is not a queue database of a known version.
    """
    if synchronous not in ("FULL", "NORMAL", "OFF"):
        raise QueueStoreError(f"synchronous must be FULL, NORMAL or OFF (got {synchronous!r})")
    try:
        # Autocommit mode: the store issues BEGIN IMMEDIATE / COMMIT itself.
        con = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute(f"PRAGMA synchronous={synchronous}")
        con.execute("BEGIN IMMEDIATE")
        try:
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                # One statement at a time: executescript() would commit our transaction
                # and let another process race us through the set-up.
                _run_script(con, _SCHEMA + ";" + _SCHEMA_3)
                con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            elif version < SCHEMA_VERSION:
                for step in range(version + 1, SCHEMA_VERSION + 1):
                    for column in _ADDED_COLUMNS.get(step, ()):
                        con.execute(f"ALTER TABLE events ADD COLUMN {column} TEXT")
                    if step == 3:
                        _run_script(con, _UPGRADE_DAYS + ";" + _SCHEMA_3)
                con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            elif version != SCHEMA_VERSION:
                raise QueueStoreError(
                    f"{path}: database layout version {version}; this library reads "
                    f"version {SCHEMA_VERSION}"
                )
            if con.in_transaction:
                con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            con.close()
            raise
    except _DB_ERRORS as exc:
        raise _store_error(path, exc, timeout) from exc
    return con


def _run_script(con: sqlite3.Connection, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            con.execute(statement)


def _must_exist(path: Path | str) -> None:
    # Opening a missing file would create an empty database, and hide a mistyped path.
    if str(path) != ":memory:" and not Path(path).exists():
        raise QueueStoreError(
            f"{path}: no such queue database (set a hall up in it first)",
            f"排队数据库 {path} 不存在，请先开通服务场所（govstd queue open）",
        )


class SQLiteStore(EventStore):
    """A hall's events in a SQLite database (WAL, one transaction per command).

    Args:
        path: The database file (created if missing).
        hall: The hall's code. ``None`` picks the only hall set up in the file.
        locality: With ``hall``, records the hall's locality if it is not set up yet, and
            creates the file if it is missing. Without it, the file must already exist:
            a mistyped path is an error, not a new empty database.
        synchronous: Durability (see
            :data:`~govservice_std.queues.stores.sqlite.Synchronous`); ``FULL`` by default.
        timeout: Seconds to wait for another process's write lock.

    Raises:
        QueueStoreError: If the file is missing (and no ``locality`` sets a hall up), is
            not a queue database, or ``hall`` is ``None`` and the file does not hold
            exactly one hall.
    """

    def __init__(
        self,
        path: Path | str,
        hall: str | None = None,
        *,
        locality: str | None = None,
        synchronous: Synchronous = "FULL",
        timeout: float = 30.0,
    ) -> None:
        self._path = Path(path)
        if locality is None:
            _must_exist(path)
        self._timeout = timeout
        self._con = connect(path, synchronous=synchronous, timeout=timeout)
        try:
            halls = dict(self._con.execute("SELECT hall, locality FROM halls").fetchall())
        except _DB_ERRORS as exc:
            self._con.close()
            raise _store_error(path, exc, timeout) from exc
        if hall is None:
            if len(halls) != 1:
                self._con.close()
                found = ", ".join(sorted(halls)) or "none"
                found_zh = "、".join(sorted(halls)) or "无"
                raise QueueStoreError(
                    f"{path}: name the hall; the database holds {len(halls)} ({found})",
                    f"{path}：请指明服务场所；该数据库中有 {len(halls)} 个（{found_zh}）",
                )
            hall = next(iter(halls))
        elif hall not in halls and locality is not None:
            now = dt.datetime.now(dt.UTC).isoformat()
            try:
                self._con.execute(
                    "INSERT OR IGNORE INTO halls (hall, locality, created_at) VALUES (?, ?, ?)",
                    (hall, locality, now),
                )
            except _DB_ERRORS as exc:
                self._con.close()
                raise _store_error(path, exc, timeout) from exc
            halls[hall] = locality
        self._hall = hall
        self._locality: str | None = halls.get(hall)
        # One cursor for the hot path: Connection.execute() makes a new one every call.
        self._cur = self._con.cursor()
        # Inside batch(): the last sequence number the batch's transaction has seen.
        self._batch: int | None = None

    @property
    def hall(self) -> str:
        """The hall's code."""
        return self._hall

    @property
    def locality(self) -> str | None:
        """The locality recorded for the hall when it was set up, if any."""
        return self._locality

    @property
    def path(self) -> Path:
        """The database file."""
        return self._path

    @staticmethod
    def halls(path: Path | str) -> dict[str, str]:
        """The halls set up in a database file, with their localities.

        Raises:
            QueueStoreError: If the file is missing or not a queue database.
        """
        _must_exist(path)
        con = connect(path)
        try:
            return dict(con.execute("SELECT hall, locality FROM halls ORDER BY hall").fetchall())
        except _DB_ERRORS as exc:
            raise _store_error(path, exc, 30.0) from exc
        finally:
            con.close()

    def execute(self, after: int, decide: Decide) -> int:
        """Run one command as one ``BEGIN IMMEDIATE`` transaction.

        See :meth:`EventStore.execute`. Most commands come from the only active writer,
        so the store first decides optimistically on the caller's state, without reading:
        under the write lock, the first inserted row's sequence number shows whether
        anybody appended since ``after``. If somebody did (or the decision was a refusal,
        which might rest on a stale state), it reads their events and decides again.
        """
        try:
            return self._execute(after, decide)
        except _DB_ERRORS as exc:
            raise _store_error(self._path, exc, self._timeout) from exc

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Commit the commands run inside the block as one ``BEGIN IMMEDIATE`` transaction.

        See :meth:`EventStore.batch`. The write lock is taken when the block starts and
        held until it ends; with ``synchronous=FULL`` the whole block costs one sync.
        """
        if self._batch is not None:
            yield
            return
        cur = self._cur
        with self._errors():
            cur.execute("BEGIN IMMEDIATE")
        self._batch = -1  # the first command reads what others appended
        try:
            yield
            with self._errors():
                cur.execute("COMMIT")
        except BaseException:
            if self._con.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    cur.execute("ROLLBACK")
            raise
        finally:
            self._batch = None

    def _in_batch(self, after: int, decide: Decide) -> int:
        # Under the batch's lock: once a command of the batch has read, nobody else can have
        # appended, so later commands decide without reading. A refusal raises before
        # anything is written; a database error aborts the whole batch.
        try:
            if after == self._batch:
                last = after
                for event in decide(()):
                    last = self._insert(event)
            else:
                last = self._after_reading(after, decide)
        except sqlite3.IntegrityError as exc:
            raise QueueStoreError(f"{self._path}: refused by the database: {exc}") from exc
        self._batch = last
        return last

    def _execute(self, after: int, decide: Decide) -> int:
        if self._batch is not None:
            return self._in_batch(after, decide)
        con = self._con
        cur = self._cur
        cur.execute("BEGIN IMMEDIATE")
        try:
            # The optimistic decision, inline: this runs between two commits of every
            # command, where each call costs wall time as well as CPU.
            last = None
            try:
                new = decide(())
            except Exception:  # decided again below, on the latest events
                new = ()
            if new:
                event = new[0]
                sql, row = _INSERTS[type(event)]
                try:
                    cur.execute(sql, row(self._hall, event))
                    first = cur.lastrowid or -1
                except sqlite3.IntegrityError:
                    first = -1  # a stale decision can collide (a number already taken)
                # Only this hall's events matter: rows other halls appended in between
                # (one file may hold several halls) leave the decision standing.
                if first == after + 1 or (
                    first > after
                    and cur.execute(_MINE_BETWEEN, (after, first, self._hall)).fetchone() is None
                ):
                    last = first
                    if len(new) > 1:
                        for event in new[1:]:
                            last = self._insert(event)
                else:
                    # Somebody appended since ``after``: undo and decide again on their
                    # events.
                    cur.execute("ROLLBACK")
                    cur.execute("BEGIN IMMEDIATE")
            if last is None:
                last = self._after_reading(after, decide)
            cur.execute("COMMIT")
        except sqlite3.IntegrityError as exc:
            cur.execute("ROLLBACK")
            raise QueueStoreError(f"{self._path}: refused by the database: {exc}") from exc
        except BaseException:
            if con.in_transaction:
                with contextlib.suppress(sqlite3.Error):  # the first error is the one to tell
                    cur.execute("ROLLBACK")
            raise
        return last

    def _after_reading(self, after: int, decide: Decide) -> int:
        rows = self._cur.execute(_SELECT, (after, self._hall)).fetchall()
        pending = [(row[0], _event(row, f"{self._path}#{row[0]}")) for row in rows]
        last: int = rows[-1][0] if rows else after
        for event in decide(pending):
            last = self._insert(event)
        return last

    def _insert(self, event: Event) -> int:
        cursor = self._cur
        sql, params = _INSERTS[type(event)]
        cursor.execute(sql, params(self._hall, event))
        return cursor.lastrowid or 0

    def read(self, after: int = 0) -> list[StoredEvent]:
        """The hall's events after ``after``, in order."""
        try:
            rows = self._con.execute(_SELECT, (after, self._hall)).fetchall()
        except _DB_ERRORS as exc:
            raise _store_error(self._path, exc, self._timeout) from exc
        return [(row[0], _event(row, f"{self._path}#{row[0]}")) for row in rows]

    # -- checkpoints and history -------------------------------------------------------

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except _DB_ERRORS as exc:
            raise _store_error(self._path, exc, self._timeout) from exc

    def load_checkpoint(self) -> Checkpoint | None:
        """The hall's latest checkpoint, if one was written."""
        with self._errors():
            row = self._con.execute(
                "SELECT seq, state FROM checkpoints WHERE hall = ?", (self._hall,)
            ).fetchone()
            return None if row is None else Checkpoint(int(row[0]), str(row[1]))

    def save_checkpoint(self, checkpoint: Checkpoint, day: DayRecord | None = None) -> None:
        """Write a checkpoint (and a closed day's record) in one transaction.

        The new checkpoint replaces the old one only when the transaction commits: a
        writer that dies half-way leaves the previous checkpoint, which is as good.
        """
        with self._errors():
            from govservice_std.queues.state import SNAPSHOT_VERSION  # noqa: PLC0415

            cur = self._con.cursor()
            own = self._batch is None  # inside a batch, its transaction is the one
            if own:
                cur.execute("BEGIN IMMEDIATE")
            try:
                cur.execute(
                    "INSERT INTO checkpoints (hall, seq, version, written_at, state) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (hall) DO UPDATE SET seq = excluded.seq, "
                    "version = excluded.version, written_at = excluded.written_at, "
                    "state = excluded.state WHERE excluded.seq >= checkpoints.seq",
                    (
                        self._hall,
                        checkpoint.seq,
                        SNAPSHOT_VERSION,
                        dt.datetime.now(dt.UTC).isoformat(),
                        checkpoint.state,
                    ),
                )
                if day is not None:
                    from govservice_std.queues.kpis import FactTable  # noqa: PLC0415

                    text = day.day.isoformat()
                    # The facts twice: as rows to query, and as one table of columns that a
                    # year's KPIs read in a few milliseconds a day.
                    cur.execute(
                        "INSERT OR REPLACE INTO day_summaries (hall, day, seq, kpis, facts) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (self._hall, text, day.seq, day.kpis, FactTable.of(day.facts).to_bytes()),
                    )
                    cur.execute(
                        "DELETE FROM day_tickets WHERE hall = ? AND day = ?", (self._hall, text)
                    )
                    cur.executemany(
                        "INSERT INTO day_tickets (hall, day, ticket, line, win, grp, hour, status, "
                        "waited, service, arrival) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [(self._hall, text, *fact[1:]) for fact in day.facts],
                    )
                if own:
                    cur.execute("COMMIT")
            except BaseException:
                if own and self._con.in_transaction:
                    cur.execute("ROLLBACK")
                raise

    def days(self, first: dt.date | None = None, last: dt.date | None = None) -> dict[dt.date, int]:
        """The service days with events (read from the day index), with their last event."""
        with self._errors():
            rows = self._con.execute(
                "SELECT day, max(seq) FROM events WHERE hall = ? AND day BETWEEN ? AND ? "
                "GROUP BY day ORDER BY day",
                (self._hall, _lower(first), _upper(last)),
            )
            return {dt.date.fromisoformat(day): int(seq) for day, seq in rows}

    def read_day(self, day: dt.date) -> Iterator[StoredEvent]:
        """The events of one service day, in order, read as they are used."""
        with self._errors():
            source = f"{self._path}#"
            cursor = self._con.execute(_BY_DAY, (self._hall, day.isoformat()))
            for row in cursor:
                yield row[0], _event(row, f"{source}{row[0]}")

    def closed_days(
        self, first: dt.date | None = None, last: dt.date | None = None
    ) -> dict[dt.date, int]:
        """The closed days with a stored record, with the sequence number each closed at."""
        with self._errors():
            rows = self._con.execute(
                "SELECT day, seq FROM day_summaries WHERE hall = ? AND day BETWEEN ? AND ? "
                "ORDER BY day",
                (self._hall, _lower(first), _upper(last)),
            )
            return {dt.date.fromisoformat(day): int(seq) for day, seq in rows}

    def facts(self, days: Iterable[dt.date]) -> Iterator[TicketFact]:
        """The ticket facts of closed days, read as they are used."""
        with self._errors():
            query = (
                "SELECT ticket, line, win, grp, hour, status, waited, service, arrival "
                "FROM day_tickets WHERE hall = ? AND day = ?"
            )
            make = tuple.__new__  # a named tuple's own constructor is several times slower
            for day in days:
                for row in self._con.execute(query, (self._hall, day.isoformat())):
                    yield make(TicketFact, (day, *row))

    def fact_tables(self, days: Iterable[dt.date]) -> Iterator[FactTable]:
        """The stored ticket facts of closed days, one table a day."""
        with self._errors():
            from govservice_std.queues.kpis import FactTable  # noqa: PLC0415

            query = "SELECT facts FROM day_summaries WHERE hall = ? AND day = ?"
            for day in days:
                row = self._con.execute(query, (self._hall, day.isoformat())).fetchone()
                if row is not None:
                    try:
                        table = FactTable.from_bytes(bytes(row[0]))
                    except ValueError as exc:
                        raise QueueStoreError(
                            f"{self._path}: the stored facts of {day} are corrupt: {exc}"
                        ) from exc
                    yield table

    def day_summary(self, day: dt.date) -> str | None:
        """The KPI summary stored when ``day`` was closed (JSON text), if any."""
        with self._errors():
            row = self._con.execute(
                "SELECT kpis FROM day_summaries WHERE hall = ? AND day = ?",
                (self._hall, day.isoformat()),
            ).fetchone()
            return None if row is None else str(row[0])

    def close(self) -> None:
        """Close the connection."""
        self._con.close()


def _lower(day: dt.date | None) -> str:
    return "0000-00-00" if day is None else day.isoformat()


def _upper(day: dt.date | None) -> str:
    return "9999-99-99" if day is None else day.isoformat()
