"""news-etl: raw news pages -> validated, analysable Parquet tables.

The analyst's API (everything else is internal):

    etl.extract(content, kind="html"|"text", url=None, published_at=None)  one page -> {table: DataFrame}
    etl.extract_many(pages, kind=...)                                       many pages, streamed
    etl.list_partitions(warehouse)                                          the published days (DataFrame)
    etl.read_table(warehouse, table, ingest_date=None)                      a published table (pyarrow)
    etl.read_frame(warehouse, table, ingest_date=None)                      the same as a DataFrame

DataFrames are Arrow-backed with the warehouse's exact types (docs/tables.md)."""

from etl.version import __version__  # noqa: F401  (re-exported)

__all__ = ["__version__", "extract", "extract_many", "list_partitions", "read_frame", "read_table",
           "PartitionNotPublished", "UnknownTable"]


def extract(content, *, kind: str = "html", url=None, published_at=None, **fields):
    """One page (HTML or a text dump, str or bytes) -> {table name: pandas DataFrame} for the six
    warehouse tables, through the pipeline's own reader, NLP and table builders. `url`,
    `published_at` and other record fields (`title`, `authors`, `source`, ...) override what the
    page says, as a JSON Lines record's do. See etl.run.extract.extract."""
    from etl.run.extract import extract as _extract

    return _extract(content, kind=kind, url=url, published_at=published_at, **fields)


def extract_many(pages, *, kind: str = "html", progress=None, batch_size: int = 32):
    """Many pages (strings, bytes, paths or dicts with `content`/`html`/`text` and record fields)
    -> {table name: DataFrame}, annotated a batch at a time, with a progress bar in notebooks and
    on terminals. See etl.run.extract.extract_many."""
    from etl.run.extract import extract_many as _extract_many

    return _extract_many(pages, kind=kind, progress=progress, batch_size=batch_size)


def list_partitions(warehouse):
    """The published days of a warehouse (folder or s3:// URL) as a DataFrame, oldest first: one
    row per day with `ingest_date` (a date), the publishing run, the validation verdict and
    warnings, and each table's row count."""
    import pandas as pd

    from etl.model import schema
    from etl.warehouse import list_partitions as _list

    rows = _list(warehouse)
    frame = pd.DataFrame(rows, columns=[schema.PARTITION_COLUMN, "run_id", "published_at", "pipeline_version",
                                        "inputs", "validation", "warnings", *schema.TABLE_NAMES])
    return frame.astype({schema.PARTITION_COLUMN: "date32[pyarrow]", "published_at": "timestamp[s, tz=UTC][pyarrow]",
                         **{c: "string[pyarrow]" for c in ("run_id", "pipeline_version", "validation")},
                         **{c: "int64[pyarrow]" for c in ("inputs", "warnings", *schema.TABLE_NAMES)}})


def read_table(warehouse, table: str, ingest_date=None):
    """A published table as a pyarrow Table: one partition, or every partition with an
    `ingest_date` column (date32). `warehouse` is a folder or an s3:// URL; on S3 the files are the
    ones the partition's manifest lists, so a publish running meanwhile is never half seen.
    Raises etl.UnknownTable for a misspelt table and etl.PartitionNotPublished for a day that was
    never published; both name what exists."""
    from etl.warehouse import read_table as _read_table

    return _read_table(warehouse, table, ingest_date)


def read_frame(warehouse, table: str, ingest_date=None):
    """etl.read_table as a pandas DataFrame with Arrow-backed columns (the files' exact types:
    int32 stays int32 with <NA> for nulls, ingest_date is a date)."""
    from etl.run.extract import to_frame

    return to_frame(read_table(warehouse, table, ingest_date))


def __getattr__(name):
    # The error types, without importing pyarrow for `import etl`.
    if name in ("PartitionNotPublished", "UnknownTable"):
        from etl.warehouse import catalog

        return getattr(catalog, name)
    raise AttributeError(f"module 'etl' has no attribute {name!r}")


def entity_directory(warehouse, start: str | None = None, end: str | None = None):
    """The entity directory as a pandas DataFrame: one row per `entity_key` with its preferred
    name, label, aliases, first and last day seen, and article, mention and quote counts, over the
    published partitions from `start` to `end` (YYYY-MM-DD, inclusive; default all). Computed on
    read from the published tables, so it reflects every rerun and backfill published so far."""
    from etl.tables.directory import build_directory
    from etl.warehouse import read_table as _read_table

    wanted = {"entities": ["entity_key", "article_id", "name", "label", "mention_count"],
              "entity_mentions": ["entity_key", "text"], "quotes": ["speaker_key"]}
    frames = {}
    for table, columns in wanted.items():
        t = _read_table(warehouse, table)
        df = t.select([c for c in columns + ["ingest_date"] if c in t.column_names]).to_pandas()
        for c in columns + ["ingest_date"]:
            if c not in df.columns:  # an empty warehouse, or partitions published before the keys
                df[c] = None
        df["ingest_date"] = df["ingest_date"].astype(str)
        if start is not None:
            df = df[df["ingest_date"] >= start]
        if end is not None:
            df = df[df["ingest_date"] <= end]
        frames[table] = df.dropna(subset=[columns[0]])
    return build_directory(frames["entities"], frames["entity_mentions"], frames["quotes"])
