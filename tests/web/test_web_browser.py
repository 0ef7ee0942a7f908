"""The pages in a real browser: Debian's Chromium driven by Playwright against
``pactwatch serve`` (the real CLI, in a subprocess) over the whole dev corpus.

Also writes the screenshots of docs/screenshots/ (one per page).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from web_fixtures import hand_records

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium tries to reach Google services and its
# connections are refused on a closed network (slow start, noisy logs).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "docs" / "screenshots"
VIEWPORT = {"width": 1360, "height": 900}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, dev_corpus):
    """The dev corpus (all of it) + the hand-written records, served by `pactwatch serve`."""
    from pactwatch.pipeline import ingest
    from pactwatch.store import Store

    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.db'}"
    with Store(url) as store:
        stats = ingest([dev_corpus], store)
        assert store.stats()["documents"] >= 30, stats
        for rec in hand_records():
            store.save(rec, original=rec.document.text)

    port = free_port()
    exe = shutil.which("pactwatch", path=os.path.dirname(sys.executable)) or "pactwatch"
    proc = subprocess.Popen([exe, "serve", "--db", url, "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/api/stats", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            pytest.fail(f"pactwatch serve did not start:\n{out[-3000:]}")
        time.sleep(0.3)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (make install-test does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    ctx = browser.new_context(viewport=VIEWPORT, base_url=live_server)
    pg = ctx.new_page()
    pg.errors = []  # console errors and CSP violations: every page must be clean
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    ctx.close()


def shot(pg, name: str, full_page: bool = False):
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def test_search_open_agreement_and_see_evidence(page):
    page.goto("/")
    page.fill("input[name=q][aria-label='Full-text search']", "Armenia")
    page.press("input[name=q][aria-label='Full-text search']", "Enter")
    page.wait_for_url("**/?q=Armenia*")
    results = page.locator("li.result h2 a")
    assert results.count() >= 2
    names = results.all_inner_texts()
    assert any("strategic partnership" in n.lower() for n in names), names
    shot(page, "search")

    page.locator("li.result h2 a", has_text="strategic partnership").first.click()
    page.wait_for_url("**/agreements/*")
    assert "strategic partnership" in page.locator("h1").inner_text().lower()
    # Click the first party value: its evidence appears, highlighted, in the side panel.
    link = page.locator("dd[data-field=parties] a.ev").first
    link.click()
    assert "selected" in (link.get_attribute("class") or "")
    qid = link.get_attribute("data-ev")
    quote = page.locator(f"#{qid}")
    assert quote.is_visible()
    marked = quote.locator("mark.focus").first.inner_text()
    assert marked in ("US", "Armenia", "United States", "U.S.", "Washington", "Yerevan") or marked.strip()
    # Funding value: the quoted passage carries the sum.
    funding = page.locator("dd[data-field=funding] a.ev").first
    if funding.count():
        funding.click()
        assert "$18 million" in page.locator(f"#{funding.get_attribute('data-ev')}").inner_text()
    shot(page, "agreement")

    link.click()  # back to the party's evidence
    assert quote.is_visible()
    # The passage opens in the document, highlighted and scrolled into view.
    quote.locator("a.src").first.click()
    page.wait_for_url("**/documents/*hl=*")
    focus = page.locator("#doctext mark.focus").first
    assert focus.is_visible() and focus.inner_text() == marked
    assert page.locator("#doctext mark").count() > 5  # every extracted span is highlighted
    assert page.errors == []


def test_document_shows_removed_furniture_struck_out(page):
    page.goto("/documents/seed-000_19355014d914bc56")
    assert page.locator("del.removed").count() == 0
    page.click("a[data-toggle-removed]")
    page.wait_for_url("**removed=1*")
    removed = page.locator("del.removed")
    assert removed.count() >= 1
    assert "JOIN US ON TELEGRAM" in " ".join(removed.all_inner_texts())
    assert removed.first.evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    page.locator("#doctext mark.f-funding").first.scroll_into_view_if_needed()
    shot(page, "document")
    assert page.errors == []


def test_compare_two_agreements(page):
    page.goto("/?q=Armenia")
    button = page.locator("[data-compare-button]")
    assert button.is_disabled()
    # The US-Armenia partnership and the first other Armenia agreement listed.
    spa = page.locator("li.result", has=page.locator("h2 a", has_text="strategic partnership"))
    spa.locator("input[name=ids]").check()
    page.locator("li.result", has_not=page.locator("h2 a", has_text="strategic partnership")) \
        .first.locator("input[name=ids]").check()
    assert button.is_enabled() and "2" in button.inner_text()
    button.click()
    page.wait_for_url("**/compare?ids=*")
    table = page.locator("#compare-table")
    assert table.locator("thead th[data-id]").count() == 2
    for row in ("parties", "funding", "mechanisms", "signatories", "duration_years", "defense_pledge"):
        assert table.locator(f"tr[data-row={row}]").count() == 1
    assert table.locator("tr[data-row^=domain-]").count() >= 1
    shot(page, "compare")
    assert page.errors == []


def test_timeline_is_drawn(page):
    page.goto("/timeline")
    svg = page.locator("#timeline-svg")
    assert svg.is_visible()
    assert svg.locator("circle.dot").count() >= 10
    assert svg.locator("rect.bar").count() >= 5
    box = svg.bounding_box()
    assert box["width"] > 600 and box["height"] > 200
    shot(page, "timeline")
    # Filter by party with the select (auto-submits).
    page.select_option("select[name=party]", "USA")
    page.wait_for_url("**/timeline?party=USA*")
    assert "United States" in page.locator("h1").inner_text()
    assert page.errors == []


def test_network_is_drawn_and_edges_search_the_pair(page):
    page.goto("/network")
    svg = page.locator("#network-svg")
    assert svg.locator("circle.node").count() >= 10
    assert svg.locator("path.edge").count() >= 10
    widths = {float(w) for w in svg.locator("path.edge").evaluate_all("es => es.map(e => e.getAttribute('stroke-width'))")}
    colours = set(svg.locator("path.edge").evaluate_all("es => es.map(e => e.getAttribute('stroke'))"))
    assert len(widths) > 1 and len(colours) > 1  # width by count, colour by domain
    shot(page, "network")
    edge = svg.locator("a.edge-link").last  # drawn last = the strongest pair
    pair = (edge.get_attribute("data-source"), edge.get_attribute("data-target"))
    edge.locator("path").dispatch_event("click")
    page.wait_for_url("**/?party=*with_party=*")
    assert page.locator("li.result").count() >= 1
    for p in pair:
        assert page.locator(f"li.result a.chip.party:text-is('{p}')").count() >= 1
    assert page.errors == []


def test_deadlines_page(page):
    page.goto("/deadlines")
    assert page.locator("#deadlines-table tbody tr").count() >= 2
    assert page.locator("#deadlines-table tr.overdue").count() >= 1
    shot(page, "deadlines")
    assert page.errors == []


def test_hostile_text_is_shown_not_executed(page):
    page.goto("/documents/hostile-doc")
    assert page.evaluate("typeof window.pwned") == "undefined"
    text = page.locator("#doctext").inner_text()
    assert '<script>window.pwned = 1;</script>' in text
    assert '<img src=x onerror="window.pwned=2">' in text
    assert page.locator("#doctext script, #doctext img").count() == 0
    assert "Hostile <script>title</script>" in page.locator("h1").inner_text()
    # The agreement page quoting the same passage is just as inert.
    page.goto("/?party=ISL")
    page.locator("li.result h2 a").first.click()
    page.wait_for_url("**/agreements/*")
    assert page.evaluate("typeof window.pwned") == "undefined"


def test_api_docs_render_offline(page):
    page.goto("/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
    assert page.locator(".swagger-ui .opblock").count() >= 8
    assert page.errors == []
