"""Implementation mechanisms: bodies and meetings an agreement sets up, with frequencies
and due periods (RECORD.md "Mechanisms").

``find_mechanisms`` returns one ``MechanismMention`` per mention of a body (commission,
working group, dialogue, council, committee, secretariat) and per scheduled meeting or
summit. Two flags tell assembly what not to count:

* ``permitted_only`` - the text only permits the body ("may set up working groups")
  and gives it nothing to do;
* ``in_passing`` - a pre-existing or standing body named in passing (a parent body
  "... of the U.S.-Russian Presidential Commission", the UN Security Council, a Senate
  committee), or a body with no cue that this agreement establishes it, tasks it or
  schedules it.

``merge_mechanisms`` folds mentions of the same body into one (a body permitted in one
sentence and tasked in the next counts). ``find_frequencies`` and ``find_due`` are the
schedule parsers, usable on their own.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path

DATA = Path(__file__).with_name("data")


@dataclass(frozen=True)
class MechanismMention:
    start: int
    end: int
    text: str
    kind: str
    name: str | None
    frequency: str | None
    due_period: str | None
    due_anchor: str | None
    permitted_only: bool
    in_passing: bool = False

    @property
    def countable(self) -> bool:
        """True when RECORD.md counts this mention as a mechanism of the agreement."""
        return not self.permitted_only and not self.in_passing


def _space(p: str) -> str:
    """A literal space in a pattern matches any whitespace run (hard-wrapped texts)."""
    return p.replace(" ", r"\s+")


# --------------------------------------------------------------------------- numbers

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "eighteen": 18,
    "twenty": 20, "thirty": 30, "forty-five": 45, "forty five": 45, "sixty": 60, "ninety": 90,
    "hundred": 100, "one hundred": 100, "hundred and twenty": 120, "one hundred and twenty": 120,
    "one hundred eighty": 180, "one hundred and eighty": 180, "eighty": 80, "forty": 40, "fifty": 50,
}
_NUM = r"(?:\d{1,3}|" + "|".join(sorted((re.escape(k) for k in _NUMBER_WORDS), key=len, reverse=True)) + r")"
_UNIT = {"day": "D", "days": "D", "week": "W", "weeks": "W", "month": "M", "months": "M", "year": "Y", "years": "Y"}


def _num(s: str) -> int | None:
    s = re.sub(r"\s+", " ", s.strip().lower())
    if s.isdigit():
        return int(s)
    return _NUMBER_WORDS.get(s)


# --------------------------------------------------------------------------- frequencies

_FREQ_RULES: tuple[tuple[str, str], ...] = (
    # (pattern, ISO duration); "{N}" patterns are handled separately below
    (r"(?:at least |not less than |no less than |once )?twice (?:a|per|each|every|in a) year|two times (?:a|per) year|"
     r"every six months|once every six months|semi-?annual(?:ly)?|on a semi-?annual basis|half-?yearly|bi-?annually", "P6M"),
    (r"(?:at least |not less than |no less than )?(?:once|one time) (?:a|per|each|every|in a|in each) (?:calendar )?year|"
     r"annually|on an annual basis|every year|each year|yearly|once annually|annual", "P1Y"),
    (r"quarterly|every three months|four times (?:a|per) year|once (?:a|per|every) quarter|on a quarterly basis", "P3M"),
    (r"monthly|every month|once (?:a|per|each|every) month|on a monthly basis", "P1M"),
    (r"weekly|every week|once (?:a|per) week", "P1W"),
    (r"every (?:two|2) years|once every (?:two|2) years|biennial(?:ly)?|every other year", "P2Y"),
)
_FREQ_RX = re.compile(
    r"(?<!\w)(?:" + "|".join(f"(?P<f{i}>{_space(p)})" for i, (p, _) in enumerate(_FREQ_RULES)) + r")(?!\w)",
    re.IGNORECASE,
)
_FREQ_EVERY_N = re.compile(r"(?<!\w)(?:once )?every\s+(" + _NUM + r")\s+(years?|months?|weeks?)(?!\w)", re.IGNORECASE)


def find_frequencies(text: str) -> list[tuple[int, int, str]]:
    """Meeting frequencies in ``text`` as (start, end, ISO 8601 duration)."""
    if not isinstance(text, str) or not text:
        return []
    out: dict[int, tuple[int, int, str]] = {}
    for m in _FREQ_EVERY_N.finditer(text):
        n = _num(m.group(1))
        if n:
            out[m.start()] = (m.start(), m.end(), f"P{n}{_UNIT[m.group(2).lower()]}")
    for m in _FREQ_RX.finditer(text):
        if any(s <= m.start() < e for s, e, _ in out.values()):
            continue
        idx = int(m.lastgroup[1:])  # type: ignore[index]
        out[m.start()] = (m.start(), m.end(), _FREQ_RULES[idx][1])
    return sorted(out.values())


# --------------------------------------------------------------------------- due periods

_ANCHORS = (
    (re.compile(r"entry\s+into\s+force|enters?\s+into\s+force|entered\s+into\s+force|coming\s+into\s+force|comes\s+into\s+force|effective\s+date|taking\s+effect|takes\s+effect", re.I), "entry_into_force"),
    (re.compile(r"sign(?:ing|ature|ed)|conclusion|adoption", re.I), "signing"),
)
_DUE_RX = re.compile(
    r"(?<!\w)(?:within|in\s+the\s+(?:first\s+)?|no\s+later\s+than|not\s+later\s+than|at\s+the\s+latest|before\s+the\s+end\s+of\s+the\s+)?\s*"
    r"(?:(?:a\s+period\s+of\s+)?(" + _NUM + r")(?:\s*\(\d+\))?\s+(days?|weeks?|months?|years?))\s+"
    r"(?:from|of|after|following|since)\s+(?:the\s+)?(?:date\s+of\s+(?:the\s+)?)?"
    r"((?:\w+\s+){0,4}?)(entry\s+into\s+force|enters?\s+into\s+force|coming\s+into\s+force|signing|signature|"
    r"conclusion|adoption|effective\s+date)",
    re.IGNORECASE,
)


def find_due(text: str) -> list[tuple[int, int, str, str]]:
    """Due periods as (start, end, ISO duration, anchor): "within three months from the
    signing" -> ("P3M", "signing"); "within 90 days of the entry into force" ->
    ("P90D", "entry_into_force"). Only "within / no later than N units from|after <event>"
    phrasings count: a bare "in six months" has no anchor."""
    if not isinstance(text, str) or not text:
        return []
    out = []
    for m in _DUE_RX.finditer(text):
        head = text[m.start():m.start(1)].lower()
        if not re.search(r"within|later\s+than|latest|first|end\s+of", head):
            continue
        n = _num(m.group(1))
        if not n:
            continue
        unit = _UNIT[m.group(2).lower()]
        anchor = next(a for rx, a in _ANCHORS if rx.search(m.group(4)))
        s = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
        out.append((s, m.end(), f"P{n}{unit}", anchor))
    return out


# --------------------------------------------------------------------------- bodies


@functools.lru_cache(maxsize=1)
def _lexicon() -> tuple[list[tuple[str, str]], re.Pattern[str] | None]:
    kinds: list[tuple[str, str]] = []
    stops: list[str] = []
    for raw in (DATA / "mechanisms.tsv").read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        kind, pat = raw.split("\t", 1)
        kind, pat = kind.strip(), pat.strip()
        re.compile(pat)
        if kind == "-":
            stops.append(_space(pat))
        else:
            kinds.append((kind, _space(pat)))
    stop = re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{s})" for s in stops) + r")(?!\w)", re.IGNORECASE) if stops else None
    return kinds, stop


# Words that may stand before a body noun as part of its name. Capitalised words (and
# acronyms, "U.S.-Russian", "2+2") are name words; these lowercase words are the usual
# adjectives of treaty bodies.
_LOWER_NAME = (
    r"joint|bilateral|trilateral|intergovernmental|inter-governmental|working|expert|experts'|steering|"
    r"coordinating|coordination|consultative|administrative|standing|permanent|high-level|ministerial|"
    r"technical|regular|annual|economic|trade|strategic|special|sectoral|sub-|ad\s+hoc|respective|"
    r"cooperation|co-operation|partnership|security|defen[cs]e|energy|investment|business|common\s+market|"
    r"advisory|monitoring|implementation|oversight|executive|mixed|interagency|inter-agency|"
    r"parliamentary|presidential|leaders'?|foreign\s+ministers'?|defen[cs]e\s+ministers'?|two-plus-two|"
    r"[A-Za-z]+-[A-Z][A-Za-z.]*"
)
_CAP_WORD = r"(?:[A-Z][\w.&'’-]*|\d\+\d|[A-Z]{2,}[\w-]*)"
_TAIL = rf"(?:\s+(?:of|for|on)\s+(?:the\s+)?{_CAP_WORD}(?:(?:\s+(?:and|of|for|on|in|the|&)\s+|\s+|,\s+){_CAP_WORD}){{0,8}})?"
_DETERMINER = re.compile(r"^(?:the|a|an|this|that|these|those|each|such|any|its|their|our|other|new|two|all)\s+", re.I)


@functools.lru_cache(maxsize=1)
def _head_rx() -> tuple[re.Pattern[str], dict[str, str]]:
    kinds, _ = _lexicon()
    groups = {}
    alts = []
    for i, (kind, pat) in enumerate(kinds):
        groups[f"k{i}"] = kind
        alts.append(f"(?P<k{i}>{pat})")
    return re.compile(r"(?<![\w-])(?:" + "|".join(alts) + r")(?!\w)", re.IGNORECASE), groups


_SENT_RX = re.compile(r"(?<=[.!?;:])[\"”’)]*\s+(?=[\"“(]?[A-Z0-9(])|\n\s*\n|\n\s*(?=\(?\d{1,2}[.)]\s|\([a-z]\)\s|[-•·]\s)")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Cheap sentence / clause spans for rule finders that get raw text: breaks after
    ". ! ? ; :" before a capital or digit, at blank lines, and before enumerated
    clauses on a new line ("\n2. ", "\n(b) ", "\n- "). Not a parser: good enough to keep
    a cue and its modal verb in the same window."""
    spans = []
    last = 0
    for m in _SENT_RX.finditer(text):
        if m.start() > last:
            spans.append((last, m.start()))
        last = m.end()
    if last < len(text):
        spans.append((last, len(text)))
    return spans


