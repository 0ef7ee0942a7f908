"""Web app: JSON REST API and server-rendered pages over the agreement database.

    from pactwatch.web import create_app
    app = create_app("sqlite:///pactwatch.db", token=None)
"""

from __future__ import annotations


def create_app(db_url: str | None = None, token: str | None = None, **kw):
    from pactwatch.web.app import create_app as _create_app

    return _create_app(db_url=db_url, token=token, **kw)


__all__ = ["create_app"]
