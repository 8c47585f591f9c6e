"""The project's own GX expectations, for the two checks GX has no built-in for on pandas:

    ExpectColumnValuesToBeKeysOfTable        foreign key: article_id must be an article of the day
    ExpectMulticolumnValuesToBeKeysOfTable   compound foreign key: (article_id, entity_id) of entities
    ExpectSpanToEqualSourceText              offsets: the source field's text[char_start:char_end]
                                             equals the stored text

Each is a regular GX map expectation (its own metric, `mostly`, `severity`, SUMMARY results with
the failing rows) and renders as a sentence in Data Docs. The other table's keys and texts are not
kwargs (they would be copied into every suite and report): the validation runner registers them
for the partition being validated (`partition_lookups`), and the metrics look them up by name.

Importing this module registers the expectations and metrics with GX, so it is imported only by
code that already pays for the GX import (etl.validate)."""
from __future__ import annotations

import contextlib
from typing import ClassVar, List, Optional, Tuple

import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation, MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    MulticolumnMapMetricProvider,
)
from great_expectations.expectations.metrics.map_metric_provider.column_condition_partial import (
    column_condition_partial,
)
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (
    multicolumn_condition_partial,
)
from great_expectations.render import LegacyRendererType, RenderedStringTemplateContent
from great_expectations.render.renderer.renderer import renderer
from great_expectations.render.renderer_configuration import RendererConfiguration, RendererValueType

# What the partition being validated holds, by name: ("keys", table, columns) -> a container of
# key values (tuples for several columns); "texts" -> an object with field_text(aid, field, index).
_LOOKUPS: dict = {}


@contextlib.contextmanager
def partition_lookups(lookups: dict):
    """Make the partition's keys and texts visible to the metrics while its suites run."""
    _LOOKUPS.clear()
    _LOOKUPS.update(lookups)
    try:
        yield
    finally:
        _LOOKUPS.clear()


def keys_name(table: str, columns) -> tuple:
    return ("keys", table, tuple(columns))


def _lookup(name):
    try:
        return _LOOKUPS[name]
    except KeyError:
        raise LookupError(f"no {name!r} registered for this validation (see expectations._custom)") from None


# --- rendering ----------------------------------------------------------------------------------
def _sentence(configuration, template: str, params: dict):
    mostly = (configuration.kwargs.get("mostly") if configuration else None) or 1
    if mostly < 1:
        template += ", at least $mostly_pct % of the time"
        params = dict(params, mostly_pct=f"{mostly * 100:g}")
    return [RenderedStringTemplateContent(content_block_type="string_template",
                                          string_template={"template": template + ".", "params": params})]


def _atomic(renderer_configuration: RendererConfiguration, template: str, names: tuple) -> RendererConfiguration:
    for name in names:
        renderer_configuration.add_param(name=name, param_type=RendererValueType.STRING)
    renderer_configuration.template_str = template + "."
    return renderer_configuration


# --- foreign keys -------------------------------------------------------------------------------
class ColumnValuesKeysOfTable(ColumnMapMetricProvider):
    condition_metric_name = "column_values.keys_of_table"
    condition_value_keys = ("parent_table",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, parent_table, **kwargs):
        keys = _lookup(keys_name(parent_table, [column.name]))
        return pd.Series([v in keys for v in column.tolist()], index=column.index, dtype=bool)


class ExpectColumnValuesToBeKeysOfTable(ColumnMapExpectation):
    """Each value of `column` is the key (the column of the same name) of a row of `parent_table`
    in the same partition: a foreign key that GX cannot check across two pandas frames."""

    parent_table: str
    map_metric = "column_values.keys_of_table"
    success_keys: ClassVar[Tuple[str, ...]] = ("parent_table", "mostly")
    args_keys = ("column", "parent_table")

    @classmethod
    def _prescriptive_template(cls, renderer_configuration: RendererConfiguration) -> RendererConfiguration:
        return _atomic(renderer_configuration, "$column values must each be the $column of a row of table $parent_table",
                       ("column", "parent_table"))

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None, **kwargs):
        kw = configuration.kwargs if configuration else {}
        return _sentence(configuration, "$column values must each be the $column of a row of table $parent_table",
                         {"column": kw.get("column"), "parent_table": kw.get("parent_table")})


