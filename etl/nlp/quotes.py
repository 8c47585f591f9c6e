"""Direct quotations in an article body and who said them.

1. Quoted stretches are found by their marks (`quote_marks.find_quote_spans`): straight, curly,
   single, guillemet and low-high marks; quotes running over several paragraphs; unbalanced
   marks skipped without swallowing the text after them.
2. Each stretch gets a reporting cue, tried in this order (a cue whose subject the parse lost
   lets the later patterns name the speaker, and stands only if none does):
   - a person named right before the colon that opens the quote ("… doesn’t surprise pollster
     Daron Shaw: “…”"), or a verb-first lead-in ("Stated Stone:", "Added the senator, “…”");
   - governor: the quote sits in the complement of a reporting verb (dependency parse), which
     covers colon/comma introductions and partial quotes inside reported speech
     ("added that Ukraine “pretty well” backed"); in a clause reported by an outer speaker the
     words are the outermost reporter's ("Cruz said Rubio suggested the “stakes …”");
   - the words right after the quote ("“…,” Peskov said", "“…,” said Peskov"), including a short
     person-plus-verb sentence whatever the verb ("“…,” an angry Hollande retaliated.");
   - the words right before it in the same sentence ("Peskov said: “…”"), or a reporting aside
     set off by commas in that sentence ("Her countrymen, she said, should not heed “…”");
   - "according to X" next to the quote;
   - a previous paragraph that ends with a colon after a reporting verb, or the first reporting
     verb of the sentence just before the quote.
   Quotes without a cue of their own inherit the speaker of the quote they continue: the earlier
   part of a quote split by its attribution ("“A,” she said. “B.”"), the previous paragraph of a
   quote running over several paragraphs, or a quote in the paragraph just before (the news
   convention that a bare quote paragraph continues the last speaker).
3. The speaker is the subject of the cue verb (climbing through "adding", "and added", "went on to
   say", relative "who"; a thing that carries words goes to whoever put it out: "Sanders released
   an ad that urges"), widened to its noun phrase as written ("Kremlin spokesman Dmitry
   Peskov"; a relative "who" stays the mention when its antecedent resolves) and linked to the article's entities: an entity mentioned inside that phrase or its
   appositive; for "he"/"she" the most recent PERSON before the cue (preferring sentence subjects);
   for a nominal ("the spokesman") the most recent PERSON introduced with that word. Otherwise the
   speaker stays None: nothing is guessed.

What is not a quote (left out): a quoted stretch with no cue and nothing to inherit unless it is
sentence-like (at least MIN_BARE_WORDS words) or a phrase of at least MIN_CLAUSE_WORDS words in a
clause whose subject is a named source ("Clinton supports “appropriate pay raises”"); a nickname
(a short quote between two capitalised words, "Dwayne “The Rock” Johnson", or inside a person's
name); a scare quote introduced by "so-called"; a title (a short Title-Case phrase, "“Born in the
USA”") unless a reporting cue sits right next to it. Short quotes governed by a reporting verb are
kept: they are partial quotes.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from etl.nlp.quote_cues import SPEECH_FORMS, WEAK_FORMS, cue_text, is_speech_verb
from etl.nlp.quote_marks import QuoteSpan, find_quote_spans
from etl.nlp.segments import Segment
from etl.model.records import Entity, Mention, Quote

MIN_BARE_WORDS = 8  # a quote with no cue and nothing to inherit must be at least this long
_MAX_TITLE_WORDS = 6
_AFTER_WINDOW = 15  # tokens after a quote within which its "… said X" must start
_SUBJECT_DEPS = ("nsubj", "nsubjpass")
_CLIMB_DEPS = ("advcl", "conj", "xcomp", "pcomp", "prep", "acl", "dep")
_PERSONAL = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}
_PRONOUNS = {"he", "she", "him", "her", "i", "we", "they", "it", "you", "who", "that", "this", "which"}
_SMALL_WORDS = {"a", "an", "the", "of", "in", "on", "and", "or", "for", "to", "at", "by", "with", "from", "is"}
_WORDS = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_SENTENCE_END = {".", "!", "?"}


@dataclass
class _Attribution:
    cue: str | None
    subject: object | None  # spaCy Token heading the speaker phrase
    cue_char: int  # offset of the cue in body (for resolving pronouns to what came before)
    how: str  # "governor", "after", "before", "according", "colon", "inherited"
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

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if m.char_start < end and start < m.char_end]


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
                att = _clause_source(art, span)
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


# ---------------------------------------------------------------- finding the cue

def _own_attribution(art: _Article, span: QuoteSpan) -> _Attribution | None:
    para = art.para_of(span.open_mark)
    if para is None or not para.tokens:
        return None
    inside = [t for t in para.tokens if span.open_mark <= art.char(t, para) < span.outer_end]
    speakerless = None
    for finder in (_person_colon, _governor, _after, _before, _according_to, _dash_credit):
        att = finder(art, para, span, inside)
        if att is None:
            continue
        _resolve_speaker(art, para, att)
        if att.speaker_mention:
            return att
        # a cue whose subject the parse lost ("Added the senator, “…”" read as a name): another
        # pattern may still find who spoke; the cue stands if none does
        speakerless = speakerless or att
    return speakerless or _colon_paragraph(art, span) or _previous_sentence(art, para, span)


def _clause_source(art: _Article, span: QuoteSpan) -> _Attribution | None:
    """For a quote kept on its own length but with no reporting cue, the subject of the clause
    that embeds it ("Paul Ryan worried that the safety net was becoming “…”", "Article 33
    affirms: “…”"): the words are that subject's. It never makes a stretch a quote; it only
    names a source for one already kept."""
    para = art.para_of(span.open_mark)
    if para is None or not para.tokens:
        return None
    inside = [t for t in para.tokens if span.open_mark <= art.char(t, para) < span.outer_end]
    inside_ids = {t.i for t in inside}
    for tok in inside:
        if tok.head.i in inside_ids or tok.head.i == tok.i:
            continue
        child, head = tok, tok.head
        found = None
        for _ in range(8):
            if art.in_quote(art.char(head, para)) or child.dep_ in _SUBJECT_DEPS:
                break
            if head.pos_ in ("VERB", "AUX"):
                subject = next((c for c in head.children if c.dep_ in _SUBJECT_DEPS and art.outside(c, para)), None)
                if subject is not None and subject.lower_ not in ("it", "this", "that", "there", "what"):
                    # the outermost clause holds the source ("Paul Ryan worried that the net was
                    # becoming “…”"), inner ones the topic of the words
                    found = (subject, head)
            if head.head.i == head.i:
                break
            child, head = head, head.head
        if found is not None:
            att = _Attribution(None, found[0], art.char(found[1], para), "clause")
            _resolve_speaker(art, para, att)
            return att
    return None


def _previous_sentence(art: _Article, para: _Para, span: QuoteSpan) -> _Attribution | None:
    """A quote opening a sentence, right after a sentence of the same paragraph that reports
    someone's words ("Trump said he would win. “We will win big.”")."""
    lead_in = art.body[span.paragraph_start:span.open_mark].rstrip()
    if not lead_in or lead_in[-1] not in ".!?”\"":
        return None
    window = [t for t in _outside_tokens(art, para, span.paragraph_start, span.open_mark) if not t.is_space]
    ends = [k for k, t in enumerate(window[:-1]) if t.text in _SENTENCE_END]
    last_sentence = window[ends[-1] + 1:] if ends else window
    # the first reporting verb is the sentence's own attribution; later ones sit in asides about
    # it ("“A,” Clinton said, with a passion that suggested …. “B.”")
    for n, tok in enumerate(last_sentence):
        # a weak cue closing its sentence ("Dianne Bystrom agreed. “…”") reports what follows
        closes = n + 2 == len(last_sentence) and last_sentence[-1].text in _SENTENCE_END
        if is_speech_verb(tok) and (tok.lower_ not in WEAK_FORMS or closes) and not _is_conditional(tok):
            att = _Attribution(cue_text(tok), _subject_of(art, para, tok), art.char(tok, para), "previous")
            _resolve_speaker(art, para, att)
            if att.speaker_mention:
                return att
    return None


def _is_conditional(verb) -> bool:
    """A verb in a subordinate condition or time clause ("if asked", "when pressed"): it does not
    introduce what follows."""
    return any(c.dep_ == "mark" and c.lower_ in ("if", "when", "unless", "whenever") for c in verb.children)


def _governor(art: _Article, para: _Para, span: QuoteSpan, inside: list) -> _Attribution | None:
    """A reporting verb outside the quote whose complement contains the quote."""
    inside_ids = {t.i for t in inside}
    for tok in inside:
        if tok.head.i in inside_ids or tok.head.i == tok.i:
            continue
        child, head = tok, tok.head
        first = named = None
        for _ in range(10):
            if art.in_quote(art.char(head, para)):
                break
            if first is None and head.lower_ in _SPEECH_NOUNS and head.pos_ in ("NOUN", "PROPN"):
                # "her remark that “…”", "Romney’s “47 percent” comment": a noun of saying names
                # its speaker as its possessor
                owner = next((c for c in head.children if c.dep_ == "poss" and art.outside(c, para)), None)
                if owner is not None:
                    return _Attribution(head.text, owner, art.char(head, para), "governor")
            if is_speech_verb(head):
                if child.dep_ in _SUBJECT_DEPS or child.dep_ == "csubj":
                    break
                att = _Attribution(cue_text(head), _subject_of(art, para, head), art.char(head, para), "governor")
                if first is None:
                    first = att
                    if head.lower_ not in WEAK_FORMS and _names_someone(art, para, att):
                        named = att
                elif head.lower_ not in WEAK_FORMS and (named is None or child.dep_ == "ccomp") \
                        and _names_someone(art, para, att):
                    # "Holm said the advertisement “unmistakably” suggests …", "Obama said he expected
                    # that Americans will say “no”": the words of a clause reported by an outer
                    # speaker are that speaker's
                    named = att
            if head.head.i == head.i:
                break
            child, head = head, head.head
        if named is not None:
            return named
        if first is not None:
            return first
    return None


_SPEECH_NOUNS = frozenset((
    "remark remarks comment comments statement statements claim claims assertion assertions words word "
    "promise promises pledge pledges vow vows quip quips tweet tweets message messages warning warnings "
    "declaration answer answers reply response question questions insistence argument arguments admission "
    "boast boasts prediction predictions suggestion suggestions charge charges accusation accusations "
    "observation observations joke jokes slogan slogans line lines catchphrase mantra refrain description "
    "characterization assessment complaint complaints criticism criticisms retort rebuke plea "
    "advice quote quotes phrase phrases post posts explanation explanations denial description "
    "announcement confession testimony insult insults"
).split())

_PERSONAL_SUBJECTS = {"he", "she", "i", "we", "they", "you"}


def _names_someone(art: _Article, para: _Para, att: _Attribution) -> bool:
    """The cue's subject is a personal pronoun or links to a named entity (not "the ad", "his
    comments", "the process")."""
    if att.subject is None:
        return False
    if att.subject.lower_ in _PERSONAL_SUBJECTS:
        return True
    trial = _Attribution(att.cue, att.subject, att.cue_char, att.how)
    _resolve_speaker(art, para, trial)
    return trial.speaker is not None


def _outside_tokens(art: _Article, para: _Para, start: int, end: int) -> list:
    return [t for t in para.tokens if start <= art.char(t, para) < end and not art.in_quote(art.char(t, para))]


def _next_open(art: _Article, span: QuoteSpan) -> int:
    later = [s.open_mark for s in art.spans if s.paragraph == span.paragraph and s.open_mark > span.open_mark]
    return min(later) if later else span.paragraph_end


def _prev_close(art: _Article, span: QuoteSpan) -> int:
    earlier = [s.outer_end for s in art.spans if s.paragraph == span.paragraph and s.open_mark < span.open_mark]
    return max(earlier) if earlier else span.paragraph_start


def _has_own_clause(art: _Article, para: _Para, verb) -> bool:
    """The verb reports something else: it has a clausal complement outside quotes, after it."""
    return any(c.dep_ == "ccomp" and c.i > verb.i and not art.in_quote(art.char(c, para)) for c in verb.children)


def _after(art: _Article, para: _Para, span: QuoteSpan, inside: list) -> _Attribution | None:
    """“…,” Peskov said. / “…,” said Peskov, the spokesman."""
    if span.runs_on:
        return None
    window = _outside_tokens(art, para, span.outer_end, _next_open(art, span))
    ends_sentence = art.body[span.end - 1] == "." and not art.body[span.outer_end:span.outer_end + 2].lstrip().startswith(",")
    limit = 6 if ends_sentence else _AFTER_WINDOW
    for n, tok in enumerate(window[:limit]):
        if tok.text in _SENTENCE_END:
            break
        if is_speech_verb(tok) and tok.lower_ not in WEAK_FORMS and not _has_own_clause(art, para, tok):
            return _Attribution(cue_text(tok), _subject_of(art, para, tok), art.char(tok, para), "after")
    return _manner_of_saying(art, para, span, window)


_MAX_MANNER_TOKENS = 6


def _manner_of_saying(art: _Article, para: _Para, span: QuoteSpan, window: list) -> _Attribution | None:
    """“…,” an angry Hollande retaliated. / “…?” she deadpanned.: a short sentence of a person and
    one past or present verb right after a quote that closes on its own comma, question or
    exclamation mark is its attribution, whatever the verb (writers vary them on purpose)."""
    if art.body[span.end - 1:span.end] not in (",", "?", "!"):
        return None
    end = next((k for k, t in enumerate(window) if t.text in _SENTENCE_END), None)
    if end is None or end == 0 or end > _MAX_MANNER_TOKENS:
        return None
    verbs = [t for t in window[:end] if t.tag_ in ("VBD", "VBZ")]
    if len(verbs) != 1 or window[end - 1].i != verbs[0].i:
        return None
    subject = next((c for c in verbs[0].children if c.dep_ == "nsubj"), None)
    if subject is None or not (subject.lower_ in ("he", "she") or _is_person_token(art, para, subject)
                               or _bare_name(subject)):
        return None
    return _Attribution(verbs[0].text, subject, art.char(verbs[0], para), "after")


def _bare_name(token) -> bool:
    """A capitalised singular word with nothing before it in its phrase ("Hannity" in "“…?”
    Hannity pressed."): a surname the tagger took for a common noun."""
    return (token.text[:1].isupper() and token.tag_ in ("NN", "NNP") and len(token.text) > 2
            and not any(c.i < token.i for c in token.children))


def _before(art: _Article, para: _Para, span: QuoteSpan, inside: list) -> _Attribution | None:
    """Peskov said: “…” / Peskov said, “…” within the same sentence."""
    window = _outside_tokens(art, para, _prev_close(art, span), span.open_mark)
    cut = max((k for k, t in enumerate(window) if t.text in _SENTENCE_END), default=-1)
    window = window[cut + 1:]
    if not window:
        return None
    lead_in = art.body[_prev_close(art, span):span.open_mark].rstrip()
    inverted = _verb_first(art, para, window, lead_in)
    if inverted is not None:
        return inverted
    if lead_in.endswith(":") and not any(is_speech_verb(t) for t in window):
        # "She addressed the supporters again: “…”": the clause before the colon introduces the quote
        verbs = [t for t in window if t.pos_ in ("VERB", "AUX") and any(c.dep_ in _SUBJECT_DEPS for c in t.children)]
        if verbs:
            return _Attribution(cue_text(verbs[-1]), _subject_of(art, para, verbs[-1]), art.char(verbs[-1], para),
                                "before")
        # "Rep. Trey Gowdy (R-S.C.): “…”", "Here’s Clinton in December 1992: “…”": a name alone
        # introduces the quote, as in a transcript
        named = _named_head(art, para, art.char(window[0], para), span.open_mark)
        if named is not None:
            return _Attribution(None, named, art.char(named, para), "before")
    for k in range(len(window) - 1, -1, -1):
        tok = window[k]
        if _as_source_puts_it(tok):
            return _Attribution(cue_text(tok), _subject_of(art, para, tok), art.char(tok, para), "before")
        if not is_speech_verb(tok) or tok.lower_ in WEAK_FORMS:
            continue
        near = len(window) - 1 - k <= 3
        if lead_in.endswith((":", ",", "—", "–")) or near or _is_aside(window, k):
            return _Attribution(cue_text(tok), _subject_of(art, para, tok), art.char(tok, para), "before")
        return None
    return None


_MAX_ASIDE_SUBJECT = 4
_PUT_FORMS = {"put", "puts", "putting"}


def _as_source_puts_it(verb) -> bool:
    """A clause of the form "as X said/noted/put it" before the quote in its sentence ("As The
    Post's Dana Milbank puts it, “…”", "as the tabloid noted in an op-ed, the candidate “…”"):
    "as" hands the rest of the sentence to X."""
    if not any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children):
        return False
    if verb.lower_ in _PUT_FORMS:
        return any(c.dep_ == "dobj" and c.lower_ == "it" for c in verb.children)
    return is_speech_verb(verb) and not any(c.dep_ in ("dobj", "ccomp") for c in verb.children)


