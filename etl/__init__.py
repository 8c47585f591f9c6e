"""news-etl: raw news pages -> validated, analysable Parquet tables."""

from etl.version import __version__  # noqa: F401  (re-exported)


def read_table(warehouse, table: str, ingest_date: str | None = None):
    """A published table as a pyarrow Table: one partition, or every partition with an
    `ingest_date` column. `warehouse` is a folder or an s3:// URL; on S3 the files are the ones
    the partition's manifest lists, so a publish running meanwhile is never half seen."""
    from etl.warehouse import read_table as _read_table

    return _read_table(warehouse, table, ingest_date)


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
