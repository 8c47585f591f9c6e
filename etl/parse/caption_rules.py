"""What is not a picture's caption, whatever the markup calls it; rules a reader of any news site states.

- A teaser is never a caption: an image with a title that sits inside a link to another page is a card
  pointing to another story (recirculation lists, "more from", sliders), not a picture of this one.
- A figure that shows no picture (a pull quote with its attribution, a chart drawn in text) has no caption.
- Labels are never captions: "Advertisement"/"Anzeige"/"Publicidad", "Share", "Loading", "Video", a bare
  date, a one-word tag, a byline ("Von Jane Doe, Redakteurin"), or a credit on its own ("Quelle: dpa")."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from etl.parse.credit_marks import CJK, is_agency, is_bare_credit

_MEDIA_TAGS = ("img", "picture", "amp-img", "video", "iframe", "source", "noscript", "object", "embed", "canvas",
               "amp-video", "amp-iframe", "svg")
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|bmp|tiff?)(?:[?#].*)?$", re.I)


def links_to_another_page(link) -> bool:
    """Does this <a> lead to another page? A link to the picture itself (a lightbox, the full-size file)
    or to a place on this page does not."""
    href = (link.get("href") or "").strip()
    return bool(href) and not href.startswith(("#", "javascript:")) and not _IMAGE_FILE.search(urlsplit(href).path or "")


def inside_teaser_link(container) -> bool:
    """Is the picture block inside (or itself) a link to another page?"""
    return any(isinstance(el.tag, str) and el.tag == "a" and links_to_another_page(el)
               for el in [container, *container.iterancestors()])


def holds_link_to_another_page(el) -> bool:
    return any(links_to_another_page(a) for a in el.iter("a"))


def figure_without_picture(container) -> bool:
    """A <figure> holding no picture of any kind: a pull quote and its speaker, a text box."""
    if container.tag != "figure":
        return False
    if any(True for _ in container.iter(*_MEDIA_TAGS)):
        return False
    # lazy-loaded pictures: a placeholder element carrying the file in an attribute or a style
    return not any(isinstance(el.tag, str) and (el.get("data-src") or el.get("data-srcset") or el.get("data-bg")
                                                or "background-image" in (el.get("style") or ""))
                   for el in container.iter())


# Labels that furniture prints where a caption could be (lower-cased, in the languages of the dev and
# held-out sets and their neighbours).
_LABELS = {
    "advertisement", "advert", "ad", "sponsored", "sponsored content", "anzeige", "werbung", "gesponsert",
    "publicidad", "publicidade", "publicité", "pubblicità", "reklama", "reklame", "annonse", "annons", "mainos",
    "advertentie", "hirdetés", "reklam", "реклама", "광고", "広告", "广告", "share", "share this", "teilen",
    "artikel teilen", "compartir", "partager", "condividi", "delen", "del", "dela", "loading", "cargando",
    "chargement", "wird geladen", "lädt", "video", "audio", "podcast", "mit video", "con vídeo", "caption",
    "bildunterschrift", "legende", "leyenda", "légende", "foto", "photo", "image", "bild", "galerie", "gallery",
    "cargando siguiente contenido", "loading next article", "read more", "mehr lesen", "leer más", "lire plus",
}
_LABEL_PREFIX = re.compile(r"^\s*(?:advertisement|anzeige|werbung|publicidad|publicité|pubblicità|reklama|reklame"
                           r"|annonse|annons|sponsored|audio|podcast|livestream)\s*[:|–—-]", re.I)
_BY = r"(?:by|von|por|par|door|av|af|przez|від|от)"
_NAME = r"[A-ZÀ-ÞА-Я][\w'’.-]+"
_BYLINE = re.compile(rf"^\s*(?:[\w-]+\s+){{0,2}}?{_BY}\s+{_NAME}(?:\s+{_NAME}){{0,3}}\s*(?:[,|·•]|$|\d|\b(?:und|and|y|et|e|og|och)\b)",
                     re.I | re.U)
_DATE_OR_NUMBER = re.compile(r"\b\d{1,4}(?:[./:-]\d{1,4}){0,2}\b|\b(?:uhr|h|am|pm|utc|cet|cest)\b", re.I)
_CREDIT_ONLY = re.compile(
    r"^\s*[(\[]?\s*(?:©|\(c\)|(?:foto|fotos|photo|photos|bild|bildquelle|quelle|source|sources|imagen|fuente|crédit"
    r"|crédito|credit|credits|kuva|fotoğraf|фото|коллаж|источник|ảnh|사진|写真|picture|image|grafik|infografik"
    r"|montage|collage|illustration)\s*[:：=©])", re.I)


def label_not_caption(text: str) -> str | None:
    """Why `text` is a label rather than a caption, or None when it may describe a picture."""
    t = text.strip()
    low = re.sub(r"[\s.:!…>›»→]+$", "", t.lower()).strip()
    if low in _LABELS or _LABEL_PREFIX.match(t):
        return "label"
    words = re.findall(r"[^\W\d_]+", t)
    if len(words) < 2 and (len(t) < 8 or not CJK.search(t)):
        return "too short"  # a tag or a name alone ("Demografie", "Lego"); CJK captions have no spaces
    if not _DATE_OR_NUMBER.sub(" ", t).strip(" ,.;:/|-–—()[]") or len(re.findall(r"[^\W\d_]{2,}", _DATE_OR_NUMBER.sub(" ", t))) == 0:
        return "date"
    if len(t.split()) <= 14 and _BYLINE.match(t) and not re.search(r"[.!?]\s*$", t):
        return "byline"
    if len(t.split()) <= 12 and (_CREDIT_ONLY.match(t) or is_agency(t) or is_bare_credit(t)):
        return "credit"
    return None
