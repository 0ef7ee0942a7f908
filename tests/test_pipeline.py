"""pactwatch.pipeline.ingest on small JSONL streams written here, into a real store."""

from __future__ import annotations

import json

import pytest

from pactwatch.pipeline import IngestStats, content_hash, ingest
from pactwatch.store import Store

# Real-style agreement reports (written for these tests) and news that is not about one.
AGREEMENTS = [
    ("jp-ph", "Japan, Philippines sign defence pact",
     "MANILA, July 8 - Japan and the Philippines signed a Reciprocal Access Agreement on Monday "
     "that allows their troops to train in each other's territory. The agreement was signed in "
     "Manila by Japanese Foreign Minister Yoko Kamikawa and Philippine Defence Secretary Gilberto "
     "Teodoro.\n\nThe pact must be ratified by Japan's parliament before it enters into force."),
    ("fr-de", "France and Germany sign energy treaty",
     "BERLIN, Jan 22 - France and Germany signed a treaty on energy cooperation in Berlin on "
     "Monday. The treaty sets up a joint council that will meet once a year.\n\nOfficials said "
     "the two countries would invest 2 billion euros in cross-border power lines."),
    ("us-in", "U.S., India agree defence framework",
     "WASHINGTON, Oct 31 - The United States and India signed a ten-year framework for defence "
     "cooperation on Friday, the Pentagon said. The framework covers joint exercises, technology "
     "sharing and military sales."),
    ("eu-cl", "EU and Chile sign trade agreement",
     "BRUSSELS, Dec 13 - The European Union and Chile signed an advanced framework agreement and "
     "an interim trade agreement on Wednesday. The trade agreement removes tariffs on nearly all "
     "goods exported by Chile to the EU."),
]
OTHER = [
    ("sport-1", "Cup final", "The home side scored twice in the second half to win the cup final. "
     "Fans celebrated in the streets until late."),
    ("budget-1", "Budget deal reached", "Senate leaders reached a budget deal late on Tuesday that "
     "would avert a government shutdown. The agreement raises spending caps for two years."),
    ("tech-1", "New phone launched", "The company unveiled its new phone on Wednesday, with a larger "
     "screen and a faster chip. Sales begin next month."),
    ("merger-1", "Acme to buy Widget", "Acme Corp said it agreed to acquire Widget Inc for $2 billion. "
     "The merger agreement was signed by both boards."),
]


def write_jsonl(path, docs, *, bad_lines: bool = False):
    with open(path, "w", encoding="utf-8") as fh:
        for i, (doc_id, title, text) in enumerate(docs):
            fh.write(json.dumps({"id": doc_id, "title": title, "text": text, "published": "2024-07-08",
                                 "source": "test"}) + "\n")
            if bad_lines and i == 1:
                fh.write('{"id": "broken", "text": \n')   # malformed JSON
                fh.write('["not", "an", "object"]\n')
    return path


def stored(store, ids):
    return {i: store.stored_record(i) for i in ids}


@pytest.fixture
def stream(tmp_path):
    docs = [d for pair in zip(AGREEMENTS, OTHER) for d in pair]  # interleaved
    return write_jsonl(tmp_path / "feed.jsonl", docs), [d[0] for d in docs]


def test_ingest_extracts_candidates_and_marks_the_rest_seen(stream, db_url):
    path, ids = stream
    store = Store(db_url)
    seen = []
    stats = ingest([str(path)], store, batch_size=3, progress=lambda s: seen.append(s.read))
    assert isinstance(stats, IngestStats)
    assert stats.read == 8 and stats.read_failed == 0 and stats.failed == 0
    assert stats.triaged_out == 4 and stats.extracted == 4
    assert stats.agreements >= 3 and stats.with_agreements >= 3
    assert seen and seen[-1] == 8  # progress called per batch, ends at the total
    for doc_id, _, text in AGREEMENTS:
        rec = store.stored_record(doc_id)
        assert rec["document"]["text"].startswith(text[:20])
        for ag in rec["agreements"]:
            for spans in ag["evidence"].values():
                for s, e in spans:
                    assert 0 <= s <= e <= len(rec["document"]["text"])
    # triaged-out documents are remembered by id and hash only
    for doc_id, _, _ in OTHER:
        rec = store.stored_record(doc_id)
        assert rec is not None and rec["agreements"] == [] and rec["document"]["text"] == ""
    store.close()


def test_rerun_is_idempotent(stream, db_url):
    path, ids = stream
    store = Store(db_url)
    ingest([str(path)], store)
    before, counts = stored(store, ids), store.table_counts()
    again = ingest([str(path)], store)
    assert again.skipped_same == 8 and again.extracted == 0 and again.triaged_out == 0
    assert stored(store, ids) == before
    assert store.table_counts() == counts
    store.close()


def test_changed_document_is_reprocessed(tmp_path, db_url):
    store = Store(db_url)
    p = write_jsonl(tmp_path / "a.jsonl", AGREEMENTS[:2])
    ingest([str(p)], store)
    # the same id now carries an irrelevant text: it is re-triaged and its reports go
    changed = [(AGREEMENTS[0][0], "Cup final", OTHER[0][2]), AGREEMENTS[1]]
    p2 = write_jsonl(tmp_path / "b.jsonl", changed)
    stats = ingest([str(p2)], store)
    assert stats.skipped_same == 1 and stats.triaged_out == 1
    assert store.stored_record(AGREEMENTS[0][0])["agreements"] == []
    store.close()


class Crash(BaseException):
    """Stands for a crash or kill mid-run (not an Exception: nothing may swallow it)."""


