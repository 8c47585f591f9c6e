"""Reading a warehouse as an analyst: published days, clear errors for wrong names, dates as dates."""
import json
from datetime import date

import pandas as pd
import pyarrow as pa
import pytest

import etl
from etl.model import schema
from etl.warehouse import open_warehouse
from etl.warehouse.convert import publish_tables

DAYS = ("2025-12-03", "2025-12-05")


@pytest.fixture()
def warehouse(tmp_path):
    """Two published days and one day committed without a manifest (a publish cut short), made
    through the publish code path from hand-written tables: no pipeline needed."""
    wh = open_warehouse(tmp_path)
    for day in (*DAYS, "2025-12-07"):
        ent = dict(article_id="a", entity_id=f"e{day}", entity_key="geo:524901", name="Moscow", label="GPE", mention_count=1,
                   first_field="body", first_char_start=0, title=None, country_code=None, latitude=None,
                   longitude=None, geonames_id=None)
        rows = [ent, dict(ent, entity_id=f"f{day}", geonames_id=524901)]
        publish_tables(wh, day, {"entities": pa.Table.from_pylist(rows, schema=schema.TABLES["entities"].arrow_schema())},
                       {"run_id": f"r-{day}", "pipeline_version": "0.1.0", "input_count": 2,
                        "validation": {"passed": True, "warnings": 1}, "row_counts": {"entities": 2, "articles": 0}})
        m = json.loads(wh.manifest_path(day).read_text())
        m["published_at"] = "2025-12-08T01:00:00+00:00"
        wh.manifest_path(day).write_text(json.dumps(m))
        if day not in DAYS:
            wh.manifest_path(day).unlink()
    return tmp_path


def test_list_partitions(warehouse):
    days = etl.list_partitions(warehouse)
    assert days["ingest_date"].tolist() == [date(2025, 12, 3), date(2025, 12, 5)]  # not the unpublished one
    assert str(days["ingest_date"].dtype) == "date32[day][pyarrow]"
    assert days["entities"].tolist() == [2, 2] and days["validation"].tolist() == ["passed", "passed"]
    assert days["run_id"].tolist() == ["r-2025-12-03", "r-2025-12-05"]
    assert etl.list_partitions(warehouse / "nothing-here").empty


def test_unknown_table_names_the_valid_ones(warehouse):
    with pytest.raises(etl.UnknownTable, match=r"did you mean 'quotes'.*articles, entity_mentions"):
        etl.read_table(warehouse, "quote")
    assert issubclass(etl.UnknownTable, ValueError)


def test_a_day_never_published_is_an_error_listing_the_published_ones(warehouse):
    with pytest.raises(etl.PartitionNotPublished, match="2025-12-09.*2025-12-03, 2025-12-05"):
        etl.read_table(warehouse, "quotes", "2025-12-09")
    with pytest.raises(etl.PartitionNotPublished):
        etl.read_table(warehouse, "quotes", "2025-12-07")  # files but no manifest: not published
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        etl.read_table(warehouse, "quotes", "December 3")
    assert etl.read_table(warehouse, "quotes", date(2025, 12, 3)).num_rows == 0  # published and empty: fine


def test_ingest_date_is_a_date_and_integers_stay_integers(warehouse):
    t = etl.read_table(warehouse, "entities")
    assert t.schema.field("ingest_date").type == pa.date32()
    frame = etl.read_frame(warehouse, "entities", "2025-12-03")
    assert str(frame["geonames_id"].dtype) == "int64[pyarrow]"
    assert frame["geonames_id"].tolist()[1] == 524901 and frame["geonames_id"].isna().tolist() == [True, False]
    every = etl.read_frame(warehouse, "entities")
    assert every["ingest_date"].dtype == pd.ArrowDtype(pa.date32())


def test_a_warehouse_without_the_table_reads_empty_with_the_same_types(tmp_path):
    t = etl.read_table(tmp_path, "articles")
    assert t.num_rows == 0 and t.schema.field("ingest_date").type == pa.date32()
    assert t.schema.remove(t.schema.get_field_index("ingest_date")) == schema.TABLES["articles"].arrow_schema()
