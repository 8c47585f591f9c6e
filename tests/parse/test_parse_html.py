from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.ingest import decode_bytes
from etl.parse.html import read_html_page
from etl.parse.html_captions import split_trailing_credit
from etl.parse.html_meta import clean_authors, parse_datetime, strip_site_suffix

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "html"


def page(name: str, url: str | None = "https://example.org/news/a.html"):
    return read_html_page(decode_bytes((FIXTURES / name).read_bytes()), url=url)


def test_figure_with_credit_and_distributor_spans():
    p = page("figure_credit_spans.html")
    assert p.title == "Harbour bridge reopens after repairs"
    assert p.authors == ["Jane Doe", "John Roe"]
    assert p.published_at == datetime(2024, 3, 6, 3, 30, tzinfo=timezone.utc)
    assert p.url == "https://news.example.com/2024/bridge-reopens"
    assert p.source == "The Daily Example"
    assert p.language == "en"
    assert p.subtitle.startswith("Commuters return")
    first, second = p.captions  # the related-story teaser is not a caption
    assert first.caption == "Cars cross the harbour bridge on its first morning back in service."
    assert first.credit == "Ann Lens / Example Wire"
    assert first.image_url == "https://example.org/img/bridge.jpg"
    assert second.caption == "Workers repaint one of the towers in January."
    assert second.credit == "City Council"
    assert second.image_url == "https://cdn.example.com/towers.jpg"


def test_captions_never_leak_into_body_and_headline_is_not_repeated():
    p = page("figure_credit_spans.html")
    assert "Cars cross" not in p.body and "Workers repaint" not in p.body
    assert not p.body.startswith("Harbour bridge reopens")
    assert "Another story" not in p.body
    paragraphs = p.body.split("\n\n")
    assert paragraphs[0].startswith("The harbour bridge reopened")
    assert len(paragraphs) == 3


def test_json_ld_supplies_credit_and_skips_logo():
    p = page("jsonld_image.html")
    assert p.title == "Rain breaks a hundred-year record"
    assert p.authors == ["Maria Lopez"]  # the site name listed as an author is dropped
    assert p.published_at == datetime(2023, 11, 2, 8, 15, tzinfo=timezone.utc)
    assert p.source == "Example Weekly"
    assert [c.caption for c in p.captions] == ["Flood water covers the market square on Wednesday."]
    assert p.captions[0].credit == "Sam Pix/Agence Example"
    assert p.captions[0].image_url == "https://example.org/media/flood.jpg"


def test_microdata_image_object_and_caption_class():
    p = page("microdata_caption_class.html")
    assert p.authors == ["Lee Chan"]
    caps = {c.caption: c for c in p.captions}
    assert caps["An artist's impression of the planned park."].credit == "Green Studio"
    assert caps["An artist's impression of the planned park."].image_url == "https://img.example.net/park.jpg"
    assert caps["The old rail yard gate will be kept."].image_url == "https://example.org/gate.jpg"
    assert "artist's impression" not in p.body


def test_windows_1252_page_decodes_to_real_quotes_and_dashes():
    p = page("cp1252.html", url=None)
    assert p.title == "Café owners “welcome” new rules"
    assert "fair – and overdue" in p.body


def test_utf16_page_with_bom():
    p = page("utf16.html", url=None)
    assert "Grüße aus Köln" in p.body
    assert p.language == "de"  # detected: the page declares none


def test_deeply_nested_html_is_a_value_error(monkeypatch):
    monkeypatch.setenv("NEWS_ETL_MAX_HTML_DEPTH", "50")
    html = "<html><body>" + "<div>" * 200 + "<p>deep text here</p>" + "</div>" * 200 + "</body></html>"
    with pytest.raises(ValueError, match="nested"):
        read_html_page(html)


def test_very_deep_nesting_under_default_limit_does_not_crash():
    html = "<html><body>" + "<div>" * 100_000 + "<p>x</p>" + "</div>" * 100_000 + "</body></html>"
    with pytest.raises(ValueError):
        read_html_page(html)


def test_empty_page_is_a_value_error():
    with pytest.raises(ValueError):
        read_html_page("   ")


@pytest.mark.parametrize("raw,expected", [
    ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
    ("Jane Doe, Senior Political Correspondent", ["Jane Doe"]),
    ("Jane Doe | The Daily Example", ["Jane Doe"]),
    ("Jane Doe & Ann Lee; Bob Stone", ["Jane Doe", "Ann Lee", "Bob Stone"]),
    ("https://example.org/author/jane", []),
    ("By Jane Doe March", ["Jane Doe"]),  # a byline run into its date
    ("Theresa May", ["Theresa May"]),  # a two-word name ending in a month name is a name
    ("Username", []),
])
def test_clean_authors(raw, expected):
    assert clean_authors([raw], site_name="The Daily Example") == expected


