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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from etl import config
from etl.records import ArticleResult, Reject, SkippedRecord, SourceDocument

log = logging.getLogger(__name__)


@dataclass
class Chunk:
    """What one task produced: articles (NLP done) and rejects, in input order."""

    results: list[ArticleResult] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    skipped: int = 0
    cache_hits: int = 0


def process_documents(docs: list[SourceDocument], cache_root: str | None) -> tuple[list, int]:
    """Documents -> ArticleResult | Reject each (same order), NLP done, plus the cache hit count.
    Runs in a worker (or inline with one process)."""
    from etl.articles import build_article
    from etl.cache import ArticleCache
    from etl.nlp.annotate import annotate

    cache = ArticleCache(cache_root) if cache_root else None
    out: list[ArticleResult | Reject | None] = []
    fresh: list[tuple[int, SourceDocument, ArticleResult]] = []
    hits = 0
    for doc in docs:
        cached = cache.get(doc) if cache else None
        if cached is not None:
            out.append(cached)
            hits += 1
            continue
        art = build_article(doc)
        out.append(art)
        if isinstance(art, ArticleResult):
            fresh.append((len(out) - 1, doc, art))
    if fresh:
        annotate([a for _, _, a in fresh], n_process=1)
        if cache:
            for _, doc, art in fresh:
                if not (art.nlp_skipped_reason or "").startswith("error:"):  # a crash is not a result
                    cache.put(doc, art)
    return out, hits


def _in_worker(docs: list[SourceDocument], cache_root: str | None) -> tuple[list, int]:
    items, hits = process_documents(docs, cache_root)
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
def _tasks(files: Iterable[str], per_task: int, on_file: Callable[[], None] | None
           ) -> Iterator[tuple[list[SourceDocument], list[Reject], int]]:
    """(documents, rejects, skipped) groups of at most `per_task` documents, read lazily."""
    from etl import ingest

    docs: list[SourceDocument] = []
    rejects: list[Reject] = []
    skipped = 0
    for f in files:
        for item in ingest.read_input(Path(f)):
            if isinstance(item, Reject):
                rejects.append(item)
            elif isinstance(item, SkippedRecord) or getattr(item, "skipped", False):
                skipped += 1
            else:
                docs.append(item)
                if len(docs) >= per_task:
                    yield docs, rejects, skipped
                    docs, rejects, skipped = [], [], 0
        if on_file:
            on_file()
    if docs or rejects or skipped:
        yield docs, rejects, skipped


def processed_chunks(files: Iterable[str], on_file: Callable[[], None] | None = None,
                     processes: int | None = None, per_task: int | None = None,
                     cache_root: str | None = None) -> Iterator[Chunk]:
    """Chunks of processed documents, in input order, with at most ~2 tasks per worker in flight."""
    processes = processes or config.nlp_processes()
    per_task = per_task or config.articles_per_task()
    tasks = _tasks(files, per_task, on_file)
    if processes <= 1:
        for docs, rejects, skipped in tasks:
            items, hits = process_documents(docs, cache_root)
            yield _chunk(items, rejects, skipped, hits)
        return
    pool = _pool(processes)
    pending: collections.deque = collections.deque()
    for docs, rejects, skipped in tasks:
        pending.append((pool.apply_async(_in_worker, (docs, cache_root)), docs, rejects, skipped))
        while len(pending) >= 2 * processes:
            yield _collect(pending.popleft())
    while pending:
        yield _collect(pending.popleft())


def _collect(entry) -> Chunk:
    async_result, docs, rejects, skipped = entry
    items, hits = async_result.get()
    return _chunk(_restore(items, docs), rejects, skipped, hits)


def _chunk(items: list, rejects: list[Reject], skipped: int, hits: int) -> Chunk:
    chunk = Chunk(rejects=list(rejects), skipped=skipped, cache_hits=hits)
    for item in items:
        (chunk.results if isinstance(item, ArticleResult) else chunk.rejects).append(item)
    return chunk


# --- the worker pool ------------------------------------------------------------------------
_POOL: dict = {}


def _warm_up() -> None:
    """Load what every worker needs before forking, so the workers inherit it."""
    try:
        from etl.nlp import model

        for name in set(config.spacy_models().values()):
            model.load(name)
    except Exception as exc:  # a missing model is reported per article by annotate
        log.warning("could not preload the spaCy model: %s", exc)


def _worker_init() -> None:
    # One BLAS thread per worker: the workers already use every core, and oversubscribed
    # OpenBLAS threads spin against each other.
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:
        pass


def _pool(processes: int):
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
    """Stop the workers (also called at interpreter exit)."""
    for pool in _POOL.values():
        pool.terminate()
        pool.join()
    _POOL.clear()
