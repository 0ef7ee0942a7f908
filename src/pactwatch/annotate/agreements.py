"""Agreement mentions, and their grouping into the distinct agreements a document talks about.

Input is plain data: the cleaned text, its sentence spans, the party mentions of the
gazetteer and the date mentions of ``dates.py``. Output is a list of
:class:`AgreementCandidate`: one per distinct agreement, with name, kind, role, parties,
status, signed date, place and the mentions (spans) that support each value. Assembly
into records (signatories, domains, funding ... attributed to each agreement) happens in
``pactwatch.assemble``.

How it works, phenomenon by phenomenon (word lists in ``data/agreement_*``):

1. **Mentions.** Every kind noun (agreement, deal, pact, accord, treaty, charter,
   memorandum (of understanding), MoU, framework, protocol, roadmap, declaration, joint
   statement, armistice, truce ...) is a candidate. Everyday uses are dropped by context:
   the verb "to deal with", "a great deal", "in agreement with", "within the framework
   of", "declaration of war", "charter flight". A mention grows to the left over
   modifiers (party names and adjectives, "US-Ukraine", years, "10-year", topic words such
   as "security", "free trade", "non-aggression") and, for capitalised names, over the
   capitalised words and connectors of the name ("Treaty on the Junction Point of State
   Borders"); lowercase descriptions take an "on/regarding ..." complement ("memorandum of
   understanding on security and military cooperation") and "between X and Y" / "with X".
2. **Business, labour, court and domestic deals** (merger, supply, plea, labour contract,
   budget deal) are recognised from their modifiers and from the words of their sentences;
   they never become agreements. An agreement also needs parties that are states,
   organisations or recognised non-state actors: companies and unions are not in the
   gazetteer, so a deal between them ends with no parties and is dropped.
3. **Coreference.** Mentions are grouped in text order. Bare definite descriptions ("the
   agreement", "the deal", "this Agreement") join the most recent compatible agreement of
   the last sentences, else the document's main agreement. Described mentions join an
   existing agreement unless something tells them apart: different years, different
   party sets, disjoint topics, different special kinds (a framework is not the deal it
   frames), different proper names. A plural "agreements with the UK, France and Germany"
   stands for one agreement per listed party.
4. **Role.** Agreements named in the headline, else the first one of the lead, are what
   the document reports on (``primary``), provided they have two parties (or one and a
   partner of the signing sentence) and are not dated in an earlier year; agreements
   concluded in the same breath as a primary ("signed a treaty and a declaration") are
   primary too. Everything else is ``mentioned``. A treaty full text (a heading naming the
   agreement, a preamble, articles) is primary by itself.
5. **Status** comes from the cue nearest to a mention in its sentence (data file
   ``agreement_status_cues.tsv``); the headline and lead speak first. Facts of entry into
   force, withdrawal and termination that are about the agreement override it.
6. **Dates and places** are taken from the clause that gives the status ("signed on
   Friday in Washington"), from a year written in the name ("the 1992 agreement"), or from
   a treaty's closing formula ("Done at Kyiv, on October 7, 1994").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from pactwatch.record import KIND_PRECEDENCE

DATA = Path(__file__).parent / "data"

Span = tuple[int, int]


# ----------------------------------------------------------------------------- word lists


def _lines(name: str) -> list[str]:
    out = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        out.append(line.strip())
    return out


@functools.lru_cache(maxsize=1)
def _nouns() -> list[tuple[re.Pattern, str, str]]:
    out = []
    for line in _lines("agreement_nouns.tsv"):
        parts = line.split("\t")
        pat, kind = parts[0], parts[1]
        flag = parts[2] if len(parts) > 2 else ""
        flags = 0 if flag == "case" else re.I
        out.append((re.compile(r"(?<![\w-])(?:" + pat + r")(?![\w-])", flags), kind, flag))
    return out


@functools.lru_cache(maxsize=None)
def _wordset(name: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _lines(name))


@functools.lru_cache(maxsize=1)
def _status_cues() -> list[tuple[str, re.Pattern]]:
    out = []
    for line in _lines("agreement_status_cues.tsv"):
        status, pat = line.split("\t", 1)
        out.append((status, re.compile(pat, re.I)))
    return out


def _kind_rank(kind: str) -> int:
    return KIND_PRECEDENCE.index(kind) if kind in KIND_PRECEDENCE else len(KIND_PRECEDENCE)


def best_kind(kinds: Iterable[str]) -> str:
    ks = list(kinds)
    return min(ks, key=_kind_rank) if ks else "other"


# Kinds that name a particular instrument: a framework or a memorandum is not the same
# thing as a "deal" said in the same article unless the text links them.
SPECIAL_KINDS = frozenset({"charter", "memorandum", "framework", "protocol", "roadmap", "declaration",
                           "joint_statement"})

# ----------------------------------------------------------------------------- tokens

_TOKEN = re.compile(r"(?:[A-Z]\.){2,}(?:-[\w’'.]*\w)?|\w[\w’'&]*(?:[-–][\w’'&]+)*|\S")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_NYEAR = re.compile(r"^\d+[-–](?:year|yr)s?$", re.I)
_DETERMINERS = {"the": "def", "this": "def", "that": "def", "these": "def", "those": "def", "its": "def",
                "their": "def", "his": "def", "her": "def", "our": "def", "such": "def",
                "a": "indef", "an": "indef", "any": "indef", "another": "indef", "some": "indef",
                "no": "indef", "every": "indef", "each": "indef", "new": None}
# Connectors allowed inside a capitalised name ("Treaty of Friendship and Cooperation
# between the Government of X and the Government of Y").
_NAME_CONNECTORS = {"of", "on", "between", "for", "regarding", "concerning", "and", "the", "to", "&", "-",
                    "in", "among", "with", "'s", "’s"}
# Words that end a lowercase complement ("memorandum on security signed between ...").
_COMPLEMENT_STOP = {
    "was", "were", "is", "are", "be", "been", "being", "has", "have", "had", "will", "would", "shall",
    "should", "can", "could", "may", "might", "must", "that", "which", "who", "with", "by", "in", "at",
    "as", "after", "before", "since", "when", "while", "but", "because", "if", "said", "says", "signed",
    "from", "under", "into", "to", "during", "than", "this", "it", "they", "he", "she", "we", "its",
    "their", "also", "not", "would", "amid", "within", "over", "via", "ahead", "following", "after", "despite",
    "including", "because", "so", "while", "where",
}
_CAP_STOP = {"The", "A", "An", "This", "That", "These", "Those", "Under", "In", "On", "At", "For", "But",
             "And", "Its", "Their", "It", "After", "Before", "With", "By", "As", "If", "When", "While",
             "From", "To", "Of", "Read", "See", "Also", "Both", "Each", "Such", "Any", "No", "All", "Mr",
             "Mrs", "Ms", "Dr", "President", "Minister", "Secretary", "Prime", "Foreign", "Defence",
             "Defense", "Chancellor", "King", "Queen", "Sen", "Rep", "Then", "Now",
             "Today", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
             "January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep",
             "Sept", "Oct", "Nov", "Dec"}

# Words that stand right before a kind noun without telling what the agreement is about.
_NOT_TOPIC = frozenset({
    "good", "bad", "great", "fair", "important", "big", "huge", "whole", "same", "such", "this", "that", "any",
    "every", "each", "other", "another", "one", "two", "three", "its", "their", "our", "your", "his", "her",
    "an", "a", "the", "no", "new", "own", "sign", "signs", "reach", "reaches", "strike", "strikes", "seal",
    "seals", "ink", "inks", "clinch", "back", "backs", "reject", "rejects", "support", "supports", "oppose",
    "said", "says", "say", "than", "then", "what", "which", "whose", "far", "much", "more", "most", "less",
    "secret", "controversial", "proposed", "possible", "potential", "ambitious", "agreement", "deal",
})


# ----------------------------------------------------------------------------- data classes


@dataclass
class PartyRef:
    code: str
    start: int
    end: int


@dataclass
class AgreementMention:
    start: int
    end: int
    text: str
    noun_start: int
    noun_end: int
    kinds: list[str]
    proper: bool = False
    determiner: str | None = None  # "def", "indef" or None
    plural: bool = False
    year: str | None = None
    topics: frozenset[str] = frozenset()
    name_words: frozenset[str] = frozenset()
    parties: list[PartyRef] = field(default_factory=list)
    sentence: int = 0
    commercial: bool = False
    acronym: str | None = None
    old: bool = False  # "the 1992 agreement", "an earlier deal": about an earlier agreement
    fresh: bool = False  # "the new pact": not the earlier agreement just mentioned
    group: int | None = None  # mentions split from one coordinated plural share a group id
    complement: Span | None = None  # the "on X and Y" complement of a description
    distributive: bool = False  # one of "agreements with A, B and C"
    year_clause: Span | None = None  # "signed in 2019" right after the mention

    @property
    def kind(self) -> str:
        return best_kind(self.kinds)

    @property
    def bare(self) -> bool:
        """No name, topic, party or year: "the agreement", "a deal"."""
        return not (self.proper or self.topics or self.parties or self.year or self.name_words)


@dataclass
class AgreementCandidate:
    """One distinct agreement of a document, with the spans behind each value."""

    mentions: list[AgreementMention]
    name: str = ""
    name_span: Span = (0, 0)
    kind: str = "other"
    kind_span: Span = (0, 0)
    role: str = "mentioned"
    parties: list[PartyRef] = field(default_factory=list)
    status: str | None = None
    status_span: Span | None = None
    signed_date: str | None = None
    date_span: Span | None = None
    place: str | None = None
    place_span: Span | None = None
    related: list[tuple[str, Span]] = field(default_factory=list)
    treaty_text: bool = False
    full_text: bool = False  # the document publishes its text ("The full text of the Charter ...")
    rejected: bool = False
    confidence: float = 0.0

    @property
    def sentences(self) -> set[int]:
        return {m.sentence for m in self.mentions}

    @property
    def party_codes(self) -> list[str]:
        return sorted({p.code for p in self.parties})

    def described(self) -> list[AgreementMention]:
        return [m for m in self.mentions if not m.bare]


# ----------------------------------------------------------------------------- helpers


def split_sentences(text: str) -> list[Span]:
    """A plain splitter for callers without a spaCy Doc: lines, then '. ' + capital."""
    spans: list[Span] = []
    for lm in re.finditer(r"[^\n]+", text):
        ls, le = lm.start(), lm.end()
        start = ls
        for m in re.finditer(r"(?<![A-Z])(?<!\b[A-Z][a-z])(?<!\bNo)[.!?][\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])",
                             text[ls:le]):
            end = ls + m.end()
            if text[start:end].strip():
                spans.append((start, ls + m.start() + 1))
            start = end
        if text[start:le].strip():
            spans.append((start, le))
    return spans


def _is_caseless_line(line: str) -> bool:
    """Headlines in Title Case or ALL CAPS: capitals there do not mark names."""
    words = re.findall(r"[A-Za-z][\w’'-]*", line)
    if len(words) < 3:
        return False
    letters = [c for c in line if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) > 0.7:
        return True
    # Title Case: a short line, not a sentence (a one-sentence paragraph full of names ends
    # with a period and keeps its capitals)
    if len(words) > 16 or re.search(r"[.!?][\"”’]?\s*$", line):
        return False
    long = [w for w in words if len(w) > 3]
    return bool(long) and sum(w[0].isupper() for w in long) / len(long) >= 0.75


class _Text:
    """Token index, sentence index and caseless zones of one text."""

    def __init__(self, text: str, sentences: Sequence[Span]):
        self.text = text
        self.tokens: list[tuple[int, int, str]] = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        self.starts = [t[0] for t in self.tokens]
        self.sentences = list(sentences)
        self.sent_starts = [s for s, _ in self.sentences]
        self.mentions_by_sent: dict[int, list] = {}
        self.caseless: list[Span] = []
        for lm in re.finditer(r"[^\n]+", text):
            if _is_caseless_line(lm.group()):
                self.caseless.append((lm.start(), lm.end()))

    def token_at(self, pos: int) -> int:
        import bisect

        i = bisect.bisect_right(self.starts, pos) - 1
        return max(i, 0)

    def sentence_of(self, pos: int) -> int:
        import bisect

        i = bisect.bisect_right(self.sent_starts, pos) - 1
        return max(i, 0)

    def in_caseless(self, pos: int) -> bool:
        return any(s <= pos < e for s, e in self.caseless)


def _norm_word(w: str) -> str:
    w = w.lower().replace("’", "'").replace("–", "-")
    w = re.sub(r"'s$", "", w)
    # British and American spellings name the same agreement.
    w = {"defence": "defense", "co-operation": "cooperation", "nonaggression": "non-aggression",
         "ceasefire": "cease-fire", "normalisation": "normalization", "denuclearisation": "denuclearization",
         "counter-terrorism": "counterterrorism", "programme": "program"}.get(w, w)
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        w = w[:-1]
    return w


_NAME_STOP = {"the", "of", "on", "between", "for", "and", "to", "in", "a", "an", "regarding", "concerning",
              "government", "republic", "state", "states", "people", "peoples", "kingdom", "&", "-", "with",
              "among", "'s", "’s", "s"}


# ----------------------------------------------------------------------------- mention finding


class MentionFinder:
    def __init__(self, text: str, sentences: Sequence[Span], parties: Sequence, title_span: Span | None):
        self.t = _Text(text, sentences)
        self.text = text
        self.parties = sorted(parties, key=lambda p: p.start)
        self.title_span = title_span
        self.modifiers = _wordset("agreement_modifiers.txt")
        self.generic = _wordset("agreement_generic_modifiers.txt")
        self.commercial = _wordset("agreement_commercial.txt")

    # -- party helpers
    def parties_in(self, s: int, e: int) -> list:
        return [p for p in self.parties if p.start >= s and p.end <= e]

    def party_overlapping(self, s: int, e: int):
        for p in self.parties:
            if p.start < e and p.end > s:
                return p
        return None

    # -- everyday uses of the kind nouns, which are not agreements
    def _skip(self, m: re.Match, kind: str, flag: str) -> bool:
        text = self.text
        w = m.group().lower()
        before = text[max(0, m.start() - 40):m.start()].lower()
        after = text[m.end():m.end() + 40].lower()
        prev_words = re.findall(r"[\w'’]+", before)
        prev = prev_words[-1] if prev_words else ""
        prev2 = prev_words[-2] if len(prev_words) > 1 else ""
        cap = m.group()[:1].isupper() and not self.t.in_caseless(m.start())
        if flag == "proper" and not cap:
            return True
        if w.startswith("deal"):
            # verb: "to deal with", "they deal", "deals with the issue"
            if prev in {"to", "will", "would", "can", "could", "should", "must", "may", "might", "not", "n't",
                        "they", "we", "i", "you", "who", "which", "better", "cannot", "also", "he", "she",
                        "it", "that", "and", "or"} and not after.startswith(("s ", "s,")):
                return True
            if re.match(r"s?\s+with\b", after) and prev not in {"a", "the", "trade", "new", "peace", "any", "no",
                                                                "this", "that", "nuclear", "security"} \
                    and prev not in self.modifiers:
                return True
            if prev in {"great", "good", "big"}:  # "a great deal of", "no big deal"
                return True
        if w.startswith("agreement") or w.startswith("accord"):
            if w in {"agreement", "accord"} and (
                    prev == "in" or prev2 == "in" and prev in {"full", "broad", "rare", "general", "complete", "total"}):
                return True  # "in agreement with", "in rare agreement with" (not "included in agreements")
            if prev == "own" and w.startswith("accord"):
                return True
            if w == "accord" and re.match(r"\s+with\b", after) and prev == "in":
                return True
        if kind == "framework" and not cap:
            if re.search(r"(?:within|in|under|through|into)\s+(?:the|a|this|its|their)\s+(?:\w+\s+)?$", before) \
                    and after.lstrip().startswith("of"):
                return True
            if prev in {"legal", "regulatory", "institutional", "policy", "conceptual", "theoretical", "fiscal",
                        "time", "timeframe", "general", "overall", "broader", "broad", "analytical",
                        "budgetary", "monetary", "accounting", "constitutional", "normative"}:
                return True
        if kind == "charter" and not cap:
            # a charter as an instrument is named ("partnership charter", "charter on ...");
            # otherwise it is hiring a ship or a plane, or a school
            if not re.match(r"\s+(?:on|of)\s", after) and prev not in self.modifiers:
                return True
        if kind == "declaration" and not cap:
            if re.match(r"\s+of\s+(?:war|independence|emergency|martial|bankruptcy|intent|interest|assets|"
                         r"income|a\s+state|the\s+state)", after) or prev in {"tax", "customs", "asset", "income"}:
                return True
        if kind == "protocol" and not cap:
            # diplomatic/medical protocol; a protocol as an instrument is "a protocol on/to ..."
            if not re.match(r"\s+(?:on|to|of|amending|signed)\b", after) and prev not in self.modifiers:
                return True
        if kind == "roadmap" and not cap and prev not in self.modifiers and not re.match(r"\s+(?:for|on|to)\b",
                                                                                            after):
            return True
        if kind == "joint_statement" and w.startswith("communiq") and not cap and prev != "joint":
            return False
        return False

    def find(self) -> list[AgreementMention]:
        hits: list[tuple[int, int, str, str]] = []
        for rx, kind, flag in _nouns():
            for m in rx.finditer(self.text):
                if any(not (m.end() <= s or m.start() >= e) for s, e, _, _ in hits):
                    continue
                if self._skip(m, kind, flag):
                    continue
                hits.append((m.start(), m.end(), kind, flag))
        hits.sort()
        mentions: list[AgreementMention] = []
        consumed_until = -1
        for s, e, kind, flag in hits:
            if s < consumed_until:
                # A kind noun inside the name of the previous mention ("Framework Agreement").
                mentions[-1].kinds.append(kind)
                continue
            men = self._extend(s, e, kind, flag)
            if men is None:
                continue
            # Two kind nouns in one name ("Defence Framework Agreement"): the left one was
            # swallowed as a modifier; a mention that contains the previous one replaces it.
            while mentions and mentions[-1].start >= men.start and mentions[-1].end <= men.end:
                prev = mentions.pop()
                men.kinds.extend(prev.kinds)
            mentions.append(men)
            consumed_until = men.end
        out: list[AgreementMention] = []
        for gid, men in enumerate(mentions):
            out.extend(self._split_coordinated(men, gid))
        return out

    def _split_coordinated(self, m: AgreementMention, gid: int) -> list[AgreementMention]:
        """'signed two agreements on security and military cooperation and restriction of
        marine jurisdictions' -> one mention per agreement, each with its own topic."""
        if not (m.plural and not m.proper and m.complement):
            return [m]
        cs, ce = m.complement
        comp = self.text[cs:ce]
        ands = [a for a in re.finditer(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)", comp)]
        if not ands:
            return [m]
        before = self.text[max(0, m.start - 20):m.noun_start].lower()
        nm = re.search(r"\b(two|three|four|five|both|2|3|4|5)\b", before)
        count = {"two": 2, "both": 2, "three": 3, "four": 4, "five": 5}.get(nm.group(1), None) if nm else None
        if nm and nm.group(1).isdigit():
            count = int(nm.group(1))
        cuts = ands
        if count is not None:
            if count - 1 > len(ands) or count < 2:
                return [m]
            if count - 1 < len(ands):
                # several "and"s and fewer agreements: the split that gives the most even parts
                import itertools

                best = None
                for combo in itertools.combinations(ands, count - 1):
                    bounds = [0] + [x for a in combo for x in (a.start(), a.end())] + [len(comp)]
                    sizes = [len(comp[bounds[i]:bounds[i + 1]].split()) for i in range(0, len(bounds), 2)]
                    score = max(sizes) - min(sizes)
                    if best is None or score < best[0]:
                        best = (score, combo)
                cuts = list(best[1])
        parts = []
        pos = 0
        for a in cuts:
            parts.append((cs + pos, cs + a.start()))
            pos = a.end()
        parts.append((cs + pos, ce))
        out = []
        for ps, pe in parts:
            topics = {_norm_word(w) for w in re.findall(r"[\w'’-]+", self.text[ps:pe])}
            topics -= {"and", "of", "the", "a", "an", "on"} | set(self.generic)
            if not topics:
                return [m]
            noun = re.sub(r"(?i)(memorand)(?:a|ums)\b", r"\1um", self.text[m.noun_start:m.noun_end])
            noun = re.sub(r"(?i)(treat)ies\b", r"\1y", noun)
            noun = re.sub(r"(?i)(\w)s\b(?! of)", r"\1", noun) if not noun.lower().startswith("memorandum") else noun
            out.append(AgreementMention(
                start=m.start, end=m.end, text=f"{noun} on {' '.join(self.text[ps:pe].split())}",
                noun_start=m.noun_start, noun_end=m.noun_end,
                kinds=list(m.kinds), proper=False, determiner=m.determiner, plural=False, year=m.year,
                topics=frozenset(topics), parties=list(m.parties), sentence=m.sentence, commercial=m.commercial,
                old=m.old, fresh=m.fresh, group=gid, complement=(ps, pe)))
        return out

    def _next_name_has_kind(self, k: int) -> bool:
        toks = self.t.tokens
        n = 0
        while k < len(toks) and n < 12:
            tok = toks[k][2]
            if tok.lower() in {"the", "a", "an"} and n == 0:
                k += 1
                continue
            if not tok[:1].isupper():
                return False
            if any(rx.fullmatch(tok) for rx, _, _ in _nouns()):
                return True
            k += 1
            n += 1
        return False

    def _extend(self, s: int, e: int, kind: str, flag: str) -> AgreementMention | None:
        t = self.t
        text = self.text
        noun = text[s:e]
        caseless = t.in_caseless(s)
        proper = noun[:1].isupper() and not caseless and flag != "case"
        if flag == "case":
            proper = False
        kinds = [kind]
        plural = bool(re.search(r"(?:s|ies|a)$", noun.split()[0] if kind == "memorandum" else noun)) \
            and not noun.lower().endswith(("ss", "us")) and noun.lower() not in {"memorandum", "plan of action"}
        if kind == "memorandum" and re.match(r"memorand(?:a|ums)\b", noun, re.I):
            plural = True
        if noun.lower() in {"mous"} or noun in {"MoUs", "MOUs"}:
            plural = True
        ti = t.token_at(s)
        tj = t.token_at(e - 1)
        start, end = s, e
        year = None
        topics: set[str] = set()
        words: set[str] = set()
        determiner = None
        commercial = False
        old = False
        fresh = False
        complement = None
        # ---- left
        i = ti - 1
        steps = 0
        sent_start = t.sentences[t.sentence_of(s)][0] if t.sentences else 0
        while i >= 0 and steps < 12:
            ts, te, tok = t.tokens[i]
            if ts < sent_start or "\n" in text[ts:start]:
                break
            low = tok.lower()
            nl = _norm_word(tok)
            party = self.party_overlapping(ts, te)
            if low in {"latest", "successor", "revised", "updated"}:
                fresh = True
            if low in _DETERMINERS:
                if _DETERMINERS[low] is None:  # "new" is a modifier, not a stop
                    fresh = True
                    start = ts
                    i -= 1
                    steps += 1
                    continue
                determiner = _DETERMINERS[low]
                break
            if _YEAR.match(tok):
                year = tok
                start = ts
            elif proper and re.fullmatch(r"\d{1,3}", tok) and ts + len(tok) + 1 >= s:
                start = ts  # "the 123 Agreement": a number right before a capitalised noun names it
                words.add(tok)
            elif _NYEAR.match(tok) or re.match(r"^\d+(?:st|nd|rd|th)$", low):
                start = ts
            elif party is not None and party.end <= end:
                start = min(ts, party.start)
                if tok.endswith(("'s", "’s")):
                    start = ts
                    i -= 1
                    # "Iran's nuclear deal": the possessor is part of the description, not more.
                    break
            elif tok in {"-", "–"} and i > 0:
                start = ts
            elif low in self.commercial or nl in self.commercial:
                commercial = True
                start = ts
            elif low in {"earlier", "previous", "former", "old", "existing", "original", "prior"}:
                old = True  # "the previous agreement": an earlier one ("first" is too often "Phase One")
                start = ts
            elif low in self.modifiers or nl in self.modifiers or low in self.generic:
                start = ts
                if low not in self.generic and nl not in self.generic:
                    topics.add(nl)
            elif "-" in low and any(part in self.modifiers for part in re.split(r"[-–]", low)):
                start = ts
                topics.add(nl)
            elif (i == ti - 1 or start < s) and re.fullmatch(r"[a-z]+(?:[-–][a-z]+)+", tok):
                # "power-sharing deal", "food-for-oil deal": a compound says what it is about
                start = ts
                topics.add(nl)
            elif i == ti - 1 and re.fullmatch(r"[a-z]{3,}", tok) and low not in _COMPLEMENT_STOP \
                    and low not in _NOT_TOPIC and not low.endswith(("ed", "ing", "ly")) and not caseless \
                    and not (i > 0 and t.tokens[i - 1][2].lower() == "to"):  # "to ditch agreement": a verb
                # the noun right before the kind noun: "barter agreement", "aviation pact"
                start = ts
                topics.add(nl)
            elif any(rx.fullmatch(tok) for rx, _, _ in _nouns()):
                start = ts
                for rx, k, _ in _nouns():
                    if rx.fullmatch(tok):
                        kinds.append(k)
                        break
            elif proper and tok[:1].isupper() and tok not in _CAP_STOP:
                start = ts
                words.add(nl)
            elif low in {"earlier", "previous", "former", "old", "existing", "original", "prior", "last"}:
                old = True
                start = ts
            else:
                if low in {"of", "and"} and proper and i > 0 and t.tokens[i - 1][2][:1].isupper() \
                        and t.tokens[i - 1][2] not in _CAP_STOP:
                    start = ts  # "Joint Comprehensive Plan of Action" style: keep going over "of"
                    i -= 1
                    steps += 1
                    continue
                break
            i -= 1
            steps += 1
        # trim a dangling connector at the left edge
        while True:
            lt = re.match(r"(?:of|and)\s+", text[start:e])
            if lt and start < s:
                start += lt.end()
            else:
                break
        # ---- right
        j = tj + 1
        parties_with: list = []
        if proper:
            last_good = e
            k = j
            n = 0
            while k < len(t.tokens) and n < 30:
                ts, te, tok = t.tokens[k]
                if "\n" in text[last_good:ts] and not caseless:
                    break
                low = tok.lower()
                if low in {"and", "&"} and self._next_name_has_kind(k + 1):
                    break  # "the Treaty on X and the Declaration on Y": two names
                if tok[:1].isupper() and tok not in _CAP_STOP - {"The"} or _YEAR.match(tok):
                    last_good = te
                    words.add(_norm_word(tok))
                    if _YEAR.match(tok):
                        year = year or tok
                elif low in _NAME_CONNECTORS or tok in {"The"}:
                    pass
                else:
                    break
                k += 1
                n += 1
            # only keep a complement that actually reached a capitalised word
            end = max(end, last_good)
        else:
            m = re.match(r"(\s+(?:on|in\s+the\s+(?:areas?|fields?)\s+of|regarding|concerning|for|to\s+(?:end|establish|create|build|promote|"
                         r"boost|limit|ban|reduce|curb|protect|settle|resolve)))\s+", text[e:])
            if m:
                k = t.token_at(e + m.end())
                last_good = e
                n = 0
                while k < len(t.tokens) and n < 9:
                    ts, te, tok = t.tokens[k]
                    if "\n" in text[e:ts]:
                        break
                    low = tok.lower()
                    if not re.match(r"[\w'’-]+$", tok) and tok not in {"'s", "’s"}:
                        break
                    if low in _COMPLEMENT_STOP or (low.endswith("ed") and low not in {"united", "limited"}
                                                   and n > 0):
                        break
                    if tok in _CAP_STOP or re.match(r"\d", tok) or low in {"time", "first", "second", "third", "last",
                                                                           "next", "years", "months", "weeks"}:
                        break  # "on Thursday", "on 3 May": a date, not what the agreement is on
                    if self.party_overlapping(ts, te) is not None:
                        last_good = te  # "for Ukraine", "on Iran's nuclear program": a party, not a topic
                    elif low not in {"and", "of", "the", "a", "an", "on", "for", "to", "in"}:
                        last_good = te
                        nl = _norm_word(tok)
                        if nl in self.commercial or low in self.commercial:
                            commercial = True
                        elif low not in self.generic and nl not in self.generic:
                            topics.add(nl)
                    k += 1
                    n += 1
                end = max(end, last_good)
                if last_good > e:
                    complement = (e + m.end(), last_good)
        if re.match(r"\s+(?:in|through|from|on)\s+(?:the\s+)?(?:Congress|Capitol\s+Hill|Parliament|the\s+House|"
                    r"the\s+Senate|state\s+legislature)\b", text[end:end + 40]):
            commercial = True  # a deal made in a legislature is domestic politics
        if re.search(r"\b(?:wins?|won|winning|awarded|lands?|landed)\s+(?:an?\s+|the\s+|its\s+)?(?:[\w$.,-]+\s+){0,4}$",
                     text[max(0, start - 60):start], re.I):
            commercial = True  # "British Aerospace wins Swiss deal": a contract won is business
        cm = re.match(r"\s+to\s+(\w+)", text[end:end + 30])
        if cm and cm.group(1).lower() in _wordset("agreement_commercial_verbs.txt"):
            commercial = True  # "a deal to supply 30,000 vehicles", "an agreement to acquire"
        # "between X and Y", "with X (and Y)": parties of the mention
        rest = text[end:end + 200]
        bm = re.match(r"\s*(?:,\s*)?(?:signed\s+|reached\s+|concluded\s+|agreed\s+)?(between|with|among)\s+", rest)
        if bm:
            seg_end = end + bm.end()
            k = t.token_at(seg_end)
            collected = []
            last = seg_end
            while k < len(t.tokens):
                ts, te, tok = t.tokens[k]
                if ts > last + 30:
                    break
                p = self.party_overlapping(ts, te)
                if p is not None and getattr(p, "via", "") == "capital" and \
                        re.match(r"\s+(?:Club|Process|Format|Group|Consensus)\b", text[p.end:p.end + 12]):
                    break  # "between Nigeria and the Paris Club": a body named after a city
                if p is not None:
                    if not collected or p.code not in {c.code for c in collected}:
                        collected.append(p)
                    last = p.end
                    k = t.token_at(p.end - 1) + 1
                    continue
                if tok.lower() in {"and", ",", "the", "government", "governments", "of", "republic", "'s", "’s",
                                   "state", "kingdom", "people", "&"}:
                    k += 1
                    continue
                break
            if collected:
                parties_with = collected
                if bm.group(1) in {"between", "among"} and len(collected) >= 2:
                    end = max(end, collected[-1].end)
        # parties inside the name; a city naming the agreement ("the Paris accord", "the Minsk
        # agreements", "Oslo Accords") is where it was made, not who made it
        in_name = [p for p in self.parties_in(start, end) if getattr(p, "via", "") != "capital"
                   and not getattr(p, "transferred", False) and not getattr(p, "in_name", False)
                   and not _forum_in_name(text, p, end)
                   and not re.match(r"[-–\s](?:brokered|mediated|backed|sponsored|led|hosted|drafted)\b",
                                    text[p.end:p.end + 12])]  # "an Egyptian-brokered truce": a broker
        for p in self.parties_in(start, end):
            if getattr(p, "via", "") == "capital":
                topics.add(_norm_word(p.text))  # the city tells this agreement apart
        pr = [PartyRef(p.code, p.start, p.end) for p in in_name]
        for p in parties_with:
            if p.code not in {q.code for q in pr}:
                pr.append(PartyRef(p.code, p.start, p.end))
        # a name's own words, without parties, kind nouns and connectors: what tells two
        # proper names apart
        name_words = set()
        if proper:
            for tm in _TOKEN.finditer(text, start, end):
                tok = tm.group()
                nl = _norm_word(tok)
                if nl in _NAME_STOP or not re.match(r"\w", tok) or s <= tm.start() < e:
                    continue
                if any(rx.fullmatch(tok) for rx, _, _ in _nouns()):
                    continue
                if self.party_overlapping(tm.start(), tm.end()):
                    continue
                name_words.add(nl)
        acr = None
        am = re.match(r"\s*\(([A-Z][A-Za-z0-9&+-]{1,10})\)", text[end:end + 16])
        if am:
            acr = am.group(1)
        if proper:
            first_word = _norm_word(_TOKEN.findall(text[start:end])[0])
            after_noun = re.match(r"\s+([A-Z][a-z]+)", text[e:e + 20])
            not_names = {_norm_word(w) for w in _wordset("agreement_not_names.txt")}
            if (start < s and first_word in not_names) or (after_noun and _norm_word(after_noun.group(1)) in not_names):
                return None  # "Government of National Accord", "Charter Communications"
        if proper and not name_words and noun[:1].isupper() and start == s and end == e:
            # A capitalised bare noun ("the Agreement", "this Treaty") is a reference, not a name.
            proper = False
        mention_text = text[start:end]
        ym = re.match(r"(?:\s+(?:with|between)\s+[^,.;]{1,40})?\s*,?\s*(?:which\s+was\s+|that\s+was\s+)?(?:first\s+|originally\s+|initially\s+)?"
                      r"(?:signed|reached|concluded|agreed|struck|adopted|negotiated|revised|amended|renewed|updated)"
                      r"\s+(?:in|back\s+in)\s+(1[89]\d\d|20\d\d)\b", text[end:end + 100])
        year_clause = None
        if ym and year is None:
            year = ym.group(1)
            year_clause = (end + ym.start(1), end + ym.end(1))
            # "an agreement reached in 1992" brings an earlier agreement into the story; "the
            # defence agreement revised in 2019" dates one the story already knows
            if determiner != "def":
                old = True
        if year is None:
            ym = re.search(r"\b(1[89]\d\d|20\d\d)\b", mention_text)
            if ym:
                year = ym.group(1)
        return AgreementMention(
            start=start, end=end, text=mention_text, noun_start=s, noun_end=e, kinds=kinds, proper=proper,
            determiner=determiner, plural=plural, year=year, topics=frozenset(topics),
            name_words=frozenset(name_words) if proper else frozenset(),
            parties=pr, sentence=t.sentence_of(s), commercial=commercial, acronym=acr, old=old, fresh=fresh,
            complement=complement, year_clause=year_clause,
        )


# ----------------------------------------------------------------------------- context scoring


def _context_is_business(text: str, spans: Iterable[Span]) -> bool:
    biz = _wordset("agreement_business_context.txt")
    dip = _wordset("agreement_diplomatic_context.txt")
    b = d = 0
    for s, e in spans:
        # stock tickers ("Amoco Corp <AN>") and company suffixes mark company news
        b += 2 * len(re.findall(r"<[A-Z][A-Z.]{0,6}>", text[s:e]))
        for w in re.findall(r"[A-Za-z]+", text[s:e]):
            lw = w.lower()
            if lw in biz:
                b += 1
            elif lw in dip:
                d += 1
    return b >= 2 and b > 2 * d


# ----------------------------------------------------------------------------- status


@dataclass
class StatusCue:
    status: str
    start: int
    end: int


def status_cues(text: str, s: int, e: int) -> list[StatusCue]:
    """All status cues in text[s:e], longest-first, with the spans they block."""
    found: list[StatusCue] = []
    for status, rx in _status_cues():
        for m in rx.finditer(text, s, e):
            if any(not (m.end() <= c.start or m.start() >= c.end) for c in found):
                continue
            found.append(StatusCue(status, m.start(), m.end()))
    return [c for c in found if c.status != "none"]


def _nearest_cue(cues: list[StatusCue], men: AgreementMention, limit: int = 140) -> StatusCue | None:
    best, best_d = None, None
    for c in cues:
        if c.start < men.end and c.end > men.start:
            # "talks for a proposed agreement": the adjective yields to a verb of the sentence
            d = 50 if c.status == "proposed" else 0
        elif c.end <= men.start:
            d = men.start - c.end
        else:
            d = c.start - men.end
        # A cue after the mention ("the deal was signed") is as good as one before it.
        # ending and leaving are said of the agreement itself, right next to it ("ended its
        # defence pact", "pulled out of the deal"); farther away they are about talks, wars,
        # summits
        if c.status in {"withdrawn", "terminated"} and d > 30:
            continue
        if d > limit:
            continue
        if best_d is None or d < best_d:
            best, best_d = c, d
    return best


# ----------------------------------------------------------------------------- main entry


def find_mentions(text: str, sentences: Sequence[Span] | None = None, parties: Sequence = (),
                  title_span: Span | None = None) -> list[AgreementMention]:
    sents = list(sentences) if sentences else split_sentences(text)
    return MentionFinder(text, sents, parties, title_span).find()


_OLD_CUES = re.compile(r"\b(?:previous|earlier|former|prior|existing|original|old|last)\b", re.I)
_DONE_AT = re.compile(r"\b(?:Done|DONE|Signed|SIGNED|Concluded)\s+(?:in\s+(?:duplicate|triplicate|two\s+originals?)\s*,?\s*)?(?:at|in)\s+(?:the\s+[Cc]ity\s+of\s+)?([A-Z][\w.’'-]+(?:\s+[A-Z][\w.’'-]+)?)",)
_IN_PLACE = re.compile(r"\b(?:in|at)\s+(?:the\s+(?:\w+\s+)?(?:capital|city)\s+(?:of\s+)?)?([A-Z][a-zA-Z’'-]+(?:\s+[A-Z][a-zA-Z’'-]+)?)")


def find_agreements(text: str, *, sentences: Sequence[Span] | None = None, parties: Sequence = (),
                    dates: Sequence = (), published: str | None = None, title_span: Span | None = None,
                    places: Sequence = (), title: str | None = None,
                    title_parties: Sequence = ()) -> list[AgreementCandidate]:
    """Distinct agreements of one cleaned text, each with its supporting spans.

    ``parties``: gazetteer PartyMention-like objects (start, end, code, via);
    ``dates``: DateMention-like objects (start, end, text, value, relative);
    ``title_span``: where the headline sits in ``text`` (None when it is not in the text);
    ``title``/``title_parties``: a headline kept outside the text (JSONL feeds) and its party
    mentions (offsets into ``title``): it still says what the document reports on.
    """
    sents = list(sentences) if sentences else split_sentences(text)
    finder = MentionFinder(text, sents, parties, title_span)
    mentions = finder.find()
    t = finder.t
    for m in mentions:
        t.mentions_by_sent.setdefault(m.sentence, []).append(m)
    pub_year = int(published[:4]) if published else None

    headings = _heading_lines(text, title_span)

    title_mentions: list[AgreementMention] = []
    if title_span is None and title:
        title_mentions = [m for m in MentionFinder(title, [(0, len(title))], title_parties, None).find()
                          if not m.commercial and not m.bare]

    def in_title(m: AgreementMention) -> bool:
        return title_span is not None and title_span[0] <= m.start < title_span[1]

    def named_in_outside_title(c: AgreementCandidate) -> bool:
        return any(_compatible(c, tm) >= 2 for tm in title_mentions)

    def in_heading(m: AgreementMention) -> bool:
        return any(s <= m.start < e for s, e in headings)

    # ---- treaty full text?
    treaty = _treaty_layout(text, mentions)

    # ---- business / domestic filter
    kept: list[AgreementMention] = []
    for m in mentions:
        sent = t.sentences[m.sentence] if t.sentences else (0, len(text))
        if m.commercial:
            continue
        if not m.proper and not treaty and _context_is_business(text, [sent]):
            continue
        if pub_year and m.year and int(m.year) < pub_year and not (m.year_clause and m.determiner == "def"):
            m.old = True
        elif pub_year and m.year and int(m.year) >= pub_year:
            m.old = False
        if m.year and not m.old and _OLD_CUES.search(text[max(sent[0], m.start - 30):m.start]):
            m.old = True
        kept.append(m)

    clusters = _cluster(kept, t, finder, treaty)
    if not clusters:
        return []

    # ---- roles
    body_start = title_span[1] if title_span else 0
    lead_sents = [i for i, (s, e) in enumerate(t.sentences) if e > body_start][:3]
    main = None
    if treaty is not None:
        main = clusters[0]
        main.treaty_text = True
    for c in clusters:
        _collect_parties(c, t, finder, text, title_span, treaty if c is main else None)
        if pub_year and pub_year < 1992:
            # Former states keep their codes: Moscow and "Russia" in a Soviet-era report are
            # the Soviet Union (RECORD.md)
            for p in c.parties:
                if p.code == "RUS":
                    p.code = "SUN"
            seen_codes: dict[str, PartyRef] = {}
            for p in c.parties:
                seen_codes.setdefault(p.code, p)
            c.parties = list(seen_codes.values())
    for c in clusters:
        _speaker_party(c, t, finder, text, title_span, lead_sents)
    for c in clusters:
        _status(c, t, text)
    primaries: list[AgreementCandidate] = []
    if main is not None:
        primaries = [main]
    else:
        # the headline says what the document reports on; without one (or when it names no
        # agreement between states), the first agreement of the lead does
        for c in clusters:
            if (any(in_title(m) for m in c.mentions) or named_in_outside_title(c)) and \
                    _primary_ok(c, t, text, finder, titled=True):
                primaries.append(c)
        # a headline about an agreement that is no pact between states (a company's loan pact,
        # rivals' power-sharing deal) means the document reports on no such pact: the lead's
        # other agreements are background
        titled = any(in_title(m) for m in mentions) or bool(title_mentions)
        if not primaries and not titled:
            # a lead agreement is the news only when the lead says something happens to it
            # (signed, negotiated, proposed ...), not when it is named in passing
            for c in clusters:
                if any(m.sentence in lead_sents and cue_for(m, t, text) is not None for m in c.mentions) \
                        and _primary_ok(c, t, text, finder):
                    primaries.append(c)
                    break
        if not primaries and titled and title_span is not None:
            # "GHANA, BRITAIN SIGN DEBT ACCORD" + a lead sentence where Ghana and Britain sign
            # an agreement: the headline's states make the lead's agreement the news, even when
            # the headline's noun phrase did not cluster with it
            title_codes = {p.code for p in finder.parties_in(*title_span)}
            for c in clusters:
                codes = set(c.party_codes)
                creditors = len(codes) == 1 and any(
                    _OFFICIAL_CREDITORS.search(text[max(0, m.start - 120):m.end + 120]) for m in c.mentions[:3])
                if (len(codes) >= 2 or creditors) and codes <= title_codes and any(
                        m.sentence in lead_sents[:2] and (cue_for(m, t, text) or StatusCue("", 0, 0)).status
                        in {"signed", "expected", "negotiating"} for m in c.mentions) \
                        and _primary_ok(c, t, text, finder):
                    primaries.append(c)
                    break
        # a sub-headline announcing a signing or an entry into force is news of its own
        for c in clusters:
            if c not in primaries and c.status in {"signed", "in_force", "expected"} and \
                    any(in_heading(m) and not m.bare for m in c.mentions) and _primary_ok(c, t, text, finder):
                primaries.append(c)
    # Agreements concluded in the same sentence as a primary, with a party in common, are
    # news of the same event ("signed a treaty ... and a declaration ...").
    for c in clusters:
        if c in primaries or not _primary_ok(c, t, text, finder) or c.mentions[0].plural:
            continue
        for p in list(primaries):
            shared = set(c.party_codes) & set(p.party_codes)
            same_sent = {m.sentence for m in c.mentions} & {m.sentence for m in p.mentions[:3]}
            lead_or_title = {i for i in same_sent if i in lead_sents} or \
                {m.sentence for m in c.mentions if in_title(m)} & same_sent
            if shared and lead_or_title and c.mentions[0].sentence in same_sent and \
                    any(m.proper for m in c.mentions) and not any(m.old for m in c.mentions):
                primaries.append(c)
                break
    # the agreements of one coordinated plural ("signed two agreements on X and Y") share a role
    for c in clusters:
        groups_c = {m.group for m in c.mentions if m.group is not None}
        if c not in primaries and groups_c and any(
                groups_c & {m.group for m in p.mentions if m.group is not None} for p in primaries) \
                and len(c.party_codes) >= 2:
            primaries.append(c)
    for c in clusters:
        c.role = "primary" if c in primaries else "mentioned"

    # ---- status, dates, places, names, kinds
    for c in clusters:
        _dates(c, t, text, dates, published, treaty if c.treaty_text else None)
        if c.role == "primary" and c.signed_date is None and c.status == "signed" and c.status_span:
            _report_date(c, t, text, dates, published, title_span, lead_sents)
        _place(c, t, text, treaty if c.treaty_text else None, places)
        _name_and_kind(c, text, treaty if c.treaty_text else None)
    # drop clusters that name nothing and have no party: "an agreement" in passing
    out = []
    for c in clusters:
        if c.role == "mentioned" and not c.parties and not any(m.proper for m in c.mentions) and not c.mentions[0].year:
            continue
        out.append(c)
    # related: other agreements named in the sentences of a primary
    for c in out:
        if c.role != "primary":
            continue
        sents_c = c.sentences
        for o in out:
            if o is c:
                continue
            if o.sentences & sents_c or c.treaty_text:
                c.related.append((o.name, o.name_span))
    for c in out:
        c.confidence = _confidence(c)
        # "The full text of the Charter ... has been published": the document is its text
        c.full_text = c.role == "primary" and any(
            re.search(r"\b(?:full|complete|official)\s+text\s+of\s+(?:the\s+)?$", text[max(0, m.start - 30):m.start],
                      re.I) for m in c.mentions)
    return out


def _heading_lines(text: str, title_span: Span | None) -> list[Span]:
    """Sub-headlines inside the body: short lines without final punctuation."""
    out = []
    first = True
    for lm in re.finditer(r"[^\n]+", text):
        line = lm.group().strip()
        if not line:
            continue
        if first:
            first = False
            continue
        if title_span and lm.start() < title_span[1]:
            continue
        words = line.split()
        if 3 <= len(words) <= 14 and len(line) <= 100 and line[0].isupper() and not re.search(r"[.!?:;,\"”]$", line):
            out.append((lm.start(), lm.end()))
    return out


# ----------------------------------------------------------------------------- treaty layout


@dataclass
class TreatyLayout:
    heading: Span | None  # the title lines naming the agreement, when the text has them
    preamble: Span  # from the parties' clause to "have agreed as follows"
    parties_clause: Span  # "The Government of X and the Government of Y"


# Structural marks of an agreement's own text (as opposed to news about it).
_TREATY_MARKS = [
    re.compile(r"\b(?:HAVE|have|Have)\s+(?:AGREED|agreed|reached\s+the\s+following|REACHED\s+THE\s+FOLLOWING)\b"),
    re.compile(r"\b(?:hereinafter|hereafter)\s+(?:referred\s+to|called)\b", re.I),
    re.compile(r"^\s*(?:ARTICLE|Article)\s+(?:1|I|ONE)\b", re.M),
    re.compile(r"\bIN\s+WITNESS\s+WHEREOF\b|\bIn\s+witness\s+whereof\b"),
    re.compile(r"\bContracting\s+Part(?:y|ies)\b", re.I),
    re.compile(r"^\s*(?:Preamble|PREAMBLE)\s*$", re.M),
    re.compile(r"\b(?:Done|DONE)\s+(?:in\s+duplicate\s+)?(?:at|in|AT|IN)\b"),
    # the preamble's capitalised participles
    re.compile(r"^\s*(?:CONSIDERING|BELIEVING|BEARING\s+IN\s+MIND|RECOGNI[SZ]ING|DESIRING|CONVINCED|REAFFIRMING|"
               r"MINDFUL|NOTING|WISHING|RESOLVED|AIMING)\b|,\s*(?:CONSIDERING|BELIEVING|BEARING\s+IN\s+MIND|"
               r"RECOGNI[SZ]ING|DESIRING|CONVINCED)\b", re.M),
]
_PARTIES_CLAUSE = re.compile(
    r"(?:^[ \t]*|(?<=[,;:]\s)|(?<=\s\s))(?:The|THE)\s+(?:Government|GOVERNMENT|Governments|Republic|REPUBLIC|Kingdom|"
    r"State|People|United|Federal|Swiss|Slovak|Czech|Association|Parties|Contracting|Department|Ministry|Minister|"
    r"Governments|Office|[A-Z][a-z]+\s+Republic)[^\n]{0,400}",
    re.M)


def _treaty_layout(text: str, mentions: list[AgreementMention]) -> TreatyLayout | None:
    """An agreement's own text: a preamble naming the parties, articles, a closing formula."""
    marks = sum(1 for rx in _TREATY_MARKS if rx.search(text[:60000]))
    if marks < 3:
        return None
    pc = _PARTIES_CLAUSE.search(text[:4000])
    if pc is None:
        return None
    # the heading: the lines above the parties' clause holding a kind noun
    heading = None
    head_mentions = [m for m in mentions if m.start < pc.start()]
    if head_mentions:
        m0 = head_mentions[0]
        line_start = text.rfind("\n", 0, m0.start) + 1
        hs = line_start
        he = pc.start()
        chunk = text[hs:he]
        # stop the heading at a "Preamble" line or a blank line after the name
        cut = re.search(r"\n\s*(?:Preamble|PREAMBLE)\b|\n\s*\n", chunk[max(0, m0.end - hs):])
        if cut:
            he = max(0, m0.end - hs) + hs + cut.start()
        if 0 < len(text[hs:he].strip()) <= 600:
            heading = (hs, len(text[:he].rstrip()))
            # several names in the heading ("MERCOSUR AGREEMENT Treaty Establishing a Common Market
            # between ..."): the one that runs into the parties' clause is the agreement's title
            last = [m for m in head_mentions if hs <= m.start < he][-1]
            if last is not m0:
                nouns = [x for rx, _, _ in _nouns() for x in rx.finditer(text, last.start, last.end)]
                heading = (max(x.start() for x in nouns) if nouns else last.noun_start, heading[1])
    pre_end_m = re.search(r"(?:HAVE\s+AGREED|have\s+agreed|Have\s+agreed|agree\s+as\s+follows|AGREE\s+AS\s+FOLLOWS|"
                          r"[Hh]ave\s+reached\s+the\s+following)",
                          text[pc.start():])
    pre_end = pc.start() + (pre_end_m.start() if pre_end_m else min(1500, len(text) - pc.start()))
    clause_end = re.search(r"[,;:(]|\s+hereinafter|\s+hereafter", pc.group())
    cs, ce = pc.start(), pc.start() + (clause_end.start() if clause_end else len(pc.group()))
    cs += len(pc.group()) - len(pc.group().lstrip())
    return TreatyLayout(heading, (pc.start(), pre_end), (cs, ce))


# ----------------------------------------------------------------------------- clustering


def _kind_family(kinds: Iterable[str]) -> str:
    k = best_kind(kinds)
    return k if k in SPECIAL_KINDS else "generic"


@functools.lru_cache(maxsize=1)
def _synonyms() -> dict[str, str]:
    out = {}
    for line in _lines("agreement_topic_synonyms.tsv"):
        word, canon = line.split("\t")
        out[_norm_word(word)] = canon
    return out


def _canon(topics: Iterable[str]) -> set[str]:
    syn = _synonyms()
    out = set()
    for t in topics:
        out.add(syn.get(t, t))
        # "gas-for-beef deal" is a "gas deal" too
        for part in re.split(r"[-–]", t):
            if len(part) > 2 and part not in {"for", "and", "the"}:
                out.add(syn.get(_norm_word(part), _norm_word(part)))
    return out


def _proper_words(c_mentions: list[AgreementMention]) -> list[frozenset[str]]:
    return [m.name_words for m in c_mentions if m.proper and m.name_words]


def _compatible(c: AgreementCandidate, m: AgreementMention) -> int:
    """0 = a different agreement; higher = better match."""
    described = c.described()
    score = 1
    same_name = m.proper and m.name_words and any(
        x.proper and x.name_words and (x.name_words <= m.name_words or m.name_words <= x.name_words) for x in described)
    if described and not m.bare and not same_name:
        # "an agreement reached in 1992" is not the deal in the news, and the news deal is
        # not "the 1979 agreement" it replaces; the same name is the same agreement though
        # ("the 1987 INF Treaty" in a story about leaving the INF Treaty)
        c_old = all(x.old for x in described)
        if m.old != c_old:
            return 0
    years = {x.year for x in described if x.year}
    if m.year and years and m.year not in years:
        return 0
    cparties = set()
    for x in described:
        cparties |= {p.code for p in x.parties}
    mparties = {p.code for p in m.parties}
    if mparties and cparties:
        if not (mparties <= cparties or cparties <= mparties):
            return 0
        score += 2 if mparties == cparties else 1
    ckinds = [k for x in described for k in x.kinds] or [k for x in c.mentions for k in x.kinds]
    cfam = _kind_family(ckinds)
    mfam = _kind_family(m.kinds)
    if cfam != mfam and described:
        # A "deal" can be the same thing as a named framework only when the text gives it no
        # other identity; two different special kinds are two instruments.
        if cfam != "generic" and mfam != "generic":
            return 0
        if mfam != "generic" and m.proper:
            return 0
        # a treaty is not the framework or declaration that leads to it, nor the reverse
        if "treaty" in m.kinds or any("treaty" in x.kinds for x in described):
            return 0
        if cfam != "generic" and any(x.proper for x in described) and not (mparties and mparties == cparties):
            if not m.topics or not (m.topics & {t for x in described for t in x.topics}):
                return 0
    if not described and not m.bare:
        # only "the deal"/"an agreement" so far: a described mention joins when its noun fits
        if not all(_noun_class(x) in _GENERIC_NOUNS or _noun_class(x) == _noun_class(m) for x in c.mentions):
            return 0
    ctopics = set()
    for x in described:
        ctopics |= x.topics
    if m.topics and ctopics:
        if not (_canon(m.topics) & _canon(ctopics)):
            return 0
        score += 1
    cwords = _proper_words(described)
    if m.proper and m.name_words and cwords:
        ok = False
        for w in cwords:
            if m.name_words <= w or w <= m.name_words:
                ok = True
        acrs = {x.acronym for x in described if x.acronym}
        if not ok and not (m.acronym and m.acronym in acrs):
            return 0
        score += 3
    elif cwords and not m.proper and described:
        # a description joins a named agreement only when something ties them: "the chip pact
        # with the U.S." is not the "General Agreement on Tariffs and Trade"
        named_words = set().union(*cwords)
        if not (mparties and mparties & cparties) and not (m.topics & (ctopics | named_words)):
            return 0
    elif m.proper and m.name_words and not cwords and described:
        # a named agreement joins a described one only when parties or topics tie them
        if not (mparties and mparties == cparties) and not (m.topics & ctopics):
            return 0
    # acronyms: "the INF" after "Intermediate-Range Nuclear Forces Treaty (INF)"
    return score


def _cluster(mentions: list[AgreementMention], t: _Text, finder: MentionFinder,
             treaty: TreatyLayout | None) -> list[AgreementCandidate]:
    clusters: list[AgreementCandidate] = []
    last_seen: dict[int, int] = {}  # cluster index -> sentence of its last mention

    def attach(ci: int, m: AgreementMention):
        clusters[ci].mentions.append(m)
        last_seen[ci] = m.sentence

    main_idx: int | None = None
    groups: dict[int, list[int]] = {}
    last_group: tuple[int, int] | None = None
    for m in mentions:
        if treaty is not None:
            # An agreement's own text: its heading and every "this Agreement" are the main
            # agreement; other agreements it names ("the WTO Agreement") are their own.
            in_heading = treaty.heading is not None and treaty.heading[0] <= m.start < treaty.heading[1]
            if in_heading or (m.bare and not m.plural) or m.determiner == "def" and m.text.istitle() and \
                    len(m.text.split()) == 1:
                if main_idx is None:
                    clusters.append(AgreementCandidate(mentions=[m]))
                    main_idx = len(clusters) - 1
                else:
                    attach(main_idx, m)
                continue
        # "agreements with the UK, France and Germany": one agreement per listed party
        if m.plural and len(m.parties) >= 2:
            sent = t.sentences[m.sentence]
            others = [p for p in finder.parties_in(sent[0], m.start)
                      if p.code not in {q.code for q in m.parties}]
            anchor = others[-1].code if others else None
            if anchor is None and clusters:
                # the partner all of them share is a party of the main agreement that is not in
                # the list: the one the document names most ("Ukraine ... agreements with the UK,
                # France and Germany")
                main = clusters[0]
                main_parties = {p.code for x in main.mentions for p in x.parties}
                for x in main.mentions[:2]:
                    ss, se = t.sentences[x.sentence]
                    main_parties |= {p.code for p in finder.parties_in(ss, se)}
                rest = main_parties - {q.code for q in m.parties}
                if rest:
                    counts = {code: sum(1 for p in finder.parties if p.code == code) for code in rest}
                    ranked = sorted(rest, key=lambda code: -counts[code])
                    if len(ranked) == 1 or counts[ranked[0]] > counts[ranked[1]]:
                        anchor = ranked[0]
            if anchor is not None:
                for p in m.parties:
                    sub = AgreementMention(
                        start=m.start, end=m.end, text=m.text, noun_start=m.noun_start, noun_end=m.noun_end,
                        kinds=list(m.kinds), proper=False, determiner=m.determiner, plural=False, year=m.year,
                        topics=m.topics, parties=[p, PartyRef(anchor, -1, -1)], sentence=m.sentence,
                        old=m.old, distributive=True)
                    best = _best_cluster(clusters, sub, strict_parties=True)
                    if best is None:
                        clusters.append(AgreementCandidate(mentions=[sub]))
                        last_seen[len(clusters) - 1] = sub.sentence
                    else:
                        attach(best, sub)
                continue
        if m.group is not None:
            best = _best_cluster(clusters, m)
            if best is None:
                clusters.append(AgreementCandidate(mentions=[m]))
                best = len(clusters) - 1
                last_seen[best] = m.sentence
            else:
                attach(best, m)
            groups.setdefault(m.group, [])
            if best not in groups[m.group]:
                groups[m.group].append(best)
            last_group = (m.group, m.sentence)
            continue
        if m.plural and not m.parties and not m.proper and last_group is not None \
                and m.sentence - last_group[1] <= 3 and len(groups[last_group[0]]) > 1:
            # "Memorandums of understanding were signed": the agreements just listed
            for ci in groups[last_group[0]]:
                attach(ci, m)
            continue
        if m.determiner == "def" and m.year and not (m.topics or m.parties or m.proper or m.plural) and clusters:
            # "... out of its INF Treaty, saying Moscow has been cheating on the 1987 pact": a
            # definite year-only description right after a named agreement dates that agreement
            recent = [ci for ci, se in sorted(last_seen.items(), key=lambda kv: -kv[1])
                      if m.sentence - se <= 1 and _bare_fits(_noun_class(m), clusters[ci]) | (
                          _noun_class(m) in {"treaty", "pact", "accord", "agreement", "deal"})
                      and not ({x.year for x in clusters[ci].described() if x.year} - {m.year})
                      and not any(x.fresh for x in clusters[ci].mentions)]
            if recent:
                attach(recent[0], m)
                continue
        if m.bare or (m.plural and not m.parties and not m.proper):
            if not clusters:
                if m.plural:
                    continue
                clusters.append(AgreementCandidate(mentions=[m]))
                last_seen[0] = m.sentence
                continue
            ci = _antecedent(clusters, last_seen, m, treaty)
            if ci is not None:
                attach(ci, m)
            elif not m.plural:
                clusters.append(AgreementCandidate(mentions=[m]))
                last_seen[len(clusters) - 1] = m.sentence
            continue
        # "secret agreements for stabilising currencies": several other agreements, not the one
        best = None if m.plural else _best_cluster(clusters, m)
        if best is None:
            clusters.append(AgreementCandidate(mentions=[m]))
            last_seen[len(clusters) - 1] = m.sentence
        else:
            attach(best, m)
    if treaty is not None:
        if main_idx is None:
            clusters.insert(0, AgreementCandidate(mentions=[]))
        elif main_idx:
            clusters.insert(0, clusters.pop(main_idx))
    return clusters


def _best_cluster(clusters: list[AgreementCandidate], m: AgreementMention, strict_parties: bool = False) -> int | None:
    best, best_score = None, 0
    for i, c in enumerate(clusters):
        sc = _compatible(c, m)
        if strict_parties:
            cp = {p.code for x in c.described() for p in x.parties}
            if cp != {p.code for p in m.parties}:
                continue
        if sc > best_score:
            best, best_score = i, sc
    return best


# Nouns that can refer back to any agreement ("the deal" after "the Panmunjom Declaration");
# the others refer back only to an agreement already called that way ("the treaty").
_GENERIC_NOUNS = frozenset({"agreement", "deal", "accord", "pact", "document", "arrangement"})


def _noun_class(m: AgreementMention) -> str:
    head = m.text[m.noun_start - m.start:m.noun_end - m.start].lower()
    head = re.sub(r"(?:s|es)$", "", head) if not head.startswith("memorand") else "memorandum"
    if head in {"mou", "memoranda", "memorandum of understanding"} or head.startswith("memorand"):
        return "memorandum"
    if head.startswith("treat"):
        return "treaty"
    if head in {"agreement", "deal", "accord", "pact"}:
        return head
    return head


def _bare_fits(noun_class: str, c: AgreementCandidate) -> bool:
    if noun_class in _GENERIC_NOUNS:
        return True
    return any(_noun_class(x) == noun_class for x in c.mentions)


def _antecedent(clusters: list[AgreementCandidate], last_seen: dict[int, int], m: AgreementMention,
                treaty: TreatyLayout | None) -> int | None:
    if treaty is not None:
        return 0
    if m.old:
        # "the previous agreement": only an earlier agreement already in the story
        olds = [ci for ci, c in enumerate(clusters) if c.described() and all(x.old for x in c.described())]
        return olds[-1] if olds else None
    fam = _kind_family(m.kinds)
    noun_class = _noun_class(m)
    cand = [ci for ci in range(len(clusters)) if _bare_fits(noun_class, clusters[ci])]
    if m.determiner == "indef":
        # "the agreement would be signed between the allies, already bound by a pact to ...":
        # an indefinite mention beside the agreement's own is another agreement
        cand = [ci for ci in cand if all(x.sentence != m.sentence for x in clusters[ci].mentions)]
    last_seen = {ci: se for ci, se in last_seen.items() if ci in cand}
    noun = m.text[m.noun_start - m.start:m.noun_end - m.start].lower()
    recent = sorted(last_seen.items(), key=lambda kv: -kv[1])
    if m.fresh:
        recent = [(ci, se) for ci, se in recent if not all(x.old for x in clusters[ci].described() or [x for x in clusters[ci].mentions])]
    for ci, sent in recent:
        if m.sentence - sent > 2:
            break
        c = clusters[ci]
        ckinds = [k for x in c.mentions for k in x.kinds]
        if fam != "generic" and fam not in ckinds:
            continue
        if all(x.plural or x.distributive or x.group is not None for x in c.described() or c.mentions) \
                and not m.plural:
            continue  # "the agreement" is not one of "secret agreements" just mentioned
        # "the treaty" prefers a treaty, "the deal" a deal: same head noun first
        if any(noun[:4] in x.text.lower() for x in c.mentions):
            return ci
    for ci, sent in recent:
        if m.sentence - sent > 2:
            break
        c = clusters[ci]
        ckinds = [k for x in c.mentions for k in x.kinds]
        if fam != "generic" and fam not in ckinds:
            continue
        if all(x.plural or x.distributive or x.group is not None for x in c.described() or c.mentions) \
                and not m.plural:
            continue
        return ci
    if m.determiner == "indef" and noun_class not in _GENERIC_NOUNS:
        return None  # "an armistice", "a declaration": a new agreement enters the story
    # the document's main agreement: the first one that is not about the past
    for ci, c in enumerate(clusters):
        if ci not in cand or (not m.plural and all(x.plural or x.distributive or x.group is not None
                                                    for x in c.described() or c.mentions)):
            continue
        ckinds = [k for x in c.mentions for k in x.kinds]
        if fam != "generic" and fam not in ckinds:
            continue
        if not all(x.old for x in c.mentions):
            return ci
    return None


# ----------------------------------------------------------------------------- parties


_PLACE_PREP = re.compile(r"(?:\b(?:in|at|from|to|near|outside|inside|visit(?:ed|ing|s)?|toured?)\s+(?:the\s+)?)$", re.I)
_COMPANY_NEXT = re.compile(r"^\s*(?:-based\s+|state-owned\s+|state\s+)?(?:(?:oil|gas|steel|chip|drug|car|auto|aircraft|"
                           r"defen[cs]e|arms|energy|shipping|mining|trading|tech|technology|software|telecoms?|"
                           r"insurance|investment|commercial|merchant|state)\s*)?"
                           r"(?:firms?|compan(?:y|ies)|makers?|groups?|banks?|bankers|lenders?|giants?|manufacturers?|"
                           r"conglomerates?|airlines?|carriers?|rivals?|units?|subsidiar(?:y|ies)|brands?|corp|inc|"
                           r"partners?|investors?|buyers?|suppliers?|producers?|media|newspapers?|press|agency|"
                           r"news|operators?|insurers?|brokers?|brokerages?|traders?|exporters?|importers?|"
                           r"refiners?|shippers?|concerns?|businesses|business|executives?|shareholders?|"
                           r"workers|unions?)\b", re.I)
_COMPANY_NAME_NEXT = re.compile(r"^(?:['’]s)?\s+(?:state-owned\s+|state\s+run\s+|state-run\s+)?(?:[A-Z][\w&.-]*\s+){0,5}"
                                r"(?:Corp|Corporation|Ltd|Limited|Inc|Co|Plc|PLC|plc|AG|SA|NV|Bank|Group|Holdings|"
                                r"Airlines|Airways|Motors|Industries|Petroleum|Oil)\b")
_VENUE_NEXT = re.compile(r"^\s*(?:summit|meeting|conference|ministerial|sidelines|forum|session|gathering|"
                         r"Defence\s+Ministers|Defense\s+Ministers|Foreign\s+Ministers|-Plus|Plus)\b", re.I)


# the passive broker ("brokered by Russia", "mediated by Qatar and Egypt") and outsiders the
# agreement is about but who are not in it ("sends to China", "aimed at countering Beijing")
_BROKER_BEFORE = re.compile(r"\b(?:brokered|mediated|facilitated|sponsored|guaranteed|hosted|witnessed|offered|proposed)"
                            r"\s+(?:jointly\s+)?by\s+(?:the\s+)?(?:[A-Z][\w.-]*\s+){0,3}"
                            r"(?:(?:,|and)\s+(?:the\s+)?(?:[A-Z][\w.-]*\s+){0,3})?(?:,\s*|and\s+)?(?:the\s+)?$")
_OUTSIDER_BEFORE = re.compile(r"\b(?:(?:sends?|sent|message|signal|warning)\s+to|aimed\s+at(?:\s+countering|"
                              r"\s+containing)?|directed\s+(?:at|against)|to\s+(?:counter|contain|deter)|"
                              r"counter(?:ing)?|contain(?:ing)?|deter(?:ring)?|against|"
                              r"(?:should|to|would|will|can|must|could|how)\s+(?:\w+\s+)?deal\s+with)\s+(?:the\s+)?(?:an?\s+)?"
                              r"(?:(?:growing|rising|increasingly\s+\w+)\s+)?$", re.I)
_RECIPIENT_BEFORE = re.compile(r"\b(?:notif\w+|notice|letters?|instruments?|submit\w*|deposit\w*|appeal\w*|"
                               r"complain\w*|report\w*|request\w*|sen[dt]\w*)\b[^.;]{0,80}\b(?:to|with)\s+(?:the\s+)?$",
                               re.I)
_OBSERVER_AFTER = re.compile(r"(?:\s+(?:on\s+\w+day|also|has|have|had|quickly|warmly|formally))*\s+"
                             r"(?:welcom\w+|prais\w+|hail\w+|condemn\w+|criticiz\w+|criticis\w+|urg\w+|endors\w+|"
                             r"applaud\w+|congratulat\w+|called\s+for|calls\s+for|reacted|noted)\b", re.I)
# groups of states named as one side: "the P5+1", "E3+3", "six world powers"
_GROUPS = [
    (re.compile(r"\bP\s?5\s?\+\s?1\b|\bE\s?3\s?\+\s?3\b|\b(?:six|6)\s+(?:world|major|global)\s+powers\b|"
                r"\bEU\s?3\s?\+\s?3\b"), ("CHN", "DEU", "FRA", "GBR", "RUS", "USA")),
]


def _group_parties(text: str, s: int, e: int) -> list:
    from pactwatch.annotate.gazetteer import PartyMention
    out = []
    for rx, codes in _GROUPS:
        for m in rx.finditer(text, s, e):
            out.extend(PartyMention(m.start(), m.end(), m.group(), code, "org") for code in codes)
    return out


def _forum_in_name(text: str, p, name_end: int) -> bool:
    """An organisation opening a capitalised name ("U.N. Arms Trade Treaty", "United Nations'
    Fisheries Treaty") is the forum the instrument was made in."""
    if getattr(p, "via", "") != "org" or p.code != "UN":
        return False  # (a regional body - EU, ASEAN - concludes agreements itself)
    return bool(re.fullmatch(r"(?:['’]s?)?\s+(?:[A-Z][\w-]*\s+){1,6}[A-Z][\w-]*", text[p.end:name_end]))


def _actor_parties(text: str, s: int, e: int, finder: MentionFinder) -> list:
    """Parties of a sentence that can be parties to an agreement: not places of events,
    companies' nationalities or meeting venues."""
    out = []
    brokers: set[str] = set()
    names = [(m.start, m.end) for m in finder.t.mentions_by_sent.get(finder.t.sentence_of(s), [])]
    for p in finder.parties_in(s, e) + _group_parties(text, s, e):
        if getattr(p, "in_name", False) or getattr(p, "transferred", False):
            continue  # "the Paris Club", "handed Macao back to China": no party to the agreement
        if getattr(p, "via", "") == "capital" and any(ms <= p.start and p.end <= me for ms, me in names):
            continue  # "the Treaty of Amsterdam", "the Paris accord": a city naming an agreement
        if any(ms <= p.start and p.end <= me and _forum_in_name(text, p, me) for ms, me in names):
            continue  # "the U.N. Arms Trade Treaty": the forum that sponsored it, not a party
        if getattr(p, "via", "") == "capital" and re.match(r"\s+(?:Club|Process|Format|Group|Consensus|Charter|"
                                                           r"Agreements?|Accords?|Declaration|Protocol)\b",
                                                           text[p.end:p.end + 20]):
            continue  # "the Paris Club": a body named after a city
        before = text[max(s, p.start - 25):p.start]
        after = text[p.end:p.end + 30]
        line_start = text.rfind("\n", 0, p.start) + 1
        if not text[line_start:p.start].strip() and re.match(r"^\s*(?:\([A-Z][\w ]*\)|[–—-]|,\s*(?:[A-Z][a-z]+\.?\s*)?\d|,\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\s*(?:,|[–—]|-\s))", after):
            continue  # dateline "ASTANA –", "LUXEMBOURG, Oct 20 -", "Vienna (CNN)": where the story was filed
        if re.fullmatch(r"[A-Z][A-Z .'’-]{1,30},\s*", text[line_start:p.start]) and \
                re.match(r"^\s*(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8})\b|[–—-]|\(\w)", after):
            continue  # "KNOKKE-HEIST, Belgium, April 5 -", "BUENOS AIRES, Argentina –": a dateline's country
        if getattr(p, "via", "") == "capital" and _PLACE_PREP.search(before):
            continue
        if _PLACE_PREP.search(before) and getattr(p, "via", "") in {"name", "capital"} and \
                re.search(r"\b(?:in|at|near|outside|inside)\s+(?:the\s+)?$", before, re.I):
            continue
        if _COMPANY_NEXT.match(after) and getattr(p, "via", "") in {"adjective", "name"}:
            continue
        if re.match(r"^\s*[-–]?\s*(?:brokered|mediated|backed|sponsored|led|hosted|drafted)\b", after):
            continue  # "a Qatari-brokered truce": the broker is not a party
        if _BROKER_BEFORE.search(text[max(s, p.start - 80):p.start]):
            brokers.add(p.code)  # "a truce brokered by Russia (and Turkey)": the broker is not a party either
        if _OUTSIDER_BEFORE.search(text[max(s, p.start - 40):p.start]):
            continue  # "what message the pact sends to China", "aimed at countering China"
        if _COMPANY_NAME_NEXT.match(text[p.end:p.end + 80]) and getattr(p, "via", "") in {"adjective", "name"}:
            continue  # "India's state-owned National Thermal Power Corp", "Japanese Mitsubishi Motors"
        if _VENUE_NEXT.match(after) and getattr(p, "via", "") in {"org", "capital", "name"}:
            continue
        if getattr(p, "via", "") == "org" and _RECIPIENT_BEFORE.search(text[max(s, p.start - 100):p.start]):
            continue  # "sent notification of its withdrawal to the United Nations": a depositary
        out.append(p)
    # a third party reacting to the agreement ("The Security Council welcomed the agreement
    # signed by Sudan and South Sudan") is an observer, and one that brokered or offered it a
    # go-between, when two others remain to make it
    observers = {p.code for p in out if _OBSERVER_AFTER.match(text, p.end, min(e, p.end + 40))} | brokers
    if observers and len({p.code for p in out} - observers) >= 2:
        out = [p for p in out if p.code not in observers]
    return out


def _collect_parties(c: AgreementCandidate, t: _Text, finder: MentionFinder, text: str,
                     title_span: Span | None, treaty: TreatyLayout | None) -> None:
    seen: dict[str, PartyRef] = {}

    def add(code: str, s: int, e: int):
        if code not in seen or seen[code].start < 0 <= s:
            seen[code] = PartyRef(code, s, e)

    if treaty is not None:
        if treaty.heading is not None:
            for p in finder.parties_in(*treaty.heading):
                add(p.code, p.start, p.end)
        if len(seen) < 2:
            ps, pe = treaty.preamble
            first = re.search(r"[.;:]\s|\n\s*\n|,\s*(?:hereinafter|hereafter|desiring|recognizing|considering)",
                              text[ps:pe], re.I)
            pe2 = ps + (first.start() if first else min(600, pe - ps))
            for p in finder.parties_in(ps, pe2):
                add(p.code, p.start, p.end)
        states = [p for p in seen.values() if re.fullmatch(r"[A-Z]{3}", p.code)]
        # the states that conclude a treaty establishing an organisation are its parties
        c.parties = states if len(states) >= 2 else list(seen.values())
        return
    for m in c.described():
        for p in m.parties:
            add(p.code, p.start, p.end)
    if len(seen) >= 2:
        c.parties = list(seen.values())
        _fix_party_spans(c, finder)
        return
    # the sentences of the agreement, headline and lead first, give the parties of the
    # signing or the talks: "India and the United States on Friday signed ..."
    sent_ids = sorted({m.sentence for m in c.mentions}, key=lambda i: i)
    for si in sent_ids[:4]:
        s, e = t.sentences[si]
        acts = _actor_parties(text, s, e, finder)
        codes = {p.code for p in acts}
        if not codes:
            continue
        if len(codes | set(seen)) >= 2:
            for p in acts:
                add(p.code, p.start, p.end)
            break
        for p in acts:
            add(p.code, p.start, p.end)
    if len(seen) < 2:
        # "The two countries signed an agreement": the pair named in the sentences before
        for si in sent_ids[:2]:
            s, e = t.sentences[si]
            if not _PAIR_ANAPHOR.search(text[s:e]):
                continue
            # the countries of the sentences before, actors first, then any named state (the
            # two countries of "Egypt will build roads in Uganda")
            prev = [t.sentences[pj] for pj in range(si - 1, max(-1, si - 4), -1)]
            pool = [p for ps_, pe_ in prev for p in _actor_parties(text, ps_, pe_, finder)]
            pool += [p for ps_, pe_ in prev for p in finder.parties_in(ps_, pe_)
                     if getattr(p, "via", "") in {"name", "adjective"} and re.fullmatch(r"[A-Z]{3}", p.code)]
            codes: list[str] = []
            for p in pool:
                if p.code not in codes and p.code not in seen:
                    codes.append(p.code)
            if len(set(codes) | set(seen)) >= 2:
                for code in codes[:2 - len(seen)]:
                    p = next(q for q in pool if q.code == code)
                    add(p.code, p.start, p.end)
            if len(seen) >= 2:
                break
    c.parties = list(seen.values())
    _fix_party_spans(c, finder)


_PAIR_ANAPHOR = re.compile(r"\b(?:the\s+two|both)\s+(?:countries|nations|governments|states|neighbou?rs|sides)\b", re.I)


def _fix_party_spans(c: AgreementCandidate, finder: MentionFinder) -> None:
    """A distributive party carries no span of its own: point it at a mention of it."""
    for p in c.parties:
        if p.start < 0:
            for q in finder.parties:
                if q.code == p.code and q.start >= c.mentions[0].start - 400:
                    p.start, p.end = q.start, q.end
                    break
            else:
                for q in finder.parties:
                    if q.code == p.code:
                        p.start, p.end = q.start, q.end
                        break
    c.parties = [p for p in c.parties if p.start >= 0]


_OUR_BEFORE = re.compile(r"\bour\s+(?:[\w'-]+\s+){0,3}$", re.I)
_DATELINE = re.compile(r"\s*([A-Z][A-Z .'-]{2,40})(?:,\s*[A-Za-z .]+)?\s*(?:\([^)]*\)\s*)?[-\u2013\u2014:]\s")


_US_SPEAKER = re.compile(
    r"\bPresident\s+(?:Donald\s+|Joe\s+|Barack\s+|George\s+(?:W\.\s+)?|Bill\s+|Ronald\s+)?"
    r"(?:Trump|Biden|Obama|Bush|Clinton|Reagan)\b|\bWhite\s+House\b|\bU\.?S\.?\s+(?:President|Secretary|Trade\s+Representative)\b")


def _speaker_party(c: AgreementCandidate, t: _Text, finder: MentionFinder, text: str,
                   title_span: Span | None, lead_sents: list[int]) -> None:
    """"our trade deal with China" said in the lead: the speaker's state is the other party.

    The speaker's state is the dateline's ("WASHINGTON -") or, failing that, the state the
    document names most often besides the one party already found.
    """
    codes = {p.code for p in c.parties}
    if len(codes) != 1:
        return
    ours = [m for m in c.mentions if m.sentence in lead_sents[:2] and
            _OUR_BEFORE.search(text[max(t.sentences[m.sentence][0], m.start - 40):m.start])]
    if not ours:
        return
    body = title_span[1] if title_span else 0
    cands = []
    dl = _DATELINE.match(text, body) or _DATELINE.match(text.lstrip("\n"), 0)
    if dl:
        off = body if _DATELINE.match(text, body) else len(text) - len(text.lstrip("\n"))
        cands = [p for p in finder.parties_in(off + dl.start(1), off + dl.end(1))
                 if re.fullmatch(r"[A-Z]{3}", p.code) and p.code not in codes]
    if not cands and "USA" not in codes:
        # a US president or the White House speaking of "our deal"
        for m in ours:
            ss, se = t.sentences[m.sentence]
            us = _US_SPEAKER.search(text, ss, m.start)
            if us:
                c.parties.append(PartyRef("USA", us.start(), us.end()))
                return
    if not cands:
        counts: dict[str, list] = {}
        for p in finder.parties:
            if re.fullmatch(r"[A-Z]{3}", p.code) and p.code not in codes:
                counts.setdefault(p.code, []).append(p)
        ranked = sorted(counts.values(), key=len, reverse=True)
        if ranked and (len(ranked) == 1 or len(ranked[0]) > len(ranked[1])):
            cands = ranked[0]
    if cands:
        p = cands[0]
        c.parties.append(PartyRef(p.code, p.start, p.end))


_OFFICIAL_CREDITORS = re.compile(
    r"\b(?:Western|official|government|foreign|Paris\s+Club)\s+creditors?\b(?!\s+banks?)|"
    r"\bcreditor\s+(?:countries|nations|governments)\b", re.I)


_POWER_SHARING = re.compile(r"\bpower[- ]sharing\b", re.I)
_RIVALS = re.compile(r"\b(?:rivals?|opponents?|(?:presidential\s+)?candidates?|challengers?)\b", re.I)


def _primary_ok(c: AgreementCandidate, t: _Text, text: str, finder: MentionFinder, titled: bool = False) -> bool:
    """Can this agreement be what the document reports on?

    It needs two parties that are states, organisations or recognised non-state actors;
    a capitalised name of its own ("International Natural Rubber Agreement") with one such
    actor in its sentences will do for multilateral instruments whose members the text does
    not list. It must not be an earlier agreement ("the 1992 accord").
    """
    if not c.mentions or c.rejected:
        return False
    described = c.described()
    if described and all(m.old for m in described):
        return False
    if all(m.plural for m in c.mentions):
        return False
    sents = [t.sentences[m.sentence] for m in c.mentions]
    if _context_is_business(text, sents):
        return False  # a loan, supply or airline pact: companies' nationalities are no parties
    # a power-sharing deal between election rivals or opponents is domestic politics, whatever
    # foreign broker the story names (a deal with a rebel movement keeps its non-state party)
    if any(_POWER_SHARING.search(m.text) or _POWER_SHARING.search(text[max(0, m.start - 25):m.end])
           for m in c.mentions) and \
            all(re.fullmatch(r"[A-Z]{3}", p.code) for p in c.parties) and \
            any(_RIVALS.search(text[s:e]) for s, e in sents[:3]):
        return False
    if len({p.code for p in c.parties}) >= 2:
        return True
    # a state's accord with its official creditors ("reached an agreement with Western
    # creditors", "16 Western creditor countries"): the creditor states go unnamed
    if len({p.code for p in c.parties}) == 1 and re.fullmatch(r"[A-Z]{3}", c.parties[0].code) and \
            any(_OFFICIAL_CREDITORS.search(text[max(0, m.start - 120):m.end + 120]) for m in c.mentions[:3]):
        return True
    # a multilateral instrument named in the headline, with an international body or an
    # "International ..." name: "UN conference adopts new International Natural Rubber Agreement"
    if titled and any(m.proper and m.name_words and not m.old for m in c.mentions):
        orgs = [p for s, e in sents for p in finder.parties_in(s, e)
                if getattr(p, "via", "") in {"org", "nonstate"}]
        international = any(re.search(r"\b(?:International|Multilateral|Global|World|United\s+Nations)\b", m.text)
                            for m in c.mentions if m.proper)
        if orgs or international:
            return True
    # one state leaving, joining or ratifying a named agreement is the headline news itself:
    # "US begins formal withdrawal from Paris climate accord"
    if titled and c.status in {"withdrawn", "in_force"} and len({p.code for p in c.parties}) == 1 and \
            any(m.proper and not m.old for m in c.mentions):
        return True
    return False


# ----------------------------------------------------------------------------- status


# "the current one", "its predecessor": another agreement that takes the cues next to it
_OTHER_ONE = re.compile(r"\b(?:the|its|their|an?)\s+(?:current|old|previous|existing|earlier|former|first|other)\s+one\b|"
                        r"\bpredecessor\b", re.I)


def _distance(c: StatusCue | Span, s: int, e: int) -> int:
    cs, ce = (c.start, c.end) if isinstance(c, StatusCue) else c
    if cs < e and ce > s:
        return 0
    return s - ce if ce <= s else cs - e


# An agreement used as a frame of reference ("admission to the General Agreement on Tariffs and
# Trade", "measures under the agreement", "rules of the treaty") is an institution in that
# sentence, not the news: the verbs around it are about something else.
_FRAMED = re.compile(r"\b(?:admission|accession|membership|member|members|join(?:ed|ing|s)?|under|within|"
                     r"violat\w+|breach\w*|break(?:ing|s)?|broke|broken|honou?r(?:ed|ing|s)?|compl(?:y|ied|ying|ies)|"
                     r"rules|terms|provisions|compliance|compliant|consistent|"
                     r"line|pursuant|according|accordance|based|article\s+\w+)\s+(?:to\s+|of\s+|with\s+|in\s+|on\s+)?"
                     r"(?:the\s+|its\s+|a\s+|their\s+)?$", re.I)


_EXISTING_BEFORE = re.compile(r"\b(?:under|violat\w+|breach\w*|break(?:ing|s)?|broke|broken|honou?r(?:ed|ing|s)?|"
                             r"compl(?:y|ied|ying|ies)\s+with|abid(?:e|ed|ing)\s+by|implement(?:ed|ing|s)?|"
                             r"terms\s+of|provisions\s+of|rules\s+of)\s+(?:the\s+|its\s+|their\s+)?$", re.I)
_EXISTING_AFTER = re.compile(r"\s*,?\s*(?:which|that)\s+(?:expires|runs|lasts|is\s+due\s+to\s+expire|"
                             r"will\s+expire|remains\s+in\s+(?:force|effect)|is\s+in\s+(?:force|effect))\b", re.I)


def cue_for(m: AgreementMention, t: _Text, text: str) -> StatusCue | None:
    """The status cue of a mention: the nearest cue of its sentence that is not nearer to
    another agreement mention ("signed X, which builds on Y reached in 2019")."""
    s, e = t.sentences[m.sentence]
    if _FRAMED.search(text[max(s, m.start - 40):m.start]) and not m.fresh:
        return None  # ("under a new aviation agreement" is the news itself, not a frame)
    if any(o.start <= m.start and m.end <= o.end and (o.start, o.end) != (m.start, m.end)
           for o in t.mentions_by_sent.get(m.sentence, [])):
        return None  # "the MoU ... to develop a Strategic Partnership Charter": named inside another
    cues = status_cues(text, s, e)
    others = [(o.start, o.end) for o in t.mentions_by_sent.get(m.sentence, []) if (o.start, o.end) != (m.start, m.end)]
    others += [(x.start(), x.end()) for x in _OTHER_ONE.finditer(text, s, e)]
    # mentions coordinated with this one share its verb: "signed the Treaty on X and the
    # Declaration on Y"
    coord = re.compile(r"^\s*(?:,|,?\s*and|,?\s*as\s+well\s+as|&)\s+(?:the\s+|a\s+|an\s+)?$", re.I)

    def linked(os_: int, oe: int) -> bool:
        between = text[oe:m.start] if oe <= m.start else text[m.end:os_]
        return bool(coord.match(between))

    # m inside a relative clause of another mention ("The new agreement, which replaces a prior
    # agreement, was signed on ..."): the verb after the clause is the head's, not m's
    rel_open = re.search(r",\s*(?:which|that)\b[^,;]*$", text[s:m.start])
    kept, modifiers = [], []
    for c in cues:
        if re.match(r"(?i)issue", text[c.start:c.end]) and m.kind not in {"joint_statement", "declaration"}:
            continue  # statements and declarations are issued; "a statement issued today" is no signing
        if rel_open and c.start >= m.end and "," in text[m.end:c.start]:
            continue
        d = _distance(c, m.start, m.end)
        # the head of a relative clause keeps the verb after it
        head_verb = c.start >= m.end and re.fullmatch(r"\s*,\s*(?:which|that)\b[^,;]*,\s*(?:(?:was|were|has|have|had)"
                                                      r"\s+(?:been\s+)?)?", text[m.end:c.start])
        if not head_verb and any(_distance(c, os_, oe) < d for os_, oe in others
                                 if not (os_ <= m.start and m.end <= oe) and not linked(os_, oe)):
            continue
        if re.fullmatch(r"\s*", text[m.end:c.start]) and re.match(r"\s+by\b", text[c.end:c.end + 5]):
            modifiers.append(c)  # "a cease-fire offered by the coalition": a participle describing it
            continue
        kept.append(c)
    return _nearest_cue(kept, m) or _nearest_cue(modifiers, m)


def _status(c: AgreementCandidate, t: _Text, text: str) -> None:
    if c.treaty_text:
        sig = re.search(r"\b(?:(?:Done|DONE)\s+(?:in\s+duplicate\s+)?(?:at|in|AT|IN)|IN\s+WITNESS\s+WHEREOF|"
                        r"In\s+witness\s+whereof|Signed\s+(?:at|in))\b", text)
        force = re.search(r"(?<!shall )(?<!will )(?<!may )\b(?:entered|enters|came|comes)\s+into\s+force\s+on\s+",
                          text)
        if force:
            c.status, c.status_span = "in_force", (force.start(), force.end())
            return
        if sig:
            c.status, c.status_span = "signed", (sig.start(), sig.end())
            return
        # an agreement's own text is its signed text; the verbs of its clauses ("may withdraw
        # from this Treaty") are provisions, not events
        c.status, c.status_span = "signed", (c.mentions[0].start, c.mentions[0].end)
        return
    found: list[tuple[int, StatusCue]] = []
    for m in c.mentions:
        cue = cue_for(m, t, text)
        if cue is not None:
            found.append((m.start, cue))
    if not found:
        if any(m.year and m.old for m in c.described()):
            # "the 1992 agreement": an earlier agreement that exists was signed then
            m = next(m for m in c.described() if m.year and m.old)
            c.status, c.status_span = "signed", (m.start, m.end)
            return
        # an agreement the text treats as existing - one that is violated, complied with,
        # acted under, or that runs until a date - was signed
        for m in c.mentions:
            s, e = t.sentences[m.sentence]
            ex = _EXISTING_BEFORE.search(text[max(s, m.start - 40):m.start]) or \
                _EXISTING_AFTER.match(text, m.end, min(e, m.end + 80))
            if ex and not m.fresh:
                c.status, c.status_span = "signed", (ex.start(), ex.end())
                c.existing = True  # a status inferred, not reported: no date comes with it
                return
        return
    found.sort(key=lambda x: x[0])
    if found[0][1].status == "rejected":
        # "Russia and China reject a joint statement": nothing was agreed
        c.rejected = True
        return
    found = [f for f in found if f[1].status != "rejected"]
    if not found:
        return
    for _, cue in found:
        if cue.status in {"in_force", "withdrawn", "terminated"}:
            c.status, c.status_span = cue.status, (cue.start, cue.end)
            return
    cue = found[0][1]
    c.status, c.status_span = cue.status, (cue.start, cue.end)


# ----------------------------------------------------------------------------- dates and places


def _dates(c: AgreementCandidate, t: _Text, text: str, dates: Sequence, published: str | None,
           treaty: TreatyLayout | None) -> None:
    if treaty is not None:
        for done in re.finditer(r"\b(?:Done|Signed|Concluded|DONE|SIGNED|(?:is|was)\s+signed)\b(?:(?!\n\s*\n)[\s\S]){0,300}",
                                text):
            for d in dates:
                if done.start() <= d.start < done.end() and d.value:
                    c.signed_date, c.date_span = d.value, (d.start, d.end)
                    return
            spelled = _spelled_date(done.group())
            if spelled:
                c.signed_date, c.date_span = spelled, (done.start(), done.end())
                return
        return
    anchors: list[Span] = []
    if getattr(c, "existing", False):
        anchors = []
    elif c.status_span and c.status in {"signed", "expected", "in_force"}:
        anchors.append(c.status_span)
    # every clause of the agreement that gives its status may carry the date ("plan to ink a
    # final deal in September", "the treaty was signed on April 30")
    wanted = {"expected"} if c.status == "expected" else {"signed"}
    if c.status in {"signed", "in_force", "terminated", "withdrawn", "expected"}:
        for m in c.mentions:
            cue = cue_for(m, t, text)
            if cue is not None and cue.status in wanted and (cue.start, cue.end) not in anchors:
                anchors.append((cue.start, cue.end))
    if c.status == "expected":
        # "will be released after the official signing in Peking on Thursday": the date the
        # signing is set for, read forward from publication
        for si in sorted({m.sentence for m in c.mentions}):
            ss, se = t.sentences[si]
            for sm in re.finditer(r"\b(?:sign(?:ing|ed)?|ink(?:ing|ed)?)\b", text[ss:se], re.I):
                a = ss + sm.end()
                for d in dates:
                    if not (a <= d.start < min(se, a + 60)) or not d.value:
                        continue
                    if not re.fullmatch(r"(?:\s+(?:ceremony|in\s+[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)?|"
                                        r"at\s+[^,.;]{1,30}|of\s+the\s+\w+))*\s+(?:on|next|this)?\s*",
                                        text[a:d.start]):
                        continue
                    value = d.value
                    if published and getattr(d, "relative", False):
                        ahead = _resolve_forward(d.text, published)
                        value = ahead or value
                    if published and value < published[:len(value)]:
                        continue
                    c.signed_date, c.date_span = value, (d.start, d.end)
                    return
    if c.status == "expected":
        # the planned signing's own clause first ("plan to sign a final deal in September"),
        # not the day of an agreement in principle
        anchors.sort(key=lambda sp: 0 if re.search(r"(?i)sign|ink|seal", text[sp[0]:sp[1]]) else 1)
    # "The treaty was signed on April 30": a date right after the signing verb says it all
    for cs, ce in anchors:
        if not re.match(r"(?i)sign|ink|conclu|seal|reach|agree|adopt", text[cs:ce]):
            continue
        for d in dates:
            if d.value and 0 <= d.start - ce <= 40 and re.fullmatch(
                    r"\s+(?:(?:in\s+[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)?\s*,?\s+)?on|in|last|this|on\s+the)?\s*",
                    text[ce:d.start]):
                if published and c.status == "signed" and d.value > published:
                    continue
                c.signed_date, c.date_span = d.value, (d.start, d.end)
                return
    for cs, ce in anchors:
        si = t.sentence_of(cs)
        s, e = t.sentences[si]
        best, bd = None, None
        for d in dates:
            if not (s <= d.start < e) or not d.value:
                continue
            # a date about something else in the sentence ("since 2014", "until 2030")
            pre = text[max(s, d.start - 12):d.start].lower()
            if re.search(r"\b(?:since|until|till|by|through|from|before)\s+$", pre) and c.status != "expected":
                continue
            if published and c.status == "signed" and d.value > published:
                continue
            if published and c.status == "expected" and d.value < published:
                # a planned signing lies ahead: "in September" read forward from publication
                ahead = _resolve_forward(d.text, published) if getattr(d, "relative", False) else None
                if not ahead or ahead < published:
                    continue
            dist = min(abs(d.start - ce), abs(cs - d.end))
            # the agreement's own mentions in this sentence anchor the clause too
            for m in c.mentions:
                if m.sentence == si:
                    dist = min(dist, abs(d.start - m.end), abs(m.start - d.end))
            if dist > 120:
                continue
            if bd is None or dist < bd:
                best, bd = d, dist
        if best is not None:
            value = best.value
            if c.status == "expected" and getattr(best, "relative", False) and published:
                ahead = _resolve_forward(best.text, published)
                value = ahead if ahead and ahead >= published[:len(ahead)] else value
            c.signed_date, c.date_span = value, (best.start, best.end)
            return
    for m in c.described():
        if m.year_clause:
            c.signed_date, c.date_span = m.year, m.year_clause
            return
    for m in c.described():
        if m.year and m.old:
            ym = re.search(re.escape(m.year), text[m.start:m.end])
            if ym:
                c.signed_date, c.date_span = m.year, (m.start + ym.start(), m.start + ym.end())
                return


_ORDINALS = {w: i for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split(), 1)}
_ORDINALS.update({"twenty-" + w: 20 + i for w, i in list(_ORDINALS.items())[:9]})
_ORDINALS.update({"thirtieth": 30, "thirty-first": 31})
_MONTHS = {m: i for i, m in enumerate("january february march april may june july august september october "
                                      "november december".split(), 1)}
