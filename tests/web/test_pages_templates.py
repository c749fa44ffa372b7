"""The pages and the reports are one template family, and no page carries inline code.

The hall service's pages extend the reports' base layout: the same masthead, the same
stylesheet (linked from a page, inline in a report file), the same macros (a masked value is
drawn alike by both). Every page passes its own Content-Security-Policy: no inline script or
style, no event-handler attribute, nothing from elsewhere.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import attrs
import jinja2
import pytest

from govservice_std.evaluation.assessment import load_assessment
from govservice_std.evaluation.batch import evaluate_hall
from govservice_std.registry import Registry
from govservice_std.reports.html import scorecard_html, stylesheet, template_environment
from govservice_std.web.app import CONTENT_SECURITY_POLICY
from govservice_std.web.pages import Pages
from tests.evaluation.test_cli_evaluation import ASSESSMENT
from tests.web.conftest import Served

ID = "441324199003074517"
MASKED_ID = "4413**********4517"
MASKED = f'<span class="masked">{MASKED_ID}</span>'
MASTHEAD = '<header class="masthead">'


class _Tags(HTMLParser):
    """Every start tag of a document, with its attributes, and the text inside <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


def _inline_code(page: str) -> list[str]:
    """What a strict Content-Security-Policy would refuse in ``page``."""
    found = []
    for tag, attributes in _tags(page):
        if tag == "style":
            found.append("<style>")
        # A JSON data block is never run; any other script must come from a file.
        if (
            tag == "script"
            and not attributes.get("src")
            and attributes.get("type") != "application/json"
        ):
            found.append("inline <script>")
        if tag == "link" and attributes.get("rel") == "stylesheet":
            href = attributes.get("href") or ""
            if not href.startswith("/") or href.startswith("//"):
                found.append(f"stylesheet from elsewhere: {href}")
        found.extend(
            f"<{tag} {name}=…>" for name in attributes if name == "style" or name.startswith("on")
        )
    return found


@pytest.fixture(scope="module")
def card(registry: Registry) -> object:
    card = evaluate_hall(registry.resolve("441324"), load_assessment(Path(ASSESSMENT)))
    # An assessor's note that happens to hold an ID number: the macro masks it.
    return attrs.evolve(card, assessor=f"张三 {ID}")


def _waiting_by_appointment(served: Served) -> None:
    # Another booking system's reference that is a visitor's ID number.
    checked = served.client.post(
        "/api/v1/queue/check-ins",
        json={"appointment": ID, "line": "A", "slot": "2026-03-02T09:00:00+08:00"},
        headers=served.auth("kiosk"),
    )
    assert checked.status_code == 201, checked.text


def test_pages_and_reports_share_the_base_layout_stylesheet_and_macros(
    served: Served, card: object
) -> None:
    c = served.client
    _waiting_by_appointment(served)
    report = scorecard_html(card, lang="zh")  # type: ignore[arg-type]
    page = c.get("/counter", headers=served.auth("counter")).text

    # One base layout: the language, the masthead, the stylesheet.
    for document in (report, page):
        assert document.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
        assert MASTHEAD in document
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in document
    # The report carries the family's stylesheet inline; the page links the same text.
    css = stylesheet()
    assert "@page { size: A4;" in css
    assert f"<style>\n{css.strip()}" in report
    assert '<link rel="stylesheet" href="/static/base.css">' in page
    served_css = c.get("/static/base.css")
    assert served_css.status_code == 200
    assert served_css.headers["content-type"].startswith("text/css")
    assert served_css.text == css
    # The page's own stylesheet comes after the family's, so it may refine it.
    assert page.index("/static/base.css") < page.index("/static/hall.css")

    # One masked-value macro, in both: never the full number.
    assert f'<span class="masked">张三 {MASKED_ID}</span>' in report
    assert f'<span class="masked">{MASKED_ID}</span>' in page
    assert ID not in report
    assert ID not in page
    # And the same table macro: a header row that repeats on every printed page.
    assert '<div class="table">\n<table class="criteria">\n<thead><tr>' in report
    assert '<div class="table">\n<table class="list">\n<thead><tr>' in page


