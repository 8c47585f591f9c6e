"""Finding the cue in the words next to the quote, within its own sentence.

The parse of a sentence broken up by quote marks is often wrong, and most attributions sit right
beside the quote anyway, so these patterns read the tokens outside the marks on either side:
- a person named right before the colon that opens the quote ("… doesn’t surprise pollster
  Daron Shaw: “…”"), or a verb-first lead-in ("Stated Stone:", "Added the senator, “…”");
- the words right after the quote ("“…,” Peskov said", "“…,” said Peskov"), including a short
  person-plus-verb sentence whatever the verb ("“…,” an angry Hollande retaliated.");
- the words right before it ("Peskov said: “…”"), a reporting aside set off by commas ("Her
  countrymen, she said, should not heed “…”"), "as X put it", or a name alone before a colon as
  in a transcript;
- "according to X" on either side;
- a name after a dash ("“…” ― Krystal Correa"), as under reader quotes and epigraphs.
Each pattern returns an `_Attribution` (the cue and the token heading the speaker phrase) or None.
"""
from __future__ import annotations

import re

from etl.nlp.quotes.article import _SENTENCE_END, _SUBJECT_DEPS, _Article, _Attribution, _Para, _outside_tokens
from etl.nlp.quotes.cues import SPEECH_FORMS, WEAK_FORMS, cue_text, is_speech_verb, is_strong_cue
from etl.nlp.quotes.governor import _SPEECH_NOUNS, _quoted_subject
from etl.nlp.quotes.marks import QuoteSpan
from etl.nlp.quotes.speaker import _is_person
from etl.nlp.quotes.subject import _ADDRESSED_FORMS, _is_person_token, _subject_of

_AFTER_WINDOW = 15  # tokens after a quote within which its "… said X" must start


def _next_open(art: _Article, span: QuoteSpan) -> int:
    later = [s.open_mark for s in art.spans if s.paragraph == span.paragraph and s.open_mark > span.open_mark]
    return min(later) if later else span.paragraph_end


def _prev_close(art: _Article, span: QuoteSpan) -> int:
    earlier = [s.outer_end for s in art.spans if s.paragraph == span.paragraph and s.open_mark < span.open_mark]
    return max(earlier) if earlier else span.paragraph_start


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
    if head is None or _addressed(head):
        return None
    return _Attribution(None, head, people[-1].char_start, "before")


# Prepositions that make the name after them the one addressed or the medium ("a blunt message to
# Trump: “…”", "later that month on CNN: “…”"), not the one speaking ("a statement from Clinton:").
_TO_WHOM = frozenset({"to", "on", "at", "for", "against", "toward", "towards", "about"})


def _addressed(token) -> bool:
    return token.dep_ == "pobj" and token.head.lower_ in _TO_WHOM


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
        if _cue_after_quote(art, para, tok) and not (ends_sentence and _new_statement(art, para, tok)) \
                and not (art.body[span.end - 1] not in ",?!" and _quoted_subject(tok, {t.i for t in inside})):
            # (not "the threat that “Islamic terrorism” poses": quoted words run on into the verb
            # they are the subject of; a quote closed by a comma is the parser's usual mistake)
            return _Attribution(cue_text(tok), _subject_of(art, para, tok), art.char(tok, para), "after")
    return _manner_of_saying(art, para, span, window)


def _new_statement(art: _Article, para: _Para, verb) -> bool:
    """After a quote that closed its sentence, "Trump has also announced a kind of solidarity …":
    a verb with its subject before it and a thing as its object reports that thing, not the
    quote (the one told, "Trump told reporters.", is no such object)."""
    if verb.lower_ in _ADDRESSED_FORMS:
        return False
    if not any(c.dep_ == "nsubj" and c.i < verb.i for c in verb.children):
        return False
    return any(c.dep_ == "dobj" and c.i > verb.i and c.pos_ in ("NOUN", "PROPN") and not c.ent_type_
               and not art.in_quote(art.char(c, para)) for c in verb.children)


_ADJACENT_CUE_TOKENS = 3


def _comma_then_cue(art: _Article, para: _Para, span: QuoteSpan, inside: list) -> _Attribution | None:
    """“…,” Finch said, after a reporter said …: a quote closed by a comma and followed at
    once by its reporting verb is attributed there, whatever clause the parser hung it on (it
    often makes the quote the complement of a later verb)."""
    if span.runs_on or art.body[span.end - 1:span.end] != ",":
        return None
    window = _outside_tokens(art, para, span.outer_end, _next_open(art, span))[:_ADJACENT_CUE_TOKENS]
    for tok in window:
        if tok.text in _SENTENCE_END or tok.text == "," or tok.dep_ == "mark" or tok.pos_ == "SCONJ":
            break  # (“…,” when Quill attacked her: a time clause, not the attribution)
        if _cue_after_quote(art, para, tok):
            return _Attribution(cue_text(tok), _subject_of(art, para, tok), art.char(tok, para), "after")
    return None


def _cue_after_quote(art: _Article, para: _Para, tok) -> bool:
    """A reporting verb after a quote that reports it: not one with a clause of its own, nor a
    passive ("the deputy was charged with fraud" reports no words), nor one that opens a colon
    ("After Scalia said they might do better at “…,” Trump said: “…”" introduces what follows)."""
    return (is_strong_cue(tok) and not _has_own_clause(art, para, tok)
            and not any(c.dep_ == "auxpass" for c in tok.children) and not _opens_colon(art, para, tok))


