"""image_captions: one row per caption."""
from __future__ import annotations

from expectations._common import columns_check, key_checks, not_blank, parent_check

TABLE = "image_captions"


def expectations(gxe, custom, ctx) -> list:
    return [
        columns_check(gxe, TABLE),
        *key_checks(gxe, "caption_id"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["article_id", "position"]),
        gxe.ExpectColumnValuesToBeBetween(column="position", min_value=0),
        gxe.ExpectColumnValuesToMatchRegex(column="image_url", regex=r"^https?://"),
        parent_check(custom),
        not_blank(gxe, "caption"),
    ]
