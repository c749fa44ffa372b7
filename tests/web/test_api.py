"""The hall service's JSON API, driven in process through the real app on SQLite."""

from __future__ import annotations

import json

import pytest
from litestar.testing import TestClient

from govservice_std.web.app import create_app
from govservice_std.web.auth import TokenStore, csrf_token
from tests.web.conftest import HALL, Served

ID = "441324199003074517"


def test_a_ticket_from_kiosk_to_finish(served: Served) -> None:
    c = served.client
    hall = c.get("/api/v1/hall").json()
    assert hall["code"] == HALL
    assert {line["id"] for line in hall["lines"]} >= {"A", "C"}
    issued = c.post("/api/v1/queue/tickets", json={"line": "A"}, headers=served.auth("kiosk"))
    assert issued.status_code == 201
    ticket = issued.json()
    assert ticket["label"] == "A001"
    assert ticket["status"] == "waiting"
    assert ticket["issued_at"].endswith("+08:00")
    counter = served.auth("counter")
    assert c.post("/api/v1/queue/windows/A01/open", headers=counter).json()["open"] is True
    called = c.post("/api/v1/queue/windows/A01/call", json={}, headers=counter).json()
    assert (called["label"], called["status"], called["window"]) == ("A001", "called", "A01")
    status = c.get("/api/v1/queue/status").json()
    assert status["recent_calls"][0] == {
        "ticket": "A001",
        "window": "A01",
        "at": "2026-03-02T09:00:00+08:00",
        "recall": False,
    }
    served.clock.advance(minutes=1)
    assert (
        c.post(f"/api/v1/queue/tickets/{ticket['id']}/start", headers=counter).json()["status"]
        == "serving"
    )
    served.clock.advance(minutes=6)
    done = c.post(
        "/api/v1/queue/tickets/A001/finish", json={"outcome": "completed"}, headers=counter
    ).json()
    assert (done["status"], done["outcome"]) == ("finished", "completed")
    kpis = c.get("/api/v1/queue/kpis", headers=served.auth("manager")).json()
    assert kpis["overall"]["served"] == 1
    assert kpis["overall"]["service"]["mean"] == pytest.approx(6.0)


def test_writes_need_a_token_of_the_right_role(served: Served) -> None:
    c = served.client
    c.post("/api/v1/queue/tickets", json={"line": "A"}, headers=served.auth("kiosk"))
    c.post("/api/v1/queue/windows/A01/open", headers=served.auth("counter"))
    anonymous = c.post("/api/v1/queue/tickets", json={"line": "A"})
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("application/problem+json")
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    assert anonymous.json()["code"] == "access-denied"
    wrong = {"Authorization": "Bearer gst_not-a-real-token"}
    assert c.post("/api/v1/queue/tickets", json={"line": "A"}, headers=wrong).status_code == 401
    # A board may not issue; a kiosk may not call; a counter may not act at another window.
    for role, path in [
        ("board", "/api/v1/queue/tickets"),
        ("kiosk", "/api/v1/queue/windows/A01/call"),
        ("counter2", "/api/v1/queue/windows/A01/call"),
        ("counter", "/api/v1/queue/windows/A02/open"),
    ]:
        body = {"line": "A"} if path.endswith("tickets") else {}
        refused = c.post(path, json=body, headers=served.auth(role))
        assert refused.status_code == 403, (role, path)
    # Figures are for managers and API clients.
    assert c.get("/api/v1/queue/kpis").status_code == 401
    assert c.get("/api/v1/queue/kpis", headers=served.auth("kiosk")).status_code == 403
    assert c.get("/api/v1/queue/kpis", headers=served.auth("api")).status_code == 200
    # Nothing was written by the refused requests.
    assert c.get("/api/v1/queue/status").json()["waiting"]["A"] == 1


def test_a_revoked_token_stops_working(served: Served) -> None:
    store = TokenStore(served.db)
    kiosk = next(t for t in store.tokens(HALL) if t.label == "entrance")
    store.revoke(kiosk.id)
    served.app.state.hall._cache.clear()
    refused = served.client.post(
        "/api/v1/queue/tickets", json={"line": "A"}, headers=served.auth("kiosk")
    )
    assert refused.status_code == 401
    assert all(
        served.tokens["kiosk"] not in line
        for line in served.db.read_bytes().decode("latin-1").splitlines()
    )


