"""Entity extraction with the real spaCy model on a small hand-written news text: the rules must
hold whatever the model's own mistakes on it are."""
import pytest

from etl.nlp.entities import extract_entities
from etl.nlp.segments import article_segments

TITLE = "Trump: Putin Wants To End the War"
BODY = (
    "President Donald Trump said on Wednesday that Russia’s Vladimir Putin wants to end the war in Ukraine, "
    "as U.S. officials prepared for a meeting with Kyiv’s top negotiator.\n\n"
    "Trump’s envoy Steve Witkoff and son-in-law Jared Kushner met Putin in Moscow.\n\n"
    "The Kremlin said Kyiv’s ties to NATO remained a key question, and Kremlin spokesman Dmitry Peskov said "
    "more work was needed. Kushner and Witkoff flew home to the White House."
)
CAPTION = "U.S. President Donald Trump speaks in the Oval Office of the White House in Washington."


@pytest.fixture(scope="module")
def result():
    from etl.nlp import model

    try:
        nlp = model.load()
    except model.ModelNotInstalled:
        pytest.skip("no spaCy model installed")
    segs = article_segments(TITLE, None, BODY, [CAPTION])
    for s, doc in zip(segs, nlp.pipe([s.text for s in segs])):
        s.doc = doc
    return extract_entities(segs)


def test_people_places_and_organisations(result):
    _, entities = result
    labels = {e.name: e.label for e in entities}
    for person in ("Donald Trump", "Vladimir Putin", "Steve Witkoff", "Jared Kushner", "Dmitry Peskov"):
        assert labels.get(person) == "PERSON", person
    for place in ("Russia", "Ukraine", "Moscow", "Kyiv"):
        assert labels.get(place) == "GPE", place
    assert "NATO" in labels and "Kremlin" in labels


def test_every_surname_mention_attaches_to_the_full_name(result):
    mentions, entities = result
    key_of = {e.name: e.entity_key for e in entities}
    for surname, full in (("Trump", "Donald Trump"), ("Putin", "Vladimir Putin"), ("Kushner", "Jared Kushner")):
        hits = [m for m in mentions if m.text == surname]
        assert hits, surname
        assert {m.entity_key for m in hits} == {key_of[full]}, surname


def test_offsets_index_the_field_text_and_never_cross_lines(result):
    mentions, _ = result
    fields = {"title": TITLE, "body": BODY, "caption": CAPTION}
    for m in mentions:
        assert fields[m.field][m.char_start:m.char_end] == m.text
        assert "\n" not in m.text and not m.text.endswith(("’s", "'s"))


def test_places_are_located(result):
    _, entities = result
    kyiv = next(e for e in entities if e.name == "Kyiv")
    assert kyiv.country_code == "UA" and kyiv.latitude is not None
