"""Article metadata beyond headline and authors: source, section, description, keywords,
modified_at and the precision of published_at, from HTML metadata and text dumps' header lines."""
from datetime import date, datetime, timezone

import pytest

from conftest import ROOT
from etl.model.records import SourceDocument
from etl.parse.article import apply_metadata, build_article
from etl.parse.html import read_html_page
from etl.parse.meta_fields import clean_keywords, has_time_of_day, registered_domain
from etl.parse.text import read_text_page
from etl.parse.text_meta import breadcrumb_section, byline_organisation, line_dates

BODY = "<p>" + " ".join(["The council met on Thursday and voted on the plan for the harbour bridge."] * 6) + "</p>"


def _page(head: str, body: str = BODY) -> str:
    return f"<html><head>{head}</head><body><article><h1>Bridge vote</h1>{body}</article></body></html>"


def test_html_metadata_fields_from_opengraph_and_meta():
    page = read_html_page(_page(
        '<meta property="og:site_name" content="Harbour Gazette">'
        '<meta property="article:section" content="Local">'
        '<meta name="description" content="Councillors back the repair plan.">'
        '<meta name="keywords" content="bridge, council, Bridge, ,transport">'
        '<meta property="article:published_time" content="2025-12-04T09:30:00+01:00">'
        '<meta property="article:modified_time" content="2025-12-04T18:15:00Z">'))
    assert page.source == "Harbour Gazette"
    assert page.section == "Local"
    assert page.description == "Councillors back the repair plan."
    assert page.keywords == ["bridge", "council", "transport"]
    assert page.published_at == datetime(2025, 12, 4, 8, 30, tzinfo=timezone.utc)
    assert page.published_precision == "time"
    assert page.modified_at == datetime(2025, 12, 4, 18, 15, tzinfo=timezone.utc)


def test_html_metadata_from_json_ld():
    ld = ('{"@context":"https://schema.org","@type":"NewsArticle","headline":"Bridge vote",'
          '"datePublished":"2025-12-04","dateModified":"2025-12-05T07:00:00Z",'
          '"articleSection":["Transport","News"],"keywords":["Kelby","8f507083-bac4-423a-9015-2eb31e1bce50",'
          '"Page Type: Article","bridges"],"description":"The repair plan passed.",'
          '"publisher":{"@type":"Organization","name":"National Gazette"}}')
    page = read_html_page(_page(f'<meta property="og:site_name" content="nationalgazette">'
                                f'<script type="application/ld+json">{ld}</script>'))
    assert page.source == "National Gazette"  # a slug loses to the publisher's proper name
    assert page.section == "Transport"
    assert page.keywords == ["Kelby", "bridges"]  # ids and "Label: value" bookkeeping dropped
    assert page.description == "The repair plan passed."
    assert page.published_at == datetime(2025, 12, 4, tzinfo=timezone.utc)
    assert page.published_precision == "day"
    assert page.modified_at == datetime(2025, 12, 5, 7, tzinfo=timezone.utc)


def test_html_breadcrumb_names_the_section_when_nothing_else_does():
    crumbs = ('{"@context":"https://schema.org","@type":"BreadcrumbList","itemListElement":['
              '{"@type":"ListItem","position":1,"name":"Home"},{"@type":"ListItem","position":2,"name":"News"},'
              '{"@type":"ListItem","position":3,"name":"Local"},{"@type":"ListItem","position":4,"name":"Bridge vote"}]}')
    page = read_html_page(_page(f'<script type="application/ld+json">{crumbs}</script>'))
    assert page.section == "News › Local"


def test_source_falls_back_to_the_registered_domain():
    doc = SourceDocument("mem", "html", _page(""), {"url": "https://www.news.kelby-gazette.co.uk/a/1"})
    art = build_article(doc)
    assert art.page.source == "kelby-gazette.co.uk"


@pytest.mark.parametrize("url,domain", [
    ("https://www.theguardian.com/world/x", "theguardian.com"),
    ("https://www.9news.com.au/world/x", "9news.com.au"),
    ("http://example.org", "example.org"),
    ("https://127.0.0.1/page", None), ("file:///tmp/x.html", None), (None, None), ("not a url", None),
])
def test_registered_domain(url, domain):
    assert registered_domain(url) == domain


