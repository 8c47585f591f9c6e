"""Page readers: a decoded page (plain text or HTML) -> ParsedPage (title, body, captions, metadata)."""
from __future__ import annotations

from etl.model.records import ParsedPage, SourceDocument


def parse_document(doc: SourceDocument) -> ParsedPage:
    """Read the page with the reader for its kind. Container metadata is applied by the caller."""
    if doc.kind == "html":
        from etl.parse.html import read_html_page

        return read_html_page(doc.content, url=doc.meta.get("url"))
    from etl.parse.text import read_text_page

    return read_text_page(doc.content)
