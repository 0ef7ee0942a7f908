"""Fixtures of the store tests: an open Store on each database of ``db_url``."""

from __future__ import annotations

import pytest

from pactwatch.store import Store


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.close()


@pytest.fixture
def loaded(store):
    """A store holding the framework (3 outlets + a mention), the 2024 agreement and two others."""
    from store_records import framework_reports, other_records, security_agreement_2024

    for r in [*framework_reports(), security_agreement_2024(), *other_records()]:
        store.save(r)
    return store
