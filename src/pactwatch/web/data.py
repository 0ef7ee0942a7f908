"""The web layer's access to the database: thin functions over the Store's public API.

The routes (api.py, pages.py) call only these, so the one place that knows the Store's
method names and return shapes is this file.  Aggregate views over the whole database
(network, timeline, stats) are cached for a short time: they scan every agreement, and
an analyst clicking around should not pay for that on each click.  Writes through the
web API clear the cache.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter

from pactwatch.web import views

log = logging.getLogger("pactwatch.web")

# Seconds an aggregate view stays fresh; after that it is still served while one thread
# recomputes it.  Ingests by other processes show up within about this long (writes
# through POST /api/documents invalidate at once).  Five minutes: on a large database a
# recomputation holds the GIL for seconds, so refreshing more often slows every request.
AGGREGATE_TTL = float(os.environ.get("PACTWATCH_WEB_CACHE_TTL", "300"))


class _TTLCache:
    """A small cache that serves a stale value while one thread recomputes it.

    Aggregates over the whole database take seconds on a large one; an analyst should
    get the last value at once (at most ``ttl`` seconds old) rather than wait again.
    """

    def __init__(self, ttl: float, size: int = 512):
        self.ttl, self.size = ttl, size
        self._data: dict = {}
        self._refreshing: set = set()
        self._lock = threading.Lock()

    def get_or_compute(self, key, fn):
        now = time.monotonic()
        with self._lock:
            hit = self._data.get(key)
            if hit and now - hit[0] < self.ttl:
                return hit[1]
            stale = hit is not None and key not in self._refreshing
            if stale:
                self._refreshing.add(key)
        if stale:
            threading.Thread(target=self._refresh, args=(key, fn), daemon=True).start()
            return hit[1]
        if hit is not None:  # another thread is already refreshing it
            return hit[1]
        value = fn()
        self._put(key, value)
        return value

    def _refresh(self, key, fn):
        try:
            self._put(key, fn())
        except Exception:  # the stale value stays; the next request retries
            log.exception("refreshing a cached view failed")
        finally:
            with self._lock:
                self._refreshing.discard(key)

    def _put(self, key, value):
        with self._lock:
            if len(self._data) >= self.size:
                self._data.clear()
            self._data[key] = (time.monotonic(), value)

    def clear(self):
        with self._lock:
            self._data.clear()


_cache = _TTLCache(AGGREGATE_TTL)


def _key(store, *parts):
    # By database URL, not object identity: ids are reused after garbage collection, and
    # two Stores on one database see the same data anyway.
    return (str(getattr(store, "url", id(store))),) + tuple(parts)


def clear_cache() -> None:
    _cache.clear()


# --------------------------------------------------------------------------- listing


def store_filters(f: dict) -> dict:
    """The web's filter names -> Store.agreements keyword arguments."""
    return {"party": f.get("party") or None, "with_party": f.get("with_party") or None,
            "domain": f.get("domain") or None, "kind": f.get("kind") or None, "status": f.get("status") or None,
            "since": f.get("since") or None, "until": f.get("until") or None, "text": f.get("q") or None}


def search(store, f: dict, *, limit: int = 20, offset: int = 0, facet_budget: float | None = None) -> dict:
    """One page of the listing with facet counts.

    Facets count over every match, so they cost more than the page itself and do not
    depend on the page: they are cached per filter set (stale-while-refresh) and the page
    is asked for without them.  The unfiltered first view, the landing page, uses an
    index-ordered query of its own (see ``_all_agreements_page``).  ``facet_budget``:
    seconds to wait for uncached facet counts of a large match (None: wait for them).
    """
    sf = store_filters(f)
    fkey = tuple(sorted(sf.items()))
    if not any(sf.values()):
        page = _all_agreements_page(store, limit, offset)
    else:
        # Filtered pages are cached too: paging back and forth, or the pages linked from
        # the network and timeline, repeat the same queries.
        page = dict(_cache.get_or_compute(
            _key(store, "page", fkey, limit, offset),
            lambda: _dump(store.agreements(limit=limit, offset=offset, facets=False, **sf))))
    # Few matches count in milliseconds: wait for them.  Many: wait at most the budget.
    budget = facet_budget if page["total"] > FACET_WAIT_BELOW else None
    page["facets"] = _facets_within(store, sf, fkey, budget) if page["total"] else {}
    page["facets_pending"] = page["total"] > 0 and page["facets"] is None
    if page["facets"] is None:
        page["facets"] = {}
    return page


