"""Plain-text page reader on small hand-written page dumps and clean article files."""
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from etl.parse.page_kind import NotAnArticle
from etl.parse.text import parse_byline, read_text_page
from etl.parse.text_lines import is_doubled, is_furniture_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "text"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def read(name):
    return read_text_page((FIXTURES / name).read_text(encoding="utf-8"))


# --- a page with every kind of furniture --------------------------------------------------------------

@pytest.fixture(scope="module")
def furniture_page():
    return read("furniture_page.txt")


def test_furniture_page_metadata(furniture_page):
    p = furniture_page
    assert p.title == "Rivermouth ferry strike enters third day"
    assert p.subtitle == "Union says talks have stalled over night-shift pay"
    assert p.authors == ["Ines Carvalho"]
    assert p.published_at == datetime(2025, 3, 2, 8, 40, tzinfo=timezone.utc)


@pytest.mark.parametrize("kept", [
    "RIVERMOUTH — Ferry services across the estuary were cancelled",  # dateline stays in the body
    "\"Nobody wants to leave passengers stranded, but the company has not moved an inch,\" said Marta Quist",
    "The operator said it had offered a four percent rise",
    "Commuters queued for replacement buses that added an hour to the journey.",
])
def test_furniture_page_keeps_article(furniture_page, kept):
    assert kept in furniture_page.body


@pytest.mark.parametrize("dropped", [
    "cookies", "Skip to content", "Politics", "Log in", "Home ›", "By Ines Carvalho", "Published", "WhatsApp",
    "Share", "Striking crew members", "Oskar Lind", "Related:", "record summer profits", "You may also like",
    "Bridge tolls frozen", "Coastal rail line", "Leave a Reply", "Your email address", "Comments", "Newsletter",
    "morning briefing", "Subscribe", "@RivermouthNews", "©", "All rights reserved", "Privacy policy",
    "Rivermouth ferry strike enters third day", "Union says talks have stalled",
])
def test_furniture_page_drops_furniture(furniture_page, dropped):
    assert dropped not in furniture_page.body


def test_furniture_page_caption(furniture_page):
    [cap] = furniture_page.captions
    assert cap.caption == "Striking crew members gather at the Rivermouth terminal on Sunday."
    assert cap.credit == "Picture: Oskar Lind/Harbour Images"
    assert (cap.photographer, cap.agency) == ("Oskar Lind", "Harbour Images")


def test_body_paragraphs_separated_by_one_blank_line(furniture_page):
    paras = furniture_page.body.split("\n\n")
    assert len(paras) == 4
    assert all(p.strip() == p and p for p in paras)


# --- a gallery page with numbered slides and a link list after the article ----------------------------

@pytest.fixture(scope="module")
def gallery_page():
    return read("gallery_page.txt")


def test_gallery_captions_with_credits(gallery_page):
    caps = {c.caption: c for c in gallery_page.captions}
    ramp = caps["A dry boat ramp at Lake Tamsin on Friday, Aug. 8, 2025, in Grey County."]
    assert (ramp.credit, ramp.photographer, ramp.agency) == ("AP Photo/Rosa Delgado", "Rosa Delgado", "AP")
    stream = caps["The cracked bed of a feeder stream below the dam."]
    assert (stream.photographer, stream.agency) == ("Daniel Brook", "REUTERS")


def test_gallery_body(gallery_page):
    body = gallery_page.body
    assert body.startswith("Water levels at Lake Tamsin fell to 31 percent")
    assert body.endswith("their irrigation allocations had already been halved.")
    for dropped in ("1 of 3", "Read More", "READ NEXT", "Wildfire season", "Heat records", "hours ago",
                    "AP Photo", "REUTERS", "boat ramp", "Podcasts"):
        assert dropped not in body
    assert gallery_page.title == "Drought shrinks reservoir to lowest level since records began"


# --- clean inputs must come through whole --------------------------------------------------------------

def test_clean_article_keeps_every_paragraph():
    paras = [
        "Senate passes farm bill after late deal",
        "The Senate passed the farm bill on Tuesday.",
        "\"It is done,\" she said.",
        "Yes.",
        "Critics said the bill (HR 2) favoured large producers (Reuters).",
        "Follow Ana Ruiz on Twitter.",
        "The House votes next week.",
    ]
    page = read_text_page("\n\n".join(paras) + "\n")
    assert page.title == paras[0]
    assert page.body.split("\n\n") == paras[1:]
    assert page.captions == []


def test_conll_style_text_keeps_dateline_and_all_lines():
    text = ("SOCCER - JAPAN GET LUCKY WIN , CHINA IN SURPRISE DEFEAT .\n\n"
            "AL-AIN , United Arab Emirates 1996-12-06\n\n"
            "Japan began the defence of their Asian Cup title with a lucky 2-1 win against Syria .\n\n"
            "Group C\n\nJapan 2 Syria 1\n\nChina 0 Uzbekistan 2\n")
    page = read_text_page(text)
    everything = " ".join([page.title or "", page.subtitle or "", page.body])
    for line in text.split("\n\n"):
        assert line.strip() in everything
    assert "AL-AIN , United Arab Emirates 1996-12-06" in page.body
    assert page.published_at == datetime(1996, 12, 6, tzinfo=timezone.utc)


def test_single_paragraph_is_body_not_title():
    page = read_text_page("Lorem ipsum dolor sit amet, consectetur adipiscing elit.")
    assert page.body == "Lorem ipsum dolor sit amet, consectetur adipiscing elit."


@pytest.mark.parametrize("text", ["", "   \n\n  ", "\x00\x01", "* \n+ \n", "©"])
def test_degenerate_inputs(text):
    page = read_text_page(text)
    assert page.body.strip() == page.body


def test_none_input_is_empty_page():
    assert read_text_page(None).body == ""  # type: ignore[arg-type]


