"""Which quoted stretches are quotations: nicknames, scare quotes and titles are left out.

Writers also put quote marks around nicknames (a short quote between two capitalised words,
"Dwayne “The Rock” Johnson", or inside a person's name), scare quotes ("so-called “…”") and titles
(a short Title-Case phrase, "“Born in the USA”"); these are never kept, cue or not. Any other
stretch with a cue is kept whatever its length (a short one is a partial quote). One with no cue
and nothing to inherit is kept only when it is sentence-like (MIN_BARE_WORDS words or more) or a
phrase of MIN_CLAUSE_WORDS words or more in a clause whose subject is a named source ("Clinton
supports “appropriate pay raises”"): a shorter or sourceless one is most likely a scare quote.
"""
from __future__ import annotations

import re

from etl.nlp.quotes.article import _WORDS, _Article, _Attribution
from etl.nlp.quotes.governor import _clause_source
from etl.nlp.quotes.marks import QuoteSpan

MIN_BARE_WORDS = 8  # a quote with no cue and nothing to inherit must be at least this long
_MAX_TITLE_WORDS = 6
_SMALL_WORDS = {"a", "an", "the", "of", "in", "on", "and", "or", "for", "to", "at", "by", "with", "from", "is"}


def _is_quotation(art: _Article, span: QuoteSpan, att: _Attribution | None) -> bool:
    text = art.body[span.start:span.end]
    words = _WORDS.findall(text)
    if not words:
        return False
    if _is_nickname(art, span, words) or _is_so_called(art, span):
        return False
    if _looks_like_title(text, words):
        return False
    if att is not None:
        return True
    return len(words) >= MIN_BARE_WORDS


MIN_CLAUSE_WORDS = 3  # a shorter quote with no cue stays a scare quote, whoever the clause is about


def _is_clause_quotation(art: _Article, span: QuoteSpan, att: _Attribution | None) -> bool:
    """A phrase of a few words with no cue, quoted inside a clause whose subject is a named source
    ("Rubio bemoaned a climate in which people “literally hate each other”", "Clinton supports
    “appropriate pay raises”"): writers quote a source's own words this way, so it is kept,
    attributed to that subject. Titles, nicknames and "so-called" phrases stay out."""
    if att is not None:
        return False
    text = art.body[span.start:span.end]
    words = _WORDS.findall(text)
    if not MIN_CLAUSE_WORDS <= len(words) < MIN_BARE_WORDS:
        return False
    if _is_nickname(art, span, words) or _is_so_called(art, span) or _looks_like_title(text, words):
        return False
    source = _clause_source(art, span)
    # a named source: an entity, or a name the tagger left out of its entities ("Braynard, who
    # writes fiction, likes a contest “where the loser cooks dinner”")
    return source is not None and (source.speaker_entity_key is not None
                                   or (source.subject is not None and source.subject.tag_ == "NNP"))


def _looks_like_title(text: str, words: list[str]) -> bool:
    if len(words) > _MAX_TITLE_WORDS or text.rstrip(" ,.")[-1:] in "!?":
        return False
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    return bool(content) and all(w[0].isupper() or w[0].isdigit() for w in content) and len(content) >= 2


def _is_nickname(art: _Article, span: QuoteSpan, words: list[str]) -> bool:
    if len(words) > 3:
        return False
    for m in art.mentions_in(span.open_mark, span.outer_end):
        if m.label == "PERSON" and m.char_start < span.open_mark and m.char_end > span.outer_end - 1:
            return True
    before = art.body[max(span.paragraph_start, span.open_mark - 30):span.open_mark].split()
    after = art.body[span.outer_end:min(span.paragraph_end, span.outer_end + 30)].split()
    return bool(before and after and before[-1][:1].isupper() and after[0][:1].isupper()
                and before[-1][-1:].isalpha() and after[0][:1].isalpha())


def _is_so_called(art: _Article, span: QuoteSpan) -> bool:
    lead = art.body[max(span.paragraph_start, span.open_mark - 12):span.open_mark].lower()
    return bool(re.search(r"so[- ]called\s*$", lead))
