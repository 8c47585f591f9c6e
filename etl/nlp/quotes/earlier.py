"""Finding the cue before the quote's sentence, and carrying a speaker on to the quotes that follow.

When nothing in its own sentence attributes a quote, news writing has usually named the speaker
earlier: a paragraph ending "… said:" right before the quote's paragraph, or a sentence of the
same paragraph that reports someone's words ("Trump said he would win. “We will win big.”").
Quotes with still no cue inherit the speaker of the quote they continue: the earlier part of a
quote split by its attribution ("“A,” she said. “B.”"; not when a later sentence between the two
reports someone's words), the other paragraphs of a quote running over several (shared backwards
from the paragraph that carries the attribution), or a quote in the paragraph just before (a bare
quote paragraph continues the last speaker). A bare quote paragraph after a paragraph about a
person takes that person ("Viguerie is upbeat about Cruz’s chances." / "“Not only can Ted Cruz
win …”"). Before any of that, a paragraph that is nothing but a quote with no cue (a pull quote, a
heading) takes the speaker of a quote elsewhere in the article with those words.
"""
from __future__ import annotations

import bisect
import itertools

from etl.nlp.quotes.article import (_SENTENCE_END, _SUBJECT_DEPS, _WORDS, _Article, _Attribution, _Para,
                                    _outside_tokens)
from etl.nlp.quotes.cues import WEAK_FORMS, cue_text, is_speech_verb
from etl.nlp.quotes.governor import _clause_source
from etl.nlp.quotes.marks import QuoteSpan
from etl.nlp.quotes.nearby import _verb_first
from etl.nlp.quotes.speaker import _resolve_speaker
from etl.nlp.quotes.subject import _subject_of


def _previous_sentence(art: _Article, para: _Para, span: QuoteSpan) -> _Attribution | None:
    """A quote opening a sentence, right after a sentence of the same paragraph that reports
    someone's words ("Trump said he would win. “We will win big.”")."""
    lead_in = art.body[span.paragraph_start:span.open_mark].rstrip()
    if not lead_in or lead_in[-1] not in ".!?”\"":
        return None
    last_sentence = _sentence_before(art, para, span)
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


def _sentence_before(art: _Article, para: _Para, span: QuoteSpan) -> list:
    """The tokens outside quotes of the paragraph's last sentence before the quote."""
    window = [t for t in _outside_tokens(art, para, span.paragraph_start, span.open_mark) if not t.is_space]
    ends = [k for k, t in enumerate(window[:-1]) if t.text in _SENTENCE_END]
    return window[ends[-1] + 1:] if ends else window


def _is_conditional(verb) -> bool:
    """A verb in a subordinate condition or time clause ("if asked", "when pressed"): it does not
    introduce what follows."""
    return any(c.dep_ == "mark" and c.lower_ in ("if", "when", "unless", "whenever") for c in verb.children)


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
    _repeated(art, spans, atts)
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
        next_para_opening = (cur.paragraph == prev.paragraph + 1 and _last_in_paragraph(spans, k - 1)
                             and (cur.open_mark == cur.paragraph_start or _framing_lead_in(art, cur)))
        if same_para or run or next_para_opening:
            between = _between(art, prev, cur) if same_para else None
            if between == "speaker":
                continue
            if between == "named":
                source = _clause_source(art, cur)
                if source is not None and source.speaker_entity_key is not None:
                    atts[k] = source  # the named person's own clause holds the quote
                    continue
            atts[k] = _inherited(atts[k - 1])
    for k, span in enumerate(spans):
        if atts[k] is None and span.open_mark == span.paragraph_start:
            atts[k] = _lead_paragraph(art, spans, span)
        elif atts[k] is None:
            atts[k] = _lead_sentence(art, span)


