"""Helpers of the robustness tests: hostile text, small real-style feeds, subprocess runs.

The feeds are written here (the bench corpus is under a research licence and never
copied into the repo); the dev corpus is read in place through the ``dev_corpus``
fixture when a test needs documents the real extractor finds agreements in.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACTWATCH = str(Path(sys.executable).with_name("pactwatch"))

# Short real-style agreement reports (written for these tests) and off-topic news.
AGREEMENT_DOCS = [
    ("jp-ph", "Japan, Philippines sign defence pact",
     "MANILA, July 8 - Japan and the Philippines signed a Reciprocal Access Agreement on Monday that allows "
     "their troops to train in each other's territory. The agreement was signed in Manila by Japanese Foreign "
     "Minister Yoko Kamikawa and Philippine Defence Secretary Gilberto Teodoro."),
    ("fr-de", "France and Germany sign energy treaty",
     "BERLIN, Jan 22 - France and Germany signed a treaty on energy cooperation in Berlin on Monday. The "
     "treaty sets up a joint council that will meet once a year. Officials said the two countries would "
     "invest 2 billion euros in cross-border power lines."),
    ("us-in", "U.S., India agree defence framework",
     "WASHINGTON, Oct 31 - The United States and India signed a ten-year framework for defence cooperation "
     "on Friday, the Pentagon said. The framework covers joint exercises, technology sharing and military "
     "sales."),
    ("eu-cl", "EU and Chile sign trade agreement",
     "BRUSSELS, Dec 13 - The European Union and Chile signed an advanced framework agreement and an interim "
     "trade agreement on Wednesday. The trade agreement removes tariffs on nearly all goods exported by "
     "Chile to the EU."),
    ("ca-cl", "Canada and Chile sign minerals memorandum",
     "OTTAWA, May 3 - Canada and Chile signed a memorandum of understanding on critical minerals on Tuesday. "
     "Both governments will set up a working group that shall meet twice a year."),
    ("ee-fi", "Estonia and Finland sign cyber declaration",
     "TALLINN, Feb 9 - Estonia and Finland signed a joint declaration on cyber defence cooperation on "
     "Thursday. The two countries agreed to share information on threats to critical infrastructure."),
    ("br-id", "Brazil and Indonesia adopt biofuels roadmap",
     "JAKARTA, Nov 14 - Brazil and Indonesia adopted a roadmap on biofuels on Sunday. The roadmap commits "
     "both countries to joint research on ethanol and biodiesel over five years."),
    ("ke-et", "Kenya and Ethiopia sign border agreement",
     "NAIROBI, Mar 2 - Kenya and Ethiopia signed an agreement on border security on Saturday. The agreement "
     "provides for joint patrols and a commission that will meet every six months."),
]
OTHER_DOCS = [
    ("sport-1", "Cup final", "The home side scored twice in the second half to win the cup final. Fans "
     "celebrated in the streets until late."),
    ("tech-1", "New phone launched", "The company unveiled its new phone on Wednesday, with a larger screen "
     "and a faster chip. Sales begin next month."),
    ("weather-1", "Storm warning", "Forecasters warned of heavy rain and strong winds across the north on "
     "Thursday. Several ferry crossings were cancelled."),
    ("arts-1", "Museum reopens", "The city museum reopened after a two-year renovation, with a new wing for "
     "modern sculpture and a rooftop cafe."),
]


def write_feed(path: Path, docs, *, published: str = "2024-07-08") -> Path:
    """A JSONL feed of (id, title, text) documents."""
    with open(path, "w", encoding="utf-8") as fh:
        for doc_id, title, text in docs:
            fh.write(json.dumps({"id": doc_id, "title": title, "text": text, "published": published,
                                 "source": "robustness-test"}) + "\n")
    return path


def numbered_docs(n: int, prefix: str = "doc"):
    """``n`` distinct agreement-style documents (variants of AGREEMENT_DOCS with unique ids/text)."""
    out = []
    for i in range(n):
        doc_id, title, text = AGREEMENT_DOCS[i % len(AGREEMENT_DOCS)]
        # A distinct closing sentence makes each text (and its content hash) unique.
        out.append((f"{prefix}-{i:03d}-{doc_id}", title, f"{text} Officials described round {i} of talks as "
                                                          f"constructive."))
    return out


def run_cli(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the installed ``pactwatch`` entry point (a real process, as an operator would)."""
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run([PACTWATCH, *args], capture_output=True, text=True, timeout=timeout, env=full_env)


