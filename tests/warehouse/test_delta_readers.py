"""The published tables as Delta Lake tables, read by the readers the README shows: Delta readers
(deltalake -> pandas / pyarrow, polars.read_delta / scan_delta, DuckDB over the Arrow dataset),
plain Parquet readers of the folders (pandas, DuckDB, polars), time travel to the version before a
rerun, idempotent republishing, and `news-etl migrate` of a warehouse written before Delta."""
import json
import shutil
from datetime import date

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from deltalake import DeltaTable

import etl
from conftest import ROOT
from etl import cli
from etl.model import schema
from etl.run import pipeline
from etl.warehouse import open_warehouse
from etl.warehouse.convert import publish_tables

DAY = "2025-12-03"
EXTRA = ("Harbour reopens in Porto\n\nThe harbour of Porto reopened on Monday after a year of repairs, "
         "the port authority said.\n\nMayor Ana Lopez said the harbour would bring back ferries.\n")
FIXTURE_V1 = ROOT / "tests" / "fixtures" / "warehouse-before-delta"


def _ids(values) -> list[str]:
    return sorted(str(v) for v in values)


@pytest.fixture(scope="module")
def reran(tmp_path_factory):
    """The seed day published with one more article (run-1), then rerun without it (run-2) while
    the replaced files are kept for time travel (NEWS_ETL_DELTA_RETENTION_HOURS=24)."""
    import os

    base = tmp_path_factory.mktemp("delta-readers")
    first = base / "land-1"
    shutil.copytree(ROOT / "seeds" / DAY, first)
    (first / "extra.txt").write_text(EXTRA, encoding="utf-8")
    wh = base / "wh"
    pipeline.run([str(first)], str(wh), DAY, "run-1")
    manifest_1 = open_warehouse(wh).read_manifest(DAY)
    articles_1 = _ids(etl.read_table(wh, "articles", DAY).column("article_id").to_pylist())
    os.environ["NEWS_ETL_DELTA_RETENTION_HOURS"] = "24"
    try:
        pipeline.run([str(ROOT / "seeds" / DAY)], str(wh), DAY, "run-2")
    finally:
        del os.environ["NEWS_ETL_DELTA_RETENTION_HOURS"]
    return {"wh": wh, "manifest_1": manifest_1, "articles_1": articles_1}


def test_delta_readers_see_the_published_day(reran):
    wh = reran["wh"]
    manifest = open_warehouse(wh).read_manifest(DAY)
    for table in schema.TABLE_NAMES:
        dt = DeltaTable(str(wh / table))
        assert dt.version() == manifest["tables"][table]["version"]
    want = _ids(etl.read_table(wh, "articles", DAY).column("article_id").to_pylist())
    assert len(want) == len(reran["articles_1"]) - 1
    dt = DeltaTable(str(wh / "articles"))
    assert _ids(dt.to_pandas(partitions=[("ingest_date", "=", DAY)])["article_id"]) == want
    assert _ids(dt.to_pyarrow_table().column("article_id").to_pylist()) == want
    assert _ids(pl.read_delta(str(wh / "articles"))["article_id"].to_list()) == want
    lazy = pl.scan_delta(str(wh / "articles")).filter(pl.col("ingest_date") == date(2025, 12, 3))
    assert _ids(lazy.select("article_id").collect()["article_id"].to_list()) == want
    arrow = dt.to_pyarrow_dataset()  # noqa: F841 - DuckDB finds it by name
    assert _ids(r[0] for r in duckdb.sql("SELECT article_id FROM arrow").fetchall()) == want
    # the audit log: one commit per publish, naming the run
    runs = [h.get("news_etl.run_id") for h in dt.history()]
    assert runs[:2] == ["run-2", "run-1"]


def test_time_travel_to_the_version_before_the_rerun(reran):
    wh, before = reran["wh"], reran["manifest_1"]
    version = before["tables"]["articles"]["version"]
    old = DeltaTable(str(wh / "articles"), version=version)
    assert _ids(old.to_pyarrow_table().column("article_id").to_pylist()) == reran["articles_1"]
    dt = DeltaTable(str(wh / "articles"))
    dt.load_as_version(version)
    assert _ids(dt.to_pandas()["article_id"]) == reran["articles_1"]
    # every table's day as the earlier run published it, at the versions its manifest names
    for table in schema.TABLE_NAMES:
        t = DeltaTable(str(wh / table), version=before["tables"][table]["version"]).to_pyarrow_table()
        assert t.num_rows == before["row_counts"][table], table