def _is_aside(window: list, k: int) -> bool:
    """The reporting verb at window[k] sits in an aside set off by commas inside the sentence that
    holds the quote ("Her countrymen, she said, should not listen to “…”", "The paradox, says Carl
    Anthony, is that she was “…”"): the aside attributes the whole sentence."""
    verb = window[k]
    if k > 0 and window[k - 1].text == ",":
        # inverted: ", says Carl Anthony, historian at …, is …" – a name follows, then a comma
        rest = window[k + 1:]
        return bool(rest) and rest[0].pos_ == "PROPN" and any(t.text == "," for t in rest[1:])
    if k + 1 >= len(window) or window[k + 1].text != ",":
        return False
    lead = window[max(0, k - _MAX_ASIDE_SUBJECT - 1):k]
    commas = [n for n, t in enumerate(lead) if t.text == ","]
    if not commas and k > _MAX_ASIDE_SUBJECT:
        return False
    # "…, she said, …" or, opening the sentence, "Berkman said, there are more who think “…”"
    subject = lead[commas[-1] + 1:] if commas else lead
    return bool(subject) and any(t.dep_ in _SUBJECT_DEPS and t.head.i == verb.i for t in subject)


def _person_colon(art: _Article, para: _Para, span: QuoteSpan, inside: list) -> _Attribution | None:
    """A person's name set right before a colon introduces their words ("Pollsters agree - Carl
    Bialik: “…”", "… doesn’t surprise pollster Daron Shaw: “…”"), whatever the verb of the clause,
    unless a reporting verb there says who spoke to whom ("told CNN’s Jake Tapper: “…”")."""
    start = _prev_close(art, span)
    lead_in = art.body[start:span.open_mark].rstrip()
    if not lead_in.endswith(":"):
        return None
    colon = start + len(lead_in) - 1
    window = _outside_tokens(art, para, start, span.open_mark)
    cut = max((k for k, t in enumerate(window) if t.text in _SENTENCE_END), default=-1)
    inverted = _verb_first(art, para, window[cut + 1:], lead_in)
    if inverted is not None:
        return inverted
    if any(is_speech_verb(t) and t.lower_ not in WEAK_FORMS for t in window[cut + 1:]):
        return None
    people = [m for m in art.mentions_in(start, colon) if _is_person(art, m)
              and not art.body[m.char_end:colon].strip()]
    if not people:
        return None
    head = _token_ending_at(art, para, people[-1].char_end)
    return _Attribution(None, head, people[-1].char_start, "before") if head is not None else None


