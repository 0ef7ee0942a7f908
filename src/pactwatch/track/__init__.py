"""Implementation tracking: what became of an agreement after the signing.

* ``models``    - bodies, projects, milestones, meetings, status updates, anchor dates
                  (tables of migration ``0002_tracking``);
* ``deadlines`` - pure deadline arithmetic with an injectable ``today``;
* ``progress``  - provision status, coverage, progress per domain (pure);
* ``service``   - reads/writes on a SQLAlchemy session, one validator for every write,
                  ``sync_from_agreement`` (bodies from the extractor's mechanisms);
* ``api``       - the same over a ``Store``, for the CLI and the web router;
* ``csvio`` / ``ical`` / ``report`` - spreadsheets, calendars, reports.
"""

from __future__ import annotations


def sync_from_agreement(session, agreement_id: int):
    """Create (idempotently) a body for every mechanism of the agreement; see ``service``."""
    from pactwatch.track.service import sync_from_agreement as _sync

    return _sync(session, agreement_id)


__all__ = ["sync_from_agreement"]
