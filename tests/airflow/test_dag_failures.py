"""Failures through Airflow (dag.test in a throw-away Airflow home): a day without a landing folder
fails `plan` with a clear message instead of publishing an empty partition, and a failed
validation fails `validate` at once (no retries) while a transient error still retries."""
from __future__ import annotations

import logging

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def airflow_db():
    from airflow.utils import db

    db.resetdb()


@pytest.fixture(scope="module")
def news_etl_dag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(ROOT / "dags")).dags["news_etl"]


def _ti(run, task_id):
    return next(ti for ti in run.get_task_instances() if ti.task_id == task_id)


def test_missing_landing_folder_fails_plan_and_publishes_nothing(news_etl_dag, tmp_path, monkeypatch, caplog):
    from etl.warehouse import open_warehouse

    (tmp_path / "landing").mkdir()
    monkeypatch.setenv("NEWS_ETL_LANDING", str(tmp_path / "landing"))
    monkeypatch.setenv("NEWS_ETL_WAREHOUSE", str(tmp_path / "wh"))
    with caplog.at_level(logging.ERROR, logger="etl.airflow.tasks"):
        run = news_etl_dag.test(run_conf={"partition_date": "2025-11-20"})
    assert run.state == "failed"
    plan = _ti(run, "plan")
    assert plan.state == "failed" and plan.try_number == 1  # no retries: waiting 30 s brings no folder
    assert _ti(run, "publish").state in ("upstream_failed", None)
    assert open_warehouse(tmp_path / "wh").read_manifest("2025-11-20") is None
    assert "does not exist" in caplog.text and "allow_empty" in caplog.text


def test_allow_empty_publishes_an_empty_day_marked_as_such(news_etl_dag, tmp_path, monkeypatch):
    from etl.warehouse import open_warehouse

    (tmp_path / "landing").mkdir()
    monkeypatch.setenv("NEWS_ETL_LANDING", str(tmp_path / "landing"))
    monkeypatch.setenv("NEWS_ETL_WAREHOUSE", str(tmp_path / "wh"))
    run = news_etl_dag.test(run_conf={"partition_date": "2025-11-21", "allow_empty": True})
    assert run.state == "success"
    manifest = open_warehouse(tmp_path / "wh").read_manifest("2025-11-21")
    assert manifest["empty_day"] is True and manifest["input_count"] == 0


def test_failed_validation_is_not_retried_and_the_log_names_the_cause(news_etl_dag, tmp_path, monkeypatch, caplog):
    from etl.warehouse import open_warehouse

    day = tmp_path / "landing" / "2025-11-22"
    day.mkdir(parents=True)
    for name in ("scan.pdf", "photo.bin"):  # inputs, every one rejected: nothing to publish
        (day / name).write_bytes(b"\x00\x01not an article")
    monkeypatch.setenv("NEWS_ETL_LANDING", str(tmp_path / "landing"))
    monkeypatch.setenv("NEWS_ETL_WAREHOUSE", str(tmp_path / "wh"))
    with caplog.at_level(logging.INFO):
        run = news_etl_dag.test(run_conf={"partition_date": "2025-11-22"})
    assert run.state == "failed"
    validate = _ti(run, "validate")
    assert validate.state == "failed" and validate.try_number == 1
    assert open_warehouse(tmp_path / "wh").read_manifest("2025-11-22") is None
    verdict = [r.getMessage() for r in caplog.records if r.name == "etl.airflow.tasks"][-1]
    assert "day_articles: expect_table_row_count_to_be_between" in verdict
    assert "observed 0" in verdict and "validation.json" in verdict
    # GX's own INFO chatter stays out of the task log
    assert not [r for r in caplog.records if r.name.startswith("great_expectations") and r.levelno < logging.WARNING]


def test_transient_errors_still_retry_a_validation_failure_does_not(monkeypatch, tmp_path):
    """The task body's contract: ValidationFailed becomes AirflowFailException (no retry); any
    other error (storage, a crash) propagates unchanged, so Airflow's retries apply."""
    from airflow.sdk.exceptions import AirflowFailException

    from etl.airflow import tasks
    from etl.run import pipeline
    from etl.validate import ValidationReport

    monkeypatch.setenv("NEWS_ETL_WAREHOUSE", str(tmp_path / "wh"))
    context = {"params": {"partition_date": "2025-11-23"}, "run_id": "r1"}
    report = ValidationReport(False, [{"table": "articles", "expectation": "expect_x", "column": "body",
                                       "observed": "3 of 9 rows unexpected"}], [], {}, "/r/validation.json", None)

    def failed(*a, **k):
        raise pipeline.ValidationFailed(report)

    monkeypatch.setattr(pipeline, "audit", failed)
    with pytest.raises(AirflowFailException, match="articles: expect_x"):
        tasks.validate(context)

    def transient(*a, **k):
        raise OSError("connection reset")

    monkeypatch.setattr(pipeline, "audit", transient)
    with pytest.raises(OSError):
        tasks.validate(context)
