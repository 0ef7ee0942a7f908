"""Page furniture out, removed ranges kept, publication date found.

``clean(raw)`` turns a :class:`~pactwatch.io.RawDocument` into a ``pactwatch/v1``
:class:`~pactwatch.record.Document`:

* ``original`` is the text before furniture removal: the plain text as read (line
  endings normalised to ``\\n``), or for HTML trafilatura's main text (falling back to
  trafilatura's whole-page text when it finds no main text).
* ``document.removed`` lists ``[start, end, reason]`` ranges of ``original``;
  ``document.text`` is ``original`` with exactly those ranges cut out and nothing else
  changed, so every offset maps back (the web app re-inserts the ranges struck out).
* ``document.published`` comes from the metadata, else from a date printed at the top
  of the page ("1 Sep, 2021 12:49", " date 2026-02-10", "Published March 9, 2025").

The rules are about kinds of furniture, not particular sentences:

=====================  ==============================================================
reason                 what
=====================  ==============================================================
icon_run / menu_run    a line made of icon names ("bookmarkicon cameraicon ...") or
                       of navigation words ("Home News World Business Video")
share_prompt           "Like this story? Share it with a friend!", "Share", ...
subscribe_prompt       "JOIN US ON TELEGRAM", "Follow our coverage on ...", cookies
cross_promo            "Also on rt.com <headline>", "Read also:" + the headlines after it
boilerplate            ads, photo captions, copyright lines, "printable banner", ...
byline                 "By Jane Doe", "X and Y contributed to this report."
page_date              a date line or "date YYYY-MM-DD" label at the top of the page
repeated_title         the headline printed twice at the top
repeated_line          a line of four words or more repeated right after itself
repeated_paragraph     a long paragraph repeated (in full, or cut short) later on
unrelated_headline     a lone headline between body paragraphs that shares almost no
                       words with the article (a link to another story)
=====================  ==============================================================

Phrase patterns live in ``pactwatch/data/furniture_*.txt``, one a line. Datelines
("BAKU, Azerbaijan, February 10.") are content and stay; so do section headings of
treaty texts ("Article 5", "Section I: Regional Connectivity ...") and short
subheadings that belong to the story.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

from pactwatch.io import RawDocument
from pactwatch.record import Document


class SkipDocument(Exception):
    """The document cannot be used: empty after cleaning, not English, or binary-looking."""


@dataclass
class Cleaned:
    document: Document
    original: str


# ----------------------------------------------------------------------------- pattern data

_PATTERN_FILES = {
    "share_prompt": "furniture_share.txt",
    "subscribe_prompt": "furniture_subscribe.txt",
    "cross_promo": "furniture_promo.txt",
    "boilerplate": "furniture_boilerplate.txt",
    "byline": "furniture_byline.txt",
}

# Lines longer than this are paragraphs, never furniture prompts.
MAX_PROMPT_CHARS = 160
# Page dates are looked for in this many non-empty lines at the top of the page.
TOP_LINES = 6


def _data_lines(name: str) -> list[str]:
    text = resources.files("pactwatch.data").joinpath(name).read_text(encoding="utf-8")
    return [ln.rstrip("\n") for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern, bool]]:
    """(reason, compiled pattern, is_list_heading) in file order.

    The lines of one file are joined into one alternation (one for its list headings),
    so a line is tested with a handful of regex calls rather than one per pattern.
    """
    out = []
    for reason, fname in _PATTERN_FILES.items():
        plain, heads = [], []
        for line in _data_lines(fname):
            line = line.rstrip()
            if line.endswith(" ->"):
                heads.append(line[:-3].rstrip())
            else:
                plain.append(line)
        for pats, heading in ((heads, True), (plain, False)):
            if pats:
                out.append((reason, re.compile("|".join(f"(?:{p})\\Z" for p in pats), re.I), heading))
    return out


@lru_cache(maxsize=1)
def _menu_words() -> frozenset[str]:
    return frozenset(w.strip().lower() for w in _data_lines("furniture_menu.txt"))


# ----------------------------------------------------------------------------- dates

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")]
    )
    for m in names
}
_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_TIME = r"(?:\s*(?:,|\||-|–|at)?\s*\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*\(?(?:gmt|utc|[a-z]{2,4}t)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?\)?)?)?"
_DATE_FORMS = [
    r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:T[\d:.+Z-]+)?",
    _WEEKDAY + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MON + r",?\s+(?P<y>\d{4})",
    _WEEKDAY + _MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})",
]
_LABEL = r"(?:(?:date|published|posted|updated|last updated|first published|published on|posted on|updated on)\s*:?\s*)"
# A whole line that is only a (labelled) date and time.
_DATE_LINE = [re.compile(r"\s*" + _LABEL + r"?" + f + _TIME + r"\s*\Z", re.I) for f in _DATE_FORMS]
# A "date 2026-02-10" / "Published: 1 Sep 2021" label glued before the first sentence.
_DATE_PREFIX = [re.compile(r"\s*" + _LABEL + f + _TIME + r"\s+(?=\S)", re.I) for f in _DATE_FORMS]


def _date_from_match(m: re.Match) -> str | None:
    try:
        y, d = int(m.group("y")), int(m.group("d"))
        gd = m.groupdict()
        mon = int(gd["m"]) if gd.get("m") else _MONTHS[gd["mon"].lower().rstrip(".")]
        return date(y, mon, d).isoformat()
    except (ValueError, KeyError, TypeError):
        return None


# ----------------------------------------------------------------------------- helpers

_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.U)
_STOP = frozenset(
    """a an the of on in at to for and or but with by from as is are was were be been has have
    had it its this that these those after before over under into about than then not no
    will would can could may says said say new up out how why what who when where all more""".split()
)
_SENT_END = re.compile(r"[.!?:;…\"”’')\]]\s*\Z")
_STRUCTURAL = re.compile(
    r"^\s*(article|section|chapter|part|annex|appendix|schedule|title|preamble|protocol|"
    r"[ivxlc]+\.|\d+(\.\d+)*\.?)\b", re.I)


def _content_words(s: str) -> set[str]:
    out = set()
    for w in _WORD.findall(s.lower()):
        w = w.strip("'’-")
        if len(w) < 3 or w in _STOP:
            continue
        if w.endswith("'s") or w.endswith("’s"):
            w = w[:-2]
        if len(w) > 4 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]  # crude plural folding: "soldiers" ~ "soldier"
        out.add(w)
    return out


def _norm_line(s: str) -> str:
    return " ".join(s.casefold().split())


_DATELINE = re.compile(
    r"^[A-Z][\w .'’()-]*,(?:\s*[A-Z][\w .'’()-]*,)?\s*" + _MON.replace("(?P<mon>", "(?:") + r"\s+\d{1,2}(?:,?\s+\d{4})?\.?\s*(?:[-–—(].*)?$",
    re.I,
)


def _is_dateline(s: str) -> bool:
    """'BAKU, Azerbaijan, June 16' or 'WASHINGTON, March 3 (Reuters) -': a dateline, content."""
    return len(s.split()) <= 12 and bool(_DATELINE.match(s))


def _is_headline_like(s: str) -> bool:
    """Short, one line, without sentence-final punctuation: how headlines look."""
    words = s.split()
    if not (3 <= len(words) <= 25) or len(s) > 200:
        return False
    if s[0].islower() or s.rstrip()[-1] in ",-–—(" or _is_dateline(s):
        return False  # a clause cut by a line break, or a dateline
    return not _SENT_END.search(s) or s.rstrip().endswith("?")


def _is_title_case(s: str) -> bool:
    """Most words longer than three letters start with a capital: 'Soldiers Told to Kill ...'."""
    words = [w for w in _WORD.findall(s) if len(w) > 3]
    return bool(words) and sum(1 for w in words if w[0].isupper()) >= 0.7 * len(words)


def _is_body(s: str) -> bool:
    """A body paragraph: long, or a full sentence."""
    return len(s) >= 120 or (len(s.split()) >= 8 and bool(re.search(r"[.!?\"”]\s*\Z", s)))


@dataclass
class _Line:
    start: int  # offset of the line in the original
    end: int  # offset after the line's text (before its newline)
    text: str  # stripped text


def _split_lines(original: str) -> list[_Line]:
    out = []
    pos = 0
    for raw in original.split("\n"):
        out.append(_Line(pos, pos + len(raw), raw.strip()))
        pos += len(raw) + 1
    return out


# ----------------------------------------------------------------------------- detection


def _line_reason(text: str) -> tuple[str, bool] | None:
    """Reason a single line is furniture (and whether it heads a list), or None."""
    if not text or len(text) > MAX_PROMPT_CHARS * 4:
        return None
    # Icon runs: a sprite sheet's alt texts scraped as one line ("cameraicon checkicon ...").
    if "icon" in text.lower():
        tokens = text.lower().split()
        icons = sum(1 for t in tokens if t.endswith("icon") or t.startswith("icon"))
        if icons >= 4 and icons >= 0.3 * len(tokens):
            return "icon_run", False
    if len(text) > MAX_PROMPT_CHARS:
        return None
    tokens = text.split()
    low = [t.strip("|•·/,").lower() for t in tokens]
    low = [t for t in low if t]
    if len(low) >= 4 and sum(1 for t in low if t in _menu_words()) >= 0.85 * len(low):
        return "menu_run", False
    for reason, pat, heading in _patterns():
        if pat.match(text):
            return reason, heading
    return None


def find_furniture(original: str, title: str | None = None) -> tuple[list[tuple[int, int, str]], str | None]:
    """Furniture ranges of ``original`` (sorted, non-overlapping) and the page's own date."""
    lines = _split_lines(original)
    nonempty = [i for i, ln in enumerate(lines) if ln.text]
    reasons: dict[int, str] = {}  # line index -> reason (whole line)
    partial: list[tuple[int, int, str]] = []
    page_date: str | None = None

    # 1. Line prompts, icon/menu runs, and lists headed by "Read also:".
    k = 0
    while k < len(nonempty):
        i = nonempty[k]
        found = _line_reason(lines[i].text)
        if found:
            reason, heading = found
            reasons[i] = reason
            if heading:
                # The headlines listed under the heading go with it.
                k2 = k + 1
                while k2 < len(nonempty) and _is_headline_like(lines[nonempty[k2]].text) \
                        and not _STRUCTURAL.match(lines[nonempty[k2]].text):
                    reasons[nonempty[k2]] = reason
                    k2 += 1
                k = k2
                continue
        k += 1

    # 2. Page dates at the top of the page, before the first body paragraph (dates in
    #    the body are content).
    top = []
    for i in nonempty:
        if i in reasons:
            continue
        top.append(i)
        if len(top) >= TOP_LINES or _is_body(lines[i].text):
            break
    for i in top:
        ln = lines[i]
        for pat in _DATE_LINE:
            m = pat.match(ln.text)
            if m:
                reasons[i] = "page_date"
                page_date = page_date or _date_from_match(m)
                break
        else:
            for pat in _DATE_PREFIX:
                m = pat.match(original, ln.start, ln.end)
                if m:
                    partial.append((m.start(), m.end(), "page_date"))
                    page_date = page_date or _date_from_match(m)
                    # What follows the label may itself be furniture ("Details added: ...").
                    rest = original[m.end(): ln.end].strip()
                    if _line_reason(rest):
                        partial[-1] = (m.start(), ln.end, "page_date")
                    break
        if page_date:
            break

    # 3. Repeated titles (the headline printed again within the top lines), repeated
    #    lines and repeated paragraphs.
    kept = [i for i in nonempty if i not in reasons]
    if kept:
        first_raw = _line_text_after_partial(lines[kept[0]], partial, original).strip()
        heads = {_norm_line(first_raw)} if _is_headline_like(first_raw) else set()
        if title:
            heads.add(_norm_line(title))
        seen: set[str] = set()
        for i in kept[:TOP_LINES + 2]:
            n = _norm_line(_line_text_after_partial(lines[i], partial, original))
            if n in heads:
                if n in seen:
                    reasons[i] = "repeated_title"
                seen.add(n)
    kept = [i for i in nonempty if i not in reasons]
    long_seen: list[str] = []
    prev_n = None
    for i in kept:
        n = _norm_line(lines[i].text)
        if prev_n is not None and n == prev_n and len(n.split()) >= 4:
            reasons[i] = "repeated_line"
            continue
        if len(n) >= 100:
            if any(n == p or (p.startswith(n) and len(n) >= 100) for p in long_seen):
                reasons[i] = "repeated_paragraph"
                continue
            long_seen.append(n)
        prev_n = n

    # 4. A lone headline between body paragraphs sharing almost nothing with the article.
    kept = [i for i in nonempty if i not in reasons]
    candidates = []
    for pos in range(2, len(kept) - 1):  # the first two lines are the title / standfirst
        s = lines[kept[pos]].text
        if not _is_headline_like(s) or _STRUCTURAL.match(s) or len(s.split()) < 5:
            continue
        if s.endswith("?") or s[0] in "-–—•*·(" or not _is_title_case(s):
            continue  # questions and list items are body; link headlines are Title Case
        if sum(ch.isdigit() for ch in s) > 0.15 * len(s):
            continue  # a line of figures (poll results, scores) is data, not a headline
        candidates.append(pos)
    doc_counts: Counter[str] = Counter()
    if candidates:  # word counts only when needed: most documents have no candidate
        for j in kept:
            doc_counts.update(_content_words(lines[j].text))
    for pos in candidates:
        i = kept[pos]
        if not (_is_body(lines[kept[pos - 1]].text) and _is_body(lines[kept[pos + 1]].text)):
            continue
        words = _content_words(lines[i].text)
        if len(words) < 4:
            continue
        shared = sum(1 for w in words if doc_counts[w] > 1) / len(words)
        # A subheading names what the next paragraphs discuss; a link to another story does not.
        if shared < 0.35:
            reasons[i] = "unrelated_headline"

    # Whole lines go with their line break and the blank lines after them, so that
    # removal never joins two lines and leaves no pile of empty lines.
    n = len(original)
    ranges = list(partial)
    for i, reason in reasons.items():
        end = min(lines[i].end + 1, n)
        j = i + 1
        while j < len(lines) and not lines[j].text:
            end = min(lines[j].end + 1, n)
            j += 1
        ranges.append((lines[i].start, end, reason))
    return _merge(ranges), page_date


