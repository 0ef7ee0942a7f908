"""Domains of cooperation (RECORD.md "Domains") and the modality of provisions.

``find_domains`` runs the lexicon of ``data/domains.tsv`` over a text range;
``modality`` classifies a sentence as commitment / intent / permission / negation;
``find_provisions`` turns sentences (or numbered clauses) that say what the parties
commit to, intend or may do into ``ProvisionMention`` objects with actors and domains.

Everything here runs over a news firehose: patterns are compiled once, the functions
never raise on odd input and never return offsets outside the text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from pactwatch.record import DOMAINS

DATA = Path(__file__).with_name("data")


@dataclass(frozen=True)
class DomainMention:
    start: int
    end: int
    text: str
    domain: str


@dataclass(frozen=True)
class ProvisionMention:
    start: int
    end: int
    text: str
    modality: str
    actors: tuple[str, ...]
    domains: tuple[str, ...]


# --------------------------------------------------------------------------- lexicon


def _spaces_to_whitespace(pattern: str) -> str:
    """Let a literal space in a data-file pattern match any whitespace run (hard-wrapped
    treaty texts break "Joint\\nCommittee"), except inside character classes."""
    out: list[str] = []
    in_class = False
    escaped = False
    skip_quantifier = False
    for ch in pattern:
        if skip_quantifier:
            skip_quantifier = False
            if ch == "?":
                # "land ?mines" means an optional space: \s* rather than a lazy \s+
                out[-1] = r"\s*"
                continue
        if escaped:
            out.append(ch)
            escaped = False
            continue
        if ch == "\\":
            out.append(ch)
            escaped = True
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        if ch == " " and not in_class:
            out.append(r"\s+")
            skip_quantifier = True
        else:
            out.append(ch)
    return "".join(out)


def load_lexicon(path: Path | str | None = None) -> tuple[list[tuple[tuple[str, ...], str]], list[str]]:
    """Read a domain lexicon file: returns ([(domains, pattern)], [stop patterns]).

    Unknown domain codes are an error at load time (a typo in the data file must not
    silently produce an out-of-vocabulary domain)."""
    path = Path(path) if path else DATA / "domains.tsv"
    entries: list[tuple[tuple[str, ...], str]] = []
    stops: list[str] = []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if "\t" not in line:
            raise ValueError(f"{path}:{lineno}: expected DOMAIN<TAB>PATTERN")
        dom, pat = line.split("\t", 1)
        pat = pat.strip()
        re.compile(pat)  # fail loudly on a broken pattern, with the line number below
        if dom.strip() == "-":
            stops.append(pat)
            continue
        codes = tuple(c.strip() for c in dom.split(",") if c.strip())
        for c in codes:
            if c not in DOMAINS:
                raise ValueError(f"{path}:{lineno}: unknown domain {c!r}")
        entries.append((codes, pat))
    return entries, stops


def _wrap(patterns: list[str]) -> re.Pattern[str]:
    # Longer pattern strings first so that, within one alternation, the more specific
    # phrase is tried before its head word.
    alts = sorted({_spaces_to_whitespace(p) for p in patterns}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{a})" for a in alts) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class _Lexicon:
    # per domain tuple: (scanner over all its patterns, each pattern anchored alone)
    by_domains: tuple[tuple[tuple[str, ...], re.Pattern[str], tuple[re.Pattern[str], ...]], ...]
    stop: re.Pattern[str] | None


def _top_level_alternatives(pattern: str) -> list[str]:
    """Split "a|b(?:c|d)|e" into ["a", "b(?:c|d)", "e"] (only top-level bars)."""
    parts, depth, in_class, escaped, cur = [], 0, False, False, []
    for ch in pattern:
        if escaped:
            cur.append(ch)
            escaped = False
            continue
        if ch == "\\":
            escaped = True
        elif ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        elif not in_class and ch == "(":
            depth += 1
        elif not in_class and ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0 and not in_class:
            parts.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    parts.append("".join(cur))
    return [p for p in parts if p]


def _single(pattern: str) -> re.Pattern[str]:
    return re.compile(r"(?:" + _spaces_to_whitespace(pattern) + r")(?!\w)", re.IGNORECASE)


@functools.lru_cache(maxsize=4)
def _lexicon(path: str | None = None) -> _Lexicon:
    entries, stops = load_lexicon(path)
    grouped: dict[tuple[str, ...], list[str]] = {}
    for codes, pat in entries:
        grouped.setdefault(codes, []).append(pat)
    return _Lexicon(
        by_domains=tuple(
            (codes, _wrap(pats), tuple(_single(a) for p in pats for a in _top_level_alternatives(p)))
            for codes, pats in grouped.items()
        ),
        stop=_wrap(stops) if stops else None,
    )


def _clip(text: str, start: int, end: int | None) -> tuple[int, int]:
    n = len(text)
    try:
        start = int(start)
    except (TypeError, ValueError):
        start = 0
    if end is None:
        end = n
    try:
        end = int(end)
    except (TypeError, ValueError):
        end = n
    start = max(0, min(start, n))
    end = max(start, min(end, n))
    return start, end


# Treaty preambles list the parties' hopes in recitals that open with a participle
# ("CONVINCED of the need to promote scientific and technological development, ...",
# "Desiring to promote mutual relations ...;"); what they name is context, not what the
# parties agree to do. Capitalised participles open a recital anywhere a clause starts
# (some scraped treaties keep the whole preamble on one line); title-case ones only at
# the start of a line. A clause with an operative verb ("..., the Parties shall") is
# not a recital.
_RECITAL_WORDS = (
    "MINDFUL|CONVINCED|RECOGNI[SZ]ING|DESIRING|DESIROUS|CONSIDERING|BELIEVING|NOTING|REAFFIRMING|"
    "BEARING IN MIND|TAKING INTO (?:ACCOUNT|CONSIDERATION)|AWARE|CONSCIOUS|DETERMINED|RESOLVED|WISHING|"
    "HAVING REGARD|ACKNOWLEDGING|RECALLING|EMPHASI[SZ]ING|AFFIRMING|ANXIOUS|CONFIDENT|INSPIRED|GUIDED|"
    "REFERRING|EXPRESSING|STRIVING|UNDERLINING|STRESSING|WELCOMING|ENCOURAGED"
)
_RECITAL_END = r"(?:;|\n[ \t]*\n|$|(?=,?\s+(?:" + _RECITAL_WORDS.replace(" ", r"\s+") + r"|HAVE\s+AGREED|AGREE\s+AS)\b))"
_RECITAL = re.compile(
    r"(?m)(?:^|(?<=[,;:]\s)|(?<=[,;:]))[ \t]*(?:" + _RECITAL_WORDS.replace(" ", r"\s+") + r")\b[^;]*?" + _RECITAL_END
    + r"|^[ \t]*(?:" + "|".join(w.capitalize() for w in _RECITAL_WORDS.replace("[SZ]", "[sz]").split("|")) + r")\b[^;\n]*(?:\n[^;\n]+)*?(?:;|,\s*$)"
)
_OPERATIVE = re.compile(r"\b(?:shall|will|intends?|agree[ds]?|undertakes?|may|hereby)\b")


def recital_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of treaty preamble recitals (see ``_RECITAL``)."""
    if not isinstance(text, str) or not text:
        return []
    return list(_recitals(text))


