"""A short run of bench/load.py: concurrent readers over pages and API routes, no errors.

The full run (50 readers, 60 s) is in SECURITY.md; this one (10 readers, 5 s, 5 dev-corpus
documents) checks that the server answers every request of a concurrent mix and that the
script itself works: it starts and stops its own server on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from robust_helpers import REPO


@pytest.mark.slow
def test_short_load_run_has_no_errors(dev_corpus):
    r = subprocess.run([sys.executable, str(REPO / "bench" / "load.py"), "--readers", "10", "--duration", "5",
                        "--docs", "5"], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "PACTWATCH_DEV_CORPUS": dev_corpus})
    assert r.returncode == 0, (r.stdout[-3000:], r.stderr[-3000:])
    summary = json.loads(next(line for line in r.stdout.splitlines() if line.startswith("JSON "))[5:])
    assert summary["errors"] == 0
    assert summary["requests"] >= 20  # it really ran: ~40 req/s even on a busy 2-core machine
    # every kind of route was exercised
    assert {"page /", "api /api/agreements", "page /documents/{id}", "api /api/search"} <= set(summary["routes"])
    assert summary["p50_ms"] > 0 and summary["p99_ms"] >= summary["p50_ms"]
