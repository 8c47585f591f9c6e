"""The CLI contract on tiny inputs: mixed kinds, rejects, JSON Lines overrides, reruns, and a
partition that fails validation publishing nothing."""
import json
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import ROOT
from etl import cli
from etl.run import pipeline
from etl.warehouse import open_warehouse

ARTICLE = """Mayor opens new river bridge

The city's new footbridge opened on Tuesday after two years of work.

Mayor Ana Lopez said the bridge would cut the walk to the station by ten minutes.

"This is a good day for everyone who lives on the east bank," Lopez said.
"""


@pytest.fixture()
def landing(tmp_path):
    d = tmp_path / "landing"
    d.mkdir()
    (d / "bridge.txt").write_text(ARTICLE, encoding="utf-8")
    records = [
        {"id": "r1", "text": "Storm closes port\n\nThe port of Dover closed on Monday as a storm hit the coast. "
                             "Ferries were cancelled for the day.", "url": "https://example.com/news/storm",
         "title": "Storm closes Dover port", "authors": ["Sam Reed"], "published_at": "2025-12-02T08:30:00Z",
         "source": "Example News"},
        "this line is not JSON",
        {"no_text": True},
    ]
    (d / "feed.jsonl").write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n")
    (d / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    return d


def run_cli(*args):
    return cli.main(["run", "--quiet", *args])


def test_cli_publishes_articles_and_rejects(landing, tmp_path):
    wh_dir = tmp_path / "wh"
    assert run_cli("--input", str(landing), "--warehouse", str(wh_dir), "--date", "2025-12-03") == 0
    wh = open_warehouse(wh_dir)
    arts = {a["source_uri"].rsplit("/", 1)[-1]: a for a in wh.read_table("articles", "2025-12-03").to_pylist()}
    assert set(arts) == {"bridge.txt", "feed.jsonl#L1"}
    storm = arts["feed.jsonl#L1"]
    assert storm["title"] == "Storm closes Dover port"  # JSONL metadata overrides the extracted title
    assert storm["authors"] == ["Sam Reed"]
    assert storm["url"] == "https://example.com/news/storm"
    assert storm["source"] == "Example News"
    assert storm["published_at"].isoformat().startswith("2025-12-02T08:30")
    rejects = {r["source_uri"].rsplit("/", 1)[-1]: r["reason"] for r in wh.read_table("rejects", "2025-12-03").to_pylist()}
    assert rejects == {"feed.jsonl#L2": "bad_json", "feed.jsonl#L3": "no_content", "image.png": "unsupported_kind"}
    manifest = wh.read_manifest("2025-12-03")
    assert manifest["input_count"] == 5
    assert manifest["row_counts"]["articles"] == 2 and manifest["row_counts"]["rejects"] == 3
    # the hive partition reads back as a column for analysts
    full = wh.read_table("articles").to_pandas()
    assert set(full["ingest_date"].astype(str)) == {"2025-12-03"}


def test_rerun_replaces_the_partition_with_identical_rows(landing, tmp_path):
    wh_dir = tmp_path / "wh"
    args = ("--input", str(landing), "--warehouse", str(wh_dir), "--date", "2025-12-03")
    assert run_cli(*args) == 0
    wh = open_warehouse(wh_dir)
    first = {t: wh.read_table(t, "2025-12-03").to_pylist() for t in ("articles", "entities", "entity_mentions", "rejects")}
    assert run_cli(*args) == 0
    second = {t: wh.read_table(t, "2025-12-03").to_pylist() for t in first}
    assert first == second
    files = list((wh_dir / "articles" / "ingest_date=2025-12-03").glob("*.parquet"))
    assert len(files) == 1


def test_failed_validation_publishes_nothing_and_keeps_the_old_partition(landing, tmp_path):
    wh_dir = tmp_path / "wh"
    assert run_cli("--input", str(landing), "--warehouse", str(wh_dir), "--date", "2025-12-03") == 0
    wh = open_warehouse(wh_dir)
    before = wh.read_table("articles", "2025-12-03")
    manifest_before = wh.read_manifest("2025-12-03")

    p = pipeline.plan([str(landing)], str(wh_dir), "2025-12-03", "corrupt-run")
    for b in p["batches"]:
        pipeline.process_batch(p["staging"], b["batch_no"], b["files"], "2025-12-03")
    pipeline.finalize(p["staging"], "2025-12-03", expected_batches=len(p["batches"]))
    # Corrupt the staged mentions: offsets that no longer point at the mention text.
    path = wh_dir / "_staging" / "ingest_date=2025-12-03" / "corrupt-run" / "final" / "entity_mentions" / "part-00000.parquet"
    t = pq.read_table(path)
    assert t.num_rows > 0
    shifted = pa.compute.add(t.column("char_start"), pa.scalar(1, pa.int32()))
    pq.write_table(t.set_column(t.schema.get_field_index("char_start"), "char_start", shifted), path)
    with pytest.raises(pipeline.ValidationFailed) as err:
        pipeline.audit(p["staging"], "2025-12-03", str(wh_dir), "corrupt-run")
    assert "entity_mentions: expect_span_to_equal_source_text" in str(err.value)
    with pytest.raises(pipeline.ValidationFailed):
        pipeline.publish(p["staging"], "2025-12-03", str(wh_dir), "corrupt-run")
    assert wh.read_table("articles", "2025-12-03").equals(before)
    assert wh.read_manifest("2025-12-03") == manifest_before
    report = json.loads((wh.report_dir("2025-12-03", "corrupt-run") / "validation.json").read_text())
    assert report["success"] is False


def test_usage_errors_exit_2(tmp_path):
    exe = [sys.executable, "-m", "etl.cli"]
    bad_date = subprocess.run(exe + ["run", "--input", str(tmp_path), "--warehouse", str(tmp_path / "w"),
                                     "--date", "2025-13-45"], capture_output=True, text=True, cwd=ROOT)
    assert bad_date.returncode == 2 and "not a date" in bad_date.stderr
    missing = subprocess.run(exe + ["run", "--warehouse", str(tmp_path / "w"), "--date", "2025-12-03"],
                             capture_output=True, text=True, cwd=ROOT)
    assert missing.returncode == 2


def test_show_prints_rows_per_table(landing, tmp_path, capsys):
    wh_dir = tmp_path / "wh"
    assert run_cli("--input", str(landing), "--warehouse", str(wh_dir), "--date", "2025-12-03") == 0
    capsys.readouterr()
    assert cli.main(["show", "--warehouse", str(wh_dir), "--date", "2025-12-03"]) == 0
    out = capsys.readouterr().out
    assert "articles: 2 rows" in out and "rejects: 3 rows" in out and "Validation: passed" in out
    assert cli.main(["show", "--warehouse", str(wh_dir), "--date", "2020-01-01"]) == 2


def test_cached_rerun_with_workers_validates_in_a_helper_process(landing, tmp_path, monkeypatch):
    from etl.validate import BackgroundValidator

    monkeypatch.setenv("NEWS_ETL_PROCESSES", "2")
    helpers = []
    start = BackgroundValidator.start
    monkeypatch.setattr(BackgroundValidator, "start", classmethod(lambda cls: helpers.append(start()) or helpers[-1]))
    wh_dir = tmp_path / "wh"
    args = ("--input", str(landing), "--warehouse", str(wh_dir), "--date", "2025-12-03")
    assert run_cli(*args) == 0
    assert helpers == []  # a first run uses the spare core for its workers
    wh = open_warehouse(wh_dir)
    first = {t: wh.read_table(t, "2025-12-03").to_pylist() for t in ("articles", "entity_mentions", "quotes", "rejects")}
    assert run_cli(*args) == 0
    assert len(helpers) == 1 and helpers[0] is not None and not helpers[0]._process.is_alive()
    assert {t: wh.read_table(t, "2025-12-03").to_pylist() for t in first} == first
    assert wh.read_manifest("2025-12-03")["validation"]["passed"] is True