_MAX_INVERTED_WORDS = 8
_PAST_SPEECH = frozenset(f for f in SPEECH_FORMS if f.endswith("ed")) | {"said", "told", "wrote"}


def _verb_first(art: _Article, para: _Para, lead_in_tokens: list, lead_in: str) -> _Attribution | None:
    """A lead-in that opens with the reporting verb and names the speaker after it, ending in a
    colon or comma ("Stated Stone:", "Continued Stone: “…”", "Added the senator, “…”"). The tagger
    often reads the capitalised verb as part of a name, so the verb is recognised by its form."""
    if not lead_in.endswith((":", ",")) or len(lead_in_tokens) < 3:
        return None
    verb, phrase = lead_in_tokens[0], lead_in_tokens[1:-1]
    if not verb.text[:1].isupper() or verb.lower_ not in _PAST_SPEECH or len(phrase) > _MAX_INVERTED_WORDS:
        return None
    if any(t.is_punct or t.pos_ in ("VERB", "AUX", "ADP") for t in phrase):
        return None
    names = [t for t in phrase if t.tag_ in ("NNP", "NNPS")]
    nouns = [t for t in phrase if t.pos_ in ("NOUN", "PRON")]
    # a common noun only with a determiner ("Added the senator:"), not a heading ("Stated goals:")
    determined = phrase[0].pos_ == "DET"
    subject = names[-1] if names else (nouns[-1] if nouns and determined else None)
    if subject is None:
        return None
    return _Attribution(verb.text, subject, art.char(verb, para), "before")