class MulticolumnValuesKeysOfTable(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.keys_of_table"
    condition_domain_keys = ("batch_id", "table", "column_list", "row_condition", "condition_parser", "ignore_row_if")
    condition_value_keys = ("parent_table", "parent_columns")

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, parent_table, parent_columns, **kwargs):
        keys = _lookup(keys_name(parent_table, parent_columns))
        rows = zip(*(column_list[c].tolist() for c in column_list.columns))
        return pd.Series([tuple(r) in keys for r in rows], index=column_list.index, dtype=bool)


class ExpectMulticolumnValuesToBeKeysOfTable(MulticolumnMapExpectation):
    """Each row's values of `column_list` are the values of `parent_columns` (in that order) of a
    row of `parent_table` in the same partition: a compound foreign key. Rows with a missing value
    are skipped with ignore_row_if="any_value_is_missing" (an optional reference)."""

    parent_table: str
    parent_columns: List[str]
    map_metric = "multicolumn_values.keys_of_table"
    success_keys: ClassVar[Tuple[str, ...]] = ("parent_table", "parent_columns", "mostly")
    args_keys = ("column_list", "parent_table", "parent_columns")

    @classmethod
    def _prescriptive_template(cls, renderer_configuration: RendererConfiguration) -> RendererConfiguration:
        return _atomic(renderer_configuration,
                       "Each row's ($column_list) must be the ($parent_columns) of a row of table $parent_table",
                       ("column_list", "parent_columns", "parent_table"))

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None, **kwargs):
        kw = configuration.kwargs if configuration else {}
        template = "Each row's ($column_list) must be the ($parent_columns) of a row of table $parent_table"
        if kw.get("ignore_row_if") == "any_value_is_missing":
            template += " (rows with a missing value are skipped)"
        return _sentence(configuration, template, {"column_list": ", ".join(kw.get("column_list") or []),
                                                   "parent_columns": ", ".join(kw.get("parent_columns") or []),
                                                   "parent_table": kw.get("parent_table")})


# --- spans --------------------------------------------------------------------------------------
class SpanEqualsSourceText(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.span_equals_source_text"
    condition_domain_keys = ("batch_id", "table", "column_list", "row_condition", "condition_parser", "ignore_row_if")
    condition_value_keys = ("text_column", "field")

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, text_column, field=None, **kwargs):
        texts = _lookup("texts")
        n = len(column_list)
        aids = column_list["article_id"].tolist()
        starts = column_list["char_start"].tolist()
        ends = column_list["char_end"].tolist()
        values = column_list[text_column].tolist()
        fields = column_list["field"].tolist() if field is None else [field] * n
        indexes = column_list["field_index"].tolist() if "field_index" in column_list else [0] * n
        ok = []
        for aid, fld, idx, start, end, value in zip(aids, fields, indexes, starts, ends, values):
            src = texts.field_text(aid, fld, int(idx))
            ok.append(src is not None and 0 <= start < end <= len(src) and src[start:end] == value)
        return pd.Series(ok, index=column_list.index, dtype=bool)


class ExpectSpanToEqualSourceText(MulticolumnMapExpectation):
    """The stored text of each row equals its source: the article's field text (the `field`
    column's field, or the fixed `field`) cut at [char_start, char_end). `column_list` holds
    article_id, char_start, char_end, the text column, and field / field_index when they vary."""

    text_column: str
    field: Optional[str] = None
    map_metric = "multicolumn_values.span_equals_source_text"
    success_keys: ClassVar[Tuple[str, ...]] = ("text_column", "field", "mostly")
    args_keys = ("column_list", "text_column", "field")

    @classmethod
    def _prescriptive_template(cls, renderer_configuration: RendererConfiguration) -> RendererConfiguration:
        return _atomic(renderer_configuration,
                       "$text_column must equal the article's $field text from char_start to char_end",
                       ("text_column", "field"))

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None, **kwargs):
        kw = configuration.kwargs if configuration else {}
        field = kw.get("field")
        return _sentence(configuration,
                         "$text_column must equal the article's $field text from char_start to char_end",
                         {"text_column": kw.get("text_column"),
                          "field": field if field else "field (title, subtitle, body or caption)"})
