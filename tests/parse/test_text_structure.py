"""Text dumps read by their structure (issue 23): the headline above the byline block, where the
article ends, and pages that hold no article. Each rule on a small hand-written dump, with a page
where it must not fire."""
import pytest

from etl.parse.page_kind import NotAnArticle
from etl.parse.text import read_text_page
from etl.parse.text_headline import headline_above_byline_block
from etl.parse.text_lines import classify, split_lines

STORY = (
    "The council voted on Tuesday to spend forty million pounds on the repair of the old harbour bridge, "
    "which has been closed to lorries since the spring.\n\n"
    "Engineers found that the deck's steel beams had corroded far faster than expected, and said the work "
    "could take most of next year to finish.\n\n"
    "Local traders welcomed the decision but asked for a temporary footbridge to keep customers coming to "
    "the harbour while the road is shut.\n\n"
)
STORY2 = (
    "Ferry operators said the closure would bring them more passengers, and promised extra sailings at "
    "the morning and evening peaks for as long as the bridge is shut.\n\n"
    "The last major repair, in the nineteen-eighties, kept the bridge closed for fourteen months and "
    "cost the town's shops a summer of trade, the chamber of commerce recalled.\n\n"
    "A public meeting on the timetable for the works will be held at the town hall next Thursday evening, "
    "and residents can send questions in advance.\n\n"
)
MENU = "".join(f"* {name}\n" for name in ("News", "Sport", "Business", "Culture", "Travel", "Weather",
                                           "Opinion", "Video", "Puzzles", "Podcasts"))
SHARE_BAR = "".join(f"* {name}\n" for name in ("Facebook", "Twitter", "Email", "WhatsApp", "Print",
                                                "Share", "Copy link", "Comments"))


# --- the headline stands above the byline block ---------------------------------------------------------

def test_headline_is_the_line_above_the_byline_block_past_a_share_bar_and_a_video_title():
    page = read_text_page(
        MENU + "\nCouncil approves harbour bridge repair plan\n"
        "Traders ask for a footbridge while the road is shut\n"
        "By Jane Roe\nPublished March 4, 2025\n" + SHARE_BAR +
        "Watch: the bridge from the air\n" + STORY)
    assert page.title == "Council approves harbour bridge repair plan"
    assert page.subtitle == "Traders ask for a footbridge while the road is shut"


def test_headline_without_a_byline_block_is_read_as_before():
    page = read_text_page(MENU + "\nCouncil approves harbour bridge repair plan\n\n" + STORY)
    assert page.title == "Council approves harbour bridge repair plan"


def test_line_above_the_byline_sharing_nothing_with_the_story_is_not_its_headline():
    # the author's role line over a byline: nothing of the story in it
    lines = split_lines(MENU + "\nSenior Deputy Content Hub Director Person\nBy Jane Roe\n"
                        "Published March 4, 2025\n" + STORY)
    for line in lines:
        classify(line)
    body_start = next(line.index for line in lines if line.kind == "prose")
    assert headline_above_byline_block(lines, body_start) is None
    lines[body_start - 3].text = "Council approves harbour bridge repair plan"
    assert headline_above_byline_block(lines, body_start) == (body_start - 3, None)


def test_kicker_over_the_headline_gives_way_to_the_headline():
    page = read_text_page(MENU + "\nOn your screens this week\nCouncil approves harbour bridge repair plan\n"
                          "By Jane Roe\n" + STORY)
    assert page.title == "Council approves harbour bridge repair plan"


def test_short_first_line_over_a_standfirst_sentence_is_the_headline():
    page = read_text_page(MENU + "\nHarbour bridge repair plan approved\n"
                          "The council will spend forty million pounds on the old bridge.\nBy Jane Roe\n" + STORY)
    assert page.title == "Harbour bridge repair plan approved"


def test_headline_printed_twice_in_a_row_is_the_headline_not_a_caption():
    headline = "Inside the Harbour Bridge Vote: How the Council Changed Its Mind"
    page = read_text_page(MENU + f"\n{headline}\n{headline}\nBy Jane Roe\nMarch 4, 2025\n" + STORY)
    assert page.title == headline
    assert headline not in [c.caption for c in page.captions]


def test_caption_printed_twice_around_its_image_stays_a_caption():
    caption = "The old harbour bridge seen from the north quay on Monday morning"
    page = read_text_page(MENU + "\nCouncil approves harbour bridge repair plan\nBy Jane Roe\n" + STORY
                          + f"{caption}\n{caption}\n\n" + STORY2)
    assert page.title == "Council approves harbour bridge repair plan"
    assert caption in [c.caption for c in page.captions]