# --- bylines -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("line, names", [
    ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
    ("Jane Doe | Reuters", ["Jane Doe"]),
    ("By Jane Doe, Senior Political Correspondent", ["Jane Doe"]),
    ("BY ANA RUIZ, TOM WU & LI NA", ["ANA RUIZ", "TOM WU", "LI NA"]),
    ("By the way, this is a sentence about nothing in particular.", []),
    ("The minister said on Tuesday", []),
])
def test_parse_byline(line, names):
    assert parse_byline(line) == names


# --- seeds written for this project -----------------------------------------------------------------

def test_seed_harbour_bridge():
    page = read_text_page((SEEDS / "2025-12-04" / "001_harbour_bridge_vote.txt").read_text(encoding="utf-8"))
    assert page.title == "Council approves £40m repair plan for Kelby harbour bridge"
    assert page.authors == ["Mara Ellison", "Tom Okafor"]
    # the page only says "Updated 6:15 PM GMT, Thu December 4, 2025": an update, not the publication
    assert page.published_at is None
    assert page.modified_at == datetime(2025, 12, 4, 18, 15, tzinfo=timezone.utc)
    assert page.body.startswith("Councillors in Kelby voted 31 to 9")
    assert page.body.endswith("before the road closure begins.")
    for dropped in ("Advertisement", "Story continues", "More from", "Ferry fares", "newsletter", "Kelby Gazette"):
        assert dropped not in page.body
    [cap] = page.captions
    assert (cap.photographer, cap.agency) == ("Priya Nandakumar", "Coastline Press")


def test_seed_orchard_frost():
    page = read_text_page((SEEDS / "2025-12-05" / "002_orchard_frost_losses.txt").read_text(encoding="utf-8"))
    assert page.title == "Late frost wipes out half of valley's apple blossom"
    assert page.authors == ["Jonas Whitfield"]
    assert page.published_at.date() == datetime(2025, 12, 5).date()
    assert page.body.startswith("ALDER BRIDGE — Temperatures fell")
    assert "Frost-damaged blossom" not in page.body and "Jonas Whitfield" not in page.body
    assert "Wheat prices" not in page.body and "Cookie" not in page.body
    [cap] = page.captions  # printed twice, read once
    assert (cap.photographer, cap.agency) == ("Anna Kowalczyk", "Northfield Wire")


# --- properties ---------------------------------------------------------------------------------------

LINE = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["", "* Home", "By Jane Doe", "Share", "December 3, 2025", "(AP Photo/A B)", "Getty Images",
                     "He said: \"Yes.\" (Reuters)", "1 of 3 |", "© 2025", "A sentence that ends here."]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(LINE, max_size=30))
def test_never_raises_and_reuses_input_lines(lines):
    text = "\n".join(lines)
    try:
        page = read_text_page(text)
    except NotAnArticle:
        return  # a page of menu items, a sign-in form...: refused by design, and said so
    for para in filter(None, page.body.split("\n\n")):
        assert para in text
    for cap in page.captions:
        assert cap.caption in text
        if cap.credit:
            assert cap.credit in text
    if page.published_at is not None:
        assert page.published_at.utcoffset().total_seconds() == 0


# --- scripts without spaces, leaked markup -------------------------------------------------------------

def test_unspaced_script_paragraphs_count_as_prose():
    menu = "\n".join(f"* 菜单{i}" for i in range(12))
    paras = ["研究人员周二表示，新的水处理厂将在明年春天投入使用，为全市四十万居民提供更安全的饮用水。",
             "市政府说，这个项目的总费用约为三亿元，其中一半来自中央政府的专项拨款，其余由地方财政承担。",
             "工程师们还计划在旧厂址上修建一个公园，供附近的居民休闲娱乐，预计两年后完工。"]
    page = read_text_page(menu + "\n\n" + "\n\n".join(paras) + "\n\n" + menu + "\n")
    assert page.body.split("\n\n") == paras


def test_markup_lines_on_a_page_are_not_body_but_tag_names_in_prose_are():
    menu = "\n".join(f"* Section {i}" for i in range(10))
    text = (menu + "\n\nLead paragraph of the story, which explains what happened in the town on Monday.\n\n"
            '<div style="position:absolute;"><img width=1 height=1 alt="" src="http://t.example/b?P=1"></div>\n\n'
            "The element <img> was discussed at length by the committee in its final report.\n\n" + menu)
    page = read_text_page(text)
    assert "<div" not in page.body
    assert "The element <img> was discussed" in page.body


def _menu(n=10):
    return "\n".join(f"* Section {i}" for i in range(n))


def test_furniture_words_inside_a_sentence_do_not_drop_it():
    paras = ["The council approved the budget on Monday after a long debate about road repairs in the north.",
             "Campaigns spent more on television advertising this month than in the whole of the last race.",
             "Developers can now write JavaScript to load the module, which makes testing a great deal easier.",
             "Critics said the browser sends a record of every website visited to the company, with or without "
             "cookies, and that users were never asked."]
    text = _menu() + "\n\n" + "\n\n".join(paras) + "\n\nAdvertisement\n\nSubscribe to our newsletter\n\n" + _menu()
    page = read_text_page(text)
    assert page.body.split("\n\n") == paras


def test_cookie_banner_and_call_to_action_are_dropped():
    text = (_menu() + "\n\nWe use cookies to improve your experience on our website. By continuing you accept them.\n\n"
            "The bridge reopened on Friday after three months of repairs to its central span and deck.\n\n"
            "Drivers welcomed the news, though the speed limit stays at thirty until the works are signed off.\n\n"
            "Subscribe to any plan in our store to comment, connect and be part of the conversation!\n\n" + _menu())
    body = read_text_page(text).body
    assert "cookies" not in body and "Subscribe" not in body
    assert body.startswith("The bridge reopened") and body.endswith("signed off.")


ARTICLE_PART = [f"Paragraph {i} of the report explains, at some length and with figures, how the department "
                f"gave up {i} floors of its office space in the spring." for i in range(1, 5)]
