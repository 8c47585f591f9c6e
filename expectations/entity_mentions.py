"""entity_mentions: one row per mention; offsets must reproduce the mention text."""
from __future__ import annotations

import pandas as pd

from expectations._common import ENTITY_KEY_REGEX, key_checks, parent_check, true_check

TABLE = "entity_mentions"


def prepare(df: pd.DataFrame, ctx) -> pd.DataFrame:
    df = parent_check(df, ctx)
    ok = []
    # .tolist() first: stepping through an Arrow-backed column one element at a time is ~10x slower
    columns = (df[c].tolist() for c in ("article_id", "field", "field_index", "char_start", "char_end", "text"))
    for aid, field, idx, start, end, text in zip(*columns):
        src = ctx.field_text(aid, field, int(idx))
        ok.append(src is not None and 0 <= start < end <= len(src) and src[start:end] == text)
    df["check_span_matches_text"] = pd.Series(ok, index=df.index, dtype=bool)
    df["check_single_line"] = ~df["text"].str.contains("\n", regex=False)
    df["check_entity_exists"] = [(a, e) in ctx.entity_keys for a, e in zip(df["article_id"].tolist(), df["entity_id"].tolist())]
    return df


def expectations(gxe, ctx) -> list:
    from expectations import ENTITY_LABELS, FIELDS

    return [
        *key_checks(gxe, "mention_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="entity_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="entity_key"),
        gxe.ExpectColumnValuesToMatchRegex(column="entity_key", regex=ENTITY_KEY_REGEX),
        gxe.ExpectColumnValuesToBeInSet(column="label", value_set=ENTITY_LABELS),
        gxe.ExpectColumnValuesToBeInSet(column="field", value_set=FIELDS),
        gxe.ExpectColumnValuesToBeBetween(column="char_start", min_value=0),
        true_check(gxe, "check_article_exists"),
        true_check(gxe, "check_span_matches_text"),
        true_check(gxe, "check_single_line"),
        true_check(gxe, "check_entity_exists"),
    ]
