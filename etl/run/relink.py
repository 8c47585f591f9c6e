"""The partition-level step of entity linking, run by finalize once every batch of the day is in.

Batches key their entities with only their own article as evidence (etl.tables); a surname alone
or an acronym may need the rest of the day to find its key (etl.nlp.linking). Finalize gathers the
day's entities from every batch (not from duplicates it drops), links them once, and rewrites
`entity_key` / `speaker_key` while it combines the batches. The CLI and the DAG both come through
finalize, so both get the same keys, whatever the batching or the number of worker processes."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from etl.nlp.linking import EntityRef, Linker

# Mention texts are only evidence for organisations (acronyms); people and places need none.
_NO_VARIANTS = ("PERSON", "GPE", "LOC")
_ENTITY_COLUMNS = ["article_id", "entity_id", "entity_key", "name", "label", "title", "geonames_id"]
_QUOTE_COLUMNS = ["article_id", "quote_id", "speaker_entity_id", "speaker_mention", "speaker_key"]


@dataclass
class Changes:
    """New keys by row id, only where the partition's evidence changed a batch's key."""

    entities: dict[str, str] = field(default_factory=dict)  # entity_id -> entity_key
    quotes: dict[str, str | None] = field(default_factory=dict)  # quote_id -> speaker_key


def partition_keys(entities: pa.Table, mentions: pa.Table, quotes: pa.Table) -> tuple[dict[str, str], dict[str, str | None]]:
    """(entity_id -> entity_key, quote_id -> speaker_key) of one partition's rows: its entities,
    their mentions (article_id, entity_id, text, label) and its quotes."""
    mentions = mentions.filter(pc.invert(pc.is_in(mentions.column("label"), value_set=pa.array(_NO_VARIANTS))))
    variants: dict[str, list[str]] = {}
    for eid, text in zip(mentions.column("entity_id").to_pylist(), mentions.column("text").to_pylist()):
        variants.setdefault(eid, []).append(text)
    cols = ["article_id", "entity_id", "name", "label", "title", "geonames_id"]
    refs = [EntityRef(aid, eid, nm, label, title, gid, tuple(dict.fromkeys(variants.get(eid, ()))))
            for aid, eid, nm, label, title, gid in zip(*(entities.column(c).to_pylist() for c in cols))]
    linker = Linker(refs)
    speakers = {}
    for aid, qid, eid, mention in zip(*(quotes.column(c).to_pylist() for c in _QUOTE_COLUMNS[:4])):
        speakers[qid] = linker.keys.get(eid) if eid is not None else linker.speaker_key(aid, mention)
    return linker.keys, speakers


def partition_changes(batches: dict[str, Path], drop: dict[str, set]) -> Changes:
    """The keys of every batch's rows that the whole partition's evidence changes (duplicates
    that finalize drops are no evidence)."""
    parts: dict[str, list[pa.Table]] = {"entities": [], "entity_mentions": [], "quotes": []}
    columns = {"entities": _ENTITY_COLUMNS, "entity_mentions": ["article_id", "entity_id", "text", "label"],
               "quotes": _QUOTE_COLUMNS}
    for name, folder in sorted(batches.items()):
        dropped = pa.array(sorted(drop.get(name, ())), type=pa.string())
        for table, cols in columns.items():
            t = pq.read_table(folder / f"{table}.parquet", columns=cols)
            parts[table].append(t.filter(pc.invert(pc.is_in(t.column("article_id"), value_set=dropped))))
    tables = {t: pa.concat_tables(ts) if ts else pa.table({c: pa.array([], pa.string()) for c in columns[t]})
              for t, ts in parts.items()}
    entity_keys, speaker_keys = partition_keys(tables["entities"], tables["entity_mentions"], tables["quotes"])
    ents, quotes = tables["entities"], tables["quotes"]
    changes = Changes()
    for eid, key in zip(ents.column("entity_id").to_pylist(), ents.column("entity_key").to_pylist()):
        if entity_keys[eid] != key:
            changes.entities[eid] = entity_keys[eid]
    for qid, key in zip(quotes.column("quote_id").to_pylist(), quotes.column("speaker_key").to_pylist()):
        if speaker_keys[qid] != key:
            changes.quotes[qid] = speaker_keys[qid]
    return changes


def apply(table: str, t: pa.Table, changes: Changes) -> pa.Table:
    """`t` (a chunk of one batch's `table`) with the partition's keys in its key column."""
    if table in ("entities", "entity_mentions"):
        id_col, key_col, new = "entity_id", "entity_key", changes.entities
    elif table == "quotes":
        id_col, key_col, new = "quote_id", "speaker_key", changes.quotes
    else:
        return t
    if not new or not t.num_rows:
        return t
    ids = t.column(id_col).to_pylist()
    if not any(i in new for i in ids):
        return t
    keys = [new[i] if i in new else k for i, k in zip(ids, t.column(key_col).to_pylist())]
    pos = t.schema.get_field_index(key_col)
    return t.set_column(pos, t.schema.field(pos), pa.array(keys, type=t.schema.field(pos).type))
