"""Where published partitions live: a folder on local disk (local.Warehouse) or a prefix on object
storage (s3.ObjectWarehouse), behind one interface. `open_warehouse` picks the one a root names."""
from __future__ import annotations

import os

import pyarrow as pa

from etl.fs import is_remote
from etl.warehouse.local import (PART_NAME, ManifestDamaged, PartitionInconsistent, PartitionLocked,
                                 PublishRecoveryError, PublishRolledBack, Warehouse, partition_name, write_parquet)
from etl.warehouse.s3 import ObjectWarehouse, StagingMirror, staging_mirror

__all__ = ["PART_NAME", "ManifestDamaged", "ObjectWarehouse", "PartitionInconsistent", "PartitionLocked",
           "PublishRecoveryError", "PublishRolledBack",
           "StagingMirror", "Warehouse", "open_warehouse", "partition_name", "read_table", "staging_mirror", "write_parquet"]


def open_warehouse(root: str | os.PathLike) -> Warehouse:
    """The warehouse at `root`: s3:// (any object-store URL) gets the object-store commit protocol
    (no rename there), a path or file:// URL the local one."""
    if is_remote(root):
        return ObjectWarehouse(root)
    return Warehouse(root)


def read_table(warehouse: str | os.PathLike, table: str, ingest_date: str | None = None) -> pa.Table:
    """A published table (one partition, or all with an `ingest_date` column), local or on S3,
    always as listed by the manifests: a publish running meanwhile is never half seen."""
    return open_warehouse(warehouse).read_table(table, ingest_date)