def test_errors_are_problem_details_in_the_requests_language(served: Served) -> None:
    c = served.client
    counter = served.auth("counter")
    c.post("/api/v1/queue/windows/A01/open", headers=counter)
    zh = c.post("/api/v1/queue/windows/A01/call", json={}, headers=counter)
    assert zh.status_code == 409
    body = zh.json()
    assert body["code"] == "no-ticket-waiting"
    assert body["title"] == "与当前状态冲突"
    assert body["type"] == "urn:govservice-std:problem:no-ticket-waiting"
    assert zh.headers["content-language"] == "zh-CN"
    en = c.post(
        "/api/v1/queue/windows/A01/call",
        json={},
        headers={**counter, "Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"},
    )
    assert en.json()["title"] == "Conflict with the current state"
    assert "no ticket" in en.json()["detail"]
    unknown = c.post(
        "/api/v1/queue/tickets", json={"line": "Q"}, headers=served.auth("kiosk")
    ).json()
    assert unknown["code"] == "illegal-command"
    assert "没有业务类别 Q" in unknown["detail"]
    bad = c.post("/api/v1/queue/tickets", json={"line": 7}, headers=served.auth("kiosk"))
    assert bad.status_code == 400
    assert bad.json()["code"] == "bad-request"
    assert bad.json()["problems"][0]["path"] == "line"
    missing = c.get("/api/v1/no/such/path")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not-found"


def test_pages_send_a_restrictive_policy_and_cookies_are_safe(served: Served) -> None:
    c = served.client
    page = c.get("/login")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert "<script>" not in page.text  # no inline code anywhere
    signed = c.post("/login", data={"token": served.tokens["counter"]}, follow_redirects=False)
    assert signed.status_code in (301, 302, 303)
    assert signed.headers["location"].startswith("/counter")
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    # A write with the session cookie needs the page's CSRF token.
    assert c.post("/api/v1/queue/windows/A01/open").status_code == 403
    ok = c.post(
        "/api/v1/queue/windows/A01/open",
        headers={"X-CSRF-Token": csrf_token(served.tokens["counter"])},
    )
    assert ok.status_code == 201
    refused = c.post("/login", data={"token": "gst_wrong"}, follow_redirects=False)
    assert refused.status_code == 401


def test_validation_masks_id_numbers(served: Served) -> None:
    c = served.client
    items = c.get("/api/v1/items").json()
    with_form = [i for i in items if i.get("form")]
    assert with_form
    code = with_form[0]["code"]
    spec = c.get(f"/api/v1/items/{code}/form").json()
    assert spec["id"] == with_form[0]["form"]
    result = c.post(f"/api/v1/items/{code}/validate", json={"applicant_id": ID, "x": ID})
    assert result.status_code == 200
    body = result.json()
    assert body["valid"] is False
    assert body["version"] == spec["version"]
    assert ID not in json.dumps(body, ensure_ascii=False)
    assert c.get("/api/v1/items/NO-SUCH-ITEM").status_code == 404


def test_the_openapi_schema_describes_every_route(served: Served) -> None:
    schema = served.client.get("/api/schema/openapi.json").json()
    paths = schema["paths"]
    for path in [
        "/api/v1/queue/tickets",
        "/api/v1/queue/windows/{window}/call",
        "/api/v1/queue/tickets/{ref}/finish",
        "/api/v1/queue/status",
        "/api/v1/queue/kpis",
        "/api/v1/items/{code}/validate",
    ]:
        assert path in paths, path
    assert "TicketView" in schema["components"]["schemas"]
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    # The pages are not part of the API.
    assert "/kiosk" not in paths


