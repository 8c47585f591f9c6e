"""Entity rules, one test per rule, on hand-built Docs (blank tokenizer + entities we set), so
each rule is tested independently of what a statistical model happens to predict."""
from __future__ import annotations

import functools

from hypothesis import given, settings
from hypothesis import strategies as st

from etl.nlp.entities import extract_entities
from etl.nlp.segments import Segment, split_field


@functools.lru_cache(maxsize=1)
def _blank():
    import spacy

    return spacy.blank("en")


def seg(text: str, ents: list[tuple[str, str]] = (), field: str = "body", field_index: int = 0,
        char_offset: int = 0) -> Segment:
    """A segment whose doc has the given (substring, label) entities, found left to right."""
    from spacy.tokens import Span

    doc = _blank()(text)
    spans, pos = [], 0
    for piece, label in ents:
        start = text.index(piece, pos)
        span = doc.char_span(start, start + len(piece))
        assert span is not None, f"{piece!r} is not on token boundaries"
        spans.append(Span(doc, span.start, span.end, label=label))
        pos = start + len(piece)
    doc.ents = spans
    return Segment(field, field_index, char_offset, text, doc)


def by_name(entities):
    return {e.name: e for e in entities}


def mentions_of(mentions, entity):
    return [m for m in mentions if m.entity_key == entity.entity_key]


def test_surname_joins_full_name():
    mentions, entities = extract_entities([
        seg("Vladimir Putin met his aides.", [("Vladimir Putin", "PERSON")]),
        seg("Putin said the talks went well.", [("Putin", "PERSON")]),
    ])
    assert [e.name for e in entities] == ["Vladimir Putin"]
    assert entities[0].mention_count == 2
    assert {m.entity_key for m in mentions} == {entities[0].entity_key}


def test_surname_before_full_name_still_joins_when_unambiguous():
    mentions, entities = extract_entities([
        seg("Trump: talks to resume", [("Trump", "PERSON")], field="title"),
        seg("Donald Trump said on Wednesday that talks would resume.", [("Donald Trump", "PERSON")]),
    ])
    person = by_name(entities)["Donald Trump"]
    assert person.mention_count == 2
    assert (person.first_field, person.first_char_start) == ("title", 0)


def test_first_name_joins_full_name():
    _, entities = extract_entities([
        seg("Jared Kushner flew to Moscow.", [("Jared Kushner", "PERSON"), ("Moscow", "GPE")]),
        seg("Jared said little.", [("Jared", "PERSON")]),
    ])
    assert by_name(entities)["Jared Kushner"].mention_count == 2
    assert "Jared" not in by_name(entities)


def test_acronym_joins_its_expansion_including_the_bracketed_one():
    mentions, entities = extract_entities([
        seg("The North Atlantic Treaty Organization (NATO) met in Brussels.",
            [("North Atlantic Treaty Organization", "ORG"), ("Brussels", "GPE")]),
        seg("NATO said it was ready.", [("NATO", "ORG")]),
    ])
    nato = by_name(entities)["North Atlantic Treaty Organization"]
    assert nato.label == "ORG"
    assert sorted(m.text for m in mentions_of(mentions, nato)) == ["NATO", "NATO", "North Atlantic Treaty Organization"]


def test_possessive_is_not_part_of_the_name():
    text = "Kyiv’s top negotiator and Russia's envoy met."
    mentions, _ = extract_entities([seg(text, [("Kyiv’s", "GPE"), ("Russia's", "GPE")])])
    assert [m.text for m in mentions] == ["Kyiv", "Russia"]
    for m in mentions:
        assert text[m.char_start:m.char_end] == m.text


def test_honorific_is_stripped_and_kept_as_title():
    text = "U.S. President Donald Trump spoke. Mr. Peskov replied."
    mentions, entities = extract_entities([seg(text, [("U.S. President Donald Trump", "PERSON"), ("Mr. Peskov", "ORG")])])
    names = by_name(entities)
    assert names["Donald Trump"].title == "President"
    assert names["Peskov"].label == "PERSON"  # "Mr." is evidence of a person whatever the model said
    assert [m.text for m in mentions] == ["Donald Trump", "Peskov"]


def test_title_just_before_the_span_is_recorded():
    _, entities = extract_entities([seg("Prime Minister Keir Starmer said so.", [("Keir Starmer", "PERSON")])])
    assert entities[0].title == "Prime Minister"


