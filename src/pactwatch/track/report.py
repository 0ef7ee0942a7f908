"""Implementation report of one agreement, in Markdown or self-contained HTML.

Input is the plain dict of ``service.tracking``; output is text, so the CLI writes it to a
file and the web page can reuse the chart geometry (``domain_chart``).  The progress chart
is one stacked bar per domain (provisions done / in progress / overdue / not started):
Unicode blocks in Markdown (readable in any viewer, no image to ship), an inline SVG in
HTML (no script, no external file: the report is one file an office can mail).
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from pactwatch.track.progress import DONE, IN_PROGRESS, NOT_STARTED, OVERDUE, STATE_LABELS

TEMPLATES = Path(__file__).with_name("templates")
# Order of the segments in a bar, and their colours / glyphs.  Overdue sits next to done
# work so a late item stands out against the grey of what has not started.
SEGMENTS = (DONE, IN_PROGRESS, OVERDUE, NOT_STARTED)
COLORS = {DONE: "#2e7d32", IN_PROGRESS: "#f9a825", OVERDUE: "#c62828", NOT_STARTED: "#cfd8dc"}
GLYPHS = {DONE: "█", IN_PROGRESS: "▓", OVERDUE: "▒", NOT_STARTED: "░"}
BAR_CHARS = 24

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(TEMPLATES)),
    autoescape=jinja2.select_autoescape(["html", "svg"], default=True),
    trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
)


def domain_label(d: str) -> str:
    return d.replace("_", " ").capitalize() if not d.startswith("(") else d


_env.filters["domain"] = domain_label


def _widths(counts: dict[str, int], total: int, width: float) -> list[tuple[str, float]]:
    return [(s, width * counts.get(s, 0) / total) for s in SEGMENTS] if total else []


def domain_chart(domains: dict[str, dict[str, int]], *, width: int = 480, bar: int = 18, gap: int = 8,
                 label_w: int = 170) -> dict:
    """Geometry of the SVG bar chart: {width, height, rows: [{label, y, total, text,
    segments: [{state, x, w, color, n}]}], legend: [...]} - no markup, so templates of
    both the report and the web page draw it."""
    rows = []
    for i, (d, c) in enumerate(domains.items()):
        y = i * (bar + gap)
        x = label_w
        segs = []
        for state, w in _widths(c, c["total"], width):
            if w > 0:
                segs.append({"state": state, "label": STATE_LABELS[state], "x": round(x, 2), "w": round(w, 2),
                             "color": COLORS[state], "n": c.get(state, 0)})
            x += w
        rows.append({"domain": d, "label": domain_label(d), "y": y, "total": c["total"], "segments": segs,
                     "text": f"{c.get(DONE, 0)}/{c['total']} done"})
    return {"width": label_w + width + 90, "height": max(len(rows) * (bar + gap), bar), "bar": bar,
            "label_w": label_w, "rows": rows,
            "legend": [{"state": s, "label": STATE_LABELS[s], "color": COLORS[s]} for s in SEGMENTS]}


def text_bar(counts: dict[str, int], total: int, width: int = BAR_CHARS) -> str:
    """Stacked Unicode bar; rounding keeps every non-empty class visible and the length fixed."""
    if not total:
        return " " * width
    raw = {s: width * counts.get(s, 0) / total for s in SEGMENTS}
    n = {s: (max(1, round(v)) if counts.get(s, 0) else 0) for s, v in raw.items()}
    # Give back / take the rounding difference from the largest class.
    big = max(SEGMENTS, key=lambda s: n[s])
    n[big] += width - sum(n.values())
    return "".join(GLYPHS[s] * n[s] for s in SEGMENTS)


def _md_cell(v) -> str:
    s = "" if v is None else str(v)
    return s.replace("|", "\\|").replace("\n", " ")


def _md_table(headers: list[str], rows: list[list]) -> list[str]:
    if not rows:
        return ["_None recorded._", ""]
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows]
    return out + [""]


def _pct(share) -> str:
    return "n/a" if share is None else f"{round(100 * share)} %"


def markdown(tr: dict) -> str:
    ag, cov, counts = tr["agreement"], tr["coverage"], tr["counts"]
    anchors = tr["anchors"]
    dl = tr["deadlines"]
    n_state = {s: sum(1 for d in dl if d["state"] == s) for s in ("overdue", "open", "pending", "met")}
    lines = [f"# Implementation report: {ag['name']}", "",
             f"Agreement #{ag['id']} · {ag['kind']} · parties {', '.join(ag['parties']) or 'n/a'} · "
             f"as of {tr['today']}", "",
             f"- **Signing date:** {anchors['signed_date'] or 'unknown'}"
             + (f" ({anchors['signed_date_source']})" if anchors["signed_date"] else ""),
             f"- **Coverage:** {cov['covered']} of {cov['total']} provisions have a project ({_pct(cov['share'])})",
             f"- **Provisions:** " + ", ".join(f"{counts[s]} {STATE_LABELS[s]}" for s in SEGMENTS),
             f"- **Deadlines:** {n_state['overdue']} overdue, {n_state['open']} open, "
             f"{n_state['pending']} pending, {n_state['met']} met", "",
             "## Progress per domain", ""]
    if tr["domains"]:
        w = max(len(domain_label(d)) for d in tr["domains"])
        lines.append("```")
        for d, c in tr["domains"].items():
            lines.append(f"{domain_label(d):<{w}}  {text_bar(c, c['total'])}  {c.get(DONE, 0)}/{c['total']} done")
        lines.append("")
        lines.append("  ".join(f"{GLYPHS[s]} {STATE_LABELS[s]}" for s in SEGMENTS))
        lines += ["```", ""]
    else:
        lines += ["_No provisions recorded._", ""]
    lines += ["## Deadlines", ""]
    lines += _md_table(["Due", "State", "What", "Derived"],
                       [[d["due"] or "—", d["state"], d["title"], d["reason"] or ""] for d in dl])
    lines += ["## Bodies", ""]
    lines += _md_table(["#", "Kind", "Name", "Meets", "Last meeting", "Meetings"],
                       [[b["id"], b["kind"], b["name"], b["frequency"] or "", b["last_meeting"] or "", b["n_meetings"]]
                        for b in tr["bodies"]])
    lines += ["## Projects", ""]
    lines += _md_table(["#", "Project", "Status", "Start", "End", "Lead", "Provisions"],
                       [[p["id"], p["name"], p["status"], p["start_date"] or "", p["end_date"] or "", p["lead"] or "",
                         ", ".join(map(str, p["provisions"]))] for p in tr["projects"]])
    lines += ["## Milestones", ""]
    lines += _md_table(["#", "Milestone", "Due", "Done", "Project"],
                       [[m["id"], m["title"], m["due_date"] or "", m["done_date"] or "", m["project_id"] or ""]
                        for m in tr["milestones"]])
    lines += ["## Meetings", ""]
    bodies = {b["id"]: b["name"] for b in tr["bodies"]}
    lines += _md_table(["Date", "Body", "Place", "Notes"],
                       [[m["date"], bodies.get(m["body_id"], m["body_id"]), m["place"] or "", m["notes"] or ""]
                        for m in tr["meetings"]])
    lines += ["## Provisions", ""]
    lines += _md_table(["#", "Status", "Domains", "Provision", "Projects"],
                       [[p["id"], STATE_LABELS[p["state"]], ", ".join(p["domains"]), p["text"],
                         ", ".join(map(str, p["projects"]))] for p in tr["provisions"]])
    return "\n".join(lines).rstrip() + "\n"


def html(tr: dict) -> str:
    return _env.get_template("report.html").render(
        tr=tr, chart=domain_chart(tr["domains"]), labels=STATE_LABELS, pct=_pct, segments=SEGMENTS,
        colors=COLORS, domain_label=domain_label, body_names={b["id"]: b["name"] for b in tr["bodies"]})


def render(tr: dict, fmt: str = "md") -> str:
    if fmt in ("md", "markdown"):
        return markdown(tr)
    if fmt == "html":
        return html(tr)
    raise ValueError(f"unknown report format {fmt!r} (md or html)")


__all__ = ["COLORS", "domain_chart", "html", "markdown", "render", "text_bar"]
