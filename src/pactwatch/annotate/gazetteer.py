"""Countries, capitals, demonyms, organisations, non-state parties and titles -> party codes.

Everything is driven by the word lists in ``data/`` (one entry per line), compiled
once into an Aho-Corasick automaton, so a lookup costs one pass over the text
however many aliases there are.

Matching rules (each has a test in tests/annotate/test_gazetteer.py):

* Case-sensitive: "Turkey" is a state, "turkey" a bird; "US" is a state, "us" a
  pronoun. Long aliases also match in ALL CAPS (headlines, datelines) but short
  all-caps forms listed in ``allcaps_words.tsv`` ("US", "WHO") are refused where
  an all-caps headline uses them as ordinary words ("LET US", "WHO SAID").
* Whole words only; a hyphen or an apostrophe is a boundary, so "US-Ukraine"
  gives two mentions and "Armenia's" gives "Armenia".
* Longest match wins and matches never overlap. Phrases in
  ``not_parties.txt`` ("Washington Post", "South China Sea", "New Mexico",
  "Atlanta, Georgia") take part in the contest and are then dropped, which hides
  the party names inside them.
* Names that double as personal names or US place names (``ambiguous.tsv``) are
  checked against their neighbours; see ``_is_person_name`` and
  ``_has_us_state_context``. Georgia is the country unless its sentence carries a
  US-state cue (a Georgia city, governor, county, senator, "(R-Ga.)", ...).
* Any name right after a common given name (``first_names.txt``) is a surname
  ("David Oman", "Lisa Monaco"); "<name>, <US state>" is a US town ("Lebanon,
  Tenn."); a name inside a company name ("<Okamoto U.S.A. Inc>", "Thai Airways")
  or a demonym naming a language ("Spanish-language", "speaks Russian") is no
  party. In a Title Case headline the neighbour checks are off, since every
  word is capitalised there.
* Generic body names marked "bare" ("Security Council") count only unqualified:
  "Russian Security Council" is Russia's, not the UN's.
* Combining forms ("Sino-", "Indo-", "Russo-") count only before a hyphen and a
  capitalised word that is not a region ("Indo-Pacific").
* Capitals are returned with ``via="capital"`` even inside names such as
  "Paris Agreement", with ``in_name=True`` when the city is part of the name of an
  agreement, club or process ("Paris Club", "the Minsk agreements", "Treaty of
  Lisbon", "Oslo Accords"): such a city is never a party.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

import ahocorasick

__all__ = [
    "PartyMention",
    "TitleMention",
    "find_parties",
    "code_for",
    "display_name",
    "find_titles",
    "parse_title",
    "all_codes",
    "historical_code",
]


@dataclass(frozen=True)
class PartyMention:
    start: int
    end: int
    text: str
    code: str
    via: str  # "name" | "adjective" | "capital" | "metonym" | "org" | "nonstate"
    # a city naming an agreement, a body or a process ("the Paris Agreement", "Paris
    # Club", "the Minsk agreements", "Treaty of Lisbon", "the Oslo Accords"): part of a
    # name, never a party in its own right (see ``_names_something``)
    in_name: bool = False
    # the territory handed over, not a party: "handed Hong Kong back to China", "the
    # return of Macao to Chinese rule", "Hong Kong's handover to China" (see ``_transferred``)
    transferred: bool = False


@dataclass(frozen=True)
class TitleMention:
    start: int
    end: int
    text: str  # the whole span, party included ("Armenian Foreign Minister")
    role: str  # the title alone, normalised ("Foreign Minister")
    party: str | None


@dataclass(frozen=True)
class _Entry:
    code: str | None  # None: a blocking phrase from not_parties.txt
    via: str
    needs_article: bool = False
    rules: frozenset[str] = frozenset()


# ---------------------------------------------------------------------------
# data loading


def _data_lines(name: str):
    text = resources.files("pactwatch.annotate").joinpath("data", name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        yield line.rstrip("\r\n")


def _split(field: str) -> list[str]:
    return [x.strip() for x in field.split("|") if x.strip()]


def _apostrophe_variants(alias: str) -> list[str]:
    out = [alias]
    if "'" in alias:
        out.append(alias.replace("'", "\u2019"))
    if "\u2019" in alias:
        out.append(alias.replace("\u2019", "'"))
    return out


def _plural_demonym(adj: str) -> str | None:
    # "Armenians", "Israelis", "Afghans": demonyms in -an/-i take a plain -s.
    # Other plurals ("Poles", "Dutchmen") are listed in countries.tsv itself;
    # "Chinese", "British", "Swiss" have none.
    if adj.endswith(("an", "i")) and " " not in adj and not adj.endswith("man"):
        return adj + "s"
    return None


class _Gazetteer:
    def __init__(self) -> None:
        self.entries: dict[str, _Entry] = {}
        self.display: dict[str, str] = {}
        self.codes_by_kind: dict[str, set[str]] = {"state": set(), "org": set(), "nonstate": set()}
        self._load()
        self.automaton = ahocorasick.Automaton()
        for alias, entry in self.entries.items():
            self.automaton.add_word(alias, (alias, entry))
        self.automaton.make_automaton()
        self.lower_index: dict[str, str] = {}
        for alias, entry in self.entries.items():
            if entry.code and len(alias) > 3:
                self.lower_index.setdefault(alias.lower(), entry.code)
        for code, name in self.display.items():
            self.lower_index.setdefault(name.lower(), code)

    def _add(self, alias: str, code: str | None, via: str, *, explicit: bool = True) -> None:
        needs_article = False
        if alias.startswith(("the ", "The ")) and code is not None:
            alias = alias[4:]
            needs_article = True
        for form in _apostrophe_variants(alias):
            old = self.entries.get(form)
            if old is not None:
                if not explicit:
                    continue
                if old.code is None and code is not None:
                    continue  # a blocking phrase stays blocking
                # "the US" next to "US": the bare form needs no article.
                needs = old.needs_article and needs_article if old.code == code else needs_article
                if old.code != code and old.via in ("name", "org", "nonstate") and via in ("adjective", "capital"):
                    continue  # a name outranks an adjective/capital spelled the same
                self.entries[form] = _Entry(code, old.via if old.code == code else via, needs, old.rules)
                continue
            self.entries[form] = _Entry(code, via, needs_article)

    def _load(self) -> None:
        generated: list[tuple[str, str, str]] = []
        for line in _data_lines("countries.tsv"):
            cols = line.split("\t")
            cols += [""] * (5 - len(cols))
            code, display, names, adjs, capitals = (c.strip() for c in cols[:5])
            self.display[code] = display
            self.codes_by_kind["state"].add(code)
            for n in _split(names):
                self._add(n, code, "name")
            for a in _split(adjs):
                self._add(a, code, "adjective")
                plural = _plural_demonym(a)
                if plural:
                    generated.append((plural, code, "adjective"))
            for c in _split(capitals):
                self._add(c, code, "capital")
            if " " not in display or display.count(" ") <= 2:
                generated.append((f"Republic of {display}", code, "name"))
        for line in _data_lines("orgs.tsv"):
            code, names = (line.split("\t") + [""])[:2]
            code = code.strip()
            self.codes_by_kind["org"].add(code)
            names_l = _split(names)
            full = next((n for n in names_l if " " in n and not n.startswith("the ")), names_l[0] if names_l else code)
            self.display.setdefault(code, full)
            for n in names_l:
                self._add(n, code, "org")
        for line in _data_lines("nonstate.tsv"):
            code, names = (line.split("\t") + [""])[:2]
            code = code.strip()
            self.codes_by_kind["nonstate"].add(code)
            self.display.setdefault(code, code)
            for n in _split(names):
                self._add(n, code, "nonstate")
        for line in _data_lines("metonyms.tsv"):
            cols = [c.strip() for c in line.split("\t")]
            if len(cols) < 2:
                continue
            via = cols[2] if len(cols) > 2 and cols[2] else "metonym"
            self._add(cols[0], cols[1], via)
        for alias, code, via in generated:
            self._add(alias, code, via, explicit=False)
        for line in _data_lines("not_parties.txt"):
            phrase = line.strip()
            for form in _apostrophe_variants(phrase):
                self.entries[form] = _Entry(None, "blocked")
        for line in _data_lines("ambiguous.tsv"):
            cols = [c.strip() for c in line.split("\t")]
            if len(cols) < 2 or cols[0] not in self.entries:
                continue
            e = self.entries[cols[0]]
            self.entries[cols[0]] = _Entry(e.code, e.via, e.needs_article, frozenset(_split(cols[1].replace(",", "|"))))
        # Headlines and datelines are often in capitals: "YEREVAN, Aug 8".
        for alias, entry in list(self.entries.items()):
            if len(alias) >= 5 and any(ch.islower() for ch in alias):
                up = alias.upper()
                if up not in self.entries:
                    self.entries[up] = entry


@functools.lru_cache(maxsize=1)
def _gaz() -> _Gazetteer:
    return _Gazetteer()


@functools.lru_cache(maxsize=1)
def _name_context() -> frozenset[str]:
    return frozenset(line.strip() for line in _data_lines("name_context.txt"))


@functools.lru_cache(maxsize=1)
def _prefix_re() -> tuple[re.Pattern[str], dict[str, tuple[str, frozenset[str]]]]:
    table: dict[str, tuple[str, frozenset[str]]] = {}
    for line in _data_lines("prefixes.tsv"):
        cols = line.split("\t") + ["", ""]
        table[cols[0].strip()] = (cols[1].strip(), frozenset(_split(cols[2])))
    alt = "|".join(sorted(map(re.escape, table), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({alt})-(?=([A-Z][\w.]*))"), table


# ---------------------------------------------------------------------------
# context checks

_CAP_WORD_BEFORE = re.compile(r"([A-Z][\w'\u2019-]*\.?|[A-Z]\.)[ \t]$")
_CAP_WORD_AFTER = re.compile(r"^[ \t]([A-Z][\w'\u2019-]*)")
_ARTICLE_BEFORE = re.compile(r"(?:^|[^\w])[Tt][Hh][Ee]\s+$")
_SENT_BREAK = re.compile(r"[.!?\n]\s")
_ALLCAPS_WORD = re.compile(r"[A-Z]{2,}")


def _sentence_window(text: str, start: int, end: int) -> str:
    lo = max(0, start - 200)
    hi = min(len(text), end + 200)
    left = text[lo:start]
    m = None
    for m in _SENT_BREAK.finditer(left):
        pass
    if m is not None:
        lo += m.end()
    right = text[end:hi]
    m2 = _SENT_BREAK.search(right)
    if m2 is not None:
        hi = end + m2.start() + 1
    return text[lo:hi]


_LINE_WORD = re.compile(r"[A-Za-z][\w'\u2019-]{3,}")


def _title_case_line(text: str, start: int, end: int) -> bool:
    """True when the line around a mention is a Title Case headline."""
    lo = text.rfind("\n", max(0, start - 200), start) + 1 or max(0, start - 200)
    hi = text.find("\n", end, end + 200)
    hi = min(len(text), end + 200) if hi < 0 else hi
    words = _LINE_WORD.findall(text, lo, hi)
    if len(words) < 4:
        return False
    caps = sum(1 for w in words if w[0].isupper())
    return caps >= 0.8 * len(words)


def _is_person_name(text: str, start: int, end: int) -> bool:
    """True when an ambiguous name reads as part of a personal name.

    "Michael Jordan" / "Jim Jordan": a capitalised word right before that is not a
    function, title or institution word. "Chad Johnson": a capitalised word right
    after that is not a title/institution word nor another party name.
    """
    ctx = _name_context()
    if _title_case_line(text, start, end):
        # In a Title Case Headline every word is capitalised, so neighbours say
        # nothing; only a known given name (checked elsewhere) or an initial counts.
        return re.search(r"(?:^|\s)[A-Z]\.[ \t]$", text[max(0, start - 4):start]) is not None
    before = text[max(0, start - 40):start]
    m = _CAP_WORD_BEFORE.search(before)
    if m:
        word = m.group(1).rstrip(".")
        if word not in ctx and word.upper() != word and not _is_alias_word(word):
            return True
        if len(word) == 1:  # an initial: "Booker T. Washington"
            return True
    after = text[end:end + 40]
    m = _CAP_WORD_AFTER.match(after)
    if m:
        word = m.group(1)
        if word.endswith(("'s", "\u2019s")):
            word = word[:-2]
        if word not in ctx and word.upper() != word and not _is_alias_word(word):
            return True
    return False


@functools.lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    return frozenset(line.strip() for line in _data_lines("first_names.txt"))


_WORD_BEFORE = re.compile(r"([A-Z][a-z]+)[ \t]$")


def _after_first_name(text: str, start: int) -> bool:
    """True when a given name stands right before: "David Oman", "Lisa Monaco"."""
    m = _WORD_BEFORE.search(text, max(0, start - 16), start)
    return m is not None and m.group(1) in _first_names()


@functools.lru_cache(maxsize=1)
def _us_state_after() -> re.Pattern[str]:
    states = [line.strip() for line in _data_lines("us_states.txt")]
    alt = "|".join(re.escape(x) for x in sorted(states, key=len, reverse=True))
    return re.compile(rf",[ \t]+(?:{alt})(?![\w])")


def _us_town(text: str, end: int) -> bool:
    """True for "<name>, <US state>": "Lebanon, Tenn.", "Cairo, Illinois", "Paris, Texas"."""
    return _us_state_after().match(text, end) is not None


_LANGUAGE_AFTER = re.compile(r"[ -](?:language|languages|speaking|speaker|speakers|translation|translations|subtitles|dialect|lessons|teacher|teachers|class|classes|grammar|alphabet|script)\b")
_LANGUAGE_BEFORE = re.compile(r"\b(?:speak|speaks|spoke|speaking|learn|learning|learned|practicing|practising|fluent\s+in|translated\s+into|into|in|taught|teach|teaching|study|studied|studying)[ \t]+$", re.IGNORECASE)
_PHRASE_END = re.compile(r"\s*(?:[.,;:!?)\"\u201d]|$|\s+(?:and|or|but|as|to|with|while|when)\b)")


def _is_language(text: str, start: int, end: int) -> bool:
    """True when a demonym names a language: "Spanish-language", "speaks Russian", "in French."."""
    if _LANGUAGE_AFTER.match(text, end):
        return True
    before = text[max(0, start - 24):start]
    return _LANGUAGE_BEFORE.search(before) is not None and _PHRASE_END.match(text, end) is not None


_OF_CAPITALISED = re.compile(r"[ \t]+of[ \t]+(?:the[ \t]+)?[A-Z]")


def _is_qualified(text: str, start: int, end: int) -> bool:
    """True when a generic body name belongs to someone else: "Russian Security Council"."""
    m = _CAP_WORD_BEFORE.search(text, max(0, start - 40), start)
    if m and m.group(1) not in ("The", "THE"):
        return True
    return _OF_CAPITALISED.match(text, end) is not None


@functools.lru_cache(maxsize=1)
def _company_after() -> re.Pattern[str]:
    words = [line.strip() for line in _data_lines("company_suffixes.txt")]
    alt = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"[ \t]+(?:{alt})(?![\w])")


def _is_company(text: str, start: int, end: int) -> bool:
    """True inside a company name: "<Okamoto U.S.A. Inc>", "Thai Airways", "Kenya Airways"."""
    if _company_after().match(text, end):
        return True
    # Wire copy brackets company names: "<Delhi Petroleum Pty Ltd>".
    lt = text.rfind("<", max(0, start - 60), start)
    if lt >= 0 and text[lt + 1:lt + 2].isupper() and ">" not in text[lt:start] and "\n" not in text[lt:start]:
        gt = text.find(">", end, end + 80)
        if gt >= 0 and not text[gt - 1].isspace() and "<" not in text[end:gt] and "\n" not in text[end:gt]:
            return True
    return False


def _is_alias_word(word: str) -> bool:
    e = _gaz().entries.get(word)
    return e is not None and e.code is not None


@functools.lru_cache(maxsize=1)
def _us_state_cues() -> re.Pattern[str]:
    cues = [line.strip() for line in _data_lines("us_state_cues.txt")]
    return re.compile(rf"(?<![\w.])(?:{'|'.join(cues)})(?!\w)|\([RD]-Ga\.?\)")


def _has_us_state_context(text: str, start: int, end: int) -> bool:
    return _us_state_cues().search(_sentence_window(text, start, end)) is not None


@functools.lru_cache(maxsize=1)
def _allcaps_words() -> dict[str, frozenset[str]]:
    table = {}
    for line in _data_lines("allcaps_words.tsv"):
        cols = line.split("\t") + [""]
        table[cols[0].strip()] = frozenset(_split(cols[1]))
    return table


def _is_caps_word(text: str, alias: str, start: int, end: int) -> bool:
    """True when a short all-caps alias is an ordinary word of an all-caps headline."""
    rule = _allcaps_words().get(alias)
    if not rule:
        return False
    before = text[max(0, start - 30):start].split()
    after = text[end:end + 30].split()
    prev = before[-1].strip(".,;:!?\"'()[]") if before else ""
    nxt = after[0].strip(".,;:!?\"'()[]") if after else ""
    if "*" in rule:
        return any(_ALLCAPS_WORD.fullmatch(w) and not _is_alias_word(w) for w in (prev, nxt) if w)
    return prev in rule and bool(_ALLCAPS_WORD.fullmatch(prev))


def _boundary_ok(text: str, start: int, end: int) -> bool:
    # An alias that starts or ends with a symbol ("US$") carries its own boundary.
    if start > 0 and (text[start].isalnum()):
        prev = text[start - 1]
        if prev.isalnum() or prev == "_":
            return False
    if end < len(text) and text[end - 1].isalnum():
        nxt = text[end]
        if nxt.isalnum() or nxt == "_":
            return False
        # "U.S" must not match the front of "U.S.A" style strings we do not list
        if text[end - 1].isalpha() and nxt == "." and end + 1 < len(text) and text[end + 1].isalpha() and text[end - 1].isupper() and end - start <= 3:
            return False
    return True


# One space for one whitespace character, so offsets do not move.
_WS_RE = re.compile("[\t\n\r\x0b\x0c\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")


# ---------------------------------------------------------------------------
# public API


def find_parties(text: str) -> list[PartyMention]:
    """Every party mention in ``text``: longest match, non-overlapping, sorted by start."""
    if not text or not isinstance(text, str):
        return []
    g = _gaz()
    # A line break inside "United\nStates" (hard-wrapped wire copy) still names it;
    # the translation keeps every offset where it was.
    norm = _WS_RE.sub(" ", text)
    cands: list[tuple[int, int, _Entry]] = []
    for end_idx, (alias, entry) in g.automaton.iter(norm):
        end = end_idx + 1
        start = end - len(alias)
        if not _boundary_ok(norm, start, end):
            continue
        if entry.code is not None:
            if entry.needs_article and not _ARTICLE_BEFORE.search(norm[max(0, start - 8):start]):
                continue
            if len(alias) <= 3 and _is_caps_word(norm, alias, start, end):
                continue
            if entry.via in ("name", "capital", "metonym", "nonstate") and _after_first_name(norm, start):
                continue
            if entry.via in ("name", "capital") and _us_town(norm, end):
                continue
            if entry.via == "adjective" and _is_language(norm, start, end):
                continue
            if _is_company(norm, start, end):
                continue
            if entry.rules:
                if "person" in entry.rules and _is_person_name(norm, start, end):
                    continue
                if "usstate" in entry.rules and _has_us_state_context(norm, start, end):
                    continue
                if "bare" in entry.rules and _is_qualified(norm, start, end):
                    continue
        cands.append((start, end, entry))

    prefix_re, table = _prefix_re()
    for m in prefix_re.finditer(norm):
        code, excluded = table[m.group(1)]
        following = m.group(2).rstrip(".")
        if following in excluded or any(following.startswith(x.split()[0]) and norm.startswith(x, m.end()) for x in excluded):
            continue
        cands.append((m.start(1), m.end(1), _Entry(code, "adjective")))

    # longest first, then leftmost; greedy keeps the best non-overlapping set
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int, _Entry]] = []
    occupied = bytearray(len(norm) + 1)
    for start, end, entry in cands:
        if any(occupied[start:end]):
            continue
        occupied[start:end] = b"\x01" * (end - start)
        taken.append((start, end, entry))
    taken.sort(key=lambda c: c[0])
    return [
        PartyMention(start, end, text[start:end], entry.code, entry.via,
                     entry.via == "capital" and _names_something(norm, start, end),
                     entry.via in ("name", "capital") and _transferred(norm, start, end))
        for start, end, entry in taken
        if entry.code is not None
    ]


# What a city can name: "the Paris Agreement/accord/pact/Club", "the Minsk agreements",
# "Minsk II", "the Oslo Accords", "the Astana process/format", "Washington Consensus".
_NAMED_AFTER = re.compile(
    r"(?:\s*[-–]?\s*(?:II|III|2|3|I)\b)?\s+(?:"
    r"Club|Group|Process|process|Format|format|Consensus|Charter|charter|Treaty|treaty|Treaties|"
    r"Agreements?|agreements?|Accords?|accords?|Conventions?|convention|Protocols?|protocol|"
    r"Declaration|declaration|Pact|pact|Deal|deal|Accords?|Memorandum|memorandum|Principles|"
    r"Document|Communiqu[eé]|communiqu[eé]|Statute|Understanding|Framework|framework|Roadmap|roadmap|"
    r"Plan\s+of\s+Action|Peace\s+(?:Accords?|Agreement|Treaty|Conference|Process))\b")
_NAMED_BEFORE = re.compile(
    r"\b(?:Treaty|Treaties|Convention|Conventions|Agreement|Agreements|Accords?|Protocol|Declaration|Charter|"
    r"Peace|Congress|Statute|Pact|Memorandum|Document|Final\s+Act|Communiqu[eé])\s+of\s+(?:the\s+)?$")


_TRANSFER_BEFORE = re.compile(
    r"(?i)\b(?:(?:hand(?:s|ed|ing)?|give(?:s|n)?|gave|giving)\s+(?:back\s+)?|(?:return(?:s|ed|ing)?|transfer(?:s|red|ring)?|"
    r"cede(?:s|d)?|ceding|restor(?:e|es|ed|ing))\s+|(?:hand-?over|handing\s+over|return|transfer|reversion|retrocession|"
    r"restoration|cession)\s+of\s+)(?:the\s+)?(?:(?:former\s+)?(?:British|Portuguese)\s+)?(?:colony\s+of\s+|territory\s+of\s+|enclave\s+of\s+)?$")
_TO = re.compile(r"(?:\s+back)?\s+(?:over\s+)?to\s+(?:the\s+)?")
_OWNER_WORDS = re.compile(r"([A-Z][\w.]*)(?:\s+([A-Z][\w.]*))?(?:\s+([A-Z][\w.]*))?")


class _ToNewOwner:
    """"... to China", "... back to Chinese rule/sovereignty": the new owner is a state."""

    @staticmethod
    def match(after: str, pos: int = 0) -> bool:
        m = _TO.match(after, pos)
        if not m:
            return False
        rest = after[m.end():]
        if re.match(r"(?:[A-Z][\w.]*\s+)?(?:rule|sovereignty|control|administration)\b", rest):
            return True
        w = _OWNER_WORDS.match(rest)
        if not w:
            return False
        words = [x for x in w.groups() if x]
        states = _gaz().codes_by_kind.get("state", set())
        for k in range(len(words), 0, -1):
            code = _gaz().entries.get(" ".join(words[:k]).rstrip("."))
            if code is not None and code.code in states:
                # "to the United Nations Security Council" is no state; "to China" is
                nxt = words[k] if k < len(words) else ""
                return not re.match(r"(?:Agreement|Accord|Treaty|Deal|Convention|Protocol|Council|Club)", nxt)
        return False


_TO_NEW_OWNER = _ToNewOwner
_TRANSFER_PASSIVE = re.compile(r"\s+(?:was|were|is|will\s+be)\s+(?:handed|returned|transferred|ceded|given)\s+(?:back\s+)?")
_TRANSFER_NOUN_AFTER = re.compile(r"(?:'s|’s)\s+(?:hand-?over|reversion|retrocession|return\s+to\s+(?:Chinese|Chinese\s+\w+|\w+\s+sovereignty))")


def _transferred(text: str, start: int, end: int) -> bool:
    """Is the name at [start, end) a territory changing hands (the subject of a
    handover) rather than an actor? "Britain handed Hong Kong back to China",
    "the return of Macao to China", "Hong Kong's handover to Chinese rule"; not
    "return Iran to the negotiating table" nor "the US's return to the Paris Agreement"."""
    before = text[max(0, start - 60):start]
    after = text[end:end + 80]
    if _TRANSFER_BEFORE.search(before) and _TO_NEW_OWNER.match(after):
        return True
    if _TRANSFER_NOUN_AFTER.match(after):
        return True
    pm = _TRANSFER_PASSIVE.match(after)
    return bool(pm and _TO_NEW_OWNER.match(after, pm.end() - 1))


def _names_something(text: str, start: int, end: int) -> bool:
    """Is the city at [start, end) part of the name of an agreement or a body?"""
    if _NAMED_BEFORE.search(text, max(0, start - 40), start):
        return True
    # "Minsk II", "Minsk-2": a city with a sequel number is an agreement's name
    return bool(_NAMED_AFTER.match(text, end) or re.match(r"\s*[-–]?\s*(?:II|III|IV)\b", text[end:end + 8]))


_STRIP_FRONT = re.compile(
    r"^(?:(?:the|The|THE)\s+)?(?:(?:Government|government|Governments|Kingdom|State|Embassy|embassy|Ministry of Foreign Affairs|"
    r"Foreign Ministry|people|People)\s+of\s+)?(?:(?:the|The)\s+)?"
)


def code_for(name: str) -> str | None:
    """The party code for a name, adjective, capital, metonym, organisation or code."""
    if not name or not isinstance(name, str):
        return None
    g = _gaz()
    s = " ".join(name.split())
    s = re.sub(r"(?:'s|\u2019s|')$", "", s)
    s = s.strip(" ,.;:") if not s.endswith(("U.S.", "U.K.", "E.U.", "U.N.", "P.R.C.", "D.P.R.K.", "U.S.S.R.", "U.A.E.")) else s
    for cand in (s, _STRIP_FRONT.sub("", s, count=1)):
        if not cand:
            continue
        e = g.entries.get(cand)
        if e is not None and e.code is not None:
            return e.code
        if cand in g.display:
            return cand
        if len(cand) > 3:
            code = g.lower_index.get(cand.lower())
            if code:
                return code
    # "Government of the People's Republic of China": the one party named inside.
    mentions = find_parties(s)
    codes = {m.code for m in mentions}
    if len(codes) == 1:
        m = max(mentions, key=lambda x: x.end - x.start)
        if (m.end - m.start) >= 0.3 * len(s):
            return m.code
    return None


def display_name(code: str) -> str:
    """A readable name for a party code ("ARM" -> "Armenia"); unknown codes come back as given."""
    if not code or not isinstance(code, str):
        return ""
    return _gaz().display.get(code, code)


@functools.lru_cache(maxsize=1)
def _former_states() -> dict[str, tuple[str, str]]:
    table = {}
    for line in _data_lines("former_states.tsv"):
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) >= 3:
            table[cols[0]] = (cols[1], cols[2])
    return table


def historical_code(code: str, when: str | None) -> str:
    """The former state a capital/government mention stood for at ``when``.

    ``historical_code("RUS", "1987-03-04")`` is "SUN": in 1987 "Moscow" and "the
    Kremlin" spoke for the Soviet Union. ``when`` is "YYYY", "YYYY-MM" or
    "YYYY-MM-DD"; a partial date counts as its first day; None or a code without
    a predecessor comes back unchanged. Meant for ``via`` "capital"/"metonym"
    mentions: a text that names "Russia" means Russia.
    """
    if not code or not isinstance(code, str) or not when or not isinstance(when, str):
        return code
    entry = _former_states().get(code)
    m = re.match(r"^\s*(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", when)
    if entry is None or m is None:
        return code
    iso = f"{m.group(1)}-{m.group(2) or '01'}-{m.group(3) or '01'}"
    return entry[0] if iso < entry[1] else code


def all_codes(kind: str | None = None) -> set[str]:
    """Known party codes; ``kind`` is "state", "org" or "nonstate" (None: all)."""
    g = _gaz()
    if kind is None:
        return set().union(*g.codes_by_kind.values())
    return set(g.codes_by_kind.get(kind, set()))


# ---------------------------------------------------------------------------
# titles

_LOWER_OK = {"of", "for", "the", "and", "at", "to", "in", "on"}  # stay lower case inside a role


@functools.lru_cache(maxsize=1)
def _common_noun_titles() -> frozenset[str]:
    """Titles that are ordinary nouns when written in lower case ("a chair", "the speaker")."""
    return frozenset(line.strip().lower() for line in _data_lines("title_common_nouns.txt"))


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def _title_re() -> re.Pattern[str]:
    # Built from lower-cased word lists and matched against the lower-cased text:
    # a case-insensitive alternation this large is several times slower.
    titles = [line.strip().lower() for line in _data_lines("titles.txt")]
    mods = [line.strip().lower() for line in _data_lines("title_modifiers.txt")]
    ports = [line.strip().lower() for line in _data_lines("portfolios.txt")]
    port = rf"(?:{_alt(ports)})(?:\s*(?:,|and|&)\s*(?:{_alt(ports)}))*"
    ministerial = (
        rf"(?:{port})\s+(?:minister|secretary|commissioner|ministry\s+spokesman)"
        rf"|(?:minister|secretary|commissioner|ministers)\s+(?:of|for)\s+(?:the\s+)?(?:{port})"
    )
    mod = rf"(?:(?:{_alt(mods)})(?:\s+|(?<=-)))*"
    return re.compile(rf"(?<![\w-])(?P<title>{mod}(?:{ministerial}|{_alt(titles)}))(?![\w-])")


# Every title holds one of these head words; the full title pattern only runs
# around them, which keeps a pass over a long article cheap.
_TITLE_ANCHOR = re.compile(
    r"president|minister|secretary|chancellor|king|queen|emir|amir|prince|sultan|leader|councill?or|chair|"
    r"representative|commissioner|ambassador|envoy|consul|chief|commander|speaker|governor|mayor|senator|congress|"
    r"spokes|attorney|director|administrator|deputy|premier|head\s+of|executive|advis|affaires|general|staff|"
    r"gen\.|adm\.|admiral|colonel|col\.|marshal|negotiator|elect|designate"
)
_SURNAME_TITLES = {"King", "Queen", "Prince", "Sultan"}


def _title_windows(low: str) -> list[tuple[int, int]]:
    """Windows around title head words in the lower-cased text."""
    text = low
    n = len(text)
    spans: list[list[int]] = []
    for a in _TITLE_ANCHOR.finditer(text):
        lo = max(0, a.start() - 60)
        hi = min(n, a.end() + 80)
        if spans and lo <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], hi)
        else:
            spans.append([lo, hi])
    out = []
    for lo, hi in spans:
        if hi < n:
            sp = re.compile(r"\s").search(text, hi)
            hi = sp.start() if sp else n
        if lo > 0:
            sp = text.rfind(" ", 0, lo)
            lo = sp + 1 if sp >= 0 else 0
        out.append((lo, hi))
    return out


def _windowed(text: str, windows: list[tuple[int, int]], pattern: re.Pattern[str]):
    last = -1
    for lo, hi in windows:
        for m in pattern.finditer(text, max(lo, last), hi):
            last = m.end()
            yield m


def _surname_before(text: str, start: int) -> bool:
    m = _CAP_WORD_BEFORE.search(text, max(0, start - 40), start)
    if not m:
        return False
    word = m.group(1).rstrip(".")
    return word not in _name_context() and not _is_alias_word(word) and word.upper() != word


_PARTY_JOIN_BEFORE = re.compile(r"^(?:'s|\u2019s|')?\s{1,2}$")
_OF_AFTER = re.compile(r"\s+of\s+(?:the\s+)?", re.IGNORECASE)
_AND_BETWEEN = re.compile(r"\s+(?:and|&)\s+")
_DROP_MODS = re.compile(r"^(?:former|then-|then\s+)\s*", re.IGNORECASE)


def _norm_role(surface: str) -> str:
    s = _DROP_MODS.sub("", " ".join(surface.split()))
    words = []
    for i, w in enumerate(s.split(" ")):
        lw = w.lower()
        if i > 0 and lw in _LOWER_OK:
            words.append(lw)
        elif w.isupper() and len(w) > 1:
            words.append(w)
        else:
            words.append("-".join(p[:1].upper() + p[1:] for p in w.split("-")))
    return " ".join(words)


def find_titles(text: str) -> list[TitleMention]:
    """Official titles with the party attached to them, sorted by start.

    "Armenian Foreign Minister", "Japan's Defense Minister", "US Secretary of State",
    "Minister of Defence of the Republic of Armenia" each give one mention whose
    span covers the party; ``role`` is the title alone. The party is taken from a
    name/adjective right before the title or an "of <party>" right after it;
    "Ambassador to Japan" names where the ambassador is sent, not whose he is,
    so "to" is not followed.
    """
    if not text or not isinstance(text, str):
        return []
    low = text.lower()
    if len(low) != len(text):
        # a few characters change length when lower-cased ("İ"); keep offsets exact
        low = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    windows = _title_windows(low)
    if not windows:
        return []
    parties = find_parties(text)
    by_end = {p.end: p for p in parties}
    by_start = {p.start: p for p in parties}
    out: list[TitleMention] = []
    last_end = -1
    for m in _windowed(low, windows, _title_re()):
        t_start, t_end = m.span("title")
        surface = text[t_start:t_end]
        if t_start < last_end:
            continue
        core = _DROP_MODS.sub("", surface).strip()
        if not core:
            continue
        if core.islower() and core in _common_noun_titles():
            continue  # "the president said" reads as a title; "sat on the chair" does not
        if core in _SURNAME_TITLES and _surname_before(text, t_start):
            continue  # "Stephen King", "Burger King", "Martin Luther King"
        start, end = t_start, t_end
        party: str | None = None
        # party before: "Armenian Foreign Minister", "Japan's Defense Minister", "US Secretary"
        for p_end in range(t_start, max(-1, t_start - 4), -1):
            p = by_end.get(p_end)
            if p is not None and _PARTY_JOIN_BEFORE.match(text[p.end:t_start]) and p.via in (
                "name", "adjective", "org", "nonstate", "metonym", "capital"
            ):
                party, start = p.code, p.start
                break
        # party after: "Minister of Defence of the Republic of Armenia"
        mo = _OF_AFTER.match(text, t_end)
        if mo is not None:
            p = by_start.get(mo.end())
            if p is not None and p.via in ("name", "org", "nonstate"):
                if party is None or party == p.code:
                    party, end = p.code, p.end
        if party is None and out and out[-1].party and _AND_BETWEEN.fullmatch(text, out[-1].end, t_start):
            party = out[-1].party  # "Chinese State Councilor and Foreign Minister Wang Yi"
        out.append(TitleMention(start, end, text[start:end], _norm_role(surface), party))
        last_end = end
    return out


def parse_title(text: str) -> tuple[str | None, str | None]:
    """(role, party code) for a title string such as "Armenian Foreign Minister".

    With no title in the string the role is None; with no party, the party is None.
    """
    if not text or not isinstance(text, str):
        return None, None
    titles = find_titles(text)
    if titles:
        best = max(titles, key=lambda t: (t.end - t.start, -t.start))
        party = best.party
        if party is None:
            codes = [p.code for p in find_parties(text)]
            party = codes[0] if len(set(codes)) == 1 else None
        return best.role, party
    codes = [p.code for p in find_parties(text)]
    return None, (codes[0] if codes and len(set(codes)) == 1 else None)
