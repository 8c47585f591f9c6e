"""Global entity keys on small hand-written partitions (the entities as etl.nlp.entities leaves
them: one row per entity per article, its name already the fullest form in the article)."""
from __future__ import annotations

import random

from etl.nlp import geo
from etl.nlp.linking import DOMINANT_MIN_ARTICLES, EntityRef, Linker, link, person_name


def ref(article: str, name: str, label: str = "PERSON", title: str | None = None, variants=(), place=False):
    gid = geo.lookup(name).geonames_id if place else None
    return EntityRef(article, f"{article}/{label}/{name}", name, label, title, gid, tuple(variants))


def keys_by_name(refs):
    keys = link(refs)
    return {(r.article_id, r.name): keys[r.entity_id] for r in refs}


def test_surname_alone_joins_the_one_full_name_of_the_partition():
    refs = [ref("a1", "Angela Merkel"), ref("a2", "Merkel"), ref("a3", "Merkel", title="Chancellor"),
            ref("a3", "Berlin", "GPE", place=True)]
    k = keys_by_name(refs)
    assert k[("a2", "Merkel")] == k[("a1", "Angela Merkel")] == k[("a3", "Merkel")] == "person:angela merkel"


def test_full_name_variants_share_a_key_but_a_generational_suffix_does_not():
    k = keys_by_name([ref("a1", "Donald J. Trump"), ref("a2", "Donald Trump"), ref("a3", "Donald Trump Jr.")])
    assert k[("a1", "Donald J. Trump")] == k[("a2", "Donald Trump")]
    assert k[("a3", "Donald Trump Jr.")] != k[("a2", "Donald Trump")]


def test_two_people_sharing_a_surname_are_never_merged():
    refs = [ref("a1", "Hillary Clinton", title="Secretary"), ref("a2", "Bill Clinton", title="President"),
            ref("a3", "Clinton"),  # no evidence which one: stays a surname
            ref("a4", "Clinton", title="Mrs."),  # ... unless the article's own honorific tells
            ref("a5", "Clinton", title="former President"),
            ref("a6", "Bill Clinton"), ref("a6", "Hillary Clinton"), ref("a6", "Clinton", "ORG")]
    k = keys_by_name(refs)
    assert k[("a1", "Hillary Clinton")] == "person:hillary clinton"
    assert k[("a2", "Bill Clinton")] == "person:bill clinton"
    assert k[("a3", "Clinton")] == "person-surname:clinton"
    assert k[("a5", "Clinton")] == "person:bill clinton"
    # "Mrs." rules out a man only when the man is known to be one: Bill was never written "Mr."
    assert k[("a4", "Clinton")] == "person-surname:clinton"
    refs.append(ref("a7", "Bill Clinton", title="Mr."))
    assert keys_by_name(refs)[("a4", "Clinton")] == "person:hillary clinton"


def test_a_surname_prefers_the_full_name_of_its_own_article():
    # a surname the tagger labelled ORG, and a speaker written as a surname, in the article
    # naming Hillary Clinton are her, although the day also knows Bill Clinton
    linker = Linker([ref("a1", "Bill Clinton"), ref("a2", "Hillary Clinton"), ref("a2", "Clinton", "ORG")])
    assert linker.keys["a2/ORG/Clinton"] == "person:hillary clinton"
    assert linker.speaker_key("a2", "Clinton") == "person:hillary clinton"
    assert linker.speaker_key("a1", "Clinton") == "person:bill clinton"


def test_one_person_dominating_the_day_takes_a_bare_surname_only_with_enough_articles():
    few = [ref("a1", "Hillary Clinton"), ref("a2", "Hillary Clinton"), ref("b1", "Bill Clinton"), ref("c", "Clinton")]
    assert keys_by_name(few)[("c", "Clinton")] == "person-surname:clinton"
    many = [ref(f"a{i}", "Hillary Clinton") for i in range(4 * DOMINANT_MIN_ARTICLES)] + few[2:]
    assert keys_by_name(many)[("c", "Clinton")] == "person:hillary clinton"


