"""End to end through Airflow: dag.test() over seeds/ in a throw-away Airflow home."""
import json

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def airflow_db():
    from airflow.utils import db

    db.resetdb()


def test_dag_test_publishes_the_seed_partition(airflow_db, tmp_path, monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    from etl.warehouse import open_warehouse

    monkeypatch.setenv("NEWS_ETL_LANDING", str(ROOT / "seeds"))
    monkeypatch.setenv("NEWS_ETL_WAREHOUSE", str(tmp_path / "wh"))
    dag = DagBag(dag_folder=str(ROOT / "dags")).dags["news_etl"]
    run = dag.test(run_conf={"partition_date": "2025-12-03", "files_per_batch": 1})
    assert run.state == "success"
    wh = open_warehouse(tmp_path / "wh")
    manifest = wh.read_manifest("2025-12-03")
    assert manifest["run_id"] == run.run_id
    seeds = list((ROOT / "seeds" / "2025-12-03").iterdir())
    assert manifest["input_count"] == len(seeds)
    arts = wh.read_table("articles", "2025-12-03").to_pylist()
    assert len(arts) == len(seeds)
    assert any(a["title"] == "Trump: Putin Wants To End the War" for a in arts)
    assert wh.read_table("entities", "2025-12-03").num_rows > 10
    assert not (tmp_path / "wh" / "_staging" / "ingest_date=2025-12-03" / run.run_id).exists()


def test_a_run_says_which_day_it_builds_and_its_events_carry_it(airflow_db, tmp_path, monkeypatch):
    """The partition is visible on the run's task instances (mapped labels, plan's XCom) and in
    each asset event's extra; the example downstream DAG's body reads the day from those events."""
    from airflow.dag_processing.dagbag import DagBag
    from airflow.models import TaskInstance
    from airflow.models.xcom import XComModel
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    from etl.airflow import downstream

    wh_dir = tmp_path / "wh"
    monkeypatch.setenv("NEWS_ETL_LANDING", str(ROOT / "seeds"))
    monkeypatch.setenv("NEWS_ETL_WAREHOUSE", str(wh_dir))
    bag = DagBag(dag_folder=str(ROOT / "dags"))
    assert bag.import_errors == {}
    run = bag.dags["news_etl"].test(run_conf={"partition_date": "2025-12-04", "files_per_batch": 1})
    assert run.state == "success"
    seeds = [p for p in (ROOT / "seeds" / "2025-12-04").iterdir() if p.is_file()]
    with create_session() as session:
        labels = session.scalars(select(TaskInstance.rendered_map_index).where(
            TaskInstance.run_id == run.run_id, TaskInstance.task_id == "process")).all()
        day = session.scalar(select(XComModel.value).where(
            XComModel.run_id == run.run_id, XComModel.task_id == "plan", XComModel.key == "ingest_date"))
        events = session.scalars(select(AssetEvent).join(AssetModel, AssetEvent.asset_id == AssetModel.id)
                                 .where(AssetEvent.source_run_id == run.run_id)).all()
        by_table = {e.extra["table"]: e for e in events}
        event_extras = {t: dict(e.extra) for t, e in by_table.items()}
        articles_event = by_table["articles"]
        fake_trigger = {"articles": [articles_event]}
        summary = downstream.digest(fake_trigger, str(wh_dir))
    n = len(seeds)
    assert sorted(labels) == sorted(f"2025-12-04 batch {i}/{n} (1 files)" for i in range(1, n + 1))
    assert day in ("2025-12-04", '"2025-12-04"')  # stored raw or JSON-encoded, by Airflow version
    assert set(event_extras) == {"articles", "entity_mentions", "entities", "quotes", "image_captions", "rejects"}
    manifest = json.loads((wh_dir / "_manifests" / "ingest_date=2025-12-04.json").read_text())
    for table, extra in event_extras.items():
        assert extra["ingest_date"] == "2025-12-04" and extra["run_id"] == run.run_id
        assert extra["row_counts"] == manifest["row_counts"] and extra["rows"] == manifest["row_counts"][table]
        assert extra["manifest"] == str(wh_dir / "_manifests" / "ingest_date=2025-12-04.json")
        assert extra["location"] == str(wh_dir / table / "ingest_date=2025-12-04")
    assert [s["ingest_date"] for s in summary] == ["2025-12-04"]
    assert summary[0]["articles"] == n == summary[0]["event_rows"]
    assert summary[0]["published_run_id"] == summary[0]["event_run_id"] == run.run_id
