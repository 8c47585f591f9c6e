"""A per-article result cache, so that rerunning an unchanged partition (or backfilling after a
crash) skips reading, language detection and NLP for every article processed before.

Key: sha256 of the input document as ingested (kind, decoded content, container metadata,
capture time) under a fingerprint of everything that could change the result: the package
version, the source of the `etl` modules that shape a result, the spaCy version, the model names and their
package versions. Any code or model change therefore misses instead of serving stale results.

Value: one JSON file per article (never pickle: a cache must not be able to run code), written
to a temporary name and renamed into place, so a crash leaves either no entry or a whole one.
An unreadable, truncated or mismatching entry is treated as a miss and overwritten.

Layout: <warehouse>/_cache/articles/<fingerprint>/<key[:2]>/<key>.json (readers of the
warehouse skip `_`-prefixed folders)."""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import os
from datetime import datetime
from pathlib import Path

from etl.version import __version__
from etl import config
from etl.model.records import ArticleResult, Caption, Entity, Mention, ParsedPage, Quote, SourceDocument

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the entry layout below changes
_PACKAGE_DIR = Path(__file__).resolve().parents[1]
_RESULT_PACKAGES = ("ingest", "parse", "nlp", "model")
_RESULT_MODULES = ("config.py", "fs.py", "run/cache.py", "run/stream.py")


@functools.lru_cache(maxsize=8)
def fingerprint(models_key: tuple[tuple[str, str], ...] | None = None) -> str:
    """What a cached result depends on besides its input. Computed once per process."""
    models = dict(models_key) if models_key is not None else config.spacy_models()
    h = hashlib.sha256()
    h.update(f"format={FORMAT};version={__version__};spacy={_dist_version('spacy')}".encode())
    h.update(f";entity_resolution={config.entity_resolution()}".encode())
    h.update(f";doubled_apostrophe_quotes={config.doubled_apostrophe_quotes()}".encode())
    h.update(f";nlp_max_chars={config.nlp_max_chars()};nlp_max_token_chars={config.nlp_max_token_chars()}".encode())
    for lang, model in sorted(models.items()):
        h.update(f";{lang}={model}@{_model_version(model)}".encode())
    for path in _result_sources():
        h.update(str(path.relative_to(_PACKAGE_DIR)).encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:20]


def _result_sources() -> list[Path]:
    """Source files whose code shapes an article's result (not orchestration or validation, so
    that editing those does not throw the cache away)."""
    files = [p for sub in _RESULT_PACKAGES for p in (_PACKAGE_DIR / sub).rglob("*.py")]
    files += [_PACKAGE_DIR / name for name in _RESULT_MODULES if (_PACKAGE_DIR / name).exists()]
    return sorted(files)


def _dist_version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "none"


def _model_version(model_name: str) -> str:
    try:
        from etl.nlp.model import resolve_model_name

        return _dist_version(resolve_model_name(model_name).replace("_", "-"))
    except Exception:  # an unknown model simply contributes its name only
        return "unknown"


def document_key(doc: SourceDocument) -> str:
    """Content hash of an input document; the same bytes under another path share the key."""
    h = hashlib.sha256()
    fetched = doc.fetched_at.isoformat() if isinstance(doc.fetched_at, datetime) else str(doc.fetched_at)
    header = json.dumps([doc.kind, doc.meta, fetched], sort_keys=True, default=str)
    for part in (header, doc.content):
        b = part.encode("utf-8", "surrogatepass")
        h.update(len(b).to_bytes(8, "big"))
        h.update(b)
    return h.hexdigest()


class ArticleCache:
    """Stored ArticleResults by input content. Safe to share between processes: every write is
    a whole file renamed into place, and the last writer of an identical result wins."""

    def __init__(self, root: str | os.PathLike, version: str | None = None):
        self.root = str(root)
        self.version = version or fingerprint()
        self.dir = Path(root) / "articles" / self.version
        self.hits = self.misses = self.errors = 0

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    def get(self, doc: SourceDocument) -> ArticleResult | None:
        key = document_key(doc)
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            self.misses += 1
            return None
        except OSError as exc:
            log.warning("cache entry %s unreadable (%s); recomputing", path, exc)
            self.errors += 1
            return None
        try:
            entry = json.loads(raw)
            if entry.get("key") != key or entry.get("version") != self.version:
                raise ValueError("entry does not belong to this key/version")
            result = result_from_json(entry["result"], doc)
        except Exception as exc:  # a torn or hand-edited entry is a miss, never a failure
            log.warning("ignoring corrupt cache entry %s: %s", path, exc)
            self.errors += 1
            return None
        self.hits += 1
        return result

    def put(self, doc: SourceDocument, result: ArticleResult) -> None:
        key = document_key(doc)
        path = self._path(key)
        payload = json.dumps({"key": key, "version": self.version, "result": result_to_json(result)},
                             ensure_ascii=False, separators=(",", ":"))
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(payload, encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:  # a full or read-only disk costs the next run time, not this one its data
            log.warning("could not write cache entry %s: %s", path, exc)
            tmp.unlink(missing_ok=True)


def open_cache(staging: str | os.PathLike | None = None) -> ArticleCache | None:
    """The cache for a run: NEWS_ETL_CACHE_DIR if set, else `_cache` in the warehouse that holds
    `staging` (<warehouse>/_staging/<partition>/<run>). None when NEWS_ETL_CACHE is off."""
    if not config.cache_enabled():
        return None
    root = config.cache_dir()
    if root is None and staging is not None:
        staging = Path(staging)
        if len(staging.parents) >= 3 and staging.parents[1].name == "_staging":
            root = str(staging.parents[2] / "_cache")
    return ArticleCache(root) if root else None


# --- (de)serialisation: plain JSON of the dataclasses ------------------------------------------
def _fields(obj) -> dict:
    """A record's fields, one level deep: dataclasses.asdict deep-copies every value, which
    cost more than writing the entry (the records hold only strings, numbers and lists of them)."""
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


_PAGE_TIMES = ("published_at", "modified_at")  # the page's datetime fields (JSON has no datetime)


def result_to_json(r: ArticleResult) -> dict:
    page = _fields(r.page)
    page["captions"] = [_fields(c) for c in r.page.captions]
    for name in _PAGE_TIMES:
        page[name] = page[name].isoformat() if page[name] else None
    return {
        "page": page,
        "article_id": r.article_id,
        "content_sha256": r.content_sha256,
        "mentions": [_fields(m) for m in r.mentions],
        "entities": [_fields(e) for e in r.entities],
        "quotes": [_fields(q) for q in r.quotes],
        "nlp_skipped_reason": r.nlp_skipped_reason,
    }


def result_from_json(data: dict, source: SourceDocument) -> ArticleResult:
    page = dict(data["page"])
    page["captions"] = [Caption(**c) for c in page.get("captions") or []]
    for name in _PAGE_TIMES:
        if page.get(name):
            page[name] = datetime.fromisoformat(page[name])
    return ArticleResult(
        source=source,
        page=ParsedPage(**page),
        article_id=data["article_id"],
        content_sha256=data["content_sha256"],
        mentions=[Mention(**m) for m in data["mentions"]],
        entities=[Entity(**e) for e in data["entities"]],
        quotes=[Quote(**q) for q in data["quotes"]],
        nlp_skipped_reason=data.get("nlp_skipped_reason"),
    )
