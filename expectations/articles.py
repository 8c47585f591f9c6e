"""articles: one row per article, keyed by article_id."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from expectations._common import columns_check, key_checks, not_blank

TABLE = "articles"


def expectations(gxe, custom, ctx) -> list:
    from great_expectations.expectations.row_conditions import Column

    from expectations import WARNING

    # published_at may not lie after the end of the ingest day: a future date is a parse error.
    day_end = datetime.fromisoformat(ctx.ingest_date).replace(tzinfo=timezone.utc) + timedelta(days=1)
    return [
        columns_check(gxe, TABLE),
        *key_checks(gxe, "article_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="source_uri"),
        gxe.ExpectColumnValuesToBeUnique(column="content_sha256"),
        gxe.ExpectColumnValuesToMatchRegex(column="content_sha256", regex=r"^[0-9a-f]{64}$"),
        gxe.ExpectColumnValuesToBeBetween(column="word_count", min_value=1),
        # Reported but not blocking: archives re-ingested under an earlier partition date are
        # legitimate, and a wrong date is not worth losing the day.
        gxe.ExpectColumnValuesToBeBetween(column="published_at", max_value=day_end, strict_max=True,
                                          severity=WARNING),
        not_blank(gxe, "body"),
        gxe.ExpectColumnValuesToMatchRegex(column="language", regex=r"^[a-z]{2}$"),  # nulls are skipped
        gxe.ExpectColumnValuesToNotBeNull(column="nlp_status"),
        gxe.ExpectColumnValuesToMatchRegex(column="nlp_status", regex=r"^(ok$|skipped:|error:|partial:)"),
        gxe.ExpectColumnValuesToNotBeNull(column="title", mostly=0.9, severity=WARNING),
        # A precision exactly when there is a publication time.
        gxe.ExpectColumnValuesToBeInSet(column="published_at_precision", value_set=["day", "time"]),
        gxe.ExpectColumnValuesToNotBeNull(column="published_at_precision", row_condition=Column("published_at").is_not_null()),
        gxe.ExpectColumnValuesToBeNull(column="published_at_precision", row_condition=Column("published_at").is_null()),
        # Pages state odd update times (before publication, clocks in the wrong zone): reported only.
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="modified_at", column_B="published_at", or_equal=True,
                                                    ignore_row_if="either_value_is_missing", severity=WARNING),
        gxe.ExpectColumnValuesToBeBetween(column="modified_at", max_value=day_end, strict_max=True,
                                          severity=WARNING),
        gxe.ExpectColumnValuesToNotBeNull(column="keywords"),  # blank keywords are dropped when rows are built
        not_blank(gxe, "source"),
        not_blank(gxe, "section"),
        not_blank(gxe, "description"),
    ]