LATER_PART = [f"Later paragraph {i} describes how the department now lacks the desks it needs for staff "
              f"who are required back in the office four days a week." for i in range(1, 5)]


def test_article_goes_on_after_an_ad_box_and_a_most_read_list():
    interruption = ("Advertisement\n\nStory continues below\n\nTrending\n\n1. Submarine arrives in port\n\n"
                    "2. Police called to downtown\n\n3. Snowbirds upgrade costs $30 million\n\nAdvertisement")
    text = (_menu(15) + "\n\n" + "\n\n".join(ARTICLE_PART) + "\n\n" + interruption + "\n\n"
            + "\n\n".join(LATER_PART) + "\n\n" + _menu(15))
    body = read_text_page(text).body.split("\n\n")
    assert body == ARTICLE_PART + LATER_PART


def test_teasers_far_below_the_article_are_not_joined_to_it():
    far_away = "\n\n".join(["Leave a Reply", "Comments"] + [f"* Other story {i}" for i in range(40)])
    text = (_menu(15) + "\n\n" + "\n\n".join(ARTICLE_PART) + "\n\n" + far_away + "\n\n"
            + "\n\n".join(LATER_PART) + "\n\n" + _menu(15))
    body = read_text_page(text).body.split("\n\n")
    assert body == ARTICLE_PART


def test_teasers_printed_twice_on_the_page_do_not_pull_the_body_along():
    teasers = "\n\n".join(
        f"Seaside town number {i} has sandy beaches and very few tourists\n\nTravel\n\n"
        f"The resort number {i} is only a few miles away from the crowds but feels like another world entirely."
        for i in range(3))
    text = (_menu(12) + "\n\n" + "\n\n".join(ARTICLE_PART) + "\n\nMore stories\n\n" + teasers
            + "\n\n" + _menu(3) + "\n\n" + teasers + "\n\n" + _menu(12))
    assert read_text_page(text).body.split("\n\n") == ARTICLE_PART


TEASERS = ("Seaside town with sandy beach and few tourists is only seven miles away\n\nStaycation\n\n"
           "Fleetwood beach is close to Blackpool, but it is a world away from the crowds in summer.\n\n"
           "Brits vow never to return after being hit with a new travel rule\n\nSpain holidays\n\n"
           "Holidaymakers say the new fee for entering the country is the last straw after years of rises.\n\n"
           "Ferry operator cuts winter crossings to the islands for a second year\n\nTravel\n\n"
           "The company blamed fuel costs and said summer timetables would not be affected by the change.")


def test_teaser_list_after_the_article_is_cut():
    text = _menu(12) + "\n\n" + "\n\n".join(ARTICLE_PART) + "\n\n" + TEASERS + "\n\n" + _menu(12)
    assert read_text_page(text).body.split("\n\n") == ARTICLE_PART


def test_article_closing_on_one_subheaded_section_keeps_it():
    ending = ["What happens next for the department and its staff",
              "The department will review its space needs again in the autumn, a spokesperson said."]
    text = _menu(12) + "\n\n" + "\n\n".join(ARTICLE_PART + ending) + "\n\n" + _menu(12)
    assert read_text_page(text).body.split("\n\n") == ARTICLE_PART + ending


def test_article_written_as_a_list_of_phrases_beats_the_comments_below_it():
    items = [f"* Team {i} fixed a regression where the address bar lost the last character of the input"
             for i in range(12)]
    comments = ("2 comments\n\nPost a comment\n\nAlan wrote on December 24:\n\n"
                "Are there plans to provide a collections feature for the desktop similar to the one on phones?\n\n"
                "Reply\n\nLeave a Reply")
    text = _menu(12) + "\n\nThese Weeks in the Browser\n\n" + "\n\n".join(items) + "\n\n" + comments + "\n\n" + _menu(12)
    body = read_text_page(text).body
    assert "Team 0 fixed a regression" in body and "Team 11 fixed a regression" in body
    assert "collections feature" not in body


def test_menu_of_capitalised_links_is_still_furniture():
    menu = "\n".join(f"* {name}" for name in ("World News", "Business Today", "Sport Results", "Arts And Culture",
                                                "Science Desk", "Travel Guides", "Opinion Pages", "Weather Maps"))
    text = menu + "\n\n" + "\n\n".join(ARTICLE_PART) + "\n\n" + menu
    assert read_text_page(text).body.split("\n\n") == ARTICLE_PART


def test_clean_article_keeps_embedded_markup_lines():
    """A corpus document with inline <tweet> elements is still a clean article: every line is kept."""
    tweets = [f'<tweet id="67213850608127590{i}" author="@someone">Scanner report number {i} from the scene</tweet>.'
              for i in range(4)]
    paras = ["Police said the suspect left the building twenty minutes before the shooting began."] + tweets + [
        "Officials will give an update on Friday morning."]
    page = read_text_page("Suspect named after shooting\n\n" + "\n\n".join(paras) + "\n")
    assert page.title == "Suspect named after shooting"
    assert page.body.split("\n\n") == paras


# --- the site addressing its reader, slot labels, doubled teaser headlines ----------------------------

def test_reader_service_prose_after_the_article_is_dropped():
    service = ["Got a story? Get in touch with our news team by emailing us at desk@example-news.com.",
               "Follow Example News on Twitter and Facebook for the latest news updates.",
               "Get daily local news delivered to your inbox so you never miss the day's top stories.",
               "Add Example News as a preferred source on Google to see more of our stories.",
               "If you buy something using links in our stories, we may earn a commission."]
    text = _menu(12) + "\n\n" + "\n\n".join(ARTICLE_PART + service) + "\n\n" + _menu(12)
    assert read_text_page(text).body.split("\n\n") == ARTICLE_PART