def _line_text_after_partial(ln: _Line, partial, original: str) -> str:
    for s, e, _ in partial:
        if ln.start <= s < ln.end:
            return original[e: ln.end] if e < ln.end else ""
    return ln.text


def _merge(ranges: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    out: list[list] = []
    for s, e, r in sorted(ranges):
        if e <= s:
            continue
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
            continue
        out.append([s, e, r])
    return [(s, e, r) for s, e, r in out]


def cut(original: str, removed: list[tuple[int, int, str]]) -> str:
    """``original`` with the removed ranges taken out (ranges sorted, non-overlapping)."""
    parts, pos = [], 0
    for s, e, _ in removed:
        parts.append(original[pos:s])
        pos = e
    parts.append(original[pos:])
    return "".join(parts)


def restore_offset(removed: list[tuple[int, int, str]], offset: int) -> int:
    """Map an offset in the cleaned text back to the original."""
    for s, e, _ in removed:
        if s <= offset:
            offset += e - s
        else:
            break
    return offset


# ----------------------------------------------------------------------------- language

_LANG_NAMES = {
    "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "ru": "Russian", "uk": "Ukrainian", "pl": "Polish", "tr": "Turkish",
    "ar": "Arabic", "fa": "Persian", "zh": "Chinese", "ja": "Japanese", "ko": "Korean",
    "hy": "Armenian", "az": "Azerbaijani", "sv": "Swedish", "da": "Danish", "no": "Norwegian",
    "fi": "Finnish", "cs": "Czech", "ro": "Romanian", "hu": "Hungarian", "el": "Greek",
    "he": "Hebrew", "hi": "Hindi", "id": "Indonesian", "vi": "Vietnamese", "th": "Thai",
    "ca": "Catalan", "und": "another script",
}
# Deleting these leaves the letters / the letters beyond Latin (U+024F): counted by length.
_NON_LETTERS = re.compile(r"[\W\d_]+", re.U)
_NON_FOREIGN_LETTERS = re.compile(r"[\W\d_\x00-\u024f]+", re.U)


@lru_cache(maxsize=1)
def _function_words() -> dict[str, frozenset[str]]:
    out = {}
    for line in _data_lines("stopwords.tsv"):
        lang, _, words = line.partition("\t")
        out[lang.strip()] = frozenset(words.split())
    return out


def _function_share(words: list[str], lang: str) -> float:
    fw = _function_words().get(lang)
    return sum(1 for w in words if w in fw) / len(words) if fw and words else 0.0


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language; "en" when it cannot be told.

    Latin-script text is English when English function words ("the", "of", "and", ...)
    make 8% or more of its words (English prose: 25-40%). Otherwise py3langid (offline,
    ~1 ms) names a language, and the verdict stands only if that language's own function
    words are as dense; without a list for it, the best of the listed languages must be.
    This keeps tables of figures ("Shr 30 cts vs 36 cts"), which a character model calls
    Occitan or Spanish, from being refused. Text mostly in another script (Cyrillic,
    Arabic, CJK, ...) is not English whatever its words.
    """
    import py3langid

    sample = text[:4000]
    letters = len(_NON_LETTERS.sub("", sample))
    non_latin = len(_NON_FOREIGN_LETTERS.sub("", sample))
    if letters >= 20 and non_latin / letters > 0.3:
        lang = py3langid.classify(sample)[0]
        return lang if lang != "en" else "und"
    words = re.findall(r"[^\W\d_]+", sample.lower())
    if len(words) < 8:
        return "en"
    if _function_share(words, "en") >= 0.08:
        return "en"
    lang = py3langid.classify(sample)[0]
    if lang == "en":
        return "en"
    if lang in _function_words():
        return lang if _function_share(words, lang) >= 0.08 else "en"
    best = max((l for l in _function_words() if l != "en"), key=lambda l: _function_share(words, l))
    return best if _function_share(words, best) >= 0.08 else "en"


# ----------------------------------------------------------------------------- main text


def _html_main_text(html: str) -> tuple[str, str | None, str | None]:
    """(main text, page title, page date) of an HTML page, via trafilatura."""
    import trafilatura

    text, title, pdate = None, None, None
    try:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception:  # a malformed page must not crash the batch: fall back below
        doc = None
    if doc is not None:
        text = getattr(doc, "text", None)
        title = getattr(doc, "title", None)
        pdate = getattr(doc, "date", None)
    if not text or not text.strip():
        try:
            text = trafilatura.html2txt(html)
        except Exception:
            text = None
    if not text or not text.strip():
        # Last resort: strip tags; scripts and styles go with their content.
        t = re.sub(r"(?is)<(script|style|noscript|template)\b.*?</\1\s*>", " ", html)
        t = re.sub(r"(?s)<[^>]*>", " ", t)
        import html as _html

        text = _html.unescape(re.sub(r"[ \t]+", " ", t)).strip()
    return text, title, pdate


_CTRL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _prepare_text(s: str) -> str:
    # Normalise line breaks only: every other character is kept so that offsets stay honest.
    # Lone surrogates (JSON "\ud800" escapes decode to them) cannot be encoded as UTF-8 for
    # hashing or storage: each becomes U+FFFD, one character for one, so offsets hold.
    return _SURROGATE.sub("\ufffd", s.replace("\r\n", "\n").replace("\r", "\n"))


def _first_line_title(original: str, removed) -> str | None:
    text = cut(original, removed)
    for line in text.split("\n"):
        s = line.strip()
        if not s:
            continue
        if _is_headline_like(s) and not _STRUCTURAL.match(s) and len(s) <= 160:
            return s
        return None
    return None


def stable_id(text: str) -> str:
    return "sha1:" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def clean(raw: RawDocument, *, check_language: bool = True) -> Cleaned:
    """Read furniture out of one raw document; raises SkipDocument when unusable."""
    where = raw.origin if hasattr(raw, "origin") else raw.source
    page_title = page_pdate = None
    if raw.html is not None and (raw.text is None or not raw.text.strip()):
        original, page_title, page_pdate = _html_main_text(raw.html)
        original = _prepare_text(original or "")
    else:
        original = _prepare_text(raw.text or "")
    if not original.strip():
        raise SkipDocument("no text")
    ctrl = len(_CTRL.findall(original[:8192]))
    if "\x00" in original[:8192] or ctrl > 0.10 * min(len(original), 8192):
        raise SkipDocument("binary-looking content (control characters)")

    title = raw.title or (page_title.strip() if page_title else None)
    title = _SURROGATE.sub("\ufffd", title) if title else title
    removed, page_date = find_furniture(original, title)
    text = cut(original, removed)
    if not text.strip():
        raise SkipDocument("empty after cleaning (only page furniture)")
    if check_language:
        lang = detect_language(text)
        if lang != "en":
            raise SkipDocument(f"not English (detected {_LANG_NAMES.get(lang, lang)}, '{lang}')")
    published = raw.published or page_date or _iso_day(page_pdate)
    if not title:
        title = _first_line_title(original, removed)
    doc = Document(
        id=raw.id or stable_id(text), source=raw.source or where, title=title, published=published,
        language="en", text=text, removed=[list(r) for r in removed],
    )
    return Cleaned(document=doc, original=original)


def _iso_day(v: str | None) -> str | None:
    if not v:
        return None
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", v)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None
