"""One day through the Celery cluster (etl/airflow/cluster.py) with 1, 2, ... workers: wall time.

    python scripts/bench_cluster.py [--n 2000 | --input DIR] [--workers 1 2] [--files-per-batch K]
                                    [--workdir DIR] [--keep]

Builds a corpus of N distinct articles (scripts/bench_corpus.py) or takes --input DIR (the day's
files), then for each worker count in turn, back to back on the same corpus: starts a fresh
cluster (PostgreSQL, Redis, moto S3, Airflow with the CeleryExecutor, N workers of concurrency 1;
a fresh root, so no worker starts with a warm article cache), uploads the day to the landing
prefix, triggers one run of `news_etl` for it and waits for success. Records, with the load
average before each cluster starts:
  * run: trigger to the run's end (its end_date in the metadata DB), and as polled here;
  * total: cluster start + upload + run;
  * the `process` phase (first mapped task's start to the last one's end), which worker ran
    which mapped batch (each worker's own task logs), and each worker's busy time;
and checks that the run succeeded, that the published manifest counts every input document as
an article or a reject and each table's published rows equal the manifest's count, and that with
more than one worker every worker ran at least one batch. The cluster is stopped in every case
(failure, Ctrl-C, SIGTERM). Exit status 1 if a check failed.

Only `process` fans out: a day of F input files is cut into ceil(F / files_per_batch) mapped
tasks (default 200 files each), and a JSON Lines file is one file however many records it holds.
Each worker runs one task at a time with one NLP process (etl.config.task_nlp_processes), so
workers can only help while there are at least as many batches left as workers."""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DAY = "2025-12-01"
_MAP_INDEX = re.compile(r"map_index=(-?\d+)")


def _documents(day_dir: Path) -> tuple[int, int]:
    """(input files, documents): a JSON Lines file holds one document per non-empty line."""
    files = sorted(p for p in day_dir.rglob("*") if p.is_file())
    docs = 0
    for f in files:
        if f.suffix == ".jsonl":
            with f.open(encoding="utf-8") as fh:
                docs += sum(1 for line in fh if line.strip())
        else:
            docs += 1
    return len(files), docs


def _ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def run_once(workers: int, landing: Path, documents: int, root: Path, files_per_batch: int | None,
             timeout: float) -> dict:
    """One fresh cluster with `workers` workers, one run of DAY; the cluster is always stopped."""
    from etl.airflow.cluster import WAREHOUSE, LocalCluster, upload_landing
    from etl.model import schema
    from etl.warehouse import open_warehouse

    shutil.rmtree(root, ignore_errors=True)
    result: dict = {"workers": workers, "uptime_before": _load(), "load_before": os.getloadavg()}
    print(f"\n== {workers} worker(s); before: {result['uptime_before']}", flush=True)
    # only the run triggered here: no scheduled runs of the scheduler's own
    cluster = LocalCluster(root, workers=workers, extra_env={"AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False"})
    t0 = time.monotonic()
    try:
        cluster.start()
        result["start_seconds"] = time.monotonic() - t0
        t1 = time.monotonic()
        upload_landing(cluster, landing)
        result["upload_seconds"] = time.monotonic() - t1
        print(f"  cluster up in {result['start_seconds']:.0f} s, day uploaded in {result['upload_seconds']:.0f} s; "
              "running the day ...", flush=True)
        conf = {"files_per_batch": files_per_batch} if files_per_batch else {}
        run = cluster.run_day(DAY, conf=conf, timeout=timeout)
        result["total_seconds"] = time.monotonic() - t0
        result.update(run_id=run["run_id"], state=run["state"], polled_seconds=run["seconds"])
        end = _ts(run["dag_run"].get("end_date"))
        result["run_seconds"] = (end - run["triggered_at"]).total_seconds() if end else None
        result["load_after"] = os.getloadavg()

        steps: dict[str, float] = {}  # the unmapped tasks' durations, and where trigger-to-start went
        for t in run["task_instances"]:
            if t["task_id"] != "process" and t.get("start_date") and t.get("end_date"):
                steps[t["task_id"]] = (_ts(t["end_date"]) - _ts(t["start_date"])).total_seconds()
        result["task_seconds"] = steps
        process = [t for t in run["task_instances"] if t["task_id"] == "process"]
        spans = {t["map_index"]: (_ts(t["start_date"]), _ts(t["end_date"])) for t in process}
        starts = [s for s, _ in spans.values() if s]
        ends = [e for _, e in spans.values() if e]
        result["batches"] = len(process)
        result["process_phase_seconds"] = (max(ends) - min(starts)).total_seconds() if starts and ends else None
        result["batch_seconds"] = {i: (e - b).total_seconds() for i, (b, e) in sorted(spans.items()) if b and e}
        result["retried"] = sorted(t["map_index"] for t in process if t.get("try_number", 1) > 1)
        by_worker = {}
        for name, logs in cluster.run_task_logs(run["run_id"]).items():
            indexes = sorted({int(m.group(1)) for p in logs if (m := _MAP_INDEX.search(str(p)))})
            busy = sum((spans[i][1] - spans[i][0]).total_seconds() for i in indexes
                       if i in spans and all(spans[i]))
            by_worker[name] = {"map_indexes": indexes, "busy_seconds": busy}
        result["by_worker"] = by_worker

        if run["state"] != "success":
            failed = [(t["task_id"], t.get("map_index"), t["state"]) for t in run["task_instances"]
                      if t["state"] != "success"]
            print(f"  run {run['run_id']} ended {run['state']}: {failed}; logs under {root}", flush=True)
            result["checks"] = {"run succeeded": False}
            return result
        with cluster.s3_client():
            os.environ["NEWS_ETL_WORK_DIR"] = str(root / "bench-reader")
            wh = open_warehouse(WAREHOUSE)
            manifest = wh.read_manifest(DAY) or {}
            counts = manifest.get("row_counts") or {}
            published = {t: wh.read_table(t, DAY).num_rows for t in schema.TABLE_NAMES}
        result["row_counts"] = counts
        checks = {
            "run succeeded": run["state"] == "success",
            "manifest is this run's": manifest.get("run_id") == run["run_id"],
            f"articles + rejects = {documents} input documents":
                counts.get("articles", 0) + counts.get("rejects", 0) == documents,
            "published rows = manifest row counts": all(published[t] == counts.get(t) for t in published),
            "every worker ran a batch": all(w["map_indexes"] for w in by_worker.values()),
        }
        result["checks"] = checks
    finally:
        # a second Ctrl-C while stopping would leave services running: ignored until they are down
        previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            cluster.stop()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    return result


