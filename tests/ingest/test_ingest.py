import gzip
import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from etl.ingest import LandingUnreachable, decode_bytes, read_input
from etl.model.records import Reject, SkippedRecord, SourceDocument

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "html"
PAGE = "<html><head><title>T</title></head><body><p>Fine café text about the news.</p></body></html>"


def items(path):
    return list(read_input(path))


# ------------------------------------------------------------------ encodings
def test_cp1252_declared_as_latin1_decodes_smart_quotes():
    data = "café “quoted” – dash".encode("cp1252")
    assert decode_bytes(data, "ISO-8859-1") == "café “quoted” – dash"


def test_meta_charset_is_honoured():
    data = (FIXTURES / "cp1252.html").read_bytes()
    assert "Café owners “welcome”" in decode_bytes(data)


def test_utf8_wins_over_a_wrong_single_byte_label():
    assert decode_bytes("naïve “x”".encode("utf-8"), "windows-1252") == "naïve “x”"


def test_utf16_with_bom():
    text = decode_bytes((FIXTURES / "utf16.html").read_bytes())
    assert text.startswith("<html>") and "Grüße" in text


def test_unknown_declared_charset_falls_back():
    assert decode_bytes("plain ascii".encode(), "no-such-charset") == "plain ascii"


def test_html_file_read(tmp_path):
    p = tmp_path / "a.html"
    p.write_bytes((FIXTURES / "cp1252.html").read_bytes())
    (doc,) = items(p)
    assert isinstance(doc, SourceDocument) and doc.kind == "html" and "Café" in doc.content


def test_binary_file_is_rejected_not_raised(tmp_path):
    p = tmp_path / "b.html"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    (r,) = items(p)
    assert isinstance(r, Reject) and r.reason == "binary"


def test_unsupported_and_empty(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    (tmp_path / "e.html").write_bytes(b"")
    assert items(tmp_path / "a.pdf")[0].reason == "unsupported_kind"
    assert items(tmp_path / "e.html")[0].reason == "empty"


# ------------------------------------------------------------------ JSON Lines
def test_jsonl_broken_line_is_one_reject_rest_kept(tmp_path):
    p = tmp_path / "feed.jsonl"
    lines = [json.dumps({"html": PAGE, "url": "https://e.org/1", "authors": ["A B"]}),
             "{not json",
             "",
             json.dumps({"text": "Title\n\nBody text."}),
             json.dumps(["not", "an", "object"]),
             json.dumps({"id": "x"})]
    p.write_text("\n".join(lines), encoding="utf-8")
    out = items(p)
    docs = [o for o in out if isinstance(o, SourceDocument)]
    rejects = [o for o in out if isinstance(o, Reject)]
    assert [d.kind for d in docs] == ["html", "text"]
    assert docs[0].meta == {"url": "https://e.org/1", "authors": ["A B"]}
    assert docs[0].source_uri == f"{p}#L1"
    assert [(r.source_uri.rsplit("#", 1)[1], r.reason) for r in rejects] == [
        ("L2", "bad_json"), ("L5", "bad_json"), ("L6", "no_content")]


# ------------------------------------------------------------------ gzip
def test_gzipped_html_and_jsonl(tmp_path):
    h = tmp_path / "page.html.gz"
    h.write_bytes(gzip.compress(PAGE.encode("utf-8")))
    (doc,) = items(h)
    assert doc.kind == "html" and "café" in doc.content
    j = tmp_path / "feed.jsonl.gz"
    j.write_bytes(gzip.compress((json.dumps({"text": "a"}) + "\n{bad\n").encode()))
    out = items(j)
    assert isinstance(out[0], SourceDocument) and out[1].reason == "bad_json"


def test_truncated_gzip_is_rejected(tmp_path):
    p = tmp_path / "page.html.gz"
    p.write_bytes(gzip.compress((PAGE * 50).encode())[:-30])
    (r,) = items(p)
    assert isinstance(r, Reject) and r.reason == "truncated"


def test_not_gzip_at_all(tmp_path):
    p = tmp_path / "page.txt.gz"
    p.write_bytes(b"this is not gzip data")
    (r,) = items(p)
    assert isinstance(r, Reject) and r.reason == "decode_error"


def test_gzip_bomb_stops_at_size_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWS_ETL_MAX_INPUT_BYTES", "1000")
    p = tmp_path / "big.txt.gz"
    p.write_bytes(gzip.compress(b"a" * 100_000))
    (r,) = items(p)
    assert r.reason == "too_large"


# ------------------------------------------------------------------ WARC
def _warc(path: Path, gz: bool) -> list[int]:
    """A WARC with: warcinfo, request, HTML response (cp1252 declared in the header), image
    response, 404 response, HTML response without charset (UTF-8)."""
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    w.write_record(w.create_warcinfo_record("x.warc", {"software": "test"}))

    def response(url, body, ctype, status="200 OK"):
        headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        rec = w.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body), http_headers=headers,
                                   warc_headers_dict={"WARC-Date": "2024-05-01T12:30:00Z"})
        w.write_record(rec)

    req = w.create_warc_record("https://e.org/a", "request", payload=io.BytesIO(b"GET /a HTTP/1.1\r\n\r\n"))
    w.write_record(req)
    response("https://e.org/a", "<html><body><p>Caf\xe9 “one”</p></body></html>".encode("cp1252"),
             "text/html; charset=iso-8859-1")
    response("https://e.org/logo.png", b"\x89PNG....", "image/png")
    response("https://e.org/missing", b"<html>gone</html>", "text/html", status="404 Not Found")
    response("https://e.org/b", "<html><body><p>Zwei Grüße</p></body></html>".encode("utf-8"), "text/html")
    path.write_bytes(buf.getvalue())
    return [len(buf.getvalue())]