_CREDIT_DASHES = "―—–-"


def _dash_credit(art: _Article, para: _Para, span: QuoteSpan, inside: list) -> _Attribution | None:
    """“…” ― Krystal Correa: a name set after a dash credits the quote (reader quotes, epigraphs)."""
    if span.runs_on:
        return None
    rest = art.body[span.outer_end:_next_open(art, span)]
    stripped = rest.lstrip()
    if not stripped or stripped[0] not in _CREDIT_DASHES:
        return None
    start = span.outer_end + len(rest) - len(stripped)
    after_dash = stripped.lstrip(_CREDIT_DASHES + " \u00a0")
    name_start = start + len(stripped) - len(after_dash)
    return _first_named(art, para, name_start, min(name_start + 80, _next_open(art, span)), within=3)


def _first_named(art: _Article, para: _Para, start: int, end: int, within: int):
    found = [m for m in art.mentions_in(start, end)
             if m.label in ("PERSON", "ORG") and m.char_start - start <= within and m.entity_key in art.entities]
    if not found:
        return None
    head = _token_ending_at(art, para, found[0].char_end)
    return _Attribution(None, head, found[0].char_start, "dash") if head is not None else None


def _named_head(art: _Article, para: _Para, start: int, end: int):
    """The last token of the last PERSON/ORG mention between `start` and `end`."""
    found = [m for m in art.mentions_in(start, end) if m.label in ("PERSON", "ORG") and m.entity_key in art.entities]
    return _token_ending_at(art, para, found[-1].char_end) if found else None


