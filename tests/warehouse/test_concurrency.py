"""Two runs of one partition at once, as real processes: CLI runs take the partition's run lock
(the second fails with exit 3 and says who holds it, or waits when told to); DAG-style runs with
separate staging publish one after the other under the publish lock, and readers polling the
warehouse meanwhile (pyarrow, pandas, DuckDB) only ever see a whole partition of one run."""
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from conftest import ROOT
from etl.run import pipeline
from etl.warehouse import open_warehouse

DAY = "2025-12-05"
TEXT = ("{t}\n\nThe {t} was agreed on Monday by the council of {p}.\n\n"
        "Councillor {w} said the plan for {p} had wide support.\n")


def corpus(d: Path, tag: str, n: int) -> Path:
    d.mkdir(parents=True)
    places = ["Derby", "Turin", "Ghent", "Split", "Malmo", "Basel", "Cadiz"]
    for i in range(n):
        (d / f"{tag}{i}.txt").write_text(TEXT.format(t=f"{tag.upper()} plan {i} for {places[i % 7]}",
                                                     p=places[i % 7], w=f"Ann {tag.upper()}{i}son"))
    (d / f"{tag}.bin").write_bytes(b"not an input kind")  # one reject per corpus
    return d


def env(**extra) -> dict:
    e = dict(os.environ, PYTHONPATH=str(ROOT), NEWS_ETL_PROCESSES="1")
    for k in ("NEWS_ETL_CRASH_AT", "NEWS_ETL_PAUSE_AT", "NEWS_ETL_LOCK_WAIT_SECONDS"):
        e.pop(k, None)
    e.update(extra)
    return e


def cli(landing: Path, wh: Path, run_id: str, **extra_env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "etl.cli", "run", "--quiet", "--input", str(landing),
                             "--warehouse", str(wh), "--date", DAY, "--run-id", run_id],
                            env=env(**extra_env), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_holder(wh: Path, text: str, kind: str = ".run", timeout: float = 120) -> None:
    lock = wh / "_locks" / f"ingest_date={DAY}{kind}.lock"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lock.exists() and text in lock.read_text(errors="replace"):
            return
        time.sleep(0.1)
    raise TimeoutError(f"nobody took {lock}")


def titles(wh: Path) -> set[str]:
    return {a["title"] for a in open_warehouse(wh).read_table("articles", DAY).to_pylist()}


def test_second_cli_run_fails_fast_and_names_the_holder(tmp_path):
    a, b = corpus(tmp_path / "a", "a", 2), corpus(tmp_path / "b", "b", 2)
    wh = tmp_path / "wh"
    first = cli(a, wh, "run-a", NEWS_ETL_PAUSE_AT="run:locked=15")  # room for a slow start of the second
    wait_for_holder(wh, "run run-a")
    second = cli(b, wh, "run-b")
    out_b, err_b = second.communicate(timeout=120)
    assert second.returncode == 3, err_b
    assert "being built by another run" in err_b and "run-a" in err_b
    out_a, err_a = first.communicate(timeout=300)
    assert first.returncode == 0, err_a
    assert titles(wh) == {"A plan 0 for Derby", "A plan 1 for Turin"}
    manifest, _ = open_warehouse(wh).read_partition(DAY)
    assert manifest["run_id"] == "run-a"
    assert not open_warehouse(wh).staging_dir(DAY, "run-b").exists()  # the refused run wrote nothing


def test_second_cli_run_can_wait_and_then_replaces_the_whole_partition(tmp_path):
    a, b = corpus(tmp_path / "a", "a", 3), corpus(tmp_path / "b", "b", 2)
    wh = tmp_path / "wh"
    first = cli(a, wh, "run-a", NEWS_ETL_PAUSE_AT="run:locked=5")
    wait_for_holder(wh, "run run-a")
    second = cli(b, wh, "run-b", NEWS_ETL_LOCK_WAIT_SECONDS="600")
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert second.wait(timeout=300) == 0, second.stderr.read()
    manifest, tables = open_warehouse(wh).read_partition(DAY)
    assert manifest["run_id"] == "run-b"
    assert {a["title"] for a in tables["articles"].to_pylist()} == {"B plan 0 for Derby", "B plan 1 for Turin"}
    assert manifest["input_count"] == 3  # two articles and the .bin reject


