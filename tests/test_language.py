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
