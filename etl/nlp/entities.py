"""Entity mentions and in-article resolution.

Steps, all within one article:
1. Harvest: the model's spans of name-like labels, cleaned (determiners, possessives, quotes,
   titles/roles stripped; the title kept for the entity), junk dropped. In ALL-CAPS segments
   (headlines) the model's labels are unreliable, so those spans are only kept when they name
   something also found in normally cased text or a well-known place. A lone PERSON word whose
   lower-cased next word completes a name seen elsewhere ("Oval office") is dropped; an
   abbreviation after "Place," ("Washington, D.C.") is marked as qualifying that place.
2. Cluster: mentions with the same normalised name; a single-word mention joins the person whose
   surname or first name it is; an acronym joins its expansion ("NATO" ->
   "North Atlantic Treaty Organization").
   Two people sharing a surname: a bare surname joins the one named in full earlier in its
   paragraph, else the one the article named in full first (its principal person of that name);
   with no full mention before it, it stays an entity of its own rather than guess. A full name
   the model tagged otherwise ("Carly Fiorina" as ORG) competes too: when the rules pick it, the
   bare surname stays a person of its own rather than join the other one (her husband). An
   honorific of the other sex than the one the article gives a full name by a role keeps the
   surname apart from it ("Mr. Obama" beside "the first lady, Michelle Obama": etl.nlp.entity_gender).
3. Label: one label per entity, voted by its mentions (full-name mentions decide when present),
   then corrected by the gazetteer (a well-known place tagged PERSON/ORG becomes GPE/LOC, unless
   there is evidence of a person: a full name or a personal honorific) and by demonyms (NORP).
   A one-word name that is no known place is relabelled by how the article uses it, when the
   evidence is one-sided (an initial, an age, a speech verb -> PERSON; "in X", "east of X" -> place);
   a one-word ORG the article goes on to call "he" or "she" is a PERSON.
4. Second pass: later untagged occurrences of a resolved name (or a person's surname) in the
   article become mentions too, as an EntityRuler would add them; a surname several people share
   goes to the one a tagged occurrence there would join (step 2).
5. Places are looked up in the gazetteer for coordinates and identifiers.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from etl.nlp import geo
from etl.nlp.entity_lexicon import PERSON_HONORIFICS, is_demonym, is_title_word
from etl.nlp.entity_gender import called_he_or_she, honorific_sex, role_sex, sexes_written_at
from etl.nlp.entity_spans import (KEEP_LABELS, Span, clean_span, follows_place_preposition, is_caps_text,
                                  is_junk, trim_chars, words_of)
from etl.nlp.entity_surnames import SharedSurname, may_be_person_part, person_for, surname, written_as_a_name
from etl.nlp.segments import Segment
from etl.model.records import Entity, Mention

__all__ = ["extract_entities", "KEEP_LABELS"]

_FIELD_ORDER = {"title": 0, "subtitle": 1, "body": 2, "caption": 3}
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Labels a known place name is corrected from (ORG only for major places, see _resolve_label).
_CORRECTABLE_TO_PLACE = frozenset({"PERSON", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "LANGUAGE"})
_ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "in", "on", "at", "de", "du", "des", "la", "le", "to"})
_ORG_SUFFIXES = frozenset({"inc", "corp", "corporation", "co", "ltd", "plc", "llc", "ag", "sa", "nv", "gmbh"})
_ACRONYM_IN_PARENS = re.compile(r"\s*\(\s*([A-Z][A-Z.&]{1,9})\s*\)")
_MAX_ALIAS_WORDS = 8


@dataclass
class _Cluster:
    key: tuple[str, ...]
    spans: list[Span] = field(default_factory=list)
    label: str = ""
    name: str = ""
    # a bare surname left apart because two people's names compete for it: a person, whatever
    # label the model gave it (it often follows the rival's wrong one)
    surname_of_several: bool = False

    @property
    def first(self) -> Span:
        return min(self.spans, key=lambda s: s.order)


def extract_entities(segments: list[Segment]) -> tuple[list[Mention], list[Entity]]:
    """Mentions from annotated segments, grouped into per-article entities."""
    segments = [seg for seg in segments if _usable(seg)]
    order = sorted(range(len(segments)), key=lambda n: (_FIELD_ORDER.get(segments[n].field, 9),
                                                        segments[n].field_index, segments[n].char_offset))
    segments = [segments[n] for n in order]
    spans = _without_lowercased_name_fragments(segments, _harvest(segments))
    _mark_place_qualifiers(segments, spans)
    _cut_headline_verbs(segments, [s for s in spans if not s.caps])
    lower_words = {w for seg in segments for w in re.findall(r"\b[a-z]+\b", seg.text)}
    clusters = _cluster([s for s in spans if not s.caps], lower_words, segments)
    _attach_caps_spans([s for s in spans if s.caps], clusters)
    _split_headline_spans(segments, clusters)
    clusters = [c for c in clusters.values() if c.spans]
    for cluster in clusters:
        cluster.label = "PERSON" if cluster.surname_of_several else _relabel_by_context(
            cluster, segments, _resolve_label(cluster))
        cluster.name = _best_name(cluster)
    _second_pass(segments, clusters)
    return _records(segments, clusters)


def _usable(seg: Segment) -> bool:
    """Whether the segment's Doc was made from the segment's text. Checked at both ends rather than
    by comparing Doc.text, which spaCy rebuilds from every token on each access (that comparison
    was a seventh of the time of entity and quote extraction)."""
    doc = getattr(seg, "doc", None)
    if doc is None:
        return False
    try:
        if len(doc) == 0:
            return seg.text == ""
        first, last = doc[0], doc[len(doc) - 1]
        return (first.idx == 0 and seg.text.startswith(first.text)
                and last.idx + len(last.text_with_ws) == len(seg.text) and seg.text.startswith(last.text, last.idx))
    except (AttributeError, TypeError, IndexError):
        return False


# --- harvest -------------------------------------------------------------------------------------

def _harvest(segments: list[Segment]) -> list[Span]:
    spans: list[Span] = []
    for seg_no, seg in enumerate(segments):
        doc = seg.doc
        caps = is_caps_text(seg.text)
        has_capitals = any(ch.isupper() for ch in seg.text)
        found: list[Span] = []
        for ent in doc.ents:
            if ent.label_ not in KEEP_LABELS:
                continue
            cleaned = clean_span(doc, ent.start, ent.end, ent.label_, seg.text)
            if cleaned is None:
                continue
            start, end, title, label = cleaned
            text = seg.text[start:end]
            if is_junk(text, has_capitals):
                continue
            found.append(Span(seg_no, start, end, text, label, title, caps, words_of(text),
                              follows_place_preposition(seg.text, start)))
        found += _acronyms_in_parentheses(seg_no, seg, found)
        places = _caps_places(seg_no, doc, caps)
        spans += _without_overlaps(places + found)
    return spans


def _without_overlaps(spans: list[Span]) -> list[Span]:
    """Earlier entries win over later ones that overlap them."""
    kept: list[Span] = []
    for span in spans:
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    return kept


def _initials(words: tuple[str, ...]) -> set[str]:
    content = "".join(w[0] for w in words if w not in _ACRONYM_SKIP and w)
    every = "".join(w[0] for w in words if w)
    return {content, every}


def _acronyms_in_parentheses(seg_no: int, seg: Segment, found: list[Span]) -> list[Span]:
    """"North Atlantic Treaty Organization (NATO)": the bracketed acronym is a mention too."""
    out = []
    for span in found:
        if span.caps or len(span.words) < 2:
            continue
        m = _ACRONYM_IN_PARENS.match(seg.text, span.end)
        if not m:
            continue
        acronym = m.group(1)
        if words_of(acronym) and words_of(acronym)[0] in _initials(span.words):
            out.append(Span(seg_no, m.start(1), m.end(1), acronym, span.label, None, False, words_of(acronym)))
    return out


def _caps_places(seg_no: int, doc, caps_segment: bool) -> list[Span]:
    """Place names written in capitals: anywhere in an ALL-CAPS headline (well-known places only)
    and as the dateline opening a paragraph ("WASHINGTON (Reuters) -", "LONDON 1996-08-30")."""
    out: list[Span] = []
    # Tokens are fetched one at a time: outside capitals only the paragraph's opening words are
    # looked at, and spaCy builds a Token object on every access.
    size = len(doc)
    n = 0
    while n < size:
        if not caps_segment and n > 0:
            break
        run_end = n
        while run_end < size and _caps_word(doc[run_end]):
            run_end += 1
        if run_end == n:
            n += 1
            continue
        dateline = n == 0 and (run_end == size or not doc[run_end].is_alpha)
        if not caps_segment and not dateline:
            break
        out += _places_in_run(seg_no, doc, n, run_end, major_only=not dateline)
        n = run_end
    return out


def _caps_word(token) -> bool:
    text = token.text
    if text in ("-", "'"):
        return True  # inside hyphenated or apostrophised names ("AL-AIN")
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters) and all(ch.isalpha() or ch in ".-'" for ch in text)


def _places_in_run(seg_no: int, doc, lo: int, hi: int, major_only: bool) -> list[Span]:
    out = []
    doc_text = doc.text  # rebuilt from the tokens on every access
    i = lo
    while i < hi:
        matched = False
        for j in range(min(hi, i + 4), i, -1):
            if doc[i].text == "-" or doc[j - 1].text == "-":
                continue
            start, end = doc[i].idx, doc[j - 1].idx + len(doc[j - 1].text)
            text = doc_text[start:end]
            letters = sum(ch.isalpha() for ch in text)
            if letters < 3 and "." not in text:
                continue
            # Headline words must be a major place's own name; a dateline may use any spelling ("KIEV").
            place = geo.lookup(text, alternates=not major_only)
            if place is None or (major_only and not place.is_major):
                continue
            out.append(Span(seg_no, start, end, text, place.label, None, True, words_of(text)))
            i = j
            matched = True
            break
        if not matched:
            i += 1
    return out


_FOLLOWING_LOWER_WORD = re.compile(r"[ \t]+([a-z][a-z\-]*)\b")


def _without_lowercased_name_fragments(segments: list[Segment], spans: list[Span]) -> list[Span]:
    """"Oval" in "the Oval office" when "Oval Office ..." is a name elsewhere in the article: the
    same name written with a lower-case second word, of which the model tagged only the first
    word as a person. That fragment is not a name of its own. (Only names from normally cased
    sentences count: in a Title Case headline every word is capitalised.)"""
    openings = set()
    for span in spans:
        pieces = span.text.split()
        if not span.caps and len(span.words) >= 2 and len(pieces) >= 2 and pieces[1][:1].isupper() \
                and not _headline_cased(segments[span.seg_no].text):
            openings.add(span.words[:2])
    if not openings:
        return spans
    kept = []
    for span in spans:
        if span.label == "PERSON" and len(span.words) == 1 and not span.caps and not span.title:
            m = _FOLLOWING_LOWER_WORD.match(segments[span.seg_no].text, span.end)
            if m and (span.words[0], m.group(1)) in openings:
                continue
        kept.append(span)
    return kept


_ABBREVIATION = re.compile(r"^(?:[A-Z]\.){2,3}$|^[A-Z][a-z]{1,4}\.$")


def _mark_place_qualifiers(segments: list[Segment], spans: list[Span]) -> None:
    """"Washington, D.C.", "St. Petersburg, Fla.": an abbreviation written after a place and a
    comma says which place is meant; it is part of how that place is written, not another place
    of the article. (A full name after the comma, "Paris, France", is a place of its own.)"""
    by_segment: dict[int, list[Span]] = {}
    for span in spans:
        if not span.caps:
            by_segment.setdefault(span.seg_no, []).append(span)
    for seg_no, found in by_segment.items():
        text = segments[seg_no].text
        found.sort(key=lambda s: s.start)
        for head, qualifier in zip(found, found[1:]):
            if head.label not in ("GPE", "LOC") or head.qualifies is not None:
                continue
            if text[head.end:qualifier.start].strip() != ",":
                continue
            written = qualifier.text + ("." if text[qualifier.end:qualifier.end + 1] == "." else "")
            if _ABBREVIATION.match(written) and not geo.is_known_place(qualifier.text):
                qualifier.qualifies = head
                qualifier.label = head.label


# --- clustering ----------------------------------------------------------------------------------

def _name_key(words: tuple[str, ...]) -> tuple[str, ...]:
    """Key under which spellings of one name meet: corporate suffixes and middle initials dropped."""
    if len(words) > 1 and words[-1] in _ORG_SUFFIXES:
        words = words[:-1]
    if len(words) > 2:
        words = (words[0],) + tuple(w for w in words[1:-1] if len(w) > 1) + (words[-1],)
    return words


def _vote(spans: list[Span]) -> str | None:
    votes = Counter(s.label for s in spans if s.label)
    if not votes:
        return None
    first_seen = {}
    for s in sorted(spans, key=lambda s: s.order):
        if s.label:
            first_seen.setdefault(s.label, len(first_seen))
    # Ties go to the label seen first in reading order.
    return max(votes, key=lambda lab: (votes[lab], -first_seen[lab]))


def _cluster(spans: list[Span], lower_words: set[str], segments: list[Segment]) -> dict[tuple[str, ...], _Cluster]:
    spans = sorted(spans, key=lambda s: s.order)
    by_key: dict[tuple[str, ...], list[Span]] = {}
    for span in spans:
        by_key.setdefault(_name_key(span.words), []).append(span)

    full_people = {key: group for key, group in by_key.items()
                   if len(key) >= 2 and _vote([s for s in group if len(s.words) >= 2]) == "PERSON"}
    # "Trump-Clinton" (a race, a debate) pairs two people the article names: no one's full name
    surnames = {surname(key) for key in full_people}
    full_people = {key: group for key, group in full_people.items()
                   if not (len(key) == 2 and key[0] in surnames and all(re.fullmatch(r"\S+-\S+", s.text) for s in group))}
    by_surname: dict[str, list[tuple[str, ...]]] = {}
    by_first_name: dict[str, list[tuple[str, ...]]] = {}
    for key in full_people:
        by_surname.setdefault(surname(key), []).append(key)
        by_first_name.setdefault(key[0], []).append(key)
    # A full name the tagger labelled otherwise ("Carly Fiorina" as ORG) still competes for its
    # surname: "Fiorina" must not join her husband "Frank Fiorina", the only full name tagged PERSON.
    rivals: dict[str, list[tuple[str, ...]]] = {}  # surname -> such full names
    for key, group in by_key.items():
        if key not in full_people and surname(key) in by_surname and written_as_a_name(group, lower_words):
            rivals.setdefault(surname(key), []).append(key)
    named_in_full = {**full_people, **{key: by_key[key] for keys in rivals.values() for key in keys}}
    sexes = {key: role_sex(group, segments) for key, group in full_people.items()}
    # "Mr. Obama" where the only Obama named in full is "the first lady, Michelle Obama"
    namesakes = frozenset(key[0] for key, group in by_key.items() if len(key) == 1 and key[0] in by_surname and any(
        honorific_sex(s) and all(sexes[k] not in (None, honorific_sex(s)) for k in by_surname[key[0]]) for s in group))

    clusters: dict[tuple[str, ...], _Cluster] = {}
    key_of: dict[int, tuple[str, ...]] = {}
    contested = set()
    for span in spans:
        key = _name_key(span.words)
        if span.qualifies is not None and id(span.qualifies) in key_of:
            key = key_of[id(span.qualifies)]
        elif len(key) == 1 and may_be_person_part(span):
            target = person_for(span, key[0], by_surname, by_first_name, named_in_full, rivals, sexes, namesakes)
            if target is not None:
                key = target
            elif key[0] in rivals:
                contested.add(key)
        key_of[id(span)] = key
        clusters.setdefault(key, _Cluster(key)).spans.append(span)
    for key in contested:
        clusters[key].surname_of_several = True
    _merge_acronyms(clusters)
    return clusters


def _cut_headline_verbs(segments: list[Segment], spans: list[Span]) -> None:
    """In a Title Case headline the model runs capitalised words into a surname ("Governor Endorsed
    Trump", "Mayor Backs Clinton"). A two-or-more-word PERSON name written only in such
    headlines, when the article names someone else of that surname in full outside them, is that
    surname alone: the leading words name no one the article knows. (The surname then joins the
    person the article names, as any surname alone does.)"""
    headline = {n for n, seg in enumerate(segments) if seg.field in ("title", "subtitle")
                and _headline_cased(seg.text)}
    outside = {_name_key(s.words) for s in spans if s.seg_no not in headline}
    people: dict[tuple[str, ...], list[Span]] = {}
    for span in spans:
        if span.label == "PERSON" and len(span.words) >= 2:
            people.setdefault(_name_key(span.words), []).append(span)
    written_out = {surname(key) for key, group in people.items() if any(s.seg_no not in headline for s in group)}
    for key, group in people.items():
        if key not in outside and surname(key) in written_out:
            for span in group:
                last = list(re.finditer(r"\S+", span.text))[-1]
                if words_of(last.group()) != (surname(key),):
                    continue  # a suffix or particle ends the name: left as written
                span.start += last.start()
                span.text, span.words = last.group(), words_of(last.group())


def _merge_acronyms(clusters: dict[tuple[str, ...], _Cluster]) -> None:
    expansions: dict[str, list[tuple[str, ...]]] = {}
    for key in clusters:
        if len(key) >= 2:
            for initials in _initials(key):
                if len(initials) >= 2:
                    expansions.setdefault(initials, []).append(key)
    for key, cluster in list(clusters.items()):
        if len(key) != 1 or not 2 <= len(key[0]) <= 7:
            continue
        if not any(_looks_like_acronym(s.text) for s in cluster.spans):
            continue
        targets = expansions.get(key[0], [])
        if not targets:
            continue
        # With several expansions, the one written first (usually the one the acronym was introduced with).
        target = min(targets, key=lambda k: clusters[k].first.order)
        clusters[target].spans += cluster.spans
        cluster.spans = []


def _looks_like_acronym(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters) and all(ch.isalpha() or ch in ".&" for ch in text)


def _attach_caps_spans(caps_spans: list[Span], clusters: dict[tuple[str, ...], _Cluster]) -> None:
    """Headline spans join a name found in the article's normally cased text; otherwise only
    gazetteer places (already labelled by the gazetteer) are kept."""
    surnames: dict[str, list[tuple[str, ...]]] = {}
    for key, cluster in clusters.items():
        if len(key) >= 2 and cluster.spans:
            surnames.setdefault(surname(key), []).append(key)
    for span in caps_spans:
        key = _name_key(span.words)
        if key in clusters and clusters[key].spans:
            clusters[key].spans.append(span)
        elif len(key) == 1 and len(surnames.get(key[0], [])) == 1:
            clusters[surnames[key[0]][0]].spans.append(span)
        elif geo.is_known_place(span.text):
            span.label = geo.lookup(span.text, alternates=False).label
            clusters.setdefault(key, _Cluster(key)).spans.append(span)


def _headline_cased(text: str) -> bool:
    words = [w for w in text.split() if w[:1].isalpha()]
    return len(words) >= 3 and sum(w[:1].isupper() for w in words) / len(words) >= 0.7


def _split_headline_spans(segments: list[Segment], clusters: dict[tuple[str, ...], _Cluster]) -> None:
    """In Title Case headlines the model runs a name into the next capitalised words
    ("Trump: Putin Wants To End the War" -> "Putin Wants"). A span there that starts with a name
    known from elsewhere in the article, and is not itself seen elsewhere, is cut back to that name."""
    surnames: dict[str, list[tuple[str, ...]]] = {}
    for key, cluster in clusters.items():
        if len(key) >= 2 and cluster.spans:
            surnames.setdefault(surname(key), []).append(key)
    for key, cluster in list(clusters.items()):
        if len(key) < 2 or not cluster.spans:
            continue
        if not all(_headline_cased(segments[s.seg_no].text) for s in cluster.spans):
            continue
        moved = []
        for span in cluster.spans:
            pieces = list(re.finditer(r"\S+", span.text))
            for k in range(len(pieces) - 1, 0, -1):
                text = span.text[:pieces[k - 1].end()]
                prefix = _name_key(words_of(text))
                target = prefix if prefix in clusters and clusters[prefix].spans and prefix != key else None
                if target is None and len(prefix) == 1 and len(surnames.get(prefix[0], [])) == 1:
                    target = surnames[prefix[0]][0]
                if target is not None:
                    span.end = span.start + len(text)
                    span.text, span.words, span.label = text, words_of(text), None
                    clusters[target].spans.append(span)
                    moved.append(span)
                    break
        cluster.spans = [s for s in cluster.spans if s not in moved]


# --- labels and names ----------------------------------------------------------------------------

def _resolve_label(cluster: _Cluster) -> str:
    cased = [s for s in cluster.spans if not s.caps] or cluster.spans
    full = [s for s in cased if len(s.words) >= 2]
    label = _vote(full) or _vote(cased) or _vote(cluster.spans) or "ORG"
    person_evidence = any(s.label == "PERSON" for s in full) or any(
        s.title and s.title.split()[0].lower().strip(".") in PERSON_HONORIFICS for s in cased)
    if label == "PERSON" and person_evidence:
        return label
    texts = _distinct_texts(cased)
    located = next((geo.lookup(t) for t in texts if geo.lookup(t) is not None), None)
    if located is not None and label in _PLACE_LABELS - {"FAC"}:
        return located.label
    # Only a place's own name is evidence enough to relabel a span the model called something else.
    place = next((geo.lookup(t, alternates=False) for t in texts if geo.lookup(t, alternates=False)), None)
    if place is not None:
        # ORG too: a well-known place tagged ORG is the place or its government, which OntoNotes
        # labels GPE. Smaller cities tagged ORG are left alone (sports clubs are named after them).
        if (label in _CORRECTABLE_TO_PLACE or label == "ORG") and place.is_major and not person_evidence:
            return place.label
    if label != "PERSON" or not person_evidence:
        if all(len(s.words) == 1 for s in cased) and any(is_demonym(t) for t in texts):
            return "NORP"
    return label


# Verbs whose subject is a person (or, by metonymy, an institution or a well-known place; those
# are excluded before these count).
_SPEECH_VERBS = frozenset("""
say tell add insist explain admit deny claim complain recall warn ask reply argue acknowledge
stress note vow promise confess
""".split())
# Prepositions after which a name is read as somewhere, not someone ("to" and "from" also take people).
_LOCATIVE_PREPOSITIONS = frozenset({"in", "near", "into", "outside", "inside", "across", "throughout"})
# "east of X", "the town of X": words whose "of" is followed by a place.
_PLACE_OF_WORDS = frozenset({"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
                             "outskirts", "suburbs", "town", "city", "village", "province", "region", "district",
                             "port", "county", "island", "capital"})
_INITIAL = re.compile(r"^[A-Z]\.$")


def _relabel_by_context(cluster: _Cluster, segments: list[Segment], label: str) -> str:
    """A one-word name tagged ORG that the article calls "he" or "she" is a person. A one-word name
    that is not a known place, labelled a place by the model, is a person when
    the article uses it as one ("U. Chandana", "Duran, 45,", "Duran told Reuters") and never as a
    place; a one-word name labelled a person is a place when the article only uses it as one
    ("in Longyear", "east of Longyear") and never as a person."""
    cased = [s for s in cluster.spans if not s.caps]
    if not cased or any(len(s.words) != 1 for s in cased):
        return label
    if label == "ORG" and all(re.fullmatch(r"[A-Z][a-z]+", s.text) for s in cased) \
            and called_he_or_she(cased, segments):
        return "PERSON"  # "Trump told Newsmax …, adding that he …": an ORG is never "he"
    if label not in _PLACE_LABELS and label != "PERSON":
        return label
    if any(geo.lookup(t, alternates=False) is not None for t in _distinct_texts(cased)):
        return label  # known places keep the gazetteer's reading (see _resolve_label)
    person = place = 0
    for span in cased:
        as_person, as_place = _context_cues(segments[span.seg_no], span)
        person += as_person
        place += as_place
    if label in _PLACE_LABELS and person and not place:
        return "PERSON"
    if label == "PERSON" and place >= 2 and not person and not any(s.title for s in cased):
        return _vote([s for s in cased if s.label in _PLACE_LABELS - {"FAC"}]) or "GPE"
    return label


def _context_cues(seg: Segment, span: Span) -> tuple[bool, bool]:
    """(used as a person here, used as a place here) for one mention, from its neighbours."""
    doc = seg.doc
    window = doc.char_span(span.start, span.end, alignment_mode="expand")
    if window is None or len(window) == 0:
        return False, False
    i, j = window.start, window.end
    before = doc[i - 1] if i > 0 else None
    possessive = seg.text[span.end:span.end + 2] in ("'s", "’s")
    as_person = bool(before is not None and _INITIAL.match(before.text))
    # "Duran, 45, takes on ...": an age in commas after a name.
    if j + 2 < len(doc) and doc[j].text == "," and doc[j + 2].text == "," and doc[j + 1].text.isdigit() \
            and 15 <= int(doc[j + 1].text) <= 110:
        as_person = True
    head = window.root
    if head.dep_ in ("nsubj", "nsubjpass") and head.head.lemma_.lower() in _SPEECH_VERBS:
        as_person = True
    as_place = False
    if before is not None and not possessive:
        if before.lower_ in _LOCATIVE_PREPOSITIONS:
            as_place = True
        elif before.lower_ == "of" and i >= 2 and doc[i - 2].lower_ in _PLACE_OF_WORDS:
            as_place = True
    return as_person, as_place


def _distinct_texts(spans: list[Span]) -> list[str]:
    seen: dict[str, None] = {}
    for s in sorted(spans, key=lambda s: (-len(s.words), s.order)):
        seen.setdefault(s.text, None)
    return list(seen)


def _best_name(cluster: _Cluster) -> str:
    """The fullest proper form: most words, normally cased, most frequent, earliest."""
    counts = Counter(s.text for s in cluster.spans)
    # A qualifier ("D.C.") is never the name of the place it qualifies.
    own = [s for s in cluster.spans if s.qualifies is None] or cluster.spans
    labelled = [s for s in own if s.label == cluster.label] or own

    def rank(s: Span):
        return (s.caps or s.text.isupper() and len(s.words) > 1, -len(s.words), -counts[s.text], s.order)
    return min(labelled, key=rank).text


# --- second pass ---------------------------------------------------------------------------------

def _aliases(clusters: list[_Cluster], segments: list[Segment]) -> dict[tuple[str, ...], _Cluster | SharedSurname]:
    """Word sequences that name one resolved entity; a surname of several people maps to them
    (`SharedSurname`), to choose among where it is written."""
    owners: dict[tuple[str, ...], set[int]] = {}
    surnames: dict[tuple[str, ...], set[int]] = {}
    for n, cluster in enumerate(clusters):
        names = {s.words for s in cluster.spans if s.label is not None}
        if cluster.label == "PERSON" and len(cluster.key) >= 2:
            names.add((surname(cluster.key),))
            surnames.setdefault((surname(cluster.key),), set()).add(n)
        for words in names:
            if words:
                owners.setdefault(words, set()).add(n)
    aliases = {words: clusters[next(iter(ns))] for words, ns in owners.items() if len(ns) == 1}
    for words, ns in surnames.items():  # "Ebeling" when the article names Betsy and Tom Ebeling
        if len(owners[words]) > 1 and owners[words] == ns:
            aliases[words] = SharedSurname({clusters[n].key: clusters[n] for n in ns},
                                           {clusters[n].key: role_sex(clusters[n].spans, segments) for n in ns})
    return aliases


def _second_pass(segments: list[Segment], clusters: list[_Cluster]) -> None:
    from spacy.attrs import IDX, LENGTH

    aliases = _aliases(clusters, segments)
    if not aliases:
        return
    taken: dict[int, list[tuple[int, int]]] = {}
    for cluster in clusters:
        for s in cluster.spans:
            taken.setdefault(s.seg_no, []).append((s.start, s.end))
    longest = min(_MAX_ALIAS_WORDS, max(len(w) for w in aliases))
    for seg_no, seg in enumerate(segments):
        doc = seg.doc
        caps = is_caps_text(seg.text)
        blocked = set()
        for ent in doc.ents:  # anything the model labelled, names or numbers, is left alone
            # except a name span in capitals, whose boundaries are as unreliable as its label
            # ("WORLD CUP QUALIFIER"): known names inside it may still be found.
            if not (caps and ent.label_ in KEEP_LABELS):
                blocked.update(range(ent.start, ent.end))
        occupied = taken.get(seg_no, [])
        # Where each token starts and ends, read as arrays: indexing doc[n] builds a Token object,
        # and only capitalised tokens can open an alias.
        bounds = doc.to_array([IDX, LENGTH]).tolist() if len(doc) else []
        starts = [b[0] for b in bounds]
        ends = [b[0] + b[1] for b in bounds]
        text = seg.text
        n = 0
        while n < len(starts):
            hit = None
            if n not in blocked and text[starts[n]:starts[n] + 1].isupper():
                hit = _alias_at(doc, text, starts, ends, n, longest, aliases, blocked, caps, seg_no)
            if hit is None:
                n += 1
                continue
            end_token, cluster = hit
            start, end = trim_chars(seg.text, doc[n].idx, doc[end_token - 1].idx + len(doc[end_token - 1].text))
            if end > start and all(end <= a or start >= b for a, b in occupied):
                text = seg.text[start:end]
                cluster.spans.append(Span(seg_no, start, end, text, None, None, caps, words_of(text)))
                occupied.append((start, end))
            n = end_token


def _alias_at(doc, text: str, starts: list[int], ends: list[int], n: int, longest: int, aliases,
              blocked: set[int], caps: bool, seg_no: int):
    """The longest alias starting at token n: (its end token, its cluster), or None. Candidate
    texts are sliced from the paragraph by token offsets (a spaCy Span per candidate length
    cost more than the rest of the second pass)."""
    for length in range(min(longest, len(starts) - n), 0, -1):
        if any(i in blocked for i in range(n, n + length)):
            continue
        words = words_of(text[starts[n]:ends[n + length - 1]])
        cluster = aliases.get(words)
        if isinstance(cluster, SharedSurname):
            sexes = sexes_written_at(text, starts[n], ends[n])  # "Mr. Ebeling"
            cluster = cluster.at((seg_no, starts[n]), next(iter(sexes)) if len(sexes) == 1 else None)
        if cluster is None:
            continue
        if not _plausible_occurrence(doc, n, n + length, cluster, caps):
            continue
        return n + length, cluster
    return None


def _plausible_occurrence(doc, start: int, end: int, cluster: _Cluster, caps: bool) -> bool:
    first = doc[start]
    if caps:
        # Headline words are all capitals: only distinctive names (no short or stop words).
        return end - start > 1 or (len(first.text) >= 4 and not first.is_stop)
    if not all(t.text[:1].isupper() or t.lower_ in _ACRONYM_SKIP or not t.is_alpha for t in doc[start:end]):
        return False
    # Part of a longer capitalised name ("Washington Post" when "Washington" is known) is not it.
    if end < len(doc) and doc[end].is_alpha and doc[end].text[:1].isupper():
        return False
    if start > 0:
        prev = doc[start - 1]
        if prev.is_alpha and prev.text[:1].isupper() and not _sentence_start(doc, start - 1) \
                and not is_title_word(prev.text):
            return False
    if end - start == 1:
        if first.is_stop or len(first.text) < 2:
            return False
        if _sentence_start(doc, start) and first.pos_ and first.pos_ not in ("PROPN", "NOUN", "X"):
            return False
    return True


def _sentence_start(doc, i: int) -> bool:
    if i == 0:
        return True
    try:
        start = doc[i].is_sent_start
    except ValueError:
        start = None
    if start is None:  # no sentence boundaries (a title or caption gets no parse)
        return doc[i - 1].text in ".!?:\"“"
    return bool(start)


# --- records -------------------------------------------------------------------------------------

def _records(segments: list[Segment], clusters: list[_Cluster]) -> tuple[list[Mention], list[Entity]]:
    clusters = _merge_same_names([c for c in clusters if c.spans])
    clusters.sort(key=lambda c: c.first.order)
    mentions: list[Mention] = []
    entities: list[Entity] = []
    for cluster in clusters:
        key = f"{cluster.label}:{cluster.name}"  # unique: clusters were merged by (label, name)
        first = cluster.first
        first_seg = segments[first.seg_no]
        titles = Counter(s.title for s in cluster.spans if s.title)
        entity = Entity(key, cluster.name, cluster.label, len(cluster.spans), first_seg.field,
                        first_seg.char_offset + first.start,
                        title=titles.most_common(1)[0][0] if titles and cluster.label == "PERSON" else None)
        if cluster.label in _PLACE_LABELS:
            _locate(entity, cluster)
        entities.append(entity)
        for s in cluster.spans:
            seg = segments[s.seg_no]
            mentions.append(Mention(seg.field, seg.field_index, s.text, cluster.label,
                                    seg.char_offset + s.start, seg.char_offset + s.end, key))
    mentions.sort(key=lambda m: (_FIELD_ORDER.get(m.field, 9), m.field_index, m.char_start))
    return mentions, entities


def _merge_same_names(clusters: list[_Cluster]) -> list[_Cluster]:
    """One entity per (label, name) in an article, whatever path led to two clusters of it."""
    by_name: dict[tuple[str, str], _Cluster] = {}
    out = []
    for cluster in sorted(clusters, key=lambda c: c.first.order):
        same = by_name.get((cluster.label, cluster.name))
        if same is not None:
            same.spans += cluster.spans
            continue
        by_name[(cluster.label, cluster.name)] = cluster
        out.append(cluster)
    return out


def _locate(entity: Entity, cluster: _Cluster) -> None:
    # A facility named like a place is not that place; only its own name may match.
    alternates = entity.label != "FAC"
    for text in [cluster.name] + _distinct_texts(cluster.spans):
        place = geo.lookup(text, alternates)
        if place is not None:
            entity.country_code = place.country_code
            entity.latitude = place.latitude
            entity.longitude = place.longitude
            entity.geonames_id = place.geonames_id
            return
