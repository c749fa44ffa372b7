"""The PostgreSQL event store: one central database for a county's halls.

A county's kiosks, window terminals and display boards, in the county centre, the town
centres and the village stations, all write to one PostgreSQL database; the county's
evaluation and dashboards read from it. The rules that make it safe:

* every command is one transaction that first locks the hall's row in ``halls``
  (``SELECT … FOR UPDATE``): writers of one hall, in any process on any host, take turns,
  while the halls of a county never wait for each other. Under the lock the store reads
  the events other writers appended since the caller last looked, so every committed
  decision was made on the latest state — which is what makes ticket numbers gap-free per
  line and day and lets exactly one window call a ticket;
* each hall's sequence numbers come from the same locked row (``halls.last_seq``), so they
  have no gaps either;
* the database refuses a second ticket with the same hall, line, day and number (a unique
  index over the issue events), whatever a buggy writer does;
* events are partitioned by the month of their service day (native partitioning; the
  partitions are created by :func:`migrate`, months ahead), so years of a province's
  history keep inserts and a day's reads flat;
* the schema is created and upgraded only by :func:`migrate` (``govstd queue-db migrate``),
  never as a side effect of opening a store: opening a database that is not migrated to
  this library's :data:`SCHEMA_VERSION` raises
  :class:`~govservice_std.errors.QueueSchemaError`.

psycopg 3 and psycopg-pool are an optional extra (``pip install 'govservice-std[postgres]'``),
imported only when a PostgreSQL store is used.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import attrs

from govservice_std.errors import QueueSchemaError, QueueStoreError
from govservice_std.queues.events import CHINA_TZ, EVENT_TYPES, Event, event_day
from govservice_std.queues.kpis import NORMAL_GROUP, Distribution, KpiFigures, QueueKpis
from govservice_std.queues.stores.base import (
    Checkpoint,
    DayRecord,
    Decide,
    EventStore,
    StoredEvent,
    TicketFact,
)

if TYPE_CHECKING:
    import psycopg
    from psycopg import sql
    from psycopg_pool import ConnectionPool

__all__ = [
    "DEFAULT_SCHEMA",
    "PARTITION_MONTHS_AHEAD",
    "SCHEMA_VERSION",
    "LocalityKpis",
    "PostgresStore",
    "locality_kpis",
    "migrate",
    "schema_version",
]

DEFAULT_SCHEMA = "govstd"
"""The PostgreSQL schema (namespace) the queue tables live in unless told otherwise."""

# Each migration is (version, description, statements); ``{s}`` is the schema. A released
# migration never changes: a new layout is a new entry at the end.
_MIGRATIONS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (
        1,
        "queue halls and events",
        (
            """CREATE TABLE {s}.halls (
                hall text PRIMARY KEY,
                locality text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                last_seq bigint NOT NULL DEFAULT 0
            )""",
            """CREATE TABLE {s}.events (
                hall text NOT NULL REFERENCES {s}.halls (hall),
                seq bigint NOT NULL,
                type text NOT NULL,
                ticket text,
                at timestamptz NOT NULL,
                at_offset integer NOT NULL,
                label text,
                line text,
                number integer,
                day date,
                order_at timestamptz,
                order_at_offset integer,
                grp text,
                appointment text,
                slot timestamptz,
                slot_offset integer,
                win text,
                outcome text,
                from_line text,
                to_line text,
                PRIMARY KEY (hall, seq)
            )""",
            # Partial: only issue events carry a number.
            """CREATE UNIQUE INDEX ticket_numbers ON {s}.events (hall, line, day, number)
                WHERE type = 'issued'""",
            # The county view gathers a day's tickets of many halls, then their events.
            """CREATE INDEX issued_by_day ON {s}.events (day, hall) WHERE type = 'issued'""",
            """CREATE INDEX events_by_ticket ON {s}.events (hall, ticket)""",
            "CREATE INDEX halls_by_locality ON {s}.halls (locality)",
        ),
    ),
    (
        2,
        "staff, chosen calls and transfer targets",
        (
            "ALTER TABLE {s}.events ADD COLUMN staff text",
            "ALTER TABLE {s}.events ADD COLUMN reason text",
            "ALTER TABLE {s}.events ADD COLUMN to_window text",
            "ALTER TABLE {s}.events ADD COLUMN to_staff text",
        ),
    ),
)

# Version 3: events partitioned by month of their service day (native partitioning), so
# years of a province's history keep inserts and day reads flat; every event has its
# service day; a hall's checkpoint, and each closed day's KPI summary and ticket facts.
# The rows of version 1 move into the partitioned table in the same transaction.
_MIGRATIONS += (
    (
        3,
        "events partitioned by month; checkpoints and closed days",
        (
            "ALTER TABLE {s}.events RENAME TO events_v1",
            "ALTER INDEX {s}.ticket_numbers RENAME TO ticket_numbers_v1",
            "ALTER INDEX {s}.issued_by_day RENAME TO issued_by_day_v1",
            "ALTER INDEX {s}.events_by_ticket RENAME TO events_by_ticket_v1",
            """CREATE TABLE {s}.events (
                hall text NOT NULL REFERENCES {s}.halls (hall),
                seq bigint NOT NULL,
                type text NOT NULL,
                ticket text,
                at timestamptz NOT NULL,
                at_offset integer NOT NULL,
                label text,
                line text,
                number integer,
                day date NOT NULL,
                order_at timestamptz,
                order_at_offset integer,
                grp text,
                appointment text,
                slot timestamptz,
                slot_offset integer,
                win text,
                outcome text,
                from_line text,
                to_line text,
                staff text,
                reason text,
                to_window text,
                to_staff text,
                PRIMARY KEY (hall, day, seq)
            ) PARTITION BY RANGE (day)""",
            # Anything outside the monthly partitions (see _ensure_partitions) lands here.
            "CREATE TABLE {s}.events_other PARTITION OF {s}.events DEFAULT",
            """CREATE UNIQUE INDEX ticket_numbers ON {s}.events (hall, line, day, number)
                WHERE type = 'issued'""",
            "CREATE INDEX events_by_seq ON {s}.events (hall, seq)",
            """CREATE INDEX issued_by_day ON {s}.events (day, hall) WHERE type = 'issued'""",
            "CREATE INDEX events_by_ticket ON {s}.events (hall, ticket)",
            "CREATE TABLE {s}.partition_months (month date PRIMARY KEY)",
            """CREATE TABLE {s}.checkpoints (
                hall text PRIMARY KEY REFERENCES {s}.halls (hall),
                seq bigint NOT NULL,
                version integer NOT NULL,
                written_at timestamptz NOT NULL DEFAULT now(),
                state text NOT NULL
            )""",
            """CREATE TABLE {s}.day_summaries (
                hall text NOT NULL REFERENCES {s}.halls (hall),
                day date NOT NULL,
                seq bigint NOT NULL,
                kpis text NOT NULL,
                PRIMARY KEY (hall, day)
            )""",
            """CREATE TABLE {s}.day_tickets (
                hall text NOT NULL,
                day date NOT NULL,
                ticket text NOT NULL,
                line text NOT NULL,
                win text,
                grp text NOT NULL,
                hour integer NOT NULL,
                status text NOT NULL,
                waited float8,
                service float8,
                arrival float8 NOT NULL,
                PRIMARY KEY (hall, day, ticket)
            )""",
            "@partitions",  # the months of the old rows, this month and the next ones
            """INSERT INTO {s}.events SELECT hall, seq, type, ticket, at, at_offset, label,
                line, number,
                coalesce(day, ((at AT TIME ZONE 'UTC') + interval '8 hours')::date),
                order_at, order_at_offset, grp, appointment, slot, slot_offset, win, outcome,
                from_line, to_line, staff, reason, to_window, to_staff
                FROM {s}.events_v1""",
            "DROP TABLE {s}.events_v1",
        ),
    ),
)

PARTITION_MONTHS_AHEAD = 24
"""How many months ahead of the current one :func:`migrate` creates event partitions for
(running it again later extends them; events beyond land in a default partition)."""

SCHEMA_VERSION = _MIGRATIONS[-1][0]
"""The database layout version this library reads and writes."""

_COLUMNS = (
    "type", "ticket", "at", "at_offset", "label", "line", "number", "day", "order_at",
    "order_at_offset", "grp", "appointment", "slot", "slot_offset", "win", "outcome",
    "from_line", "to_line", "staff", "reason", "to_window", "to_staff",
)  # fmt: skip
_RENAMED = {"group": "grp", "window": "win"}
_MOMENTS = frozenset({"at", "order_at", "slot"})
_ZONES: dict[int, dt.tzinfo] = {28800: CHINA_TZ}


def _plan(cls: type) -> tuple[tuple[str, int, bool, bool], ...]:
    """Each field of an event type: name, column, whether a moment, whether required."""
    return tuple(
        (
            f.name,
            _COLUMNS.index(_RENAMED.get(f.name, f.name)),
            f.name in _MOMENTS,
            f.default is attrs.NOTHING,
        )
        for f in attrs.fields(cls)
    )


_PLANS = {cls: _plan(cls) for cls in EVENT_TYPES.values()}


def _zone(offset: int) -> dt.tzinfo:
    zone = _ZONES.get(offset)
    if zone is None:
        zone = _ZONES[offset] = dt.timezone(dt.timedelta(seconds=offset))
    return zone


_DAY_COLUMN = _COLUMNS.index("day")


def _row(event: Event) -> list[object]:
    values: list[object] = [None] * len(_COLUMNS)
    values[0] = event.type
    # Every event has its service day: the partition key, and the key of the day reads.
    values[_DAY_COLUMN] = event_day(event)
    for name, column, moment, _required in _PLANS[type(event)]:
        value = getattr(event, name)
        if value is not None:
            values[column] = value
            if moment:
                # timestamptz keeps the instant, not the offset: keep it beside, so a
                # replay gives back the very times the engine wrote.
                values[column + 1] = int(value.utcoffset().total_seconds())
    return values


def _event(row: Sequence[Any], source: str) -> Event:
    """Rebuild an event from a row (``seq`` first, then :data:`_COLUMNS`)."""
    try:
        cls = EVENT_TYPES[str(row[1])]
        fields: dict[str, object] = {}
        for name, column, moment, required in _PLANS[cls]:
            value = row[column + 1]
            if value is None:
                # The column types hold the kinds of value; a missing one is only refused here.
                if required:
                    raise ValueError(f"{name} is missing")
            elif moment:
                value = value.astimezone(_zone(row[column + 2]))
            fields[name] = value
        return cls(**fields)  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise QueueStoreError(f"{source}: not a valid event record: {exc}") from exc


def _driver() -> tuple[Any, Any, Any]:
    """psycopg, psycopg.sql and psycopg_pool, imported on first use."""
    try:
        import psycopg  # noqa: PLC0415 - an optional extra
        import psycopg_pool  # noqa: PLC0415
        from psycopg import sql  # noqa: PLC0415
    except ImportError as exc:
        raise QueueStoreError(
            "the PostgreSQL store needs the 'postgres' extra: "
            "pip install 'govservice-std[postgres]'"
        ) from exc
    return psycopg, sql, psycopg_pool


def _where(url: str) -> str:
    """A name for the database in messages, without the password."""
    psycopg, _, _ = _driver()
    try:
        params = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise QueueStoreError(f"not a PostgreSQL connection URL: {exc}") from exc
    host = params.get("host") or "localhost"
    port = params.get("port") or "5432"
    return f"postgresql://{host}:{port}/{params.get('dbname') or ''}"


def _q(sql: Any, text: str, schema: str) -> sql.Composed:
    return sql.SQL(text).format(s=sql.Identifier(schema))  # type: ignore[no-any-return]


def _version(conn: psycopg.Connection[Any], schema: str) -> int:
    _, sql, _ = _driver()
    table = conn.execute(
        "SELECT to_regclass(%s)", (sql.Identifier(schema, "migrations").as_string(conn),)
    ).fetchone()
    if table is None or table[0] is None:
        return 0
    row = conn.execute(_q(sql, "SELECT max(version) FROM {s}.migrations", schema)).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


@contextmanager
def _connection(url: str) -> Iterator[psycopg.Connection[Any]]:
    psycopg, _, _ = _driver()
    where = _where(url)
    try:
        conn = psycopg.connect(url)
    except psycopg.Error as exc:
        raise QueueStoreError(f"{where}: cannot connect: {exc}") from exc
    try:
        with conn:
            yield conn
    except psycopg.Error as exc:
        raise QueueStoreError(f"{where}: {exc}") from exc


def schema_version(url: str, *, schema: str = DEFAULT_SCHEMA) -> int:
    """The layout version of the queue tables in a database (0 if never migrated).

    Args:
        url: The connection URL (``postgresql://user@host:port/dbname``).
        schema: The PostgreSQL schema holding the queue tables.

    Raises:
        QueueStoreError: If the database cannot be reached.
    """
    with _connection(url) as conn:
        return _version(conn, schema)


def migrate(url: str, *, schema: str = DEFAULT_SCHEMA) -> list[int]:
    """Create or upgrade the queue tables to the library's layout version.

    All pending migrations run in one transaction under an advisory lock, so two
    administrators running it at once do no harm, and a failed migration leaves the
    database as it was. Migrating a database that is up to date does nothing.

    Args:
        url: The connection URL (``postgresql://user@host:port/dbname``).
        schema: The PostgreSQL schema to hold the queue tables (created if missing).

    Returns:
        The versions applied, in order (empty if the database was up to date).

    Raises:
        QueueSchemaError: If the database is newer than this library.
        QueueStoreError: If the database cannot be reached or refuses a statement.
    """
    _, sql, _ = _driver()
    applied: list[int] = []
    with _connection(url) as conn, conn.transaction():
        # One lock per schema name: concurrent migrations of one schema take turns.
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"govstd:{schema}",))
        conn.execute(_q(sql, "CREATE SCHEMA IF NOT EXISTS {s}", schema))
        conn.execute(
            _q(
                sql,
                "CREATE TABLE IF NOT EXISTS {s}.migrations (version integer PRIMARY KEY, "
                "description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                schema,
            )
        )
        current = _version(conn, schema)
        if current > SCHEMA_VERSION:
            raise QueueSchemaError(
                f"{_where(url)}: schema {schema} has layout version {current}; this "
                f"library reads version {SCHEMA_VERSION} (upgrade govservice-std)"
            )
        for version, description, statements in _MIGRATIONS:
            if version <= current:
                continue
            for statement in statements:
                if statement == "@partitions":
                    _ensure_partitions(conn, sql, schema, old="events_v1")
                    continue
                conn.execute(_q(sql, statement, schema))
            conn.execute(
                _q(
                    sql, "INSERT INTO {s}.migrations (version, description) VALUES (%s, %s)", schema
                ),
                (version, description),
            )
            applied.append(version)
        if not applied:
            _ensure_partitions(conn, sql, schema)
    return applied


def _months(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + dt.timedelta(days=32)).replace(day=1)


def _ensure_partitions(
    conn: psycopg.Connection[Any], sql: Any, schema: str, old: str | None = None
) -> None:
    """Create the monthly event partitions that are missing, up to months ahead.

    From this month (or, while migrating to partitions, the first month with events in
    ``old``, the unpartitioned table) to :data:`PARTITION_MONTHS_AHEAD` months after this
    one. Rows already in the default partition for a new month are moved into it.
    """
    today = dt.datetime.now(CHINA_TZ).date()
    first = today
    if old is not None:  # the months of the rows to move (later runs need only new months)
        row = conn.execute(
            sql.SQL(
                "SELECT min(coalesce(day, ((at AT TIME ZONE 'UTC') + interval '8 hours')::date))"
                " FROM {}"
            ).format(sql.Identifier(schema, old))
        ).fetchone()
        if row and row[0] is not None and row[0] < first:
            first = row[0]
    last = today
    for _ in range(PARTITION_MONTHS_AHEAD):
        last = (last.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    have = {r[0] for r in conn.execute(_q(sql, "SELECT month FROM {s}.partition_months", schema))}
    for month in _months(first, last):
        if month in have:
            continue
        end = (month + dt.timedelta(days=32)).replace(day=1)
        name = f"events_{month:%Y_%m}"
        # A new partition may not overlap rows already in the default one: move them.
        conn.execute(
            sql.SQL(
                "CREATE TEMP TABLE moving ON COMMIT DROP AS SELECT * FROM {}.events_other "
                "WHERE day >= %s AND day < %s"
            ).format(sql.Identifier(schema)),
            (month, end),
        )
        conn.execute(
            sql.SQL("DELETE FROM {}.events_other WHERE day >= %s AND day < %s").format(
                sql.Identifier(schema)
            ),
            (month, end),
        )
        conn.execute(
            sql.SQL("CREATE TABLE {} PARTITION OF {} FOR VALUES FROM ({}) TO ({})").format(
                sql.Identifier(schema, name),
                sql.Identifier(schema, "events"),
                sql.Literal(month),
                sql.Literal(end),
            )
        )
        conn.execute(
            sql.SQL("INSERT INTO {}.events SELECT * FROM moving").format(sql.Identifier(schema))
        )
        conn.execute("DROP TABLE moving")
        conn.execute(
            _q(sql, "INSERT INTO {s}.partition_months (month) VALUES (%s)", schema), (month,)
        )


def _read_committed(conn: psycopg.Connection[Any]) -> None:
    psycopg, _, _ = _driver()
    conn.isolation_level = psycopg.IsolationLevel.READ_COMMITTED


class PostgresStore(EventStore):
    """A hall's events in a PostgreSQL database shared by many processes and hosts.

    Args:
        url: The connection URL (``postgresql://user:password@host:port/dbname``; any
            libpq connection string works).
        hall: The hall's code. ``None`` picks the only hall set up in the database.
        locality: With ``hall``, records the hall's locality if it is not set up yet.
        schema: The PostgreSQL schema holding the queue tables.
        pool: A ``psycopg_pool.ConnectionPool`` to share among several stores (one per
            hall, say); it stays open when the store closes. Its connections must use
            the READ COMMITTED isolation level (PostgreSQL's default). By default the
            store opens its own small pool.
        max_size: The size of the store's own pool.
        timeout: Seconds to wait for a connection.

    Raises:
        QueueSchemaError: If the database is not migrated to
            :data:`~govservice_std.queues.stores.postgres.SCHEMA_VERSION`
            (run :func:`~govservice_std.queues.stores.postgres.migrate` or
            ``govstd queue-db migrate``).
        QueueStoreError: If the database cannot be reached, or ``hall`` is ``None`` and
            the database does not hold exactly one hall.
    """

    def __init__(
        self,
        url: str,
        hall: str | None = None,
        *,
        locality: str | None = None,
        schema: str = DEFAULT_SCHEMA,
        pool: ConnectionPool[Any] | None = None,
        max_size: int = 2,
        timeout: float = 30.0,
    ) -> None:
        psycopg, sql, psycopg_pool = _driver()
        self._psycopg = psycopg
        self._where = f"{_where(url)} ({schema})"
        self._own_pool = pool is None
        if pool is None:
            pool = psycopg_pool.ConnectionPool(
                url,
                min_size=1,
                max_size=max_size,
                timeout=timeout,
                open=False,
                # The commands rely on READ COMMITTED: once the hall's row lock is granted,
                # the next statement sees what the previous holder committed. A server
                # whose default is stricter would fail them with serialization errors.
                kwargs={"autocommit": False},
                configure=_read_committed,
            )
            try:
                pool.open(wait=True, timeout=timeout)
            except psycopg_pool.PoolTimeout as exc:
                pool.close()
                raise QueueStoreError(f"{self._where}: cannot connect: {exc}") from exc
        self._pool: ConnectionPool[Any] = pool
        try:
            self._hall, self._locality = self._setup(sql, schema, hall, locality)
        except BaseException:
            self.close()
            raise
        columns = sql.SQL(", ").join(map(sql.Identifier, _COLUMNS))
        schema_id = sql.Identifier(schema)
        self._lock = sql.SQL("SELECT last_seq FROM {}.halls WHERE hall = %s FOR UPDATE").format(
            schema_id
        )
        self._select = sql.SQL(
            "SELECT seq, {} FROM {}.events WHERE hall = %s AND seq > %s ORDER BY seq"
        ).format(columns, schema_id)
        self._insert = sql.SQL("INSERT INTO {}.events (hall, seq, {}) VALUES (%s, %s, {})").format(
            schema_id, columns, sql.SQL(", ").join(sql.Placeholder() * len(_COLUMNS))
        )
        self._advance = sql.SQL("UPDATE {}.halls SET last_seq = %s WHERE hall = %s").format(
            schema_id
        )
        self._schema = schema
        self._by_day = sql.SQL(
            "SELECT seq, {} FROM {}.events WHERE hall = %s AND day = %s ORDER BY seq"
        ).format(columns, schema_id)
        # Most commands append one event: one round trip appends it and advances the hall,
        # which shortens the time the hall's lock is held.
        self._append_one = sql.SQL("WITH added AS ({}) {}").format(self._insert, self._advance)

    def _setup(
        self, sql: Any, schema: str, hall: str | None, locality: str | None
    ) -> tuple[str, str | None]:
        with self._conn() as conn:
            version = _version(conn, schema)
            if version != SCHEMA_VERSION:
                state = "is not migrated" if version == 0 else f"has layout version {version}"
                raise QueueSchemaError(
                    f"{self._where}: the queue schema {state}; this library needs version "
                    f"{SCHEMA_VERSION}: run `govstd queue-db migrate --url URL"
                    f"{'' if schema == DEFAULT_SCHEMA else ' --schema ' + schema}`"
                )
            halls = dict(conn.execute(_q(sql, "SELECT hall, locality FROM {s}.halls", schema)))
            if hall is None:
                if len(halls) != 1:
                    found = ", ".join(sorted(halls)) or "none"
                    raise QueueStoreError(
                        f"{self._where}: name the hall; the database holds {len(halls)} ({found})"
                    )
                hall = next(iter(halls))
            elif hall not in halls and locality is not None:
                conn.execute(
                    _q(
                        sql,
                        "INSERT INTO {s}.halls (hall, locality) VALUES (%s, %s) "
                        "ON CONFLICT (hall) DO NOTHING",
                        schema,
                    ),
                    (hall, locality),
                )
                halls[hall] = locality
            elif hall not in halls:
                raise QueueStoreError(
                    f"{self._where}: hall {hall} is not set up; name its locality to set it up"
                )
        return hall, halls.get(hall)

    def _sql(self, text: str) -> Any:
        _, sql, _ = _driver()
        return _q(sql, text, self._schema)

    @contextmanager
    def _conn(self) -> Iterator[psycopg.Connection[Any]]:
        psycopg = self._psycopg
        try:
            # The pool commits when the block ends and rolls back if it raises.
            with self._pool.connection() as conn:
                yield conn
        except psycopg.errors.UniqueViolation as exc:
            raise QueueStoreError(f"{self._where}: refused by the database: {exc}") from exc
        except psycopg.Error as exc:
            raise QueueStoreError(f"{self._where}: {exc}") from exc

    @property
    def hall(self) -> str:
        """The hall's code."""
        return self._hall

    @property
    def locality(self) -> str | None:
        """The locality recorded for the hall when it was set up."""
        return self._locality

    @staticmethod
    def halls(url: str, *, schema: str = DEFAULT_SCHEMA) -> dict[str, str]:
        """The halls set up in a database, with their localities.

        Raises:
            QueueSchemaError: If the database is not migrated.
        """
        _, sql, _ = _driver()
        with _connection(url) as conn:
            if _version(conn, schema) != SCHEMA_VERSION:
                raise QueueSchemaError(
                    f"{_where(url)} ({schema}): the queue schema is not migrated"
                )
            rows = conn.execute(
                _q(sql, "SELECT hall, locality FROM {s}.halls ORDER BY hall", schema)
            )
            return dict(rows.fetchall())

    def execute(self, after: int, decide: Decide) -> int:
        """Run one command as one transaction under the hall's row lock.

        See :meth:`~govservice_std.queues.stores.base.EventStore.execute`. The lock
        returns the hall's last sequence number, so the store knows before deciding
        whether others appended since ``after``, and ``decide`` runs exactly once.
        """
        with self._conn() as conn:
            cur = conn.cursor()
            row = cur.execute(self._lock, (self._hall,)).fetchone()
            if row is None:
                raise QueueStoreError(f"{self._where}: hall {self._hall} is not set up")
            last: int = row[0]
            pending: list[StoredEvent] = []
            if last != after:
                pending = self._events(cur.execute(self._select, (self._hall, after)))
            new = decide(pending)
            if len(new) == 1:
                last += 1
                cur.execute(self._append_one, [self._hall, last, *_row(new[0]), last, self._hall])
            elif new:
                rows = [[self._hall, last + i, *_row(e)] for i, e in enumerate(new, 1)]
                cur.executemany(self._insert, rows)
                last += len(new)
                cur.execute(self._advance, (last, self._hall))
            return last

    def _events(self, cursor: Any) -> list[StoredEvent]:
        where = self._where
        return [(row[0], _event(row, f"{where}#{self._hall}/{row[0]}")) for row in cursor]

    def read(self, after: int = 0) -> list[StoredEvent]:
        """The hall's events after ``after``, in order."""
        with self._conn() as conn:
            return self._events(conn.execute(self._select, (self._hall, after)))

    # -- checkpoints and history -------------------------------------------------------

    def load_checkpoint(self) -> Checkpoint | None:
        """The hall's latest checkpoint, if one was written."""
        with self._conn() as conn:
            row = conn.execute(
                self._sql("SELECT seq, state FROM {s}.checkpoints WHERE hall = %s"), (self._hall,)
            ).fetchone()
        return None if row is None else Checkpoint(int(row[0]), str(row[1]))

    def save_checkpoint(self, checkpoint: Checkpoint, day: DayRecord | None = None) -> None:
        """Write a checkpoint (and a closed day's record) in one transaction."""
        from govservice_std.queues.state import SNAPSHOT_VERSION  # noqa: PLC0415

        with self._conn() as conn:
            conn.execute(
                self._sql(
                    "INSERT INTO {s}.checkpoints (hall, seq, version, state) "
                    "VALUES (%s, %s, %s, %s) ON CONFLICT (hall) DO UPDATE SET "
                    "seq = excluded.seq, version = excluded.version, state = excluded.state, "
                    "written_at = now() WHERE excluded.seq >= {s}.checkpoints.seq"
                ),
                (self._hall, checkpoint.seq, SNAPSHOT_VERSION, checkpoint.state),
            )
            if day is not None:
                conn.execute(
                    self._sql(
                        "INSERT INTO {s}.day_summaries (hall, day, seq, kpis) "
                        "VALUES (%s, %s, %s, %s) ON CONFLICT (hall, day) DO UPDATE SET "
                        "seq = excluded.seq, kpis = excluded.kpis"
                    ),
                    (self._hall, day.day, day.seq, day.kpis),
                )
                conn.execute(
                    self._sql("DELETE FROM {s}.day_tickets WHERE hall = %s AND day = %s"),
                    (self._hall, day.day),
                )
                with conn.cursor() as cur:
                    cur.executemany(
                        self._sql(
                            "INSERT INTO {s}.day_tickets (hall, day, ticket, line, win, grp, "
                            "hour, status, waited, service, arrival) "
                            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                        ),
                        [(self._hall, *fact) for fact in day.facts],
                    )

    def days(self, first: dt.date | None = None, last: dt.date | None = None) -> dict[dt.date, int]:
        """The service days with events, with their last event (only their partitions)."""
        with self._conn() as conn:
            rows = conn.execute(
                self._sql(
                    "SELECT day, max(seq) FROM {s}.events WHERE hall = %s "
                    "AND day BETWEEN %s AND %s GROUP BY day ORDER BY day"
                ),
                (self._hall, first or dt.date.min, last or dt.date.max),
            ).fetchall()
        return {day: int(seq) for day, seq in rows}

    def read_day(self, day: dt.date) -> Iterator[StoredEvent]:
        """The events of one service day, in order (one partition, by index)."""
        with self._conn() as conn:
            cursor = conn.execute(self._by_day, (self._hall, day))
            return iter(self._events(cursor))

    def closed_days(
        self, first: dt.date | None = None, last: dt.date | None = None
    ) -> dict[dt.date, int]:
        """The closed days with a stored record, with the sequence number each closed at."""
        with self._conn() as conn:
            rows = conn.execute(
                self._sql(
                    "SELECT day, seq FROM {s}.day_summaries WHERE hall = %s "
                    "AND day BETWEEN %s AND %s ORDER BY day"
                ),
                (self._hall, first or dt.date.min, last or dt.date.max),
            ).fetchall()
        return {day: int(seq) for day, seq in rows}

    def facts(self, days: Iterable[dt.date]) -> Iterator[TicketFact]:
        """The ticket facts of closed days, a day at a time."""
        query = self._sql(
            "SELECT day, ticket, line, win, grp, hour, status, waited, service, arrival "
            "FROM {s}.day_tickets WHERE hall = %s AND day = %s"
        )
        for day in days:
            with self._conn() as conn:
                rows = conn.execute(query, (self._hall, day)).fetchall()
            for row in rows:
                yield TicketFact(*row)

    def day_summary(self, day: dt.date) -> str | None:
        """The KPI summary stored when ``day`` was closed (JSON text), if any."""
        with self._conn() as conn:
            row = conn.execute(
                self._sql("SELECT kpis FROM {s}.day_summaries WHERE hall = %s AND day = %s"),
                (self._hall, day),
            ).fetchone()
        return None if row is None else str(row[0])

    def close(self) -> None:
        """Close the store's own pool (a shared pool stays open)."""
        if self._own_pool:
            self._pool.close()


# -- the county-wide view ----------------------------------------------------------------


@attrs.frozen
class LocalityKpis:
    """The queue KPIs of every hall of a locality for one day, from one query.

    Attributes:
        locality: The locality's code.
        day: The service day.
        now: The moment "still waiting" refers to.
        overall: All the locality's halls together, as one
            :class:`~govservice_std.queues.kpis.QueueKpis` whose ``hall`` is the
            locality's code. Its ``by_window`` is empty: window codes are
            per hall, so a window slice across halls would mix unrelated windows.
        halls: Each hall's own KPIs (the same figures as
            :func:`~govservice_std.queues.kpis.compute_kpis` gives for it), by hall code;
            halls with no ticket that day are left out.
    """

    locality: str
    day: dt.date
    now: dt.datetime
    overall: QueueKpis
    halls: Mapping[str, QueueKpis]


# One row per ticket of the day, folded in SQL the way QueueState folds events; then one
# row per slice (GROUPING SETS), per hall and across the locality. ``recalled`` changes no
# status and is left out of the fold.
_KPI_QUERY = """
WITH issued AS (
    SELECT i.hall, i.seq, i.ticket, i.line, coalesce(i.grp, %(normal)s) AS grp,
           greatest(i.at, i.slot) AS arrival
    FROM {s}.events i JOIN {s}.halls h ON h.hall = i.hall
    WHERE h.locality = %(locality)s AND i.type = 'issued' AND i.day = %(day)s
),
moves AS (
    SELECT e.hall, e.ticket, e.seq, e.type, e.at, e.win, e.to_line,
           lead(e.type) OVER w AS next_type, lead(e.at) OVER w AS next_at
    FROM {s}.events e JOIN issued USING (hall, ticket)
    WHERE e.type NOT IN ('issued', 'recalled')
    WINDOW w AS (PARTITION BY e.hall, e.ticket ORDER BY e.seq)
),
folded AS (
    SELECT hall, ticket,
           min(at) FILTER (WHERE type = 'called') AS first_called,
           (array_agg(type ORDER BY seq DESC))[1] AS last_type,
           (array_agg(to_line ORDER BY seq DESC) FILTER (WHERE type = 'transferred'))[1]
               AS to_line,
           (array_agg(CASE WHEN type = 'called' THEN win END ORDER BY seq DESC)
               FILTER (WHERE type IN ('called', 'reactivated', 'transferred')))[1] AS win,
           sum(extract(epoch FROM next_at - at)) FILTER (
               WHERE type = 'started' AND next_type IN ('finished', 'transferred')
           ) AS service_s
    FROM moves GROUP BY hall, ticket
),
scored AS (
    SELECT i.hall, coalesce(f.to_line, i.line) AS line, f.win, i.grp,
           extract(hour FROM (i.arrival AT TIME ZONE 'UTC') + interval '8 hours')::int AS hour,
           CASE
               -- A day close ends the tickets still open (they count as cancelled).
               WHEN coalesce(f.last_type, 'issued') IN ('issued', 'called', 'started',
                        'reactivated', 'transferred')
                    AND EXISTS (SELECT 1 FROM {s}.events c WHERE c.hall = i.hall
                        AND c.type = 'day_closed' AND c.day >= %(day)s AND c.seq > i.seq)
                   THEN 'cancelled'
               WHEN f.last_type = 'called' THEN 'called'
               WHEN f.last_type = 'started' THEN 'serving'
               WHEN f.last_type = 'finished' THEN 'finished'
               WHEN f.last_type = 'no_show' THEN 'no_show'
               WHEN f.last_type = 'cancelled' THEN 'cancelled' ELSE 'waiting'
           END AS status,
           -- greatest() skips NULLs: a ticket never called must keep no waiting time.
           CASE WHEN f.first_called IS NOT NULL
               THEN greatest(0, extract(epoch FROM f.first_called - i.arrival))::float8 / 60
           END AS waited,
           CASE WHEN f.last_type = 'finished' THEN coalesce(f.service_s, 0)::float8 / 60 END
               AS service,
           f.first_called IS NULL
               AND %(target)s::float8 IS NOT NULL
               AND extract(epoch FROM %(now)s - i.arrival) > %(target)s::float8 * 60
               AS late
    FROM issued i LEFT JOIN folded f USING (hall, ticket)
)
SELECT grouping(hall, line, win, hour, grp) AS g, hall, line, win, hour, grp,
       count(*), count(waited),
       count(*) FILTER (WHERE status = 'finished'),
       count(*) FILTER (WHERE status = 'no_show'),
       count(*) FILTER (WHERE status = 'cancelled'),
       count(*) FILTER (WHERE status = 'waiting'),
       avg(waited), percentile_cont(0.5) WITHIN GROUP (ORDER BY waited),
       percentile_disc(0.9) WITHIN GROUP (ORDER BY waited), max(waited),
       count(service), avg(service), percentile_cont(0.5) WITHIN GROUP (ORDER BY service),
       percentile_disc(0.9) WITHIN GROUP (ORDER BY service), max(service),
       count(*) FILTER (WHERE waited <= %(target)s::float8),
       count(*) FILTER (WHERE status = 'waiting' AND late)
FROM scored
GROUP BY GROUPING SETS (
    (hall), (hall, line), (hall, win), (hall, hour), (hall, grp),
    (), (line), (hour), (grp)
)
"""


def _distribution(count: int, mean: Any, median: Any, p90: Any, top: Any) -> Distribution:
    if not count:
        return Distribution()
    return Distribution(
        count=count, mean=float(mean), median=float(median), p90=float(p90), max=float(top)
    )


def _kpi_figures(row: Sequence[Any], target: float | None) -> KpiFigures:
    issued, called, served, no_shows, cancelled, waiting_now = row[6:12]
    return KpiFigures.of(
        issued=issued,
        called=called,
        served=served,
        no_shows=no_shows,
        cancelled=cancelled,
        waiting_now=waiting_now,
        waiting=_distribution(called, *row[12:16]),
        service=_distribution(*row[16:21]),
        hits=row[21],
        late_waiting=row[22],
        target=target,
    )


# grouping() bits, in the order hall, line, win, hour, grp (hall is the highest bit).
_SLICES = {
    0b01111: (True, "overall"),
    0b00111: (True, "by_line"),
    0b01011: (True, "by_window"),
    0b01101: (True, "by_hour"),
    0b01110: (True, "by_group"),
    0b11111: (False, "overall"),
    0b10111: (False, "by_line"),
    0b11101: (False, "by_hour"),
    0b11110: (False, "by_group"),
}
_KEY_COLUMN = {"by_line": 2, "by_window": 3, "by_hour": 4, "by_group": 5}


def locality_kpis(
    source: str | ConnectionPool[Any],
    locality: str,
    day: dt.date,
    *,
    now: dt.datetime | None = None,
    target_minutes: float | None = None,
    target_share: float | None = None,
    schema: str = DEFAULT_SCHEMA,
) -> LocalityKpis:
    """The KPIs of every hall of a locality for a day, aggregated in the database.

    One query folds the day's events of all the locality's halls (those set up with this
    locality) into tickets and computes every slice, per hall and across the locality,
    with the definitions of :mod:`govservice_std.queues.kpis` — for a county dashboard.

    Args:
        source: A connection URL, or a ``psycopg_pool.ConnectionPool`` (a dashboard
            keeps one open).
        locality: The locality's code, as recorded when its halls were set up.
        day: The service day.
        now: The moment "still waiting" refers to (default: the end of ``day`` if it is
            over, else the current time).
        target_minutes: The waiting-time target, if any (usually the locality's
            ``QueuePolicy.target_minutes``).
        target_share: The share that should meet it, if set.
        schema: The PostgreSQL schema holding the queue tables.

    Raises:
        QueueStoreError: If the database cannot be reached or is not migrated.
    """
    _, sql, _ = _driver()
    if now is None:
        # The last day of the calendar has no next day: it is not over yet.
        later = day + dt.timedelta(days=1) if day < dt.date.max else day
        end = dt.datetime.combine(later, dt.time(), CHINA_TZ)
        now = min(end, dt.datetime.now(CHINA_TZ))
    if target_minutes is not None and not math.isfinite(target_minutes):
        raise QueueStoreError(f"target_minutes must be a finite number (got {target_minutes})")
    params = {
        "locality": locality,
        "day": day,
        "now": now,
        "target": target_minutes,
        "normal": NORMAL_GROUP,
    }
    query = _q(sql, _KPI_QUERY, schema)
    if isinstance(source, str):
        with _connection(source) as conn:
            rows = conn.execute(query, params).fetchall()
    else:
        psycopg, _, _ = _driver()
        try:
            with source.connection() as conn:
                rows = conn.execute(query, params).fetchall()
        except psycopg.Error as exc:
            raise QueueStoreError(f"county KPIs of {locality}: {exc}") from exc
    overall: dict[str, Any] = {"by_line": {}, "by_window": {}, "by_hour": {}, "by_group": {}}
    # The empty grouping set always gives a row, even on a day without a ticket.
    overall["overall"] = _kpi_figures([0] * 23, target_minutes)
    per_hall: dict[str, dict[str, Any]] = {}
    for row in rows:
        of_hall, name = _SLICES[row[0]]
        if of_hall:
            figures = per_hall.setdefault(
                row[1], {"by_line": {}, "by_window": {}, "by_hour": {}, "by_group": {}}
            )
        else:
            figures = overall
        if name == "overall":
            figures["overall"] = _kpi_figures(row, target_minutes)
        else:
            key = row[_KEY_COLUMN[name]]
            if key is not None:  # a ticket never called has no window
                figures[name][key] = _kpi_figures(row, target_minutes)

    def build(code: str, figures: dict[str, Any]) -> QueueKpis:
        return QueueKpis(
            hall=code,
            day=day,
            now=now,
            target_minutes=target_minutes,
            target_share=target_share,
            overall=figures["overall"],
            by_line=dict(sorted(figures["by_line"].items())),
            by_window=dict(sorted(figures["by_window"].items())),
            by_hour=dict(sorted(figures["by_hour"].items())),
            by_group=dict(sorted(figures["by_group"].items())),
        )

    return LocalityKpis(
        locality=locality,
        day=day,
        now=now,
        overall=build(locality, overall),
        halls={code: build(code, per_hall[code]) for code in sorted(per_hall)},
    )
