"""news-etl: raw news pages -> validated, analysable Parquet tables."""

from etl.version import __version__  # noqa: F401  (re-exported)


def read_table(warehouse, table: str, ingest_date: str | None = None):
    """A published table as a pyarrow Table: one partition, or every partition with an
    `ingest_date` column. `warehouse` is a folder or an s3:// URL; on S3 the files are the ones
    the partition's manifest lists, so a publish running meanwhile is never half seen."""
    from etl.warehouse import read_table as _read_table

    return _read_table(warehouse, table, ingest_date)