def test_one_headline_with_a_colon_printed_three_times_is_not_a_list_of_labelled_links():
    headline = "Harbour bridge: council approves the repair plan"
    page = read_text_page(f"{headline}\n" + MENU + f"\n{headline}\nBy Jane Roe\nMarch 4, 2025\n" + STORY
                          + f"Most read\n* {headline}\n")
    assert page.title == headline


def test_three_different_labelled_headlines_are_links():
    links = "".join(f"READ MORE: {t}\n" for t in ("Ferry fares rise again", "New bus lanes for the centre",
                                                  "Harbour festival is back in June"))
    page = read_text_page(MENU + "\nCouncil approves harbour bridge repair plan\nBy Jane Roe\n" + STORY + links
                          + STORY2)
    assert "Ferry fares rise again" not in page.body


# --- where the article ends ----------------------------------------------------------------------------

TEASERS = "".join(f"{t}\n" for t in (
    "Council to review parking charges across the town centre next month",
    "Harbour festival returns in June with a bigger programme of music",
    "Rail operator apologises for weekend of cancelled services on the coast"))
TEASER_PROSE = ("Our newsletter brings you the week's best stories from the coast and the valley every Friday "
                "morning, with puzzles and the weather.\n\n")


def test_article_ends_at_its_topic_list_heading():
    page = read_text_page(MENU + "\nCouncil approves harbour bridge repair plan\nBy Jane Roe\n" + STORY
                          + "TOPICS\nTransport\nLocal politics\n" + TEASER_PROSE + TEASERS)
    assert page.body.rstrip().endswith("while the road is shut.")


def test_topics_word_inside_the_story_does_not_end_it():
    page = read_text_page(MENU + "\nCouncil approves harbour bridge repair plan\nBy Jane Roe\n" + STORY
                          + "Topics discussed at the meeting included parking and the ferry timetable.\n\n"
                          + STORY2)
    assert "parking and the ferry timetable" in page.body
    assert page.body.rstrip().endswith("send questions in advance.")


def test_note_on_the_writer_is_the_articles_last_paragraph():
    page = read_text_page(MENU + "\nCouncil approves harbour bridge repair plan\nBy Jane Roe\n" + STORY
                          + "Jane Roe is a senior reporter for the Harbour Gazette.\n\n"
                          + "John Doe\n\nJohn Doe is the paper's transport editor.\n\n"
                          + TEASER_PROSE + TEASERS)
    assert page.body.rstrip().endswith("John Doe is the paper's transport editor.")
    assert "newsletter" not in page.body


def test_reporter_introduced_at_the_top_of_a_profile_does_not_end_it():
    page = read_text_page(MENU + "\nA life on the harbour beat\nBy Jane Roe\n"
                          "John Doe is a reporter who has covered the harbour for forty years.\n\n" + STORY)
    assert page.body.startswith("John Doe is a reporter")
    assert "while the road is shut." in page.body


# --- pages that hold no article ---------------------------------------------------------------------

def _reason(text):
    with pytest.raises(NotAnArticle) as err:
        read_text_page(text)
    return str(err.value)


HEADLINES = ["Council approves new budget for city parks after long debate",
             "Storm leaves thousands without power across the region",
             "Local team wins championship in overtime thriller",
             "New rail line opens to commuters on Monday morning",
             "School board votes to extend the academic year",
             "Hospital unveils expanded emergency department wing"]


def test_page_of_menu_items_is_navigation():
    assert "navigation" in _reason("Example News\n\n" + "\n".join(f"Section {i}" for i in range(300)))


def test_short_test_page_of_a_few_short_lines_is_an_article():
    assert read_text_page("Test Case 1\n\nTest Case 2\n").body == "Test Case 1\n\nTest Case 2"


def test_section_front_of_headlines_and_summaries_is_a_list_page():
    front = "Example News\n\nPolitics\n\n" + "".join(
        f"{t}\n\nA short summary tells readers what happened and why it matters to them today.\n\n"
        f"March {i + 1}, 2024\n\n" for i, t in enumerate(HEADLINES))
    assert "front, section or tag page" in _reason(front)


def test_article_with_subheadings_is_not_a_list_page():
    text = "Council approves harbour bridge repair plan\n\nBy Jane Roe\n\n" + "".join(
        f"{t}\n\n{STORY}" for t in HEADLINES)
    page = read_text_page(text)
    assert "The council voted on Tuesday" in page.body


def test_tag_page_is_a_list_page():
    tag = "Example News\n\nTag: housing\n\n" + "".join(f"{t}\n\nJane Roe · {i + 2} hours ago\n\n"
                                                      for i, t in enumerate(HEADLINES))
    assert "front, section or tag page" in _reason(tag)


