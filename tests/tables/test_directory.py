"""The entity directory as a pure aggregation of published rows."""
from __future__ import annotations

import pandas as pd

from etl.model.schema import ENTITY_DIRECTORY
from etl.tables.directory import build_directory


def _frames():
    entities = pd.DataFrame([
        # key, article, name, label, mentions, day
        ("person:hillary clinton", "a1", "Hillary Clinton", "PERSON", 3, "2025-11-03"),
        ("person:hillary clinton", "a2", "Hillary Rodham Clinton", "PERSON", 1, "2025-11-05"),
        ("person:hillary clinton", "a3", "Clinton", "PERSON", 2, "2025-11-04"),
        ("person:hillary clinton", "a4", "Hillary Clinton", "ORG", 1, "2025-11-04"),
        ("place:6252001", "a1", "U.S.", "GPE", 2, "2025-11-03"),
        ("place:6252001", "a2", "United States", "GPE", 1, "2025-11-05"),
    ], columns=["entity_key", "article_id", "name", "label", "mention_count", "ingest_date"])
    mentions = pd.DataFrame([("person:hillary clinton", "Clinton"), ("person:hillary clinton", "Mrs. Clinton"),
                             ("place:6252001", "US")], columns=["entity_key", "text"])
    quotes = pd.DataFrame({"speaker_key": ["person:hillary clinton", "person:hillary clinton", None, "org:NATO"]})
    return entities, mentions, quotes


def test_one_row_per_key_with_counts_days_and_aliases():
    d = build_directory(*_frames()).set_index("entity_key")
    assert list(d.reset_index().columns) == ENTITY_DIRECTORY.column_names
    h = d.loc["person:hillary clinton"]
    assert h["name"] == "Hillary Clinton" and h["label"] == "PERSON"
    assert (h["first_day"], h["last_day"], h["days"]) == ("2025-11-03", "2025-11-05", 3)
    assert (h["article_count"], h["mention_count"], h["quote_count"]) == (4, 7, 2)
    assert h["aliases"] == ["Clinton", "Hillary Clinton", "Hillary Rodham Clinton", "Mrs. Clinton"]
    us = d.loc["place:6252001"]
    assert us["quote_count"] == 0 and us["aliases"] == ["U.S.", "US", "United States"]
    # a tie on articles goes to the longer name, never to row order
    assert us["name"] == "United States"


def test_the_result_does_not_depend_on_row_order():
    entities, mentions, quotes = _frames()
    a = build_directory(entities, mentions, quotes)
    b = build_directory(entities.iloc[::-1], mentions.iloc[::-1], quotes.iloc[::-1])
    pd.testing.assert_frame_equal(a, b)


def test_no_rows_gives_an_empty_directory_with_its_columns():
    entities, mentions, quotes = (f.iloc[0:0] for f in _frames())
    d = build_directory(entities, mentions, quotes)
    assert d.empty and list(d.columns) == ENTITY_DIRECTORY.column_names
