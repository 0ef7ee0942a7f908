"""`pactwatch ingest` through Typer's CliRunner, on SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import json

from typer.testing import CliRunner

from pactwatch.cli import app
from pactwatch.store import Store

runner = CliRunner()

TREATY = ("BERLIN, Jan 22 - France and Germany signed a treaty on energy cooperation in Berlin on "
          "Monday. The treaty sets up a joint council that will meet once a year.")
PACT = ("MANILA, July 8 - Japan and the Philippines signed a Reciprocal Access Agreement on Monday "
        "that allows their troops to train in each other's territory.")
SPORT = "The home side scored twice in the second half to win the cup final."


def _inputs(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "treaty.txt").write_text(TREATY, encoding="utf-8")
    with gzip.open(folder / "feed.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "pact", "title": "Japan, Philippines sign pact", "text": PACT}) + "\n")
        fh.write("{not json\n")
        fh.write(json.dumps({"id": "sport", "title": "Cup final", "text": SPORT}) + "\n")
    return folder


def test_ingest_folder_then_rerun(tmp_path, db_url):
    folder = _inputs(tmp_path)
    res = runner.invoke(app, ["ingest", str(folder), "--db", db_url, "--published", "2024-07-08"])
    assert res.exit_code == 0, res.output
    out = res.output
    assert "read" in out and "agreements stored" in out and "triaged out" in out
    assert "malformed JSON" in out  # the bad line is reported, the run goes on
    store = Store(db_url)
    assert store.stored_record("treaty")["document"]["published"] == "2024-07-08"
    assert store.stored_record("pact")["agreements"]
    assert store.stored_record("sport")["agreements"] == []
    counts = store.table_counts()

    res = runner.invoke(app, ["ingest", str(folder), "--db", db_url, "--published", "2024-07-08"])
    assert res.exit_code == 0, res.output
    line = next(ln for ln in res.output.splitlines() if "skipped (already stored" in ln)
    assert line.split()[-1] == "3"
    assert store.table_counts()["reports"] == counts["reports"]
    store.close()


def test_no_triage_and_workers(tmp_path, db_url):
    folder = _inputs(tmp_path)
    res = runner.invoke(app, ["ingest", str(folder), "--db", db_url, "--no-triage", "--workers", "2",
                              "--batch-size", "1"])
    assert res.exit_code == 0, res.output
    store = Store(db_url)
    # without triage the sports story is extracted over its whole text
    assert store.stored_record("sport")["document"]["text"] == SPORT
    store.close()


def test_db_from_environment(tmp_path, monkeypatch):
    folder = _inputs(tmp_path)
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("PACTWATCH_DB", url)
    res = runner.invoke(app, ["ingest", str(folder / "sub")])
    assert res.exit_code == 0, res.output
    assert Store(url).stored_record("treaty") is not None


def test_exit_code_non_zero_only_when_nothing_is_read(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    res = runner.invoke(app, ["ingest", str(tmp_path / "missing.jsonl"), "--db", url])
    assert res.exit_code == 1
    assert "no such file" in res.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{nope\n", encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(bad), "--db", url]).exit_code == 1
    res = runner.invoke(app, ["ingest", str(tmp_path / "missing.jsonl"), str(_inputs(tmp_path) / "sub"),
                              "--db", url])
    assert res.exit_code == 0  # one good input among bad ones is a run with failures


def test_bad_options_are_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert runner.invoke(app, ["ingest", str(tmp_path), "--db", url, "--published", "July"]).exit_code == 2
    assert runner.invoke(app, ["ingest", str(tmp_path), "--db", url, "--scheduler", "8786"]).exit_code == 2
    assert runner.invoke(app, ["ingest", str(tmp_path), "--db", url, "--workers", "0"]).exit_code == 2
