"""The web layer's pure shaping functions, on small hand-made inputs."""

from __future__ import annotations

from pactwatch.web import views
from pactwatch.web.templating import frequency, money, query


def test_highlight_cuts_at_every_boundary_and_keeps_text():
    text = "Armenia and the United States signed a charter."
    spans = [{"start": 0, "end": 7, "field": "parties"}, {"start": 16, "end": 29, "field": "parties"},
             {"start": 0, "end": 47, "field": "provisions"}]
    segs = views.highlight(text, spans)
    assert "".join(s.text for s in segs) == text
    first = segs[0]
    assert first.text == "Armenia" and first.fields == ["parties", "provisions"] and first.anchor == "ev-0-7"  # the shortest span starting here
    middle = next(s for s in segs if s.text == " and the ")
    assert middle.fields == ["provisions"]


def test_highlight_focus_and_bad_spans():
    text = "one two three"
    segs = views.highlight(text, [{"start": 4, "end": 99, "field": "name"}, {"start": 5, "end": 5, "field": "x"}],
                           focus=(4, 7))
    assert "".join(s.text for s in segs) == text
    assert [s.text for s in segs if s.focus] == ["two"]
    assert all(s.fields == ["name"] for s in segs if s.start >= 4)


def test_removed_insertions_map_original_ranges_into_clean_text():
    original = "MENU\nThe deal was signed.\nSUBSCRIBE\nIt runs ten years."
    removed = [[0, 5, "menu"], [26, 36, "promo"]]
    clean = "The deal was signed.\nIt runs ten years."
    assert original[:0] + original[5:26] + original[36:] == clean
    ins = views.removed_insertions(original, removed)
    assert ins == [(0, ("MENU\n", "menu")), (21, ("SUBSCRIBE\n", "promo"))]
    segs = views.highlight(clean, [], removed=ins)
    assert "".join(s.text for s in segs) == original
    assert [s.text for s in segs if s.removed] == ["MENU\n", "SUBSCRIBE\n"]


def test_removed_insertions_ignore_overlaps_and_missing_original():
    assert views.removed_insertions(None, [[0, 3, "x"]]) == []
    ins = views.removed_insertions("abcdefgh", [[0, 4, "a"], [2, 6, "b"], [50, 60, "c"]])
    assert ins == [(0, ("abcd", "a")), (0, ("ef", "b"))]


def test_context_cuts_at_words():
    text = "alpha beta gamma delta epsilon zeta eta theta"
    c = views.context(text, text.index("delta"), text.index("delta") + 5, width=8)
    assert c["match"] == "delta"
    assert c["before"].startswith("…") and c["after"].endswith("…")
    assert text.find(c["before"].lstrip("…")) >= 0


def test_compare_matrix_marks_differences():
    a = {"id": 1, "domains": ["defense", "cyber"], "parties": ["ARM", "USA"], "kind": "agreement"}
    b = {"id": 2, "domains": ["defense"], "parties": ["ARM", "USA"], "kind": "charter"}
    m = views.compare_matrix([a, b])
    doms = {r["domain"]: r for r in m["domains"]}
    assert doms["defense"]["cells"] == [True, True] and not doms["defense"]["differs"]
    assert doms["cyber"]["cells"] == [True, False] and doms["cyber"]["differs"]
    rows = {r["field"]: r for r in m["fields"]}
    assert not rows["parties"]["differs"] and rows["kind"]["differs"]


def test_timeline_chart_geometry():
    events = [{"id": 1, "name": "A", "date": "2001-01-01", "parties": ["USA", "ARM"], "status": "signed"},
              {"id": 2, "name": "B", "date": "2010-07", "parties": ["USA"], "status": "in_force"},
              {"id": 3, "name": "C", "date": None, "parties": ["FRA"]}]
    c = views.timeline_chart(events, width=1000)
    assert not c["empty"] and c["undated"] == 1
    assert [lane["party"] for lane in c["lanes"]] == ["USA", "ARM"]
    xs = sorted(d["cx"] for d in c["dots"] if d["party"] == "USA")
    assert c["left"] <= xs[0] < xs[1] <= c["right"]
    assert {b["year"]: b["count"] for b in c["bars"]} == {2001: 1, 2010: 1}
    assert views.timeline_chart([], width=1000)["empty"]


def test_network_chart_geometry():
    nodes = [{"id": "USA", "count": 5}, {"id": "ARM", "count": 2}, {"id": "AZE", "count": 1}]
    edges = [{"source": "ARM", "target": "USA", "count": 2, "domains": {"defense": 2, "nuclear": 1}},
             {"source": "AZE", "target": "USA", "count": 1, "domains": {"energy": 1}}]
    c = views.network_chart(nodes, edges, size=600)
    assert len(c["nodes"]) == 3 and len(c["edges"]) == 2
    for n in c["nodes"]:
        assert 0 <= n["x"] <= 600 and 0 <= n["y"] <= 600
    e = {(x["source"], x["target"]): x for x in c["edges"]}
    assert e[("ARM", "USA")]["domain"] == "defense"
    assert e[("ARM", "USA")]["width"] > e[("AZE", "USA")]["width"]
    assert c["legend"][0] in ("defense", "energy")


def test_template_helpers():
    assert money(18000000, "USD") == "USD 18 million"
    assert money(2500000000, "USD") == "USD 2.5 billion"
    assert money(950, "EUR") == "EUR 950"
    assert frequency("P1Y") == "yearly" and frequency("P18M") == "every 18 months"
    assert query(base={"q": "x", "party": "ARM", "page": 3}, page=None, domain="cyber") == "?q=x&party=ARM&domain=cyber"