def test_search_results_page():
    text = "Example News\n\nSearch results for \"budget\"\n\n" + "".join(f"{t}\n\n" for t in HEADLINES) + "Next\n"
    assert "search results" in _reason(text)


def test_error_page():
    assert "error page" in _reason("Example News\n\n404 - Page not found\n\nSorry, the page you are looking "
                                   "for does not exist or has been moved.\n\nGo to the home page\n")


def test_story_about_a_404_error_is_an_article():
    page = read_text_page("Why the council website showed 404 errors all week\n\nBy Jane Roe\n\n" + STORY + STORY2)
    assert "The council voted" in page.body


def test_sign_in_form():
    assert "sign-in" in _reason("Example News\n\nSign in to your account\n\nEmail address\n\nPassword\n\n"
                                "Forgot your password?\n\nSign in\n\nDon't have an account? Register now\n")


def test_article_with_a_sign_in_box_is_an_article():
    page = read_text_page("Council approves harbour bridge repair plan\n\nBy Jane Roe\n\n" + STORY
                          + "Sign in\n\nPassword\n\nForgot your password?\n\n" + STORY2)
    assert "The council voted" in page.body


def test_subscription_wall():
    assert "subscription wall" in _reason(
        "Example News\n\nCouncil approves new budget for city parks\n\nThis article is for subscribers only.\n\n"
        "Subscribe now to keep reading and get unlimited access to all our journalism for just $1 a week.\n\n"
        "Already a subscriber? Sign in\n")


def test_article_with_a_subscribe_box_is_an_article():
    page = read_text_page("Council approves harbour bridge repair plan\n\nBy Jane Roe\n\n" + STORY
                          + "Subscribe now to get unlimited access to all our journalism.\n\n")
    assert "The council voted" in page.body


# --- furniture and boxes inside the story's stretch ---------------------------------------------------

def test_long_paragraph_above_a_credit_is_a_paragraph_not_a_caption():
    long_paragraph = ("The ferry company said on Monday that it would add sailings " * 8).strip() + "."
    page = read_text_page(MENU + "\nCouncil approves harbour bridge repair plan\nBy Jane Roe\n" + STORY
                          + long_paragraph + "\nCredits: Supplied Image;\n" + STORY2)
    assert long_paragraph in page.body
    assert long_paragraph not in [c.caption for c in page.captions]


def test_short_line_above_a_credit_is_a_caption():
    page = read_text_page(MENU + "\nCouncil approves harbour bridge repair plan\nBy Jane Roe\n" + STORY
                          + "The bridge seen from the north quay\nPhoto: Jane Roe/Harbour Images\n" + STORY2)
    assert "The bridge seen from the north quay" in [c.caption for c in page.captions]


def test_teaser_list_closing_on_a_quoted_headline_is_cut():
    teasers = ("Ferry operator adds sailings for the summer season on the estuary\n"
               "Council publishes its plan for new bus lanes in the centre\n"
               'Harbour master on the repairs: "It is not about money, it is about time"\n')
    page = read_text_page(MENU + "\nCouncil approves harbour bridge repair plan\nBy Jane Roe\n" + STORY + STORY2
                          + teasers)
    assert "Ferry operator adds sailings" not in page.body


def test_story_ending_on_a_quotation_keeps_it():
    ending = 'The harbour master said: "We will be ready long before the summer season begins."\n'
    page = read_text_page(MENU + "\nCouncil approves harbour bridge repair plan\nBy Jane Roe\n" + STORY + STORY2
                          + ending)
    assert ending.strip() in page.body


def test_blurb_of_a_more_from_box_goes_with_its_links():
    box = ("More from the Harbour Gazette\n"
           "Here are more of our stories on the town's transport and the harbour.\n"
           "* Ferry operator adds sailings for the summer season on the estuary\n"
           "* Council publishes its plan for new bus lanes in the centre of town\n")
    page = read_text_page(MENU + "\nCouncil approves harbour bridge repair plan\nBy Jane Roe\n" + STORY + box + STORY2)
    assert "Here are more of our stories" not in page.body
    assert "Ferry operators said the closure" in page.body


def test_paragraph_under_a_section_heading_over_a_list_is_the_storys():
    section = ("Search and Navigation\n"
               "Fixed regressions related to the address bar and the loss of the last typed word.\n"
               "* The search panel now opens faster on older machines and laptops\n"
               "* Results from open tabs are shown first when they match well\n")
    page = read_text_page(MENU + "\nNightly news: what changed this month\nBy Jane Roe\n" + STORY + section + STORY2)
    assert "Fixed regressions related to the address bar" in page.body