def test_sentences_about_newsletters_or_email_inside_the_article_stay():
    reported = ["The council said residents who signed up for its newsletter last year were told about the "
                "closures by email only two days before the work started, which angered many of them.",
                "Members can join the working group; please email the committee at group@example.org for "
                "more information about the next meeting and its agenda."]
    text = _menu(12) + "\n\n" + "\n\n".join(ARTICLE_PART[:2] + reported + ARTICLE_PART[2:]) + "\n\n" + _menu(12)
    assert read_text_page(text).body.split("\n\n") == ARTICLE_PART[:2] + reported + ARTICLE_PART[2:]


def test_a_short_contact_line_with_an_address_is_dropped():
    text = (_menu(12) + "\n\n" + "\n\n".join(ARTICLE_PART) + "\n\nContact the author:\n\n"
            "Jane Roe jane.roe@example-news.com @janeroe\n\n" + _menu(12))
    body = read_text_page(text).body
    assert "jane.roe@" not in body
    assert body.startswith(ARTICLE_PART[0]) and ARTICLE_PART[-1] in body


def test_slot_labels_printed_between_paragraphs_are_dropped_but_a_single_subheading_is_kept():
    paras = ARTICLE_PART + LATER_PART
    lines = []
    for i, para in enumerate(paras):
        lines += ["Article content", para]
        if i == 3:
            lines.append("Why the floors were given up")
    text = _menu(12) + "\n\n" + "\n\n".join(lines) + "\n\n" + _menu(12)
    body = read_text_page(text).body.split("\n\n")
    assert "Article content" not in body
    assert body == paras[:4] + ["Why the floors were given up"] + paras[4:]


def test_code_lines_repeated_in_a_listing_are_not_slot_labels():
    listing = ["fetch(url, {", 'method: "POST",', "});", "fetch(other, {", 'method: "POST",', "});",
               "fetch(third, {", 'method: "POST",', "});"]
    text = "\n\n".join(ARTICLE_PART[:2] + listing + ARTICLE_PART[2:])
    assert 'method: "POST",' in read_text_page(text).body


def test_teaser_headlines_printed_twice_in_one_line_are_dropped():
    teasers = ["More from the Magazine",
               "The Primary Debate Was a Tedious Mess The Primary Debate Was a Tedious Mess",
               "Two rivals clearly despise each other, but neither emerged as the obvious number two in the race.",
               "Jane Roe",
               "Can a European Digital Law Inspire Regulation Here? Can a European Digital Law Inspire Regulation Here?",
               "The effect of these large digital laws is going to be felt well beyond the borders of Europe, she said.",
               "John Doe"]
    text = _menu(12) + "\n\n" + "\n\n".join(ARTICLE_PART + teasers) + "\n\n" + _menu(12)
    body = read_text_page(text).body
    assert "Tedious Mess" not in body and "Inspire Regulation" not in body
    assert body.startswith(ARTICLE_PART[0]) and ARTICLE_PART[-1] in body


def test_numbered_most_read_items_between_two_parts_of_the_article_are_dropped():
    box = ("Advertisement\n\nThis advertisement has not loaded yet, but your article continues below.\n\nTrending\n\n"
           "1. The department gave up office space in January and now it cannot accommodate staff\n\nPublic Service\n\n"
           "2. Subscriber only. Army looking at turning sports fields into parking lots for the campus\n\n"
           "Defence Watch\n\nAdvertisement")
    text = (_menu(15) + "\n\n" + "\n\n".join(ARTICLE_PART) + "\n\n" + box + "\n\n"
            + "\n\n".join(LATER_PART) + "\n\n" + _menu(15))
    assert read_text_page(text).body.split("\n\n") == ARTICLE_PART + LATER_PART


@pytest.mark.parametrize("line, doubled", [
    ("Mike Johnson's Art of the Deal Mike Johnson's Art of the Deal", True),
    ("Art of the Deal", False),
    ("Talks went on and on and on and on", False),  # repetition inside a sentence, not a whole line twice
    ("How to Defeat the Urge How to Defeat the Urge How to Defeat the Urge", True),
    (" ".join(["Lorem ipsum dolor sit amet, consetetur sadipscing elitr, sed diam nonumy eirmod tempor invidunt "
               "ut labore et dolore magna aliquyam erat, sed diam voluptua."] * 3), False),  # a paragraph, not a headline, however repetitive
    ("", False),
])
def test_is_doubled(line, doubled):
    assert is_doubled(line) is doubled


# --- credits printed alone between paragraphs; lists under the article's own lead-in ------------------

def test_credits_printed_alone_between_paragraphs_do_not_turn_paragraphs_into_captions():
    photographers = iter(["Mark Stout", "Ana Ruiz", "Tom Hale", "Lee Park"])
    lines = []
    for i, para in enumerate(ARTICLE_PART + LATER_PART):
        lines.append(para)
        if i % 2 == 0:
            lines.append(f"{next(photographers)}/iStock/Getty Images")
    text = _menu(12) + "\n\n" + "\n\n".join(lines) + "\n\n" + _menu(12)
    page = read_text_page(text)
    assert page.body.split("\n\n") == ARTICLE_PART + LATER_PART
    assert page.captions == []


def test_a_caption_line_over_its_credit_is_still_a_caption():
    caption = "Ferry crews gather at the terminal on Sunday before the vote on the new shift pattern."
    text = (_menu(12) + "\n\n" + "\n\n".join(ARTICLE_PART[:2] + [caption, "Oskar Lind/Getty Images"]
                                             + ARTICLE_PART[2:]) + "\n\n" + _menu(12))
    page = read_text_page(text)
    assert [c.caption for c in page.captions] == [caption]
    assert page.body.split("\n\n") == ARTICLE_PART


