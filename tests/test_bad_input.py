"""Bad inputs: each gets one line naming it, is skipped, and never stops the batch.

Exit status of `pactwatch extract` is 1 only when nothing at all could be read.
"""

from __future__ import annotations

import gzip
import json
import os
import time
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pactwatch.cli import app
from pactwatch.io import ReadFailure, read_paths

SAMPLE = Path(str(resources.files("pactwatch") / "sample"))
GOOD = (SAMPLE / "estonia-finland-cyber-declaration.txt").read_text(encoding="utf-8")
GERMAN = (
    "Estland und Finnland haben am Dienstag in Tallinn eine gemeinsame Erklärung zur Cyberabwehr "
    "unterzeichnet. Die beiden Regierungen wollen Informationen über Angriffe auf Stromnetze und "
    "Unterseekabel austauschen und sich bei einem schweren Angriff sofort gegenseitig konsultieren.\n"
)


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory):
    """A folder holding one good document and one of every kind of bad input (made once: 50 MB)."""
    tmp_path = tmp_path_factory.mktemp("bad")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("   \n\n  \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    with open(tmp_path / "huge.txt", "w", encoding="utf-8") as fh:
        line = "The ministers met again in Geneva to discuss the accord on fishing rights.\n"
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    (tmp_path / "german.txt").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes(GOOD.replace("–", "-").replace("“", '"').replace("”", '"')
                                          .encode("utf-8").replace(b"Tallinn", b"Tall\xeenn"))
    (tmp_path / "furniture-only.txt").write_text("Advertisement\n\nShare this article\n\nSign up for our newsletter\n",
                                                 encoding="utf-8")
    (tmp_path / "hostile.html").write_text(
        "<html><head><script>alert('x-script')</script></head><body>"
        "<img src=x onerror=\"alert('x-onerror')\"><iframe src='javascript:alert(1)'></iframe>"
        "<article><p>" + GOOD.replace("\n\n", "</p><p>") + "</p></article></body></html>", encoding="utf-8")
    lines = [json.dumps({"id": "j1", "text": GOOD}), '{"id": "j2", "text": "unterminated', json.dumps({"id": "j3", "text": GERMAN})]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with gzip.open(tmp_path / "corrupt.jsonl.gz", "wb") as fh:
        fh.write((json.dumps({"id": "g1", "text": GOOD}) + "\n").encode())
        for i in range(40):  # incompressible filler lines (no text), so that the first line survives the cut
            fh.write((json.dumps({"id": f"pad{i}", "pad": os.urandom(2000).hex()}) + "\n").encode())
    data = (tmp_path / "corrupt.jsonl.gz").read_bytes()
    (tmp_path / "corrupt.jsonl.gz").write_bytes(data[: len(data) // 2])  # truncated download
    return tmp_path


def test_reader_names_each_bad_file(bad_folder):
    t = time.monotonic()
    out = list(read_paths([bad_folder]))
    assert time.monotonic() - t < 10  # the 50 MB file is refused from its size, not read
    failures = {Path(f.source.split(":")[0]).name: f.reason for f in out if isinstance(f, ReadFailure)}
    assert failures["empty.txt"] == "empty file"
    assert failures["blank.txt"] == "no text (only whitespace)"
    assert failures["binary.txt"].startswith("binary file")
    assert failures["huge.txt"].startswith("file is 50.0 MB, over the 5.0 MB limit")
    assert failures["feed.jsonl"].startswith("malformed JSON line")
    assert failures["corrupt.jsonl.gz"].startswith("cannot read further")


def test_extract_skips_bad_inputs_and_keeps_the_good(runner, bad_folder):
    r = runner.invoke(app, ["extract", "--json", str(bad_folder)])
    assert r.exit_code == 0, r.output
    ids = [json.loads(line)["document"]["id"] for line in r.stdout.splitlines() if line.strip()]
    # The good file, the hostile page (its text is fine), the misencoded file, the good JSONL
    # line and the readable lines of the truncated gzip all come out.
    assert {"good", "hostile", "latin1", "j1", "g1"} <= set(ids)
    assert not {"empty", "blank", "binary", "huge", "german", "furniture-only", "j2", "j3"} & set(ids)
    err = r.stderr.splitlines()
    assert all(len(line) < 300 for line in err)

    def line_for(name):
        hits = [line for line in err if name in line]
        assert hits, f"no message names {name}: {err}"
        return hits[0]

    assert "empty file" in line_for("empty.txt")
    assert "binary file" in line_for("binary.txt")
    assert "over the 5.0 MB limit" in line_for("huge.txt")
    assert "not English (detected German" in line_for("german.txt")
    assert "empty after cleaning" in line_for("furniture-only.txt")
    assert "malformed JSON line" in line_for("feed.jsonl:2")
    assert "not English" in line_for("feed.jsonl:3")
    assert "UTF-8" in line_for("latin1.txt")  # read (decoded as a legacy encoding), with a note
    assert any(f"corrupt.jsonl.gz:{n}: cannot read further" in line for line in err for n in range(2, 42))


def test_hostile_html_yields_no_script_text(runner, bad_folder):
    r = runner.invoke(app, ["extract", "--json", str(bad_folder / "hostile.html")])
    assert r.exit_code == 0
    (rec,) = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    text = rec["document"]["text"]
    assert "x-script" not in text and "x-onerror" not in text and "javascript:" not in text
    assert "Joint Declaration on Cyber Defence Cooperation" in text


def test_nothing_readable_exits_1(runner, bad_folder):
    paths = [str(bad_folder / n) for n in ("empty.txt", "binary.txt", "huge.txt", "german.txt")]
    r = runner.invoke(app, ["extract", "--json", *paths, str(bad_folder / "missing.txt")])
    assert r.exit_code == 1
    assert r.stdout.strip() == ""
    assert "missing.txt: no such file or folder" in r.stderr
    assert r.stderr.strip().splitlines()[-1] == "nothing could be read"


def test_empty_folder_exits_1(runner, tmp_path):
    r = runner.invoke(app, ["extract", str(tmp_path)])
    assert r.exit_code == 1
    assert "folder holds no .txt, .html or .jsonl documents" in r.stderr
