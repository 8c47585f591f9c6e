"""articles: one row per article, keyed by article_id."""
from __future__ import annotations

import pandas as pd

from expectations._common import key_checks, true_check

TABLE = "articles"


def prepare(df: pd.DataFrame, ctx) -> pd.DataFrame:
    # published_at may not lie after the end of the ingest day: a future date is a parse error.
    limit = pd.Timestamp(ctx.ingest_date, tz="UTC") + pd.Timedelta(days=1)
    pub = pd.to_datetime(df["published_at"], utc=True)
    df["check_published_not_after_ingest"] = pub.isna() | (pub < limit)
    df["check_body_not_blank"] = df["body"].fillna("").str.strip().str.len() > 0
    # a precision exactly when there is a publication time; updates not before it nor after the day
    df["check_precision_with_published"] = pub.isna() == df["published_at_precision"].isna()
    mod = pd.to_datetime(df["modified_at"], utc=True)
    df["check_modified_in_range"] = mod.isna() | ((pub.isna() | (mod >= pub)) & (mod < limit))
    df["check_keywords_not_blank"] = df["keywords"].map(_no_blank_items)
    for col in ("source", "section", "description"):
        df[f"check_{col}_not_blank"] = df[col].isna() | (df[col].astype("str").str.strip().str.len() > 0)
    return df


def _no_blank_items(values) -> bool:
    return values is not None and all(isinstance(v, str) and v.strip() for v in values)


def expectations(gxe, ctx) -> list:
    from expectations import WARNING

    return [
        *key_checks(gxe, "article_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="source_uri"),
        gxe.ExpectColumnValuesToBeUnique(column="content_sha256"),
        gxe.ExpectColumnValuesToMatchRegex(column="content_sha256", regex=r"^[0-9a-f]{64}$"),
        gxe.ExpectColumnValuesToBeBetween(column="word_count", min_value=1),
        # A date after the ingest day is reported but does not block: archives re-ingested under
        # an earlier partition date are legitimate, and a wrong date is not worth losing the day.
        gxe.ExpectColumnValuesToBeInSet(column="check_published_not_after_ingest", value_set=[True], meta=WARNING),
        true_check(gxe, "check_body_not_blank"),
        gxe.ExpectColumnValuesToMatchRegex(column="language", regex=r"^[a-z]{2}$"),  # nulls are skipped
        gxe.ExpectColumnValuesToNotBeNull(column="nlp_status"),
        gxe.ExpectColumnValuesToNotBeNull(column="title", mostly=0.9, meta=WARNING),
        gxe.ExpectColumnValuesToBeInSet(column="published_at_precision", value_set=["day", "time"]),
        true_check(gxe, "check_precision_with_published"),
        # Pages state odd update times (before publication, clocks in the wrong zone): reported only.
        gxe.ExpectColumnValuesToBeInSet(column="check_modified_in_range", value_set=[True], meta=WARNING),
        gxe.ExpectColumnValuesToNotBeNull(column="keywords"),
        true_check(gxe, "check_keywords_not_blank"),
        true_check(gxe, "check_source_not_blank"),
        true_check(gxe, "check_section_not_blank"),
        true_check(gxe, "check_description_not_blank"),
    ]
