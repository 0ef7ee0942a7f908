"""People named in a text, with role and party from their titles, and whether they signed.

``find_people(doc, offset)`` works on a spaCy ``Doc`` (tagger, parser and NER needed):

* names: PERSON entities, plus the capitalised words right after an official title
  when NER misses or mislabels them ("Foreign Minister Kamikawa Yoko");
* role / party: from a title right before the name ("US Secretary of State Antony
  Blinken"), a title in apposition after it ("Mirzoyan, Armenia's foreign minister"),
  and "of <country>" after the name ("President Emomali Rahmon of Tajikistan"); titles
  and party codes come from ``pactwatch.annotate.gazetteer``;
* later mentions by surname (or by any single word of a full name: "Kamikawa" for the
  surname-first "Kamikawa Yoko") resolve to the full name and inherit role and party;
* ``signer``: the person is the subject or agent of a sign verb ("X and Y signed the
  agreement", "signed by X and Y", "X, who signed the agreement with Y", "the deal was
  inked by X, with Y", "X will sign ..."), read from the dependency parse: subjects,
  passive agents, "with" co-signers, the noun a relative clause hangs on, and
  everything coordinated or in apposition with them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PersonMention:
    start: int
    end: int
    name: str
    role: str | None
    party: str | None
    signer: bool


# Verbs whose subject / agent is a signatory. "conclude" and "agree" are left out: a
# minister who "concluded talks" did not necessarily put a name to the text.
_SIGN_LEMMAS = frozenset({"sign", "ink", "initial", "countersign", "co-sign", "cosign", "seal"})
_SIGN_WORD = re.compile(r"^(?:sign(?:s|ed|ing)?|ink(?:s|ed|ing)?|initial(?:l?ed|l?ing|s)?|counter-?sign(?:s|ed|ing)?|co-?sign(?:s|ed|ing)?|seal(?:s|ed|ing)?)$", re.I)
# Do not follow these edges when collecting the noun phrase of a signer: a relative or
# adverbial clause inside the subject can name people who did something else, and a
# possessor is not the signer ("Kim's envoy signed", "Rotterdam's port").
_CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "ccomp", "parataxis", "xcomp", "csubj", "poss"})
_REL_PRONOUNS = frozenset({"who", "that", "which", "whom"})
_NAME_TOKEN = re.compile(r"^[A-Z][\w'’.-]*$")
_STOP_NAME_WORDS = frozenset({
    "The", "A", "An", "And", "On", "In", "At", "For", "Of", "To", "With", "By", "He", "She", "They", "It",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
    "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.",
})
_HONORIFIC = re.compile(r"^(?:Mr|Mrs|Ms|Dr|Sir|Dame|Sheikh|H\.E\.)\.?\s+")


def _gazetteer():
    try:
        from pactwatch.annotate import gazetteer
    except Exception:  # pragma: no cover - the gazetteer belongs to another module
        return None
    return gazetteer


def _clean(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip(" ,;:'\"“”’")
    name = re.sub(r"(?:'s|’s)$", "", name)
    name = _HONORIFIC.sub("", name)
    return name.strip()


def _person_spans(doc, titles, starts: list[int]) -> list[tuple[int, int]]:
    """Character spans (doc-relative) of person names."""
    text = doc.text
    spans: list[tuple[int, int]] = []
    title_spans = [(t.start, t.end) for t in titles]
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        s, e = ent.start_char, ent.end_char
        # NER sometimes swallows the title ("President Emomali Rahmon"): cut it off
        for ts, te in title_spans:
            if ts <= s < te <= e:
                s = te
        while s < e and not text[s].isalnum():
            s += 1
        seg = text[s:e]
        m = re.search(r"(?:'s|’s)$", seg)
        if m:
            e = s + m.start()
        if e > s and any(c.isupper() for c in text[s:e]):
            spans.append((s, e))
    # Title context: "Foreign Minister Kamikawa Yoko" even if NER tags it as ORG / NORP
    # or splits it. Take up to four capitalised tokens right after a title.
    for ts, te in title_spans:
        tok_i = _token_at(starts, te)
        if tok_i is None:
            continue
        j = tok_i
        # skip whitespace-only gap: the title must be directly followed by the name
        if doc[j].idx - te > 2:
            continue
        words = []
        while j < len(doc) and len(words) < 4:
            t = doc[j]
            if (
                words and t.text in ("-", "‐") and j + 1 < len(doc) and not t.whitespace_
                and not doc[j - 1].whitespace_ and doc[j + 1].is_alpha
            ):
                # hyphenated given names: "Moon Jae-in"
                words.append(doc[j + 1])
                j += 2
                continue
            if _NAME_TOKEN.match(t.text) and t.text not in _STOP_NAME_WORDS and t.ent_type_ not in ("GPE", "DATE", "NORP") and t.pos_ in ("PROPN", "NOUN", "ADJ", "X", ""):
                words.append(t)
                j += 1
                continue
            break
        if not words:
            continue
        s, e = words[0].idx, words[-1].idx + len(words[-1].text)
        if len(words) == 1 and words[0].ent_type_ in ("ORG",):
            continue  # one word NER reads as an organisation ("Minister Gazprom") is no name
        spans.append((s, e))
    # Apposition: "Mirzoyan, Armenia's foreign minister" even when NER tags the name
    # as NORP or misses it.
    for t in titles:
        lo = max(0, t.start - 80)
        m = _NAME_BEFORE_APPOS.search(text[lo:t.start])
        if not m:
            continue
        s, e = lo + m.start(1), lo + m.end(1)
        for ts, te in title_spans:
            if ts <= s < te < e:
                s = te + 1  # "Defense Minister Kihira Minoru, ...": the title is not the name
        while s < e and text[s].isspace():
            s += 1
        if text[e:t.start].count(",") != 1 or re.match(r"\s+[A-Z]", text[t.end:t.end + 2]):
            # "X, President Y" is a list of people, not an apposition
            continue
        toks = [doc[i] for i in sorted(_tokens_in(starts, s, e))]
        if toks and all(tok.pos_ == "PROPN" and tok.text not in _STOP_NAME_WORDS for tok in toks):
            spans.append((s, e))
    # merge overlaps, keep the longest union
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s < merged[-1][1]:
            ps, pe = merged[-1]
            merged[-1] = (min(ps, s), max(pe, e))
        else:
            merged.append((s, e))
    return merged


# Things NER tags as PERSON in news pages that are not people.
_NOT_PERSON = re.compile(
    r"[+@#/\\|]|\b(?:Sign|Email|Newsletter|Twitter|Facebook|Instagram|YouTube|TikTok|Slideshow|Photo|Reuters|AFP|Getty|"
    r"Agreement|Treaty|Framework|Declaration|Charter|Pact|Accord|Memorandum|Protocol|Ctrl|Enter|"
    r"anti-\w+|Javelin)\b"
)


_NOT_PERSON_CI = re.compile(r"\b(?:agreement|treaty|framework|declaration|charter|pact|accord|memorandum|protocol|signed|signing)\b", re.I)


def _plausible_name(name: str) -> bool:
    if not name or _NOT_PERSON.search(name) or _NOT_PERSON_CI.search(name):
        return False
    words = name.split()
    if all(w.isupper() for w in words if w.isalpha()) and any(len(w) > 3 for w in words):
        return False  # a headline in capitals ("AGREEMENT SIGNED"), not a name
    if len(words) > 6:
        return False
    # every word capitalised, except the usual particles ("bin", "al-", "van", "de")
    for w in words:
        if not (w[:1].isupper() or w.lower() in {"bin", "bint", "al", "el", "van", "von", "de", "da", "der", "den", "la", "le", "du", "dos", "ibn", "ben", "y"} or w.lower().startswith(("al-", "el-"))):
            return False
    return True


_NAME_BEFORE_APPOS = re.compile(r"(?<![\w'’-])([A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+){0,3}),\s+(?:the\s+|a\s+)?$")


def _token_at(starts: list[int], char: int) -> int | None:
    """Index of the first token starting at or after ``char``."""
    i = bisect.bisect_left(starts, char)
    return i if i < len(starts) else None


def _tokens_in(starts: list[int], s: int, e: int) -> set[int]:
    """Indices of tokens starting inside [s, e)."""
    return set(range(bisect.bisect_left(starts, s), bisect.bisect_left(starts, e)))


def _np_tokens(tok) -> set[int]:
    """Token indices of the noun phrase headed by ``tok``: its subtree without
    embedded clauses (so "X, who met Y, ..." does not make Y part of X)."""
    out = {tok.i}
    stack = [tok]
    while stack:
        t = stack.pop()
        for c in t.children:
            if c.dep_ in _CLAUSE_DEPS:
                continue
            out.add(c.i)
            stack.append(c)
    return out


_IRREGULAR = {"set": "set", "meetings": "meeting", "talks": "talk", "refused": "refuse", "declined": "decline"}


def _lemma(tok) -> str:
    """The token's lemma; the pipeline may run without the lemmatizer (pactwatch.api
    disables it for speed), so fall back on stripping the regular English endings."""
    lem = (tok.lemma_ or "").lower()
    if lem:
        return lem
    w = tok.lower_
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if tok.pos_ in ("NOUN", "PROPN"):
        # nouns only inflect for number: "meeting" is not "meet"
        return w[:-1] if w.endswith("s") and not w.endswith("ss") and len(w) > 3 else w
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            stem = w[: -len(suffix)] + repl
            if suffix in ("ing", "ed", "es") and stem + "e" in _E_STEMS:
                return stem + "e"
            if suffix in ("ing", "ed") and len(stem) > 3 and stem[-1] == stem[-2]:
                stem = stem[:-1]  # "initialled" -> "initial"
            return stem
    return w


# stems that lose a final "e" before -ing/-ed/-es
_E_STEMS = frozenset({"refuse", "decline", "schedule", "slate", "due", "oppose", "balk", "hesitate"})


_REFUSE_LEMMAS = frozenset({"refuse", "decline", "reject", "fail", "hesitate", "balk", "oppose"})
_PRONOUNS = frozenset({"he", "she"})


_ONLOOKING = frozenset({
    "watching", "looking", "attending", "present", "witnessing", "standing", "applauding", "beaming",
    "seated", "smiling", "clapping", "presiding", "on",
})


def _onlooker(p) -> bool:
    """"signed it with President Xi watching / looking on / in attendance": a witness."""
    if any(c.dep_ in ("acl", "advcl", "amod", "advmod", "prep") and c.lower_ in _ONLOOKING for c in p.children):
        return True
    nxt = p.doc[p.i + 1] if p.i + 1 < len(p.doc) else None
    return nxt is not None and nxt.lower_ in _ONLOOKING


def _negated(v) -> bool:
    """"did not sign", "never signed", "refused to sign", "backed out of signing"."""
    if any(c.dep_ == "neg" or c.lower_ in ("never", "not", "n't") for c in v.children):
        return True
    h = v.head
    if h.i == v.i:
        return False
    for _ in range(3):
        if _lemma(h) in _REFUSE_LEMMAS or (_lemma(h) == "back" and any(c.lower_ == "out" for c in h.children)):
            return True
        if h.dep_ not in ("xcomp", "pcomp", "prep", "aux") or h.head is h:
            break
        h = h.head
    return False


def _is_sign_verb(v) -> bool:
    if _lemma(v) in _SIGN_LEMMAS or _SIGN_WORD.match(v.text):
        return True
    # "put / affixed their signatures to the statement"
    return v.pos_ == "VERB" and any(c.dep_ == "dobj" and c.lower_ in ("signature", "signatures") for c in v.children)


def _signer_heads(doc) -> list:
    """Head tokens of the noun phrases of people who sign (see ``_signer_tokens``)."""
    heads: list = []
    _signer_tokens(doc, heads)
    out, seen = [], set()
    stack = list(heads)
    while stack:
        h = stack.pop()
        if h.i in seen:
            continue
        seen.add(h.i)
        out.append(h)
        stack.extend(c for c in h.children if c.dep_ in ("conj", "appos"))
    return out


# Things one signs that are not agreements between parties: "signed a letter urging ...",
# "signed a petition", "signed the bill into law", "signed an executive order".
_NOT_AGREEMENT_OBJECTS = frozenset({
    "letter", "letters", "petition", "petitions", "bill", "bills", "law", "laws", "legislation", "order", "orders",
    "decree", "decrees", "ordinance", "proclamation", "memo", "autograph", "autographs", "book", "guestbook",
    "card", "cheque", "check", "waiver", "waivers", "affidavit", "oath", "copies", "copy", "jersey", "ball",
})


def _signs_other_document(v) -> bool:
    """The sign verb's object is a letter, petition, bill, decree, executive order ...,
    or it signs something "into law": nobody signs the agreement there."""
    for c in v.children:
        if c.dep_ in ("dobj", "nsubjpass") and c.lower_ in _NOT_AGREEMENT_OBJECTS:
            return True
        if c.dep_ == "prep" and c.lower_ == "into" and any(p.lower_ == "law" for p in c.children):
            return True
        if c.dep_ == "prt" and c.lower_ == "up":
            return False
    return False


def _signer_tokens(doc, heads_out: list | None = None) -> set[int]:
    """Indices of tokens inside the noun phrases of people who sign. A pronoun subject
    ("he signed the accord") stands for the nearest person named before it in the
    sentence; the caller resolves it (see ``_pronoun_signers``)."""
    out: set[int] = set()
    for v in doc:
        if not _is_sign_verb(v):
            continue
        if v.pos_ in ("VERB", "AUX") and _negated(v):
            continue
        if _signs_other_document(v):
            continue
        if v.pos_ not in ("VERB", "AUX") and v.tag_ not in ("VBD", "VBN", "VBG", "VBZ", "VBP", "VB"):
            # "the signing ceremony" / "the signing of the treaty by X": a noun; handled below
            if v.pos_ == "NOUN":
                for c in v.children:
                    if c.dep_ == "prep" and c.text.lower() == "by":
                        for p in c.children:
                            if p.dep_ == "pobj":
                                out |= _np_tokens(p)
            continue
        heads = []
        for c in v.children:
            if c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN"):
                # gapping: "X signed on behalf of A, and Y for B"
                heads.append(c)
            elif c.dep_ == "prep" and c.text.lower() == "for":
                # "X signed for the Philippines and Kamikawa Yoko for Japan"
                for p in c.children:
                    if p.dep_ == "pobj":
                        heads.extend(x for x in p.children if x.dep_ == "conj" and x.pos_ == "PROPN")
            if c.dep_ in ("nsubj",):
                if c.text.lower() in _REL_PRONOUNS and v.dep_ == "relcl":
                    heads.append(v.head)
                else:
                    heads.append(c)
            elif c.dep_ == "agent":
                heads.extend(p for p in c.children if p.dep_ == "pobj")
            elif c.dep_ == "prep" and c.text.lower() in ("with", "alongside"):
                heads.extend(p for p in c.children if p.dep_ == "pobj" and p.pos_ != "VERB" and not _onlooker(p))
            elif c.dep_ == "dobj":
                # "signed the agreement with X" often attaches "with" to the object
                for cc in c.children:
                    if cc.dep_ == "prep" and cc.text.lower() in ("with", "alongside"):
                        heads.extend(p for p in cc.children if p.dep_ == "pobj")
        if v.dep_ == "relcl" and not any(c.dep_ == "nsubj" for c in v.children):
            heads.append(v.head)
        if v.dep_ in ("acl",) and v.tag_ == "VBN":
            # "the agreement, signed by X and Y, ..." handled by agent above
            pass
        if v.dep_ in ("conj",) and not any(c.dep_ in ("nsubj", "nsubjpass") for c in v.children):
            # "X met Y and signed the accord": the subject of the first verb signs
            for c in v.head.children:
                if c.dep_ == "nsubj":
                    heads.append(c)
        if v.dep_ == "advcl" and v.tag_ == "VBG" and not any(c.dep_ == "nsubj" for c in v.children):
            # "..., signing the accord with Y": the main clause subject signs
            for c in v.head.children:
                if c.dep_ == "nsubj":
                    heads.append(c)
        if v.dep_ == "pcomp" and v.head.dep_ == "prep" and not any(c.dep_ == "nsubj" for c in v.children):
            # "X and Y shook hands after signing the documents", "Upon signing the
            # accord, the two leaders ...": the subject of the governing clause signs
            for c in v.head.head.children:
                if c.dep_ == "nsubj":
                    heads.append(c)
        # "The agreement was signed during a meeting between X and Y"
        for c in v.children:
            if c.dep_ == "prep" and c.text.lower() in ("during", "at", "on", "in"):
                for ob in c.children:
                    if ob.dep_ == "pobj" and _lemma(ob) in ("meeting", "talk", "summit", "visit", "call", "ceremony"):
                        for pp in ob.children:
                            if pp.dep_ == "prep" and pp.text.lower() in ("between", "with"):
                                heads.extend(x for x in pp.children if x.dep_ == "pobj")
        if v.dep_ == "xcomp" and not any(c.dep_ == "dobj" for c in v.head.children):
            # "X is set to sign", "X will travel to sign", "X and Y were expected to
            # sign": the governing verb's subject. With an object ("pressured X to
            # sign", "urged X to sign") nobody has signed anything.
            for c in v.head.children:
                if c.dep_ == "nsubj" or (c.dep_ == "nsubjpass" and _lemma(v.head) in ("expect", "set", "schedule", "due", "slate")):
                    heads.append(c)
        for h in heads:
            out |= _np_tokens(h)
        if heads_out is not None:
            heads_out.extend(heads)
    return out


def _surname_keys(name: str) -> list[str]:
    """Words of a full name that a later mention may use alone ("Blinken", and both
    words of a surname-first "Kamikawa Yoko"); never a month or a function word
    ("Theresa May" must not turn "May 2019" into a person)."""
    return [
        w for w in name.split()
        if w and w[0].isupper() and len(w) > 2 and w.rstrip(".") not in ("Jr", "Sr", "III")
        and w not in _STOP_NAME_WORDS and w.rstrip(".") + "." not in _STOP_NAME_WORDS
    ]


def _near(a: str, b: str) -> bool:
    import difflib

    return difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.85


def _edits(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance of two words, capped at ``limit + 1``."""
    a, b = a.lower(), b.lower()
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def _word_close(a: str, b: str) -> bool:
    """Same name word up to a typo: one edit in words of 4+ letters, two in 7+."""
    if a == b:
        return True
    if a[:1].lower() != b[:1].lower() or min(len(a), len(b)) < 4:
        return False
    return _edits(a, b) <= (2 if min(len(a), len(b)) >= 8 and "-" not in a + b else 1)


