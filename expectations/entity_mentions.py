"""entity_mentions: one row per mention; offsets must reproduce the mention text."""
from __future__ import annotations

from expectations._common import ENTITY_KEY_REGEX, columns_check, key_checks, parent_check

TABLE = "entity_mentions"


def expectations(gxe, custom, ctx) -> list:
    from expectations import ENTITY_LABELS, FIELDS

    return [
        columns_check(gxe, TABLE),
        *key_checks(gxe, "mention_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="entity_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="entity_key"),
        gxe.ExpectColumnValuesToMatchRegex(column="entity_key", regex=ENTITY_KEY_REGEX),
        gxe.ExpectColumnValuesToBeInSet(column="label", value_set=ENTITY_LABELS),
        gxe.ExpectColumnValuesToBeInSet(column="field", value_set=FIELDS),
        gxe.ExpectColumnValuesToBeBetween(column="char_start", min_value=0),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="char_end", column_B="char_start"),
        gxe.ExpectColumnValuesToNotMatchRegex(column="text", regex=r"\n"),  # a mention is one line
        parent_check(custom),
        custom.ExpectSpanToEqualSourceText(
            column_list=["article_id", "field", "field_index", "char_start", "char_end", "text"], text_column="text"),
        custom.ExpectMulticolumnValuesToBeKeysOfTable(
            column_list=["article_id", "entity_id"], parent_table="entities", parent_columns=["article_id", "entity_id"]),
    ]