def test_label_vote_makes_every_mention_the_entity_label():
    mentions, entities = extract_entities([
        seg("Donald Trump arrived.", [("Donald Trump", "PERSON")]),
        seg("Trump spoke, then Trump left, and Trump returned.", [("Trump", "ORG"), ("Trump", "ORG"), ("Trump", "PERSON")]),
    ])
    assert [(e.name, e.label) for e in entities] == [("Donald Trump", "PERSON")]
    assert {m.label for m in mentions} == {"PERSON"}


def test_majority_label_wins_without_a_full_name():
    mentions, entities = extract_entities([
        seg("Wang won. Wang lost. Wang drew.", [("Wang", "PERSON"), ("Wang", "ORG"), ("Wang", "PERSON")]),
    ])
    assert [(e.name, e.label, e.mention_count) for e in entities] == [("Wang", "PERSON", 3)]


def test_gazetteer_corrects_a_place_tagged_as_person():
    _, entities = extract_entities([seg("Officials in Kyiv welcomed the plan.", [("Kyiv", "PERSON")])])
    kyiv = entities[0]
    assert (kyiv.name, kyiv.label, kyiv.country_code) == ("Kyiv", "GPE", "UA")
    assert kyiv.geonames_id is not None and 50 < kyiv.latitude < 51 and 30 < kyiv.longitude < 31


def test_gazetteer_does_not_turn_a_person_into_a_place():
    mentions, entities = extract_entities([
        seg("Michael Jordan scored 40.", [("Michael Jordan", "PERSON")]),
        seg("Jordan then rested.", [("Jordan", "GPE")]),
    ])
    assert [(e.name, e.label, e.mention_count) for e in entities] == [("Michael Jordan", "PERSON", 2)]
    assert entities[0].country_code is None


def test_place_with_an_honorific_stays_a_person():
    _, entities = extract_entities([seg("Mr. Georgia said no.", [("Mr. Georgia", "PERSON")])])
    assert [(e.name, e.label) for e in entities] == [("Georgia", "PERSON")]


def test_major_place_tagged_org_becomes_gpe_but_a_smaller_city_stays_org():
    _, entities = extract_entities([seg("Leicester beat Sevilla 2-0 as Kyiv watched.",
                                        [("Leicester", "ORG"), ("Sevilla", "ORG"), ("Kyiv", "ORG")])])
    # Sports clubs are named after cities; only a well-known place is taken to be the place.
    assert {e.name: e.label for e in entities} == {"Leicester": "ORG", "Sevilla": "ORG", "Kyiv": "GPE"}


def test_two_people_sharing_a_surname_stay_apart():
    mentions, entities = extract_entities([
        seg("Smith, a senator, spoke first.", [("Smith", "PERSON")]),
        seg("John Smith met Jane Smith.", [("John Smith", "PERSON"), ("Jane Smith", "PERSON")]),
        seg("Smith said the meeting was useful.", [("Smith", "PERSON")]),
    ])
    names = by_name(entities)
    assert set(names) == {"Smith", "John Smith", "Jane Smith"}
    # Before any full name the bare surname is ambiguous and stays its own entity; after them, in
    # a later paragraph, it is the one the article named in full first.
    assert names["Smith"].mention_count == 1
    assert names["John Smith"].mention_count == 2
    assert names["Jane Smith"].mention_count == 1
    assert len({e.entity_key for e in entities}) == 3


def test_a_full_name_tagged_otherwise_still_competes_for_its_surname():
    # the tagger called the candidate an organisation; her husband is the only PERSON full name
    segments = [
        seg("Carly Fiorina strode onstage.", [("Carly Fiorina", "ORG")]),
        seg("Fiorina said the company was saved.", [("Fiorina", "ORG")]),
        seg("Fiorina spoke of her years at the firm.", [("Fiorina", "PERSON")]),
        seg("Her husband, Frank Fiorina, stood by.", [("Frank Fiorina", "PERSON")]),
    ]
    names = by_name(extract_entities(segments)[1])
    # the bare surname is not the husband's: it stays a person of its own, for the day's linking
    assert names["Frank Fiorina"].mention_count == 1
    assert (names["Fiorina"].label, names["Fiorina"].mention_count) == ("PERSON", 2)
    # with no such rival, the one full name takes the surname, wherever it is written
    names = by_name(extract_entities(segments[1:])[1])
    assert set(names) == {"Frank Fiorina"} and names["Frank Fiorina"].mention_count == 3


