"""Resolving the speaker, part 2: from the subject token to the speaker as written and as an entity.

The token `subject` found is widened to its noun phrase as written ("Kremlin spokesman Dmitry
Peskov"), cut at commas, brackets, dashes and quote marks, and after a verb-first cue the tagger
read as part of a name ("Stated Stone"). The phrase is then linked to the article's entities: an
entity mentioned inside it or its appositive; for "he"/"she" inside words a named person reports
("Lopez said that …, she said"), that person, else the most recent PERSON before the
cue (preferring sentence subjects, as pronouns usually continue the topic); for a nominal ("the
spokesman") the most recent PERSON introduced with that word. Nothing further is guessed: with no
link the speaker stays None and only the mention as written is kept. A relative "who" whose
antecedent resolves stays the mention, and the antecedent is the speaker.
"""
from __future__ import annotations

import re

from etl.model.records import Entity, Mention
from etl.nlp import geo
from etl.nlp.entity_gender import pronoun_after, pronoun_sex, sexes_written_at
from etl.nlp.entity_lexicon import ROLE_ABBREVIATIONS, US_STATE_ABBREVIATIONS, is_title_word, singular
from etl.nlp.quotes.article import _SUBJECT_DEPS, _Article, _Attribution, _Para
from etl.nlp.quotes.cues import is_speech_verb
from etl.nlp.quotes.subject import _subject_of

_PERSONAL = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}
_PRONOUNS = {"he", "she", "him", "her", "i", "we", "they", "it", "you", "who", "that", "this", "which"}


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
    owner = _possessor_range(art, para, subject)
    # "one well-connected Democrat": an unnamed person, whatever group or place the phrase names
    head_char = -1 if _indefinite(subject) else art.char(subject, para)
    if owner is None:
        entity = _entity_in(art, c_start, c_end, head_char)
    else:
        # "Donald Trump’s campaign manager": the owner named in the phrase is not the one who spoke
        entity = _entity_in(art, owner[1], c_end, head_char) if owner[1] < c_end else None
        if entity is not None and entity.label != "PERSON" and subject.pos_ == "PROPN":
            # a role written as a title ("Trump’s VP", "Clinton’s Press Secretary"): capitals inside
            # it are the title's, which the tagger took for a name; a body inside a role written in
            # lower case is who the role speaks for ("Russia’s Foreign Ministry spokeswoman")
            entity = None
    aside = _titled_appositive(art, para, subject, entity) if entity is not None and entity.label == "PERSON" else None
    if aside is not None:
        entity, (c_start, c_end) = aside
        att.speaker_mention = art.body[c_start:c_end].strip()
    if entity is None:
        for appos in (c for c in subject.children if c.dep_ == "appos"):
            # the appositive's own head first ("Moore" of "Dana Moore, a veteran of Hillary
            # Clinton's race"), then anyone named in it ("a Harvard dropout named Mark Zuckerberg"),
            # but not in a phrase or clause hung on it ("a lawyer at Kirkland & Ellis", "the ACLU,
            # whose director … testified")
            head = art.char(appos, para)
            a = art.char(appos.left_edge, para)
            b = art.char(appos.right_edge, para) + len(appos.right_edge.text)
            hung = [(art.char(t.left_edge, para), art.char(t.right_edge, para) + len(t.right_edge.text))
                    for t in appos.subtree if t.dep_ in ("prep", "relcl") and t.i != appos.i]
            entity = _entity_in(art, head, head + len(appos.text), head) or _entity_in(art, a, b, head, hung)
            if entity is not None and entity.label != "PERSON" and _common_noun(subject) and _names_a_person(subject):
                # a person's role set beside a name the tagger split ("Scott's niece, Del. Marcia
                # "Cia" Price (D-Newport News)"): the person in it, not the place or body at its end
                people = [m for m in art.mentions_in(a, b) if _is_person(art, m) and not _within(m.char_start, hung)]
                entity = art.entities[people[0].entity_key] if people else entity
            if entity is not None:
                break
    if entity is None and subject.lower_ in _PERSONAL:
        entity = _reporter_above(art, para, subject) or _recent_person(art, att.cue_char, pronoun_sex(subject.text))
    elif entity is None and subject.pos_ == "NOUN" and subject.lower_ not in _PRONOUNS and _names_a_person(subject) \
            and not _indefinite(subject) and (owner is not None or not art.mentions_in(c_start, c_end)):
        # "the spokesman": the person introduced with that role; never for a thing ("the election"),
        # nor for "a spokesman", "one aide", who is someone not named, nor for a role qualified by
        # a party written as an adjective ("the Republican nominee"), which the role alone cannot
        # tell apart; a place written as a compound ("the Florida senator") is the owner
        # `_person_with_role` matches against the places written with each person
        entity = _person_with_role(art, subject.lower_, att.cue_char, owner, _office_words(subject))
    if entity is not None:
        att.speaker, att.speaker_entity_key = entity.name, entity.entity_key
        relative = _relative_pronoun(art, para, subject, att.cue_char)
        if relative is not None:
            # "Weaver, who said …": the words as written name the speaker "who"; the antecedent
            # is what `speaker` resolves it to
            att.speaker_mention = relative.text


