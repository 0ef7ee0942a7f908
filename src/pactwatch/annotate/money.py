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
    "finditer_near",
]


@dataclass(frozen=True)
class MoneyMention:
    start: int
    end: int
    text: str
    amount: float
    currency: str
    # None, or why the sum is no flow between parties (see ``_background``):
    # "tariff_base" ("tariffs on $200 billion of goods"), "statistic" ("the trade
    # deficit, which peaked at $40 billion", "its $19 billion foreign debt")
    background: str | None = None


@dataclass(frozen=True)
class DurationMention:
    start: int
    end: int
    text: str
    years: float


def _data_lines(name: str):
    text = resources.files("pactwatch.annotate").joinpath("data", name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            yield line.rstrip("\r\n")


@functools.lru_cache(maxsize=1)
def _number_words() -> dict[str, tuple[float, str]]:
    table: dict[str, tuple[float, str]] = {}
    for line in _data_lines("number_words.tsv"):
        word, value, kind = (c.strip() for c in line.split("\t")[:3])
        table[word] = (float(value), kind)
        if kind == "scale_abbr":
            _ABBREVIATED.add(word)
            table[word] = (float(value), "scale")
    # "twenty-sixth", "thirty-first": the ordinal of a ten is built from its word.
    for word, (value, kind) in list(table.items()):
        if kind == "ten":
            table[word[:-1] + "ieth"] = (value, "ordinal")
    return table


_ABBREVIATED: set[str] = set()  # filled from number_words.tsv (kind "scale_abbr")


# Words that may appear in a spelled-out number (not the one-letter abbreviations,
# which only follow digits: "1.6bn", "$60m").
@functools.lru_cache(maxsize=2)
def number_word_pattern(article: bool = True) -> str:
    """A regex (no groups) matching one spelled-out number, e.g. "twenty-five", "a billion".

    With ``article=False`` a leading "a"/"an"/"one" is not taken in, so "a five-year
    deal" yields "five".
    """
    words = [w for w, (_, kind) in _number_words().items() if kind in ("unit", "ten", "scale") and len(w) >= 3]
    words = [w for w in words if w not in _ABBREVIATED]
    alt = "|".join(sorted(words, key=len, reverse=True))
    word = rf"(?:{alt})"
    lead = r"(?:(?:half\s+)?(?:a|an)\s+|one\s+)?" if article else ""
    return rf"{lead}{word}(?:(?:\s*-\s*|\s+(?:and\s+)?){word})*(?:\s+and\s+a\s+half)?"


_DIGITS = re.compile(
    r"^(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*(?P<rest>.*)$"
)
_SPLIT = re.compile(r"[\s\-]+")


def _words_value(tokens: list[str]) -> float | None:
    """Value of a run of number words: "nineteen hundred and ninety-one" -> 1991."""
    table = _number_words()
    total = 0.0
    current = 0.0
    seen = False
    prev_kind = ""
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
            # "two one" or "twenty thirty" are two numbers, not one
            if prev_kind in ("unit", "ordinal") or (prev_kind == "ten" and kind == "ten"):
                return None
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
        prev_kind = kind
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


# ---------------------------------------------------------------------------
# money

# Thousands separators in the western (1,200,000) and the Indian (12,00,000) style.
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?|\d+(?:\.\d+)?)"
# Scale words: one-letter forms only glued to the number ("$60m", "1.6bn").
_SCALE = (
    r"(?:\s*(?:bn|mn|tn|trn|m|b|k|K|M|B|BN|MN)(?![A-Za-z])"
    r"|[\s-]+(?:trillion|billion|million|thousand|crores?|lakhs?|trln|bln|mln|mn|bn|tn|cr"
    # headlines: "$40 Billion Deal", "100 MLN DLRS", "1.8 Bln Dlr"
    r"|Trillion|Billion|Million|Thousand|TRILLION|BILLION|MILLION|THOUSAND|Bln|Mln|BLN|MLN|BN|MN)(?![A-Za-z]))"
)


@functools.lru_cache(maxsize=1)
def _currency_table() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {
        "symbol": {}, "symbol_scaled": {}, "word": {}, "word_scaled": {}, "word_cents": {}, "code": {}
    }
    for line in _data_lines("currencies.tsv"):
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) < 3 or cols[1] not in table:
            continue
        table[cols[1]].setdefault(cols[2], cols[0])
    return table