def _token_ending_at(art: _Article, para: _Para, char_end: int):
    inside = [t for t in para.tokens if art.char(t, para) < char_end]
    return inside[-1] if inside else None


def _according_to(art: _Article, para: _Para, span: QuoteSpan, inside: list) -> _Attribution | None:
    """“…,” according to X. / According to X, “…”"""
    before = _outside_tokens(art, para, _prev_close(art, span), span.open_mark)
    after = _outside_tokens(art, para, span.outer_end, _next_open(art, span))[:_AFTER_WINDOW]
    for tok in after + before[::-1]:
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
            to = tok.doc[tok.i + 1]
            objects = [c for c in to.children if c.dep_ == "pobj"]
            subject = objects[0] if objects else (tok.doc[to.i + 1] if to.i + 1 < len(tok.doc) else None)
            return _Attribution("according to", subject, art.char(tok, para), "according")
    return None


def _colon_paragraph(art: _Article, span: QuoteSpan) -> _Attribution | None:
    """A quote opening a paragraph right after a paragraph that ends "… said:"."""
    if span.open_mark != span.paragraph_start:
        return None
    prev_para = art.para_of(span.paragraph_start - 1) or _para_before(art, span.paragraph_start)
    if prev_para is None or not prev_para.segment.text.rstrip().endswith(":"):
        return None
    last_sentence = [t for t in prev_para.tokens[-1].sent if not t.is_space] if prev_para.tokens else []
    inverted = _verb_first(art, prev_para, last_sentence, prev_para.segment.text.rstrip())
    if inverted is not None:
        inverted.how = "colon"
        _resolve_speaker(art, prev_para, inverted)
        return inverted
    for tok in reversed(prev_para.tokens):
        if tok.text in _SENTENCE_END:
            break
        if is_speech_verb(tok) and not art.in_quote(art.char(tok, prev_para)):
            att = _Attribution(cue_text(tok), _subject_of(art, prev_para, tok), art.char(tok, prev_para), "colon")
            _resolve_speaker(art, prev_para, att)
            return att
    return None


def _para_before(art: _Article, char: int) -> _Para | None:
    earlier = [p for p in art.paras if p.offset < char]
    return earlier[-1] if earlier else None


def _inherit(art: _Article, spans: list[QuoteSpan], atts: list[_Attribution | None]) -> None:
    """Quotes with no cue take the speaker of the quote they continue."""
    # A quote running over several paragraphs is usually attributed in its last paragraph; share
    # that attribution backwards along the run first.
    for k in range(len(spans) - 2, -1, -1):
        if spans[k].runs_on and atts[k] is None and atts[k + 1] is not None:
            atts[k] = _inherited(atts[k + 1])
    for k in range(1, len(spans)):
        if atts[k] is not None:
            continue
        prev, cur = spans[k - 1], spans[k]
        if atts[k - 1] is None:
            continue
        same_para = prev.paragraph == cur.paragraph
        run = prev.runs_on and cur.paragraph == prev.paragraph + 1
        next_para_opening = (cur.paragraph == prev.paragraph + 1 and cur.open_mark == cur.paragraph_start
                             and _last_in_paragraph(spans, k - 1))
        if same_para or run or next_para_opening:
            if same_para and _other_speaker_between(art, prev, cur):
                continue
            atts[k] = _inherited(atts[k - 1])
    for k, span in enumerate(spans):
        if atts[k] is None and span.open_mark == span.paragraph_start:
            atts[k] = _lead_paragraph(art, spans, span)


def _lead_paragraph(art: _Article, spans: list[QuoteSpan], span: QuoteSpan) -> _Attribution | None:
    """A quote opening a paragraph with no cue of its own, right after a paragraph without quotes
    whose last sentence is about a person ("Viguerie is upbeat about Cruz’s chances." / "“Not only
    can Ted Cruz win …”"): news writing introduces the speaker first and lets the quote follow."""
    if any(s.paragraph == span.paragraph - 1 for s in spans):
        return None
    outside = art.body[span.paragraph_start:span.paragraph_end]
    for s in spans:
        if s.paragraph == span.paragraph:
            outside = outside.replace(art.body[s.open_mark:s.outer_end], " ")
    if _WORDS.search(outside):
        return None  # the paragraph has words of its own: its cue was missed, not left out
    prev_para = _para_before(art, span.paragraph_start)
    if prev_para is None or not prev_para.tokens:
        return None
    sentence = list(prev_para.tokens[-1].sent)
    roots = [t for t in sentence if t.dep_ == "ROOT" and t.pos_ in ("VERB", "AUX")]
    if not roots:
        return None
    root = roots[0]
    subject = _subject_of(art, prev_para, root) if is_speech_verb(root) else next(
        (c for c in root.children if c.dep_ in _SUBJECT_DEPS), None)
    if subject is None:
        return None
    att = _Attribution(cue_text(root) if is_speech_verb(root) else None, subject, art.char(root, prev_para), "lead")
    _resolve_speaker(art, prev_para, att)
    entity = art.entities.get(att.speaker_entity_key or "")
    if entity is None or entity.label != "PERSON":
        return None
    return att


