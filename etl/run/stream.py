"""Reading, parsing and NLP of a batch's files as a bounded stream, on all cores.

The parent process reads the files record by record (a JSON Lines or WARC file of any size is
cut into tasks of `articles_per_task` documents) and hands the tasks to worker processes, at
most a few tasks ahead of what has been consumed, so memory does not grow with the input. A
worker turns its documents into ArticleResults (cache lookup, page reading, language, spaCy with
one process, entities, quotes) and sends them back without the raw input, which the parent still
holds. Results come back in input order, so "first copy wins" deduplication stays deterministic.

Workers are forked from a parent that has already loaded the spaCy model, so they share it
copy-on-write instead of loading it again; the pool lives as long as the process (the DAG's
mapped tasks and the CLI's batches reuse it)."""
from __future__ import annotations

import atexit
import collections
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from etl import config
from etl.model.records import ArticleResult, Reject, SkippedRecord, SourceDocument
from etl.run.budget import BudgetExceeded, budget

log = logging.getLogger(__name__)


@dataclass
class Chunk:
    """What one task produced: articles (NLP done) and rejects, in input order."""

    results: list[ArticleResult] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    skipped: int = 0
    cache_hits: int = 0


def process_documents(docs: list[SourceDocument], cache_root: str | None,
                      lookup: bool = True) -> tuple[list, int]:
    """Documents -> ArticleResult | Reject each (same order), NLP done, plus the cache hit count.
    Runs in a worker (or inline with one process). Never raises for one bad document. With
    lookup=False the cache is only written (the caller has already looked these up)."""
    from etl.run.cache import ArticleCache

    cache = ArticleCache(cache_root) if cache_root else None
    out: list[ArticleResult | Reject] = []
    fresh: list[tuple[SourceDocument, ArticleResult]] = []
    spent: dict[int, float] = {}  # id(article) -> CPU seconds its parsing took, charged to its budget
    hits = 0
    for doc in docs:
        cached = cache.get(doc) if cache and lookup else None
        if cached is not None:
            out.append(cached)
            hits += 1
            continue
        t0 = time.thread_time()  # the budget counts CPU time of the working thread
        try:
            with budget(f"parsing {doc.source_uri}"):
                art = _build(doc)
        except BudgetExceeded as exc:
            art = Reject(doc.source_uri, exc.reason, exc.detail, doc.raw_bytes)
        out.append(art)
        if isinstance(art, ArticleResult):
            fresh.append((doc, art))
            spent[id(art)] = time.thread_time() - t0
    if fresh:
        over = _annotate_isolated([a for _, a in fresh], spent)
        if over:
            out = [over.get(id(item), item) for item in out]
            fresh = [(d, a) for d, a in fresh if id(a) not in over]
        if cache:
            for doc, art in fresh:
                if not (art.nlp_skipped_reason or "").startswith("error:"):  # a crash is not a result
                    cache.put(doc, art)
    return out, hits


def _build(doc: SourceDocument) -> ArticleResult | Reject:
    from etl.parse.article import build_article

    try:
        art = build_article(doc)
    except Exception as exc:  # build_article catches reader errors; this is the backstop
        log.warning("building %s failed: %s", doc.source_uri, exc, exc_info=True)
        return Reject(doc.source_uri, "internal_error", f"{type(exc).__name__}: {exc}", doc.raw_bytes)
    if isinstance(art, ArticleResult):
        page = art.page
        try:  # lone surrogates (a JSON `\ud800` escape) would fail spaCy's whole batch and Arrow
            for text in (page.title, page.subtitle, page.body, *(c.caption for c in page.captions)):
                (text or "").encode("utf-8")
        except UnicodeEncodeError as exc:
            return Reject(doc.source_uri, "invalid_text", str(exc)[:500], doc.raw_bytes)
    return art


