"""One warehouse table as a Delta Lake table (delta-rs), partitioned by ingest_date: what a
publish, a roll back and a reader do to it. Local folders and object stores alike; the caller
passes the table's URI and the storage options.

Delta gives each table atomic, versioned commits (a commit is one `_delta_log/<version>.json`,
created only if absent: a rename on disk, a conditional PUT on S3), so a reader of a table sees
one version, whole. Plain Parquet readers of the folder see every file in it, committed or not:
files a commit removed stay until they are deleted (`stale_files`), which a publish does."""
from __future__ import annotations

import os
from datetime import date

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from etl.model import schema

DAY = schema.PARTITION_COLUMN


def _dt(uri: str, options: dict | None, version: int | None = None):
    from deltalake import DeltaTable

    return DeltaTable(uri, version=version, storage_options=options)


def exists(uri: str, options: dict | None) -> bool:
    from deltalake import DeltaTable

    return DeltaTable.is_deltatable(uri, storage_options=options)


def full_schema(table: str) -> pa.Schema:
    return schema.TABLES[table].arrow_schema().append(pa.field(DAY, pa.date32()))


def _with_day(batch: pa.RecordBatch, spec: pa.Schema, day: date) -> pa.RecordBatch:
    batch = pa.Table.from_batches([batch]).cast(spec).combine_chunks().to_batches()
    if not batch:
        return None
    b = batch[0]
    return pa.RecordBatch.from_arrays([*b.columns, pa.array([day] * b.num_rows, pa.date32())],
                                      schema=spec.append(pa.field(DAY, pa.date32())))


def staged_reader(table: str, path: str | os.PathLike | None, day: str) -> pa.RecordBatchReader:
    """The staged Parquet file of one table (None: no rows) as a stream with the ingest_date
    column Delta partitions by, a row group at a time."""
    spec = schema.TABLES[table].arrow_schema()
    d = date.fromisoformat(day)

    def batches():
        if path is None:
            return
        f = pq.ParquetFile(path)
        for group in range(f.num_row_groups):
            for b in f.read_row_group(group).to_batches():
                out = _with_day(b, spec, d)
                if out is not None and out.num_rows:
                    yield out

    return pa.RecordBatchReader.from_batches(full_schema(table), batches())


def commit_day(uri: str, options: dict | None, table: str, rows, day: str, metadata: dict[str, str]) -> int:
    """Replace the day's partition of the table by `rows` in one commit (creating the table if
    needed). Returns the version committed. A concurrent commit touching the same day makes this
    one fail (delta-rs' conflict check) instead of both winning."""
    from deltalake import CommitProperties, WriterProperties, write_deltalake

    target = _dt(uri, options) if exists(uri, options) else uri
    write_deltalake(target, rows, mode="overwrite", predicate=f"{DAY} = '{day}'", partition_by=[DAY],
                    storage_options=None if not isinstance(target, str) else options,
                    writer_properties=WriterProperties(compression="ZSTD"),
                    commit_properties=CommitProperties(custom_metadata=metadata))
    # A table created by this commit: its latest version (another day's commit right after it
    # leaves this day as this commit wrote it, so the later number names the same day too).
    return _dt(uri, options).version() if isinstance(target, str) else target.version()


def version(uri: str, options: dict | None) -> int | None:
    """The table's latest version, None if it is not a Delta table (yet)."""
    return _dt(uri, options).version() if exists(uri, options) else None


def day_files(uri: str, options: dict | None, day: str, at: int | None) -> frozenset[str]:
    """Paths (relative to the table) of the day's data files at version `at` (None: no table)."""
    if at is None:
        return frozenset()
    t = pa.table(_dt(uri, options, at).get_add_actions(flatten=True))
    if not t.num_rows:
        return frozenset()
    want = date.fromisoformat(day)
    parts = t.column(f"partition.{DAY}").to_pylist()
    return frozenset(p for p, d in zip(t.column("path").to_pylist(), parts) if _as_date(d) == want)


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def read_day(uri: str, options: dict | None, table: str, day: str, at: int | None) -> pa.Table:
    """The day's rows at version `at`, in the registry's schema (without ingest_date)."""
    spec = schema.TABLES[table].arrow_schema()
    if at is None:
        return spec.empty_table()
    dataset = _dt(uri, options, at).to_pyarrow_dataset()
    t = dataset.to_table(columns=spec.names, filter=ds.field(DAY) == pa.scalar(date.fromisoformat(day), pa.date32()))
    return t.cast(spec)


def read_all(uri: str, options: dict | None, table: str, at: int | None) -> pa.Table:
    """Every partition at version `at`, with ingest_date (date32)."""
    spec = full_schema(table)
    if at is None:
        return spec.empty_table()
    return _dt(uri, options, at).to_pyarrow_dataset().to_table(columns=spec.names).cast(spec)


def history(uri: str, options: dict | None, limit: int | None = None) -> list[dict]:
    return _dt(uri, options).history(limit)


def tombstones(uri: str, options: dict | None, day: str, retention_hours: float) -> set[str]:
    """The day's files that commits removed more than `retention_hours` ago (what VACUUM would
    delete), as paths relative to the table. Listed with a dry run and deleted by the caller, so
    that only this day's folder is touched: another day being published at the same time keeps
    the files its own roll back may need."""
    if not exists(uri, options):
        return set()
    listed = _dt(uri, options).vacuum(retention_hours=max(0, int(retention_hours)), dry_run=True,
                                      enforce_retention_duration=False)
    prefix = f"{DAY}={day}/"
    return {p for p in listed if p.startswith(prefix)}
