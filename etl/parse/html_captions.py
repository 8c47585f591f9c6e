"""Image captions and photo credits from an HTML page.

Sources, in order of trust: <figure>/<figcaption> and elements whose class names say "caption",
schema.org ImageObject microdata, and JSON-LD ImageObjects (which mostly add credits to captions
already seen in the page, or the lead image's caption when the page shows none)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

from etl.parse.caption_rules import (figure_without_picture, holds_link_to_another_page, inside_teaser_link,
                                     label_not_caption)
from etl.parse.credit_marks import (is_bare_credit, split_credit_tail, split_labelled_tail, split_leading_credit,
                                    strip_leading_label)
from etl.parse.credits import is_credit, looks_like_agency, split_credit
from etl.parse.html_dom import (INVISIBLE_TAGS, absolute_url, class_and_id, clean_space, element_text, json_ld_objects,
                                ld_names, ld_types, meta_content)
from etl.model.records import Caption

_CAPTION_CLASS = re.compile(r"caption|figcaption|desc(?:ription)?(?![a-z])", re.I)
_STRONG_CAPTION_CLASS = re.compile(r"caption", re.I)
_CREDIT_CLASS = re.compile(r"credit|copyright|photographer|distributor|attribution|courtesy|image[-_]?source"
                           r"|photo[-_]?source|agency|(?<![a-z])(?:source|quelle|bildnachweis|fotonachweis|rights)(?![a-z])",
                           re.I)
_AUTHOR_CLASS = re.compile(r"(?<![a-z])author(?![a-z])", re.I)
# Ancestors with these class/id words hold page furniture (teasers for other stories, ads, menus).
_FURNITURE_WORDS = {"related", "recommended", "recommendations", "recommendation", "promo", "promos",
                    "newsletter", "sidebar", "footer", "nav", "navigation", "menu", "comments", "comment",
                    "teaser", "teasers", "outbrain", "taboola", "advert", "advertisement", "ad", "ads",
                    "trending", "popular", "mostread", "most-read", "more-stories", "widget", "carousel-related",
                    "popup", "share", "sharing"}
_WORD_SPLIT = re.compile(r"[\s_]+|--")

# "Photo by X", "(Image: X)", "Credits: X;" ... the label in front of a credit.
_CREDIT_LABEL = re.compile(
    r"^\s*[(\[]?\s*(?:(?:photo(?:graph)?|picture|pic|image|img|illustration|video|credits?|source|foto)s?"
    r"(?:\s+credits?)?\s*(?:by\b|:|-|–|—)\s*|©\s*|copyright\s*(?:©\s*)?)+", re.I)
# A credit written at the end of the caption text itself.
_TRAILING_LABELLED = re.compile(
    r"[\s(\[]*[(\[]\s*((?:photo(?:graph)?|picture|pic|image|illustration|credit|source)s?(?:\s+credits?)?"
    r"\s*(?:by\b|:)\s*[^()\[\]]{1,120}?)\s*[)\]]\s*$", re.I)
_TRAILING_SENTENCE = re.compile(
    r"(?<=[.!?”\"’)])\s+((?:photo(?:graph)?|picture|image|illustration|credit)s?(?:\s+credits?)?\s*(?:by\b|:)"
    r"\s*[^.]{1,120}?)\.?\s*$", re.I)
_TRAILING_PAREN = re.compile(r"(?<=[.!?”\"’])\s*\(\s*([^()]{2,100}?)\s*\)\s*$")
# A word that names the caption itself ("Legende: Fans vor dem Stadion"), not part of it.
_CAPTION_LABEL = re.compile(r"^\s*(?:caption|legende|bildlegende|bildunterschrift|bildtext|leyenda|légende|didascalia"
                            r"|onderschrift|billedtekst|bildetekst)\s*:\s*", re.I)
_LEADING_CREDIT_LABEL = re.compile(
    r"^\s*[(\[]?\s*(?:©|\(c\)|(?:foto|fotos|photo|photos|bild|bildquelle|quelle|source|imagen|fuente|crédit|crédito"
    r"|credit|credits|kuva|fotoğraf|фото|ảnh|사진|写真|picture|image)\s*[:：=©])", re.I)
_AGENCY_HINT = re.compile(r"\b(AP|AFP|Reuters|Getty|EPA|PA|Shutterstock|Alamy|Bloomberg|Xinhua|ANP|dpa|"
                          r"iStock|Photo|Images?|Press|Wire|Agency|Handout|Supplied|File)\b|/", re.I)


@dataclass
class _Found:
    caption: str
    credit: str | None
    image_url: str | None
    order: int
    credit_parts: list[str] = field(default_factory=list)
    element: lxml.etree._Element | None = None  # the caption element in the page; None for JSON-LD


def extract_captions(tree: lxml.html.HtmlElement, base_url: str | None) -> tuple[list[Caption], list[lxml.etree._Element]]:
    """Captions in reading order, plus the caption elements (so the body reader can leave them out)."""
    order = {el: i for i, el in enumerate(tree.iter())}
    found: list[_Found] = []
    caption_elements: list[lxml.etree._Element] = []
    seen_containers: set = set()

    # Layout wrappers around the whole article carry names like "sidebar-layout" or "menu-closed";
    # furniture never contains the headline, so ancestors of an <h1> are not judged.
    not_furniture = {a for h in tree.iter("h1") for a in h.iterancestors()}
    # Likewise the wrappers of the story's text ("comments-enabled" on the article itself).
    not_furniture |= _story_text_ancestors(tree)
    for container in _caption_containers(tree):
        if container in seen_containers or _in_furniture(container, not_furniture):
            continue
        if inside_teaser_link(container) or figure_without_picture(container):
            continue
        seen_containers.add(container)
        item = _read_container(container, base_url, order, caption_elements)
        if item is not None:
            found.append(item)

    found.extend(_from_json_ld(tree, base_url, found))
    found.sort(key=lambda f: f.order)
    return _dedupe(found), caption_elements


def _caption_containers(tree: lxml.html.HtmlElement):
    """Figures, ImageObject microdata, and caption-class elements not inside a figure, in document order."""
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "figure":
            # A figure inside another figure is read as part of the outer one only when the outer has
            # no caption of its own; reading both and de-duplicating covers either case.
            yield el
        elif "imageobject" in (el.get("itemtype") or "").lower():
            yield el
        elif _unmarked_parts(el) is not None:
            yield el
        elif (el.tag == "figcaption" or _CAPTION_CLASS.search(el.get("class") or "")) and not _has_ancestor(el, "figure"):
            if _has_caption_ancestor(el):
                continue
            # "caption" names its purpose; "description" is also used for promos and author
            # bios, so only a small block around a photo counts for it.
            strong = el.tag == "figcaption" or bool(_STRONG_CAPTION_CLASS.search(el.get("class") or ""))
            if not strong:
                text = element_text(el)
                # An article body, a summary block, or a teaser's excerpt cut with an ellipsis.
                if len(text.split()) > 80 or len(el.findall(".//p")) > 1 or re.search(r"(?:…|\.\.\.)\s*$", text):
                    continue
            if el.tag == "figcaption" and _follows_a_photo(el):
                # "<picture/><figcaption>…</figcaption>" with no <figure> around: the caption of the picture
                # right before it, even when the story's text block holds several such pairs
                yield el
                continue
            holder = _image_holder(el, compact=not strong)
            # A "caption" class with no photo nearby is usually a form label or a widget; next to
            # a logo or an avatar it is a promo or an author's bio.
            if _has_photo(holder):
                yield holder


def _follows_a_photo(el) -> bool:
    previous = el.getprevious()
    while previous is not None and (not isinstance(previous.tag, str) or previous.tag in INVISIBLE_TAGS
                                    or previous.tag == "br"):
        previous = previous.getprevious()
    return previous is not None and not element_text(previous) and (
        previous.tag in ("img", "picture", "amp-img") or _has_photo(previous)) and _has_photo(previous)


def _headline_links_same_page(picture_link, block) -> bool:
    """Does a text link near the picture (in the card around it) lead where the picture's link leads?"""
    href = (picture_link.get("href") or "").strip()
    if not holds_link_to_another_page(picture_link):
        return False
    card = block
    for _ in range(3):
        if card.getparent() is None or card.getparent().tag in ("body", "html"):
            break
        card = card.getparent()
    return any(a is not picture_link and (a.get("href") or "").strip() == href and element_text(a)
               for a in card.iter("a"))


