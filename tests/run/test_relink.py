"""The partition-level relink step on hand-made batch files: duplicates are no evidence, and only
the key columns of changed rows are rewritten."""
from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from etl import tables
from etl.run import relink

ENT_ROWS = [  # (batch, article, entity id, name, label, key the batch gave)
    ("00000", "a1", "e1", "Angela Merkel", "PERSON", "person:angela merkel"),
    ("00001", "a2", "e2", "Merkel", "PERSON", "person-surname:merkel"),
    ("00001", "a3", "e3", "Paul Merkel", "PERSON", "person:paul merkel"),  # a duplicate, dropped
]


def _batches(tmp_path):
    out = {}
    for batch in ("00000", "00001"):
        folder = tmp_path / batch
        folder.mkdir()
        rows = [{"article_id": a, "entity_id": e, "entity_key": k, "name": n, "label": lab, "mention_count": 1,
                 "first_field": "body", "first_char_start": 0}
                for b, a, e, n, lab, k in ENT_ROWS if b == batch]
        quotes = [{"article_id": "a2", "quote_id": "q1", "quote": "Yes", "char_start": 1, "char_end": 4,
                   "speaker": "Merkel", "speaker_entity_id": "e2", "speaker_key": "person-surname:merkel"}] \
            if batch == "00001" else []
        mentions = [{"article_id": r["article_id"], "mention_id": f"m-{r['entity_id']}", "entity_id": r["entity_id"],
                     "entity_key": r["entity_key"], "text": r["name"], "label": r["label"], "field": "body",
                     "field_index": 0, "char_start": 0, "char_end": len(r["name"])} for r in rows]
        for table, data in (("entities", rows), ("entity_mentions", mentions), ("quotes", quotes)):
            pq.write_table(tables.to_arrow(table, tables.frame(table, data)), folder / f"{table}.parquet")
        out[batch] = folder
    return out


def test_the_day_decides_a_lone_surname_and_dropped_duplicates_are_no_evidence(tmp_path):
    batches = _batches(tmp_path)
    changes = relink.partition_changes(batches, {"00001": {"a3"}})
    # Without a3, Angela Merkel is the only Merkel named in full: the surname joins her.
    assert changes.entities == {"e2": "person:angela merkel"}
    assert changes.quotes == {"q1": "person:angela merkel"}
    # With a3 kept, two Merkels and no evidence between them: nothing changes.
    assert relink.partition_changes(batches, {}).entities == {}


def test_apply_rewrites_only_the_key_column_of_changed_rows(tmp_path):
    batches = _batches(tmp_path)
    changes = relink.partition_changes(batches, {"00001": {"a3"}})
    t = pq.read_table(batches["00001"] / "entity_mentions.parquet")
    after = relink.apply("entity_mentions", t, changes)
    assert after.schema == t.schema
    assert dict(zip(after.column("entity_id").to_pylist(), after.column("entity_key").to_pylist())) == {
        "e2": "person:angela merkel", "e3": "person:paul merkel"}
    assert after.drop_columns(["entity_key"]).equals(t.drop_columns(["entity_key"]))
    rejects = pa.table({"x": [1]})
    assert relink.apply("rejects", rejects, changes) is rejects
