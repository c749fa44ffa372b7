"""The API fuzzed from its own OpenAPI schema: no server error, every response as documented."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection

from govservice_std.queues.engine import FixedClock
from govservice_std.queues.events import CHINA_TZ
from govservice_std.queues.stores.sqlite import SQLiteStore
from govservice_std.registry import load_registry
from govservice_std.web.app import create_app
from tests.web.conftest import HALL, make_tokens
from tests.web.test_scorecard import example_assessment


def _app(folder: Path) -> tuple[object, dict[str, str]]:
    registry = load_registry()
    db = folder / "fuzz.db"
    SQLiteStore(db, HALL, locality="441324").close()
    clock = FixedClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ))
    app = create_app(registry.resolve("441324"), db, clock=clock, assessment=example_assessment())
    return app, make_tokens(db)


_FOLDER = Path(__import__("tempfile").mkdtemp(prefix="govstd-fuzz-"))
APP, TOKENS = _app(_FOLDER)
schema = schemathesis.openapi.from_asgi("/api/schema/openapi.json", APP).exclude(
    path_regex="/queue/events$"  # a stream that never ends
)


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.parametrize("role", ["manager", "kiosk", "none"])
def test_no_server_errors_and_responses_match_the_schema(
    case: schemathesis.Case[Any], role: str
) -> None:
    headers = {} if role == "none" else {"Authorization": f"Bearer {TOKENS[role]}"}
    # Unknown query parameters are ignored, as HTTP APIs commonly do (a client may add a
    # cache-buster): the negative-data check that flags them is left out.
    case.call_and_validate(headers=headers, excluded_checks=[negative_data_rejection])
