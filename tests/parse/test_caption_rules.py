"""Caption detection by structure, on small hand-written pages: what is a picture's caption, what is
furniture, and where its credit is."""
from etl.parse.caption_rules import label_not_caption
from etl.parse.html import read_html_page

STORY = ("<p>The council voted on Tuesday to keep the old market hall open for another ten years, after a long "
         "campaign by traders and neighbours who said the building was part of the town's character.</p>"
         "<p>Work on the roof will start in the spring and is expected to last until the autumn.</p>")


def read(body: str):
    html = f"<html lang='de'><head><title>Markthalle bleibt</title></head><body><article><h1>Markthalle bleibt</h1>{body}{STORY}</article></body></html>"
    return read_html_page(html, url="https://news.example.org/a/1")


def test_teaser_inside_a_link_to_another_story_is_not_a_caption():
    p = read("<figure><img src='/m/hall.jpg'><figcaption>Die Markthalle am Dienstagmorgen. Foto: dpa</figcaption></figure>"
             "<ul><li><a href='/b/2'><figure><img src='/m/x.jpg'><figcaption>Erdogan trifft Putin in Ankara"
             "</figcaption></figure></a></li><li><a href='/b/3'><div><img src='/m/y.jpg'><span>Neuer Trainer beim "
             "Stadtclub</span></div></a></li></ul>")
    assert [c.caption for c in p.captions] == ["Die Markthalle am Dienstagmorgen."]
    assert p.captions[0].credit == "dpa"


def test_link_to_the_full_size_picture_keeps_the_caption():
    p = read("<a href='/m/hall-large.jpg'><figure><img src='/m/hall.jpg'><figcaption>Die Markthalle von innen."
             "</figcaption></figure></a>")
    assert [c.caption for c in p.captions] == ["Die Markthalle von innen."]


def test_pull_quote_figure_without_a_picture_has_no_caption():
    p = read("<figure><blockquote><p>Die Halle gehört zur Stadt.</p></blockquote><figcaption>Anna Muster, "
             "Händlerin</figcaption></figure>")
    assert p.captions == []


def test_labels_and_bylines_are_not_captions():
    p = read("<figure><img src='/m/ad.jpg'><figcaption>Anzeige</figcaption></figure>"
             "<figure><img src='/m/avatar-photo.jpg'><figcaption>Von Hannah Muster, Redakteurin 09.09.2025, 15:15 Uhr"
             "</figcaption></figure>"
             "<figure><img src='/m/d.jpg'><figcaption>02/02/2025</figcaption></figure>"
             "<figure><img src='/m/g.jpg'><figcaption>Quelle: Infografik</figcaption></figure>"
             "<figure><img src='/m/hall.jpg'><figcaption>Händler vor der Markthalle. Bild: Jane Doe/Keystone"
             "</figcaption></figure>")
    assert [(c.caption, c.credit) for c in p.captions] == [("Händler vor der Markthalle.", "Jane Doe/Keystone")]


def test_label_vocabulary():
    for text in ("Advertisement", "Publicidad", "Artikel teilen", "Cargando", "REKLAMA: der Artikel folgt",
                 "Kommentar von Jane Doe", "By John Smith", "11.03.2024, 10:15 Uhr", "Demografie",
                 "© Reuters", "Foto: AP"):
        assert label_not_caption(text), text
    for text in ("Von Bremen aus fährt der Zug nach Hamburg", "By the river, children play in the sun.",
                 "Die Markthalle am Dienstag", "Ein Foto der Halle aus dem Jahr 1920"):
        assert label_not_caption(text) is None, text


def test_credit_in_a_figure_footer_or_a_labelled_line_beside_the_caption():
    p = read("<figure><img src='/m/a.jpg'><figcaption>Die Halle im Winter.</figcaption><footer>Imago/Jane Doe"
             "</footer></figure>"
             "<figure><img src='/m/b.jpg'><span>Foto: Gemeinde Musterstadt</span><figcaption>Händler beim Aufbau "
             "am Morgen</figcaption></figure>")
    assert [(c.caption, c.credit) for c in p.captions] == [
        ("Die Halle im Winter.", "Imago/Jane Doe"), ("Händler beim Aufbau am Morgen", "Gemeinde Musterstadt")]


