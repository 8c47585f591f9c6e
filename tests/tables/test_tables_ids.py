"""Unit tests: the table registry is enforced, ids are deterministic."""
from datetime import datetime, timezone

import pytest

from etl import tables
from etl.model import schema
from etl.model.ids import article_id, normalize_url, stable_id
from etl.model.records import ArticleResult, Caption, Entity, Mention, ParsedPage, Quote, SourceDocument


def _result():
    page = ParsedPage(title="T", body="Ana Lopez spoke.\n\n\"Yes,\" she said.", authors=["A"],
                      published_at=datetime(2025, 1, 2, tzinfo=timezone.utc),
                      captions=[Caption("A bridge.", "Jo Doe / AP", "Jo Doe", "AP")])
    r = ArticleResult(SourceDocument("in/a.txt", "text", "x"), page, article_id="abc", content_sha256="0" * 64)
    r.entities = [Entity("PERSON:Ana Lopez", "Ana Lopez", "PERSON", 1, "body", 0)]
    r.mentions = [Mention("body", 0, "Ana Lopez", "PERSON", 0, 9, "PERSON:Ana Lopez")]
    r.quotes = [Quote("Yes,", 19, 23, "Ana Lopez", "she", "PERSON:Ana Lopez", "said")]
    return r


def test_rows_link_children_to_parents():
    rows = tables.article_rows([_result()])
    ent = rows["entities"][0]
    assert rows["entity_mentions"][0]["entity_id"] == ent["entity_id"]
    assert rows["quotes"][0]["speaker_entity_id"] == ent["entity_id"]
    assert rows["image_captions"][0]["caption_id"] == stable_id("abc", "caption", 0)
    for t, r in rows.items():
        arrow = tables.to_arrow(t, tables.frame(t, r))
        assert arrow.schema.equals(schema.TABLES[t].arrow_schema())
    assert rows == tables.article_rows([_result()])  # deterministic


def test_to_arrow_refuses_missing_extra_null_and_mistyped():
    rows = tables.article_rows([_result()])["articles"]
    df = tables.frame("articles", rows)
    with pytest.raises(ValueError, match="missing"):
        tables.to_arrow("articles", df.drop(columns=["body"]))
    with pytest.raises(ValueError, match="extra"):
        tables.to_arrow("articles", df.assign(bogus=1))
    with pytest.raises(ValueError, match="null"):
        tables.to_arrow("articles", df.assign(article_id=[None]))
    with pytest.raises(ValueError, match="word_count"):
        tables.to_arrow("articles", df.assign(word_count=["many"]))


def test_every_table_declares_key_and_meaning():
    for t in schema.TABLES.values():
        assert t.row_meaning and t.primary_key
        assert set(t.primary_key) <= set(t.column_names)
        assert all(c.description for c in t.columns)


def test_article_id_prefers_the_url_and_ignores_tracking():
    a = article_id("https://Example.com/a/b/?utm_source=x#top", "body one")
    assert a == article_id("https://example.com/a/b", "another body")
    assert article_id(None, "body one") == article_id(None, "body one") != article_id(None, "body two")
    assert normalize_url("javascript:alert(1)") is None
    assert normalize_url("/relative/path") is None