@functools.lru_cache(maxsize=16)
def _recitals(text: str) -> tuple[tuple[int, int], ...]:
    # cached: find_provisions asks for the domains of every clause of the same text
    return tuple(
        (m.start(), m.end()) for m in _RECITAL.finditer(text)
        if m.end() > m.start() and not _OPERATIVE.search(m.group(0))
    )


# Goods words of a domain that, bought or sold, are merchandise: "Sweden will export
# medical equipment", "sales of medicines", "pharmaceutical exports" make trade, not
# health cooperation (RECORD.md: health = health, medicine, pandemics as an area of
# cooperation). With a cooperation/assistance word in the clause ("donate medical
# supplies", "cooperation on medicines") the health sense stays.
_GOODS_CUE = re.compile(r"(?i)medic(?:al|ines?)|pharmaceuticals?")
_GOODS_NOUN_AFTER = re.compile(r"(?i)\s+(?:and\s+\w+\s+)?(?:equipment|devices?|instruments?|products?|goods|supplies|"
                               r"appliances|exports?|imports?|sales?|trade|makers?|manufacturers?|industry|firms?|companies)\b")
_TRADE_VERB = re.compile(r"(?i)\b(?:exports?|exported|exporting|exporters?|imports?|imported|importing|importers?|"
                         r"sell|sells|sold|selling|sales?|ship|ships|shipped|shipping|shipments?|buy|buys|bought|buying|"
                         r"purchas\w*|procure\w*|trade\s+in|traded|trading|tariffs?|duties|market\s+access)\b")