def test_short_list_under_the_articles_lead_in_is_kept_and_a_menu_is_not():
    ranking = ["1. Finland", "2. Norway", "3. Australia", "4. Canada", "5. Germany", "6. France"]
    lead_in = "The overall rankings of the countries were as follows:"
    text = (_menu(12) + "\n\n" + "\n\n".join(ARTICLE_PART[:2] + [lead_in] + ranking + ARTICLE_PART[2:])
            + "\n\n" + _menu(12))
    body = read_text_page(text).body.split("\n\n")
    assert body == ARTICLE_PART[:2] + [lead_in] + [r.split(". ", 1)[1] for r in ranking] + ARTICLE_PART[2:]
    assert "Section 1" not in body  # the menus around the article (no lead-in) are still dropped


# --- comment threads: each entry headed by a dated line -----------------------------------------------

COMMENTS = [
    ("Sallie Goetsch · March 10, 2017 at 12:20 AM",
     "If there were really no demand for developers I would not be so busy, but there may not be that much "
     "demand for the kind of work that pays well in this market, and that is what worries me most."),
    ("Rarst · March 10, 2017 at 1:26 AM",
     "One nuance of the number might be that many people who call themselves developers here are in fact "
     "site builders, which is a fine job but a different one from the one the survey asked about."),
    ("Barry Kooij · March 10, 2017 at 2:56 AM",
     "I feel like you are completely right on this one, and the market has many self-declared developers "
     "who actually do not write much code at all, which makes hiring the right person very hard."),
    ("Ammon · March 11, 2017 at 8:41 PM",
     "Installation, light customization and small tweaks are not development in the sense the report "
     "means, and clients should be told so before they sign a contract for a larger project with anyone."),
]


def test_comment_thread_after_the_article_is_not_joined_to_it():
    thread = ["There are 4 comments"]
    for header, comment in COMMENTS:
        thread += [header, comment, "* Reply"]
    text = _menu(12) + "\n\n" + "\n\n".join(ARTICLE_PART + thread) + "\n\n" + _menu(12)
    assert read_text_page(text).body.split("\n\n") == ARTICLE_PART


def test_citation_fragments_with_dates_are_not_entry_stamps():
    refs = ["on 2015-04-02.", ". Variety . Retrieved 6 May 2014 .", ". Empire . Retrieved 2018-07-09 ."]
    text = "\n\n".join(ARTICLE_PART[:2] + refs + ARTICLE_PART[2:])
    body = read_text_page(text).body
    assert ARTICLE_PART[0] in body and ARTICLE_PART[-1] in body


# --- long signed paragraphs are not captions ----------------------------------------------------------

SIGNED = ("The film wanders in every direction at once, but it has the merit of defending a cinema that takes "
          "risks. Its director has never made anything quite like it. The result is uneven and often very "
          "funny, and the cast seems to enjoy every minute of it. It opens in forty cinemas on Wednesday. "
          "(Jeanne Martin)")


def test_a_long_paragraph_signed_by_its_writer_is_body_not_a_caption():
    text = _menu(12) + "\n\n" + "\n\n".join(ARTICLE_PART[:2] + [SIGNED] + ARTICLE_PART[2:]) + "\n\n" + _menu(12)
    page = read_text_page(text)
    assert SIGNED in page.body.split("\n\n")
    assert page.captions == []


def test_a_long_caption_with_a_photo_credit_is_still_a_caption():
    caption = SIGNED.replace("(Jeanne Martin)", "(Photo: Jeanne Martin)")
    text = _menu(12) + "\n\n" + "\n\n".join(ARTICLE_PART[:2] + [caption] + ARTICLE_PART[2:]) + "\n\n" + _menu(12)
    page = read_text_page(text)
    assert [c.credit for c in page.captions] == ["Photo: Jeanne Martin"]
    assert page.body.split("\n\n") == ARTICLE_PART


def test_a_long_paragraph_over_a_bare_credit_is_body_not_that_images_caption():
    long_para = ("In 2024, the consultancy recorded a forty percent rise in demand for homes in the region from "
                 "buyers of many nationalities. Buyers from the coast were among the most active. The firm says "
                 "the trend will continue as prices elsewhere rise. It plans to open two more offices next year.")
    text = (_menu(12) + "\n\n" + "\n\n".join(ARTICLE_PART[:2] + [long_para, "Credits: Supplied Image;"]
                                             + ARTICLE_PART[2:]) + "\n\n" + _menu(12))
    page = read_text_page(text)
    assert page.body.split("\n\n") == ARTICLE_PART[:2] + [long_para] + ARTICLE_PART[2:]
    assert page.captions == []


# --- a deep block of furniture splits the article from what lies past it ------------------------------

def test_comments_past_a_long_comment_form_are_not_joined_to_the_article():
    article = [f"Paragraph {i} of the long report explains, at some length and with figures, how the agency "
               f"collects what people post and who may see it." for i in range(30)]
    form = (["Leave a comment", "Privacy policy", "Log in to comment", "Subscribe to new comments"]
            + [f"Form field number {i}" for i in range(22)])
    comments = []
    for name in ["Lars", "Ana", "Tomas", "Ines", "Kofi"]:
        comments += [f"{name} wrote",
                     f"{name} thinks one valuable reform would be to require, under a real penalty, that anyone who "
                     "searches your information must tell you that they did so, what they found, what they did "
                     "with it, and who else they passed it on to, so that people can challenge decisions."]
    text = _menu(12) + "\n\n" + "\n\n".join(article + form + comments) + "\n\n" + _menu(12)
    assert read_text_page(text).body.split("\n\n") == article



def test_list_under_a_lead_in_just_after_an_ad_slot_is_kept():
    lead_in = "In a wide-ranging interview, the president also said:"
    items = ["* The country must stay in the union to have influence on the world stage",
             "* He is confident the trade deal will be passed by the assembly",
             "* The war needs a political solution in order to end"]
    text = (_menu(12) + "\n\n" + "\n\n".join(ARTICLE_PART[:2] + ["Advertisement", lead_in] + items
                                             + ARTICLE_PART[2:]) + "\n\n" + _menu(12))
    body = read_text_page(text).body.split("\n\n")
    assert body == ARTICLE_PART[:2] + [lead_in] + [item[2:] for item in items] + ARTICLE_PART[2:]


