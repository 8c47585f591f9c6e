"""The DAG's task bodies: each DAG task is one call into this module, which reads the Airflow
context (partition date, run id, settings) and calls the same pipeline steps as the CLI.

Imported only inside running tasks, never when the DAG file is parsed."""
from __future__ import annotations

import logging
import os
from datetime import date, datetime
from pathlib import Path

from etl import config, fs
from etl.run import pipeline
from etl.warehouse import open_warehouse, staging_mirror

REPO = Path(__file__).resolve().parents[2]
log = logging.getLogger(__name__)


def _fail(message: str):
    """A failure that retrying cannot fix (the same inputs give the same verdict): the task fails
    at once instead of running twice more."""
    from airflow.sdk.exceptions import AirflowFailException

    return AirflowFailException(message)


def landing_root() -> str:
    return os.environ.get("NEWS_ETL_LANDING", str(REPO / "seeds"))


def warehouse_root() -> str:
    return os.environ.get("NEWS_ETL_WAREHOUSE", str(REPO / "warehouse"))


def partition_date(context) -> str:
    """The partition a run is for: the `partition_date` param, else the start of the data
    interval, else the logical date, else when the run was due (manual runs may have no logical
    date in Airflow 3, and then no data interval either)."""
    params = context.get("params") or {}
    if params.get("partition_date"):
        return date.fromisoformat(str(params["partition_date"])).isoformat()
    dag_run = context.get("dag_run")
    for value in (context.get("data_interval_start"), context.get("logical_date"),
                  getattr(dag_run, "run_after", None) if dag_run is not None else None):
        if value is not None:
            return _as_date(value)
    raise ValueError("cannot tell which partition this run is for: pass partition_date")


def _as_date(value) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return datetime.fromisoformat(str(value)).date().isoformat()


def _partition(context) -> tuple[str, str, str]:
    """(ingest date, warehouse, run id): every task derives the same values from its context."""
    return partition_date(context), warehouse_root(), context["run_id"]


def plan(context) -> list[dict]:
    """Batches of the partition's input files, each carrying what `process` needs."""
    day, warehouse, run_id = _partition(context)
    params = context.get("params") or {}
    landing = fs.join(params.get("landing") or landing_root(), day)
    # A landing folder that is missing or empty fails the task at once (NoInputs: a retry meets the
    # same folder); one that cannot be listed (ingest.LandingUnreachable) fails it with retries,
    # since a store's refusal can be transient.
    try:
        result = pipeline.plan([landing], warehouse, day, run_id, files_per_batch=params.get("files_per_batch"),
                               allow_empty=bool(params.get("allow_empty")))
    except pipeline.NoInputs as exc:
        log.error("%s", exc)
        raise _fail(str(exc)) from None
    # On an object-store warehouse each task's staging is local to its worker: share it.
    mirror = staging_mirror(warehouse, day, run_id)
    if mirror:
        mirror.push(replace=True)
    return [dict(b, staging=result["staging"], ingest_date=day, warehouse=warehouse, run_id=run_id,
                 batch_count=len(result["batches"])) for b in result["batches"]]


def process(batch: dict) -> dict:
    mirror = staging_mirror(batch.get("warehouse", ""), batch["ingest_date"], batch.get("run_id", ""))
    staging = str(mirror.local) if mirror else batch["staging"]  # a worker's own local folder
    # one NLP worker per task unless NEWS_ETL_PROCESSES says otherwise: the scheduler runs tasks side by side
    summary = pipeline.process_batch(staging, batch["batch_no"], batch["files"], batch["ingest_date"],
                                     processes=config.task_nlp_processes())
    if mirror:
        mirror.push(f"batches/{batch['batch_no']:05d}", done_marker="_DONE")
    return summary


def _staged(context):
    """(ingest date, warehouse, run id, local staging folder, S3 staging mirror or None)."""
    day, warehouse, run_id = _partition(context)
    staging = open_warehouse(warehouse).staging_dir(day, run_id)
    return day, warehouse, run_id, str(staging), staging_mirror(warehouse, day, run_id)


def finalize(context, batches: list[dict]) -> dict:
    day, _, _, staging, mirror = _staged(context)
    if mirror:
        mirror.pull("plan.json", "batches", complete_if="_DONE")
    result = pipeline.finalize(staging, day, expected_batches=len(batches))
    if mirror:
        mirror.push("final", "finalized.json", replace=False)
    return result


def validate(context) -> dict:
    """Run the suites. A failed validation fails the task without retries (the same staged
    partition gives the same verdict); an error on the way (storage, a crash) still retries. The
    log ends with the verdict: each failed expectation, its table, what was observed, the report."""
    day, warehouse, run_id, staging, mirror = _staged(context)
    if mirror:
        mirror.pull("final", "finalized.json")
    wh = open_warehouse(warehouse)
    try:
        result = pipeline.audit(staging, day, warehouse, run_id)
    except pipeline.ValidationFailed as exc:
        if mirror:
            mirror.push("audit.json")
        report = exc.report
        log.error("Validation of partition %s failed; nothing published.\n%s\nreport: %s\ndata docs: %s", day,
                  report.summary(), wh.public_path(report.results_path), wh.public_path(report.data_docs_path))
        # the exception's message is the last thing Airflow logs: the verdict once more, short
        raise _fail(f"validation of partition {day} failed: "
                    + "; ".join(f"{f['table']}: {f['expectation']}"
                                + (f" observed {f['observed']}" if f.get("observed") is not None else "")
                                for f in report.failures[:5])
                    + f" (report: {wh.public_path(report.results_path)})") from None
    if mirror:
        mirror.push("audit.json")
    log.info("Validation of partition %s %s\nreport: %s\ndata docs: %s", day, result["summary"],
             result["results_path"], result["data_docs"])
    return {k: v for k, v in result.items() if k not in ("warned", "failures")}


def publish(context) -> dict:
    day, warehouse, run_id, staging, mirror = _staged(context)
    if mirror:
        mirror.pull("final", "finalized.json", "audit.json")
    manifest = pipeline.publish(staging, day, warehouse, run_id)
    if mirror:
        mirror.drop()
    return manifest
