"""entities: one row per distinct entity per article."""
from __future__ import annotations

import pandas as pd

from expectations._common import ENTITY_KEY_REGEX, key_checks, parent_check, true_check

TABLE = "entities"


def prepare(df: pd.DataFrame, ctx) -> pd.DataFrame:
    df = parent_check(df, ctx)
    df["check_name_not_blank"] = df["name"].fillna("").str.strip().str.len() > 0
    return df


def expectations(gxe, ctx) -> list:
    from expectations import ENTITY_LABELS, FIELDS

    return [
        *key_checks(gxe, "entity_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="entity_key"),
        gxe.ExpectColumnValuesToMatchRegex(column="entity_key", regex=ENTITY_KEY_REGEX),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["article_id", "name", "label"]),
        gxe.ExpectColumnValuesToBeInSet(column="label", value_set=ENTITY_LABELS),
        gxe.ExpectColumnValuesToBeInSet(column="first_field", value_set=FIELDS),
        gxe.ExpectColumnValuesToBeBetween(column="mention_count", min_value=1),
        gxe.ExpectColumnValuesToBeBetween(column="latitude", min_value=-90, max_value=90),
        gxe.ExpectColumnValuesToBeBetween(column="longitude", min_value=-180, max_value=180),
        gxe.ExpectColumnValuesToMatchRegex(column="country_code", regex=r"^[A-Z]{2}$"),
        true_check(gxe, "check_article_exists"),
        true_check(gxe, "check_name_not_blank"),
    ]