def _last_in_paragraph(spans: list[QuoteSpan], k: int) -> bool:
    return k + 1 >= len(spans) or spans[k + 1].paragraph != spans[k].paragraph


def _other_speaker_between(art: _Article, prev: QuoteSpan, cur: QuoteSpan) -> bool:
    """Between two quotes of a paragraph, a reporting verb that is not about the first quote."""
    para = art.para_of(prev.open_mark)
    if para is None:
        return False
    between = _outside_tokens(art, para, prev.outer_end, cur.open_mark)
    seen_end = False
    for tok in between:
        if tok.text in _SENTENCE_END:
            seen_end = True
        elif seen_end and is_speech_verb(tok):
            return True
    return False


def _inherited(att: _Attribution) -> _Attribution:
    return _Attribution(att.cue, att.subject, att.cue_char, "inherited", att.speaker, att.speaker_mention,
                        att.speaker_entity_key)


# ---------------------------------------------------------------- the speaker

def _subject_of(art: _Article, para: _Para, verb):
    """The subject of a reporting verb, climbing to the verb it hangs off when it has none."""
    before = verb.doc[verb.i - 1] if verb.i > 0 else None
    if verb.tag_ == "VBG" and before is not None and before.dep_ == "pobj" and before.head.lower_ == "of" \
            and _is_person_token(art, para, before):
        # "footage of Hillary Clinton asking …", "a video of Trump saying …": a participle right
        # after a person shown in a recording reports that person's words, however the parser hung it
        return before
    head = verb
    if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "conj", "xcomp"):
        # "Trump told Newsmax that Romney “…,” adding, “…”": the parser hangs the participle on
        # the reported clause, but it continues the reporting one
        reporting = _reporting_verb_above(verb.head)
        if reporting is not None and not art.in_quote(art.char(reporting, para)):
            head = reporting
    for _ in range(5):
        # the subject nearest the verb: a dateline ("LONDON (Reuters) - Donald Trump said") is
        # often parsed as a second subject further away
        subjects = sorted((c for c in head.children if c.dep_ in _SUBJECT_DEPS and art.outside(c, para)),
                          key=lambda c: abs(c.i - head.i))
        for c in subjects[:1]:
            if c.lower_ in ("who", "that") and head.dep_ == "relcl":
                return _publisher(art, para, head.head) or head.head
            if c.dep_ == "nsubjpass" and head.lower_ in _ADDRESSED_FORMS:
                # "Rubio was asked by the moderator whether …": the words are the asker's, and
                # the passive subject is only the one addressed
                return _agent_of(head)
            return c
        if head.dep_ == "relcl":
            return head.head
        if head.dep_ in _CLIMB_DEPS and head.head.i != head.i:
            via_noun = head.dep_ == "acl"
            if via_noun and _is_person_token(art, para, head.head):
                # "footage of Hillary Clinton asking …", "a man shouting …": the participle
                # describes the person who speaks, not the clause around them
                return head.head
            head = head.head
            # "Clinton released a statement saying …": from the noun the participle describes,
            # on to the verb whose object it is
            while via_noun and head.dep_ in ("dobj", "pobj", "prep", "attr") and head.head.i != head.i:
                head = head.head
            # "X said when a reporter asked him, adding …": a participle hangs off the main clause,
            # whatever time clause the parser attached it to; a concessive or causal clause
            # ("though he used stronger language, saying …") is the participle's own
            while head.dep_ == "advcl" and head.head.i != head.i and verb.tag_ == "VBG" and any(
                    c.dep_ in ("mark", "advmod") and c.tag_ in ("WRB", "IN") and c.lower_ not in _OWN_CLAUSE_MARKS
                    for c in head.children):
                head = head.head
            continue
        break
    return _adjacent_subject(art, para, verb)


def _reporting_verb_above(token, steps: int = 3):
    """The reporting verb whose reported clause holds `token`, within a few steps up the parse."""
    for _ in range(steps):
        if token.dep_ == "ccomp" and is_speech_verb(token.head):
            return token.head
        if token.head.i == token.i:
            return None
        token = token.head
    return None


def _publisher(art: _Article, para: _Para, thing):
    """For a thing that carries words ("released a letter that says …", "hoisted a sign that
    read …"), the person who put it out: the subject of the verb it is the object of, when that
    subject names someone (a person, a pronoun for one, or a name). None when the thing is itself
    a person or has no such owner."""
    if thing.pos_ != "NOUN" or thing.dep_ != "dobj" or _is_person_token(art, para, thing):
        return None
    verb = thing.head
    subject = next((c for c in verb.children if c.dep_ == "nsubj" and art.outside(c, para)), None)
    if subject is None:
        return None
    if subject.lower_ in _PERSONAL_SUBJECTS or subject.pos_ == "PROPN" or _is_person_token(art, para, subject):
        return subject
    return None