def test_a_labelled_media_caption_is_a_caption_not_body():
    text = (_menu(12) + "\n\n" + "\n\n".join(ARTICLE_PART[:2] + ["Media caption The minister told reporters the "
                                                                  "talks had stalled"] + ARTICLE_PART[2:])
            + "\n\n" + _menu(12))
    page = read_text_page(text)
    assert page.body.split("\n\n") == ARTICLE_PART
    assert [c.caption for c in page.captions] == ["The minister told reporters the talks had stalled"]


def test_teaser_summaries_cut_short_with_a_read_more_link_are_dropped():
    teasers = ["Ever come home from a day of shopping and wondered why on earth you bought certain items? "
               "As it… Read more Read more",
               "It seems contradictory, but I love being frugal and I also love spending money. Over the last "
               "few... Read more"]
    text = _menu(12) + "\n\n" + "\n\n".join(ARTICLE_PART + teasers + LATER_PART[:1]) + "\n\n" + _menu(12)
    body = read_text_page(text).body
    assert "Read more" not in body and ARTICLE_PART[-1] in body


@pytest.mark.parametrize("line, furniture", [
    ("Ever come home from shopping and wondered why you bought certain items? As it… Read more Read more", True),
    ("Over the last few... Continue reading", True),
    ("She said she wanted people to read more... and then she left the stage to loud applause.", False),
])
def test_truncated_teaser_summary_is_furniture(line, furniture):
    assert is_furniture_text(line, len(line.split())) is furniture


@pytest.mark.parametrize("line", [
    "Labels: Google Play, Android Developer, Featured", "In this article: consoles, gaming, review",
    "Newer Post Older Post Home", "Links to this post", "Comments (3 posted)",
    "This website and all documents on it are licensed under a Creative Commons Attribution-Share Alike License.",
    "#1 Minister asks rival over chant #2 EDITORIAL | Why punishment goes on #3 Budget: what did we learn?",
])
def test_blog_furniture_vocabulary(line):
    assert is_furniture_text(line, len(line.split()))


def test_posted_by_line_under_the_post_is_not_body():
    text = (_menu(12) + "\n\n" + "\n\n".join(ARTICLE_PART + ["Posted by Jane Roe at 12:55 AM"]) + "\n\n"
            + _menu(12))
    assert read_text_page(text).body.split("\n\n") == ARTICLE_PART


def test_a_three_line_ad_slot_does_not_cut_off_the_articles_last_paragraphs():
    slot = ["Advertisement 5", "Story continues below",
            "This advertisement has not loaded yet, but your article continues below."]
    ending = ["How did the council vote on the plan?",
              "It was not eligible to vote, but its members were politically minded even so, and they argued "
              "for the plan in every meeting that year."]
    after = ["Recommended from Editorial", "1. A story about something else entirely that readers liked",
             "2. Another story about something else that many readers shared"]
    text = _menu(12) + "\n\n" + "\n\n".join(ARTICLE_PART + slot + ending + after) + "\n\n" + _menu(12)
    assert read_text_page(text).body.split("\n\n") == ARTICLE_PART + ending


def test_a_ranking_mentioned_in_a_sentence_is_not_a_flattened_list():
    line = "The team was the #1 seed last year and hopes to be #1 again, its coach said on Monday."
    assert not is_furniture_text(line, len(line.split()))


def test_cards_of_doubled_headline_summary_and_author_after_the_article_are_not_bridged_into_it():
    heads = ["The Primary Debate Was a Tedious Mess", "Can a European Law Inspire Regulation Here?",
             "Lawyers Argue That Their Client Is Above the Law", "The Speaker and the Art of the Deal",
             "Democrats and the Left: A Mutual Dependency"]
    cards = ["More from the Magazine"]
    for i, head in enumerate(heads):
        cards += [f"{head} {head}",
                  f"Summary {i} says the two rivals clearly despise each other, and that neither emerged as second.",
                  ["Joan Walsh", "Chris Lehmann", "Michael Kazin"][i % 3]]
    text = _menu(12) + "\n\n" + "\n\n".join(ARTICLE_PART + LATER_PART + cards) + "\n\n" + _menu(12)
    assert read_text_page(text).body.split("\n\n") == ARTICLE_PART + LATER_PART


def test_shop_buttons_in_a_product_roundup_are_dropped_and_the_roundup_goes_on():
    picks = []
    for i, para in enumerate(ARTICLE_PART + LATER_PART):
        picks.append(para)
        if i % 2 == 1:
            picks += [f"${100 + i} at REI", f"${110 + i} at Amazon (Regular)"]
    text = _menu(12) + "\n\n" + "\n\n".join(picks) + "\n\n" + _menu(12)
    assert read_text_page(text).body.split("\n\n") == ARTICLE_PART + LATER_PART


def test_a_box_of_lines_cut_short_is_dropped_but_sentences_trailing_off_are_kept():
    box = ["21 tattoos that aged remarkably well…", "Here is what plus-size clothes look like on…",
           "34 reasons never to visit the coast in…"]
    trailing = ["And as for the money he had been promised…", "But all the rest of it…"]
    summaries = ["I am asking this as someone who has gotten three certifications this year and I am working on an...",
                 "Today in history: the astronomer discovers the first three moons of the planet in the year Tr...",
                 "Welcome to the daily edition, your dose of security and tech news, in brief, with a mix of othe..."]
    text = (_menu(12) + "\n\n" + "\n\n".join(ARTICLE_PART[:1] + trailing + ARTICLE_PART[1:] + box + LATER_PART
                                             + summaries) + "\n\n" + _menu(12))
    body = read_text_page(text).body.split("\n\n")
    assert set(trailing) <= set(body)
    assert not set(box + summaries) & set(body)