def test_a_name_only_ever_seen_as_a_surname_keeps_a_marked_surname_key():
    refs = [ref("a1", "Peskov"), ref("a2", "Peskov", title="spokesman"), ref("a3", "Peskov")]
    k = keys_by_name(refs)
    assert set(k.values()) == {"person-surname:peskov"}
    assert link([ref("a4", "Dmitry Peskov")]) != k  # and a full name is a different key


def test_a_country_written_three_ways_is_one_place():
    refs = [ref("a1", "US", "GPE", place=True), ref("a2", "U.S.", "GPE", place=True),
            ref("a3", "United States", "GPE", place=True), ref("a3", "Georgia", "GPE", place=True)]
    k = keys_by_name(refs)
    assert k[("a1", "US")] == k[("a2", "U.S.")] == k[("a3", "United States")] == f"place:{geo.lookup('US').geonames_id}"
    assert k[("a3", "Georgia")] != k[("a1", "US")]


def test_an_acronym_and_its_expansion_are_one_organisation():
    # Spelled out in one article ("... Committee to Protect Journalists (CPJ)"), so the acronym
    # alone in another article and the expansion alone in a third join it.
    refs = [ref("a1", "Committee to Protect Journalists", "ORG",
                variants=("Committee to Protect Journalists", "CPJ")),
            ref("a2", "CPJ", "ORG"), ref("a3", "Committee to Protect Journalists", "ORG"),
            ref("a4", "CPJ Foundation", "ORG")]
    k = keys_by_name(refs)
    assert k[("a1", "Committee to Protect Journalists")] == k[("a2", "CPJ")] \
        == k[("a3", "Committee to Protect Journalists")] == "org:CPJ"
    assert k[("a4", "CPJ Foundation")] != "org:CPJ"
    # On a day where no article spells it out, the expansion alone keeps its own name.
    assert link([ref("b1", "Committee to Protect Journalists", "ORG")]) == {
        "b1/ORG/Committee to Protect Journalists": "org:committee to protect journalists"}


def test_curated_variants_hold_on_days_that_never_spell_them_out():
    day1 = keys_by_name([ref("a1", "NATO", "ORG"), ref("a2", "the Fed", "ORG"), ref("a3", "U.N.", "ORG")])
    day2 = keys_by_name([ref("b1", "North Atlantic Treaty Organization", "ORG"), ref("b2", "Federal Reserve", "ORG"),
                         ref("b3", "United Nations", "ORG"), ref("b4", "The Who", "ORG")])
    assert day1[("a1", "NATO")] == day2[("b1", "North Atlantic Treaty Organization")] == "org:NATO"
    assert day1[("a2", "the Fed")] == day2[("b2", "Federal Reserve")]
    assert day1[("a3", "U.N.")] == day2[("b3", "United Nations")] == "org:UN"
    assert day2[("b4", "The Who")] == "org:who" != link([ref("c1", "WHO", "ORG")])["c1/ORG/WHO"]


def test_an_acronym_with_two_expansions_in_one_day_stays_apart():
    refs = [ref("a1", "Zurich Rail Authority", "ORG", variants=("ZRA",)),
            ref("a2", "Zagreb Rowing Association", "ORG", variants=("ZRA",)), ref("a3", "ZRA", "ORG")]
    k = keys_by_name(refs)
    assert len({k[("a1", "Zurich Rail Authority")], k[("a2", "Zagreb Rowing Association")], k[("a3", "ZRA")]}) == 3
    # ... and so does one that spells out another body under an acronym of the curated table.
    other = keys_by_name([ref("b1", "Northern Rail Authority", "ORG", variants=("NRA",)), ref("b2", "NRA", "ORG")])
    assert other[("b1", "Northern Rail Authority")] != other[("b2", "NRA")] == "org:NRA"


def test_keys_do_not_depend_on_the_order_of_the_rows():
    refs = [ref("a1", "Hillary Clinton", title="Mrs."), ref("a2", "Bill Clinton", title="Mr."),
            ref("a3", "Clinton", title="Mrs."), ref("a4", "Clinton"), ref("a5", "Merkel"), ref("a6", "Angela Merkel"),
            ref("a7", "ECOWAS", "ORG"), ref("a8", "Economic Community of West African States", "ORG", variants=("ECOWAS",))]
    expected = link(refs)
    for seed in range(5):
        shuffled = list(refs)
        random.Random(seed).shuffle(shuffled)
        assert link(shuffled) == expected