def _titled_appositive(art: _Article, para: _Para, subject, entity: Entity) -> tuple[Entity, tuple[int, int]] | None:
    """Another person named, with a role, beside a named subject: "Or maybe Jeb Bush, digital
    consultant Phil Musser says" is Musser's word, since one person does not carry two names and
    only the second comes with what he does. A bare second name is left alone: the tagger splits
    one person's name too often ("Marcia “Cia” Price") to read two people into it."""
    for appos in (c for c in subject.children if c.dep_ == "appos" and c.pos_ == "PROPN"):
        if appos.left_edge.i != subject.i + 2 or any(c.dep_ in ("cc", "conj") for c in appos.children):
            # only right after the name: a later one may belong to a phrase between them; and not
            # the second of a list ("Donald Trump, adviser Roger Stone and attorney Rudy Giuliani")
            continue
        if not any(c.dep_ == "compound" and _common_noun(c) and _names_a_person(c) for c in appos.lefts):
            continue
        at = art.char(appos, para)
        people = [m for m in art.mentions_in(at, at + len(appos.text)) if _is_person(art, m)]
        if people and people[0].entity_key != entity.entity_key:
            other = art.entities[people[0].entity_key]
            if other.name.split()[-1].lower() != entity.name.split()[-1].lower():
                start, end = _phrase_bounds(art, para, appos)
                return other, (art.char(subject.doc[start], para), at + len(appos.text))
    return None


def _reporter_above(art: _Article, para: _Para, pronoun) -> Entity | None:
    """For "he"/"she" inside a clause reported by a named person, that person ("Trump said he would
    deport refugees, who he speculates are …", "Tyler said that …, he said"): a pronoun in someone's
    reported words is the reporter, whoever was mentioned last. The nearest reporting verb above
    the pronoun decides; None when it has no named person as subject."""
    verb = pronoun.head
    # a closing "…, he said" the parser made the head of the reporting clause it repeats
    reported = [c for c in verb.children if c.dep_ == "ccomp" and c.i < pronoun.i]
    above = []
    token = verb
    for _ in range(8):
        if token.head.i == token.i:
            break
        token = token.head
        above.append(token)
    for token in reported[:1] + above:
        if is_speech_verb(token) and art.outside(token, para):
            reporter = _subject_of(art, para, token)
            if reporter is None or reporter.lower_ in _PRONOUNS or reporter.i == pronoun.i:
                return None
            start = art.char(reporter, para)
            found = [m for m in art.mentions_in(start, start + len(reporter.text)) if _is_person(art, m)]
            return art.entities[found[0].entity_key] if found else None
    return None


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
_ANYWHERE_LABELS = frozenset({"PERSON", "ORG"})


def _indefinite(noun) -> bool:
    return any(c.dep_ in ("det", "nummod") and c.lower_ in ("a", "an", "one", "another", "some")
               for c in noun.children)


def _entity_in(art: _Article, start: int, end: int, head_char: int | None = None,
               skip: list[tuple[int, int]] = ()) -> Entity | None:
    """The entity a speaker phrase names: a person or organisation anywhere in it (outside the
    `skip` ranges); a place or group only as the phrase's head ("China said", not "the Florida
    senator", "a Republican strategist")."""
    found = [m for m in art.mentions_in(start, end) if m.label in _LABEL_RANK and m.entity_key in art.entities
             and (m.label in _ANYWHERE_LABELS or head_char is None or m.char_start <= head_char < m.char_end)
             and not _within(m.char_start, skip)]
    if not found:
        return None
    best = min(found, key=lambda m: (_LABEL_RANK[m.label], -m.char_end))
    return art.entities[best.entity_key]


def _within(char: int, ranges) -> bool:
    return any(a <= char < b for a, b in ranges)


def _is_person(art: _Article, m: Mention) -> bool:
    e = art.entities.get(m.entity_key)
    return m.label == "PERSON" and e is not None and e.label == "PERSON"


