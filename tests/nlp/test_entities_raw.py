"""The raw baseline (NEWS_ETL_ENTITY_RESOLUTION=off): spaCy's spans as tagged, no resolution."""
from etl import config
from etl.run import cache
from etl.nlp.entities import extract_entities
from etl.nlp.entities_raw import raw_entities
from test_entities import seg


def _segments():
    return [seg("President Donald Trump met Putin in Moscow.",
                [("President Donald Trump", "PERSON"), ("Putin", "PERSON"), ("Moscow", "GPE")]),
            seg("Trump said Putin wants peace.", [("Trump", "ORG"), ("Putin", "PERSON")], char_offset=45)]


def test_raw_keeps_spans_and_labels_as_tagged():
    mentions, entities = raw_entities(_segments())
    assert [(m.text, m.label) for m in mentions] == [
        ("President Donald Trump", "PERSON"), ("Putin", "PERSON"), ("Moscow", "GPE"), ("Trump", "ORG"), ("Putin", "PERSON")]
    assert {e.name: e.mention_count for e in entities} == {
        "President Donald Trump": 1, "Putin": 2, "Moscow": 1, "Trump": 1}
    assert mentions[3].char_start == 45 and mentions[3].entity_key == "ORG:Trump"


def test_resolution_differs_from_raw_on_the_same_segments():
    _, resolved = extract_entities(_segments())
    names = {e.name: e.label for e in resolved}
    assert names.get("Donald Trump") == "PERSON" and "Trump" not in names


def test_switch_is_read_from_the_environment_and_keys_the_cache(monkeypatch):
    monkeypatch.setenv("NEWS_ETL_ENTITY_RESOLUTION", "off")
    assert config.entity_resolution() is False
    cache.fingerprint.cache_clear()
    off = cache.fingerprint((("en", "en_core_web_sm"),))
    monkeypatch.setenv("NEWS_ETL_ENTITY_RESOLUTION", "on")
    cache.fingerprint.cache_clear()
    on = cache.fingerprint((("en", "en_core_web_sm"),))
    cache.fingerprint.cache_clear()
    assert config.entity_resolution() is True and off != on
