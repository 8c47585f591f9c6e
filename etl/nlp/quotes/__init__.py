"""Direct quotations in an article body and who said them.

The finder works in stages, one module each; `extract_quotes` below strings them together.

1. Quoted stretches are found by their marks alone (`marks.find_quote_spans`): straight, curly,
   single, guillemet and low-high marks; quotes running over several paragraphs; unbalanced
   marks skipped without swallowing the text after them.
2. Each stretch gets a reporting cue (the reporting verbs are listed in `cues`), tried in this
   order (a cue whose subject the parse lost lets the later patterns name the speaker, and stands
   only if none does):
   - `nearby`: a person named right before the colon that opens the quote ("… doesn’t surprise
     pollster Daron Shaw: “…”"), or a verb-first lead-in ("Stated Stone:", "Added the senator, “…”");
   - `governor`: the quote sits in the complement of a reporting verb (dependency parse), which
     covers colon/comma introductions and partial quotes inside reported speech
     ("added that Ukraine “pretty well” backed"); in a clause reported by an outer speaker the
     words are the outermost reporter's ("Cruz said Rubio suggested the “stakes …”");
   - `nearby`: the words right after the quote ("“…,” Peskov said", "“…,” said Peskov"),
     including a short person-plus-verb sentence whatever the verb ("“…,” an angry Hollande
     retaliated.");
   - `nearby`: the words right before it in the same sentence ("Peskov said: “…”"), or a reporting
     aside set off by commas in that sentence ("Her countrymen, she said, should not heed “…”");
   - `nearby`: "according to X" next to the quote, or a name after a dash ("“…” ― Krystal Correa"),
     or a name in a sentence without a verb after a quote closed by a comma ("“…,” Trump from his
     desk.");
   - `earlier`: a previous paragraph that ends with a colon after a reporting verb, or the first
     reporting verb of the sentence just before the quote.
   A paragraph that is nothing but a quote with no cue (a pull quote, a heading) takes the speaker
   of a quote elsewhere in the article with the same words, or holding them, when all such quotes
   have one speaker (`earlier`). Other quotes without a cue of their own inherit the speaker of the
   quote they continue (`earlier`):
   the earlier part of a quote split by its attribution ("“A,” she said. “B.”"), the previous
   paragraph of a quote running over several paragraphs, or a quote in the paragraph just before
   (the news convention that a bare quote paragraph continues the last speaker). Failing that, a
   quote opening its paragraph, or ending it right after a sentence, takes the person that
   paragraph or sentence before it is about ("Sanders identified … as a reason. “…”").
3. The speaker is the subject of the cue verb (`subject`: climbing through "adding", "and added",
   "went on to say", relative "who"; a thing that carries words goes to whoever put it out:
   "Sanders released an ad that urges"), widened to its noun phrase as written ("Kremlin spokesman
   Dmitry Peskov"; a relative "who" stays the mention when its antecedent resolves) and linked to
   the article's entities (`speaker`): an entity mentioned inside that phrase or its appositive;
   for "he"/"she" in words a named person reports ("Lopez said that …, she said") that person,
   else the most recent PERSON before the cue (preferring sentence subjects); for a
   nominal ("the spokesman") the most recent PERSON introduced with that word. A cue whose
   subject the parse lost, or a kept quote with no cue, takes the subject of the clause that
   embeds the quote (`governor._clause_source`), else the person whose name opens the quote's
   sentence ("Lopez supports “…” and recalled: “…”"; never a possessor, "Lopez's plan").
   Otherwise the speaker stays None: nothing is guessed.

What is not a quote (`keep`, left out): a quoted stretch with no cue and nothing to inherit unless
it is sentence-like (at least MIN_BARE_WORDS words) or a phrase of at least MIN_CLAUSE_WORDS words
in a clause whose subject is a named source ("Clinton supports “appropriate pay raises”"); a
nickname (a short quote between two capitalised words, "Dwayne “The Rock” Johnson", or inside a
person's name); a scare quote introduced by "so-called"; a title (a short Title-Case phrase,
"“Born in the USA”"), even with a cue next to it. Short quotes with a reporting cue are kept: they
are partial quotes.

`article` holds what the stages share: the body indexed by offset and the attribution record each
stage fills in. Names with a leading underscore pass between the stage modules but are not the
package's interface, which is `extract_quotes`.
"""
from __future__ import annotations