def test_credit_after_a_bar_in_the_image_tooltip():
    p = read("<figure><img src='/m/a.jpg' title='Die Halle im Winter | Getty Images/Jane Doe'><figcaption>Die Halle "
             "im Winter</figcaption></figure>")
    assert p.captions[0].credit == "Getty Images/Jane Doe"


def test_credit_printed_before_the_caption_and_caption_label():
    p = read("<figure><img src='/m/a.jpg'><figcaption>Bild: SN/APA/KEYSTONE/JANE DOE Trauer um die Opfer des Brandes"
             "</figcaption></figure><figure><img src='/m/b.jpg'><figcaption>Legende: Händler vor der Halle. Keystone-SDA"
             "</figcaption></figure>")
    assert [(c.caption, c.credit) for c in p.captions] == [
        ("Trauer um die Opfer des Brandes", "SN/APA/KEYSTONE/JANE DOE"), ("Händler vor der Halle.", "Keystone-SDA")]


def test_show_more_widget_in_other_languages_is_not_part_of_the_credit():
    p = read("<figure><img src='/m/a.jpg'><figcaption>Hallen i vinter. Foto: NTB Vis mer</figcaption></figure>")
    assert (p.captions[0].caption, p.captions[0].credit) == ("Hallen i vinter.", "NTB")


def test_caption_set_wholly_in_small_print_is_the_caption_and_small_print_beside_text_is_the_credit():
    p = read("<figure><img src='/m/a.jpg'><figcaption><small>Händler vor der Halle. (Quelle: Imago/Jane Doe)"
             "</small></figcaption></figure>"
             "<figure><img src='/m/b.jpg'><figcaption>Die Halle im Winter. <small>Jane Doe/dpa</small></figcaption>"
             "</figure>"
             "<figure><img src='/m/c.jpg'><figcaption><cite>janedoe - stock.example.com</cite></figcaption></figure>")
    assert [(c.caption, c.credit) for c in p.captions] == [
        ("Händler vor der Halle.", "Imago/Jane Doe"), ("Die Halle im Winter.", "Jane Doe/dpa")]


def test_heading_in_a_caption_is_a_teaser_only_when_the_figure_links_to_another_story():
    p = read("<figure><img src='/m/a.jpg'><figcaption><h2>Händler vor der Halle am Dienstag.</h2>"
             "<span class='image-credit'>AP</span></figcaption></figure>"
             "<figure><img src='/m/b.jpg'><figcaption><h4><a href='/b/7'>Neuer Trainer beim Stadtclub</a></h4>"
             "<p>Er kommt aus Bremen und bleibt zwei Jahre.</p></figcaption></figure>")
    assert [(c.caption, c.credit) for c in p.captions] == [("Händler vor der Halle am Dienstag.", "AP")]


def test_author_inside_a_caption_is_the_photographer_and_beside_the_story_is_not():
    p = read("<figure><img src='/m/a.jpg'><figcaption><span class='caption_text'>Bomberos trabajan en el incendio"
             "</span><span class='caption_author'>Emergencias Andalucía/EFE</span></figcaption></figure>"
             "<div class='author'>Ana Pérez</div>")
    assert [(c.caption, c.credit) for c in p.captions] == [("Bomberos trabajan en el incendio",
                                                             "Emergencias Andalucía/EFE")]


def test_lazy_picture_is_judged_by_its_file_not_by_its_placeholder():
    lazy = ("<div class='media'><img src='/static/logo_white.svg' data-src='/m/hall.jpg'><p class='caption'>Die Halle"
            " im Winter.</p></div>")
    logo = "<div class='media'><img src='/static/logo_white.svg'><p class='caption'>Die Zeitung von hier.</p></div>"
    assert [c.caption for c in read(lazy + logo).captions] == ["Die Halle im Winter."]