_TEXT_BLOCK_TAGS = {"div", "p", "span", "small", "em", "i"}


def _unmarked_parts(block) -> list | None:
    """[caption element, optional credit element] of a picture block without caption markup:
    exactly an image, then one short text, then optionally a credit, and nothing else
    ("<div><picture/><div>Fans cheer</div><div>Getty Images</div></div>")."""
    if block.tag in ("figure", "body", "html", "a") or not isinstance(block.tag, str):
        return None
    # (a <br> between the picture and its text only breaks the line: "<p><img><br><em>Fans</em></p>")
    children = [c for c in block if isinstance(c.tag, str) and c.tag not in INVISIBLE_TAGS and c.tag != "br"]
    if not 2 <= len(children) <= 3:
        return None
    image, *texts = children
    if element_text(image) or not (image.tag in ("img", "picture") or _has_photo(image)):
        return None
    if any(t.tag not in _TEXT_BLOCK_TAGS or next(t.iter("img", "picture"), None) is not None for t in texts):
        return None
    caption_text = element_text(texts[0])
    if not 2 <= len(caption_text.split()) <= 60 or _mostly_link_text(texts[0], caption_text):
        return None
    if _CREDIT_LABEL.match(caption_text) or is_credit(caption_text.strip("()[] ")):
        return None  # a credit alone says nothing about the picture
    # Teaser cards (image + headline + excerpt, usually one big link), share buttons and
    # newsletter boxes have the same shape; their text has headings, links or buttons.
    if any(d.tag in ("h1", "h2", "h3", "h4", "h5", "h6", "a", "button", "ul", "input", "time")
           for t in texts for d in t.iter() if isinstance(d.tag, str)):
        return None
    # A link around the picture alone opens the picture (a lightbox, the picture's own page); a teaser
    # links its text, or a headline beside it leads to the same page.
    if any(a.tag in ("a", "button") for a in block.iterancestors()) or any(
            element_text(a) or a.find(".//img") is None or _headline_links_same_page(a, block)
            for a in block.iter("a")):
        return None
    if len(texts) == 2:
        credit_text = element_text(texts[1])
        if not (_CREDIT_LABEL.match(credit_text) or is_credit(credit_text) or
                (_AGENCY_HINT.search(credit_text) and len(credit_text.split()) <= 6)):
            return None
    if _has_ancestor(block, "figure") or any(
            _CAPTION_CLASS.search(d.get("class") or "") for d in block.iter() if isinstance(d.tag, str)):
        return None  # marked-up captions are read as such
    return texts