def test_a_rival_named_after_the_principal_person_leaves_the_surname_to_them():
    names = by_name(extract_entities([
        seg("Donald Trump spoke in Ohio.", [("Donald Trump", "PERSON")]),
        seg("Ivanka Trump joined him later.", [("Ivanka Trump", "PRODUCT")]),
        seg("Trump said the state would be won.", [("Trump", "PERSON")]),
    ])[1])
    assert names["Donald Trump"].mention_count == 2
    # a slogan written like a name competes for nothing: its first word is an ordinary word here
    names = by_name(extract_entities([
        seg("The Stop Trump movement grew in Ohio.", [("Stop Trump", "ORG")]),
        seg("Donald Trump spoke there on Monday.", [("Donald Trump", "PERSON")]),
        seg("Trump told supporters not to stop.", [("Trump", "PERSON")]),
    ])[1])
    assert names["Donald Trump"].mention_count == 2


def test_a_bare_surname_is_the_principal_person_unless_its_paragraph_names_the_other():
    mentions, entities = extract_entities([
        seg("Hillary Clinton campaigned in Iowa.", [("Hillary Clinton", "PERSON"), ("Iowa", "GPE")]),
        seg("Bill Clinton spoke before her.", [("Bill Clinton", "PERSON")]),
        seg("Clinton said the race was close.", [("Clinton", "PERSON")]),
        seg("Voters cheered. Later Bill Clinton waved and Clinton smiled.", [("Bill Clinton", "PERSON"), ("Clinton", "PERSON")]),
    ])
    names = by_name(entities)
    # the paragraph after Bill Clinton's name: still her, the person the article is about
    assert [m.text for m in mentions_of(mentions, names["Hillary Clinton"])] == ["Hillary Clinton", "Clinton"]
    # right after his full name in the same paragraph: him
    assert [m.text for m in mentions_of(mentions, names["Bill Clinton"])] == ["Bill Clinton", "Bill Clinton", "Clinton"]


def test_demonym_tagged_as_place_becomes_norp():
    _, entities = extract_entities([seg("Russians and Ukrainians voted.", [("Russians", "GPE"), ("Ukrainians", "PERSON")])])
    assert {(e.name, e.label) for e in entities} == {("Russians", "NORP"), ("Ukrainians", "NORP")}


def test_numeric_labels_and_junk_spans_are_dropped():
    text = "On Monday 3 people from www.example.com met A and -- in Paris."
    mentions, entities = extract_entities([seg(text, [("Monday", "DATE"), ("3", "CARDINAL"),
                                                      ("www.example.com", "ORG"), ("A", "PERSON"),
                                                      ("--", "ORG"), ("Paris", "GPE")])])
    assert [m.text for m in mentions] == ["Paris"]
    assert entities[0].country_code == "FR"


def test_numbers_run_into_a_name_are_cut_off():
    mentions, _ = extract_entities([seg("Durham 114 and G. Kersey 63 not out", [("Durham 114", "PERSON"),
                                                                               ("G. Kersey 63", "PERSON")])])
    assert [m.text for m in mentions] == ["Durham", "G. Kersey"]


def test_second_pass_finds_untagged_repeats_of_a_resolved_name():
    mentions, entities = extract_entities([
        seg("Alexander Lebed arrived in Grozny.", [("Alexander Lebed", "PERSON"), ("Grozny", "GPE")]),
        seg("Officials said Lebed would stay.", []),
        seg("The Lebed Foundation is unrelated.", []),
    ])
    lebed = by_name(entities)["Alexander Lebed"]
    assert [m.text for m in mentions_of(mentions, lebed)] == ["Alexander Lebed", "Lebed"]


def test_all_caps_headline_keeps_places_and_known_names_only():
    mentions, entities = extract_entities([
        seg("SOCCER - JAPAN BEAT CHINA , KAZU SCORES", [("SOCCER", "ORG"), ("KAZU SCORES", "PERSON")], field="title"),
        seg("Japan beat China 2-1 on Friday.", [("Japan", "GPE"), ("China", "GPE")]),
    ])
    title = [(m.text, m.label) for m in mentions if m.field == "title"]
    assert title == [("JAPAN", "GPE"), ("CHINA", "GPE")]
    assert by_name(entities)["Japan"].mention_count == 2  # the normally cased form names the entity


def test_dateline_place_is_a_mention():
    mentions, _ = extract_entities([seg("MOSCOW (Reuters) - Officials said talks went well.", [])])
    assert [(m.text, m.label) for m in mentions] == [("MOSCOW", "GPE")]


def test_title_case_headline_span_is_cut_back_to_the_known_name():
    mentions, entities = extract_entities([
        seg("Trump: Putin Wants To End the War", [("Trump", "PERSON"), ("Putin Wants", "PERSON")], field="title"),
        seg("Donald Trump said Vladimir Putin wants peace.", [("Donald Trump", "PERSON"), ("Vladimir Putin", "PERSON")]),
    ])
    assert sorted(e.name for e in entities) == ["Donald Trump", "Vladimir Putin"]
    assert [m.text for m in mentions if m.field == "title"] == ["Trump", "Putin"]


