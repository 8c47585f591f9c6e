"""Publishing tables that did not come from a run, through the one publish code path: a warehouse
written by news-etl before the Delta tables (`news-etl migrate`), and hand-made test warehouses.

A warehouse of the earlier layout has, per table and day, plain Parquet files
(`<table>/ingest_date=<d>/part-*.parquet`, those its manifest lists) and a manifest whose
`tables` entry lists file names with checksums. `migrate` publishes each manifest's files as the
day's Delta commit (the manifest's other fields kept), then deletes the old files; quarantine
blobs stay where they are (the same folder)."""
from __future__ import annotations

import logging
import shutil
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from etl.model import schema
from etl.warehouse.local import PART_NAME, Warehouse, write_parquet

log = logging.getLogger(__name__)


def publish_tables(wh: Warehouse, ingest_date: str, tables: dict[str, pa.Table], manifest: dict) -> dict:
    """Publish one day's tables (missing ones empty) as a run would, manifest fields from `manifest`."""
    staged = wh.staging_dir(ingest_date, f"publish-{uuid.uuid4().hex[:12]}") / "final"
    try:
        for table in schema.TABLE_NAMES:
            spec = schema.TABLES[table].arrow_schema()
            t = tables.get(table)
            write_parquet(spec.empty_table() if t is None else t.select(spec.names).cast(spec),
                          staged / table / PART_NAME)
        with wh.lock(ingest_date, wait_seconds=60):
            return wh.publish(staged, ingest_date, manifest)
    finally:
        shutil.rmtree(staged.parent, ignore_errors=True)


def _is_converted(manifest: dict) -> bool:
    return all(isinstance(v, dict) and "version" in v for v in manifest.get("tables", {}).values())


def migrate(wh: Warehouse) -> list[str]:
    """Convert every published day of an earlier-layout warehouse into the Delta tables. Days
    already converted are left alone, so a migration cut short is finished by running it again.
    Returns the days converted."""
    done = []
    for day in wh.published_dates():
        manifest = wh.read_manifest(day)
        if manifest is None or _is_converted(manifest):
            continue
        tables, old_files = {}, {}
        for table in schema.TABLE_NAMES:
            names = [n for n in manifest["tables"].get(table, {})
                     if n.endswith(".parquet") and "/" not in n and not n.startswith(("_", "."))]
            old_files[table] = names
            spec = schema.TABLES[table].arrow_schema()
            parts = [_read(wh, table, day, n, spec) for n in sorted(names)]
            tables[table] = pa.concat_tables(parts) if parts else spec.empty_table()
            want = (manifest.get("row_counts") or {}).get(table)
            if want is not None and tables[table].num_rows != want:
                raise ValueError(f"{table} of {day} has {tables[table].num_rows} rows, its manifest says {want}: "
                                 f"not converted (repair the day with a run first)")
        fields = {k: v for k, v in manifest.items() if k not in ("tables", "storage")}
        publish_tables(wh, day, tables, dict(fields, migrated_from=manifest.get("storage") or "hive-parquet"))
        for table, names in old_files.items():
            wh._delete(table, day, names)  # the publish's clean-up already did this on local disk
        done.append(day)
        log.info("partition %s: converted to Delta", day)
    return done


def _read(wh: Warehouse, table: str, day: str, name: str, spec: pa.Schema) -> pa.Table:
    path = f"{wh.partition_dir(table, day)}/{name}"
    if hasattr(wh, "fs"):
        return pq.read_table(pa.BufferReader(wh.fs.cat_file(path)), schema=spec)
    return pq.read_table(Path(path), schema=spec)


__all__ = ["migrate", "publish_tables"]