def _recent_person(art: _Article, before: int, sex: str | None = None) -> Entity | None:
    """The most recent PERSON mentioned before `before` outside quotes, of the pronoun's `sex`
    unless the article does not say; one that is the subject of its clause wins over a more
    recent one that is not (pronouns usually continue the topic)."""
    candidates = [m for m in art.mentions if m.char_end <= before and _is_person(art, m)
                  and not art.in_quote(m.char_start) and (sex is None or _sex_of(art, m.entity_key) in (None, sex))]
    if not candidates:
        return None
    recent = candidates[-4:]
    for m in reversed(recent):
        if _is_subject_mention(art, m):
            return art.entities[m.entity_key]
    return art.entities[candidates[-1].entity_key]


def _sex_of(art: _Article, entity_key: str) -> str | None:
    """The sex the article gives a person: by an honorific or a role next to any mention of
    them ("Mr. Obama", "his wife, Jane"), when it says only one; failing that, by the pronouns
    that continue clauses they are the subject of ("Clinton said she …"), when all agree."""
    if art.sexes is None:  # one pass over the mentions, on the first pronoun that asks
        written: dict[str, set[str]] = {}
        continued: dict[str, set[str]] = {}
        paras = iter(art.paras)
        para = next(paras, None)
        for m in art.mentions:  # in body order, as the paragraphs are
            written.setdefault(m.entity_key, set()).update(sexes_written_at(art.body, m.char_start, m.char_end))
            while para is not None and m.char_start >= para.offset + len(para.segment.text):
                para = next(paras, None)
            if para is not None and para.offset <= m.char_start and para.segment.doc is not None:
                pronoun = pronoun_after(para.segment.doc, m.char_start - para.offset, m.char_end - para.offset)
                if pronoun in ("m", "f"):
                    continued.setdefault(m.entity_key, set()).add(pronoun)
        art.sexes = {}
        for key in written.keys() | continued.keys():
            sexes = written.get(key) or continued.get(key, set())
            art.sexes[key] = next(iter(sexes)) if len(sexes) == 1 else None
    return art.sexes.get(entity_key)


def _is_subject_mention(art: _Article, m: Mention) -> bool:
    para = art.para_of(m.char_start)
    if para is None:
        return False
    for t in para.tokens:
        c = art.char(t, para)
        if m.char_start <= c < m.char_end and t.head.i == t.i or (m.char_start <= c < m.char_end
                                                                   and not (m.char_start <= art.char(t.head, para) < m.char_end)):
            # a name the parser made the root of its sentence ("Trump, when asked …, often steam-rolls
            # through" read as a noun phrase) is the subject it failed to find
            # and so is a name set beside the subject ("the other candidate, Hillary Clinton, drew")
            return t.dep_ in _SUBJECT_DEPS or (t.dep_ == "ROOT" and t.pos_ == "PROPN") or (
                t.dep_ == "appos" and t.head.dep_ in _SUBJECT_DEPS)
    return False


def _possessor_range(art: _Article, para: _Para, subject) -> tuple[int, int] | None:
    """Where the one a common-noun speaker phrase belongs to is written ("Donald Trump’s" of "Donald
    Trump’s campaign manager", "Clinton" of "leading Clinton economic advisers"), or None when the
    phrase has none. A name heading the phrase ("Trump’s spokeswoman Hope Hicks") is the speaker,
    whoever it belongs to; the group working for someone ("the Clinton campaign", "Clinton’s
    campaign") speaks for them."""
    if not _common_noun(subject) or not _names_a_person(subject) or _singular_noun(subject) in _GROUP_NOUNS:
        return None
    owners = [c for c in subject.lefts if c.dep_ == "poss" and c.lower_ not in _PERSONAL and c.pos_ != "PRON"]
    if not owners:
        owners = [c for c in subject.lefts if c.dep_ in ("compound", "nmod") and c.pos_ == "PROPN"]
    if not owners:
        return None
    start = art.char(owners[0].left_edge, para)
    last = owners[-1].right_edge
    return start, art.char(last, para) + len(last.text)