def test_title_case_headline_words_run_into_a_surname_are_cut_when_the_body_names_that_person():
    mentions, entities = extract_entities([
        seg("Moments After Governor Endorsed Trump, Rivals Cried Foul", [("Endorsed Trump", "PERSON")],
            field="title"),
        seg("Chris Christie endorsed Donald Trump on Friday. Trump thanked him.",
            [("Chris Christie", "PERSON"), ("Donald Trump", "PERSON"), ("Trump", "PERSON")]),
    ])
    assert sorted(e.name for e in entities) == ["Chris Christie", "Donald Trump"]
    assert [m.text for m in mentions if m.field == "title"] == ["Trump"]


def test_a_headline_full_name_stays_when_the_body_names_no_one_else_of_that_surname():
    mentions, entities = extract_entities([
        seg("Melania Trump Speaks At The Convention", [("Melania Trump", "PERSON")], field="title"),
        seg("Trump spoke for twenty minutes.", [("Trump", "PERSON")]),
    ])
    assert [e.name for e in entities] == ["Melania Trump"]
    # and a full name the body writes out too is never cut, whoever else shares the surname
    mentions, entities = extract_entities([
        seg("Melania Trump Speaks At The Convention", [("Melania Trump", "PERSON")], field="title"),
        seg("Melania Trump praised Donald Trump.", [("Melania Trump", "PERSON"), ("Donald Trump", "PERSON")]),
    ])
    assert sorted(e.name for e in entities) == ["Donald Trump", "Melania Trump"]


def test_two_surnames_joined_by_a_hyphen_are_a_pairing_not_a_person():
    mentions, entities = extract_entities([
        seg("Donald Trump and Hillary Clinton met. The Trump-Clinton race is close. Clinton spoke.",
            [("Donald Trump", "PERSON"), ("Hillary Clinton", "PERSON"), ("Trump-Clinton", "PERSON"),
             ("Clinton", "PERSON")]),
    ])
    clinton = by_name(entities)["Hillary Clinton"]
    assert [m.text for m in mentions_of(mentions, clinton)] == ["Hillary Clinton", "Clinton"]
    # a double-barrelled name whose first part is no one else's surname is still a person's name
    mentions, entities = extract_entities([
        seg("Andrew Lloyd-Webber wrote it. Jean-Pierre said so.",
            [("Andrew Lloyd-Webber", "PERSON"), ("Jean-Pierre", "PERSON")]),
    ])
    assert {e.name: e.label for e in entities} == {"Andrew Lloyd-Webber": "PERSON", "Jean-Pierre": "PERSON"}


def test_a_name_glued_to_a_closing_quote_mark_starts_after_it():
    mentions, entities = extract_entities([
        seg("“It is paranoia,”Clinton said.", [("paranoia,”Clinton", "PERSON")]),
    ])
    assert [e.name for e in entities] == ["Clinton"]


def test_mentions_index_their_own_field_and_keys_are_unique_and_stable():
    title = "Putin visits Kyiv"
    body = "Intro line.\n\nVladimir Putin flew to Kyiv on Monday."
    segs = [seg(title, [("Putin", "PERSON"), ("Kyiv", "GPE")], field="title")]
    body_lines = split_field("body", 0, body)
    segs.append(seg(body_lines[1].text, [("Vladimir Putin", "PERSON"), ("Kyiv", "GPE")],
                    char_offset=body_lines[1].char_offset))
    mentions, entities = extract_entities(segs)
    fields = {"title": title, "body": body}
    for m in mentions:
        assert fields[m.field][m.char_start:m.char_end] == m.text
    assert len({e.entity_key for e in entities}) == len(entities)
    assert {e.name: e.first_field for e in entities} == {"Vladimir Putin": "title", "Kyiv": "title"}
    again, again_entities = extract_entities(segs)
    assert [m.entity_key for m in again] == [m.entity_key for m in mentions]
    assert [e.entity_key for e in again_entities] == [e.entity_key for e in entities]


def test_bad_input_gives_an_empty_or_partial_result():
    assert extract_entities([]) == ([], [])
    no_doc = Segment("body", 0, 0, "Paris", None)
    wrong_doc = seg("London", [("London", "GPE")])
    wrong_doc.text = "Berlin"  # a doc that does not belong to the text cannot give exact offsets
    assert extract_entities([no_doc, wrong_doc]) == ([], [])


