"""Property-based: no exception escapes ingest or the page readers, whatever the bytes."""
import gzip
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import ingest
from etl.run import pipeline
from etl.parse.article import build_article
from etl.ingest.encoding import decode_bytes
from etl.model.records import ArticleResult, Reject, SkippedRecord, SourceDocument

SUFFIXES = [".txt", ".html", ".jsonl", ".warc", ".txt.gz", ".jsonl.gz", ".warc.gz", ".xyz", ""]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Bytes that look a little like the real thing, so the readers get past their first checks.
markupish = st.lists(st.sampled_from([b"<html>", b"<body>", b"<p>", b"</p>", b"<div>", b"<figure>",
                                      b"<figcaption>", b"<script>", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf",
                                      b"WARC/1.0\r\n", b"Content-Length: 99\r\n", b"\r\n\r\n", b"{\"text\": ",
                                      b"\"", b"}\n", b"\\ud800", b"Mayor Ana Lopez said ", b"\n\n", b"\xe9"]),
                     max_size=40).map(b"".join)
any_bytes = st.one_of(st.binary(max_size=3000), markupish)


@FAST
@given(data=any_bytes, suffix=st.sampled_from(SUFFIXES), compress=st.booleans())
def test_read_input_never_raises(data, suffix, compress):
    if compress and suffix.endswith(".gz"):
        data = gzip.compress(data)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"input{suffix}"
        path.write_bytes(data)
        items = list(ingest.read_input(path))
    for item in items:
        assert isinstance(item, (SourceDocument, Reject, SkippedRecord))
        if isinstance(item, Reject):
            assert item.reason and isinstance(item.detail, str)
    if not data:
        assert [i.reason for i in items] == ["empty"]


@FAST
@given(records=st.lists(st.one_of(
    st.dictionaries(st.sampled_from(["text", "html", "url", "title", "authors", "published_at", "id", "language"]),
                    st.one_of(st.text(max_size=200), st.integers(), st.none(), st.lists(st.text(max_size=20), max_size=3)),
                    max_size=6).map(json.dumps),
    st.text(max_size=100)), max_size=8))
def test_jsonl_records_become_documents_or_rejects(records):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "feed.jsonl"
        path.write_text("\n".join(r.replace("\n", " ") for r in records), encoding="utf-8", errors="surrogatepass")
        items = list(ingest.read_input(path))
    assert len(items) <= len(records) or not records
    for item in items:
        assert isinstance(item, (SourceDocument, Reject))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.one_of(st.text(max_size=2000), markupish.map(lambda b: b.decode("utf-8", "replace"))),
       kind=st.sampled_from(["text", "html"]),
       meta=st.dictionaries(st.sampled_from(["url", "title", "published_at", "authors", "language", "id"]),
                            st.one_of(st.text(max_size=40), st.integers(), st.none()), max_size=4))
def test_build_article_never_raises(content, kind, meta):
    out = build_article(SourceDocument("mem://x", kind, content, meta))
    assert isinstance(out, (ArticleResult, Reject))
    if isinstance(out, ArticleResult):
        assert out.page.body.strip() and len(out.article_id) == 16


@FAST
@given(data=st.binary(max_size=2000), declared=st.one_of(st.none(), st.sampled_from(
    ["utf-8", "latin-1", "utf-16", "shift_jis", "nonsense", "windows-1252", ""])))
def test_decode_bytes_returns_text_or_a_unicode_error(data, declared):
    try:
        assert isinstance(decode_bytes(data, declared), str)
    except UnicodeDecodeError:
        pass


@FAST
@given(st.lists(st.one_of(st.characters(), st.integers(0xD800, 0xDFFF).map(chr))).map("".join))
def test_text_safe_always_gives_storable_text(value):
    safe = pipeline._text_safe(value)
    safe.encode("utf-8")
    if not any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        assert safe == value
