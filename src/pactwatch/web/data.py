"""The web layer's access to the database: thin functions over the Store's public API.

The routes (api.py, pages.py) call only these, so the one place that knows the Store's
method names and return shapes is this file.  Aggregate views over the whole database
(network, timeline, stats) are cached for a short time: they scan every agreement, and
an analyst clicking around should not pay for that on each click.  Writes through the
web API clear the cache.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter

from pactwatch.web import views

# Seconds an aggregate view stays cached.  New ingests show up after at most this long
# (writes through POST /api/documents invalidate at once).
AGGREGATE_TTL = 60.0


class _TTLCache:
    def __init__(self, ttl: float, size: int = 256):
        self.ttl, self.size = ttl, size
        self._data: dict = {}
        self._lock = threading.Lock()

    def get_or_compute(self, key, fn):
        now = time.monotonic()
        with self._lock:
            hit = self._data.get(key)
            if hit and now - hit[0] < self.ttl:
                return hit[1]
        value = fn()
        with self._lock:
            if len(self._data) >= self.size:
                self._data.clear()
            self._data[key] = (time.monotonic(), value)
        return value

    def clear(self):
        with self._lock:
            self._data.clear()


_cache = _TTLCache(AGGREGATE_TTL)


def _key(store, *parts):
    return (id(store),) + tuple(parts)


def clear_cache() -> None:
    _cache.clear()


# --------------------------------------------------------------------------- listing


def store_filters(f: dict) -> dict:
    """The web's filter names -> Store.agreements keyword arguments."""
    return {"party": f.get("party") or None, "with_party": f.get("with_party") or None,
            "domain": f.get("domain") or None, "kind": f.get("kind") or None, "status": f.get("status") or None,
            "since": f.get("since") or None, "until": f.get("until") or None, "text": f.get("q") or None}


def search(store, f: dict, *, limit: int = 20, offset: int = 0) -> dict:
    page = store.agreements(limit=limit, offset=offset, **store_filters(f))
    return page.model_dump() if hasattr(page, "model_dump") else dict(page)


# --------------------------------------------------------------------------- one agreement


def agreement(store, agreement_id: int) -> dict | None:
    return store.agreement(agreement_id)


def sources(store, agreement_id: int) -> list[dict]:
    return store.sources(agreement_id)


def document(store, doc_id: str) -> dict | None:
    return store.document(doc_id)


def search_documents(store, q: str, limit: int = 20) -> list[dict]:
    return store.search_documents(q, limit=limit)


def stats(store) -> dict:
    return _cache.get_or_compute(_key(store, "stats"), store.stats)


def compare(store, ids: list[int]) -> dict:
    """Full records of ``ids`` plus the matrix the Compare page draws."""
    recs = [store.agreement(i) for i in ids]
    missing = [i for i, r in zip(ids, recs) if r is None]
    found = [r for r in recs if r is not None]
    return {"agreements": found, "missing": missing, "matrix": views.compare_matrix(found)}


# --------------------------------------------------------------------------- aggregates


def timeline(store, f: dict, *, limit: int = 1000) -> dict:
    """Dated events (signings and due dates) for the given filters, plus counts per year.

    The Store's timeline filters by party or pair; the other filters are applied here.
    """
    party, other = f.get("party"), f.get("with_party")

    def compute():
        if party and other:
            return store.timeline(pair=(party, other))
        if party or other:
            return store.timeline(party=party or other)
        return store.timeline()

    events = _cache.get_or_compute(_key(store, "timeline", party, other), compute)
    events = [e for e in events if _event_matches(e, f)]
    per_year = Counter(int(str(e["date"])[:4]) for e in events if e.get("event") != "due")
    signings = [e for e in events if e.get("event") != "due"]
    return {"total": len(signings), "events": events[:limit], "truncated": len(events) > limit,
            "per_year": [{"year": y, "count": n} for y, n in sorted(per_year.items())]}


def _event_matches(e: dict, f: dict) -> bool:
    if f.get("domain") and f["domain"] not in (e.get("domains") or []):
        return False
    if f.get("kind") and e.get("kind") != f["kind"]:
        return False
    if f.get("status") and e.get("status") != f["status"]:
        return False
    d = str(e.get("date") or "")
    if f.get("since") and d < f["since"]:
        return False
    if f.get("until") and d[:len(f["until"])] > f["until"]:
        return False
    return True