# A person's role, kin or job: who they belong to did not say the words ("Trump’s attorney", "a top
# Trump adviser"), unlike what carries words ("Sanders’ fundraising email", "Trump’s letter") or
# the group working for someone ("the Clinton campaign"), which speak for their owner.
_PERSON_NOUNS = frozenset("""aide aides wife husband son daughter brother sister mother father spouse child
children family friend ally colleague boss staffer deputy counsel chief attorney rep representative
secretary surrogate introducer nominee host guest candidate mate vp rival critic foe fan pal buddy
nephew niece cousin uncle aunt grandson granddaughter widow heir protege
frontrunner front-runner billionaire mogul official source expert analyst veteran democrat republican
senator governor mayor judge couple group actress waitress hostess heiress""".split())
# The people working for someone: named after them ("the Clinton campaign") they speak for them.
_GROUP_NOUNS = frozenset({"campaign", "camp", "office", "team", "staff"})
_PERSON_ENDINGS = ("er", "or", "ist", "ian", "man", "woman", "person", "ee", "ant", "ent")
_THING_ENDINGS = ("ment", "ter", "paper", "poster", "flyer", "banner", "order", "number", "error", "center",
                  "trailer", "answer", "quarter", "transcript", "mirror", "door", "floor", "vendor")


def _common_noun(token) -> bool:
    """A common noun, or a role the tagger reads as a name: written in capitals ("Trump’s VP"), or
    capitalised after an owner or article, outside any entity ("Clinton’s Press Secretary")."""
    if token.pos_ != "PROPN":
        return token.pos_ == "NOUN"
    if token.text.isupper():
        return _role_word(token.text)
    return (not token.ent_type_ and token.text.istitle() and _names_a_person(token)
            and any(c.dep_ in ("poss", "det") for c in token.lefts))


def _role_word(word: str) -> bool:
    """A word for what someone is ("VP", "niece", "Senator"), as the role lists know it."""
    return singular(word.lower()) in _PERSON_NOUNS or is_title_word(word)


def _singular_noun(noun) -> str:
    return singular(noun.lower_)


def _names_a_person(noun) -> bool:
    word = _singular_noun(noun)
    if word in _PERSON_NOUNS or word in _GROUP_NOUNS or is_title_word(word):
        return True
    if word.endswith(_THING_ENDINGS) and not word.endswith(("writer", "supporter", "reporter", "daughter",
                                                           "sister", "voter", "promoter", "fighter", "pollster",
                                                           "minister", "barrister")):
        return False
    return word.endswith(_PERSON_ENDINGS)


def _person_with_role(art: _Article, role: str, before: int, owner: tuple[int, int] | None = None,
                      office: frozenset = frozenset()) -> Entity | None:
    """The most recent PERSON introduced with `role` ("spokesman Dmitry Peskov", title "Spokesman"),
    other than the one whose role it is (`owner`: where "Trump’s" of "Trump’s spokesman" is). An
    owner that is a place qualifies the role ("the Florida senator"): a person the article
    writes with that place ("Sen. Marco Rubio of Florida", "(R-Fla.)") wins; one written with
    another ("Sen. Joni Ernst, R-Iowa") is never meant; failing both, the most recent of that role.
    A word that makes the role another office ("vice", "attorney", "former": `office` holds those the
    speaker phrase itself writes) must be the same on both sides: "the president" is not "Vice
    President Joe Biden", and "the attorney general" is not "Gen. John Kelly"."""
    owner_mentions = art.mentions_in(*owner) if owner else []
    owners = {m.entity_key for m in owner_mentions}
    qualifier = None
    if owner_mentions and all(m.label in ("GPE", "LOC") for m in owner_mentions):
        qualifier = " ".join(re.findall(r"[A-Za-z]+", art.body[owner[0]:owner[1]]))
    fallback = None
    for m in reversed([m for m in art.mentions if m.char_end <= before and _is_person(art, m)]):
        if m.entity_key in owners:
            continue
        e = art.entities[m.entity_key]
        lead = art.body[max(0, m.char_start - 40):m.char_start].lower()
        if not ((e.title and role in e.title.lower()) or re.search(rf"\b{re.escape(role)}\W*$", lead)
                or role in _roles_of(e.title) or role in _roles_of(lead.rsplit(None, 1)[-1] if lead.strip() else "")):
            continue
        # the title as written right before this mention when it is there ("Lt. Gov. Dan Patrick"),
        # else the title kept for the person
        written = lead if _title_words(lead)[-1:] == [role] else e.title
        if not (written and _same_office(written, role, office)):
            continue
        if not qualifier:
            return e
        # like the title, the place may be written with any mention of them
        places = {_place_written(art, n) for n in art.mentions_of(m.entity_key)} - {None}
        if any(_same_place(p, qualifier) for p in places):
            return e
        if not places and fallback is None:
            fallback = e
    return fallback