_NOT_A_PHOTO = re.compile(r"logo|avatar|gravatar|icon|sprite|emoji|badge|profile|author", re.I)


def _has_photo(el: lxml.etree._Element) -> bool:
    """Does `el` hold an image that is not a logo, icon or avatar?"""
    for img in el.iter("img", "picture", "amp-img"):
        if img.tag == "picture":
            inner = next(img.iter("img"), None)
            if inner is None:
                return True
            img = inner
        source = _real_source(img)
        hints = " ".join([img.get("class") or "", img.get("alt") or "", source])
        hints += " " + (img.getparent().get("class") or "" if img.getparent() is not None else "")
        if not _NOT_A_PHOTO.search(hints) and not source.lower().split("?")[0].endswith(".svg"):
            return True
    return False


def _real_source(img) -> str:
    """The file a picture shows. A lazy-loaded picture's `src` is a placeholder (a site logo, a blank
    pixel) until a script swaps in the file named in data-src or srcset."""
    for attr in ("data-src", "data-lazy-src", "data-original", "data-srcset", "srcset"):
        value = (img.get(attr) or "").strip()
        if value:
            return value.split(",")[0].strip().split(" ")[0]
    return img.get("src") or ""


def _has_ancestor(el: lxml.etree._Element, tag: str) -> bool:
    return any(a.tag == tag for a in el.iterancestors())


