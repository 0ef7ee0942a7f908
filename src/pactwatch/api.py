"""The public API: text or file in, ``pactwatch/v1`` record out.

Stages (each a plain function over plain data, see ARCHITECTURE.md)::

    RawDocument --clean--> Document --annotate--> Annotations --find_agreements + assemble--> Record

``annotate`` runs the spaCy model only on *passages* of the cleaned text (by default every
non-empty line; a caller can hand in fewer, e.g. the triage's candidate passages of a long
article) and shifts every offset by the passage start, so all annotations point into the
full cleaned text. Rule-based annotators (parties, dates, money, domains, pledges,
mechanisms) run on the full text: they are cheap.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from pactwatch.record import Record

Span = tuple[int, int]

# spaCy components the extractors use: sentence boundaries come from the parser, people
# from the NER, POS tags and lemmas (people.py reads "signed" as the lemma "sign"). The
# small model has nothing else enabled, so nothing is disabled.
_DISABLED: tuple[str, ...] = ()


@functools.lru_cache(maxsize=1)
def _nlp():
    from pactwatch.nlp import get_nlp

    return get_nlp(_DISABLED)


# ----------------------------------------------------------------------------- annotations


@dataclass
class Annotations:
    """Everything the extractors found in one cleaned text (offsets into that text)."""

    text: str
    published: str | None
    title_span: Span | None
    sentences: list[Span]
    parties: list = field(default_factory=list)
    dates: list = field(default_factory=list)
    money: list = field(default_factory=list)
    durations: list = field(default_factory=list)
    domains: list = field(default_factory=list)
    provisions: list = field(default_factory=list)
    pledges: list = field(default_factory=list)
    mechanisms: list = field(default_factory=list)
    people: list = field(default_factory=list)
    places: list = field(default_factory=list)


@dataclass
class Place:
    start: int
    end: int
    text: str


def default_passages(text: str) -> list[Span]:
    """Every non-empty line: a line never holds two paragraphs, and spaCy needs no more."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", text)]


def title_span(text: str, title: str | None) -> Span | None:
    """Where the headline sits in the cleaned text (it is usually its first line)."""
    if title:
        t = " ".join(title.split())
        pos = text.find(t, 0, 600)
        if pos >= 0:
            return (pos, pos + len(t))
        first = text.lstrip()
        off = len(text) - len(first)
        line = first.split("\n", 1)[0]
        if line and " ".join(line.split()).lower() == t.lower():
            return (off, off + len(line))
    return None


def annotate(text: str, published: str | None, *, title: str | None = None,
             passages: Sequence[Span] | None = None, docs: Sequence | None = None) -> Annotations:
    """Run every annotator over one cleaned text.

    ``passages``: the spans the spaCy model sees (default: every line). ``docs``: their
    already-parsed spaCy Docs, in the same order (``process_many`` parses in batches).
    """
    from pactwatch.annotate import gazetteer
    from pactwatch.annotate.agreements import split_sentences

    if passages is None:
        passages = default_passages(text)
    if docs is None:
        nlp = _nlp()
        docs = list(nlp.pipe([text[s:e] for s, e in passages]))
    sentences: list[Span] = []
    covered = []
    places: list[Place] = []
    people = []
    from pactwatch.annotate.people import find_people

    for (ps, pe), doc in zip(passages, docs):
        covered.append((ps, pe))
        for sent in doc.sents:
            s0 = ps + sent.start_char
            e0 = ps + sent.end_char
            if text[s0:e0].strip():
                sentences.append((s0, e0))
        for ent in doc.ents:
            if ent.label_ in ("GPE", "LOC", "FAC"):
                places.append(Place(ps + ent.start_char, ps + ent.end_char, ent.text))
        people.extend(find_people(doc, offset=ps))
    # text outside the passages still gets sentence boundaries, from the plain splitter
    pos = 0
    for ps, pe in sorted(covered) + [(len(text), len(text))]:
        if ps > pos and text[pos:ps].strip():
            sentences.extend((pos + s, pos + e) for s, e in split_sentences(text[pos:ps]))
        pos = max(pos, pe)
    sentences.sort()
    # names across passages: a surname in one paragraph resolves to the full name given in
    # another, and a misspelt repeat of a name is the same person
    from pactwatch.annotate.people import consolidate
    people = consolidate(people, text)
    parties = gazetteer.find_parties(text)
    ann = Annotations(text=text, published=published, title_span=title_span(text, title), sentences=sentences,
                      parties=parties, people=people)
    # places: capitals from the gazetteer and GPE entities that are not party names
    party_spans = {(p.start, p.end) for p in parties
                   if getattr(p, "via", "") != "capital" or getattr(p, "in_name", False)}
    ann.places = [Place(p.start, p.end, p.text) for p in parties
                  if getattr(p, "via", "") == "capital" and not getattr(p, "in_name", False)]
    ann.places += [pl for pl in places if (pl.start, pl.end) not in party_spans]
    _rules(ann)
    return ann


