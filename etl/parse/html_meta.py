"""Article metadata from an HTML page: title, standfirst, authors, publication time, canonical
URL, site name and declared language.

Structured data the publisher wrote for machines (JSON-LD, OpenGraph, <meta>) comes first; the
visible page (<h1>, bylines) and trafilatura's heuristics fill what is missing."""
from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from typing import Any

import lxml.html

from etl.parse.html_dom import (ARTICLE_TYPES, absolute_url, class_and_id, clean_space, element_text,
                                json_ld_objects, ld_names, ld_types, meta_content)

_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—•·:»/*]{1,2}\s+|\s*::\s*")


def article_ld(tree: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    """JSON-LD objects describing the article (NewsArticle and kin), most specific first."""
    objs = [o for o in json_ld_objects(tree) if ld_types(o) & ARTICLE_TYPES]
    # A WebPage object often wraps the article; prefer the article-typed ones.
    return sorted(objs, key=lambda o: "WebPage" in ld_types(o))


def _first_str(objs: list[dict[str, Any]], *keys: str) -> str | None:
    for o in objs:
        for k in keys:
            v = o.get(k)
            if isinstance(v, str) and clean_space(v):
                return clean_space(v)
    return None


# ---------------------------------------------------------------- title
def _words(text: str | None) -> list[str]:
    return re.findall(r"\w+", (text or "").lower())


def _h1_candidates(tree: lxml.html.HtmlElement) -> list[str]:
    out = []
    for h in tree.iter("h1"):
        text = element_text(h)
        if text and 1 <= len(text.split()) <= 40:
            out.append(text)
    return out


def extract_title(tree: lxml.html.HtmlElement, ld: list[dict[str, Any]], site_name: str | None) -> str | None:
    """The headline. When a page carries several, the one written for machines wins: the article's
    JSON-LD headline, then OpenGraph/Twitter titles, then the article's JSON-LD name, then <h1>,
    then <title>. Visible <h1>s are often rewritten for the page (longer, live-blog labels) or are
    the site's logo, while publishers state the article's canonical headline in its metadata; on
    the fundus dev pages this order picks the reference title on 44 of 49 pages against 40 for
    "<h1> when the metadata agrees with it" (46 with the overruling rule of _overruled_headline;
    a majority vote over all sources scores 44). Metadata titles lose their " | Site Name" tails
    and their leftover HTML escapes ("&#039;")."""
    h1s = _h1_candidates(tree)
    candidates = [
        _first_str(ld, "headline"),
        meta_content(tree, "og:title"),
        meta_content(tree, "twitter:title"),
        _first_str(ld, "name"),
    ]
    present = [c for c in candidates if c]
    cleaned = [_strip_confirmed(_unescape(c), site_name, h1s + present) if c else None for c in candidates]
    for rank, title in enumerate(cleaned):
        if title and _words(title):
            title = _complete_truncated(title, h1s + present)
            if rank == 0:
                title = _overruled_headline(title, *cleaned[1:4], h1s) or title
            return title
    # Without metadata, <title> names the document but often carries the site's name too; an
    # <h1> it contains is the clean headline, otherwise <title> is (the <h1> may be a logo).
    page_title = clean_space(tree.findtext(".//title"))
    if page_title:
        stripped = strip_site_suffix(page_title, site_name)
        tw = _words(stripped)
        for h1 in h1s:
            hw = _words(h1)
            if hw and (_contains(tw, hw) or _overlap(hw, tw) >= 0.8):
                return h1
        if tw:
            return stripped
    return h1s[0] if h1s else None


def _strip_confirmed(title: str, site_name: str | None, others: list[str]) -> str:
    """The title without its site-name tail. A tail that names the stated site goes; a tail
    that only looks like a brand ("Headline - The Big Update") goes only when another of the
    page's headlines reads the same without it, since a subtitle looks just like a brand."""
    strict = strip_site_suffix(title, site_name, guess_brands=False)
    guessed = strip_site_suffix(title, site_name)
    if guessed == strict:
        return strict
    key = _words(guessed)
    confirmed = any(_words(strip_site_suffix(_unescape(o), site_name, guess_brands=False)) == key or
                    _words(o) == key for o in others)
    return guessed if confirmed else strict


def _overruled_headline(headline: str, og_title: str | None, twitter_title: str | None,
                        ld_name: str | None, h1s: list[str]) -> str | None:
    """The headline the rest of the page agrees on, when it is not the JSON-LD headline.

    Publishers sometimes fill JSON-LD `headline` with a search-engine variant while the
    social title, the JSON-LD `name` and the visible <h1> all carry the article's own
    headline. One dissenting source is not enough (og:title alone is often a rewritten
    teaser), so the JSON-LD headline is overruled only when three independent sources --
    the social title (OpenGraph and Twitter count as one, they are usually copies), the
    JSON-LD name and an <h1> -- agree on one alternative and none of them agrees with the
    headline. <title> is no witness: it is usually built from the same SEO field."""
    key = _words(headline)
    social = [t for t in (og_title, twitter_title) if t and _words(t)]
    if any(_words(t) == key for t in social + [ld_name or ""] + h1s):
        return None
    if not social or not ld_name or not h1s:
        return None
    alternative = social[0]
    alt_key = _words(alternative)
    if _words(ld_name) == alt_key and any(_words(h) == alt_key for h in h1s):
        return alternative
    return None


def headline_variants(tree: lxml.html.HtmlElement, ld: list[dict[str, Any]]) -> list[str]:
    """Every headline the page's metadata states, unescaped. (Not its <h1>s: those are what a
    body that repeats a headline starts with, but also what section headings look like.)"""
    found = [_first_str(ld, "headline"), meta_content(tree, "og:title"), meta_content(tree, "twitter:title"),
             _first_str(ld, "name")]
    return [_unescape(t) for t in found if t]


def _unescape(text: str) -> str:
    # Some CMSs escape the headline twice, so JSON-LD carries "&#8217;" after JSON decoding.
    return clean_space(html.unescape(text)) if "&" in text else text


def _complete_truncated(title: str, others: list[str]) -> str:
    """A headline cut short with an ellipsis ("Headline of the da…") is replaced by a fuller
    candidate that starts with the same words."""
    if not re.search(r"(?:\.\.\.|…)\s*$", title):
        return title
    stem = _words(re.sub(r"(?:\.\.\.|…)\s*$", "", title))
    if len(stem) > 1:
        stem = stem[:-1]  # the last word may itself be cut
    for other in others:
        ow = _words(_unescape(other))
        if len(ow) > len(stem) and ow[: len(stem)] == stem and not re.search(r"(?:\.\.\.|…)\s*$", other):
            return strip_site_suffix(_unescape(other), None)
    return title


def _contains(big: list[str], small: list[str]) -> bool:
    if not small or len(small) > len(big):
        return False
    n = len(small)
    return any(big[i:i + n] == small for i in range(len(big) - n + 1))


def _overlap(a: list[str], b: list[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / max(len(sa), len(sb)) if sa and sb else 0.0


def strip_site_suffix(title: str, site_name: str | None, guess_brands: bool = True) -> str:
    """"Headline | Site" -> "Headline": drop separator-delimited end (or start) pieces that name the
    site or (with `guess_brands`) are short brand-like fragments."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site = set(_words(site_name)) if site_name else set()

    def brandish(piece: str) -> bool:
        w = set(_words(piece))
        if not w:
            return False
        if site and (w <= site or site <= w):
            return True
        # An unnamed brand is short and has a capital somewhere ("BBC News", "remoteStorage"); a
        # short all-lower-case tail ("– islanders' relief", "- live") is part of the headline.
        return guess_brands and len(piece.split()) <= 3 and any(ch.isupper() for ch in piece)

    while len(parts) > 1 and brandish(parts[-1]):
        parts.pop()
    while len(parts) > 1 and site and brandish(parts[0]) and set(_words(parts[0])) <= site:
        parts.pop(0)
    if len(parts) == len(_TITLE_SEPARATORS.split(title)):
        return title
    # Re-join with the original text so separators inside the headline survive.
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return clean_space(title[start:end]) if start >= 0 and end > start else " ".join(parts)


# ---------------------------------------------------------------- authors
_BY_PREFIX = re.compile(r"^\s*(?:(?:written|words|reporting|reported|story|text|photos?|video)\s+)?by\b[:\s]*", re.I)
_ROLE_WORDS = re.compile(
    r"\b(reporter|correspondent|editor|writer|columnist|contributor|contributing|journalist|producer|"
    r"staff|senior|chief|political|deputy|associate|freelance|analyst|host|presenter|anchor|critic|"
    r"intern|bureau|desk|team|updated|published|posted|opinion|email|follow|twitter|read more|username|"
    r"log ?in|sign ?in)\b", re.I)
_SPLIT_NAMES = re.compile(r"\s*(?:,|;|\band\b|&|\+|\|)\s*", re.I)
_NOT_NAME = re.compile(r"https?://|www\.|@|\d{2,}|[<>{}=]")


def clean_authors(raw: list[str], site_name: str | None = None, host: str | None = None) -> list[str]:
    """A clean list of people (or agencies) from raw author strings: no "By", no roles, no site
    names, "A and B" split into two."""
    site_words = set(_words(site_name)) if site_name else set()
    host_words = set(_words(host.replace("www.", ""))) if host else set()
    out: list[str] = []
    seen: set[str] = set()
    for item in raw:
        item = clean_space(item)
        if not item:
            continue
        item = _BY_PREFIX.sub("", item)
        item = re.split(r"\s+\|\s+", item)[0]  # "Name | Site"
        # "Jane Doe - Senior Reporter", "Jane Doe | Site": keep the part before the dash/bar when
        # what follows is a role or the site.
        for piece in _SPLIT_NAMES.split(item):
            name = _clean_one(piece)
            if not name:
                continue
            w = set(_words(name))
            if (site_words and w == site_words) or (host_words and w <= host_words and len(w) == 1):
                continue
            key = " ".join(_words(name))
            if key and key not in seen:
                seen.add(key)
                out.append(name)
    return out


_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}


def _clean_one(piece: str) -> str | None:
    piece = _BY_PREFIX.sub("", clean_space(piece))
    piece = re.split(r"\s+[-–—]\s+|\s*\(", piece)[0]
    piece = piece.strip(" .:,;-–—'\"“”")
    if not piece or _NOT_NAME.search(piece):
        return None
    if _ROLE_WORDS.search(piece):
        return None
    words = piece.split()
    # "Jane Doe March" is a byline run into its date ("March 25, 2015" lost its digits).
    if len(words) >= 3 and words[-1].lower() in _MONTHS:
        words = words[:-1]
        piece = " ".join(words)
    if len(words) > 5 or not re.search(r"[^\W\d_]", piece):
        return None
    return piece


def _byline_texts(tree: lxml.html.HtmlElement) -> list[str]:
    """Names in visible bylines: rel=author links, then elements whose class says byline/author."""
    names = [element_text(a) for a in tree.iter("a") if "author" in (a.get("rel") or "").lower()]
    if names:
        return names
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("meta", "link", "script", "style", "body", "html", "article"):
            continue
        cls = class_and_id(el)
        if re.search(r"byline|author[-_]?name|\bauthor\b", cls) and not re.search(r"bio|avatar|image|photo|date|time", cls):
            text = element_text(el)
            if text and len(text) <= 120:
                return [text]
    return []


_CMS_ACCOUNT = re.compile(r"/(?:author|user|users|profile)s?/(?:admin|administrator|webmaster|root)/?$", re.I)


def _people(author: Any) -> Any:
    """A JSON-LD author value without the site's CMS accounts (an author whose page is
    /author/admin/ is whoever uploaded the story, not who wrote it)."""
    if isinstance(author, list):
        return [a for a in author if _people(a) is not None]
    if isinstance(author, dict):
        link = author.get("url") or author.get("@id")
        if isinstance(link, str) and _CMS_ACCOUNT.search(link.split("#")[0].split("?")[0]):
            return None
    return author


def in_text_byline(tree: lxml.html.HtmlElement, body: str) -> str | None:
    """The byline some sites print as the story's first lines: a paragraph set wholly in bold
    that holds nothing but names ("<p><strong>Jane Doe/John Roe</strong></p>"). Only a
    paragraph among the body's first four counts, so bold names further down (interview
    headings, quoted speakers) are never taken for the author."""
    opening = set(body.split("\n\n")[:4]) if body else set()
    if not opening:
        return None
    for p in tree.iter("p"):
        text = element_text(p)
        if not text or text not in opening:
            continue
        bold = clean_space(" ".join(element_text(b) for b in p.iter("strong", "b")
                                    if not any(a.tag in ("strong", "b") for a in b.iterancestors())))
        if bold == text and _only_names(text):
            return text
    return None


def _only_names(text: str) -> bool:
    pieces = [x for x in _SPLIT_NAMES.split(clean_space(text).replace("/", ",")) if x]
    return bool(pieces) and len(pieces) <= 4 and all(
        2 <= len(words := piece.split()) <= 4
        and all(re.fullmatch(r"[^\W\d_][^\W\d_'’.-]*", w) and w[0].isupper() for w in words)
        for piece in pieces)


def extract_authors(tree: lxml.html.HtmlElement, ld: list[dict[str, Any]], fallback: str | None,
                    site_name: str | None, host: str | None, byline_in_text: str | None = None) -> list[str]:
    """Authors from, in order: the article's JSON-LD, author <meta> tags, a byline printed in
    bold at the top of the story, trafilatura's guess, the page's byline elements."""
    for o in ld:
        if "author" in o:
            names = clean_authors(ld_names(_people(o.get("author"))), site_name, host)
            if names:
                return names
    meta = meta_content(tree, "author", "article:author", "dc.creator", "sailthru.author", "parsely-author")
    if meta and not meta.lower().startswith("http"):
        names = clean_authors([meta], site_name, host)
        if names:
            return names
    if byline_in_text:
        names = clean_authors([byline_in_text.replace("/", ",")], site_name, host)
        if names:
            return names
    if fallback:
        names = clean_authors(fallback.split(";"), site_name, host)
        if names:
            return names
    return clean_authors(_byline_texts(tree), site_name, host)


# ---------------------------------------------------------------- dates
def parse_datetime(value: str | None) -> datetime | None:
    """ISO-8601-ish timestamp -> aware UTC datetime; naive times are taken as UTC."""
    if not value or not isinstance(value, str):
        return None
    v = value.strip()
    v = re.sub(r"\s*(?:Z|UTC|GMT)$", "+00:00", v)
    v = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", v)  # +0100 -> +01:00
    v = re.sub(r"(\.\d{6})\d+", r"\1", v)
    try:
        dt = datetime.fromisoformat(v)
    except ValueError:
        m = re.match(r"(\d{4}-\d{2}-\d{2})", v)
        if not m:
            return None
        try:
            dt = datetime.fromisoformat(m.group(1))
        except ValueError:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    if not 1990 <= dt.year <= 2100:
        return None
    return dt.astimezone(timezone.utc)


def published_candidates(tree: lxml.html.HtmlElement, ld: list[dict[str, Any]]) -> list[str | None]:
    """The publication times the page states for machines, most trusted first."""
    candidates = [
        _first_str(ld, "datePublished", "dateCreated"),
        meta_content(tree, "article:published_time", "og:published_time", "datePublished",
                     "published_time", "pubdate", "publishdate", "dc.date.issued", "sailthru.date", "date"),
    ]
    for t in tree.iter("time"):
        if (t.get("itemprop") or "") == "datePublished" or "pub" in class_and_id(t):
            candidates.append(t.get("datetime"))
    return candidates


def extract_published(tree: lxml.html.HtmlElement, ld: list[dict[str, Any]], fallback: str | None) -> datetime | None:
    candidates = published_candidates(tree, ld)
    structured = next((d for d in (parse_datetime(c) for c in candidates) if d is not None), None)
    heuristic = parse_datetime(fallback)
    if structured is None:
        return heuristic
    return structured


# ---------------------------------------------------------------- the rest
def extract_subtitle(tree: lxml.html.HtmlElement, ld: list[dict[str, Any]]) -> str | None:
    for value in (meta_content(tree, "og:description", "twitter:description"), _first_str(ld, "description"),
                  meta_content(tree, "description")):
        if value and len(value.split()) >= 4:
            return value
    return None


def extract_canonical(tree: lxml.html.HtmlElement, url: str | None) -> str | None:
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            href = absolute_url(link.get("href"), url)
            if href and href.startswith("http"):
                return href
    og = absolute_url(meta_content(tree, "og:url"), url)
    if og and og.startswith("http"):
        return og
    return url


def extract_site_name(tree: lxml.html.HtmlElement, ld: list[dict[str, Any]], fallback: str | None) -> str | None:
    name = meta_content(tree, "og:site_name", "application-name", "twitter:site")
    if name and not name.startswith("@"):
        return name
    for o in ld:
        names = ld_names(o.get("publisher"))
        if names:
            return names[0]
    return fallback or (name.lstrip("@") if name else None)


def declared_language(tree: lxml.html.HtmlElement) -> str | None:
    """ISO 639-1 code the page declares (<html lang>, content-language, og:locale)."""
    for value in (tree.get("lang"), tree.get("xml:lang"), meta_content(tree, "content-language", "language", "og:locale")):
        code = _iso639_1(value)
        if code:
            return code
    for m in tree.iter("meta"):
        if (m.get("http-equiv") or "").lower() == "content-language":
            code = _iso639_1(m.get("content"))
            if code:
                return code
    return None


def _iso639_1(value: str | None) -> str | None:
    if not value:
        return None
    m = re.match(r"\s*([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)*\s*$", value.split(",")[0])
    return m.group(1).lower() if m else None