def _alt(forms) -> str:
    return "|".join(re.escape(f).replace(r"\ ", r"\s?") for f in sorted(forms, key=len, reverse=True))


_SPACE = re.compile(r"\s")


def finditer_near(text: str, anchor: re.Pattern[str], pattern: re.Pattern[str], before: int, after: int):
    """``pattern.finditer`` run only in windows around ``anchor`` hits.

    Every expression these finders read contains its anchor (a currency word, a
    unit), so scanning the rest of a long article with the full pattern is wasted.
    Windows end on whitespace so a look-ahead never sees a token cut in half.
    """
    n = len(text)
    spans: list[list[int]] = []
    for a in anchor.finditer(text):
        lo = max(0, a.start() - before)
        hi = min(n, a.end() + after)
        if spans and lo <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], hi)
        else:
            spans.append([lo, hi])
    seen: set[tuple[int, int]] = set()
    for lo, hi in spans:
        if hi < n:
            sp = _SPACE.search(text, hi)
            hi = sp.start() if sp else n
        if lo > 0:
            sp = text.rfind(" ", 0, lo)
            lo = sp + 1 if sp >= 0 else 0
        for m in pattern.finditer(text, lo, hi):
            if m.span() not in seen:
                seen.add(m.span())
                yield m


@functools.lru_cache(maxsize=1)
def _money_anchors() -> tuple[re.Pattern[str], re.Pattern[str]]:
    t = _currency_table()
    words = list(t["word"]) + list(t["word_scaled"]) + list(t["word_cents"]) + list(t["code"])
    word_alt = "|".join(re.escape(w.split()[-1]) for w in sorted(words, key=len, reverse=True))
    sym_alt = _alt(list(t["symbol"]) + list(t["symbol_scaled"]) + list(t["code"]))
    return re.compile(rf"(?:{sym_alt})(?=\s?\d)"), re.compile(rf"(?<![\w])(?:{word_alt})(?![\w])")


@functools.lru_cache(maxsize=1)
def _money_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    t = _currency_table()
    words = dict(t["word"])
    words.update(t["word_scaled"])
    words.update(t["word_cents"])
    words.update(t["code"])
    word_alt = "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True)
    )
    sym_alt = _alt(list(t["symbol"]) + list(t["symbol_scaled"]) + list(t["code"]))
    symbol_first = re.compile(
        rf"(?<![\w$€£¥])(?P<sym>{sym_alt})\s?(?P<n1>{_NUM})"
        rf"(?:\s*(?:-|–|to)\s*(?:{sym_alt})?\s?(?P<n2>{_NUM}))?(?P<scale>{_SCALE})?"
        rf"(?:\s+(?P<word>{word_alt})(?![\w]))?(?![\w%]|[.,]\d)"
    )
    numwords = number_word_pattern()
    word_last = re.compile(
        rf"(?<![\w.,$€£¥])(?:(?P<n1>{_NUM})(?:\s*(?:-|–|to)\s*(?P<n2>{_NUM}))?(?P<scale>{_SCALE})?|(?P<nw>{numwords}))"
        rf"\s+(?P<word>{word_alt})(?![\w])"
    )
    return symbol_first, word_last


def _range_ok(m: re.Match[str]) -> bool:
    if not m.group("n2"):
        return True
    try:
        return float(m.group("n1").replace(",", "")) < float(m.group("n2").replace(",", ""))
    except ValueError:
        return False


def _scale_value(scale: str | None) -> float | None:
    if not scale:
        return 1.0
    s = scale.strip(" -\t\n").lower()
    v = _number_words().get(s)
    if v is None or v[1] != "scale":
        return None
    return v[0]


def _norm_word(word: str) -> str:
    return " ".join(word.split())


