"""The aggregate cache of the web layer: fresh hits, stale-while-refresh, invalidation."""

from __future__ import annotations

import threading
import time

from pactwatch.web.data import _TTLCache


def test_fresh_value_is_computed_once():
    cache = _TTLCache(ttl=60)
    calls = []
    assert cache.get_or_compute("k", lambda: calls.append(1) or "v1") == "v1"
    assert cache.get_or_compute("k", lambda: calls.append(1) or "v2") == "v1"
    assert len(calls) == 1


def test_stale_value_is_served_while_one_thread_refreshes():
    cache = _TTLCache(ttl=0.05)
    cache.get_or_compute("k", lambda: "old")
    time.sleep(0.06)
    started, release = threading.Event(), threading.Event()

    def slow():
        started.set()
        release.wait(5)
        return "new"

    t0 = time.perf_counter()
    assert cache.get_or_compute("k", slow) == "old"        # at once, not after the slow refresh
    assert time.perf_counter() - t0 < 1
    assert started.wait(5)
    assert cache.get_or_compute("k", lambda: "other") == "old"  # refresh already running
    release.set()
    for _ in range(100):
        if cache.get_or_compute("k", lambda: "x") == "new":
            break
        time.sleep(0.02)
    assert cache.get_or_compute("k", lambda: "x") == "new"


def test_failed_refresh_keeps_the_stale_value():
    cache = _TTLCache(ttl=0.01)
    cache.get_or_compute("k", lambda: "old")
    time.sleep(0.02)

    def boom():
        raise RuntimeError("database went away")

    assert cache.get_or_compute("k", boom) == "old"
    time.sleep(0.05)
    assert cache.get_or_compute("k", lambda: "again") in ("old", "again")


def test_clear_forgets_everything():
    cache = _TTLCache(ttl=60)
    cache.get_or_compute("k", lambda: 1)
    cache.clear()
    assert cache.get_or_compute("k", lambda: 2) == 2
