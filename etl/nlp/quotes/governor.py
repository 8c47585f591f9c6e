"""Finding the cue in the dependency parse: the reporting verb whose complement holds the quote.

This covers colon and comma introductions and partial quotes inside reported speech ("added that
Ukraine “pretty well” backed"). Climbing up the parse from the quote's words, the first reporting
verb is the cue, unless it sits in a clause reported by an outer speaker who is named: then the
words are that outer reporter's ("Cruz said Rubio suggested the “stakes …”"). A noun of saying
with a possessor ("her remark that “…”", "Romney’s “47 percent” comment") names its speaker the
same way, unless the words hang on it by a preposition and so describe it ("called Trump's
statements on Sunday “childish”").

`_clause_source` climbs the same way for a quote with no reporting cue at all and takes the
subject of the outermost clause that embeds it ("Paul Ryan worried that the net was becoming
“…”"). That names a source for a stretch kept on its length, and is what lets `keep` keep a short
phrase quoted in a named source's clause.
"""
from __future__ import annotations

from etl.nlp.quotes.article import _SUBJECT_DEPS, _Article, _Attribution, _Para
from etl.nlp.quotes.cues import WEAK_FORMS, cue_text, is_speech_verb
from etl.nlp.quotes.marks import QuoteSpan
from etl.nlp.quotes.speaker import _indefinite, _names_a_person, _resolve_speaker
from etl.nlp.quotes.subject import _ADDRESSED_FORMS, _PERSONAL_SUBJECTS, _is_person_token, _subject_of


def _governor(art: _Article, para: _Para, span: QuoteSpan, inside: list) -> _Attribution | None:
    """A reporting verb outside the quote whose complement contains the quote."""
    inside_ids = {t.i for t in inside}
    for tok in inside:
        if tok.head.i in inside_ids or tok.head.i == tok.i:
            continue
        child, head = tok, tok.head
        first = named = None
        first_names = first_unnamed = aside = detached = False
        for _ in range(10):
            if art.in_quote(art.char(head, para)):
                break
            if first is None and head.lower_ in _SPEECH_NOUNS and head.pos_ in ("NOUN", "PROPN") \
                    and child.dep_ != "prep":
                # "her remark that “…”", "Romney’s “47 percent” comment": a noun of saying names
                # its speaker as its possessor; not words hung on it by a preposition, which
                # describe the remark ("called Trump's statements on Sunday “childish”")
                owner = next((c for c in head.children if c.dep_ == "poss" and art.outside(c, para)), None)
                if owner is not None:
                    return _Attribution(head.text, owner, art.char(head, para), "governor")
            if is_speech_verb(head) and not _quoted_subject(head, inside_ids) \
                    and not _object_gap(head, inside_ids):
                # (not a verb the quoted words themselves do, "the threat that “Islamic terrorism”
                # poses": climbing on finds the verb that reports them)
                if child.dep_ in _SUBJECT_DEPS or child.dep_ == "csubj":
                    break
                claim = _claimed_by(art, para, head) if first is None else None
                if claim is not None:
                    return claim
                att = _Attribution(cue_text(head), _subject_of(art, para, head), art.char(head, para), "governor")
                if first is None:
                    first, first_names = att, _names_someone(art, para, att)
                    # "a woman told him she worries he's “too nice”": someone unnamed said them
                    # (not one a relative clause describes: "told a young woman who suggested …")
                    # and only for what happened: "a reasonable person would call it “cruel”" is
                    # the outer speaker's own verdict
                    first_unnamed = not first_names and _unnamed_person(att.subject) and any(
                        c.i == att.subject.i and c.dep_ in _SUBJECT_DEPS for c in head.children) and not any(
                        c.dep_ == "neg" or c.tag_ == "MD" for c in head.children)
                    if head.lower_ not in WEAK_FORMS and first_names:
                        named = att
                elif head.lower_ not in WEAK_FORMS and (named is None or child.dep_ == "ccomp") and not aside \
                        and not first_unnamed:
                    # "Holm said the advertisement “unmistakably” suggests …", "Obama said he expected
                    # that Americans will say “no”": the words of a clause reported by an outer
                    # speaker are that speaker's, unless the first cue names its speaker and its
                    # clause is not the one reported (`_joined_on`)
                    detached = detached or (first_names and _joined_on(child))
                    if not detached and _names_someone(art, para, att):
                        named = att
            if head.head.i == head.i:
                break
            # a named speaker's own clause hung on the sentence as an aside ("…, to which Quill
            # interjected: “…”") is no part of what the outer speaker reports
            aside = aside or (named is not None and head.dep_ in ("advcl", "relcl") and named.subject is not None
                              and named.subject.pos_ == "PROPN")
            child, head = head, head.head
        if named is not None:
            return named
        if first is not None:
            return (None if first_names else _nearer_cue(art, para, first, inside)) or first
    return None