def test_front_desk_commands_over_http(served: Served) -> None:
    c = served.client
    kiosk, counter, counter2 = (served.auth(r) for r in ("kiosk", "counter", "counter2"))
    for _ in range(3):
        c.post("/api/v1/queue/tickets", json={"line": "A"}, headers=kiosk)
    assert c.post("/api/v1/queue/windows/A01/open", headers=counter).status_code == 201
    signed = c.post("/api/v1/queue/windows/A01/sign-in", json={"staff": "S02"}, headers=counter)
    assert signed.json()["staff"] == "S02"
    # A counter may not sign someone in at another window.
    other = c.post("/api/v1/queue/windows/A01/sign-in", json={"staff": "S03"}, headers=counter2)
    assert other.status_code == 403
    # The third ticket's place, public: two ahead of it, A01 may call it.
    place = c.get("/api/v1/queue/tickets/A003/position").json()
    assert (place["ahead"], place["label"]) == (2, "A003")
    assert "A01" in place["windows"]
    # A chosen call out of order, with its reason; then park it and resume it.
    chosen = c.post(
        "/api/v1/queue/windows/A01/call",
        json={"ticket": "A003", "reason": "老年人代办"},
        headers=counter,
    ).json()
    assert (chosen["label"], chosen["status"]) == ("A003", "called")
    parked = c.post("/api/v1/queue/tickets/A003/park", headers=counter).json()
    assert parked["status"] == "parked"
    # The counter page lists it once, in its live part, and stays well-formed around it.
    page = c.get("/counter", headers=counter).text
    assert page.count("本窗口暂挂号码") == 1
    assert 'data-page="counter"' in page
    assert "<section" not in page.split("</title>")[0]
    fragment = c.get("/counter?fragment=1", headers=counter).text
    assert "A003" in fragment
    assert fragment.count("本窗口暂挂号码") == 1
    resumed = c.post("/api/v1/queue/tickets/A003/resume", headers=counter).json()
    assert (resumed["status"], resumed["window"]) == ("called", "A01")
    # Transfer it to window A02: only A02 may call it now.
    moved = c.post(
        "/api/v1/queue/tickets/A003/transfer", json={"window": "A02"}, headers=counter
    ).json()
    assert moved["status"] == "waiting"
    assert c.get("/api/v1/queue/tickets/A003/position").json()["windows"] == []  # A02 is closed
    c.post("/api/v1/queue/windows/A02/open", headers=counter2)
    assert c.get("/api/v1/queue/tickets/A003/position").json()["windows"] == ["A02"]
    # Bookings: the slots of line B tomorrow, book one, cancel it.
    slots = c.get("/api/v1/queue/lines/B/slots?day=2026-03-03").json()
    assert slots
    assert slots[0]["capacity"] >= 1
    booking = c.post(
        "/api/v1/queue/bookings", json={"line": "B", "slot": slots[0]["start"]}, headers=kiosk
    )
    assert booking.status_code == 201
    ref = booking.json()["ref"]
    after = c.get("/api/v1/queue/lines/B/slots?day=2026-03-03").json()
    assert after[0]["booked"] == slots[0]["booked"] + 1
    cancelled = c.post(f"/api/v1/queue/bookings/{ref}/cancel", headers=kiosk).json()
    assert cancelled["status"] == "cancelled"
    # Per-staff figures for the manager.
    figures = c.get("/api/v1/queue/kpis/front-desk", headers=served.auth("manager")).json()
    assert "S02" in figures["by_staff"]
    assert c.get("/api/v1/queue/kpis/front-desk", headers=kiosk).status_code == 403


@pytest.mark.parametrize("day", ["0001-01-01", "2026-03-01", "2026-03-03", "9999-12-31"])
@pytest.mark.parametrize("figures", ["kpis", "kpis/front-desk"])
def test_the_figures_of_any_calendar_day_are_an_answer(
    served: Served, figures: str, day: str
) -> None:
    # The calendar's first and last days too: the last one has no next day to end at.
    c = served.client
    c.post("/api/v1/queue/tickets", json={"line": "A"}, headers=served.auth("kiosk"))
    answer = c.get(f"/api/v1/queue/{figures}?day={day}", headers=served.auth("manager"))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    "slot",
    [
        "0001-01-01T00:00:00+08:00",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-12:00",
        "9999-12-31T23:30:00+08:00",
    ],
)
def test_a_slot_at_the_calendars_edge_is_refused_as_no_slot(served: Served, slot: str) -> None:
    # Beyond the calendar once in China time: a refusal, not an internal error.
    c, kiosk = served.client, served.auth("kiosk")
    booked = c.post(
        "/api/v1/queue/bookings",
        json={"line": "B", "slot": "2026-03-03T09:00:00+08:00"},
        headers=kiosk,
    )
    assert booked.status_code == 201
    ref = booked.json()["ref"]
    for path, body in (
        ("/api/v1/queue/bookings", {"line": "B", "slot": slot}),
        (f"/api/v1/queue/bookings/{ref}/reschedule", {"slot": slot}),
    ):
        for lang, words in (("zh", "预约时段"), ("en", "slot")):
            answer = c.post(path, json=body, headers={**kiosk, "Accept-Language": lang})
            assert answer.status_code == 409, answer.text
            assert answer.json()["code"] == "illegal-command"
            assert words in answer.json()["detail"]


def test_a_restarted_service_shows_the_days_latest_calls(served: Served) -> None:
    c = served.client
    c.post("/api/v1/queue/tickets", json={"line": "A"}, headers=served.auth("kiosk"))
    c.post("/api/v1/queue/windows/A01/open", headers=served.auth("counter"))
    c.post("/api/v1/queue/windows/A01/call", json={}, headers=served.auth("counter"))
    locality = served.app.state.hall.locality
    again = create_app(locality, served.db, clock=served.clock)
    try:
        with TestClient(again) as other:
            calls = other.get("/api/v1/queue/status").json()["recent_calls"]
    finally:
        again.state.hall.service.close()
    assert [(call["ticket"], call["window"]) for call in calls] == [("A001", "A01")]


