"""Duplicates: within a partition the same article (same URL, or same text) is stored once and
every further copy is a `duplicate` reject, whether the copies share a batch or not; an article
that reappears on a LATER date is a new row in that later partition (partitions are independent
loads: the later day's row is kept, with the same article_id, so analysts can dedupe across days
on article_id and see when it was re-delivered)."""
import json

import pytest

from etl.run import pipeline
from etl.warehouse import open_warehouse

STORY = ("Flood barrier finished in {place}\n\nWorkers in {place} finished the new flood barrier on Friday.\n\n"
         "Engineer {who} said the barrier would protect two thousand homes.\n")


def story(place: str, who: str = "Lena Park") -> str:
    return STORY.format(place=place, who=who)


@pytest.mark.parametrize("files_per_batch", [100, 1])  # same batch, and every file its own batch
def test_copies_in_one_partition_are_stored_once_and_counted(tmp_path, monkeypatch, files_per_batch):
    monkeypatch.setenv("NEWS_ETL_FILES_PER_BATCH", str(files_per_batch))
    land = tmp_path / "land"
    land.mkdir()
    (land / "a.txt").write_text(story("Hull"))
    (land / "b.txt").write_text(story("Hull"))  # same text, other file
    (land / "c.txt").write_text(story("York"))
    records = [{"text": story("Bath"), "url": "https://news.example/bath?utm_source=x"},
               {"text": story("Bath", who="Other Writer"), "url": "https://NEWS.example/bath/"},  # same URL, edited text
               {"text": story("Ely"), "url": "https://news.example/ely"}]
    (land / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    wh = tmp_path / "wh"
    pipeline.run([str(land)], str(wh), "2025-12-03", "dups")
    w = open_warehouse(wh)
    arts = w.read_table("articles", "2025-12-03").to_pylist()
    rejects = w.read_table("rejects", "2025-12-03").to_pylist()
    assert sorted(a["title"] for a in arts) == ["Flood barrier finished in Bath", "Flood barrier finished in Ely",
                                                "Flood barrier finished in Hull", "Flood barrier finished in York"]
    dups = sorted(r["source_uri"].rsplit("/", 1)[-1] for r in rejects if r["reason"] == "duplicate")
    assert dups == ["b.txt", "feed.jsonl#L2"]  # the first copy in input order wins
    assert all("same article as" in r["detail"] for r in rejects if r["reason"] == "duplicate")
    m = w.read_manifest("2025-12-03")
    assert m["input_count"] == 6 and m["duplicates"] == 2
    assert m["accounting"]["passed"] and m["accounting"]["articles"] + m["accounting"]["rejects"] == 6
    # no rows of the dropped copies leak into the child tables
    ids = {a["article_id"] for a in arts}
    for t in ("entities", "entity_mentions", "quotes", "image_captions"):
        assert {r["article_id"] for r in w.read_table(t, "2025-12-03").to_pylist()} <= ids


def test_an_article_reappearing_on_a_later_date_is_a_new_row_there(tmp_path):
    wh = tmp_path / "wh"
    day1, day2 = tmp_path / "d1", tmp_path / "d2"
    day1.mkdir()
    day2.mkdir()
    (day1 / "hull.txt").write_text(story("Hull"))
    (day2 / "hull-again.txt").write_text(story("Hull"))
    (day2 / "york.txt").write_text(story("York"))
    pipeline.run([str(day1)], str(wh), "2025-12-03", "d1")
    pipeline.run([str(day2)], str(wh), "2025-12-04", "d2")
    w = open_warehouse(wh)
    first = w.read_table("articles", "2025-12-03").to_pylist()
    second = w.read_table("articles", "2025-12-04").to_pylist()
    assert len(first) == 1 and len(second) == 2
    assert not [r for r in w.read_table("rejects", "2025-12-04").to_pylist() if r["reason"] == "duplicate"]
    again = [a for a in second if a["title"] == first[0]["title"]]
    assert again and again[0]["article_id"] == first[0]["article_id"]  # same id: dedupe across days on it
    everything = w.read_table("articles").to_pandas()
    assert (everything["article_id"] == first[0]["article_id"]).sum() == 2
    assert sorted(everything["ingest_date"].astype(str).unique()) == ["2025-12-03", "2025-12-04"]
    # and the earlier partition was not touched by the later run
    assert w.read_manifest("2025-12-03")["run_id"] == "d1"