_UNITS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve "
                                     "thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}


def _spelled_year(words: list[str]) -> int | None:
    """'two thousand and thirteen' -> 2013, 'nineteen hundred and ninety-two' -> 1992."""
    total, cur = 0, 0
    for w in words:
        for part in w.split("-"):
            if part in _UNITS:
                cur += _UNITS[part]
            elif part in _TENS:
                cur += _TENS[part]
            elif part == "hundred":
                cur *= 100
            elif part == "thousand":
                total += cur * 1000
                cur = 0
            elif part == "and":
                continue
            else:
                return None
    y = total + cur
    return y if 1800 <= y <= 2100 else None


def _spelled_date(s: str) -> str | None:
    """Closing formulas write dates in words: 'this fifteenth day of April two thousand and thirteen'."""
    m = re.search(r"\b(?:the|this)\s+(\d{1,2}(?:st|nd|rd|th)|[a-z]+(?:[\s-][a-z]+)?)\s+day\s+of\s+([A-Z][a-z]+)\s*,?\s*"
                  r"(?:in\s+the\s+year\s+)?\[?(\d{4}|(?:[a-z]+[\s-]?){1,6})", s)
    if not m:
        return None
    dtxt = re.sub(r"\s+", "-", m.group(1).lower())
    day = int(dtxt[:-2]) if dtxt[:1].isdigit() else _ORDINALS.get(dtxt)
    month = _MONTHS.get(m.group(2).lower())
    ytxt = m.group(3).strip()
    year = int(ytxt) if ytxt.isdigit() else _spelled_year(re.findall(r"[a-z-]+", ytxt.lower()))
    if not (day and month and year):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


