"""HTML page reader: body text, metadata and image captions of one news page.

The body comes from trafilatura run on a copy of the page from which caption elements were
removed (so captions never leak into the body); metadata from the publisher's structured data
with trafilatura/htmldate as fallback; captions from html_captions."""
from __future__ import annotations

import copy
import re
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

from etl.parse.html_body import drop_leading_title, drop_paragraph, extract_body, paragraphs
from etl.parse.html_captions import extract_captions
from etl.parse.html_dom import NestingTooDeep, absolute_url, parse_html, remove_keeping_tail
from etl.parse.html_meta import (article_ld, declared_language, extract_authors, extract_canonical,
                                 extract_published, extract_site_name, extract_subtitle, extract_title,
                                 headline_variants, in_text_byline)
from etl.parse.html_meta_extra import (extract_description, extract_keywords, extract_modified, extract_section,
                                       extract_source, published_precision)
from etl.parse.language import detect_language
from etl.parse.html_script_data import embedded_story_html, shows_little
from etl.parse.page_kind import NotAnArticle, not_an_article
from etl.model.records import ParsedPage


def read_html_page(html: str, url: str | None = None) -> ParsedPage:
    """Read one HTML page. Raises ValueError (and nothing else) for input that is not a usable
    page, e.g. empty or pathologically nested markup; the pipeline turns that into a reject."""
    try:
        return _read(html, url)
    except ValueError:
        raise
    except RecursionError as exc:
        raise NestingTooDeep("HTML too deeply nested to read") from exc
    except Exception as exc:  # third-party extractors fail in many ways on hostile markup
        raise ValueError(f"unreadable HTML ({type(exc).__name__}: {exc})") from exc


def _read(html: str, url: str | None) -> ParsedPage:
    tree = parse_html(html)
    canonical = extract_canonical(tree, url)
    # Image links resolve against the page's own address; a page read from a file states it
    # in <base href> or its canonical link.
    base_href = next((b.get("href") for b in tree.iter("base") if b.get("href")), None)
    base = absolute_url(base_href, url or canonical) or url or canonical
    captions, caption_elements = extract_captions(tree, base)

    body_tree = copy.deepcopy(tree)
    _drop_elements(tree, body_tree, caption_elements)
    body, traf = extract_body(body_tree, url, page_url=canonical)
    ld = article_ld(tree)
    body = _structured_body(body, ld)
    if len(re.findall(r"\w", body)) < _SCRIPT_DATA_BELOW:
        embedded = embedded_story_html(tree)
        if embedded and shows_little(body, embedded[1], _SHOWN_SHARE):
            drawn = embedded[0]
            # the page is a shell its script fills: read the story (and its pictures) from the page's data;
            # the page's own metadata still comes from its markup
            drawn_tree = parse_html(f"<html><body><article>{drawn}</article></body></html>")
            drawn_captions, drawn_caption_elements = extract_captions(drawn_tree, base)
            drawn_body_tree = copy.deepcopy(drawn_tree)
            _drop_elements(drawn_tree, drawn_body_tree, drawn_caption_elements)
            body, _ = extract_body(drawn_body_tree, url, page_url=canonical)
            captions = captions or drawn_captions
    reason = not_an_article(tree, body)
    if reason:
        raise NotAnArticle(reason)

    site_name = extract_site_name(tree, ld, traf.get("sitename"))
    title = extract_title(tree, ld, site_name) or traf.get("title")
    body = drop_leading_title(body, title, *headline_variants(tree, ld))
    host = urlsplit(url).hostname if url else traf.get("hostname")
    byline = in_text_byline(tree, body)
    authors = extract_authors(tree, ld, traf.get("author"), site_name, host, byline)
    if byline and authors:
        body = drop_paragraph(body, byline)  # the byline is metadata, not story text
    language = declared_language(tree) or detect_language(body)
    published = extract_published(tree, ld, traf.get("date"))
    return ParsedPage(
        title=title,
        subtitle=extract_subtitle(tree, ld),
        authors=authors,
        published_at=published,
        body=body,
        captions=captions,
        url=canonical,
        source=extract_source(tree, ld, traf.get("sitename")),
        language=language,
        section=extract_section(tree, ld),
        description=extract_description(tree, ld),
        keywords=extract_keywords(tree, ld),
        modified_at=extract_modified(tree, ld),
        published_precision=published_precision(tree, ld, traf.get("date"), published),
    )


# The shown text must be at least this share of the text the publisher's metadata states.
_SHOWN_SHARE = 0.3
# Letters of shown text below which the page's script data is searched for the story.
_SCRIPT_DATA_BELOW = 1500


def _structured_body(body: str, ld: list[dict]) -> str:
    """The article's `articleBody` from its JSON-LD when the page shows only a sliver of it (text
    rendered by script, a teaser cut before the paywall): the publisher states the full text there."""
    stated = next((o["articleBody"] for o in ld if isinstance(o.get("articleBody"), str)), None)
    if not stated:
        return body
    if "<" in stated and ">" in stated:
        try:
            stated = lxml.html.fromstring(f"<div>{stated}</div>").text_content()
        except (lxml.etree.ParserError, ValueError):
            return body
    stated = paragraphs(stated.replace("\\n", "\n"))
    if len(re.findall(r"\w+", body)) >= _SHOWN_SHARE * len(re.findall(r"\w+", stated)):
        return body
    return stated


def _drop_elements(original, copied, elements) -> None:
    """Remove from `copied` the counterparts of `elements` (which belong to `original`)."""
    if not elements:
        return
    wanted = set(elements)
    pairs = [c for o, c in zip(original.iter(), copied.iter()) if o in wanted]
    for el in pairs:
        remove_keeping_tail(el)
