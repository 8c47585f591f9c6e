"""Partition details on asset events and the example downstream DAG (without a scheduler: the
events are stand-ins with the attributes Airflow's triggering events have)."""
from collections import Counter
from types import SimpleNamespace

import pytest

from conftest import ROOT
from etl.airflow import downstream, partitions
from etl.warehouse import open_warehouse

MANIFEST = {"ingest_date": "2025-12-03", "run_id": "scheduled__2025-12-04T02:00:00+00:00",
            "pipeline_version": "1", "input_count": 3,
            "row_counts": {"articles": 3, "entities": 40, "quotes": 7}}


def test_event_extra_names_the_day_counts_run_and_real_locations(tmp_path):
    wh = open_warehouse(tmp_path / "wh")
    extra = partitions.event_extra(MANIFEST, "quotes", wh)
    assert extra["ingest_date"] == "2025-12-03" and extra["run_id"] == MANIFEST["run_id"]
    assert extra["rows"] == 7 and extra["row_counts"] == MANIFEST["row_counts"]
    assert extra["location"] == str(tmp_path / "wh" / "quotes" / "ingest_date=2025-12-03")
    assert extra["manifest"] == str(tmp_path / "wh" / "_manifests" / "ingest_date=2025-12-03.json")


def test_event_extra_on_an_object_store_names_urls(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWS_ETL_WORK_DIR", str(tmp_path / "work"))
    pytest.importorskip("s3fs")
    wh = open_warehouse("s3://bucket/news")
    extra = partitions.event_extra(MANIFEST, "articles", wh)
    assert extra["location"] == "s3://bucket/news/articles/ingest_date=2025-12-03"
    assert extra["manifest"] == "s3://bucket/news/_manifests/ingest_date=2025-12-03.json"


def test_annotate_sets_one_extra_per_table_and_tolerates_no_manifest(tmp_path):
    events = {a: SimpleNamespace(extra={}) for a in ("A1", "A2")}
    partitions.annotate_events(events, ["A1", "A2"], ["articles", "quotes"], MANIFEST, str(tmp_path))
    assert events["A1"].extra["table"] == "articles" and events["A1"].extra["rows"] == 3
    assert events["A2"].extra["table"] == "quotes" and events["A2"].extra["rows"] == 7
    bare = {"A1": SimpleNamespace(extra={})}
    partitions.annotate_events(bare, ["A1"], ["articles"], None, str(tmp_path))
    assert bare["A1"].extra == {}


def _event(day, run, ts, rows=None):
    return SimpleNamespace(extra={"ingest_date": day, "run_id": run, "rows": rows}, timestamp=ts)


def test_ingest_dates_lists_every_triggering_publish_oldest_first_and_skips_hand_made_events():
    events = {"articles": [_event("2025-12-05", "r5", "2026-01-02T00:00:00"),
                           SimpleNamespace(extra={}, timestamp="2026-01-01T12:00:00"),
                           _event("2025-12-03", "r3", "2026-01-01T00:00:00")]}
    assert [(e["ingest_date"], e["run_id"]) for e in partitions.ingest_dates(events)] == \
        [("2025-12-03", "r3"), ("2025-12-05", "r5")]


@pytest.fixture(scope="module")
def two_day_warehouse(tmp_path_factory):
    from etl.run import pipeline

    wh = tmp_path_factory.mktemp("wh")
    for day in ("2025-12-03", "2025-12-04"):
        pipeline.run([str(ROOT / "seeds" / day)], str(wh), day, f"run-{day}")
    return wh


def test_digest_reads_the_days_named_by_the_events(two_day_warehouse):
    events = {"articles": [_event("2025-12-04", "run-2025-12-04", "2026-01-02T00:00:00"),
                           _event("2025-12-03", "run-2025-12-03", "2026-01-01T00:00:00")]}
    summaries = downstream.digest(events, str(two_day_warehouse))
    assert [s["ingest_date"] for s in summaries] == ["2025-12-03", "2025-12-04"]
    wh = open_warehouse(two_day_warehouse)
    for s in summaries:
        arts = wh.read_table("articles", s["ingest_date"]).to_pylist()
        assert s["articles"] == len(arts) > 0
        assert s["published_run_id"] == s["event_run_id"] == f"run-{s['ingest_date']}"
        counts = Counter(a["source"] or "(unknown)" for a in arts)
        assert all(counts[src] == n for src, n in s["top_sources"])
        assert [n for _, n in s["top_sources"]] == sorted(counts.values(), reverse=True)[:5]


def test_digest_refuses_a_run_with_no_partition_event(two_day_warehouse):
    with pytest.raises(ValueError, match="ingest_date"):
        downstream.digest({"articles": [SimpleNamespace(extra={}, timestamp="x")]}, str(two_day_warehouse))
    with pytest.raises(FileNotFoundError):
        downstream.digest({"articles": [_event("2025-11-30", "r", "t")]}, str(two_day_warehouse))


def test_digest_dag_listens_to_the_same_articles_asset_news_etl_publishes():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(ROOT / "dags"))
    assert bag.import_errors == {}
    published = {(a.name, a.uri) for a in bag.dags["news_etl"].get_task("publish").outlets}
    consumer = bag.dags["news_etl_articles_digest"]
    listened = {(a.name, a.uri) for a in consumer.timetable.asset_condition.objects}
    assert listened == {("news_etl_articles", "file:///news_etl/warehouse/articles")}
    assert listened <= published
