"""The entity directory: one row per `entity_key`, aggregated from published rows.

A pure function of the `entities`, `entity_mentions` and `quotes` rows it is given (with their
`ingest_date`), so computing it on read from the warehouse is always current: a rerun replaces a
partition's rows and a backfill adds partitions, and the next read sees exactly them, with nothing
stored beside the partitions that could go stale."""
from __future__ import annotations

import pandas as pd

from etl.model.schema import ENTITY_DIRECTORY

DAY = "ingest_date"


def build_directory(entities: pd.DataFrame, mentions: pd.DataFrame, quotes: pd.DataFrame) -> pd.DataFrame:
    """Directory rows sorted by key. `entities` needs entity_key, article_id, name, label,
    mention_count and ingest_date; `mentions` entity_key and text; `quotes` speaker_key."""
    columns = ENTITY_DIRECTORY.column_names
    if entities.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    ents = entities.assign(**{DAY: entities[DAY].astype(str)})
    g = ents.groupby("entity_key", sort=True)
    out = pd.DataFrame({
        "first_day": g[DAY].min(),
        "last_day": g[DAY].max(),
        "days": g[DAY].nunique().astype("int32"),
        "article_count": g["article_id"].nunique().astype("int32"),
        "mention_count": g["mention_count"].sum().astype("int64"),
    })
    out["name"] = _most_common(ents, "name", prefer_long=True)
    out["label"] = _most_common(ents, "label", prefer_long=False)
    names = ents[["entity_key", "name"]].rename(columns={"name": "alias"})
    texts = mentions[["entity_key", "text"]].rename(columns={"text": "alias"})
    aliases = pd.concat([names, texts], ignore_index=True).drop_duplicates()
    out["aliases"] = aliases.groupby("entity_key")["alias"].agg(lambda s: sorted(set(s))).reindex(out.index)
    out["aliases"] = [a if isinstance(a, list) else [] for a in out["aliases"]]
    spoken = quotes["speaker_key"].dropna().value_counts() if len(quotes) else pd.Series(dtype="int64")
    out["quote_count"] = spoken.reindex(out.index).fillna(0).astype("int64")
    return out.reset_index()[columns]


def _most_common(ents: pd.DataFrame, column: str, prefer_long: bool) -> pd.Series:
    """Per key, the value of `column` the most articles gave; ties go to the longer value (a
    fuller name) when `prefer_long`, then to the alphabetically first, so the choice never depends
    on row order."""
    counts = ents.groupby(["entity_key", column])["article_id"].nunique().rename("n").reset_index()
    counts["length"] = counts[column].str.len() if prefer_long else 0
    counts = counts.sort_values(["entity_key", "n", "length", column], ascending=[True, False, False, True])
    return counts.drop_duplicates("entity_key").set_index("entity_key")[column]
