"""End to end through Airflow: dag.test() over seeds/ in a throw-away Airflow home."""
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
