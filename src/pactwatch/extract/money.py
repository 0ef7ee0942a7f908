"""Sums of money, agreement durations, and the number parser both rely on.

Currencies, scale words and number words come from ``data/currencies.tsv`` and
``data/number_words.tsv``; the finders are a handful of precompiled regular
expressions built from those lists, run once over the text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

__all__ = [
    "MoneyMention",
    "DurationMention",
    "find_money",
    "find_durations",
    "parse_number",
    "number_word_pattern",
]


@dataclass(frozen=True)
class MoneyMention:
    start: int
    end: int
    text: str
    amount: float
    currency: str


@dataclass(frozen=True)
class DurationMention:
    start: int
    end: int
    text: str
    years: float


def _data_lines(name: str):
    text = resources.files("pactwatch.extract").joinpath("data", name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            yield line.rstrip("\r\n")


@functools.lru_cache(maxsize=1)
def _number_words() -> dict[str, tuple[float, str]]:
    table: dict[str, tuple[float, str]] = {}
    for line in _data_lines("number_words.tsv"):
        word, value, kind = (c.strip() for c in line.split("\t")[:3])
        table[word] = (float(value), kind)
    # "twenty-sixth", "thirty-first": the ordinal of a ten is built from its word.
    for word, (value, kind) in list(table.items()):
        if kind == "ten":
            table[word[:-1] + "ieth"] = (value, "ordinal")
    return table


_ABBREVIATED_SCALES = {"mln", "bln", "trln", "lac", "lakhs", "crores", "bn", "mn", "tn", "cr", "m", "b", "k"}


# Words that may appear in a spelled-out number (not the one-letter abbreviations,
# which only follow digits: "1.6bn", "$60m").
@functools.lru_cache(maxsize=1)
def number_word_pattern() -> str:
    """A regex alternation (no groups) matching one spelled-out number, e.g. "twenty-five"."""
    words = [w for w, (_, kind) in _number_words().items() if kind in ("unit", "ten", "scale") and len(w) >= 3]
    words = [w for w in words if w not in _ABBREVIATED_SCALES]
    alt = "|".join(sorted(words, key=len, reverse=True))
    word = rf"(?:{alt})"
    return rf"(?:(?:a|an|one)\s+)?{word}(?:(?:\s*-\s*|\s+(?:and\s+)?){word})*(?:\s+and\s+a\s+half)?"


_DIGITS = re.compile(
    r"^(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*(?P<rest>.*)$"
)
_SPLIT = re.compile(r"[\s\-]+")


def _words_value(tokens: list[str]) -> float | None:
    """Value of a run of number words: "nineteen hundred and ninety-one" -> 1991."""
    table = _number_words()
    total = 0.0
    current = 0.0
    seen = False
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok in ("and", "&"):
            if i + 2 < len(tokens) and tokens[i + 1] in ("a", "an") and tokens[i + 2] == "half":
                current += 0.5
                i += 3
                seen = True
                continue
            i += 1
            continue
        if tok in ("a", "an"):
            # "a dozen", "a billion", "a half"
            if i + 1 < len(tokens) and tokens[i + 1] in table and table[tokens[i + 1]][1] in ("scale", "frac"):
                current = current or 1.0
                i += 1
                seen = True
                continue
            return None
        entry = table.get(tok)
        if entry is None:
            return None
        value, kind = entry
        if kind in ("unit", "ten", "ordinal"):
            current += value
        elif kind == "frac":
            current = (current or 1.0) * value
        elif kind == "scale":
            if value == 100:
                current = (current or 1.0) * 100
            else:
                total += (current or 1.0) * value
                current = 0.0
        seen = True
        i += 1
    return total + current if seen else None


def parse_number(text: str) -> float | None:
    """A number written with digits, words or both: "ten", "1,200", "a dozen", "1.6bn", "2.5 million"."""
    if not text or not isinstance(text, str):
        return None
    s = text.strip().lower().replace("\u2019", "'")
    s = s.strip(" .,;:()")
    if not s or len(s) > 200:
        return None
    m = _DIGITS.match(s)
    if m:
        try:
            value = float(m.group("num").replace(",", ""))
        except ValueError:
            return None
        rest = m.group("rest").strip()
        if not rest:
            return value
        tokens = [t for t in _SPLIT.split(rest) if t]
        table = _number_words()
        mult = 1.0
        for tok in tokens:
            entry = table.get(tok)
            if entry is None or entry[1] != "scale":
                return None
            mult *= entry[0]
        return value * mult
    tokens = [t for t in _SPLIT.split(s) if t]
    return _words_value(tokens)
