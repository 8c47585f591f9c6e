"""Inputs and warehouse on S3, against moto's S3 server on loopback (no other network).

Fast tests fabricate staged partitions to exercise the publish on the store (one Delta commit per
table, manifest last, replaced files removed), the manifest-driven readers and Delta's conditional
commit; the slow ones run the CLI, the DAG's task bodies (each "on another machine") and
dag.test() end to end."""
from __future__ import annotations

import gzip
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import ROOT
from etl import ingest, tables
from etl.model import schema
from etl import fs, warehouse as storage
from etl.model.records import Reject, SourceDocument
from etl.warehouse import PartitionLocked, open_warehouse

DAY = "2025-12-03"
JSONL = (b'{"text": "Mayor Anna Berg opened the new bridge in Riverton on Tuesday. The bridge cost '
         b'twelve million euros, the city said.", "title": "Riverton opens its bridge"}\n'
         b"\n"
         b"not json\n")


@pytest.fixture
def s3(s3_server, monkeypatch, tmp_path):
    """A fresh bucket on the loopback server; the pipeline's endpoint via NEWS_ETL_S3_ENDPOINT."""
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "HTTP_PROXY", "HTTPS_PROXY",
                "http_proxy", "https_proxy", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
           "NEWS_ETL_S3_ENDPOINT": s3_server, "NEWS_ETL_WORK_DIR": str(tmp_path / "work"),
           "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    bucket = f"news-{uuid.uuid4().hex[:12]}"
    store = fs.filesystem(f"s3://{bucket}")
    store.mkdir(bucket)
    return SimpleNamespace(fs=store, bucket=bucket, url=f"s3://{bucket}", endpoint=s3_server, env=env)


# --- inputs ----------------------------------------------------------------------------------
def test_discover_lists_objects_recursively_and_skips_hidden_names(s3):
    for key in ("landing/d/a.txt", "landing/d/sub/b.html", "landing/d/_tmp/c.txt", "landing/d/.part.txt",
                "landing/d/sub/.x.jsonl", "landing/other/e.txt"):
        s3.fs.pipe_file(f"{s3.bucket}/{key}", b"x")
    files, rejects = ingest.discover([f"{s3.url}/landing/d"])
    assert files == [f"{s3.url}/landing/d/a.txt", f"{s3.url}/landing/d/sub/b.html"]
    assert rejects == []
    # a single object is an input too
    files, _ = ingest.discover([f"{s3.url}/landing/other/e.txt"])
    assert files == [f"{s3.url}/landing/other/e.txt"]


def test_discover_refuses_missing_prefixes_and_buckets(s3):
    for url in (f"{s3.url}/nothing/here", "s3://no-such-bucket-news-etl/x"):
        with pytest.raises(ingest.LandingUnreachable, match="no-such-bucket|does not exist"):
            ingest.discover([url])


