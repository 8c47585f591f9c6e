"""The accounting checks fail the run when something goes missing, and the configurable limits
turn into reject reasons."""
import json

import pyarrow.parquet as pq
import pytest

from etl.run import pipeline
from etl.parse.article import build_article
from etl.ingest import read_input
from etl.model.records import ArticleResult, Reject, SourceDocument
from etl.warehouse import open_warehouse

DAY = "2025-12-03"
TEXT = "Ferry service resumes in {p}\n\nThe ferry to {p} ran again on Monday after repairs.\n\nCaptain Joe Hale said bookings were strong.\n"


@pytest.fixture()
def staged(tmp_path):
    land = tmp_path / "land"
    land.mkdir()
    for p in ("Oban", "Mull"):
        (land / f"{p}.txt").write_text(TEXT.format(p=p))
    (land / "feed.jsonl").write_text('{"text": "x"}\nbroken\n')
    wh = tmp_path / "wh"
    p = pipeline.plan([str(land)], str(wh), DAY, "acct")
    for b in p["batches"]:
        pipeline.process_batch(p["staging"], b["batch_no"], b["files"], DAY)
    return p, wh


def test_a_row_lost_after_finalize_fails_the_audit_and_publishes_nothing(staged):
    p, wh = staged
    pipeline.finalize(p["staging"], DAY)
    path = f"{p['staging']}/final/rejects/part-00000.parquet"
    t = pq.read_table(path)
    assert t.num_rows >= 1
    pq.write_table(t.slice(1), path)  # one reject row vanishes
    with pytest.raises(pipeline.AccountingError, match="does not add up"):
        pipeline.audit(p["staging"], DAY, str(wh), "acct")
    with pytest.raises(pipeline.ValidationFailed):
        pipeline.publish(p["staging"], DAY, str(wh), "acct")
    assert open_warehouse(wh).read_manifest(DAY) is None


def test_a_planned_file_no_batch_read_fails_finalize(staged):
    p, wh = staged
    plan_file = f"{p['staging']}/plan.json"
    plan = json.loads(open(plan_file).read())
    plan["files"].append(str(wh / "never-read.txt"))
    open(plan_file, "w").write(json.dumps(plan))
    with pytest.raises(pipeline.AccountingError, match="never read"):
        pipeline.finalize(p["staging"], DAY)


def test_a_missing_batch_fails_finalize(staged):
    p, _ = staged
    with pytest.raises(pipeline.AccountingError, match="have not finished"):
        pipeline.finalize(p["staging"], DAY, expected_batches=len(p["batches"]) + 1)


def test_html_depth_limit_is_configurable(monkeypatch):
    page = "<html><body>" + "<div>" * 120 + "<p>" + TEXT.format(p="Skye").replace("\n\n", "</p><p>") + \
           "</p>" + "</div>" * 120 + "</body></html>"
    assert isinstance(build_article(SourceDocument("mem://ok", "html", page)), ArticleResult)
    monkeypatch.setenv("NEWS_ETL_MAX_HTML_DEPTH", "50")
    out = build_article(SourceDocument("mem://deep", "html", page))
    assert isinstance(out, Reject) and out.reason == "too_deep" and "50" in out.detail


def test_size_and_record_limits_are_configurable(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    big.write_text(TEXT.format(p="Iona") * 10)
    assert not any(isinstance(i, Reject) for i in read_input(big))
    monkeypatch.setenv("NEWS_ETL_MAX_INPUT_BYTES", "100")
    assert [i.reason for i in read_input(big)] == ["too_large"]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps({"text": TEXT.format(p=f"Isle {i}")}) for i in range(4)))
    monkeypatch.setenv("NEWS_ETL_MAX_INPUT_BYTES", str(10**6))
    monkeypatch.setenv("NEWS_ETL_MAX_RECORDS_PER_FILE", "2")
    items = list(read_input(feed))
    assert [type(i).__name__ for i in items] == ["SourceDocument", "SourceDocument", "Reject"]
    assert items[-1].reason == "too_many_records"