class CrashingStore:
    """A real Store that dies on its Nth save, as a process killed mid-ingest would."""

    def __init__(self, store, crash_on: int):
        self._store, self._n, self._crash_on = store, 0, crash_on

    def save(self, *a, **kw):
        self._n += 1
        if self._n == self._crash_on:
            raise Crash(f"killed at save {self._n}")
        return self._store.save(*a, **kw)

    def __getattr__(self, name):
        return getattr(self._store, name)


def test_resume_after_a_crash_gives_the_same_database(stream, tmp_path, db_url):
    path, ids = stream
    ref = Store(f"sqlite:///{tmp_path / 'ref.db'}")
    ingest([str(path)], ref, batch_size=2)
    expected, expected_counts = stored(ref, ids), ref.table_counts()
    ref.close()

    store = Store(db_url)
    with pytest.raises(Crash):
        ingest([str(path)], CrashingStore(store, crash_on=3), batch_size=2)
    partial = {i for i, r in stored(store, ids).items() if r is not None}
    assert 0 < len(partial) < len(ids)  # some documents were written, not all

    stats = ingest([str(path)], store, batch_size=2)
    assert stats.skipped_same == len(partial)
    assert stats.skipped_same + stats.extracted + stats.triaged_out == len(ids)
    assert stored(store, ids) == expected
    assert store.table_counts() == expected_counts
    store.close()


def test_ctrl_c_stops_cleanly_and_reports(stream, db_url):
    path, ids = stream
    store = Store(db_url)

    class Interrupting(CrashingStore):
        def save(self, *a, **kw):
            raise KeyboardInterrupt

    stats = ingest([str(path)], Interrupting(store, 0), batch_size=2)
    assert stats.interrupted is True
    assert ingest([str(path)], store).extracted == 4  # a rerun does the rest
    store.close()


def test_bad_lines_and_failed_documents_are_recorded_and_do_not_stop_the_run(tmp_path, db_url, monkeypatch):
    from pactwatch import api

    docs = AGREEMENTS + [("empty-1", "Nothing", "   ")]
    path = write_jsonl(tmp_path / "feed.jsonl", docs, bad_lines=True)
    real_record = api._record

    def failing_record(document, ann):
        # extraction raising on one document (a bug in an extractor) must cost only it
        if document.id == "fr-de":
            raise RuntimeError("extractor bug")
        return real_record(document, ann)

    monkeypatch.setattr(api, "_record", failing_record)
    store = Store(db_url)
    stats = ingest([str(path)], store, batch_size=8)
    assert stats.read_failed == 3  # malformed line, non-object line, the "text": "   " line
    assert stats.failed == 1 and stats.failed_by_stage["extract"] == 1
    assert stats.extracted == 3
    reasons = [f["reason"] for f in store.failures()]
    assert any("malformed JSON" in r for r in reasons)
    assert any("extractor bug" in r for r in reasons)
    assert any(f.startswith("[extract]") and "extractor bug" in f for f in stats.failures)
    assert store.stored_record("fr-de") is None
    # the failed document is retried on the next run (and succeeds once the bug is gone)
    monkeypatch.setattr(api, "_record", real_record)
    again = ingest([str(path)], store)
    assert again.extracted == 1 and again.skipped_same == 3
    store.close()


def test_two_workers_give_the_same_records_as_one(stream, tmp_path):
    path, ids = stream
    one = Store(f"sqlite:///{tmp_path / 'one.db'}")
    two = Store(f"sqlite:///{tmp_path / 'two.db'}")
    s1 = ingest([str(path)], one, workers=1, batch_size=2)
    s2 = ingest([str(path)], two, workers=2, batch_size=2)
    assert (s1.extracted, s1.triaged_out, s1.agreements) == (s2.extracted, s2.triaged_out, s2.agreements)
    assert stored(one, ids) == stored(two, ids)
    assert one.table_counts() == two.table_counts()
    assert one.agreements(limit=100).items == two.agreements(limit=100).items
    one.close()
    two.close()


def test_no_triage_extracts_everything(stream, db_url):
    path, ids = stream
    store = Store(db_url)
    stats = ingest([str(path)], store, triage=False)
    assert stats.triaged_out == 0 and stats.extracted == 8
    assert store.stored_record("sport-1")["document"]["text"].startswith("The home side")
    store.close()


def test_content_hash_changes_with_content_only():
    from pactwatch.io import RawDocument

    a = RawDocument(source="x", id="1", text="abc", title="t", published="2024-01-01")
    b = RawDocument(source="y", id="2", text="abc", title="t", published="2024-01-01", meta={"origin": "z"})
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) != content_hash(RawDocument(source="x", id="1", text="abd", title="t"))
    assert content_hash(RawDocument(source="x", text=None, html="ab")) != content_hash(RawDocument(source="x", text="ab"))


def test_batch_timeout_fails_its_documents_and_a_rerun_retries_them(stream, tmp_path):
    path, ids = stream
    store = Store(f"sqlite:///{tmp_path / 't.db'}")
    # Workers load the model first (seconds): a 10 ms limit times every batch out.
    stats = ingest([str(path)], store, workers=2, batch_size=2, batch_timeout=0.01)
    assert stats.failed == 4 and stats.failed_by_stage["timeout"] == 4 and stats.extracted == 0
    assert all(f["stage"] == "timeout" for f in store.failures())
    again = ingest([str(path)], store, batch_size=2)
    assert again.extracted == 4 and again.skipped_same == 4  # triaged-out ones were marked seen
    assert store.failures() == []  # a successful save clears the document's failures
    store.close()