def test_a_counter_acts_only_on_the_waiting_tickets_its_window_serves(served: Served) -> None:
    c = served.client
    hall = c.get("/api/v1/hall").json()
    a01 = next(w for w in hall["windows"] if w["code"] == "A01")
    other = next(line["id"] for line in hall["lines"] if line["id"] not in a01["lines"])
    own = a01["lines"][0]
    kiosk, counter = served.auth("kiosk"), served.auth("counter")
    elsewhere = c.post("/api/v1/queue/tickets", json={"line": other}, headers=kiosk).json()
    mine = c.post("/api/v1/queue/tickets", json={"line": own}, headers=kiosk).json()
    # Line `other` is not A01's business: its counter may neither cancel nor transfer it.
    for path, body in [
        (f"/api/v1/queue/tickets/{elsewhere['id']}/cancel", None),
        (f"/api/v1/queue/tickets/{elsewhere['id']}/transfer", {"line": own}),
    ]:
        refused = c.post(path, json=body, headers={**counter, "Accept-Language": "en"})
        assert refused.status_code == 403, path
        assert f"does not serve line {other}" in refused.json()["detail"]
    assert c.get(f"/api/v1/queue/tickets/{elsewhere['id']}").json()["status"] == "waiting"
    # Its own line's ticket it may send to window A02; then it is A02's, not A01's.
    sent = c.post(
        f"/api/v1/queue/tickets/{mine['id']}/transfer",
        json={"window": "A02"},
        headers=counter,
    )
    assert sent.is_success, sent.text
    assert c.post(f"/api/v1/queue/tickets/{mine['id']}/cancel", headers=counter).status_code == 403
    cancelled = c.post(
        f"/api/v1/queue/tickets/{mine['id']}/cancel", headers=served.auth("counter2")
    )
    assert cancelled.is_success, cancelled.text
    # A manager may act on any ticket.
    manager = served.auth("manager")
    assert c.post(f"/api/v1/queue/tickets/{elsewhere['id']}/cancel", headers=manager).is_success


def test_a_form_lists_its_sourced_options_and_a_cascade_narrows_them(served: Served) -> None:
    c = served.client
    spec = c.get("/api/v1/items/441324-WJ-004/form").json()
    applicant = next(f for f in spec["fields"] if f["name"] == "applicant")
    fields = {f["name"]: f for f in applicant["fields"]}
    towns = {choice["value"]: choice["label"] for choice in fields["town"]["choices"]}
    assert towns["441324118"] == "龙华镇"
    assert len(towns) == 12  # the county's twelve town-level units
    villages = {choice["value"]: choice["parent"] for choice in fields["village"]["choices"]}
    assert villages == {"441324116999": "441324116", "441324118201": "441324118"}
    # With the town answered, the village list holds that town's villages only.
    path = "/api/v1/items/441324-WJ-004/form/options"
    chosen = c.post(path, json={"field": "applicant.village",
                                "application": {"applicant": {"town": "441324118"}}})  # fmt: skip
    assert chosen.status_code == 200, chosen.text
    assert [(o["value"], o["label"]) for o in chosen.json()] == [
        ("441324118201", "龙石头村民委员会")
    ]
    every = c.post(path, json={"field": "applicant.village"}).json()
    assert {o["value"] for o in every} == set(villages)
    # A path naming no choice field is refused, with the field named.
    refused = c.post(path, json={"field": "applicant.name"}, headers={"Accept-Language": "en"})
    assert refused.status_code == 400
    assert refused.json()["problems"][0]["path"] == "field"
    assert "'applicant.name' is not a choice field" in refused.json()["problems"][0]["message"]
    assert c.post("/api/v1/items/NO-SUCH/form/options", json={"field": "x"}).status_code == 404