_WORDS = ["Paris", "Putin", "the", "Kyiv’s", "NATO", "(", ")", "'s", "Mr.", "President", "said", ",", "U.S.",
          "Donald", "Trump", "1996", "--", "\"", "Jordan", "SOCCER", "x"]
_LABELS = ["PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "CARDINAL", "FAC", "EVENT"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=12), min_size=1, max_size=4),
       st.data())
def test_offsets_always_reproduce_the_mention_text(lines, data):
    body = "\n\n".join(" ".join(words) for words in lines)
    segs = []
    for line in split_field("body", 0, body):
        doc = _blank()(line.text)
        from spacy.tokens import Span
        spans, i = [], 0
        while i < len(doc):
            length = data.draw(st.integers(0, 3))
            if length and i + length <= len(doc):
                spans.append(Span(doc, i, i + length, label=data.draw(st.sampled_from(_LABELS))))
                i += length
            else:
                i += 1
        doc.ents = spans
        segs.append(Segment("body", 0, line.char_offset, line.text, doc))
    mentions, entities = extract_entities(segs)
    keys = {e.entity_key for e in entities}
    assert len(keys) == len(entities)
    for m in mentions:
        assert body[m.char_start:m.char_end] == m.text
        assert m.text and "\n" not in m.text
        assert m.entity_key in keys
    assert sum(e.mention_count for e in entities) == len(mentions)


def test_place_after_a_locative_preposition_does_not_join_a_namesake_person():
    _, entities = extract_entities([
        seg("Denzel Washington flew in.", [("Denzel Washington", "PERSON")]),
        seg("He landed in Washington on Monday.", [("Washington", "GPE")]),
    ])
    assert {(e.name, e.label) for e in entities} == {("Denzel Washington", "PERSON"), ("Washington", "GPE")}


def test_facility_named_like_a_place_alternate_is_not_relabelled_or_located():
    _, entities = extract_entities([seg("Officials at the White House agreed.", [("the White House", "ORG")])])
    assert [(e.name, e.label, e.country_code) for e in entities] == [("White House", "ORG", None)]


def test_countries_and_states_are_located_with_coordinates():
    _, entities = extract_entities([seg("Russia and Texas signed a deal.", [("Russia", "GPE"), ("Texas", "GPE")])])
    located = {e.name: (e.country_code, e.latitude is not None, e.longitude is not None) for e in entities}
    assert located == {"Russia": ("RU", True, True), "Texas": ("US", True, True)}


def test_lowercased_second_word_of_a_known_name_is_not_a_person():
    mentions, entities = extract_entities([
        seg("Trump spoke in the Oval Office of the White House.", [("Trump", "PERSON"),
                                                               ("the Oval Office of the White House", "ORG")]),
        seg("Zelensky met Trump in the Oval office in February.", [("Zelensky", "PERSON"), ("Trump", "PERSON"),
                                                                  ("Oval", "PERSON")]),
    ])
    assert "Oval" not in by_name(entities)
    assert [m.text for m in mentions if m.text.startswith("Oval")] == ["Oval Office of the White House"]


def test_name_before_a_lowercase_noun_stays_without_a_longer_name_to_match():
    _, entities = extract_entities([
        seg("The Trump administration said so.", [("Trump", "PERSON")]),
        seg("Trump Tower Moscow Plans Revived", [("Trump Tower Moscow Plans", "ORG")], field="title"),
    ])
    # A Title Case headline capitalises every word, so "Trump Tower" there is no evidence.
    assert by_name(entities)["Trump"].label == "PERSON"


def test_abbreviation_after_a_place_and_comma_joins_that_place():
    text = "He spoke in Washington, D.C. and later in St. Petersburg, Fla. on Monday."
    mentions, entities = extract_entities([seg(text, [("Washington", "GPE"), ("D.C.", "GPE"),
                                                      ("St. Petersburg", "GPE"), ("Fla.", "GPE")])])
    names = by_name(entities)
    assert set(names) == {"Washington", "St. Petersburg"}
    assert names["Washington"].mention_count == 2 and names["Washington"].country_code == "US"
    # The qualifier stays a mention of its own text, so offsets still index the field.
    assert [m.text for m in mentions] == ["Washington", "D.C.", "St. Petersburg", "Fla"]
    assert len({m.entity_key for m in mentions[:2]}) == 1


