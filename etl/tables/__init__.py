"""Records -> typed tables. Pure: no I/O, no clock; the same results give the same rows.

Rows are built from the dataclasses once per batch, as pandas DataFrames, and cast to the
registry's Arrow schema by `to_arrow`, which refuses missing, extra or mistyped columns."""
from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
import pyarrow as pa

from etl.version import __version__
from etl.model import schema
from etl.model.ids import stable_id
from etl.model.records import ArticleResult, Reject
from etl.nlp.linking import EntityRef, Linker

_WORD = re.compile(r"\w+")


def word_count(text: str) -> int:
    return len(_WORD.findall(text or ""))


def article_rows(results: Iterable[ArticleResult]) -> dict[str, list[dict]]:
    """Rows of every article-derived table, keyed by table name."""
    rows: dict[str, list[dict]] = {t: [] for t in ("articles", "entity_mentions", "entities", "quotes", "image_captions")}
    for r in results:
        aid = r.article_id
        page = r.page
        rows["articles"].append({
            "article_id": aid,
            "source_uri": r.source.source_uri,
            "url": page.url,
            "source": page.source,
            "section": page.section,
            "title": page.title,
            "subtitle": page.subtitle,
            "description": page.description,
            "authors": list(page.authors or []),
            # blank keywords carry nothing and would only trip the suite: dropped here
            "keywords": [k for k in (page.keywords or []) if isinstance(k, str) and k.strip()],
            "published_at": page.published_at,
            "published_at_precision": (page.published_precision or "time") if page.published_at else None,
            "modified_at": page.modified_at,
            "language": page.language,
            "body": page.body,
            "word_count": word_count(page.body),
            "content_sha256": r.content_sha256,
            "nlp_status": r.nlp_skipped_reason or "ok",
            "pipeline_version": __version__,
        })
        entity_ids = {e.entity_key: stable_id(aid, "entity", e.entity_key) for e in r.entities}
        # Keys from this article alone; finalize re-links them with the whole partition's evidence.
        linker = article_linker(r, entity_ids)
        keys = linker.keys
        for e in r.entities:
            rows["entities"].append({
                "article_id": aid,
                "entity_id": entity_ids[e.entity_key],
                "entity_key": keys[entity_ids[e.entity_key]],
                "name": e.name,
                "label": e.label,
                "mention_count": e.mention_count,
                "first_field": e.first_field,
                "first_char_start": e.first_char_start,
                "title": e.title,
                "country_code": e.country_code,
                "latitude": e.latitude,
                "longitude": e.longitude,
                "geonames_id": e.geonames_id,
            })
        for m in r.mentions:
            eid = entity_ids.get(m.entity_key) or stable_id(aid, "entity", m.entity_key)
            rows["entity_mentions"].append({
                "article_id": aid,
                "mention_id": stable_id(aid, "mention", m.field, m.field_index, m.char_start, m.char_end),
                "entity_id": eid,
                "entity_key": keys.get(eid) or f"{m.label.lower()}:{' '.join(m.text.casefold().split())}",
                "text": m.text,
                "label": m.label,
                "field": m.field,
                "field_index": m.field_index,
                "char_start": m.char_start,
                "char_end": m.char_end,
            })
        for q in r.quotes:
            speaker_id = entity_ids.get(q.speaker_entity_key) if q.speaker_entity_key else None
            rows["quotes"].append({
                "article_id": aid,
                "quote_id": stable_id(aid, "quote", q.char_start, q.char_end),
                "quote": q.quote,
                "char_start": q.char_start,
                "char_end": q.char_end,
                "speaker": q.speaker,
                "speaker_mention": q.speaker_mention,
                "speaker_entity_id": speaker_id,
                "speaker_key": keys.get(speaker_id) if speaker_id else linker.speaker_key(aid, q.speaker_mention),
                "cue": q.cue,
            })
        for pos, c in enumerate(page.captions):
            rows["image_captions"].append({
                "article_id": aid,
                "caption_id": stable_id(aid, "caption", pos),
                "position": pos,
                "image_url": c.image_url,
                "caption": c.caption,
                "credit": c.credit,
                "photographer": c.photographer,
                "agency": c.agency,
            })
    return rows


def article_linker(r: ArticleResult, entity_ids: dict[str, str]) -> Linker:
    """Keys of one article's entities (and speakers), with only the article as evidence."""
    texts: dict[str, list[str]] = {}
    for m in r.mentions:
        texts.setdefault(m.entity_key, []).append(m.text)
    return Linker(EntityRef(r.article_id, entity_ids[e.entity_key], e.name, e.label, e.title, e.geonames_id,
                          tuple(dict.fromkeys(texts.get(e.entity_key, ()))))
                for e in r.entities)


def reject_rows(rejects: Iterable[Reject], quarantine_paths: dict[int, str] | None = None) -> list[dict]:
    quarantine_paths = quarantine_paths or {}
    return [{
        "reject_id": stable_id("reject", r.source_uri, r.reason),
        "source_uri": r.source_uri,
        "reason": r.reason,
        "detail": (r.detail or "")[:2000],
        "quarantine_path": quarantine_paths.get(i),
    } for i, r in enumerate(rejects)]


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """A DataFrame with exactly the registry's columns for `table`, in order."""
    if not rows:  # typed from the registry, so string checks work on an empty table too
        return schema.TABLES[table].arrow_schema().empty_table().to_pandas()
    return pd.DataFrame.from_records(rows, columns=schema.TABLES[table].column_names)


def to_arrow(table: str, df: pd.DataFrame) -> pa.Table:
    """Cast a DataFrame to the registry schema. Raises ValueError on missing/extra columns,
    nulls in non-nullable columns, or values that do not fit the declared type."""
    spec = schema.TABLES[table]
    missing = [c for c in spec.column_names if c not in df.columns]
    extra = [c for c in df.columns if c not in spec.column_names]
    if missing or extra:
        raise ValueError(f"{table}: columns do not match the registry (missing {missing}, extra {extra})")
    arrays = []
    for col in spec.columns:
        series = df[col.name]
        values = series.tolist()
        missing = series.isna()
        if missing.any():  # NaN / NaT from pandas become nulls; most columns have none
            values = [None if gap or _is_null(v) else v for v, gap in zip(values, missing.tolist())]
        try:
            arr = pa.array(values, type=col.type, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as exc:
            raise ValueError(f"{table}.{col.name}: values do not fit {col.type}: {exc}") from exc
        if not col.nullable and arr.null_count:
            raise ValueError(f"{table}.{col.name}: {arr.null_count} null value(s) in a non-nullable column")
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, schema=spec.arrow_schema())


def _is_null(v) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and v != v:
        return True
    return v is pd.NaT


def empty_table(table: str) -> pa.Table:
    return schema.TABLES[table].arrow_schema().empty_table()
