"""A page whose script draws the story: the story is read from the page's data, and only then."""
import json

from etl.parse.html import read_html_page

PARAS = ("<p>The council voted on Tuesday to keep the old market hall open for another ten years, after a long "
         "campaign by traders and neighbours who said the building was part of the town's character.</p>"
         "<div class=\"img-box\"><img src=\"https://cdn.example.org/hall.jpg\"><div class=\"caption\"><p>Traders "
         "outside the hall on Tuesday. Photo: Jane Doe</p></div></div>"
         "<p>Work on the roof will start in the spring and is expected to last until the autumn, the mayor said, "
         "and the hall will stay open while the builders are at work on it, with the stalls moved inside.</p>"
         "<p>The traders plan a party in the summer to thank the people who signed the petition.</p>")


def _state(html: str) -> str:
    # how script frameworks ship a page's data: a JSON object inside a script, "<" written as \u003c
    blob = json.dumps({"article": {"title": "Market hall stays", "contentHtml": html}}).replace("<", "\\u003c")
    return f"<script>window.__STATE__ = {blob};</script>"


def test_story_drawn_by_script_is_read_from_the_page_data():
    page = (f"<html><head><title>Market hall stays</title></head><body><div id='root'><header><h1>Market hall "
            f"stays</h1></header></div>{_state(PARAS)}</body></html>")
    p = read_html_page(page, url="https://news.example.org/a/1")
    assert "keep the old market hall open" in p.body and "party in the summer" in p.body
    assert "Traders outside the hall" not in p.body
    assert [(c.caption, c.credit) for c in p.captions] == [("Traders outside the hall on Tuesday.", "Jane Doe")]


def test_page_that_shows_its_story_is_not_read_from_its_data():
    other = PARAS.replace("market hall", "swimming pool").replace("council", "school board")
    page = (f"<html><head><title>Market hall stays</title></head><body><article><h1>Market hall stays</h1>"
            f"{PARAS}</article>{_state(other * 3)}</body></html>")
    p = read_html_page(page, url="https://news.example.org/a/1")
    assert "keep the old market hall open" in p.body
    assert "swimming pool" not in p.body