def test_membership_appeal_ending_in_its_button_is_furniture():
    appeal = ("Wait! Before you go, ask yourself how likely it is that this story would have been told without "
              "us. We don't have ads, so we depend on our members to hold the powerful to account. Become a Member")
    page = read_text_page(MENU + "\nCouncil approves harbour bridge repair plan\nBy Jane Roe\n" + STORY + appeal
                          + "\n" + STORY2)
    assert "Wait! Before you go" not in page.body


def test_sentence_about_becoming_a_member_is_the_storys():
    line = "Residents who want to become a member of the bridge users' group can sign the list at the town hall."
    page = read_text_page(MENU + "\nCouncil approves harbour bridge repair plan\nBy Jane Roe\n" + STORY + line
                          + "\n" + STORY2)
    assert line in page.body


def test_opinion_disclaimer_is_furniture():
    disclaimer = ("Opinions expressed are solely those of the author and do not reflect the views of the editors "
                  "or publishers.")
    page = read_text_page(MENU + "\nCouncil approves harbour bridge repair plan\nBy Jane Roe\n" + disclaimer
                          + "\n" + STORY + STORY2)
    assert disclaimer not in page.body


def test_story_quoting_views_expressed_keeps_the_sentence():
    line = "The views expressed at the meeting were mostly in favour of the repair, the chairman said."
    page = read_text_page(MENU + "\nCouncil approves harbour bridge repair plan\nBy Jane Roe\n" + STORY + line
                          + "\n" + STORY2)
    assert line in page.body


# --- short lines that carry figures are the page's data, not a menu or a list of headlines -----------

def test_results_listing_of_short_lines_with_scores_is_an_article():
    teams = ["Detroit", "Kansas City", "Minnesota", "Milwaukee", "California", "New York", "Seattle",
             "Baltimore", "San Diego", "Chicago", "Houston", "Cincinnati", "Colorado", "Atlanta"]
    rows = "".join(f"{teams[i]} {i + 3} {teams[i + 1]} {i % 3}\n\n" for i in range(0, len(teams) - 1))
    page = read_text_page("BASEBALL - MAJOR LEAGUE RESULTS THURSDAY\n\nNEW YORK 1996-08-30\n\n"
                          "Results of games played on Thursday (home team first):\n\n" + rows)
    assert "Detroit 3 Kansas City 0" in page.body


def test_scorecard_rows_ending_in_their_value_are_an_article():
    batters = ["Jane Roe", "Ann Lee", "Mary Major", "Joan Stone", "Ruth Field", "Kate Hill", "Lucy Brook",
               "Emma Wood", "Rose Dale", "Ivy Lane", "Amy Marsh"]
    rows = "".join(f"{name} caught Smith bowled Jones {7 * i + 2}\n\n" for i, name in enumerate(batters))
    page = read_text_page("CRICKET - FINAL TEST SCOREBOARD\n\nLONDON 1996-08-30\n\nScoreboard on the first day:\n\n"
                          + rows + "Extras 12\n\nTotal 298\n")
    assert "Ruth Field caught Smith bowled Jones 30" in page.body


def test_front_of_headlines_with_a_number_each_is_still_a_list_page():
    front = "Example News\n\nPolitics\n\n" + "".join(
        f"{i + 3} takeaways: {t}\n\nJane Roe · {i + 2} hours ago\n\n" for i, t in enumerate(HEADLINES))
    assert "front, section or tag page" in _reason(front)


def test_team_list_run_over_lines_is_not_a_list_of_headlines():
    given, family = ["Ann", "Bob", "Cyd", "Dan", "Eve", "Fay", "Gus", "Hal"], ["Lee", "Day", "Fox", "Ng"]
    lines = [" , ".join(f"{g} {f}" for f in family) + " ," for g in given]  # "Ann Lee , Ann Day , ... ,"
    page = read_text_page("CRICKET - TEAMS FOR THE FINAL\n\nCOLOMBO 1996-08-30\n\nThe home side won the toss\n\n"
                          "Teams :\n\n" + "\n\n".join(lines) + "\n")
    assert "Cyd Fox" in page.body


def test_a_number_in_the_thousands_is_no_error_code():
    page = read_text_page("Austria and Scotland draw\n\nVIENNA 1996-08-31\n\nAustria and Scotland drew 0-0 in a World "
                          "Cup qualifier on Saturday.\n\nAttendance : 29,500\n")
    assert "drew 0-0" in page.body
    assert "error page" in _reason("Example News\n\nError 500\n\nSomething went wrong on our side.\n")
