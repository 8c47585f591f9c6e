"""Photo credits: splitting into photographer and agency, and finding them at the end of captions."""
import pytest

from etl.parse.credits import is_credit, split_caption_credit, split_credit


@pytest.mark.parametrize("credit, expected", [
    ("Andrew Caballero-Reynols / AFP", ("Andrew Caballero-Reynols", "AFP")),
    ("(AP Photo/Evan Vucci)", ("Evan Vucci", "AP")),
    ("Photo: Jane Doe/Reuters", ("Jane Doe", "Reuters")),
    ("Getty Images", (None, "Getty Images")),
    ("REUTERS/Kevin Lamarque", ("Kevin Lamarque", "REUTERS")),
    ("AP Photo/Eric Gay, File", ("Eric Gay", "AP")),
    ("Gallo Images / Sharon Seretlo", ("Sharon Seretlo", "Gallo Images")),
    ("Lintao Zhang/Getty Images", ("Lintao Zhang", "Getty Images")),
    ("PUNIT PARANJPE / AFP via Getty Images", ("PUNIT PARANJPE", "AFP via Getty Images")),
    ("Tom Brenner for The Washington Post via Getty Images", ("Tom Brenner", "The Washington Post via Getty Images")),
    ("Picture: PA", (None, "PA")),
    ("Photo by Sarah Lazare", ("Sarah Lazare", None)),
    ("Jean Levac / Postmedia News", ("Jean Levac", "Postmedia News")),
    ("Sam Pix/Agence Example", ("Sam Pix", "Agence Example")),  # an agency without agency words
    ("", (None, None)),
    (None, (None, None)),
    ("  ()  ", (None, None)),
])
def test_split_credit(credit, expected):
    assert split_credit(credit) == expected


@pytest.mark.parametrize("line, expected", [
    ("The gutted remains of the two blocks. Photograph: Eva Moreno/Reuters",
     ("The gutted remains of the two blocks.", "Photograph: Eva Moreno/Reuters")),
    ("The court building in May. (AP)", ("The court building in May.", "AP")),
    ("Crowds outside the palace (Picture: PA)", ("Crowds outside the palace", "Picture: PA")),
    ("Fans at the final in Leeds. Perry Knotts/Getty Images", ("Fans at the final in Leeds.", "Perry Knotts/Getty Images")),
    ("A dry river bed near the dam AP Photo/Rosa H. Delgado", ("A dry river bed near the dam", "AP Photo/Rosa H. Delgado")),
    ("The winner celebrates. Photo by Kim Lee / AP", ("The winner celebrates.", "Photo by Kim Lee / AP")),
    ("A sign for the spaceport on a desert road. Tara Atkinson for Rest of World",
     ("A sign for the spaceport on a desert road.", "Tara Atkinson for Rest of World")),
    ("Fans at the ground before the match. Jean-Luc van der Berg for De Telegraaf",
     ("Fans at the ground before the match.", "Jean-Luc van der Berg for De Telegraaf")),
])
def test_split_caption_credit(line, expected):
    assert split_caption_credit(line) == expected


@pytest.mark.parametrize("line", [
    "He said the talks had gone well (Reuters).",
    "The Democratic Party (DP) won the vote.",
    "Officials said on Tuesday that the bridge would reopen in May.",
    "The results were 6-3 (7-5)",
    "He said the match was over. Then Smith for England",  # a sentence opening, not a photographer
    "Votes were counted. for the council",
    "",
])
def test_body_sentences_are_not_captions(line):
    assert split_caption_credit(line) is None


@pytest.mark.parametrize("text, expected", [
    ("Andrew Caballero-Reynols / AFP", True),
    ("Getty Images", True),
    ("REUTERS", True),
    ("Photo: Jane Doe", True),
    ("The minister resigned.", False),
    ("Home / News / World", False),
])
def test_is_credit(text, expected):
    assert is_credit(text) is expected