def test_full_place_name_after_a_comma_stays_its_own_place():
    _, entities = extract_entities([seg("They met in Paris, France and in Albany, Georgia.",
                                        [("Paris", "GPE"), ("France", "GPE"), ("Albany", "GPE"), ("Georgia", "GPE")])])
    assert set(by_name(entities)) == {"Paris", "France", "Albany", "Georgia"}


def test_abbreviation_after_a_person_is_not_a_place_qualifier():
    _, entities = extract_entities([seg("Smith, D.C. officials said.", [("Smith", "PERSON"), ("D.C.", "GPE")])])
    assert {e.name: e.label for e in entities} == {"Smith": "PERSON", "D.C.": "GPE"}


def test_unknown_name_tagged_as_place_becomes_a_person_by_an_initial_or_an_age():
    _, entities = extract_entities([
        seg("Fleming c Chandana b Vaas 3", [("Chandana", "GPE")]),
        seg("U. Chandana not out 14", [("Chandana", "GPE")]),
    ])
    assert [(e.name, e.label, e.mention_count) for e in entities] == [("Chandana", "PERSON", 2)]
    _, entities = extract_entities([seg("Duran , 45 , takes on Cruz .", [("Duran", "GPE")])])
    assert [(e.name, e.label) for e in entities] == [("Duran", "PERSON")]


def _parsed_seg(words, heads, deps, lemmas, ents):
    """A segment whose doc carries a hand-written dependency parse."""
    from spacy.tokens import Doc, Span

    doc = Doc(_blank().vocab, words=words, heads=heads, deps=deps, lemmas=lemmas)
    doc.ents = [Span(doc, i, j, label=label) for i, j, label in ents]
    return Segment("body", 0, 0, doc.text, doc)


def test_unknown_name_tagged_as_place_becomes_a_person_as_subject_of_a_speech_verb():
    told = _parsed_seg(["Duran", "told", "Reuters", "."], [1, 1, 1, 1], ["nsubj", "ROOT", "dobj", "punct"],
                       ["Duran", "tell", "Reuters", "."], [(0, 1, "GPE")])
    _, entities = extract_entities([told])
    assert [(e.name, e.label) for e in entities] == [("Duran", "PERSON")]
    stood = _parsed_seg(["Duran", "stood", "still", "."], [1, 1, 1, 1], ["nsubj", "ROOT", "advmod", "punct"],
                        ["Duran", "stand", "still", "."], [(0, 1, "GPE")])
    _, entities = extract_entities([stood])
    assert [(e.name, e.label) for e in entities] == [("Duran", "GPE")]


def test_mixed_evidence_or_a_known_place_keeps_the_models_label():
    _, entities = extract_entities([
        seg("U. Chandana arrived .", [("Chandana", "GPE")]),
        seg("Crowds gathered in Chandana .", [("Chandana", "GPE")]),
    ])
    assert [(e.name, e.label) for e in entities] == [("Chandana", "GPE")]
    _, entities = extract_entities([seg("Kyiv , 45 , was calm .", [("Kyiv", "GPE")])])
    assert [(e.name, e.label) for e in entities] == [("Kyiv", "GPE")]


def test_unknown_name_tagged_as_person_becomes_a_place_when_only_used_as_one():
    segs = [
        seg("Longyear is a town in mourning .", [("Longyear", "PERSON")]),
        seg("The plane crashed just east of Longyear .", [("Longyear", "LOC")]),
        seg("Miners were waiting in Longyear .", [("Longyear", "PERSON")]),
    ]
    _, entities = extract_entities(segs)
    assert [(e.name, e.label, e.mention_count) for e in entities] == [("Longyear", "LOC", 3)]
    # One locative use is not enough to overrule the model.
    _, entities = extract_entities([segs[0], segs[2]])
    assert [(e.name, e.label) for e in entities] == [("Longyear", "PERSON")]
    # Nor is it against a title.
    _, entities = extract_entities([seg("Mayor Longyear spoke .", [("Longyear", "PERSON")])] + segs[1:])
    assert [e.label for e in entities] == ["PERSON"]