def _typo_variant(name: str, known: list[str]) -> str | None:
    """An earlier full name that ``name`` misspells: same number of words, one word
    identical and the others within a typo ("Gilbero Teodoro", "Gilberto Teodro")."""
    words = name.split()
    for k in dict.fromkeys(known):
        kw = k.split()
        if k == name or len(kw) != len(words):
            continue
        if any(a == b for a, b in zip(words, kw)) and all(_word_close(a, b) for a, b in zip(words, kw)):
            return k
    return None


def _typo_key(word: str, full: dict[str, str]) -> str | None:
    """The full name whose surname a lone word misspells (6+ letters, one edit)."""
    if len(word) < 6 or not word[:1].isupper():
        return None
    hits = {n for k, n in full.items() if len(k) >= 6 and k[0] == word[0] and _edits(k, word, 1) <= 1}
    return hits.pop() if len(hits) == 1 else None


def find_people(doc, offset: int = 0) -> list[PersonMention]:
    """People in ``doc`` with role, party and signer flag; offsets are ``doc`` offsets
    plus ``offset`` (the position of the doc's text in the cleaned document text).

    Never raises: a doc this code cannot read (no parse, an odd object) gives []."""
    try:
        return _find_people(doc, offset)
    except Exception:  # a firehose finder must not take the pipeline down with it
        return []