def _quoted_subject(verb, inside_ids: set[int]) -> bool:
    """The verb's subjects are all words of the quote ("the threat that “Islamic terrorism” poses"):
    the quoted words do what the verb says. Not when any word of the subject phrase lies outside
    the quote ("“Very good reporter, this guy,” Trump said", parsed with the quote as the subject and
    Trump in apposition to it)."""
    subjects = [c for c in verb.children if c.dep_ in _SUBJECT_DEPS]
    return bool(subjects) and all(t.i in inside_ids for c in subjects for t in c.subtree)


def _object_gap(verb, inside_ids: set[int]) -> bool:
    """A reporting verb in a relative clause whose object is the noun it describes ("Nothing the
    president said", "everything that Reyes promised"): what was said is that noun, so a quoted
    clause the parser hung on the verb is not its complement ("Nothing the president said “will
    ease the fears,” Webb said": the words say what Webb thinks of it)."""
    if verb.dep_ != "relcl" or not any(c.dep_ == "ccomp" and c.i in inside_ids for c in verb.children) \
            or not any(c.dep_ in _SUBJECT_DEPS and c.tag_ not in _RELATIVE_TAGS for c in verb.children):
        return False
    if any(c.dep_ in ("prep", "advmod") and (c.tag_ in _RELATIVE_TAGS or any(g.tag_ in _RELATIVE_TAGS for g in c.children))
           for c in verb.children):
        return False  # "the speech in which he said", "where he said": the gap is elsewhere
    relatives = [c for c in verb.children if c.tag_ in _RELATIVE_TAGS]
    if not relatives:
        # no relative word: the noun is the object unless it is when or how it was said ("The
        # moment Reyes declared “we are bankrupt,” the room went silent")
        noun = verb.head
        return noun.dep_ not in ("npadvmod", "advmod", "advcl") and noun.lower_ not in _WHEN_HOW_NOUNS
    return all(c.dep_ == "dobj" for c in relatives)


_WHEN_HOW_NOUNS = frozenset("""moment minute second instant time day night morning evening week month year
hour way reason place""".split())
_RELATIVE_TAGS = frozenset({"WDT", "WP", "WP$", "WRB"})
_MODALS = frozenset({"would", "could", "might", "may", "will", "’ll", "'ll", "’d", "'d", "should"})


def _claimed_by(art: _Article, para: _Para, verb) -> _Attribution | None:
    """"according to Trump, the media would call him a “chicken”": words someone only might say,
    in a clause given as another's account, are that other's claim; nobody has said them yet."""
    if not any(c.dep_ == "aux" and c.lower_ in _MODALS for c in verb.children):
        return None
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.lower_ != "according" or not art.outside(prep, para):
            continue
        to = next((c for c in prep.children if c.lower_ == "to"), None)
        source = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
        if source is not None:
            return _Attribution("according to", source, art.char(prep, para), "according")
    return None


def _nearer_cue(art: _Article, para: _Para, first: _Attribution, inside: list) -> _Attribution | None:
    """When the cue the parse gives names no one ("The spot concludes with footage of Trump saying
    during the debate, “…”"), a reporting verb between it and the quote that does name someone."""
    if not inside:
        return None
    cue = next((t for t in para.tokens if art.char(t, para) == first.cue_char), None)
    if cue is None:
        return None
    for tok in reversed(para.tokens[cue.i + 1:inside[0].i]):
        if tok.sent.start != cue.sent.start or art.in_quote(art.char(tok, para)):
            break
        if is_speech_verb(tok) and tok.lower_ not in WEAK_FORMS:
            att = _Attribution(cue_text(tok), _subject_of(art, para, tok), art.char(tok, para), "governor")
            return att if _names_someone(art, para, att) else None
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


def _unnamed_person(subject) -> bool:
    """"a woman", "one aide": a person the article does not name, not a thing ("an ad")."""
    return subject is not None and subject.pos_ == "NOUN" and _indefinite(subject) and _names_a_person(subject)