def test_clean_authors_drops_site_name_and_duplicates():
    assert clean_authors(["Jane Doe", "The Daily Example", "jane doe"], "The Daily Example") == ["Jane Doe"]


@pytest.mark.parametrize("title,site,expected", [
    ("Bridge reopens after repairs | The Daily Example", "The Daily Example", "Bridge reopens after repairs"),
    ("Bridge reopens after repairs - BBC News", None, "Bridge reopens after repairs"),
    ("Tony Blair: Why there has to be compromise", None, "Tony Blair: Why there has to be compromise"),
])
def test_strip_site_suffix(title, site, expected):
    assert strip_site_suffix(title, site) == expected


@pytest.mark.parametrize("text,caption,credit", [
    ("Crowds gather in the square (Picture: PA)", "Crowds gather in the square", "PA"),
    ("FBI Director listens. (AP Photo/Carolyn Kaster)", "FBI Director listens.", "AP Photo/Carolyn Kaster"),
    ("The river in flood. Photo: Jane Doe/AFP", "The river in flood.", "Jane Doe/AFP"),
    ("Zelensky (left) may be forced to fire Syrsky (right)", "Zelensky (left) may be forced to fire Syrsky (right)", None),
])
def test_split_trailing_credit(text, caption, credit):
    assert split_trailing_credit(text) == (caption, credit)


def test_parse_datetime_is_utc_aware():
    assert parse_datetime("2024-05-01T10:00:00+0200") == datetime(2024, 5, 1, 8, tzinfo=timezone.utc)
    assert parse_datetime("2024-05-01 10:00:00") == datetime(2024, 5, 1, 10, tzinfo=timezone.utc)
    assert parse_datetime("not a date") is None


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_raises_nothing_but_value_error(text):
    try:
        p = read_html_page(text)
    except ValueError:
        return
    assert isinstance(p.body, str)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["<div>", "</div>", "<p>", "</p>", "<figure>", "<figcaption>", "</figure>",
                                 "<img src='//x/y.jpg'>", "text (Photo: X)", "<script>{", "<h1>T</h1>", "&amp;"]),
                max_size=60))
def test_arbitrary_markup_raises_nothing_but_value_error(pieces):
    try:
        read_html_page("".join(pieces), url="https://example.org/a")
    except ValueError:
        pass


def test_relative_image_url_without_any_base_is_dropped_not_kept_relative():
    html = ("<html><body><h1>Park opens</h1><figure><img src='/img/a.jpg'><figcaption>The park gates on "
            "opening day.</figcaption></figure><p>The new park opened to the public on Saturday morning.</p></body></html>")
    (cap,) = read_html_page(html).captions
    assert cap.image_url is None
    (cap,) = read_html_page(html.replace("<body>", "<head><base href='https://e.org/x/'></head><body>")).captions
    assert cap.image_url == "https://e.org/img/a.jpg"


def test_metadata_headline_wins_over_rewritten_h1():
    # The visible <h1> is a live-page rewrite; the JSON-LD headline (escaped twice by the CMS) is
    # the article's stated headline and beats the OpenGraph title too.
    p = page("headline_rewrite.html")
    assert p.title == "Ferry service resumes after storm – islanders' relief"


def test_truncated_metadata_headline_is_completed_and_not_repeated_in_body():
    p = page("headline_truncated.html")
    assert p.title == "Library to open late on Sundays from March after readers sign a petition"
    assert p.body.startswith("The central library")


def test_without_metadata_title_element_beats_logo_h1():
    p = page("headline_no_metadata.html")
    assert p.title == "Orchard harvest starts early"


def test_description_next_to_a_photo_is_a_caption_but_promos_and_bios_are_not():
    p = page("carousel_description.html")
    assert [c.caption for c in p.captions] == [
        "Children ride the carousel at the town fair on Saturday.",
        "A baker hands out samples at the fair's busiest stall.",
        "The show field before the gates opened.",  # printed once per screen size, kept once
    ]
    assert p.captions[0].credit == "Ann Lens/Example Wire"
    assert p.captions[0].image_url == "https://cdn.example.org/fair-1.jpg"
    assert "Children ride" not in p.body and "baker hands" not in p.body
    assert "twenty thousand people" in p.body