def test_figcaption_without_figure_captions_the_picture_right_before_it():
    p = read("<section><picture><img src='/m/a.jpg'></picture><figcaption>Händler vor der Halle, Foto: Jane Doe"
             "</figcaption><p>Die Händler sind zufrieden mit der Entscheidung des Rates und feiern am Abend.</p>"
             "<picture><img src='/m/b.jpg'></picture><figcaption>Die Halle im Winter, Foto: Max Muster</figcaption>"
             "<p>Im Winter ist es in der Halle kalt.</p><figcaption>Ein Text ohne Bild davor</figcaption></section>")
    assert [(c.caption, c.credit) for c in p.captions] == [("Händler vor der Halle", "Jane Doe"),
                                                           ("Die Halle im Winter", "Max Muster")]


def test_link_around_the_picture_alone_keeps_its_caption_unless_a_headline_beside_it_leads_to_the_same_page():
    own = ("<div class='media'><a href='/bilder/halle-114.html'><img src='/m/a.jpg'></a><div class='info'>"
           "<span>Händler vor der Halle am Morgen.</span><span>Bildrechte: Jane Doe</span></div></div>")
    card = ("<ul><li><div class='pic'><div class='media'><a href='/b/9.html'><img src='/m/b.jpg'></a>"
            "<div>Archivbild vom Hafen im Sommer</div></div></div>"
            "<h3><a href='/b/9.html'>Neuer Trainer beim Stadtclub</a></h3></li></ul>")
    assert [(c.caption, c.credit) for c in read(own + card).captions] == [("Händler vor der Halle am Morgen.",
                                                                            "Jane Doe")]


def test_a_credit_on_its_own_is_not_a_caption():
    assert label_not_caption("picture alliance/dpa/Jane Doe") == "credit"
    assert label_not_caption("Händler vor der Halle, picture alliance") is None


LONG = ("<p>Die Händler hatten seit Jahren für den Erhalt der Halle gekämpft und dafür Unterschriften gesammelt, "
        "Feste organisiert und mit jedem Mitglied des Stadtrates einzeln gesprochen, bis die Mehrheit stand.</p>")


def test_picture_in_a_widget_among_the_story_paragraphs_is_the_storys_and_a_sidebar_widget_is_not():
    in_story = ("<div class='widget widget--image'><div class='widget__wrapper'><figure><img src='/m/a.jpg'>"
                "<figcaption>Der Stadtrat bei der Abstimmung am Dienstag.</figcaption></figure></div></div>")
    aside = ("<div class='widget'><figure><img src='/m/b.jpg'><figcaption>Das Wetter am Wochenende in der Region"
             "</figcaption></figure></div>")
    html = (f"<html><body><article><h1>Markthalle bleibt</h1>{LONG}{in_story}{LONG}{STORY}</article>"
            f"<div class='column'><h2>Wetter</h2>{aside}<p>Sonne und Wolken wechseln sich ab.</p></div></body></html>")
    p = read_html_page(html, url="https://news.example.org/a/1")
    assert [c.caption for c in p.captions] == ["Der Stadtrat bei der Abstimmung am Dienstag."]


def test_a_credit_line_left_by_a_picture_is_not_story_text_but_a_copyright_notice_is():
    p = read(f"{LONG}<div class='embed'><p>STR/AFP via Getty Images</p></div>{LONG.replace('Händler', 'Leute')}"
             "<p>Foto: AP</p><p>© 2024 Jane Doe</p>")
    assert "Getty" not in p.body and "Foto: AP" not in p.body
    assert "© 2024 Jane Doe" in p.body and "Unterschriften gesammelt" in p.body


def test_credit_keeps_a_bracket_that_closes_inside_it():
    p = read("<figure><img src='/m/a.jpg'><figcaption><span>Die Halle im Winter.</span>"
             "<span class='copyright'>Bild ©  Jane Doe (hr) </span></figcaption></figure>"
             "<figure><img src='/m/b.jpg'><figcaption>Händler vor der Halle. (Foto: Max Muster)</figcaption></figure>")
    assert [c.credit for c in p.captions] == ["Jane Doe (hr)", "Max Muster"]