# --- the substring prefilter in front of the long furniture alternations -----------------------------------
def _pattern_words(pattern: str) -> list[str]:
    """Words and word pieces that the pattern's source spells out, to build lines that come near a match."""
    return sorted(set(re.findall(r"[a-z©@]+", pattern.replace("\\b", " ").replace("\\s", " ").replace("\\d", " "))))


def _prefiltered_patterns():
    from etl.parse import text_lines

    return [v for v in vars(text_lines).values() if isinstance(v, text_lines._Prefiltered)]


def test_prefilters_agree_with_their_patterns_on_real_lines(repo_root):
    lines = []
    for path in list((repo_root / "seeds").rglob("*.txt")) + list((repo_root / "tests" / "fixtures").rglob("*.txt")):
        lines += path.read_text(encoding="utf-8", errors="replace").splitlines()
    assert len(lines) > 200
    for pre in _prefiltered_patterns():
        matched = 0
        for line in lines:
            found = bool(pre.search(line))
            assert found == bool(pre.pattern.search(line)), (pre.pattern.pattern[:40], line)
            matched += found
        assert matched >= 2  # the fixtures hold furniture of both kinds, so the check is not vacuous


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_prefilters_agree_with_their_patterns_on_generated_lines(data):
    for pre in _prefiltered_patterns():
        vocab = _pattern_words(pre.pattern.pattern) + ["the", "our", "news", "A", "x", "2024", ".", ":", "(c)"]
        words = data.draw(st.lists(st.sampled_from(vocab), max_size=12))
        seps = data.draw(st.lists(st.sampled_from([" ", "  ", "", "\t", "-"]), min_size=len(words), max_size=len(words)))
        line = "".join(w + s for w, s in zip(words, seps))
        line = data.draw(st.sampled_from([line, line.upper(), line.title()]))
        assert bool(pre.search(line)) == bool(pre.pattern.search(line)), (pre.pattern.pattern[:40], line)


GALLERY = ["1 of 2 |", "Workers empty the department's offices on Friday. (AP Photo/Dev Ramsay)", "Read More",
           "2 of 2 |", "Desks stacked in a corridor of the old building, May 3, 2025. (AP Photo/Dev Ramsay)",
           "Read More"]
GALLERY_CAPTIONS = ["Workers empty the department's offices on Friday.",
                    "Desks stacked in a corridor of the old building, May 3, 2025."]


def test_credited_gallery_between_headline_and_story_is_the_articles():
    # a long gallery: the story starts far below the headline, out of the reader's headline window
    captions = [f"Picture {n}: workers carry desk number {n} out of the department's old offices on Friday."
                for n in range(1, 31)]
    gallery = [line for n, c in enumerate(captions, 1)
               for line in (f"{n} of 30 |", f"{c} (AP Photo/Dev Ramsay)", "Read More")]
    share = ["Share", "Copy", "Link copied", "Email", "Facebook", "Print"]
    text = "\n\n".join([_menu(10), "Politics", "Department gives up four floors of its offices", *gallery, *share,
                         "By MARA QUIST", *share, *ARTICLE_PART, _menu(10)])
    page = read_text_page(text)
    assert [c.caption for c in page.captions] == captions
    assert page.captions[1].photographer == "Dev Ramsay" and page.captions[1].agency == "AP"
    assert page.body.split("\n\n") == ARTICLE_PART


def test_captions_above_the_story_are_searched_only_up_to_other_prose():
    from etl.parse.text import _lead_media_captions
    from etl.parse.text_lines import classify, split_lines
    from etl.model.records import Caption

    other_story = ("An earlier story on the same page, a teaser printed in full, says the harbour dredging "
                   "will take the whole summer and cost more than planned.")
    lines = split_lines("\n\n".join(["A lorry waits at the closed border crossing. (AP Photo/Ruth Pell)", other_story,
                                      *GALLERY, "A view of the empty fourth floor of the building on Monday"]))
    for line in lines:
        classify(line)
    assert [c.caption for c in _lead_media_captions(lines, len(lines), [])] == GALLERY_CAPTIONS  # uncredited: no
    already = [Caption(caption=GALLERY_CAPTIONS[1])]
    assert [c.caption for c in _lead_media_captions(lines, len(lines), already)] == GALLERY_CAPTIONS[:1]


def _slides_text(total: int, shown: int | None = None) -> str:
    return "\n\n".join(
        f"* {n}/{total} Boats at dawn number {n}\n\nFishing boat {n} leaves the old harbour before sunrise as gulls "
        f"follow it out to sea, past the lighthouse and the breakwater the storm damaged.\n\nGETTY IMAGES"
        for n in range(1, (shown or total) + 1))


def test_gallery_slides_in_a_page_dump_are_not_body():
    text = (_menu(15) + "\n\n" + "\n\n".join(ARTICLE_PART) + "\n\n" + _slides_text(30) + "\n\n"
            + "\n\n".join(LATER_PART) + "\n\n" + _menu(15))
    page = read_text_page(text)
    assert "Fishing boat" not in page.body and "GETTY" not in page.body and "/30" not in page.body
    assert page.body.split("\n\n")[:4] == ARTICLE_PART


def test_gallery_slides_inside_the_article_become_credited_captions():
    text = (_menu(15) + "\n\n" + "\n\n".join(ARTICLE_PART) + "\n\n" + _slides_text(12, shown=3) + "\n\n"
            + "\n\n".join(LATER_PART) + "\n\n" + _menu(15))
    page = read_text_page(text)
    assert page.body.split("\n\n") == ARTICLE_PART + LATER_PART
    slides = [c for c in page.captions if c.caption.startswith("Boats at dawn")]
    assert len(slides) == 3
    assert slides[0].caption.startswith("Boats at dawn number 1. Fishing boat 1 leaves")
    assert slides[0].credit == "GETTY IMAGES"