def network(store, f: dict, *, min_count: int = 1, max_nodes: int = 80) -> dict:
    """Party network for the filters the Store's network supports (party, domain, dates)."""
    args = {"party": f.get("party") or None, "domain": f.get("domain") or None,
            "since": f.get("since") or None, "until": f.get("until") or None}
    net = _cache.get_or_compute(_key(store, "network", tuple(sorted(args.items()))), lambda: store.network(**args))
    edges = [e for e in net["edges"] if int(e.get("count") or 0) >= min_count]
    linked = Counter()
    for e in edges:
        linked[e["source"]] += e["count"]
        linked[e["target"]] += e["count"]
    nodes = [n for n in net["nodes"] if n["id"] in linked]
    nodes.sort(key=lambda n: (-linked[n["id"]], n["id"]))
    hidden = max(0, len(nodes) - max_nodes)
    nodes = nodes[:max_nodes]
    keep = {n["id"] for n in nodes}
    edges = [{k: v for k, v in e.items() if k != "agreement_ids"} | {"top_domain": _top(e.get("domains"))}
             for e in edges if e["source"] in keep and e["target"] in keep]
    return {"nodes": nodes, "edges": edges, "hidden_nodes": hidden}


def _top(domains) -> str | None:
    """The most frequent domain of a pair (ties broken by name, so the colour is stable)."""
    if not domains:
        return None
    if isinstance(domains, list):
        domains = Counter(domains)
    return min(domains, key=lambda d: (-domains[d], d))


# --------------------------------------------------------------------------- writes


class UnprocessableDocument(ValueError):
    """A posted document the cleaner refuses (the reason is safe to show)."""


class ExtractionUnavailable(RuntimeError):
    """Extraction took longer than EXTRACT_TIMEOUT, or every extraction slot is busy."""


# Seconds a posted document may take to extract before the client gets a 503: one huge or
# pathological upload must not hold a server worker (and its client) indefinitely.
EXTRACT_TIMEOUT = float(os.environ.get("PACTWATCH_EXTRACT_TIMEOUT", "60"))
# Extractions running at once.  A timed-out extraction cannot be killed (it is a thread)
# and finishes in the background holding its slot, so hostile clients cannot pile up work.
EXTRACT_SLOTS = 2
_extract_slots = threading.BoundedSemaphore(EXTRACT_SLOTS)
_extract_pool = None
_extract_pool_lock = threading.Lock()


def _process_with_timeout(raw):
    global _extract_pool
    from concurrent.futures import ThreadPoolExecutor
    from concurrent.futures import TimeoutError as FutureTimeout

    from pactwatch import api as core

    if not _extract_slots.acquire(blocking=False):
        raise ExtractionUnavailable("the server is busy extracting other documents; retry later")
    with _extract_pool_lock:
        if _extract_pool is None:
            _extract_pool = ThreadPoolExecutor(max_workers=EXTRACT_SLOTS, thread_name_prefix="pw-extract")
    try:
        future = _extract_pool.submit(core.process, raw)
    except BaseException:
        _extract_slots.release()
        raise
    future.add_done_callback(lambda _f: _extract_slots.release())
    try:
        return future.result(timeout=EXTRACT_TIMEOUT)
    except FutureTimeout:
        raise ExtractionUnavailable(f"extraction took longer than {EXTRACT_TIMEOUT:g} s; "
                                    "the document is too large or too complex") from None


def ingest_one(store, doc: dict) -> dict:
    """Extract one posted document and store it in one go; returns the record and what was saved."""
    from pactwatch import io

    raw = io.read_text(doc.get("text") or doc.get("html") or "", source=doc.get("source"),
                       published=doc.get("published"), title=doc.get("title"), id=doc.get("id"))
    try:
        processed = _process_with_timeout(raw)
    except ExtractionUnavailable:
        raise
    except Exception as exc:
        # The cleaner refuses documents it cannot read as text (binary-looking, empty
        # after cleaning); that is the client's input, so a 422 with the reason.
        from pactwatch.clean import SkipDocument

        if isinstance(exc, SkipDocument):
            raise UnprocessableDocument(str(exc)) from exc
        raise
    record = processed.record
    result = store.save(record, original=processed.original)
    clear_cache()
    saved = result.model_dump() if hasattr(result, "model_dump") else dict(result)
    return {"record": record.to_json_dict(), "saved": saved}