# A pull quote or a heading repeats words the text attributes: the same words (this many at least),
# or a stretch of this many words of a longer quote. Stretches are looked up for this many
# paragraphs of an article at most, and in so many quotes at most, so that an article made of
# quotes costs time linear in its length.
_MIN_REPEATED_WORDS, _MIN_EXCERPT_WORDS, _MAX_EXCERPT_LOOKUPS, _MAX_EXCERPT_MATCHES = 3, 6, 50, 5


def _repeated(art: _Article, spans: list[QuoteSpan], atts: list[_Attribution | None]) -> None:
    """A paragraph that is nothing but a quote with no cue, whose words another quote of the
    article repeats with a speaker of its own (a pull quote, a heading "‘We are hiring!’" above the
    paragraph that says who said it), or a stretch of such a quote's words, is that speaker's,
    wherever the two stand; not when quotes of different speakers hold those words. Within running
    text a repeated phrase is often someone echoing another's words ("Cruz's “New York values”"),
    so there it proves nothing."""
    words = [_WORDS.findall(art.body[s.start:s.end].lower()) for s in spans]
    keyed = [" " + " ".join(w) + " " for w in words]  # spaced at both ends: a stretch is whole words
    by_words: dict[str, list[int]] = {}
    for k, a in enumerate(atts):
        if a is not None and a.speaker_mention:
            by_words.setdefault(keyed[k], []).append(k)
    credited = [ks[0] for ks in by_words.values()]
    # one text of every credited quote, "\n" between them, for finding a stretch in any of them
    starts = list(itertools.accumulate((len(keyed[j]) + 1 for j in credited[:-1]), initial=0))
    joined = "\n".join(keyed[j] for j in credited)
    lookups = 0
    for k, att in enumerate(atts):
        if att is not None or len(words[k]) < _MIN_REPEATED_WORDS or not _alone(art, spans[k]):
            continue
        sources = by_words.get(keyed[k], [])
        if not sources and len(words[k]) >= _MIN_EXCERPT_WORDS and lookups < _MAX_EXCERPT_LOOKUPS:
            lookups += 1
            at = joined.find(keyed[k])
            for _ in range(_MAX_EXCERPT_MATCHES):
                if at < 0:
                    break
                n = bisect.bisect_right(starts, at) - 1  # the credited quote the stretch was found in
                sources.extend(by_words[keyed[credited[n]]])
                at = joined.find(keyed[k], starts[n] + len(keyed[credited[n]]))
        speakers = {atts[j].speaker_entity_key or atts[j].speaker_mention.lower() for j in sources}
        if len(speakers) == 1:
            atts[k] = _inherited(atts[sources[0]])


def _alone(art: _Article, span: QuoteSpan) -> bool:
    """The quote is its paragraph (a closing stop aside)."""
    return (not art.body[span.paragraph_start:span.open_mark].strip()
            and not art.body[span.outer_end:span.paragraph_end].strip(" .!?\t"))


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
    sentences = list(prev_para.tokens[-1].doc.sents)
    text = prev_para.segment.text
    aside = _closing_aside(text)
    if aside is not None and not any(m.label == "PERSON" for m in
                                     art.mentions_in(prev_para.offset + aside, prev_para.offset + len(text))):
        # a closing aside in brackets that names no one ("(The law requires …)") explains what the
        # person talked about; the sentence the aside follows says who is talking (it may hold the
        # bracket itself, after an abbreviation: "at 7 p.m. (6 p.m. Central).")
        last_before = len(text[:aside].rstrip()) - 1
        sentences = [s for s in sentences if s[0].idx <= last_before]
    return _about_person(art, prev_para, list(sentences[-1])) if sentences else None


_BRACKET_DEPTH = {")": 1, "(": -1}  # read from the end of the paragraph backwards


def _closing_aside(text: str) -> int | None:
    """Where a bracketed aside that closes the paragraph opens, or None."""
    text = text.rstrip()
    if not text.endswith((")", ").")):
        return None
    depth = 0
    for k in range(len(text) - 1, -1, -1):
        depth += _BRACKET_DEPTH.get(text[k], 0)
        if depth == 0 and text[k] == "(":
            return k if text[:k].rstrip().endswith((".", "!", "?")) else None
    return None