def find_money(text: str) -> list[MoneyMention]:
    """Sums of money with their ISO 4217 currency, sorted by start.

    A range ("$1-2 billion", "$1 to 2 billion") is one mention whose amount is its
    lower bound: the text only promises that much. A sum in a currency word that
    several states use ("dinars", "pesos") without a qualifier is skipped.
    """
    if not text or not isinstance(text, str):
        return []
    symbol_first, word_last = _money_patterns()
    t = _currency_table()
    cands: list[tuple[int, int, float, str]] = []
    sym_anchor, word_anchor = _money_anchors()
    for m in finditer_near(text, sym_anchor, symbol_first, 12, 80):
        sym = " ".join(m.group("sym").split())
        needs_scale = sym in t["symbol_scaled"]
        cur = t["symbol"].get(sym) or t["symbol_scaled"].get(sym) or t["code"].get(sym)
        if cur is None:
            sym_key = sym.replace(" ", "")
            cur = next((c for f, c in t["symbol"].items() if f.replace(" ", "") == sym_key), None)
        if cur is None:
            continue
        if not _range_ok(m):
            continue
        scale = _scale_value(m.group("scale"))
        if scale is None:
            continue
        try:
            amount = float(m.group("n1").replace(",", "")) * scale
        except ValueError:
            continue
        end = m.end()
        word = m.group("word")
        if word:
            w = _norm_word(word)
            wcur = t["word"].get(w) or t["word_scaled"].get(w) or t["code"].get(w)
            if wcur not in (cur, None, "-"):
                # "$5 million euros" is not one sum in two currencies: stop before the word
                end = m.end("scale") if m.group("scale") else m.end("n2") if m.group("n2") else m.end("n1")
        if needs_scale and not m.group("scale") and amount < 1000 and "," not in m.group("n1"):
            continue
        cands.append((m.start(), end, amount, cur))
    for m0 in finditer_near(text, word_anchor, word_last, 120, 30):
        m = m0
        if m.group("n1") and not _range_ok(m):
            # "fell in 1986 to 15.995 billion dlrs": the year is no lower bound
            m = word_last.match(text, m.start("n2"))
            if m is None:
                continue
        word = _norm_word(m.group("word"))
        cur = t["word"].get(word) or t["word_cents"].get(word) or t["code"].get(word)
        scaled_only = cur is None and word in t["word_scaled"]
        if scaled_only:
            cur = t["word_scaled"][word]
        if cur is None or cur == "-":
            continue
        if m.group("nw"):
            first = re.split(r"[\s-]+", m.group("nw").strip())[0].lower()
            if _number_words().get(first, (0, "unit"))[1] == "scale":
                continue  # "billion dollar company": an adjective, not a sum
            amount = parse_number(m.group("nw"))
            has_scale = any(_number_words().get(w.lower(), (0, ""))[1] == "scale" and w.lower() != "hundred"
                            for w in re.split(r"[\s-]+", m.group("nw")))
            if amount is None:
                continue
        else:
            scale = _scale_value(m.group("scale"))
            if scale is None:
                continue
            has_scale = bool(m.group("scale"))
            try:
                amount = float(m.group("n1").replace(",", "")) * scale
            except ValueError:
                continue
        if scaled_only and not has_scale:
            continue
        if word in t["word_cents"]:
            amount *= 0.01
        cands.append((m.start(), m.end(), amount, cur))
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int, float, str]] = []
    for c in cands:
        if any(not (c[1] <= x[0] or c[0] >= x[1]) for x in taken):
            continue
        taken.append(c)
    taken.sort()
    return [MoneyMention(s, e, text[s:e], float(a), cur, _background(text, s, e)) for s, e, a, cur in taken]


# "tariffs on (an additional) $200 billion (worth) of/in Chinese goods"
_TARIFF_BEFORE = re.compile(
    r"(?i)\b(?:tariffs?|duties|dut(?:y|ies)\s+increases?|levies|sanctions)\s+(?:on|covering|against)\s+"
    r"(?:about\s+|some\s+|roughly\s+|nearly\s+|almost\s+|around\s+|more\s+than\s+|over\s+|up\s+to\s+|another\s+|"
    r"an?\s+(?:additional|further|extra|other)\s+|the\s+(?:remaining|rest\s+of\s+the)\s+)*$")
_GOODS_AFTER = re.compile(r"(?i)^\s+(?:worth\s+of|of|in)\s+(?:\w+\s+){0,2}?(?:goods|imports|exports|products|merchandise)\b")
# "the deficit, which peaked at $40 billion", "foreign debt of 19 billion dlrs",
# "trade reached $90 billion last year": a level, not a sum that flows
_STAT_NOUN = (r"(?:deficits?|surplus(?:es)?|(?:foreign|external|public|national|total)\s+debt|debts?|reserves|GDP|"
              r"gross\s+domestic\s+product|output|turnover|trade\s+volume|(?:bilateral|two-way)\s+trade|"
              r"market\s+capitali[sz]ation|revenues?|profits?)")
