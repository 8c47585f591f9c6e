"""news_etl_articles_digest: an example consumer of news_etl's `articles` asset.

Runs whenever news_etl publishes articles, and summarises each day that changed (articles per
publisher). The day comes from the triggering asset event's extra (`ingest_date`), because an
asset-triggered run has no partition of its own. Wiring only: the body is
etl.airflow.downstream.digest, imported when the task runs."""
from __future__ import annotations

from airflow.sdk import Asset, dag, task

# The same identity as news_etl's outlet (name and uri must both match, or Airflow sees two assets).
ARTICLES = Asset(name="news_etl_articles", uri="file:///news_etl/warehouse/articles")


@dag(
    dag_id="news_etl_articles_digest",
    schedule=[ARTICLES],
    catchup=False,
    tags=["news-etl", "example"],
    doc_md=__doc__,
)
def news_etl_articles_digest():
    @task(retries=1)
    def digest(**context) -> list[dict]:
        from etl.airflow import downstream, tasks

        return downstream.digest(context["triggering_asset_events"], tasks.warehouse_root())

    digest()


news_etl_articles_digest()
