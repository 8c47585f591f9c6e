"""What every stage of the quote finder works on: the article body, indexed by character offset.

`_Article` holds the body's paragraphs (each with its spaCy parse; the tokens are listed only for
paragraphs a quote makes the finder look at), the quote spans found by their marks and the body's
entity mentions in order, and answers the questions every cue pattern asks: which paragraph holds
an offset, whether an offset lies inside a quote, which mentions overlap a stretch.
`_Attribution` is what a cue pattern returns (the cue and the token heading the speaker phrase)
and what the speaker step completes (the speaker as written and as an entity). Both sit below the
stage modules so that every stage can use them without the stages importing one another in a
circle.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from etl.model.records import Entity, Mention
from etl.nlp.quotes.marks import QuoteSpan
from etl.nlp.segments import Segment

_SUBJECT_DEPS = ("nsubj", "nsubjpass")
_WORDS = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_SENTENCE_END = {".", "!", "?"}


@dataclass
class _Attribution:
    cue: str | None
    subject: object | None  # spaCy Token heading the speaker phrase
    cue_char: int  # offset of the cue in body (for resolving pronouns to what came before)
    how: str  # where it was found: "governor", "after", "before", "according", "colon", "dash", "verbless", "lead", …
    speaker: str | None = None
    speaker_mention: str | None = None
    speaker_entity_key: str | None = None


class _Para:
    """One body paragraph. Its tokens are listed on first use: spaCy builds a Token object per
    token, and most paragraphs of an article hold no quote and are never looked at."""

    def __init__(self, segment: Segment, offset: int):
        self.segment, self.offset = segment, offset

    @functools.cached_property
    def tokens(self) -> list:
        return list(self.segment.doc) if self.segment.doc is not None else []


class _Article:
    """Body-wide indexes shared by the per-quote steps."""

    def __init__(self, body: str, segments: list[Segment], mentions: list[Mention], entities: list[Entity],
                 spans: list[QuoteSpan]):
        self.body = body
        self.spans = spans
        self.paras = [_Para(s, s.char_offset) for s in segments if s.field == "body"]
        self.mentions = sorted((m for m in mentions if m.field == "body"), key=lambda m: m.char_start)
        self.entities = {e.entity_key: e for e in entities}
        self.quoted = [(s.open_mark, s.outer_end) for s in spans]
        self._by_entity: dict[str, list[Mention]] | None = None
        self.sexes: dict[str, str | None] | None = None  # entity key -> the sex the article gives them

    def para_of(self, char: int) -> _Para | None:
        for p in self.paras:
            if p.offset <= char < p.offset + len(p.segment.text):
                return p
        return None

    def in_quote(self, char: int) -> bool:
        return any(a <= char < b for a, b in self.quoted)

    def quote_end_after(self, char: int) -> int:
        """Where the quote holding `char` ends (`char` itself when it is outside quotes)."""
        return next((b for a, b in self.quoted if a <= char < b), char)

    def outside(self, token, para: _Para) -> bool:
        """Some of the token lies outside quotes: a name run into a closing mark ("paranoia,”Clinton"
        is one token when the writer left out the space) still counts as outside."""
        start = self.char(token, para)
        return not self.in_quote(start) or not self.in_quote(start + len(token.text) - 1)

    def char(self, token, para: _Para) -> int:
        return para.offset + token.idx

    def mentions_of(self, entity_key: str) -> list[Mention]:
        """The body mentions of one entity (indexed once, on first use)."""
        if self._by_entity is None:
            self._by_entity = {}
            for m in self.mentions:
                self._by_entity.setdefault(m.entity_key, []).append(m)
        return self._by_entity.get(entity_key, [])

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if m.char_start < end and start < m.char_end]


def _outside_tokens(art: _Article, para: _Para, start: int, end: int) -> list:
    return [t for t in para.tokens if start <= art.char(t, para) < end and not art.in_quote(art.char(t, para))]
