"""Checks shared by the suites."""
from __future__ import annotations

from etl.model import schema


def key_checks(gxe, key: str) -> list:
    return [gxe.ExpectColumnValuesToNotBeNull(column=key), gxe.ExpectColumnValuesToBeUnique(column=key)]


def columns_check(gxe, table: str):
    """The frame has exactly the registry's columns (a writer that dropped or added one is caught
    here, before any column-level check reports a confusing miss)."""
    return gxe.ExpectTableColumnsToMatchSet(column_set=schema.TABLES[table].column_names, exact_match=True)


def parent_check(custom, column: str = "article_id"):
    """The row's article is an article of the same partition."""
    return custom.ExpectColumnValuesToBeKeysOfTable(column=column, parent_table="articles")


def not_blank(gxe, column: str, **kwargs):
    """Text that is empty or only whitespace (null is checked, where it matters, by not-null)."""
    return gxe.ExpectColumnValuesToNotMatchRegex(column=column, regex=r"^\s*$", **kwargs)


def true_check(gxe, column: str, **kwargs):
    """A boolean column derived in a suite's `prepare` must be True. Prefer a GX or custom
    expectation: this one renders as "values must belong to this set: True"."""
    return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], **kwargs)


# entity_key / speaker_key: a kind, a colon, a name or id (etl.nlp.linking).
ENTITY_KEY_REGEX = r"^[a-z_]+(?:-[a-z]+)?:\S.*$"
