"""Pages that hold no article become `no_article` rejects; short articles stay articles. Each kind of
page on a small hand-written page."""
import pytest

from etl.model.records import ArticleResult, Reject, SourceDocument
from etl.parse.article import build_article

PROSE = ("The council voted on Tuesday to keep the old market hall open for another ten years, after a long "
         "campaign by traders and neighbours who said the building was part of the town's character. ")


def build(html: str):
    return build_article(SourceDocument("file:///landing/p.html", "html", html))


def page(body: str, title: str = "Example News", head: str = "") -> str:
    return f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"


def headline_list(n: int, excerpt: str = "") -> str:
    items = "".join(f"<article><h3><a href='/story/{i}'>Story number {i} about the town council</a></h3>"
                    f"{excerpt}</article>" for i in range(n))
    return items


def assert_no_article(result, words: str):
    assert isinstance(result, Reject), result
    assert result.reason == "no_article"
    assert words in result.detail


def test_navigation_only_page():
    links = "".join(f"<li><a href='/s/{i}'>Section {i}</a></li>" for i in range(300))
    assert_no_article(build(page(f"<nav><ul>{links}</ul></nav>")), "text of its links")


def test_section_front_and_tag_page():
    assert_no_article(build(page(headline_list(12, "<p>A short teaser line.</p>"), "Politics")), "linked headlines")
    assert_no_article(build(page("<h1>Tag: council</h1>" + headline_list(8))), "linked headlines")


def test_search_results_page():
    body = "<h1>Search results for council</h1>" + headline_list(3, f"<p>{PROSE}</p>")
    assert_no_article(build(page(body, "Search results")), "search results")


def test_sign_in_page():
    form = ("<h1>Sign in</h1><form><input name='user'><input type='password' name='pw'>"
            "<button>Log in</button></form><p>Forgot your password? Reset it here.</p>")
    assert_no_article(build(page(form, "Sign in | Example News")), "sign-in")


def test_paywall_interstitial():
    wall = ("<h1>Market hall stays open</h1><p>Subscribe now to continue reading this article.</p>"
            "<p>Already a subscriber? Sign in.</p>")
    assert_no_article(build(page(wall)), "subscription wall")


def test_error_page():
    assert_no_article(build(page("<h1>Page not found</h1><p>Sorry, we could not find that page.</p>",
                                 "404 - Example News")), "error page")
    assert_no_article(build(page("<h1>Seite nicht gefunden</h1><p>Die Seite gibt es leider nicht.</p>")),
                      "error page")


@pytest.mark.parametrize("body", [
    # a news brief of one paragraph
    f"<h1>Market hall stays open</h1><p>{PROSE}</p>",
    # a story under a long list of other stories, which the publisher declares an article
    f"<h1>Market hall stays open</h1><p>{PROSE}</p>" + headline_list(20),
    # a story with many inline links
    "<h1>Market hall stays open</h1>" + "".join(
        f"<p>{PROSE}See <a href='/x/{i}'>the minutes</a> and <a href='/y/{i}'>the vote</a>.</p>" for i in range(4)),
])
def test_short_or_link_rich_articles_stay_articles(body):
    head = "<meta property='og:type' content='article'>"
    assert isinstance(build(page(body, head=head)), ArticleResult)


def test_subscription_words_in_a_real_story_are_not_a_wall():
    body = f"<h1>Newspaper raises prices</h1><p>{PROSE}</p><p>{PROSE}</p><p>Subscribers will pay more from May.</p>"
    assert isinstance(build(page(body)), ArticleResult)


def test_japanese_short_article_is_an_article():
    text = "市議会は火曜日、古い市場の建物をさらに十年間開いておくことを決めた。" * 6
    head = "<meta property='og:type' content='article'>"
    body = f"<h1>市場の建物は残る</h1><p>{text}</p>" + headline_list(10)
    assert isinstance(build(page(body, head=head)), ArticleResult)


def test_text_rendered_by_script_comes_from_the_stated_article_body():
    import json
    stated = PROSE * 3 + "\n" + PROSE.replace("council", "mayor") * 2
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Market hall stays open",
                     "articleBody": stated})
    html = page("<h1>Market hall stays open</h1><div id='app'></div><p>Loading…</p>",
                head=f"<script type='application/ld+json'>{ld}</script>")
    result = build(html)
    assert isinstance(result, ArticleResult)
    assert "the mayor voted" not in result.page.body  # words as stated, nothing invented
    assert result.page.body.split("\n\n")[0].startswith("The council voted on Tuesday")
    assert "The mayor voted on Tuesday" in result.page.body


def test_shown_text_wins_over_the_stated_body_when_the_page_shows_the_story():
    import json
    ld = json.dumps({"@type": "NewsArticle", "articleBody": "A different summary of the story."})
    html = page(f"<h1>Market hall stays open</h1><p>{PROSE}</p><p>{PROSE}</p>",
                head=f"<script type='application/ld+json'>{ld}</script>")
    assert "different summary" not in build(html).page.body
