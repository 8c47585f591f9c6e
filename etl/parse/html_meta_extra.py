"""Article metadata from an HTML page beyond headline, authors and dates: the publisher's name,
the section, the description, keywords, the last modification time and how precise the stated
publication time is.

Each field is read from what the publisher wrote for machines, in the order below; none of them
is guessed from the visible text (a page that states none keeps the field empty)."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import lxml.html

from etl.parse.html_dom import class_and_id, clean_space, json_ld_objects, ld_names, ld_types, meta_content
from etl.parse.html_meta import parse_datetime, published_candidates
from etl.parse.meta_fields import clean_keywords, has_time_of_day, registered_domain

# Section values that name no section: CMS defaults and page-type labels.
_NOT_A_SECTION = frozenset({"uncategorized", "uncategorised", "articles", "article", "tags", "general", "none",
                            "null", "default", "home", "homepage", "story", "post", "posts", "page"})


# OpenGraph's article properties written with the namespace spelt out, as some CMSs do.
_OG_ARTICLE = "http://ogp.me/ns/article#"


def _slug_like(name: str) -> bool:
    """"nationalpost", "inews.co.uk": a machine name or a domain, not the name a reader knows."""
    return " " not in name and (name.islower() or bool(re.search(r"\.[a-z]{2,}$", name, re.I)))


def extract_source(tree: lxml.html.HtmlElement, ld: list[dict[str, Any]], fallback: str | None) -> str | None:
    """The publisher's name: OpenGraph's site name, unless it is a slug and the article's JSON-LD
    publisher gives a proper name; then the JSON-LD publisher, the page's application name (a
    short one: long ones are slogans), trafilatura's guess, the Twitter handle without its "@".
    OpenGraph comes first because JSON-LD publishers are often the parent company or a product
    name ("Insider", "TimesLIVE Premium") while og:site_name is the site as readers know it."""
    og = meta_content(tree, "og:site_name")
    publisher = next((n for o in ld for n in ld_names(o.get("publisher"))[:1]), None)
    if og and not og.startswith("@"):
        if _slug_like(og) and publisher and not _slug_like(publisher):
            return publisher
        return og
    if publisher:
        return publisher
    app = meta_content(tree, "application-name")
    if app and len(app.split()) <= 4:
        return app
    if fallback:  # trafilatura names a site it knows nothing about by its host name
        return (registered_domain(fallback) or fallback) if _slug_like(fallback) else fallback
    handle = meta_content(tree, "twitter:site")
    return handle.lstrip("@") or None if handle else None


def extract_section(tree: lxml.html.HtmlElement, ld: list[dict[str, Any]]) -> str | None:
    """The section: article:section (OpenGraph), JSON-LD articleSection (the first of a list),
    Parse.ly's or PRISM's section, then the JSON-LD breadcrumb trail without its last step (the
    article)."""
    values: list[Any] = [meta_content(tree, "article:section", _OG_ARTICLE + "section")]
    values += [o.get("articleSection") for o in ld]
    values.append(meta_content(tree, "parsely-section", "prism.section"))
    for value in values:
        for candidate in (value if isinstance(value, list) else [value]):
            # "Global,Innovation": several sections in one string; the first is the main one
            text = clean_space(candidate.split(",")[0]) if isinstance(candidate, str) else ""
            if text and text.casefold() not in _NOT_A_SECTION and len(text) <= 80:
                return text
            if text:
                break  # only the first of a list names the main section
    return _breadcrumb(tree) or _visible_breadcrumb(tree)


def _visible_breadcrumb(tree: lxml.html.HtmlElement) -> str | None:
    """The trail a page prints (an element whose class, id or aria-label says breadcrumb): its
    links, without a leading "Home" (the article itself is the trail's last step and is not a link)."""
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "head", "script", "style", "meta", "link"):
            continue
        marker = f"{class_and_id(el)} {(el.get('aria-label') or '').lower()}"
        if "breadcrumb" not in marker:
            continue
        steps = [clean_space(a.text_content()) for a in el.iter("a")]
        steps = [t for t in steps if t and len(t.split()) <= 5 and t.casefold() not in _NOT_A_SECTION]
        if steps and len(steps) <= 6:
            return " › ".join(steps)
        return None  # only the page's first trail counts
    return None


def _breadcrumb(tree: lxml.html.HtmlElement) -> str | None:
    for obj in json_ld_objects(tree):
        if "BreadcrumbList" not in ld_types(obj):
            continue
        items = obj.get("itemListElement")
        if not isinstance(items, list):
            continue
        ranked = sorted((i for i in items if isinstance(i, dict)),
                        key=lambda i: i.get("position") if isinstance(i.get("position"), int) else 0)
        names = []
        for item in ranked:
            name = item.get("name")
            if not isinstance(name, str) and isinstance(item.get("item"), dict):
                name = item["item"].get("name")
            if isinstance(name, str) and clean_space(name):
                names.append(clean_space(name))
        names = [n for n in names[:-1] if n.casefold() not in _NOT_A_SECTION]  # the last step is the article
        if names:
            return " › ".join(names)
    return None


def extract_description(tree: lxml.html.HtmlElement, ld: list[dict[str, Any]]) -> str | None:
    """The page's own summary: <meta name=description>, then OpenGraph, Twitter, JSON-LD."""
    value = meta_content(tree, "description", "og:description", "twitter:description")
    if value:
        return value
    for o in ld:
        if isinstance(o.get("description"), str) and clean_space(o["description"]):
            return clean_space(o["description"])
    return None


def extract_keywords(tree: lxml.html.HtmlElement, ld: list[dict[str, Any]]) -> list[str]:
    """Keywords: news_keywords / keywords <meta>, every article:tag, else the JSON-LD keywords."""
    meta = meta_content(tree, "news_keywords", "keywords")
    if meta:
        found = clean_keywords(meta)
        if found:
            return found
    tags = [clean_space(m.get("content")) for m in tree.iter("meta")
            if (m.get("property") or m.get("name") or "").strip().lower() in ("article:tag", _OG_ARTICLE + "tag")]
    found = clean_keywords([t for t in tags if t])
    if found:
        return found
    for o in ld:
        found = clean_keywords(o.get("keywords"))
        if found:
            return found
    return []


def extract_modified(tree: lxml.html.HtmlElement, ld: list[dict[str, Any]]) -> datetime | None:
    candidates = [o.get("dateModified") for o in ld]
    candidates.append(meta_content(tree, "article:modified_time", "og:updated_time", "dateModified",
                                   "last-modified", "dc.date.modified"))
    for t in tree.iter("time"):
        if (t.get("itemprop") or "") == "dateModified":
            candidates.append(t.get("datetime"))
    return next((d for d in (parse_datetime(c) for c in candidates if isinstance(c, str)) if d is not None), None)


def published_precision(tree: lxml.html.HtmlElement, ld: list[dict[str, Any]], fallback: str | None,
                        published: datetime | None) -> str | None:
    """"time" when the statement the publication time was read from gives a time of day, "day"
    when it is a bare date (htmldate's guess is a date)."""
    if published is None:
        return None
    for candidate in [*published_candidates(tree, ld), fallback]:
        if isinstance(candidate, str) and parse_datetime(candidate) == published:
            return "time" if has_time_of_day(candidate) else "day"
    return "time"
