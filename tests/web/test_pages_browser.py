"""A hall's morning in headless Chromium, on two server processes sharing one database.

The kiosk takes a ticket on one process, a counter on the other calls it, and the display
board (first process) shows and announces the call while the visitor's position page (second
process) follows along. The pages are driven in Debian's Chromium through Playwright; nothing
is downloaded. The screenshots in the documentation come from this test.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize
from pypdf import PdfReader

from govservice_std.queues.stores.sqlite import SQLiteStore
from tests.web.conftest import HALL, make_tokens

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# `make screenshots` sets this to refresh the documentation's pictures; otherwise the
# pictures go to the test's own folder and the work tree stays as it was.
SCREENSHOTS_ENV = "GOVSERVICE_STD_SCREENSHOTS"
DOCS_SCREENSHOTS = Path(__file__).parents[2] / "docs" / "web" / "screenshots"
DRILL = "2026-03-02T09:00:00+08:00"
PHONE: ViewportSize = {"width": 390, "height": 844}

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("GOVSERVICE_STD_REQUIRE_CHROMIUM"),
    reason="the browser tests need Chromium from the system packages",
)

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(db: Path, port: int) -> Iterator[str]:
    """``govstd serve`` in a process of its own, until the block ends."""
    command = [
        sys.executable, "-m", "govservice_std", "serve", "441324", "--hall", HALL,
        "--db", str(db), "--port", str(port), "--at", DRILL,
    ]  # fmt: skip
    log = db.with_name(f"serve-{port}.log")
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=sink)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/hall", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the service did not start: {log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _watched(browser: Browser, refused: list[str], viewport: ViewportSize | None = None) -> Page:
    """A new page whose Content-Security-Policy refusals are written down in ``refused``."""
    page = browser.new_context(viewport=viewport).new_page()
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return page


def _paper(pdf: bytes) -> tuple[int, int]:
    """How many sheets a document prints on, and the first one's width in millimetres."""
    sheets = PdfReader(io.BytesIO(pdf)).pages
    return len(sheets), round(float(sheets[0].mediabox.width) / 72 * 25.4)


def _login(page: Page, base: str, token: str, target: str) -> None:
    page.goto(f"{base}/login?next={target}")
    page.fill('input[name="token"]', token)
    page.click('button[type="submit"]')
    page.wait_for_url(f"{base}/{target}*")


