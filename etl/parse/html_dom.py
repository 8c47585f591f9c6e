"""Shared HTML helpers for the page reader: safe parsing, text of elements, structured data.

Everything here is pure: a string or tree in, values out."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import lxml.etree
import lxml.html

from etl import config

_SPACE = re.compile(r"\s+")
# Elements whose text never belongs to the readable page.
INVISIBLE_TAGS = {"script", "style", "noscript", "template", "svg", "head", "title", "meta", "link", "iframe"}


class NestingTooDeep(ValueError):
    """The page nests elements deeper than `config.max_html_depth()`."""


def clean_space(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def parse_html(html: str) -> lxml.html.HtmlElement:
    """Parse a page into an lxml tree. Raises ValueError for input that is not a usable page:
    empty markup or nesting deeper than `config.max_html_depth()` (such pages crash
    recursive extractors and are never real articles)."""
    if not isinstance(html, str):
        raise ValueError("HTML must be a str")
    # Control characters (other than whitespace) make libxml2 stop early; XML 1.0 forbids them anyway.
    html = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", " ", html)
    if not html.strip():
        raise ValueError("empty HTML page")
    # huge_tree lets the parser keep deep nesting so we can see it and refuse it ourselves
    # (libxml2's default silently drops everything below depth 255).
    parser = lxml.html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)
    try:
        tree = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError) as exc:
        raise ValueError(f"unparseable HTML: {exc}") from exc
    if tree is None:
        raise ValueError("unparseable HTML: no document element")
    limit = config.max_html_depth()
    depth = tree_depth(tree, stop_at=limit + 1)
    if depth > limit:
        raise NestingTooDeep(f"HTML nested deeper than {limit} levels")
    return tree


def tree_depth(root: lxml.etree._Element, stop_at: int) -> int:
    """Maximum element nesting below `root`, counting stops once `stop_at` is reached."""
    deepest = 0
    depth = 0
    for event, _ in lxml.etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest >= stop_at:
                    return deepest
        else:
            depth -= 1
    return deepest


def element_text(el: lxml.etree._Element, skip: set | None = None) -> str:
    """Visible text of an element with block boundaries turned into spaces, excluding the
    subtrees in `skip` (e.g. a credit inside a caption)."""
    parts: list[str] = []

    def walk(node: lxml.etree._Element) -> None:
        if not isinstance(node.tag, str) or node.tag in INVISIBLE_TAGS or (skip and node in skip):
            if node.tail:
                parts.append(node.tail)
            return
        if node.tag == "br":
            parts.append(" ")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        parts.append(" ")
        if node.tail:
            parts.append(node.tail)

    if el.text:
        parts.append(el.text)
    for child in el:
        walk(child)
    return clean_space("".join(parts))


def remove_keeping_tail(el: lxml.etree._Element) -> None:
    """Remove `el` from the tree but keep the text that follows it: lxml stores that text on the
    element (its tail), yet it belongs to the parent."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def class_and_id(el: lxml.etree._Element) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()


def absolute_url(ref: str | None, base: str | None) -> str | None:
    """`ref` resolved against `base`; None for empty refs and inline data URIs."""
    if not ref:
        return None
    ref = ref.strip()
    if not ref or ref.startswith(("data:", "javascript:")):
        return None
    if ref.startswith("//"):
        scheme = base.split(":", 1)[0] if base and "://" in base else "https"
        return f"{scheme}:{ref}"
    try:
        url = urljoin(base, ref) if base else ref
    except ValueError:
        return None
    # Only absolute http(s) URLs are useful downstream; a relative one without a base is dropped.
    return url if url.lower().startswith(("http://", "https://")) else None


def meta_content(tree: lxml.html.HtmlElement, *names: str) -> str | None:
    """First non-empty <meta> content whose name/property/itemprop is one of `names` (case-insensitive)."""
    wanted = {n.lower() for n in names}
    found: dict[str, str] = {}
    for m in tree.iter("meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        if key in wanted and key not in found:
            value = clean_space(m.get("content"))
            if value:
                found[key] = value
    for n in names:
        if n.lower() in found:
            return found[n.lower()]
    return None


def json_ld_objects(tree: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    """Every JSON object found in the page's JSON-LD blocks, flattened (@graph and nested values
    included), in document order. Broken blocks are skipped."""
    out: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):
            continue
        out.extend(_walk_json(data, 0))
    return out


def _walk_json(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 12:
        return
    if isinstance(data, dict):
        yield data
        for value in data.values():
            if isinstance(value, (dict, list)):
                yield from _walk_json(value, depth + 1)
    elif isinstance(data, list):
        for item in data:
            yield from _walk_json(item, depth + 1)


def ld_types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t}
    if isinstance(t, list):
        return {x for x in t if isinstance(x, str)}
    return set()


ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting", "AnalysisNewsArticle",
                 "OpinionNewsArticle", "LiveBlogPosting", "WebPage", "Report", "ScholarlyArticle",
                 "BackgroundNewsArticle", "ReviewNewsArticle", "TechArticle", "SocialMediaPosting"}


def ld_names(value: Any) -> list[str]:
    """Names held by a JSON-LD value that may be a string, an object with `name`, or a list of them."""
    if isinstance(value, str):
        return [clean_space(value)] if clean_space(value) else []
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str) and clean_space(name):
            return [clean_space(name)]
        if isinstance(name, list):
            return [clean_space(n) for n in name if isinstance(n, str) and clean_space(n)]
        return []
    if isinstance(value, list):
        return [n for v in value for n in ld_names(v)]
    return []