# Seconds a page waits for facet counts it does not have yet.  Counting facets over a
# broad full-text match takes seconds on a large database; past this budget the page is
# served without them (it says so) while the counting finishes for the next view.
FACET_BUDGET = 0.15
FACET_WAIT_BELOW = 5000
_pending: dict = {}
_pending_lock = threading.Lock()


def _facets_within(store, sf: dict, fkey, budget: float):
    key = _key(store, "facets", fkey)
    with _cache._lock:
        hit = _cache._data.get(key)
    if hit is not None:
        return _cache.get_or_compute(key, lambda: _facets(store, sf))  # fresh, or stale + refresh
    with _pending_lock:
        ev = _pending.get(key)
        if ev is None:
            ev = _pending[key] = threading.Event()

            def run():
                try:
                    _cache.get_or_compute(key, lambda: _facets(store, sf))
                except Exception:
                    log.exception("counting facets failed")
                finally:
                    with _pending_lock:
                        _pending.pop(key, None)
                    ev.set()

            threading.Thread(target=run, daemon=True).start()
    if ev.wait(budget):
        with _cache._lock:
            hit = _cache._data.get(key)
        return hit[1] if hit else None
    return None


def _dump(page) -> dict:
    return page.model_dump() if hasattr(page, "model_dump") else dict(page)


def _facets(store, sf: dict) -> dict:
    return _dump(store.agreements(limit=1, offset=0, facets=True, **sf))["facets"]


def _all_agreements_page(store, limit: int, offset: int) -> dict:
    """Newest first over all agreements, read straight off the signed_date index.

    Thin query the Store lacks (reported to the store's owner): ``Store.agreements()``
    without filters orders by ``signed_date IS NULL, signed_date DESC`` over a subquery,
    which sorts every row (~300 ms at 100k documents).  Same order and item shape here:
    dated agreements newest first, then undated ones, ties by id descending.
    """
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from pactwatch.store.models import AgreementRow as A
    from pactwatch.store.queries import summary

    total, dated = _cache.get_or_compute(_key(store, "counts"), lambda: _counts(store))
    with Session(store.engine) as s:
        rows = []
        if offset < dated:
            order = [A.signed_date.desc(), A.id.desc()]
            if store.dialect == "postgresql":  # PostgreSQL puts NULLs first in DESC
                order = [A.signed_date.desc().nulls_last(), A.id.desc()]
            rows += s.scalars(sa.select(A).where(A.signed_date.is_not(None)).order_by(*order)
                              .limit(limit).offset(offset)).all()
        if len(rows) < limit:
            rows += s.scalars(sa.select(A).where(A.signed_date.is_(None)).order_by(A.id.desc())
                              .limit(limit - len(rows)).offset(max(0, offset - dated))).all()
        items = [summary(r) for r in rows]
    return {"total": total, "limit": limit, "offset": offset, "items": items, "facets": {}}