def _place_written(art: _Article, m: Mention) -> str | None:
    """The place written with a politician's name: "(R-Fla.)", ", D-N.J.," or "of Florida" right
    after it, or a known place right before its title ("Florida Sen. Marco Rubio"); None."""
    # the state of "R-Iowa" is one token ("N.J.", "W.Va."), never the words after it ("R-Iowa Thursday")
    after = re.match(r"\s*,?\s*(?:\(\s*)?(?:[RDI]-([A-Z][A-Za-z.]*)|(?:of|from)\s+((?:[A-Z][a-z]+\s?){1,2}))",
                     art.body[m.char_end:m.char_end + 30])
    if after:
        return (after.group(1) or after.group(2)).strip()
    before = re.search(r"((?:[A-Z][a-z]+\s){1,2})(?:Sen|Senator|Gov|Governor|Rep|Representative|Congressman|"
                       r"Congresswoman|Mayor)\.?\s+$", art.body[max(0, m.char_start - 40):m.char_start])
    if before and geo.lookup(before.group(1).strip()) is not None:
        return before.group(1).strip()
    return None


def _same_place(written: str, place: str) -> bool:
    """"Fla." or "FL" for Florida, "N.J." for New Jersey; another US state's abbreviation never;
    elsewhere the same name, or a dotted abbreviation of it ("Ont." for Ontario)."""
    letters = written.replace(".", "").replace(" ", "").lower()
    full = place.lower()
    if letters == full.replace(" ", "") or written.lower() == full:
        return True
    if letters in US_STATE_ABBREVIATIONS:
        return US_STATE_ABBREVIATIONS[letters] == full
    return "." in written and len(letters) >= 2 and letters[0] == full[0] and _subsequence(letters, full)


def _subsequence(short: str, long: str) -> bool:
    rest = iter(long)
    return all(ch in rest for ch in short)


# Words before a role that make it another office: a vice president is not the president, an
# attorney general no general, a former governor not the governor.
_OFFICE_WORDS = frozenset("""vice deputy assistant associate lieutenant former ex attorney surgeon inspector
solicitor secretary prime first under major brigadier""".split())
_TENURE_WORDS = frozenset({"former", "ex"})


# A rank before a military role is still that role: a major general is "the general".
_RANK_ROLES = frozenset({"general", "admiral", "colonel", "commander"})
_RANK_WORDS = frozenset({"major", "brigadier", "lieutenant", "vice", "rear"})


def _office_words(noun) -> frozenset:
    """The office words written right before the speaker phrase's role ("the former vice president";
    not "the first" of "the first black president", nor "deputy" of "the deputy foreign minister")."""
    words, k = set(), noun.i - 1
    while k >= noun.left_edge.i and (noun.doc[k].lower_ in _OFFICE_WORDS or noun.doc[k].text in ("-", "‐")):
        words.add(noun.doc[k].lower_)
        k -= 1
    return frozenset(words & _OFFICE_WORDS)


def _same_office(text: str, role: str, office: frozenset) -> bool:
    """`text` (a title, or the words written before a name) gives `role` with the same office words
    right before it as the speaker phrase: "Vice President Joe Biden" is not "the president". Dots
    and hyphens join words ("Lt. Gov.", "vice-president"); other punctuation ends the title."""
    words = _title_words(text)
    at = [k for k, w in enumerate(words) if w == role]
    if not at:
        return False
    k, before = at[-1], set()
    while k > 0 and words[k - 1] in _OFFICE_WORDS:
        k -= 1
        before.add(words[k])
    office = set(office)
    if role in _RANK_ROLES:
        before, office = before - _RANK_WORDS, office - _RANK_WORDS
    # a former holder is not the one holding it now; "the former pollster" may be someone the text
    # introduced with what they did then ("Bill Clinton pollster Douglas Schoen")
    if before & _TENURE_WORDS and not office & _TENURE_WORDS:
        return False
    return before - _TENURE_WORDS == office - _TENURE_WORDS


def _title_words(text: str) -> list[str]:
    """Words of a title, abbreviations spelled out ("Lt. Gov." is lieutenant governor); other
    punctuation, and a full stop that ends a sentence, kept as a word of its own that no role matches."""
    words = []
    for w in re.findall(r"[^\W\d_]+|[^\w\s\-‐’']", text.lower()):
        if w == "." and words and words[-1] in _ABBREVIATED:
            words[-1] = ROLE_ABBREVIATIONS[words[-1]]
            continue
        words.append(w)
    return [ROLE_ABBREVIATIONS.get(w, w) for w in words]


_ABBREVIATED = frozenset(w for w in ROLE_ABBREVIATIONS if w.isalpha())


def _roles_of(title: str | None) -> set[str]:
    """The roles a title's words stand for, abbreviations spelled out ("Sen." -> "senator")."""
    return {ROLE_ABBREVIATIONS.get(w, w) for w in re.split(r"[\s.]+", (title or "").lower()) if w}
