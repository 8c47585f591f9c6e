"""Great Expectations suites as code, one module per table.

Each module exposes:
    TABLE                     the table it validates
    prepare(df, ctx) -> df    adds derived boolean check columns (`check_*`) that need other
                              tables (parent keys) or text (offsets), so GX can test them per row
    expectations(gxe, ctx)    the list of GX expectations for the prepared frame
`ctx` is a PartitionContext (etl.validate) with the partition's date and key sets.
An expectation whose `meta` has severity "warning" is reported but does not block publishing;
every other failure blocks it."""
from expectations import articles, entities, entity_mentions, image_captions, quotes, rejects

SUITES = {m.TABLE: m for m in (articles, entity_mentions, entities, quotes, image_captions, rejects)}

ENTITY_LABELS = ["PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"]
FIELDS = ["title", "subtitle", "body", "caption"]
WARNING = {"severity": "warning"}
