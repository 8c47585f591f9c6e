"""The articles suite covers the metadata columns: precision only with a publication time, in its
allowed set; no blank source/section/description; odd update times warned. Blank keywords never
reach the suite: the row builder drops them."""
from datetime import datetime, timezone

import pytest

from etl import tables
from etl.model import schema
from etl.model.ids import sha256_text
from etl.model.records import ArticleResult, ParsedPage, SourceDocument
from etl.validate import validate_frames

DAY = "2025-12-05"


def _frames(**page_fields) -> dict:
    body = "Growers in the Alder Valley counted their losses on Thursday."
    page = ParsedPage(title="Frost", body=body, language="en", source="Northfield Wire", section="Farming",
                      keywords=["frost"], published_at=datetime(2025, 12, 5, tzinfo=timezone.utc),
                      published_precision="day", modified_at=datetime(2025, 12, 5, 9, tzinfo=timezone.utc))
    for k, v in page_fields.items():
        setattr(page, k, v)
    art = ArticleResult(source=SourceDocument("in/a.txt", "text", body), page=page, article_id="a1",
                        content_sha256=sha256_text(body))
    rows = tables.article_rows([art])
    rows["rejects"] = []
    frames = {t: tables.to_arrow(t, tables.frame(t, rows[t])).to_pandas() for t in schema.TABLE_NAMES}
    return frames


def _failed(frames, tmp_path):
    pytest.importorskip("great_expectations")
    report = validate_frames(frames, DAY, tmp_path, "test", build_docs=False)
    # the articles suite only: a one-article day also meets the day-level volume bounds
    return ({(f["expectation"], str(f["column"])) for f in report.failures if f["table"] == "articles"},
            {(w["expectation"], str(w["column"])) for w in report.warnings if w["table"] == "articles"})


def test_clean_metadata_passes(tmp_path):
    failures, warnings = _failed(_frames(), tmp_path)
    assert not failures and not warnings


def test_bad_metadata_is_caught(tmp_path):
    frames = _frames()
    arts = frames["articles"]
    arts.loc[0, "published_at_precision"] = "minute"
    arts.loc[0, "section"] = "  "
    arts.loc[0, "modified_at"] = datetime(2025, 12, 1, tzinfo=timezone.utc)  # before publication
    failures, warnings = _failed(frames, tmp_path)
    assert ("expect_column_values_to_be_in_set", "published_at_precision") in failures
    assert ("expect_column_values_to_not_match_regex", "section") in failures
    assert "expect_column_pair_values_a_to_be_greater_than_b" in {e for e, _ in warnings}


def test_precision_without_a_publication_time_fails(tmp_path):
    frames = _frames()
    frames["articles"].loc[0, "published_at"] = None
    failures, _ = _failed(frames, tmp_path)
    assert ("expect_column_values_to_be_null", "published_at_precision") in failures


def test_blank_keywords_are_dropped_when_rows_are_built():
    frames = _frames(keywords=["frost", " ", ""])
    assert list(frames["articles"].loc[0, "keywords"]) == ["frost"]