def _report(results: list[dict], files: int, documents: int, files_per_batch: int) -> str:
    lines = [f"\ncorpus: {documents} documents in {files} files; files_per_batch={files_per_batch} "
             f"-> {math.ceil(files / files_per_batch)} mapped process tasks; cores {os.cpu_count()}",
             f"{'workers':>7} {'run s':>7} {'polled s':>8} {'process s':>9} {'total s':>8} {'start s':>7}  "
             f"load before (1/5/15)  batches per worker (busy s)"]
    for r in (r for r in results if r.get("row_counts") is not None):
        per = ", ".join(f"{n}: {len(w['map_indexes'])} ({w['busy_seconds']:.0f})" for n, w in r["by_worker"].items())
        lines.append(f"{r['workers']:>7} {r['run_seconds']:>7.1f} {r['polled_seconds']:>8.1f} "
                     f"{r['process_phase_seconds']:>9.1f} {r['total_seconds']:>8.1f} {r['start_seconds']:>7.1f}  "
                     f"{'/'.join(f'{x:.2f}' for x in r['load_before']):<20}  {per}")
    if len(results) > 1 and all(r.get("row_counts") is not None for r in results):
        lines.append(f"run time {results[0]['workers']} -> {results[-1]['workers']} workers: "
                     f"{results[0]['run_seconds'] / results[-1]['run_seconds']:.2f} x faster")
    for r in results:
        failed = [c for c, ok in r["checks"].items() if not ok]
        lines.append(f"checks ({r['workers']} worker(s)): " + ("all passed" if not failed else "FAILED: " + "; ".join(failed))
                     + f"; rows {r.get('row_counts', {}).get('articles')} articles, "
                       f"{r.get('row_counts', {}).get('rejects')} rejects"
                     + (f"; retried batches {r['retried']}" if r.get("retried") else "")
                     + ("; other tasks " + ", ".join(f"{k} {v:.0f} s" for k, v in r["task_seconds"].items())
                        if r.get("task_seconds") else ""))
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="articles to generate (ignored with --input)")
    ap.add_argument("--input", help="folder of the day's raw pages instead of a generated corpus")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts, run in this order")
    ap.add_argument("--files-per-batch", type=int, help="the DAG's files_per_batch param (default: its own, 200)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds to wait for one run")
    ap.add_argument("--workdir", help="where to build everything (default: a temporary folder)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (clusters' logs)")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(REPO))
    from etl import config
    from etl.airflow.cluster import missing_binaries

    if missing_binaries():
        print(f"missing system packages for: {', '.join(missing_binaries())}", file=sys.stderr)
        return 2

    def interrupted(signum, frame):  # SIGTERM/SIGHUP unwind like Ctrl-C: the cluster is stopped
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)

    work = Path(args.workdir or tempfile.mkdtemp(prefix="news-etl-bench-cluster-")).resolve()
    landing = work / "landing"
    sys.path.insert(0, str(REPO / "scripts"))
    import bench_corpus

    day = bench_corpus.stage_day(landing, DAY, args.input, args.n)
    files, documents = _documents(day)
    per_batch = args.files_per_batch or config.files_per_batch()
    print(f"corpus: {documents} documents in {files} files -> {math.ceil(files / per_batch)} mapped batches "
          f"of up to {per_batch} files; cores {os.cpu_count()}", flush=True)

    results = []
    for n in args.workers:
        results.append(run_once(n, landing, documents, work / f"cluster-{n}w", args.files_per_batch, args.timeout))
        print(_report(results[-1:], files, documents, per_batch).split("\n", 2)[-1], flush=True)
    print(_report(results, files, documents, per_batch))
    (work / "bench_cluster.json").write_text(json.dumps(results, indent=1, default=str))
    print(f"details: {work}/bench_cluster.json")
    passed = all(all(r["checks"].values()) for r in results)
    if passed and not args.keep and not args.workdir:  # a failure keeps the clusters' logs
        shutil.rmtree(work, ignore_errors=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