def _has_caption_ancestor(el: lxml.etree._Element) -> bool:
    for a in el.iterancestors():
        if isinstance(a.tag, str) and (a.tag == "figcaption" or _CAPTION_CLASS.search(a.get("class") or "")):
            return True
    return False


def _image_holder(caption_el: lxml.etree._Element, compact: bool) -> lxml.etree._Element:
    """The smallest ancestor (up to three levels) that also holds an image; else the caption itself."""
    if any(True for _ in caption_el.iter("img", "picture", "amp-img")):
        return caption_el
    node = caption_el
    for _ in range(4):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html", "article", "main"):
            break
        node = parent
        # A holder that also holds much other text is a section of the page (an article with
        # its lead photo, an author box), not one picture with its caption.
        if compact and len(element_text(node)) > len(element_text(caption_el)) + 200:
            break
        if _has_photo(node):
            return node
    return caption_el


def _story_text_ancestors(tree: lxml.html.HtmlElement) -> set:
    """Ancestors of the page's longest paragraph, which is the story's own text."""
    longest, size = None, 0
    for p in tree.iter("p"):
        n = len(element_text(p))
        if n > size:
            longest, size = p, n
    return set(longest.iterancestors()) if longest is not None and size >= 200 else set()


_ARTICLE_PART = re.compile(r"(?:article|story|entry)-", re.I)


def _in_furniture(el: lxml.etree._Element, not_furniture: set) -> bool:
    # the wrappers of a picture block set among the story's paragraphs, up to that block
    in_story_flow: set = set()
    for a in [el, *el.iterancestors()][:8]:
        in_story_flow.add(a)
        if _among_story_paragraphs(a):
            break
    else:
        in_story_flow = set()
    for a in el.iterancestors():
        if not isinstance(a.tag, str) or a.tag in ("html", "body") or a in not_furniture:
            continue
        if a.tag in ("nav", "footer"):
            return True
        words = set(_WORD_SPLIT.split(class_and_id(a)))
        # "article-widget-image" names a part of the article itself, not a widget beside it.
        words |= {w for part in list(words) if not _ARTICLE_PART.match(part) for w in part.split("-")}
        found = words & _FURNITURE_WORDS
        if found and not (found <= _LAYOUT_WORDS and a in in_story_flow):
            return True
    return False


# Furniture words that say how a block is laid out rather than what it is for: a picture set among the
# story's own paragraphs is the story's, whatever its wrapper is called ("widget", "sidebar" for a floated
# picture); a teaser among them still links elsewhere, which the link rules catch.
_LAYOUT_WORDS = {"widget", "sidebar", "teaser", "teasers"}
_STORY_PARAGRAPH = 150  # letters of unlinked text


def _among_story_paragraphs(block) -> bool:
    """Is `block` a sibling of the story's paragraphs (a paragraph of prose sits right before or after it)?"""
    for step in (lambda e: e.getprevious(), lambda e: e.getnext()):
        sibling = step(block)
        while sibling is not None and (not isinstance(sibling.tag, str) or sibling.tag in INVISIBLE_TAGS):
            sibling = step(sibling)
        if sibling is not None and sibling.tag == "p":
            text = element_text(sibling)
            linked = sum(len(element_text(x)) for x in sibling.iter("a"))
            if len(text) - linked >= _STORY_PARAGRAPH:
                return True
    return False


