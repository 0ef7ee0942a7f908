"""Triage: a cheap yes/no and the candidate passages of a text, before any model runs.

On a news firehose only a few percent of articles concern agreements between states,
and the spaCy pipeline costs ~0.15 s per average article on one core. Triage keeps
spaCy away from the rest, and within a kept article points it at the passages that
matter.

How it decides. One multi-pattern scan (Hyperscan when it is installed, else one Python
``re`` alternation, ~1000x slower) finds the cues listed in ``triage_cues.tsv`` and the
gazetteer's ``annotate/data/countries.tsv``:

* ``noun``  - an agreement noun: agreement, treaty, pact, accord, memorandum, MoU...
  A *weak* noun (deal, alliance, partnership, convention, charter...) is as often
  something else and counts only with a strong cue;
* ``cue``   - a signing / negotiation / status word: signed, talks, ratified, withdrew...
  (strong), or a diplomatic context word: minister, bilateral, between... (context);
* ``party`` - a state (name, demonym, capital) or organisation, with its party code;
  ``block`` patterns ("New Mexico", "Jim Jordan") cancel the party hits inside them.

A document is a candidate when some agreement noun has a cue and at least
``local_parties`` (2) distinct parties within ``window`` (250) characters of it (the
headline's parties count for the lead), and the document names at least
``min_parties`` (2) parties; or when the headline alone holds a noun, a strong cue and
a party. Two parties near the noun is what drops the bulk of domestic news ("budget
deal", "plea agreement", "contract talks"): an agreement between states names two, or
a state and an organisation. On the bench corpus this keeps 8% of the articles and
every dev-corpus document with a primary agreement (bench/README.md).

Offsets: Hyperscan scans UTF-8 bytes and reports match ends; the yes/no works in byte
offsets, and the passages map them back to ``str`` offsets (only for non-ASCII texts).
"""

from __future__ import annotations

import bisect
import functools
import os
import re
from dataclasses import dataclass, field
from typing import Iterable

HERE = os.path.dirname(os.path.abspath(__file__))
CUES_FILE = os.path.join(HERE, "triage_cues.tsv")
COUNTRIES_FILE = os.path.join(HERE, "annotate", "data", "countries.tsv")

NOUN, CUE, PARTY, BLOCK = 0, 1, 2, 3
_KINDS = {"noun": NOUN, "cue": CUE, "party": PARTY, "block": BLOCK, "weaknoun": NOUN, "context": CUE}
# Kinds whose hits are "weak": a weak noun needs a strong cue near it.
_WEAK_KINDS = {"weaknoun", "context"}

# A noun needs its cue and parties within this many characters (either side): about one
# or two sentences of news prose ("X and Y signed an agreement on ..."). 400 let 17% of
# AllSides articles through against 10% at 250, with the same recall on the dev gold.
DEFAULT_WINDOW = 250
DEFAULT_MIN_PARTIES = 2
DEFAULT_LOCAL_PARTIES = 2
# Upper bound on the characters of text handed to the model per document: the lead and
# the strongest agreement paragraphs, so spaCy time per candidate stays bounded (half
# an average AllSides article; the rule annotators still read the whole text).
DEFAULT_MAX_CHARS = 3000
# Paragraphs longer than this (treaty texts, scraped pages without breaks) are cut to a
# sentence window around the hit instead of being taken whole.
MAX_PARAGRAPH = 1500
FIRST_PARAGRAPH_MAX = 600


@dataclass(frozen=True)
class Cue:
    kind: int
    caseless: bool
    code: str | None
    pattern: str
    weak: bool = False


def _read_cue_file(path: str = CUES_FILE) -> tuple[list[Cue], list[Cue]]:
    """Return (cues, fallback states) from the cue file."""
    cues: list[Cue] = []
    fallback: list[Cue] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            kind, case, code, pattern = line.split("\t", 3)
            cue = Cue(
                kind=_KINDS.get(kind, PARTY),
                caseless=(case == "i"),
                code=None if code == "-" else code,
                pattern=pattern,
                weak=kind in _WEAK_KINDS,
            )
            (fallback if kind == "fallback" else cues).append(cue)
    return cues, fallback