def _joined_on(child) -> bool:
    """The clause below reaches the outer verb joined on by "and" with a subject of its own ("Ryan
    saying he was “…” and Trump calling it a “…”") or hung on it by a preposition ("…, with
    Lewandowski taking to Twitter to call her “…”"): not as the clause the outer verb reports."""
    return child.dep_ == "prep" or (child.dep_ == "conj" and any(c.dep_ in _SUBJECT_DEPS for c in child.children))


def _names_someone(art: _Article, para: _Para, att: _Attribution) -> bool:
    """The cue's subject is a personal pronoun, a proper name, or links to a named entity (not "the
    ad", "his comments", "the process")."""
    if att.subject is None:
        return False
    if att.subject.lower_ in _PERSONAL_SUBJECTS:
        return True
    if att.subject.tag_ == "NNP" and att.subject.text[:1].isupper() and att.subject.dep_ in _SUBJECT_DEPS:
        return True  # a name the tagger left out of its entities ("to which Quill interjected: “…”")
    trial = _Attribution(att.cue, att.subject, att.cue_char, att.how)
    _resolve_speaker(art, para, trial)
    return trial.speaker is not None


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
                if subject is not None and subject.dep_ == "nsubjpass" and head.lower_ in _ADDRESSED_FORMS:
                    break  # "Trump was asked, “…?”": the one asked did not say the question
                viewer = _fronted_viewer(art, para, head)
                if viewer is not None:
                    subject = viewer  # "To Sharp, Trump is the “…” man who saved her farm": Sharp's view
                if subject is not None and subject.lower_ not in ("it", "this", "that", "there", "what"):
                    # the outermost clause holds the source ("Paul Ryan worried that the net was
                    # becoming “…”"), inner ones the topic of the words
                    found = (subject, head)
                    if head.dep_ == "conj":
                        break  # a coordinate clause with a subject of its own ("Boos rained down, and the crowd chanted “…”")
            if head.head.i == head.i:
                break
            child, head = head, head.head
        if found is not None:
            att = _Attribution(None, found[0], art.char(found[1], para), "clause")
            _resolve_speaker(art, para, att)
            return att
    return None


def _fronted_viewer(art: _Article, para: _Para, verb):
    """The person of a fronted "To X," on the clause ("To Sharp, Trump is the “…” man"): the
    clause gives that person's view."""
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.lower_ != "to" or prep.i != verb.sent.start:
            continue
        person = next((c for c in prep.children if c.dep_ == "pobj"), None)
        after = person.doc[person.i + 1] if person is not None and person.i + 1 < len(person.doc) else None
        if after is not None and after.text == "," and _is_person_token(art, para, person):
            return person
    return None


_TIME_OPENERS = frozenset({"when", "as", "after", "once", "while", "before", "then"})


def _sentence_opener(art: _Article, span: QuoteSpan) -> _Attribution | None:
    """The person whose name opens the quote's sentence ("Lopez supports “…” and recalled the freeze:
    “…”", "Trump also embraced harsher methods -- “…”"), for a quote whose cue lost its subject
    in the parse or that has no cue: the sentence is about that person, and a reader takes the
    words as theirs. Not a possessor ("Trump's plan …"): the sentence is then about a thing."""
    para = art.para_of(span.open_mark)
    if para is None or not para.tokens:
        return None
    opening = next((t for t in para.tokens if art.char(t, para) >= span.open_mark), None)
    if opening is None or not opening.doc.has_annotation("SENT_START"):
        return None
    first = next((t for t in opening.sent if not t.is_punct and not t.is_space), None)
    if first is not None and first.lower_ in _TIME_OPENERS and first.i + 1 < len(first.doc):
        first = first.doc[first.i + 1]  # "When Trump finally wrapped up — “…” —": the clause is about him
    if first is None:
        return None
    start = art.char(first, para)
    if start >= span.open_mark or art.in_quote(start):
        return None
    mention = next((m for m in art.mentions_in(start, span.open_mark) if m.char_start == start), None)
    entity = art.entities.get(mention.entity_key) if mention is not None else None
    if entity is None or mention.label != "PERSON" or entity.label != "PERSON":
        return None
    if art.body[mention.char_end:mention.char_end + 1] in ("'", "’"):
        return None
    return _Attribution(None, first, start, "opener", entity.name, art.body[mention.char_start:mention.char_end],
                        entity.entity_key)