_DATELINE = re.compile(r"\s*[A-Z][A-Za-z .'-]{1,40}?,\s*(?:[A-Z][a-z]+\s*,\s*)?"
                       r"((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2})\b")


def _report_date(c: AgreementCandidate, t: _Text, text: str, dates: Sequence, published: str | None,
                 title_span: Span | None, lead_sents: list[int]) -> None:
    """A wire report of a signing that names no day ("TOKYO, March 14 - Britain and Japan
    agreed ...") reports it on the day of the dateline, else of publication."""
    cs, ce = c.status_span
    in_lead = (title_span is not None and title_span[0] <= cs < title_span[1]) or t.sentence_of(cs) in lead_sents[:2]
    if not in_lead or not re.match(r"(?i)(?:sign|agree|reach|conclu|ink|seal|strike|struck|clinch)", text[cs:ce]):
        return
    # a sentence that dates the event otherwise ("signed in 1994", "last year") is no same-day news
    s, e = t.sentences[t.sentence_of(cs)]
    if re.search(r"\b(?:last|ago|since|earlier|previously|in\s+(?:1[89]|20)\d\d)\b", text[s:e]):
        return
    for lead in lead_sents[:1]:
        ls, le = t.sentences[lead]
        line_start = text.rfind("\n", 0, ls) + 1
        m = _DATELINE.match(text, line_start)
        if m:
            for d in dates:
                if d.start < m.end(1) and d.end > m.start(1) and d.value and len(d.value) == 10:
                    c.signed_date, c.date_span = d.value, (d.start, d.end)
                    return
    if published and re.search(r"\b(?:has|have)\s+(?:\w+\s+)?(?:signed|agreed|reached|concluded|inked|sealed)\b|"
                                r"\btoday\b|\bthis\s+(?:morning|afternoon|evening)\b", text[s:e]):
        c.signed_date, c.date_span = published, (cs, ce)