def _country_cues(path: str = COUNTRIES_FILE) -> list[Cue]:
    """States from the gazetteer's table: names, demonyms (and their plurals), capitals."""
    out: list[Cue] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            code = cols[0]
            names: set[str] = set()
            for i, col in enumerate(cols[2:5], start=2):
                for name in col.split("|"):
                    name = name.strip()
                    if name.startswith("the "):
                        name = name[4:]
                    if not name:
                        continue
                    names.add(name)
                    # Plural demonyms ("Afghans", "Israelis"), as the gazetteer generates.
                    if i == 3 and name[-1] in "ni":
                        names.add(name + "s")
            if names:
                alt = "|".join(re.escape(n) for n in sorted(names, key=lambda s: (-len(s), s)))
                out.append(Cue(PARTY, False, code, alt))
    return out


def load_cues() -> list[Cue]:
    cues, fallback = _read_cue_file()
    try:
        states = _country_cues()
    except FileNotFoundError:
        states = fallback
    return cues + states


def _split_top(pattern: str) -> list[str]:
    """Split a pattern at its top-level ``|`` (not inside parentheses or classes)."""
    out: list[str] = []
    cur: list[str] = []
    depth, in_class, escaped = 0, False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur))
    return out


_ENDS_IN_WORD = re.compile(r"(\w|\)|\])[?*]?$")


def _wrap(pattern: str) -> str:
    r"""Whole words only: \b on both sides of every alternative.

    An alternative ending in a non-word character ("U.S.") gets no right boundary:
    after "U.S." comes a space or punctuation, where \b does not hold.
    """
    alts = []
    for alt in _split_top(pattern):
        right = r"\b" if _ENDS_IN_WORD.search(alt) and not alt.endswith(r"\.") else ""
        alts.append(r"\b(?:" + alt + ")" + right)
    return "|".join(alts)


# --------------------------------------------------------------------------- engines
class _ReEngine:
    """Python ``re``: one alternation per case mode, the branch index names the cue.

    Leftmost-first semantics: overlapping cues ("agreement" inside "trade agreement") are
    reported once, which is all the rule needs.
    """

    name = "re"

    def __init__(self, cues: list[Cue]):
        self.cues = cues
        parts_i, parts_c = [], []
        self.group_cue_i: list[int] = []
        self.group_cue_c: list[int] = []
        for idx, cue in enumerate(cues):
            body = re.sub(r"(?<!\\)\((?!\?)", "(?:", cue.pattern)
            (parts_i if cue.caseless else parts_c).append("(" + _wrap(body) + ")")
            (self.group_cue_i if cue.caseless else self.group_cue_c).append(idx)
        self.rx_i = re.compile("|".join(parts_i), re.IGNORECASE) if parts_i else None
        self.rx_c = re.compile("|".join(parts_c)) if parts_c else None
        nouns = [c.pattern for c in cues if c.kind == NOUN]
        self.rx_noun = re.compile(
            "|".join(("(?i:" if c.caseless else "(?:") + _wrap(re.sub(r"(?<!\\)\((?!\?)", "(?:", c.pattern)) + ")"
                     for c in cues if c.kind == NOUN)
        ) if nouns else None

    def has_noun(self, text: str) -> bool:
        return self.rx_noun is not None and self.rx_noun.search(text) is not None

    def scan(self, text: str) -> tuple[list[tuple[int, int, int]], bool]:
        """All hits as (cue index, start, end) in str offsets; second item: offsets are chars."""
        hits = []
        for rx, groups in ((self.rx_i, self.group_cue_i), (self.rx_c, self.group_cue_c)):
            if rx is None:
                continue
            for m in rx.finditer(text):
                hits.append((groups[m.lastindex - 1], m.start(), m.end()))
        return hits, True


