"""The `pactwatch` command line: a thin Typer layer over the library.

Each group of commands lives in its own module and registers itself on ``app``.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="pactwatch",
    help="Turn reports and texts about international agreements into an evidence-linked database.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

# Importing a module registers its commands on `app`.
from pactwatch.cli import extract_cmds  # noqa: E402,F401
from pactwatch.cli import ingest_cmd  # noqa: E402,F401
from pactwatch.cli import query_cmds  # noqa: E402,F401
from pactwatch.cli import export_cmd  # noqa: E402,F401
from pactwatch.cli import serve_cmd  # noqa: E402,F401
from pactwatch.cli import track_cmds  # noqa: E402,F401


def main() -> None:
    app()
