"""Plain functions that shape Store data for the pages and the API.

Nothing here knows about HTTP or SQL: input is the plain data the Store returns, output
is plain data the templates render.  That keeps the pages thin and lets tests check the
geometry and the highlighting on small hand-made inputs.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from pactwatch.web.templating import DOMAIN_COLORS

# --------------------------------------------------------------------------- highlighting


@dataclass
class Segment:
    """A run of document text with the same set of covering evidence spans."""

    text: str
    start: int = 0
    fields: list[str] = field(default_factory=list)   # fields whose evidence covers it
    focus: bool = False       # inside the span the user asked to see (?hl=start-end)
    anchor: str | None = None  # id of the first segment of each span (ev-START-END)
    removed: str | None = None  # reason, for re-inserted page furniture
    tips: list[str] = field(default_factory=list)     # "field: value" descriptions


def highlight(text: str, spans: list[dict], focus: tuple[int, int] | None = None,
              removed: list[tuple[int, str]] | None = None) -> list[Segment]:
    """Cut ``text`` into segments at every span boundary.

    ``spans``: dicts with ``start``, ``end``, ``field`` and optionally ``label`` (what the
    span justifies).  Spans may overlap; a segment lists every field covering it.
    ``focus``: one [start, end) range to mark specially (the evidence the user clicked).
    ``removed``: furniture to re-insert, as (offset in ``text``, removed text + reason)
    pairs — see ``removed_insertions``.
    """
    n = len(text)
    clean: list[tuple[int, int, str, str]] = []
    for s in spans:
        a, b = max(0, int(s["start"])), min(n, int(s["end"]))
        if a < b:
            clean.append((a, b, str(s.get("field", "")), str(s.get("label") or "")))
    bounds = {0, n}
    for a, b, _, _ in clean:
        bounds.update((a, b))
    if focus is not None:
        fa, fb = max(0, focus[0]), min(n, focus[1])
        if fa < fb:
            bounds.update((fa, fb))
            focus = (fa, fb)
        else:
            focus = None
    inserts = sorted(removed or [], key=lambda r: r[0])
    for off, _ in inserts:
        bounds.add(max(0, min(n, off)))
    cuts = sorted(bounds)
    starts = defaultdict(list)
    for a, b, _, _ in clean:
        starts[a].append(f"ev-{a}-{b}")
    # Sweep: spans sorted by start, active set maintained per segment.  O(segments * active).
    by_start = sorted(clean)
    out: list[Segment] = []
    ins_i = 0
    j = 0
    active: list[tuple[int, int, str, str]] = []
    for i in range(len(cuts) - 1):
        a, b = cuts[i], cuts[i + 1]
        while ins_i < len(inserts) and max(0, min(n, inserts[ins_i][0])) <= a:
            _, (rtext, reason) = inserts[ins_i][0], inserts[ins_i][1]
            out.append(Segment(text=rtext, start=a, removed=reason or "removed"))
            ins_i += 1
        while j < len(by_start) and by_start[j][0] <= a:
            active.append(by_start[j])
            j += 1
        active = [s for s in active if s[1] > a]
        fields = sorted({s[2] for s in active})
        tips = sorted({f"{s[2]}: {s[3]}" if s[3] else s[2] for s in active})
        out.append(Segment(
            text=text[a:b], start=a, fields=fields, tips=tips,
            focus=bool(focus and focus[0] <= a and b <= focus[1]),
            anchor=starts[a][0] if starts.get(a) else None,
        ))
    while ins_i < len(inserts):
        rtext, reason = inserts[ins_i][1]
        out.append(Segment(text=rtext, start=n, removed=reason or "removed"))
        ins_i += 1
    return out


def removed_insertions(original: str | None, removed: list) -> list[tuple[int, tuple[str, str]]]:
    """Map furniture ranges of ``original`` to offsets in the cleaned text.

    The cleaner deletes each ``[start, end, reason]`` range of ``original``; the cleaned
    offset of a range is its start minus everything removed before it.  Overlapping or
    out-of-range entries are clipped rather than trusted.
    """
    if not original or not removed:
        return []
    out = []
    shift = 0
    last_end = 0
    for item in sorted((r for r in removed if len(r) >= 2), key=lambda r: (int(r[0]), int(r[1]))):
        s, e = int(item[0]), int(item[1])
        reason = str(item[2]) if len(item) > 2 else "removed"
        s = max(s, last_end, 0)
        e = min(e, len(original))
        if s >= e:
            continue
        out.append((s - shift, (original[s:e], reason)))
        shift += e - s
        last_end = e
    return out


def context(text: str, start: int, end: int, width: int = 160) -> dict:
    """The evidence passage with some text either side, cut at word boundaries."""
    n = len(text)
    start, end = max(0, min(start, n)), max(0, min(end, n))
    a = max(0, start - width)
    b = min(n, end + width)
    if a > 0:
        sp = text.find(" ", a, start)
        a = sp + 1 if sp != -1 else a
    if b < n:
        sp = text.rfind(" ", end, b)
        b = sp if sp != -1 else b
    return {"before": ("…" if a > 0 else "") + text[a:start], "match": text[start:end],
            "after": text[end:b] + ("…" if b < n else "")}


# --------------------------------------------------------------------------- compare

COMPARE_ROWS = (
    ("parties", "Parties"), ("kind", "Kind"), ("status", "Status"), ("signed_date", "Signed"),
    ("place", "Place"), ("duration_years", "Duration"), ("defense_pledge", "Defense pledge"),
    ("consultation_pledge", "Consultation pledge"), ("funding", "Funding"),
    ("mechanisms", "Mechanisms"), ("signatories", "Signatories"), ("provisions", "Provisions"),
    ("n_sources", "Sources"),
)


def compare_matrix(agreements: list[dict]) -> dict:
    """Rows x agreements: one domain row per domain any of them has, plus field rows.

    A row is marked ``differs`` when the agreements disagree on it, so the eye goes to
    what distinguishes them.
    """
    domains = sorted({d for a in agreements for d in (a.get("domains") or [])})
    domain_rows = []
    for d in domains:
        cells = [d in (a.get("domains") or []) for a in agreements]
        domain_rows.append({"domain": d, "cells": cells, "differs": len(set(cells)) > 1})
    field_rows = []
    for key, title in COMPARE_ROWS:
        cells = [a.get(key) for a in agreements]
        norm = [repr(c) for c in cells]
        field_rows.append({"field": key, "label": title, "cells": cells, "differs": len(set(norm)) > 1})
    return {"domains": domain_rows, "fields": field_rows}


# --------------------------------------------------------------------------- timeline


def _year_of(date_str) -> int | None:
    if not date_str:
        return None
    try:
        return int(str(date_str)[:4])
    except ValueError:
        return None


def _frac_year(date_str: str) -> float:
    """'2024-06-15' -> 2024.45; partial dates sit mid-period."""
    y = int(date_str[:4])
    if len(date_str) >= 7:
        m = int(date_str[5:7])
        d = int(date_str[8:10]) if len(date_str) >= 10 else 15
        return y + ((m - 1) + (d - 1) / 31) / 12
    return y + 0.5


STATUS_COLORS = {
    "signed": "#1d6fb8", "in_force": "#1e8449", "expected": "#b9770e", "negotiating": "#8e44ad",
    "proposed": "#7f8c8d", "withdrawn": "#c0392b", "terminated": "#641e16", None: "#95a5a6",
}


def timeline_chart(events: list[dict], width: int = 1100, lane_h: int = 30, max_lanes: int = 14,
                   per_year: dict[int, int] | None = None) -> dict:
    """Geometry of the timeline SVG: a per-year bar chart and a lane per party.

    ``events``: dicts with ``id``, ``name``, ``date`` (YYYY[-MM[-DD]]), ``parties``, ``status``.
    Undated events are counted apart (they cannot be placed).  ``per_year``: counts for
    the bars when ``events`` is only a sample (the most recent) of a larger set.
    """
    dated = [e for e in events if _year_of(e.get("date"))]
    undated = len(events) - len(dated)
    if not dated:
        return {"empty": True, "undated": undated, "width": width, "height": 0}
    years = [_year_of(e["date"]) for e in dated]
    all_years = years + list(per_year or {})
    y0, y1 = min(all_years), max(all_years) + 1
    left, right = 150, 20
    plot_w = width - left - right
    span = max(1, y1 - y0)

    def x(v: float) -> float:
        return round(left + (v - y0) / span * plot_w, 1)

    # Bars: agreements per year.
    per_year = Counter(per_year) if per_year else Counter(years)
    bar_h = 90
    top = 20
    peak = max(per_year.values())
    bw = max(1.0, plot_w / span - 2)
    bars = []
    for yr, c in sorted(per_year.items()):
        h = round(c / peak * (bar_h - 10), 1)
        bars.append({"x": round(x(yr) + 1, 1), "y": round(top + bar_h - h, 1), "w": round(bw, 1), "h": h,
                     "year": yr, "count": c})
    # Lanes: the parties with most agreements; everything else in "other".
    counts = Counter(p for e in dated for p in (e.get("parties") or []))
    lanes = [p for p, _ in counts.most_common(max_lanes)]
    lane_top = top + bar_h + 40
    lane_index = {p: i for i, p in enumerate(lanes)}
    dots = []
    for e in dated:
        fx = x(_frac_year(str(e["date"])))
        placed = [p for p in (e.get("parties") or []) if p in lane_index] or [None]
        for p in placed:
            i = lane_index[p] if p is not None else len(lanes)
            dots.append({"cx": fx, "cy": lane_top + i * lane_h + lane_h / 2, "id": e["id"], "name": e.get("name", ""),
                         "date": e["date"], "status": e.get("status"),
                         "color": STATUS_COLORS.get(e.get("status"), STATUS_COLORS[None]), "party": p})
    has_other = any(d["party"] is None for d in dots)
    lane_rows = [{"party": p, "y": lane_top + i * lane_h, "count": counts[p]} for i, p in enumerate(lanes)]
    if has_other:
        lane_rows.append({"party": None, "y": lane_top + len(lanes) * lane_h, "count": None})
    height = lane_top + len(lane_rows) * lane_h + 30
    # Year ticks: about 12 labels whatever the range.
    step = max(1, math.ceil(span / 12))
    if step > 1:
        step = next(s for s in (2, 5, 10, 20, 25, 50, 100, 200, 500) if s >= step) if step <= 500 else step
    ticks = [{"x": x(yr), "year": yr} for yr in range(y0 - y0 % step if step > 1 else y0, y1 + 1, step) if y0 <= yr <= y1]
    return {"empty": False, "width": width, "height": height, "bars": bars, "bar_top": top, "bar_h": bar_h,
            "lanes": lane_rows, "lane_h": lane_h, "lane_top": lane_top, "dots": dots, "ticks": ticks,
            "left": left, "right": width - right, "undated": undated, "peak": peak, "y0": y0, "y1": y1}


# --------------------------------------------------------------------------- network


def network_chart(nodes: list[dict], edges: list[dict], size: int = 760, max_nodes: int = 60) -> dict:
    """Circular layout of the party network.

    ``nodes``: ``{"id": party, "count": n}``; ``edges``: ``{"source", "target", "count",
    "domains": {domain: n} or [..]}``.  Nodes are placed on a circle ordered so that
    strongly linked parties sit near each other (greedy neighbour ordering), which keeps
    edges short and the picture readable without a physics simulation per request.
    """
    nodes = sorted(nodes, key=lambda n: (-int(n.get("count") or 0), str(n["id"])))[:max_nodes]
    keep = {n["id"] for n in nodes}
    edges = [e for e in edges if e["source"] in keep and e["target"] in keep and e["source"] != e["target"]]
    if not nodes:
        return {"empty": True, "size": size, "nodes": [], "edges": [], "legend": []}
    weight: dict[str, Counter] = defaultdict(Counter)
    for e in edges:
        weight[e["source"]][e["target"]] += int(e.get("count") or 1)
        weight[e["target"]][e["source"]] += int(e.get("count") or 1)
    # Greedy ordering: start at the busiest node, always go to the unplaced node most
    # connected to the ones just placed.
    order = [nodes[0]["id"]]
    rest = [n["id"] for n in nodes[1:]]
    while rest:
        recent = order[-3:]
        best = max(rest, key=lambda r: (sum(weight[p][r] for p in recent), -rest.index(r)))
        order.append(best)
        rest.remove(best)
    cx = cy = size / 2
    radius = size / 2 - 115  # room for labels outside the circle
    pos = {}
    count_of = {n["id"]: int(n.get("count") or 0) for n in nodes}
    peak = max(count_of.values()) or 1
    out_nodes = []
    for i, pid in enumerate(order):
        ang = 2 * math.pi * i / len(order) - math.pi / 2
        x, y = cx + radius * math.cos(ang), cy + radius * math.sin(ang)
        pos[pid] = (x, y)
        lx, ly = cx + (radius + 16) * math.cos(ang), cy + (radius + 16) * math.sin(ang)
        # Labels run outwards along the radius (chord-diagram style) so neighbours at the
        # top and bottom of the circle do not overprint each other; the left half is
        # turned half a circle more so no label reads upside down.
        deg = math.degrees(ang)
        right = math.cos(ang) >= 0
        out_nodes.append({"id": pid, "x": round(x, 1), "y": round(y, 1), "r": round(5 + 9 * math.sqrt(count_of[pid] / peak), 1),
                          "count": count_of[pid], "lx": round(lx, 1), "ly": round(ly, 1),
                          "rot": round(deg if right else deg + 180, 1), "anchor": "start" if right else "end",
                          "degree": len(weight[pid])})
    emax = max((int(e.get("count") or 1) for e in edges), default=1)
    out_edges = []
    used_domains: Counter = Counter()
    for e in sorted(edges, key=lambda e: int(e.get("count") or 1)):
        doms = e.get("domains") or {}
        if isinstance(doms, list):
            doms = Counter(doms)
        top = max(sorted(doms), key=lambda d: doms[d]) if doms else None
        if top:
            used_domains[top] += 1
        (x1, y1), (x2, y2) = pos[e["source"]], pos[e["target"]]
        c = int(e.get("count") or 1)
        # Curve edges slightly towards the centre so parallel chords stay distinguishable.
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        qx, qy = mx + (cx - mx) * 0.25, my + (cy - my) * 0.25
        out_edges.append({"source": e["source"], "target": e["target"], "count": c, "domain": top,
                          "color": DOMAIN_COLORS.get(top, "#7f8c8d"),
                          "width": round(1.2 + 7 * math.sqrt(c / emax), 1),
                          "d": f"M{x1:.1f},{y1:.1f} Q{qx:.1f},{qy:.1f} {x2:.1f},{y2:.1f}",
                          "domains": dict(doms)})
    legend = [d for d, _ in used_domains.most_common()]
    return {"empty": False, "size": size, "nodes": out_nodes, "edges": out_edges, "legend": legend,
            "emax": emax, "hidden_nodes": 0}