def start_cli(*args: str, env: dict | None = None) -> subprocess.Popen:
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    # Own process group: a test that stops it reaches the worker processes too, and only them.
    return subprocess.Popen([PACTWATCH, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=full_env, start_new_session=True)


def stop_group(proc: subprocess.Popen, sig=signal.SIGKILL) -> None:
    """Stop a process started by ``start_cli`` and its children (its own group only)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
    with contextlib.suppress(Exception):
        proc.communicate(timeout=30)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(pred, timeout: float, interval: float = 0.1) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(interval)
    return False


def store_fingerprint(store) -> dict:
    """What must not depend on how a run was interrupted: rows per table (failures aside),
    every stored document's record, and the merged agreements."""
    counts = store.table_counts()
    counts.pop("failures", None)
    docs = {}
    import sqlalchemy as sa

    with store.engine.connect() as c:
        ids = [r[0] for r in c.execute(sa.text("SELECT id FROM documents ORDER BY id"))]
    for doc_id in ids:
        docs[doc_id] = store.stored_record(doc_id)
    ags = sorted((a["name"], tuple(a["parties"]), a["kind"], a["n_sources"])
                 for a in store.agreements(limit=10_000, facets=False).items)
    return {"counts": counts, "docs": docs, "agreements": ags}


def cli_reference(tmp_path: Path, feed: Path) -> dict:
    """Fingerprint of one uninterrupted `pactwatch ingest` of ``feed`` into a fresh database.

    Tests that run the CLI compare against this rather than the session-wide in-process
    ``reference``: taken minutes apart, the two could see different extractor code while
    colleagues edit the working tree, and the comparison would then fail for a reason that
    has nothing to do with the fault under test.
    """
    from pactwatch.store import Store

    url = f"sqlite:///{tmp_path / ('reference-' + uuid.uuid4().hex[:8] + '.db')}"
    r = run_cli("ingest", str(feed), "--db", url, "--no-progress")
    assert r.returncode == 0, r.stderr[-2000:]
    with Store(url) as store:
        return store_fingerprint(store)


def assert_no_duplicates(store) -> None:
    """Each document stored once; each (document, report index) once; no merged agreement twice."""
    import sqlalchemy as sa

    with store.engine.connect() as c:
        dup_docs = c.execute(sa.text("SELECT id, COUNT(*) FROM documents GROUP BY id HAVING COUNT(*) > 1")).all()
        dup_reports = c.execute(sa.text(
            "SELECT document_id, idx, COUNT(*) FROM reports GROUP BY document_id, idx HAVING COUNT(*) > 1")).all()
        orphans = c.execute(sa.text("SELECT COUNT(*) FROM reports WHERE agreement_id IS NULL")).scalar()
        empty_ags = c.execute(sa.text(
            "SELECT COUNT(*) FROM agreements a WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.agreement_id = a.id)"
        )).scalar()
    assert dup_docs == [] and dup_reports == []
    assert orphans == 0, "a report is linked to no merged agreement"
    assert empty_ags == 0, "a merged agreement is left with no report"


def terminate_backends(admin_engine, app_name: str) -> int:
    """Cut every server connection opened under ``app_name`` (the test's own, nobody else's)."""
    import sqlalchemy as sa

    with admin_engine.connect() as c:
        n = c.execute(sa.text("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                              "WHERE application_name = :a AND pid <> pg_backend_pid()"), {"a": app_name}).scalar()
        c.commit()
    return int(n or 0)