from etl.model.records import Entity, Mention, Quote
from etl.nlp.quotes.article import _Article, _Attribution
from etl.nlp.quotes.earlier import _colon_paragraph, _inherit, _previous_sentence
from etl.nlp.quotes.governor import _clause_source, _governor, _sentence_opener
from etl.nlp.quotes.keep import MIN_BARE_WORDS, MIN_CLAUSE_WORDS, _is_clause_quotation, _is_quotation
from etl.nlp.quotes.marks import QuoteSpan, find_quote_spans
from etl.nlp.quotes.nearby import (_according_to, _after, _before, _comma_then_cue, _dash_credit, _person_colon,
                                   _possessed_remark, _verbless_credit)
from etl.nlp.quotes.speaker import _resolve_speaker
from etl.nlp.segments import Segment

__all__ = ["MIN_BARE_WORDS", "MIN_CLAUSE_WORDS", "QuoteSpan", "extract_quotes", "find_quote_spans"]


def extract_quotes(body: str, body_segments: list[Segment], mentions: list[Mention],
                   entities: list[Entity]) -> list[Quote]:
    """Quotes in `body`; `body_segments` are its annotated paragraphs, `mentions`/`entities` the
    article's resolved entities (speakers are linked to them)."""
    if not body:
        return []
    spans = find_quote_spans(body)
    if not spans:
        return []
    art = _Article(body, body_segments or [], mentions or [], entities or [], spans)
    attributions: list[_Attribution | None] = [_own_attribution(art, s) for s in spans]
    _inherit(art, spans, attributions)
    quotes: list[Quote] = []
    run_open = False  # the previous span runs on into this paragraph
    for span, att in zip(spans, attributions):
        if run_open and quotes:
            # one quotation over several paragraphs is one quote, paragraph breaks included
            q = quotes[-1]
            q.char_end, q.quote = span.end, body[q.char_start:span.end]
        elif _is_quotation(art, span, att) or _is_clause_quotation(art, span, att):
            q = Quote(body[span.start:span.end], span.start, span.end)
            if att is None:
                att = _clause_source(art, span) or _sentence_opener(art, span)
            elif att.speaker_mention is None:
                att = _with_clause_source(art, span, att)
            if att is not None:
                q.cue = att.cue
                q.speaker, q.speaker_mention, q.speaker_entity_key = (att.speaker, att.speaker_mention,
                                                                      att.speaker_entity_key)
            quotes.append(q)
        else:
            run_open = False
            continue
        run_open = span.runs_on
    return quotes


def _own_attribution(art: _Article, span: QuoteSpan) -> _Attribution | None:
    para = art.para_of(span.open_mark)
    if para is None or not para.tokens:
        return None
    inside = [t for t in para.tokens if span.open_mark <= art.char(t, para) < span.outer_end]
    speakerless = None
    for finder in (_person_colon, _comma_then_cue, _governor, _after, _before, _according_to, _dash_credit,
                   _possessed_remark, _verbless_credit):
        att = finder(art, para, span, inside)
        if att is None:
            continue
        # the credit may sit in the paragraph below the quote ("“…” ¶ - Hillary Clinton.")
        _resolve_speaker(art, art.para_of(att.cue_char) or para, att)
        if att.speaker_mention:
            return att
        # a cue whose subject the parse lost ("Added the senator, “…”" read as a name): another
        # pattern may still find who spoke; the cue stands if none does
        speakerless = speakerless or att
    return speakerless or _colon_paragraph(art, span) or _previous_sentence(art, para, span)


def _with_clause_source(art: _Article, span: QuoteSpan, att: _Attribution) -> _Attribution:
    """A cue whose speaker no pattern found ("Trump defended eminent domain, calling it an “absolute
    necessity”", where the parse lost the participle's subject): the words are those of the subject
    of the clause that embeds the quote, as for a quote with no cue at all. The cue stays."""
    source = _clause_source(art, span)
    if source is None or source.speaker_mention is None:
        source = _sentence_opener(art, span)
    if source is None or source.speaker_mention is None:
        return att
    att.speaker, att.speaker_mention, att.speaker_entity_key = (source.speaker, source.speaker_mention,
                                                                source.speaker_entity_key)
    return att