READER = r"""
import hashlib, json, sys, time
import duckdb, polars as pl, pyarrow as pa
from deltalake import DeltaTable
root, day, seconds, out = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
tables = ["articles", "entity_mentions", "rejects"]
seen, n, errors = {t: [] for t in tables}, 0, []
def fp(ids):
    return hashlib.sha256(json.dumps(sorted(ids)).encode()).hexdigest()
end = time.monotonic() + seconds
while time.monotonic() < end:
    for t in tables:
        key = "reject_id" if t == "rejects" else ("mention_id" if t == "entity_mentions" else "article_id")
        # Delta readers: each reads one committed version of the table, whole
        try:
            if n % 3 == 0:
                ids = DeltaTable(f"{root}/{t}").to_pyarrow_table(columns=[key]).column(key).to_pylist()
            elif n % 3 == 1:
                ids = pl.read_delta(f"{root}/{t}", columns=[key])[key].to_list()
            else:
                arrow = DeltaTable(f"{root}/{t}").to_pyarrow_dataset()
                ids = [r[0] for r in duckdb.sql(f"select {key} from arrow").fetchall()]
            seen[t].append(fp(ids))
        except Exception as exc:
            errors.append(f"{t}: {type(exc).__name__}: {exc}")
        n += 1
json.dump({"seen": seen, "reads": n, "errors": errors}, open(out, "w"))
"""


def _fingerprint(path_or_table, key: str) -> str:
    t = path_or_table if isinstance(path_or_table, pa.Table) else pq.read_table(path_or_table, columns=[key])
    ids = t.column(key).to_pylist()
    return hashlib.sha256(json.dumps(sorted(ids)).encode()).hexdigest()


def test_racing_publishes_never_mix_and_readers_see_whole_partitions(tmp_path):
    """A scheduled run and a backfill run (DAG-style: no run lock, own staging) publish the same
    partition at once, each slowed down between its table commits, while a reader process polls."""
    wh_dir = tmp_path / "wh"
    old = corpus(tmp_path / "old", "o", 2)
    pipeline.run([str(old)], str(wh_dir), DAY, "old-run")
    wh = open_warehouse(wh_dir)
    staged = {}
    for tag, n in (("x", 3), ("y", 2)):
        land = corpus(tmp_path / tag, tag, n)
        run_id = f"run-{tag}"
        p = pipeline.plan([str(land)], str(wh_dir), DAY, run_id)
        for b in p["batches"]:
            pipeline.process_batch(p["staging"], b["batch_no"], b["files"], DAY)
        pipeline.finalize(p["staging"], DAY)
        pipeline.audit(p["staging"], DAY, str(wh_dir), run_id)
        staged[run_id] = p["staging"]
    keys = {"articles": "article_id", "entity_mentions": "mention_id", "rejects": "reject_id"}
    allowed = {t: {_fingerprint(wh.read_table(t, DAY), k)} |
               {_fingerprint(Path(s) / "final" / t / "part-00000.parquet", k) for s in staged.values()}
               for t, k in keys.items()}
    assert all(len(v) == 3 for v in allowed.values())  # old, x and y differ in every table read

    out = tmp_path / "reader.json"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(wh_dir), DAY, "14", str(out)], env=env(), cwd=ROOT)
    driver = "import sys; from etl.run import pipeline; pipeline.publish(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4])"
    slow = env(NEWS_ETL_PAUSE_AT="publish:committed:*=0.4")
    pubs = [subprocess.Popen([sys.executable, "-c", driver, staged[r], DAY, str(wh_dir), r], env=slow, cwd=ROOT,
                             stderr=subprocess.PIPE, text=True) for r in ("run-x", "run-y")]
    for p in pubs:
        assert p.wait(timeout=300) == 0, p.stderr.read()
    assert reader.wait(timeout=120) == 0
    result = json.loads(out.read_text())
    assert not result["errors"], result["errors"][:5]
    assert result["reads"] > 30
    for t, fps in result["seen"].items():
        assert set(fps) <= allowed[t], f"a reader saw a {t} partition that no run published"
    manifest, tables = wh.read_partition(DAY)  # one run's whole partition, matching its manifest
    assert manifest["run_id"] in ("run-x", "run-y")
    winner = {"run-x": "X", "run-y": "Y"}[manifest["run_id"]]
    assert {a["title"].split()[0] for a in tables["articles"].to_pylist()} == {winner}
    assert wh.cut_short(DAY) == []
    # and once the publishes are over, plain Parquet readers of the folders see exactly that run's rows
    import pandas as pd
    for t, k in keys.items():
        assert _fingerprint(pa.Table.from_pandas(pd.read_parquet(wh_dir / t, columns=[k])), k) == \
            _fingerprint(tables[t], k), t


def _hold_then_exit(seconds: float) -> None:
    from etl.fs import release_inherited_locks

    release_inherited_locks()
    time.sleep(seconds)


def test_a_forked_child_does_not_keep_the_partition_locked(tmp_path):
    import multiprocessing

    wh = open_warehouse(tmp_path / "wh")
    ctx = multiprocessing.get_context("fork")
    with wh.lock("2025-12-03", kind="run"):
        child = ctx.Process(target=_hold_then_exit, args=(30,), daemon=True)
        child.start()
    try:
        # the run's lock is gone with the run although its child lives on
        with wh.lock("2025-12-03", kind="run", wait_seconds=30):
            pass
    finally:
        child.kill()
        child.join()
