"""Resolving the speaker, part 1: the token that heads the speaker phrase of a reporting verb.

Usually that is the verb's grammatical subject, but news prose often keeps it from the parse:
participles ("…, adding") and conjoined verbs ("and added") hang off another clause, so the search
climbs to the verb they continue; a relative "who" stands for its antecedent; a thing that carries
words ("released an ad that urges") stands for whoever put it out; a passive "was asked by" gives
the words to the asker, not to the one asked. When the parse gives the verb no subject at all, the
noun right before it or the name right after it ("said former president Bill Clinton") is taken,
stepping over asides and parentheses. The answer is one token; `speaker` turns it into the speaker
as written and links it to an entity.
"""
from __future__ import annotations

from etl.nlp.quotes.article import _SUBJECT_DEPS, _Article, _Para
from etl.nlp.quotes.cues import is_speech_verb

_CLIMB_DEPS = ("advcl", "conj", "xcomp", "pcomp", "prep", "acl", "dep")
_PERSONAL_SUBJECTS = {"he", "she", "i", "we", "they", "you"}


def _subject_of(art: _Article, para: _Para, verb):
    """The subject of a reporting verb, climbing to the verb it hangs off when it has none."""
    before = verb.doc[verb.i - 1] if verb.i > 0 else None
    if verb.tag_ == "VBG" and before is not None and before.dep_ == "pobj" and before.head.lower_ == "of" \
            and _is_person_token(art, para, before):
        # "footage of Hillary Clinton asking …", "a video of Trump saying …": a participle right
        # after a person shown in a recording reports that person's words, however the parser hung it
        return before
    head = verb
    if verb.tag_ == "VBG" and verb.dep_ == "advcl" and verb.head.dep_ == "relcl" and _after_restrictive_clause(verb):
        # "Trump defended not paying an architect who said he was stiffed, saying “…”": a
        # participle after a relative clause that defines its noun continues the main clause
        head = _clause_with_subject(verb.head.head) or head
    elif verb.tag_ == "VBG" and _opens_sentence(verb) and not any(c.dep_ in _SUBJECT_DEPS for c in verb.children) \
            and (verb.dep_ == "ROOT" or art.in_quote(art.char(verb.head, para))):
        # "Maher stated that the report “wasn't good.” Adding, “…”": a sentence opened by a bare
        # participle (which the parser may hang on a verb of the quote after it) continues the
        # reporting verb of the sentence before it
        head = _reporting_verb_of_sentence_before(art, para, verb) or head
    elif verb.tag_ == "VBG" and verb.dep_ in ("advcl", "conj", "xcomp") and not _own_reporting_clause(art, para, verb.head):
        # "Trump told Newsmax that Romney “…,” adding, “…”": the parser hangs the participle on
        # the reported clause, but it continues the reporting one (not a reporting verb with a
        # subject of its own: "Lewandowski added, saying …")
        reporting = _reporting_verb_above(verb.head)
        if reporting is not None and not art.in_quote(art.char(reporting, para)):
            head = reporting
    elif verb.tag_ == "VBG" and verb.dep_ == "pcomp" and verb.head.dep_ == "prep":
        # "Trump said the court's deadlock had “…” before claiming that …": the parser hangs the
        # time phrase on the reported clause; when that clause is about a thing, the participle
        # continues the reporting one
        inner = verb.head.head
        subject = next((c for c in inner.children if c.dep_ in _SUBJECT_DEPS), None)
        reporting = _reporting_verb_above(inner)
        if subject is not None and subject.lower_ not in _PERSONAL_SUBJECTS and subject.pos_ != "PROPN" \
                and not _is_person_token(art, para, subject) and reporting is not None \
                and not art.in_quote(art.char(reporting, para)):
            head = reporting
    for _ in range(5):
        # the subject nearest the verb: a dateline ("LONDON (Reuters) - Donald Trump said") is
        # often parsed as a second subject further away
        subjects = sorted((c for c in head.children if c.dep_ in _SUBJECT_DEPS and art.outside(c, para)),
                          key=lambda c: abs(c.i - head.i))
        for c in subjects[:1]:
            if c.lower_ in ("who", "that") and head.dep_ == "relcl":
                return _publisher(art, para, head.head) or head.head
            if c.pos_ == "ADP":
                # "Of Rubio, Weiss, who …, said": a fronted preposition parsed as the subject;
                # the name after the comma (its "object") is who spoke
                c = next((o for o in c.children if o.dep_ == "pobj"), None)
                if c is None:
                    break
            if c.dep_ == "nsubjpass" and head.lower_ in _ADDRESSED_FORMS:
                # "Rubio was asked by the moderator whether …": the words are the asker's, and
                # the passive subject is only the one addressed
                return _agent_of(head)
            return _sender(art, para, c) or c
        if head.dep_ == "relcl":
            return head.head
        if head.dep_ == "xcomp" and head.head.i != head.i:
            controller = next((c for c in head.head.children if c.dep_ == "dobj" and c.i < head.i
                               and art.outside(c, para) and _is_person_token(art, para, c)), None)
            if controller is not None:
                # "That prompted Rubio to make a joke and call Trump “…”": the one urged or
                # prompted to speak is who speaks
                return controller
        if head.dep_ == "conj" and head.head.i != head.i:
            sibling = _conjunct_with_subject(art, para, head)
            if sibling is not None:
                # "Hastily politicizing the tragedy, Trump cast the blame …, and emphasized …": the
                # parser joined both verbs to the fronted participle, which has no subject; the
                # verb shares the subject of the nearest conjunct before it that has one
                head = sibling
                continue
        if head.dep_ in _CLIMB_DEPS and head.head.i != head.i:
            before = _reporting_verb_before(art, para, head) if art.in_quote(art.char(head.head, para)) else None
            if before is not None:
                # "“…,” Sanders said, going on to say …": the parser hung the participle on a verb
                # inside the quote; it continues the reporting verb right before it
                head = before
                continue
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


