"""Which full name a bare surname in an article stands for (step 2 of etl.nlp.entities).

A single word joins the one person named in full with that surname (or first name). Of several,
the one named earlier in the same paragraph, else the one the article named in full first; with no
full name before it, none. A full name the model tagged otherwise ("Carly Fiorina" as ORG) is one
of the contenders, though never the one joined: the surname then stays apart, a person of its own
for the day's linking to resolve, rather than join the other one (her husband). A surname after
an honorific ("Mr.") never joins a full name the article gives the other sex by a role; when no
full name is left, the article names a namesake it never writes in full, and its other bare
surnames join only a full name written before them.
"""
from __future__ import annotations

import bisect
import re

from etl.nlp import geo
from etl.nlp.entity_gender import honorific_sex
from etl.nlp.entity_lexicon import NAME_SUFFIXES, is_demonym, is_title_word
from etl.nlp.entity_spans import Span

__all__ = ["surname", "may_be_person_part", "written_as_a_name", "person_for", "SharedSurname"]

# Labels under which a single word may be a person's surname or first name. GPE/LOC are added
# per word when the word is not a well-known place.
_PERSON_LINKABLE = frozenset({"PERSON", "ORG", "PRODUCT", "WORK_OF_ART", "FAC", "EVENT", "LAW"})


def surname(key: tuple[str, ...]) -> str:
    words = [w for w in key if w not in NAME_SUFFIXES]
    return words[-1] if words else key[-1]


def may_be_person_part(span: Span) -> bool:
    if span.label in ("GPE", "LOC"):
        # "Jordan" after "Michael Jordan" is him, but "in Washington" is the place even when a
        # Washington is in the article.
        return not (span.after_place_preposition and geo.lookup(span.text) is not None)
    return span.label in _PERSON_LINKABLE and not is_demonym(span.text)


def written_as_a_name(group: list[Span], lower_words: set[str]) -> bool:
    """A given name and a surname, capitalised, neither a title nor a possessive, the given name
    never written in lower case in the article, and no known place nor title of a work ("Carly
    Fiorina", "Beto O’Rourke"; not "Gen. Petraeus", "Boston’s Walsh", "North Korea", a "Stop Trump"
    movement, the song "Dump Trump"), as a person's full name is written."""
    text = group[0].text
    words = text.split()
    return (len(words) == 2 and group[0].label != "WORK_OF_ART" and words[0].lower() not in lower_words
            and geo.lookup(text) is None
            and all(re.fullmatch(r"[A-Z][a-z]+(?:['’-][A-Z][a-z]+)?", w) and not is_title_word(w) for w in words))


def person_for(span: Span, word: str, by_surname, by_first_name, full_people, rivals,
               sexes: dict | None = None, namesakes: frozenset = frozenset()) -> tuple[str, ...] | None:
    """The full name (key) `word` stands for. `full_people` holds the spans of every full name,
    rivals included; `rivals` maps a surname to the full names with it that the model tagged
    otherwise; `sexes` the sex the article gives a full name by a role ("the first lady");
    `namesakes` the surnames the article also gives, by an honorific ("Mr. Obama"), to someone
    none of those full names can be."""
    candidates = by_surname.get(word) or ([] if word in by_surname else by_first_name.get(word, []))
    sex = honorific_sex(span)
    if sex and sexes:
        candidates = [key for key in candidates if sexes.get(key) in (None, sex)]
    if not candidates:
        return None
    if word in namesakes:
        # two people share the name, one never named in full: only a full name written before
        # the surname can be the one it means
        return _person_among(span, candidates, full_people)
    if word in rivals:
        # one of those with the surname is written as a name but tagged otherwise: the surname
        # joins a person only when the rules below pick one tagged PERSON, never the other
        target = _person_among(span, candidates + rivals[word], full_people)
        return target if target in candidates else None
    if len(candidates) == 1:
        return candidates[0]
    return _person_among(span, candidates, full_people)


class SharedSurname:
    """The people an article names in full with one surname, for a bare occurrence of it the model
    did not tag: the one a tagged occurrence there would join (`_person_among`), of the sex its
    honorific gives when it has one. `clusters` maps each full name (key) to its cluster; `sexes`
    to the sex the article gives it."""

    def __init__(self, clusters: dict, sexes: dict):
        self.clusters, self.sexes = clusters, sexes
        self.orders = {key: sorted(s.order for s in c.spans if len(s.words) >= 2) for key, c in clusters.items()}

    def at(self, order: tuple[int, int], sex: str | None = None):
        introduced = {}
        for key, orders in self.orders.items():
            n = bisect.bisect_left(orders, order)
            if n and (sex is None or self.sexes.get(key) in (None, sex)):
                introduced[key] = (orders[0], orders[n - 1])
        if not introduced:
            return None
        same_paragraph = {key: last for key, (_, last) in introduced.items() if last[0] == order[0]}
        if same_paragraph:
            return self.clusters[max(same_paragraph, key=same_paragraph.get)]
        return self.clusters[min(introduced, key=lambda key: introduced[key][0])]


def _person_among(span: Span, candidates, full_people) -> tuple[str, ...] | None:
    # Several people share this name. A full name written earlier in the same paragraph is the one
    # meant ("John Smith met Jane Smith. Smith said"); further on, a bare surname is the article's
    # principal person of that name, the one it named in full first: writers name the other one
    # ("Bill Clinton", "her husband") in full each time, so the most recent full name misleads.
    introduced = {}
    for key in candidates:
        before = [s.order for s in full_people[key] if len(s.words) >= 2 and s.order < span.order]
        if before:
            introduced[key] = before
    if not introduced:
        return None
    same_paragraph = {key: max(o for o in orders if o[0] == span.seg_no)
                      for key, orders in introduced.items() if any(o[0] == span.seg_no for o in orders)}
    if same_paragraph:
        return max(same_paragraph, key=same_paragraph.get)
    return min(introduced, key=lambda key: min(introduced[key]))
