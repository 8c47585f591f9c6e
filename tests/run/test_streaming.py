"""Bounded streaming: a JSON Lines file with many records is read, processed and written in
chunks; the article cache makes a second pass skip the NLP."""
from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from etl.run import pipeline
from etl.run import stream
from etl.model.records import ArticleResult


def _jsonl(path, n: int, dup_of: int | None = None):
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            k = dup_of if (dup_of is not None and i == n - 1) else i
            fh.write(json.dumps({"id": f"rec-{k}", "title": f"Story {k}",
                                 "text": f"Story {k}\n\nThe council of Kelby met on day {k} to vote on the bridge."
                                         f" Helen Varga said {k} engineers would start work.\n"}) + "\n")


@pytest.fixture
def no_nlp(monkeypatch):
    """The model is not under test here: count the calls instead of running spaCy."""
    calls = []

    def fake_annotate(results, n_process=None, **_):
        calls.append(len(results))
        return {"ok": len(results)}

    monkeypatch.setattr("etl.nlp.annotate.annotate", fake_annotate)
    return calls


def test_tasks_never_hold_more_than_per_task_documents(tmp_path):
    f = tmp_path / "feed.jsonl"
    _jsonl(f, 23)
    per_file = {}
    sizes = [len(docs) for docs, _, _ in stream._tasks([str(f)], 5, None, per_file)]
    assert sizes == [5, 5, 5, 5, 3]
    assert per_file[str(f)] == {"records": 23, "skipped": 0}


def test_tasks_are_read_lazily(tmp_path):
    """The reader is not asked for record 6 before the first task has been handed out."""
    f = tmp_path / "feed.jsonl"
    _jsonl(f, 1000)
    first = next(stream._tasks([str(f)], 5, None, {}))
    assert [d.meta["id"] for d in first[0]] == [f"rec-{i}" for i in range(5)]


def test_big_jsonl_is_written_in_bounded_chunks(tmp_path, monkeypatch, no_nlp):
    monkeypatch.setenv("NEWS_ETL_ARTICLES_PER_TASK", "4")
    monkeypatch.setenv("NEWS_ETL_ARTICLES_PER_CHUNK", "10")
    monkeypatch.setenv("NEWS_ETL_PROCESSES", "1")
    monkeypatch.setenv("NEWS_ETL_CACHE", "off")
    f = tmp_path / "feed.jsonl"
    _jsonl(f, 37, dup_of=3)  # the last record repeats record 3
    wh = tmp_path / "wh"
    p = pipeline.plan([str(f)], str(wh), "2025-12-01", "run1")
    summary = pipeline.process_batch(p["staging"], 0, p["batches"][0]["files"], "2025-12-01")
    assert max(no_nlp) <= 4  # NLP never saw more than one task's documents at once
    assert (summary["articles"], summary["rejects"], summary["inputs"]) == (36, 1, 37)
    batch = tmp_path / "wh" / "_staging"
    articles = pq.ParquetFile(next(batch.rglob("batches/00000/articles.parquet")))
    assert articles.metadata.num_rows == 36
    assert articles.num_row_groups >= 3  # written chunk by chunk, not as one table
    ids = articles.read(columns=["article_id"]).column(0).to_pylist()
    assert len(set(ids)) == 36
    rejects = pq.read_table(next(batch.rglob("batches/00000/rejects.parquet"))).to_pylist()
    assert [r["reason"] for r in rejects] == ["duplicate"]
    pipeline.finalize(p["staging"], "2025-12-01")
    final = pq.read_table(next(batch.rglob("final/articles/*.parquet")), columns=["article_id"])
    assert final.column(0).to_pylist() == ids  # input order kept through the chunks


def test_second_pass_is_served_from_the_cache(tmp_path, monkeypatch, no_nlp):
    monkeypatch.setenv("NEWS_ETL_PROCESSES", "1")
    f = tmp_path / "feed.jsonl"
    _jsonl(f, 6)
    root = str(tmp_path / "cache")
    first = list(stream.processed_chunks([str(f)], cache_root=root, per_task=4))
    assert sum(c.cache_hits for c in first) == 0 and sum(no_nlp) == 6
    second = list(stream.processed_chunks([str(f)], cache_root=root, per_task=4))
    assert sum(c.cache_hits for c in second) == 6 and sum(no_nlp) == 6  # no NLP the second time
    a = [r.article_id for c in first for r in c.results]
    b = [r.article_id for c in second for r in c.results]
    assert a == b and all(isinstance(r, ArticleResult) for c in second for r in c.results)


