"""quotes: one row per direct quotation; body[char_start:char_end] must equal the quote."""
from __future__ import annotations

from expectations._common import ENTITY_KEY_REGEX, columns_check, key_checks, not_blank, parent_check

TABLE = "quotes"


def expectations(gxe, custom, ctx) -> list:
    from great_expectations.expectations.row_conditions import Column

    return [
        columns_check(gxe, TABLE),
        *key_checks(gxe, "quote_id"),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="char_end", column_B="char_start"),
        parent_check(custom),
        custom.ExpectSpanToEqualSourceText(column_list=["article_id", "char_start", "char_end", "quote"],
                                           text_column="quote", field="body"),
        not_blank(gxe, "quote"),
        # an unresolved speaker (null) is allowed; a resolved one must be an entity of the article
        custom.ExpectMulticolumnValuesToBeKeysOfTable(
            column_list=["article_id", "speaker_entity_id"], parent_table="entities",
            parent_columns=["article_id", "entity_id"], ignore_row_if="any_value_is_missing"),
        # A speaker with an entity always has a global key (one written only as a name may have one too).
        gxe.ExpectColumnValuesToNotBeNull(column="speaker_key", row_condition=Column("speaker_entity_id").is_not_null()),
        gxe.ExpectColumnValuesToMatchRegex(column="speaker_key", regex=ENTITY_KEY_REGEX),
    ]