def test_a_hall_morning_in_the_browser(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    db = tmp_path / "hall.db"
    SQLiteStore(db, HALL, locality="441324").close()
    tokens = make_tokens(db)
    shots = DOCS_SCREENSHOTS if os.environ.get(SCREENSHOTS_ENV) else tmp_path / "shots"
    shots.mkdir(parents=True, exist_ok=True)
    with (
        serving(db, _free_port()) as one,
        serving(db, _free_port()) as two,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            hall_screen: ViewportSize = {"width": 1920, "height": 1080}
            refused: list[str] = []
            # The display board on the first process, its speech spied on.
            board = _watched(browser, refused, viewport=hall_screen)
            board.add_init_script(
                "window.__spoken = [];"
                "window.speechSynthesis.speak = (u) => window.__spoken.push(u.text);"
            )
            _login(board, one, tokens["board"], "board")

            # The kiosk on the first process: take a ticket in line A.
            kiosk = _watched(browser, refused, viewport=hall_screen)
            _login(kiosk, one, tokens["kiosk"], "kiosk")
            expect(kiosk.locator("h1")).to_have_text("请选择办理业务")
            kiosk.screenshot(path=str(shots / "kiosk.png"))
            kiosk.click('button[name="line"][value="A"]')
            kiosk.wait_for_url(f"{one}/ticket/*")
            expect(kiosk.locator(".number")).to_have_text("A001")
            expect(kiosk.locator(".ahead b")).to_have_text("0")
            source = kiosk.locator("img.qr").get_attribute("src", timeout=5000) or ""
            assert source.startswith("data:image/svg+xml")
            assert kiosk.evaluate("document.querySelector('img.qr').naturalWidth") > 50
            kiosk.screenshot(path=str(shots / "ticket.png"))
            ticket_url = kiosk.url

            # The visitor's phone opens the QR code's page on the second process.
            qr_target = kiosk.locator("img.qr").get_attribute("alt") or ""
            assert "/position/20260302-A001" in qr_target
            phone = _watched(browser, refused, viewport=PHONE)
            phone.goto(qr_target.replace(one, two))
            expect(phone.locator("#position")).to_contain_text("前面还有 0 位")

            # The counter of window A01 on the second process opens and calls.
            counter = _watched(browser, refused, viewport=hall_screen)
            _login(counter, two, tokens["counter"], "counter")
            counter.click('button[data-action="open"]')
            expect(counter.locator("#window-state")).to_have_text("窗口已开启")
            counter.select_option("#staff-id", "S02")
            counter.click('button[data-action="sign-in"]')
            expect(counter.locator("#staff-state")).to_contain_text("S02")
            expect(counter.locator("#waiting")).to_contain_text("A001")
            counter.screenshot(path=str(shots / "counter-waiting.png"))
            counter.click('button[data-action="call"]')
            expect(counter.locator("#current-label")).to_have_text("A001")
            counter.screenshot(path=str(shots / "counter-called.png"))

            # The board (other process) shows the call and says it aloud.
            expect(board.locator("#calls tr.latest td").first).to_have_text("A001")
            expect(board.locator("#calls tr.latest td").nth(1)).to_have_text("A01")
            board.wait_for_function("window.__spoken.length > 0")
            assert board.evaluate("window.__spoken") == ["请 A001 号到 A01 窗口办理"]
            board.screenshot(path=str(shots / "board.png"))

            # The phone is told it is its turn.
            expect(phone.locator("#position")).to_contain_text("轮到您了，请到 A01 窗口办理")
            phone.screenshot(path=str(shots / "position.png"))

            # The visitor must fetch a document: the ticket is parked, then resumed.
            counter.click('button[data-action="park"]')
            expect(counter.locator("#parked")).to_contain_text("A001")
            counter.click('button[data-action="resume"]')
            expect(counter.locator("#current-label")).to_have_text("A001")

            # Service starts and finishes at the counter.
            counter.click('button[data-action="start"]')
            expect(counter.locator("#current-status")).to_have_text("办理中")
            counter.click('button[data-action="finish"]')
            expect(counter.locator("#current-label")).to_have_text("—")
            expect(phone.locator("#position")).to_contain_text("已处理完毕")

            # The manager's monitor counts it.
            monitor = _watched(browser, refused, viewport=hall_screen)
            _login(monitor, two, tokens["manager"], "monitor")
            expect(monitor.locator(".tiles dd").nth(3)).to_have_text("1")
            monitor.screenshot(path=str(shots / "monitor.png"))

            # The ticket prints on an 80 mm roll (and on 58 mm), one ticket to a sheet: the
            # family's A4 page does not reach it.
            printed = _watched(browser, refused)
            _login(printed, one, tokens["kiosk"], "kiosk")
            printed.goto(ticket_url)
            printed.emulate_media(media="print")
            assert printed.locator("nav.no-print").is_hidden()
            width = printed.evaluate(
                "document.querySelector('.ticket').getBoundingClientRect().width"
            )
            assert 270 <= width <= 285  # 74 mm at 96 px per inch
            assert _paper(printed.pdf(prefer_css_page_size=True)) == (1, 80)
            printed.goto(f"{ticket_url}&width=58")
            width = printed.evaluate(
                "document.querySelector('.ticket').getBoundingClientRect().width"
            )
            assert 190 <= width <= 200  # 52 mm
            assert _paper(printed.pdf(prefer_css_page_size=True)) == (1, 58)
            printed.goto(f"{ticket_url.replace('lang=zh', 'lang=en')}&width=58")
            expect(printed.locator(".caption")).to_have_text("Your ticket")
            assert _paper(printed.pdf(prefer_css_page_size=True)) == (1, 58)

            # English on request, one language per page.
            kiosk.goto(f"{one}/kiosk?lang=en")
            expect(kiosk.locator("h1")).to_have_text("Choose your business")

            # The same pages on a phone: nothing wider than the screen.
            for name, page in (
                ("kiosk", kiosk),
                ("counter", counter),
                ("board", board),
                ("monitor", monitor),
            ):
                page.set_viewport_size(PHONE)
                page.reload()
                page.wait_for_load_state("load")
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 0, f"the {name} page is wider than a phone by {overflow} px"
                page.screenshot(path=str(shots / f"{name}-phone.png"))
            # The pages' Content-Security-Policy refused nothing: no inline code or style.
            assert refused == [], refused
        finally:
            browser.close()
