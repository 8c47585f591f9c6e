"""articles: one row per article, keyed by article_id."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from expectations._common import columns_check, key_checks, not_blank

TABLE = "articles"


def expectations(gxe, custom, ctx) -> list:
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
        gxe.ExpectColumnValuesToMatchRegex(column="nlp_status", regex=r"^(ok$|skipped:|error:)"),
        gxe.ExpectColumnValuesToNotBeNull(column="title", mostly=0.9, severity=WARNING),
    ]