def test_a_report_file_is_self_contained_and_a_page_has_no_inline_code(
    served: Served, card: object
) -> None:
    report = scorecard_html(card, lang="en")  # type: ignore[arg-type]
    assert "<style>" in report
    assert not any(tag in ("link", "script", "img") for tag, _ in _tags(report))
    # The scorecard's status colours are classes of the stylesheet, not inline styles.
    assert re.search(r'<td class="status status-(met|not_met|partly_met)">', report)
    assert not [a for _, attributes in _tags(report) for a in attributes if a == "style"]
    # The same scorecard, rendered to be served as a page, passes the pages' policy.
    served_card = scorecard_html(
        card,  # type: ignore[arg-type]
        lang="en",
        standalone=False,
        static_url="/static",
        lang_switch=True,
    )
    assert _inline_code(served_card) == []
    assert '<link rel="stylesheet" href="/static/base.css">' in served_card
    assert 'href="?lang=zh" class="lang"' in served_card
    assert served_card.count("<tr>") == report.count("<tr>")

    c = served.client
    ticket = c.post("/api/v1/queue/tickets", json={"line": "A"}, headers=served.auth("kiosk"))
    ticket_id = ticket.json()["id"]
    pages = {
        "/": None,
        "/login": None,
        "/kiosk": "kiosk",
        f"/ticket/{ticket_id}": "kiosk",
        f"/ticket/{ticket_id}?width=58": "kiosk",
        "/counter": "counter",
        "/counter?fragment=1": "counter",
        "/board": "board",
        f"/position/{ticket_id}": None,
        f"/position/{ticket_id}?fragment=1": None,
        "/monitor": "manager",
        "/monitor?fragment=1&lang=en": "manager",
    }
    for path, role in pages.items():
        response = c.get(path, headers=served.auth(role) if role else {})
        assert response.status_code == 200, path
        assert response.headers["content-type"] == "text/html; charset=utf-8", path
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert _inline_code(response.text) == [], path
        if "fragment=1" in path:  # only the live part: no second layout inside the page
            assert "<html" not in response.text
            assert MASTHEAD not in response.text
        else:
            assert "/static/base.css" in response.text, path


def test_the_inline_code_check_can_fail() -> None:
    assert _inline_code('<p style="color:red">') == ["<p style=…>"]
    assert _inline_code("<style>p{}</style><script>x()</script>") == [
        "<style>",
        "inline <script>",
    ]
    assert _inline_code('<button onclick="x()">') == ["<button onclick=…>"]
    assert _inline_code('<script type="application/json">{}</script>') == []
    assert _inline_code('<link rel="stylesheet" href="https://cdn.example/x.css">') != []


def test_a_page_template_may_replace_a_shared_one(tmp_path: Path) -> None:
    # The family looks a set of pages' own templates up first: a page's folder may give its
    # own macros.html (or base.html, base.css) and every template uses it.
    (tmp_path / "macros.html").write_text(
        (Path(__file__).parents[2] / "src/govservice_std/reports/templates/macros.html")
        .read_text(encoding="utf-8")
        .replace('<span class="masked">', '<span class="masked local">'),
        encoding="utf-8",
    )
    env = template_environment(jinja2.FileSystemLoader(str(tmp_path)))
    page = env.from_string("{{ m.masked(value) }}").render(value=ID)
    assert page == '<span class="masked local">4413**********4517</span>'
    # The pages' environment keeps the packaged macros.
    assert Pages().env.from_string("{{ m.masked(value) }}").render(value=ID) == MASKED


def test_the_language_switch_keeps_the_page_and_its_parameters(served: Served) -> None:
    c = served.client
    ticket = c.post("/api/v1/queue/tickets", json={"line": "A"}, headers=served.auth("kiosk"))
    narrow = c.get(f"/ticket/{ticket.json()['id']}?width=58", headers=served.auth("kiosk")).text
    assert 'href="?width=58&amp;lang=en" class="lang"' in narrow
    assert '<body data-page="ticket" data-lang="zh"' in narrow
    monitor = c.get("/monitor?lang=en", headers=served.auth("manager")).text
    assert 'href="?lang=zh" class="lang" hreflang="zh-CN">中文</a>' in monitor
    assert '<html lang="en">' in monitor
