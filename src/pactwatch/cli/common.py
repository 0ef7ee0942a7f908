"""Options and helpers shared by the command groups (one definition of ``--db``)."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.text import Text

DbOpt = typer.Option(None, "--db", envvar="PACTWATCH_DB",
                     help="Database URL (sqlite:///file.db or postgresql+psycopg://...); default sqlite:///pactwatch.db")
JsonOpt = typer.Option(False, "--json", help="Print JSON instead of a table.")

_err = Console(stderr=True, highlight=False)


def open_store(db: str | None):
    """The Store at ``db`` (None: $PACTWATCH_DB or the default file), or exit 2 with one line."""
    from pactwatch.store import Store

    try:
        return Store(db)
    except Exception as exc:  # a bad URL / unreachable server: one line, not a traceback
        _err.print(Text(f"cannot open database {db or '(default)'}: {exc}"))
        raise typer.Exit(2) from exc
