"""Main text of an HTML page."""
from __future__ import annotations

import re
from typing import Any

import lxml.html

from etl.parse.html_dom import remove_keeping_tail


def extract_body(tree: lxml.html.HtmlElement, url: str | None) -> tuple[str, dict[str, Any]]:
    """(body with paragraphs separated by one blank line, trafilatura's metadata as a dict).
    `tree` may be modified."""
    import trafilatura

    _drop_social_embeds(tree)
    _drop_hidden(tree)
    doc = trafilatura.bare_extraction(tree, url=url, include_comments=False, with_metadata=True,
                                      include_tables=True)
    if not doc:
        return "", {}
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    return paragraphs(data.get("text") or ""), data


# Embedded posts from social networks (the blockquote their embed scripts turn into a widget).
_SOCIAL_EMBED = re.compile(r"(?<![a-z])(?:twitter-tweet|twitter-video|instagram-media|tiktok-embed|"
                           r"bluesky-embed|reddit-embed-bq|fb-xfbml-parse-ignore)(?![a-z-])", re.I)


def _drop_social_embeds(tree: lxml.html.HtmlElement) -> None:
    """Remove embedded social-media posts: they quote other people's posts (with handles, dates
    and pic.twitter.com links) rather than tell the story, and readers see them as widgets."""
    for el in list(tree.iter("blockquote")):
        if _SOCIAL_EMBED.search(el.get("class") or ""):
            remove_keeping_tail(el)


_HIDING_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!important\s*)?(?:;|$)", re.I)


def _drop_hidden(tree: lxml.html.HtmlElement) -> None:
    """Remove what a browser does not show: elements with the `hidden` attribute or an inline
    style of display:none / visibility:hidden (collapsed menus, off-screen templates, text kept for
    scripts). Stylesheet rules are not evaluated; only what the element itself declares counts."""
    doomed = [el for el in tree.iter() if isinstance(el.tag, str) and el.getparent() is not None
              and (el.get("hidden") is not None or _HIDING_STYLE.search(el.get("style") or ""))]
    for el in doomed:
        remove_keeping_tail(el)  # one inside an element removed before it goes with that one


def paragraphs(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in text.splitlines()]
    return "\n\n".join(ln for ln in lines if ln)


def drop_leading_title(body: str, title: str | None, *variants: str | None) -> str:
    """The body without a first paragraph that repeats the headline (the title is its own field).
    Pages often print a differently worded headline than the one their metadata states, so any of
    the page's headline `variants` (its <h1>s, OpenGraph title...) counts as a repeat too."""
    if not body:
        return body
    first, _, rest = body.partition("\n\n")
    key = lambda t: re.findall(r"\w+", (t or "").lower())  # noqa: E731
    first_key = key(first)
    if rest and first_key and any(first_key == key(t) for t in (title, *variants) if t):
        return rest
    return body


def drop_paragraph(body: str, paragraph: str) -> str:
    """The body without its first paragraph that is exactly `paragraph`."""
    parts = body.split("\n\n")
    if paragraph in parts:
        parts.remove(paragraph)
    return "\n\n".join(parts)
