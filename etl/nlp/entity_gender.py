"""What an article itself says of a person's sex, where it matters for who a name is.

Three uses, all on the article's own words (no list of first names, which would
be one culture's guess):

- A surname written "Mr. Obama" is not the woman the article names in full as "the first lady,
  Michelle Obama", nor "Mrs. Clinton" the man it calls "her husband, Bill Clinton". The full name's
  sex is read off the role written next to it (its title, the noun of an appositive before or after
  it); the surname's off its honorific.
- A "he" or "she" whose speaker is looked for among the people mentioned before it is none of
  those the article gives the other sex (etl.nlp.quotes.speaker).
- A single word the model tagged ORG is a person when the article goes on to call it "he" or "she":
  a clause with it as subject continued by a personal pronoun as a subject or possessor, with
  nobody else named nor quoted in between ("It is strange that Trump would denounce …, compared
  to his own plans"), at least twice and never by "its".
"""
from __future__ import annotations

import re

from etl.nlp.entity_spans import Span
from etl.nlp.segments import Segment

__all__ = ["honorific_sex", "role_sex", "sexes_written_at", "pronoun_sex", "pronoun_after", "called_he_or_she"]

_HONORIFIC_SEX = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f"}
# Roles that say who someone is: kin, courtesy titles, and the gendered forms of jobs.
_ROLE_SEX = {
    **dict.fromkeys("""lady wife mother daughter sister widow woman girl queen princess actress grandmother
        granddaughter niece aunt stepmother mrs ms miss madam congresswoman chairwoman spokeswoman
        businesswoman councilwoman""".split(), "f"),
    **dict.fromkeys("""husband father son brother widower man boy king prince grandfather grandson nephew
        uncle stepfather mr sir congressman spokesman businessman councilman""".split(), "m"),
}
_HONORIFIC_BEFORE = re.compile(r"\b(Mr|Mrs|Ms|Miss)\.?\s*$")
# "the first lady, Michelle Obama" / "her husband Bill Clinton": a role set before the name as its
# apposition (a comma after it), or someone's kin ("his wife Jane")
_ROLE_BEFORE = re.compile(r"\b(?:(?i:the|a|an)\s+(?:[a-z-]+\s+){0,2}([a-z]+)\s*,"
                          r"|(?i:his|her|their)\s+(?:[a-z-]+\s+){0,2}([a-z]+)\s*,?)\s*$")
# "Michelle Obama, the first lady,"
_ROLE_AFTER = re.compile(r"^\s*,\s+(?i:the|his|her|a|an|their)\s+(?:[a-z-]+\s+){0,2}([a-z]+)(?=\s*[,.;)]|\s+(?:of|to|for|and|who)\b)")
_LOOK_AHEAD = 40  # tokens
_QUOTE_MARKS = frozenset('"“”‘’«»„\'')
_PERSONAL = {"he": "m", "him": "m", "his": "m", "himself": "m", "she": "f", "her": "f", "hers": "f", "herself": "f"}


def honorific_sex(span: Span) -> str | None:
    """"m" or "f" for a name written after Mr., Mrs., Ms. or Miss; else None."""
    first = (span.title or "").split()[:1]
    return _HONORIFIC_SEX.get(first[0].lower().strip(".")) if first else None


def role_sex(spans: list[Span], segments: list[Segment]) -> str | None:
    """The sex the article gives one person named by `spans` through a role written next to the
    name ("the first lady, Michelle Obama"), or None when the article says none or says both."""
    found = set()
    for span in spans:
        found |= {_ROLE_SEX[w] for w in (span.title or "").lower().replace(".", " ").split() if w in _ROLE_SEX}
        found |= sexes_written_at(segments[span.seg_no].text, span.start, span.end)
    return found.pop() if len(found) == 1 else None


def sexes_written_at(text: str, start: int, end: int) -> set[str]:
    """The sexes the words around the name at text[start:end] give: an honorific before it ("Mr."),
    or a role before or after it ("his wife, …", "…, the first lady,")."""
    found = set()
    honorific = _HONORIFIC_BEFORE.search(text[max(0, start - 8):start])
    if honorific:
        found.add(_HONORIFIC_SEX[honorific.group(1).lower()])
    before = _ROLE_BEFORE.search(text[max(0, start - 40):start])
    after = _ROLE_AFTER.match(text[end:end + 60])
    roles = [before.group(1) or before.group(2)] if before else []
    roles += [after.group(1)] if after else []
    return found | {_ROLE_SEX[w] for w in roles if w in _ROLE_SEX}


def pronoun_sex(word: str) -> str | None:
    """"m" for he/him/his, "f" for she/her; else None."""
    return _PERSONAL.get(word.lower())


def called_he_or_she(spans: list[Span], segments: list[Segment]) -> bool:
    """Whether the article continues clauses about this one-word name with "he"/"she" (at least
    twice, nobody else named in between) and never with "its"."""
    continued = [pronoun_after(segments[span.seg_no].doc, span.start, span.end) for span in spans]
    return "it" not in continued and sum(c in ("m", "f") for c in continued) >= 2


def pronoun_after(doc, start: int, end: int) -> str | None:
    """The pronoun that continues the clause whose subject is the name at doc's characters
    [start, end): "m" ("Sanders said he …", "… his plans"), "f", "it" ("its"), or None when
    nobody is referred to before someone else is named or the sentence ends."""
    window = doc.char_span(start, end, alignment_mode="expand")
    if window is None or len(window) == 0 or window.root.dep_ not in ("nsubj", "nsubjpass"):
        return None
    # a bounded look ahead, to the sentence's end: a clause continued by a pronoun is short,
    # and the cost per mention stays constant
    for token in doc[window.end:window.end + _LOOK_AHEAD]:
        if token.is_sent_start or token.ent_type_ or token.pos_ == "PROPN" or token.text in _QUOTE_MARKS:
            return None  # a new sentence, someone else named, or quoted words: not about them
        if token.lower_ in ("its", "itself"):
            return "it"
        if token.lower_ in _PERSONAL and token.dep_ in ("nsubj", "nsubjpass", "poss"):
            # "said she …", "… his plans"; an object ("praised him") is someone else
            return _PERSONAL[token.lower_]
    return None