def _counts(store) -> tuple[int, int]:
    """(all agreements, dated agreements)."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from pactwatch.store.models import AgreementRow as A

    with Session(store.engine) as s:
        total = s.execute(sa.select(sa.func.count()).select_from(A)).scalar_one()
        dated = s.execute(sa.select(sa.func.count()).select_from(A).where(A.signed_date.is_not(None))).scalar_one()
    return total, dated


# --------------------------------------------------------------------------- one agreement


def agreement(store, agreement_id: int) -> dict | None:
    return store.agreement(agreement_id)


def sources(store, agreement_id: int) -> list[dict]:
    return store.sources(agreement_id)


def document(store, doc_id: str) -> dict | None:
    return store.document(doc_id)


def search_documents(store, q: str, limit: int = 20) -> list[dict]:
    # Ranking every matching document costs seconds for a common word on a large
    # PostgreSQL database; the same query is asked again on every page of its results.
    return _cache.get_or_compute(_key(store, "docsearch", q, limit), lambda: store.search_documents(q, limit=limit))


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
    """Signings per year (all of them) and the ``limit`` most recent signings and due dates.

    Thin query the Store lacks (reported to the store's owner): ``Store.timeline()``
    returns every event of every agreement (25 s for 100k documents), while a chart needs
    counts per year plus a bounded set of points.  Filters as the listing's.
    """
    key = _key(store, "timeline", tuple(sorted((k, v) for k, v in f.items() if v)), limit)
    return _cache.get_or_compute(key, lambda: _timeline(store, f, limit))


def _timeline(store, f: dict, limit: int) -> dict:
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from pactwatch.store.models import AgreementDomain, AgreementParty, AgreementRow as A, MechanismRow

    conds = []
    for p in (f.get("party"), f.get("with_party")):
        if p:
            conds.append(A.id.in_(sa.select(AgreementParty.agreement_id).where(AgreementParty.party == p)))
    if f.get("domain"):
        conds.append(A.id.in_(sa.select(AgreementDomain.agreement_id).where(AgreementDomain.domain == f["domain"])))
    if f.get("kind"):
        conds.append(A.kind == f["kind"])
    if f.get("status"):
        conds.append(A.status == f["status"])
    if f.get("since"):
        conds.append(A.signed_date >= f["since"])
    if f.get("until"):
        conds.append(A.signed_date <= f["until"] + {4: "-12-31", 7: "-31"}.get(len(f["until"]), ""))
    with Session(store.engine) as s:
        per_year = s.execute(sa.select(A.year, sa.func.count()).where(A.signed_date.is_not(None), *conds)
                             .group_by(A.year).order_by(A.year)).all()
        order = [A.signed_date.desc(), A.id.desc()]
        rows = s.execute(sa.select(A.id, A.name, A.signed_date, A.status, A.kind, A.parties, A.domains)
                         .where(A.signed_date.is_not(None), *conds).order_by(*order).limit(limit)).all()
        dues = s.execute(sa.select(MechanismRow.due, MechanismRow.kind, MechanismRow.name, MechanismRow.id, A.id,
                                   A.name, A.status, A.kind, A.parties, A.domains)
                         .join(A, A.id == MechanismRow.agreement_id)
                         .where(MechanismRow.due.is_not(None), *conds)
                         .order_by(MechanismRow.due.desc()).limit(100)).all()
    events = [{"date": d, "event": st or "signed", "agreement_id": i, "name": n, "kind": k, "status": st,
               "parties": list(ps or []), "domains": list(ds or []), "detail": None}
              for i, n, d, st, k, ps, ds in reversed(rows)]
    events += [{"date": due, "event": "due", "agreement_id": aid, "name": an, "kind": ak, "status": ast,
                "parties": list(ps or []), "domains": list(ds or []),
                "detail": f"{mk}: {mn}" if mn else mk, "mechanism_id": mid}
               for due, mk, mn, mid, aid, an, ast, ak, ps, ds in dues]
    events.sort(key=lambda e: (e["date"], e["agreement_id"], e["event"]))
    total = sum(n for y, n in per_year)
    return {"total": total, "events": events, "truncated": total > len(rows),
            "per_year": [{"year": y, "count": n} for y, n in per_year if y is not None]}


def network(store, f: dict, *, min_count: int = 1, max_nodes: int = 80) -> dict:
    """Party network for the filters the Store's network supports (party, domain, dates).

    The whole view (not only the Store's answer) is cached: trimming thousands of edges
    to the ``max_nodes`` busiest parties is itself work on a large database.
    """
    args = {"party": f.get("party") or None, "domain": f.get("domain") or None,
            "since": f.get("since") or None, "until": f.get("until") or None}
    akey = tuple(sorted(args.items()))
    return _cache.get_or_compute(
        _key(store, "network-view", akey, min_count, max_nodes),
        lambda: _network_view(_cache.get_or_compute(_key(store, "network", akey), lambda: store.network(**args)),
                              min_count, max_nodes))


def _network_view(net: dict, min_count: int, max_nodes: int) -> dict:
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


WARM_PARTIES = 20
TIMELINE_WARM = 800  # = pages.TIMELINE_POINTS


def warm(store, stop: "threading.Event | None" = None) -> None:
    """Compute the views every visitor starts from (landing facets, network, timeline, deadlines).

    Run in a background thread when the app starts, so the first analyst does not wait
    for whole-database aggregates; errors only cost the head start.  ``stop`` is set when
    the app shuts down: the thread must not go on querying (and syncing tracking tables)
    a database its app has let go.
    """
    stopped = stop.is_set if stop is not None else (lambda: False)
    try:
        first = search(store, {}, limit=20)
        network(store, {})
        timeline(store, {}, limit=TIMELINE_WARM)
        # The tracker creates its bodies for new mechanisms on first read: a one-time
        # cost of seconds on a large database, better paid here than by a visitor.
        from pactwatch.web.deadlines import deadlines

        if stopped():
            return
        deadlines(store, limit=1)
        # The parties analysts start from: their network and timeline.
        for fv in (first.get("facets") or {}).get("party", [])[:WARM_PARTIES]:
            if stopped():
                return
            network(store, {"party": fv["value"]})
            timeline(store, {"party": fv["value"]}, limit=TIMELINE_WARM)
    except Exception:
        log.exception("warming the aggregate views failed")


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