def _read_container(container, base_url, order, caption_elements) -> _Found | None:
    caption_el = _find_caption_element(container)
    credit_els = _find_credit_elements(container, caption_el)
    unmarked = _unmarked_parts(container) if caption_el is None else None
    if unmarked is not None:
        caption_el, credit_els = unmarked[0], unmarked[1:]
    if caption_el is None or _not_a_picture_caption(container, caption_el):
        return None
    # Widget words ("more") go first: they would hide a credit at the end of the text.
    text = _strip_caption_furniture(element_text(caption_el, skip=set(credit_els)))
    if _mostly_link_text(caption_el, text):
        return None  # a teaser: the "caption" is the headline of another story
    text = _CAPTION_LABEL.sub("", text)
    credit_parts = [_labelled_part(clean_space(element_text(c))) for c in credit_els]
    credit_parts = [c for c in (_strip_credit_label(p) for p in credit_parts) if c]
    leading = split_leading_credit(text)
    if leading is not None:  # "Bild: SN/APA/CYRIL ZINGARO Nationaler Trauertag …"
        credit_parts = credit_parts or [leading[0]]
        text = leading[1]
    if _CREDIT_LABEL.match(text):
        return None  # the "caption" is a credit ("Image credit: Agency"): nothing describes the picture
    if not credit_parts:
        text, trailing = split_trailing_credit(text)
        if trailing:
            credit_parts = [trailing]
    else:
        # Some pages print the credit both in its own element and inside the caption text.
        text, _ = split_trailing_credit(text)
    text = _collapse_repeat(_strip_caption_furniture(text))
    if not text or not re.search(r"\w", text):
        return None
    if label_not_caption(text):
        return None
    if not credit_parts:
        credit_parts = _credit_in_image_title(container, text)
    caption_elements.append(caption_el)
    caption_elements.extend(c for c in credit_els if c not in caption_elements)
    credit = " / ".join(dict.fromkeys(credit_parts)) or None
    return _Found(text, credit, _image_url(container, base_url), order.get(caption_el, 0), credit_parts,
                  caption_el)


def _labelled_part(credit: str) -> str:
    """A credit element that repeats the caption before its label ("Fans cheer / Bildrechte: dpa")
    holds the credit after the label."""
    found = split_labelled_tail(credit)
    return found[1] if found else credit


def _credit_in_image_title(container, caption: str) -> list[str]:
    """The picture's own tooltip often repeats the caption and adds the credit after a bar:
    title="Fans cheer | Getty Images/Jane Doe"."""
    for img in container.iter("img"):
        for attr in ("title", "alt"):
            value = clean_space(img.get(attr) or "")
            head, sep, tail = value.rpartition(" | ")
            if sep and head and _words(head) and _jaccard(_words(head), _words(caption)) >= 0.8:
                credit = _strip_credit_label(tail)
                if credit and len(credit.split()) <= 12:
                    return [credit]
    return []


_RASTER_TAGS = ("img", "picture", "amp-img", "source", "noscript")


def _not_a_picture_caption(container, caption_el) -> bool:
    """Caption-shaped text that does not describe a photo: a teaser card whose "caption" holds the
    headline (<h4>) of another story, with a link to it or a summary under it, or the label of a figure
    that shows only a drawn logo ("Powered by <svg>"). A heading that is the whole caption (its credit
    aside) is only how a page sets a caption in large type."""
    headings = {d for d in caption_el.iter() if isinstance(d.tag, str) and d.tag in ("h1", "h2", "h3", "h4", "h5", "h6")}
    if headings:
        besides = clean_space(element_text(caption_el, skip=headings))
        if holds_link_to_another_page(container) or (
                re.search(r"\w", besides) and not (is_credit(besides) or is_bare_credit(besides)
                                                   or (len(besides.split()) <= 6 and looks_like_agency(besides)))):
            return True
    return (container.find(".//svg") is not None
            and not any(True for _ in container.iter(*_RASTER_TAGS))
            and container.tag == "figure")


def _collapse_repeat(text: str) -> str:
    """"A B A B" -> "A B": responsive pages print the caption once per screen size in one block."""
    words = text.split()
    half = len(words) // 2
    if half >= 2 and len(words) % 2 == 0 and words[:half] == words[half:]:
        return " ".join(words[:half])
    return text


def _mostly_link_text(el, text: str) -> bool:
    if not text:
        return False
    linked = sum(len(element_text(a)) for a in el.iter("a"))
    return linked >= 0.7 * len(text)


def _find_caption_element(container):
    found = _caption_descendant(container)
    if found is not None:
        return found
    if container.tag == "figcaption" or (container.tag != "figure" and _CAPTION_CLASS.search(container.get("class") or "")):
        return container
    return None