_HEALTH_COOP = re.compile(r"(?i)\b(?:cooperat\w*|co-operat\w*|assist\w*|aid|donat\w*|humanitarian|relief|help\w*|"
                          r"research|vaccin\w*|pandemic\w*|epidemic\w*|disease\w*|hospitals?|clinics?|health\s?care|"
                          r"public\s+health|training|doctors?|nurses?)\b")


def _traded_good(region: str, s: int, e: int) -> bool:
    """Is the health cue at region[s:e] a good bought or sold rather than an area of
    cooperation? Looks at its clause (bounded by . ; : or a line break)."""
    if not _GOODS_CUE.fullmatch(region[s:e]):
        return False
    lo = max(0, s - 80)
    for sep in ".;:\n":
        k = region.rfind(sep, lo, s)
        if k >= 0:
            lo = max(lo, k + 1)
    hi = min(len(region), e + 60)
    for sep in ".;:\n":
        k = region.find(sep, e, hi)
        if k >= 0:
            hi = min(hi, k)
    clause = region[lo:hi]
    if _HEALTH_COOP.search(clause):
        return False
    if not _GOODS_NOUN_AFTER.match(region, e) and region[s:e].lower() not in ("medicine", "medicines",
                                                                             "pharmaceutical", "pharmaceuticals"):
        return False
    return bool(_TRADE_VERB.search(clause))


_NONPROLIF = re.compile(r"(?i)non-?proliferation|disarmament")
_CHEM_BIO = re.compile(r"(?i)\b(?:chemical|biological|bio)(?:\s+and\s+(?:chemical|biological))?\s+(?:weapons?|arms|arsenals?|agents?|stockpiles?)|"
                       r"\bsarin\b|\bnerve\s+agents?\b|\bOPCW\b|Chemical\s+Weapons\s+Convention")
_NUCLEAR_WORD = re.compile(r"(?i)\bnuclear|\batomic|\buranium|\bplutonium|\bIAEA\b|\bNPT\b|enrichment")


def _chemical_nonproliferation(region: str, s: int, e: int) -> bool:
    """ "non-proliferation" of chemical or biological weapons is no nuclear cue: only
    when its sentence names chemical/biological arms and nothing nuclear."""
    if not _NONPROLIF.fullmatch(region[s:e]):
        return False
    lo = max(0, s - 250)
    k = max(region.rfind(". ", lo, s), region.rfind("\n", lo, s))
    lo = k + 1 if k >= 0 else lo
    hi = min(len(region), e + 250)
    k = region.find(". ", e, hi)
    hi = k if k >= 0 else hi
    sent = region[lo:hi]
    return bool(_CHEM_BIO.search(sent)) and not _NUCLEAR_WORD.search(sent)