def test_a_picture_shown_twice_gives_two_captions_but_nested_figures_one():
    figure = ('<figure><img src="https://cdn.example.org/dam.jpg"><figcaption>Water pours over the dam '
              'after a week of heavy rain.</figcaption></figure>')
    text = "<p>" + "The reservoir rose by two metres in a week and the spillway opened for the first time in years. " * 3 + "</p>"
    twice = read_html_page(f"<html><body><h1>Dam opens</h1>{figure}{text}"
                           f"<div class='lightbox'>{figure}</div></body></html>")
    assert [c.caption for c in twice.captions] == ["Water pours over the dam after a week of heavy rain."] * 2
    nested = read_html_page(f"<html><body><h1>Dam opens</h1><figure class='outer'>{figure}</figure>{text}</body></html>")
    assert len(nested.captions) == 1


def test_picture_block_without_caption_markup():
    p = page("unmarked_caption.html")
    assert [(c.caption, c.credit) for c in p.captions] == [
        ("Swimmers set off from the harbour wall at dawn", "Getty Images"),
        ("The winner crosses the finishing line on the beach.", "Ann Lens"),
    ]  # the teaser card and the share button are not captions
    assert p.captions[0].image_url == "https://cdn.example.org/swim.jpg"
    assert "Swimmers set off" not in p.body and "Ann Lens" not in p.body
    assert "Four hundred swimmers" in p.body


def _headline_page(ld_headline: str, og: str | None, ld_name: str | None, h1: str) -> str:
    import json
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": ld_headline}
    if ld_name:
        ld["name"] = ld_name
    og_tag = f'<meta property="og:title" content="{og}">' if og else ""
    return (f'<html><head>{og_tag}<script type="application/ld+json">{json.dumps(ld)}</script></head>'
            f"<body><article><h1>{h1}</h1><p>" + "The council met on Tuesday evening to vote on the plan. " * 4
            + "</p></article></body></html>")


def test_json_ld_headline_overruled_when_social_title_name_and_h1_all_agree():
    full = "Town council approves new cycle lanes along the river after long debate"
    p = read_html_page(_headline_page("Council OKs cycle lanes", og=full, ld_name=full, h1=full))
    assert p.title == full


def test_json_ld_headline_kept_when_fewer_than_three_sources_dissent():
    stated = "Town council approves cycle lanes"
    teaser = "You won't believe what the council just did"
    # og:title and <h1> agree, but no JSON-LD name backs them: the stated headline stands.
    assert read_html_page(_headline_page(stated, og=teaser, ld_name=None, h1=teaser)).title == stated
    # All three witnesses present, but the name sides with the headline.
    assert read_html_page(_headline_page(stated, og=teaser, ld_name=stated, h1=teaser)).title == stated
    # The three witnesses dissent but not on the same alternative.
    assert read_html_page(_headline_page(stated, og=teaser, ld_name="Cycle lanes for the river",
                                         h1=teaser)).title == stated


_STORY = "<p>" + "The festival drew crowds to the old harbour for three days of music and food. " * 4 + "</p>"


def _ld_image_page(image: dict) -> str:
    import json
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Harbour festival", "image": image}
    return (f'<html><head><script type="application/ld+json">{json.dumps(ld)}</script></head>'
            f"<body><article><h1>Harbour festival</h1>{_STORY}</article></body></html>")


def test_json_ld_image_caption_is_read_but_its_description_is_not():
    with_caption = _ld_image_page({"@type": "ImageObject", "url": "https://cdn.example.org/a.jpg",
                                   "caption": "Dancers on the quay at sunset."})
    assert [c.caption for c in read_html_page(with_caption).captions] == ["Dancers on the quay at sunset."]
    alt_text_only = _ld_image_page({"@type": "ImageObject", "url": "https://cdn.example.org/a.jpg",
                                    "description": "Blue logo with white text"})
    assert read_html_page(alt_text_only).captions == []


def test_json_ld_caption_that_is_only_a_credit_or_the_file_name_is_no_caption():
    credit_only = _ld_image_page({"@type": "ImageObject", "url": "https://cdn.example.org/a.jpg",
                                  "caption": "Image credit: Example Wire"})
    assert read_html_page(credit_only).captions == []
    file_name = _ld_image_page({"@type": "ImageObject", "url": "https://cdn.example.org/up/Jane-Roe-2.jpg",
                                "caption": "Jane Roe"})
    assert read_html_page(file_name).captions == []
    # A real caption that shares a word with the file name stays.
    real = _ld_image_page({"@type": "ImageObject", "url": "https://cdn.example.org/up/Jane-Roe-2.jpg",
                           "caption": "Jane Roe sings on the main stage."})
    assert [c.caption for c in read_html_page(real).captions] == ["Jane Roe sings on the main stage."]