def _lead_sentence(art: _Article, span: QuoteSpan) -> _Attribution | None:
    """The same within a paragraph: a quote with no cue that ends its paragraph, right after a
    sentence about a person ("On “Face the Nation,” Sanders identified young voters’ exhaustion with
    bigotry as a reason to back Clinton. “The younger people are … sick and tired of discrimination
    and racism.”")."""
    if art.body[span.outer_end:span.paragraph_end].strip():
        return None
    lead_in = art.body[span.paragraph_start:span.open_mark].rstrip()
    if not lead_in or lead_in[-1] not in ".!?":
        return None
    para = art.para_of(span.open_mark)
    if para is None:
        return None
    att = _about_person(art, para, _sentence_before(art, para, span))
    if att is not None:
        att.cue = None  # a reporting verb there would have been taken as the cue already (`_previous_sentence`)
    return att


def _about_person(art: _Article, para: _Para, sentence: list) -> _Attribution | None:
    """The person a sentence is about: the subject of its main verb, when it names a person."""
    roots = [t for t in sentence if t.dep_ == "ROOT" and t.pos_ in ("VERB", "AUX")]
    if not roots:
        return None
    root = roots[0]
    subject = _subject_of(art, para, root) if is_speech_verb(root) else next(
        (c for c in root.children if c.dep_ in _SUBJECT_DEPS), None)
    if subject is None:
        return None
    att = _Attribution(cue_text(root) if is_speech_verb(root) else None, subject, art.char(root, para), "lead")
    _resolve_speaker(art, para, att)
    entity = art.entities.get(att.speaker_entity_key or "")
    if entity is None or entity.label != "PERSON":
        return None
    return att


_MAX_FRAMING_WORDS = 10


def _framing_lead_in(art: _Article, span: QuoteSpan) -> bool:
    """A paragraph that opens with only a time or place before a colon and the quote ("Then, later
    that month on CNN: “…”"): no verb and no person, so nobody new speaks; the quote continues the
    speaker before it, as a bare quote paragraph does."""
    lead_in = art.body[span.paragraph_start:span.open_mark].rstrip()
    if not lead_in.endswith(":") or len(lead_in.split()) > _MAX_FRAMING_WORDS:
        return False
    para = art.para_of(span.paragraph_start)
    if para is None:
        return False
    tokens = _outside_tokens(art, para, span.paragraph_start, span.open_mark)
    if any(t.pos_ in ("VERB", "AUX") for t in tokens):
        return False
    return not any(m.label == "PERSON" for m in art.mentions_in(span.paragraph_start, span.open_mark))


def _last_in_paragraph(spans: list[QuoteSpan], k: int) -> bool:
    return k + 1 >= len(spans) or spans[k + 1].paragraph != spans[k].paragraph


def _between(art: _Article, prev: QuoteSpan, cur: QuoteSpan) -> str | None:
    """What a later sentence between two quotes of a paragraph holds: "speaker", a reporting verb
    that is not about the first quote; "named", a subject named in its own right ("First, Trump
    identified the inspector as “Dutch”"), whose clause then holds the second quote; else None."""
    para = art.para_of(prev.open_mark)
    if para is None:
        return None
    seen_end = named = False
    for tok in _outside_tokens(art, para, prev.outer_end, cur.open_mark):
        if tok.text in _SENTENCE_END:
            seen_end = True
        elif seen_end and is_speech_verb(tok):
            return "speaker"
        elif seen_end and tok.dep_ in _SUBJECT_DEPS and tok.pos_ == "PROPN":
            named = True
    return "named" if named else None


def _inherited(att: _Attribution) -> _Attribution:
    return _Attribution(att.cue, att.subject, att.cue_char, "inherited", att.speaker, att.speaker_mention,
                        att.speaker_entity_key)