def find_domains(
    text: str, start: int = 0, end: int | None = None, *, include_recitals: bool = False
) -> list[DomainMention]:
    """Domain cues in ``text[start:end]``; offsets are absolute in ``text``.

    Overlaps resolve to the leftmost-longest cue, any cue touching a stop pattern
    (metaphor, title, other sense) is dropped, and so are cues inside treaty preamble
    recitals unless ``include_recitals``. Sorted by start, then domain."""
    if not isinstance(text, str) or not text:
        return []
    start, end = _clip(text, start, end)
    if start >= end:
        return []
    lex = _lexicon()
    region = text[start:end]
    stops = [(m.start(), m.end()) for m in lex.stop.finditer(region)] if lex.stop else []
    if not include_recitals:
        # recitals are found on the whole text (a range may start inside one)
        stops += [(max(0, a - start), min(end, b) - start) for a, b in _recitals(text) if a < end and b > start]
    hits: list[tuple[int, int, tuple[str, ...]]] = []
    for codes, rx, singles in lex.by_domains:
        for m in rx.finditer(region):
            # A regex alternation stops at the first alternative that matches, not the
            # longest; re-try every pattern of the domain anchored here and keep the
            # longest ("digital infrastructure" over "digital").
            best = m.end()
            for single in singles:
                mm = single.match(region, m.start())
                if mm and mm.end() > best:
                    best = mm.end()
            if best > m.start():
                hits.append((m.start(), best, codes))
    if not hits:
        return []
    # Leftmost-longest: the modifier that comes first names the domain ("cyber defense
    # cooperation" is cyber, "civil nuclear energy cooperation" nuclear); a cue that
    # overlaps a kept one loses, unless it covers exactly the same words (a phrase
    # that belongs to two domains).
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    stopped = bytearray(len(region))  # 1 where a stop pattern covers the character
    for ss, se in stops:
        stopped[ss:se] = b"\x01" * (se - ss)
    kept: list[tuple[int, int, tuple[str, ...]]] = []
    last = (-1, -1)  # kept cues never overlap, so the last one is the only one to test
    for s, e, codes in hits:
        if 1 in stopped[s:e]:
            continue
        if s < last[1] and (s, e) != last:
            continue
        kept.append((s, e, codes))
        last = (s, e)
    out: dict[tuple[int, int, str], DomainMention] = {}
    for s, e, codes in kept:
        if "health" in codes and _traded_good(region, s, e):
            codes = tuple(c for c in codes if c != "health")
        if "nuclear" in codes and _chemical_nonproliferation(region, s, e):
            codes = tuple(c for c in codes if c != "nuclear")
        for c in codes:
            key = (s, e, c)
            if key not in out:
                out[key] = DomainMention(start + s, start + e, region[s:e], c)
    return sorted(out.values(), key=lambda d: (d.start, d.end, d.domain))


def domains_in(text: str, start: int = 0, end: int | None = None) -> list[str]:
    """Distinct domains cued in the range, in RECORD.md table order."""
    found = {d.domain for d in find_domains(text, start, end)}
    return [d for d in DOMAINS if d in found]


# --------------------------------------------------------------------------- modality


def _load_modality(path: Path | None = None) -> list[tuple[str, str]]:
    path = path or DATA / "modality.tsv"
    rows: list[tuple[str, str]] = []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        mod, pat = raw.split("\t", 1)
        mod = mod.strip()
        if mod not in ("commitment", "intent", "permission", "negation"):
            raise ValueError(f"{path}:{lineno}: unknown modality {mod!r}")
        re.compile(pat)
        rows.append((mod, pat.strip()))
    return rows


@functools.lru_cache(maxsize=1)
def _modality_rx() -> tuple[re.Pattern[str], dict[str, str]]:
    rows = _load_modality()
    order = {"negation": 0, "intent": 1, "commitment": 2, "permission": 3}
    # Negation first so that at the same position "shall not" beats "shall"; inside a
    # modality, longer patterns first.
    rows.sort(key=lambda r: (order[r[0]], -len(r[1])))
    groups = {}
    alts = []
    for i, (mod, pat) in enumerate(rows):
        g = f"m{i}"
        groups[g] = mod
        alts.append(f"(?P<{g}>{_spaces_to_whitespace(pat)})")
    rx = re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", re.IGNORECASE)
    return rx, groups


_PREV_WORD = re.compile(r"(\w+)\W*$")
_WILL_AS_NOUN = frozenset({
    "political", "good", "free", "own", "ill", "the", "his", "her", "their", "its", "our", "popular",
    "strong", "sheer", "collective", "last", "general", "whose", "your", "my", "a",
})


def modality_span(sentence: str) -> tuple[int, int, str] | None:
    """The earliest modality cue of a sentence as (start, end, modality), or None.

    The earliest cue is the one governing the main clause in provision-style text
    ("The Parties shall ... and may ..." is a commitment; "The Parties may establish
    working groups which shall ..." is a permission)."""
    if not isinstance(sentence, str) or not sentence:
        return None
    rx, groups = _modality_rx()
    for m in rx.finditer(sentence):
        if m.group(0).lower() == "will":
            prev = _PREV_WORD.search(sentence[max(0, m.start() - 40):m.start()])
            if prev and prev.group(1).lower() in _WILL_AS_NOUN:
                continue  # "political will", "the will of the people": a noun
        return m.start(), m.end(), groups[m.lastgroup]  # type: ignore[index]
    return None


