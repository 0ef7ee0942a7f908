"""read -> skip known -> triage -> clean/extract -> store, in batches, on 1..N processes or Dask.

    from pactwatch.pipeline import ingest
    from pactwatch.store import Store
    stats = ingest(["feed.jsonl.gz"], Store("sqlite:///pw.db"), workers=2)

Shape of the run, and why:

* **Streaming.** Documents are read lazily (``pactwatch.io.read_paths``) in chunks of
  ``batch_size``; candidates are sent to extraction in batches of ``batch_size``, and at
  most ``max_in_flight`` batches (default ``2 * workers``) exist at once, so memory is
  constant whatever the size of the input.
* **Known documents first.** Each document's content hash is checked against the store
  (``Store.document_state``) before anything costly: a rerun after a crash or Ctrl-C
  skips what is already stored ("same") and does the rest. Nothing is half-written
  because every ``Store.save`` is one transaction.
* **Triage before cleaning.** ``pactwatch.triage.is_candidate`` runs on the raw text in
  the reading process (about 100 MB/s with Hyperscan; cleaning costs ~5 ms per
  document and the model ~0.2 s, so both only see candidates). A dropped document is
  recorded as *seen* (``Store.mark_seen``, status "triaged_out"; id and hash only, no
  text) so that a rerun skips it at the price of one lookup.
* **Passages.** Candidates are extracted with the spaCy model run only on the triage's
  candidate passages (``pactwatch.api.process_many(passages=...)``); the rule-based
  annotators still see the whole cleaned text, and every offset points into it.
* **Workers.** ``workers > 1`` uses a process pool whose workers load the model once
  (``_worker_init``) and each process a whole batch (clean + model + rules + assemble);
  that parallelises everything after triage, where ``nlp.pipe(n_process=N)`` would only
  parallelise the model and pay for pickling every parsed Doc back (see bench/README.md).
  ``scheduler="tcp://host:8786"`` sends the same batch function to a Dask cluster.
* **One writer, input order.** Results are written by this process only, batch by batch
  in input order (a small reorder buffer), so 1 worker, N workers and Dask give the same
  database.
* **Failures** (unreadable inputs, documents cleaning refuses, extraction exceptions,
  batch timeouts) are recorded with ``Store.record_failure`` and counted; they never stop
  the run.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Sequence

DEFAULT_BATCH_SIZE = 32
# Reasons kept verbatim in IngestStats.failures (the store keeps all of them).
MAX_REPORTED_FAILURES = 50
# A batch that takes longer than this (seconds) on a worker is given up and its documents
# recorded as failed: one pathological input must not stall a firehose.
DEFAULT_BATCH_TIMEOUT = 600.0


@dataclass
class IngestStats:
    read: int = 0                 # documents read (failures to read not included)
    read_failed: int = 0          # inputs or lines that could not be read
    skipped_same: int = 0         # already stored with the same content
    triaged_out: int = 0          # dropped by triage (recorded as seen)
    extracted: int = 0            # documents that went through extraction and were saved
    with_agreements: int = 0      # ... of which had at least one agreement
    agreements: int = 0           # agreement reports stored
    failed: int = 0               # documents that failed to clean / extract / save
    failed_by_stage: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)   # first reasons, one line each
    elapsed: float = 0.0
    interrupted: bool = False

    @property
    def docs_per_s(self) -> float:
        done = self.read + self.read_failed
        return done / self.elapsed if self.elapsed > 0 else 0.0

    def as_dict(self) -> dict:
        return {
            "read": self.read, "read_failed": self.read_failed, "skipped_same": self.skipped_same,
            "triaged_out": self.triaged_out, "extracted": self.extracted,
            "with_agreements": self.with_agreements, "agreements": self.agreements,
            "failed": self.failed, "failed_by_stage": dict(self.failed_by_stage),
            "failures": list(self.failures), "elapsed": round(self.elapsed, 3),
            "docs_per_s": round(self.docs_per_s, 2), "interrupted": self.interrupted,
        }

    def _fail(self, stage: str, message: str) -> None:
        self.failed_by_stage[stage] += 1
        if len(self.failures) < MAX_REPORTED_FAILURES:
            self.failures.append(f"[{stage}] {message}")


def content_hash(raw) -> str:
    """Hash of what a raw document holds (text or HTML, title, date): the rerun key."""
    h = hashlib.sha256()
    for part in (raw.text, raw.html, raw.title, raw.published):
        h.update(b"\x1f" if part is None else part.encode("utf-8", "surrogatepass"))
        h.update(b"\x1e")
    return h.hexdigest()


# --------------------------------------------------------------------------- worker side
# These run in the worker processes (pool or Dask): everything they need is loaded once
# per process and cached at module level.

def _worker_init() -> None:
    """Load the model and the triage tables once per worker process."""
    from pactwatch import api
    from pactwatch.triage import get_triage

    api._nlp()
    get_triage()


def _passages_fn(max_chars: int | None):
    from pactwatch.triage import get_triage

    tri = get_triage()

    def passages(document) -> list[tuple[int, int]]:
        return tri.candidate_passages(document.text, document.title, max_chars=max_chars)

    return passages


def process_batch(raws: Sequence, use_passages: bool = True, max_chars: int | None = None) -> list:
    """Clean and extract one batch: a ``Processed`` or a ``ReadFailure`` per input, in order.

    The unit of work of every backend (in-process, pool, Dask): a plain function of
    picklable data, so the same code runs everywhere.
    """
    from pactwatch import api

    passages = _passages_fn(max_chars) if use_passages else None
    return list(api.process_many(list(raws), batch_size=max(1, len(raws)), passages=passages))


# --------------------------------------------------------------------------- backends
class _InlineBackend:
    """Batches processed in this process, one after the other."""

    def __init__(self):
        self.in_flight = 1

    def submit(self, raws, use_passages, max_chars):
        return process_batch(raws, use_passages, max_chars)

    def result(self, handle, timeout):
        return handle

    def close(self):
        pass


class _PoolBackend:
    """A process pool; each worker loads the model once (initializer)."""

    def __init__(self, workers: int, in_flight: int | None):
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        # "spawn" would reimport everything per worker; "fork" shares the parent's loaded
        # modules copy-on-write. The parent has not loaded the model (it never runs it).
        ctx = mp.get_context("fork") if hasattr(os, "fork") else mp.get_context("spawn")
        self._new_pool = lambda: ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init)
        self.pool = self._new_pool()
        self.in_flight = in_flight or 2 * workers

    def revive(self) -> None:
        """After a worker died (BrokenProcessPool) every future of the pool fails and no new
        one can be submitted: replace the pool (robustness issue: one fatal document used
        to fail the rest of the run, and the same batch-mates again on every rerun)."""
        if getattr(self.pool, "_broken", False):
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new_pool()

    def submit(self, raws, use_passages, max_chars):
        from concurrent.futures.process import BrokenProcessPool

        self.revive()  # a worker died since the last batch went out: use a fresh pool
        try:
            return self.pool.submit(process_batch, raws, use_passages, max_chars)
        except BrokenProcessPool:  # it died just now
            self.revive()
            return self.pool.submit(process_batch, raws, use_passages, max_chars)

    def result(self, handle, timeout):
        return handle.result(timeout=timeout)

    def close(self):
        self.pool.shutdown(wait=True, cancel_futures=True)


class _DaskBackend:
    """A Dask distributed cluster: futures over batches, results come back to this writer."""

    def __init__(self, scheduler, in_flight: int | None):
        from dask.distributed import Client

        self.own_client = not hasattr(scheduler, "submit")
        self.client = Client(scheduler) if self.own_client else scheduler
        n = max(1, len(self.client.scheduler_info().get("workers", {})) or 1)
        # Load the model on every worker now, once, rather than inside the first batches.
        self.client.run(_worker_init)
        self.in_flight = in_flight or 2 * n

    def submit(self, raws, use_passages, max_chars):
        # pure=False: two batches with equal content are still two tasks.
        return self.client.submit(process_batch, raws, use_passages, max_chars, pure=False)

    def result(self, handle, timeout):
        return handle.result(timeout=timeout)

    def close(self):
        if self.own_client:
            self.client.close()


# --------------------------------------------------------------------------- the run
def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for it in items:
        batch.append(it)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _stage_of(reason: str) -> str:
    r = reason.lower()
    if "skipped" in r or "cleaning" in r:
        return "clean"
    if "timeout" in r or "timed out" in r:
        return "timeout"
    return "extract"


def _mark_seen(store, items: list[tuple]) -> None:
    """Record triaged-out documents so a rerun skips them: (raw, doc_id, hash) each."""
    if not items:
        return
    fn = getattr(store, "mark_seen", None)
    if fn is not None:
        fn([{"doc_id": doc_id, "content_hash": h, "source": raw.source, "title": raw.title,
             "published": _iso_or_none(raw.published), "status": "triaged_out"}
            for raw, doc_id, h in items])
        return
    # A Store without mark_seen: keep the document with no agreements, which makes it
    # "same" on a rerun just the same (at the price of storing its text).
    from pactwatch.record import Document, Record

    for raw, doc_id, h in items:
        doc = Document(id=doc_id, source=raw.source, title=raw.title, published=_iso_or_none(raw.published),
                       text=raw.text or raw.html or "")
        store.save(Record(document=doc), content_hash=h)


def ingest(paths: Iterable[str] | str, store, *, workers: int = 1, scheduler=None,
           batch_size: int = DEFAULT_BATCH_SIZE, triage: bool = True, published: str | None = None,
           progress: Callable[[IngestStats], None] | None = None, max_in_flight: int | None = None,
           passages: bool = True, max_chars: int | None = None,
           batch_timeout: float | None = DEFAULT_BATCH_TIMEOUT, recursive: bool = True,
           documents: Iterable | None = None) -> IngestStats:
    """Ingest files, folders and JSONL(.gz) streams into ``store``; see the module doc.

    ``documents``: an iterable of ``RawDocument`` / ``ReadFailure`` to ingest instead of
    reading ``paths`` (a message queue, a crawler, a benchmark's sample).

    ``triage=False`` sends every document to extraction over its whole text.
    ``passages=False`` keeps triage but runs the model on whole texts.
    ``progress(stats)`` is called after every batch. Ctrl-C stops cleanly: the batches
    already written stay written, ``stats.interrupted`` is set and the stats returned.
    """
    from pactwatch.io import ReadFailure, read_paths
    from pactwatch.triage import get_triage

    stats = IngestStats()
    t0 = time.perf_counter()
    tri = get_triage() if triage else None
    use_passages = bool(triage and passages)

    if scheduler is not None:
        backend = _DaskBackend(scheduler, max_in_flight)
    elif workers > 1:
        backend = _PoolBackend(workers, max_in_flight)
    else:
        backend = _InlineBackend()

    # Submitted batches in input order: (handle, [(raw, doc_id, hash)]).
    pending: deque = deque()

    def write(raws_meta, results) -> None:
        for (raw, doc_id, h), res in zip(raws_meta, results):
            if isinstance(res, ReadFailure):
                stats.failed += 1
                stage = _stage_of(res.reason)
                stats._fail(stage, str(res))
                _safe_record_failure(store, res.source, res.reason, doc_id, stage, stats)
                continue
            try:
                store.save(res.record, original=res.original, content_hash=h)
            except Exception as exc:  # a record the store refuses: quarantine, go on
                stats.failed += 1
                msg = f"{_origin(raw)}: save failed: {type(exc).__name__}: {_one_line(exc)}"
                stats._fail("store", msg)
                _safe_record_failure(store, _origin(raw), msg, doc_id, "store", stats)
                continue
            n = len(res.record.agreements)
            stats.extracted += 1
            stats.agreements += n
            stats.with_agreements += n > 0

    def isolate(meta) -> list:
        """A worker died on this batch: redo its documents one by one on a fresh pool, so
        only the document that kills a worker fails (with that reason)."""
        results = []
        for r, _, _ in meta:
            backend.revive()
            try:
                results.extend(backend.result(backend.submit([r], use_passages, max_chars), batch_timeout))
            except TimeoutError:
                results.append(ReadFailure(_origin(r), f"timed out after {batch_timeout:.0f}s"))
            except Exception as exc:
                why = "the extraction process died" if _worker_died(exc) else "extraction failed"
                results.append(ReadFailure(_origin(r), f"{why}: {type(exc).__name__}: {_one_line(exc)}"))
        backend.revive()
        return results

    def drain(limit: int) -> None:
        while len(pending) > limit:
            handle, meta = pending.popleft()
            try:
                results = backend.result(handle, batch_timeout)
            except TimeoutError:
                results = [ReadFailure(_origin(r), f"timed out after {batch_timeout:.0f}s in its batch")
                           for r, _, _ in meta]
            except Exception as exc:  # a worker died or the batch raised: fail its documents
                if _worker_died(exc) and hasattr(backend, "revive"):
                    results = isolate(meta)
                else:
                    results = [ReadFailure(_origin(r), f"extraction failed: {type(exc).__name__}: {_one_line(exc)}")
                               for r, _, _ in meta]
            write(meta, results)
            if progress:
                stats.elapsed = time.perf_counter() - t0
                progress(stats)

    try:
        source = documents if documents is not None else read_paths(paths, published=published, recursive=recursive)
        # Candidates accumulate across read chunks until a full batch: with triage passing
        # ~7% of a news stream, sending each chunk's few survivors would give the model
        # (and the worker round trip) batches of two or three documents.
        todo: list = []

        def submit() -> None:
            pending.append((backend.submit([r for r, _, _ in todo], use_passages, max_chars), list(todo)))
            todo.clear()
            drain(backend.in_flight - 1)

        for chunk in _batches(source, batch_size):
            seen = []
            for item in chunk:
                if isinstance(item, ReadFailure):
                    stats.read_failed += 1
                    stats._fail("read", str(item))
                    _safe_record_failure(store, item.source, item.reason, None, "read", stats)
                    continue
                stats.read += 1
                h = content_hash(item)
                doc_id = item.id
                if doc_id is None:
                    doc_id = _derive_id(item)
                    if doc_id is None:  # cleaning refuses it: let the batch report why
                        todo.append((item, None, h))
                        continue
                    item.id = doc_id
                if store.document_state(doc_id, h) == "same":
                    stats.skipped_same += 1
                    continue
                if tri is not None and not tri.is_candidate(item.text or _html_text(item), item.title):
                    stats.triaged_out += 1
                    seen.append((item, doc_id, h))
                    continue
                todo.append((item, doc_id, h))
            try:
                _mark_seen(store, seen)
            except Exception as exc:  # e.g. disk full: the notes only save work on a rerun,
                # which triages these documents again; losing them must not stop the run
                stats._fail("store", f"could not note {len(seen)} triaged-out document(s) as seen: "
                                     f"{type(exc).__name__}: {_one_line(exc)}")
            if len(todo) >= batch_size:
                submit()
            elif progress:
                stats.elapsed = time.perf_counter() - t0
                progress(stats)
        if todo:
            submit()
        drain(0)
    except KeyboardInterrupt:
        stats.interrupted = True
    finally:
        backend.close()
        stats.elapsed = time.perf_counter() - t0
    return stats


def _worker_died(exc: BaseException) -> bool:
    from concurrent.futures.process import BrokenProcessPool

    return isinstance(exc, BrokenProcessPool)


def _derive_id(raw) -> str | None:
    """The id cleaning would give an id-less document (a hash of its cleaned text)."""
    from pactwatch.clean import clean

    try:
        return clean(raw).document.id
    except Exception:
        return None


def _html_text(raw) -> str:
    """Triage text of an HTML-only document: its markup, tags and all.

    Tags do not create agreement nouns or state names, so triaging the markup keeps what
    the cleaned text would keep, at no cleaning cost.
    """
    return raw.html or ""


def _iso_or_none(value) -> str | None:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return value
    return None


def _safe_record_failure(store, source, reason, doc_id, stage, stats) -> None:
    try:
        store.record_failure(source, reason, doc_id=doc_id, stage=stage)
    except Exception as exc:  # the failure log itself failing must not stop the run
        stats._fail("store", f"{source}: could not record failure: {_one_line(exc)}")


def _origin(raw) -> str:
    return getattr(raw, "origin", None) or getattr(raw, "source", None) or "<input>"


def _one_line(exc) -> str:
    return " ".join(str(exc).split())[:300]