def _opens_colon(art: _Article, para: _Para, verb) -> bool:
    end = art.char(verb, para) + len(cue_text(verb))
    return art.body[end:end + 2].lstrip().startswith(":")


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
        # the clause that introduces the quote, not one inside it ("Clinton apologized for what
        # happened: “…”": "what happened" is the object of the preposition)
        main = [t for t in verbs if t.dep_ not in _INNER_CLAUSE_DEPS] or verbs
        if main:
            return _Attribution(cue_text(main[-1]), _subject_of(art, para, main[-1]), art.char(main[-1], para),
                                "before")
        # "Rep. Trey Gowdy (R-S.C.): “…”", "Here’s Clinton in December 1992: “…”": a name alone
        # introduces the quote, as in a transcript
        named = _named_head(art, para, art.char(window[0], para), span.open_mark)
        if named is not None and not _addressed(named):
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


_INNER_CLAUSE_DEPS = frozenset({"pcomp", "pobj", "relcl", "acl", "csubj"})
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


def _possessed_remark(art: _Article, para: _Para, span: QuoteSpan, inside: list) -> _Attribution | None:
    """Obama's “if you like your plan, you can keep it” promise: words set between a person's
    possessive and a noun of saying are that person's, however the parser joined them."""
    lead_start = max(span.paragraph_start, span.open_mark - _MAX_POSSESSIVE_GAP)
    lead_in = art.body[lead_start:span.open_mark].rstrip()
    if not lead_in.endswith(("'s", "’s", "s'", "s’")):
        return None
    noun = re.match(r"\s*(\w+)", art.body[span.outer_end:span.outer_end + 40])
    if noun is None or noun.group(1).lower() not in _SPEECH_NOUNS:
        return None
    owner_end = lead_start + len(lead_in) - (2 if lead_in.endswith("s") else 1)
    people = [m for m in art.mentions_in(max(span.paragraph_start, owner_end - 60), owner_end)
              if _is_person(art, m) and m.char_end == owner_end]
    if not people:
        return None
    head = _token_ending_at(art, para, people[-1].char_end)
    if head is None:
        return None
    return _Attribution(noun.group(1), head, span.outer_end + noun.start(1), "governor")


_MAX_POSSESSIVE_GAP = 4
_CREDIT_DASHES = "―—–-"


def _dash_credit(art: _Article, para: _Para, span: QuoteSpan, inside: list) -> _Attribution | None:
    """“…” ― Krystal Correa: a name set after a dash credits the quote (reader quotes, epigraphs)."""
    if span.runs_on:
        return None
    rest = art.body[span.outer_end:_next_open(art, span)]
    stripped = rest.lstrip()
    start = span.outer_end + len(rest) - len(stripped)
    limit = _next_open(art, span)
    if not stripped and limit == span.paragraph_end and not art.body[span.paragraph_start:span.open_mark].strip():
        # a paragraph that is only the quote, credited on a line of its own below it ("“…” ¶ - Hillary Clinton.")
        following = next((p for p in art.paras if p.offset >= span.paragraph_end), None)
        if following is None or len(following.segment.text.split()) > _MAX_CREDIT_LINE_WORDS:
            return None
        para, start = following, following.offset
        stripped, limit = following.segment.text, following.offset + len(following.segment.text)
    if not stripped or stripped[0] not in _CREDIT_DASHES:
        return None
    after_dash = stripped.lstrip(_CREDIT_DASHES + " \u00a0")
    name_start = start + len(stripped) - len(after_dash)
    return _first_named(art, para, name_start, min(name_start + 80, limit), within=3)


_MAX_CREDIT_LINE_WORDS = 8


def _verbless_credit(art: _Article, para: _Para, span: QuoteSpan, inside: list) -> _Attribution | None:
    """“…,” Trump from his desk. A quote closed by a comma and followed by a name whose sentence
    ends without any verb: the writer left out "said", and the name is the speaker."""
    if span.runs_on or art.body[span.end - 1:span.end] != ",":
        return None
    window = _outside_tokens(art, para, span.outer_end, _next_open(art, span))
    rest = []
    for tok in window:
        if tok.text in _SENTENCE_END:
            break
        rest.append(tok)
    if not rest or len(rest) > _MAX_CREDIT_LINE_WORDS or any(t.pos_ in ("VERB", "AUX") for t in rest[1:]):
        return None
    start = art.char(rest[0], para)
    found = [m for m in art.mentions_in(start, start + 80) if m.char_start == start and m.entity_key in art.entities]
    if found:
        return _first_named(art, para, start, start + 80, within=0) if _is_person(art, found[0]) else None
    if rest[0].text.istitle() and rest[0].is_alpha and any(
            e.label == "PERSON" and len(e.name.split()) > 1 and e.name.split()[-1] == rest[0].text
            for e in art.entities.values()):
        # the tagger, finding no verb, read the surname as one ("…,” Trump from his desk."); the
        # article names that person in full
        return _Attribution(None, rest[0], start, "verbless")
    return None


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
