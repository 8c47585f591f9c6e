"""Checks shared by the suites of child tables."""
from __future__ import annotations


def key_checks(gxe, key: str) -> list:
    return [gxe.ExpectColumnValuesToNotBeNull(column=key), gxe.ExpectColumnValuesToBeUnique(column=key)]


def parent_check(df, ctx):
    """check_article_exists: the row's article_id is an article of the same partition."""
    df["check_article_exists"] = df["article_id"].isin(ctx.article_ids)
    return df


def true_check(gxe, column: str) -> object:
    return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True])


# entity_key / speaker_key: a kind, a colon, a name or id (etl.nlp.linking).
ENTITY_KEY_REGEX = r"^[a-z_]+(?:-[a-z]+)?:\S.*$"