_STAT_BEFORE = re.compile(
    r"(?i)\b" + _STAT_NOUN + r"(?:\s*,?\s*(?:which|that)?\s*(?:had\s+|has\s+)?)?\s*"
    r"(?:of|at|to|(?:peaked|stood|totall?ed|totals|amounted|amounts|reached|reaches|rose|grew|fell|dropped|"
    r"declined|widened|narrowed|swelled|ballooned|climbed|jumped)(?:\s+(?:at|to|by))?|is|was|were|hit)\s+"
    r"(?:about\s+|some\s+|roughly\s+|nearly\s+|almost\s+|around\s+|more\s+than\s+|over\s+|a\s+record\s+)*$")
_STAT_PRE_NOUN = re.compile(r"(?i)^\s+(?:(?!of\b|in\b|for\b)\w+\s+)?" + _STAT_NOUN + r"\b(?!\s+(?:relief|rescheduling|"
                            r"restructuring|refinancing|swaps?|deals?|agreements?|reduction|write-?offs?|forgiveness|"
                            r"cancellation|payments?|service|servicing|buyback|conversion))")


def _background(text: str, s: int, e: int) -> str | None:
    before = text[max(0, s - 80):s]
    after = text[e:e + 60]
    if _TARIFF_BEFORE.search(before) and (_GOODS_AFTER.match(after) or re.search(r"(?i)\bon\s+$", before)):
        return "tariff_base"
    if _STAT_BEFORE.search(before) or _STAT_PRE_NOUN.match(after):
        return "statistic"
    return None


# ---------------------------------------------------------------------------
# durations (an agreement's term)
#
# Read: "for a period of 10 years", "10-year"/"ten-year <noun>", "valid for five
# years", "remain in force for ten years", "term of three years", "over the next
# decade", "for six months" (0.5), "a 2023-2029 MoU" (7, inclusive, only right
# before an agreement noun). Not read, because they date an event or measure a
# past stretch rather than give a term: "10 years ago", "for the past 10 years",
# "in 10 years' time", "within five years", "a 10-year-old", "10-year bonds",
# "jailed for five years".


@functools.lru_cache(maxsize=1)
def _duration_words() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {"agreement": set(), "not_term": set(), "personal": set(), "function": set()}
    for line in _data_lines("duration_words.tsv"):
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) >= 2 and cols[0] in table:
            table[cols[0]].add(cols[1])
    return {k: frozenset(v) for k, v in table.items()}


_UNIT_YEARS = {"year": 1.0, "month": 1.0 / 12.0, "decade": 10.0}


@functools.lru_cache(maxsize=1)
def _duration_patterns() -> dict[str, re.Pattern[str]]:
    words = number_word_pattern(article=False)
    num = rf"(?P<n>\d{{1,3}}(?:\.\d+)?|(?:{words}|a|an|one)(?:\s*\(\d{{1,3}}\))?)"
    unit = r"(?P<u>years?|months?|decades?)"
    agreement = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(_duration_words()["agreement"], key=len, reverse=True))
    return {
        "adjectival": re.compile(
            rf"(?<![\w/.-])(?P<n>\d{{1,3}}(?:\.\d+)?|{words})(?P<sep>[\s-])(?P<u>year|month|decade)(?:[\s-]long)?(?![\w])(?!-old|-olds)",
            re.IGNORECASE,
        ),
        "for": re.compile(
            rf"(?<![\w])(?:(?:valid|in\s+force|in\s+effect|effective|lasts?|lasting|runs?|running|extended|renewed|"
            rf"renewable|remains?\s+(?:in\s+force|valid|in\s+effect)|continue|continues|applies|apply)\s+)?"
            rf"for\s+(?:(?:a|an|the)\s+(?:further\s+|additional\s+|initial\s+|total\s+|fixed\s+|minimum\s+|maximum\s+|"
            rf"subsequent\s+|successive\s+)?(?:period|term|duration)s?\s+of\s+|(?:successive|consecutive)\s+periods\s+of\s+|"
            rf"(?:another|a\s+further|an\s+additional|the\s+next|the\s+coming|up\s+to|at\s+least)\s+)?"
            rf"{num}\s+(?:more\s+|additional\s+|further\s+|consecutive\s+)?{unit}(?![\w])",
            re.IGNORECASE,
        ),
        "term_of": re.compile(
            rf"(?<![\w])(?:term|period|duration|validity|lifetime)\s+of\s+(?:up\s+to\s+|at\s+least\s+)?{num}\s+{unit}(?![\w])",
            re.IGNORECASE,
        ),
        "next": re.compile(
            rf"(?<![\w])(?:over|for|during|across)\s+the\s+(?:next|coming|following)\s+(?:{num}\s+)?{unit}(?![\w])",
            re.IGNORECASE,
        ),
        "span": re.compile(
            rf"(?<![\w/.-])(?P<y1>(?:19|20)\d\d)\s*[-\u2013\u2014]\s*(?P<y2>(?:19|20)?\d\d)(?![\w/.-]|\.\d)"
            rf"(?=(?:\s+[A-Z][\w'\u2019&-]*){{0,5}}\s+(?:{agreement})(?![\w]))"
        ),
    }