def test_person_names_drop_initials_and_keep_particles():
    assert person_name("George H.W. Bush").given == "george"
    assert person_name("Charles de Gaulle").surname == "de gaulle"
    assert person_name("de Gaulle").given is None
    assert person_name("José Núñez").surname == "nunez"


def test_a_person_the_tagger_labelled_otherwise_is_the_person_the_day_knows():
    refs = [ref("a1", "Carly Fiorina"), ref("a2", "Carly Fiorina", "ORG"), ref("a3", "Fiorina", "ORG"),
            ref("a4", "Acme Holdings", "ORG"), ref("a5", "Fiorina Vineyards", "ORG")]
    k = keys_by_name(refs)
    assert k[("a2", "Carly Fiorina")] == k[("a3", "Fiorina")] == k[("a1", "Carly Fiorina")] == "person:carly fiorina"
    assert k[("a4", "Acme Holdings")] == "org:acme holdings"
    assert k[("a5", "Fiorina Vineyards")] == "org:fiorina vineyards"  # no person of that full name


def test_a_description_before_a_full_name_is_no_given_name():
    refs = [ref("a1", "Donald Trump"), ref("a2", "Billionaire Donald Trump"), ref("a3", "Hillary Rodham Clinton"),
            ref("a4", "Trump")]
    k = keys_by_name(refs)
    assert k[("a2", "Billionaire Donald Trump")] == "person:donald trump"
    assert k[("a3", "Hillary Rodham Clinton")] == "person:hillary clinton"
    assert k[("a4", "Trump")] == "person:donald trump"  # the description made no second Trump
    # seen in no other article, a three-word name keeps its first and last words
    assert link([ref("b1", "Mary Jo Whitfield")]) == {"b1/PERSON/Mary Jo Whitfield": "person:mary whitfield"}


def test_a_recurring_description_is_still_no_given_name_while_the_plain_name_is_commoner():
    refs = [ref("a1", "Billionaire Donald Trump"), ref("a2", "Billionaire Donald Trump"),
            ref("a3", "Donald Trump"), ref("a4", "Donald Trump"), ref("a5", "Donald Trump")]
    k = keys_by_name(refs)
    assert {k[("a1", "Billionaire Donald Trump")], k[("a2", "Billionaire Donald Trump")]} == {"person:donald trump"}
    # written in full as often as the shorter form, a three-word name is a name of its own
    refs = [ref("b1", "Mary Jo Whitfield"), ref("b2", "Mary Jo Whitfield"), ref("b3", "Jo Whitfield")]
    k = keys_by_name(refs)
    assert k[("b1", "Mary Jo Whitfield")] == k[("b2", "Mary Jo Whitfield")] == "person:mary whitfield"
    assert k[("b3", "Jo Whitfield")] == "person:jo whitfield"


def test_a_speaker_written_only_as_a_name_takes_the_person_it_names():
    # "Juan Of" stands for any full name whose last word is also a word opening sentences
    linker = Linker([ref("a1", "Sean Hannity"), ref("a2", "Fox News", "ORG"), ref("a3", "Juan Of")])
    assert linker.speaker_key("a2", "Hannity") == "person:sean hannity"
    assert linker.speaker_key("a2", "Sean Hannity") == "person:sean hannity"
    for mention in ("he", "a spokesman", "Aides", "Senator", "Rachel Maddow", None, "Of", "The"):
        assert linker.speaker_key("a2", mention) is None  # no name the day knows in full


