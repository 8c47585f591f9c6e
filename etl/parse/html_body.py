"""Main text of an HTML page."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

import lxml.html

from etl.parse.credit_marks import is_bare_credit
from etl.parse.credits import is_credit
from etl.parse.html_dom import remove_keeping_tail


def extract_body(tree: lxml.html.HtmlElement, url: str | None,
                 page_url: str | None = None) -> tuple[str, dict[str, Any]]:
    """(body with paragraphs separated by one blank line, trafilatura's metadata as a dict).
    `url` is where the page was fetched (given to trafilatura); `page_url` the page's own address
    when known otherwise (its canonical link), against which links are told to lead elsewhere.
    `tree` may be modified."""
    page_url = url or page_url
    import trafilatura

    _drop_social_embeds(tree)
    _drop_hidden(tree)
    # The page, and the story around its headline: never an insert in the story, whatever its name.
    page_level = _headline_holders(tree) | {tree} | set(tree.iter("body"))
    _drop_galleries(tree, page_level)
    _drop_author_boxes(tree, page_level)
    _drop_teaser_cards(tree, page_url, page_level)
    _drop_link_paragraphs(tree, page_url)
    _flatten_math(tree)
    _collapse_whitespace(tree)
    repeats = _sibling_repeats(tree)  # before trafilatura, which rewrites the tree it is given
    doc = trafilatura.bare_extraction(tree, url=url, include_comments=False, with_metadata=True,
                                      include_tables=True)
    if not doc:
        return "", {}
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    return _drop_credit_lines(_restore_repeats(paragraphs(data.get("text") or ""), repeats)), data


_COPYRIGHT_NOTICE = re.compile(r"^\s*(?:©|\(c\)|copyright\b)", re.I)


def _drop_credit_lines(body: str) -> str:
    """A line that is only a picture's credit ("STR/AFP via Getty Images", "Photo: AFP") belongs to a
    picture the reader cannot see, not to the story. A copyright line ("© 2003 Jane Doe") is the
    document's own notice and stays."""
    kept = [para for para in body.split("\n\n")
            if not (len(para.split()) <= 10 and not _COPYRIGHT_NOTICE.match(para)
                    and (is_bare_credit(para) or is_credit(para)))]
    return "\n\n".join(kept)


_GALLERY = re.compile(r"(?<![a-z])(?:gallery|galleries|slideshow|slide-show|carousel|lightbox)", re.I)
# Story text a gallery must sit beside, within a few levels of the page, to count as an insert in
# a story rather than the page's content (a photo-gallery page is all captions, and a story
# wrapper may carry a name like "gallery-enabled").
_STORY_WORDS_BESIDE_GALLERY = 150
_GALLERY_CONTEXT_LEVELS = 3


def _headline_holders(tree: lxml.html.HtmlElement) -> set[lxml.html.HtmlElement]:
    """The page's <h1>s and every element around them: the page or the story itself, never an
    insert in it."""
    return {a for h in tree.iter("h1") for a in h.iterancestors()} | set(tree.iter("h1"))


def _paragraph_words(el: lxml.html.HtmlElement) -> int:
    return sum(len((p.text_content() or "").split()) for p in el.iter("p"))


def _named(tree: lxml.html.HtmlElement, pattern: re.Pattern[str], passed_over: set) -> list[lxml.html.HtmlElement]:
    """Elements whose class or id matches `pattern`, outermost only (apart from those in
    `passed_over`, whose descendants are still looked at), in document order."""
    found: list[lxml.html.HtmlElement] = []
    chosen: set[lxml.html.HtmlElement] = set()
    for el in tree.xpath("//*[@class or @id]"):
        if el not in passed_over and pattern.search(f"{el.get('class') or ''} {el.get('id') or ''}") \
                and not any(a in chosen for a in el.iterancestors()):
            found.append(el)
            chosen.add(el)
    return found


def _drop_galleries(tree: lxml.html.HtmlElement, page_level: set) -> None:
    """Remove photo galleries, slideshows and carousels set into a story: their slides carry
    captions ("3/50 Star Wars boosts economy ..."), not story text, and can outweigh the story
    itself, pulling the extractor onto them. Only a gallery with story text beside it (in an
    element at most three levels up) goes, and never one that holds the headline."""
    galleries = _named(tree, _GALLERY, page_level)
    words: dict[lxml.html.HtmlElement, int] = {}  # ancestors are shared between galleries

    def paragraph_words(el: lxml.html.HtmlElement) -> int:
        if el not in words:
            words[el] = _paragraph_words(el)
        return words[el]

    for el in galleries:
        inside = _paragraph_words(el)
        for level, ancestor in enumerate(el.iterancestors()):
            if level >= _GALLERY_CONTEXT_LEVELS or ancestor.tag == "body":
                break
            if paragraph_words(ancestor) - inside >= _STORY_WORDS_BESIDE_GALLERY:
                remove_keeping_tail(el)
                break


# "author-bio", "authorbio", "about-the-author", "author-info", "author__details", "author-box".
_AUTHOR_BOX = re.compile(r"author[-_]*(?:bio|info|box|card|details?)|about[-_]?the[-_]?author", re.I)
# A box longer than this is not a writer's note: the name may wrap the story on some templates.
_MAX_AUTHOR_BOX_WORDS = 150


def _drop_author_boxes(tree: lxml.html.HtmlElement, page_level: set) -> None:
    """Remove the writer's box (name, role, a short biography, links to follow them): the byline is
    read as metadata from the whole page, and a biography is about the writer, not the story."""
    for el in _named(tree, _AUTHOR_BOX, page_level):
        if len(el.text_content().split()) <= _MAX_AUTHOR_BOX_WORDS:
            remove_keeping_tail(el)


_CARD_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
_MAX_CARD_WORDS = 120
_MIN_CARDS = 3


def _links_away(href: str | None, page: str | None) -> bool:
    """Whether `href` leads to another document (not an anchor in this page, as the headings of a
    live blog's posts or a table of contents do)."""
    href = (href or "").strip()
    if not href or href.startswith("#") or href.lower().startswith("javascript:"):
        return False
    if not page:
        return True
    try:
        target = urljoin(page, href)
    except ValueError:  # a malformed address leads nowhere we can name
        return True
    return target.split("#")[0].rstrip("/") != page.split("#")[0].rstrip("/")


def _is_teaser_heading(heading: lxml.html.HtmlElement, page: str | None) -> bool:
    """A heading that is mostly a link to another page, as a teaser's headline is: at least half
    its words (a kicker label often stands in front of the link: "Editorial  Fraser's legacy")."""
    heading_words = heading.text_content().split()
    if not heading_words:
        return False
    link_words = sum(len(a.text_content().split()) for a in heading.iter("a") if _links_away(a.get("href"), page))
    return link_words >= 0.5 * len(heading_words)


def _drop_teaser_cards(tree: lxml.html.HtmlElement, url: str | None, page_level: set) -> None:
    """Remove lists of teaser cards (a story stream, "more from", recirculation grids). A card is
    a block of at most 120 words whose first heading is mostly a link to another page (headline
    linking to the story, a line or two of summary, a source or time); a list is a run of siblings
    of which at least three, and at least half, are cards. Story text never reads as a run of
    linked headlines each with a short blurb; one linked subheading does, so a run is required.
    A block holding the page's <h1> (in `page_level`) is never a card."""
    # Found from the headings up: each teaser heading makes every ancestor it leads a candidate.
    candidates: dict[lxml.html.HtmlElement, list[lxml.html.HtmlElement]] = {}
    judged: set[lxml.html.HtmlElement] = set()
    for heading in tree.iter(*_CARD_HEADINGS):
        if not _is_teaser_heading(heading, url):
            continue
        node = heading
        for ancestor in heading.iterancestors():
            if node in page_level or node in judged:
                break
            judged.add(node)
            # the card must be led by this heading: no earlier heading inside it
            if next(node.iter(*_CARD_HEADINGS)) is heading:
                candidates.setdefault(ancestor, []).append(node)
            node = ancestor
    doomed = []
    for parent, nodes in candidates.items():
        if len(nodes) < _MIN_CARDS:
            continue
        children = sum(1 for c in parent if isinstance(c.tag, str))
        cards = [n for n in nodes if len(n.text_content().split()) <= _MAX_CARD_WORDS]
        if len(cards) >= _MIN_CARDS and 2 * len(cards) >= children:
            doomed.extend(cards)
    for el in doomed:
        if el.getparent() is not None:
            remove_keeping_tail(el)


_MAX_LINK_PARAGRAPH_WORDS = 30
# A label of up to five words closed by a colon, bar, bracket or guillemet: "READ MORE:",
# "Related |", "Lire aussi :", "[Read:", "[值班总编推荐]".
_LINK_LABEL = re.compile(r"^\s*[\[(【]?\s*([^\s:|\]】»]+(?:\s+[^\s:|\]】»]+){0,4})\s*[:|\]】»]\s*\S")


def _drop_link_paragraphs(tree: lxml.html.HtmlElement, url: str | None) -> None:
    """Remove short paragraphs that link to another story: a label and a link ("READ MORE:
    <headline>", "Related | <headline>"), or a headline in capitals that is all link ("2 RESIDENTS
    CHARGED OVER ..."), set between a story's paragraphs. After the label, at least half the words
    must be linked (all of them for a capitals line), and the paragraph must end with the link. A
    sentence of the story that happens to be one link has neither and stays; so does a link to an
    anchor of this page."""
    for p in list(tree.iter("p")):
        text = p.text_content()
        words = text.split()
        if not words or len(words) > _MAX_LINK_PARAGRAPH_WORDS:
            continue
        label = _LINK_LABEL.match(text)
        shouted = len(words) >= _MIN_SHOUTED_WORDS and _in_capitals(text)
        if label is None and not shouted:
            continue
        links = [a for a in p.iter("a") if _links_away(a.get("href"), url)]
        if not links or not _ends_with(p, links[-1]):
            continue
        linked = sum(len(a.text_content().split()) for a in links)
        if (label is not None and 2 * linked >= len(words) - len(label.group(1).split())) \
                or (shouted and linked >= 0.9 * len(words)):
            remove_keeping_tail(p)


_MIN_SHOUTED_WORDS = 3


def _in_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 10 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _ends_with(block: lxml.html.HtmlElement, el: lxml.html.HtmlElement) -> bool:
    """Whether nothing of `block` follows `el` (no text after it, no later element)."""
    node = el
    while node is not None and node is not block:
        if (node.tail or "").strip() or node.getnext() is not None:
            return False
        node = node.getparent()
    return True


def _flatten_math(tree: lxml.html.HtmlElement) -> None:
    """Replace MathML formulas with their symbols as plain text. The extractor drops <math>
    elements whole, leaving sentences with holes ("When , there are two solutions")."""
    for math in list(tree.iter("math", "{http://www.w3.org/1998/Math/MathML}math")):
        parent = math.getparent()
        if parent is None:
            continue
        symbols = " ".join(t.strip() for t in math.itertext() if t.strip())
        replacement = lxml.html.Element("span")
        replacement.text = symbols
        replacement.tail = math.tail
        parent.replace(math, replacement)


_PREFORMATTED = frozenset({"pre", "textarea", "code", "script", "style", "listing", "xmp", "plaintext"})
_SPACE_RUN = re.compile(r"[ \t\r\n\f]+")


def _collapse_whitespace(tree: lxml.html.HtmlElement) -> None:
    """Collapse runs of white space (line breaks included) to one space, as a browser renders
    them, outside preformatted elements. A page's source is often wrapped at a fixed width inside
    a <div> of text; the extractor would keep those source line breaks as paragraph breaks and cut
    sentences in two. <br> elements are untouched and still break lines."""
    preformatted = set(tree.iter(*_PREFORMATTED))
    inside = {d for el in preformatted for d in el.iterdescendants()}  # their text and tails are kept
    for el in tree.iter():
        if el.text and el not in preformatted and el not in inside and isinstance(el.tag, str):
            el.text = _SPACE_RUN.sub(" ", el.text)
        if el.tail and el not in inside:
            el.tail = _SPACE_RUN.sub(" ", el.tail)


_BLOCK_TAGS = frozenset({"p", "li", "blockquote", "pre", "dd", "h1", "h2", "h3", "h4", "h5", "h6"})


def _repeat_key(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", text.lower()))


def _is_block(el: lxml.html.HtmlElement) -> bool:
    if el.tag in _BLOCK_TAGS:
        return True
    # a <div> holding only text and inline markup is written as a paragraph
    return el.tag == "div" and next(el.iterdescendants(*_BLOCK_TAGS, "div"), None) is None


def _sibling_repeats(tree: lxml.html.HtmlElement) -> dict[tuple[str, ...], int]:
    """{paragraph key: n} for each text the page prints as a run of n > 1 separate blocks (<p>,
    <li>, text-only <div>...) of one container. Another text block, or loose text, between two
    copies ends a run; a nested container (share buttons, an ad slot) does not, since the
    extractor leaves those out and the copies meet in the body."""
    repeats: dict[tuple[str, ...], int] = {}
    for parent in tree.iter():
        if len(parent) < 2 or not isinstance(parent.tag, str):
            continue
        previous, count = None, 0
        for child in parent:
            if isinstance(child.tag, str) and _is_block(child):
                text = " ".join(child.text_content().split())
                if text and text == previous:
                    count += 1
                    key = _repeat_key(text)
                    repeats[key] = max(repeats.get(key, 0), count)
                elif text:
                    previous, count = text, 1
            if child.tail and not child.tail.isspace():
                previous = None
    return repeats


def _restore_repeats(body: str, repeats: dict[tuple[str, ...], int]) -> str:
    """The body with a run of equal paragraphs back at the count the page has.
    trafilatura drops a long paragraph equal to the one before it, as a precaution against its own
    doubles (one element reached through two candidates); where one container of the page holds
    that many separate copies they are the text as published. Only runs are restored: a copy that
    is not next to its twin in the body was left out for another reason."""
    if not repeats or not body:
        return body
    out: list[str] = []
    parts = body.split("\n\n")
    i = 0
    while i < len(parts):
        j = i
        while j + 1 < len(parts) and parts[j + 1] == parts[i]:
            j += 1
        wanted = repeats.get(_repeat_key(parts[i]), 0)
        out.extend([parts[i]] * max(j - i + 1, wanted))
        i = j + 1
    return "\n\n".join(out)


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