def test_read_input_streams_objects_and_keeps_s3_source_uris(s3, monkeypatch):
    html = (ROOT / "tests" / "fixtures" / "html" / "cp1252.html").read_bytes()
    s3.fs.pipe_file(f"{s3.bucket}/in/page.html", html)
    s3.fs.pipe_file(f"{s3.bucket}/in/lines.jsonl", JSONL)
    s3.fs.pipe_file(f"{s3.bucket}/in/dump.txt.gz", gzip.compress(b"A headline\n\nSome body text here."))
    s3.fs.pipe_file(f"{s3.bucket}/in/empty.txt", b"")

    page = list(ingest.read_input(f"{s3.url}/in/page.html"))
    local = list(ingest.read_input(ROOT / "tests" / "fixtures" / "html" / "cp1252.html"))
    assert len(page) == 1 and isinstance(page[0], SourceDocument)
    assert page[0].source_uri == f"{s3.url}/in/page.html"
    assert page[0].content == local[0].content and page[0].kind == "html"

    lines = list(ingest.read_input(f"{s3.url}/in/lines.jsonl"))
    assert [x.source_uri for x in lines] == [f"{s3.url}/in/lines.jsonl#L1", f"{s3.url}/in/lines.jsonl#L3"]
    assert isinstance(lines[0], SourceDocument) and lines[0].meta["title"] == "Riverton opens its bridge"
    assert isinstance(lines[1], Reject) and lines[1].reason == "bad_json"

    gz = list(ingest.read_input(f"{s3.url}/in/dump.txt.gz"))
    assert isinstance(gz[0], SourceDocument) and "Some body text" in gz[0].content

    empty = list(ingest.read_input(f"{s3.url}/in/empty.txt"))
    assert isinstance(empty[0], Reject) and empty[0].reason == "empty"

    monkeypatch.setenv("NEWS_ETL_MAX_INPUT_BYTES", "50")  # the object's size decides, before reading
    big = list(ingest.read_input(f"{s3.url}/in/page.html"))
    assert isinstance(big[0], Reject) and big[0].reason == "too_large"

    gone = list(ingest.read_input(f"{s3.url}/in/deleted.txt"))
    assert isinstance(gone[0], Reject) and gone[0].reason == "read_error"


def test_standard_aws_endpoint_variable_is_honoured(s3, monkeypatch):
    s3.fs.pipe_file(f"{s3.bucket}/std/a.txt", b"hello")
    monkeypatch.delenv("NEWS_ETL_S3_ENDPOINT")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3.endpoint)
    files, rejects = ingest.discover([f"{s3.url}/std"])
    assert files == [f"{s3.url}/std/a.txt"] and rejects == []


# --- publish protocol on fabricated partitions -----------------------------------------------
def _stage(root: Path, marker: str, n: int) -> Path:
    """A staged partition: every table empty except `rejects` with n rows whose detail is
    `marker`, plus one quarantine blob."""
    final = root / f"final-{marker}"
    for table in schema.TABLE_NAMES:
        (final / table).mkdir(parents=True)
        spec = schema.TABLES[table].arrow_schema()
        t = spec.empty_table()
        if table == "rejects":
            blob = f"rejects/ingest_date={DAY}/_quarantine/{marker}.bin"
            rows = tables.reject_rows([Reject(f"s3://in/{marker}/{i}.txt", "empty", marker) for i in range(n)],
                                      {0: blob})
            t = tables.to_arrow("rejects", tables.frame("rejects", rows))
            (final / table / "_quarantine").mkdir()
            (final / table / "_quarantine" / f"{marker}.bin").write_bytes(marker.encode())
        pq.write_table(t, final / table / "part-00000.parquet")
    return final


def _published_keys(s3, table: str) -> set[str]:
    prefix = f"{s3.bucket}/wh/{table}/ingest_date={DAY}/"
    return {k[len(prefix):] for k in s3.fs.find(prefix)}


def _data_keys(s3, table: str) -> set[str]:
    return {k for k in _published_keys(s3, table) if not k.startswith("_quarantine/")}


def _listed(manifest: dict, table: str) -> set[str]:
    """The data files the manifest's version of the table holds for the day (folder-relative)."""
    return {f.split("/", 1)[1] for f in manifest["tables"][table]["files"]}


def _publish(wh, staged: Path, marker: str, n: int) -> dict:
    with wh.lock(DAY, wait_seconds=30, holder=marker):
        return wh.publish(staged, DAY, {"run_id": marker, "row_counts": {"rejects": n}})


