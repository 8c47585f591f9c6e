"""Global entity keys: one key per real-world entity, the same across articles and days.

`entity_id` names an entity inside one article (etl.nlp.entities has already resolved its
mentions there: "Trump" after "Donald Trump" is one entity named "Donald Trump"). `link` gives
every such entity an `entity_key` from what one partition (one day) holds:

* Places with a gazetteer id: `place:<geonames id>`, so "US", "U.S." and "United States" are one key.
* People with a given name and a surname: `person:<given> <surname>[ <suffix>]`. Middle names and
  initials are left out ("Donald J. Trump" is "Donald Trump"); generational suffixes stay
  ("Donald Trump Jr." is another person).
* A surname alone (an article that never gives the full name) takes, in this order:
  1. the one full name with that surname in the same article, under any label;
  2. the one full name with that surname in the partition;
  3. of several such names, the one the article's own honorific or role points to: a title the
     full name was written with in the partition ("Secretary", "Sen."), or its gender ("Mrs.");
  4. of several such names, one that appears in at least DOMINANT_SHARE of the partition's
     articles naming someone of that surname in full, and in at least DOMINANT_MIN_ARTICLES of
     them: the day's news is about that person, as a reader of the day would take it;
  otherwise `person-surname:<surname>`: never merged with a guess.
* Organisations: a name in the curated alias table (etl.nlp.org_aliases) takes the table's key;
  an acronym spelled out in the text ("North Atlantic Treaty Organization (NATO)", or an entity
  whose mentions include the expansion and its initials) keys both forms by the acronym, for the
  whole partition; otherwise the name: `org:<name>`. Acronym keys are in capitals (`org:NATO`),
  name keys in lower case, so "WHO" and "The Who" never meet.
* Anything else: `<label>:<name>` (names compared without case, accents, dots or apostrophes).

What a key is a function of: the partition's entities (names, labels, honorifics, mention texts,
gazetteer ids from the installed gazetteer packages) and the alias table's version. Not of run
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

from etl.nlp.entity_lexicon import NAME_SUFFIXES, is_title_word
from etl.nlp.org_aliases import GROUPS

__all__ = ["EntityRef", "link", "person_name", "org_form", "DOMINANT_SHARE", "DOMINANT_MIN_ARTICLES"]

DOMINANT_SHARE = 0.8
DOMINANT_MIN_ARTICLES = 3

_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Lower-case words that belong to a surname ("Charles de Gaulle", "Ursula von der Leyen").
_PARTICLES = frozenset({"de", "da", "di", "del", "della", "der", "den", "du", "van", "von", "ter", "le", "la",
                        "al", "el", "bin", "ibn", "abu", "dos", "das", "st"})
_INITIAL = re.compile(r"^(?:[A-Z]\.)+$|^[A-Z]$")
_ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "in", "on", "at", "de", "du", "des", "la", "le", "to", "&"})
_MALE = frozenset({"mr", "sir", "lord", "king", "prince", "duke", "earl", "baron", "father", "congressman",
                   "chairman", "spokesman", "monsieur", "herr", "emperor", "husband", "brother", "son"})
_FEMALE = frozenset({"mrs", "ms", "miss", "madam", "dame", "lady", "queen", "princess", "duchess", "baroness",
                     "congresswoman", "chairwoman", "spokeswoman", "empress", "wife", "sister", "daughter"})
# Abbreviated and full forms of a role are one role; qualifiers say nothing about who it is.
_ROLE_FORMS = {"sen": "senator", "rep": "representative", "gov": "governor", "gen": "general", "pres": "president",
               "sec": "secretary", "atty": "attorney", "lt": "lieutenant", "col": "colonel", "capt": "captain"}
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

    @property
    def full_key(self) -> str:
        return f"person:{self.given} {self.surname}" + (f" {self.suffix}" if self.suffix else "")

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
    """Given name and surname of a person's name as written, or None when it holds no name word."""
    words = [w.strip(",") for w in (name or "").split()]
    words = [w for w in words if w]
    while words and is_title_word(words[0]) and len(words) > 1:
        words.pop(0)
    suffix = None
    if len(words) > 1 and _fold(words[-1]).casefold() in NAME_SUFFIXES:
        suffix = _fold(words.pop()).casefold()
    words = [w for w in words if not _INITIAL.match(w)]
    folded = [_fold(w).casefold() for w in words]
    folded = [w for w in folded if w]
    if not folded:
        return None
    cut = len(folded) - 1
    while cut > 0 and folded[cut - 1] in _PARTICLES:
        cut -= 1
    surname = " ".join(folded[cut:])
    given = folded[0] if cut > 0 else None
    return PersonName(given, surname, suffix)


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
    refs = list(refs)
    keys: dict[str, str] = {}
    people = {r.entity_id: person_name(r.name) for r in refs if r.label == "PERSON"}
    orgs = _org_keys([r for r in refs if r.label != "PERSON" and not _is_place(r)])
    for r in refs:
        if _is_place(r):
            keys[r.entity_id] = f"place:{r.geonames_id}"
        elif r.entity_id in orgs:
            keys[r.entity_id] = orgs[r.entity_id]
        elif r.label == "PERSON" and people[r.entity_id] is not None:
            p = people[r.entity_id]
            keys[r.entity_id] = p.full_key if p.given else ""  # surnames alone: below
        else:
            keys[r.entity_id] = f"{r.label.lower()}:{_name_form(r.name) or r.name.strip() or r.entity_id}"
    _resolve_surnames(refs, people, keys)
    return keys


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
            roles.add(_ROLE_FORMS.get(w, w))
    return roles, genders


