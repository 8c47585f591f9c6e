"""news_etl: one day of raw articles from the landing zone -> validated Parquet partition.

Wiring only: every task is one call into `etl.airflow.tasks`; nothing is imported from `etl`
(or pandas, spaCy, GX) when this file is parsed. Tasks pass paths and counts through XCom."""
from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Asset, CronDataIntervalTimetable, Param, dag, task

TABLES = ("articles", "entity_mentions", "entities", "quotes", "image_captions", "rejects")
# Static identities (Airflow 3 refuses assets whose URI changes under the same name); where the
# warehouse lives is configuration (NEWS_ETL_WAREHOUSE), not part of the asset: each event names
# the real location in its extra (etl.airflow.partitions).
PUBLISHED = [Asset(name=f"news_etl_{t}", uri=f"file:///news_etl/warehouse/{t}") for t in TABLES]
# "2025-12-03 batch 2/5 (200 files)": rendered before the task starts, from its mapped argument.
BATCH_LABEL = ("{% set b = task.op_kwargs['batch'] %}{{ b['ingest_date'] }} batch {{ b['batch_no'] + 1 }}"
               "/{{ b['batch_count'] }} ({{ b['files'] | length }} files)")


@dag(
    dag_id="news_etl",
    # Runs at 02:00 UTC for the previous day: the data interval is that whole day.
    schedule=CronDataIntervalTimetable("0 2 * * *", timezone="UTC"),
    start_date=datetime(2025, 12, 1),
    catchup=False,
    max_active_runs=4,
    default_args={"retries": 2, "retry_delay": timedelta(seconds=30)},
    params={
        "partition_date": Param(None, type=["null", "string"], format="date",
                                description="Partition to build (YYYY-MM-DD); default: the data interval's day"),
        "files_per_batch": Param(None, type=["null", "integer"], minimum=1,
                                 description="Input files per mapped batch task"),
        "landing": Param(None, type=["null", "string"], description="Landing root (default NEWS_ETL_LANDING)"),
        "allow_empty": Param(False, type="boolean",
                             description="Publish an empty partition when the day's landing folder is missing "
                                         "or empty (otherwise plan fails: a missing folder is not a quiet day)"),
    },
    tags=["news-etl"],
    doc_md=__doc__,
)
def news_etl():
    @task
    def plan(**context) -> list[dict]:
        from etl.airflow import tasks

        # the day as its own XCom: visible in the UI/REST even when it maps no batch
        context["ti"].xcom_push(key="ingest_date", value=tasks.partition_date(context))
        return tasks.plan(context)

    # Each mapped task is labelled with its day and batch in the grid and the REST API.
    # (plain Jinja: a filter from etl would import etl when the file is parsed)
    @task(max_active_tis_per_dagrun=8, map_index_template=BATCH_LABEL)
    def process(batch: dict) -> dict:
        from etl.airflow import tasks

        return tasks.process(batch)

    # none_failed: a day asked to be empty (allow_empty) maps zero batches and still publishes.
    @task(trigger_rule="none_failed")
    def finalize(batches: list, batch_summaries: list, **context) -> dict:
        from etl.airflow import tasks

        return tasks.finalize(context, batches)

    @task
    def validate(finalized: dict, **context) -> dict:
        from etl.airflow import tasks

        return tasks.validate(context)

    @task(outlets=PUBLISHED)
    def publish(audit: dict, **context) -> dict:
        from etl.airflow import partitions, tasks

        manifest = tasks.publish(context)
        partitions.annotate_events(context["outlet_events"], PUBLISHED, TABLES, manifest, tasks.warehouse_root())
        return manifest

    batches = plan()
    summaries = process.expand(batch=batches)
    publish(validate(finalize(batches, summaries)))


news_etl()