def _resolve_forward(expr: str, published: str) -> str | None:
    try:
        from pactwatch.annotate.dates import resolve_relative
    except ImportError:  # pragma: no cover - dates module is a sibling's
        return None
    try:
        # a bare month or weekday reads as a date only after its preposition ("in September")
        return resolve_relative(expr, published, "future") or resolve_relative(f"in {expr}", published, "future")
    except Exception:
        return None


def _place(c: AgreementCandidate, t: _Text, text: str, treaty: TreatyLayout | None, places: Sequence) -> None:
    if treaty is not None:
        m = _DONE_AT.search(text)
        if m:
            c.place, c.place_span = m.group(1).rstrip(".,"), (m.start(1), m.start(1) + len(m.group(1).rstrip(".,")))
        return
    if not c.status_span or c.status not in {"signed", "expected", "in_force"}:
        return
    cs, ce = c.status_span
    si = t.sentence_of(cs)
    s, e = t.sentences[si]
    for m in _IN_PLACE.finditer(text, s, e):
        name = m.group(1)
        ps = m.start(1)
        # a place is a capital/city (gazetteer 'capital' mention) or a city the caller knows
        hit = None
        for p in places:
            if p.start == ps:
                hit = p
                break
        if hit is None:
            continue
        c.place, c.place_span = text[hit.start:hit.end], (hit.start, hit.end)
        return