def test_an_nlp_crash_costs_only_the_failing_article(tmp_path, monkeypatch):
    def flaky(results, n_process=None, **_):
        if any("day 2 " in r.page.body for r in results):
            raise RuntimeError("model blew up")
        return {"ok": len(results)}

    monkeypatch.setattr("etl.nlp.annotate.annotate", flaky)
    f = tmp_path / "feed.jsonl"
    _jsonl(f, 4)
    root = str(tmp_path / "cache")
    chunks = list(stream.processed_chunks([str(f)], cache_root=root, per_task=10, processes=1))
    status = {r.article_id: r.nlp_skipped_reason for c in chunks for r in c.results}
    assert sorted(v for v in status.values() if v) == ["error:RuntimeError"]
    # the failed article is not cached: the next run tries it again
    assert len(list((tmp_path / "cache").rglob("*.json"))) == 3


def test_with_workers_two_batches_overlap_and_the_tables_are_the_same(tmp_path, monkeypatch, no_nlp):
    """With worker processes the CLI keeps the next batch's tasks queued behind the current
    batch's tail; the published rows must not depend on it."""
    import threading

    from etl.warehouse import open_warehouse

    for i in range(6):
        _jsonl(tmp_path / f"feed{i}.jsonl", 5)
        lines = (tmp_path / f"feed{i}.jsonl").read_text().replace('"rec-', f'"f{i}-rec-')
        (tmp_path / f"feed{i}.jsonl").write_text(lines.replace("Story ", f"Story {i}.").replace("day ", f"day {i}."))
    (tmp_path / "feed5.jsonl").write_text((tmp_path / "feed0.jsonl").read_text())  # a cross-batch copy
    monkeypatch.setenv("NEWS_ETL_FILES_PER_BATCH", "2")
    monkeypatch.setenv("NEWS_ETL_ARTICLES_PER_TASK", "2")
    monkeypatch.setenv("NEWS_ETL_CACHE", "off")
    inputs = [str(tmp_path / f"feed{i}.jsonl") for i in range(6)]

    real, active, peak, lock = pipeline.process_batch, [0], [0], threading.Lock()
    overlapped, expect_overlap = threading.Event(), [False]

    def counting(*args, **kwargs):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
            if active[0] >= 2:
                overlapped.set()
        try:
            if expect_overlap[0]:
                # Hold the first batch until the next one has started (an event, not a guess at
                # how long a thread takes to start); a pipeline that never overlaps waits it out.
                overlapped.wait(600)  # returns as soon as the next batch starts
            return real(*args, **kwargs)
        finally:
            with lock:
                active[0] -= 1

    monkeypatch.setattr(pipeline, "process_batch", counting)
    rows = {}
    for processes in ("1", "2"):
        monkeypatch.setenv("NEWS_ETL_PROCESSES", processes)
        peak[0], expect_overlap[0] = 0, processes == "2"
        wh = tmp_path / f"wh{processes}"
        summary = pipeline.run(inputs, str(wh), "2025-12-01", f"run{processes}")
        assert len(summary.batches) == 3
        assert peak[0] == (1 if processes == "1" else 2)
        # a table's rows are a set: a Delta read need not return them in the order they were staged
        rows[processes] = {t: sorted(open_warehouse(wh).read_table(t, "2025-12-01").to_pylist(), key=repr)
                           for t in ("articles", "rejects")}
    stream.shutdown()
    assert rows["1"] == rows["2"]
    assert len(rows["2"]["articles"]) == 25 and [r["reason"] for r in rows["2"]["rejects"]] == ["duplicate"] * 5


def test_a_cached_rerun_with_workers_starts_no_pool(tmp_path, monkeypatch, no_nlp):
    for i in range(4):
        _jsonl(tmp_path / f"feed{i}.jsonl", 3)
        text = (tmp_path / f"feed{i}.jsonl").read_text().replace('"rec-', f'"f{i}-rec-').replace("day ", f"day {i}.")
        (tmp_path / f"feed{i}.jsonl").write_text(text)
    monkeypatch.setenv("NEWS_ETL_FILES_PER_BATCH", "1")
    monkeypatch.setenv("NEWS_ETL_PROCESSES", "2")
    inputs = [str(tmp_path / f"feed{i}.jsonl") for i in range(4)]
    wh = str(tmp_path / "wh")
    starts = []
    real_start = stream._pool_locked
    monkeypatch.setattr(stream, "_pool_locked", lambda n: starts.append(n) or real_start(n))
    pipeline.run(inputs, wh, "2025-12-01", "first")
    assert starts and not stream._POOL  # the first run needed workers, and ended them before validating
    starts.clear()
    second = pipeline.run(inputs, wh, "2025-12-01", "second")
    assert not starts  # every document came from the cache: no workers, no model
    assert sum(b["cache_hits"] for b in second.batches) == 12


def test_workers_run_one_blas_thread_each():
    """The workers already use every core; OpenBLAS threads on top of them would oversubscribe."""
    import os
    import subprocess
    import sys

    code = ("import numpy; from threadpoolctl import threadpool_info; from etl.run import stream; "
            "stream._worker_init(); print(max(i['num_threads'] for i in threadpool_info()))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "OPENBLAS_NUM_THREADS": "2"})
    assert out.stdout.strip() == "1"
