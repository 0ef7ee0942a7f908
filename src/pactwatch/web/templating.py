"""The one Jinja2 environment of the web app, shared with routers of other teams.

Autoescaping is on for every template: document text is hostile input (scraped pages),
so it is only ever emitted through ``{{ }}`` and never marked safe.

Another router renders its own templates (which may ``{% extends "base.html" %}``)
after registering their folder::

    from pactwatch.web import templating
    templating.add_template_dir(Path(__file__).parent / "templates")
    return templating.render(request, "tracking/bodies.html", {...})
"""

from __future__ import annotations

import csv
import functools
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from pactwatch import __version__

TEMPLATE_DIR = Path(__file__).parent / "templates"
_loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(TEMPLATE_DIR))])
env = jinja2.Environment(
    loader=_loader,
    autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=True, default=True),
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,  # a typo in a template fails a test instead of rendering blank
)

# Links in the top bar; other routers may append (label, path) pairs.
NAV: list[tuple[str, str]] = [
    ("Search", "/"),
    ("Timeline", "/timeline"),
    ("Network", "/network"),
    ("Compare", "/compare"),
    ("Deadlines", "/deadlines"),
    ("API", "/docs"),
]


def add_template_dir(path) -> None:
    """Let another package's templates be found (and extend ``base.html``)."""
    p = str(path)
    loaders = _loader.loaders
    if not any(getattr(ld, "searchpath", None) == [p] for ld in loaders):
        loaders.insert(0, jinja2.FileSystemLoader(p))


def add_nav(label: str, path: str) -> None:
    if (label, path) not in NAV:
        NAV.append((label, path))


DOMAIN_LABELS = {
    "defense": "Defense", "intelligence": "Intelligence", "cyber": "Cyber",
    "counterterrorism": "Counterterrorism", "border_security": "Border security",
    "peacekeeping": "Peacekeeping", "demining": "Demining", "nuclear": "Nuclear",
    "energy": "Energy", "trade_investment": "Trade & investment", "connectivity": "Connectivity",
    "technology": "Technology", "critical_minerals": "Critical minerals",
    "democracy_governance": "Democracy & governance", "people_to_people": "People-to-people",
    "reconstruction_aid": "Reconstruction & aid", "health": "Health",
    "environment_climate": "Environment & climate", "agriculture_food": "Agriculture & food",
}
# A qualitative palette (colour-blind friendly first entries) so the network and the
# domain chips use one colour per domain everywhere.
DOMAIN_COLORS = {
    "defense": "#c0392b", "intelligence": "#7d3c98", "cyber": "#2e86c1", "counterterrorism": "#873600",
    "border_security": "#b9770e", "peacekeeping": "#148f77", "demining": "#6e2c00", "nuclear": "#d4ac0d",
    "energy": "#e67e22", "trade_investment": "#1f618d", "connectivity": "#5d6d7e", "technology": "#17a589",
    "critical_minerals": "#7b7d7d", "democracy_governance": "#a93226", "people_to_people": "#af7ac5",
    "reconstruction_aid": "#229954", "health": "#e74c3c", "environment_climate": "#27ae60",
    "agriculture_food": "#9a7d0a",
}
FIELD_LABELS = {
    "name": "Name", "role": "Role", "kind": "Kind", "parties": "Parties", "status": "Status",
    "signed_date": "Signed", "place": "Place", "signatories": "Signatories", "domains": "Domains",
    "provisions": "Provisions", "funding": "Funding", "duration_years": "Duration",
    "defense_pledge": "Defense pledge", "consultation_pledge": "Consultation pledge",
    "mechanisms": "Mechanisms", "related": "Related agreements",
}