class _HyperscanEngine:
    """Hyperscan: every cue compiled into one DFA-like database, scanned in one pass.

    A second, tiny database of agreement nouns in single-match mode rejects the ~85% of
    articles without any agreement noun before the full scan runs.
    """

    name = "hyperscan"

    def __init__(self, cues: list[Cue]):
        import hyperscan as hs

        self.cues = cues
        self._terminated = hs.ScanTerminated
        base = hs.HS_FLAG_UTF8
        exprs, flags = [], []
        for cue in cues:
            exprs.append(_wrap(cue.pattern).encode("utf-8"))
            flags.append(base | (hs.HS_FLAG_SOM_LEFTMOST if cue.kind == BLOCK else 0)
                         | (hs.HS_FLAG_CASELESS if cue.caseless else 0))
        self.db = _cached_database(exprs, flags)
        noun_idx = [i for i, c in enumerate(cues) if c.kind == NOUN]
        self.db_noun = hs.Database(mode=hs.HS_MODE_BLOCK)
        self.db_noun.compile(
            expressions=[exprs[i] for i in noun_idx], ids=noun_idx, elements=len(noun_idx),
            flags=[base | hs.HS_FLAG_SINGLEMATCH | (hs.HS_FLAG_CASELESS if cues[i].caseless else 0)
                   for i in noun_idx],
        )

    @staticmethod
    def _stop(id_, start, end, flags, ctx):
        ctx.append(id_)
        return True  # one noun is enough: stop scanning

    def has_noun(self, text: str | bytes) -> bool:
        data = text if isinstance(text, bytes) else text.encode("utf-8", "replace")
        found: list[int] = []
        try:
            self.db_noun.scan(data, match_event_handler=self._stop, context=found)
        except self._terminated:
            pass  # raised when the handler stops the scan at the first noun
        return bool(found)

    def scan(self, text: str | bytes) -> tuple[list[tuple[int, int, int]], bool]:
        data = text if isinstance(text, bytes) else text.encode("utf-8", "replace")
        hits: list[tuple[int, int, int]] = []
        append = hits.append

        def on_match(id_, start, end, flags, ctx):
            append((id_, start, end))

        self.db.scan(data, match_event_handler=on_match)
        return hits, isinstance(text, str) and len(data) == len(text)