_PERMIT_BEFORE = re.compile(
    r"\b(?:may|might|could|can|explor(?:e|ing)(?:\s+the\s+possibility\s+of)?|consider(?:ing)?(?:\s+the\s+possibility\s+of)?|"
    r"examin(?:e|ing)(?:\s+the\s+possibility\s+of)?|as\s+(?:needed|necessary))\b"
    r"[^.;]{0,90}?\b(?:establish|set\s+up|create|form|constitute|convene|convening|convene|setting\s+up|creating|establishing|decide\s+to\s+set\s+up)\b"
    r"(?:\s+(?:any|other|such|additional|further|new|ad\s+hoc|specific|its|their|the|a|an|one\s+or\s+more|economic|or|trade|and|,))*\s*$",
    re.I,
)
_TASK_AFTER = re.compile(
    r"^[\s,]*(?:\([^)]{0,80}\)\s*)?(?:,[^,]{0,120},\s*)?(?:shall|will|is\s+to|are\s+to|intends?\s+to|intend|should|must|"
    r"would|is\s+(?:hereby\s+)?(?:established|responsible|tasked|charged|composed|mandated|to\s+be)|"
    r"are\s+(?:hereby\s+)?(?:established|responsible|tasked|charged|composed|mandated)|"
    r"meets?|met|convenes?|decides?|reviews?|oversees?|supervises?|monitors?|consists?|comprises?|"
    r"(?:which|that|who|whose\s+\w+(?:\s+\w+)?)\s+(?:shall|will|is\s+to|are\s+to|would|intends?\s+to))\b",
    re.I,
)
# An establishing verb close before the body ("shall establish a Joint Committee",
# "have agreed to set up a joint commission") or right after it ("is hereby established").
_ESTABLISH_BEFORE = re.compile(
    r"\b(?:establish(?:es|ed|ing)?|set(?:s|ting)?\s+up|creat(?:e|es|ed|ing)|form(?:s|ed|ing)?|constitut(?:e|es|ed|ing)|"
    r"launch(?:es|ed|ing)?|inaugurat(?:e|es|ed|ing)|institut(?:e|es|ed)|known\s+as|called|named|entitled|"
    r"(?:shall|will)\s+have|(?:shall|will)\s+be\s+entrusted\s+to|organs?|following|"
    # holding a dialogue or a session is setting it up: "will hold annual 2+2 dialogues"
    r"(?:shall|will|would|to|agreed\s+to)\s+(?:\w+\s+)?(?:hold|convene|conduct|organi[sz]e))\b[^.;]{0,60}$",
    re.I,
)
_HOLD_BEFORE = re.compile(r"\b(?:hold|convene|conduct|organi[sz]e)\b[^.;]{0,50}$", re.I)
_ESTABLISH_AFTER = re.compile(r"^[^.;]{0,40}?\b(?:is|are|shall\s+be|will\s+be|to\s+be)\s+(?:hereby\s+)?(?:established|set\s+up|created|formed|constituted|launched)\b", re.I)
_PRONOUN_SUBJECT = re.compile(r"^\s*(?:It|The\s+(?:Commission|Committee|Council|Group|Working\s+Group|Secretariat|Body))\s+(?:shall|will|is\s+to|intends\s+to)\s+(?:\w+\s+){0,3}?(?:meet|convene)", re.I)
_MEETING_VERB = re.compile(
    r"\b(?:meet(?:s|ing)?|met|convene[sd]?|hold(?:s|ing)?|held|conduct(?:s|ing)?|organi[sz]e|sessions?|meetings?|summits?|talks|consultations)\b",
    re.I,
)
_REGULAR = re.compile(r"\bregular(?:ly)?\b|\bperiodic(?:ally)?\b|\bon\s+a\s+regular\s+basis\b", re.I)
_PARENT_LINK = re.compile(r"\s+(?:of|under|within)\s+(?:the\s+)?$", re.I)
_EXISTING = re.compile(r"\b(?:existing|already\s+established|previously\s+established|established\s+in\s+\d{4}|established\s+under)\s+(?:\w+\s+){0,3}$", re.I)
# "the Joint Commission on Commerce and Trade was formed in 1983": an older body
_PAST_ESTABLISHED_AFTER = re.compile(
    r"^[^.;]{0,30}?\b(?:was|were|had\s+been|has\s+been)\s+(?:first\s+)?(?:formed|established|created|set\s+up|founded|launched)\s+(?:in|back\s+in|on)\s+(?:\d{4}|the\s+\d{4}s|[A-Z][a-z]+\s+\d{4})",
    re.I,
)
_JOINT_NAME = re.compile(r"\b(?:[Jj]oint|[Bb]ilateral|[Tt]rilateral|[Ii]ntergovernmental|[Ii]nter-governmental|[Mm]ixed)\b|[A-Z][A-Za-z.]*-[A-Z][A-Za-z.]*")
# A "group" is a body only with a body word in its name ("Common Market Group",
# "Joint Working Group", "expert group"); "UK-Dutch group", "energy group" or
# "Gutierrez's group" are companies and factions.
_GROUP_BODY = re.compile(
    r"\b(?:joint|working|steering|coordinat\w*|consultative|experts?'?|contact|high-level|common\s+market|bilateral|"
    r"intergovernmental|technical|monitoring|implementation|advisory|planning|ad\s+hoc|task|study|review)\b",
    re.I,
)
# Meetings and summits are mechanisms only when the parties commit or intend to hold
# them; "convened its annual summit in Manila last week" is news.
_MODAL_HOLD = re.compile(
    r"\b(?:shall|will|would|is\s+to|are\s+to|agree(?:d|s)?\s+(?:to|on|that)|agreeing\s+to|intends?\s+to|intend|plans?\s+to|"
    r"undertakes?\s+to|decided\s+to|commit(?:ted|s)?\s+to|pledged\s+to)\b",
    re.I,
)
_HOLD_SUMMIT = re.compile(
    r"\b(?:shall|will|agree[ds]?\s+to|intends?\s+to|plan\s+to|are\s+to|is\s+to|would)\b[^.;]{0,40}\b(?:hold|convene|organi[sz]e|have)\b", re.I
)
_GENERIC_NAME_WORDS = {
    "the", "a", "an", "respective", "working", "group", "groups", "commission", "commissions",
    "committee", "committees", "council", "councils", "dialogue", "dialogues", "secretariat", "secretariats",
    "summit", "summits", "meeting", "meetings", "session", "sessions", "sub-committee", "subcommittee",
    "group(s)", "regular", "annual", "other", "such", "any", "these", "this", "each", "party", "parties",
}


