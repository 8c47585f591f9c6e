"""Which partition a DAG run builds, said where an operator and a downstream DAG can see it.

* Mapped `process` tasks are labelled "<ingest date> batch <n>/<of> (<k> files)" (the DAG's
  map_index_template), so the grid and `GET .../taskInstances` name the day and the batch.
* `plan` pushes the day as its own XCom (`ingest_date`), also for a day with no input files.
* `publish` attaches `event_extra` to each table's asset event: the day, the row counts, where the
  manifest and the table's partition are, and the run id. Downstream DAGs read it from
  `triggering_asset_events` (`ingest_dates` below); `GET /api/v2/assets/events` shows it.

Why the asset URIs stay `file:///news_etl/warehouse/<table>` rather than the warehouse's real
location: Airflow 3 keys an asset by name AND uri and marks an asset inactive when the DAG file
declares the same name with another uri (tasks then fail with
AirflowInactiveAssetInInletOrOutletException). The warehouse is configuration (NEWS_ETL_WAREHOUSE,
a path or an s3:// URL, different per deployment and per test), so the DAG cannot put it in the
identity; the real location travels in every event instead (`location`, `manifest`).

Why not Airflow's partition keys (`outlet_events[...].add_partitions`): an event that carries a
partition key only queues partition-aware DAGs (PartitionedAssetTimetable); an ordinary
asset-scheduled DAG, like the example downstream DAG, would never be triggered."""
from __future__ import annotations

from collections.abc import Iterable, Mapping


def event_extra(manifest: Mapping, table: str, warehouse) -> dict:
    """The details one table's asset event carries (JSON values only: they are stored as is)."""
    day = manifest["ingest_date"]
    location = manifest_location = None
    if warehouse is not None:
        location = str(warehouse.partition_dir(table, day))
        manifest_location = str(warehouse.manifest_path(day))
    counts = {str(t): int(n) for t, n in (manifest.get("row_counts") or {}).items()}
    return {
        "ingest_date": day,
        "table": table,
        "rows": counts.get(table),
        "row_counts": counts,
        "input_count": manifest.get("input_count"),
        "manifest": manifest_location,
        "location": location,
        "run_id": manifest.get("run_id"),
        "pipeline_version": manifest.get("pipeline_version"),
    }


def annotate_events(outlet_events, assets: Iterable, tables: Iterable[str], manifest: Mapping | None,
                    warehouse_root: str) -> None:
    """Fill each published table's asset event (publish task); a publish that returned no
    manifest leaves the events bare rather than failing a run that did publish."""
    if not manifest or not manifest.get("ingest_date"):
        return
    from etl.warehouse import open_warehouse

    wh = open_warehouse(warehouse_root)
    for asset, table in zip(assets, tables):
        outlet_events[asset].extra = event_extra(manifest, table, wh)


def ingest_dates(triggering_asset_events: Mapping) -> list[dict]:
    """One entry per triggering event, oldest first: {ingest_date, run_id, location, manifest,
    rows}. Several publishes may be folded into one downstream run (the scheduler queues it once
    for all events since the last run), so a consumer must handle each, not only the last.
    Events without an ingest_date (e.g. created by hand in the UI) are skipped."""
    found = []
    for events in triggering_asset_events.values():
        for event in events:
            extra = getattr(event, "extra", None) or {}
            if not extra.get("ingest_date"):
                continue
            found.append({"ingest_date": str(extra["ingest_date"]), "run_id": extra.get("run_id"),
                          "location": extra.get("location"), "manifest": extra.get("manifest"),
                          "rows": extra.get("rows"), "timestamp": str(getattr(event, "timestamp", ""))})
    return sorted(found, key=lambda e: (e["timestamp"], e["ingest_date"]))
