"""pactwatch: evidence-linked records of international agreements from news and official texts.

Library API first (the CLI and web app are thin layers over it)::

    import pactwatch
    record = pactwatch.extract(text_or_html, published="2021-09-01", source="rt.com")
    record = pactwatch.extract_file("story.txt")       # reads story.meta.json beside it
"""

from __future__ import annotations

from pactwatch.record import SCHEMA, Agreement, Document, Record

__version__ = "0.1.0"
__all__ = ["SCHEMA", "Agreement", "Document", "Record", "extract", "extract_file", "__version__"]


def extract(text_or_html: str, *, published: str | None = None, source: str | None = None,
            title: str | None = None, id: str | None = None) -> Record:
    """Clean one document (plain text or HTML) and return its `pactwatch/v1` record."""
    from pactwatch.api import extract as _extract

    return _extract(text_or_html, published=published, source=source, title=title, id=id)


def extract_file(path, *, published: str | None = None) -> Record:
    """Read one .txt/.html file (with its NAME.meta.json sidecar) and return its record."""
    from pactwatch.api import extract_file as _extract_file

    return _extract_file(path, published=published)
