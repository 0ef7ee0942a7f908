"""The HTML pages over a real database: each view renders what the analyst needs."""

from __future__ import annotations

import html
import re

import pytest
from web_fixtures import agreement_id


def page(client, path, status=200):
    r = client.get(path)
    assert r.status_code == status, (path, r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("text/html")
    return r.text


def test_search_page_lists_agreements_with_facets(client):
    body = page(client, "/")
    assert "Arctic Fisheries Agreement" in body
    # Facet links keep counts and filter by value.
    assert re.search(r'data-facet="party".*?href="/\?party=ISL".*?<span class="count">1</span>', body, re.S)
    for facet in ("party", "domain", "kind", "status", "year"):
        assert f'data-facet="{facet}"' in body
    # Each result can be ticked for comparison (a plain GET form: works without JS).
    assert '<form id="compare-form" action="/compare" method="get">' in body
    assert 'name="ids" value="' in body


def test_search_page_full_text_and_document_snippets(client):
    body = page(client, "/?q=Armenia")
    assert "matching <b>“Armenia”</b>" in body
    assert "Source documents matching" in body
    assert "<mark>Armenia</mark>" in body  # snippet hit, everything else escaped


def test_search_page_filters_and_removal_links(client):
    body = page(client, "/?party=CHL")
    assert "maritime cooperation memorandum" in body
    assert "Arctic Fisheries Agreement" not in body
    assert 'title="Remove this filter"' in body and "Chile" in body


def test_search_page_paginates(client):
    total = client.get("/api/agreements").json()["total"]
    assert total > 10, "the fixture database has more than two pages of 5"
    first = page(client, "/?size=5")
    assert 'rel="next"' in first and 'href="/?size=5&amp;page=2"' in first
    second = page(client, "/?size=5&page=2")
    assert 'rel="prev"' in second
    ids1 = set(re.findall(r'<li class="result" data-id="(\d+)"', first))
    ids2 = set(re.findall(r'<li class="result" data-id="(\d+)"', second))
    assert ids1 and ids2 and not ids1 & ids2


def test_search_page_no_results(client):
    body = page(client, "/?q=zzzqqqxxy")
    assert "No agreement matches" in body


def test_agreement_page_links_every_value_to_its_evidence(client):
    aid = agreement_id(client, "maritime cooperation memorandum")
    body = page(client, f"/agreements/{aid}")
    ag = client.get(f"/api/agreements/{aid}").json()
    # The place value links to the document with the span to highlight.
    s = ag["evidence"]["place"][0]
    href = f'/documents/chile-peru-mou?hl={s["start"]}-{s["end"]}#hl'
    assert f'href="{html.escape(href)}"' in body or f'href="{href}"' in body
    # ... and its quote is in the evidence panel, marked.
    assert re.search(r'id="q-place-x".*?<mark class="focus">Lima</mark>', body, re.S)
    # List values each get their own quote group (evidence[field][i] justifies value i).
    assert 'id="q-mechanisms-0"' in body and 'id="q-mechanisms-1"' in body
    assert "meets yearly" in body
    assert "No (text says none)" in body  # defense pledge explicitly false
    assert 'href="/documents/chile-peru-mou?agreement=' in body  # sources listed


def test_agreement_page_flags_conflicts(client):
    aid = agreement_id(client, "Arctic Fisheries Agreement")
    body = page(client, f"/agreements/{aid}")
    assert 'data-conflict="place"' in body and "Sources disagree" in body
    assert "Oslo" in body and "Reykjavik" in body
    assert "EUR 2.5 million" in body


def test_agreement_page_unknown_and_bad_ids(client):
    assert "No agreement with id 999999" in page(client, "/agreements/999999", 404)
    page(client, "/agreements/notanumber", 422)


def test_document_page_highlights_spans_and_focus(client):
    doc = client.get("/api/documents/chile-peru-mou").json()
    start = doc["text"].index("Lima")
    body = page(client, f"/documents/chile-peru-mou?hl={start}-{start + 4}")
    assert re.search(r'<mark class="[^"]*focus"[^>]*><span id="hl"></span>Lima</mark>', body), body[:3000]
    assert 'class="f-place' in body or "f-place " in body
    assert "Showing the passage" in body


def test_document_page_removed_text_on_request(client):
    doc = client.get("/api/documents/seed-000_19355014d914bc56").json()
    furniture = [doc["original"][s:e] for s, e, _ in doc["removed"]]
    plain = page(client, "/documents/seed-000_19355014d914bc56")
    assert '<del class="removed"' not in plain
    assert "Show removed text" in plain
    shown = page(client, "/documents/seed-000_19355014d914bc56?removed=1")
    dels = re.findall(r'<del class="removed"[^>]*>(.*?)</del>', shown, re.S)
    assert [html.unescape(d) for d in dels] == furniture
    assert "Hide removed text" in shown


def test_document_page_escapes_hostile_text(client):
    body = page(client, "/documents/hostile-doc")
    assert "<script>window.pwned" not in body
    assert "&lt;script&gt;window.pwned = 1;&lt;/script&gt;" in body
    assert "<img src=x" not in body and "&lt;img src=x onerror=" in body
    assert "Hostile &lt;script&gt;title&lt;/script&gt;" in body
    # The only scripts on the page are the app's own static files.
    assert re.findall(r"<script[^>]*>", body) == ['<script src="/static/app.js?v=0.1.0" defer>']


def test_document_page_unknown(client):
    page(client, "/documents/no-such-document", 404)
    page(client, "/documents/chile-peru-mou?hl=abc", 422)


def test_compare_page_matrix(client):
    a = agreement_id(client, "maritime cooperation memorandum")
    b = agreement_id(client, "Arctic Fisheries Agreement")
    body = page(client, f"/compare?ids={a}&ids={b}")
    assert 'id="compare-table"' in body
    for row in ("parties", "funding", "mechanisms", "duration_years", "defense_pledge", "signatories",
                "domain-border_security"):
        assert f'data-row="{row}"' in body
    # Rows that differ are marked; the domain row shows a tick for one and not the other.
    assert re.search(r'<tr class="differs" data-row="domain-border_security">.*?class="yes".*?class="no"', body, re.S)
    assert "EUR 2.5 million" in body and "Working group" in body


def test_compare_page_without_ids_offers_a_picker(client):
    body = page(client, "/compare")
    assert "Pick agreements" in body and 'name="ids"' in body
    page(client, "/compare?ids=999999,1", 404)
    page(client, "/compare?ids=abc", 422)


def test_timeline_page_draws_svg(client):
    body = page(client, "/timeline")
    svg = re.search(r'<svg id="timeline-svg".*?</svg>', body, re.S).group(0)
    assert svg.count('<circle class="dot"') >= 3
    assert '<rect class="bar"' in svg
    assert 'href="/agreements/' in svg
    chl = page(client, "/timeline?party=CHL")
    assert "Timeline · Chile" in chl
    assert re.search(r'<svg id="timeline-svg".*?maritime cooperation memorandum.*?</svg>', chl, re.S)


def test_network_page_draws_edges_that_link_to_pair_search(client):
    body = page(client, "/network")
    svg = re.search(r'<svg id="network-svg".*?</svg>', body, re.S).group(0)
    assert svg.count('<circle class="node"') >= 4
    assert '<path class="edge"' in svg
    assert 'href="/?party=ISL&amp;with_party=NOR"' in svg or 'href="/?party=NOR&amp;with_party=ISL"' in svg
    # The pair link is a working search.
    pair = page(client, "/?party=ISL&with_party=NOR")
    assert "Arctic Fisheries Agreement" in pair


def test_deadlines_page(client):
    body = page(client, "/deadlines")
    assert 'id="deadlines-table"' in body
    assert re.search(r'<tr class="overdue"><td class="due nowrap">2020-05-10', body)
    assert "Arctic Fisheries Agreement" in body
    only = page(client, "/deadlines?state=overdue")
    assert "Arctic Fisheries Agreement" not in only.split('id="deadlines-table"')[1]


def test_docs_page_is_served_locally(client):
    body = page(client, "/docs")
    assert '/static/vendor/swagger-ui/swagger-ui-bundle.js' in body
    assert "cdn" not in body.lower()
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert client.get("/openapi.json").json()["paths"]["/api/agreements"]


@pytest.mark.parametrize("path", ["/", "/compare", "/timeline", "/network", "/deadlines", "/docs"])
def test_pages_use_no_inline_script_or_handlers(client, path):
    body = page(client, path)
    for tag in re.findall(r"<script[^>]*>(.*?)</script>", body, re.S):
        assert tag.strip() == ""
    assert not re.search(r"\son[a-z]+\s*=", body)
    assert "style=" not in body  # CSP style-src 'self': no style attributes on our pages


def test_bad_page_parameters_render_a_422_page(client):
    body = page(client, "/?kind=alliance", 422)
    assert "Invalid parameters" in body and "Traceback" not in body
    page(client, "/?page=0", 422)
    page(client, "/timeline?since=20x", 422)


def test_empty_form_fields_mean_no_filter(client):
    # What a GET form sends when the selects are left on "Any".
    body = page(client, "/timeline?party=CHL&with_party=&domain=&kind=&since=&until=")
    assert "Timeline · Chile" in body
    assert "Network of parties" in page(client, "/network?party=&domain=&since=&until=&min_count=1")
    assert "Arctic Fisheries Agreement" in page(client, "/?q=&kind=&status=")


def test_nul_bytes_in_page_parameters_are_refused(client):
    page(client, "/?q=a%00b", 422)
    page(client, "/documents/x%00y", 422)
