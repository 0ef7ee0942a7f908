"""Property-based tests: whatever text the web throws at the cleaner, the date resolver, the
money and duration parsers and the extractor, none may raise (other than the documented
``SkipDocument``), hang, or point evidence outside the text.

Inputs mix arbitrary Unicode (control characters, right-to-left marks and scripts, lone
surrogates, combining marks, zero-width characters) with the fragments the parsers react
to ("$2.5 billion", "on Tuesday", "ten-year", "signed a treaty"), so the hypothesis
search reaches the parsers' interesting branches instead of only their "no match" path.

Time bounds: the per-example ``deadline`` of Hypothesis for the short inputs (generous:
the machine is shared), and a SIGALRM watchdog around the huge inputs, so a catastrophic
regex backtrack fails the test instead of hanging the suite.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
import signal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pactwatch.clean import SkipDocument, clean
from pactwatch.annotate import dates, money
from pactwatch.io import RawDocument, read_text

DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# Short inputs: ~milliseconds each normally; the bound only catches pathological blow-ups.
RULES = settings(max_examples=80, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
CLEAN = settings(max_examples=60, deadline=15000, suppress_health_check=[HealthCheck.too_slow])
# The extractor runs the spaCy model: fewer examples, a wider bound.
EXTRACT = settings(max_examples=20, deadline=60000,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@contextlib.contextmanager
def time_limit(seconds: int):
    """Fail (not hang) when the body runs longer than ``seconds`` (main thread, POSIX)."""
    def _alarm(signum, frame):
        raise TimeoutError(f"took longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# --------------------------------------------------------------------------- strategies
FRAGMENTS = [
    "$2.5 billion", "US$ 18 million", "€40m", "£1.2bn", "2 billion euros", "1,000,000,000 yen",
    "$", "billion", "1,", ",000", ".5", "10-year", "ten-year", "for a period of 5 years", "25 years",
    "on Tuesday", "last month", "next week", "Jan. 9", "9 January 2024", "2021-09-01", "31/02/2024",
    "February 30, 2023", "in 1991", "the 1990s", "yesterday", "Sept 31", "0000-00-00", "99999",
    "signed a treaty", "signed a defence agreement", "memorandum of understanding", "Joint Statement",
    "the United States and Ukraine", "Armenia and Azerbaijan", "Washington", "the Kremlin", "NATO",
    "shall meet once a year", "will set up a working group", "within three months of the signing",
    "does not include a mutual defense clause", "entered into force on 1 February 1977",
    "Secretary of Defense Lloyd Austin", "President", "\n", "\n\n", " ", "\t", ". ", ", ", "(", ")", "\"",
    # right-to-left text and bidirectional controls
    "\u0627\u062a\u0641\u0627\u0642\u064a\u0629 \u0633\u0644\u0627\u0645", "\u05d4\u05e1\u05db\u05dd",
    "\u202e", "\u202d", "\u200f", "\u200e", "\u2067", "\u2069",
    # zero-width, combining, BOM, replacement, line/paragraph separators, NBSP
    "\u200b", "\u200d", "\u0301\u0301\u0301", "\ufeff", "\ufffd", "\u2028", "\u2029", "\u00a0", "\u0085",
    # control characters and a lone surrogate (valid in a Python str, invalid in UTF-8)
    "\x00", "\x01", "\x07", "\x1b[31m", "\x7f", "\x0b", "\x0c", "\r", "\r\n", "\ud800",
    # digits and letters from other scripts that \d / \w match
    "\u0661\u0662\u0663", "\u096a", "\uff12\uff10\uff12\uff14", "\u2163", "\u00bd", "\U0001d7d9",
    "ﬁ", "İ", "ß", "\U0001f91d",
]

any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)
fragment_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=60).map("".join)
hostile_text = st.one_of(any_text, fragment_text)
published = st.one_of(st.none(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat),
                      st.sampled_from(["", "2024-02-30", "not a date", "2024", "9999-12-31", "0001-01-01"]),
                      st.text(max_size=12))


@st.composite
def broken_html(draw):
    """Nested, unclosed, mis-nested and hostile HTML (scripts, comments, CDATA, entities)."""
    tags = ["div", "p", "span", "article", "section", "table", "tr", "td", "li", "ul", "b", "i", "a", "h1",
            "script", "style", "iframe", "svg", "math", "template", "noscript", "textarea", "title"]
    depth = draw(st.integers(0, 400))
    opened = [draw(st.sampled_from(tags)) for _ in range(depth)]
    body = draw(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.sampled_from([
        "<!--", "-->", "<![CDATA[", "]]>", "&amp;", "&#0;", "&#x110000;", "&#99999999;", "&nbsp", "<", ">",
        "<br>", "</div>", "<p", "=\"", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
        "<meta charset=\"koi8-r\">", "<?xml version='1.0'?>", "<!DOCTYPE html>",
    ])), max_size=40))
    closers = draw(st.sampled_from(["all", "none", "shuffled"]))
    html = "<html><head><title>" + draw(fragment_text) + "</title></head><body>"
    html += "".join(f"<{t}>" for t in opened) + "".join(body)
    if closers == "all":
        html += "".join(f"</{t}>" for t in reversed(opened))
    elif closers == "shuffled":
        html += "".join(f"</{t}>" for t in opened)
    return html


def check_cleaned(raw: RawDocument) -> None:
    """Cleaning either refuses with SkipDocument or gives a document whose ranges are honest."""
    try:
        c = clean(raw)
    except SkipDocument:
        return
    doc = c.document
    n = len(c.original)
    pos = 0
    for s, e, reason in doc.removed:
        assert 0 <= pos <= s <= e <= n, (s, e, n)  # sorted, non-overlapping, inside the original
        assert isinstance(reason, str) and reason
        pos = e
    kept = "".join(c.original[a:b] for a, b in _gaps(doc.removed, n))
    assert kept == doc.text  # the cleaned text is exactly the original minus the removed ranges
    assert doc.text.strip()
    if doc.published is not None:
        dt.date.fromisoformat(doc.published)


def _gaps(removed, n):
    pos = 0
    for s, e, _ in removed:
        yield pos, s
        pos = e
    yield pos, n


# --------------------------------------------------------------------------- cleaner
@CLEAN
@given(text=hostile_text, title=st.one_of(st.none(), fragment_text), pub=published)
def test_clean_plain_text_never_raises(text, title, pub):
    check_cleaned(read_text(text, title=title, published=pub))


@CLEAN
@given(html=broken_html())
def test_clean_broken_html_never_raises(html):
    check_cleaned(RawDocument(source="t.html", html=html))


def test_clean_deeply_nested_html_is_bounded():
    # 20 000 unclosed <div>s: parsers that recurse per level blow the stack on this.
    html = "<html><body>" + "<div>" * 20_000 + "France and Germany signed a treaty on Monday." + "</div>" * 5
    with time_limit(120):
        check_cleaned(RawDocument(source="deep.html", html=html))


# --------------------------------------------------------------------------- dates
@RULES
@given(text=hostile_text, pub=published)
def test_find_dates_spans_inside_text(text, pub):
    for m in dates.find_dates(text, pub):
        assert 0 <= m.start <= m.end <= len(text)
        assert m.text == text[m.start:m.end]
        assert m.value is None or DATE_RE.match(m.value), m


@RULES
@given(expr=hostile_text, pub=published, direction=st.sampled_from(["auto", "past", "future", "sideways"]))
def test_resolve_relative_returns_a_date_or_none(expr, pub, direction):
    v = dates.resolve_relative(expr, pub, direction)
    assert v is None or DATE_RE.match(v), v


@RULES
@given(date=st.one_of(published, st.text(max_size=12)),
       period=st.one_of(st.from_regex(r"^P(\d{1,12}(\.\d{1,3})?[YMWD]){1,4}(T\d{1,6}[HMS])?$", fullmatch=True),
                        st.text(max_size=20)))
def test_add_period_never_raises(date, period):
    # Huge periods ("P999999999Y") must give None, not OverflowError.
    v = dates.add_period(date, period)
    assert v is None or re.match(r"^\d{4}-\d{2}-\d{2}$", v), v


# --------------------------------------------------------------------------- money and durations
@RULES
@given(text=hostile_text)
def test_money_spans_inside_text_and_amounts_finite(text):
    for m in money.find_money(text):
        assert 0 <= m.start <= m.end <= len(text)
        assert m.text == text[m.start:m.end]
        assert math.isfinite(m.amount) and m.amount >= 0, m
        assert re.fullmatch(r"[A-Z]{3}", m.currency), m


@RULES
@given(text=hostile_text)
def test_duration_spans_inside_text(text):
    for d in money.find_durations(text):
        assert 0 <= d.start <= d.end <= len(text)
        assert d.text == text[d.start:d.end]
        assert math.isfinite(d.years) and d.years >= 0, d


@RULES
@given(text=st.one_of(hostile_text, st.from_regex(r"^[\d,. ]{0,80}(million|billion|bn|m|k)?$", fullmatch=True)))
def test_parse_number_never_raises(text):
    v = money.parse_number(text)
    assert v is None or isinstance(v, (int, float))


# --------------------------------------------------------------------------- huge inputs to the rule parsers
PATHOLOGICAL = {
    # long runs that make backtracking regexes explode (digit groups, separators, spaces)
    "digit_groups": "1," * 200_000 + "x",
    "dollar_runs": "$ " * 100_000 + "billion",
    "spaces": " " * 500_000 + "on Tuesday",
    "one_long_line": ("France and Germany signed a treaty on 9 January 2024 worth $2 billion for ten years; " * 6000),
    "dots": "1." * 200_000,
    "month_words": "January February March " * 30_000,
    "control": "\x01\x02\x03 " * 100_000,
    "rtl": "\u202e\u0627\u062a\u0641\u0627\u0642 " * 80_000,
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_rule_parsers_on_huge_inputs_are_bounded(name):
    text = PATHOLOGICAL[name]
    with time_limit(60):
        for m in dates.find_dates(text, "2024-01-10"):
            assert 0 <= m.start <= m.end <= len(text)
        for m in money.find_money(text):
            assert 0 <= m.start <= m.end <= len(text)
        for d in money.find_durations(text):
            assert 0 <= d.start <= d.end <= len(text)
        money.parse_number(text[:100_000])
        dates.resolve_relative(text[:100_000], "2024-01-10")


@pytest.mark.parametrize("name", ["digit_groups", "spaces", "one_long_line", "rtl"])
def test_clean_on_huge_inputs_is_bounded(name):
    with time_limit(120):
        check_cleaned(read_text(PATHOLOGICAL[name][:1_000_000], published="2024-01-10"))


# --------------------------------------------------------------------------- the extractor
def check_record(record) -> None:
    assert record.check_evidence() == []
    n = len(record.document.text)
    for ag in record.agreements:
        for field, spans in ag.evidence.items():
            for s, e in spans:
                assert 0 <= s <= e <= n, (field, s, e, n)
        assert ag.signed_date is None or DATE_RE.match(ag.signed_date)
    record.to_json_dict()  # serialisable


def _extract(text, **kw):
    from pactwatch import api

    try:
        return api.extract(text, **kw)
    except SkipDocument:
        return None


@EXTRACT
@given(text=st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), min_size=5, max_size=80)
       .map("".join), pub=published)
def test_extractor_evidence_inside_text(text, pub):
    rec = _extract("Japan and the Philippines signed a defence agreement. " + text, published=pub
                   if pub and re.fullmatch(r"\d{4}-\d{2}-\d{2}", pub) else None)
    if rec is not None:
        check_record(rec)


@settings(max_examples=8, deadline=120000, suppress_health_check=[HealthCheck.too_slow])
@given(html=broken_html())
def test_extractor_on_broken_html(html):
    rec = _extract(html.replace("</body>", "") + "<p>France and Germany signed a treaty on energy on Monday.</p>")
    if rec is not None:
        check_record(rec)


def test_extractor_on_a_large_document_is_bounded():
    # ~60 KB of real-style prose with noise lines: big for an article, small for the 5 MB cap.
    para = ("The United States and Ukraine signed a ten-year security agreement on Tuesday in Kyiv, "
            "committing $18 million in Foreign Military Financing.\n"
            "\u202eRTL noise \u0627\u062a\u0641\u0627\u0642\u064a\u0629\u202c \x07\u200b line\n")
    text = para * 300
    with time_limit(300):
        rec = _extract(text, published="2024-06-12")
    assert rec is not None and rec.agreements
    check_record(rec)