def test_figure_showing_only_a_drawn_logo_has_no_caption():
    logo = ('<figure><figcaption>Powered by</figcaption><svg width="90" height="18" role="img">'
            '<path d="M0 0h9v9H0z"></path></svg></figure>')
    photo = ('<figure><img src="https://cdn.example.org/quay.jpg"><figcaption>Boats moored along the quay.'
             '</figcaption></figure>')
    p = read_html_page(f"<html><body><article><h1>Harbour festival</h1>{logo}{photo}{_STORY}</article></body></html>")
    assert [c.caption for c in p.captions] == ["Boats moored along the quay."]


def test_teaser_card_with_a_heading_in_its_caption_block_is_not_a_caption():
    teaser = ('<div class="card"><img src="https://cdn.example.org/t.jpg"><div class="caption">'
              '<h4 class="title">Why the tide came in early</h4><p>An expert explains the flooding.</p></div></div>')
    p = read_html_page(f"<html><body><article><h1>Harbour festival</h1>{_STORY}{teaser}</article></body></html>")
    assert p.captions == []


def test_more_link_at_the_end_of_a_caption_is_dropped_and_the_credit_found():
    fig = ('<figure><img src="https://cdn.example.org/quay.jpg"><figcaption>Boats moored along the quay. '
           '(AP Photo/Jane Roe) <a href="/gallery/1">more &gt;</a></figcaption></figure>')
    (cap,) = read_html_page(f"<html><body><article><h1>Harbour festival</h1>{fig}{_STORY}</article></body></html>").captions
    assert cap.caption == "Boats moored along the quay."
    assert cap.credit == "AP Photo/Jane Roe"


def test_photo_in_an_article_component_named_like_furniture_is_still_read():
    # The story's own wrappers carry "comments-enabled" and "article-widget-image"; a real
    # sidebar widget next to the story is still furniture.
    photo = ('<div class="article-widget article-widget-image"><div class="image-container">'
             '<img src="https://cdn.example.org/quay.jpg"><div class="image-text">'
             '<span class="description">Boats moored along the quay.</span><br>'
             '<span class="author"><span class="label">Image:</span> <span class="name">Jane Roe</span></span>'
             '</div></div></div>')
    sidebar = ('<div class="widget"><div class="image-container"><img src="https://cdn.example.org/ad.jpg">'
               '<span class="description">Subscribe today for one pound.</span></div></div>')
    long_paragraph = "<p>" + "The harbour festival drew record crowds this year, organisers said on Sunday. " * 4 + "</p>"
    html = (f'<html><body><h1>Harbour festival</h1><div class="story comments-enabled">{photo}{long_paragraph}'
            f'</div><aside>{sidebar}</aside></body></html>')
    (cap,) = read_html_page(html).captions
    assert cap.caption == "Boats moored along the quay."
    assert cap.credit == "Jane Roe"


def test_author_far_from_the_caption_is_not_the_photo_credit():
    html = ('<html><body><h1>Harbour festival</h1><figure><img src="https://cdn.example.org/quay.jpg">'
            '<figcaption>Boats moored along the quay.</figcaption><div><span class="author">By Sam Writer</span>'
            f'</div></figure>{_STORY}</body></html>')
    (cap,) = read_html_page(html).captions
    assert cap.credit is None


def test_caption_text_that_is_a_credit_label_is_no_caption_even_beside_a_credit():
    fig = ('<figure><img src="https://cdn.example.org/quay.jpg"><figcaption><span class="caption-text">'
           'Image credit: Example Wire</span> <span class="credit">(Image credit: Jane Roe)</span>'
           '</figcaption></figure>')
    p = read_html_page(f"<html><body><article><h1>Harbour festival</h1>{fig}{_STORY}</article></body></html>")
    assert p.captions == []


_PARAGRAPH = "<p>" + "Villagers say the blasting at the quarry has cracked the walls of their homes. " * 4 + "</p>"


def test_bold_names_opening_the_story_are_its_byline_and_leave_the_body():
    html = (f"<html><body><article><h1>Quarry blasts crack homes</h1><p><strong>Jane Doe/John Roe</strong></p>"
            f"{_PARAGRAPH}</article></body></html>")
    p = read_html_page(html)
    assert p.authors == ["Jane Doe", "John Roe"]
    assert "Jane Doe" not in p.body and p.body.startswith("Villagers say")


def test_bold_text_that_is_not_only_names_or_not_at_the_top_is_no_byline():
    kicker = (f"<html><body><article><h1>Quarry blasts crack homes</h1><p><strong>Breaking news from the valley"
              f"</strong></p>{_PARAGRAPH}</article></body></html>")
    p = read_html_page(kicker)
    assert p.authors == [] and "Breaking news from the valley" in p.body
    earlier = "".join(f"<p>Paragraph {n} of the story tells what the villagers saw on day {n} of the blasting.</p>"
                      for n in range(1, 6))
    late = (f"<html><body><article><h1>Quarry blasts crack homes</h1>{earlier}<p><b>Ann Lee</b></p>"
            f"{_PARAGRAPH}</article></body></html>")
    assert read_html_page(late).authors == []
    half_bold = (f"<html><body><article><h1>Quarry blasts crack homes</h1><p><b>Ann</b> Lee</p>"
                 f"{_PARAGRAPH}</article></body></html>")
    assert read_html_page(half_bold).authors == []


