"""Golden test: the seed page through the whole pipeline must publish exactly what issue #2 lists."""
import re
from datetime import datetime, timezone

import pytest

FURNITURE = ["You may also like", "Leave a Reply", "Our community starts with you", "Subscribe to any plan",
             "READ NEXT", "Andrew Caballero-Reynols", "AFP",
             "U.S. President Donald Trump speaks to the press in the Oval Office",
             "The White House has voiced optimism, while Moscow says more work is needed"]


@pytest.fixture(scope="module")
def article(seed_partition):
    assert len(seed_partition["articles"]) == 1
    return seed_partition["articles"][0]


def test_title_subtitle_date(article):
    assert article["title"] == "Trump: Putin Wants To End the War"
    assert article["subtitle"] == ("The White House has voiced optimism, while Moscow says more work is needed "
                                   "but it is open to diplomacy.")
    assert article["published_at"].astimezone(timezone.utc).date() == datetime(2025, 12, 3).date()


def test_body_is_the_article_only(article):
    body = article["body"]
    assert body.startswith("President Donald Trump said on Wednesday, December 3rd,")
    assert body.endswith("Kremlin spokesman Dmitry Peskov said.")
    for junk in FURNITURE:
        assert junk not in body, junk
    assert "\n\n" in body and "\n\n\n" not in body
    assert article["word_count"] > 250


def test_caption_and_credit(seed_partition):
    caps = seed_partition["image_captions"]
    assert len(caps) == 1
    cap = caps[0]
    assert cap["caption"] == ("U.S. President Donald Trump speaks to the press in the Oval Office of the White House "
                              "in Washington, D.C. on December 3, 2025.")
    assert cap["credit"] == "Andrew Caballero-Reynols / AFP"
    assert cap["photographer"] == "Andrew Caballero-Reynols"
    assert cap["agency"] == "AFP"
    assert cap["image_url"] is None


# Without the reporter's punctuation: the comma before "Trump said" and the full stop after the
# fragment "very good" belong to the sentence around the quote (a full sentence keeps its own).
EXPECTED_QUOTES = {
    "I can tell you that they had a reasonably good meeting with President Putin": "Donald Trump",
    "very good": "Donald Trump",
    "He would like to end the war. That was their impression.": "Donald Trump",
    "pretty well": "Donald Trump",
    "We are still ready to meet as many times as is needed to reach a peace settlement": "Dmitry Peskov",
}


def test_five_quotes_with_speakers(seed_partition, article):
    quotes = {q["quote"]: q for q in seed_partition["quotes"]}
    assert set(quotes) == set(EXPECTED_QUOTES)
    entity_ids = {e["entity_id"]: e["name"] for e in seed_partition["entities"]}
    for text, speaker in EXPECTED_QUOTES.items():
        q = quotes[text]
        assert q["speaker"] == speaker, text
        assert entity_ids.get(q["speaker_entity_id"]) == speaker
        assert article["body"][q["char_start"]:q["char_end"]] == text
    assert quotes["We are still ready to meet as many times as is needed to reach a peace settlement"][
        "speaker_mention"] in ("Kremlin spokesman Dmitry Peskov", "Dmitry Peskov")


PEOPLE = ["Donald Trump", "Vladimir Putin", "Steve Witkoff", "Jared Kushner", "Volodymyr Zelensky", "Dmitry Peskov"]
PLACES = ["Russia", "Ukraine", "Moscow", "Kyiv"]


def test_entities(seed_partition):
    ents = seed_partition["entities"]
    by_name = {}
    for e in ents:
        by_name.setdefault(e["name"], set()).add(e["label"])
    for person in PEOPLE:
        assert by_name.get(person) == {"PERSON"}, (person, by_name.get(person))
    for place in PLACES:
        assert by_name.get(place) == {"GPE"}, (place, by_name.get(place))
    names = {n.lower().removeprefix("the ") for n in by_name}
    for org in ("NATO", "Kremlin", "White House"):
        assert org.lower() in names, org
    for credit in ("Andrew Caballero-Reynols", "AFP"):
        assert not any(credit in n for n in by_name), credit


def test_surnames_attach_to_full_names(seed_partition):
    names = {e["entity_id"]: e["name"] for e in seed_partition["entities"]}
    mentions = seed_partition["entity_mentions"]
    for surname, full in (("Trump", "Donald Trump"), ("Putin", "Vladimir Putin"), ("Kushner", "Jared Kushner")):
        hits = [m for m in mentions if re.fullmatch(rf"{surname}(’s|'s)?", m["text"])]
        assert hits, surname
        assert {names[m["entity_id"]] for m in hits} == {full}, surname


def test_mentions_stay_inside_one_line_of_one_field(seed_partition, article):
    captions = {c["position"]: c["caption"] for c in seed_partition["image_captions"]}
    for m in seed_partition["entity_mentions"]:
        text = captions[m["field_index"]] if m["field"] == "caption" else article[m["field"]]
        assert text[m["char_start"]:m["char_end"]] == m["text"]
        assert "\n" not in m["text"]