def _find_people(doc, offset: int = 0) -> list[PersonMention]:
    try:
        text = doc.text
    except Exception:
        return []
    if not text:
        return []
    try:
        offset = int(offset)
    except (TypeError, ValueError):
        offset = 0
    gaz = _gazetteer()
    try:
        titles = gaz.find_titles(text) if gaz else []
    except Exception:
        titles = []
    try:
        parties = gaz.find_parties(text) if gaz else []
    except Exception:
        parties = []
    party_spans = {(p.start, p.end) for p in parties}
    starts = [t.idx for t in doc]
    spans = _person_spans(doc, titles, starts)
    try:
        signers = _signer_tokens(doc)
    except Exception:
        signers = set()

    # NER misses surnames it has not seen ("Pashinyan and Aliyev initialled ..."): a
    # proper noun heading a signer's noun phrase is a person unless it is a party.
    try:
        heads = _signer_heads(doc)
    except Exception:
        heads = []
    title_spans = [(t.start, t.end) for t in titles]
    for h in heads:
        if h.pos_ != "PROPN" or not _NAME_TOKEN.match(h.text) or h.text in _STOP_NAME_WORDS or h.text.isupper():
            continue  # an acronym ("RAA", "NATO") heading a signer phrase is not a person
        if h.dep_ == "poss" or (h.i + 1 < len(doc) and doc[h.i + 1].lower_ in ("'s", "’s")):
            continue  # "Rotterdam's port": a modifier, not the one who signs
        hs, he = h.idx, h.idx + len(h.text)
        if any(s <= hs < e for s, e in spans) or any(ps <= hs < pe for ps, pe in party_spans):
            continue
        if any(ts <= hs < te for ts, te in title_spans) or h.ent_type_ in ("GPE", "ORG", "DATE", "FAC", "LOC"):
            continue
        first = h
        for c in sorted(h.children, key=lambda x: x.i):
            if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i == first.i - 1 and _NAME_TOKEN.match(c.text) \
                    and not any(ts <= c.idx < te for ts, te in title_spans):
                first = c
        # walk left over adjacent compounds
        j = h.i - 1
        while j >= 0 and doc[j].dep_ == "compound" and doc[j].head.i == h.i and doc[j].pos_ == "PROPN" \
                and _NAME_TOKEN.match(doc[j].text) and not any(ts <= doc[j].idx < te for ts, te in title_spans):
            first = doc[j]
            j -= 1
        spans.append((first.idx, he))
    spans.sort()
    by_end = {t.end: t for t in titles}
    raw: list[tuple[int, int, str, str | None, str | None, bool]] = []
    for s, e in spans:
        name = _clean(text[s:e])
        if not name or (s, e) in party_spans or not _plausible_name(name):
            continue
        if any(ps <= s and e <= pe for ps, pe in party_spans) and len(name.split()) == 1:
            continue  # a single word that is a place ("Washington") is not a person
        role = party = None
        # title right before: "US Secretary of State Antony Blinken"
        for gap in range(0, 4):
            t = by_end.get(s - gap)
            if t is not None and text[t.end:s].strip() in ("", ","):
                role, party = t.role, t.party
                break
        # apposition after: "Mirzoyan, Armenia's foreign minister" / "Rubio, the US
        # Secretary of State"
        if role is None:
            m = re.match(r"\s*,\s*(?:the\s+|a\s+)?", text[e:e + 12])
            if m:
                a = e + m.end()
                for t in titles:
                    between = text[a:t.start]
                    if t.start == a or (
                        a <= t.start <= a + 20 and re.fullmatch(r"[\w'’\s-]*", between or "")
                        and not re.search(r"\b(?:and|or|with|to|said|says)\b", between)
                    ):
                        role, party = t.role, t.party
                        break
        # "President Emomali Rahmon of Tajikistan"
        if party is None and gaz:
            m = re.match(r"\s+of\s+(?:the\s+)?", text[e:e + 10])
            if m:
                for p in parties:
                    if p.start == e + m.end() and p.via in ("name", "org", "nonstate"):
                        party = p.code
                        break
        tok_idx = _tokens_in(starts, s, e)
        raw.append((s, e, name, role, party, bool(tok_idx & signers)))

    # "Trump said as he signed the order": a he/she signer is the nearest person named
    # before the pronoun in the same sentence.
    for tok in doc:
        if tok.i in signers and tok.lower_ in _PRONOUNS:
            sent_start = tok.sent.start_char if doc.has_annotation("SENT_START") else 0
            best = None
            for i, r in enumerate(raw):
                if sent_start <= r[0] and r[1] <= tok.idx:
                    best = i
            if best is not None:
                r = raw[best]
                raw[best] = (r[0], r[1], r[2], r[3], r[4], True)
    # Later mentions by surname that NER did not tag ("Taran later told reporters").
    keys: dict[str, tuple[int, int]] = {}
    for s, e, name, *_ in raw:
        if len(name.split()) >= 2:
            for k in _surname_keys(name):
                keys.setdefault(k, (s, e))
    if keys:
        taken = [(s, e) for s, e, *_ in raw]
        rx = re.compile(r"(?<![\w'’-])(" + "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)) + r")(?![\w-])")
        for m in rx.finditer(text):
            s, e = m.span(1)
            if any(ts <= s < te for ts, te in taken):
                continue
            if any(ps <= s and e <= pe for ps, pe in party_spans):
                continue
            tok_idx = _tokens_in(starts, s, e)
            raw.append((s, e, m.group(1), None, None, bool(tok_idx & signers)))
        raw.sort(key=lambda r: (r[0], r[1]))
    # Resolve single-word later mentions to the full name first given for them.
    full: dict[str, tuple[str, str | None, str | None]] = {}
    out: list[PersonMention] = []
    for s, e, name, role, party, signer in raw:
        words = name.split()
        if len(words) >= 2 and words[-1] in full and full[words[-1]][0] != name and _near(full[words[-1]][0], name):
            # a misspelt repeat ("Gilbero Teodoro" after "Gilberto Teodoro") is the same person
            fname, frole, fparty = full[words[-1]]
            out.append(PersonMention(s + offset, e + offset, fname, role or frole, party or fparty, signer))
            continue
        if len(words) >= 2:
            for k in _surname_keys(name):
                full.setdefault(k, (name, role, party))
            out.append(PersonMention(s + offset, e + offset, name, role, party, signer))
            continue
        if name in full:
            fname, frole, fparty = full[name]
            out.append(PersonMention(s + offset, e + offset, fname, role or frole, party or fparty, signer))
        else:
            out.append(PersonMention(s + offset, e + offset, name, role, party, signer))
    # A full name met after its surname (headline "Kamikawa..." then the body): back-fill.
    fixed = []
    for p in out:
        if len(p.name.split()) == 1 and p.name in full:
            fname, frole, fparty = full[p.name]
            p = PersonMention(p.start, p.end, fname, p.role or frole, p.party or fparty, p.signer)
        fixed.append(p)
    # Fill role/party of every mention of a person from any mention that has them.
    info: dict[str, tuple[str | None, str | None]] = {}
    for p in fixed:
        r, pa = info.get(p.name, (None, None))
        info[p.name] = (r or p.role, pa or p.party)
    final = [PersonMention(p.start, p.end, p.name, p.role or info[p.name][0], p.party or info[p.name][1], p.signer) for p in fixed]
    final.sort(key=lambda p: (p.start, p.end))
    return final


