"""The query and export commands through Typer's CliRunner, on both databases."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from pactwatch.cli import app

runner = CliRunner()


def _run(*args):
    # A wide terminal so Rich does not fold the cells the assertions look for.
    res = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "250"})
    assert res.exit_code == 0, res.output
    return res.output


def _url(store):
    return store.engine.url.render_as_string(hide_password=False)


def test_agreements_json_and_table(loaded):
    db = _url(loaded)
    data = json.loads(_run("agreements", "--db", db, "--party", "Ukraine", "--json"))
    assert data["total"] == 2
    data = json.loads(_run("agreements", "--db", db, "--party", "Kyiv", "--with", "United States",
                           "--since", "2024", "--json"))
    assert [a["name"] for a in data["items"]] == ["bilateral security agreement"]
    data = json.loads(_run("agreements", "--db", db, "--text", "transit", "--domain", "connectivity",
                           "--status", "expected", "--kind", "agreement", "--json"))
    assert [a["name"] for a in data["items"]] == ["peace agreement"]
    out = _run("agreements", "--db", db, "--party", "ARM")
    assert "peace agreement" in out and "1 agreement(s)" in out
    assert json.loads(_run("agreements", "--db", db, "--limit", "1", "--json"))["total"] == 4


def test_show_compare_sources_timeline_network(loaded):
    db = _url(loaded)
    ids = {a["name"]: a["id"] for a in loaded.agreements().items}
    fw, sec = ids["Strategic Defense Framework"], ids["bilateral security agreement"]
    out = _run("show", fw, "--db", db)
    assert "Strategic Defense Framework" in out and "“August 31, 2021”" in out and "4 source(s)" in out
    shown = json.loads(_run("show", fw, "--db", db, "--json"))
    assert shown["evidence"]["place"][0]["quote"] == "in Washington"
    res = runner.invoke(app, ["show", "99999", "--db", db])
    assert res.exit_code == 1
    cmp = json.loads(_run("compare", fw, sec, "--db", db, "--json"))
    assert cmp["ids"] == [fw, sec]
    assert "duration_years" in _run("compare", fw, sec, "--db", db)
    assert len(json.loads(_run("sources", fw, "--db", db, "--json"))) == 4
    tl = json.loads(_run("timeline", "--pair", "USA,Ukraine", "--db", db, "--json"))
    assert [e["date"] for e in tl] == ["2021-08-31", "2024-06-13", "2024-06-14"]
    assert "2025-08-08" in _run("timeline", "--party", "Armenia", "--db", db)
    net = json.loads(_run("network", "--db", db, "--json"))
    assert {"source": "UKR", "target": "USA"}.items() <= net["edges"][0].items()
    assert "UKR" in _run("network", "--db", db)
    res = runner.invoke(app, ["timeline", "--pair", "USA", "--db", db])
    assert res.exit_code != 0


def test_search_failures_stats(loaded):
    db = _url(loaded)
    loaded.record_failure("feed.jsonl:17", "JSONDecodeError: Expecting value", stage="read")
    hits = json.loads(_run("search", "Zelensky", "--db", db, "--json"))
    assert [h["doc_id"] for h in hits] == ["outlet-d-2024-06-13"]
    assert "outlet-d-2024-06-13" in _run("search", "Zelensky", "--db", db)
    fails = json.loads(_run("failures", "--db", db, "--json"))
    assert fails[0]["reason"].startswith("JSONDecodeError")
    assert "feed.jsonl:17" in _run("failures", "--db", db)
    assert json.loads(_run("stats", "--db", db, "--json"))["agreements"] == 4


def test_export_command(loaded, tmp_path):
    db = _url(loaded)
    out = _run("export", "--format", "csv", "--db", db)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 4
    _run("export", "--format", "parquet", "--out", tmp_path / "a.parquet", "--db", db)
    assert (tmp_path / "a.parquet").stat().st_size > 0
    _run("export", "--format", "atop", "--out", tmp_path / "atop.csv", "--through", "2025", "--db", db)
    atop = list(csv.DictReader(open(tmp_path / "atop.csv")))
    assert {r["stateA"] + "-" + r["stateB"] for r in atop} == {"UKR-USA"}
    _run("export", "--format", "csv", "--tables", "--out", tmp_path / "t", "--db", db)
    assert (tmp_path / "t" / "mechanisms.csv").exists()
    assert json.loads(_run("export", "--format", "json", "--db", db))[0]["id"]
    res = runner.invoke(app, ["export", "--format", "parquet", "--db", db])
    assert res.exit_code == 2
    res = runner.invoke(app, ["export", "--format", "xml", "--db", db])
    assert res.exit_code != 0