def test_plain_parquet_readers_see_exactly_the_current_day_after_a_publish(reran, tmp_path):
    wh = tmp_path / "wh"
    shutil.copytree(reran["wh"], wh)
    current = _ids(etl.read_table(wh, "articles", DAY).column("article_id").to_pylist())
    # with the replaced files kept for time travel, a plain reader sees them too (as documented)
    assert len(pd.read_parquet(wh / "articles")) == len(current) + len(reran["articles_1"])
    # republishing (the retention back at its default 0) is row-identical and removes them
    w = open_warehouse(wh)
    before = {t: w.read_table(t, DAY) for t in schema.TABLE_NAMES}
    m = w.read_manifest(DAY)
    again = publish_tables(w, DAY, before, {k: v for k, v in m.items() if k != "tables"})
    for t in schema.TABLE_NAMES:
        assert w.read_table(t, DAY).equals(before[t]), t
        assert again["tables"][t]["version"] == m["tables"][t]["version"] + 1
    assert _ids(pd.read_parquet(wh / "articles")["article_id"]) == current
    glob = f"{wh}/articles/*/*.parquet"
    assert _ids(r[0] for r in duckdb.sql(
        f"SELECT article_id FROM read_parquet('{glob}', hive_partitioning = true)").fetchall()) == current
    assert _ids(pl.scan_parquet(glob, hive_partitioning=True).collect()["article_id"].to_list()) == current
    for t in schema.TABLE_NAMES:  # each table folder: exactly what the Delta table holds
        plain = len(pd.read_parquet(wh / t)) if list((wh / t).glob("*/*.parquet")) else 0
        assert plain == before[t].num_rows, t


def test_migrate_converts_a_warehouse_written_before_delta(tmp_path, capsys):
    """The fixture is the seed day plus two rejected inputs, published by `news-etl run` of the code
    before the Delta tables (main at 75e6912): plain hive Parquet, a checksum manifest, quarantine
    blobs. Converted, it reads back equal."""
    wh = tmp_path / "wh"
    shutil.copytree(FIXTURE_V1, wh)
    old_manifest = json.loads((wh / "_manifests" / f"ingest_date={DAY}.json").read_text())
    assert "part-00000.parquet" in old_manifest["tables"]["articles"]  # the earlier layout
    before = {t: pd.read_parquet(wh / t / f"ingest_date={DAY}" / "part-00000.parquet") for t in schema.TABLE_NAMES}
    with pytest.raises(Exception, match="news-etl migrate"):
        etl.read_table(wh, "articles", DAY)  # refused, with the way out, until converted
    assert cli.main(["migrate", "--warehouse", str(wh)]) == 0
    assert f"converted 1 day(s) to Delta tables: {DAY}" in capsys.readouterr().out
    w = open_warehouse(wh)
    manifest, tables = w.read_partition(DAY)
    assert manifest["run_id"] == old_manifest["run_id"] and manifest["row_counts"] == old_manifest["row_counts"]
    for t in schema.TABLE_NAMES:
        spec = schema.TABLES[t].arrow_schema()
        assert tables[t].equals(pa.Table.from_pandas(before[t], preserve_index=False).select(spec.names).cast(spec)), t
        assert not (wh / t / f"ingest_date={DAY}" / "part-00000.parquet").exists()  # the old file is gone
    blobs = [p for p in tables["rejects"].column("quarantine_path").to_pylist() if p]
    assert blobs and all((wh / p).is_file() for p in blobs)  # quarantine kept where rows point
    assert cli.main(["migrate", "--warehouse", str(wh)]) == 0  # again: nothing left to convert
    assert "converted 0 day(s)" in capsys.readouterr().out
    assert cli.main(["show", "--warehouse", str(wh), "--date", DAY, "--rows", "0"]) == 0