def _caption_descendant(container):
    for el in container.iter():
        if el is container or not isinstance(el.tag, str):
            continue
        if el.tag == "figcaption":
            return el
    for el in container.iter():
        if el is container or not isinstance(el.tag, str):
            continue
        if el.get("itemprop") in ("caption", "description"):
            return el
    for el in container.iter():
        if el is container or not isinstance(el.tag, str) or el.tag in ("img", "picture", "source"):
            continue
        if _CAPTION_CLASS.search(el.get("class") or "") and not _CREDIT_CLASS.search(el.get("class") or ""):
            return el
    return None


def _find_credit_elements(container, caption_el):
    """Credit elements inside the container, outermost only."""
    out: list = []
    for el in container.iter():
        if el is container or el is caption_el or not isinstance(el.tag, str) or el.tag in ("img", "source"):
            continue
        cls = el.get("class") or ""
        prop = el.get("itemprop") or ""
        # An "author" right beside the caption text is the photo's; further away it is the story's.
        beside_caption = caption_el is not None and el.getparent() is caption_el.getparent()
        # The story's author never sits inside a picture's caption: an "author" there is the photo's.
        in_caption = caption_el is not None and _is_inside(el, caption_el)
        is_credit = (bool(_CREDIT_CLASS.search(cls)) or prop in ("creditText", "copyrightHolder", "author")
                     or (el.tag in ("cite", "small") and in_caption and _caption_says_more(caption_el, el))
                     or ((beside_caption or in_caption) and bool(_AUTHOR_CLASS.search(cls)))
                     or (caption_el is not None and _labelled_credit_beside(el, caption_el, container)))
        if caption_el is not None and _is_inside(caption_el, el):
            continue
        if is_credit and not any(_is_inside(el, o) for o in out):
            if element_text(el):
                out.append(el)
    return out


def _caption_says_more(caption_el, small_print) -> bool:
    """Small print is the credit when the caption has words besides it, or when it reads as a credit;
    a caption set wholly in <small> is the caption."""
    if re.search(r"\w", element_text(caption_el, skip={small_print})):
        return True
    text = element_text(small_print).strip()
    return is_credit(text) or is_bare_credit(text) or (len(text.split()) <= 6 and looks_like_agency(text))


def _labelled_credit_beside(el, caption_el, container) -> bool:
    """A short text in the picture's block, outside its caption, that opens with a credit label ("© VS
    Tristach", "Foto: Jane Doe, Agency"), or the <footer> of a figure: the picture's credit, whatever
    the markup calls it."""
    if _is_inside(el, caption_el) or next(el.iter("img", "picture", "figcaption"), None) is not None:
        return False
    near = set(list(caption_el.iterancestors())[:3])
    if not any(a in near for a in list(el.iterancestors())[:3]):
        return False  # far from the caption: the page's own copyright line, not the picture's
    text = element_text(el)
    if not text or len(text.split()) > 16:
        return False
    if el.tag == "footer" and container.tag == "figure":
        return True
    return bool(_LEADING_CREDIT_LABEL.match(text)) and len(text) > 3


def _is_inside(el, ancestor) -> bool:
    return any(a is ancestor for a in el.iterancestors())


def _strip_credit_label(text: str) -> str:
    text = clean_space(text)
    text = strip_leading_label(_CREDIT_LABEL.sub("", text))
    text = text.strip(" ;,.()[]|")
    if text.startswith("(") or text.endswith(")"):
        text = text.strip("()")
    # a bracket that closes one inside the credit is part of it: "Jane Doe (hr)", not "Jane Doe (hr"
    for opener, closer in ("()", "[]"):
        if text.count(opener) > text.count(closer):
            text += closer
    return clean_space(text)


def split_trailing_credit(text: str) -> tuple[str, str | None]:
    """(caption, credit) when the caption text ends with a credit such as "(Picture: PA)",
    "Photo: Jane Doe/AFP" or "(AP Photo/Jane Doe)"; else (text, None)."""
    for pattern in (_TRAILING_LABELLED, _TRAILING_SENTENCE):
        m = pattern.search(text)
        if m and m.start() > 0:
            return clean_space(text[: m.start()]), _strip_credit_label(m.group(1)) or None
    m = _TRAILING_PAREN.search(text)
    if m and (_AGENCY_HINT.search(m.group(1)) or len(m.group(1).split()) <= 8) and len(m.group(1).split()) <= 12:
        return clean_space(text[: m.start()]), _strip_credit_label(m.group(1)) or None
    found = split_credit_tail(text)  # the labels and agencies of other languages, "Name/Agency" chains
    if found is not None:
        return clean_space(found[0]), found[1]
    return text, None