def modality(sentence: str) -> str | None:
    """commitment | intent | permission | negation | None for a sentence."""
    hit = modality_span(sentence)
    return hit[2] if hit else None


# --------------------------------------------------------------------------- provisions

# Who a provision is about: named parties, or the generic party nouns of treaty and
# news style. A sentence with a modal but none of these ("Analysts say talks may
# stall") is commentary, not a provision.
_PARTY_SUBJECT = re.compile(
    r"(?<!\w)(?:the |both |all |each |two )?(?:contracting |high contracting |states? )?"
    r"(?:parties|party|sides|side|signatories|governments?|countries|nations|states|leaders|"
    r"ministers|allies|partners|participants)\b"
    r"|(?<!\w)the (?:agreement|pact|deal|treaty|charter|framework|memorandum|accord|declaration|protocol|"
    r"arrangement|partnership|roadmap|statement|plan|MoU)\b"
    r"|(?<!\w)(?:they|we)\b",
    re.IGNORECASE,
)
# Split a sentence span at enumerated clauses ("...;\n2. The Parties ...", "(b) ...").
_CLAUSE_BREAK = re.compile(r"(?:\n|;\s+)\s*(?=(?:\(?\d{1,2}[.)]|\([a-z]\)|[a-z]\)|[ivx]{1,4}\))\s)")
# "The agreement will be the 15th pact ..." is a description, not a provision.
_COPULA_DESCRIPTION = re.compile(r"\b(?:will|would|shall) be (?:the|a|an|one|seen|hailed|remembered)\b", re.IGNORECASE)


_PLACE_BEFORE = re.compile(r"\b(?:in|at|to|from|near|via|visit(?:ed|ing|s)?|toward|towards|outside)\s+(?:the\s+)?$", re.I)


def _actors(sentence: str) -> tuple[str, ...]:
    try:  # the gazetteer is owned by the parsers engineer; degrade gracefully without it
        from pactwatch.annotate.gazetteer import find_parties
    except Exception:  # pragma: no cover - depends on another module being present
        return ()
    try:
        codes = []
        for p in find_parties(sentence):
            code = getattr(p, "code", None)
            if getattr(p, "via", "") == "capital" and _PLACE_BEFORE.search(sentence[max(0, p.start - 24):p.start]):
                continue  # "signed in Washington": a place, not an actor
            if code and code not in codes:
                codes.append(code)
        return tuple(sorted(codes))
    except Exception:
        return ()


def _clauses(text: str, s: int, e: int) -> list[tuple[int, int]]:
    cuts = [s]
    for m in _CLAUSE_BREAK.finditer(text, s, e):
        cut = m.end()
        if s < cut < e:
            cuts.append(cut)
    cuts.append(e)
    spans = []
    for a, b in zip(cuts, cuts[1:]):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append((a, b))
    return spans


def find_provisions(text: str, sentences: list[tuple[int, int]]) -> list[ProvisionMention]:
    """Sentences / numbered clauses that state what parties commit to, intend or may do.

    A provision needs a modality cue and a party subject (a named party or a generic
    "the Parties", "the two sides", "the agreement"...). ``actors`` are party codes from
    the gazetteer, ``domains`` the domains cued inside the provision."""
    if not isinstance(text, str) or not text or not sentences:
        return []
    n = len(text)
    out: list[ProvisionMention] = []
    seen: set[tuple[int, int]] = set()
    for span in sentences:
        try:
            s, e = int(span[0]), int(span[1])
        except (TypeError, ValueError, IndexError):
            continue
        s, e = max(0, min(s, n)), max(0, min(e, n))
        if e <= s:
            continue
        for a, b in _clauses(text, s, e):
            if (a, b) in seen:
                continue
            seg = text[a:b]
            hit = modality_span(seg)
            if not hit:
                continue
            mod = hit[2]
            if mod != "negation" and _COPULA_DESCRIPTION.match(seg, hit[0]):
                continue
            actors = _actors(seg)
            if not actors and not _PARTY_SUBJECT.search(seg):
                continue
            cued = {x.domain for x in find_domains(text, a, b)}
            doms = tuple(d for d in DOMAINS if d in cued)
            seen.add((a, b))
            out.append(ProvisionMention(a, b, seg, mod, actors, doms))
    out.sort(key=lambda p: (p.start, p.end))
    return out
