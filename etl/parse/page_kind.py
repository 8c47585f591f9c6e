"""Pages that hold no article: section fronts, tag and search pages, pages of navigation only, login and
paywall interstitials, error pages. Decided by what the page shows, never by its address:

- the text the body reader found is mostly the text of links (a menu, a list of other stories);
- the page is a list of linked headlines (five or more) with little prose of its own;
- the page says it is an error, a sign-in or a subscription wall, and has little text besides.

A page judged so becomes a `no_article` reject with the reason in its detail; a short article (a news
brief, a test page of one paragraph) is an article."""
from __future__ import annotations

import re

import lxml.html

from etl.parse.html_dom import INVISIBLE_TAGS, clean_space, element_text, json_ld_objects, ld_types, meta_content


class NotAnArticle(ValueError):
    """The page is readable but holds no article; the message says what it is instead."""


# Letters of prose that does not sit in a link; below this a page with a link-heavy body is not a story.
# Counted in letters, not words: Chinese and Japanese write no spaces between words.
_MIN_OWN = 250
MIN_OWN_LETTERS = _MIN_OWN
_LIST_HEADLINES = 5
_ERROR_TITLE = re.compile(
    r"(?<![\w.,])(?:404|410|500)(?![.,]?\w)|\b(?:page not found|not found|seite nicht gefunden|nicht gefunden|página no encontrada|"
    r"page introuvable|pagina non trovata|pagina niet gevonden|sidan hittades inte|siden finnes ikke|"
    r"sayfa bulunamadı|страница не найдена|ページが見つかりません|페이지를 찾을 수 없습니다|error \d{3})\b", re.I)
_LOGIN_TITLE = re.compile(r"\b(?:sign in|log ?in|anmelden|einloggen|iniciar sesión|connexion|se connecter|accedi|"
                          r"inloggen|logga in|logg inn|giriş yap|войти|ログイン|로그인)\b", re.I)
_WALL = re.compile(r"\b(?:subscribe|subscription|subscriber|abonnieren|abonnement|abo\b|suscr[ií]b|suscripci[oó]n|"
                   r"abonn|abbonati|abbonamento|prenumer|abonner|abone ol|подпис|購読|구독)", re.I)
_SEARCH_TITLE = re.compile(r"\b(?:search results?|results for|suchergebnisse|resultados de búsqueda|"
                           r"résultats de recherche|risultati della ricerca|zoekresultaten|sökresultat)\b", re.I)


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", (text or "").lower()))


def letters(text: str) -> int:
    """Size of a text in letters (digits and letters; spaces and punctuation do not count)."""
    return len(re.findall(r"\w", text or ""))


_words = letters


def _linked_texts(tree: lxml.html.HtmlElement) -> set[str]:
    """Normalised texts of links, and of blocks (list items, menus, cards) whose text is mostly links.
    Text and link lengths are summed bottom-up in one pass, so a large page costs one walk."""
    sizes: dict = {}  # element -> (letters of text, letters inside links)
    for el in reversed(list(tree.iter())):
        if not isinstance(el.tag, str) or el.tag in INVISIBLE_TAGS:
            continue
        total = _words(el.text)
        linked = 0
        for child in el:
            t, l = sizes.get(child, (0, 0))
            total += t + _words(child.tail)
            linked += l
        if el.tag == "a":
            linked = total
        sizes[el] = (total, linked)
    out: set[str] = set()
    for el, (total, linked) in sizes.items():
        if total and linked >= 0.8 * total and (el.tag == "a" or el.tag in _BLOCKS):
            out.add(_norm(element_text(el)))
    return out


_BLOCKS = {"li", "ul", "ol", "nav", "div", "p", "td", "tr", "table", "section", "span", "h2", "h3", "h4", "header",
           "footer", "aside", "menu", "dl", "dd", "dt"}


def _linked_words(body: str, linked: set[str]) -> int:
    """Words of body paragraphs that repeat the text of a link or of a block of links."""
    n = 0
    for para in re.split(r"\n\s*\n|\n", body):
        key = _norm(para)
        if key and (key in linked or _covered_by_links(key, linked)):
            n += _words(para)
    return n


