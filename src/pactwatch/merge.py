"""Same agreement across documents: pure functions that decide which reports describe one
agreement and derive the canonical (merged) agreement from them.

A *report* here is a plain dict: the fields of one ``pactwatch.record.Agreement`` plus
``document_id`` (and optionally ``idx``, the report's position in its record, and
``published``).  The store keeps reports and calls :func:`cluster` / :func:`derive`.

Matching (``same_agreement``) — only reports with the same party set are ever compared
(``party_key``), then:

* kinds must be compatible: equal, or one of them generic (``agreement``, ``pact``,
  ``other`` — outlets call a framework "the deal"), or declaration ~ joint statement;
* dates must be compatible: same year, and same month when both give one; an unknown
  date is compatible with anything;
* a year written in both names must agree ("the 2021 framework" vs "the 2024 agreement");
* names must be similar: the overlap coefficient |A∩B| / min(|A|,|B|) of their
  normalised content tokens (lower-cased, country names/demonyms, party codes, kind nouns
  and stopwords dropped, suffix-stripped) is at least 0.5.  "the strategic defense
  framework" -> {strateg, defens}; "the agreement on the strategic foundations of the
  defense partnership" -> {strateg, found, defens, partnership}: overlap 1.0.
  When a name has no content token ("the agreement"), the dates must both be known to
  the month and equal instead.

Clustering (``cluster``) is deterministic agglomeration over the pairs that match,
strongest pairs first, ties broken by the reports' (document id, idx) — never by
database ids or arrival order, so ingesting A then B equals B then A.  Two groups are
only joined when every known date and every specific kind in them stay compatible, so an
undated mention cannot chain the 2021 framework and the 2024 agreement together.

Canonical values (``derive``): per scalar field the best-supported value — most
supporting *documents*, then highest confidence, then most precise — where a less
precise compatible value supports a more precise one ("2021" supports "2021-08-31";
the generic kind "agreement" supports "framework").  Values that are not compatible
with the chosen one are kept in ``conflicts`` as [{field, values: [{value, sources}]}].
List fields are unions keyed on normalised items (a signatory by first+last name, a
provision by its normalised text, funding by amount+currency, a mechanism by kind+name),
each item counting its supporting documents.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache

SCALAR_FIELDS = ("kind", "status", "signed_date", "place", "duration_years", "defense_pledge", "consultation_pledge")
LIST_FIELDS = ("parties", "signatories", "domains", "provisions", "funding", "mechanisms", "related")
GENERIC_KINDS = frozenset({"agreement", "pact", "other"})
# Pairs of specific kinds that name the same instrument in practice.
_KIND_SYNONYMS = {frozenset({"declaration", "joint_statement"})}
NAME_THRESHOLD = 0.5

# Kind nouns and function words carry no identity ("the X agreement" vs "the X deal").
_STOP = frozenset("""
a an the of on in at to for and or with between by from into its their his her this that these those
new first second third joint bilateral trilateral multilateral mutual historic landmark so called so-called
agreement agreements treaty treaties pact pacts accord accords deal deals framework frameworks
memorandum memoranda understanding mou declaration statement protocol roadmap road map charter
arrangement arrangements document text plan
signed sign signing landmark comprehensive
""".split())
# Country names, demonyms and common short forms; gazetteer codes are dropped too when the
# extractor's gazetteer is installed (see _is_place_token).
_PLACE_WORDS = frozenset("""
us u.s usa america american americans united states kingdom uk u.k britain british england english
ukraine ukrainian russia russian soviet ussr china chinese japan japanese india indian france french
germany german italy italian spain spanish canada canadian mexico mexican brazil brazilian
armenia armenian azerbaijan azerbaijani turkey turkish turkiye iran iranian iraq iraqi israel israeli
palestine palestinian egypt egyptian jordan jordanian saudi arabia arabian emirates uae qatar qatari
syria syrian libya libyan korea korean north south philippines philippine filipino vietnam vietnamese
australia australian european eu nato un africa african asia asian chad chadian kenya kenyan
pakistan pakistani afghanistan afghan taliban georgia georgian poland polish finland finnish
lithuania lithuanian iceland icelandic portugal portuguese taiwan taiwanese argentina argentine
tajikistan kazakhstan uzbekistan kyrgyzstan turkmenistan central
""".split())
_SPELLING = {"defence": "defense", "programme": "program", "centre": "center", "labour": "labor",
             "organisation": "organization"}
_SUFFIXES = ("izations", "isations", "ization", "isation", "ational", "ations", "ation", "ments", "ment",
             "ings", "ing", "ities", "ity", "ies", "ive", "ous", "ness", "es", "ed", "ic", "al", "s", "y", "e")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z]+)*")


def party_key(parties: Iterable[str]) -> str:
    """The blocking key: sorted, de-duplicated party codes joined by '|'."""
    return "|".join(sorted(set(parties)))


def _fold(s: str) -> str:
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()


def stem(token: str) -> str:
    """Tiny suffix stripper: enough to equate strategic/strategy, foundations/foundation."""
    token = _SPELLING.get(token, token)
    for suf in _SUFFIXES:
        if token.endswith(suf) and len(token) - len(suf) >= 4:
            return token[: -len(suf)]
    return token


@lru_cache(maxsize=65536)
def _gazetteer_code(tok: str) -> str | None:
    try:  # the extractor's gazetteer knows every country name, demonym and capital
        from pactwatch.annotate.gazetteer import code_for
    except ImportError:
        return None
    try:
        return code_for(tok)
    except Exception:  # a gazetteer bug must not stop storing a record; the word list still applies
        return None


def _is_place_token(tok: str, parties: Sequence[str]) -> bool:
    return tok in _PLACE_WORDS or tok.upper() in parties or (len(tok) > 3 and _gazetteer_code(tok) is not None)


def name_tokens(name: str, parties: Sequence[str] = ()) -> list[str]:
    """Normalised content tokens of an agreement name (sorted, unique)."""
    words = _WORD.findall(_fold(name).replace("co-op", "coop").replace("-", " "))
    out = set()
    for w in words:
        w = w.replace(".", "").replace("'s", "").replace("'", "")
        if not w or w.isdigit() or w in _STOP or len(w) < 2 or _is_place_token(w, parties):
            continue
        s = stem(w)
        if s and s not in _STOP:
            out.add(s)
    return sorted(out)


def name_years(name: str) -> set[str]:
    return set(_YEAR.findall(name or ""))


def name_similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Overlap coefficient of two token lists (0 when either is empty)."""
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def dates_compatible(a: str | None, b: str | None) -> bool:
    """Unknown is compatible; otherwise one must be a prefix of the other at year/month level."""
    if not a or not b:
        return True
    if a[:4] != b[:4]:
        return False
    if len(a) >= 7 and len(b) >= 7 and a[:7] != b[:7]:
        return False
    if len(a) == 10 and len(b) == 10 and a != b:
        # Same month, different day: still one agreement reported with a day's slip
        # (time zones, "on Tuesday" resolved differently) — compatible for matching.
        return True
    return True