def test_json_ld_author_that_is_the_cms_admin_account_is_skipped():
    import json
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Quarry blasts crack homes",
          "author": {"@id": "https://news.example.org/author/admin/", "name": "Example D"}}
    html = (f'<html><head><script type="application/ld+json">{json.dumps(ld)}</script></head><body><article>'
            f"<h1>Quarry blasts crack homes</h1><p><strong>JANE DOE</strong></p>{_PARAGRAPH}</article></body></html>")
    assert read_html_page(html).authors == ["JANE DOE"]
    ld["author"] = {"@id": "https://news.example.org/author/jane-roe/", "name": "Jane Roe"}
    html = html.replace(html[html.index("{"):html.index("</script>")], json.dumps(ld))
    assert read_html_page(html).authors == ["Jane Roe"]


def _council_story(paragraphs: int) -> str:
    return "".join(f"<p>Paragraph {n} tells how the council voted on the harbour plan at its meeting.</p>"
                   for n in range(1, paragraphs + 1))


def test_embedded_social_posts_stay_out_of_the_body_but_text_around_them_stays():
    story = _council_story(4)
    tweet = ('<blockquote class="twitter-tweet"><p>Great night at the council! pic.twitter.com/abc</p>'
             '&mdash; Jane Roe (@janeroe) <a href="https://twitter.com/janeroe/status/1">May 1, 2024</a>'
             '</blockquote>')
    quote = "<blockquote><p>We will build the new quay next spring, the mayor told the meeting.</p></blockquote>"
    html = f"<html><body><article><h1>Harbour plan</h1>{story}{tweet}{quote}</article></body></html>"
    body = read_html_page(html).body
    assert "Great night at the council" not in body and "@janeroe" not in body
    assert "We will build the new quay" in body  # an ordinary quotation is story text
    assert "Paragraph 4 tells" in body


def test_a_caption_ending_in_the_word_more_keeps_it():
    fig = ('<figure><img src="https://cdn.example.org/quay.jpg"><figcaption>Ferries now carry forty cars '
           'or more</figcaption></figure>')
    (cap,) = read_html_page(f"<html><body><article><h1>Harbour festival</h1>{fig}{_STORY}</article></body></html>").captions
    assert cap.caption == "Ferries now carry forty cars or more"


def _og_page(og: str, h1: str, site: str | None = None) -> str:
    site_tag = f'<meta property="og:site_name" content="{site}">' if site else ""
    return (f'<html><head><meta property="og:title" content="{og}">{site_tag}</head><body><article>'
            f"<h1>{h1}</h1>{_STORY}</article></body></html>")


def test_brand_looking_title_tail_is_kept_unless_another_headline_confirms_it():
    # "- The Winter Update" looks like a brand but is the headline's own subtitle.
    assert read_html_page(_og_page("Harbour Games 2 - The Winter Update", "Games News")).title == \
        "Harbour Games 2 - The Winter Update"
    # The visible headline reads the same without the tail: the tail is the site's name.
    assert read_html_page(_og_page("Harbour festival opens - Quay Times", "Harbour festival opens")).title == \
        "Harbour festival opens"
    # A tail naming the stated site goes without any confirmation.
    assert read_html_page(_og_page("Harbour festival opens | Quay Times", "Quay Times", site="Quay Times")).title == \
        "Harbour festival opens"


def test_elements_the_page_hides_stay_out_of_the_body():
    story = _council_story(4)
    hidden = ('<p style="color: red; display:none">A template line that scripts fill in for every reader.</p>'
              '<div hidden><p>Sign in to keep reading the rest of this story about the harbour.</p></div>'
              '<p style="Visibility: Hidden !important;">Offscreen text kept for the slideshow widget here.</p>')
    shown = ('<p style="display: block">Paragraph 5 says the display of the quay plans opens on Monday.</p>'
             '<p data-hidden="no">Paragraph 6 adds that visibility from the pier was poor all week.</p>')
    html = f"<html><body><article><h1>Harbour plan</h1>{story}{hidden}{shown}</article></body></html>"
    body = read_html_page(html).body
    for gone in ("template line", "Sign in to keep", "Offscreen text"):
        assert gone not in body
    for kept in ("Paragraph 1 tells", "Paragraph 4 tells", "Paragraph 5 says", "Paragraph 6 adds"):
        assert kept in body