def test_publish_commits_a_delta_version_per_table_and_removes_the_replaced_files(s3, tmp_path):
    wh = open_warehouse(f"{s3.url}/wh")
    assert isinstance(wh, storage.ObjectWarehouse)
    first = _publish(wh, _stage(tmp_path, "v1", 2), "v1", 2)
    second = _publish(wh, _stage(tmp_path, "v2", 3), "v2", 3)
    for table in schema.TABLE_NAMES:
        assert second["tables"][table]["version"] == first["tables"][table]["version"] + 1
        # exactly the files the new version lists, nothing of v1 left
        assert _data_keys(s3, table) == _listed(second, table)
        assert s3.fs.exists(f"{s3.bucket}/wh/{table}/_delta_log/{second['tables'][table]['version']:020d}.json")
    assert _published_keys(s3, "rejects") - _data_keys(s3, "rejects") == {"_quarantine/v2.bin"}
    assert len(_listed(second, "rejects")) == 1 and second["tables"]["rejects"]["rows"] == 3
    assert wh.read_manifest(DAY)["run_id"] == "v2"
    assert wh.history("rejects", 1)[0]["news_etl.run_id"] == "v2"  # the audit log names the run
    manifest, parts = wh.read_partition(DAY)
    assert parts["rejects"].column("detail").to_pylist() == ["v2"] * 3
    assert storage.read_table(f"{s3.url}/wh", "rejects", DAY).num_rows == 3
    every_day = storage.read_table(f"{s3.url}/wh", "rejects")
    assert every_day.column("ingest_date").to_pylist() == [date.fromisoformat(DAY)] * 3
    # time travel: the first publish's version of the table, still readable by Delta readers only
    # when the replaced files are kept (NEWS_ETL_DELTA_RETENTION_HOURS); here they were removed
    from deltalake import DeltaTable
    assert DeltaTable(f"{s3.url}/wh/rejects", storage_options=wh.storage_options()).version() == \
        second["tables"]["rejects"]["version"]


_REAL_CHECKPOINT = storage.local.checkpoint


class _Crash(BaseException):
    """Stands in for a SIGKILL at a checkpoint: nothing after it runs (not even `except Exception`)."""


def _crash_at(monkeypatch, name: str) -> None:
    def checkpoint(reached):
        if reached == name:
            raise _Crash(reached)

    monkeypatch.setattr(storage.local, "checkpoint", checkpoint)


def test_crash_before_the_manifest_leaves_the_old_view_and_the_next_run_rolls_back(s3, tmp_path, monkeypatch):
    wh = open_warehouse(f"{s3.url}/wh")
    _publish(wh, _stage(tmp_path, "old", 2), "old", 2)
    _crash_at(monkeypatch, "publish:committed:rejects")  # all six committed, no manifest yet
    with pytest.raises(_Crash):
        _publish(wh, _stage(tmp_path, "new", 5), "new", 5)
    monkeypatch.setattr(storage.local, "checkpoint", _REAL_CHECKPOINT)
    manifest, parts = open_warehouse(f"{s3.url}/wh").read_partition(DAY)
    assert manifest["run_id"] == "old"
    assert parts["rejects"].column("detail").to_pylist() == ["old"] * 2
    assert len(_data_keys(s3, "rejects")) == 2  # the new version's file beside the old one
    assert wh.cut_short(DAY) == ["rejects"]  # (the other tables are empty in both publishes)
    with wh.lock(DAY, wait_seconds=5):
        assert wh.recover(DAY).startswith("rolled back")
    manifest = wh.read_manifest(DAY)
    assert wh.cut_short(DAY) == [] and manifest["run_id"] == "old"
    assert _data_keys(s3, "rejects") == _listed(manifest, "rejects")
    assert _published_keys(s3, "rejects") - _data_keys(s3, "rejects") == {"_quarantine/old.bin"}


def test_crash_after_the_manifest_shows_the_new_version_and_recover_removes_the_old(s3, tmp_path, monkeypatch):
    wh = open_warehouse(f"{s3.url}/wh")
    _publish(wh, _stage(tmp_path, "old", 2), "old", 2)
    _crash_at(monkeypatch, "publish:manifest_written")
    with pytest.raises(_Crash):
        _publish(wh, _stage(tmp_path, "new", 5), "new", 5)
    monkeypatch.setattr(storage.local, "checkpoint", _REAL_CHECKPOINT)
    manifest, parts = wh.read_partition(DAY)
    assert manifest["run_id"] == "new"
    assert parts["rejects"].column("detail").to_pylist() == ["new"] * 5
    assert _data_keys(s3, "rejects") > _listed(manifest, "rejects")  # the replaced files linger
    second = _publish(wh, _stage(tmp_path, "newer", 1), "newer", 1)  # publishing cleans up first
    assert _data_keys(s3, "rejects") == _listed(second, "rejects")