def dates_consistent(a: str | None, b: str | None) -> bool:
    """Stricter than compatible, for voting: one date is a prefix of the other."""
    return not a or not b or a.startswith(b) or b.startswith(a)


def kinds_compatible(a: str | None, b: str | None) -> bool:
    if not a or not b or a == b or a in GENERIC_KINDS or b in GENERIC_KINDS:
        return True
    return frozenset({a, b}) in _KIND_SYNONYMS


def report_tokens(report: dict) -> list[str]:
    if report.get("name_key") is not None:
        return report["name_key"].split()
    return name_tokens(report.get("name") or "", report.get("parties") or ())


def match_score(a: dict, b: dict) -> float:
    """0 when the reports cannot be one agreement, else a similarity in (0, 2]."""
    if party_key(a.get("parties") or ()) != party_key(b.get("parties") or ()):
        return 0.0
    if not kinds_compatible(a.get("kind"), b.get("kind")):
        return 0.0
    da, db = a.get("signed_date"), b.get("signed_date")
    if not dates_compatible(da, db):
        return 0.0
    ya, yb = name_years(a.get("name") or ""), name_years(b.get("name") or "")
    if ya and yb and not (ya & yb):
        return 0.0
    ta, tb = report_tokens(a), report_tokens(b)
    sim = name_similarity(ta, tb)
    same_day = bool(da and db and len(da) == 10 and da == db)
    if sim >= NAME_THRESHOLD:
        return sim + (0.5 if same_day else 0.0)
    if (not ta or not tb) and da and db and len(da) >= 7 and len(db) >= 7 and da[:7] == db[:7]:
        return 0.5 + (0.25 if same_day else 0.0)
    if sim > 0 and same_day:
        return 0.5 + sim / 2
    return 0.0