def test_source_line_wrapping_inside_a_text_block_is_not_a_paragraph_break():
    wrapped = ("<div>The council voted on Tuesday to rebuild the harbour wall,\n        which the winter\n"
               "        storms broke in two places, before the summer season opens.</div>")
    poem = "<pre>Line one of the verse\nline two of the verse</pre>"
    html = (f"<html><body><article><h1>Harbour wall</h1>{wrapped}{_council_story(3)}{poem}"
            "<p>First line<br>second line of an address block in the story</p></article></body></html>")
    body = read_html_page(html).body.split("\n\n")
    assert ("The council voted on Tuesday to rebuild the harbour wall, which the winter storms broke in two "
            "places, before the summer season opens.") in body
    assert not any(p.startswith("which the winter") for p in body)
    assert "Line one of the verse" in body and "line two of the verse" in body  # <pre> keeps its lines
    assert "First line" in body  # a <br> still breaks the line


def test_paragraph_the_page_prints_twice_in_a_row_is_kept_twice():
    repeated = "<p>The harbour master repeated the warning to every skipper in the fleet that night.</p>"
    share = '<div class="share"><h3>Share this:</h3><a href="#">Post</a></div>'
    html = (f"<html><body><article><h1>Storm warning</h1>{_council_story(3)}{repeated}{repeated}"
            f"{share}{repeated}<p>The fleet stayed in port.</p></article></body></html>")
    body = read_html_page(html).body
    assert body.count("The harbour master repeated the warning") == 3
    assert body.count("Paragraph 2 tells") == 1


def test_copies_of_a_paragraph_apart_from_each_other_are_not_pulled_together():
    # The same text in two places, with other text between, stays where the extractor put it.
    intro = "<p>The harbour reopens on Monday after three weeks of repairs to the sea wall.</p>"
    html = (f"<html><body><article><h1>Harbour reopens</h1>{intro}<h2>Repairs</h2>{_council_story(3)}"
            f"<h2>Reopening</h2>{intro}</article></body></html>")
    body = read_html_page(html).body.split("\n\n")
    copies = [i for i, p in enumerate(body) if p.startswith("The harbour reopens on Monday")]
    assert len(copies) <= 2
    assert all(body[i + 1] != body[i] for i in copies if i + 1 < len(body))


def _slides(n: int) -> str:
    return "".join(f'<li data-slide="{i}"><h2><span class="counter">{i}/{n}</span> Boats at dawn</h2>'
                   f"<p>Fishing boat number {i} leaves the old harbour before sunrise as gulls follow it out to "
                   f"sea, past the lighthouse and the breakwater that the storm damaged last winter.</p>"
                   '<p class="credits">GETTY IMAGES</p></li>' for i in range(1, n + 1))


def test_photo_gallery_set_into_a_story_stays_out_of_the_body():
    # Thirty long slide captions outweigh the story: without removal the extractor takes them in.
    story = _council_story(12)
    gallery = f'<div class="widget type-gallery"><div class="scroller"><ul class="legends">{_slides(30)}</ul></div></div>'
    html = (f"<html><body><article><h1>Harbour plan</h1><div class='text'>{story[:400]}{gallery}{story[400:]}"
            "</div></article></body></html>")
    body = read_html_page(html).body
    assert "Fishing boat number" not in body and "GETTY" not in body and "1/30" not in body
    assert "Paragraph 1 tells" in body and "Paragraph 12 tells" in body


def test_gallery_page_without_a_story_of_its_own_keeps_its_text():
    html = (f'<html><body><h1>The fleet in pictures</h1><div class="slideshow"><ul>{_slides(6)}</ul></div>'
            "</body></html>")
    assert "Fishing boat number 3" in read_html_page(html).body


def test_page_level_gallery_class_around_the_headline_is_not_a_gallery():
    html = (f'<html><body><div class="page gallery-enabled"><article><h1>Harbour plan</h1>'
            f"{_council_story(6)}</article></div></body></html>")
    assert "Paragraph 6 tells" in read_html_page(html).body


def _card(n: int, words: int = 30) -> str:
    blurb = " ".join(f"summary{n}word{k}" for k in range(words))
    return (f'<li><div><h3><a href="/news/other-story-{n}.html">Other story number {n} in the news</a></h3>'
            f'<p>{blurb}</p></div><div class="source">Wire Service</div></li>')


def test_stream_of_teaser_cards_after_the_story_stays_out_of_the_body():
    stream = f'<ul class="stream">{"".join(_card(n) for n in range(1, 25))}</ul>'
    html = f"<html><body><article><h1>Harbour plan</h1>{_council_story(6)}{stream}</article></body></html>"
    body = read_html_page(html).body
    assert "summary3word" not in body and "Other story number" not in body
    assert "Paragraph 1 tells" in body and "Paragraph 6 tells" in body


