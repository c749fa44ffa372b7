"""The hall's scorecard from its service: JSON, the page, its policy, and start-up checks."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient

from govservice_std.errors import InvalidDataError
from govservice_std.evaluation.assessment import Assessment, load_assessment
from govservice_std.evaluation.batch import evaluate_hall
from govservice_std.evaluation.measured import recorded_queue_kpis
from govservice_std.queues.engine import FixedClock
from govservice_std.queues.events import CHINA_TZ
from govservice_std.queues.history import day_end
from govservice_std.queues.stores.base import EventStore
from govservice_std.queues.stores.postgres import PostgresStore
from govservice_std.queues.stores.sqlite import SQLiteStore
from govservice_std.registry import Registry
from govservice_std.serialization import dump
from govservice_std.web.app import create_app
from govservice_std.web.auth import TokenStore
from tests.evaluation.strategies import scenarios
from tests.queues.conftest import pg_schema, postgres_url  # noqa: F401 - fixtures
from tests.web.conftest import HALL, make_tokens

_EXAMPLE = files("govservice_longmen") / "data/441324/examples/assessment-441324116.toml"
DAY = dt.date(2026, 3, 2)


def example_assessment(hall: str = HALL) -> Assessment:
    """The bundled illustrative assessment, moved to ``hall`` (the county centre)."""
    return attrs.evolve(load_assessment(str(_EXAMPLE)), hall=hall)


@attrs.define
class Hall:
    """A served hall with an assessment, and where its store is for a direct read."""

    client: TestClient[Litestar]
    clock: FixedClock
    tokens: dict[str, str]
    assessment: Assessment
    open_store: Any
    make_app: Any  # another process's app on the same database

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


@pytest.fixture(params=["sqlite", "postgres"])
def hall(request: pytest.FixtureRequest, tmp_path: Path, registry: Registry) -> Iterator[Hall]:
    locality = registry.resolve("441324")
    clock = FixedClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ))
    assessment = example_assessment()
    if request.param == "sqlite":
        db = tmp_path / "hall.db"
        SQLiteStore(db, HALL, locality="441324").close()

        def make_app() -> Litestar:
            return create_app(locality, db, clock=clock, assessment=assessment)

        tokens = make_tokens(db)

        def open_store() -> EventStore:
            return SQLiteStore(db, HALL)

    else:
        url: str = request.getfixturevalue("postgres_url")
        schema: str = request.getfixturevalue("pg_schema")

        def make_app() -> Litestar:
            store = PostgresStore(url, HALL, locality="441324", schema=schema)
            return create_app(
                locality, store, tokens=TokenStore(url), clock=clock, assessment=assessment
            )

        tokens = make_tokens(url)

        def open_store() -> EventStore:
            return PostgresStore(url, HALL, schema=schema)

    app = make_app()
    try:
        with TestClient(app) as client:
            yield Hall(client, clock, tokens, assessment, open_store, make_app)
    finally:
        app.state.hall.service.close()


def serve_a_morning(hall: Hall) -> None:
    """Four tickets: three called after 3, 9 and 25 minutes, one still waiting."""
    c, kiosk, counter = hall.client, hall.auth("kiosk"), hall.auth("counter")
    for _ in range(4):
        assert c.post("/api/v1/queue/tickets", json={"line": "A"}, headers=kiosk).is_success
    assert c.post("/api/v1/queue/windows/A01/open", headers=counter).is_success
    for wait in (3, 6, 16):
        hall.clock.advance(minutes=wait)
        called = c.post("/api/v1/queue/windows/A01/call", json={}, headers=counter).json()
        c.post(f"/api/v1/queue/tickets/{called['id']}/start", headers=counter)
        c.post(f"/api/v1/queue/tickets/{called['id']}/finish", json={}, headers=counter)


def _json(data: Any) -> Any:
    return json.loads(json.dumps(data))


def test_the_scorecard_measures_the_queue_from_the_services_store(
    hall: Hall, registry: Registry
) -> None:
    serve_a_morning(hall)
    locality = registry.resolve("441324")
    now = hall.clock()
    answer = hall.client.get("/api/v1/scorecard", headers=hall.auth("manager"))
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["hall"], report["period"], report["day"]) == (HALL, "live", "2026-03-02")
    with hall.open_store() as store:
        direct = recorded_queue_kpis(locality, store, day=DAY, now=now)
    assert report["queue"]["overall"]["issued"] == direct.overall.issued == 4
    assert report["queue"]["overall"]["called"] == direct.overall.called == 3
    assert report["queue"]["overall"]["waiting_now"] == 1
    assert report["queue"]["overall"]["waiting"]["mean"] == pytest.approx(
        direct.overall.waiting.mean
    )
    # The scorecard is what `govstd evaluate --json` gives for the same queue record.
    card = evaluate_hall(locality, hall.assessment, queue=direct)
    assert report["scorecard"] == _json(card.to_dict())
    waits = [c for c in report["scorecard"]["criteria"] if c["records"]]
    assert waits, "a queue criterion reads the measured waiting time"
    record = waits[0]["records"][0]
    assert (record["kind"], record["day"], record["sample"]) == ("queue", "2026-03-02", 3)
    typed = evaluate_hall(locality, hall.assessment).result(waits[0]["id"])
    assert typed.records == ()  # without the store, the assessment's typed value is used
    assert typed.answer != waits[0]["answer"]


def test_another_process_scores_the_day_this_one_served(hall: Hall, registry: Registry) -> None:
    other_app = hall.make_app()
    try:
        with TestClient(other_app) as other:
            manager = hall.auth("manager")
            before = other.get("/api/v1/scorecard", headers=manager).json()
            assert before["queue"]["overall"]["issued"] == 0
            serve_a_morning(hall)
            time.sleep(0.3)  # longer than a read may lag behind another process's writes
            report = other.get("/api/v1/scorecard", headers=manager).json()
    finally:
        other_app.state.hall.service.close()
    with hall.open_store() as store:
        direct = recorded_queue_kpis(registry.resolve("441324"), store, day=DAY, now=hall.clock())
    assert report["period"] == "live"
    assert report["queue"]["overall"]["issued"] == direct.overall.issued == 4
    assert report["queue"]["overall"]["waiting"]["mean"] == pytest.approx(
        direct.overall.waiting.mean
    )
    card = evaluate_hall(registry.resolve("441324"), hall.assessment, queue=direct)
    assert report["scorecard"] == _json(card.to_dict())


def test_a_given_day_and_every_day(hall: Hall, registry: Registry) -> None:
    serve_a_morning(hall)
    manager = hall.auth("manager")
    other = hall.client.get("/api/v1/scorecard?day=2026-03-01", headers=manager).json()
    assert (other["period"], other["day"]) == ("day", "2026-03-01")
    assert other["queue"]["overall"]["issued"] == 0
    card = evaluate_hall(registry.resolve("441324"), hall.assessment)
    assert other["scorecard"] == _json(card.to_dict())  # nothing measured: typed values
    every = hall.client.get("/api/v1/scorecard?day=all", headers=manager).json()
    assert (every["period"], every["day"], every["queue"]["days"]) == ("all", None, 1)
    with hall.open_store() as store:
        direct = recorded_queue_kpis(
            registry.resolve("441324"), store, now=min(hall.clock(), day_end(DAY))
        )
    assert every["queue"]["overall"]["issued"] == direct.overall.issued == 4
    bad = hall.client.get("/api/v1/scorecard?day=2026-02-30", headers=manager)
    assert bad.status_code == 400
    assert bad.json()["code"] == "bad-request"


@pytest.fixture
def sqlite_hall(tmp_path: Path, registry: Registry) -> Iterator[Hall]:
    db = tmp_path / "hall.db"
    SQLiteStore(db, HALL, locality="441324").close()
    clock = FixedClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ))
    assessment = example_assessment()
    path = tmp_path / "assessment.toml"
    dump(assessment, path)
    app = create_app(registry.resolve("441324"), db, clock=clock, assessment=path)
    try:
        with TestClient(app) as client:
            yield Hall(
                client, clock, make_tokens(db), assessment, lambda: SQLiteStore(db, HALL), None
            )
    finally:
        app.state.hall.service.close()


@pytest.mark.parametrize("role", ["kiosk", "counter", "board"])
def test_only_managers_and_api_clients_read_the_scorecard(sqlite_hall: Hall, role: str) -> None:
    c = sqlite_hall.client
    refused = c.get("/api/v1/scorecard", headers=sqlite_hall.auth(role))
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    anonymous = c.get("/api/v1/scorecard")
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "access-denied"
    assert c.get("/api/v1/scorecard", headers=sqlite_hall.auth("api")).status_code == 200
    # The page sends anyone else to sign in, and back to the scorecard afterwards.
    page = c.get("/scorecard", headers=sqlite_hall.auth(role), follow_redirects=False)
    assert page.status_code in (302, 303)
    assert page.headers["location"].startswith("/login?next=scorecard")
    assert "Scorecard" not in c.get("/scorecard", follow_redirects=False).text


def test_without_an_assessment_the_scorecard_is_a_404_problem(
    tmp_path: Path, registry: Registry
) -> None:
    db = tmp_path / "hall.db"
    SQLiteStore(db, HALL, locality="441324").close()
    app = create_app(registry.resolve("441324"), db)
    tokens = make_tokens(db)
    manager = {"Authorization": f"Bearer {tokens['manager']}"}
    try:
        with TestClient(app) as c:
            missing = c.get("/api/v1/scorecard", headers={**manager, "Accept-Language": "en"})
            assert missing.status_code == 404
            assert missing.headers["content-type"].startswith("application/problem+json")
            problem = missing.json()
            assert problem["code"] == "no-assessment"
            assert problem["type"] == "urn:govservice-std:problem:no-assessment"
            assert "without an assessment" in problem["detail"]
            chinese = c.get("/api/v1/scorecard", headers=manager).json()
            assert chinese["code"] == "no-assessment"
            assert "评估" in chinese["detail"]
            assert c.get("/scorecard", headers=manager).status_code == 404
            # Refused before anything else is asked: the role, then the assessment.
            assert c.get("/api/v1/scorecard").status_code == 401
    finally:
        app.state.hall.service.close()


@pytest.mark.parametrize(
    ("query", "html_lang", "words"),
    [("", "zh", "评分"), ("?lang=en", "en", "Scorecard of")],
)
def test_the_page_is_the_printable_report_in_the_pages_language(
    sqlite_hall: Hall, registry: Registry, query: str, html_lang: str, words: str
) -> None:
    from govservice_std.reports.html import scorecard_html
    from govservice_std.web.app import CONTENT_SECURITY_POLICY

    serve_a_morning(sqlite_hall)
    page = sqlite_hall.client.get(f"/scorecard{query}", headers=sqlite_hall.auth("manager"))
    assert page.status_code == 200
    # One charset, said once (a doubled parameter is a malformed header).
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    body = page.text
    assert f'<html lang="{html_lang}' in body
    assert words in body
    # One of the pages: the shared stylesheet linked, nothing inline, the pages' policy.
    assert '<link rel="stylesheet" href="/static/base.css">' in body
    assert "<style" not in body
    assert ' style="' not in body
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    stylesheet = sqlite_hall.client.get("/static/base.css")
    assert "size: A4" in stylesheet.text  # print-ready
    # The same report as the file, but for the stylesheet's place.
    with sqlite_hall.open_store() as store:
        direct = recorded_queue_kpis(
            registry.resolve("441324"), store, day=DAY, now=sqlite_hall.clock()
        )
    card = evaluate_hall(registry.resolve("441324"), sqlite_hall.assessment, queue=direct)
    report = scorecard_html(card, lang="en" if query else "zh")

    def main_part(text: str) -> str:
        return text[text.index("<main") : text.index("</main>")]

    assert main_part(body) == main_part(report)


def test_an_assessment_of_another_hall_or_unreadable_is_refused_at_start_up(
    tmp_path: Path, registry: Registry
) -> None:
    db = tmp_path / "hall.db"
    SQLiteStore(db, HALL, locality="441324").close()
    locality = registry.resolve("441324")
    with pytest.raises(InvalidDataError, match="this service serves '441324'"):
        create_app(locality, db, assessment=example_assessment("441324116"))
    broken = tmp_path / "broken.toml"
    broken.write_text('hall = "441324"\nlocality = 441324\n', encoding="utf-8")
    with pytest.raises(InvalidDataError, match=r"broken\.toml"):
        create_app(locality, db, assessment=broken)
    unfit = attrs.evolve(
        example_assessment(), answers=(*example_assessment().answers, _answer("NO-SUCH-1"))
    )
    with pytest.raises(InvalidDataError):
        create_app(locality, db, assessment=unfit)


def _answer(criterion: str) -> Any:
    from govservice_std.evaluation.assessment import Answer

    return Answer(criterion=criterion, met=True)


def test_app_from_env_reads_the_assessment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from govservice_std.web.app import ENV_PREFIX, app_from_env

    db = tmp_path / "hall.db"
    SQLiteStore(db, HALL, locality="441324").close()
    path = tmp_path / "assessment.json"
    dump(example_assessment(), path)
    for name, value in {"LOCALITY": "441324", "HALL": HALL, "DB": str(db)}.items():
        monkeypatch.setenv(ENV_PREFIX + name, value)
    monkeypatch.setenv(ENV_PREFIX + "ASSESSMENT", str(path))
    tokens = make_tokens(db)
    app = app_from_env()
    try:
        with TestClient(app) as c:
            answer = c.get(
                "/api/v1/scorecard", headers={"Authorization": f"Bearer {tokens['api']}"}
            )
            assert answer.status_code == 200
            assert answer.json()["scorecard"]["hall"] == HALL
    finally:
        app.state.hall.service.close()
    monkeypatch.setenv(ENV_PREFIX + "ASSESSMENT", str(tmp_path / "missing.toml"))
    with pytest.raises(InvalidDataError):
        app_from_env()


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    from govservice_std.cli import main

    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


def test_serve_refuses_an_assessment_it_cannot_score_with_before_starting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "hall.db"
    serve = ("serve", "441324", "--hall", HALL, "--db", str(db), "--port", "1")
    other = tmp_path / "other.toml"
    dump(example_assessment("441324116"), other)
    code, err = _run(capsys, *serve, "--assessment", str(other))
    assert code == 2
    assert err.count("\n") == 1
    assert f"{other} 是服务场所 441324116 的评估，本服务的服务场所是 {HALL}" in err
    code, err = _run(capsys, "--lang", "en", *serve, "--assessment", str(other))
    assert (code, err.count("\n")) == (2, 1)
    assert "is the assessment of hall 441324116; this service serves hall 441324" in err
    broken = tmp_path / "broken.toml"
    broken.write_text('hall = "441324"\nlocality = 441324\nfoo = 1\n', encoding="utf-8")
    code, err = _run(capsys, "--lang", "en", *serve, "--assessment", str(broken))
    assert (code, err.count("\n")) == (2, 1)
    assert f"cannot serve the scorecard of {broken}: " in err
    assert "(and 2 more)" in err
    code, err = _run(capsys, *serve, "--assessment", str(tmp_path / "missing.toml"))
    assert (code, err.count("\n")) == (2, 1)
    assert "无法提供" in err
    assert "Traceback" not in err
    assert not db.exists()  # refused before the database was touched


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def _uvicorn(app: Litestar) -> Iterator[str]:
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "uvicorn stopped"
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("GOVSERVICE_STD_REQUIRE_CHROMIUM"),
    reason="the browser tests need Chromium from the system packages",
)
def test_chromium_applies_the_reports_styles_under_the_pages_policy_and_prints_a4(
    sqlite_hall: Hall, tmp_path: Path, registry: Registry
) -> None:
    from playwright.sync_api import ConsoleMessage, sync_playwright

    serve_a_morning(sqlite_hall)
    locality = registry.resolve("441324")
    db = tmp_path / "hall.db"
    app = create_app(locality, db, clock=sqlite_hall.clock, assessment=sqlite_hall.assessment)
    refused: list[str] = []

    def heard(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    manager = {"Authorization": f"Bearer {sqlite_hall.tokens['manager']}"}
    try:
        with _uvicorn(app) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            try:
                page = browser.new_context(extra_http_headers=manager).new_page()
                page.on("console", heard)
                answer = page.goto(f"{base}/scorecard?lang=en")
                assert answer is not None
                assert answer.status == 200
                page.wait_for_load_state("load")
                assert refused == []
                # The inline stylesheet applies, and so does each status's colour.
                table = page.eval_on_selector("table", "t => getComputedStyle(t).borderCollapse")
                assert table == "collapse"
                colour = page.eval_on_selector("td.status", "t => getComputedStyle(t).color")
                assert colour != "rgb(33, 33, 33)"  # not the ink colour: a status colour
                pdf = page.pdf(prefer_css_page_size=True)
            finally:
                browser.close()
    finally:
        app.state.hall.service.close()
    # Every printed page is A4 portrait (the report's @page): 595 x 842 points.
    boxes = re.findall(rb"/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]", pdf)
    assert boxes
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}


def test_the_start_page_links_the_scorecard_and_signing_in_leads_back_to_it(
    sqlite_hall: Hall, tmp_path: Path, registry: Registry
) -> None:
    c = sqlite_hall.client
    assert 'href="/scorecard?lang=en"' in c.get("/?lang=en").text
    chinese = c.get("/").text
    assert 'href="/scorecard?lang=zh"' in chinese
    assert "评分表" in chinese
    signed = c.post(
        "/login?lang=en",
        data={"token": sqlite_hall.tokens["manager"], "next": "scorecard"},
        follow_redirects=False,
    )
    assert signed.headers["location"] == "/scorecard?lang=en"
    # The session cookie then opens the page.
    page = c.get("/scorecard?lang=en")
    assert page.status_code == 200
    assert "Scorecard of" in page.text
    db = tmp_path / "plain.db"
    SQLiteStore(db, HALL, locality="441324").close()
    app = create_app(registry.resolve("441324"), db)
    try:
        with TestClient(app) as plain:
            assert "/scorecard" not in plain.get("/").text
    finally:
        app.state.hall.service.close()


@settings(max_examples=40, deadline=None)
@given(
    scenarios(),
    st.one_of(st.none(), st.floats(0, 1, allow_subnormal=False)),
    st.integers(0, 500),
    st.sampled_from(["queue", "cases", "reviews"]),
)
def test_the_service_s_encoding_of_the_document_is_the_evaluate_json_document(
    scenario: Any, measured: float | None, called: int, kind: str
) -> None:
    from litestar.serialization import encode_json

    from govservice_std.evaluation.document import ScorecardDocument
    from govservice_std.evaluation.measured import Evidence, EvidenceKind, MeasuredMetrics
    from govservice_std.evaluation.overlays import compose_standard
    from govservice_std.evaluation.scoring import Evaluator
    from tests.evaluation.strategies import NATIONAL

    document, assessment, hall = scenario
    evaluator = Evaluator(compose_standard([(document, NATIONAL)], "110101"))
    metrics = None
    if measured is not None:
        record = Evidence(EvidenceKind(kind), source="x", day=DAY, sample=called, start=DAY)
        metrics = MeasuredMetrics.of({"m.rate": measured}, record)
    card = evaluator.evaluate(assessment, hall, metrics=metrics)
    # The framework writes the same document as the library's converter.
    assert json.loads(encode_json(ScorecardDocument.of(card))) == _json(card.to_dict())


def _component(schema: dict[str, Any], ref: str) -> dict[str, Any]:
    found: dict[str, Any] = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return found


def test_the_openapi_schema_describes_the_document_and_the_answer_fits_it(
    sqlite_hall: Hall, registry: Registry
) -> None:
    from jsonschema import Draft202012Validator

    from govservice_std.evaluation import document as doc
    from govservice_std.evaluation.scoring import Status

    serve_a_morning(sqlite_hall)
    c = sqlite_hall.client
    schema = c.get("/api/schema/openapi.json").json()
    ok = schema["paths"]["/api/v1/scorecard"]["get"]["responses"]["200"]
    report = _component(schema, ok["content"]["application/json"]["schema"]["$ref"])
    scorecard = _component(schema, report["properties"]["scorecard"]["$ref"])
    # Every field of every class of the document, in the document's order, all required.
    criterion = _component(schema, scorecard["properties"]["criteria"]["items"]["$ref"])
    records = [r["$ref"] for r in criterion["properties"]["records"]["items"]["oneOf"]]
    for described, cls in [
        (scorecard, doc.ScorecardDocument),
        (criterion, doc.CriterionEntry),
        (_component(schema, records[0]), doc.RecordEntry),
        (_component(schema, records[1]), doc.CaseRecordEntry),
        *(
            (_component(schema, scorecard["properties"][name]["items"]["$ref"]), cls)
            for name, cls in [
                ("aspects", doc.AspectEntry),
                ("rectifications", doc.RectificationEntry),
                ("overdue_orders", doc.OverdueOrderEntry),
                ("local_days", doc.LocalDayEntry),
            ]
        ),
    ]:
        names = [field.name for field in attrs.fields(cls)]
        assert list(described["properties"]) == names, cls
        assert sorted(described["required"]) == sorted(names), cls
    status = _component(schema, criterion["properties"]["status"]["$ref"])
    assert status["enum"] == [s.value for s in Status]
    # The service's answer fits its schema, and is the `govstd evaluate --json` document.
    answer = c.get("/api/v1/scorecard", headers=sqlite_hall.auth("manager")).json()
    fits = {"$ref": ok["content"]["application/json"]["schema"]["$ref"], **schema}
    Draft202012Validator(fits).validate(answer)
    short = {**answer, "scorecard": {k: v for k, v in answer["scorecard"].items() if k != "total"}}
    assert not Draft202012Validator(fits).is_valid(short)
    assert any(c["records"] for c in answer["scorecard"]["criteria"])
    with sqlite_hall.open_store() as store:
        kpis = recorded_queue_kpis(
            registry.resolve("441324"), store, day=DAY, now=sqlite_hall.clock()
        )
    card = evaluate_hall(registry.resolve("441324"), sqlite_hall.assessment, queue=kpis)
    assert answer["scorecard"] == _json(card.to_dict())
