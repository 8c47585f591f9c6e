"""SourceDocument -> ArticleResult (page read, container metadata applied, ids set) or Reject.

Pure: no I/O and no clock. Container metadata (JSON Lines fields, WARC headers) overrides what
the page reader found, because the crawler that wrote it knew the page's context."""
from __future__ import annotations

import logging
import re
from datetime import date, datetime, time, timezone
from urllib.parse import urlsplit, urlunsplit

from etl.model.ids import article_id, normalize_url, sha256_text, stable_id
from etl.parse import parse_document
from etl.parse.meta_fields import clean_keywords, has_time_of_day, registered_domain
from etl.model.records import ArticleResult, ParsedPage, Reject, SourceDocument

log = logging.getLogger(__name__)


def parse_timestamp(value) -> datetime | None:
    """A timezone-aware UTC datetime from a datetime/date/ISO string; None if unparseable.
    Naive values are taken as UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime.combine(value, time(), tzinfo=timezone.utc)
    elif isinstance(value, str):
        try:
            dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            try:
                from dateutil import parser as du

                dt = du.parse(value.strip())
            except (ValueError, OverflowError, TypeError):
                return None
    else:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    try:
        return dt.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None


def _authors(value) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        return []
    return [a.strip() for a in value if isinstance(a, str) and a.strip()]


def _clean_str(value) -> str | None:
    if value is None:
        return None
    s = " ".join(str(value).split())
    return s or None


def apply_metadata(page: ParsedPage, doc: SourceDocument) -> ParsedPage:
    meta = doc.meta
    if _clean_str(meta.get("title")):
        page.title = _clean_str(meta["title"])
    if _clean_str(meta.get("subtitle")):
        page.subtitle = _clean_str(meta["subtitle"])
    if meta.get("authors"):
        page.authors = _authors(meta["authors"])
    if meta.get("published_at"):
        ts = parse_timestamp(meta["published_at"])
        if ts is not None:
            page.published_at = ts
            page.published_precision = "time" if has_time_of_day(meta["published_at"]) else "day"
    if meta.get("modified_at"):
        ts = parse_timestamp(meta["modified_at"])
        if ts is not None:
            page.modified_at = ts
    for name in ("section", "description"):
        if _clean_str(meta.get(name)):
            setattr(page, name, _clean_str(meta[name]))
    if meta.get("keywords"):
        page.keywords = clean_keywords(meta["keywords"])
    if meta.get("url"):
        page.url = str(meta["url"]).strip()
    if _clean_str(meta.get("source")):
        page.source = _clean_str(meta["source"])
    if meta.get("language") not in (None, ""):
        # Only a string that names a language is taken (`en`, `en-GB`, `eng`); anything else
        # (`12`, `true`, a list) is ignored and the language is detected from the body instead:
        # the article is fine, only this hint is unusable.
        page.language = language_code(meta["language"]) or page.language
    if page.published_at is None and doc.fetched_at is not None:
        page.published_at = parse_timestamp(doc.fetched_at)
        page.published_precision = "time"
    page.published_at = parse_timestamp(page.published_at) if page.published_at else None
    page.published_precision = (page.published_precision or "time") if page.published_at else None
    page.modified_at = parse_timestamp(page.modified_at) if page.modified_at else None
    page.title = _clean_str(page.title)
    page.subtitle = _clean_str(page.subtitle)
    page.source = _clean_str(page.source)
    page.section = _clean_str(page.section)
    page.description = _clean_str(page.description)
    page.keywords = clean_keywords(page.keywords)
    page.authors = _authors(page.authors)
    return page


_LANGUAGE = re.compile(r"[a-z]{2,3}")


def language_code(value) -> str | None:
    """The ISO 639-1 code a language tag starts with (`en-GB` -> `en`), or None for a value that
    is not a language tag."""
    if not isinstance(value, str):
        return None
    primary = re.split(r"[-_\s]", value.strip().lower(), maxsplit=1)[0]
    return primary[:2] if _LANGUAGE.fullmatch(primary) else None


def image_url(value: str | None) -> str | None:
    """An image URL in the form the tables store: an absolute http(s) URL with its scheme and
    host in lower case (`HTTP://EXAMPLE.COM/a.jpg` is the same URL as `http://example.com/a.jpg`);
    None for anything that does not locate an image on the web (`data:`, `javascript:`, ...)."""
    if not value or not isinstance(value, str):
        return None
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, parts.fragment))


def detect_language(text: str) -> str | None:
    try:
        from etl.parse.language import detect_language as detect
    except ImportError:
        return None
    return detect(text)


def build_article(doc: SourceDocument) -> ArticleResult | Reject:
    from etl.parse.html_dom import NestingTooDeep
    from etl.parse.page_kind import NotAnArticle

    try:
        page = parse_document(doc)
    except (RecursionError, NestingTooDeep) as exc:
        return Reject(doc.source_uri, "too_deep", f"page nesting too deep to parse: {exc}", doc.raw_bytes)
    except NotAnArticle as exc:  # a section front, a menu, a sign-in or error page
        return Reject(doc.source_uri, "no_article", str(exc), doc.raw_bytes)
    except Exception as exc:  # a reader bug on one page must not stop the batch
        log.warning("reader failed on %s: %s", doc.source_uri, exc, exc_info=True)
        return Reject(doc.source_uri, "parse_error", f"{type(exc).__name__}: {exc}", doc.raw_bytes)
    page = apply_metadata(page, doc)
    body = (page.body or "").strip()
    if not body:
        return Reject(doc.source_uri, "no_article", "no article text found in the page", doc.raw_bytes)
    page.body = body
    page.language = language_code(page.language)  # a page's own `lang` attribute may be anything
    if not page.language:
        page.language = detect_language(body)
    for caption in page.captions:
        caption.image_url = image_url(caption.image_url)
    url = normalize_url(page.url)
    page.url = url or (page.url if page.url and "://" in page.url else None)
    # The publisher's name as a last resort: the domain the article is published under.
    page.source = page.source or registered_domain(page.url)
    # An id given by the container names the article; it is hashed like everything else so
    # that no input string ever becomes an identifier (or a path) as is.
    explicit_id = doc.meta.get("id")
    aid = stable_id("id", explicit_id) if explicit_id not in (None, "") else article_id(page.url, body)
    return ArticleResult(source=doc, page=page, article_id=aid, content_sha256=sha256_text(body))