def _covered_by_links(key: str, linked: set[str]) -> bool:
    """A paragraph made of several link texts in a row ("Home World Sport …" joined by the extractor)."""
    words = key.split()
    if len(words) < 4:
        return False
    i, hits = 0, 0
    while i < len(words):
        for j in range(min(len(words), i + 12), i, -1):
            if " ".join(words[i:j]) in linked:
                hits += j - i
                i = j
                break
        else:
            i += 1
    return hits >= 0.8 * len(words)


def _linked_headlines(tree: lxml.html.HtmlElement) -> int:
    """Headings that are links to other pages (the shape of a front page, a tag page, search results)."""
    n = 0
    for h in tree.iter("h2", "h3", "h4"):
        text = element_text(h)
        if not text or len(text.split()) < 3 and _words(text) < 12:
            continue
        a = h if h.tag == "a" else next(h.iter("a"), None)
        if a is None:
            a = next((p for p in h.iterancestors() if p.tag == "a"), None)
        if a is not None and not (a.get("href") or "").startswith("#") and len(element_text(a)) >= 0.8 * len(text):
            n += 1
    return n


def _page_title(tree: lxml.html.HtmlElement) -> str:
    titles = [clean_space(t.text_content()) for t in tree.iter("title")]
    titles += [element_text(h) for h in tree.iter("h1")]
    return " | ".join(t for t in titles if t)


_ARTICLE_TYPES = {"Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
                  "BlogPosting", "LiveBlogPosting", "Report", "ScholarlyArticle", "TechArticle", "BackgroundNewsArticle"}


def _declares_article(tree: lxml.html.HtmlElement) -> bool:
    """Does the page call itself an article (og:type, JSON-LD @type, an <article> holding the <h1>)? A
    short story under a long list of other stories is still a story."""
    if (meta_content(tree, "og:type") or "").lower() == "article":
        return True
    # the markup's own article structure: an <article> that holds the page's headline
    if any(True for a in tree.iter("article") for _ in a.iter("h1")):
        return True
    return any(ld_types(o) & _ARTICLE_TYPES for o in json_ld_objects(tree))


def not_an_article(tree: lxml.html.HtmlElement, body: str) -> str | None:
    """Why the page holds no article, or None when it may hold one. `body` is what the body reader
    found on the page."""
    words = _words(body)
    linked = _linked_words(body, _linked_texts(tree)) if body else 0
    own = words - linked
    title = _page_title(tree)
    if words and linked >= 0.5 * words and own < _MIN_OWN:
        return f"the page's text is the text of its links ({linked} of {words} letters): navigation or a list of pages"
    headlines = _linked_headlines(tree)
    if not _declares_article(tree):
        reason = list_page(headlines, own, "linked headlines")
        if reason:
            return reason
    if search_page(title, headlines):
        return "the page is a list of search results"
    has_password = any((i.get("type") or "").lower() == "password" for i in tree.iter("input"))
    wall = wall_letters(body)
    return interstitial(title, own, has_password, bool(wall), own - wall)


def list_page(headlines: int, own: int, what: str = "headlines") -> str | None:
    """A front, section or tag page: five or more headlines of other stories, and little prose of
    its own (less than a few paragraphs, and less than a summary's worth per headline)."""
    if headlines >= _LIST_HEADLINES and own < 3 * _MIN_OWN and own < 60 * headlines:
        return f"the page lists {headlines} {what} with {own} letters of its own: a front, section or tag page"
    return None


def search_page(title: str, headlines: int) -> bool:
    return bool(_SEARCH_TITLE.search(title)) and headlines >= 2


def wall_letters(text: str) -> int:
    """Letters of the sentences that ask the reader to subscribe."""
    return sum(_words(s) for s in re.split(r"(?<=[.!?])\s+|\n", text) if _WALL.search(s))


def interstitial(title: str, own: int, has_password: bool, walled: bool, own_besides_wall: int) -> str | None:
    """An error page, a sign-in form or a subscription wall: the page says what it is (its title, a
    password field, a call to subscribe) and has little text of its own besides."""
    if own >= 3 * _MIN_OWN:
        return None
    if _ERROR_TITLE.search(title):
        return "the page is an error page"
    if has_password and (own < _MIN_OWN or _LOGIN_TITLE.search(title)):
        return "the page is a sign-in form"
    if walled and own_besides_wall < _MIN_OWN // 2:
        return "the page is a subscription wall"
    return None
