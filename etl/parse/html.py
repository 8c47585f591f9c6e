"""HTML page reader (baseline: trafilatura body and metadata)."""
from __future__ import annotations

from etl.records import ParsedPage


def read_html_page(html: str, url: str | None = None) -> ParsedPage:
    import trafilatura

    body = trafilatura.extract(html, url=url, include_comments=False) or ""
    meta = trafilatura.extract_metadata(html, default_url=url)
    return ParsedPage(title=getattr(meta, "title", None), body=body, url=url)