def same_agreement(a: dict, b: dict) -> bool:
    return match_score(a, b) > 0.0


def report_sort_key(r: dict) -> tuple:
    """Content-derived identity of a report, independent of database ids."""
    return (str(r.get("document_id") or ""), int(r.get("idx") or 0), r.get("name") or "")


def _groups_compatible(ga: list[dict], gb: list[dict]) -> bool:
    for x in ga:
        for y in gb:
            if not dates_compatible(x.get("signed_date"), y.get("signed_date")):
                return False
            if not kinds_compatible(x.get("kind"), y.get("kind")):
                return False
    return True


def cluster(reports: Sequence[dict]) -> list[list[int]]:
    """Group reports (one party set) into agreements; returns lists of indexes into ``reports``.

    Deterministic and independent of input order (see module docstring).
    """
    order = sorted(range(len(reports)), key=lambda i: report_sort_key(reports[i]))
    rank = {i: r for r, i in enumerate(order)}
    pairs = []
    for x in range(len(order)):
        for y in range(x + 1, len(order)):
            i, j = order[x], order[y]
            s = match_score(reports[i], reports[j])
            if s > 0:
                pairs.append((-s, x, y, i, j))
    pairs.sort()
    parent = list(range(len(reports)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(reports))}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _s, _x, _y, i, j in pairs:
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        if not _groups_compatible([reports[k] for k in members[ri]], [reports[k] for k in members[rj]]):
            continue
        # The root is the member that sorts first, so the result never depends on input order.
        keep, drop = (ri, rj) if rank[ri] < rank[rj] else (rj, ri)
        parent[drop] = keep
        members[keep].extend(members.pop(drop))
    groups = [sorted(m, key=lambda k: rank[k]) for m in members.values()]
    groups.sort(key=lambda g: rank[g[0]])
    return groups


# ------------------------------------------------------------------------------------------
# Canonical values


def _precision(v) -> int:
    return len(v) if isinstance(v, str) else 0


def _supports(field: str, have, cand) -> bool:
    """Does a report's value ``have`` support the candidate value ``cand``?"""
    if have == cand:
        return True
    if field == "signed_date":
        return isinstance(have, str) and isinstance(cand, str) and cand.startswith(have)
    if field == "kind":
        return have in GENERIC_KINDS and cand not in GENERIC_KINDS
    return False


def _consistent(field: str, a, b) -> bool:
    if a == b:
        return True
    if field == "signed_date":
        return dates_consistent(a, b)
    if field == "kind":
        return a in GENERIC_KINDS or b in GENERIC_KINDS
    if field == "place":
        return _fold(str(a)) == _fold(str(b))
    return False


def vote(field: str, reports: Sequence[dict]) -> tuple[object, list[dict], list[int]]:
    """(best value, conflict values [{value, sources}], indexes of supporting reports)."""
    by_value: dict = {}
    for i, r in enumerate(reports):
        v = r.get(field)
        if v is None or v == "":
            continue
        by_value.setdefault(_hashable(v), (v, []))[1].append(i)
    if not by_value:
        return None, [], []

    def score(item):
        _key, (v, _idx) = item
        sup = [i for i, r in enumerate(reports) if r.get(field) is not None and _supports(field, r.get(field), v)]
        docs = {reports[i].get("document_id") for i in sup}
        conf = max((reports[i].get("confidence") or 0.0) for i in sup)
        return (len(docs), conf, _precision(v), str(v)), sup

    scored = [(score(item), item) for item in by_value.items()]
    scored.sort(key=lambda t: t[0][0], reverse=True)
    (_, support), (_key, (best, _)) = scored[0]
    conflicting = [v for _k, (v, _i) in by_value.items() if not _consistent(field, v, best)]
    conflicts: list[dict] = []
    if conflicting:
        values = [best] + sorted(conflicting, key=str)
        for v in values:
            docs = sorted({reports[i].get("document_id") for i in by_value[_hashable(v)][1]})
            conflicts.append({"value": v, "sources": docs})
    return best, conflicts, support