def test_keywords_are_split_deduplicated_and_bounded():
    assert clean_keywords("a, b; c | A") == ["a", "b", "c"]
    assert clean_keywords([{"name": "Tag"}, "tag", 3, None]) == ["Tag"]
    assert len(clean_keywords([f"k{i}" for i in range(500)])) == 50
    assert clean_keywords(None) == []


def test_time_of_day_is_told_from_a_bare_date():
    assert has_time_of_day("2025-12-04T09:30") and has_time_of_day("6:15 PM") and has_time_of_day("9 am")
    assert not has_time_of_day("2025-12-04") and not has_time_of_day(date(2025, 12, 4))
    assert has_time_of_day(datetime(2025, 12, 4))


def test_updated_lines_give_the_modification_time_never_the_publication_time():
    pub, upd = line_dates("Updated 6:15 PM GMT, Thu December 4, 2025")
    assert pub == [] and upd == [(datetime(2025, 12, 4, 18, 15, tzinfo=timezone.utc), True)]
    pub, upd = line_dates("Published December 3, 2025 | Last updated 9:00 am GMT, December 4, 2025")
    assert pub == [(datetime(2025, 12, 3, tzinfo=timezone.utc), False)]
    assert upd == [(datetime(2025, 12, 4, 9, tzinfo=timezone.utc), True)]


@pytest.mark.parametrize("line,section", [
    ("News › Local › Transport", "News › Local › Transport"),
    ("Home » Sport", "Sport"),
    ("Home > News > World", "News › World"),
    ("Home › News › Council approves bridge repair plan", "News"),
    ("He said > she said", None),
    ("Prices rose 3 › 4 percent this week in the city", None),
])
def test_breadcrumb_sections(line, section):
    assert breadcrumb_section(line, "Council approves bridge repair plan") == section


@pytest.mark.parametrize("line,org", [
    ("Jonas Whitfield | Northfield Wire", "Northfield Wire"),
    ("By Jane Doe — Reuters", "Reuters"),
    ("Jane Doe - Senior Reporter", None),
    ("Jane Doe | Updated 5 min ago", None),
    ("The council voted | on Thursday", None),
])
def test_byline_organisations(line, org):
    assert byline_organisation(line) == org


def _seed(name: str) -> str:
    return next((ROOT / "seeds").rglob(name)).read_text(encoding="utf-8")


def test_text_dump_header_lines():
    bridge = read_text_page(_seed("001_harbour_bridge_vote.txt"))
    assert bridge.section == "News › Local › Transport"
    assert bridge.modified_at == datetime(2025, 12, 4, 18, 15, tzinfo=timezone.utc)
    assert bridge.published_at is None  # the page only says when it was updated
    frost = read_text_page(_seed("002_orchard_frost_losses.txt"))
    assert frost.source == "Northfield Wire"
    assert frost.authors == ["Jonas Whitfield"]
    assert frost.published_at == datetime(2025, 12, 5, tzinfo=timezone.utc)
    assert frost.published_precision == "day"


def test_container_fields_override_and_set_precision():
    page = read_text_page(_seed("002_orchard_frost_losses.txt"))
    doc = SourceDocument("mem", "text", "", {"published_at": "2025-12-05T06:00:00Z", "section": " Farming ",
                                            "keywords": "frost, apples", "modified_at": "2025-12-06"})
    page = apply_metadata(page, doc)
    assert page.published_at == datetime(2025, 12, 5, 6, tzinfo=timezone.utc) and page.published_precision == "time"
    assert page.section == "Farming" and page.keywords == ["frost", "apples"]
    assert page.modified_at == datetime(2025, 12, 6, tzinfo=timezone.utc)
    doc = SourceDocument("mem", "text", "", {"published_at": date(2025, 12, 5)})
    assert apply_metadata(read_text_page(_seed("002_orchard_frost_losses.txt")), doc).published_precision == "day"


def test_a_printed_breadcrumb_trail_names_the_section():
    trail = ('<nav aria-label="Breadcrumb"><ol><li><a href="/">Home</a></li><li><a href="/news">News</a></li>'
             '<li><a href="/news/local">Local</a></li><li>Bridge vote</li></ol></nav>')
    page = read_html_page(_page("", trail + BODY))
    assert page.section == "News › Local"