def test_a_ticket_sent_to_a_person_is_theirs_even_before_they_sign_in(served: Served) -> None:
    c = served.client
    kiosk, counter, counter2 = served.auth("kiosk"), served.auth("counter"), served.auth("counter2")
    own = next(w for w in c.get("/api/v1/hall").json()["windows"] if w["code"] == "A01")
    ticket = c.post("/api/v1/queue/tickets", json={"line": own["lines"][0]}, headers=kiosk).json()
    sent = c.post(
        f"/api/v1/queue/tickets/{ticket['id']}/transfer", json={"staff": "S03"}, headers=counter
    )
    assert sent.is_success, sent.text
    # S03 is signed in nowhere: no counter may act on the ticket held for them, not even one
    # whose window serves its line.
    for path, body in [
        (f"/api/v1/queue/tickets/{ticket['id']}/cancel", None),
        (f"/api/v1/queue/tickets/{ticket['id']}/transfer", {"line": own["lines"][0]}),
    ]:
        refused = c.post(path, json=body, headers={**counter, "Accept-Language": "en"})
        assert refused.status_code == 403, (path, refused.text)
        assert "S03" in refused.json()["detail"]
    assert c.get(f"/api/v1/queue/tickets/{ticket['id']}").json()["status"] == "waiting"
    # Once S03 signs in at A02, A02's counter may; A01's still may not.
    assert c.post(
        "/api/v1/queue/windows/A02/sign-in", json={"staff": "S03"}, headers=counter2
    ).is_success
    cancel = f"/api/v1/queue/tickets/{ticket['id']}/cancel"
    assert c.post(cancel, headers=counter).status_code == 403
    assert c.post(cancel, headers=counter2).is_success


def test_json_nested_too_deeply_is_a_bad_request(served: Served) -> None:
    nested = b"[" * 5000 + b"]" * 5000
    for path, body in [
        ("/api/v1/items/441324-WJ-004/form/options",
         b'{"field": "applicant.village", "application": {"x": ' + nested + b"}}"),
        ("/api/v1/items/441324-WJ-004/validate", b'{"applicant": ' + nested + b"}"),
        ("/api/v1/queue/tickets", b'{"line": "A", "group": ' + nested + b"}"),
    ]:  # fmt: skip
        response = served.client.post(
            path,
            content=body,
            headers={**served.auth("manager"), "content-type": "application/json"},
        )
        assert response.status_code == 400, (path, response.text)
        assert response.json()["code"] == "bad-request"


def test_a_counter_acts_on_parked_and_no_show_tickets_only_at_their_window(
    served: Served,
) -> None:
    c = served.client
    kiosk, counter, counter2 = served.auth("kiosk"), served.auth("counter"), served.auth("counter2")
    windows = {w["code"]: w for w in c.get("/api/v1/hall").json()["windows"]}
    line = next(x for x in windows["A01"]["lines"] if x in windows["A02"]["lines"])
    manager = served.auth("manager")
    for code in ("A01", "A02"):
        c.post(f"/api/v1/queue/windows/{code}/open", headers=manager)
    first = c.post("/api/v1/queue/tickets", json={"line": line}, headers=kiosk).json()
    second = c.post("/api/v1/queue/tickets", json={"line": line}, headers=kiosk).json()
    assert (
        c.post("/api/v1/queue/windows/A01/call", json={}, headers=counter).json()["id"]
        == (first["id"])
    )
    parked = f"/api/v1/queue/tickets/{first['id']}"
    assert c.post(f"{parked}/park", headers=counter).is_success
    # Parked at A01: A02's counter may neither resume, cancel nor transfer it.
    for action, body in [("resume", None), ("cancel", None), ("transfer", {"window": "A02"})]:
        refused = c.post(f"{parked}/{action}", json=body, headers=counter2)
        assert refused.status_code == 403, (action, refused.text)
    assert c.get(parked).json()["status"] == "parked"
    assert c.post(f"{parked}/resume", headers=counter).is_success
    # A no-show at A01 is A01's to reactivate.
    assert c.post("/api/v1/queue/tickets/" + first["id"] + "/start", headers=counter).is_success
    assert c.post(f"{parked}/finish", json={}, headers=counter).is_success
    assert (
        c.post("/api/v1/queue/windows/A01/call", json={}, headers=counter).json()["id"]
        == (second["id"])
    )
    late = f"/api/v1/queue/tickets/{second['id']}"
    while c.post(f"{late}/no-show", headers=counter).status_code == 409:
        assert c.post("/api/v1/queue/windows/A01/recall", headers=counter).is_success
    assert c.get(late).json()["status"] == "no_show"
    assert c.post(f"{late}/reactivate", headers=counter2).status_code == 403
    # A finished ticket stays its window's: A02's token is refused before the state is.
    assert c.post(f"{parked}/cancel", headers=counter2).status_code == 403
    assert c.post(f"{late}/reactivate", headers=counter).is_success
    # Back in its line, any counter of a window serving the line may act on it.
    assert c.post(f"{late}/cancel", headers=counter2).is_success
