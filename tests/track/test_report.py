"""Reports: Markdown with a Unicode bar chart, HTML with an inline SVG chart."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

from pactwatch.track import api, report
from pactwatch.track.progress import DONE, IN_PROGRESS, NOT_STARTED, OVERDUE


def test_text_bar_keeps_width_and_every_class_visible():
    assert report.text_bar({DONE: 1, NOT_STARTED: 3}, 4) == "█" * 6 + "░" * 18
    bar = report.text_bar({DONE: 1, IN_PROGRESS: 1, OVERDUE: 1, NOT_STARTED: 97}, 100)
    assert len(bar) == report.BAR_CHARS and bar.count("█") == bar.count("▓") == bar.count("▒") == 1
    assert report.text_bar({}, 0) == " " * report.BAR_CHARS


def test_chart_geometry_is_proportional():
    chart = report.domain_chart({"energy": {DONE: 1, IN_PROGRESS: 0, OVERDUE: 1, NOT_STARTED: 2, "total": 4}},
                                width=400)
    (row,) = chart["rows"]
    assert [(s["state"], s["w"]) for s in row["segments"]] == [(DONE, 100), (OVERDUE, 100), (NOT_STARTED, 200)]
    assert row["segments"][1]["x"] == chart["label_w"] + 100 and row["text"] == "1/4 done"


def _tracked(seeded):
    """Charter with one provision done (A) and another (B, of other domains) late."""
    store, charter, _mou = seeded
    provs = api.tracking(store, charter, today=date(2026, 3, 1))["provisions"]
    a = next(p for p in provs if p["domains"])
    b = next(p for p in provs if p["domains"] and not set(p["domains"]) & set(a["domains"]))
    api.update(store, charter, signed_date="2026-02-10")
    api.add(store, "projects", {"agreement_id": charter, "name": "Grid | interconnector <study>",
                                "status": "done", "provisions": [a["id"]]})
    api.add(store, "milestones", {"agreement_id": charter, "title": "ToR", "due_date": "2026-04-01",
                                  "provisions": [b["id"]]})
    return store, charter, a, b


def test_markdown_report(seeded):
    store, charter, a, b = _tracked(seeded)
    tr = api.tracking(store, charter, today=date(2026, 5, 11))
    md = report.render(tr, "md")
    assert md.startswith(f"# Implementation report: {tr['agreement']['name']}\n")
    assert "- **Signing date:** 2026-02-10 (office)" in md
    n = len(tr["provisions"])
    assert f"- **Coverage:** 1 of {n} provisions have a project ({round(100 / n)} %)" in md
    chart = md.split("## Progress per domain")[1].split("```")[1].splitlines()
    da, db_ = a["domains"][0], b["domains"][0]
    line_a = next(line for line in chart if line.startswith(report.domain_label(da) + " "))
    assert "█" in line_a and line_a.endswith(f"{tr['domains'][da]['done']}/{tr['domains'][da]['total']} done")
    line_b = next(line for line in chart if line.startswith(report.domain_label(db_) + " "))
    assert "▒" in line_b  # the missed milestone
    assert "| 2026-05-10 | overdue | Working groups: decide on the list of projects" in md
    assert "Grid \\| interconnector <study>" in md  # pipes escaped inside table cells


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.rects = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "rect" and dict(attrs).get("data-state"):
            self.rects.append(dict(attrs))


def test_html_report_has_inline_svg_chart_and_escapes(seeded):
    store, charter, _a, _b = _tracked(seeded)
    html = report.render(api.tracking(store, charter, today=date(2026, 5, 11)), "html")
    p = _Collect()
    p.feed(html)
    assert "svg" in p.tags and "script" not in p.tags
    states = {r["data-state"] for r in p.rects}
    assert {"done", "overdue", "not_started"} <= states
    assert "Grid | interconnector &lt;study&gt;" in html
    assert not re.search(r"<[^>]+ style=", html)  # presentation attributes only (CSP-safe)