@pytest.mark.parametrize("name,gz", [("crawl.warc", False), ("crawl.warc.gz", True)])
def test_warc_html_responses_become_documents(tmp_path, name, gz):
    p = tmp_path / name
    _warc(p, gz)
    out = items(p)
    docs = [o for o in out if isinstance(o, SourceDocument)]
    skipped = [o for o in out if isinstance(o, SkippedRecord)]
    assert not [o for o in out if isinstance(o, Reject)]
    assert [d.meta["url"] for d in docs] == ["https://e.org/a", "https://e.org/b"]
    assert "Café “one”" in docs[0].content and "Grüße" in docs[1].content
    assert all(d.kind == "html" for d in docs)
    assert docs[0].fetched_at == datetime(2024, 5, 1, 12, 30, tzinfo=timezone.utc)
    assert docs[0].source_uri.startswith(f"{p}#") and docs[0].source_uri != docs[1].source_uri
    assert sorted(s.reason for s in skipped) == ["http_status_404", "not_html", "warc_request", "warc_warcinfo"]
    assert all(s.skipped for s in skipped)


@pytest.mark.parametrize("name,gz", [("cut.warc", False), ("cut.warc.gz", True)])
def test_truncated_warc_keeps_earlier_records_and_rejects_the_rest(tmp_path, name, gz):
    full = tmp_path / ("full_" + name)
    _warc(full, gz)
    data = full.read_bytes()
    p = tmp_path / name
    p.write_bytes(data[: len(data) - 60])
    out = items(p)
    docs = [o for o in out if isinstance(o, SourceDocument)]
    rejects = [o for o in out if isinstance(o, Reject)]
    assert docs and docs[0].meta["url"] == "https://e.org/a"
    assert len(rejects) == 1 and rejects[0].reason in ("truncated", "empty", "decode_error")


def test_garbage_warc_is_rejected(tmp_path):
    p = tmp_path / "junk.warc"
    p.write_bytes(b"this is no warc file at all\n" * 5)
    out = items(p)
    assert len(out) == 1 and isinstance(out[0], Reject)


def test_discovery_accounts_for_every_path_once_and_never_raises(tmp_path):
    import os

    from etl.ingest import discover

    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text("Alpha text.")
    os.symlink(root / "loop2.txt", root / "loop1.txt")
    os.symlink(root / "loop1.txt", root / "loop2.txt")
    os.mkfifo(root / "fifo.txt")
    (root / "wh").mkdir()
    (root / "wh" / "part.txt").write_text("a warehouse file")
    files, rejects = discover([str(root), str(root / "a.txt"), str(root / "a.txt"), "/dev/null"],
                              exclude=[str(root / "wh")])
    assert [f.name for f in files] == ["a.txt"]
    by_name = {os.path.basename(r.source_uri): r.reason for r in rejects}
    assert by_name == {"loop1.txt": "symlink_loop", "loop2.txt": "symlink_loop", "fifo.txt": "not_a_file",
                       "null": "not_a_file"}
    # a path named as an input that does not exist is the landing zone missing, not one odd page:
    # the run stops (exit 5) rather than publish a day without it
    with pytest.raises(LandingUnreachable, match="missing.txt") as raised:
        discover([str(root), str(root / "missing.txt")])
    assert raised.value.missing


def test_an_unlistable_folder_is_a_reject(tmp_path, monkeypatch):
    import os

    from etl.ingest import discover

    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    real_scandir = os.scandir

    def scandir(path):  # what a folder without read permission does (root ignores chmod)
        if str(path).endswith("sub"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    files, rejects = discover([str(root)])
    assert files == [] and [(os.path.basename(r.source_uri), r.reason) for r in rejects] == [("sub", "unreadable")]


def test_a_deeply_nested_json_line_costs_only_that_line(tmp_path):
    import json

    from etl.ingest import read_input
    from etl.model.records import Reject, SourceDocument

    p = tmp_path / "n.jsonl"
    p.write_text(json.dumps({"text": "First record."}) + "\n" + "[" * 50_000 + "]" * 50_000 + "\n"
                 + json.dumps({"text": "Third record."}) + "\n")
    items = list(read_input(p))
    assert [type(i).__name__ for i in items] == ["SourceDocument", "Reject", "SourceDocument"]
    assert items[1].reason == "bad_json" and items[1].raw_bytes
    assert isinstance(items[0], SourceDocument) and isinstance(items[1], Reject)
