"""Text dumps that hold no article: the rules of etl.parse.page_kind read off the lines of a page
rendered to text, where links are not marked. A line that reads as a link or a menu item (a few
words, no sentence) stands in for the text of a link; a paragraph of prose is the page's own text.

- navigation: what the body reader kept is mostly such short lines, with little prose;
- a front, section or tag page: five or more headlines among the kept lines, never three
  paragraphs in a row, and little prose of its own;
- search results, error pages, sign-in forms and subscription walls: the page says what it is
  (in its first lines, a password field, calls to subscribe) and has little text besides."""
from __future__ import annotations

import re

from etl.parse.page_kind import MIN_OWN_LETTERS, interstitial, letters, list_page, search_page, wall_letters
from etl.parse.text_lines import Line

# The words of a story's headline: an item of a menu is shorter, a summary is a sentence.
_HEADLINE_WORDS = (5, 25)
_PARAGRAPH_WORDS = 12
_SUMMARY_WORDS = 45
_LABEL_WORDS = 3
_LINK_WORDS = 6
_STATUS_WORDS = 8
_MENU_LINES = 10  # a menu has many items; a test page of two or three short lines is a page's text
_ARTICLE_RUN = 3  # paragraphs in a row: an article's shape, which a list of teasers never has
_HEADER_LINES = 12  # where a page says what it is ("404 - Page not found", "Search results for ...")
_PASSWORD = re.compile(r"^(?:password|passwort|contraseña|mot de passe|password dimenticata|wachtwoord|lösenord|"
                       r"passord|şifre|пароль|パスワード|비밀번호)\s*:?\*?$|\bforgot(?:ten)? (?:your )?password\b|"
                       r"\bpasswort vergessen\b", re.I)
_FIGURE = re.compile(r"(?<!\w)\d[\d.,:/-]*")  # a number, score, time or date
# a measured value: a decimal, a time, a score, a number with thousands ("12.71", "4:08.22", "0-0", "29,500")
_MEASURE = re.compile(r"(?<![\w.,:-])\d+[.,:-]\d+")
_DATA_FIGURES = 2
_LAST_FIGURE = re.compile(r"(?<![\w.,:-])\d+\W*$")  # a row's value at its end ("Ijaz Ahmed b Croft 79")
_ROW_WORDS = 4  # ... after a row's words: "Section 12" is a menu's numbering
_YEAR = re.compile(r"(?:19|20)\d\d\W*$")  # a headline may end on a year ("The best phones of 2024")
_LIST_COMMAS = 3
_SENTENCE_END = re.compile(r"[.!?…:;。！？][\"'”’)\]」』）]*$")


def _paragraph(line: Line) -> bool:
    return line.kind == "prose" and not line.bullet and line.words >= _PARAGRAPH_WORDS


def _data_row(line: Line) -> bool:
    """A line carrying figures (a result, a standing, a row of a table: "Chicago 4 HOUSTON 3",
    "Jane Roe ( Kenya ) 4:08.22", "Attendance : 29,500"): the page's own data, which a menu item or a teaser's
    headline is not, though it is as short."""
    text = line.text
    return (len(_FIGURE.findall(text)) >= _DATA_FIGURES or bool(_MEASURE.search(text))
            or bool(line.words >= _ROW_WORDS and _LAST_FIGURE.search(text) and not _YEAR.search(text)))


def _enumeration(line: Line) -> bool:
    """A list of names run over lines ("Jane Roe , John Doe , Ann Lee ,"): many commas, or one
    that ends the line. A headline is one phrase."""
    text = line.text.rstrip()
    return text.endswith(",") or text.count(",") >= _LIST_COMMAS


def _link_like(line: Line) -> bool:
    """A line the size of a link's or a menu item's text: a few words, not a sentence, no figures."""
    return line.words <= _LINK_WORDS and not _SENTENCE_END.search(line.text) and not _data_row(line)


def _headline(line: Line) -> bool:
    """A story's headline: a capitalised phrase of several words, not a sentence. (A line broken
    mid-sentence starts in lower case; scripts without capitals give no such sign and count as none.)"""
    return (_HEADLINE_WORDS[0] <= line.words <= _HEADLINE_WORDS[1] and not line.bullet
            and not _SENTENCE_END.search(line.text) and not _data_row(line) and not _enumeration(line)
            and line.text[:1].isupper()
            and line.kind not in ("furniture", "caption", "credit", "meta_date", "byline"))


def _longest_paragraph_run(body: list[Line]) -> int:
    """Paragraphs in a row, over the captions, credits and one- to three-word labels between them."""
    best = run = 0
    for line in body:
        if _paragraph(line):
            run += 1
        elif line.words > _LABEL_WORDS and line.kind not in ("caption", "credit"):
            run = 0
        best = max(best, run)
    return best


def text_not_an_article(lines: list[Line], body: list[Line]) -> str | None:
    """Why a text dump holds no article, or None when it may hold one. `body` is the lines the body
    reader kept, `lines` the whole page."""
    kept = sum(letters(line.text) for line in body)
    own = kept - sum(letters(line.text) for line in body if _link_like(line))
    # (what a page says it is sits in a short heading: "404 - Page not found", "Sign in"; a headline
    # about an error is a longer sentence)
    header = " | ".join(line.text for line in lines[:_HEADER_LINES] if line.words <= _STATUS_WORDS)
    has_password = any(_PASSWORD.search(line.text) for line in lines if line.words <= 6)
    walled = [line for line in lines if line.words <= 45 and wall_letters(line.text)]
    wall_in_body = sum(wall_letters(line.text) for line in body if line in walled)
    reason = interstitial(header, own, has_password, bool(walled), own - wall_in_body)
    if reason or not body:
        return reason
    headlines = sum(1 for line in body if _headline(line))
    if search_page(header, headlines):
        return "the page is a list of search results"
    if _longest_paragraph_run(body) < _ARTICLE_RUN:
        # (in a text dump a teaser's summary is prose like the story's: one short paragraph under
        # each headline is a list of teasers too)
        paragraphs = [line for line in body if _paragraph(line)]
        if len(paragraphs) <= headlines and all(line.words <= _SUMMARY_WORDS for line in paragraphs):
            own -= sum(letters(line.text) for line in paragraphs)
        reason = list_page(headlines, own)
        if reason:
            return reason
    short_lines = sum(1 for line in body if _link_like(line))
    if short_lines >= _MENU_LINES and kept - own >= 0.5 * kept and own < MIN_OWN_LETTERS:
        return (f"the page's text is short lines, not paragraphs ({kept - own} of {kept} letters): "
                "navigation or a list of pages")
    return None
