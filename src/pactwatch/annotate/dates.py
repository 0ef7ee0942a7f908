"""Absolute and relative dates, resolved against the publication date.

Values keep the precision the text gives: "YYYY", "YYYY-MM" or "YYYY-MM-DD".
A relative expression ("on Tuesday", "last month", "Jan. 9" with no year) is
resolved only when the publication date is known; otherwise its value is None.

Direction of a relative date comes from the tense of its sentence: the tense cue
(``data/tense_cues.tsv``, or any -ed verb for the past) nearest to the mention
wins. With no cue, the occurrence nearest to the publication date is taken.

Weekday rule (tested): a weekday name in a past-tense sentence is the most recent
such day on or before publication; in a future-tense sentence the next one on or
after it. News copy names the day itself ("said on Tuesday") for same-day events
and gives a date for events a week old, so the publication day counts in both
directions. "last Tuesday" is strictly before, "next Tuesday" strictly after.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import functools
import re
from dataclasses import dataclass
from importlib import resources

from dateutil.relativedelta import relativedelta

from pactwatch.annotate.money import finditer_near, number_word_pattern, parse_number

__all__ = ["DateMention", "find_dates", "resolve_relative", "add_period", "find_published_date"]


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    value: str | None
    relative: bool


def _data_lines(name: str):
    text = resources.files("pactwatch.annotate").joinpath("data", name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            yield line.rstrip("\r\n")


# ---------------------------------------------------------------------------
# vocabulary

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

_WD_ABBR = {w[:3]: i for w, i in _WEEKDAYS.items()}
_FULL_MONTHS = [m for m in _MONTHS if len(m) > 4 or m in ("may", "june", "july")]
_ABBR_MONTHS = ["Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"]


def _cased(words: list[str]) -> list[str]:
    out = []
    for w in words:
        out += [w.capitalize(), w.upper()]
    return out


_MONTH_FULL = "|".join(sorted(_cased(_FULL_MONTHS), key=len, reverse=True))
# Abbreviations take an optional dot; "Sept" before "Sep" so the longer wins.
_MONTH_ABBR = "|".join(sorted(_cased([a.lower() for a in _ABBR_MONTHS]), key=len, reverse=True))
_MONTH = rf"(?:(?:{_MONTH_FULL})(?![\w])|(?:{_MONTH_ABBR})(?:\.|(?![\w])))"
_WEEKDAY = "|".join(_cased(list(_WEEKDAYS)))
_WEEKDAY_ABBR = r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[6-9]\d\d|20\d\d)"

_ORDINAL_WORDS = (
    r"(?:(?:twenty|thirty)[\s-])?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|"
    r"tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|"
    r"twentieth|thirtieth"
)


def _month_num(s: str) -> int:
    return _MONTHS[s.strip(".").lower()]


def _valid(y: int, m: int, d: int) -> bool:
    if not (1 <= m <= 12):
        return False
    return 1 <= d <= calendar.monthrange(y, m)[1]


def _fmt(y: int, m: int | None = None, d: int | None = None) -> str:
    if m is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def _parse_iso(s: str | None) -> _dt.date | None:
    if not s or not isinstance(s, str):
        return None
    m = re.match(r"^\s*(\d{4})-(\d{2})-(\d{2})", s)
    if not m:
        return None
    y, mo, d = map(int, m.groups())
    if not _valid(y, mo, d) or y < 1:
        return None
    return _dt.date(y, mo, d)


def _day_num(s: str) -> int:
    return int(re.match(r"\d+", s).group(0))


def _year_words(s: str) -> int | None:
    v = parse_number(s.replace("-", " "))
    if v is None or v != int(v) or not (1600 <= v <= 2099):
        return None
    return int(v)


# ---------------------------------------------------------------------------
# patterns (compiled once)

_NUMWORDS = number_word_pattern()

_P_TREATY = re.compile(
    rf"(?=[otOT0-9fstenFSTEN])(?<![\w])(?:(?:on|this|the|On|This|The)\s+)?(?:(?:on|this|the)\s+)?"
    rf"(?P<d>\d{{1,2}}(?:st|nd|rd|th)?|{_ORDINAL_WORDS})\s+day\s+of\s+(?:the\s+month\s+of\s+)?(?P<m>{_MONTH})"
    rf"(?:(?:\s*,\s*|\s+)(?:(?:of|in)\s+)?(?:the\s+year\s+(?:of\s+)?)?"
    rf"(?:\[?(?P<y>{_YEAR})\]?(?!\d)|(?P<yw>{_NUMWORDS})))?",
    re.IGNORECASE,
)
# A day range ("March 2-3, 2024", "2-3 March 2024") is read as its first day.
_DAY_RANGE = rf"(?:\s*[-\u2013]\s*(?:{_DAY})(?![\d:]))?"
_P_MDY = re.compile(
    rf"(?=[A-Z])(?<![\w])(?:(?P<wd>{_WEEKDAY}|{_WEEKDAY_ABBR}),?\s+)?(?P<m>{_MONTH})\s*(?P<d>{_DAY})(?![\d:]|\.\d){_DAY_RANGE}(?:(?:\s*,\s*|\s+)(?P<y>{_YEAR})(?![\d%]))?"
)
_P_DMY = re.compile(
    rf"(?=[A-Z0-9t])(?<![\w$€£.,/-])(?:(?P<wd>{_WEEKDAY}|{_WEEKDAY_ABBR}),?\s+)?(?:the\s+)?(?P<d>{_DAY}){_DAY_RANGE}(?:\s+of)?\s+(?P<m>{_MONTH})(?:(?:\s*,\s*|\s+)(?:of\s+)?(?P<y>{_YEAR})(?![\d%]))?"
)
_P_ISO = re.compile(r"(?=[12])(?<![\w./-])(?P<y>(?:1[6-9]|20)\d\d)(?P<sep>[-/.])(?P<m>[01]\d)(?P=sep)(?P<d>[0-3]\d)(?!(?!T\d)[\w/-]|\.\d)")
_P_NUMERIC = re.compile(r"(?=\d)(?<![\w./-])(?P<a>[0-3]?\d)(?P<sep>[/.-])(?P<b>[01]?\d)(?P=sep)(?P<y>(?:1[6-9]|20)\d\d)(?![\w/-]|\.\d)")
_P_MY = re.compile(
    rf"(?=[A-Zemlb])(?<![\w])(?:(?P<mod>early|mid|late|Early|Mid|Late|end\s+of|End\s+of|beginning\s+of)[\s-]+)?(?P<m>{_MONTH})(?:\s+of)?\s*,?\s+(?P<y>{_YEAR})(?![\d%])"
)
# A bare year needs a preposition or determiner before it (units after it are refused).
_P_YEAR = re.compile(
    rf"(?=[12])(?<![\w$€£#.,/])(?P<y>(?:1[89]|20)\d\d)(?![\w%/]|[.,]\d|-\d|\s*[-–]\s*\d)"
)
_YEAR_BEFORE = re.compile(
    r"(?:\b(?:in|In|since|Since|by|By|until|Until|till|from|From|during|During|before|Before|after|After|of|through|"
    r"between|and|to|or|early|late|mid|Early|Late|Mid|end|around|circa|c\.|year|Year|spring|summer|autumn|fall|winter|"
    r"Spring|Summer|Autumn|Fall|Winter|the|The|its|their|his|her|this|that|a|an|fiscal|calendar|FY)\s+|"
    r"\b(?:mid|end|early|late|Mid|End|Early|Late)-|\(|'s\s+|\u2019s\s+)$"
)
_YEAR_UNITS = re.compile(
    r"\s*(?:[a-z]+\s+)?(?:people|persons|troops|soldiers|men|women|children|dollars|euros|pounds|yen|tonnes|tons|km|kilometres|"
    r"kilometers|miles|metres|meters|feet|barrels|shares|votes|cases|deaths|jobs|workers|members|employees|units|vehicles|"
    r"cars|planes|aircraft|missiles|warheads|rounds|hours|minutes|seconds|days|calories|pages|words|points|bpd|mw|MW|megawatts|"
    r"hectares|acres|students|refugees|migrants|prisoners|delegates|seats|residents|households|homes|tanks|guns|rifles|"
    r"signatures|lbs|kg|kilograms)\b"
)
_P_WEEKDAY = re.compile(
    rf"(?=[A-Zlnteo])(?<![\w])(?:(?P<mod>last|next|this|Last|Next|This|on|On|late|early|Late|Early)\s+)?(?P<wd>{_WEEKDAY})(?![\w])"
    rf"(?:\s+(?P<part>morning|afternoon|evening|night))?"
)
_P_DAYWORD = re.compile(
    r"(?=[yYtTlLd])(?<![\w])(?P<w>yesterday|today|tomorrow|tonight|Yesterday|Today|Tomorrow|Tonight|"
    r"(?:last|Last)\s+night|(?:this|This)\s+(?:morning|afternoon|evening)|(?:the\s+)?day\s+before\s+yesterday|"
    r"(?:the\s+)?day\s+after\s+tomorrow)(?![\w])"
)
_P_PERIOD = re.compile(
    r"(?=[eElLmtsbTNnpPc])(?<![\w])(?P<mod>(?:(?:earlier|later|early|late|Earlier|Later|Early|Late)\s+(?:in\s+)?)|(?:mid-)|"
    r"(?:(?:the\s+)?(?:end|start|beginning|middle)\s+of\s+))?"
    r"(?P<rel>last|next|this|Last|Next|This|the\s+past|the\s+coming|coming|past)\s+(?P<unit>week|month|year)(?![\w-])"
)
_P_AGO = re.compile(
    rf"(?=[0-9aotfsen])(?<![\w])(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+few|few|several|a\s+couple\s+of)\s+"
    r"(?P<unit>days?|weeks?|months?|years?|decades?)\s+(?P<dir>ago|earlier|from\s+now|later|hence)(?![\w])"
)
_P_IN_N = re.compile(
    r"(?=[iI]n\s)(?<![\w])(?:in|In)\s+(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
    r"(?P<unit>days?|weeks?|months?)(?:'|\u2019)?(?:\s+time)?(?![\w])"
)
_P_MONTH_YEAR_REL = re.compile(
    rf"(?=[A-Zemlb])(?<![\w])(?:(?P<mod>early|mid|late|Early|Mid|Late)[\s-]+)?(?P<m>(?:{_MONTH_FULL})(?![\w]))(?:\s+of)?\s+(?P<rel>last|this|next)\s+year(?![\w])"
)
_P_MONTH_ONLY = re.compile(
    rf"(?=[iIsSuUtbBfFdDaAlLnNeEm])(?<![\w])(?:(?P<prep>in|In|since|Since|until|Until|till|by|By|from|From|during|During|before|Before|after|After|"
    rf"last|Last|next|Next|this|This|early|Early|late|Late|mid|Mid|end\s+of|End\s+of|beginning\s+of|since\s+early|since\s+late|in\s+early|in\s+late|in\s+mid)[\s-]+)"
    rf"(?:(?P<mod>early|late|mid)[\s-]+)?(?P<m>(?:{_MONTH_FULL})(?![\w]))(?!\s*(?:\d|,\s*\d))"
)


_NEWSPAPER_AFTER = re.compile(r"\s+(?:Times|Telegraph|Express|Mirror|Mail|Post|Herald|Tribune|Independent|Star|Sport|People|Observer|Standard|Age|Edition|Magazine|Review|Night\s+Football|Morning\s+Futures|Show)\b")


@functools.lru_cache(maxsize=1)
def _tense_cues() -> re.Pattern[str]:
    future, past = [], []
    for line in _data_lines("tense_cues.tsv"):
        d, cue = (c.strip() for c in line.split("\t")[:2])
        (future if d == "future" else past).append(re.escape(cue).replace(r"\ ", r"\s+"))
    fut = "|".join(sorted(set(future), key=len, reverse=True))
    pst = "|".join(sorted(set(past), key=len, reverse=True))
    return re.compile(rf"(?<![\w'])(?:(?P<f>{fut})|(?P<p>{pst})|(?P<ed>[A-Za-z]{{3,}}ed))(?![\w'])", re.IGNORECASE)


_FUTURE_AUX = re.compile(r"\b(?:will|shall|would|to|'ll|\u2019ll|should|must|could|may|might|can)\s+(?:be|have\s+been|get)\s+$", re.IGNORECASE)
_SENT_END = re.compile(r"[.!?;]\s+(?=[A-Z\"'(])|\n\s*\n")


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max(0, start - 300)
    hi = min(len(text), end + 300)
    s = lo
    for m in _SENT_END.finditer(text, lo, start):
        s = m.end()
    e = hi
    m = _SENT_END.search(text, end, hi)
    if m:
        e = m.start() + 1
    return s, e


def _direction(text: str, start: int, end: int) -> str:
    """'past', 'future' or 'auto' from the tense cue nearest the mention in its sentence."""
    s, e = _sentence_bounds(text, start, end)
    best: tuple[int, str] | None = None
    for m in _tense_cues().finditer(text, s, e):
        if start <= m.start() < end:
            continue
        if m.group("f"):
            d = "future"
        elif _FUTURE_AUX.search(text, max(s, m.start() - 24), m.start()):
            d = "future"  # "will be signed", "is to be ratified"
        else:
            d = "past"
        dist = start - m.end() if m.end() <= start else m.start() - end
        # A verb before the date governs it more often than one after ("signed on
        # Tuesday"; "on Tuesday, it will"): a small handicap for cues after it.
        dist = dist if m.end() <= start else dist + 8
        if best is None or dist < best[0]:
            best = (dist, d)
    return best[1] if best else "auto"


# ---------------------------------------------------------------------------
# resolution helpers


def _pick_weekday(pub: _dt.date, wd: int, direction: str, strict: bool) -> _dt.date:
    back = (pub.weekday() - wd) % 7
    fwd = (wd - pub.weekday()) % 7
    if strict:
        back = back or 7
        fwd = fwd or 7
    if direction == "past":
        return pub - _dt.timedelta(days=back)
    if direction == "future":
        return pub + _dt.timedelta(days=fwd)
    return pub - _dt.timedelta(days=back) if back <= fwd else pub + _dt.timedelta(days=fwd)


def _pick_month_day(pub: _dt.date, m: int, d: int, direction: str) -> str | None:
    cands = []
    for y in (pub.year - 1, pub.year, pub.year + 1):
        if _valid(y, m, d):
            cands.append(_dt.date(y, m, d))
    if not cands:
        return None
    if direction == "past":
        pool = [c for c in cands if c <= pub]
        best = max(pool) if pool else None
    elif direction == "future":
        pool = [c for c in cands if c >= pub]
        best = min(pool) if pool else None
    else:
        best = min(cands, key=lambda c: abs((c - pub).days))
    return best.isoformat() if best else None


def _pick_month(pub: _dt.date, m: int, direction: str) -> str:
    if direction == "past":
        y = pub.year if m <= pub.month else pub.year - 1
    elif direction == "future":
        y = pub.year if m >= pub.month else pub.year + 1
    else:
        y = pub.year
        if m - pub.month > 6:
            y -= 1
        elif pub.month - m > 6:
            y += 1
    return _fmt(y, m)


_SMALL = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}


def _count(s: str) -> int | None:
    s = " ".join(s.lower().split())
    if s.isdigit():
        return int(s)
    return _SMALL.get(s)


def _shift(pub: _dt.date, n: int, unit: str) -> tuple[_dt.date, str]:
    unit = unit.rstrip("s")
    if unit == "day":
        return pub + _dt.timedelta(days=n), "day"
    if unit == "week":
        return pub + _dt.timedelta(weeks=n), "month"
    if unit == "month":
        return pub + relativedelta(months=n), "month"
    if unit == "decade":
        return pub + relativedelta(years=10 * n), "year"
    return pub + relativedelta(years=n), "year"


def _at(d: _dt.date, precision: str) -> str:
    if precision == "day":
        return d.isoformat()
    if precision == "month":
        return _fmt(d.year, d.month)
    return _fmt(d.year)


# ---------------------------------------------------------------------------
# candidate generation


@dataclass
class _Cand:
    start: int
    end: int
    kind: str
    data: dict
    priority: int = 0


def _cases(words, lower: bool = True) -> str:
    forms = set()
    for w in words:
        forms.update({w, w.capitalize(), w.upper()})
        if lower:
            forms.add(w.lower())
    return "|".join(sorted(map(re.escape, forms), key=len, reverse=True))


# Anchors: a literal every expression of a pattern contains. The full patterns run
# only in windows around them (finditer_near), so long articles stay cheap.
_A_MONTH = re.compile(r"(?<![A-Za-z])(?:" + _cases([m.capitalize() for m in _MONTHS], lower=False) + ")")
_A_DAYOF = re.compile(r"(?i:day)\s+(?i:of)")
_A_WEEKDAY = re.compile(_cases([w.capitalize() for w in _WEEKDAYS], lower=False) + r"|(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.")
_A_DAYWORD = re.compile(_cases(["yesterday", "today", "tomorrow", "tonight", "night", "morning", "afternoon", "evening", "day before", "day after"]))
_A_UNIT = re.compile(_cases(["week", "month", "year"]))
_A_AGO = re.compile(_cases(["ago", "from now", "hence"]))
_A_DAYS = re.compile(_cases(["day", "week", "month"]))


# A capitalised word right before "May" that is not a preposition or a weekday
# makes it a surname.
_NAME_BEFORE = re.compile(
    r"(?<![.!?]\s)\b(?!(?:On|By|Until|Since|From|Before|After|Through|In|Of|And|To|The|Late|Early|Mid|Since|Between|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)[A-Z][a-z]+[ \t]$"
)


def _candidates(text: str) -> list[_Cand]:
    out: list[_Cand] = []

    for m in finditer_near(text, _A_DAYOF, _P_TREATY, 40, 140):
        dtok = m.group("d")
        d = _day_num(dtok) if dtok[0].isdigit() else int(parse_number(dtok.replace("-", " ")) or 0)
        y = None
        end = m.end()
        if m.group("y"):
            y = int(m.group("y"))
        elif m.group("yw"):
            y = _year_words(m.group("yw"))
            if y is None:
                end = m.end("m")
        month_span_end = m.end("m")
        if y is None and m.group("y") is None:
            end = month_span_end if not m.group("yw") or _year_words(m.group("yw")) is None else end
        out.append(_Cand(m.start(), end, "md" if y is None else "ymd", {"y": y, "m": _month_num(m.group("m")), "d": d}, 3))

    for pat in (_P_MDY, _P_DMY):
        for m in finditer_near(text, _A_MONTH, pat, 40, 30):
            mon = _month_num(m.group("m"))
            d = _day_num(m.group("d"))
            mtxt = m.group("m").rstrip(".")
            if mtxt.lower() == "may" and pat is _P_MDY and not m.group("wd") and _NAME_BEFORE.search(text, max(0, m.start() - 30), m.start()):
                # "Theresa May 5 ..." is a surname before a number; "signed May 5" is a date.
                continue
            y = int(m.group("y")) if m.group("y") else None
            start = m.start()
            if y is None:
                wd = _WEEKDAYS.get(m.group("wd").rstrip(".").lower()) if m.group("wd") else None
                if wd is None and m.group("wd"):
                    wd = _WD_ABBR.get(m.group("wd").rstrip(".").lower()[:3])
                out.append(_Cand(start, m.end(), "md", {"m": mon, "d": d, "wd": wd}, 2))
            else:
                out.append(_Cand(start, m.end(), "ymd", {"y": y, "m": mon, "d": d}, 2))

    for m in _P_ISO.finditer(text):
        out.append(_Cand(m.start(), m.end(), "ymd", {"y": int(m.group("y")), "m": int(m.group("m")), "d": int(m.group("d"))}, 2))

    for m in _P_NUMERIC.finditer(text):
        a, b, y = int(m.group("a")), int(m.group("b")), int(m.group("y"))
        # D/M order is never guessed: only a day above 12 settles it.
        if a > 12 and b <= 12:
            data = {"y": y, "m": b, "d": a}
        elif b > 12 and a <= 12:
            data = {"y": y, "m": a, "d": b}
        elif a == b:
            data = {"y": y, "m": a, "d": b}
        else:
            data = {"y": y, "m": None, "d": None}
        out.append(_Cand(m.start(), m.end(), "ymd" if data["m"] else "ambiguous", data, 2))

    for m in finditer_near(text, _A_MONTH, _P_MY, 30, 20):
        if m.group("m") == "May" and not m.group("mod") and _NAME_BEFORE.search(text, max(0, m.start() - 30), m.start()):
            continue  # "Theresa May 2019 ..."
        out.append(_Cand(m.start(), m.end(), "ym", {"y": int(m.group("y")), "m": _month_num(m.group("m"))}, 1))

    for m in _P_YEAR.finditer(text):
        before = text[max(0, m.start() - 12):m.start()]
        if not _YEAR_BEFORE.search(before):
            continue
        if _YEAR_UNITS.match(text, m.end()) is not None:
            continue
        out.append(_Cand(m.start(), m.end(), "y", {"y": int(m.group("y"))}, 0))

    for m in finditer_near(text, _A_MONTH, _P_MONTH_YEAR_REL, 25, 30):
        out.append(_Cand(m.start(), m.end(), "month_rel", {"m": _month_num(m.group("m")), "rel": m.group("rel")}, 1))

    for m in finditer_near(text, _A_WEEKDAY, _P_WEEKDAY, 12, 20):
        mod = (m.group("mod") or "").lower()
        if not mod and _NEWSPAPER_AFTER.match(text, m.end("wd")):
            continue  # "The Sunday Times", "Fox News Sunday" style titles
        start = m.start() if mod in ("last", "next", "this") else m.start("wd")
        out.append(_Cand(start, m.end("wd"), "weekday", {"wd": _WEEKDAYS[m.group("wd").lower()], "mod": mod}, 1))

    for m in finditer_near(text, _A_DAYWORD, _P_DAYWORD, 20, 12):
        w = " ".join(m.group("w").lower().split())
        if w == "today" and (text[max(0, m.start() - 4):m.start()] == "USA " or m.group("w") == "Today" and re.match(r"\s+(?:show|programme|program)\b", text[m.end():m.end() + 12])):
            continue
        off = {"yesterday": -1, "today": 0, "tomorrow": 1, "tonight": 0, "last night": -1, "the day before yesterday": -2,
               "day before yesterday": -2, "the day after tomorrow": 2, "day after tomorrow": 2}.get(w, 0)
        out.append(_Cand(m.start(), m.end(), "offset", {"days": off}, 1))

    for m in finditer_near(text, _A_UNIT, _P_PERIOD, 45, 8):
        rel = " ".join(m.group("rel").lower().split())
        if rel in ("the past", "past", "the coming", "coming"):
            continue  # "the past year" is a span of time, not a date
        out.append(_Cand(m.start(), m.end(), "period", {"rel": rel, "unit": m.group("unit")}, 1))

    for m in finditer_near(text, _A_AGO, _P_AGO, 45, 12):
        n = _count(m.group("n"))
        if n is None:
            continue
        sign = -1 if m.group("dir") in ("ago", "earlier") else 1
        if m.group("dir") in ("earlier", "later"):
            continue  # relative to another event in the text, not to publication
        out.append(_Cand(m.start(), m.end(), "shift", {"n": sign * n, "unit": m.group("unit")}, 1))

    for m in finditer_near(text, _A_DAYS, _P_IN_N, 25, 16):
        n = _count(m.group("n"))
        if n is None:
            continue
        out.append(_Cand(m.start(), m.end(), "shift", {"n": n, "unit": m.group("unit")}, 0))

    for m in finditer_near(text, _A_MONTH, _P_MONTH_ONLY, 45, 20):
        prep = " ".join((m.group("prep") or "").lower().split())
        mon = _month_num(m.group("m"))
        start = m.start() if prep in ("last", "next", "this") else m.start("m") if not m.group("mod") else m.start("mod")
        if prep.startswith(("early", "late", "mid", "end of", "beginning of", "in early", "in late", "in mid", "since early", "since late")):
            start = m.start() if not prep.startswith(("in ", "since ")) else m.start() + len(prep.split()[0]) + 1
        out.append(_Cand(start, m.end(), "month", {"m": mon, "prep": prep}, 0))

    return out


def _select(cands: list[_Cand]) -> list[_Cand]:
    cands.sort(key=lambda c: (-(c.end - c.start), -c.priority, c.start))
    taken: list[_Cand] = []
    for c in cands:
        if c.end <= c.start:
            continue
        if any(not (c.end <= t.start or c.start >= t.end) for t in taken):
            continue
        taken.append(c)
    taken.sort(key=lambda c: c.start)
    return taken


def _resolve(c: _Cand, pub: _dt.date | None, direction: str) -> tuple[str | None, bool]:
    """(value, relative); a relative expression that lands outside the calendar's range
    (``yesterday`` published 0001-01-01) has no value instead of raising."""
    try:
        value, relative = _resolve_in_range(c, pub, direction)
        if value is not None and not (1 <= int(value[:len(value.split("-")[0])]) <= 9999):
            return None, relative  # "next year" of 9999, "last March" of 0001
        return value, relative
    except OverflowError:  # date +/- timedelta past date.min/date.max
        return None, True
    except ValueError:  # date(year, ...) with year 0 or 10000
        if pub is not None and (pub.year <= 1 or pub.year >= 9999):
            return None, True
        raise


def _resolve_in_range(c: _Cand, pub: _dt.date | None, direction: str) -> tuple[str | None, bool]:
    k, d = c.kind, c.data
    if k == "ymd":
        return (_fmt(d["y"], d["m"], d["d"]) if _valid(d["y"], d["m"], d["d"]) else None), False
    if k == "ym":
        return _fmt(d["y"], d["m"]), False
    if k == "y":
        return _fmt(d["y"]), False
    if k == "ambiguous":
        return None, False
    if pub is None:
        return None, True
    if k == "md":
        if d.get("wd") is not None:
            # "Friday, May 3": the weekday names the year
            for y in (pub.year, pub.year + 1, pub.year - 1):
                if _valid(y, d["m"], d["d"]) and _dt.date(y, d["m"], d["d"]).weekday() == d["wd"]:
                    return _fmt(y, d["m"], d["d"]), True
        return _pick_month_day(pub, d["m"], d["d"], direction), True
    if k == "month":
        prep = d.get("prep", "")
        if prep == "last":
            direction, strict = "past", True
        elif prep == "next":
            direction, strict = "future", True
        elif prep == "this":
            return _fmt(pub.year, d["m"]), True
        elif prep in ("since", "since early", "since late"):
            direction, strict = "past", False
        else:
            strict = False
        if strict and d["m"] == pub.month:
            return _fmt(pub.year + (1 if direction == "future" else -1), d["m"]), True
        return _pick_month(pub, d["m"], direction), True
    if k == "month_rel":
        return _fmt(pub.year + {"last": -1, "this": 0, "next": 1}[d["rel"]], d["m"]), True
    if k == "weekday":
        mod = d["mod"]
        if mod == "last":
            return _pick_weekday(pub, d["wd"], "past", True).isoformat(), True
        if mod == "next":
            return _pick_weekday(pub, d["wd"], "future", True).isoformat(), True
        return _pick_weekday(pub, d["wd"], direction, False).isoformat(), True
    if k == "offset":
        return (pub + _dt.timedelta(days=d["days"])).isoformat(), True
    if k == "shift":
        when, precision = _shift(pub, d["n"], d["unit"])
        return _at(when, precision), True
    if k == "period":
        step = {"last": -1, "next": 1, "this": 0}[d["rel"]]
        unit = d["unit"]
        if unit == "year":
            return _fmt(pub.year + step), True
        if unit == "month":
            when = pub + relativedelta(months=step)
            return _fmt(when.year, when.month), True
        when = pub + _dt.timedelta(weeks=step)
        return _fmt(when.year, when.month), True
    return None, True


# ---------------------------------------------------------------------------
# public API


def find_dates(text: str, published: str | None) -> list[DateMention]:
    """Every date expression in ``text``, resolved against ``published`` (YYYY-MM-DD or None)."""
    if not text or not isinstance(text, str):
        return []
    pub = _parse_iso(published)
    out: list[DateMention] = []
    for c in _select(_candidates(text)):
        direction = "auto"
        if pub is not None and c.kind in ("md", "month", "weekday"):
            direction = _direction(text, c.start, c.end)
        value, relative = _resolve(c, pub, direction)
        out.append(DateMention(c.start, c.end, text[c.start:c.end], value, relative))
    return out


def resolve_relative(expr: str, published: str | None, direction: str = "auto") -> str | None:
    """Resolve one date expression ("on Tuesday", "last month", "Jan. 9") against ``published``.

    ``direction`` is "past", "future" or "auto" (tense cues inside ``expr``, else
    the occurrence nearest the publication date). Absolute expressions resolve
    without a publication date.
    """
    if not expr or not isinstance(expr, str):
        return None
    pub = _parse_iso(published)
    chosen = _select(_candidates(expr))
    if not chosen:
        return None
    best = max(chosen, key=lambda c: (c.end - c.start, c.priority))
    if direction not in ("past", "future"):
        direction = _direction(expr, best.start, best.end) if pub is not None else "auto"
    value, _ = _resolve(best, pub, direction)
    return value


_PERIOD = re.compile(
    r"^P(?:(?P<y>\d+(?:\.\d+)?)Y)?(?:(?P<mo>\d+(?:\.\d+)?)M)?(?:(?P<w>\d+(?:\.\d+)?)W)?(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<mi>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def add_period(date: str, iso_period: str) -> str | None:
    """``date`` (a full YYYY-MM-DD) plus an ISO 8601 duration; month ends are clamped.

    ("2026-02-10", "P3M") -> "2026-05-10"; ("2024-01-31", "P1M") -> "2024-02-29".
    Returns None for a partial date or a malformed period.
    """
    d = _parse_iso(date) if isinstance(date, str) and len(date.strip()) == 10 else None
    if d is None or not iso_period or not isinstance(iso_period, str):
        return None
    m = _PERIOD.match(iso_period.strip().upper())
    if not m or iso_period.strip().upper() in ("P", "PT"):
        return None
    parts = {k: float(v) for k, v in m.groupdict().items() if v}
    try:
        years = parts.get("y", 0.0)
        months = parts.get("mo", 0.0)
        whole_years = int(years)
        months_total = months + (years - whole_years) * 12
        whole_months = int(months_total)
        days = parts.get("w", 0.0) * 7 + parts.get("d", 0.0) + (months_total - whole_months) * 30
        days += (parts.get("h", 0.0) / 24) + (parts.get("mi", 0.0) / 1440) + (parts.get("s", 0.0) / 86400)
        result = d + relativedelta(years=whole_years, months=whole_months) + _dt.timedelta(days=int(days))
    except (OverflowError, ValueError):
        return None
    return result.isoformat()


_PUB_MARKER = re.compile(
    r"(?i)^\W{0,3}(?:published|posted|date|dated|first\s+published|publication\s+date|pub\s+date|released)"
    r"(?:\s+by\s+[^|\n]{1,40}?)?(?:\s+on)?\s*[:\-\u2013|,]?\s*$"
)
_UPDATED_MARKER = re.compile(
    r"(?i)^\W{0,3}(?:updated|last\s+updated|modified)(?:\s+on)?\s*[:\-\u2013]?\s*(?:\d{1,2}[:.]?\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[a-z]{2,4})?\s*(?:\([^)]{0,20}\))?\s*,?\s*)?$"
)
_BYLINE = re.compile(r"(?:By|BY)\s+[A-Z][\w.'\u2019-]*(?:\s+(?:and\s+)?[A-Z][\w.'\u2019-]*){0,4}")
_TIME_AFTER = re.compile(r"^\s*(?:,|at|\|)?\s*\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?(?:\s*\(?[A-Z]{2,5}\)?)?")
_DATELINE_BEFORE = re.compile(r"^\s*[A-Z][A-Z .'\u2019-]{1,40}(?:,\s*[A-Z][A-Za-z .]{1,30})?,\s*$")
_DASH_AFTER = re.compile(r"^\s*(?:\(\w+\)\s*)?[-\u2013\u2014:]")


def find_published_date(text: str) -> tuple[str, int, int] | None:
    """The page or dateline date near the top: (YYYY-MM-DD, start, end) or None.

    A date after "Published"/"Posted"/"date" wins; else the first full date near
    the top that stands on a short line or opens a dateline ("WASHINGTON, March 9,
    2025 -"). A date in the running prose of the first paragraph is not taken,
    nor a date after "Updated", nor a dateline without a year ("SALVADOR, Feb 26 -").
    """
    if not text or not isinstance(text, str):
        return None
    head = text[:1500]
    marked = []
    plain = []
    updated = []
    for c in _select(_candidates(head)):
        if c.kind != "ymd" or not _valid(c.data["y"], c.data["m"], c.data["d"]):
            continue
        line_start = head.rfind("\n", 0, c.start) + 1
        line_end = head.find("\n", c.end)
        line_end = len(head) if line_end < 0 else line_end
        before = head[line_start:c.start]
        after = _TIME_AFTER.sub("", head[c.end:line_end], count=1)
        value = _fmt(c.data["y"], c.data["m"], c.data["d"])
        if _PUB_MARKER.search(before):
            marked.append((value, c.start, c.end))
            continue
        if _UPDATED_MARKER.search(before):
            updated.append((value, c.start, c.end))
            continue
        # A date standing alone on its line (page furniture) or opening a
        # dateline; prose that merely mentions a date has words before it.
        lead = before.strip(" \t|\u2022\u00b7-\u2013\u2014,:;()[]")
        alone = (not lead or _BYLINE.fullmatch(lead) is not None) and len(re.findall(r"[A-Za-z]{2,}", after)) <= 8
        dateline = _DATELINE_BEFORE.match(before) is not None and _DASH_AFTER.match(after) is not None
        if alone or dateline:
            plain.append((value, c.start, c.end))
    if marked:
        return marked[0]
    if plain:
        return plain[0]
    # A page that shows only its last update ("Updated 10:51 AM ET, Tue July 14,
    # 2015") is dated by it: the closest the page comes to saying when it appeared.
    if updated:
        return updated[0]
    return None