def test_long_sections_under_linked_subheadings_and_a_lone_card_are_story_text():
    # A listicle whose items are long, and one linked subheading, are not a teaser stream.
    sections = "".join(f'<section><h2><a href="/places/{n}">Place {n}</a></h2>'
                       f"<p>{' '.join(f'place{n}detail{k}' for k in range(130))}</p></section>" for n in range(1, 5))
    lone = '<div><h3><a href="/council">The council</a></h3><p>It meets on Tuesdays in the old town hall.</p></div>'
    html = (f"<html><body><article><h1>Where to go</h1>{_council_story(2)}<div>{sections}</div>{lone}"
            f"{_council_story(4)[-300:]}</article></body></html>")
    body = read_html_page(html).body
    assert "place1detail5" in body and "place4detail100" in body
    assert "meets on Tuesdays" in body


def test_inline_mathml_formula_keeps_its_symbols_in_the_sentence():
    formula = "<math><mi>E</mi><mo>=</mo><mi>m</mi><msup><mi>c</mi><mn>2</mn></msup></math>"
    html = (f"<html><body><article><h1>Energy</h1>{_council_story(4)}<p>The famous relation {formula} links "
            "energy and mass, the physicist told the council.</p></article></body></html>")
    assert "The famous relation E = m c 2 links energy and mass" in read_html_page(html).body


def test_live_blog_posts_whose_headings_link_to_their_own_anchors_are_story_text():
    posts = "".join(f'<div class="post"><h3><a href="#post-{n}">Update {n} from the harbour</a></h3>'
                    f"<p>Crews reported progress on section {n} of the sea wall this hour.</p></div>"
                    for n in range(1, 7))
    html = (f'<html><body><article><h1>Sea wall: live</h1>{_council_story(2)}<div class="posts">{posts}</div>'
            "</article></body></html>")
    body = read_html_page(html, url="https://example.org/live/sea-wall").body
    assert "progress on section 1 of" in body and "progress on section 6 of" in body


def test_story_wrapper_named_like_a_gallery_is_not_removed():
    html = (f'<html><body><h1>Harbour plan</h1><div class="article-body gallery-enabled">{_council_story(12)}'
            f'</div><footer><p>{"About us and contact details for the newsroom and its staff. " * 20}</p></footer>'
            "</body></html>")
    body = read_html_page(html).body
    assert "Paragraph 1 tells" in body and "Paragraph 12 tells" in body


def test_teaser_cards_with_a_kicker_in_front_of_the_linked_headline_stay_out_of_the_body():
    cards = "".join(f'<div class="story-block"><h4><strong class="kicker">Opinion</strong> '
                    f'<a href="/opinion/column-{n}">Columnist number {n} on the harbour</a></h4>'
                    f'<p class="standfirst">COLUMNIST {n} says the harbour plan is about more than the quay, and '
                    f"that the council should listen to the fishing families before it votes again.</p></div>"
                    for n in range(1, 6))
    html = (f"<html><body><article><h1>Harbour plan</h1>{_council_story(6)}<div class='more'>"
            f"<h3>Other opinion columns</h3>{cards}</div></article></body></html>")
    body = read_html_page(html).body
    assert "COLUMNIST 2 says" not in body and "Columnist number" not in body
    assert "Paragraph 6 tells" in body


def test_read_more_lines_between_paragraphs_leave_the_body():
    story = _council_story(6)
    read_more = ('<p><a href="https://example.org/news/quay-costs"><b>READ MORE: Quay repairs to cost twice '
                 'the estimate</b></a></p>'
                 '<p><strong>FUNDA OLUNYE UDABA LAPHA |</strong> <a href="/news/123/other">Abahlanu baboshiwe</a></p>'
                 '<p>Lire aussi : <a href="/fr/port">Le port rouvre lundi</a></p>')
    html = f"<html><body><article><h1>Harbour plan</h1>{story[:300]}{read_more}{story[300:]}</article></body></html>"
    body = read_html_page(html, url="https://example.org/news/harbour").body
    for gone in ("READ MORE", "Quay repairs to cost", "FUNDA OLUNYE", "Abahlanu", "Le port rouvre"):
        assert gone not in body
    assert "Paragraph 1 tells" in body and "Paragraph 6 tells" in body


