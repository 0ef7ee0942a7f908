"""The public API: extract(), extract_file(), process() and process_many()."""

from __future__ import annotations

import json

import pytest

from pactwatch import api
from pactwatch.clean import SkipDocument
from pactwatch.io import RawDocument, ReadFailure
from pactwatch.record import Record, json_schema

STORY = (
    "India, US sign 10-year defence framework\n\n"
    "India and the United States on Friday signed a 10-year Defence Framework Agreement in Kuala Lumpur "
    "to deepen military cooperation and technology sharing. Indian Defence Minister Rajnath Singh and US "
    "Defense Secretary Pete Hegseth signed the agreement on the sidelines of a regional meeting."
)


def _validate(record: Record) -> None:
    data = record.to_json_dict()
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - pydantic validation is the fallback
        Record.model_validate(data)
    else:
        jsonschema_rs.validator_for(json_schema()).validate(data)
    assert record.check_evidence() == []


def test_extract_returns_a_valid_record_with_evidence():
    rec = api.extract(STORY, published="2025-10-31", source="test", title="India, US sign 10-year defence framework")
    assert isinstance(rec, Record)
    _validate(rec)
    assert rec.document.published == "2025-10-31"
    prim = [a for a in rec.agreements if a.role == "primary"]
    assert len(prim) == 1
    ag = prim[0]
    assert ag.kind == "framework"
    assert ag.parties == ["IND", "USA"]
    assert ag.status == "signed"
    assert ag.signed_date == "2025-10-31"
    assert ag.duration_years == 10
    assert "defense" in ag.domains
    assert {s.name.split()[-1] for s in ag.signatories} >= {"Singh", "Hegseth"}
    text = rec.document.text
    for field in ("name", "kind", "status", "signed_date", "parties", "duration_years"):
        assert field in ag.evidence, field
    s, e = ag.evidence["status"][0]
    assert text[s:e] in {"sign", "signed"}  # the headline speaks first
    # the JSON round-trips
    again = Record.model_validate(json.loads(json.dumps(rec.to_json_dict())))
    assert again.agreements[0].parties == ag.parties


def test_extract_html_input():
    html = ("<html><head><title>Chile, Peru sign fisheries agreement</title></head><body><article>"
            "<h1>Chile, Peru sign fisheries agreement</h1><p>Chile and Peru signed a fisheries agreement in "
            "Lima on 3 May 2022, the two foreign ministries said in a joint note. The deal covers maritime "
            "border enforcement and fish stocks.</p></article></body></html>")
    rec = api.extract(html, published="2022-05-04")
    _validate(rec)
    prim = [a for a in rec.agreements if a.role == "primary"]
    assert prim and prim[0].parties == ["CHL", "PER"]
    assert "<" not in rec.document.text


def test_extract_document_without_agreement():
    rec = api.extract("The weather in Paris was sunny on Tuesday, and tourists filled the cafes.",
                      published="2024-06-04")
    _validate(rec)
    assert rec.agreements == []


def test_extract_file_reads_sidecar_meta(tmp_path):
    p = tmp_path / "story.txt"
    p.write_text(STORY, encoding="utf-8")
    (tmp_path / "story.meta.json").write_text(json.dumps({
        "published": "2025-10-31", "source": "https://example.org/story",
        "title": "India, US sign 10-year defence framework"}), encoding="utf-8")
    rec = api.extract_file(p)
    _validate(rec)
    assert rec.document.published == "2025-10-31"
    assert rec.document.source == "https://example.org/story"
    assert rec.document.id == "story"
    ag = [a for a in rec.agreements if a.role == "primary"][0]
    # "on Friday" resolves against the sidecar's publication date
    assert ag.signed_date == "2025-10-31"
    # an explicit date overrides the sidecar
    rec2 = api.extract_file(p, published="2025-11-05")
    assert rec2.document.published == "2025-11-05"


def test_extract_file_missing_raises(tmp_path):
    with pytest.raises(ValueError):
        api.extract_file(tmp_path / "nope.txt")


def test_process_skips_empty_document():
    with pytest.raises(SkipDocument):
        api.process(RawDocument(source="empty", id="empty", text="   \n  "))


def test_process_many_continues_past_bad_documents(monkeypatch):
    good = RawDocument(source="good", id="good", text=STORY, published="2025-10-31")
    empty = RawDocument(source="empty.txt", id="empty", text="")
    failure = ReadFailure("broken.jsonl:3", "malformed JSON line")
    boom = RawDocument(source="boom", id="boom", text="Chile and Peru signed a fisheries agreement on Monday.")
    real = api._record

    def flaky(document, ann):
        if document.id == "boom":
            raise RuntimeError("annotator crashed\nwith two lines")
        return real(document, ann)

    monkeypatch.setattr(api, "_record", flaky)
    out = list(api.process_many([good, empty, failure, boom, good], batch_size=2))
    assert len(out) == 5
    assert isinstance(out[0], api.Processed) and isinstance(out[4], api.Processed)
    assert isinstance(out[1], ReadFailure) and out[1].source == "empty.txt" and "skipped" in out[1].reason
    assert out[2] is failure
    assert isinstance(out[3], ReadFailure) and "RuntimeError" in out[3].reason
    assert "\n" not in str(out[3])
    assert out[0].record.agreements and out[0].original.startswith("India, US sign")


def test_process_many_matches_process():
    raw = RawDocument(source="s", id="s", text=STORY, published="2025-10-31")
    one = api.process(raw).record.to_json_dict()
    many = next(iter(api.process_many([raw]))).record.to_json_dict()
    assert one == many


def test_annotate_on_passages_maps_offsets_back():
    text = ("Unrelated opening line about markets.\n\n" + STORY.split("\n\n", 1)[1] + "\n\nClosing line.")
    start = text.index("India and the United States")
    end = text.index("\n\nClosing")
    ann = api.annotate(text, "2025-10-31", passages=[(start, end)])
    # sentences inside the passage come from spaCy, shifted by the passage start
    assert any(s == start for s, _ in ann.sentences)
    # people found by the model point into the full text
    assert any(text[p.start:p.end].endswith("Hegseth") for p in ann.people)
    # text outside the passage still has sentence boundaries
    assert any(text[s:e].startswith("Unrelated") for s, e in ann.sentences)


def test_city_inside_a_club_name_is_no_place_and_no_party():
    rec = api.extract("GHANA, BRITAIN SIGN DEBT ACCORD\n\nLONDON, March 24 - Ghana and Britain signed an agreement "
                      "to reschedule Ghana's official debts as part of a Paris Club deal, officials said.",
                      published="1987-03-24")
    prim = [a for a in rec.agreements if a.role == "primary"]
    assert prim and prim[0].parties == ["GBR", "GHA"] and prim[0].place != "Paris"


def test_background_sums_are_not_funding():
    rec = api.extract("Kenya and Uganda signed a trade agreement on Monday. Uganda's trade deficit with Kenya, "
                      "which peaked at $40 billion, has worried officials.", published="2020-10-14")
    prim = [a for a in rec.agreements if a.role == "primary"]
    assert prim and not any(f.amount == 40e9 for f in prim[0].funding)
