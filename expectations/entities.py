"""entities: one row per distinct entity per article."""
from __future__ import annotations

from expectations._common import ENTITY_KEY_REGEX, columns_check, key_checks, not_blank, parent_check

TABLE = "entities"


def expectations(gxe, custom, ctx) -> list:
    from expectations import ENTITY_LABELS, FIELDS

    return [
        columns_check(gxe, TABLE),
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
        parent_check(custom),
        not_blank(gxe, "name"),
    ]