@pytest.mark.parametrize("step", ["publish:committed:articles", "publish:manifest_written", "publish:vacuumed"])
def test_disk_full_during_an_s3_publish_is_rolled_back_or_finished(s3, tmp_path, monkeypatch, step):
    """ENOSPC (etl.faults) at each publish step: before the manifest the publish is undone (the old
    version stays, the fresh uploads are removed, PublishRolledBack); from it on it has happened."""
    from etl import faults

    wh = open_warehouse(f"{s3.url}/wh")
    _publish(wh, _stage(tmp_path, "old", 2), "old", 2)
    monkeypatch.setenv(faults.FAIL_VAR, step)
    faults.reset()
    if step == "publish:committed:articles":
        with pytest.raises(storage.PublishRolledBack, match="rolled back"):
            _publish(wh, _stage(tmp_path, "new", 5), "new", 5)
        manifest, parts = wh.read_partition(DAY)
        assert manifest["run_id"] == "old" and parts["rejects"].num_rows == 2
        assert wh.cut_short(DAY) == []  # articles, committed before the failure, was put back
    else:
        _publish(wh, _stage(tmp_path, "new", 5), "new", 5)
        manifest, parts = wh.read_partition(DAY)
        assert manifest["run_id"] == "new" and parts["rejects"].num_rows == 5


def test_readers_following_the_manifest_never_see_a_mix(s3, tmp_path):
    url = f"{s3.url}/wh"
    staged = [(f"v{i}", i + 1, _stage(tmp_path, f"v{i}", i + 1)) for i in range(6)]
    _publish(open_warehouse(url), *staged[0][2:], *staged[0][:2])
    seen, problems = set(), []
    done = threading.Event()

    def read_while_publishing():
        reader = open_warehouse(url)
        while not done.is_set():
            try:
                manifest, parts = reader.read_partition(DAY)
                details = set(parts["rejects"].column("detail").to_pylist())
                if details != {manifest["run_id"]} or parts["rejects"].num_rows != manifest["row_counts"]["rejects"]:
                    problems.append((manifest["run_id"], details))
                seen.add(manifest["run_id"])
            except Exception as exc:  # noqa: BLE001 - any failure to read is a finding
                problems.append(repr(exc))

    thread = threading.Thread(target=read_while_publishing)
    thread.start()
    try:
        for marker, n, path in staged[1:]:
            _publish(open_warehouse(url), path, marker, n)
            time.sleep(0.05)
    finally:
        time.sleep(0.3)
        done.set()
        thread.join(60)
    assert problems == []
    assert len(seen) >= 2  # the reader did overlap the publishes