def test_articles_naming_a_person_under_another_label_count_toward_the_days_dominant_person():
    # the tagger calls the candidate an organisation in most articles; her husband is named once
    refs = [ref("a1", "Carly Fiorina")]
    refs += [ref(f"b{n}", "Carly Fiorina", "ORG") for n in range(DOMINANT_MIN_ARTICLES)]
    refs += [ref("c1", "Carly Fiorina", "ORG"), ref("c1", "Frank Fiorina"), ref("c1", "Fiorina")]
    refs.append(ref("d1", "Fiorina"))  # an article that never gives a full name
    k = keys_by_name(refs)
    assert k[("c1", "Fiorina")] == k[("d1", "Fiorina")] == k[("b0", "Carly Fiorina")] == "person:carly fiorina"
    # counted as PERSON alone she would be in two of three articles: not enough to decide
    only_tagged = [r for r in refs if r.label == "PERSON" or r.article_id == "c1"]
    assert keys_by_name(only_tagged)[("d1", "Fiorina")] == "person-surname:fiorina"
    # in c1 the extraction kept "Fiorina" apart from her husband, the one full name it tagged
    # PERSON there: she is the other person of that name the article writes
    assert keys_by_name(only_tagged)[("c1", "Fiorina")] == "person:carly fiorina"


def test_a_surname_the_article_kept_apart_from_its_one_full_name_is_someone_else():
    day = [ref(f"b{n}", "Barack Obama") for n in range(DOMINANT_MIN_ARTICLES)]
    # the article names only the first lady in full; its "Mr. Obama" is an entity of its own
    k = keys_by_name(day + [ref("a1", "Michelle Obama"), ref("a1", "Obama", title="Mr.")])
    assert k[("a1", "Obama")] == "person:barack obama"
    assert k[("a1", "Michelle Obama")] == "person:michelle obama"
    # with no other Obama the day knows, the namesake keeps a surname key rather than join her
    k = keys_by_name([ref("a1", "Michelle Obama"), ref("a1", "Obama", title="Mr.")])
    assert k[("a1", "Obama")] == "person-surname:obama"
    # a mislabelled surname or a bare speaker still takes the article's one full name
    linker = Linker([ref("a1", "Michelle Obama"), ref("a1", "Obama", "ORG")])
    assert linker.keys["a1/ORG/Obama"] == "person:michelle obama"
    assert linker.speaker_key("a1", "Obama") == "person:michelle obama"


def test_a_hyphenated_surname_still_takes_the_full_name_of_its_article():
    # the extraction reads "Mark-Viverito" as two words, never as a surname to join: the article's
    # one full name of that surname decides here
    refs = [ref("a1", "Melissa Mark-Viverito"), ref("a1", "Mark-Viverito"), ref("a2", "Mark-Viverito")]
    k = keys_by_name(refs)
    assert k[("a1", "Mark-Viverito")] == k[("a2", "Mark-Viverito")] == "person:melissa mark-viverito"


def test_initials_written_for_a_given_name_make_a_full_name():
    assert person_name("G.K. Butterfield").given == person_name("G. K. Butterfield").given == "gk"
    assert person_name("H. Ross Perot").given == "ross"  # a written given name wins over an initial
    refs = [ref("a1", "G.K. Butterfield", title="Rep."), ref("a2", "Jane Butterfield"),
            ref("a3", "Jane Butterfield"), ref("a4", "Jane Butterfield"), ref("a5", "G. K. Butterfield")]
    k = keys_by_name(refs)
    # not a surname alone, which the day's dominant Butterfield would take
    assert k[("a1", "G.K. Butterfield")] == k[("a5", "G. K. Butterfield")] == "person:gk butterfield"
    assert k[("a2", "Jane Butterfield")] == "person:jane butterfield"


def test_a_namesake_takes_only_the_days_dominant_person_never_a_lone_one_of_the_other_sex():
    # "Mr. Obama" kept apart from the first lady; the day's only other Obama is a woman named once
    k = keys_by_name([ref("a1", "Michelle Obama"), ref("a1", "Obama", title="Mr."),
                      ref("a2", "Malia Obama", title="Ms.")])
    assert k[("a1", "Obama")] == "person-surname:obama"
    # nor a man named in one article only: a lone candidate is no evidence for a namesake
    k = keys_by_name([ref("a1", "Michelle Obama"), ref("a1", "Obama", title="Mr."), ref("a2", "Craig Obama")])
    assert k[("a1", "Obama")] == "person-surname:obama"


def test_a_single_initial_is_no_given_name():
    refs = [ref("a1", "John Smith"), ref("a2", "J. Smith"), ref("a3", "Smith")]
    k = keys_by_name(refs)
    assert k[("a2", "J. Smith")] == k[("a3", "Smith")] == "person:john smith"
