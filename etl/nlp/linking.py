"""Global entity keys: one key per real-world entity, the same across articles and days.

`entity_id` names an entity inside one article (etl.nlp.entities has already resolved its
mentions there: "Trump" after "Donald Trump" is one entity named "Donald Trump"). `link` gives
every such entity an `entity_key` from what one partition (one day) holds:

* Places with a gazetteer id: `place:<geonames id>`, so "US", "U.S." and "United States" are one key.
* People with a given name and a surname: `person:<given> <surname>[ <suffix>]`. Middle names and
  initials are left out ("Donald J. Trump" is "Donald Trump"), save initials written in place of
  a given name ("G.K. Butterfield" is `person:gk butterfield`, not a surname alone); generational
  suffixes stay ("Donald Trump Jr." is another person).
* A surname alone (an article that never gives the full name) takes, in this order:
  1. the one full name with that surname in the same article, under any label, unless the
     article's extraction kept the surname apart from that person (a namesake: "Mr. Obama" beside
     "the first lady, Michelle Obama"; see etl.nlp.entity_gender);
  2. the one full name with that surname in the partition;
  3. of several such names, the one the article's own honorific or role points to: a title the
     full name was written with in the partition ("Secretary", "Sen."), or its gender ("Mrs.");
  4. of several such names, one that appears in at least DOMINANT_SHARE of the partition's
     articles naming someone of that surname in full, and in at least DOMINANT_MIN_ARTICLES of
     them (an article counts when it writes the full name, whatever the tagger labelled it): the
     day's news is about that person, as a reader of the day would take it;
  otherwise `person-surname:<surname>`: never merged with a guess.
* A name the tagger labelled otherwise ("Carly Fiorina" as ORG) is the person when the partition
  knows that person by full name (the full name, or a surname resolving to one as above); so is a
  quote's speaker that no entity holds but that is written as a name (`Linker.speaker_key`).
* Words before a full name that other articles of the partition give are a description, not a
  given name ("Billionaire Donald Trump" is "Donald Trump"), when the plain name is written in at
  least as many other articles as the longer one.
* Organisations: a name in the curated alias table (etl.nlp.org_aliases) takes the table's key;
  an acronym spelled out in the text ("North Atlantic Treaty Organization (NATO)", or an entity
  whose mentions include the expansion and its initials) keys both forms by the acronym, for the
  whole partition; otherwise the name: `org:<name>`. Acronym keys are in capitals (`org:NATO`),
  name keys in lower case, so "WHO" and "The Who" never meet.
* Anything else: `<label>:<name>` (names compared without case, accents, dots or apostrophes).

What a key is a function of: the partition's entities (names, labels, honorifics, mention texts,
gazetteer ids from the installed gazetteer packages) and the alias table (ALIASES_VERSION). Not of run
order, batch boundaries or other partitions: a rerun, or a backfill in any order, gives the same
keys. A full name keys the same on every day; only a surname alone may key differently on two days,
when one day's articles name the person in full and the other's never do.

Pure: no I/O; the same entities in any order give the same keys."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from etl.nlp.entity_lexicon import NAME_SUFFIXES, ROLE_ABBREVIATIONS, is_title_word
from etl.nlp.org_aliases import GROUPS

__all__ = ["EntityRef", "Linker", "link", "person_name", "name_like", "org_form", "DOMINANT_SHARE",
           "DOMINANT_MIN_ARTICLES"]

DOMINANT_SHARE = 0.8
DOMINANT_MIN_ARTICLES = 3

_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Labels a tagger gives a person's name by mistake; NORP and LANGUAGE name groups, never one person.
_MAYBE_PERSON = frozenset({"ORG", "GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"})
# Lower-case words that belong to a surname ("Charles de Gaulle", "Ursula von der Leyen").
_PARTICLES = frozenset({"de", "da", "di", "del", "della", "der", "den", "du", "van", "von", "ter", "le", "la",
                        "al", "el", "bin", "ibn", "abu", "dos", "das", "st"})
# Capitalised only for opening a sentence: never a name.
_FUNCTION_WORDS = frozenset({"of", "the", "a", "an", "in", "on", "at", "for", "to", "from", "with", "by", "and",
                             "but", "or", "as", "if", "when", "while", "this", "that", "these", "those", "it",
                             "its", "his", "her", "their", "our", "my", "your", "we", "they", "he", "she", "i",
                             "you", "what", "which", "who", "there", "here", "some", "many", "most", "all"})
_AFFIX = re.compile(r"^(?:pro|anti|ex|non)-")
_INITIAL = re.compile(r"^(?:[A-Z]\.)+$|^[A-Z]$")
_ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "in", "on", "at", "de", "du", "des", "la", "le", "to", "&"})
_MALE = frozenset({"mr", "sir", "lord", "king", "prince", "duke", "earl", "baron", "father", "congressman",
                   "chairman", "spokesman", "monsieur", "herr", "emperor", "husband", "brother", "son"})
_FEMALE = frozenset({"mrs", "ms", "miss", "madam", "dame", "lady", "queen", "princess", "duchess", "baroness",
                     "congresswoman", "chairwoman", "spokeswoman", "empress", "wife", "sister", "daughter"})
# Abbreviated and full forms of a role are one role; qualifiers say nothing about who it is.
_ROLE_NOISE = frozenset({"former", "the", "of", "then", "acting", "interim", "current", "us", "u", "s", "and",
                         "senior", "deputy", "vice", "state", "-"})


@dataclass(frozen=True)
class EntityRef:
    """What linking reads of one `entities` row (plus its mentions' texts)."""

    article_id: str
    entity_id: str
    name: str
    label: str
    title: str | None = None
    geonames_id: int | None = None
    variants: tuple[str, ...] = ()  # the mentions as written, for acronyms


@dataclass(frozen=True)
class PersonName:
    given: str | None  # None: a surname alone
    surname: str
    suffix: str | None = None
    inner: str | None = None  # of three words or more, the word before the surname ("Donald" of "Billionaire Donald Trump")

    @property
    def full_key(self) -> str:
        return f"person:{self.given} {self.surname}" + (f" {self.suffix}" if self.suffix else "")

    @property
    def inner_key(self) -> str | None:
        if self.inner is None:
            return None
        return f"person:{self.inner} {self.surname}" + (f" {self.suffix}" if self.suffix else "")

    @property
    def surname_key(self) -> str:
        return f"person-surname:{self.surname}" + (f" {self.suffix}" if self.suffix else "")


def _fold(text: str) -> str:
    """Accents, dots and apostrophes dropped; case kept (callers decide)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[.'’`]", "", text)


def person_name(name: str) -> PersonName | None:
    """Given name and surname of a person's name as written, or None when it holds no name word.
    Words before the first capitalised one are no part of the name ("billionaire Trump")."""
    words = [w.strip(",") for w in (name or "").split()]
    words = [w for w in words if w]
    while words and (is_title_word(words[0]) or not words[0][:1].isupper()) and len(words) > 1:
        words.pop(0)
    suffix = None
    if len(words) > 1 and _fold(words[-1]).casefold() in NAME_SUFFIXES:
        suffix = _fold(words.pop()).casefold()
    initials = []  # leading initials, the given name of "J.K. Rowling" when no other is written
    while len(words) > 1 and _INITIAL.match(words[0]):
        initials.append(words.pop(0))
    if len("".join(map(_fold, initials))) < 2:
        initials = []  # "J. Smith" may be any Smith of that initial: no name of its own
    words = [w for w in words if not _INITIAL.match(w) and _fold(w)]
    if not words:
        return None
    cut = len(words) - 1
    while cut > 0 and words[cut - 1] in _PARTICLES:  # only written in lower case: "de Gaulle", not "Al Gore"
        cut -= 1
    surname = " ".join(_fold(w).casefold() for w in words[cut:])
    surname = _AFFIX.sub("", surname) or surname  # "pro-Clinton" names Clinton
    given = _fold(words[0]).casefold() if cut > 0 else ("".join(map(_fold, initials)).casefold() or None)
    inner = _fold(words[cut - 1]).casefold() if cut > 1 else None
    return PersonName(given, surname, suffix, inner)


def name_like(text: str) -> bool:
    """Written like a name: one to four words, each capitalised (or a lower-case particle)."""
    words = (text or "").split()
    return 0 < len(words) <= 4 and all(
        (w[:1].isupper() and not any(ch.isdigit() for ch in w)) or w in _PARTICLES for w in words)


def org_form(text: str) -> str:
    """Comparison form of an organisation's name: an acronym stays in capitals ("UN" from "U.N."),
    anything else is case-folded; a leading "the" and repeated spaces go."""
    text = " ".join(_fold(text or "").split())
    if text.lower().startswith("the "):
        text = text[4:]
    if _is_acronym(text):
        return text
    return text.casefold()


def _is_acronym(form: str) -> bool:
    return 2 <= len(form) <= 10 and " " not in form and form.isalpha() and form.isupper()


def _name_form(text: str) -> str:
    return " ".join(_fold(text or "").casefold().split()).removeprefix("the ")


def _initials(form: str) -> str:
    words = [w for w in re.split(r"[\s\-]+", form) if w]
    return "".join(w[0] for w in words if w.lower() not in _ACRONYM_SKIP).upper()


_TABLE: dict[str, str] = {org_form(v): group[0] for group in GROUPS for v in group}


def link(refs: Iterable[EntityRef]) -> dict[str, str]:
    """entity_id -> entity_key for every entity of one partition (or of one article)."""
    return Linker(refs).keys


class Linker:
    """The keys of one partition's entities, and the evidence to key a speaker written as a name."""

    def __init__(self, refs: Iterable[EntityRef]):
        refs = list(refs)
        self.people = _People(refs)
        decided = _org_keys([r for r in refs if r.label != "PERSON" and not _is_place(r)])
        self.keys: dict[str, str] = {}
        for r in refs:
            if _is_place(r):
                key = f"place:{r.geonames_id}"
            elif r.entity_id in decided:
                key = decided[r.entity_id]
            elif r.label == "PERSON":
                p = person_name(r.name)
                key = None if p is None else self.people.canonical[r.entity_id] if p.given else \
                    self.people.resolve(r.article_id, p, r.title, apart=_one_word(r.name)) or p.surname_key
            else:
                key = self._mislabelled_person(r)
            self.keys[r.entity_id] = key or f"{r.label.lower()}:{_name_form(r.name) or r.name.strip() or r.entity_id}"

    def _mislabelled_person(self, r: EntityRef) -> str | None:
        """A name the tagger labelled otherwise ("Carly Fiorina" as ORG), when the partition
        knows it as a person: its full name, or a surname that resolves to one."""
        if r.label not in _MAYBE_PERSON or r.geonames_id is not None or not name_like(r.name):
            return None
        return self.person(r.article_id, r.name, r.title)

    def person(self, article_id: str, name: str, title: str | None = None) -> str | None:
        """The key of a person written `name` in the article, only when the partition knows the
        person by a full name (never a new key of its own)."""
        p = person_name(name)
        if p is None:
            return None
        if p.given:
            return p.full_key if p.full_key in self.people.known else None
        return self.people.resolve(article_id, p, title)

    def speaker_key(self, article_id: str, mention: str | None) -> str | None:
        """A quote's speaker that no entity holds, written as a name ("Trump"): the person it names."""
        if not mention or not name_like(mention) or is_title_word(mention.split()[0]):
            return None
        if mention.split()[0].casefold() in _FUNCTION_WORDS:  # "Of", "The" opening a sentence
            return None
        return self.person(article_id, mention)


def _one_word(name: str) -> bool:
    """A single word, as the article's extraction reads names: a hyphenated surname ("Mark-Viverito")
    is two words to it, never a surname it could have joined to a full name."""
    return re.search(r"[\s\-‐–—]", name.strip()) is None


def _is_place(r: EntityRef) -> bool:
    return r.geonames_id is not None and r.label in _PLACE_LABELS


# --- people --------------------------------------------------------------------------------------

@dataclass
class _FullName:
    articles: set
    roles: Counter
    genders: set


def _title_words(title: str | None) -> tuple[set[str], set[str]]:
    """(roles, genders) a title states: "former Sen." -> ({"senator"}, set()); "Mrs." -> (set(), {"f"})."""
    roles, genders = set(), set()
    for w in re.split(r"[\s.]+", _fold(title or "").casefold()):
        if not w or w in _ROLE_NOISE:
            continue
        if w in _MALE:
            genders.add("m")
        elif w in _FEMALE:
            genders.add("f")
        else:
            roles.add(ROLE_ABBREVIATIONS.get(w, w))
    return roles, genders


class _People:
    """Full names of the partition's people, by surname, with the evidence to choose among them."""

    def __init__(self, refs: list[EntityRef]):
        self.full: dict[str, dict[str, _FullName]] = defaultdict(dict)  # surname -> full key -> evidence
        self.in_article: dict[tuple[str, str], set[str]] = defaultdict(set)  # (article, surname) -> full keys
        names = [(r, p) for r in refs if r.label == "PERSON" and (p := person_name(r.name)) is not None and p.given]
        seen_in: dict[str, set[str]] = defaultdict(set)
        for r, p in names:
            seen_in[p.full_key].add(r.article_id)
        self.canonical: dict[str, str] = {}  # entity_id -> full key
        for r, p in names:
            key = p.full_key
            # Words before a full name the other articles give are a description, not a given name
            # ("Billionaire Donald Trump"), even when the description recurs, as long as the plain
            # name is written in at least as many other articles; "Hillary Rodham Clinton" keeps its
            # first and last names.
            if p.inner_key and len(seen_in.get(p.inner_key, set()) - seen_in[key]) >= len(seen_in[key]):
                key = p.inner_key
            self.canonical[r.entity_id] = key
            ev = self.full[p.surname].setdefault(key, _FullName(set(), Counter(), set()))
            ev.articles.add(r.article_id)
            roles, genders = _title_words(r.title)
            ev.roles.update(roles)
            ev.genders |= genders
            self.in_article[(r.article_id, p.surname)].add(key)
        self.person_in_article = {k: set(v) for k, v in self.in_article.items()}
        self.known = {k for names in self.full.values() for k in names}
        # A known full name under another label in the same article ("Hillary Clinton" tagged ORG
        # beside "Clinton") still names the person there, and counts as an article naming them
        # (the model tags "Carly Fiorina" ORG in most articles).
        for r in refs:
            if r.label != "PERSON" and not _is_place(r) and name_like(r.name):
                p = person_name(r.name)
                if p is not None and p.given is not None and p.full_key in self.known:
                    self.in_article[(r.article_id, p.surname)].add(p.full_key)
                    if p.full_key in self.full[p.surname]:
                        self.full[p.surname][p.full_key].articles.add(r.article_id)

    def resolve(self, article_id: str, p: PersonName, title: str | None, apart: bool = False) -> str | None:
        """The full name a surname alone refers to, or None when the evidence does not decide.
        `apart`: the surname is a person entity of its own, which the article's extraction keeps
        apart from the one person it names in full with that surname only on evidence that it is
        someone else ("Mr. Obama" beside "the first lady, Michelle Obama"): not that person."""
        local = self.in_article.get((article_id, p.surname), set())
        named = self.person_in_article.get((article_id, p.surname), set())
        elsewhere = named if apart and len(named) == 1 else set()
        local = local - elsewhere
        if p.suffix:
            local = {k for k in local if k.endswith(f" {p.suffix}")}
        if len(local) == 1:
            return next(iter(local))
        candidates = {k: ev for k, ev in self.full.get(p.surname, {}).items()
                      if (not p.suffix or k.endswith(f" {p.suffix}")) and k not in elsewhere}
        if local:  # several people of that name in the article itself: only they are candidates
            candidates = {k: ev for k, ev in candidates.items() if k in local}
        if elsewhere and not local:
            # a namesake the article never names in full: only the day's dominant person of that
            # name, and never one the partition gives the other sex, not whoever else is left
            genders = _title_words(title)[1]
            candidates = {k: ev for k, ev in candidates.items() if not (genders and ev.genders - genders)}
            return _choose(candidates, title, lone=False)
        return _choose(candidates, title)


def _choose(candidates: dict[str, _FullName], title: str | None, lone: bool = True) -> str | None:
    """`lone`: a single candidate is the one meant, whatever its share of the day."""
    if len(candidates) == 1 and lone:
        return next(iter(candidates))
    if not candidates:
        return None
    roles, genders = _title_words(title)
    if genders:
        fitting = {k: ev for k, ev in candidates.items() if not ev.genders or ev.genders & genders}
        if len(fitting) == 1 and len(fitting) < len(candidates):
            return next(iter(fitting))  # the others are known to be of the other gender
        candidates = fitting
    if roles:
        with_role = [k for k, ev in candidates.items() if set(ev.roles) & roles]
        if len(with_role) == 1:
            return with_role[0]
    counts = {k: len(ev.articles) for k, ev in candidates.items()}
    total = sum(counts.values())
    best = max(counts, key=lambda k: (counts[k], k))
    if counts[best] >= DOMINANT_MIN_ARTICLES and counts[best] >= DOMINANT_SHARE * total:
        return best
    return None


# --- organisations -------------------------------------------------------------------------------

def _org_keys(refs: list[EntityRef]) -> dict[str, str]:
    """Keys of the organisation-like entities the table or an acronym decides; the rest may be
    people the tagger mislabelled, else take the generic `<label>:<name>` key."""
    forms = {r.entity_id: {org_form(v) for v in (r.name, *r.variants) if v} for r in refs}
    # Acronym <-> expansion pairs spelled out anywhere in the partition (one entity holds both).
    expansions: dict[str, set[str]] = defaultdict(set)
    for r in refs:
        if r.label != "ORG":
            continue
        acronyms = {f for f in forms[r.entity_id] if _is_acronym(f)}
        for f in forms[r.entity_id]:
            if " " in f and _initials(f) in acronyms:
                expansions[_initials(f)].add(f)
    acronym_of = {e: a for a, es in expansions.items() if len(es) == 1 for e in es}
    out: dict[str, str] = {}
    for r in refs:
        fs = forms[r.entity_id]
        own = org_form(r.name)
        spelled = " " in own and _initials(own) in fs  # the entity spells out an acronym of its own
        if own in _TABLE:
            out[r.entity_id] = f"org:{_TABLE[own]}"
            continue
        # Its other forms may name a tabled organisation ("the Fed" beside "Fed chief"), unless the
        # entity spells out another organisation under a tabled acronym.
        table = sorted({_TABLE[f] for f in fs if f in _TABLE})
        if len(table) == 1 and not spelled:
            out[r.entity_id] = f"org:{table[0]}"
            continue
        if r.label != "ORG":
            continue
        if _is_acronym(own):
            out[r.entity_id] = f"org:{own}"
            continue
        acr = acronym_of.get(own)
        if acr is not None and acr not in _TABLE:
            out[r.entity_id] = f"org:{acr}"
    return out