def signatories(people: list[PersonMention]) -> list[PersonMention]:
    """One mention per distinct signer (the first), in text order."""
    seen: set[str] = set()
    out = []
    for p in people:
        if p.signer and p.name not in seen:
            seen.add(p.name)
            out.append(p)
    return out


def consolidate(people: list[PersonMention], text: str | None = None) -> list[PersonMention]:
    """Resolve names across the passages of one document.

    ``find_people`` resolves surnames within the doc it is given; a pipeline that parses
    a document paragraph by paragraph gets "Hegseth" in one passage and "Pete Hegseth"
    in another, or a misspelt repeat ("Gilbero Teodoro" after "Gilberto Teodoro").
    This maps every mention to the first full name it matches (by a shared name word,
    or a near spelling of the same surname) and fills role and party from any mention
    of the same person. Offsets and signer flags are kept. With ``text`` (the document
    the offsets point into), surnames that NER missed in other passages ("Kamikawa"
    tagged as a place) are added as mentions too."""
    ordered = sorted(people, key=lambda p: (p.start, p.end))
    if text and isinstance(text, str):
        keys = {w: p for p in ordered if len(p.name.split()) >= 2 for w in _surname_keys(p.name)}
        if keys:
            taken = [(p.start, p.end) for p in ordered]
            rx = re.compile(r"(?<![\w'’-])(" + "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)) + r")(?![\w-])")
            extra = []
            gaz = _gazetteer()
            try:
                places = [(p.start, p.end) for p in gaz.find_parties(text)] if gaz else []
            except Exception:
                places = []
            for m in rx.finditer(text):
                s, e = m.span(1)
                if any(ts <= s < te or s <= ts < e for ts, te in taken):
                    continue
                if any(ps <= s and e <= pe for ps, pe in places):
                    continue  # "Jordan" the country, not Michael Jordan
                extra.append(PersonMention(s, e, m.group(1), None, None, False))
            ordered = sorted(ordered + extra, key=lambda p: (p.start, p.end))
    full: dict[str, str] = {}
    canon: list[str] = []
    for p in ordered:
        words = p.name.split()
        name = p.name
        if len(words) >= 2:
            last = words[-1]
            if last in full and full[last] != name and _near(full[last], name):
                name = full[last]
            else:
                variant = _typo_variant(name, canon)
                if variant:
                    name = variant
                else:
                    for k in _surname_keys(name):
                        full.setdefault(k, name)
        canon.append(name)
    # single-word names (and names first seen as a surname) resolve to a full name; a
    # misspelt surname alone ("Teodro" after "Gilberto Teodoro") too
    canon = [(full.get(n) or _typo_key(n, full) or n) if len(n.split()) == 1 else n for n in canon]
    info: dict[str, tuple[str | None, str | None]] = {}
    for p, n in zip(ordered, canon):
        r, pa = info.get(n, (None, None))
        info[n] = (r or p.role, pa or p.party)
    return [
        PersonMention(p.start, p.end, n, p.role or info[n][0], p.party or info[n][1], p.signer)
        for p, n in zip(ordered, canon)
    ]