def test_validation_accepts_extracted_entities_and_rejects_a_mention_of_a_missing_entity(tmp_path):
    import dataclasses

    from etl import tables, validate
    from etl.model.records import ArticleResult, ParsedPage, SourceDocument

    body = "Vladimir Putin met officials in Washington, D.C. on Monday. Putin said talks went well."
    segs = split_field("body", 0, body)
    assert len(segs) == 1
    mentions, entities = extract_entities([seg(body, [("Vladimir Putin", "PERSON"), ("Washington", "GPE"),
                                                      ("D.C.", "GPE"), ("Putin", "PERSON")])])
    result = ArticleResult(SourceDocument("file:///a.txt", "text", body), ParsedPage(title="Talks", body=body),
                           article_id="a1", content_sha256="0" * 64, mentions=mentions, entities=entities)

    def report(res, name):
        rows = tables.article_rows([res])
        # Through the registry's Arrow schema, as the pipeline stages them: typed even when empty.
        frames = {t: tables.to_arrow(t, tables.frame(t, rows.get(t, []))).to_pandas()
                  for t in ("articles", "entity_mentions", "entities", "quotes", "image_captions", "rejects")}
        return validate.validate_frames(frames, "2026-01-01", tmp_path / name, name, build_docs=False)

    good = report(result, "good")
    assert good.success, good.summary()
    orphan = dataclasses.replace(mentions[0], entity_key="PERSON:Nobody")
    bad = report(dataclasses.replace(result, mentions=mentions + [orphan]), "bad")
    assert not bad.success
    assert any(f["expectation"] == "expect_multicolumn_values_to_be_keys_of_table" and f["table"] == "entity_mentions"
               for f in bad.failures), bad.summary()


def test_known_name_inside_a_discarded_capitals_span_is_found():
    mentions, entities = extract_entities([
        seg("SOCCER - WALES WIN WORLD CUP QUALIFIER", [("WORLD CUP QUALIFIER", "ORG")], field="title"),
        seg("Wales beat San Marino in a World Cup qualifier.", [("Wales", "GPE"), ("San Marino", "GPE"),
                                                             ("World Cup", "EVENT")]),
    ])
    cup = by_name(entities)["World Cup"]
    assert [(m.field, m.text) for m in mentions_of(mentions, cup)] == [("title", "WORLD CUP"), ("body", "World Cup")]


def test_number_and_date_spans_in_capitals_still_block_the_second_pass():
    title = "WINTER 1996 : WINTER RESIGNS"
    mentions, _ = extract_entities([
        seg(title, [("WINTER 1996", "DATE")], field="title"),
        seg("Peter Winter left the board.", [("Peter Winter", "PERSON")]),
    ])
    assert [(m.char_start, m.text) for m in mentions if m.field == "title"] == [(title.rindex("WINTER"), "WINTER")]


def test_a_dateline_run_into_a_name_is_no_part_of_it():
    _, entities = extract_entities([seg("CLEVELAND - Donald Trump accepted the nomination.",
                                        [("CLEVELAND - Donald Trump", "PERSON")])])
    assert [(e.name, e.label) for e in entities] == [("Donald Trump", "PERSON")]
    # in a headline in capitals the dash separates names, and both stay
    _, entities = extract_entities([seg("Results: JAPAN - CHINA drew.", [("JAPAN - CHINA", "ORG")])])
    assert [e.name for e in entities] == ["JAPAN - CHINA"]
    # a dateline opens its paragraph; capitals and a dash inside a sentence are left alone
    _, entities = extract_entities([seg("He met the USA - Mexico Commission.", [("USA - Mexico Commission", "ORG")])])
    assert [e.name for e in entities] == ["USA - Mexico Commission"]


def test_a_surname_after_mr_is_not_the_woman_the_article_names_in_full():
    first_lady = seg("Later , the first lady , Michelle Obama , joined the rally .", [("Michelle Obama", "PERSON")])
    mister = seg("Mr. Obama said the vote mattered .", [("Obama", "PERSON")])
    missus = seg("Mrs. Obama said so too .", [("Obama", "PERSON")])
    mentions, entities = extract_entities([first_lady, mister, missus])
    michelle = by_name(entities)["Michelle Obama"]
    assert michelle.mention_count == 2  # her full name and "Mrs. Obama"
    others = [e for e in entities if e.name == "Obama"]
    assert len(others) == 1 and others[0].label == "PERSON" and others[0].mention_count == 1
    assert {m.entity_key for m in mentions if m.text == "Obama"} == {michelle.entity_key, others[0].entity_key}
    # without a role saying who she is, "Mr. Obama" joins the only full name, as any surname does
    _, entities = extract_entities([seg("Later , Michelle Obama joined the rally .", [("Michelle Obama", "PERSON")]),
                                    seg("Mr. Obama said the vote mattered .", [("Obama", "PERSON")])])
    assert [(e.name, e.mention_count) for e in entities] == [("Michelle Obama", 2)]


def test_a_role_after_the_name_tells_the_sex_too_and_the_man_keeps_his_full_name():
    _, entities = extract_entities([
        seg("Bill Clinton , her husband , spoke first .", [("Bill Clinton", "PERSON")]),
        seg("Mrs. Clinton said she would win .", [("Clinton", "PERSON")]),
        seg("Mr. Clinton said so too .", [("Clinton", "PERSON")]),
    ])
    assert sorted((e.name, e.mention_count) for e in entities) == [("Bill Clinton", 2), ("Clinton", 1)]


