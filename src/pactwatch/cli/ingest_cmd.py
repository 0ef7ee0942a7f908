"""`pactwatch ingest PATH...`: a thin layer over pactwatch.pipeline.ingest."""

from __future__ import annotations

import os
import re
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from pactwatch.cli import app

DEFAULT_DB = "sqlite:///pactwatch.db"
_err = Console(stderr=True, highlight=False, soft_wrap=True)


@app.command()
def ingest(
    paths: List[str] = typer.Argument(..., help="Files, folders (walked recursively) and .jsonl / .jsonl.gz streams."),
    db: Optional[str] = typer.Option(None, "--db", envvar="PACTWATCH_DB",
                                     help=f"Database URL (default: $PACTWATCH_DB or {DEFAULT_DB})."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Extraction processes (each loads the model once)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                            help="Dask scheduler address (tcp://HOST:8786): extract on a cluster."),
    batch_size: int = typer.Option(32, "--batch-size", min=1, help="Documents per batch sent to a worker."),
    no_triage: bool = typer.Option(False, "--no-triage", help="Extract every document, whole text (slow on news streams)."),
    published: Optional[str] = typer.Option(None, "--published", help="Publication date (YYYY-MM-DD) for every document."),
    no_progress: bool = typer.Option(False, "--no-progress", help="No progress bar (logs, CI)."),
) -> None:
    """Read documents, keep those about agreements, extract and store their records.

    Reruns skip documents already stored with the same content, so an interrupted
    ingest is resumed by running the same command again.
    """
    from pactwatch.pipeline import ingest as run_ingest
    from pactwatch.store import Store

    if published is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        raise typer.BadParameter("expected YYYY-MM-DD", param_hint="--published")
    if scheduler is not None and not re.match(r"^[a-z]+://", scheduler):
        raise typer.BadParameter("expected an address like tcp://HOST:8786", param_hint="--scheduler")
    url = db or os.environ.get("PACTWATCH_DB") or DEFAULT_DB
    store = Store(url)
    console = Console(stderr=True)

    show = not no_progress and console.is_terminal
    progress = Progress(
        SpinnerColumn(), TextColumn("[bold]ingest"), BarColumn(bar_width=None),
        TextColumn("{task.completed} docs  {task.fields[rate]:.1f} docs/s  "
                   "[green]{task.fields[extracted]} extracted[/]  [dim]{task.fields[out]} triaged out, "
                   "{task.fields[same]} unchanged[/]  [red]{task.fields[failed]} failed[/]"),
        TimeElapsedColumn(), console=console, transient=False, disable=not show,
    )
    task = progress.add_task("ingest", total=None, rate=0.0, extracted=0, out=0, same=0, failed=0)

    def on_progress(stats) -> None:
        progress.update(task, completed=stats.read + stats.read_failed, rate=stats.docs_per_s,
                        extracted=stats.extracted, out=stats.triaged_out, same=stats.skipped_same,
                        failed=stats.failed + stats.read_failed)

    try:
        with progress:
            stats = run_ingest(paths, store, workers=workers, scheduler=scheduler, batch_size=batch_size,
                               triage=not no_triage, published=published, progress=on_progress)
            on_progress(stats)
    except (OSError, TimeoutError) as exc:
        # An unreachable Dask scheduler (or a worker pool that cannot start) is a setup
        # error: say so in one line instead of a traceback.
        _err.print(Text(f"ingest: cannot run: {type(exc).__name__}: {exc}"))
        raise typer.Exit(2)
    store.close()
    _summary(stats, url)
    if stats.interrupted:
        _err.print("Interrupted: rerun the same command to resume (stored documents are skipped).")
        raise typer.Exit(130)
    # Non-zero only when nothing at all could be read: a bad line among good ones is a
    # reported failure, not a failed run.
    if stats.read == 0:
        raise typer.Exit(1)


def _summary(stats, url: str) -> None:
    out = Console(highlight=False, soft_wrap=True)
    t = Table(title=f"ingest into {_safe_url(url)}", show_header=False, box=None)
    t.add_column("what", style="cyan")
    t.add_column("n", justify="right")
    rows = [
        ("read", stats.read), ("unreadable inputs", stats.read_failed),
        ("skipped (already stored, same content)", stats.skipped_same),
        ("triaged out (not about agreements)", stats.triaged_out), ("extracted", stats.extracted),
        ("documents with agreements", stats.with_agreements), ("agreements stored", stats.agreements),
        ("failed", stats.failed),
    ]
    for label, n in rows:
        t.add_row(label, str(n))
    t.add_row("time", f"{stats.elapsed:.1f} s ({stats.docs_per_s:.1f} docs/s)")
    out.print(t)
    if stats.failures:
        out.print("Failures:")
        for line in stats.failures:
            # Plain Text: paths may hold "[" that Rich would read as markup.
            out.print(Text("  " + line))
        more = stats.failed + stats.read_failed - len(stats.failures)
        if more > 0:
            out.print(f"  ... and {more} more (see `pactwatch failures` / Store.failures()).")


def _safe_url(url: str) -> str:
    # Never print a password given in the URL.
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)
