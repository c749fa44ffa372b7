"""The live feed (``GET /api/v1/queue/events``): every event, or only the types asked for."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from govservice_std.queues.stores.sqlite import SQLiteStore
from govservice_std.web.serving import serve_process
from tests.web.conftest import HALL, Served, make_tokens


def _notices(stream: httpx.Response, until: str) -> list[dict[str, object]]:
    """The notices of an open stream, up to and including the first of type ``until``."""
    seen: list[dict[str, object]] = []
    for line in stream.iter_lines():
        if line.startswith("data:"):
            seen.append(json.loads(line[5:]))
            if seen[-1]["type"] == until:
                return seen
    raise AssertionError(f"the stream ended before a {until!r} notice: {seen}")


def test_a_board_hears_only_the_calls_it_asks_for(tmp_path: Path) -> None:
    db = tmp_path / "hall.db"
    SQLiteStore(db, HALL, locality="441324").close()
    tokens = make_tokens(db)
    kiosk = {"Authorization": f"Bearer {tokens['kiosk']}"}
    counter = {"Authorization": f"Bearer {tokens['counter']}"}
    manager = {"Authorization": f"Bearer {tokens['manager']}"}
    with serve_process(db, "441324", hall=HALL) as base, httpx.Client(base_url=base) as http:
        assert http.post("/api/v1/queue/windows/A01/open", headers=manager).status_code == 201
        timeout = httpx.Timeout(10, read=20)
        with (
            http.stream("GET", "/api/v1/queue/events?types=called,recalled", timeout=timeout)
            as calls,
            http.stream("GET", "/api/v1/queue/events", timeout=timeout) as every,
        ):  # fmt: skip
            assert calls.status_code == every.status_code == 200
            issued = http.post("/api/v1/queue/tickets", json={"line": "A"}, headers=kiosk)
            assert issued.status_code == 201
            assert http.post("/api/v1/queue/windows/A01/call", json={}, headers=counter).is_success
            assert http.post("/api/v1/queue/windows/A01/recall", headers=counter).is_success
            label = issued.json()["label"]
            assert [(n["type"], n["ticket"]) for n in _notices(calls, "recalled")] == [
                ("called", label),
                ("recalled", label),
            ]
            assert [n["type"] for n in _notices(every, "recalled")][-3:] == [
                "issued",
                "called",
                "recalled",
            ]


def test_an_unknown_event_type_is_refused_with_the_known_ones(served: Served) -> None:
    response = served.client.get(
        "/api/v1/queue/events?types=called,caled", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    problem = response.json()
    assert problem["code"] == "bad-request"
    assert problem["problems"][0]["path"] == "types"
    assert "'caled'" in problem["problems"][0]["message"]
    assert "called" in problem["problems"][0]["message"]
