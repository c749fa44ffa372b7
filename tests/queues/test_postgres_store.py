"""What only the PostgreSQL store has: explicit migrations, and the county-wide KPI view.

The shared guarantees (replay, concurrency, crashes, the stateful suite) run on PostgreSQL
in ``test_store_suite.py`` and ``test_stateful.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
from collections.abc import Iterator

import attrs
import psycopg
import pytest
from psycopg_pool import ConnectionPool

from govservice_std import PostgresStore, load_registry
from govservice_std.cli import main
from govservice_std.errors import IllegalCommandError, QueueSchemaError, QueueStoreError
from govservice_std.halls import Hall
from govservice_std.queues import LocalityKpis, locality_kpis
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.events import CHINA_TZ, TicketIssued
from govservice_std.queues.history import fold_day
from govservice_std.queues.kpis import QueueKpis, compute_kpis
from govservice_std.queues.state import Ticket
from govservice_std.queues.stores.postgres import SCHEMA_VERSION, migrate, schema_version
from govservice_std.serialization import structure

from .conftest import START, make_hall, make_policy, postgres_schema


@pytest.fixture
def fresh_schema(postgres_url: str) -> Iterator[str]:
    """A schema name nobody has migrated yet."""
    with postgres_schema(postgres_url) as schema:
        with psycopg.connect(postgres_url) as con:
            con.execute(f'DROP SCHEMA "{schema}" CASCADE')
        yield schema
        with psycopg.connect(postgres_url) as con:
            con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')


def test_unmigrated_database_is_refused_not_changed(postgres_url: str, fresh_schema: str) -> None:
    with pytest.raises(QueueSchemaError, match=r"not migrated.*govstd queue-db migrate"):
        PostgresStore(postgres_url, "441324116", locality="441324", schema=fresh_schema)
    assert schema_version(postgres_url, schema=fresh_schema) == 0
    assert migrate(postgres_url, schema=fresh_schema) == list(range(1, SCHEMA_VERSION + 1))
    assert migrate(postgres_url, schema=fresh_schema) == []  # up to date: nothing to do
    assert schema_version(postgres_url, schema=fresh_schema) == SCHEMA_VERSION
    store = PostgresStore(postgres_url, "441324116", locality="441324", schema=fresh_schema)
    assert store.locality == "441324"
    store.close()
    assert PostgresStore.halls(postgres_url, schema=fresh_schema) == {"441324116": "441324"}


def test_newer_database_is_refused(postgres_url: str, pg_schema: str) -> None:
    with psycopg.connect(postgres_url) as con:
        con.execute(
            f'INSERT INTO "{pg_schema}".migrations (version, description) VALUES (99, %s)',  # noqa: S608
            ("from the future",),
        )
    with pytest.raises(QueueSchemaError, match="layout version 99"):
        PostgresStore(postgres_url, "441324116", locality="441324", schema=pg_schema)
    with pytest.raises(QueueSchemaError, match="upgrade govservice-std"):
        migrate(postgres_url, schema=pg_schema)


def test_store_checks(postgres_url: str, pg_schema: str) -> None:
    with pytest.raises(QueueStoreError, match="holds 0"):
        PostgresStore(postgres_url, schema=pg_schema)
    with pytest.raises(QueueStoreError, match="not set up"):
        PostgresStore(postgres_url, "441324116", schema=pg_schema)
    PostgresStore(postgres_url, "441324116", locality="441324", schema=pg_schema).close()
    only = PostgresStore(postgres_url, schema=pg_schema)
    assert only.hall == "441324116"
    only.close()
    with pytest.raises(QueueStoreError, match="cannot connect"):
        PostgresStore("postgresql://nobody@127.0.0.1:1/none", "H", locality="441324", timeout=1)
    with pytest.raises(QueueStoreError, match="not a PostgreSQL connection URL"):
        PostgresStore("nonsense", "H")


def test_database_refuses_duplicate_numbers(postgres_url: str, pg_schema: str) -> None:
    store = PostgresStore(postgres_url, "441324116", locality="441324", schema=pg_schema)
    clock = FixedClock(START)
    QueueEngine(make_hall(), make_policy(), store=store, clock=clock).issue("A")
    store.close()
    with (
        psycopg.connect(postgres_url) as con,
        pytest.raises(psycopg.errors.UniqueViolation, match="hall, line, day, number"),
    ):
        con.execute(
            f'INSERT INTO "{pg_schema}".events (hall, seq, type, at, at_offset, line, day, '  # noqa: S608
            "number) VALUES ('441324116', 99, 'issued', now(), 0, 'A', %s, 1)",
            (START.date(),),
        )


def _close(got: object, want: object, path: str) -> None:
    if isinstance(want, dict):
        assert isinstance(got, dict), path
        assert list(got) == list(want), path
        for key in want:
            _close(got[key], want[key], f"{path}.{key}")
    elif isinstance(want, float) and got is not None:
        # Summed in another order by the database: equal up to rounding.
        assert got == pytest.approx(want, rel=1e-9, abs=1e-9), path
    else:
        assert got == want, path


def _assert_close(got: QueueKpis, want: QueueKpis) -> None:
    """The same KPIs, up to the rounding of sums of floats."""
    _close(attrs.asdict(got, recurse=True), attrs.asdict(want, recurse=True), "kpis")


def _town(code: str) -> Hall:
    hall = make_hall()
    return structure({**_hall_data(hall), "code": code, "division": code}, Hall)


def _hall_data(hall: Hall) -> dict[str, object]:
    return {
        "name": hall.name,
        "tier": "town",
        "windows": [
            {"code": w.code, "kind": w.kind.value, "lines": list(w.lines)} for w in hall.windows
        ],
    }


def _busy_day(engine: QueueEngine, clock: FixedClock, rng: random.Random) -> None:
    """A random but legal day: arrivals, calls, no-shows, transfers, cancellations."""
    for window in ("W1", "W2", "W3"):
        engine.open_window(window)
    for _ in range(120):
        clock.advance(minutes=rng.randint(0, 4))
        roll = rng.random()
        window = rng.choice(("W1", "W2", "W3"))
        current = engine.window(window).ticket
        try:
            if roll < 0.35:
                engine.issue(rng.choice("ABC"), priority=rng.choice((None, None, "elderly")))
            elif roll < 0.4:
                slot = clock.now + dt.timedelta(minutes=rng.randint(-10, 20))
                engine.check_in(f"P{rng.randrange(10**6)}", line="A", slot=slot)
            elif current is None:
                engine.call_next(window)
            elif roll < 0.5:
                engine.recall(window)
                engine.no_show(current)
                if rng.random() < 0.5:
                    engine.reactivate(current)
            elif roll < 0.55:
                engine.transfer(current, rng.choice("ABC"))
            elif roll < 0.6:
                engine.cancel(current)
            elif engine.ticket(current).status.value == "called":
                engine.start(current)
            else:
                engine.finish(current)
        except IllegalCommandError:
            pass


def test_county_kpis_match_the_per_hall_fold(postgres_url: str, pg_schema: str) -> None:
    rng = random.Random(441324)  # noqa: S311 - test data, not secrets
    clock = FixedClock(START)
    engines = {}
    for code in ("441324116", "441324118"):
        store = PostgresStore(postgres_url, code, locality="441324", schema=pg_schema)
        engines[code] = QueueEngine(_town(code), make_policy(), store=store, clock=clock)
    other = PostgresStore(postgres_url, "441302001", locality="441302", schema=pg_schema)
    engines["441302001"] = QueueEngine(_town("441302001"), make_policy(), store=other, clock=clock)
    for engine in engines.values():
        _busy_day(engine, clock, rng)
    clock.advance(days=1)  # tomorrow's tickets are not today's
    engines["441324116"].issue("A")
    now = START + dt.timedelta(hours=8)
    county = locality_kpis(
        postgres_url,
        "441324",
        START.date(),
        now=now,
        target_minutes=15.0,
        target_share=0.8,
        schema=pg_schema,
    )
    assert isinstance(county, LocalityKpis)
    assert sorted(county.halls) == ["441324116", "441324118"]  # the other county is not in
    every: list[Ticket] = []
    for code in county.halls:
        engine = engines[code]
        # One hall's first command of the next day closed the day: read it back by day.
        tickets = fold_day(engine.store.read_day(START.date())).tickets(day=START.date())
        every.extend(tickets)
        expected = compute_kpis(
            tickets,
            hall=code,
            now=now,
            day=START.date(),
            target_minutes=15.0,
            target_share=0.8,
        )
        _assert_close(county.halls[code], expected)
    expected = compute_kpis(
        every, hall="441324", now=now, day=START.date(), target_minutes=15.0, target_share=0.8
    )
    assert county.overall.by_window == {}
    _assert_close(county.overall, attrs.evolve(expected, by_window={}))
    for engine in engines.values():
        engine.store.close()


def test_county_kpis_of_an_empty_day(postgres_url: str, pg_schema: str) -> None:
    county = locality_kpis(postgres_url, "441324", START.date(), schema=pg_schema)
    assert county.halls == {}
    assert county.overall.overall.issued == 0
    assert county.overall.overall.within_target is None
    assert county.now == dt.datetime(2026, 3, 3, tzinfo=county.now.tzinfo)


def _govstd(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = 0
    try:
        main(["--lang", "en", *args])  # the English words this test checks
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_queue_db_cli(
    postgres_url: str, fresh_schema: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["queue-db", "--url", postgres_url, "--schema", fresh_schema]
    needs = f"version 0 (this library needs {SCHEMA_VERSION})"
    assert needs in _govstd(capsys, *db, "version")[1]
    applied = ", ".join(str(v) for v in range(1, SCHEMA_VERSION + 1))
    assert _govstd(capsys, *db, "migrate")[1].strip() == f"schema {fresh_schema}: applied {applied}"
    assert "up to date" in _govstd(capsys, *db, "migrate")[1]
    assert f"version {SCHEMA_VERSION} (up to date)" in _govstd(capsys, *db, "version")[1]
    # The county centre of Longmen, from the reference plugin, on the shared database.
    store = PostgresStore(postgres_url, "441324", locality="441324", schema=fresh_schema)
    clock = FixedClock(START)
    engine = QueueEngine.for_hall(
        load_registry().resolve("441324"), "441324", store=store, clock=clock
    )
    engine.issue("A")
    store.close()
    code, out, _ = _govstd(capsys, *db, "kpis", "441324", "--day", "2026-03-02", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["overall"]["overall"]["issued"] == 1
    assert list(data["halls"]) == ["441324"]
    code, out, _ = _govstd(capsys, *db, "kpis", "441324", "--day", "2026-03-02")
    assert "1 halls with tickets" in out
    code, _, err = _govstd(capsys, "queue-db", "--url", "postgresql://x@127.0.0.1:1/n", "version")
    assert code == 2
    assert "cannot connect" in err


def test_stores_share_one_pool(postgres_url: str, pg_schema: str) -> None:
    clock = FixedClock(START)
    with ConnectionPool(postgres_url, min_size=1, max_size=2, open=True) as pool:
        stores = [
            PostgresStore(postgres_url, code, locality="441324", schema=pg_schema, pool=pool)
            for code in ("441324116", "441324118")
        ]
        for store in stores:
            engine = QueueEngine(_town(store.hall), make_policy(), store=store, clock=clock)
            assert engine.issue("A").label == "A001"  # numbers are per hall
            store.close()  # leaves the shared pool open
        county = locality_kpis(pool, "441324", START.date(), schema=pg_schema)
        assert {code: k.overall.issued for code, k in county.halls.items()} == {
            "441324116": 1,
            "441324118": 1,
        }
        assert county.overall.overall.issued == 2


def test_commands_run_read_committed_on_a_stricter_server(
    postgres_url: str, pg_schema: str
) -> None:
    # A server (here: this connection) whose default isolation is SERIALIZABLE would fail
    # concurrent commands on the hall's row; the store's own pool asks for READ COMMITTED.
    sep = "&" if "?" in postgres_url else "?"
    strict = f"{postgres_url}{sep}options=-c%20default_transaction_isolation%3Dserializable"
    PostgresStore(strict, "441324116", locality="441324", schema=pg_schema).close()
    clock = FixedClock(START)
    errors: list[BaseException] = []

    def kiosk() -> None:
        try:
            store = PostgresStore(strict, "441324116", schema=pg_schema)
            engine = QueueEngine(make_hall(), make_policy(), store=store, clock=clock)
            for _ in range(40):
                engine.issue("A")
            store.close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=kiosk) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    store = PostgresStore(postgres_url, schema=pg_schema)
    numbers = [e.number for _, e in store.read() if isinstance(e, TicketIssued)]
    store.close()
    assert numbers == list(range(1, 121))


def test_migration_from_the_unpartitioned_layout(postgres_url: str, fresh_schema: str) -> None:
    from govservice_std.queues.stores import postgres as module

    # A database of layout 1, written by the previous release: create it by hand.
    with psycopg.connect(postgres_url) as con:
        con.execute(f'CREATE SCHEMA "{fresh_schema}"')
        con.execute(
            f'CREATE TABLE "{fresh_schema}".migrations (version integer PRIMARY KEY, '
            "description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        for statement in module._MIGRATIONS[0][2]:
            con.execute(statement.format(s=f'"{fresh_schema}"'))
        con.execute(
            f"INSERT INTO \"{fresh_schema}\".migrations VALUES (1, 'queue halls and events')"  # noqa: S608
        )
        con.execute(
            f'INSERT INTO "{fresh_schema}".halls (hall, locality, last_seq) '  # noqa: S608
            "VALUES ('441324116', '441324', 3)"
        )
        rows = [
            (1, "issued", "20250110-A001", "2025-01-10T09:00:00+08:00", "A001", "A", 1,
             "2025-01-10"),
            (2, "called", "20250110-A001", "2025-01-10T09:05:00+08:00", None, None, None, None),
            # Late in the evening UTC is the next morning in China.
            (3, "window_opened", None, "2025-01-10T23:30:00+00:00", None, None, None, None),
        ]  # fmt: skip
        for seq, kind, ticket, at, label, line, number, day in rows:
            order_at = at if kind == "issued" else None
            con.execute(
                f'INSERT INTO "{fresh_schema}".events (hall, seq, type, ticket, at, at_offset, '  # noqa: S608
                "label, line, number, day, win, order_at, order_at_offset) VALUES "
                "('441324116', %s, %s, %s, %s, 28800, %s, %s, %s, %s, 'W1', %s, %s)",
                (seq, kind, ticket, at, label, line, number, day, order_at,
                 28800 if order_at else None),
            )  # fmt: skip
    assert schema_version(postgres_url, schema=fresh_schema) == 1
    assert migrate(postgres_url, schema=fresh_schema) == [2, 3]
    with psycopg.connect(postgres_url) as con:
        relkind = con.execute(
            "SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relname = 'events'",
            (fresh_schema,),
        ).fetchone()
        assert relkind == ("p",)  # partitioned
        months = con.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s "
            "ORDER BY c.relname",
            (fresh_schema,),
        ).fetchall()
        assert ("events_2025_01",) in months
        assert ("events_other",) in months
        today = dt.datetime.now(CHINA_TZ).date()
        assert (f"events_{today:%Y_%m}",) in months
        # The old rows are in their month's partition, with their service day.
        where = con.execute(
            f'SELECT tableoid::regclass::text, day FROM "{fresh_schema}".events ORDER BY seq'  # noqa: S608
        ).fetchall()
        assert [day for _, day in where] == [
            dt.date(2025, 1, 10), dt.date(2025, 1, 10), dt.date(2025, 1, 11)
        ]  # fmt: skip
        assert all(table.endswith("events_2025_01") for table, _ in where)
    store = PostgresStore(postgres_url, "441324116", schema=fresh_schema)
    events = store.read()
    assert [seq for seq, _ in events] == [1, 2, 3]
    assert list(store.days()) == [dt.date(2025, 1, 10), dt.date(2025, 1, 11)]
    assert [seq for seq, _ in store.read_day(dt.date(2025, 1, 10))] == [1, 2]
    clock = FixedClock(START)
    engine = QueueEngine(make_hall(), make_policy(), store=store, clock=clock)
    assert engine.issue("A").label == "A001"
    assert engine.state.closed_through == dt.date(2025, 1, 10)  # closed by the first command
    assert store.closed_days() == {dt.date(2025, 1, 10): 4}
    store.close()


def test_events_beyond_the_partitions_move_into_their_month(
    postgres_url: str, pg_schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govservice_std.queues.stores import postgres as module

    far = dt.datetime.now(CHINA_TZ) + dt.timedelta(days=31 * (module.PARTITION_MONTHS_AHEAD + 3))
    store = PostgresStore(postgres_url, "441324116", locality="441324", schema=pg_schema)
    engine = QueueEngine(make_hall(), make_policy(), store=store, clock=FixedClock(far))
    engine.issue("A")

    def where() -> str:
        with psycopg.connect(postgres_url) as con:
            row = con.execute(
                f'SELECT tableoid::regclass::text FROM "{pg_schema}".events'  # noqa: S608
            ).fetchone()
        assert row is not None
        return str(row[0])

    assert where().endswith("events_other")
    monkeypatch.setattr(module, "PARTITION_MONTHS_AHEAD", module.PARTITION_MONTHS_AHEAD + 6)
    assert migrate(postgres_url, schema=pg_schema) == []
    assert where().endswith(f"events_{far:%Y_%m}")
    assert [e.label for _, e in store.read_day(far.date())] == ["A001"]  # type: ignore[union-attr]
    store.close()
