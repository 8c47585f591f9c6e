"""A poisoned landing folder: every kind of bad input the pipeline should survive, beside good
articles. One real run (ingest -> NLP -> GX -> publish) over the whole corpus; then each case is
checked: the run completed, the case is a reject with a reason code (raw bytes quarantined) or,
for valid-but-odd encodings and file names, a correctly published article; nothing is lost."""
import gzip
import io
import json
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from adversarial_corpus import article

import etl
from etl.run import pipeline
from etl.warehouse import open_warehouse

DAY = "2025-12-03"
MAX_BYTES = 60_000
MAX_RECORDS = 5


def html_page(body_html: str, charset: str = "utf-8") -> str:
    return (f"<html><head><meta charset=\"{charset}\"><title>T</title></head>"
            f"<body><article>{body_html}</article></body></html>")


def warc_bytes(pages: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=False)
    for url, body in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                            http_headers=headers))
    return buf.getvalue()


def build_corpus(root: Path, outside: Path) -> dict[str, dict]:
    """Write the corpus; return case name -> what should happen to it (by file name)."""
    root.mkdir()
    outside.mkdir()
    cases: dict[str, dict] = {}

    def put(name: str | bytes, data: bytes, expect: dict) -> None:
        path = os.path.join(os.fsencode(root), name) if isinstance(name, bytes) else root / name
        with open(path, "wb") as fh:
            fh.write(data)
        # how the name appears in source_uri: undecodable bytes are shown as escapes
        cases[pipeline._text_safe(os.fsdecode(name) if isinstance(name, bytes) else name)] = expect

    put("good_plain.txt", article(0).encode(), {"published": 1})
    put("empty.txt", b"", {"reject": "empty"})
    put("blank.txt", b"   \n\n \t \n", {"reject": "empty"})
    put("binary.txt", bytes(range(256)) * 40, {"reject": "binary", "quarantined": True})
    put("nul_bytes.html", html_page("<p>Some\x00text\x00with NULs</p>").encode(), {"reject": "binary", "quarantined": True})
    put("random.dat", os.urandom(3000), {"reject": "unsupported_kind", "quarantined": True})
    put("pickle.pkl", b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94\x8c\x06system\x94\x93\x94.",
        {"reject": "unsupported_kind"})
    # Invalid UTF-8 inside otherwise English text: decoded by detection, or rejected; never lost.
    put("invalid_utf8.txt", article(1).encode().replace(b"Tuesday", b"Tues\xff\xfe\xc3day"), {"any": True})
    put("utf16_bom.txt", article(2, "Caf\u00e9 owners cheered.").encode("utf-16"),
        {"published": 1, "body_contains": "Caf\u00e9 owners cheered"})
    cp = html_page("<h1>Council approves caf\u00e9 plan</h1>" + "".join(
        f"<p>{p}</p>" for p in article(3, "The na\u00efve caf\u00e9 \u2014 long a local favourite \u2014 stays.").split("\n\n")[1:]),
        charset="windows-1252")
    put("cp1252.html", cp.encode("cp1252"), {"published": 1, "body_contains": "na\u00efve caf\u00e9 \u2014 long"})
    full = gzip.compress(article(4).encode() * 20)
    put("truncated.txt.gz", full[: len(full) // 2], {"reject": "truncated", "quarantined": True})
    put("not_gzip.txt.gz", b"this is not gzip data at all", {"reject": "decode_error", "quarantined": True})
    put("oversized.txt", (article(5) + "x" * MAX_BYTES).encode(), {"reject": "too_large"})
    put("bomb.txt.gz", gzip.compress(b"a" * (MAX_BYTES * 4)), {"reject": "too_large"})
    put("no_article.html", b"<html><head><title>Site</title><script>var a = 1;</script></head>"
        b"<body><div class='ad'></div><img src='x.png'></body></html>", {"reject": "no_article", "quarantined": True})
    deep = "<div>" * 1200 + "<p>" + article(6) + "</p>" + "</div>" * 1200
    put("deep.html", html_page(deep).encode(), {"reject": "too_deep", "quarantined": True})
    lines = [json.dumps({"text": article(7), "url": "https://example.org/a7"}),
             '{"text": "broken line',
             "[1, 2, 3]",
             json.dumps({"text": article(8), "url": "https://example.org/a8"}),
             json.dumps({"text": "Lone \ud800 surrogate\n\n" + article(9)})]
    put("broken.jsonl", ("\n".join(lines) + "\n").encode(),
        {"published": 2, "reject_reasons": {"bad_json"}, "any_extra": True})
    put("blank_lines.jsonl", b"\n\n   \n", {"reject": "no_records"})
    put("many.jsonl", "\n".join(json.dumps({"text": article(20 + i)}) for i in range(MAX_RECORDS + 3)).encode(),
        {"published": MAX_RECORDS, "reject_reasons": {"too_many_records"}})
    good = html_page("".join(f"<p>{p}</p>" for p in article(10).split("\n\n"))).encode()
    second = html_page("".join(f"<p>{p}</p>" for p in article(11).split("\n\n"))).encode()
    warc = warc_bytes([("https://example.org/w1", good), ("https://example.org/w2", second)])
    put("truncated.warc", warc[: len(warc) - 200], {"published": 1, "reject_reasons": {"truncated"}})
    # Odd file names: each holds a good, distinct article and must publish normally.
    put("with space.txt", article(12).encode(), {"published": 1})
    put("\u00fcn\u00efc\u00f8d\u00e9-\u540d\u524d.txt", article(13).encode(), {"published": 1})
    put("-leading-dash.txt", article(14).encode(), {"published": 1})
    put("$(touch pwned).txt", article(15).encode(), {"published": 1})
    put("n" * 240 + ".txt", article(16).encode(), {"published": 1})
    put(b"latin1-\xe9t\xe9.txt", article(17).encode(), {"published": 1})
    # The same article twice (same content), and twice under one URL: stored once, counted.
    put("dup_a.txt", article(18).encode(), {"published": 1})
    put("dup_b.txt", article(18).encode(), {"reject": "duplicate"})
    (outside / "secret.txt").write_text(article(19))
    (outside / "sub").mkdir()
    (outside / "sub" / "x.txt").write_text(article(19))
    os.symlink(outside / "secret.txt", root / "escape.txt")
    cases["escape.txt"] = {"reject": "unsafe_link"}
    os.symlink(outside / "sub", root / "escape_dir")
    cases["escape_dir"] = {"reject": "unsafe_link"}
    return cases


@pytest.fixture(scope="module")
def poisoned_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("poison")
    landing, outside, wh = tmp / "landing", tmp / "outside", tmp / "wh"
    cases = build_corpus(landing, outside)
    mp = pytest.MonkeyPatch()
    mp.setenv("NEWS_ETL_MAX_INPUT_BYTES", str(MAX_BYTES))
    mp.setenv("NEWS_ETL_MAX_RECORDS_PER_FILE", str(MAX_RECORDS))
    mp.chdir(tmp)  # where a `$(touch pwned)` would land if a name were ever run by a shell
    try:
        summary = pipeline.run([str(landing)], str(wh), DAY, "poison-run")
    finally:
        mp.undo()
    w = open_warehouse(wh)
    return {"cases": cases, "summary": summary, "wh": w, "tmp": tmp, "landing": landing,
            "articles": w.read_table("articles", DAY).to_pylist(),
            "rejects": w.read_table("rejects", DAY).to_pylist()}


def _file_of(uri: str, landing: Path) -> str:
    rel = uri[len(str(landing)) + 1:] if uri.startswith(str(landing)) else uri
    # JSON Lines records end in #L<n>, WARC records in #<offset>
    head, sep, tail = rel.rpartition("#")
    return head if sep and (tail.isdigit() or tail.startswith("L") or tail == "read_failure") else rel


def _outcomes(run) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for a in run["articles"]:
        out.setdefault(_file_of(a["source_uri"], run["landing"]), {"articles": [], "rejects": []})["articles"].append(a)
    for r in run["rejects"]:
        out.setdefault(_file_of(r["source_uri"], run["landing"]), {"articles": [], "rejects": []})["rejects"].append(r)
    return out


def test_run_completes_and_every_input_is_accounted_for(poisoned_run):
    m = poisoned_run["wh"].read_manifest(DAY)
    assert m["run_id"] == "poison-run"
    assert m["input_count"] == len(poisoned_run["articles"]) + len(poisoned_run["rejects"])
    assert m["accounting"]["passed"] is True
    assert m["accounting"]["duplicates"] == sum(r["reason"] == "duplicate" for r in poisoned_run["rejects"]) >= 1
    assert m["row_counts"]["articles"] == len(poisoned_run["articles"])
    assert m["pipeline_version"] == etl.__version__ and m["validation"]["passed"]
    for table, entry in m["tables"].items():  # the Delta version holding exactly what was published
        wh = poisoned_run["wh"]
        assert entry["rows"] == m["row_counts"][table]
        on_disk = {f"ingest_date={DAY}/{p.name}" for p in wh.partition_dir(table, DAY).glob("*.parquet")}
        assert set(entry["files"]) == on_disk
        assert pq.read_table(wh.partition_dir(table, DAY)).num_rows == entry["rows"] if on_disk else entry["rows"] == 0
    quarantine = wh.partition_dir("rejects", DAY) / "_quarantine"
    assert any(quarantine.glob("*.bin"))
    # every file of the corpus shows up, and nothing else does
    assert set(_outcomes(poisoned_run)) == set(poisoned_run["cases"])


@pytest.mark.parametrize("case", [
    "good_plain.txt", "empty.txt", "blank.txt", "binary.txt", "nul_bytes.html", "random.dat", "pickle.pkl",
    "invalid_utf8.txt", "utf16_bom.txt", "cp1252.html", "truncated.txt.gz", "not_gzip.txt.gz", "oversized.txt",
    "bomb.txt.gz", "no_article.html", "deep.html", "broken.jsonl", "blank_lines.jsonl", "many.jsonl",
    "truncated.warc", "with space.txt", "\u00fcn\u00efc\u00f8d\u00e9-\u540d\u524d.txt", "-leading-dash.txt",
    "$(touch pwned).txt", "n" * 240 + ".txt", "latin1-\\udce9t\\udce9.txt", "dup_a.txt", "dup_b.txt", "escape.txt", "escape_dir",
])
def test_each_case(poisoned_run, case):
    expect = poisoned_run["cases"][case]
    got = _outcomes(poisoned_run).get(case, {"articles": [], "rejects": []})
    arts, rejs = got["articles"], got["rejects"]
    for r in rejs:
        assert r["reason"] and r["detail"], r
    if "reject" in expect:
        assert not arts
        assert [r["reason"] for r in rejs] == [expect["reject"]], rejs
    if "published" in expect:
        assert len(arts) == expect["published"], (arts, rejs)
        assert all(a["body"] and a["word_count"] > 10 for a in arts)
    if "reject_reasons" in expect:
        assert expect["reject_reasons"] <= {r["reason"] for r in rejs}
    if not expect.get("any_extra") and "reject_reasons" in expect:
        assert {r["reason"] for r in rejs} == expect["reject_reasons"]
    if "body_contains" in expect:
        assert expect["body_contains"] in arts[0]["body"]
        assert "\ufffd" not in arts[0]["body"]
    if expect.get("any"):
        assert arts or rejs
    if expect.get("quarantined"):
        wh_root = poisoned_run["wh"].root
        for r in rejs:
            q = wh_root / r["quarantine_path"]
            assert q.is_file() and q.stat().st_size > 0
            assert q.resolve().is_relative_to((wh_root / "rejects" / f"ingest_date={DAY}" / "_quarantine").resolve())


def test_quarantine_keeps_the_raw_bytes(poisoned_run):
    by_name = {_file_of(r["source_uri"], poisoned_run["landing"]): r for r in poisoned_run["rejects"]}
    for name in ("binary.txt", "random.dat", "truncated.txt.gz"):  # decoded, refused kind, broken gzip
        raw = (poisoned_run["landing"] / name).read_bytes()
        assert (poisoned_run["wh"].root / by_name[name]["quarantine_path"]).read_bytes() == raw
    # too large to keep: the row says so instead
    assert by_name["oversized.txt"]["quarantine_path"] is None
    bad_line = [r for r in poisoned_run["rejects"] if r["reason"] == "bad_json"]
    assert bad_line and all((poisoned_run["wh"].root / r["quarantine_path"]).read_bytes().strip() for r in bad_line)
    # quarantine file names are hashes, never taken from the input
    for p in (poisoned_run["wh"].root / "rejects" / f"ingest_date={DAY}" / "_quarantine").iterdir():
        assert len(p.stem) == 16 and all(c in "0123456789abcdef" for c in p.stem) and p.suffix == ".bin"


def test_nothing_from_an_input_was_executed_or_used_as_a_path(poisoned_run):
    assert not list(poisoned_run["tmp"].rglob("pwned"))
    assert not (poisoned_run["landing"].parent / "pwned").exists()
    wh_root = poisoned_run["wh"].root
    names = {p.name for p in wh_root.rglob("*")}
    assert not any("touch" in n or "leading-dash" in n or "secret" in n for n in names)
    # the file outside the folder was never read
    assert not any("secret" in a["source_uri"] or "escape" in a["source_uri"] for a in poisoned_run["articles"])


def test_readers_see_published_rows_only(poisoned_run, tmp_path):
    """pandas, pyarrow and DuckDB pointed at the warehouse read exactly the manifest's rows, even
    with a crashed run's staging files and temp files lying around."""
    import duckdb
    import pandas as pd
    import pyarrow.dataset as ds

    wh = poisoned_run["wh"]
    root = wh.root
    # leftovers of a run that died before publishing: staged Parquet files, a temp file
    junk = wh.staging_dir(DAY, "crashed-run") / "final" / "articles"
    junk.mkdir(parents=True)
    pq.write_table(wh.read_table("articles", DAY), junk / "part-00000.parquet")
    (junk / ".part.tmp").write_bytes(b"half a file")
    m = wh.read_manifest(DAY)
    for table in ("articles", "rejects", "entities"):
        want = m["row_counts"][table]
        assert len(pd.read_parquet(root / table)) == want
        assert ds.dataset(root / table, format="parquet", partitioning="hive").count_rows() == want
        assert pq.read_table(root / table).num_rows == want
        n = duckdb.sql(f"select count(*) from read_parquet('{root}/{table}/**/*.parquet', hive_partitioning=true)").fetchall()[0][0]
        assert n == want
    # and the consistent reader agrees with the manifest
    manifest, tables = wh.read_partition(DAY)
    assert {t: tables[t].num_rows for t in tables} == manifest["row_counts"]
