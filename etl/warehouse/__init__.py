"""Where published partitions live: a folder on local disk (local.Warehouse) or a prefix on object
storage (s3.ObjectWarehouse), behind one interface. `open_warehouse` picks the one a root names."""
from __future__ import annotations

import os
from datetime import date

import pyarrow as pa

from etl.fs import is_remote
from etl.warehouse.catalog import (PartitionNotPublished, UnknownTable, check_day, check_table, not_published,
                                   partitions)
from etl.warehouse.local import (PART_NAME, ManifestDamaged, PartitionInconsistent, PartitionLocked,
                                 PublishRecoveryError, PublishRolledBack, Warehouse, partition_name, write_parquet)
from etl.warehouse import delta
from etl.warehouse.s3 import ObjectWarehouse, StagingMirror, staging_mirror

__all__ = ["PART_NAME", "ManifestDamaged", "ObjectWarehouse", "PartitionInconsistent", "PartitionLocked",
           "PartitionNotPublished", "PublishRecoveryError", "PublishRolledBack", "StagingMirror", "UnknownTable",
           "Warehouse", "list_partitions", "open_warehouse", "partition_name", "read_table", "staging_mirror",
           "write_parquet"]


def open_warehouse(root: str | os.PathLike) -> Warehouse:
    """The warehouse at `root`: s3:// (any object-store URL) gets the object-store commit protocol
    (no rename there), a path or file:// URL the local one."""
    if is_remote(root):
        return ObjectWarehouse(root)
    return Warehouse(root)


def read_table(warehouse: str | os.PathLike, table: str, ingest_date: str | date | None = None) -> pa.Table:
    """A published table (one partition, or all with an `ingest_date` column of type date32),
    local or on S3, always as listed by the manifests: a publish running meanwhile is never half
    seen. Raises UnknownTable for a name the registry does not have and PartitionNotPublished
    for a day that was never published (both messages list what exists)."""
    check_table(table)
    wh = open_warehouse(warehouse)
    if ingest_date is None:
        return wh.read_table(table)
    day = check_day(ingest_date)
    if wh.read_manifest(day) is None:
        raise not_published(wh, day)
    return wh.read_table(table, day)


def list_partitions(warehouse: str | os.PathLike) -> list[dict]:
    """The published days, oldest first: for each, ingest_date (a date), run_id, published_at,
    pipeline_version, inputs, validation ("passed"/"failed"), warnings and each table's row count."""
    return partitions(open_warehouse(warehouse))
