"""Great Expectations suites as code, one module per table, plus the day-level suites.

Each table module exposes:
    TABLE                            the table it validates
    expectations(gxe, custom, ctx)   its GX expectations: `gxe` is great_expectations.expectations,
                                     `custom` the project's own (expectations._custom), `ctx` the
                                     partition being validated (etl.validate.PartitionContext)
Failures of an expectation with severity "warning" (GX's own `severity` field) are reported but
do not block publishing; every other failure blocks it.

`day` holds the partition-level suites (volume, reject rate, drift against the trailing published
partitions); they validate one-row-per-input and one-row-per-article profiles of the day rather
than a table (see etl.validate.profile)."""
from expectations import articles, day, entities, entity_mentions, image_captions, quotes, rejects

SUITES = {m.TABLE: m for m in (articles, entity_mentions, entities, quotes, image_captions, rejects)}
DAY_SUITES = day.SUITES

ENTITY_LABELS = ["PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"]
FIELDS = ["title", "subtitle", "body", "caption"]
WARNING = "warning"