def _annotate_isolated(results: list[ArticleResult], spent: dict[int, float] | None = None) -> dict[int, Reject]:
    """NLP for all of `results` in one stream; if the stream itself fails or goes over the input
    budget, article by article, so that one document that breaks the model costs only its own NLP
    and one that is too costly becomes its own `timeout` / `too_costly` reject. Returns those
    rejects by id() of the article they replace."""
    from etl.nlp.annotate import annotate

    spent = spent or {}
    seconds = config.input_seconds()
    try:
        # The group is allowed one input's budget: a normal group takes a small part of it.
        with budget(f"NLP of a group of {len(results)} articles"):
            annotate(results, n_process=1)
        return {}
    except BudgetExceeded as exc:
        log.warning("NLP of a group of %d articles went over budget (%s); retrying one by one",
                    len(results), exc.detail)
    except Exception as exc:
        log.warning("NLP failed on a group of %d articles (%s); retrying one by one", len(results), exc)
    over: dict[int, Reject] = {}
    for r in results:
        r.mentions, r.entities, r.quotes, r.nlp_skipped_reason = [], [], [], None
        left = max(1.0, seconds - spent.get(id(r), 0.0)) if seconds else 0
        try:
            with budget(f"NLP of {r.source.source_uri}", seconds=left):
                annotate([r], n_process=1)
        except BudgetExceeded as exc:
            log.warning("%s: %s", r.source.source_uri, exc.detail)
            over[id(r)] = Reject(r.source.source_uri, exc.reason, exc.detail, r.source.raw_bytes)
        except Exception as exc:
            r.mentions, r.entities, r.quotes = [], [], []
            r.nlp_skipped_reason = f"error:{type(exc).__name__}"
    return over


def _in_worker(docs: list[SourceDocument], cache_root: str | None) -> tuple[list, int]:
    items, hits = process_documents(docs, cache_root, lookup=False)
    for item in items:  # the parent still holds the input; do not ship it back
        if isinstance(item, ArticleResult):
            item.source = None
        elif isinstance(item, Reject):
            item.raw_bytes = None
    return items, hits


def _restore(items: list, docs: list[SourceDocument]) -> list:
    for item, doc in zip(items, docs):
        if isinstance(item, ArticleResult):
            item.source = doc
        elif isinstance(item, Reject) and item.raw_bytes is None:
            item.raw_bytes = doc.raw_bytes
    return items


# --- the stream -----------------------------------------------------------------------------
def _tasks(files: Iterable[str], per_task: int, on_file: Callable[[], None] | None,
           per_file: dict[str, dict[str, int]]) -> Iterator[tuple[list[SourceDocument], list[Reject], int]]:
    """(documents, rejects, skipped) groups of at most `per_task` documents, read lazily.
    Counts every record read and skipped per file into `per_file`, for the batch's accounting."""
    from etl import ingest

    docs: list[SourceDocument] = []
    rejects: list[Reject] = []
    skipped = 0
    for f in files:
        counts = per_file.setdefault(f, {"records": 0, "skipped": 0})
        try:
            # f is a path or an s3:// URL: Path(f) would mangle the URL
            for item in _budgeted(f, ingest.read_input(f)):
                if isinstance(item, SkippedRecord) or getattr(item, "skipped", False):
                    skipped += 1
                    counts["skipped"] += 1
                    continue
                counts["records"] += 1
                if isinstance(item, Reject):
                    rejects.append(item)
                    continue
                docs.append(item)
                if len(docs) >= per_task:
                    yield docs, rejects, skipped
                    docs, rejects, skipped = [], [], 0
        except Exception as exc:  # a reader bug part-way through a file: keep what was read
            log.warning("reading %s failed: %s", f, exc, exc_info=True)
            counts["records"] += 1
            rejects.append(Reject(f"{f}#read_failure", "internal_error", f"{type(exc).__name__}: {exc}"))
        if counts["records"] == 0 and counts["skipped"] == 0:
            # e.g. a JSON Lines file of blank lines: the file itself is the input to account for
            counts["records"] += 1
            rejects.append(Reject(f, "no_records", "the file holds no record to read"))
        if on_file:
            on_file()
    if docs or rejects or skipped:
        yield docs, rejects, skipped


def _budgeted(f: str, items: Iterator) -> Iterator:
    """The items of a reader, each read under the input budget (a record of a JSON Lines or WARC
    file is an input of its own); a reader that goes over it ends the file with one reject."""
    while True:
        try:
            with budget(f"reading {f}"):
                item = next(items, _END)
        except BudgetExceeded as exc:
            items.close()
            yield Reject(f, exc.reason, exc.detail)
            return
        if item is _END:
            return
        yield item


_END = object()