def _conjunct_with_subject(art: _Article, para: _Para, verb):
    """For a conjoined verb whose first conjunct has no subject, the nearest conjunct before it
    that has one (None otherwise, and whenever the first conjunct has its own subject)."""
    first = verb.head
    if any(c.dep_ in _SUBJECT_DEPS for c in first.children):
        return None
    earlier = [c for c in first.children if c.dep_ == "conj" and c.i < verb.i
               and any(s.dep_ in _SUBJECT_DEPS and art.outside(s, para) for s in c.children)]
    return earlier[-1] if earlier else None


def _after_restrictive_clause(verb) -> bool:
    """The participle follows a comma, and the relative clause it hangs on is not itself set off
    by one ("an architect who said he was stiffed, saying …")."""
    doc, clause = verb.doc, verb.head
    start = clause.left_edge.i
    return doc[verb.i - 1].text == "," and start > 0 and doc[start - 1].text != ","


def _clause_with_subject(token, steps: int = 6):
    """The nearest verb at or above `token` that has a subject of its own."""
    for _ in range(steps):
        if token.pos_ in ("VERB", "AUX") and any(c.dep_ in _SUBJECT_DEPS for c in token.children):
            return token
        if token.head.i == token.i:
            return None
        token = token.head
    return None


def _own_reporting_clause(art: _Article, para: _Para, verb) -> bool:
    """A reporting verb with its own subject ("Lewandowski added, saying …"): a participle hung on
    it continues it, whatever clause it sits in."""
    return is_speech_verb(verb) and any(c.dep_ in _SUBJECT_DEPS and art.outside(c, para) for c in verb.children)


def _first_in_parsed_sentence(token) -> bool:
    """Nothing but punctuation before it in the sentence the parser gave it."""
    return all(t.is_punct or t.is_space for t in token.doc[token.sent.start:token.i])


def _opens_sentence(token) -> bool:
    """First in its sentence, or right after a full stop (closing quote marks aside) where the
    parser ran the sentence on into the next."""
    if _first_in_parsed_sentence(token):
        return True
    k = token.i - 1
    while k >= 0 and (token.doc[k].is_space or token.doc[k].text in ("”", "’", '"', "'")):
        k -= 1
    return k >= 0 and token.doc[k].text in (".", "!", "?")


def _reporting_verb_of_sentence_before(art: _Article, para: _Para, verb):
    """The last reporting verb outside quotes, with a subject of its own, in the sentence before."""
    start = verb.sent.start if _first_in_parsed_sentence(verb) else verb.i
    if start == 0:
        return None
    previous = verb.doc[start - 1].sent
    verbs = [t for t in previous if t.i < verb.i and is_speech_verb(t) and art.outside(t, para)
             and any(c.dep_ in _SUBJECT_DEPS and art.outside(c, para) for c in t.children)]
    return verbs[-1] if verbs else None


def _reporting_verb_before(art: _Article, para: _Para, token):
    """A reporting verb outside quotes just before `token`, with at most a comma between."""
    doc = token.doc
    for k in range(token.i - 1, max(token.i - 3, -1), -1):
        if doc[k].text == ",":
            continue
        return doc[k] if is_speech_verb(doc[k]) and not art.in_quote(art.char(doc[k], para)) else None
    return None


def _reporting_verb_above(token, steps: int = 3):
    """The reporting verb whose reported clause holds `token`, within a few steps up the parse."""
    for _ in range(steps):
        if token.dep_ == "ccomp" and is_speech_verb(token.head):
            return token.head
        if token.head.i == token.i:
            return None
        token = token.head
    return None


# Participles by which a text names who put it out (not "the man arrested by police").
_SENT_FORMS = frozenset({"sent", "issued", "released", "signed", "posted", "written", "published", "distributed",
                         "circulated", "produced", "paid", "tweeted", "delivered", "authored", "drafted"})


def _sender(art: _Article, para: _Para, thing):
    """For a thing that carries words and says who put it out ("a fundraising email sent out by
    Sanders warned", "a statement issued by the mayor's office said"), the one named after "by"."""
    if thing.pos_ != "NOUN" or _is_person_token(art, para, thing):
        return None
    for clause in thing.children:
        if clause.dep_ == "acl" and clause.lower_ in _SENT_FORMS:
            agent = _agent_of(clause)
            if agent is not None and art.outside(agent, para):
                return agent
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
    # (a name the tagger read as an adjective, "Trump, later alleging …, said", is still a name)
    if k >= 0 and (doc[k].pos_ in ("PROPN", "NOUN", "PRON") or _is_person_token(art, para, doc[k])) \
            and not art.in_quote(art.char(doc[k], para)) and doc[k].ent_type_ not in _NOT_NAMES:
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
    end = k
    for _ in range(_MAX_ASIDES):
        # asides may follow one another ("Sanders, meanwhile, who sits at zero endorsements, said")
        if doc[end].text != ",":
            break
        j = end - 1
        while j >= max(sentence_start, end - _MAX_ASIDE) and doc[j].text not in (",", ".", ";", ":"):
            j -= 1
        if not (j > sentence_start and doc[j].text == ","):
            break
        if doc[j - 1].pos_ in ("PROPN", "NOUN") or doc[j - 1].text[:1].isupper():
            return j - 1
        end = j
    return k


_MAX_ASIDES = 3
