"""The data dictionary's example rows are the pipeline's real output for seeds/ (never made up)."""
from etl.model import dictionary
from etl.run import examples


def test_stored_examples_are_todays_output_for_the_seed():
    stored = dictionary.load_examples()
    fresh = examples.seed_examples()
    assert set(stored) == set(fresh) == set(dictionary.schema.TABLE_NAMES)
    assert examples.differences(stored, fresh) == [], "run `python -m etl.run.examples` and commit"


def test_examples_are_self_consistent():
    ex = dictionary.load_examples()
    body = ex["articles"]["body"]
    q = ex["quotes"]
    assert body[q["char_start"]:q["char_end"]] == q["quote"]
    assert ex["articles"]["word_count"] == len(__import__("re").findall(r"\w+", body))
    assert ex["rejects"]["reason"] == "duplicate"


def test_differences_name_the_column_and_skip_the_version():
    a = {"articles": {"word_count": 323, "pipeline_version": "0.1.0"}}
    b = {"articles": {"word_count": 412, "pipeline_version": "0.2.0"}}
    assert examples.differences(a, b) == ["articles.word_count: stored 323 != output 412"]