def _cached_database(exprs: list[bytes], flags: list[int]):
    """Compile the Hyperscan database, or load it from the cache of an earlier compile.

    Compiling ~300 patterns takes 1-2 s of CPU (more on a busy machine) in every process
    that triages: the CLI, each pool or Dask worker. The serialized database is ~1 MB and
    loads in milliseconds; it is keyed by the patterns, flags and Hyperscan version, and
    lives in $PACTWATCH_CACHE (default ~/.cache/pactwatch). Any cache problem just means
    compiling.
    """
    import hashlib

    import hyperscan as hs

    key = hashlib.sha256(repr((getattr(hs, "__version__", ""), exprs, flags)).encode()).hexdigest()[:24]
    folder = os.environ.get("PACTWATCH_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "pactwatch")
    path = os.path.join(folder, f"triage-{key}.hsdb")
    try:
        with open(path, "rb") as fh:
            db = hs.loadb(fh.read(), hs.HS_MODE_BLOCK)
        db.scratch = hs.Scratch(db)  # a loaded database comes without scratch space
        return db
    except Exception:
        pass
    db = hs.Database(mode=hs.HS_MODE_BLOCK)
    db.compile(expressions=exprs, ids=list(range(len(exprs))), elements=len(exprs), flags=flags)
    try:
        os.makedirs(folder, exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "wb") as fh:
            fh.write(hs.dumpb(db))
        os.replace(tmp, path)  # atomic: concurrent workers never read half a file
    except OSError:
        pass
    return db


def _make_engine(name: str, cues: list[Cue]):
    if name == "hyperscan":
        return _HyperscanEngine(cues)
    if name == "re":
        return _ReEngine(cues)
    raise ValueError(f"unknown triage engine {name!r} (hyperscan, re)")


def available_engines() -> list[str]:
    try:
        import hyperscan  # noqa: F401

        return ["hyperscan", "re"]
    except Exception:
        return ["re"]


# --------------------------------------------------------------------------- triage
@dataclass
class Hits:
    """Cue hits of one text, in ``str`` offsets of ``text`` (the title is scanned apart)."""

    nouns: list[tuple[int, int, bool]]      # (start, end, weak)
    cues: list[int]                         # every cue, context words included
    parties: list[tuple[int, str]]
    title_parties: set[str]
    title_noun: bool
    title_cue: bool
    strong_cues: list[int] = field(default_factory=list)


class Triage:
    def __init__(self, engine: str | None = None, *, window: int = DEFAULT_WINDOW,
                 min_parties: int = DEFAULT_MIN_PARTIES, local_parties: int = DEFAULT_LOCAL_PARTIES,
                 max_chars: int = DEFAULT_MAX_CHARS,
                 cues: list[Cue] | None = None):
        self.cues = cues if cues is not None else load_cues()
        self.engine = _make_engine(engine or available_engines()[0], self.cues)
        self.window = window
        self.min_parties = min_parties
        self.local_parties = local_parties
        self.max_chars = max_chars

    # -- scanning
    def _scan(self, text: str) -> tuple[list[tuple[int, int, int]], bool]:
        return self.engine.scan(text)

    def hits(self, text: str, title: str | None = None, *, data: bytes | None = None) -> Hits:
        """Hits in ``str`` offsets of ``text``; with ``data`` (the UTF-8 of ``text``, from
        ``is_candidate``) in byte offsets of it, which is all a yes/no needs."""
        if data is not None and isinstance(self.engine, _HyperscanEngine):
            raw, _ = self._scan(data)
        else:
            raw, char_offsets = self._scan(text)
            if not char_offsets:
                raw = _bytes_to_chars(text, raw)
        # Positions are match *ends*: Hyperscan reports start offsets only at a price in
        # compile time and scan speed (start-of-match tracking), and the rule only needs
        # "near". A noun is kept as its last character, (end - 1, end).
        nouns, cues_, parties, blocks, strong = [], [], [], [], []
        for idx, s, e in raw:
            cue = self.cues[idx]
            if cue.kind == NOUN:
                nouns.append((e - 1, e, cue.weak))
            elif cue.kind == CUE:
                cues_.append(e)
                if not cue.weak:
                    strong.append(e)
            elif cue.kind == PARTY:
                parties.append((e, cue.code))
            else:
                blocks.append((s, e))  # blockers alone are compiled with start offsets
        if blocks:
            parties = [(p, c) for p, c in parties if not any(bs < p <= be for bs, be in blocks)]
        nouns.sort()
        cues_.sort()
        strong.sort()
        parties.sort()
        tp: set[str] = set()
        tn = tc = False
        if title:
            # Wire headlines are often all capitals ("U.S., JAPAN SIGN PACT"); names are
            # matched case-sensitively, so give them their usual case first.
            variants = [title, title.title()] if title.isupper() else [title]
            traw = [hit for t in variants for hit in self._scan(t)[0]]
            for idx, _s, _e in traw:
                cue = self.cues[idx]
                if cue.kind == NOUN:
                    tn = True
                elif cue.kind == CUE and not cue.weak:  # a headline needs a real cue
                    tc = True
                elif cue.kind == PARTY:
                    tp.add(cue.code)
        return Hits(nouns, cues_, parties, tp, tn, tc, strong)

    def _qualifying(self, h: Hits) -> list[tuple[int, int, int]]:
        """Noun hits with a score: cue near it (+1), plus distinct parties near it (capped).

        A score of ``1 + local_parties`` or more is what makes a document a candidate.
        """
        out = []
        w = self.window
        ppos = [p for p, _ in h.parties]
        for s, e, weak in h.nouns:
            lo, hi = s - w, e + w
            has_cue = _any_in(h.strong_cues if weak else h.cues, lo, hi)
            i = bisect.bisect_left(ppos, lo)
            near: set[str] = set()
            while i < len(ppos) and ppos[i] < hi:
                near.add(h.parties[i][1])
                i += 1
            if s < FIRST_PARAGRAPH_MAX:
                near |= h.title_parties  # the headline names the parties of the lead
            out.append((s, e, int(has_cue) + min(len(near), self.local_parties)))
        return out

    def decide(self, h: Hits) -> bool:
        parties = {c for _, c in h.parties} | h.title_parties
        if len(parties) < self.min_parties:
            return False
        if h.title_noun and h.title_cue and h.title_parties:
            return True
        need = 1 + self.local_parties
        return any(score >= need for _, _, score in self._qualifying(h))

    def is_candidate(self, text: str, title: str | None = None) -> bool:
        # Quick reject: most articles have no agreement noun at all.
        data = text.encode("utf-8", "replace") if isinstance(self.engine, _HyperscanEngine) else text
        if not self.engine.has_noun(data) and not (title and self.engine.has_noun(title)):
            return False
        return self.decide(self.hits(text, title, data=data if isinstance(data, bytes) else None))

    def candidate_passages(self, text: str, title: str | None = None,
                           max_chars: int | None = None) -> list[tuple[int, int]]:
        """Sorted, non-overlapping ``[start, end)`` spans of ``text`` for the model.

        The first paragraph (headline / dateline) comes first; then the paragraphs of the
        agreement nouns, strongest evidence first (cue and party near the noun), until
        ``max_chars`` is spent. An empty list means no agreement noun at all.
        """
        budget = self.max_chars if max_chars is None else max_chars
        h = self.hits(text, title)
        if not h.nouns and not h.title_noun:
            return []
        spans: list[tuple[int, int]] = []
        first = _paragraph(text, 0)
        spans.append((first[0], min(first[1], first[0] + FIRST_PARAGRAPH_MAX)))
        spans[0] = (spans[0][0], _snap_right(text, spans[0][1], first[1]))
        ranked = sorted(self._qualifying(h), key=lambda t: (-t[2], t[0]))
        used = spans[0][1] - spans[0][0]
        for s, e, _score in ranked:
            if any(a <= s and e <= b for a, b in spans):  # paragraph already taken
                continue
            ps, pe = _paragraph(text, s)
            if pe - ps > MAX_PARAGRAPH:
                ps = _snap_left(text, max(ps, s - self.window // 2), ps)
                pe = _snap_right(text, min(pe, e + self.window // 2), pe)
            if used + (pe - ps) > budget:
                continue
            spans.append((ps, pe))
            used += pe - ps
        return _merge(spans)


def _any_in(sorted_pos: list[int], lo: int, hi: int) -> bool:
    i = bisect.bisect_left(sorted_pos, lo)
    return i < len(sorted_pos) and sorted_pos[i] < hi


def _bytes_to_chars(text: str, hits: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Map Hyperscan's UTF-8 byte offsets to str offsets, in one pass over the text."""
    data = text.encode("utf-8", "replace")
    offsets = sorted({o for _, s, e in hits for o in (s, e)})
    mapping = {}
    chars = 0
    prev = 0
    for o in offsets:
        chars += len(data[prev:o].decode("utf-8", "replace"))
        mapping[o] = chars
        prev = o
    return [(i, mapping[s], mapping[e]) for i, s, e in hits]


_PARA = re.compile(r"\n\s*\n")


def _paragraph(text: str, pos: int) -> tuple[int, int]:
    """The blank-line separated paragraph holding ``pos``."""
    start = 0
    for m in _PARA.finditer(text, max(0, pos - MAX_PARAGRAPH * 4), pos):
        start = m.end()
    if start == 0:
        k = text.rfind("\n\n", 0, pos)
        start = k + 2 if k >= 0 else 0
    m = _PARA.search(text, pos)
    end = m.start() if m else len(text)
    return start, end


_SENT_END = re.compile(r"[.!?][\"'”’)]?\s+|\n")


def _snap_left(text: str, pos: int, floor: int) -> int:
    """Move ``pos`` back to the start of its sentence (not before ``floor``)."""
    best = floor
    for m in _SENT_END.finditer(text, max(floor, pos - 400), pos):
        best = m.end()
    return best


def _snap_right(text: str, pos: int, ceil: int) -> int:
    """Move ``pos`` forward to the end of its sentence (not past ``ceil``)."""
    m = _SENT_END.search(text, pos, min(ceil, pos + 400))
    return m.start() + 1 if m else ceil


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


@functools.lru_cache(maxsize=4)
def get_triage(engine: str | None = None) -> Triage:
    """The process-wide Triage (compiling the Hyperscan database takes ~0.1 s)."""
    return Triage(engine)


def is_candidate(text: str, title: str | None = None) -> bool:
    """True when the text looks like it reports on an agreement between states."""
    return get_triage().is_candidate(text, title)


def candidate_passages(text: str, title: str | None = None) -> list[tuple[int, int]]:
    """``[start, end)`` spans of ``text`` worth running the model on (see Triage)."""
    return get_triage().candidate_passages(text, title)