def _rules(ann: Annotations) -> None:
    """The rule-based annotators: cheap, so they read the whole text."""
    from pactwatch.annotate import dates, domains, mechanisms, money, pledges

    text = ann.text
    ann.dates = dates.find_dates(text, ann.published)
    ann.money = money.find_money(text)
    ann.durations = money.find_durations(text)
    ann.domains = domains.find_domains(text)
    ann.provisions = domains.find_provisions(text, ann.sentences)
    ann.pledges = pledges.find_pledges(text)
    ann.mechanisms = mechanisms.find_mechanisms(text)


# ----------------------------------------------------------------------------- records


@dataclass
class Processed:
    record: Record
    original: str


def _record(document, ann: Annotations) -> Record:
    from pactwatch.assemble import assemble
    from pactwatch.annotate.agreements import find_agreements

    title = document.title if ann.title_span is None else None
    title_parties = []
    if title:
        from pactwatch.annotate.gazetteer import find_parties

        title_parties = find_parties(title)
    cands = find_agreements(ann.text, sentences=ann.sentences, parties=ann.parties, dates=ann.dates,
                            published=ann.published, title_span=ann.title_span, places=ann.places,
                            title=title, title_parties=title_parties)
    agreements = assemble(cands, ann)
    return Record(document=document, agreements=agreements)


def process(raw, *, passages: Sequence[Span] | None = None) -> Processed:
    """Clean, annotate and assemble one RawDocument (raises SkipDocument when unusable)."""
    from pactwatch.clean import clean

    cleaned = clean(raw)
    doc = cleaned.document
    ann = annotate(doc.text, doc.published, title=doc.title, passages=passages)
    return Processed(record=_record(doc, ann), original=cleaned.original)


def process_many(raws: Iterable, *, batch_size: int = 32, n_process: int = 1,
                 passages=None) -> Iterator:
    """Process documents in batches through one ``nlp.pipe``; failures come out as ReadFailure.

    ``passages``: optional ``f(Document) -> [(start, end)]`` choosing what the model sees
    (the pipeline passes the triage's candidate passages); default: every line.

    A document that cannot be cleaned (empty, binary, not English) or whose extraction
    raises becomes a ``ReadFailure`` with a one-line reason, in input order; the batch
    goes on.
    """
    from pactwatch.clean import SkipDocument, clean
    from pactwatch.io import ReadFailure

    def flush(batch):
        # batch: list of (raw, cleaned | ReadFailure)
        texts, owners = [], []
        plans = []
        for idx, (raw, cl) in enumerate(batch):
            if isinstance(cl, ReadFailure):
                plans.append(None)
                continue
            ps = passages(cl.document) if passages is not None else default_passages(cl.document.text)
            plans.append(ps)
            for s, e in ps:
                texts.append(cl.document.text[s:e])
                owners.append(idx)
        parsed: dict[int, list] = {i: [] for i in range(len(batch))}
        if texts:
            try:
                for owner, d in zip(owners, _nlp().pipe(texts, batch_size=max(64, batch_size), n_process=n_process)):
                    parsed[owner].append(d)
            except Exception as exc:  # the model failed on the batch: fall back to one by one
                parsed = {}
                err = exc
            else:
                err = None
        else:
            err = None
        for idx, (raw, cl) in enumerate(batch):
            if isinstance(cl, ReadFailure):
                yield cl
                continue
            try:
                d = cl.document
                docs = parsed.get(idx) if err is None else None
                ann = annotate(d.text, d.published, title=d.title, passages=plans[idx], docs=docs)
                yield Processed(record=_record(d, ann), original=cl.original)
            except Exception as exc:  # one bad document never stops the batch
                yield ReadFailure(_origin(raw), f"extraction failed: {type(exc).__name__}: {_one_line(exc)}")

    batch = []
    for raw in raws:
        if isinstance(raw, ReadFailure):
            batch.append((raw, raw))
        else:
            try:
                batch.append((raw, clean(raw)))
            except SkipDocument as exc:
                batch.append((raw, ReadFailure(_origin(raw), f"skipped: {_one_line(exc)}")))
            except Exception as exc:
                batch.append((raw, ReadFailure(_origin(raw), f"cleaning failed: {type(exc).__name__}: "
                                                             f"{_one_line(exc)}")))
        if len(batch) >= batch_size:
            yield from flush(batch)
            batch = []
    if batch:
        yield from flush(batch)


def _origin(raw) -> str:
    return getattr(raw, "origin", None) or getattr(raw, "source", None) or "<input>"


def _one_line(exc) -> str:
    return " ".join(str(exc).split())[:300]


def extract(text_or_html: str, *, published: str | None = None, source: str | None = None,
            title: str | None = None, id: str | None = None) -> Record:
    """Clean one document (plain text or HTML) and return its record."""
    from pactwatch.io import read_text

    raw = read_text(text_or_html, source=source, published=published, title=title, id=id)
    return process(raw).record


def extract_file(path, *, published: str | None = None) -> Record:
    """Read the first document of a file (with its NAME.meta.json sidecar) and return its record."""
    from pactwatch.io import ReadFailure, read_paths

    for item in read_paths([Path(path)], published=published):
        if isinstance(item, ReadFailure):
            raise ValueError(str(item))
        return process(item).record
    raise ValueError(f"{path}: no document")
