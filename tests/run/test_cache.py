"""The article result cache: hits, misses, corrupt entries, version changes, crash-safe writes."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from etl.run import cache as cache_mod
from etl.run.cache import ArticleCache, document_key, open_cache
from etl.model.records import ArticleResult, Caption, Entity, Mention, ParsedPage, Quote, SourceDocument


def _doc(text: str = "Helen Varga said the bridge will close.", uri: str = "in/a.txt", meta=None) -> SourceDocument:
    return SourceDocument(uri, "text", text, meta or {}, raw_bytes=text.encode())


def _result(doc: SourceDocument) -> ArticleResult:
    page = ParsedPage(title="Bridge", body=doc.content, authors=["Mara Ellison"],
                      published_at=datetime(2025, 12, 4, 18, 15, tzinfo=timezone.utc),
                      captions=[Caption("The bridge.", credit="Priya N/Coastline", photographer="Priya N",
                                        agency="Coastline")], language="en")
    return ArticleResult(
        source=doc, page=page, article_id="a1", content_sha256="0" * 64,
        mentions=[Mention("body", 0, "Helen Varga", "PERSON", 0, 11, "e1")],
        entities=[Entity("e1", "Helen Varga", "PERSON", 1, "body", 0, title="Councillor")],
        quotes=[Quote("the bridge", 20, 30, speaker="Helen Varga", speaker_entity_key="e1", cue="said")])


def test_miss_then_hit_round_trips_every_field(tmp_path):
    c = ArticleCache(tmp_path, version="v1")
    doc = _doc()
    assert c.get(doc) is None and c.misses == 1
    c.put(doc, _result(doc))
    # Another path with the same content is the same article: its own source, the stored result.
    other = _doc(uri="elsewhere/b.txt")
    got = c.get(other)
    assert c.hits == 1
    assert got.source is other
    assert got.page == _result(doc).page
    assert got.mentions == _result(doc).mentions
    assert got.entities == _result(doc).entities
    assert got.quotes == _result(doc).quotes
    assert (got.article_id, got.content_sha256, got.nlp_skipped_reason) == ("a1", "0" * 64, None)


def test_content_or_metadata_change_misses(tmp_path):
    c = ArticleCache(tmp_path, version="v1")
    doc = _doc()
    c.put(doc, _result(doc))
    assert c.get(_doc(text=doc.content + " More.")) is None
    assert c.get(_doc(meta={"title": "Another title"})) is None
    assert document_key(doc) != document_key(_doc(meta={"title": "x"}))


def test_version_change_misses(tmp_path):
    doc = _doc()
    ArticleCache(tmp_path, version="v1").put(doc, _result(doc))
    assert ArticleCache(tmp_path, version="v2").get(doc) is None
    assert ArticleCache(tmp_path, version="v1").get(doc) is not None


def test_fingerprint_depends_on_model_and_code(tmp_path, monkeypatch):
    a = cache_mod.fingerprint((("en", "en_core_web_sm"),))
    assert a == cache_mod.fingerprint((("en", "en_core_web_sm"),))
    assert a != cache_mod.fingerprint((("en", "en_core_web_md"),))
    fake = tmp_path / "nlp"
    fake.mkdir()
    (fake / "x.py").write_text("A = 1\n")
    monkeypatch.setattr(cache_mod, "_PACKAGE_DIR", tmp_path)
    monkeypatch.setattr(cache_mod, "_result_sources", lambda: [fake / "x.py"])
    cache_mod.fingerprint.cache_clear()
    before = cache_mod.fingerprint((("en", "en_core_web_sm"),))
    (fake / "x.py").write_text("A = 2\n")
    cache_mod.fingerprint.cache_clear()
    assert cache_mod.fingerprint((("en", "en_core_web_sm"),)) != before
    cache_mod.fingerprint.cache_clear()


@pytest.mark.parametrize("damage", [
    lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),  # torn write
    lambda p: p.write_text("not json"),
    lambda p: p.write_text(json.dumps({"key": "other", "version": "v1", "result": {}})),
    lambda p: p.write_text(json.dumps({**json.loads(p.read_text()), "result": {"page": {}}})),
])
def test_corrupt_entry_is_a_miss_and_is_repaired(tmp_path, damage):
    c = ArticleCache(tmp_path, version="v1")
    doc = _doc()
    c.put(doc, _result(doc))
    entry = next(tmp_path.rglob("*.json"))
    damage(entry)
    assert c.get(doc) is None and c.errors == 1
    c.put(doc, _result(doc))  # the next run overwrites it
    assert c.get(doc) is not None


def test_write_is_atomic_and_leaves_no_temporary_files(tmp_path, monkeypatch):
    c = ArticleCache(tmp_path, version="v1")
    doc = _doc()
    c.put(doc, _result(doc))
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [f"{document_key(doc)}.json"]

    def fail(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(cache_mod.os, "replace", fail)
    doc2 = _doc(text="Another article entirely.")
    c.put(doc2, _result(doc2))  # must not raise
    assert c.get(doc2) is None
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_open_cache_location_and_switch(tmp_path, monkeypatch):
    staging = tmp_path / "wh" / "_staging" / "ingest_date=2025-12-01" / "run1"
    monkeypatch.delenv("NEWS_ETL_CACHE_DIR", raising=False)
    monkeypatch.setenv("NEWS_ETL_CACHE", "on")
    assert open_cache(staging).root == str(tmp_path / "wh" / "_cache")
    assert open_cache(tmp_path / "somewhere") is None
    monkeypatch.setenv("NEWS_ETL_CACHE_DIR", str(tmp_path / "c"))
    assert open_cache(staging).root == str(tmp_path / "c")
    monkeypatch.setenv("NEWS_ETL_CACHE", "off")
    assert open_cache(staging) is None