def _title_case(s: str) -> str:
    small = {"of", "on", "and", "the", "between", "for", "in", "to", "a", "an", "with", "regarding", "concerning"}
    words = s.split()
    out = []
    for i, w in enumerate(words):
        lw = w.lower()
        if i > 0 and lw in small:
            out.append(lw)
        else:
            out.append(lw[:1].upper() + lw[1:])
    return " ".join(out)


def _name_and_kind(c: AgreementCandidate, text: str, treaty: TreatyLayout | None) -> None:
    if treaty is not None:
        refs = [m for m in c.mentions if not (treaty.heading and treaty.heading[0] <= m.start < treaty.heading[1])]
        if treaty.heading is not None:
            hs, he = treaty.heading
            raw = " ".join(text[hs:he].split()).strip(" ,.;:")
            letters = [ch for ch in raw if ch.isalpha()]
            name = _title_case(raw) if letters and sum(ch.isupper() for ch in letters) / len(letters) > 0.7 else raw
            c.name, c.name_span = name, (hs, he)
            kinds = [k for rx, k, _ in _nouns() if rx.search(raw)]
            c.kind = best_kind(kinds) if kinds else "agreement"
            c.kind_span = (hs, he)
            return
        # no heading: "this Agreement" says the kind, the parties' clause who concludes it
        kinds = [m.kind for m in refs] or ["agreement"]
        kind = max(set(kinds), key=kinds.count)
        noun = next((m for m in refs if m.kind == kind), None)
        cs, ce = treaty.parties_clause
        word = noun.text.split()[-1] if noun else "Agreement"
        c.name = f"{word[:1].upper()}{word[1:]} between {' '.join(text[cs:ce].split())}"
        c.name_span = (cs, ce)
        c.kind = kind
        c.kind_span = (noun.noun_start, noun.noun_end) if noun else (cs, ce)
        return
    described = c.described()
    pool = described or c.mentions
    # the most specific name: a proper name if any, else the longest description
    best = max(pool, key=lambda m: (m.proper, len(m.name_words), len(m.topics) + len(m.parties), len(m.text)))
    c.name, c.name_span = " ".join(best.text.split()), (best.start, best.end)
    # kind by precedence over the names the text gives it (bare "the agreement" included:
    # "pact" plus "agreement" for the same thing is an agreement)
    kinds = [(k, m) for m in c.mentions for k in m.kinds]
    # "push through a framework for a trade agreement": a noun that only describes the way
    # to another agreement noun names no framework
    def describes_another(k: str, m: AgreementMention) -> bool:
        head = text[m.noun_start:m.noun_end]
        if not any(rx.fullmatch(head) and hk == k for rx, hk, _ in _nouns()):
            return False
        return bool(re.match(r"\s+(?:for|towards?)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,3}"
                             r"(?:agreement|deal|accord|treaty|pact)s?\b", text[m.noun_end:m.noun_end + 60]))

    named = [(k, m) for k, m in kinds if not describes_another(k, m)]
    k, m = min(named or kinds, key=lambda km: _kind_rank(km[0]))
    c.kind, c.kind_span = k, (m.noun_start, m.noun_end)
    if not described and c.parties:
        codes = "-".join(sorted({p.code for p in c.parties}))
        c.name = f"{codes} {c.name}"


def _confidence(c: AgreementCandidate) -> float:
    score = 0.35
    if any(m.proper for m in c.mentions) or c.treaty_text:
        score += 0.15
    if len(c.party_codes) >= 2:
        score += 0.2
    elif c.party_codes:
        score += 0.05
    if c.status:
        score += 0.15
    if len(c.mentions) > 1:
        score += 0.1
    if c.role == "mentioned":
        score -= 0.1
    return round(max(0.05, min(0.95, score)), 2)
