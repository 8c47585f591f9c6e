"""Text dumps: caption lines whose credit is written the way non-English sites write it."""
from etl.parse.text import read_text_page

STORY = [f"Absatz {i} des Berichts erklärt ausführlich und mit Zahlen, wie die Verwaltung im Frühjahr {i} "
         f"Stockwerke ihrer Büros aufgegeben hat und warum das nun Probleme macht." for i in range(1, 6)]
MENU = "\n".join(f"* Rubrik {i}" for i in range(12))


def page_with(*inserts: str) -> str:
    body = STORY[:2] + list(inserts) + STORY[2:]
    return MENU + "\n\nVerwaltung zieht um\n\n" + "\n\n".join(body) + "\n\n" + MENU


def test_caption_lines_with_labelled_and_agency_credits():
    lines = ["Die Feuerwehr vor dem Rathaus am Montag. © Anett Seidler | Anett Seidler",
             "El ministro Albares, este domingo en Madrid. EFE/ J.J. Guillén",
             "Polisen och hemvärnet deltar i sökandet. Foto: Rescue Photo"]
    page = read_text_page(page_with(*lines))
    assert [(c.caption, c.credit) for c in page.captions] == [
        ("Die Feuerwehr vor dem Rathaus am Montag.", "Anett Seidler | Anett Seidler"),
        ("El ministro Albares, este domingo en Madrid.", "EFE/ J.J. Guillén"),
        ("Polisen och hemvärnet deltar i sökandet.", "Foto: Rescue Photo"),
    ]
    assert page.body.split("\n\n") == STORY


def test_the_pages_own_copyright_line_is_not_a_caption():
    text = page_with() + "\n\n© 2025 Beispiel Verlag GmbH. Alle Rechte vorbehalten."
    page = read_text_page(text)
    assert page.captions == []
    assert "Beispiel Verlag" not in page.body


def test_a_source_line_under_a_paragraph_does_not_make_it_a_caption():
    page = read_text_page(page_with("Quelle: Statistisches Bundesamt"))
    assert page.captions == []


def test_headline_printed_twice_on_the_page_is_the_title():
    # a long standfirst printed above the headline opens the story's text; the headline comes after
    # it, and the page prints it twice (share text and heading)
    headline = "Verwaltung gibt fünf Stockwerke ihrer Büros auf"
    standfirst = ("Die Verwaltung der Stadt muss sparen und gibt deshalb fünf Stockwerke ihrer Büros auf, "
                  "was für viele Beschäftigte längere Wege und weniger Platz bedeutet, wie ein Sprecher sagte.")
    text = (f"{MENU}\n\nTeilen: {headline}\n\nFacebook Twitter Instagram Mastodon\n\n{standfirst}\n\n{headline}\n\n"
            + "\n\n".join(STORY) + "\n\nFacebook Twitter Instagram Mastodon\n\n" + MENU)
    assert read_text_page(text).title == headline