def test_a_surname_shared_with_an_unnamed_namesake_joins_a_full_name_only_once_it_is_written():
    _, entities = extract_entities([
        seg("President Obama spoke first .", [("Obama", "PERSON")]),
        seg("Mr. Obama said the vote mattered .", [("Obama", "PERSON")]),
        seg("The first lady , Michelle Obama , joined him .", [("Michelle Obama", "PERSON")]),
        seg("Then Obama , she said , left .", [("Obama", "PERSON")]),
    ])
    counts = sorted((e.name, e.mention_count) for e in entities)
    # the president and Mr. Obama are one unnamed man; the surname after her full name, in its
    # paragraph's absence of any other, is the principal person of that name named in full
    assert counts == [("Michelle Obama", 2), ("Obama", 2)]


def test_a_one_word_org_the_article_calls_he_is_a_person():
    def said_he(name, label):
        return _parsed_seg([name, "said", "he", "won", "."], [1, 1, 3, 1, 1], ["nsubj", "ROOT", "nsubj", "ccomp", "punct"],
                           [name, "say", "he", "win", "."], [(0, 1, label)])

    _, entities = extract_entities([said_he("Trump", "ORG"), said_he("Trump", "ORG")])
    assert [(e.name, e.label) for e in entities] == [("Trump", "PERSON")]
    # once is not enough: the "he" may be someone the sentence before named
    _, entities = extract_entities([said_he("Trump", "ORG")])
    assert [(e.name, e.label) for e in entities] == [("Trump", "ORG")]
    its = _parsed_seg(["Acme", "said", "its", "profit", "rose", "."], [1, 1, 3, 4, 1, 1],
                      ["nsubj", "ROOT", "poss", "nsubj", "ccomp", "punct"], ["Acme", "say", "its", "profit", "rise", "."],
                      [(0, 1, "ORG")])
    _, entities = extract_entities([said_he("Acme", "ORG"), said_he("Acme", "ORG"), its])
    assert [(e.name, e.label) for e in entities] == [("Acme", "ORG")]
    # someone named between the name and the pronoun may be the one meant
    told = _parsed_seg(["Acme", "told", "Smith", "he", "won", "."], [1, 1, 1, 4, 1, 1],
                       ["nsubj", "ROOT", "dobj", "nsubj", "ccomp", "punct"], ["Acme", "tell", "Smith", "he", "win", "."],
                       [(0, 1, "ORG"), (2, 3, "PERSON")])
    _, entities = extract_entities([told, told])
    assert ("Acme", "ORG") in [(e.name, e.label) for e in entities]


def test_an_untagged_surname_of_two_people_is_found_as_the_one_a_tagged_one_would_join():
    mentions, entities = extract_entities([
        seg("Betsy Ebeling spoke first .", [("Betsy Ebeling", "PERSON")]),
        seg("Later , Tom Ebeling joined her .", [("Tom Ebeling", "PERSON")]),
        seg("Then Ebeling said it was over .", []),  # the model missed it
        seg("Tom Ebeling nodded , and Ebeling smiled .", [("Tom Ebeling", "PERSON")]),
    ])
    counts = {e.name: e.mention_count for e in entities}
    # the article's principal Ebeling, named in full first; in Tom's own paragraph, him
    assert counts == {"Betsy Ebeling": 2, "Tom Ebeling": 3}
    # before either is named in full, a bare surname is no one's
    _, entities = extract_entities([seg("Ebeling said it was over .", []),
                                    seg("Betsy Ebeling and Tom Ebeling left .",
                                        [("Betsy Ebeling", "PERSON"), ("Tom Ebeling", "PERSON")])])
    assert {e.name: e.mention_count for e in entities} == {"Betsy Ebeling": 1, "Tom Ebeling": 1}


def test_an_untagged_surname_after_an_honorific_goes_to_the_namesake_of_that_sex():
    _, entities = extract_entities([
        seg("Mrs. Betsy Ebeling spoke first .", [("Betsy Ebeling", "PERSON")]),
        seg("Later , her husband , Tom Ebeling , joined her .", [("Tom Ebeling", "PERSON")]),
        seg("Then Mr. Ebeling said it was over .", []),
    ])
    assert {e.name: e.mention_count for e in entities} == {"Betsy Ebeling": 1, "Tom Ebeling": 2}
