"""The pipeline for pages held in memory: one page (or a stream of pages) -> the warehouse's tables
as pandas DataFrames, for analysts who want to see what a page gives without building a partition.

Each page takes the same path as in `news-etl run`: a SourceDocument as ingest makes it, the page
reader and container metadata (etl.parse.article.build_article), spaCy (etl.nlp.annotate, through
etl.run.stream exactly as the pipeline's workers call it), then the table builders and the
registry's cast (etl.tables). Frames are Arrow-backed (`pd.ArrowDtype`) with the registry's exact
types, so int32 offsets stay int32, a missing geonames_id is <NA> (not 524901.0 next to NaN) and
`authors`/`keywords` are lists of strings. Nothing is validated or written."""
from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from etl import tables
from etl.model import schema
from etl.model.records import ArticleResult, Reject, SourceDocument

log = logging.getLogger(__name__)

KINDS = ("html", "text")
ARTICLE_TABLES = ("articles", "entity_mentions", "entities", "quotes", "image_captions")
BATCH = 32  # pages annotated together: one nlp.pipe stream, bounded memory

__all__ = ["extract", "extract_many", "to_frame", "frames"]


def to_frame(table: pa.Table) -> pd.DataFrame:
    """A pyarrow Table as a DataFrame that keeps every Arrow type (int32 stays int32 with <NA>
    for nulls, timestamps keep their zone, dates stay dates, lists stay lists)."""
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def frames(tables_by_name: dict[str, pa.Table]) -> dict[str, pd.DataFrame]:
    return {name: to_frame(t) for name, t in tables_by_name.items()}


def extract(content: str | bytes, *, kind: str = "html", url: str | None = None,
            published_at: str | date | datetime | None = None, source_uri: str | None = None,
            **meta: Any) -> dict[str, pd.DataFrame]:
    """One page -> {table name: DataFrame} for the six warehouse tables, with exactly the
    warehouse's columns and types. `kind` is "html" or "text" (a page dump). `url` and
    `published_at` (and any other container field: title, authors, source, section, ...) override
    what is read from the page, as a JSON Lines record's fields do. A page that yields no article
    gives empty article tables and one `rejects` row saying why."""
    return extract_many([{"content": content, "url": url, "published_at": published_at,
                          "source_uri": source_uri, **meta}], kind=kind, progress=False)