def test_publish_lock_is_shared_across_hosts_and_stale_locks_are_broken(s3, tmp_path, monkeypatch, caplog):
    url = f"{s3.url}/wh"
    host_a = storage.ObjectWarehouse(url, work=tmp_path / "host-a")
    host_b = storage.ObjectWarehouse(url, work=tmp_path / "host-b")  # its own flock: only S3 is shared
    with host_a.lock(DAY, holder="run A (publish)"):
        t0 = time.monotonic()
        with pytest.raises(PartitionLocked, match="run A"):
            with host_b.lock(DAY, wait_seconds=1):
                pass
        assert time.monotonic() - t0 >= 1
    with host_b.lock(DAY, wait_seconds=1, holder="run B"):
        pass  # free again once A released it
    # a lock left by a process that died: broken once older than the TTL
    s3.fs.pipe_file(f"{s3.bucket}/wh/_locks/ingest_date={DAY}.lock", b'{"holder": "dead run"}')
    with pytest.raises(PartitionLocked, match="dead run"):
        with host_b.lock(DAY, wait_seconds=0):
            pass
    # ... or at once when its holder was a process of this host that is gone
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    s3.fs.pipe_file(f"{s3.bucket}/wh/_locks/ingest_date={DAY}.lock", json.dumps(
        {"holder": "killed run", "host": socket.gethostname(), "pid": int(dead.stdout)}).encode())
    with host_b.lock(DAY, wait_seconds=0, holder="run D"):
        pass
    s3.fs.pipe_file(f"{s3.bucket}/wh/_locks/ingest_date={DAY}.lock", b'{"holder": "dead run"}')
    monkeypatch.setenv("NEWS_ETL_S3_LOCK_TTL_SECONDS", "1")
    time.sleep(1.5)
    with caplog.at_level(logging.WARNING, logger="etl.warehouse.s3"), host_b.lock(DAY, wait_seconds=5, holder="run C"):
        holder = json.loads(s3.fs.cat_file(f"{s3.bucket}/wh/_locks/ingest_date={DAY}.lock"))
        assert holder["holder"] == "run C"
    assert "breaking the lock" in caplog.text


def test_two_committers_of_one_version_on_s3_only_one_wins(s3, tmp_path):
    """Delta's commit on S3 is a PUT of `_delta_log/<version>.json` with If-None-Match: * (which
    the test server honours): two hosts that read the same version and both commit the same day
    cannot both succeed; the loser fails with a conflict, and the log gains one version."""
    from deltalake import DeltaTable, write_deltalake
    from deltalake.exceptions import CommitFailedError

    wh = open_warehouse(f"{s3.url}/wh")
    _publish(wh, _stage(tmp_path, "base", 1), "base", 1)
    uri, options = wh.table_uri("rejects"), wh.storage_options()
    assert "AWS_S3_ALLOW_UNSAFE_RENAME" not in options
    host_a, host_b = DeltaTable(uri, storage_options=options), DeltaTable(uri, storage_options=options)
    start = host_a.version()
    rows = storage.delta.read_day(uri, options, "rejects", DAY, start)
    with_day = rows.append_column("ingest_date", pa.array([date.fromisoformat(DAY)] * rows.num_rows, pa.date32()))
    write_deltalake(host_a, with_day, mode="overwrite", predicate=f"ingest_date = '{DAY}'")
    with pytest.raises(CommitFailedError):
        write_deltalake(host_b, with_day, mode="overwrite", predicate=f"ingest_date = '{DAY}'")
    assert DeltaTable(uri, storage_options=options).version() == start + 1
    # and the server refuses to overwrite a commit file outright
    log_key = f"{s3.bucket}/wh/rejects/_delta_log/{start + 1:020d}.json"
    bucket, _, key = log_key.partition("/")
    with pytest.raises(Exception, match="PreconditionFailed|pre-conditions"):
        s3.fs.call_s3("put_object", Bucket=bucket, Key=key, Body=b"{}", IfNoneMatch="*")


# --- end to end --------------------------------------------------------------------------------
def _land(s3, day: str = DAY) -> list[str]:
    """The seed day, a JSON Lines file (one article, one bad line) and a skipped `_` object."""
    for f in sorted((ROOT / "seeds" / day).iterdir()):
        s3.fs.put_file(str(f), f"{s3.bucket}/landing/{day}/{f.name}")
    s3.fs.pipe_file(f"{s3.bucket}/landing/{day}/more/lines.jsonl", JSONL)
    s3.fs.pipe_file(f"{s3.bucket}/landing/{day}/_incoming.txt", b"half-written")
    return [f.name for f in (ROOT / "seeds" / day).iterdir()]


