"""The partition-level step of entity linking, run by finalize once every batch of the day is in.

Batches key their entities with only their own article as evidence (etl.tables); a surname alone
or an acronym may need the rest of the day to find its key (etl.nlp.linking). Finalize gathers the
day's entities from every batch (not from duplicates it drops), links them once, and rewrites
`entity_key` / `speaker_key` while it combines the batches. The CLI and the DAG both come through
finalize, so both get the same keys, whatever the batching or the number of worker processes."""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from etl.nlp.linking import EntityRef, link

# Mention texts are only evidence for organisations (acronyms); people and places need none.
_NO_VARIANTS = ("PERSON", "GPE", "LOC")
_KEY_COLUMN = {"entities": ("entity_id", "entity_key"), "entity_mentions": ("entity_id", "entity_key"),
               "quotes": ("speaker_entity_id", "speaker_key")}


def partition_changes(batches: dict[str, Path], drop: dict[str, set]) -> dict[str, str]:
    """entity_id -> key for every entity of the partition whose key differs from its batch's."""
    refs: list[EntityRef] = []
    batch_keys: dict[str, str] = {}
    for name, folder in sorted(batches.items()):
        dropped = drop.get(name, set())
        variants: dict[str, list[str]] = {}
        mentions = pq.read_table(folder / "entity_mentions.parquet", columns=["article_id", "entity_id", "text", "label"])
        mentions = mentions.filter(pc.invert(pc.is_in(mentions.column("label"), value_set=pa.array(_NO_VARIANTS))))
        for aid, eid, text in zip(*(mentions.column(c).to_pylist() for c in ("article_id", "entity_id", "text"))):
            if aid not in dropped:
                variants.setdefault(eid, []).append(text)
        cols = ["article_id", "entity_id", "entity_key", "name", "label", "title", "geonames_id"]
        ents = pq.read_table(folder / "entities.parquet", columns=cols)
        for aid, eid, key, nm, label, title, gid in zip(*(ents.column(c).to_pylist() for c in cols)):
            if aid in dropped:
                continue
            batch_keys[eid] = key
            refs.append(EntityRef(aid, eid, nm, label, title, gid, tuple(dict.fromkeys(variants.get(eid, ())))))
    return {eid: key for eid, key in link(refs).items() if batch_keys.get(eid) != key}


def apply(table: str, t: pa.Table, changes: dict[str, str]) -> pa.Table:
    """`t` (a chunk of one batch's `table`) with the partition's keys in its key column."""
    if table not in _KEY_COLUMN or not changes or not t.num_rows:
        return t
    id_col, key_col = _KEY_COLUMN[table]
    ids = t.column(id_col).to_pylist()
    if not any(i in changes for i in ids if i is not None):
        return t
    keys = [changes.get(i, k) if i is not None else k for i, k in zip(ids, t.column(key_col).to_pylist())]
    pos = t.schema.get_field_index(key_col)
    return t.set_column(pos, t.schema.field(pos), pa.array(keys, type=t.schema.field(pos).type))