def _clean_name(s: str) -> str | None:
    s = re.sub(r"\s+", " ", s).strip(" ,;:")
    while True:
        t = _DETERMINER.sub("", s)
        if t == s:
            break
        s = t
    words = [w.lower() for w in s.split()]
    if not words or all(w in _GENERIC_NAME_WORDS for w in words):
        return None
    return s


def _is_stop(name_text: str) -> bool:
    _, stop = _lexicon()
    return bool(stop and stop.search(name_text))


def _stop_ends_here(sent: str, ms: int, me: int) -> bool:
    """A standing-body phrase that ends where this body ends, reaching further left
    than the name grown from body words ("the 1987 annual shareholders meeting")."""
    _, stop = _lexicon()
    if not stop:
        return False
    lo = max(0, ms - 60)
    window = sent[lo:me]
    return any(m.end() == len(window) and m.start() <= ms - lo for m in stop.finditer(window))


def _freq_in(sent: str) -> str | None:
    f = find_frequencies(sent)
    return f[0][2] if f else None


def find_mechanisms(text: str) -> list[MechanismMention]:
    """Bodies and scheduled meetings in ``text``; see the module docstring for the flags."""
    if not isinstance(text, str) or not text:
        return []
    out: list[MechanismMention] = []
    for s0, e0 in sentence_spans(text):
        sent = text[s0:e0]
        if len(sent) > 5000:  # a "sentence" this long is a table or a dump: not worth a scan
            sent = sent[:5000]
            e0 = s0 + 5000
        freq = _freq_in(sent)
        dues = find_due(sent)
        due = (dues[0][2], dues[0][3]) if dues else (None, None)
        bodies: list[MechanismMention] = []
        prev_end = -10
        for m in _iter_bodies(sent):
            kind, ms, me = m
            raw = sent[ms:me]
            name = _clean_name(raw)
            before = sent[:ms]
            after = sent[me:]
            in_passing = False
            if _is_stop(raw) or _stop_ends_here(sent, ms, me):
                in_passing = True
            # A body named right after another body ("Working Group ... of the
            # U.S.-Russian Presidential Commission") is its pre-existing parent.
            if prev_end >= 0 and _PARENT_LINK.fullmatch(sent[prev_end:ms] or " "):
                in_passing = True
            if _EXISTING.search(before[-60:]) or _PAST_ESTABLISHED_AFTER.match(after):
                in_passing = True
            tasked = bool(_TASK_AFTER.match(after))
            established = bool(_ESTABLISH_BEFORE.search(before[-90:])) or bool(_ESTABLISH_AFTER.match(after))
            # The body takes the sentence's frequency only when it is who meets: a
            # meeting verb follows it ("The Joint Commission shall meet once a year").
            mv = _MEETING_VERB.search(after[:300])
            permitted = bool(_PERMIT_BEFORE.search(before[-160:])) and not tasked
            scheduled = bool(freq) and mv is not None and not permitted
            held_freq = None
            if established and not scheduled and freq and _HOLD_BEFORE.search(before[-60:]):
                near = find_frequencies(sent[max(0, ms - 40):me + 60])
                held_freq = near[0][2] if near else None
            if kind in ("meeting", "summit") and re.search(r"\b(?:been|is|are|was|were|be|am)\s+$", before[-12:]):
                # "has been meeting regularly with ...": a verb, not a body
                prev_end = me
                continue
            if kind in ("meeting", "summit"):
                regular = bool(_REGULAR.search(raw)) or bool(_REGULAR.search(before[-40:])) or bool(
                    _REGULAR.match(after[:40].lstrip(" ,")) or re.match(r"\s*(?:on\s+a\s+regular\s+basis|regularly)", after)
                )
                if not _MODAL_HOLD.search(sent):
                    prev_end = me
                    continue
                # the schedule must sit on the meeting phrase itself ("annual summits",
                # "meet every six months"), not anywhere in a long news sentence
                near = find_frequencies(sent[max(0, ms - 40):me + 130])
                f = near[0][2] if near else None
                if not (f or regular):
                    # A one-off or past meeting/summit is news, not a mechanism.
                    prev_end = me
                    continue
                if kind == "summit" and not (f or _HOLD_SUMMIT.search(sent)):
                    prev_end = me
                    continue
                tail = re.search(r"\s+of\s+(?:the\s+)?", raw)
                if tail:
                    # "meetings of the Joint Commission" schedule the Commission, not a
                    # separate meeting.
                    sub = list(_iter_bodies(raw[tail.end():]))
                    if sub:
                        k2, a2, b2 = sub[0]
                        a2 += tail.end()
                        b2 += tail.end()
                        nm = _clean_name(raw[a2:b2])
                        bodies.append(MechanismMention(s0 + ms + a2, s0 + ms + b2, raw[a2:b2], k2, nm, f, None, None, False,
                                                       _is_stop(raw[a2:b2])))
                    prev_end = me
                    continue
                if any(b.kind not in ("meeting", "summit") and not b.in_passing and not b.permitted_only for b in bodies):
                    # "The Committee will convene a regular meeting on a semi-annual
                    # basis": the schedule belongs to the Committee.
                    for i in range(len(bodies) - 1, -1, -1):
                        b = bodies[i]
                        if b.kind not in ("meeting", "summit") and not b.in_passing and not b.permitted_only:
                            bodies[i] = replace(b, frequency=b.frequency or f)
                            break
                    prev_end = me
                    continue
                bodies.append(MechanismMention(s0 + ms, s0 + me, raw, kind, name, f, due[0], due[1], permitted, in_passing))
                prev_end = me
                continue
            if kind == "working_group" and re.fullmatch(r"groups?", raw.strip(), re.I):
                # a bare "group" is a faction, a company or a bloc, not a body
                prev_end = me
                continue
            if kind == "working_group" and re.search(r"groups?$|groups?\s", raw, re.I) and not _GROUP_BODY.search(raw):
                prev_end = me
                continue
            if kind == "working_group" and re.match(r"groups?\b", raw, re.I):
                prev_end = me
                continue
            cued = established or tasked or scheduled or permitted or bool(name and _JOINT_NAME.search(name))
            if kind == "dialogue" and not name and not (established or scheduled or permitted):
                # "broker dialogue between them" is diplomacy, not a dialogue mechanism
                prev_end = me
                continue
            if not cued:
                in_passing = True
            bodies.append(
                MechanismMention(
                    s0 + ms, s0 + me, raw, kind, name,
                    freq if scheduled else held_freq,
                    due[0] if (tasked or established) else None,
                    due[1] if (tasked or established) else None,
                    permitted, in_passing,
                )
            )
            prev_end = me
        if freq and not bodies and _PRONOUN_SUBJECT.match(sent):
            # "It shall meet ... at least once a year" after "The Council shall ...":
            # the schedule belongs to the body last mentioned.
            for i in range(len(out) - 1, max(-1, len(out) - 6), -1):
                if out[i].kind not in ("meeting", "summit") and out[i].countable:
                    out[i] = replace(out[i], frequency=out[i].frequency or freq)
                    break
            continue
        # The parties themselves meet on a schedule ("intend to meet regularly, at least
        # once in a year"): a meeting mechanism with no body noun.
        if not any(b.kind in ("meeting", "summit") or b.frequency for b in bodies):
            mm = re.search(
                r"\b(?:shall|will|would|agreed?\s+to|intends?\s+to|intend\s+to|plans?\s+to|undertakes?\s+to|decided\s+to|are\s+to)"
                r"\s+(?:\w+\s+){0,2}?(?:meet|convene|hold\s+(?:talks|consultations))\b",
                sent,
                re.I,
            )
            if mm and (freq or _REGULAR.search(sent[mm.end():mm.end() + 40])) and not any(
                b.start - s0 < mm.start() and not b.in_passing for b in bodies
            ):
                end = mm.end()
                fr = find_frequencies(sent[mm.start():])
                if fr:
                    end = mm.start() + fr[0][1]
                else:
                    rg = _REGULAR.search(sent, mm.end())
                    if rg:
                        end = rg.end()
                if freq or fr:
                    bodies.append(MechanismMention(s0 + mm.start(), s0 + end, sent[mm.start():end], "meeting", None,
                                                   freq, None, None, False, False))
                elif _REGULAR.search(sent[mm.end():mm.end() + 40]):
                    bodies.append(MechanismMention(s0 + mm.start(), s0 + end, sent[mm.start():end], "meeting", None,
                                                   None, None, None, False, False))
        out.extend(bodies)
    out.sort(key=lambda b: (b.start, b.end))
    return out