def extract_many(pages: Iterable[Any], *, kind: str = "html", progress: bool | None = None,
                 batch_size: int = BATCH) -> dict[str, pd.DataFrame]:
    """Many pages -> {table name: DataFrame}, as for `extract`, read from `pages` lazily and
    annotated `batch_size` pages at a time (memory holds the rows, not the pages or spaCy's
    documents). A page is a string or bytes (of `kind`), a path to a .html/.htm/.txt file, or a
    dict with `content` (or `html` / `text`, which also set the kind) and any of `url`,
    `published_at`, `source_uri`, `id`, `title`, `authors`, ... A second copy of an article is
    a `duplicate` reject, as in a partition. `progress`: a progress bar (a widget in a notebook
    when ipywidgets is installed, else text on stderr); default on when running in a notebook or
    on a terminal."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    show = _interactive() if progress is None else progress
    bar = _progress_bar(show, _length(pages))
    parts: dict[str, list[pa.Table]] = {name: [] for name in schema.TABLE_NAMES}
    seen: dict[str, str] = {}
    try:
        for batch in _batches(_documents(pages, kind), batch_size):
            results, rejects = _process(batch, seen)
            for name, t in _tables(results, rejects).items():
                parts[name].append(t)
            if bar is not None:
                bar.update(len(batch))
    finally:
        if bar is not None:
            bar.close()
    out = {}
    for name in schema.TABLE_NAMES:
        spec = schema.TABLES[name].arrow_schema()
        out[name] = to_frame(pa.concat_tables(parts[name]) if parts[name] else spec.empty_table())
    return out


# --- pages -> SourceDocuments (as ingest makes them) -------------------------------------------
def _documents(pages: Iterable[Any], kind: str) -> Iterator[SourceDocument | Reject]:
    from etl.ingest import document

    if isinstance(pages, (str, bytes, dict)):
        raise TypeError("extract_many takes an iterable of pages; use extract for one page")
    for i, page in enumerate(pages):
        page_kind, meta = kind, {}
        if isinstance(page, dict):
            meta = {k: v for k, v in page.items() if v not in (None, "", [])}
            content = meta.pop("content", None)
            for key in KINDS:
                if content is None and key in meta:
                    content, page_kind = meta.pop(key), key
        elif isinstance(page, os.PathLike):
            path = Path(page)
            meta = {"source_uri": str(path)}
            page_kind = "text" if path.suffix.lower() in (".txt", ".text") else "html"
            try:
                content = path.read_bytes()
            except OSError as exc:
                yield Reject(str(path), "read_error", f"{type(exc).__name__}: {exc}")
                continue
        else:
            content = page
        uri = str(meta.pop("source_uri", None) or meta.get("url") or f"pages[{i}]")
        if not isinstance(content, (str, bytes)):
            yield Reject(uri, "no_content", f"page {i} has no text or HTML (got {type(content).__name__})")
            continue
        yield document(uri, page_kind, content, meta)


def _batches(items: Iterator, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= max(1, size):
            yield batch
            batch = []
    if batch:
        yield batch


def _process(batch: list[SourceDocument | Reject], seen: dict[str, str]) -> tuple[list[ArticleResult], list[Reject]]:
    from etl.run.stream import process_documents

    docs = [d for d in batch if isinstance(d, SourceDocument)]
    done = iter(process_documents(docs, cache_root=None)[0])
    results: list[ArticleResult] = []
    rejects: list[Reject] = []
    for item in batch:
        out = item if isinstance(item, Reject) else next(done)
        if isinstance(out, Reject):
            rejects.append(out)
            continue
        first = seen.get(out.article_id) or seen.get(out.content_sha256)
        if first:
            rejects.append(Reject(out.source.source_uri, "duplicate", f"same article as {first} (id {out.article_id})"))
            continue
        seen[out.article_id] = seen[out.content_sha256] = out.source.source_uri
        results.append(out)
    return results, rejects


def _tables(results: list[ArticleResult], rejects: list[Reject]) -> dict[str, pa.Table]:
    """The batch's tables, cast to the registry; an article whose rows do not fit (text Arrow
    cannot store) becomes an `invalid_text` reject, as in the pipeline."""
    try:
        built = _article_tables(results)
    except ValueError:
        kept = []
        for r in results:
            try:
                _article_tables([r])
                kept.append(r)
            except ValueError as exc:
                rejects.append(Reject(r.source.source_uri, "invalid_text", str(exc)[:500]))
        built = _article_tables(kept)
    built["rejects"] = tables.to_arrow("rejects", tables.frame("rejects", tables.reject_rows(rejects)))
    return built


def _article_tables(results: list[ArticleResult]) -> dict[str, pa.Table]:
    rows = tables.article_rows(results)
    return {t: tables.to_arrow(t, tables.frame(t, rows[t])) for t in ARTICLE_TABLES}


# --- progress ---------------------------------------------------------------------------------
def _length(pages) -> int | None:
    try:
        return len(pages)
    except TypeError:
        return None


def _interactive() -> bool:
    return _in_notebook() or sys.stderr.isatty()


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    try:
        ip = shell.get_ipython() if shell else None
    except Exception:
        return False
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def _progress_bar(enabled: bool, total: int | None):
    if not enabled:
        return None
    if _in_notebook():
        try:
            import ipywidgets  # noqa: F401  (tqdm's notebook bar draws with it)
            from tqdm.notebook import tqdm as bar

            return bar(total=total, unit="page", desc="extract")
        except ImportError:
            pass
    from tqdm import tqdm

    return tqdm(total=total, unit="page", desc="extract", file=sys.stderr)
