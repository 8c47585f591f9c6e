"""Turning the model's entity spans into clean mention spans.

Works on spaCy token boundaries first (so offsets stay exact) and then on characters for what the
tokenizer left attached (a possessive or a quote glued to a name). Nothing here depends on which
spaCy model produced the Doc beyond `doc.ents` and token text."""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from etl.nlp.entity_lexicon import PERSON_HONORIFICS, SURNAME_TITLES, TITLE_JOINERS, is_title_word

KEEP_LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART",
                         "LAW", "LANGUAGE"})

_DETERMINERS = frozenset({"the", "a", "an"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
_LEADING_JUNK = "\"'“”‘’«»([{-–—*•·|/\\,;:"
_TRAILING_JUNK = "\"'“”‘’«»)]}-–—*•·|/\\,;:!?"
# Abbreviations whose final dot belongs to the name ("Acme Inc.", "Martin Luther King Jr.").
_DOTTED_ABBREVIATIONS = frozenset({"inc", "corp", "co", "ltd", "jr", "sr", "st", "bros", "mt", "ft", "dr"})
_URLISH = re.compile(r"(://|www\.|@|\.(com|org|net|gov|edu|co\.uk)\b)", re.I)
_GLUED_AFTER_QUOTE = re.compile(r"\w[,.!?]?[”\"](?=[A-Z])")
_POSSESSIVE_TAIL = re.compile(r"(?<=\w)['’]s?$")


@dataclass
class Span:
    """A mention candidate inside one segment; `start`/`end` index the segment's text."""

    seg_no: int
    start: int
    end: int
    text: str
    label: str | None  # the model's label after cleaning; None when found by the second pass
    title: str | None = None
    caps: bool = False  # found in an all-capitals segment, where the model's labels are unreliable
    words: tuple[str, ...] = field(default_factory=tuple)
    after_place_preposition: bool = False  # "in Washington": read as the place, not a surname
    # For a qualifier written after a place ("D.C." in "Washington, D.C."): that place's span.
    qualifies: "Span | None" = field(default=None, repr=False, compare=False)

    @property
    def order(self) -> tuple[int, int]:
        return (self.seg_no, self.start)


PLACE_PREPOSITIONS = frozenset({"in", "to", "from", "at", "near", "into", "across", "outside", "inside",
                                "toward", "towards", "via", "around", "throughout"})


def follows_place_preposition(text: str, start: int) -> bool:
    before = text[:start].split()
    return bool(before) and before[-1].lower() in PLACE_PREPOSITIONS


def is_caps_text(text: str) -> bool:
    """Headline-style text where (nearly) every letter is a capital."""
    # Called for every paragraph twice; map() over str methods keeps the loop in C.
    letters = sum(map(str.isalpha, text))
    if letters < 4:
        return False
    return sum(map(str.isupper, text)) / letters >= 0.9


@functools.lru_cache(maxsize=65536)
def words_of(text: str) -> tuple[str, ...]:
    """Comparison form of a name: accents, dots and apostrophes dropped, hyphens split, case-folded."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[.'’`]", "", text)
    text = re.sub(r"[\-‐–—/&,]+", " ", text)
    return tuple(w for w in text.casefold().split() if w)


def _title_word(token) -> bool:
    return is_title_word(token.text)


def _capitalised(token) -> bool:
    return token.text[:1].isupper()


def _strip_titles(doc, i: int, j: int, label: str) -> tuple[int, str | None, str]:
    """Drop titles/roles at the start of [i, j). Returns the new start, the title text and the label."""
    if j - i < 2:
        return i, None, label
    if label == "PERSON":
        # The last title word that is followed only by capitalised non-title words, with only
        # titles, joiners and capitalised modifiers ("U.S.", "Kremlin") before it.
        cut = None
        for t in range(j - 2, i - 1, -1):
            if not _title_word(doc[t]):
                continue
            rest = doc[t + 1:j]
            if all(_capitalised(tok) and not _title_word(tok) for tok in rest):
                head = doc[i:t]
                if all(_title_word(tok) or tok.lower_ in TITLE_JOINERS or _capitalised(tok) for tok in head):
                    cut = t
            break
        if cut is None:
            return i, None, label
        first = cut
        while first - 1 >= i and (_title_word(doc[first - 1]) or doc[first - 1].lower_ in TITLE_JOINERS):
            first -= 1
        while first < cut and doc[first].lower_ in TITLE_JOINERS:
            first += 1
        return cut + 1, doc[first:cut + 1].text, label
    # Other labels: only an unmistakable personal honorific followed by a short capitalised name.
    first = doc[i].text.lower().strip(".")
    rest = doc[i + 1:j]
    if first in PERSON_HONORIFICS and 1 <= len(rest) <= 3 and all(_capitalised(t) and t.is_alpha for t in rest):
        return i + 1, doc[i].text, "PERSON"
    return i, None, label


_NUMBER = re.compile(r"^[\d.,:/\-–]+$")
# Labels whose names never contain a bare number: a number inside such a span is the model
# running a name into a score, a count or a date ("Durham 114", "Irvine, Calif. 1996-08-30").
_NUMBERLESS_LABELS = frozenset({"PERSON", "GPE", "LOC", "NORP"})


def _is_number(token) -> bool:
    return bool(_NUMBER.match(token.text)) and any(ch.isdigit() for ch in token.text)


def _drop_numbers(doc, i: int, j: int, label: str) -> tuple[int, int]:
    if label in _NUMBERLESS_LABELS:
        while i < j and (_is_number(doc[i]) or doc[i].is_punct):
            i += 1
        for k in range(i, j):
            if _is_number(doc[k]):
                j = k
                break
    elif label == "ORG":
        while i < j and (_is_number(doc[i]) or doc[i].is_punct):  # a rank or count before the name
            i += 1
        # Organisation names may end in a number ("Channel 4"); scores and tables add long or
        # repeated numbers ("Leicestershire 296", "Kent 108 3").
        tail = j
        while tail > i and _is_number(doc[tail - 1]):
            tail -= 1
        if tail > i and (j - tail > 1 or (j - tail == 1 and len(doc[j - 1].text) >= 3)):
            j = tail
    while j > i and (doc[j - 1].is_punct or doc[j - 1].is_space) and doc[j - 1].text != ".":
        j -= 1
    return i, j


def preceding_title(doc, i: int) -> str | None:
    """Title words written just before token i ("President" in "President Donald Trump")."""
    k = i
    while k - 1 >= 0 and (_title_word(doc[k - 1]) or (doc[k - 1].lower_ in TITLE_JOINERS and k - 2 >= 0
                                                       and _title_word(doc[k - 2]))):
        k -= 1
    if k == i:
        return None
    return doc[k:i].text


def clean_span(doc, start_token: int, end_token: int, label: str,
               text: str | None = None) -> tuple[int, int, str | None, str] | None:
    """Clean the model span doc[start_token:end_token]. Returns (start_char, end_char, title, label)
    relative to doc.text, or None when nothing name-like is left. Pass `text` (= doc.text) when
    known: spaCy rebuilds doc.text from every token on each access."""
    i, j = start_token, end_token
    for k in range(i + 1, j):
        if doc[k].text == "(":  # "North Atlantic Treaty Organization (NATO" -> the name before it
            j = k
            break
    # a clitic split off the word before ("Here’s Clinton" tagged from "’s") is no part of a name
    while i < j and (doc[i].is_punct or doc[i].lower_ in _DETERMINERS or doc[i].is_space
                     or (doc[i].lower_ in _POSSESSIVE and i > 0 and not doc[i - 1].whitespace_)):
        i += 1
    i = _after_dateline(doc, i, j)
    while j > i and (doc[j - 1].is_space or doc[j - 1].lower_ in _POSSESSIVE
                     or (doc[j - 1].is_punct and doc[j - 1].text != ".")):
        j -= 1
    if j > i and doc[j - 1].text == ".":
        j -= 1
    if i >= j:
        return None
    i, j = _drop_numbers(doc, i, j, label)
    if i >= j:
        return None
    i, title, label = _strip_titles(doc, i, j, label)
    if i >= j:
        return None
    if title is None and label == "PERSON":
        title = preceding_title(doc, i)
    start, end = doc[i].idx, doc[j - 1].idx + len(doc[j - 1].text)
    start, end = trim_chars(doc.text if text is None else text, start, end)
    if end <= start:
        return None
    return start, end, title, label


_DASHES = frozenset({"-", "–", "—", "--"})


def _after_dateline(doc, i: int, j: int) -> int:
    """Where the name starts after a dateline the model ran into it ("CLEVELAND - Donald Trump",
    "WASHINGTON, D.C. — Bernie Sanders"): a place in capitals and a dash opening the story are
    no part of the name. Only at the start of a paragraph, and only a run of capitals followed by a
    normally cased word: in a headline in capitals ("SOCCER - JAPAN") the dash separates names."""
    if any(not (t.is_space or t.is_punct) for t in doc[:i]):
        return i  # a dateline opens its paragraph
    k = i
    while k < j and (doc[k].text.isupper() or doc[k].text in (",", ".")) and doc[k].text not in _DASHES:
        k += 1
    if k == i or k + 1 >= j or doc[k].text not in _DASHES:
        return i
    after = doc[k + 1].text
    if not (after[:1].isupper() and not after.isupper()):
        return i
    return k + 1


def trim_chars(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim quotes, brackets, possessives and sentence-final dots that cling to a name."""
    glued = _GLUED_AFTER_QUOTE.search(text, start, end)
    if glued:  # "paranoia,”Clinton": the writer left out the space; the name is what follows the mark
        start = glued.end()
    changed = True
    while changed and end > start:
        changed = False
        piece = text[start:end]
        if piece[0] in _LEADING_JUNK or piece[0].isspace():
            start += 1
            changed = True
            continue
        if piece[-1] in _TRAILING_JUNK or piece[-1].isspace():
            end -= 1
            changed = True
            continue
        m = _POSSESSIVE_TAIL.search(piece)
        if m and len(piece) - len(m.group(0)) >= 2:
            end -= len(m.group(0))
            changed = True
            continue
        if piece.endswith(".") and not _keeps_final_dot(piece):
            end -= 1
            changed = True
    return start, end


def _keeps_final_dot(piece: str) -> bool:
    last = piece.split()[-1] if piece.split() else piece
    stem = last[:-1]
    return "." in stem or stem.lower() in _DOTTED_ABBREVIATIONS or (len(stem) == 1 and stem.isupper())


def is_junk(text: str, segment_has_capitals: bool) -> bool:
    """Spans that cannot be a named entity whatever the model said."""
    if not text or "\n" in text or "\r" in text:
        return True
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 2 and not (len(letters) == 1 and len(text) >= 2 and any(ch.isdigit() for ch in text)):
        return True
    if _URLISH.search(text):
        return True
    if segment_has_capitals and not any(ch.isupper() for ch in text):
        return True  # proper names are capitalised wherever the text uses capitals at all
    words = text.split()
    if all(is_title_word(w) for w in words) and not (len(words) == 1 and words[0].lower() in SURNAME_TITLES):
        return True  # a bare role ("President") is not a name
    return False