def _hashable(v):
    return repr(v)


def _words(s: str | None) -> str:
    return " ".join(_WORD.findall(_fold(s or "")))


def signatory_key(s: dict) -> str:
    toks = [t for t in _WORD.findall(_fold(s.get("name") or "").replace(".", " "))
            if len(t) > 1 and t not in {"jr", "sr", "ii", "iii", "iv"}]
    if not toks:
        return ""
    return toks[0] if len(toks) == 1 else f"{toks[0]} {toks[-1]}"


def provision_key(p: dict) -> str:
    return _words(p.get("text"))[:300]


def funding_key(f: dict) -> str:
    return f"{round(float(f.get('amount') or 0), 2):.2f}|{f.get('currency') or ''}"


def mechanism_key(m: dict) -> str:
    return f"{m.get('kind') or ''}|{' '.join(name_tokens(m.get('name') or ''))}"


def domain_key(d) -> str:
    return str(d)


def related_key(r) -> str:
    return _words(str(r))


ITEM_KEYS = {
    "parties": lambda p: str(p),
    "domains": domain_key,
    "signatories": signatory_key,
    "provisions": provision_key,
    "funding": funding_key,
    "mechanisms": mechanism_key,
    "related": related_key,
}


def _merge_items(field: str, reports: Sequence[dict]) -> list[dict]:
    """Union of a list field: [{key, value, sources: [doc ids], refs: [(report index, item index)]}]."""
    keyf = ITEM_KEYS[field]
    items: dict[str, dict] = {}
    for ri, r in enumerate(reports):
        for ii, v in enumerate(r.get(field) or []):
            k = keyf(v)
            if not k:
                continue
            slot = items.setdefault(k, {"key": k, "versions": [], "refs": []})
            slot["versions"].append((ri, v))
            slot["refs"].append((ri, ii))
    out = []
    for k, slot in items.items():
        docs = sorted({reports[ri].get("document_id") for ri, _ in slot["versions"]})
        value = _combine_item(field, [(reports[ri], v) for ri, v in slot["versions"]])
        out.append({"key": k, "value": value, "sources": docs, "refs": slot["refs"]})
    # Best-supported first, then the order the most confident source gave (stable output).
    first_pos = {}
    for pos, it in enumerate(out):
        ri, ii = min(it["refs"], key=lambda ref: (-(reports[ref[0]].get("confidence") or 0), report_sort_key(reports[ref[0]]), ref[1]))
        first_pos[pos] = (report_sort_key(reports[ri]), ii)
    order = sorted(range(len(out)), key=lambda p: (-len(out[p]["sources"]), first_pos[p], out[p]["key"]))
    return [out[p] for p in order]


def _best(values: list, reports_conf: list[float]):
    """Most common non-empty value, then from the most confident report, then longest."""
    counts: dict = defaultdict(lambda: [0, 0.0, None])
    for v, c in zip(values, reports_conf):
        if v in (None, "", []):
            continue
        slot = counts[_hashable(v)]
        slot[0] += 1
        slot[1] = max(slot[1], c)
        slot[2] = v
    if not counts:
        return None
    return max(counts.values(), key=lambda s: (s[0], s[1], len(str(s[2])), str(s[2])))[2]


def _combine_item(field: str, versions: list[tuple[dict, object]]):
    """One canonical item from the versions several reports give of it."""
    if field in ("parties", "domains", "related"):
        return _best([v for _r, v in versions], [r.get("confidence") or 0 for r, _ in versions])
    confs = [r.get("confidence") or 0.0 for r, _ in versions]
    dicts = [v for _r, v in versions]
    keys: list[str] = []
    for d in dicts:
        for k in d:
            if k not in keys:
                keys.append(k)
    out = {}
    for k in keys:
        vals = [d.get(k) for d in dicts]
        if k == "name" and field == "signatories":
            out[k] = max((v for v in vals if v), key=lambda v: (len(v), v), default=None)
        elif k in ("actor", "domains"):
            merged = sorted({x for v in vals if v for x in v})
            out[k] = merged
        else:
            out[k] = _best(vals, confs)
    return out