def _resolve_surnames(refs: list[EntityRef], people: dict, keys: dict[str, str]) -> None:
    full: dict[str, dict[str, _FullName]] = defaultdict(dict)  # surname -> full key -> evidence
    in_article: dict[tuple[str, str], set[str]] = defaultdict(set)  # (article, surname) -> full keys
    for r in refs:
        p = people.get(r.entity_id)
        if p is None or p.given is None:
            continue
        ev = full[p.surname].setdefault(p.full_key, _FullName(set(), Counter(), set()))
        ev.articles.add(r.article_id)
        roles, genders = _title_words(r.title)
        ev.roles.update(roles)
        ev.genders |= genders
        in_article[(r.article_id, p.surname)].add(p.full_key)
    # A full name written under another label in the same article ("Hillary Clinton" tagged ORG
    # beside "Clinton") still names the person there.
    for r in refs:
        if r.label != "PERSON" and not _is_place(r):
            p = person_name(r.name)
            if p is not None and p.given is not None and len(r.name.split()) >= 2:
                in_article[(r.article_id, p.surname)].add(p.full_key)
    for r in refs:
        p = people.get(r.entity_id)
        if p is None or p.given is not None:
            continue
        local = in_article.get((r.article_id, p.surname), set())
        if p.suffix:
            local = {k for k in local if k.endswith(f" {p.surname} {p.suffix}")}
        if len(local) == 1:
            keys[r.entity_id] = next(iter(local))
            continue
        candidates = {k: ev for k, ev in full.get(p.surname, {}).items()
                      if not p.suffix or k.endswith(f" {p.suffix}")}
        if local:  # several people of that name in the article itself: only they are candidates
            candidates = {k: ev for k, ev in candidates.items() if k in local}
        keys[r.entity_id] = _choose(candidates, r.title) or p.surname_key


def _choose(candidates: dict[str, _FullName], title: str | None) -> str | None:
    if len(candidates) == 1:
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
    """Keys of the organisation-like entities the table or an acronym decides; the rest are
    left to the generic `<label>:<name>` key."""
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
        else:
            out[r.entity_id] = f"org:{_name_form(r.name) or r.name.strip()}"
    return out