def _assert_tidy(s3, manifest: dict) -> None:
    for table in schema.TABLE_NAMES:
        assert _data_keys(s3, table) == _listed(manifest, table)
    assert not s3.fs.exists(f"{s3.bucket}/wh/_staging") or not s3.fs.find(f"{s3.bucket}/wh/_staging")


@pytest.mark.slow
def test_cli_runs_end_to_end_on_s3_and_survives_a_kill_during_publish(s3, tmp_path, monkeypatch):
    from etl import cli

    seeds = _land(s3)
    monkeypatch.setenv("NEWS_ETL_CACHE_DIR", str(tmp_path / "cache"))  # shared by the runs below
    args = ["run", "--input", f"{s3.url}/landing/{DAY}", "--warehouse", f"{s3.url}/wh", "--date", DAY, "--quiet"]
    assert cli.main(args + ["--run-id", "first"]) == 0

    wh = open_warehouse(f"{s3.url}/wh")
    manifest, parts = wh.read_partition(DAY)
    assert manifest["run_id"] == "first" and manifest["input_count"] == len(seeds) + 2
    uris = sorted(parts["articles"].column("source_uri").to_pylist())
    assert uris == sorted([f"{s3.url}/landing/{DAY}/{n}" for n in seeds] + [f"{s3.url}/landing/{DAY}/more/lines.jsonl#L1"])
    assert parts["rejects"].select(["source_uri", "reason"]).to_pylist() == [
        {"source_uri": f"{s3.url}/landing/{DAY}/more/lines.jsonl#L3", "reason": "bad_json"}]
    assert parts["entities"].num_rows > 5
    assert s3.fs.exists(fs.key(manifest["validation"]["results"]))  # reports kept beside the tables
    assert manifest["validation"]["results"].startswith(f"{s3.url}/wh/_reports/")
    _assert_tidy(s3, manifest)

    # the same inputs from local disk give the same tables (but for where they came from)
    local_in = tmp_path / "local" / DAY
    shutil.copytree(ROOT / "seeds" / DAY, local_in)
    (local_in / "more").mkdir()
    (local_in / "more" / "lines.jsonl").write_bytes(JSONL)
    assert cli.main(["run", "--input", str(local_in), "--warehouse", str(tmp_path / "local-wh"),
                     "--date", DAY, "--quiet", "--run-id", "local"]) == 0
    local_articles = open_warehouse(tmp_path / "local-wh").read_table("articles", DAY)
    drop = ["article_id", "source_uri"]
    assert sorted(map(str, local_articles.drop_columns(drop).to_pylist())) == \
        sorted(map(str, parts["articles"].drop_columns(drop).to_pylist()))

    # a run killed (SIGKILL) between its commits, before its manifest: readers keep the first run
    env = dict(os.environ, NEWS_ETL_CRASH_AT="publish:committed:entities", PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "etl.cli"] + args + ["--run-id", "killed"], env=env,
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == -9, proc.stderr[-2000:]
    assert wh.read_partition(DAY)[0]["run_id"] == "first"
    assert len(_data_keys(s3, "articles")) == 2
    assert wh.cut_short(DAY) == ["articles", "entity_mentions", "entities"]

    # the next run rolls back, cleans up and publishes
    assert cli.main(args + ["--run-id", "third"]) == 0
    manifest3, parts3 = wh.read_partition(DAY)
    assert manifest3["run_id"] == "third"
    assert parts3["articles"].to_pylist() == parts["articles"].to_pylist()
    _assert_tidy(s3, manifest3)
    assert cli.main(["show", "--warehouse", f"{s3.url}/wh", "--date", DAY, "--rows", "1"]) == 0


