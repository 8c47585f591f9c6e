import pytest

from etl.parse.language import detect_language

ENGLISH = "The council voted on Monday to turn the disused rail yard into a public park with a pond."
GERMAN = "Der Stadtrat hat am Montag beschlossen, den stillgelegten Bahnhof in einen Park umzuwandeln."
FRENCH = "Le conseil municipal a voté lundi pour transformer l'ancienne gare en un grand parc public."


def test_detects_common_languages():
    assert detect_language(ENGLISH) == "en"
    assert detect_language(GERMAN) == "de"
    assert detect_language(FRENCH) == "fr"


def test_is_deterministic():
    mixed = "Hello world. Bonjour le monde. Hallo Welt, wie geht es dir heute?"
    assert len({detect_language(mixed) for _ in range(10)}) == 1


def test_too_little_text_is_unknown():
    assert detect_language("OK") is None
    assert detect_language("1234 5678 !!!") is None
    assert detect_language("") is None


def test_the_unpacked_model_is_kept_and_gives_the_same_answers(tmp_path, monkeypatch):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from etl.parse import language

    monkeypatch.setenv("NEWS_ETL_RESOURCE_CACHE", str(tmp_path))
    packaged = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    unpacked = language._unpacked_model(MODEL_FILE)
    [stored] = tmp_path.glob("langid-*.npz")
    texts = ["Der Bundestag hat am Donnerstag ein neues Gesetz beschlossen, das viele Menschen betrifft.",
             "The council met on Tuesday to vote on the new bridge over the river, officials said.",
             "Le gouvernement a présenté mercredi un projet de loi sur les retraites."]
    for text in texts:
        assert unpacked.classify(text) == packaged.classify(text)
    stored.write_bytes(b"damaged")
    with pytest.raises(Exception):
        language._unpacked_model(MODEL_FILE)
    assert not stored.exists()  # removed, so the next process unpacks it again
    assert language._unpacked_model(MODEL_FILE).classify(texts[0]) == packaged.classify(texts[0])