def test_fractions_and_dates_opening_lines_are_not_slide_counters():
    lines = ["1/3 of the town's households now rely on the ferry, the council said in its annual report.",
             "2/3 of them say the crossing is too expensive for a daily commute to the mainland offices.",
             "12/05/2024 was the day the new timetable started, and the first ferry left at seven sharp.",
             "3/3 is how the harbour master rated the new boats, though he did not explain his scale."]
    text = _menu(15) + "\n\n" + "\n\n".join(ARTICLE_PART[:2] + lines[:3]) + "\n\n" + _menu(15)
    assert all(line in read_text_page(text).body for line in lines[:3])


def test_repeated_label_and_headline_lines_are_not_body_but_interview_lines_are():
    links = [f"FUNDA OLUNYE UDABA LAPHA | Abahlanu {n} baboshiwe eMgungundlovu" for n in range(1, 4)]
    interview = ["Q: Why did the council wait so long to repair the quay?",
                 "A: We had no money until the port authority paid its share, the mayor said.",
                 "Q: When will the work be finished?",
                 "A: By the end of the summer, if the weather holds."]
    parts = ARTICLE_PART[:2] + [links[0]] + interview[:2] + [links[1]] + interview[2:] + ARTICLE_PART[2:] + [links[2]]
    text = _menu(15) + "\n\n" + "\n\n".join(parts) + "\n\n" + _menu(15)
    body = read_text_page(text).body
    assert "FUNDA OLUNYE" not in body
    assert all(line in body for line in interview)
    assert all(p in body for p in ARTICLE_PART)


def test_embedded_post_signature_and_its_text_are_not_body():
    post = ["Huge crowd at the quay tonight, the whole town came out pic.twitter.com/abc123",
            "— Jane Roe 🇬🇧 (@janeroe) July 18, 2026"]
    parts = ARTICLE_PART[:2] + post + ARTICLE_PART[2:]
    text = _menu(15) + "\n\n" + "\n\n".join(parts) + "\n\n" + _menu(15)
    assert read_text_page(text).body.split("\n\n") == ARTICLE_PART


def test_a_dash_line_naming_a_handle_without_a_date_is_no_post_signature():
    parts = ARTICLE_PART[:2] + ["— the council's account (@quaycouncil) posted the vote result within minutes."] \
        + ARTICLE_PART[2:]
    text = _menu(15) + "\n\n" + "\n\n".join(parts) + "\n\n" + _menu(15)
    assert "posted the vote result" in read_text_page(text).body


def test_long_comment_thread_past_a_related_box_is_cut_at_its_heading():
    share = ["Share this:"] + [f"* Click to share on Site{n} (Opens in new window)" for n in range(6)] + ["Like this:"]
    related = ["Related"]
    for n in range(1, 4):
        related += [f"Other story number {n} about the harbour and its future plans",
                    f"A summary of other story {n}, which the site links below the article for its readers to find "
                    "more.", f"March {n}, 2016", 'In "News"']
    comments = ["Posted in News", "Tagged jobs , harbour", "There are 9 comments"]
    for n in range(1, 10):
        comments += [f"Reader {n} · March 10, 2017 at {n}:20 AM",
                     f"Comment {n}: I have lived by the harbour for thirty years and the council has never once asked "
                     "the people who work there what they need, which is why plans like this keep failing us, and "
                     "why the fishing families have stopped going to the meetings at the town hall on Tuesdays.",
                     "* Reply"]
    text = _menu(12) + "\n\n" + "\n\n".join(ARTICLE_PART + share + related + comments) + "\n\n" + _menu(12)
    body = read_text_page(text).body
    assert "Comment 1:" not in body and "Comment 9:" not in body
    assert body.split("\n\n")[:4] == ARTICLE_PART


def test_a_comment_count_above_the_story_does_not_cut_it():
    text = _menu(12) + "\n\n" + "\n\n".join(["12 comments"] + ARTICLE_PART + LATER_PART) + "\n\n" + _menu(12)
    assert read_text_page(text).body.split("\n\n") == ARTICLE_PART + LATER_PART


def test_headline_is_the_line_above_the_story_that_tells_it_not_the_menu_above_it():
    header = ["Click to expand the Mega Menu", "Create an account or sign in to continue reading",
              "Click to expand the Mega Menu", "Create an account or sign in to continue reading",
              "Home › News › Department gave up floors of its office space",
              "Department gave up floors of its office space"]
    text = "\n\n".join(header + ARTICLE_PART + LATER_PART) + "\n\n" + _menu(12)
    page = read_text_page(text)
    assert page.title == "Department gave up floors of its office space"
    assert "Home › News" not in page.body  # the breadcrumb ending in the headline is not body
    assert page.body.split("\n\n")[:4] == ARTICLE_PART


def test_a_fact_check_keeps_the_credit_line_under_each_quotation():
    paragraphs = ["Fact checking the debate", "Not every statement could be easily checked, but here are some "
                  "claims culled from a longer list that we checked with a colleague after the debate.",
                  '"Most of the big banks pay next to nothing in tax."', "- Sanders.",
                  "This is a complex issue, because companies generally do not disclose their tax liabilities "
                  "and the figures the senator cited are several years old.",
                  '"I warned the lenders long before the housing market fell."', "- Hillary Clinton.",
                  "Clinton tends to overstate the significance of her visit to Wall Street some months before "
                  "the crash, as a video obtained by reporters shows.",
                  '"We are not going to raise taxes on the middle class."', "- Bernie Sanders.",
                  "The senator has said this many times, and his plan does raise some taxes on most households."]
    page = read_text_page("\n\n".join(paragraphs))
    for credit in ("- Sanders.", "- Hillary Clinton.", "- Bernie Sanders."):
        assert credit in page.body.split("\n\n")
    # a dash line under prose is still a list item to weigh, not a credit
    from etl.parse.text import _credits_quote
    from etl.parse.text_lines import split_lines
    prose, credit = split_lines("Sanders spoke at length about taxes on Monday.\n\n- Sanders.")
    assert not _credits_quote(prose, credit)