def _strip_caption_furniture(text: str) -> str:
    # Widgets inside captions: "Expand", "Open gallery", counters like "1 / 12".
    text = re.sub(r"^\s*\d+\s*(?:/|of)\s*\d+\s+", "", text)
    text = re.sub(r"\s*\b(?:expand|enlarge|close|open gallery|view gallery|(?:show|read) (?:more|less)|vis mer|visa mer"
                  r"|näytä lisää|mehr anzeigen|ver más|voir plus|mostra di più|meer tonen)\s*[>›»→]*\s*$",
                  "", text, flags=re.I)
    # A bare "more" is a widget only after the caption's last sentence ("... (AP Photo) more >"),
    # not in "... or more".
    text = re.sub(r"(?<=[.!?)\]”\"’])\s*(?:more|less)\s*[>›»→]*\s*$", "", text, flags=re.I)
    # Separators that stood between the caption and a credit element that was taken out.
    return clean_space(text).rstrip(" /|–—-·•").strip()


def _image_url(container, base_url: str | None) -> str | None:
    images = [container] if container.tag == "img" else container.iter("img", "amp-img", "source")
    for img in images:
        for attr in ("src", "data-src", "data-lazy-src", "data-original", "data-srcset", "srcset"):
            value = img.get(attr)
            if not value:
                continue
            if "srcset" in attr or "srcset" in (img.get(attr.replace("src", "srcset")) or ""):
                value = value.split(",")[0].strip().split(" ")[0]
            url = absolute_url(value, base_url)
            if url and not url.lower().endswith((".svg", ".gif")) or url and "pixel" not in url:
                return url
    meta_img = next((m for m in container.iter("meta") if m.get("itemprop") in ("url", "contentUrl")), None)
    if meta_img is not None:
        return absolute_url(meta_img.get("content"), base_url)
    return None


def _url_key(url: str | None) -> str | None:
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    return parts.path.rsplit("/", 1)[-1].lower() or None


def _from_json_ld(tree, base_url: str | None, found: list[_Found]) -> list[_Found]:
    """Use JSON-LD ImageObjects: credits for captions already found (matched by image file or by
    caption words), and captions the page body does not show (placed first, as lead images)."""
    extra: list[_Found] = []
    og_image = _url_key(absolute_url(meta_content(tree, "og:image"), base_url))
    objects = json_ld_objects(tree)
    portraits = _logo_and_portrait_ids(objects)
    # CMSs fill an image's description with the article's summary: that describes no picture
    summaries = {clean_space(meta_content(tree, k) or "") for k in ("description", "og:description")}
    summaries |= {clean_space(o["description"]) for o in objects
                  if isinstance(o.get("description"), str) and "ImageObject" not in ld_types(o)}
    for obj in objects:
        if "ImageObject" not in ld_types(obj) or id(obj) in portraits:
            continue
        # Only `caption`: an ImageObject's `description` is mostly the image's alt text.
        caption = obj.get("caption")
        caption = clean_space(caption if isinstance(caption, str) else " ".join(ld_names(caption)))
        description = obj.get("description") if isinstance(obj.get("description"), str) else ""
        if clean_space(description) in summaries:
            description = ""
        credit_parts = (ld_names(obj.get("creditText")) or ld_names(obj.get("copyrightHolder"))
                        or ld_names(obj.get("author")))
        credit_parts = [c for c in (_strip_credit_label(p) for p in credit_parts) if c]
        raw_url = obj.get("url") or obj.get("contentUrl")
        url = absolute_url(raw_url if isinstance(raw_url, str) else None, base_url)
        if caption and _CREDIT_LABEL.match(caption):
            # "Image credit: Agency" in the caption field is a credit, not a caption.
            credit_parts = credit_parts or [c for c in [_strip_credit_label(caption)] if c]
            caption = ""
        if caption and _names_the_file(caption, url):
            caption = ""  # CMSs default an image's caption to its file name
        caption, trailing = split_trailing_credit(caption) if caption else (caption, None)
        if trailing and not credit_parts:
            credit_parts = [trailing]
        # A description is often the alt text, so it only names which caption seen in the page the
        # object's credit belongs to; it never becomes a caption itself.
        match = _match(found + extra, caption or clean_space(description), _url_key(url))
        if match is not None:
            if not match.credit and credit_parts:
                match.credit = " / ".join(credit_parts)
                match.credit_parts = credit_parts
            if not match.image_url and url:
                match.image_url = url
            continue
        if caption and re.search(r"\w", caption) and not label_not_caption(caption):
            lead = og_image is not None and _url_key(url) == og_image
            extra.append(_Found(caption, " / ".join(credit_parts) or None, url, -1 if lead else 10**9, credit_parts))
    return extra


