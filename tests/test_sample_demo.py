"""The bundled sample is what ``make demo`` ingests: every document of it must reach the
database with its agreements.

Guards against a silent regression: when triage could not find the gazetteer's country
table (it moved with extract/ -> annotate/) it fell back to its short built-in state list,
triaged out all five sample documents, and ``make demo`` listed 0 agreements while every
other test stayed green.
"""

from __future__ import annotations

import glob
import os

import pactwatch
from pactwatch import triage

SAMPLE = os.path.join(os.path.dirname(pactwatch.__file__), "sample")


def test_triage_reads_the_gazetteer_country_table():
    assert os.path.isfile(triage.COUNTRIES_FILE), triage.COUNTRIES_FILE
    codes = {c.code for c in triage._country_cues()}
    assert {"BRA", "IDN", "CAN", "CHL", "GHA", "KEN", "NOR", "POL", "EST", "FIN"} <= codes


def test_every_sample_document_is_a_triage_candidate():
    paths = sorted(glob.glob(os.path.join(SAMPLE, "*.txt")))
    assert len(paths) == 5
    t = triage.Triage()
    for p in paths:
        with open(p, encoding="utf-8") as fh:
            assert t.is_candidate(fh.read()), os.path.basename(p)


def test_demo_ingest_stores_the_sample_agreements(tmp_path):
    from pactwatch.pipeline import ingest
    from pactwatch.store import Store

    store = Store(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        stats = ingest(SAMPLE, store)
    finally:
        store.close()
    assert (stats.read, stats.triaged_out, stats.failed) == (5, 0, 0), stats
    assert stats.with_agreements == 5 and stats.agreements >= 5, stats
