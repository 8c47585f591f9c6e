"""image_captions: one row per caption."""
from __future__ import annotations

import pandas as pd

from expectations._common import key_checks, parent_check, true_check

TABLE = "image_captions"


def prepare(df: pd.DataFrame, ctx) -> pd.DataFrame:
    df = parent_check(df, ctx)
    df["check_caption_not_blank"] = df["caption"].fillna("").str.strip().str.len() > 0
    return df


def expectations(gxe, ctx) -> list:
    return [
        *key_checks(gxe, "caption_id"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["article_id", "position"]),
        gxe.ExpectColumnValuesToBeBetween(column="position", min_value=0),
        gxe.ExpectColumnValuesToMatchRegex(column="image_url", regex=r"^https?://"),
        true_check(gxe, "check_article_exists"),
        true_check(gxe, "check_caption_not_blank"),
    ]