_OWN_CLAUSE_MARKS = {"though", "although", "because", "since", "if", "unless", "whereas"}

_ADDRESSED_FORMS = {"asked", "told", "questioned", "pressed", "interviewed", "informed", "assured", "advised",
                    "urged", "warned", "reminded", "thanked", "begged", "accused", "criticized", "criticised"}


def _agent_of(verb):
    """The object of a passive verb's "by" phrase, or None."""
    for c in verb.children:
        if c.dep_ == "agent":
            objects = [o for o in c.children if o.dep_ == "pobj"]
            if objects:
                return objects[0]
    return None


def _is_person_token(art: _Article, para: _Para, token) -> bool:
    """A token that names or stands for a person: inside a PERSON mention, or a personal noun
    phrase spaCy labels PERSON."""
    if token.ent_type_ == "PERSON":
        return True
    c = art.char(token, para)
    return any(m.label == "PERSON" for m in art.mentions_in(c, c + len(token.text)))


_SKIP_BEFORE_VERB = {"also", "has", "have", "had", "later", "then", "again", "further", "once", "previously",
                     "recently", "repeatedly", "quickly", "simply", "just", "would", "will", "then", "only"}
_NOT_NAMES = {"DATE", "TIME", "CARDINAL", "ORDINAL"}


def _adjacent_subject(art: _Article, para: _Para, verb):
    """When the parse gives the verb no subject (long sentence openers often swallow it), the noun
    right before the verb ("… former president Bill Clinton said") or the name right after it
    ("said former president Bill Clinton")."""
    doc = verb.doc
    k = verb.i - 1
    while k >= 0 and (doc[k].lower_ in _SKIP_BEFORE_VERB or doc[k].tag_ in ("RB", "MD")):
        if _name_read_as_modal(art, para, doc[k]):
            return doc[k]
        k -= 1
    k = _skip_aside(doc, k, verb.sent.start)
    if k >= 0 and doc[k].pos_ in ("PROPN", "NOUN", "PRON") and not art.in_quote(art.char(doc[k], para)) \
            and doc[k].ent_type_ not in _NOT_NAMES:
        return doc[k]
    k, last_name, last_noun = verb.i + 1, None, None
    while k < len(doc) and _in_inverted_subject(doc[k]) \
            and doc[k].ent_type_ not in _NOT_NAMES and not art.in_quote(art.char(doc[k], para)):
        if doc[k].tag_ in ("NNP", "NNPS") or doc[k].text[:1].isupper():
            last_name = doc[k]
        elif doc[k].tag_ in ("NN", "NNS"):
            last_noun = doc[k]
        k += 1
    if last_name is not None:
        return last_name
    # "“…,” said the woman, who …": right after a quote, a plain noun phrase closed by punctuation
    # is the inverted subject, however the parser attached it
    after_quote = verb.i > 0 and art.in_quote(art.char(doc[verb.i - 1], para))
    if after_quote and k == verb.i + 1 and k + 1 < len(doc) and doc[k].lower_ in _COUNTING_WORDS \
            and doc[k + 1].is_punct:
        # "“America is great!” read one.": a counting word alone stands for one of the things just
        # mentioned
        return doc[k]
    closed = k >= len(doc) or doc[k].is_punct
    return last_noun if after_quote and closed else None


_COUNTING_WORDS = {"one", "another", "others", "some", "many", "several"}


def _in_inverted_subject(token) -> bool:
    """A word that can belong to a noun phrase set after its verb ("said retired neurosurgeon Ben
    Carson"); a capitalised adverb is a name the tagger missed ("said Skelly")."""
    if token.tag_ in ("DT", "JJ", "NN", "NNS", "NNP", "NNPS", "HYPH"):
        return token.tag_ != "NNS" or token.dep_ != "npadvmod"
    if token.tag_ in ("VBN", "VBG") and token.dep_ == "amod":
        return True
    return token.tag_ == "RB" and token.text[:1].isupper()


def _name_read_as_modal(art: _Article, para: _Para, token) -> bool:
    """A capitalised "Will" or "May" right after a closing quote mark is a surname the tagger read
    as a modal ("“…,” Will wrote.")."""
    if token.tag_ != "MD" or not token.text[:1].isupper() or token.i == 0:
        return False
    before = token.doc[token.i - 1]
    return before.is_punct and art.in_quote(art.char(before, para))


_MAX_ASIDE = 30


def _skip_aside(doc, k: int, sentence_start: int) -> int:
    """Step back over a parenthesis or a comma-enclosed aside that ends at token k ("Paul Ryan
    (R-WI) said", "Bill Eastland, wearing a cowboy hat, said"), to the word before it."""
    if k < 0:
        return k
    if doc[k].text == ")":
        j = k - 1
        while j >= max(sentence_start, k - _MAX_ASIDE) and doc[j].text != "(":
            j -= 1
        return j - 1 if j >= sentence_start and doc[j].text == "(" else k
    if doc[k].text == ",":
        j = k - 1
        while j >= max(sentence_start, k - _MAX_ASIDE) and doc[j].text not in (",", ".", ";", ":"):
            j -= 1
        if j > sentence_start and doc[j].text == "," and doc[j - 1].pos_ in ("PROPN", "NOUN"):
            return j - 1
    return k


