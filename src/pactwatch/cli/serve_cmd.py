"""`pactwatch serve`: the web app (HTML pages + JSON API) over one database."""

from __future__ import annotations

import os

import typer

from pactwatch.cli import app


@app.command("serve")
def serve(
    db: str = typer.Option(None, "--db", help="Database URL (default: $PACTWATCH_DB or sqlite:///pactwatch.db)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (loopback by default)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535),
    token: str = typer.Option(
        None, "--token", envvar="PACTWATCH_TOKEN",
        help="Enable POST /api/documents for clients sending 'Authorization: Bearer TOKEN'. "
             "Prefer the PACTWATCH_TOKEN variable: a command-line argument is visible to other users."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes (uvicorn)."),
) -> None:
    """Serve the search, agreement, document, compare, timeline, network and deadline pages and the REST API."""
    import uvicorn

    from pactwatch.web.app import create_app

    if workers > 1:
        # Worker processes build their own app from the environment (uvicorn imports a
        # factory by name), so the settings travel there.
        if db:
            os.environ["PACTWATCH_DB"] = db
        if token:
            os.environ["PACTWATCH_TOKEN"] = token
        uvicorn.run("pactwatch.web.app:app_from_env", factory=True, host=host, port=port,
                    workers=workers, log_level="info", proxy_headers=False)
        return
    uvicorn.run(create_app(db_url=db, token=token), host=host, port=port, log_level="info", proxy_headers=False)
