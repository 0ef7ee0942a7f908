"""Fixtures of the tracking tests: a real Store (SQLite and PostgreSQL via ``db_url``)
holding the seed charter (shared/corpus/dev/seed-002), Azerbaijan-US Charter on Strategic
Partnership, published 2026-02-10 with no signing date in the text.

The record is extracted with ``pactwatch.extract`` when the extractor can produce the
charter with its mechanisms; while it cannot (the pipeline is being built in parallel),
the same record is built by hand from the text, with evidence offsets found in it, so the
tracking tests exercise the real store either way.
"""

from __future__ import annotations

import functools
import os

import pytest

from pactwatch.record import Agreement, Document, Mechanism, Provision, Record

SEED = "seed-002_59ec305d7eca5537.txt"
PUBLISHED = "2026-02-10"
CHARTER = "Charter on Strategic Partnership between the Government of the Republic of Azerbaijan and the Government of the United States of America"


def _span(text: str, phrase: str) -> tuple[int, int]:
    i = text.index(phrase)
    return i, i + len(phrase)


def _sentence(text: str, phrase: str) -> tuple[int, int]:
    s, e = _span(text, phrase)
    return s, text.index(";" if text.find(";", e) != -1 and text.find(";", e) < text.find(".", e) else ".", e) + 1


def hand_record(text: str) -> Record:
    """The seed charter as GOLD says it: working groups, a yearly meeting, the
    "within three months from the signing" term, no signing date."""
    provisions = [
        ("intend to expand energy cooperation", ["energy"]),
        ("intend to deepen civil nuclear cooperation", ["nuclear"]),
        ("intend to expand the scope of their defense and security cooperation", ["defense"]),
        ("intend to cooperate to increase capabilities in the field of cybersecurity", ["cyber"]),
        ("intend to cooperate in capacity building in humanitarian de-mining", ["demining"]),
    ]
    prov_models, prov_ev = [], []
    for phrase, domains in provisions:
        s, e = _sentence(text, phrase)
        prov_models.append(Provision(text=text[s:e].strip(), actor=["AZE", "USA"], modality="intent", domains=domains))
        prov_ev.append((s, e))
    charter = Agreement(
        name=CHARTER, role="primary", kind="charter", parties=["AZE", "USA"], status="signed",
        domains=sorted({d for _p, ds in provisions for d in ds}),
        provisions=prov_models,
        mechanisms=[Mechanism(kind="working_group"), Mechanism(kind="meeting", frequency="P1Y")],
        evidence={
            "name": [_span(text, "Charter on Strategic Partnership between the Government of the Republic of Azerbaijan")],
            "provisions": prov_ev,
            "mechanisms": [_span(text, "respective Working Groups"),
                           _span(text, "intend to meet regularly, at least once in a year")],
        },
        confidence=0.9,
    )
    mou = Agreement(
        name="Memorandum of Understanding regarding the establishment of a Working Group to develop a Strategic Partnership Charter",
        role="mentioned", kind="memorandum", parties=["AZE", "USA"], status="signed", signed_date="2025-08-08",
        place="Washington", mechanisms=[Mechanism(kind="working_group")],
        evidence={"mechanisms": [_span(text, "establishment of a Working Group")]}, confidence=0.6,
    )
    return Record(document=Document(id="seed-002", source=SEED, published=PUBLISHED, text=text),
                  agreements=[charter, mou])


@functools.lru_cache(maxsize=1)
def seed_record(dev_corpus: str) -> Record:
    """The seed charter's record: extracted, or (until the extractor reads it as GOLD does)
    built by hand.  Cached: extraction loads spaCy, and every test saves the same record."""
    text = rec_text(dev_corpus)
    try:
        # pactwatch.api.extract is what pactwatch.extract() calls.
        from pactwatch.api import extract

        rec = extract(text, published=PUBLISHED, id="seed-002", source=SEED)
        primary = [a for a in rec.agreements if a.role == "primary" and a.kind == "charter"]
        mechs = primary[0].mechanisms if primary else []
        # The extractor is used once it reads the charter as GOLD does (no signing date in
        # the text, working groups, a yearly meeting, provisions).
        if (primary and primary[0].signed_date is None and any(m.kind == "working_group" for m in mechs)
                and any(m.frequency == "P1Y" for m in mechs) and len(primary[0].provisions) >= 3):
            return rec
    except Exception:  # noqa: BLE001 - the extractor is another engineer's work in progress;
        pass  # while it cannot read the seed, the hand-built equivalent below stands in
    return hand_record(text)


def rec_text(dev_corpus: str) -> str:
    with open(os.path.join(dev_corpus, SEED), encoding="utf-8") as fh:
        return fh.read()


@pytest.fixture
def store(db_url):
    from pactwatch.store import Store

    st = Store(db_url)
    yield st
    st.close()


@pytest.fixture
def seeded(store, dev_corpus):
    """(store, charter agreement id, mou agreement id) with the seed charter saved."""
    from sqlalchemy import select

    from pactwatch.store.models import AgreementRow

    store.save(seed_record(dev_corpus))
    with store.session() as s:
        rows = list(s.execute(select(AgreementRow.id, AgreementRow.kind).order_by(AgreementRow.id)))
    charter = next(aid for aid, kind in rows if kind == "charter")
    # The memorandum the charter builds on (any other agreement of the text will do).
    other = next((aid for aid, kind in rows if kind == "memorandum"), None) or next(aid for aid, _k in rows if aid != charter)
    return store, charter, other


def _snapshot(store) -> dict:
    """Every tracking table as plain rows: compared before/after a refused write."""
    from pactwatch.track import service
    from pactwatch.track.csvio import ENTITY_ORDER

    with store.session() as s:
        return {e: service.rows(s, e) for e in ENTITY_ORDER}


def _provision_ids(store, agreement_id: int) -> list[int]:
    from sqlalchemy import select

    from pactwatch.store.models import ProvisionRow

    with store.session() as s:
        return list(s.scalars(select(ProvisionRow.id).where(ProvisionRow.agreement_id == agreement_id)
                              .order_by(ProvisionRow.position)))


@pytest.fixture
def snapshot():
    return _snapshot


@pytest.fixture
def provision_ids():
    return _provision_ids


@pytest.fixture
def seed(dev_corpus):
    """The seed record (extracted or hand-built), to save into a second store."""
    return seed_record(dev_corpus)
