"""Relative terms of a mechanism read back from its evidence passage.

The record's ``Mechanism`` keeps only the computed ``due`` date, which is null while the
anchor ("from the signing") is unknown.  To turn "Within three months from the signing of
the present Charter, the respective Working Groups intend to decide on the list of projects
and roadmaps" into a deadline the day the signing date is learned, the tracker needs the
period (P3M), the anchor (signing) and the task.  The extractor's
``pactwatch.annotate.mechanisms.find_mechanisms`` reports ``due_period``/``due_anchor`` on
its mentions; when that module is available its answer is used, otherwise (or when it
finds no term) the narrow patterns below read the few phrasings treaties use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER_WORDS = {
    "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24,
    "thirty": 30, "sixty": 60, "ninety": 90,
}
UNITS = {"day": "D", "week": "W", "month": "M", "year": "Y"}
ANCHORS = (
    (re.compile(r"entry\s+into\s+force|entering\s+into\s+force", re.I), "entry_into_force"),
    (re.compile(r"sign(?:ing|ature)|conclusion", re.I), "signing"),
)
_NUM = r"(\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_TERM = re.compile(
    r"\b(?:within|no\s+later\s+than|not\s+later\s+than|in\s+the\s+first)\s+" + _NUM
    + r"\s*(?:\(\d+\)\s*)?(day|week|month|year)s?\s+"
    r"(?:from|of|after|following)\s+(?:the\s+)?(?:date\s+of\s+(?:the\s+)?)?"
    r"(sign(?:ing|ature)|entry\s+into\s+force|conclusion)",
    re.I,
)
# "... the Working Groups intend to decide on the list of projects ..." -> the task.
_TASK = re.compile(
    r"\b(?:shall|will|intend\s+to|intends\s+to|are\s+to|is\s+to|agree\s+to|undertake\s+to|should)\s+"
    r"([^.;]{4,200})", re.I)


@dataclass(frozen=True)
class Term:
    period: str            # ISO 8601 duration, e.g. P3M
    anchor: str            # "signing" | "entry_into_force"
    task: str | None       # what is to be done by then
    start: int             # offsets of the term phrase in the passage
    end: int


def _anchor_of(word: str) -> str:
    for rx, name in ANCHORS:
        if rx.search(word):
            return name
    return "signing"


def _task_near(passage: str, start: int, end: int) -> str | None:
    """The verb phrase of the sentence holding the term (``decide on the list of projects``)."""
    s = passage.rfind(".", 0, start) + 1
    e = passage.find(".", end)
    sentence = passage[s:e if e >= 0 else len(passage)]
    m = _TASK.search(sentence)
    return re.sub(r"\s+", " ", m.group(1)).strip() if m else None


def regex_terms(passage: str) -> list[Term]:
    out = []
    for m in _TERM.finditer(passage):
        raw = m.group(1).lower()
        n = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
        period = f"P{n}{UNITS[m.group(2).lower()]}"
        out.append(Term(period, _anchor_of(m.group(3)), _task_near(passage, m.start(), m.end()), m.start(), m.end()))
    return out


def _extractor_terms(passage: str) -> list[Term] | None:
    """Terms from the extractor's mechanism finder, or None when it is not available."""
    try:
        from pactwatch.annotate.mechanisms import find_mechanisms  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        mentions = find_mechanisms(passage)
    except TypeError:  # a signature we do not know: fall back rather than guess arguments
        return None
    out = []
    for mm in mentions or ():
        period = getattr(mm, "due_period", None)
        if not period:
            continue
        anchor = getattr(mm, "due_anchor", None) or "signing"
        start = getattr(mm, "start", 0) or 0
        end = getattr(mm, "end", start) or start
        out.append(Term(period, _anchor_of(anchor) if anchor not in ("signing", "entry_into_force") else anchor,
                        getattr(mm, "task", None) or _task_near(passage, start, end), start, end))
    return out


def read_terms(passage: str) -> list[Term]:
    """Every relative due term in ``passage`` (extractor first, patterns as fallback)."""
    found = _extractor_terms(passage)
    return found if found else regex_terms(passage)


__all__ = ["Term", "read_terms", "regex_terms"]
