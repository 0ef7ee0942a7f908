"""`pactwatch export`: a thin layer over ``pactwatch.export``."""

from __future__ import annotations

from typing import Optional

import typer
from rich.console import Console
from rich.text import Text

from pactwatch import export
from pactwatch.cli import app
from pactwatch.cli.common import DbOpt, open_store

_err = Console(stderr=True, highlight=False)


@app.command("export")
def export_cmd(
    fmt: str = typer.Option("csv", "--format", "-f", help="csv | json | parquet | atop (dyad-year CSV)."),
    out: Optional[str] = typer.Option(None, "--out", "-o", help="Output file (stdout when omitted; "
                                      "required for parquet; a directory with --tables; .jsonl for JSON Lines)."),
    tables: bool = typer.Option(False, "--tables", help="csv: also one CSV per child table into the --out directory."),
    through: Optional[int] = typer.Option(None, "--through", help="atop: last year for open-ended agreements "
                                          "(default: this year)."),
    non_states: bool = typer.Option(False, "--non-states", help="atop: also dyads with organisations/non-state parties."),
    db: Optional[str] = DbOpt,
) -> None:
    """Export the merged agreements (see `pactwatch.export` for the ATOP convention)."""
    if fmt not in export.FORMATS:
        raise typer.BadParameter(f"one of {', '.join(export.FORMATS)}", param_hint="--format")
    store = open_store(db)
    try:
        result = export.write(store, fmt, out, tables=tables, through=through, include_non_states=non_states)
    except ValueError as exc:
        _err.print(Text(str(exc)))
        raise typer.Exit(2) from exc
    finally:
        store.close()
    if result["files"]:
        _err.print(Text(f"wrote {result['rows']} row(s) as {fmt}: {', '.join(result['files'])}"))