def _names_the_file(caption: str, url: str | None) -> bool:
    """Is the caption only the image's file name in words ("Jane-Doe.jpg" -> "Jane Doe")?"""
    name = (_url_key(url) or "").rsplit(".", 1)[0]
    file_words = re.findall(r"[^\W\d_]+", name.lower())
    return bool(file_words) and re.findall(r"[^\W\d_]+", caption.lower()) == file_words


def _logo_and_portrait_ids(objects: list[dict]) -> set[int]:
    """ids of JSON-LD image objects that are logos or pictures of people/organisations, not
    pictures in the article."""
    out: set[int] = set()
    for obj in objects:
        owner_is_party = bool(ld_types(obj) & {"Person", "Organization", "NewsMediaOrganization", "Corporation",
                                                "WebSite", "Brand"})
        for key, value in obj.items():
            if key == "logo" or (owner_is_party and key == "image"):
                for v in value if isinstance(value, list) else [value]:
                    if isinstance(v, dict):
                        out.add(id(v))
    return out


def _match(found: list[_Found], caption: str, url_key: str | None) -> _Found | None:
    for f in found:
        if url_key and _url_key(f.image_url) == url_key:
            return f
    if caption:
        words = _words(caption)
        for f in found:
            if _jaccard(words, _words(f.caption)) >= 0.6:
                return f
    return None


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _dedupe(found: list[_Found]) -> list[Caption]:
    """One caption per picture the page shows. JSON-LD copies and the same element reached twice
    (nested figures) merge into one; separate elements with the same text stay separate, since a
    page that shows a picture twice (a gallery and its full-screen view, a repeated figure) has
    two images on it."""
    out: list[Caption] = []
    kept: list[tuple[set[str], Caption, _Found]] = []
    for f in found:
        words = _words(f.caption)
        dup = next((c for w, c, g in kept if _jaccard(words, w) >= 0.8 and not _separate_elements(f, g)), None)
        if dup is not None:
            if not dup.credit and f.credit:
                dup.credit = f.credit
                dup.photographer, dup.agency = _split(f.credit_parts)
            if not dup.image_url:
                dup.image_url = f.image_url
            continue
        photographer, agency = _split(f.credit_parts)
        cap = Caption(caption=f.caption, credit=f.credit, photographer=photographer, agency=agency,
                      image_url=f.image_url)
        kept.append((words, cap, f))
        out.append(cap)
    return out


def _separate_elements(a: _Found, b: _Found) -> bool:
    if a.element is None or b.element is None or a.element is b.element:
        return False
    return not (_is_inside(a.element, b.element) or _is_inside(b.element, a.element))


def _split(parts: list[str]) -> tuple[str | None, str | None]:
    """Photographer and agency: two separate credit elements are (person, distributor) as the page
    laid them out; a single credit goes through the shared credit splitter."""
    if len(parts) == 2:
        p, a = split_credit(parts[0])
        if a and not p and not _AGENCY_HINT.search(parts[0]):
            return parts[0], parts[1]
    if not parts:
        return None, None
    try:
        return split_credit(" / ".join(parts))
    except Exception:  # the splitter belongs to another stage; a bad split must not lose the caption
        return None, None