def noisy_or(confs: Iterable[float]) -> float:
    """Independent sources agreeing raise belief: 1 - prod(1 - c)."""
    p = 1.0
    for c in confs:
        p *= 1.0 - max(0.0, min(1.0, c or 0.0))
    return round(1.0 - p, 4)


def derive(reports: Sequence[dict]) -> dict:
    """The canonical agreement of a group of reports (see module docstring).

    Returns the pactwatch/v1 agreement fields plus ``names``, ``n_sources``, ``sources``
    ([{document_id, role}]), ``conflicts``, ``items`` ({list field: [{key, value, sources}]})
    and ``evidence`` ({field: [[item|None, document_id, start, end], ...]}).
    """
    if not reports:
        raise ValueError("derive() needs at least one report")
    reports = sorted(reports, key=report_sort_key)
    out: dict = {"parties": sorted(set(reports[0].get("parties") or []))}
    conflicts: list[dict] = []
    evidence: dict[str, list] = {}

    def add_evidence(field: str, item: int | None, ri: int, span_index: int | None) -> None:
        spans = (reports[ri].get("evidence") or {}).get(field) or []
        chosen = spans if span_index is None else spans[span_index:span_index + 1]
        for s, e in chosen:
            evidence.setdefault(field, []).append([item, reports[ri].get("document_id"), int(s), int(e)])

    for field in SCALAR_FIELDS:
        best, confl, support = vote(field, reports)
        out[field] = best
        if confl:
            conflicts.append({"field": field, "values": confl})
        for ri in support:
            add_evidence(field, None, ri, None)

    # Name: most documents, then primary reports, then confidence, then the most specific.
    name_score: dict[str, list] = {}
    for r in reports:
        n = (r.get("name") or "").strip()
        if not n:
            continue
        s = name_score.setdefault(n, [set(), 0, 0.0])
        s[0].add(r.get("document_id"))
        s[1] = max(s[1], 1 if r.get("role") == "primary" else 0)
        s[2] = max(s[2], r.get("confidence") or 0.0)
    out["name"] = max(name_score, key=lambda n: (len(name_score[n][0]), name_score[n][1], name_score[n][2], len(n), n)) \
        if name_score else "unnamed agreement"
    out["names"] = sorted(name_score)
    for ri, r in enumerate(reports):
        if (r.get("name") or "").strip() == out["name"]:
            add_evidence("name", None, ri, None)
    out["kind"] = out["kind"] or "other"
    out["role"] = "primary" if any(r.get("role") == "primary" for r in reports) else "mentioned"

    items: dict[str, list[dict]] = {}
    for field in LIST_FIELDS:
        merged = _merge_items(field, reports)
        items[field] = merged
        out[field] = [it["value"] for it in merged]
        for pos, it in enumerate(merged):
            for ri, ii in it["refs"]:
                spans = (reports[ri].get("evidence") or {}).get(field) or []
                if ii < len(spans):
                    add_evidence(field, pos, ri, ii)
    out["parties"] = sorted(out["parties"])
    out["domains"] = sorted(out["domains"])

    docs: dict[str, str] = {}
    for r in reports:
        d = r.get("document_id")
        if docs.get(d) != "primary":
            docs[d] = r.get("role") or "mentioned"
    out["sources"] = [{"document_id": d, "role": role} for d, role in sorted(docs.items())]
    out["n_sources"] = len(docs)
    out["confidence"] = noisy_or(max((r.get("confidence") or 0.0) for r in reports if r.get("document_id") == d)
                                 for d in docs)
    out["conflicts"] = conflicts
    out["items"] = {f: [{k: it[k] for k in ("key", "value", "sources")} for it in v] for f, v in items.items()}
    for f in evidence:
        evidence[f].sort(key=lambda x: (-1 if x[0] is None else x[0], str(x[1]), x[2], x[3]))
    out["evidence"] = evidence
    return out
