"""Chunked validation gives the whole-table verdict: on a clean partition, and when a problem is
only visible across chunks (a key repeated in two chunks, a child row pointing at an article or
entity held elsewhere, a span checked against text in another row group)."""
from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from etl import tables
from etl.model import schema
from etl.model.ids import sha256_text
from etl.model.records import ArticleResult, Entity, Mention, ParsedPage, Quote, SourceDocument
from etl.validate import validate_frames, validate_staged

DAY = "2025-12-01"


def _article(i: int) -> ArticleResult:
    name = f"Helen Varga{i}"
    body = f"{name} said \u201cthe bridge opens in {i} weeks\u201d on Monday."
    q0 = body.index("\u201c") + 1
    q1 = body.index("\u201d")
    return ArticleResult(
        source=SourceDocument(f"in/{i}.txt", "text", body),
        page=ParsedPage(title=f"Bridge {i}", body=body, language="en"),
        article_id=f"art{i:04d}", content_sha256=sha256_text(body),
        mentions=[Mention("body", 0, name, "PERSON", 0, len(name), "e")],
        entities=[Entity("e", name, "PERSON", 1, "body", 0)],
        quotes=[Quote(body[q0:q1], q0, q1, speaker=name, speaker_entity_key="e", cue="said")])


def _frames(n: int = 6) -> dict:
    rows = tables.article_rows([_article(i) for i in range(n)])
    rows["rejects"] = []
    # typed as they are read back from Parquet (an empty table keeps string columns as strings)
    return {t: tables.to_arrow(t, tables.frame(t, rows[t])).to_pandas() for t in schema.TABLE_NAMES}


def _stage(frames: dict, root, rows_per_group: int):
    for t, df in frames.items():
        (root / t).mkdir(parents=True)
        pq.write_table(tables.to_arrow(t, df), root / t / "part-00000.parquet", row_group_size=rows_per_group)
    return root


def _verdict(report):
    return report.success, sorted((f["table"], f["expectation"], str(f["column"]), f["unexpected_count"])
                                  for f in report.failures)


@pytest.fixture(scope="module")
def gx_ready():
    pytest.importorskip("great_expectations")


def _damage_duplicate_mention(frames):
    m = frames["entity_mentions"]
    m.loc[len(m) - 1, "mention_id"] = m.loc[0, "mention_id"]  # first and last row: different chunks


def _damage_orphan_and_bad_span(frames):
    m = frames["entity_mentions"]
    m.loc[len(m) - 1, "article_id"] = "no-such-article"
    q = frames["quotes"]
    q.loc[0, "char_end"] = int(q.loc[0, "char_end"]) + 1


@pytest.mark.parametrize("damage", [None, _damage_duplicate_mention, _damage_orphan_and_bad_span],
                         ids=["clean", "duplicate-across-chunks", "orphan-and-span"])
def test_chunked_verdict_equals_whole_table_verdict(tmp_path, gx_ready, damage):
    frames = _frames()
    if damage:
        damage(frames)
    whole = validate_frames({t: f.copy() for t, f in frames.items()}, DAY, tmp_path / "whole", "whole",
                            build_docs=False)
    chunked = validate_frames({t: f.copy() for t, f in frames.items()}, DAY, tmp_path / "mem", "mem",
                              build_docs=False, chunk_rows=2)
    staged = validate_staged(_stage(frames, tmp_path / "final", rows_per_group=2), DAY, tmp_path / "staged",
                             "staged", build_docs=False, chunk_rows=2)
    assert _verdict(chunked) == _verdict(whole)
    assert _verdict(staged) == _verdict(whole)
    assert whole.success is (damage is None)
    assert staged.statistics["tables"]["entity_mentions"]["chunks"] == 3
    if damage is _damage_duplicate_mention:
        (dup,) = [f for f in staged.failures if f["expectation"] == "expect_column_values_to_be_unique"]
        assert dup["duplicates_across_chunks"] == 2 and dup["unexpected_count"] == 2


def test_staged_validation_writes_results_and_data_docs(tmp_path, gx_ready):
    staged = _stage(_frames(4), tmp_path / "final", rows_per_group=3)
    report = validate_staged(staged, DAY, tmp_path / "report", "run-x", chunk_rows=3)
    assert report.success
    assert (tmp_path / "report" / "validation.json").exists()
    assert report.data_docs_path and (tmp_path / "report" / "data_docs" / "index.html").exists()


def test_helper_process_gives_the_in_process_verdict(tmp_path, gx_ready):
    from etl.validate import BackgroundValidator

    frames = _frames()
    _damage_orphan_and_bad_span(frames)
    staged = _stage(frames, tmp_path / "final", rows_per_group=2)
    here = validate_staged(staged, DAY, tmp_path / "here", "here", build_docs=False, chunk_rows=2)
    helper = BackgroundValidator.start()
    assert helper is not None
    there = helper.validate_staged(staged, DAY, tmp_path / "there", "there", build_docs=False, chunk_rows=2)
    assert not helper._process.is_alive()  # one partition per helper, then it exits
    assert _verdict(there) == _verdict(here) and not there.success
    assert there.statistics["tables"] == here.statistics["tables"]
    assert (tmp_path / "there" / "validation.json").exists()


def test_a_helper_that_died_leaves_the_validation_to_the_run(tmp_path, gx_ready):
    from etl.validate import BackgroundValidator

    staged = _stage(_frames(3), tmp_path / "final", rows_per_group=3)
    helper = BackgroundValidator.start()
    helper._process.kill()
    helper._process.join()
    report = helper.validate_staged(staged, DAY, tmp_path / "report", "run-y", build_docs=False)
    assert report.success and (tmp_path / "report" / "validation.json").exists()


def test_data_docs_are_built_for_a_warehouse_given_as_a_relative_path(tmp_path, gx_ready, monkeypatch):
    staged = _stage(_frames(2), tmp_path / "final", rows_per_group=2)
    monkeypatch.chdir(tmp_path)
    report = validate_staged(staged, DAY, Path("wh") / "_reports" / "run-z", "run-z")
    assert report.success
    assert report.data_docs_path and Path(report.data_docs_path).is_absolute()
    assert (tmp_path / "wh" / "_reports" / "run-z" / "data_docs" / "index.html").exists()