@functools.lru_cache(maxsize=1)
def party_names() -> dict[str, str]:
    """Display names for party codes, read from the gazetteer's data files when present."""
    names: dict[str, str] = {}
    data = Path(__file__).parent.parent / "annotate" / "data"
    path = data / "countries.tsv"
    if path.exists():
        with path.open(encoding="utf-8") as f:
            for row in csv.reader((ln for ln in f if ln.strip() and not ln.startswith("#")), delimiter="\t"):
                if len(row) >= 2 and row[0] and row[1]:
                    names[row[0].strip()] = row[1].strip()
    return names


def party_label(code) -> str:
    if code is None:
        return ""
    return party_names().get(str(code), str(code))


def money(amount, currency="") -> str:
    """Compact human amount: 18000000 USD -> 'USD 18 million'."""
    if amount is None:
        return ""
    a = float(amount)
    for div, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(a) >= div:
            v = a / div
            txt = f"{v:.1f}".rstrip("0").rstrip(".") if v < 100 else f"{v:.0f}"
            return f"{currency} {txt} {word}".strip()
    return f"{currency} {a:,.0f}".strip()


def duration(value) -> str:
    if value is None:
        return ""
    v = float(value)
    n = int(v) if v == int(v) else v
    return f"{n} year" + ("" if v == 1 else "s")


def pledge(value) -> str:
    return {True: "Yes", False: "No (text says none)", None: "Not stated"}.get(value, str(value))


_FREQ_WORDS = {"P1Y": "yearly", "P6M": "every six months", "P3M": "quarterly", "P1M": "monthly",
               "P2Y": "every two years", "P1W": "weekly", "P1D": "daily"}
_UNITS = {"Y": "year", "M": "month", "W": "week", "D": "day"}


def frequency(value) -> str:
    """ISO 8601 duration of a recurring meeting in words: 'P1Y' -> 'yearly', 'P18M' -> 'every 18 months'."""
    if not value:
        return ""
    if value in _FREQ_WORDS:
        return _FREQ_WORDS[value]
    import re

    parts = re.findall(r"(\d+)([YMWD])", str(value))
    if not parts:
        return str(value)
    return "every " + " ".join(f"{n} {_UNITS[u]}{'s' if n != '1' else ''}" for n, u in parts)


def label(value) -> str:
    """'joint_statement' -> 'Joint statement'."""
    if value is None:
        return ""
    s = str(value).replace("_", " ")
    return s[:1].upper() + s[1:]


def query(request: Request | None = None, base: dict | None = None, **changes) -> str:
    """A query string from the current one (or ``base``) with ``changes`` applied.

    A change to None removes the key; a list value repeats it.  Used for facet and
    pagination links so the other filters are kept.
    """
    params: list[tuple[str, str]] = []
    src = base if base is not None else ({} if request is None else None)
    items = list(src.items()) if src is not None else list(request.query_params.multi_items())
    for k, v in items:
        if k in changes:
            continue
        if isinstance(v, (list, tuple)):
            params.extend((k, str(x)) for x in v)
        elif v not in (None, ""):
            params.append((k, str(v)))
    for k, v in changes.items():
        if v is None or v == "":
            continue
        if isinstance(v, (list, tuple)):
            params.extend((k, str(x)) for x in v)
        else:
            params.append((k, str(v)))
    return "?" + urlencode(params) if params else "?"


env.globals.update(
    NAV=NAV, DOMAIN_LABELS=DOMAIN_LABELS, DOMAIN_COLORS=DOMAIN_COLORS, FIELD_LABELS=FIELD_LABELS,
    version=__version__, query=query, party_label=party_label,
)
env.filters.update(frequency=frequency, party=party_label, money=money, duration=duration, pledge=pledge, label=label,
                   domain=lambda d: DOMAIN_LABELS.get(d, label(d)))


def render_string(name: str, context: dict) -> str:
    ctx = {"request": None, "today": date.today().isoformat(), **context}
    return env.get_template(name).render(ctx)


def render(request: Request, name: str, context: dict, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(render_string(name, {"request": request, **context}), status_code=status_code)