_LEFT_NAME = re.compile(rf"(?:(?:{_CAP_WORD}|{_LOWER_NAME})\s+){{1,8}}$")


def _iter_bodies(sent: str):
    """Yield (kind, start, end) of body noun phrases in a sentence.

    The head noun is found case-insensitively; the name around it is grown over
    capitalised / body-adjective words before it and a capitalised "of/for ..." tail."""
    head_rx, hgroups = _head_rx()
    pos = 0
    while True:
        h = head_rx.search(sent, pos)
        if not h:
            return
        kind = hgroups[h.lastgroup]  # type: ignore[index]
        # grow left over name words
        start = h.start()
        lo = max(0, start - 160)  # a name is at most eight words: no need to look further
        pm = _LEFT_NAME.search(sent[lo:start])
        if pm:
            start = lo + pm.start()
        end = h.end()
        tm = re.match(_TAIL, sent[end:])
        if tm and tm.end() > 0:
            end += tm.end()
        yield kind, start, end
        pos = max(h.end(), end)


def _merge_key(m: MechanismMention) -> tuple[str, str]:
    name = (m.name or "").lower()
    name = re.sub(r"\(s\)|\bthe\b|\brespective\b", "", name)
    name = re.sub(r"s\b", "", name)  # plural-insensitive
    name = re.sub(r"\W+", " ", name).strip()
    return m.kind, name


def merge_mechanisms(mentions: list[MechanismMention]) -> list[MechanismMention]:
    """One mention per distinct body, earliest mention first.

    Mentions of the same kind merge when their names match, or when one of them is
    unnamed ("the Committee" after "Joint Committee"). The merged mention is countable
    when any mention is (a body permitted in one sentence and tasked in the next is a
    mechanism); frequency and due period come from the first mention that has them."""
    merged: list[MechanismMention] = []
    for m in sorted(mentions, key=lambda x: (x.start, x.end)):
        k, n = _merge_key(m)
        target = None
        for i, g in enumerate(merged):
            gk, gn = _merge_key(g)
            if gk != k:
                continue
            if gn == n or not n or not gn or n in gn or gn in n:
                if m.in_passing != g.in_passing and n and gn and n != gn:
                    continue
                target = i
                break
        if target is None:
            merged.append(m)
            continue
        g = merged[target]
        merged[target] = replace(
            g,
            name=g.name or m.name,
            frequency=g.frequency or m.frequency,
            due_period=g.due_period or m.due_period,
            due_anchor=g.due_anchor or m.due_anchor,
            permitted_only=g.permitted_only and m.permitted_only,
            in_passing=g.in_passing and m.in_passing,
        )
    return merged
