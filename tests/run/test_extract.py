"""etl.extract / extract_many: one page (or a stream of pages) through the pipeline's own stages,
as DataFrames with exactly the warehouse's types."""
from datetime import date, datetime, timezone

import pandas as pd
import pytest

import etl
from conftest import ROOT
from etl.model import schema

SEED = ROOT / "seeds" / "2025-12-03" / "000_300d874ee8deddb0.txt"
FROST = ROOT / "seeds" / "2025-12-05" / "002_orchard_frost_losses.txt"


def _assert_registry_types(frames: dict[str, pd.DataFrame]) -> None:
    assert list(frames) == list(schema.TABLE_NAMES)
    for name, df in frames.items():
        spec = schema.TABLES[name]
        assert list(df.columns) == spec.column_names, name
        for c in spec.columns:
            assert df[c.name].dtype == pd.ArrowDtype(c.type), (name, c.name, df[c.name].dtype)


@pytest.fixture(scope="module")
def seed_frames():
    return etl.extract(SEED.read_text(encoding="utf-8"), kind="text", source_uri=str(SEED))


def test_one_page_gives_every_table_with_the_warehouse_types(seed_frames):
    _assert_registry_types(seed_frames)
    arts = seed_frames["articles"]
    assert len(arts) == 1 and arts.loc[0, "title"] == "Trump: Putin Wants To End the War"
    assert str(seed_frames["quotes"]["char_start"].dtype) == "int32[pyarrow]"
    geo = seed_frames["entities"]["geonames_id"]
    assert geo.isna().any() and geo.dropna().map(type).eq(int).all()  # <NA>, never 524901.0


def test_rows_are_the_ones_a_partition_publishes(seed_frames, seed_partition):
    """The same stages as `news-etl run`: the rows equal the seed partition's (but source_uri)."""
    for table in ("articles", "entity_mentions", "entities", "quotes", "image_captions"):
        ours = [{k: v for k, v in r.items() if k != "source_uri"} for r in
                seed_frames[table].astype(object).where(seed_frames[table].notna(), None).to_dict("records")]
        theirs = [{k: v for k, v in r.items() if k not in ("source_uri", "ingest_date")} for r in seed_partition[table]]
        key = schema.TABLES[table].primary_key[0]
        ours, theirs = sorted(ours, key=lambda r: r[key]), sorted(theirs, key=lambda r: r[key])
        assert [sorted(r) for r in ours] == [sorted(r) for r in theirs], table
        for a, b in zip(ours, theirs):
            for col in a:
                va, vb = a[col], b[col]
                if hasattr(va, "tolist"):
                    va = va.tolist()
                if isinstance(va, pd.Timestamp):
                    va = va.to_pydatetime()
                assert va == vb, (table, col, va, vb)


def test_quote_offsets_index_the_body(seed_frames):
    body = seed_frames["articles"].loc[0, "body"]
    quotes = seed_frames["quotes"]
    assert len(quotes) >= 3
    for q in quotes.itertuples():
        assert body[q.char_start:q.char_end] == q.quote
        assert not q.quote.endswith((",", ";", ":"))


def test_record_fields_override_the_page():
    frames = etl.extract(FROST.read_bytes(), kind="text", url="https://www.northfield-wire.example/farming/frost",
                         published_at=date(2025, 12, 4), section="Farming")
    art = frames["articles"].iloc[0]
    assert art["url"] == "https://www.northfield-wire.example/farming/frost"
    assert art["published_at"] == pd.Timestamp(datetime(2025, 12, 4, tzinfo=timezone.utc))
    assert art["published_at_precision"] == "day"
    assert art["section"] == "Farming"
    assert art["source"] == "Northfield Wire"  # the byline's organisation beats the domain


def test_a_page_without_an_article_is_a_reject_row():
    frames = etl.extract("<html><head><title>Home</title></head><body><img src=a.png></body></html>")
    _assert_registry_types(frames)
    assert frames["articles"].empty
    assert frames["rejects"]["reason"].tolist() == ["no_article"]


def test_bad_arguments_say_what_is_allowed():
    with pytest.raises(ValueError, match="kind"):
        etl.extract("text", kind="pdf")
    with pytest.raises(TypeError, match="known:"):
        etl.extract("text", kind="text", headline="x")
    with pytest.raises(TypeError, match="iterable"):
        etl.extract_many("one page as a string")


def test_many_pages_are_streamed_and_duplicates_rejected():
    consumed = []

    def pages():  # a generator: extract_many must not need len() or a list
        for item in [{"text": SEED.read_text(encoding="utf-8"), "source_uri": "a"},
                     {"text": FROST.read_text(encoding="utf-8"), "source_uri": "b"},
                     {"text": SEED.read_text(encoding="utf-8"), "source_uri": "a-again"},
                     {"html": "   ", "source_uri": "blank"},
                     FROST]:
            consumed.append(item)
            yield item

    frames = etl.extract_many(pages(), batch_size=2, progress=False)
    _assert_registry_types(frames)
    assert len(consumed) == 5
    assert sorted(frames["articles"]["source_uri"]) == ["a", "b"]
    rejects = dict(zip(frames["rejects"]["source_uri"], frames["rejects"]["reason"]))
    assert rejects == {"a-again": "duplicate", "blank": "empty", str(FROST): "duplicate"}
    assert set(frames["quotes"]["article_id"]) <= set(frames["articles"]["article_id"])


def test_progress_bar_goes_to_stderr_when_asked(capsys):
    etl.extract_many([FROST.read_text(encoding="utf-8")], kind="text", progress=True)
    assert "page" in capsys.readouterr().err