@pytest.mark.slow
def test_dag_tasks_on_separate_machines_share_staging_through_s3(s3, tmp_path, monkeypatch):
    """Each task body runs with its own local work folder, as on different workers: everything a
    task needs from an earlier one must come through the warehouse's `_staging/` prefix."""
    from etl.airflow import tasks as airflow_tasks

    seeds = _land(s3)
    monkeypatch.setenv("NEWS_ETL_LANDING", f"{s3.url}/landing")
    monkeypatch.setenv("NEWS_ETL_WAREHOUSE", f"{s3.url}/wh")
    context = {"params": {"partition_date": DAY, "files_per_batch": 1}, "run_id": "manual__dag"}
    machines = iter(range(100))

    def on_another_machine():
        monkeypatch.setenv("NEWS_ETL_WORK_DIR", str(tmp_path / f"worker-{next(machines)}"))

    on_another_machine()
    batches = airflow_tasks.plan(context)
    assert len(batches) == len(seeds) + 1
    summaries = []
    for batch in batches:
        on_another_machine()
        summaries.append(airflow_tasks.process(json.loads(json.dumps(batch))))  # through "XCom"
    on_another_machine()
    assert airflow_tasks.finalize(context, batches)["inputs"] == len(seeds) + 2
    on_another_machine()
    assert airflow_tasks.validate(context)["success"]
    on_another_machine()
    manifest = airflow_tasks.publish(context)
    assert manifest["run_id"] == "manual__dag"
    published, parts = open_warehouse(f"{s3.url}/wh").read_partition(DAY)
    assert published == manifest
    assert parts["articles"].num_rows == len(seeds) + 1
    _assert_tidy(s3, manifest)
    # a retried publish finds the partition already published by this run
    on_another_machine()
    assert airflow_tasks.publish(context)["run_id"] == "manual__dag"


@pytest.fixture(scope="module")
def airflow_db():
    from airflow.utils import db

    db.resetdb()


@pytest.mark.slow
def test_dag_test_publishes_from_s3_landing_to_s3_warehouse(s3, airflow_db, monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    seeds = _land(s3)
    monkeypatch.setenv("NEWS_ETL_LANDING", f"{s3.url}/landing")
    monkeypatch.setenv("NEWS_ETL_WAREHOUSE", f"{s3.url}/wh")
    dag = DagBag(dag_folder=str(ROOT / "dags")).dags["news_etl"]
    run = dag.test(run_conf={"partition_date": DAY, "files_per_batch": 1})
    assert run.state == "success"
    manifest, parts = open_warehouse(f"{s3.url}/wh").read_partition(DAY)
    assert manifest["run_id"] == run.run_id
    assert parts["articles"].num_rows == len(seeds) + 1
    _assert_tidy(s3, manifest)


# --- drift history and report pruning on the store ------------------------------------------
def test_drift_history_and_report_pruning_work_on_the_store(s3):
    from etl.run.history import trailing_stats

    wh = open_warehouse(s3.url)
    for day, articles in (("2025-11-01", 10), ("2025-11-02", 0), ("2025-11-03", 12)):
        s3.fs.pipe_file(f"{s3.bucket}/_manifests/ingest_date={day}.json",
                        json.dumps({"run_id": f"r-{day}", "tables": {}, "stats": {"articles": articles}}).encode())
    history = trailing_stats(wh, "2025-11-04")
    assert [h["date"] for h in history] == ["2025-11-01", "2025-11-03"]  # an empty day is no baseline
    assert trailing_stats(wh, "2025-11-03") == [{"date": "2025-11-01", "stats": {"articles": 10}}]

    prefix = f"{s3.bucket}/_reports/ingest_date=2025-11-03"
    for i in range(4):
        s3.fs.pipe_file(f"{prefix}/run{i}/validation.json", b"{}")
        s3.fs.pipe_file(f"{prefix}/run{i}/data_docs/index.html", b"<html></html>")
        time.sleep(1.1)  # the store's timestamps have one-second resolution
    removed = wh.prune_reports("2025-11-03", keep=2, protect={"run0"})
    assert removed == ["run1"]  # the newest two stay, and run0 (the published run's, linked by the manifest)
    assert sorted(p.rsplit("/", 1)[-1] for p in s3.fs.ls(prefix, detail=False)) == ["run0", "run2", "run3"]
