"""quotes: one row per direct quotation; body[char_start:char_end] must equal the quote."""
from __future__ import annotations

import pandas as pd

from expectations._common import ENTITY_KEY_REGEX, key_checks, parent_check, true_check

TABLE = "quotes"


def prepare(df: pd.DataFrame, ctx) -> pd.DataFrame:
    df = parent_check(df, ctx)
    ok = []
    for aid, start, end, quote in zip(*(df[c].tolist() for c in ("article_id", "char_start", "char_end", "quote"))):
        body = ctx.field_text(aid, "body", 0)
        ok.append(body is not None and 0 <= start < end <= len(body) and body[start:end] == quote)
    df["check_span_matches_body"] = pd.Series(ok, index=df.index, dtype=bool)
    df["check_quote_not_blank"] = df["quote"].fillna("").str.strip().str.len() > 0
    df["check_speaker_entity_exists"] = [
        e is None or (isinstance(e, float) and e != e) or (a, e) in ctx.entity_keys
        for a, e in zip(df["article_id"].tolist(), df["speaker_entity_id"].tolist())
    ]
    # A speaker with an entity always has a global key (one written only as a name may have one too).
    df["check_speaker_key_with_entity"] = df["speaker_entity_id"].isna() | df["speaker_key"].notna()
    return df


def expectations(gxe, ctx) -> list:
    return [
        *key_checks(gxe, "quote_id"),
        true_check(gxe, "check_article_exists"),
        true_check(gxe, "check_span_matches_body"),
        true_check(gxe, "check_quote_not_blank"),
        true_check(gxe, "check_speaker_entity_exists"),
        true_check(gxe, "check_speaker_key_with_entity"),
        gxe.ExpectColumnValuesToMatchRegex(column="speaker_key", regex=ENTITY_KEY_REGEX),
    ]
