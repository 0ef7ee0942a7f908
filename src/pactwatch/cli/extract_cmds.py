"""`pactwatch extract` and `pactwatch eval`: thin layers over pactwatch.io, pactwatch.api
and pactwatch.evaluate."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from pactwatch.cli import app

# Messages about bad inputs go to stderr so that `extract --json` output stays clean JSONL.
_err = Console(stderr=True, highlight=False, soft_wrap=True)


def _say_failure(failure) -> None:
    # One line per bad input, naming it ("bad.jsonl:17: malformed JSON line (...)");
    # printed as plain Text: file names may hold "[" that Rich would read as markup.
    _err.print(Text(str(failure)))


# ----------------------------------------------------------------------------- extract


def _quote(record, spans, limit: int = 160) -> str:
    text = record.document.text
    parts = []
    for s, e in spans[:2]:
        q = " ".join(text[s:e].split())
        parts.append(q if len(q) <= limit else q[: limit - 1] + "…")
    return " | ".join(f"“{q}”" for q in parts)


def _render_record(console: Console, record) -> None:
    doc = record.document
    head = Text()
    head.append(doc.title or doc.id, style="bold")
    head.append(f"\n{doc.source or ''}  published: {doc.published or 'unknown'}  "
                f"removed furniture: {len(doc.removed)} span(s)", style="dim")
    if not record.agreements:
        console.print(Panel(Text.assemble(head, "\n\nNo agreement found."), title=doc.id, expand=True))
        return
    tables = []
    for ag in record.agreements:
        t = Table(show_header=False, box=None, pad_edge=False, expand=True)
        t.add_column("field", style="cyan", no_wrap=True)
        t.add_column("value", ratio=2)
        t.add_column("evidence", style="dim", ratio=3)
        ev = ag.evidence

        def row(label, value, key):
            if value in (None, "", []):
                return
            t.add_row(label, Text(str(value)), Text(_quote(record, ev.get(key, []))))

        row("role", ag.role, "role")
        row("kind", ag.kind, "kind")
        row("parties", ", ".join(ag.parties), "parties")
        row("status", ag.status, "status")
        row("signed", ag.signed_date, "signed_date")
        row("place", ag.place, "place")
        row("signatories", "; ".join(
            s.name + (f" ({s.role}{', ' + s.party if s.party else ''})" if s.role or s.party else "")
            for s in ag.signatories), "signatories")
        row("domains", ", ".join(ag.domains), "domains")
        row("funding", "; ".join(
            f"{f.amount:,.0f} {f.currency}" + (f" – {f.purpose}" if f.purpose else "") for f in ag.funding),
            "funding")
        row("duration", f"{ag.duration_years:g} years" if ag.duration_years is not None else None,
            "duration_years")
        row("defense pledge", ag.defense_pledge, "defense_pledge")
        row("consult pledge", ag.consultation_pledge, "consultation_pledge")
        row("mechanisms", "; ".join(
            m.kind + (f" “{m.name}”" if m.name else "") + (f" every {m.frequency}" if m.frequency else "")
            + (f" due {m.due}" if m.due else "") for m in ag.mechanisms), "mechanisms")
        row("related", "; ".join(ag.related), "related")
        tables.append(Panel(t, title=Text(ag.name, style="bold green"),
                            subtitle=f"confidence {ag.confidence:.2f}", title_align="left"))
    from rich.console import Group

    console.print(Panel(Group(head, *tables), title=doc.id, expand=True))


def _tap_warnings(items):
    """Pass documents through, printing their reader warnings (e.g. invalid UTF-8) on stderr."""
    from pactwatch.io import RawDocument

    for item in items:
        if isinstance(item, RawDocument):
            for w in item.meta.get("warnings", []):
                _err.print(Text(f"note {item.origin}: {w}"))
        yield item


@app.command("extract")
def extract_cmd(
    files: list[Path] = typer.Argument(..., help="Files or folders: .txt, .html, .jsonl, .jsonl.gz; - reads stdin."),
    as_json: bool = typer.Option(False, "--json", help="One pactwatch/v1 JSON object per document per line."),
    published: Optional[str] = typer.Option(
        None, "--published", help="Publication date YYYY-MM-DD for every input (overrides metadata)."),
    batch_size: int = typer.Option(16, "--batch-size", min=1, help="Documents per spaCy batch."),
) -> None:
    """Extract agreement records from documents and print them.

    Bad inputs (unreadable, empty, binary, too large, not English, malformed JSON lines)
    are named on stderr, one line each, and skipped. Exit status 1 only when nothing
    could be read.
    """
    from pactwatch import api
    from pactwatch.io import ReadFailure, read_paths

    if published is not None:
        from datetime import date

        try:
            date.fromisoformat(published)
        except ValueError:
            _err.print(Text(f"--published: not a YYYY-MM-DD date: {published!r}"))
            raise typer.Exit(2)

    console = Console(highlight=False)
    read_any = False
    items = _tap_warnings(read_paths([str(f) for f in files], published=published))
    for out in api.process_many(items, batch_size=batch_size):
        if isinstance(out, ReadFailure):
            _say_failure(out)
            continue
        read_any = True
        record = out.record
        if as_json:
            sys.stdout.write(json.dumps(record.to_json_dict(), ensure_ascii=False) + "\n")
            sys.stdout.flush()  # stream: a consumer sees each record as soon as it is made
        else:
            _render_record(console, record)
    if not read_any:
        _err.print(Text("nothing could be read"))
        raise typer.Exit(1)


# ----------------------------------------------------------------------------- eval


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}"


def _short(v, limit: int = 70) -> str:
    s = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v
    return s if len(s) <= limit else s[: limit - 1] + "…"


def render_report(console: Console, report) -> None:
    d = report.detection
    det = Table(title=f"Detection — {report.documents} documents", title_justify="left")
    for c in ("", "TP", "FP", "FN", "precision", "recall", "F1"):
        det.add_column(c, justify="right" if c else "left")
    det.add_row("primary", str(d.tp), str(d.fp), str(d.fn), _pct(d.precision), _pct(d.recall), _pct(d.f1))
    det.add_row("mentioned", str(d.mentioned_found), str(d.mentioned_predicted - d.mentioned_found),
                str(d.mentioned_gold - d.mentioned_found), "", _pct(d.mentioned_recall), "")
    console.print(det)

    ft = Table(title="Fields of matched primary agreements", title_justify="left")
    for c in ("field", "score", "pairs scored", "weight (filled in gold)"):
        ft.add_column(c, justify="left" if c == "field" else "right")
    for fs in report.fields.values():
        ft.add_row(fs.name, _pct(fs.score), str(fs.pairs), str(fs.gold_filled))
    console.print(ft)
    console.print(
        f"[bold]overall[/bold] {_pct(report.overall)}  (weighted field mean {_pct(report.field_mean)} "
        f"× detection F1 {_pct(d.f1)})   published date accuracy {_pct(report.published_accuracy)} "
        f"on {report.published_scored} documents"
    )

    errors = [r for r in report.per_document if r.error]
    if errors:
        kinds = sorted({r.error for r in errors})
        console.print(f"[red]{len(errors)} document(s) failed to extract[/red]: {kinds[0]}"
                      + (f" (and {len(kinds) - 1} other error(s))" if len(kinds) > 1 else ""))
    misses = [r for r in report.per_document if not r.ok]
    if not misses:
        console.print("[green]No misses.[/green]")
        return
    mt = Table(title="Misses", title_justify="left", show_lines=True, expand=True)
    mt.add_column("document", style="cyan", overflow="fold", max_width=40)
    mt.add_column("what", ratio=1)
    for r in misses:
        lines = Text()
        if r.error:
            lines.append(f"error: {r.error}\n", style="red")
        for m in r.missed:
            lines.append(f"missed {m}\n", style="yellow")
        for s in r.spurious:
            lines.append(f"spurious primary: {s}\n", style="magenta")
        for name, fm in r.field_misses.items():
            lines.append(f"{name}:\n", style="bold")
            for m in fm:
                lines.append(f"  {m.field}: gold {_short(m.gold)}  predicted {_short(m.predicted)}\n")
        lines.rstrip()
        mt.add_row(r.doc, lines)
    console.print(mt)


@app.command("eval")
def eval_cmd(
    corpus_dir: Path = typer.Argument(..., help="Folder of NAME.txt/.html with NAME.gold.json (and .meta.json)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON object."),
    doc: Optional[list[str]] = typer.Option(None, "--doc", help="Only these documents (file name or stem)."),
) -> None:
    """Score extraction against the gold files of a corpus (rules of GOLD.md)."""
    from pactwatch.evaluate import evaluate, gold_files

    if not corpus_dir.is_dir():
        _err.print(Text(f"{corpus_dir}: not a folder"))
        raise typer.Exit(1)
    if not gold_files(corpus_dir):
        _err.print(Text(f"{corpus_dir}: no NAME.gold.json with its document found"))
        raise typer.Exit(1)
    report = evaluate(corpus_dir, docs=doc)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
    else:
        render_report(Console(highlight=False), report)
    if report.documents and all(r.error for r in report.per_document):
        # Every document failed: the extractor itself is broken, say so with the exit code.
        raise typer.Exit(1)