def processed_chunks(files: Iterable[str], on_file: Callable[[], None] | None = None,
                     processes: int | None = None, per_task: int | None = None,
                     cache_root: str | None = None,
                     per_file: dict[str, dict[str, int]] | None = None) -> Iterator[Chunk]:
    """Chunks of processed documents, in input order, with at most ~2 tasks per worker in flight.
    `per_file` (if given) receives each file's count of records read and skipped.

    The cache is consulted here, before anything is sent to a worker: a rerun over unchanged
    inputs starts no workers and loads no model."""
    from etl.run.cache import ArticleCache

    processes = processes or config.nlp_processes()
    per_task = per_task or config.articles_per_task()
    cache = ArticleCache(cache_root) if cache_root else None
    pending: collections.deque = collections.deque()
    for docs, rejects, skipped in _tasks(files, per_task, on_file, per_file if per_file is not None else {}):
        found = [cache.get(d) if cache else None for d in docs]
        misses = [d for d, hit in zip(docs, found) if hit is None]
        if not misses or processes <= 1 or not _pool_usable(processes):
            computed = process_documents(misses, cache_root, lookup=False)[0] if misses else []
            pending.append((None, found, computed, rejects, skipped))
        else:
            work = _pool(processes).apply_async(_in_worker, (misses, cache_root))
            pending.append((work, found, misses, rejects, skipped))
        while pending and (pending[0][0] is None or len(pending) >= 2 * max(processes, 1)):
            yield _collect(pending.popleft())
    while pending:
        yield _collect(pending.popleft())


def _collect(entry) -> Chunk:
    work, found, misses_or_items, rejects, skipped = entry
    items = _restore(work.get()[0], misses_or_items) if work is not None else misses_or_items
    computed = iter(items)
    merged = [hit if hit is not None else next(computed) for hit in found]
    return _chunk(merged, rejects, skipped, sum(hit is not None for hit in found))


def _chunk(items: list, rejects: list[Reject], skipped: int, hits: int) -> Chunk:
    chunk = Chunk(rejects=list(rejects), skipped=skipped, cache_hits=hits)
    for item in items:
        (chunk.results if isinstance(item, ArticleResult) else chunk.rejects).append(item)
    return chunk


# --- the worker pool ------------------------------------------------------------------------
_POOL: dict = {}
_POOL_LOCK = threading.Lock()


def _warm_up() -> None:
    """Load what every worker needs before forking, so the workers inherit it."""
    try:
        from etl.nlp import geo, model

        for name in set(config.spacy_models().values()):
            model.load(name)
        getattr(geo, "_index", lambda: None)()  # the gazetteer, built once instead of per worker
        from etl.parse import language

        language._identifier()  # ~1 s to unpack the langid model, once instead of per worker
    except Exception as exc:  # a missing model is reported per article by annotate
        log.warning("could not preload the NLP resources: %s", exc)


def _worker_init() -> None:
    import signal

    # Forked workers inherit the parent's signal handlers (Airflow's task runner installs its
    # own): restore the defaults so that terminating the pool simply ends the workers.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    from etl.fs import release_inherited_locks

    release_inherited_locks()  # a worker that outlives a killed run must not hold its partition lock
    # One BLAS thread per worker: the workers already use every core, and oversubscribed
    # OpenBLAS threads spin against each other.
    from threadpoolctl import threadpool_limits  # pinned in requirements.txt

    threadpool_limits(1)


def _pool_usable(processes: int) -> bool:
    """A running pool, or one this thread may start: only the main thread forks workers."""
    return processes in _POOL or threading.current_thread() is threading.main_thread()


def start_pool(processes: int | None = None) -> None:
    """Start the worker pool now (a no-op with one process or when it is running)."""
    processes = processes or config.nlp_processes()
    if processes > 1:
        _pool(processes)


def _pool(processes: int):
    with _POOL_LOCK:  # batches may be processed from two threads at once
        return _pool_locked(processes)


def _pool_locked(processes: int):
    pool = _POOL.get(processes)
    if pool is None:
        for old in _POOL.values():
            old.terminate()
        _POOL.clear()
        _warm_up()
        ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        pool = ctx.Pool(processes, initializer=_worker_init)
        _POOL[processes] = pool
        log.info("started %d NLP worker processes (pid %d)", processes, os.getpid())
    return pool


@atexit.register
def shutdown() -> None:
    """Stop the workers (also called at interpreter exit); never waits on a stuck worker."""
    for pool in _POOL.values():
        workers = list(getattr(pool, "_pool", []))
        pool.terminate()
        for w in workers:
            w.join(timeout=5)
            if w.is_alive():
                w.kill()
    _POOL.clear()