_UNIT_ANCHOR = re.compile(r"(?=[ymdYMD])(?:years?|months?|decades?|YEARS?|MONTHS?|DECADES?|Years?|Months?|Decades?)(?![A-Za-z])")
_SPAN_ANCHOR = re.compile(r"(?=[12])(?<!\d)(?:19|20)\d\d\s*[-\u2013\u2014]\s*\d\d")
_AFTER_WORD = re.compile(r"[\s-]+([A-Za-z]+(?:\s+(?:old|boy|girl|man|woman))?)")
_SENTENCE_START = re.compile(r"[.!?]\s")


def _num_value(s: str | None) -> float | None:
    if s is None:
        return 1.0
    s = re.sub(r"\s*\(\d+\)$", "", s.strip())
    if s.lower() in ("a", "an"):
        return 1.0
    return parse_number(s)


def find_durations(text: str) -> list[DurationMention]:
    """Durations that can be an agreement's term, in years (months as fractions), sorted."""
    if not text or not isinstance(text, str):
        return []
    pats = _duration_patterns()
    dw = _duration_words()
    cands: list[tuple[int, int, float]] = []
    for kind, pat in pats.items():
        anchor = _SPAN_ANCHOR if kind == "span" else _UNIT_ANCHOR
        for m in finditer_near(text, anchor, pat, 120, 40 if kind != "span" else 160):
            if kind == "span":
                y1 = int(m.group("y1"))
                y2s = m.group("y2")
                y2 = int(y2s) if len(y2s) == 4 else (y1 // 100) * 100 + int(y2s)
                if not 1 <= y2 - y1 <= 50:
                    continue
                cands.append((m.start(), m.end(), float(y2 - y1 + 1)))
                continue
            if m.group("n") is None and m.group("u").lower().endswith("s"):
                continue  # "over the coming years": no number, no term
            n = _num_value(m.group("n"))
            if n is None or n <= 0 or n > 200:
                continue
            unit = m.group("u").lower().rstrip("s")
            years = n * _UNIT_YEARS[unit]
            if kind == "adjectival":
                after = _AFTER_WORD.match(text, m.end())
                if after and m.group("sep") != "-" and after.group(1).lower() in dw["function"]:
                    continue  # "two year ago", "10 year or so": no noun follows
                if after and (after.group(1) in dw["not_term"] or after.group(1).split()[0] in dw["not_term"]):
                    continue
                if not after:
                    continue  # "for ten years." is read by the other patterns
            if kind == "for":
                lo = max(0, m.start() - 60)
                window = text[lo:m.start()]
                sm = None
                for sm in _SENTENCE_START.finditer(window):
                    pass
                if sm is not None:
                    window = window[sm.end():]
                if any(w in dw["personal"] for w in re.findall(r"[A-Za-z]+", window)[-4:]):
                    continue
                tail = text[m.end():m.end() + 12]
                if re.match(r"\s+(?:ago|earlier|before|old|of\s+age|in\s+prison|in\s+jail)\b", tail):
                    continue
            cands.append((m.start(), m.end(), years))
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int, float]] = []
    for c in cands:
        if any(not (c[1] <= x[0] or c[0] >= x[1]) for x in taken):
            continue
        taken.append(c)
    taken.sort()
    return [DurationMention(s, e, text[s:e], round(y, 6)) for s, e, y in taken]
