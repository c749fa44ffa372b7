"""``govstd queue-db kpis`` follows the language of the run."""

from __future__ import annotations

from click.testing import CliRunner

from govservice_std import load_registry
from govservice_std.cli import cli
from govservice_std.queues.engine import FixedClock, QueueEngine
from govservice_std.queues.stores.postgres import PostgresStore
from tests.languages import cjk_leaks, english_leaks

from .conftest import START


def test_queue_db_kpis_in_both_languages(postgres_url: str, pg_schema: str) -> None:
    store = PostgresStore(postgres_url, "441324", locality="441324", schema=pg_schema)
    resolved = load_registry().resolve("441324")
    engine = QueueEngine.for_hall(resolved, "441324", store=store, clock=FixedClock(START))
    engine.issue("A")
    store.close()
    args = ["queue-db", "--url", postgres_url, "--schema", pg_schema, "kpis", "441324", "--day",
            START.date().isoformat()]  # fmt: skip
    runner = CliRunner()
    chinese = runner.invoke(cli, args, catch_exceptions=False).output
    english = runner.invoke(cli, ["--lang", "en", *args], catch_exceptions=False).output
    assert "1 个场所有取号" in chinese
    assert "取号数" in chinese
    assert english_leaks(chinese) == []
    assert "1 halls with tickets" in english
    assert " issued " in english
    assert cjk_leaks(english, ()) == []