def _phrase_bounds(art: _Article, para: _Para, head) -> tuple[int, int]:
    """Token range of the noun phrase headed by `head`: its left modifiers and the head itself."""
    start = head.i
    for c in head.lefts:
        if c.dep_ in ("compound", "amod", "det", "poss", "nmod", "nummod", "quantmod", "case", "punct", "prep"):
            start = min(start, c.left_edge.i)
    doc = head.doc
    while start < head.i and (doc[start].is_punct or art.in_quote(art.char(doc[start], para))):
        start += 1
    for k in range(head.i - 1, start - 1, -1):
        spaced_dash = doc[k].text == "-" and k > 0 and bool(doc[k - 1].whitespace_)
        if doc[k].text in (",", "(", ")", "—", "–") or spaced_dash or art.in_quote(art.char(doc[k], para)):
            start = k + 1
            break
    end = head.i + 1
    # a name that spaCy attached flat to the right ("said Peskov Dmitry")
    while end < len(doc) and doc[end].dep_ in ("flat", "compound") and doc[end].head.i == head.i:
        end += 1
    return start, end


def _resolve_speaker(art: _Article, para: _Para, att: _Attribution) -> None:
    subject = att.subject
    if subject is None:
        return
    start, end = _phrase_bounds(art, para, subject)
    doc = subject.doc
    phrase = doc[start:end]
    c_start, c_end = art.char(phrase[0], para), art.char(phrase[-1], para) + len(phrase[-1].text)
    c_start = min(art.quote_end_after(c_start), c_end)
    if c_start <= att.cue_char < c_end and att.cue:
        # a verb-first lead-in the tagger read as part of the name ("Stated Stone"): the mention
        # starts after the cue
        c_start = min(att.cue_char + len(att.cue), c_end)
    att.speaker_mention = art.body[c_start:c_end].strip() or None
    entity = _entity_in(art, c_start, c_end)
    if entity is None:
        for appos in (c for c in subject.children if c.dep_ == "appos"):
            a = art.char(appos.left_edge, para)
            b = art.char(appos.right_edge, para) + len(appos.right_edge.text)
            entity = _entity_in(art, a, b)
            if entity is not None:
                break
    if entity is None and subject.lower_ in _PERSONAL:
        entity = _recent_person(art, att.cue_char)
    elif entity is None and subject.pos_ == "NOUN" and subject.lower_ not in _PRONOUNS:
        entity = _person_with_role(art, subject.lower_, att.cue_char)
    if entity is not None:
        att.speaker, att.speaker_entity_key = entity.name, entity.entity_key
        relative = _relative_pronoun(art, para, subject, att.cue_char)
        if relative is not None:
            # "Weaver, who said …": the words as written name the speaker "who"; the antecedent
            # is what `speaker` resolves it to
            att.speaker_mention = relative.text


def _relative_pronoun(art: _Article, para: _Para, antecedent, cue_char: int):
    """The relative pronoun subject ("who", "that") of the relative clause on `antecedent` that
    holds the cue, or None when the cue is not inside such a clause."""
    for clause in antecedent.children:
        if clause.dep_ != "relcl":
            continue
        if not art.char(clause.left_edge, para) <= cue_char <= art.char(clause.right_edge, para):
            continue
        pronoun = next((c for c in clause.children if c.dep_ in _SUBJECT_DEPS and c.lower_ in ("who", "that")), None)
        if pronoun is not None and art.outside(pronoun, para):
            return pronoun
    return None


_LABEL_RANK = {"PERSON": 0, "ORG": 1, "GPE": 2, "NORP": 3, "FAC": 4}


def _entity_in(art: _Article, start: int, end: int) -> Entity | None:
    found = [m for m in art.mentions_in(start, end) if m.label in _LABEL_RANK and m.entity_key in art.entities]
    if not found:
        return None
    best = min(found, key=lambda m: (_LABEL_RANK[m.label], -m.char_end))
    return art.entities[best.entity_key]


def _is_person(art: _Article, m: Mention) -> bool:
    e = art.entities.get(m.entity_key)
    return m.label == "PERSON" and e is not None and e.label == "PERSON"


def _recent_person(art: _Article, before: int) -> Entity | None:
    """The most recent PERSON mentioned before `before` outside quotes; one that is the subject of
    its clause wins over a more recent one that is not (pronouns usually continue the topic)."""
    candidates = [m for m in art.mentions if m.char_end <= before and _is_person(art, m)
                  and not art.in_quote(m.char_start)]
    if not candidates:
        return None
    recent = candidates[-4:]
    for m in reversed(recent):
        if _is_subject_mention(art, m):
            return art.entities[m.entity_key]
    return art.entities[candidates[-1].entity_key]


def _is_subject_mention(art: _Article, m: Mention) -> bool:
    para = art.para_of(m.char_start)
    if para is None:
        return False
    for t in para.tokens:
        c = art.char(t, para)
        if m.char_start <= c < m.char_end and t.head.i == t.i or (m.char_start <= c < m.char_end
                                                                   and not (m.char_start <= art.char(t.head, para) < m.char_end)):
            return t.dep_ in _SUBJECT_DEPS
    return False


def _person_with_role(art: _Article, role: str, before: int) -> Entity | None:
    """The most recent PERSON introduced with `role` ("spokesman Dmitry Peskov", title "Spokesman")."""
    for m in reversed([m for m in art.mentions if m.char_end <= before and _is_person(art, m)]):
        e = art.entities[m.entity_key]
        lead = art.body[max(0, m.char_start - 40):m.char_start].lower()
        if (e.title and role in e.title.lower()) or re.search(rf"\b{re.escape(role)}\W*$", lead):
            return e
    return None


# ---------------------------------------------------------------- quote or not

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
    return source is not None and source.speaker_entity_key is not None


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
