"""ATOP obligations: defense and consultation pledges, and their explicit denials.

``find_pledges`` returns ``PledgeMention(kind, value)`` for

* kind ``defense``: ``True`` when a party pledges military support if the other is
  attacked ("an armed attack against one shall be considered an attack against both",
  "come to each other's aid if attacked", "mutual defense treaty"); ``False`` when the
  text says the agreement has no such pledge ("does not include a mutual defense
  clause", "falls short of a mutual defence commitment", "no Article 5-style guarantee");
* kind ``consultation``: ``True`` for a pledge to consult in a crisis or after an attack
  ("will hold consultations within 24 hours in case of an attack"), ``False`` when
  explicitly denied.

Work is per sentence: a denial of a kind in a sentence silences the affirmative cues of
the same kind there ("does not include a mutual defense clause, which would obligate
signatories to defend Ukraine" is one denial, not a denial and a pledge). Which
agreement a pledge belongs to is for assembly to decide from the offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pactwatch.annotate.mechanisms import sentence_spans


@dataclass(frozen=True)
class PledgeMention:
    start: int
    end: int
    text: str
    kind: str  # "defense" | "consultation"
    value: bool


_F = re.IGNORECASE

# What a defense pledge is called when a text names it rather than quoting it.
_DEF_NOUN = (
    r"(?:mutual[- ]defen[cs]e|mutual[- ]security(?=\s+(?:treaty|pact|alliance|agreement|guarantee|clause|commitment))|collective[- ]defen[cs]e)"
    r"(?:\s+(?:clause|commitment|pledge|guarantee|obligation|provision|treaty|pact|agreement|alliance|arrangement|article|promise))?"
    # a bare "Article 5" is any treaty's fifth article ("ARTICLE 5 Scope", GATT "Article
    # V"): only NATO's, or one qualified as a guarantee, is the defence pledge
    r"|Article\s+(?:5|V|Five)(?![\dIVX\w])(?:[- ]style|[- ]like|[- ]type)(?:\s+(?:guarantee|commitment|protection|clause|obligation|pledge|provision|security\s+guarantee))?"
    r"|Article\s+(?:5|V|Five)(?![\dIVX\w])\s+(?:guarantee|commitment|protection|clause|obligation|pledge|security\s+guarantee)s?"
    r"|(?:NATO|(?:North\s+)?Atlantic\s+(?:alliance|treaty)|the\s+alliance)(?:'s|’s)?\s+(?:\w+\s+){0,3}?Article\s+(?:5|V|Five)(?![\dIVX\w])"
    r"|Article\s+(?:5|V|Five)(?![\dIVX\w])\s+of\s+(?:the\s+)?(?:NATO|North\s+Atlantic|Washington)\s+(?:treaty|charter|pact)"
    r"|(?:defen[cs]e|security)\s+(?:guarantee|commitment|obligation|clause|pledge)s?(?=\s+(?:to|for)\s+(?:defend|come))"
    r"|(?:obligation|commitment|pledge|obligations)\s+to\s+(?:militarily\s+)?defend\s+(?:each\s+other|one\s+another|the\s+other|(?:every|each|its|their|an?)\s+all(?:y|ies)|all(?:y|ies)|(?:[A-Z][\w.]+\s+){1,2}(?:if|in\s+case|against|should))"
    r"|(?:military|armed)\s+(?:support|assistance|intervention)\s+(?:in|if)\s+(?:case|the\s+event)?\s*(?:of\s+)?(?:an?\s+)?(?:armed\s+)?(?:attack|aggression)"
)
_DEF_TRUE = re.compile(
    # "an armed attack against one ... shall be considered an attack against both/all"
    r"(?:armed\s+)?attack\s+(?:against|on|upon)\s+(?:one|either|any|a)\b[^.;]{0,120}?\b(?:considered|deemed|regarded|treated|seen)\s+(?:as\s+)?an?\s+(?:armed\s+)?attack\s+(?:against|on|upon)\s+(?:both|all|them\s+all|the\s+other|each|every|the\s+two|both\s+parties|all\s+of\s+them)"
    # "treat an attack on X as an attack on Y"
    r"|treat(?:s|ed|ing)?\s+an?\s+(?:armed\s+)?attack\s+(?:on|against)\s+[^.;]{1,60}?\s+as\s+an?\s+(?:armed\s+)?attack\s+(?:on|against)"
    # "come to each other's aid if attacked"
    r"|come\s+to\s+(?:each\s+other'?s?|one\s+another'?s?|the\s+other'?s?|(?:its|their|the)\s+(?:partner'?s?|ally'?s?|allies'?))\s+(?:aid|assistance|defen[cs]e|rescue|help)"
    r"|(?:defend|protect|assist|help)\s+(?:each\s+other|one\s+another|the\s+other\s+(?:party|side|country))\s+(?:militarily\s+)?(?:if|in\s+case|in\s+the\s+event|against)\b[^.;]{0,40}?(?:attack|aggression|invasion)"
    # "provide (immediate) military assistance in case of aggression"
    r"|(?:provide|render|extend|give|offer)\s+(?:each\s+other\s+|the\s+other\s+(?:party|side)\s+)?(?:immediate\s+|all\s+(?:necessary\s+)?|full\s+)?(?:military|armed|defen[cs]e)\s+(?:assistance|aid|support|help)\b[^.;]{0,60}?\b(?:in\s+(?:the\s+)?case\s+of|in\s+the\s+event\s+of|if|should|against|when)\b[^.;]{0,40}?(?:attack|aggression|invasion)\w*"
    # crisis first: "in case one of the Parties is subjected to an armed attack ..., the
    # other Party shall immediately provide military and other assistance"
    r"|(?:in\s+(?:the\s+)?case|in\s+the\s+event|if|should|when)\b[^.;]{0,80}?(?:attack|aggression|invasion|state\s+of\s+war)\w*[^.;]{0,120}?\b(?:provide|render|extend|give|offer)\s+(?:\w+\s+){0,3}?(?:military|armed)\s+(?:and\s+other\s+)?(?:assistance|aid|support|help)"
    r"|(?:militarily\s+)?defend\s+[^.;]{1,40}?\s+in\s+the\s+event\s+of\s+(?:an?\s+)?(?:armed\s+)?(?:attack|aggression|invasion)"
    r"|" + _DEF_NOUN,
    _F,
)
# A denial: a negating frame, then (within the clause) a defense-pledge noun.
_DEF_FALSE = re.compile(
    r"(?:(?:does|do|did|will|would|should|shall|could)\s+not|doesn'?t|don'?t|didn'?t|won'?t|wouldn'?t|isn'?t|is\s+not|are\s+not|was\s+not|were\s+not|not)\s+"
    r"(?:\w+\s+){0,2}?(?:include|contain|provide(?:\s+for)?|offer|carry|amount\s+to|constitute|commit\s+\w+\s+to|commit|oblige|obligate|require|extend|entail|give|feature|establish|create|be|mean|have|bind\s+\w+\s+to)\b"
    r"[^.;]{0,60}?(?:" + _DEF_NOUN + r"|defen[cs]e\s+(?:pact|treaty|alliance)|military\s+alliance|come\s+to\s+\S+\s+(?:aid|defen[cs]e))"
    r"|(?:falls?|fell|falling|stops?|stopped|stopping)\s+short\s+of\s+(?:an?\s+|the\s+|any\s+)?(?:\w+\s+){0,3}?(?:" + _DEF_NOUN + r"|defen[cs]e\s+(?:pact|treaty|alliance)|military\s+alliance|(?:security\s+)?guarantees?)"
    r"|(?:\bno|without(?:\s+an?|\s+any)?|lacks?(?:\s+an?|\s+any)?|lacking(?:\s+an?|\s+any)?|absence\s+of(?:\s+an?|\s+any)?|nor\s+an?|rather\s+than\s+an?)\s+(?:\w+\s+){0,2}?(?:" + _DEF_NOUN + r")"
    r"|not\s+an?\s+(?:mutual\s+)?(?:defen[cs]e\s+(?:pact|treaty|alliance)|military\s+alliance)",
    _F,
)

# Consultation pledges: a consult word and a crisis word in the same clause.
_CONSULT = r"(?:consult(?:s|ed|ing)?|consultations?)"
_CRISIS = (
    r"(?:(?:an?\s+|any\s+|the\s+|future\s+|potential\s+|possible\s+|new\s+|renewed\s+)*(?:armed\s+)?(?:attack(?:ed|s)?|aggression|invasion|hostilities|armed\s+conflict)"
    r"|threat(?:s|ened)?\s+(?:to|against)\s+(?:the\s+|its\s+|their\s+|either'?s?\s+)?(?:security|sovereignty|territorial\s+integrity|independence|peace)"
    r"|(?:security|military)\s+(?:crisis|crises|threats?|emergency)|(?:is|are|be)\s+threatened"
    r"|(?:faces?|facing|poses?|under)\s+(?:an?\s+)?(?:\w+\s+)?threat|threat\s+of\s+(?:aggression|attack|war|force|invasion)|state\s+of\s+war)"
)
_CONS_TRUE = re.compile(
    _CONSULT + r"\b[^.;]{0,100}?\b(?:in\s+(?:the\s+)?case\s+of|in\s+the\s+event\s+(?:of|that)|following|after|if|when|should|upon|on)\b[^.;]{0,50}?" + _CRISIS
    + r"|(?:in\s+(?:the\s+)?case\s+of|in\s+the\s+event\s+(?:of|that)|following|after|if|should|when)\b[^.;]{0,50}?" + _CRISIS + r"[^.;]{0,80}?\b" + _CONSULT,
    _F,
)
_CONS_FALSE = re.compile(
    r"(?:(?:does|do|did|will|would)\s+not|doesn'?t|won'?t|no|without(?:\s+an?|\s+any)?)\s+(?:\w+\s+){0,3}?(?:obligation|commitment|requirement|provision|pledge|mechanism)?\s*(?:to\s+|for\s+)?"
    + _CONSULT + r"\b[^.;]{0,80}?" + _CRISIS,
    _F,
)
# Trade-treaty consultations ("consultations on the situation ... serious disturbance")
# have no crisis word and stay out; this guards "emergency action on imports" too.
_NOT_SECURITY = re.compile(r"\b(?:emergency\s+(?:action|measures?|safeguards?)|financial\s+crisis|economic\s+crisis|balance[- ]of[- ]payments)\b", _F)


_PLEDGE_MODAL = re.compile(
    r"\b(?:shall|will|would|must|agree[ds]?|agreeing|commit(?:s|ted|ment)?|pledge[sd]?|undertakes?|undertook|obliged?|obligat\w+|bound|vow(?:s|ed)?|promise[sd]?)\b",
    _F,
)


def find_pledges(text: str) -> list[PledgeMention]:
    if not isinstance(text, str) or not text:
        return []
    out: list[PledgeMention] = []
    for s0, e0 in sentence_spans(text):
        sent = text[s0:e0]
        if len(sent) > 4000:
            sent = sent[:4000]
        found: list[tuple[int, int, str, bool]] = []
        denials = [(m.start(), m.end()) for m in _DEF_FALSE.finditer(sent)]
        for a, b in denials:
            found.append((a, b, "defense", False))
        if not denials:
            for m in _DEF_TRUE.finditer(sent):
                found.append((m.start(), m.end(), "defense", True))
        c_denials = [(m.start(), m.end()) for m in _CONS_FALSE.finditer(sent)]
        for a, b in c_denials:
            found.append((a, b, "consultation", False))
        # a pledge needs a commitment: "Turkey called for consultations after the
        # attacks" is a request, not an obligation
        if not c_denials and not _NOT_SECURITY.search(sent) and _PLEDGE_MODAL.search(sent):
            for m in _CONS_TRUE.finditer(sent):
                found.append((m.start(), m.end(), "consultation", True))
        for a, b, kind, val in found:
            if b > a:
                out.append(PledgeMention(s0 + a, s0 + b, sent[a:b], kind, val))
    out.sort(key=lambda p: (p.start, p.end, p.kind))
    return out
