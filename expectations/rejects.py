"""rejects: one row per input that could not be processed, with a reason code."""
from __future__ import annotations

from expectations._common import columns_check, key_checks

TABLE = "rejects"


def expectations(gxe, custom, ctx) -> list:
    return [
        columns_check(gxe, TABLE),
        *key_checks(gxe, "reject_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="source_uri"),
        gxe.ExpectColumnValuesToMatchRegex(column="reason", regex=r"^[a-z][a-z0-9_]*$"),
        gxe.ExpectColumnValuesToNotBeNull(column="detail"),
    ]