@pytest.mark.parametrize("paragraph", [
    '<p><a href="/news/council-vote">In April the council voted to rebuild the quay.</a></p>',  # no label
    '<p>See: <a href="#timeline">the timeline of the works below</a></p>',  # an anchor of this page
    '<p>Source: <a href="/report">the annual report</a>, which the council published on Monday.</p>',  # link inside
    '<p>Note: the vote was close, as <a href="/vote">the record</a> shows for everyone who reads it.</p>',  # little linked
])
def test_linked_sentences_that_are_no_read_more_line_stay(paragraph):
    import lxml.html

    from etl.parse.html_body import _drop_link_paragraphs
    tree = lxml.html.fromstring(f"<html><body><article>{paragraph}</article></body></html>")
    _drop_link_paragraphs(tree, "https://example.org/news/harbour")
    assert len(tree.findall(".//p")) == 1


def test_teaser_cards_directly_under_the_headlines_container_are_found():
    cards = "".join(_card(n) .replace("<li>", '<div class="card">').replace("</li>", "</div>") for n in range(1, 9))
    html = f"<html><body><article><h1>Harbour plan</h1><div>{_council_story(6)}</div>{cards}</article></body></html>"
    body = read_html_page(html).body
    assert "summary3word" not in body and "Paragraph 6 tells" in body


def test_writers_box_with_biography_stays_out_of_the_body_but_authors_are_read():
    bio_text = ("Jane Roe is a harbour correspondent who has covered ports, shipping and the fishing industry for "
                "twenty years, first for the Coast Gazette and then as our Europe editor, and she writes a weekly "
                "column on the sea. She makes frequent appearances on national radio and television programs.")
    bio = (f'<div class="slice-author-bio"><div class="author__biography"><p>{bio_text}</p><p>{bio_text}</p>'
           "</div></div>")
    html = (f'<html><head><meta name="author" content="Jane Roe"></head><body><article><h1>Harbour plan</h1>'
            f"{_council_story(6)}{bio}</article></body></html>")
    page = read_html_page(html)
    assert "harbour correspondent" not in page.body and "Paragraph 6 tells" in page.body
    assert page.authors == ["Jane Roe"]


def test_story_wrapped_in_an_element_named_after_the_author_is_kept():
    html = (f'<html><body><h1>Harbour plan</h1><div class="post author-info-enabled">{_council_story(12)}</div>'
            "</body></html>")
    assert "Paragraph 12 tells" in read_html_page(html).body


def test_picture_then_line_break_then_italic_line_is_a_caption():
    pic = ('<p><img src="/img/quay.jpg" width="800" height="450"><br>'
           "<em>The old quay at low tide on Monday</em></p>")
    inline = "<p>The harbour <em>was</em> busy all week, the harbour master said on Friday at the meeting.</p>"
    html = (f"<html><body><article><h1>Harbour plan</h1>{_council_story(3)}{pic}{inline}{_council_story(6)[-300:]}"
            "</article></body></html>")
    page = read_html_page(html, url="https://example.org/news/harbour")
    assert [c.caption for c in page.captions] == ["The old quay at low tide on Monday"]
    assert page.captions[0].image_url == "https://example.org/img/quay.jpg"
    assert "The old quay at low tide" not in page.body
    assert "The harbour was busy all week" in page.body


def test_linked_headline_in_capitals_between_paragraphs_leaves_the_body():
    story = _council_story(6)
    shouted = '<p><a href="/politics/quay-vote"><strong>TWO COUNCILLORS QUIT OVER QUAY VOTE</strong></a></p>'
    warning = "<p>STORM WARNING IN FORCE FOR THE WHOLE COAST UNTIL FRIDAY NIGHT</p>"  # capitals, no link
    html = (f"<html><body><article><h1>Harbour plan</h1>{story[:300]}{shouted}{warning}{story[300:]}"
            "</article></body></html>")
    body = read_html_page(html, url="https://example.org/news/harbour").body
    assert "TWO COUNCILLORS QUIT" not in body
    assert "STORM WARNING IN FORCE" in body and "Paragraph 6 tells" in body


def test_headings_linking_back_to_the_page_itself_are_no_teasers():
    # The page's address comes from its canonical link; the headings link to it by a relative path.
    posts = "".join(f'<div class="post"><h3><a href="/live/sea-wall#p{n}">Update {n} from the harbour</a>'
                    f"</h3><p>Crews reported progress on section {n} of the sea wall this hour.</p></div>"
                    for n in range(1, 7))
    html = ('<html><head><link rel="canonical" href="https://example.org/live/sea-wall"></head><body><article>'
            f'<h1>Sea wall: live</h1>{_council_story(2)}<div class="posts">{posts}</div></article></body></html>')
    from etl.parse.html_body import _links_away
    assert not _links_away("/live/sea-wall#p2", "https://example.org/live/sea-wall")
    assert _links_away("/live/other-story", "https://example.org/live/sea-wall")
    assert "progress on section 1 of" in read_html_page(html).body
